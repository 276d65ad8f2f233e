"""The ``geomap`` command: a thin layer over :mod:`geomap`.

Exit codes: 0 done, 1 nothing produced, 2 bad input or usage. Problems are
printed one per line as ``FILE:LINE: column: message``, never a traceback;
outputs are written to a temporary file and renamed, so a failed run leaves no
half-written file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazetteer.cli import print_error as _print_error
from gazetteer.exc import GazetteerError, Problem

__all__ = ["UsageError", "load_inputs", "main"]

log = logging.getLogger("geomap")

EXIT_OK, EXIT_NOTHING, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(Exception):
    """A command-line usage problem (exit 2 with the usage line); for subcommand modules."""


_UsageError = UsageError


def _date(text: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date YYYY-MM-DD, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not 1000 <= date.year <= 9998:
        msg = f"expected a date from year 1000 to 9998, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return date


def _every(text: str) -> dt.timedelta:
    m = re.fullmatch(r"(\d+)([dw])", text.strip())
    if not m or int(m.group(1)) == 0:
        msg = f"expected a step like 1d or 2w, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    n = int(m.group(1))
    return dt.timedelta(days=n if m.group(2) == "d" else 7 * n)


def _add_inputs(p: argparse.ArgumentParser, *, geometry: bool) -> None:
    p.add_argument("events", metavar="EVENTS",
                   help="events file (CSV, YAML, GeoJSON; see docs/events.md) or an ACLED export")
    p.add_argument("--initial", metavar="SNAPSHOT",
                   help="initial control: snapshot CSV or Wikipedia 'detailed map' module (.lua)")
    p.add_argument("--initial-date", type=_date, metavar="D",
                   help="date of the initial control when the file has none (a .lua module)")
    p.add_argument("--actors", metavar="FILE", help="CSV of actors adding to the default registry")
    p.add_argument("--gazetteer", metavar="INDEX",
                   help="gazetteer index (default: $GAZETTEER_INDEX, else the embedded one)")
    p.add_argument("--strict", action="store_true",
                   help="fail if any place name cannot be resolved")
    p.add_argument("--skip-invalid", action="store_true",
                   help="go on without invalid event rows (listed on stderr)")
    if geometry:
        p.add_argument("--region", metavar="FILE",
                       help="boundary file to clip areas to (default: a buffer around places)")
        p.add_argument("--barrier", metavar="FILE", action="append", default=[],
                       help="lines areas do not cross, e.g. a river (repeatable)")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="geomap",
        description="Control-change events to control state, areas, frontlines and maps.",
    )
    p.add_argument("-v", "--verbose", action="count", default=0)
    p.add_argument("-q", "--quiet", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("render", help="HTML map(s): one date, a series, or a time slider")
    _add_inputs(r, geometry=True)
    r.add_argument("--date", type=_date, help="the date to map (default: the last event's)")
    r.add_argument("--from", dest="start", type=_date, help="first date of a series/slider")
    r.add_argument("--to", dest="end", type=_date, help="last date of a series/slider")
    r.add_argument("--every", type=_every, default=dt.timedelta(days=1),
                   help="step of a series (e.g. 1d, 1w; default 1d)")
    r.add_argument("--slider", action="store_true", help="one file with a date slider")
    r.add_argument("--since", type=_date,
                   help="gains and losses since this date (default: the day before)")
    r.add_argument("--title", help="title above the date")
    r.add_argument("--offline", action="store_true",
                   help="self-contained page: Leaflet inlined, no tiles, no external request")
    r.add_argument("--basemap", metavar="FILE", action="append", default=[],
                   help="vector outlines drawn under the data, e.g. country borders or "
                        "rivers (repeatable; barriers are drawn too)")
    r.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="an .html file (one date, slider) or a folder (series)")
    r.add_argument("--overwrite", action="store_true", help="replace an existing series folder")
    r.add_argument("--png", metavar="FILE",
                   help="also write a PNG picture of the map (one date or slider), via "
                        "headless Chromium")

    s = sub.add_parser("state", help="control state per place on a date, as data")
    _add_inputs(s, geometry=False)
    s.add_argument("--date", type=_date, required=True)
    s.add_argument("--format", choices=["geojson", "csv"], default=None,
                   help="default: from the output's extension, else geojson")
    s.add_argument("-o", "--output", metavar="FILE", help="default: stdout")

    a = sub.add_parser("areas", help="areas, contested zones, frontlines, gains and losses")
    _add_inputs(a, geometry=True)
    a.add_argument("--date", type=_date, required=True)
    a.add_argument("--since", type=_date,
                   help="gains and losses since this date (default: the day before)")
    a.add_argument("-o", "--output", required=True, metavar="FILE", help=".geojson or .gpkg")

    r.set_defaults(handler=_render)
    s.set_defaults(handler=_state)
    a.set_defaults(handler=_areas)
    # subcommands that live in their own modules: each has register(sub) -> None,
    # which adds its parser(s) with set_defaults(handler=...)
    from geomap import _cli_extract, _cli_report

    _cli_extract.register(sub, add_inputs=_add_inputs)
    _cli_report.register(sub, add_inputs=_add_inputs)
    return p


def load_inputs(args: argparse.Namespace) -> Any:
    """Load the scenario named by the common input options (for subcommand modules)."""
    return _load(args)


def _load(args: argparse.Namespace) -> Any:
    from geomap.scenario import load_scenario

    gz = None
    if args.gazetteer:
        from gazetteer.resolve import Gazetteer

        gz = Gazetteer(args.gazetteer)

    sc = load_scenario(
        args.events, initial=args.initial, initial_date=args.initial_date,
        actors=args.actors, gazetteer=gz,
        region=getattr(args, "region", None),
        barriers=(args.barrier[0] if len(getattr(args, "barrier", [])) == 1 else None),
        strict=args.strict, skip_invalid=args.skip_invalid,
    )
    if len(getattr(args, "barrier", [])) > 1:
        import pandas as pd

        from geomap.io import read_barriers

        frames = [read_barriers(b) for b in args.barrier]
        merged = pd.concat(frames, ignore_index=True)
        object.__setattr__(sc, "barriers", merged)
    for prob in sc.skipped:
        print(f"geomap: skipped: {prob}", file=sys.stderr)
    for prob in sc.unresolved:
        print(f"geomap: unresolved: {prob}", file=sys.stderr)
    return sc


def _state_table(sc: Any, date: dt.date) -> Any:
    """State frame plus one row per unresolved event (status 'unresolved')."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    frame = sc.state(date)
    rows = []
    for e, prob in _unresolved_events(sc, date):
        rows.append({"place_id": None, "name": e.place, "lat": None, "lon": None,
                     "controller": None, "status": "unresolved", "since": None,
                     "last_event": e.event_id, "sources": "; ".join(e.sources),
                     "events": e.event_id, "contenders": "", "extent": e.extent,
                     "confidence": e.confidence, "problem": prob.message, "geometry": Point()})
    if rows:
        extra = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
        frame = pd.concat([frame, extra], ignore_index=True)
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    return frame


def _unresolved_events(sc: Any, date: dt.date) -> list[tuple[Any, Problem]]:
    by_origin = {}
    for prob in sc.unresolved:
        by_origin[(prob.path, prob.line)] = prob
    out = []
    for e in sc.events:
        if e.resolved or e.date > date:
            continue
        path, _, line = (e.origin or "").rpartition(":")
        prob = by_origin.get((path, int(line) if line.isdigit() else None))
        if prob is not None:
            out.append((e, prob))
    return out


def _write_text(path: str | None, text: str) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    from geomap._files import write_text_atomic

    write_text_atomic(path, text)


def _state(args: argparse.Namespace) -> int:
    sc = _load(args)
    frame = _state_table(sc, args.date)
    fmt = args.format or ("csv" if (args.output or "").lower().endswith(".csv") else "geojson")
    if fmt == "csv":
        buf = io.StringIO()
        cols = [c for c in frame.columns if c != "geometry"]
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for row in frame[cols].itertuples(index=False):
            w.writerow(["" if v is None or (isinstance(v, float) and v != v) else v
                        for v in row])
        _write_text(args.output, buf.getvalue())
    else:
        from geomap.io import write_frame

        if args.output:
            write_frame(frame, args.output)
        else:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                out = write_frame(frame, Path(tmp) / "state.geojson")
                sys.stdout.write(out.read_text(encoding="utf-8"))
    return EXIT_OK if len(frame) else EXIT_NOTHING


def _areas(args: argparse.Namespace) -> int:
    from geomap.io import write_frame

    sc = _load(args)
    since = args.since or args.date - dt.timedelta(days=1)
    frame = sc.layers(args.date, since=since)
    if not args.output.lower().endswith((".geojson", ".json", ".gpkg")):
        raise _UsageError("the output of `geomap areas` must end in .geojson, .json or .gpkg")
    write_frame(frame, args.output)
    return EXIT_OK if len(frame) else EXIT_NOTHING


def _render(args: argparse.Namespace) -> int:
    from geomap.render import control_map, save_html, series, slider_map

    if args.date and (args.start or args.end):
        raise _UsageError("give --date, or --from/--to, not both")
    sc = _load(args)
    if not sc.dates:
        print("geomap: nothing to map: no placed events and no initial control", file=sys.stderr)
        return EXIT_NOTHING
    title = args.title
    basemap = _basemap(args, sc)
    if args.slider:
        start = args.start or sc.dates[0]
        end = args.end or sc.dates[-1]
        if end < start:
            raise _UsageError("--to is before --from")
        m = slider_map(cells=sc.tessellation().cells, intervals=sc.timeline.intervals(),
                       places=sc.places(), events=sc.events, actors=sc.actors, start=start,
                       end=end, title=title, offline=args.offline, basemap=basemap)
        save_html(m, args.output)
        _png(args)
        return EXIT_OK
    if args.start or args.end:
        if args.png:
            raise _UsageError("--png takes one map: a --date or the --slider, not a series")
        start = args.start or sc.dates[0]
        end = args.end or sc.dates[-1]
        if end < start:
            raise _UsageError("--to is before --from")
        dates = []
        d = start
        while d <= end:
            dates.append(d)
            d += args.every
        series(args.output, dates=dates, states=sc.state,
               areas=lambda day: sc.layers(day, since=day - args.every),
               events=sc.events, actors=sc.actors, title=title, offline=args.offline,
               basemap=basemap, overwrite=args.overwrite)
        return EXIT_OK
    date = args.date or sc.dates[-1]
    since = args.since or date - dt.timedelta(days=1)
    m = control_map(date=date, states=sc.state(date), areas=sc.layers(date, since=since),
                    events=[e for e in sc.events
                            if e.date <= date and (e.date > since or not e.resolved)],
                    actors=sc.actors, title=title, offline=args.offline, basemap=basemap)
    save_html(m, args.output)
    _png(args)
    return EXIT_OK


def _png(args: argparse.Namespace) -> None:
    if args.png:
        from geomap.png import snapshot_png

        snapshot_png(args.output, args.png)


def _basemap(args: argparse.Namespace, sc: Any) -> list[Any] | None:
    """Vector layers drawn under the data: the user's --basemap files and the barriers."""
    from geomap.io import read_basemap

    frames = [read_basemap(f) for f in args.basemap]
    if sc.barriers is not None:
        frames.append(sc.barriers)
    return frames or None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geomap`` command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_BAD_INPUT if e.code not in (0, None) else EXIT_OK
    level = logging.ERROR if args.quiet else (logging.INFO if args.verbose else logging.WARNING)
    logging.basicConfig(level=level, format="geomap: %(message)s")
    from geomap.exc import GeomapError

    try:
        return int(args.handler(args))
    except (_UsageError, UsageError) as e:
        parser.print_usage(sys.stderr)
        print(f"geomap: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (GeomapError, GazetteerError) as e:
        _print_error(e, "geomap")
        return EXIT_BAD_INPUT
    except FileNotFoundError as e:
        print(f"geomap: error: {e.filename}: no such file", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:  # unwritable output, a folder given as a file ...
        where = f"{e.filename}: " if e.filename else ""
        print(f"geomap: error: {where}{e.strerror or e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
