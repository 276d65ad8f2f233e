"""A folder of per-date control maps with an index page, written atomically."""

from __future__ import annotations

import bisect
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from geomap._files import publish_dir
from geomap._types import Event
from geomap.render.elements import ActorLookup, esc
from geomap.render.page import control_map, to_html

__all__ = ["series"]

_MARK = '<meta name="generator" content="geomap.render.series">'

FrameSource = Mapping[dt.date, gpd.GeoDataFrame] | Callable[[dt.date], gpd.GeoDataFrame]


def _frame(source: FrameSource | None, date: dt.date) -> Any:
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source[date]
    return source(date)


def index_html(title: str | None, pages: Sequence[tuple[dt.date, str]]) -> str:
    """Build the index page linking every map (escaped, deterministic).

    Examples
    --------
    >>> html = index_html("<Deir>", [(dt.date(2016, 1, 17), "2016-01-17.html")])
    >>> "&lt;Deir&gt;" in html and 'href="2016-01-17.html"' in html
    True
    """
    head = esc(title) if title else "Control maps"
    links = "".join(
        f'<li><a href="{esc(name)}">{esc(date.isoformat())}</a></li>\n' for date, name in pages
    )
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta charset="utf-8">\n'
        f"{_MARK}\n"
        f"<title>{head}</title>\n"
        "<style>body{font:15px/1.5 system-ui,sans-serif;margin:2em}</style>\n"
        "</head>\n<body>\n"
        f"<h1>{head}</h1>\n<ul>\n{links}</ul>\n</body>\n</html>\n"
    )


def series(
    folder: str | os.PathLike[str],
    *,
    dates: Iterable[dt.date],
    states: FrameSource,
    areas: FrameSource | None = None,
    events: Iterable[Event] = (),
    actors: ActorLookup,
    title: str | None = None,
    offline: bool = False,
    tiles: str | None = None,
    basemap: gpd.GeoDataFrame | Sequence[gpd.GeoDataFrame] | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write one control map per date (``YYYY-MM-DD.html``) and an ``index.html``.

    Each map shows the events after the previous date of the series up to its own
    date (all events up to the first date on the first map). The folder is built
    in a temporary folder beside ``folder`` and renamed into place.

    Parameters
    ----------
    folder : path
        The output folder; must not exist (or be empty) unless ``overwrite`` is
        true and it was written by this function before.
    dates : iterable of datetime.date
        The dates (sorted, duplicates dropped).
    states, areas : mapping date → GeoDataFrame, or callable date → GeoDataFrame
        The state frame and the areas frame of each date (``areas`` may be None).
    events : iterable of Event
        All events.
    actors : object with ``get(id)``
        Names and colours.
    title : str, optional
        Title of every map and of the index.
    offline : bool
        Self-contained pages.
    tiles : str, optional
        Tile layer for online maps.
    basemap : GeoDataFrame or sequence of them, optional
        Vector outlines.
    overwrite : bool
        Replace a folder written by an earlier call.

    Returns
    -------
    list of Path
        The map files, then the index.

    Raises
    ------
    FileExistsError
        When ``folder`` holds files and may not be replaced.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd
    >>> empty = gpd.GeoDataFrame({"place_id": []}, geometry=[], crs="EPSG:4326")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = series(pathlib.Path(d) / "maps", dates=[dt.date(2016, 1, 17)],
    ...                  states=lambda day: empty, actors={}, offline=True)
    ...     [p.name for p in out]
    ['2016-01-17.html', 'index.html']
    """
    target = Path(folder)
    day_list = sorted(set(dates))
    all_events = sorted(events, key=lambda e: (e.date, e.event_id))
    event_dates = [e.date for e in all_events]
    if target.exists():
        contents = list(target.iterdir())
        ours = (target / "index.html").is_file() and _MARK in (target / "index.html").read_text(
            encoding="utf-8", errors="replace"
        )
        if contents and not (overwrite and ours):
            msg = f"{target} exists and is not empty (pass overwrite=True to replace a series)"
            raise FileExistsError(msg)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    publish_dir(tmp)
    try:
        pages = []
        previous: dt.date | None = None
        for day in day_list:
            lo = 0 if previous is None else bisect.bisect_right(event_dates, previous)
            shown = all_events[lo : bisect.bisect_right(event_dates, day)]
            m = control_map(
                date=day,
                states=_frame(states, day),
                areas=_frame(areas, day),
                events=shown,
                actors=actors,
                title=title,
                offline=offline,
                tiles=tiles,
                basemap=basemap,
            )
            name = f"{day.isoformat()}.html"
            (tmp / name).write_text(to_html(m), encoding="utf-8")
            pages.append((day, name))
            previous = day
        (tmp / "index.html").write_text(index_html(title, pages), encoding="utf-8")
        os.chmod(tmp, 0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            old.rmdir()
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [target / name for _, name in pages] + [target / "index.html"]
