"""``geomap report`` and ``geomap snapshot``: reports, PNG (registered by geomap.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

from geomap.cli import _date, _every

__all__ = ["register", "run_report", "run_snapshot"]


def _pixels(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 16 <= n <= 10000:
        msg = f"expected a size in pixels between 16 and 10000, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return n


def register(sub: Any, *, add_inputs: Callable[..., None]) -> None:
    """Add the ``report`` and ``snapshot`` subcommands to the ``geomap`` parser."""
    r = sub.add_parser("report", help="one self-contained HTML report: summary, map(s), "
                                      "events, conflicting claims, gazetteer appendix")
    add_inputs(r, geometry=True)
    r.add_argument("--date", type=_date, help="the date to map (default: the last change)")
    r.add_argument("--from", dest="start", type=_date, help="first date of a range/slider")
    r.add_argument("--to", dest="end", type=_date, help="last date of a range/slider")
    r.add_argument("--every", type=_every, default=dt.timedelta(days=1),
                   help="step between the maps of a range (e.g. 1d, 1w; default 1d)")
    r.add_argument("--slider", action="store_true", help="one map with a date slider")
    r.add_argument("--since", type=_date,
                   help="gains, losses and changes since this date (default: the day before)")
    r.add_argument("--title", help="the report's title")
    r.add_argument("--offline", action="store_true",
                   help="self-contained page: Leaflet inlined, no tiles, no external request")
    r.add_argument("--basemap", metavar="FILE", action="append", default=[],
                   help="vector outlines drawn under the data (repeatable; barriers are "
                        "drawn too)")
    r.add_argument("-o", "--output", required=True, metavar="OUT", help="the .html file")
    r.set_defaults(handler=run_report)

    s = sub.add_parser("snapshot", help="PNG of an HTML map or report (headless Chromium)")
    s.add_argument("html", metavar="HTML", help="the page (from geomap render or report)")
    s.add_argument("-o", "--output", required=True, metavar="PNG", help="the .png file")
    s.add_argument("--width", type=_pixels, default=1200, help="pixels (default 1200)")
    s.add_argument("--height", type=_pixels, default=800, help="pixels (default 800)")
    s.add_argument("--full-page", action="store_true",
                   help="the whole scrollable page (for reports), not only the viewport")
    s.set_defaults(handler=run_snapshot)


def run_report(args: argparse.Namespace) -> int:
    """Run ``geomap report``; return the exit code."""
    from geomap.cli import UsageError, load_inputs
    from geomap.io import read_basemap
    from geomap.report import build_report

    if args.date and (args.start or args.end):
        raise UsageError("give --date, or --from/--to, not both")
    if args.slider and args.date:
        raise UsageError("--slider goes with --from/--to, not --date")
    if args.start and args.end and args.end < args.start:
        raise UsageError("--to is before --from")
    if not args.output.lower().endswith((".html", ".htm")):
        raise UsageError("the output of `geomap report` must end in .html")
    basemap = [read_basemap(f) for f in args.basemap]
    sc = load_inputs(args)
    if not sc.dates:
        print("geomap: nothing to report: no placed events and no initial control",
              file=sys.stderr)
        return 1
    gz = None
    if args.gazetteer:
        from gazetteer.resolve import Gazetteer

        gz = Gazetteer(args.gazetteer)
    report = build_report(sc, date=args.date, start=args.start, end=args.end,
                          every=args.every, slider=args.slider, since=args.since,
                          title=args.title, offline=args.offline, basemap=basemap or None,
                          gazetteer=gz)
    report.save(args.output)
    return 0


def run_snapshot(args: argparse.Namespace) -> int:
    """Run ``geomap snapshot``; return the exit code."""
    from geomap.cli import UsageError
    from geomap.png import snapshot_png

    if not args.output.lower().endswith(".png"):
        raise UsageError("the output of `geomap snapshot` must end in .png")
    snapshot_png(args.html, args.output, width=args.width, height=args.height,
                 full_page=args.full_page)
    return 0
