"""The ``gazetteer`` command: a thin layer over :mod:`gazetteer`.

Exit codes: 0 found (or done), 1 not found (a batch: any line not found), 2 bad
input or usage. Errors are one line per problem on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from gazetteer._types import Resolution
from gazetteer.exc import GazetteerError, Problem, SourceFormatError

__all__ = ["main", "print_error"]

log = logging.getLogger("gazetteer")

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT = 0, 1, 2

MAX_PRINTED_PROBLEMS = 200
"""Problems printed one per line before the rest are only counted."""


class _UsageError(Exception):
    pass


def _latlon(text: str) -> tuple[float, float]:
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        msg = f"expected LAT,LON (e.g. 35.33,40.14), got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        msg = f"coordinates out of range: {text!r} (latitude first, then longitude)"
        raise argparse.ArgumentTypeError(msg)
    return lat, lon


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        s, w, n, e = (float(x) for x in text.split(","))
    except ValueError:
        msg = f"expected SOUTH,WEST,NORTH,EAST in degrees, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not (-90 <= s <= n <= 90 and -180 <= w <= e <= 180):
        msg = f"not a box (south <= north, west <= east): {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return s, w, n, e


def _country(text: str) -> str:
    if len(text) != 2 or not text.isalpha():
        msg = f"expected a two-letter ISO country code, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text.upper()


def _unit_interval(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = -1.0
    if not 0.0 <= v <= 1.0:
        msg = f"expected a number from 0 to 1, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return v


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gazetteer",
        description="Resolve place names (any romanization, Arabic script, typos) offline.",
    )
    p.add_argument("--gazetteer", metavar="INDEX",
                   help="index file to use (default: $GAZETTEER_INDEX, else the embedded "
                        "default, compiled into the cache directory on first use)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    p.add_argument("-q", "--quiet", action="store_true", help="only errors")
    sub = p.add_subparsers(dest="command", required=True)

    lk = sub.add_parser("lookup", help="resolve one name, or a file of names (--batch)")
    lk.add_argument("name", nargs="*", help="the place name (several words are joined)")
    lk.add_argument("--batch", metavar="FILE",
                    help="one name per line ('-' for stdin); writes one result per line")
    lk.add_argument("--near", type=_latlon, metavar="LAT,LON", help="prefer places near here")
    lk.add_argument("--country", type=_country, metavar="CC", help="only this country")
    lk.add_argument("--bbox", type=_bbox, metavar="S,W,N,E", help="only inside this box")
    lk.add_argument("--limit", type=int, default=5, metavar="N",
                    help="alternatives to show (default 5)")
    lk.add_argument("--min-score", type=_unit_interval, default=None, metavar="X",
                    help="cut-off below which a name is not found (default 0.7)")
    lk.add_argument("--json", action="store_true", help="JSON output (JSON Lines for --batch)")

    bd = sub.add_parser("build", help="build an index from sources")
    bd.add_argument("sources", nargs="+", metavar="SOURCE",
                    help="'default' (the embedded sources), GeoNames dumps (SY.txt, "
                         "allCountries.txt), alternateNamesV2.txt, Wikipedia map modules "
                         "(.lua), CSV, GeoJSON or GeoPackage files")
    bd.add_argument("-o", "--output", required=True, metavar="INDEX", help="index file to write")
    bd.add_argument("--aliases", metavar="FILE", action="append", default=[],
                    help="CSV (name, place_id[, note]) pinning spellings to places")
    bd.add_argument("--skip-invalid", action="store_true",
                    help="go on without invalid rows (they are listed on stderr)")

    inf = sub.add_parser("info", help="what the index holds")
    inf.add_argument("--json", action="store_true")

    dl = sub.add_parser("download", help="download a GeoNames country file (needs network)")
    dl.add_argument("what", choices=["geonames"])
    dl.add_argument("country", type=_country, metavar="CC")
    dl.add_argument("-o", "--output-dir", default=".", metavar="DIR")
    dl.add_argument("--base-url", default=None, help=argparse.SUPPRESS)
    return p


def _open_gazetteer(args: argparse.Namespace) -> Any:
    from gazetteer.resolve import Gazetteer

    return Gazetteer(args.gazetteer or os.environ.get("GAZETTEER_INDEX") or None)


def _fmt_text(r: Resolution) -> str:
    if r.match is None:
        line = f"{r.query}: not found"
        if r.suggestions:
            line += "; did you mean: " + ", ".join(r.suggestions)
        return line
    m = r.match
    p = m.place
    where = ", ".join(x for x in (p.country, p.admin1) if x)
    head = (f"{r.query} -> {p.name}" + (f" ({where})" if where else "")
            + f"  {p.lat:.5f}, {p.lon:.5f}  score {m.score:.2f}")
    if r.status == "ambiguous":
        head += "  AMBIGUOUS"
    lines = [head, f"    id {p.id}  feature {p.feature or '-'}  source {p.source}  "
                   f"matched {m.matched!r} ({m.method})"]
    for a in r.alternatives:
        ap = a.place
        lines.append(f"    alt: {ap.name} ({ap.country or '?'}) {ap.lat:.4f}, {ap.lon:.4f}  "
                     f"score {a.score:.2f}  {ap.id}")
    return "\n".join(lines)


def _read_batch(path: str) -> Iterator[tuple[int, str]]:
    if path == "-":
        stream: TextIO = sys.stdin
        name = "<stdin>"
        for i, line in enumerate(stream, 1):
            yield i, line.rstrip("\r\n").lstrip("\ufeff") if i == 1 else line.rstrip("\r\n")
        return
    name = path
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise SourceFormatError([Problem(name, None, None, e.strerror or str(e))]) from None
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise SourceFormatError([Problem(name, line, None,
                                         "binary data (a NUL byte), not a text file of names")])
    problems = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    decoded: list[str] = []
    for i, raw in enumerate(lines, 1):
        if i == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            decoded.append(raw.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError as e:
            problems.append(Problem(name, i, None, f"not UTF-8 text (byte 0x{raw[e.start]:02x}); "
                                    "save the file as UTF-8"))
    if problems:
        raise SourceFormatError(problems)
    yield from enumerate(decoded, 1)


def _lookup(args: argparse.Namespace) -> int:
    if args.batch is None and not args.name:
        raise _UsageError("lookup needs a NAME or --batch FILE")
    if args.batch is not None and args.name:
        raise _UsageError("give either a NAME or --batch FILE, not both")
    if args.limit < 0:
        raise _UsageError("--limit must be 0 or more")
    gz = _open_gazetteer(args)
    opts: dict[str, Any] = {"near": args.near, "country": args.country, "bbox": args.bbox,
                            "limit": args.limit, "min_score": args.min_score}
    out = sys.stdout
    if args.batch is None:
        r = gz.resolve(" ".join(args.name), **opts)
        if args.json:
            out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(_fmt_text(r) + "\n")
        return EXIT_OK if r.found else EXIT_NOT_FOUND
    missing = 0
    lines = list(_read_batch(args.batch))  # validate the whole file before writing anything
    for _i, name in lines:
        r = gz.resolve(name, **opts) if name.strip() else Resolution(query=name,
                                                                     status="not_found")
        if not r.found:
            missing += 1
        if args.json:
            out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        else:
            m = r.match
            cols = [name, "" if m is None else m.place.name,
                    "" if m is None else f"{m.place.lat:.6f}",
                    "" if m is None else f"{m.place.lon:.6f}",
                    "" if m is None else f"{m.score:.4f}", "" if m is None else m.place.id,
                    r.status]
            out.write("\t".join(c.replace("\t", " ") for c in cols) + "\n")
    log.info("%d names, %d not found", len(lines), missing)
    return EXIT_NOT_FOUND if missing else EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from gazetteer.index import build_index
    from gazetteer.sources import (
        builtin_fingerprint,
        builtin_places,
        detect_format,
        read_aliases,
        read_alternate_names,
        read_source,
    )

    skipped: list[Problem] = []
    alt_files: list[str] = []
    place_sources: list[tuple[str, str | None]] = []
    problems: list[Problem] = []
    for s in args.sources:
        if s == "default":
            place_sources.append((s, None))
            continue
        if not Path(s).is_file():
            problems.append(Problem(s, None, None, "no such file"))
            continue
        if Path(s).name.lower().startswith("alternatenames"):
            alt_files.append(s)  # GeoNames alternate names: joined to the geonames places
            continue
        try:
            place_sources.append((s, detect_format(s)))
        except GazetteerError as e:
            problems.append(Problem(s, None, None, str(e).removeprefix(f"{s}: ")))
    if problems:
        raise SourceFormatError(problems)
    aliases = []
    for a in args.aliases:
        aliases.extend(read_aliases(a))

    def places() -> Iterator[Any]:
        for s, fmt in place_sources:
            if fmt is None:
                yield from builtin_places()
            else:
                yield from read_source(s, format=fmt,
                                       skipped=skipped if args.skip_invalid else None)

    def alternates() -> Iterator[tuple[int, str, str]]:
        for f in alt_files:
            yield from read_alternate_names(f)

    fingerprint = builtin_fingerprint() if any(f is None for _, f in place_sources) else ""
    info = build_index(args.output, places(), alternate_names=alternates(), aliases=aliases,
                       fingerprint=fingerprint, sources=args.sources)
    for prob in skipped:
        print(f"skipped: {prob}", file=sys.stderr)
    print(f"built {info.path}: {info.places} places, {info.names} names, "
          f"{info.aliases} aliases in {info.build_seconds:.1f} s"
          + (f"; {len(skipped)} rows skipped (listed above)" if skipped else ""),
          file=sys.stderr)
    return EXIT_OK


def _info(args: argparse.Namespace) -> int:
    gz = _open_gazetteer(args)
    info = gz.info()
    if args.json:
        print(json.dumps(info.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"index:   {info.path}\nformat:  {info.format}\nplaces:  {info.places}\n"
              f"names:   {info.names}\naliases: {info.aliases}\nbuilt:   {info.built_at} "
              f"({info.build_seconds:.1f} s)\nsources:")
        for s in info.sources.splitlines():
            print(f"  - {s}")
    return EXIT_OK


def _download(args: argparse.Namespace) -> int:
    from gazetteer.download import download_geonames

    path = download_geonames(args.country, args.output_dir, base_url=args.base_url)
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def print_error(e: BaseException, prog: str) -> None:
    """Print an error: each located problem as ``FILE:LINE: column: message``."""
    problems = getattr(e, "problems", None)
    if problems:
        for prob in problems[:MAX_PRINTED_PROBLEMS]:
            print(str(prob), file=sys.stderr)
        more = len(problems) - MAX_PRINTED_PROBLEMS
        if more > 0:  # a wholly wrong file (say, a shifted column) would flood the terminal
            print(f"{prog}: ... and {more} more problem(s) of the same file(s)",
                  file=sys.stderr)
        print(f"{prog}: {len(problems)} problem(s); nothing was written", file=sys.stderr)
        return
    for line in str(e).splitlines():
        print(f"{prog}: error: {line}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gazetteer`` command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse already printed the usage error
        return EXIT_BAD_INPUT if e.code not in (0, None) else EXIT_OK
    level = logging.ERROR if args.quiet else (logging.INFO if args.verbose else logging.WARNING)
    logging.basicConfig(level=level, format="gazetteer: %(message)s")
    try:
        if args.command == "lookup":
            return _lookup(args)
        if args.command == "build":
            return _build(args)
        if args.command == "info":
            return _info(args)
        return _download(args)
    except _UsageError as e:
        parser.print_usage(sys.stderr)
        print(f"gazetteer: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except GazetteerError as e:
        print_error(e, "gazetteer")
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
