"""Areas of control, contested zones, frontlines and gains/losses from place states.

The pipeline has two steps:

1. :func:`tessellate` turns the *places* (points) into *cells*: one polygon per place,
   a Voronoi tessellation computed in a metric CRS, clipped to a region and never
   crossing a barrier line (a river). The cells depend only on the places, so a
   slider computes them once.
2. :func:`control_areas` colours the cells with the place states of one date and
   dissolves them into areas; :func:`frontlines` finds where two controllers' areas
   meet; :func:`changes` compares two dates; :func:`layers` bundles everything.

Every frame is a :class:`geopandas.GeoDataFrame` in EPSG:4326; inputs are never
mutated. Areas come from a polygon *coverage* (cells sharing exact edges), so they
do not overlap and their union is the region.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

__all__ = [
    "KINDS",
    "Tessellation",
    "changes",
    "control_areas",
    "frontlines",
    "layers",
    "tessellate",
]

WGS84 = "EPSG:4326"

#: The values of the ``kind`` column, in the order :func:`layers` sorts them.
KINDS: tuple[str, ...] = ("area", "contested", "frontline", "gain", "loss")

_AREA_COLUMNS = ["kind", "controller", "status", "contenders", "place_ids", "geometry"]
_FRONT_COLUMNS = ["kind", "controller", "a", "b", "geometry"]
_CHANGE_COLUMNS = ["kind", "controller", "geometry"]
_LAYER_COLUMNS = ["kind", "controller", "status", "contenders", "place_ids", "a", "b", "geometry"]

#: Longest Voronoi edge (metres) reprojected by its end points only (see :func:`_densify`).
_MAX_EDGE_M = 10_000.0

#: Snapping distance (degrees, ~0.1 mm) used to clean the cell coverage of overlay round-off.
_SNAP_DEG = 1e-9

RegionLike = BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries


@dataclass(frozen=True, eq=False)
class Tessellation:
    """The cells of a set of places, computed once and reused for every date.

    Attributes
    ----------
    cells : geopandas.GeoDataFrame
        Columns ``place_id`` (str, or None for a zone with no place: an unknown,
        grey zone) and ``geometry`` ((Multi)Polygon), EPSG:4326, sorted by
        ``place_id`` (None last). The cells form a polygon coverage: they do not
        overlap and their union is ``region``.
    region : shapely.geometry.base.BaseGeometry
        The (Multi)Polygon that was tessellated, EPSG:4326.
    outside : geopandas.GeoDataFrame
        The input rows of places that got no cell, plus a ``reason`` column
        (``"outside region"``, ``"no coordinates"``, ``"invalid coordinates"``),
        sorted by ``place_id``.
    coverage_valid : bool
        Whether ``cells`` is a valid polygon coverage (checked once, at
        construction, when not given): areas, frontlines and gains/losses then
        take their fast, cell-based paths. :func:`tessellate` always makes one.
    """

    cells: gpd.GeoDataFrame
    region: BaseGeometry
    outside: gpd.GeoDataFrame
    coverage_valid: bool | None = field(default=None)

    def __post_init__(self) -> None:
        if self.coverage_valid is None:
            geoms = np.asarray(self.cells.geometry.values, dtype=object)
            valid = bool(shapely.coverage_is_valid(geoms)) if len(geoms) else True
            object.__setattr__(self, "coverage_valid", valid)

    @cached_property
    def _index(self) -> _CellIndex:
        """Per-cell lookups reused for every date (built on first use)."""
        return _CellIndex(_cells_frame(self.cells), coverage_valid=bool(self.coverage_valid))

    @property
    def adjacency(self) -> gpd.GeoDataFrame:
        """Shared edges of neighbouring cells (computed once, on first use).

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``i``, ``j`` (row positions in :attr:`cells`, ``i < j``) and
            ``geometry``: one LineString per part of the boundary the two cells
            share (cells touching at a point only are not neighbours); EPSG:4326;
            sorted by ``i``, ``j``. Empty when the cells are not a valid coverage.
        """
        index = self._index
        i, j, lines = index.adjacency
        return gpd.GeoDataFrame(
            {"i": i, "j": j}, geometry=gpd.GeoSeries(lines, crs=WGS84), crs=WGS84
        )


# --------------------------------------------------------------------------- helpers


def _to_wgs84(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> Any:
    """Return ``frame`` in EPSG:4326 (a missing CRS is taken to be EPSG:4326)."""
    if frame.crs is None:
        return frame.set_crs(WGS84)
    if CRS.from_user_input(frame.crs) != CRS.from_user_input(WGS84):
        return frame.to_crs(WGS84)
    return frame


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry:
    """Keep only the polygonal parts of ``geom`` (an empty Polygon if none)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def _polygonal_array(geoms: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_polygonal`: only non-polygon results are visited."""
    out = np.asarray(geoms, dtype=object).copy()
    type_ids = shapely.get_type_id(out)
    for i in np.flatnonzero((type_ids != 3) & (type_ids != 6)):
        out[i] = _polygonal(out[i])
    return out


def _as_geometry(value: RegionLike | None, what: str) -> BaseGeometry | None:
    """Union a geometry-like input (EPSG:4326) into one shapely geometry."""
    if value is None:
        return None
    if isinstance(value, gpd.GeoDataFrame):
        value = value.geometry
    if isinstance(value, gpd.GeoSeries):
        series = _to_wgs84(value)
        geoms = series.values[~(series.isna().to_numpy() | series.is_empty.to_numpy())]
        return shapely.union_all(np.asarray(geoms, dtype=object))
    if isinstance(value, BaseGeometry):
        return value
    msg = f"{what} must be a shapely geometry, a GeoSeries or a GeoDataFrame, not {type(value).__name__}"
    raise TypeError(msg)


def _metric_crs(*geoms: BaseGeometry | None) -> CRS:
    """Return the UTM CRS of the bounds of the given EPSG:4326 geometries."""
    present = [g for g in geoms if g is not None and not g.is_empty]
    if not present:
        return _utm_at(0.0, 0.0)
    bounds = shapely.bounds(np.asarray(present, dtype=object))
    return _metric_crs_of_bounds(
        (
            float(bounds[:, 0].min()),
            float(bounds[:, 1].min()),
            float(bounds[:, 2].max()),
            float(bounds[:, 3].max()),
        )
    )


def _metric_crs_of_bounds(bounds: tuple[float, float, float, float]) -> CRS:
    """UTM CRS of EPSG:4326 bounds, as :meth:`~geopandas.GeoSeries.estimate_utm_crs` picks it.

    geopandas asks the PROJ database for the UTM zone of the bounds' centre (a
    slow query): the answer is cached per centre, rounded to 1e-6 degrees.
    """
    minx, miny, maxx, maxy = bounds
    return _utm_at(round((minx + maxx) / 2, 6), round((miny + maxy) / 2, 6))


@lru_cache(maxsize=1024)
def _utm_at(x: float, y: float) -> CRS:
    """UTM CRS (WGS 84) of the point ``(x, y)`` (EPSG:3857 where no zone applies)."""
    try:
        return gpd.GeoSeries([shapely.Point(x, y)], crs=WGS84).estimate_utm_crs()
    except RuntimeError:  # pragma: no cover - only for extents no UTM zone covers
        return CRS.from_user_input("EPSG:3857")


def _join_ids(values: Iterable[Any]) -> str:
    """Sorted, de-duplicated, ``"; "``-joined ids (empty strings and None dropped)."""
    return "; ".join(sorted({str(v).strip() for v in values if v is not None and str(v).strip()}))


def _split_ids(value: Any) -> list[str]:
    """Split a ``"; "``-joined id list (None/NaN → empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _values(series: pd.Series) -> np.ndarray:
    """Return the values of a column as an object array with None for every missing value."""
    out = np.asarray(series.to_numpy(dtype=object), dtype=object).copy()
    out[pd.isna(out)] = None
    return out


def _none_if_missing(value: Any) -> Any:
    """Turn NaN / pd.NA / None into None."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    return value


def _frame(rows: list[tuple[Any, ...]], columns: list[str]) -> gpd.GeoDataFrame:
    """Build a frame from row tuples: object columns (None stays None), then geometry."""
    data: dict[str, Any] = {
        col: pd.Series([r[i] for r in rows], dtype=object) for i, col in enumerate(columns[:-1])
    }
    geometry = np.asarray([r[-1] for r in rows], dtype=object)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)


def _sort_key(value: Any) -> tuple[bool, str]:
    """Sort key that puts None last."""
    return (value is None, "" if value is None else str(value))


# --------------------------------------------------------------------------- tessellate


def _zones(region: BaseGeometry, barriers: BaseGeometry | None, snap: float) -> np.ndarray:
    """Split ``region`` into zones along ``barriers`` (lines), in the region's CRS."""
    parts = shapely.get_parts(region)
    if barriers is None or barriers.is_empty:
        return _ordered(parts)
    lines = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.get_parts(barriers))))
    lines = _close_gaps(lines, region.boundary, snap)
    # node the whole lines with the outline (clipping first would leave line ends
    # a few ulps off the outline, unnoded); faces outside the region are dropped
    noded = shapely.union_all([region.boundary, lines])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    if len(faces) == 0:
        return _ordered(parts)
    shapely.prepare(region)
    keep = shapely.contains_properly(region, shapely.point_on_surface(faces))
    return _ordered(faces[keep])


def _ordered(polygons: np.ndarray) -> np.ndarray:
    """Order polygons deterministically (by the lower-left corner of their bounds)."""
    bounds = shapely.bounds(polygons).reshape(-1, 4)
    return polygons[np.lexsort((bounds[:, 3], bounds[:, 2], bounds[:, 1], bounds[:, 0]))]


def _close_gaps(lines: np.ndarray, boundary: BaseGeometry, snap: float) -> BaseGeometry:
    """Join dangling line ends to the nearest other line or region edge within ``snap``.

    Rivers in real data have small gaps (a lake centre-line that stops 100 m short of
    the river): without this step the two banks would stay one zone. The joining
    segment overshoots its target a little so that noding splits the target line.
    """
    if snap <= 0 or len(lines) == 0:
        return shapely.union_all(lines)
    starts = shapely.get_point(lines, 0)
    ends = shapely.get_point(lines, -1)
    ends_all = np.concatenate([starts, ends])
    owner = np.concatenate([np.arange(len(lines)), np.arange(len(lines))])
    targets = np.concatenate([lines, np.asarray([boundary], dtype=object)])
    tree = shapely.STRtree(targets)
    extra = []
    for point, own in zip(ends_all, owner, strict=True):
        # an end that touches another part (a junction) is not dangling
        touching = tree.query(point, predicate="intersects")
        if len(touching[touching != own]) > 0:
            continue
        near = tree.query(point, predicate="dwithin", distance=snap)
        near = near[near != own]
        if len(near) == 0:
            continue
        dists = shapely.distance(point, targets[near])
        best = near[np.lexsort((near, dists))[0]]
        (x0, y0), (x1, y1) = shapely.get_coordinates(shapely.shortest_line(point, targets[best]))
        length = math.hypot(x1 - x0, y1 - y0)
        if length == 0:
            continue
        over = (length * 0.01 + snap * 1e-4) / length
        extra.append(shapely.LineString([(x0, y0), (x1 + (x1 - x0) * over, y1 + (y1 - y0) * over)]))
    return shapely.union_all(np.concatenate([lines, np.asarray(extra, dtype=object)]))


def _wedges(point: BaseGeometry, n: int, radius: float) -> list[BaseGeometry]:
    """``n`` equal angular sectors around ``point`` (counter-clockwise from east)."""
    x, y = point.x, point.y
    out = []
    for k in range(n):
        a0, a1 = 2 * math.pi * k / n, 2 * math.pi * (k + 1) / n
        steps = max(2, math.ceil((a1 - a0) / (math.pi / 8)) + 1)
        angles = np.linspace(a0, a1, steps)
        ring = [(x, y)] + [(x + radius * math.cos(a), y + radius * math.sin(a)) for a in angles]
        out.append(shapely.Polygon(ring))
    return out


def _transform(geoms: Any, src: Any, dst: Any) -> np.ndarray:
    """Reproject an array of shapely geometries (x = longitude / easting)."""
    transformer = _transformer(CRS.from_user_input(src), CRS.from_user_input(dst))

    def func(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(np.asarray(geoms, dtype=object), func), dtype=object)


@lru_cache(maxsize=64)
def _transformer(src: CRS, dst: CRS) -> Transformer:
    """Return a cached ``always_xy`` transformer (building one queries the PROJ database)."""
    return Transformer.from_crs(src, dst, always_xy=True)


def _voronoi(points_m: np.ndarray, zone_m_bounds: tuple[float, float, float, float]) -> np.ndarray:
    """Unclipped Voronoi cells of distinct metric points, in input order."""
    minx, miny, maxx, maxy = zone_m_bounds
    pad = 0.1 * max(maxx - minx, maxy - miny) + 1000.0
    frame = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    if len(points_m) == 1:
        return np.asarray([frame], dtype=object)
    coords = shapely.get_coordinates(points_m)
    vor = shapely.voronoi_polygons(shapely.multipoints(coords), extend_to=frame, ordered=True)
    return _densify(shapely.get_parts(vor).astype(object), _MAX_EDGE_M)


def _densify(polygons: np.ndarray, max_len: float) -> np.ndarray:
    """Split polygon edges longer than ``max_len`` (metres), identically on both sides.

    A straight Voronoi edge in UTM is a curve in longitude/latitude: reprojecting a
    long edge by its end points only would move it by metres (tens of metres for a
    100 km edge) and a cell could miss its own place. The new vertices of an edge are
    computed from its lexicographically lower end, so the two cells sharing the edge
    get bit-identical vertices and stay a coverage. Polygons without holes only.
    """
    coords, owner = shapely.get_coordinates(polygons, return_index=True)
    if len(coords) < 2:
        return polygons
    same = owner[:-1] == owner[1:]
    p, q = coords[:-1][same], coords[1:][same]
    edge_owner = owner[:-1][same]
    n = np.maximum(np.ceil(np.hypot(*(q - p).T) / max_len).astype(np.int64), 1)
    if (n == 1).all():
        return polygons
    swap = (q[:, 0] < p[:, 0]) | ((q[:, 0] == p[:, 0]) & (q[:, 1] < p[:, 1]))
    lo, hi = np.where(swap[:, None], q, p), np.where(swap[:, None], p, q)
    # every edge emits its start point and its n - 1 inner points, in ring order
    edge = np.repeat(np.arange(len(n)), n)
    k = np.arange(len(edge)) - np.repeat(np.cumsum(n) - n, n)  # 0 = start, 1..n-1 inner
    step = np.where(swap[edge], n[edge] - k, k)
    t = (step / n[edge])[:, None]
    pts = lo[edge] + (hi[edge] - lo[edge]) * t
    pts[k == 0] = p[edge[k == 0]]
    ring_owner = edge_owner[edge]
    # close every ring with its first point
    starts = np.flatnonzero(np.r_[True, ring_owner[1:] != ring_owner[:-1]])
    ends = np.r_[starts[1:], len(pts)]
    out_pts = np.insert(pts, ends, pts[starts], axis=0)
    out_owner = np.insert(ring_owner, ends, ring_owner[starts])
    rings = shapely.linearrings(out_pts, indices=out_owner)
    result = np.asarray(polygons, dtype=object).copy()
    result[np.unique(out_owner)] = shapely.polygons(rings)
    return result


def _clip(cells: np.ndarray, zone: BaseGeometry) -> np.ndarray:
    """Intersect cells with ``zone``; cells well inside the zone are kept as they are."""
    shapely.prepare(zone)
    inside = shapely.contains_properly(zone, cells)
    out = np.asarray(cells, dtype=object).copy()
    out[~inside] = shapely.intersection(out[~inside], zone)
    return _polygonal_array(out)


def tessellate(
    places: gpd.GeoDataFrame,
    *,
    region: RegionLike | None = None,
    barriers: RegionLike | None = None,
    buffer_km: float = 10.0,
    snap_km: float = 1.0,
) -> Tessellation:
    """Split a region into one cell per place (Voronoi), never across a barrier.

    The Voronoi diagram is computed in the UTM CRS of the places
    (:meth:`~geopandas.GeoSeries.estimate_utm_crs`), so cells are fair in metres;
    its cells are then brought back to EPSG:4326 and clipped there to the region,
    so the cells' union is exactly the region as given. The region is first split
    into *zones* along the barrier lines (the region's outline and the barriers
    are noded and polygonized) and into its separate parts; each zone is
    tessellated with the places inside it, and a zone without any place becomes
    one cell with ``place_id`` None (an unknown zone).

    Places with the same coordinates split their Voronoi cell into equal angular
    sectors around the point, in ``place_id`` order (counter-clockwise from east).
    A place on a barrier belongs to the zone listed first (zones are ordered by
    the lower-left corner of their bounds).

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Columns ``place_id`` (unique) and Point ``geometry``; any CRS (a missing
        CRS is taken to be EPSG:4326). Other columns are ignored.
    region : shapely geometry, GeoSeries or GeoDataFrame, optional
        The area to tessellate, EPSG:4326 (frames are reprojected); polygons are
        unioned. Default: the union of circles of ``buffer_km`` around the places
        (computed in metres), i.e. no cell reaches further than ``buffer_km`` from
        its place and places far from the others form islands.
    barriers : shapely geometry, GeoSeries or GeoDataFrame, optional
        Lines (rivers) that cells never cross. A line end closer than about
        ``snap_km`` to another barrier line or to the region's edge is joined to
        it, so small gaps in real river data still separate the banks; a barrier
        that ends inside the region does not split it there (the cells around
        its end reach around it).
    buffer_km : float
        Radius of the default region.
    snap_km : float
        Gap closing distance for barrier lines (0 disables), converted to degrees
        with 1° ≈ 111.32 km.

    Returns
    -------
    Tessellation
        ``cells`` (place_id, geometry), ``region`` and the places left ``outside``
        with a ``reason``: ``"outside region"``, ``"no coordinates"`` (missing or
        empty geometry), ``"invalid coordinates"`` (not a longitude/latitude).

    Raises
    ------
    ValueError
        When ``place_id`` is missing or not unique, a geometry is not a Point,
        the region has no polygon, or there is neither a place nor a region.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> places = gpd.GeoDataFrame(
    ...     {"place_id": ["a", "b", "c"]},
    ...     geometry=gpd.points_from_xy([40.0, 40.1, 45.0], [35.0, 35.0, 35.0]), crs="EPSG:4326")
    >>> t = tessellate(places, region=shapely.box(39.9, 34.9, 40.2, 35.1))
    >>> t.cells["place_id"].tolist()
    ['a', 'b']
    >>> t.outside[["place_id", "reason"]].values.tolist()
    [['c', 'outside region']]
    >>> round(t.cells.union_all().symmetric_difference(t.region).area, 12)
    0.0
    """
    if "place_id" not in places.columns:
        msg = "places has no 'place_id' column"
        raise ValueError(msg)
    ids = places["place_id"].map(_none_if_missing)
    if ids.isna().any():
        msg = f"places has {int(ids.isna().sum())} rows without a place_id"
        raise ValueError(msg)
    ids = ids.astype(str)
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        msg = f"place_id is not unique: {', '.join(sorted(dup)[:10])}"
        raise ValueError(msg)
    geoms = np.asarray(_to_wgs84(places.geometry).values, dtype=object)
    missing = pd.isna(geoms) | shapely.is_empty(geoms)
    bad = ~missing & (shapely.get_type_id(geoms) != 0)
    if bad.any():
        msg = f"places must be Points; {ids[bad].tolist()[:10]} are not"
        raise ValueError(msg)
    xy = np.full((len(geoms), 2), np.nan)
    xy[~missing] = shapely.get_coordinates(geoms[~missing])
    invalid = ~missing & ~(
        np.isfinite(xy).all(axis=1) & (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)
    )
    missing = missing | invalid

    region_geom = _as_geometry(region, "region")
    located = geoms[~missing]
    if region_geom is None and len(located) == 0:
        msg = "cannot tessellate: no place has coordinates and no region was given"
        raise ValueError(msg)
    metric = _metric_crs(shapely.MultiPoint(list(located)) if len(located) else None, region_geom)
    if region_geom is None:
        buffers = shapely.buffer(_transform(located, WGS84, metric), buffer_km * 1000.0)
        region_geom = _transform([shapely.union_all(buffers)], metric, WGS84)[0]
    region_geom = _polygonal(shapely.make_valid(region_geom))
    if region_geom.is_empty:
        msg = "region has no polygon"
        raise ValueError(msg)
    barriers_geom = _as_geometry(barriers, "barriers")
    zones = _zones(region_geom, barriers_geom, snap_km / 111.32)

    # which zone each located place falls into (the first zone if on a border)
    zone_of = np.full(len(geoms), -1)
    idx = np.flatnonzero(~missing)
    if len(idx):
        pairs = shapely.STRtree(zones).query(geoms[idx], predicate="covered_by")
        order = np.lexsort((pairs[1], pairs[0]))
        first_points, first = np.unique(pairs[0][order], return_index=True)
        zone_of[idx[first_points]] = pairs[1][order][first]

    cell_ids: list[str | None] = []
    cell_geoms: list[BaseGeometry] = []
    for z, zone in enumerate(zones):
        members = np.flatnonzero(zone_of == z)
        if len(members) == 0:
            cell_ids.append(None)
            cell_geoms.append(zone)
            continue
        xy = shapely.get_coordinates(geoms[members])
        # group exact duplicates; each group is represented by its first point
        _, first, inverse = np.unique(xy, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        reps = geoms[members[first]]
        reps_m = _transform(reps, WGS84, metric)
        zone_m = _transform([shapely.envelope(zone)], WGS84, metric)[0]
        # the diagram is computed in metres, brought back to EPSG:4326, and only then
        # split (duplicates) and clipped, so that every new vertex lies on an edge
        # shared exactly by both neighbours
        voronoi = _transform(_voronoi(reps_m, zone_m.bounds), metric, WGS84)
        pieces: list[BaseGeometry] = []
        for g, cell in enumerate(voronoi):
            group = members[inverse == g]
            if len(group) == 1:
                cell_ids.append(ids.iloc[group[0]])
                pieces.append(cell)
                continue
            minx, miny, maxx, maxy = cell.bounds
            radius = 2 * math.hypot(maxx - minx, maxy - miny) + 1.0
            wedges = _wedges(reps[g], len(group), radius)
            for pid, wedge in zip(sorted(ids.iloc[group].tolist()), wedges, strict=True):
                cell_ids.append(pid)
                pieces.append(_polygonal(shapely.intersection(cell, wedge)))
        cell_geoms.extend(_clip(np.asarray(pieces, dtype=object), zone))

    cells_4326 = np.asarray(cell_geoms, dtype=object)
    valid = bool(shapely.coverage_is_valid(cells_4326))
    if not valid:
        # overlay round-off can leave shared edges a few ulps apart: snap them together
        cells_4326 = _polygonal_array(
            shapely.coverage_clean(cells_4326, snapping_distance=_SNAP_DEG)
        )
        valid = bool(shapely.coverage_is_valid(cells_4326[~shapely.is_empty(cells_4326)]))
    cells = gpd.GeoDataFrame(
        {"place_id": pd.Series(cell_ids, dtype=object)}, geometry=cells_4326, crs=WGS84
    )
    empty = cells.geometry.is_empty.to_numpy()
    no_cell = set(cells.loc[empty, "place_id"].dropna())
    cells = cells.loc[~empty]
    keys = [_sort_key(v) for v in cells["place_id"]]
    cells = cells.iloc[sorted(range(len(cells)), key=keys.__getitem__)].reset_index(drop=True)

    reason = np.full(len(geoms), None, dtype=object)
    reason[missing] = "no coordinates"
    reason[invalid] = "invalid coordinates"
    reason[~missing & (zone_of < 0)] = "outside region"
    reason[ids.isin(no_cell).to_numpy()] = "no cell (degenerate)"
    has_reason = pd.notna(reason)
    outside = places.loc[has_reason].copy()
    outside["reason"] = reason[has_reason]
    outside = outside.iloc[np.argsort(ids[has_reason].to_numpy(), kind="stable")]
    return Tessellation(
        cells=cells,
        region=region_geom,
        outside=outside.reset_index(drop=True),
        coverage_valid=valid,
    )


# --------------------------------------------------------------------------- per-cell lookups


def _cells_frame(cells: Tessellation | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = cells.cells if isinstance(cells, Tessellation) else cells
    if "place_id" not in frame.columns:
        msg = "cells has no 'place_id' column"
        raise ValueError(msg)
    return _to_wgs84(frame)


class _CellIndex:
    """What every date needs from a set of cells, computed once.

    ``keys`` are the strings states are joined on (``str(place_id)``), ``ids``
    the ids written to ``place_ids`` (stripped; ``""`` for a cell without a
    place) and ``rank`` their position in the sorted distinct ids (-1 for none).
    """

    def __init__(self, frame: gpd.GeoDataFrame, *, coverage_valid: bool | None = None) -> None:
        self.geoms = np.asarray(frame.geometry.values, dtype=object)
        raw = _values(frame["place_id"])
        self.known = pd.notna(raw)
        self.keys = np.array([str(v) if v is not None else "" for v in raw], dtype=object)
        self.ids = np.array([str(v).strip() if v is not None else "" for v in raw], dtype=object)
        self.unique_ids = np.array(sorted(set(self.ids.tolist()) - {""}), dtype=object)
        rank = pd.Index(self.unique_ids, dtype=object).get_indexer(self.ids)
        self.rank = np.asarray(rank, dtype=np.int64)
        if coverage_valid is None:
            coverage_valid = (
                bool(shapely.coverage_is_valid(self.geoms)) if len(self.geoms) else True
            )
        self.coverage = coverage_valid

    @cached_property
    def metric(self) -> CRS:
        """UTM CRS of the cells' bounds (for the sliver threshold)."""
        if len(self.geoms) == 0:
            return _utm_at(0.0, 0.0)
        return _metric_crs(*self.geoms[~shapely.is_empty(self.geoms)])

    @cached_property
    def adjacency(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(i, j, line)``: the LineStrings shared by cells ``i < j`` (a valid coverage only)."""
        none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object))
        if not self.coverage or len(self.geoms) < 2:
            return none
        left, right = shapely.STRtree(self.geoms).query(self.geoms, predicate="intersects")
        keep = left < right
        left, right = left[keep], right[keep]
        boundary = shapely.boundary(self.geoms)
        shared = shapely.intersection(boundary[left], boundary[right])
        # keep the line parts (cells touching at a point only are not neighbours)
        parts, pair = shapely.get_parts(shared, return_index=True)
        while True:
            multi = np.isin(shapely.get_type_id(parts), (4, 5, 6, 7))
            if not multi.any():
                break
            sub, at = shapely.get_parts(parts[multi], return_index=True)
            parts = np.concatenate([parts[~multi], sub])
            pair = np.concatenate([pair[~multi], pair[multi][at]])
        line = (shapely.get_type_id(parts) == 1) & ~shapely.is_empty(parts)
        parts, pair = parts[line], pair[line]
        if len(parts) == 0:
            return none
        order = np.argsort(pair, kind="stable")
        parts, pair = parts[order], pair[order]
        # merge each pair's segments into as few lines as possible
        pairs = np.unique(pair)
        merged = shapely.line_merge(
            shapely.multilinestrings(parts, indices=np.searchsorted(pairs, pair))
        )
        lines, at = shapely.get_parts(merged, return_index=True)
        return left[pairs][at], right[pairs][at], np.asarray(lines, dtype=object)


def _index_of(cells: Tessellation | gpd.GeoDataFrame) -> _CellIndex:
    if isinstance(cells, Tessellation):
        return cells._index
    return _CellIndex(_cells_frame(cells))


def _state_table(states: pd.DataFrame) -> pd.DataFrame:
    """place_id-indexed controller/status/contenders, validated."""
    missing = [c for c in ("place_id", "controller", "status") if c not in states.columns]
    if missing:
        msg = f"states lacks column(s): {', '.join(missing)}"
        raise ValueError(msg)
    if "contenders" in states.columns:
        # the same few values repeat: normalise each distinct (hashable) value once
        seen: dict[Any, str] = {}
        contenders = []
        for v in states["contenders"].tolist():
            if not isinstance(v, Hashable):  # a list of contenders
                contenders.append(_join_ids(_split_ids(v)))
                continue
            if v not in seen:
                seen[v] = _join_ids(_split_ids(v))
            contenders.append(seen[v])
    else:
        contenders = [""] * len(states)
    table = pd.DataFrame(
        {
            "controller": pd.Series(_values(states["controller"]), dtype=object),
            "status": pd.Series(_values(states["status"]), dtype=object),
            "contenders": pd.Series(contenders, dtype=object),
        }
    )
    table.index = states["place_id"].astype(str).to_numpy()
    dup = table.index[table.index.duplicated()].unique()
    if len(dup):
        msg = f"states has several rows for place_id {', '.join(sorted(dup)[:10])}"
        raise ValueError(msg)
    return table


def _cell_states(
    index: _CellIndex, states: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: kind, controller, status, contenders (see :func:`control_areas`)."""
    table = _state_table(states)
    pos = np.asarray(table.index.get_indexer(index.keys), dtype=np.int64)
    pos[~index.known] = -1  # -1 picks the appended "no state" value
    controller = np.append(table["controller"].to_numpy(dtype=object), None)[pos]
    status = np.append(table["status"].to_numpy(dtype=object), None)[pos]
    contenders = np.append(table["contenders"].to_numpy(dtype=object), "")[pos]
    contested = status == "contested"
    unknown = ~contested & pd.isna(controller)
    controller[unknown] = None
    status[unknown] = None
    contenders[unknown | (status == "held")] = ""
    kind = np.where(contested, "contested", "area").astype(object)
    return kind, controller, status, contenders


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (0 = None) and the distinct values (index 0 is None)."""
    codes, uniques = pd.factorize(values)
    return codes + 1, np.concatenate(
        [np.array([None], dtype=object), np.asarray(uniques, dtype=object)]
    )


def _groups(*columns: np.ndarray) -> tuple[list[tuple[Any, ...]], list[np.ndarray]]:
    """Group rows by the values of ``columns`` (None is a value): keys and member rows."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, values = _codes(col)
        # re-number after each column so that the combined key never overflows
        key = np.unique(key * len(values) + codes, return_inverse=True)[1].ravel()
    distinct, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(distinct) + 1))
    keys = [tuple(col[f] for col in columns) for f in first]
    members = [order[bounds[g] : bounds[g + 1]] for g in range(len(distinct))]
    return keys, members


# --------------------------------------------------------------------------- control areas


def _dissolve(
    index: _CellIndex,
    kind: np.ndarray,
    controller: np.ndarray,
    status: np.ndarray,
    contenders: np.ndarray,
) -> gpd.GeoDataFrame:
    """Dissolve the cells by ``(kind, controller, status, contenders)`` into areas."""
    if len(index.geoms) == 0:
        return _frame([], _AREA_COLUMNS)
    keys, members = _groups(kind, controller, status, contenders)
    order = sorted(
        range(len(keys)),
        key=lambda g: (
            KINDS.index(keys[g][0]),
            _sort_key(keys[g][1]),
            _sort_key(keys[g][2]),
            keys[g][3],
        ),
    )
    rows = []
    taken: BaseGeometry = shapely.Polygon()
    for g in order:
        part = index.geoms[members[g]]
        if index.coverage:
            geom = shapely.coverage_union_all(part)
        else:
            geom = shapely.difference(shapely.union_all(part), taken)
            taken = shapely.union(taken, geom)
        geom = _polygonal(geom)
        if geom.is_empty:
            continue
        ranks = index.rank[members[g]]
        ids_here = "; ".join(index.unique_ids[np.unique(ranks[ranks >= 0])].tolist())
        rows.append((*keys[g], ids_here, geom))
    return _frame(rows, _AREA_COLUMNS)


def control_areas(cells: Tessellation | gpd.GeoDataFrame, states: pd.DataFrame) -> gpd.GeoDataFrame:
    """Colour the cells with the place states of one date and dissolve them.

    A cell takes the state of its place (joined on ``place_id``). Cells are
    dissolved by ``(kind, controller, status, contenders)``:

    * ``kind`` is ``"contested"`` for status ``contested``, else ``"area"``;
    * ``status`` keeps ``held`` / ``claimed`` / ``besieged`` apart (and is
      ``contested`` for contested zones);
    * ``contenders`` (sorted, ``"; "``-joined) is kept for every status but
      ``held``, so a zone besieged by IS and one besieged by the SDF stay apart;
    * a cell without place, without state, or whose state has no controller and
      is not contested is ``kind="area"``, ``controller=None``, ``status=None``
      (unknown). A contested state with no controller stays contested.

    Parameters
    ----------
    cells : Tessellation or geopandas.GeoDataFrame
        From :func:`tessellate`, or any polygons with a ``place_id`` column
        (e.g. admin units). If they are not a clean coverage they are unioned
        with :func:`shapely.union_all` and overlaps go to the area sorted first.
        A :class:`Tessellation` is checked once (:attr:`Tessellation.coverage_valid`),
        a frame on every call: pass the Tessellation when mapping many dates.
    states : pandas.DataFrame
        Columns ``place_id``, ``controller``, ``status`` and optionally
        ``contenders``; one row per place. States of places without a cell are
        ignored (they are in :attr:`Tessellation.outside`).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns kind, controller, status, contenders, place_ids (sorted,
        ``"; "``-joined), geometry; EPSG:4326; sorted by kind, controller (None
        last), status, contenders. The areas do not overlap and cover the cells.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> cells = gpd.GeoDataFrame({"place_id": ["a", "b", "c"]},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)],
    ...     crs="EPSG:4326")
    >>> states = pd.DataFrame({"place_id": ["a", "b", "c"], "controller": ["IS", "IS", "gov"],
    ...     "status": ["held", "held", "contested"], "contenders": ["", "", "IS"]})
    >>> areas = control_areas(cells, states)
    >>> areas[["kind", "controller", "status", "place_ids"]].values.tolist()
    [['area', 'IS', 'held', 'a; b'], ['contested', 'gov', 'contested', 'c']]
    >>> areas.geometry.iloc[0].area
    2.0
    """
    index = _index_of(cells)
    return _dissolve(index, *_cell_states(index, states))


# --------------------------------------------------------------------------- frontlines


def _lines_only(geom: BaseGeometry) -> BaseGeometry:
    """Return the merged line parts of ``geom`` (points and polygons dropped)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("LineString", "MultiLineString")]
    if not parts:
        return shapely.LineString()
    merged = shapely.line_merge(shapely.union_all(parts))
    return merged


def _by_controller(areas: gpd.GeoDataFrame) -> dict[str, BaseGeometry]:
    """Union of the areas (every kind and status) of each controller."""
    frame = _to_wgs84(areas)
    out: dict[str, BaseGeometry] = {}
    controllers = _values(frame["controller"])
    geoms = np.asarray(frame.geometry.values, dtype=object)
    for name in sorted({c for c in controllers if c is not None}, key=str):
        part = geoms[controllers == name]
        if shapely.coverage_is_valid(part):
            out[str(name)] = _polygonal(shapely.coverage_union_all(part))
        else:
            out[str(name)] = _polygonal(shapely.union_all(part))
    return out


def _controllers_from_areas(index: _CellIndex, areas: gpd.GeoDataFrame) -> np.ndarray | None:
    """Each cell's controller read from the ``place_ids`` of its areas.

    None when the areas cannot be matched to the cells one to one (not from
    :func:`control_areas` on these cells, or the cells are not a coverage): the
    caller then works on the area geometries.
    """
    if not index.coverage or "place_ids" not in areas.columns or "controller" not in areas.columns:
        return None
    ids: list[str] = []
    rows: list[int] = []
    for r, value in enumerate(areas["place_ids"].tolist()):
        parts = _split_ids(value)
        ids.extend(parts)
        rows.extend([r] * len(parts))
    listed = pd.Index(ids, dtype=object)
    if listed.has_duplicates or len(listed) != len(index.unique_ids):
        return None
    pos = np.asarray(listed.get_indexer(index.ids), dtype=np.int64)
    if (pos[index.rank >= 0] < 0).any():
        return None
    controller = _values(areas["controller"])
    per_listed = np.append(controller[np.asarray(rows, dtype=np.int64)], None)
    pos[index.rank < 0] = -1
    return per_listed[pos]


def _names(*controllers: np.ndarray) -> tuple[list[np.ndarray], list[str]]:
    """Codes of controllers (-1 for None) ranked by name, and the sorted names."""
    codes, uniques = pd.factorize(np.concatenate(controllers))
    names = [str(u) for u in uniques]
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names) + 1, dtype=np.int64)
    rank[order] = np.arange(len(names))
    rank[-1] = -1
    ranked = rank[codes]
    out, start = [], 0
    for c in controllers:
        out.append(ranked[start : start + len(c)])
        start += len(c)
    return out, [names[k] for k in order]


def _fronts_from_cells(index: _CellIndex, controller: np.ndarray) -> gpd.GeoDataFrame:
    """Frontlines from the shared edges of neighbouring cells held by different sides."""
    left, right, lines = index.adjacency
    (code,), names = _names(controller)
    a, b = code[left], code[right]
    front = (a >= 0) & (b >= 0) & (a != b)
    lo, hi = np.minimum(a[front], b[front]), np.maximum(a[front], b[front])
    key = lo * max(len(names), 1) + hi
    lines = lines[front]
    order = np.argsort(key, kind="stable")
    key, lines, lo, hi = key[order], lines[order], lo[order], hi[order]
    start = np.unique(key, return_index=True)[1]
    rows = []
    for g, s in enumerate(start):
        e = start[g + 1] if g + 1 < len(start) else len(key)
        merged = shapely.line_merge(shapely.multilinestrings(lines[s:e]))
        na, nb = names[lo[s]], names[hi[s]]
        rows.append(("frontline", f"{na}|{nb}", na, nb, merged))
    rows.sort(key=lambda r: r[1])
    return _frame(rows, _FRONT_COLUMNS)


def frontlines(
    areas: gpd.GeoDataFrame, *, cells: Tessellation | gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Lines where the areas of two different controllers meet.

    All areas of one controller (held, claimed, besieged and contested) are
    unioned first; a frontline is the shared boundary of two controllers'
    unions. The region's outer edge and edges against unknown areas
    (controller None) are not frontlines.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        From :func:`control_areas` (columns controller, geometry).
    cells : Tessellation or geopandas.GeoDataFrame, optional
        The cells ``areas`` were computed from. With a :class:`Tessellation`
        whose cells are a coverage, the frontlines are read from the shared
        edges of neighbouring cells (:attr:`Tessellation.adjacency`, computed
        once) instead of from polygon unions: the same lines, much faster. When
        ``areas`` does not match the cells (``place_ids`` do not list every cell
        exactly once) the polygons are used.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns kind (``"frontline"``), controller (``"A|B"``, the two sides
        sorted), a, b, geometry ((Multi)LineString); EPSG:4326; sorted by
        controller.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"controller": ["gov", "IS", None]},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0, 1, 2, 2)],
    ...     crs="EPSG:4326")
    >>> f = frontlines(areas)
    >>> f[["controller", "a", "b"]].values.tolist()
    [['IS|gov', 'IS', 'gov']]
    >>> f.geometry.iloc[0].equals(shapely.LineString([(1, 0), (1, 1)]))
    True
    """
    if cells is not None:
        index = _index_of(cells)
        controller = _controllers_from_areas(index, areas)
        if controller is not None:
            return _fronts_from_cells(index, controller)
    unions = _by_controller(areas)
    names = list(unions)
    geoms = np.asarray([unions[n] for n in names], dtype=object)
    rows = []
    if len(geoms) > 1:
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i >= j:
                continue
            shared = _lines_only(shapely.intersection(geoms[i].boundary, geoms[j].boundary))
            if shared.is_empty:
                continue
            a, b = sorted((names[i], names[j]))
            rows.append(("frontline", f"{a}|{b}", a, b, shared))
    rows.sort(key=lambda r: r[1])
    return _frame(rows, _FRONT_COLUMNS)


# --------------------------------------------------------------------------- changes


def _drop_slivers(geom: BaseGeometry, metric: CRS, min_area_m2: float) -> BaseGeometry:
    parts = shapely.get_parts(_polygonal(geom))
    if len(parts) == 0:
        return shapely.Polygon()
    if min_area_m2 <= 0:
        keep = parts
    else:
        areas = shapely.area(_transform(parts, WGS84, metric))
        keep = parts[areas >= min_area_m2]
    if len(keep) == 0:
        return shapely.Polygon()
    return shapely.multipolygons(keep) if len(keep) > 1 else keep[0]


def _changes_from_cells(
    index: _CellIndex, before: np.ndarray, after: np.ndarray, min_area_km2: float
) -> gpd.GeoDataFrame:
    """Gains and losses as the unions of the cells whose controller changed."""
    (old, new), names = _names(before, after)
    changed = np.flatnonzero(old != new)
    rows = []
    if len(changed):
        old, new = old[changed], new[changed]
        geoms = index.geoms[changed]
        for k in sorted((set(old.tolist()) | set(new.tolist())) - {-1}):
            for kind, sel in (("gain", new == k), ("loss", old == k)):
                if not sel.any():
                    continue
                geom = shapely.coverage_union_all(geoms[sel])
                kept = _drop_slivers(geom, index.metric, min_area_km2 * 1e6)
                if not kept.is_empty:
                    rows.append((kind, names[k], kept))
    return _frame(rows, _CHANGE_COLUMNS)


def changes(
    before_areas: gpd.GeoDataFrame,
    after_areas: gpd.GeoDataFrame,
    *,
    cells: Tessellation | gpd.GeoDataFrame | None = None,
    min_area_km2: float = 0.01,
) -> gpd.GeoDataFrame:
    """Compute what each controller gained and lost between two dates.

    A controller's extent is the union of all its areas (any kind or status);
    its gain is ``after − before``, its loss ``before − after``. Polygon parts
    smaller than ``min_area_km2`` (measured in the UTM CRS of the data) are
    dropped as slivers.

    Parameters
    ----------
    before_areas, after_areas : geopandas.GeoDataFrame
        From :func:`control_areas` for the earlier and the later date.
    cells : Tessellation or geopandas.GeoDataFrame, optional
        The cells both frames were computed from. With cells that form a
        coverage, a gain is the union of the cells a controller holds after and
        not before (a loss the reverse) — the same polygons as the differences,
        computed from the changed cells only, and measured in the UTM CRS of the
        cells. When a frame does not match the cells (``place_ids`` do not list
        every cell exactly once) the polygons are used.
    min_area_km2 : float
        Smallest polygon part kept.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns kind (``"gain"`` / ``"loss"``), controller, geometry; EPSG:4326;
        sorted by controller then kind; controllers with no change have no row.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> before = gpd.GeoDataFrame({"controller": ["gov", "IS"]},
    ...     geometry=[shapely.box(40, 35, 40.1, 35.1), shapely.box(40.1, 35, 40.2, 35.1)],
    ...     crs="EPSG:4326")
    >>> after = gpd.GeoDataFrame({"controller": ["IS"]},
    ...     geometry=[shapely.box(40, 35, 40.2, 35.1)], crs="EPSG:4326")
    >>> changes(before, after)[["kind", "controller"]].values.tolist()
    [['gain', 'IS'], ['loss', 'gov']]
    """
    if cells is not None:
        index = _index_of(cells)
        old = _controllers_from_areas(index, before_areas)
        new = _controllers_from_areas(index, after_areas) if old is not None else None
        if old is not None and new is not None:
            return _changes_from_cells(index, old, new, min_area_km2)
    before = _by_controller(before_areas)
    after = _by_controller(after_areas)
    names = sorted(set(before) | set(after))
    rows = []
    everything = [g for g in (*before.values(), *after.values()) if not g.is_empty]
    if everything:
        metric = _metric_crs(*everything)
        for name in names:
            old_geom = before.get(name, shapely.Polygon())
            new_geom = after.get(name, shapely.Polygon())
            for kind, geom in (
                ("gain", shapely.difference(new_geom, old_geom)),
                ("loss", shapely.difference(old_geom, new_geom)),
            ):
                kept = _drop_slivers(geom, metric, min_area_km2 * 1e6)
                if not kept.is_empty:
                    rows.append((kind, name, kept))
    return _frame(rows, _CHANGE_COLUMNS)


# --------------------------------------------------------------------------- layers


def layers(
    cells: Tessellation | gpd.GeoDataFrame,
    states: pd.DataFrame,
    *,
    previous_states: pd.DataFrame | None = None,
    previous_areas: gpd.GeoDataFrame | None = None,
    min_area_km2: float = 0.01,
) -> gpd.GeoDataFrame:
    """Areas, contested zones, frontlines and (optionally) gains/losses in one frame.

    With a :class:`Tessellation` (cells forming a coverage) frontlines come from
    the cell adjacency and gains/losses from the cells whose controller changed,
    so a date costs about one dissolve; see :func:`frontlines` and :func:`changes`.

    Parameters
    ----------
    cells : Tessellation or geopandas.GeoDataFrame
        From :func:`tessellate`.
    states : pandas.DataFrame
        Place states of the date shown (see :func:`control_areas`).
    previous_states : pandas.DataFrame, optional
        Place states of an earlier date; adds ``gain``/``loss`` rows.
    previous_areas : geopandas.GeoDataFrame, optional
        Instead of ``previous_states``: the earlier date's :func:`control_areas`
        (or the ``area``/``contested`` rows of its :func:`layers`).
    min_area_km2 : float
        Sliver threshold of :func:`changes`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns kind, controller, status, contenders, place_ids, a, b, geometry
        (missing values None); EPSG:4326; sorted by kind (in :data:`KINDS`
        order), controller (None last), status, contenders, then a, b.

    Raises
    ------
    ValueError
        When both ``previous_states`` and ``previous_areas`` are given.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> cells = gpd.GeoDataFrame({"place_id": ["a", "b"]},
    ...     geometry=[shapely.box(40, 35, 40.1, 35.1), shapely.box(40.1, 35, 40.2, 35.1)],
    ...     crs="EPSG:4326")
    >>> now = pd.DataFrame({"place_id": ["a", "b"], "controller": ["gov", "IS"],
    ...     "status": ["held", "held"]})
    >>> before = now.assign(controller=["gov", "gov"])
    >>> layers(cells, now, previous_states=before)[["kind", "controller"]].values.tolist()
    [['area', 'IS'], ['area', 'gov'], ['frontline', 'IS|gov'], ['gain', 'IS'], ['loss', 'gov']]
    """
    if previous_states is not None and previous_areas is not None:
        msg = "give previous_states or previous_areas, not both"
        raise ValueError(msg)
    index = _index_of(cells)
    kind, controller, status, contenders = _cell_states(index, states)
    areas = _dissolve(index, kind, controller, status, contenders)
    parts = [areas]
    if index.coverage:
        parts.append(_fronts_from_cells(index, controller))
    else:
        parts.append(frontlines(areas))
    if previous_areas is not None and "kind" in previous_areas.columns:
        previous_areas = previous_areas[previous_areas["kind"].isin(["area", "contested"])]
    if previous_states is not None and index.coverage:
        before = _cell_states(index, previous_states)[1]
        parts.append(_changes_from_cells(index, before, controller, min_area_km2))
    elif previous_states is not None:
        before_areas = _dissolve(index, *_cell_states(index, previous_states))
        parts.append(changes(before_areas, areas, min_area_km2=min_area_km2))
    elif previous_areas is not None:
        old = _controllers_from_areas(index, previous_areas)
        if old is not None:
            parts.append(_changes_from_cells(index, old, controller, min_area_km2))
        else:
            parts.append(changes(previous_areas, areas, min_area_km2=min_area_km2))
    rows = []
    for part in parts:
        records = part.drop(columns="geometry").to_dict("records")
        for rec, geom in zip(records, part.geometry.values, strict=True):
            row = {c: _none_if_missing(rec.get(c)) for c in _LAYER_COLUMNS[:-1]}
            row["geometry"] = geom
            rows.append(row)
    rows.sort(
        key=lambda r: (
            KINDS.index(r["kind"]),
            _sort_key(r["controller"]),
            _sort_key(r["status"]),
            _sort_key(r["contenders"]),
            _sort_key(r["a"]),
            _sort_key(r["b"]),
        )
    )
    return _frame([tuple(r[c] for c in _LAYER_COLUMNS) for r in rows], _LAYER_COLUMNS)
