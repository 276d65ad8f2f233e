"""The per-date control map, deterministic element ids, and HTML output.

:func:`control_map` draws one date: areas coloured by controller (contested hatched,
claimed pale and dashed, besieged ringed, unknown grey), frontlines, gains and
losses, place markers and event markers whose popups list every report. Areas,
places and events are written as compact JSON and turned into Leaflet layers by our
small runtime (``geomap.js``), so the page stays small for thousands of places.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import shapely
from branca.element import Element

from geomap._files import write_text_atomic
from geomap._types import STATUSES, Event
from geomap.render.assets import use_assets
from geomap.render.elements import (
    EVENT_STYLES,
    ActorLookup,
    HatchDefs,
    JsonLayer,
    Legend,
    Palette,
    Title,
    area_style,
    esc,
    event_group_html,
    is_imprecise,
    items,
    legend_html,
    marker_style,
    place_popup_html,
    text,
)

__all__ = [
    "AREA_KINDS",
    "control_map",
    "new_map",
    "save_html",
    "stable_ids",
    "to_html",
    "write_text_atomic",
]

AREA_KINDS: tuple[str, ...] = ("area", "contested", "frontline", "gain", "loss")
_BASEMAP_STYLE = {
    "color": "#8c8c8c",
    "weight": 0.8,
    "fillColor": "#f4f1ea",
    "fillOpacity": 0.6,
    "interactive": False,
}


# ----------------------------------------------------------------------------- output


def stable_ids(m: Element) -> Element:
    """Give every element of ``m``'s page a counter-based id, in tree order.

    folium names elements with random ids; this replaces them (once per element; ids
    are kept on later calls) so that the same map gives byte-identical HTML.

    Examples
    --------
    >>> m = stable_ids(folium.Map(tiles=None))
    >>> m.get_name()
    'map_1'
    """
    root = m.get_root()
    counter = getattr(root, "_geomap_next_id", 0)

    def assign(el: Element) -> None:
        nonlocal counter
        if not getattr(el, "_geomap_stable", False):
            el._id = str(counter)
            el._geomap_stable = True  # type: ignore[attr-defined]
            counter += 1

    def visit(el: Element) -> None:
        renamed = []
        for key, child in el._children.items():
            old = child.get_name()
            assign(child)
            renamed.append((child.get_name() if key == old else key, child))
        el._children = OrderedDict(renamed)
        for child in el._children.values():
            visit(child)
        for attr in ("header", "html", "script"):
            sub = getattr(el, attr, None)
            if isinstance(sub, Element) and sub is not el:
                assign(sub)
                visit(sub)

    assign(root)
    visit(root)
    root._geomap_next_id = counter  # type: ignore[attr-defined]
    return m


def to_html(m: Element) -> str:
    """Render the whole page of ``m`` (deterministically) to a string.

    Examples
    --------
    >>> to_html(folium.Map(tiles=None)).startswith("<!DOCTYPE html>")
    True
    """
    stable_ids(m)
    root = m.get_root()
    # Rendering appends every element's header/html/script output to the figure (and
    # folium layers re-create their "addTo" child each time), so a second render
    # would append again: reset the figure parts to what they held before the first.
    parts = [getattr(root, a, None) for a in ("header", "html", "script")]
    parts = [p for p in parts if isinstance(p, Element)]
    before = getattr(root, "_geomap_before_render", None)
    if before is None:
        root._geomap_before_render = [list(p._children) for p in parts]  # type: ignore[attr-defined]
    else:
        for part, keys in zip(parts, before, strict=True):
            keep = set(keys)
            part._children = OrderedDict((k, v) for k, v in part._children.items() if k in keep)
    return root.render()


def save_html(m: Element, path: str | os.PathLike[str]) -> Path:
    """Write the page of ``m`` to ``path`` atomically; return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_html(folium.Map(tiles=None), pathlib.Path(d) / "m.html").stat().st_size > 0
    True
    """
    return write_text_atomic(path, to_html(m))


# ----------------------------------------------------------------------------- helpers


def new_map(
    *, offline: bool, tiles: str | None, page_title: str, basemap: Any = None
) -> folium.Map:
    """Make a map with our assets, a scale bar, and a tile layer (online) or none (offline).

    Parameters
    ----------
    offline : bool
        Inline Leaflet and use no tiles.
    tiles : str or None
        folium tile name or URL template; None means OpenStreetMap online, none offline.
        Passing tiles with ``offline=True`` is an error (tiles need the network).
    page_title : str
        Plain text for the ``<title>`` (escaped here).
    basemap : GeoDataFrame or sequence of GeoDataFrames, optional
        Vector outlines (countries, rivers, ...) drawn under everything.

    Examples
    --------
    >>> m = new_map(offline=True, tiles=None, page_title="<t>")
    >>> m.get_root().title
    '&lt;t&gt;'
    """
    if offline and tiles is not None:
        msg = "offline maps use no tile layer; pass vector outlines as basemap= instead"
        raise ValueError(msg)
    m = folium.Map(location=[0.0, 0.0], zoom_start=2, tiles=None, control_scale=True)
    use_assets(m, offline=offline)
    m.get_root().title = esc(page_title)
    if not offline:
        folium.TileLayer(tiles or "OpenStreetMap", name="OpenStreetMap" if tiles is None else
                         "tiles").add_to(m)
    if basemap is not None:
        frames = [basemap] if isinstance(basemap, gpd.GeoDataFrame) else list(basemap)
        features: list[dict[str, Any]] = []
        for frame in frames:
            for geom in _geometries(frame):
                features.append(_feature(geom, {"s": 0}))
        JsonLayer(
            "Basemap",
            {"styles": [_BASEMAP_STYLE], "geo": _collection(features), "points": []},
        ).add_to(m)
    return m


def round_coords(obj: Any, ndigits: int) -> Any:
    """Round every number in nested GeoJSON coordinate lists.

    Examples
    --------
    >>> round_coords(((1.123456789, 2.0), (3.0, 4.987654321)), 5)
    [[1.12346, 2.0], [3.0, 4.98765]]
    """
    if isinstance(obj, (list, tuple)):
        return [round_coords(o, ndigits) for o in obj]
    return round(float(obj), ndigits)


def geometry_json(geom: Any, ndigits: int = 5) -> dict[str, Any]:
    """GeoJSON geometry dict of a shapely geometry with rounded coordinates.

    Examples
    --------
    >>> geometry_json(shapely.Point(36.1234567, 35.3))
    {'type': 'Point', 'coordinates': [36.12346, 35.3]}
    """
    mapping = shapely.geometry.mapping(geom)
    if mapping["type"] == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [geometry_json(g, ndigits) for g in geom.geoms],
        }
    return {"type": mapping["type"], "coordinates": round_coords(mapping["coordinates"], ndigits)}


def _feature(geom: Any, props: dict[str, Any], fid: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "Feature"}
    if fid is not None:
        out["id"] = fid
    out["geometry"] = geometry_json(geom)
    out["properties"] = props
    return out


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _in_4326(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        return frame.to_crs("EPSG:4326")
    return frame


def _geometries(frame: gpd.GeoDataFrame) -> list[Any]:
    return [g for g in _in_4326(frame).geometry if g is not None and not g.is_empty]


class _Bounds:
    def __init__(self) -> None:
        self.box = [math.inf, math.inf, -math.inf, -math.inf]  # minx, miny, maxx, maxy

    def add(self, minx: float, miny: float, maxx: float, maxy: float) -> None:
        if all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
            b = self.box
            self.box = [min(b[0], minx), min(b[1], miny), max(b[2], maxx), max(b[3], maxy)]

    def latlng(self) -> list[list[float]] | None:
        b = self.box
        if not math.isfinite(b[0]):
            return None
        return [[b[1], b[0]], [b[3], b[2]]]


def _style_index(styles: list[dict[str, Any]], index: dict[str, int], style: dict[str, Any]) -> int:
    key = repr(sorted(style.items()))
    if key not in index:
        index[key] = len(styles)
        styles.append(style)
    return index[key]


def _records(frame: Any, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as dicts restricted to ``columns`` (missing columns → None)."""
    n = len(frame)
    cols = {c: (list(frame[c]) if c in frame.columns else [None] * n) for c in columns}
    return [{c: cols[c][i] for c in columns} for i in range(n)]


def point_of(row: Mapping[str, Any], geom: Any = None) -> tuple[float, float] | None:
    """(lat, lon) of a row from its ``lat``/``lon`` values, else its point geometry.

    Examples
    --------
    >>> point_of({"lat": 35.3, "lon": 40.1}), point_of({"lat": None, "lon": None})
    ((35.3, 40.1), None)
    """
    lat, lon = row.get("lat"), row.get("lon")
    try:
        if lat is not None and lon is not None:
            flat, flon = float(lat), float(lon)
            if math.isfinite(flat) and math.isfinite(flon):
                return (flat, flon)
    except (TypeError, ValueError):
        pass
    if geom is not None and not geom.is_empty and geom.geom_type == "Point":
        return (float(geom.y), float(geom.x))
    return None


def event_place_key(e: Event) -> tuple[str, ...]:
    """Return the key that groups events at one place: its id, else its rounded point."""
    if e.place_id:
        return ("id", e.place_id)
    return ("ll", f"{float(e.lat):.5f}", f"{float(e.lon):.5f}")  # type: ignore[arg-type]


def event_points(
    events: Iterable[Event], palette: Palette, *, min_place_score: float
) -> tuple[list[tuple[float, float, int, str, str, list[Event]]], int]:
    """Group events by place; one marker per place: (lat, lon, style, tip, popup, events).

    Returns the markers (sorted by place key) and the number of unresolved events.
    """
    groups: dict[tuple[str, ...], list[Event]] = {}
    unresolved = 0
    for e in events:
        if not e.resolved:
            unresolved += 1
            continue
        key = event_place_key(e)
        groups.setdefault(key, []).append(e)
    out = []
    for key in sorted(groups):
        evs = sorted(groups[key], key=lambda e: (e.date, text(e.sources), e.event_id))
        imprecise = [bool(is_imprecise(e, min_place_score=min_place_score)) for e in evs]
        style = 1 if all(imprecise) else 0
        first = evs[0]
        tip = f"{esc(first.place)}: {len(evs)} report{'s' if len(evs) != 1 else ''}"
        if any(imprecise):
            tip += " <i>(imprecise)</i>" if all(imprecise) else " <i>(some imprecise)</i>"
        popup = event_group_html(evs, palette, min_place_score=min_place_score)
        out.append((float(first.lat), float(first.lon), style, tip, popup, evs))  # type: ignore[arg-type]
    return out, unresolved


# ----------------------------------------------------------------------------- control map


def control_map(
    *,
    date: dt.date,
    states: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame | None,
    events: Iterable[Event] = (),
    actors: ActorLookup,
    title: str | None = None,
    offline: bool = False,
    tiles: str | None = None,
    basemap: gpd.GeoDataFrame | Sequence[gpd.GeoDataFrame] | None = None,
    min_place_score: float = 0.8,
) -> folium.Map:
    """Draw a static map of control on ``date``.

    Parameters
    ----------
    date : datetime.date
        The date shown as the title.
    states : GeoDataFrame
        Control state per place (columns ``place_id, name, lat, lon, controller,
        status, since, last_event, sources, events, contenders, extent, confidence,
        geometry``; missing optional columns are fine).
    areas : GeoDataFrame or None
        Columns ``kind`` (area, contested, frontline, gain, loss), ``controller``
        (actor id, None, or ``"A|B"`` for frontlines), ``status``, ``geometry``.
    events : iterable of Event
        Reports drawn as event markers (the caller chooses which, e.g. those of the
        last days); grouped per place, every report a row of the popup table.
    actors : object with ``get(id)``
        Returns an object with ``.name`` and ``.colour`` or None (drawn grey).
    title : str, optional
        Shown above the date.
    offline : bool
        Self-contained page: Leaflet inlined, no tiles, no CDN.
    tiles : str, optional
        Tile layer for online maps (default OpenStreetMap).
    basemap : GeoDataFrame or sequence of them, optional
        Vector outlines drawn under the data (for offline maps).
    min_place_score : float
        Events whose ``place_score`` is below this are drawn as imprecise.

    Returns
    -------
    folium.Map
        With stable element ids (see :func:`to_html`).

    Raises
    ------
    ValueError
        Listing every row with an unknown area kind or status.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> states = gpd.GeoDataFrame({"place_id": ["p1"], "name": ["Ayyash"], "lat": [35.37],
    ...     "lon": [40.06], "controller": ["is"], "status": ["held"]},
    ...     geometry=[shapely.Point(40.06, 35.37)], crs="EPSG:4326")
    >>> m = control_map(date=dt.date(2016, 1, 17), states=states, areas=None, actors={},
    ...                 offline=True)
    >>> html = to_html(m)
    >>> "Ayyash" in html and "2016-01-17" in html and "cdn." not in html
    True
    """
    palette = Palette(actors)
    hatches: set[tuple[str, str]] = set()
    problems: list[str] = []
    bounds = _Bounds()
    iso = date.isoformat()
    page_title = f"{title} — {iso}" if title else f"Control on {iso}"
    m = new_map(offline=offline, tiles=tiles, page_title=page_title, basemap=basemap)

    controllers: set[str] = set()
    kinds_seen: set[str] = set()
    layers: dict[str, tuple[list[dict[str, Any]], dict[str, int], list[dict[str, Any]]]] = {
        name: ([], {}, []) for name in ("Areas", "Changes", "Frontlines")
    }
    if areas is not None and len(areas):
        frame = _in_4326(areas)
        rows = _records(frame, ["kind", "controller", "status"])
        for i, (row, geom) in enumerate(zip(rows, frame.geometry, strict=True)):
            kind, status = text(row["kind"]), text(row["status"]) or "held"
            if kind not in AREA_KINDS:
                problems.append(f"areas row {i}: unknown kind {kind!r}")
                continue
            if status not in STATUSES:
                problems.append(f"areas row {i}: unknown status {status!r}")
                continue
            if geom is None or geom.is_empty:
                continue
            kinds_seen.add(kind)
            ctrl = text(row["controller"])
            if kind == "frontline":
                sides = [s for s in ctrl.split("|") if s]
                tip = "frontline: " + " / ".join(esc(palette.name(s)) for s in sides)
                label = None
                colour = ""
            else:
                controllers.add(ctrl)
                colour = palette.colour(ctrl or None)
                name = esc(palette.name(ctrl or None))
                if kind == "area":
                    tip, label = f"{name} ({esc(status)})", None
                elif kind == "contested":
                    tip, label = f"contested: {name}", None
                else:
                    tip, label = None, f"{kind}: {name}"
            target = {"area": "Areas", "contested": "Areas", "frontline": "Frontlines"}.get(
                kind, "Changes"
            )
            styles, index, feats = layers[target]
            s = _style_index(styles, index, area_style(kind, status, colour, hatches))
            props: dict[str, Any] = {"s": s}
            if tip:
                props["t"] = tip
            if label:
                props["l"] = label
            feats.append(_feature(geom, props))
            bounds.add(*geom.bounds)

    for name, (styles, _, feats) in layers.items():
        if feats:
            JsonLayer(name, {"styles": styles, "geo": _collection(feats), "points": []}).add_to(m)

    # places
    notes: list[str] = []
    statuses_seen = False
    if states is not None and len(states):
        frame = _in_4326(states)
        columns = ["place_id", "name", "lat", "lon", "controller", "status", "since",
                   "last_event", "sources", "events", "contenders", "extent", "confidence"]
        rows = _records(frame, columns)
        styles: list[dict[str, Any]] = []
        index: dict[str, int] = {}
        points = []
        missing = 0
        for i, (row, geom) in enumerate(zip(rows, frame.geometry, strict=True)):
            status = text(row["status"]) or "held"
            if status not in STATUSES:
                problems.append(f"states row {i}: unknown status {status!r}")
                continue
            where = point_of(row, geom)
            if where is None:
                missing += 1
                continue
            ctrl = text(row["controller"])
            controllers.add(ctrl)
            contenders = items(row["contenders"])
            other = palette.colour(contenders[0]) if contenders else None
            style = marker_style(status, palette.colour(ctrl or None), other, hatches)
            s = _style_index(styles, index, style)
            tip = f"{esc(row['name'])} — {esc(palette.name(ctrl or None))} ({esc(status)})"
            points.append([round(where[0], 6), round(where[1], 6), s, tip,
                           place_popup_html(row, palette)])
            bounds.add(where[1], where[0], where[1], where[0])
        if missing:
            notes.append(f"{missing} place(s) without coordinates are not shown")
        if points:
            statuses_seen = True
            JsonLayer("Places", {"styles": styles, "geo": None, "points": points}).add_to(m)

    if problems:
        raise ValueError("cannot draw the map:\n" + "\n".join(problems))

    markers, unresolved = event_points(events, palette, min_place_score=min_place_score)
    if unresolved:
        notes.append(f"{unresolved} report(s) without a resolved place are not shown")
    if markers:
        points = [[round(a, 6), round(b, 6), s, t, p] for a, b, s, t, p, _ in markers]
        for a, b, *_ in markers:
            bounds.add(b, a, b, a)
        JsonLayer("Events", {"styles": list(EVENT_STYLES), "geo": None, "points": points}).add_to(m)

    legend = legend_html(
        controllers=controllers,
        palette=palette,
        hatches=hatches,
        statuses=statuses_seen or bool(controllers),
        area_kinds=kinds_seen,
        events=bool(markers),
        notes=notes,
    )
    return finish_map(m, legend=legend, title=title, iso=iso, hatches=hatches, bounds=bounds)


def finish_map(
    m: folium.Map, *, legend: str, title: str | None, iso: str, hatches: Any, bounds: _Bounds
) -> folium.Map:
    """Add the legend, title, hatch patterns, fitted bounds and layer control; fix ids."""
    Legend(legend).add_to(m)
    Title(title, iso).add_to(m)
    HatchDefs(hatches).add_to(m)
    box = bounds.latlng()
    if box is not None:
        m.location = [(box[0][0] + box[1][0]) / 2, (box[0][1] + box[1][1]) / 2]
        folium.FitBounds(box, padding=(24, 24), max_zoom=13).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    stable_ids(m)
    return m
