"""``geomap extract``: news articles to candidate events (registered by geomap.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date YYYY-MM-DD, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def register(sub: Any, *, add_inputs: Callable[..., None]) -> None:
    """Add the ``extract`` subcommand to the ``geomap`` parser."""
    del add_inputs
    p = sub.add_parser("extract", help="news articles to candidate control-change events")
    p.add_argument("articles", metavar="ARTICLE", nargs="+",
                   help="plain-text article(s); leading lines may hold the URL and a date")
    p.add_argument("--published", type=_date,
                   help="publication date YYYY-MM-DD (overrides a date in the text)")
    p.add_argument("--outlet", help="the outlet (default: from the dateline, e.g. '(AP)')")
    p.add_argument("--url", help="the article's URL (default: a URL on its first lines)")
    p.add_argument("--gazetteer", metavar="INDEX",
                   help="gazetteer index (default: $GAZETTEER_INDEX, else the embedded one)")
    p.add_argument("--actors", metavar="FILE", help="CSV of actors adding to the default registry")
    p.add_argument("-o", "--output", required=True, metavar="EVENTS_CSV",
                   help="events CSV (the schema of docs/events.md, plus x_ columns)")
    p.add_argument("--mentions", metavar="CSV", help="also write every place mention")
    p.add_argument("--figures", metavar="CSV", help="also write casualty/abduction figures")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``geomap extract``; return the exit code (1 when no event was found)."""
    from gazetteer.exc import Problem
    from geomap.actors import ActorRegistry
    from geomap.cli import UsageError
    from geomap.exc import InputError
    from geomap.extract import (
        extract_articles,
        write_events_csv,
        write_figures_csv,
        write_mentions_csv,
    )

    if len(args.articles) > 1 and args.url:
        raise UsageError("--url names one article; give it with a single ARTICLE")
    if not args.output.lower().endswith(".csv"):
        raise UsageError("the output of `geomap extract` must end in .csv")
    problems: list[Problem] = []
    texts: list[tuple[str, str]] = []
    for name in args.articles:
        path = Path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            problems.append(Problem(name, None, None, "no such file"))
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problems.append(Problem(name, line, None, f"not UTF-8 text (byte "
                                    f"0x{data[exc.start]:02x}); save the file as UTF-8"))
            continue
        if not text.strip():
            problems.append(Problem(name, None, None, "empty article"))
            continue
        texts.append((path.stem, text))
    if problems:
        raise InputError(problems)
    gz = None
    if args.gazetteer:
        from gazetteer.resolve import Gazetteer

        gz = Gazetteer(args.gazetteer)
    actors = ActorRegistry.default()
    if args.actors:
        actors = actors.extended_with(args.actors)
    try:
        results = extract_articles(texts, published=args.published, outlet=args.outlet,
                                   url=args.url, gazetteer=gz, actors=actors)
    except ValueError as exc:
        name, _, msg = str(exc).partition(": ")
        raise InputError([Problem(name, None, None, msg)]) from None
    write_events_csv(results, args.output)
    if args.mentions:
        write_mentions_csv(results, args.mentions)
    if args.figures:
        write_figures_csv(results, args.figures)
    n = sum(len(r.events) for r in results)
    review = sum(e.needs_review for r in results for e in r.events)
    print(f"geomap: {n} candidate event rows ({review} to review) from {len(results)} "
          f"article(s)", file=sys.stderr)
    return 0 if n else 1
