"""Fuzz the input parsers: random and mutated inputs for a given time, unexpected exceptions counted.

Every parser that reads a user's file (events CSV/YAML/GeoJSON, ACLED exports, snapshots
CSV and Wikipedia modules, gazetteer sources CSV/GeoJSON/GeoNames/Wikipedia module, alias
files, GeoNames alternate names, actor tables, region and barrier files, batch name files)
and the name normalizer are fed inputs made by a seeded mutator from real files (the
repository's fixtures and the head of the ``../shared/data`` samples): byte flips, inserted
tokens (quotes, separators, NUL, BOM, ``nan``, ``1e999``, impossible dates, deep brackets,
long runs), deleted, duplicated and swapped lines, truncation and splices of two files.

A parser may accept an input or refuse it with the project's own error classes
(:class:`geomap.exc.GeomapError`, :class:`gazetteer.exc.GazetteerError` and their
subclasses); anything else (``KeyError``, ``RecursionError``, a ``csv.Error``, a hang of
more than 20 s ...) is a bug: it is listed with the input that caused it (saved under
``--save``).

Usage::

    python benchmarks/fuzz_parsers.py --seconds 600          # the 10-minute run
    python benchmarks/fuzz_parsers.py --seconds 30 --seed 7  # a smoke run

Exit code 0 when no unexpected exception was seen, 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
FIXTURES = REPO / "tests" / "fixtures"
BAD = REPO / "tests" / "bad_inputs"

TOKENS: tuple[bytes, ...] = (
    b",", b'"', b"'", b"\n", b"\r\n", b"\r", b"\t", b";", b"|", b":", b"#", b"\x00",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\x80", b"\xc3", b"nan", b"NaN", b"inf", b"-inf", b"1e999",
    b"-0", b"0", b"0,0", b"999", b"-181", b"1e308", b"true", b"null", b"[]", b"{}", b"[",
    b"{", b"]", b"}", b"[[[[[[[[[[", b"2016-02-30", b"0000-01-01", b"9999-12-31",
    b"2016-W60", b"2016-13", b"0001-01-01", b"--", b"- ", b"? ", b": ", b"&a ", b"*a",
    b"!!python/object:os.system", b"{{", b"}}", b"marks = {", b"mark = ", b"lat = ",
    b"\u202e".decode().encode(), b"<script>", b"A" * 300, b" " * 50, b"\\", b"\\u0000",
    b'"type":"Feature"', b'"coordinates":', b'"geometry":null', b"Polygon", b"Point",
    b"captured", b"IS", b"gov", b"Daesh", b"place_id", b"geonames:", b"x_",
)


# --------------------------------------------------------------------------- mutator


def mutate(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    """Apply 1 to 6 random edits to ``data``."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(10)
        n = len(buf)
        if op == 0 and n:  # flip bytes
            for _ in range(rng.randint(1, 4)):
                buf[rng.randrange(n)] = rng.randrange(256)
        elif op in (1, 2):  # insert a token
            pos = rng.randint(0, len(buf))
            buf[pos:pos] = rng.choice(TOKENS)
        elif op == 3 and n:  # delete a range
            a = rng.randrange(n)
            del buf[a:a + rng.randint(1, 64)]
        elif op == 4:  # duplicate, swap or drop lines
            lines = bytes(buf).split(b"\n")
            if len(lines) > 1:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                what = rng.randrange(3)
                if what == 0:
                    lines.insert(j, lines[i])
                elif what == 1:
                    lines[i], lines[j] = lines[j], lines[i]
                else:
                    del lines[i]
            buf = bytearray(b"\n".join(lines))
        elif op == 5 and n:  # truncate
            del buf[rng.randrange(n):]
        elif op == 6 and others:  # splice with another file
            other = rng.choice(others)
            if other:
                a = rng.randrange(len(other))
                pos = rng.randint(0, len(buf))
                buf[pos:pos] = other[a:a + rng.randint(1, 200)]
        elif op == 7 and n:  # repeat a chunk
            a = rng.randrange(n)
            chunk = bytes(buf[a:a + rng.randint(1, 16)])
            buf[a:a] = chunk * rng.randint(2, 200)
        elif op == 8:  # random bytes
            pos = rng.randint(0, len(buf))
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
        elif op == 9 and n:  # replace a field between separators with a token
            seps = [i for i, b in enumerate(buf) if b in b",\t\n:"]
            if len(seps) >= 2:
                k = rng.randrange(len(seps) - 1)
                buf[seps[k] + 1:seps[k + 1]] = rng.choice(TOKENS)
    return bytes(buf)


def random_text(rng: random.Random) -> str:
    """A random string mixing Latin, Arabic, combining marks, controls and punctuation."""
    pools = ("abcdefghijklmnopqrstuvwxyz'`-‘’ʿʾ ", "ابتثجحخدذرزسشصضطظعغفقكلمنهويةءآأإىؤئ",
             "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640",
             "\u0300\u0301\u0302\u0308\u0327\u0331\u0323", "\x00\x01\t\n\r\x7f\u200b\u200e"
             "\u202e\ufeff\u00a0", "ÂÉÎÕÜçñßøĀāĪīŪūḤḥṢṣṬṭẒẓḌḍ", "0123456789.,;:()[]{}<>/\\\"",
             "\U0001f600\ud7ff\ufffd\uffff")
    n = rng.choice((0, 1, 2, 5, 10, 30, 200))
    return "".join(rng.choice(rng.choice(pools)) for _ in range(n))


# --------------------------------------------------------------------------- targets


@dataclass
class Target:
    name: str
    suffix: str
    call: Callable[[Path], Any]
    seeds: list[bytes] = field(default_factory=list)
    tried: int = 0
    accepted: int = 0
    refused: int = 0
    bugs: list[tuple[str, str]] = field(default_factory=list)


def _head(path: Path, lines: int = 60) -> bytes:
    with open(path, "rb") as fh:
        return b"".join(fh.readline() for _ in range(lines))


def _files(*paths: Path) -> list[bytes]:
    return [p.read_bytes() if p.stat().st_size < 200_000 else _head(p) for p in paths
            if p.is_file()]


def _glob(folder: Path, *patterns: str) -> list[Path]:
    out: list[Path] = []
    for pat in patterns:
        out.extend(sorted(folder.glob(pat)))
    return out


class _Tiny:
    """A two-place gazetteer for snapshot rows that give only a name or an id."""

    def __init__(self) -> None:
        from gazetteer._types import Place

        self.places = {"curated:ayyash": Place("curated:ayyash", "Ayyash", 35.421, 40.055)}

    def get(self, place_id: str) -> Any:
        return self.places.get(place_id)

    def resolve_many(self, names: Any, *, near: Any = None, country: Any = None) -> Any:
        from gazetteer._types import Match, Resolution

        p = self.places["curated:ayyash"]
        return [Resolution(n, "found", Match(p, n, 0.9, "alias")) if "ay" in n.lower()
                else Resolution(n, "not_found") for n in names]


def targets() -> list[Target]:
    from gazetteer.cli import _read_batch
    from gazetteer.sources import (
        read_aliases,
        read_alternate_names,
        read_source,
    )
    from geomap.actors import ActorRegistry
    from geomap.events import read_acled, read_events
    from geomap.io import read_barriers, read_region
    from geomap.snapshot import read_snapshot

    ev, src, geo = FIXTURES / "events", FIXTURES / "sources", FIXTURES / "geometry"
    example = REPO / "examples" / "deir-ez-zor-2016"
    wiki = SHARED / "wikipedia-map-modules"
    tiny = _Tiny()

    def drain(it: Any, *, listen: bool) -> None:
        skipped: list[Any] = []
        for _ in (it(skipped) if listen else it(None)):
            pass

    def source(fmt: str) -> Callable[[Path], Any]:
        def call(p: Path) -> None:
            drain(lambda s: read_source(p, format=fmt, skipped=s), listen=False)
            drain(lambda s: read_source(p, format=fmt, skipped=s), listen=True)
        return call

    out = [
        Target("read_events csv", ".csv", lambda p: read_events(p, skip_invalid=True),
               _files(example / "events.csv", *_glob(ev, "*.csv"), *_glob(BAD, "events-*.csv"))),
        Target("read_events yaml", ".yaml", lambda p: read_events(p),
               _files(ev / "seed_events.yaml", *_glob(BAD, "events-*.yaml"))),
        Target("read_events geojson", ".geojson", lambda p: read_events(p, skip_invalid=True),
               _files(ev / "seed_events.geojson", *_glob(BAD, "events-*.geojson"))),
        Target("read_acled", ".csv", lambda p: read_acled(p),
               _files(ev / "acled_deir_ezzor.csv", *_glob(BAD, "acled-*.csv"))),
        Target("read_snapshot csv", ".csv",
               lambda p: read_snapshot(p, gazetteer=tiny, date="2016-01-01"),
               _files(example / "initial.csv", ev / "seed_snapshot.csv",
                      *_glob(BAD, "snapshot-*.csv"))),
        Target("read_snapshot lua", ".lua", lambda p: read_snapshot(p, date=dt.date(2016, 1, 1)),
               _files(src / "module_quirks.lua", src / "module_broken.lua",
                      wiki / "syria_module.lua")),
        Target("read_source csv", ".csv", source("csv"),
               _files(*_glob(src, "sites*.csv"), SHARED / "airportsdata" / "airports_SY_IQ.csv",
                      *_glob(BAD, "source-*.csv"))),
        Target("read_source geojson", ".geojson", source("geojson"),
               _files(SHARED / "natural-earth" / "ne_10m_admin_1_label_points_SY_IQ.geojson",
                      *_glob(BAD, "source-*.geojson"))),
        Target("read_source wikipedia-module", ".lua", source("wikipedia-module"),
               _files(src / "module_quirks.lua", src / "module_broken.lua",
                      wiki / "syria_module.lua", wiki / "iraq_module.lua")),
        Target("read_source geonames", ".txt", source("geonames"),
               _files(src / "geonames_broken.txt",
                      SHARED / "geonames-cities500" / "cities500_SY_IQ.txt")),
        Target("read_alternate_names", ".txt",
               lambda p: drain(lambda s: read_alternate_names(p, skipped=s), listen=False),
               _files(src / "alternateNamesV2_sample.txt", src / "alternateNames_broken.txt")),
        Target("read_aliases", ".csv", lambda p: read_aliases(p),
               _files(src / "aliases.csv", src / "aliases_broken.csv",
                      *_glob(BAD, "aliases-*.csv"))),
        Target("actor table", ".csv", lambda p: ActorRegistry.default().extended_with(p),
               _files(REPO / "geomap" / "data" / "actors.csv", *_glob(BAD, "actors-*.csv"))),
        Target("read_region", ".geojson", lambda p: read_region(p),
               _files(geo / "bad_region.geojson", SHARED / "natural-earth" /
                      "ne_50m_admin_0_SY_IQ.geojson", *_glob(BAD, "region-*.geojson"))),
        Target("read_barriers", ".geojson", lambda p: read_barriers(p),
               _files(geo / "river.geojson", SHARED / "natural-earth" / "ne_10m_euphrates.geojson",
                      *_glob(BAD, "barrier-*.geojson"))),
        Target("batch names", ".txt", lambda p: list(_read_batch(str(p))),
               _files(*_glob(BAD, "batch-*.txt")) or [b"Deir ez-Zor\nAyyash\n"]),
    ]
    return [t for t in out if t.seeds]


def normalize_target() -> Target:
    from gazetteer.normalize import keys, normalize, skeleton

    def call(text: str) -> None:
        key = normalize(text)
        skeleton(text)
        keys(text)
        if normalize(key) != key:
            msg = f"normalize is not idempotent on {text!r}: {key!r} -> {normalize(key)!r}"
            raise AssertionError(msg)

    return Target("normalize/skeleton/keys", "", call)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- loop


class _Hang(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Hang


def run(seconds: float, seed: int, save: Path | None, hang: int = 20) -> list[Target]:
    """Fuzz every target in turn until ``seconds`` have passed; return the targets."""
    from gazetteer.exc import GazetteerError
    from geomap.exc import GeomapError

    expected = (GeomapError, GazetteerError)
    rng = random.Random(seed)
    ts = targets()
    norm = normalize_target()
    names = [s.decode("utf-8", "replace") for t in ts for s in t.seeds]
    words = [w for text in names[:20] for w in text.replace(",", " ").split()][:5000]
    all_seeds = [s for t in ts for s in t.seeds]
    signal.signal(signal.SIGALRM, _alarm)
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory(prefix="geomap-fuzz-") as tmp:
        i = 0
        while time.monotonic() < deadline:
            i += 1
            # normalizer: cheap, many per round
            for _ in range(20):
                text = (random_text(rng) if rng.random() < 0.5
                        else mutate(rng, rng.choice(words).encode(), []).decode("utf-8",
                                                                                 "replace"))
                norm.tried += 1
                try:
                    norm.call(text)  # type: ignore[arg-type]
                    norm.accepted += 1
                except Exception as exc:
                    norm.bugs.append((f"{type(exc).__name__}: {exc}"[:300], repr(text)[:300]))
            t = ts[i % len(ts)]
            data = mutate(rng, rng.choice(t.seeds), all_seeds)
            path = Path(tmp) / f"in{t.suffix}"
            path.write_bytes(data)
            t.tried += 1
            signal.alarm(hang)
            try:
                t.call(path)
                t.accepted += 1
            except expected:
                t.refused += 1
            except _Hang:
                t.bugs.append((f"hang: no answer within {hang} s", _keep(save, t, data)))
            except Exception as exc:
                tb = traceback.extract_tb(exc.__traceback__)[-1]
                where = f"{Path(tb.filename).name}:{tb.lineno}"
                t.bugs.append((f"{type(exc).__name__} at {where}: {exc}"[:300],
                               _keep(save, t, data)))
            finally:
                signal.alarm(0)
    return [*ts, norm]


def _keep(save: Path | None, t: Target, data: bytes) -> str:
    if save is None:
        return f"{len(data)} bytes (pass --save DIR to keep)"
    save.mkdir(parents=True, exist_ok=True)
    name = t.name.replace(" ", "_").replace("/", "_")
    p = save / f"{name}-{len(t.bugs)}{t.suffix}"
    p.write_bytes(data)
    return str(p)


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer and print a table; return 1 if any unexpected exception was seen."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=600.0, help="how long (default 600)")
    ap.add_argument("--seed", type=int, default=20160118, help="random seed")
    ap.add_argument("--save", type=Path, default=None,
                    help="folder to save the inputs that raised unexpected exceptions")
    args = ap.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    start = time.monotonic()
    result = run(args.seconds, args.seed, args.save)
    took = time.monotonic() - start
    print(f"fuzzed for {took:.0f} s (seed {args.seed})")
    print(f"{'parser':32} {'inputs':>9} {'accepted':>9} {'refused':>9} {'unexpected':>10}")
    total = bugs = 0
    for t in result:
        total += t.tried
        bugs += len(t.bugs)
        print(f"{t.name:32} {t.tried:9d} {t.accepted:9d} {t.refused:9d} {len(t.bugs):10d}")
    print(f"{'total':32} {total:9d} {'':9} {'':9} {bugs:10d}")
    seen: set[str] = set()
    for t in result:
        for what, where in t.bugs:
            key = f"{t.name}: {what.split(':')[0]}"
            if key in seen:
                continue
            seen.add(key)
            print(f"UNEXPECTED {t.name}: {what}\n    input: {where}")
    print("no unexpected exception" if not bugs else f"{bugs} unexpected exception(s)")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
