"""One self-contained page with a date slider over control intervals.

The place cells are written once as GeoJSON and the control history as a compact
list of intervals per place (``[start_day, end_day | null, kind, sources]``, days
counted from ``start``); our runtime (``geomap.js``) recolours cells and markers when
the slider moves. The page therefore grows with places + intervals + events, not
with places × dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from geomap._types import STATUSES, Event, PlaceState
from geomap.render.assets import js_json
from geomap.render.elements import (
    EVENT_STYLES,
    ActorLookup,
    Palette,
    cell_style,
    esc,
    event_group_html,
    is_imprecise,
    legend_html,
    marker_style,
    text,
)
from geomap.render.page import (
    _Bounds,
    _collection,
    _feature,
    _in_4326,
    _records,
    event_place_key,
    finish_map,
    new_map,
    point_of,
)

__all__ = ["SliderData", "SliderLayer", "slider_map"]

_SPAN = {"day": 1, "week": 7, "month": 31}


class SliderData(MacroElement):
    """Creates the slider control and its layers (``GeoMap.slider``) from JSON."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = GeoMap.slider({{ this._parent.get_name() }}, {{ this.spec_json() }});
        {% endmacro %}
        """
    )

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self._name = "SliderData"
        self.spec = spec

    def spec_json(self) -> str:
        """Return the spec as script-safe JSON."""
        return js_json(self.spec)


class SliderLayer(Layer):
    """One of the slider's layers (``cells``, ``places``, ``events``) for the layer control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.data.get_name() }}.layers[{{ this.key_json }}];
        {% endmacro %}
        """
    )

    def __init__(self, data: SliderData, key: str, name: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "SliderLayer"
        self.data = data
        self.key_json = js_json(key)


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if type(value).__name__ == "NaTType":
        return None
    if hasattr(value, "date"):
        return value.date()  # pandas Timestamp
    return dt.date.fromisoformat(str(value))


def slider_map(
    *,
    cells: gpd.GeoDataFrame,
    intervals: Iterable[tuple[PlaceState, dt.date, dt.date | None]],
    places: Any = None,
    events: Iterable[Event] = (),
    actors: ActorLookup,
    start: dt.date,
    end: dt.date,
    title: str | None = None,
    offline: bool = False,
    tiles: str | None = None,
    basemap: gpd.GeoDataFrame | Sequence[gpd.GeoDataFrame] | None = None,
    initial: dt.date | None = None,
    event_days: int = 1,
    markers: bool = True,
    min_place_score: float = 0.8,
) -> folium.Map:
    """Draw a map with a date slider from ``start`` to ``end``.

    Parameters
    ----------
    cells : GeoDataFrame
        One polygon per place: ``place_id``, ``geometry``.
    intervals : iterable of (PlaceState, start, end)
        The state holds on ``start <= date < end`` (``end`` None: open).
    places : DataFrame, optional
        ``place_id``, ``name``, ``lat``, ``lon`` (or point geometry) for names and
        markers; places known only from intervals use the PlaceState's name and point.
    events : iterable of Event
        Shown from their date for ``max(event_days, precision span)`` days (a week for
        week precision, 31 days for month precision); grouped by place and date.
    actors : object with ``get(id)``
        Names and colours; unknown ids are grey.
    start, end : datetime.date
        The slider's range (inclusive).
    title : str, optional
        Shown above the date.
    offline : bool
        Self-contained page (Leaflet inlined, no tiles).
    tiles : str, optional
        Tile layer for online maps (default OpenStreetMap).
    basemap : GeoDataFrame or sequence of them, optional
        Vector outlines drawn under the data.
    initial : datetime.date, optional
        Date shown on opening (default ``end``).
    event_days : int
        Minimum number of days an event stays visible.
    markers : bool
        Also draw a marker per place (recoloured like its cell).
    min_place_score : float
        Events whose ``place_score`` is below this are drawn as imprecise.

    Returns
    -------
    folium.Map

    Raises
    ------
    ValueError
        When ``end`` is before ``start``, ``initial`` is outside the range, or a state
        has an unknown status.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = gpd.GeoDataFrame({"place_id": ["p1"]}, geometry=[shapely.box(40, 35, 40.1, 35.1)],
    ...                          crs="EPSG:4326")
    >>> s = PlaceState("p1", "Ayyash", 35.05, 40.05, "is", "held", dt.date(2016, 1, 16))
    >>> m = slider_map(cells=cells, intervals=[(s, dt.date(2016, 1, 16), None)], actors={},
    ...                start=dt.date(2016, 1, 1), end=dt.date(2016, 1, 31), offline=True)
    >>> from geomap.render.page import to_html
    >>> '"iv":[[[15,null,1,-1]]]' in to_html(m)
    True
    """
    days = (end - start).days
    if days < 0:
        msg = f"end {end} is before start {start}"
        raise ValueError(msg)
    initial = end if initial is None else initial
    if not start <= initial <= end:
        msg = f"initial date {initial} is outside {start}..{end}"
        raise ValueError(msg)
    palette = Palette(actors)
    hatches: set[tuple[str, str]] = set()
    bounds = _Bounds()

    # places: index in a stable order
    names: list[str] = []
    coords: list[tuple[float, float] | None] = []
    index: dict[str, int] = {}

    def add_place(pid: str, name: str, where: tuple[float, float] | None) -> int:
        i = index.get(pid)
        if i is None:
            i = index[pid] = len(names)
            names.append(name or pid)
            coords.append(where)
        elif coords[i] is None and where is not None:
            coords[i] = where
        return i

    if places is not None and len(places):
        geoms = list(places.geometry) if "geometry" in places.columns else [None] * len(places)
        for row, geom in zip(_records(places, ["place_id", "name", "lat", "lon"]), geoms,
                             strict=True):
            add_place(text(row["place_id"]), text(row["name"]), point_of(row, geom))

    # kinds: 0 is "no data"
    kinds: list[dict[str, Any]] = [
        {
            "cell": cell_style("nodata", "#bbbbbb", None, hatches),
            "marker": marker_style("nodata", "#bbbbbb", None, hatches),
            "c": "no information",
            "st": "",
        }
    ]
    kind_index: dict[tuple[str, ...], int] = {}
    sources: list[str] = []
    source_index: dict[str, int] = {}
    controllers: set[str] = set()
    problems: list[str] = []
    extra: list[tuple[PlaceState, dt.date, dt.date | None]] = []
    for n, (state, s, e) in enumerate(intervals):
        if state.status not in STATUSES:
            problems.append(f"interval {n} ({state.place_id}): unknown status {state.status!r}")
            continue
        extra.append((state, s, e))
    if problems:
        raise ValueError("cannot draw the slider map:\n" + "\n".join(problems))
    # places known only from intervals, in place_id order
    for state, _, _ in sorted(extra, key=lambda t: t[0].place_id):
        where = None
        if state.lat is not None and state.lon is not None:
            where = point_of({"lat": state.lat, "lon": state.lon})
        add_place(state.place_id, state.name, where)
    cell_frame = _in_4326(cells) if cells is not None else None
    if cell_frame is not None:
        for pid in sorted(text(p) for p in cell_frame["place_id"] if text(p) not in index):
            add_place(pid, pid, None)

    iv: list[list[list[Any]]] = [[] for _ in names]
    for state, s, e in extra:
        sday = (_as_date(s) - start).days  # type: ignore[operator]
        e_date = _as_date(e)
        eday = None if e_date is None else (e_date - start).days
        if sday > days or (eday is not None and eday <= 0):
            continue
        ctrl = text(state.controller)
        other = state.contenders[0] if state.contenders else None
        key = (ctrl, state.status, text(other), state.extent, state.confidence)
        k = kind_index.get(key)
        if k is None:
            colour = palette.colour(ctrl or None)
            other_colour = palette.colour(other) if other else None
            k = kind_index[key] = len(kinds)
            kinds.append(
                {
                    "cell": cell_style(state.status, colour, other_colour, hatches),
                    "marker": marker_style(state.status, colour, other_colour, hatches),
                    "c": palette.name(ctrl or None),
                    "st": state.status,
                    "k": "; ".join(palette.name(c) for c in state.contenders),
                    "x": state.extent,
                    "f": state.confidence,
                }
            )
            controllers.add(ctrl)
        src = "; ".join(state.sources)
        si = -1
        if src:
            si = source_index.get(src, -1)
            if si < 0:
                si = source_index[src] = len(sources)
                sources.append(src)
        iv[index[state.place_id]].append([sday, eday, k, si])
    for lst in iv:
        lst.sort(key=lambda v: (v[0], -1 if v[1] is None else v[1]))

    features = []
    if cell_frame is not None:
        for pid, geom in zip(cell_frame["place_id"], cell_frame.geometry, strict=True):
            if geom is None or geom.is_empty:
                continue
            features.append(_feature(geom, {}, fid=index[text(pid)]))
            bounds.add(*geom.bounds)
    features.sort(key=lambda f: f["id"])

    place_rows = []
    for name, where in zip(names, coords, strict=True):
        if where is not None and markers:
            place_rows.append([name, round(where[0], 6), round(where[1], 6)])
            bounds.add(where[1], where[0], where[1], where[0])
        else:
            place_rows.append([name, None, None])

    # events grouped by place and date
    groups: dict[tuple[str, ...], list[Event]] = {}
    unresolved = 0
    for ev in events:
        if not ev.resolved:
            unresolved += 1
            continue
        groups.setdefault((ev.date.isoformat(), *event_place_key(ev)), []).append(ev)
    event_rows = []
    for gkey in sorted(groups):
        evs = sorted(groups[gkey], key=lambda x: (text(x.sources), x.event_id))
        first = evs[0]
        imprecise = [bool(is_imprecise(x, min_place_score=min_place_score)) for x in evs]
        span = max([event_days] + [_SPAN.get(x.date_precision, 1) for x in evs])
        tip = f"{esc(first.place)} {esc(first.date.isoformat())}: {len(evs)} report" + (
            "s" if len(evs) != 1 else ""
        )
        if any(imprecise):
            tip += " <i>(imprecise)</i>"
        event_rows.append(
            [
                (first.date - start).days,
                span,
                round(float(first.lat), 6),  # type: ignore[arg-type]
                round(float(first.lon), 6),  # type: ignore[arg-type]
                1 if all(imprecise) else 0,
                tip,
                event_group_html(evs, palette, min_place_score=min_place_score),
            ]
        )
        bounds.add(float(first.lon), float(first.lat), float(first.lon), float(first.lat))  # type: ignore[arg-type]

    iso = initial.isoformat()
    page_title = f"{title} — {start.isoformat()}…{end.isoformat()}" if title else (
        f"Control {start.isoformat()}…{end.isoformat()}"
    )
    m = new_map(offline=offline, tiles=tiles, page_title=page_title, basemap=basemap)
    notes = []
    if unresolved:
        notes.append(f"{unresolved} report(s) without a resolved place are not shown")
    legend = legend_html(
        controllers=controllers or {""},
        palette=palette,
        hatches=hatches,
        events=bool(event_rows),
        notes=notes,
    )
    spec = {
        "start": start.isoformat(),
        "days": days,
        "initial": (initial - start).days,
        "nodata": 0,
        "kinds": kinds,
        "places": place_rows,
        "iv": iv,
        "sources": sources,
        "cells": _collection(features),
        "events": event_rows,
        "eventStyles": list(EVENT_STYLES),
    }
    data = SliderData(spec)
    data.add_to(m)
    SliderLayer(data, "cells", "Areas").add_to(m)
    if markers:
        SliderLayer(data, "places", "Places").add_to(m)
    if event_rows:
        SliderLayer(data, "events", "Events").add_to(m)
    return finish_map(m, legend=legend, title=title, iso=iso, hatches=hatches, bounds=bounds)
