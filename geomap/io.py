"""Write geometry frames (GeoJSON, GeoPackage) and read region/barrier files.

:func:`write_frame` writes atomically (a temporary file in the target folder,
then :func:`os.replace`) and, for GeoJSON, deterministically: the same frame
gives the same bytes whatever its row order. :func:`read_region` and
:func:`read_barriers` read any vector file pyogrio can open (GeoJSON, GPKG,
shapefile, ...) into EPSG:4326 and report every bad feature at once.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from gazetteer.exc import Problem
from geomap.exc import InputError

__all__ = ["read_barriers", "read_basemap", "read_region", "write_frame"]

WGS84 = "EPSG:4326"
_GEOJSON_SUFFIXES = (".geojson", ".json")
_GPKG_SUFFIXES = (".gpkg",)
_POLYGONS = ("Polygon", "MultiPolygon")
_LINES = ("LineString", "MultiLineString")


# --------------------------------------------------------------------------- writing


def _jsonable(value: Any) -> Any:
    """Convert a cell value to a JSON value (missing → None, numpy → Python)."""
    if isinstance(value, tuple | list | np.ndarray):
        return [_jsonable(v) for v in value]
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _round6(xy: np.ndarray) -> np.ndarray:
    # + 0.0 turns -0.0 into 0.0 so that the bytes do not depend on the sign of zero
    return np.round(xy, 6) + 0.0


def _features(frame: gpd.GeoDataFrame) -> list[str]:
    """One compact JSON text per feature, sorted."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    geoms = np.asarray(frame.geometry.values, dtype=object)
    present = ~(pd.isna(geoms) | shapely.is_empty(geoms))
    rounded = geoms.copy()
    if present.any():
        rounded[present] = shapely.transform(geoms[present], _round6)
    records = frame[columns].to_dict("records") if columns else [{} for _ in range(len(frame))]
    texts = []
    for rec, geom, ok in zip(records, rounded, present, strict=True):
        props = {str(k): _jsonable(v) for k, v in rec.items()}
        geometry = shapely.geometry.mapping(geom) if ok else None
        feature = {"type": "Feature", "properties": props, "geometry": geometry}
        texts.append(
            json.dumps(feature, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        )
    return sorted(texts)


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary path next to ``path``, then rename it into place."""
    from geomap._files import atomic_path

    with atomic_path(path, suffix=path.suffix) as tmp:
        write(tmp)


def _write_geojson(frame: gpd.GeoDataFrame, tmp: Path) -> None:
    lines = _features(frame)
    body = ",\n".join(lines)
    text = '{"type":"FeatureCollection","features":[\n' + body + ("\n" if lines else "") + "]}\n"
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _write_gpkg(frame: gpd.GeoDataFrame, tmp: Path, layer: str) -> None:
    out = frame.copy()
    for col in out.columns:
        if col != out.geometry.name and out[col].dtype == object:
            out[col] = out[col].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, tuple | list) else v
            )
    tmp.unlink()  # the GPKG driver refuses to write over an existing (empty) file
    out.to_file(tmp, driver="GPKG", layer=layer, engine="pyogrio")


def write_frame(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a frame to GeoJSON or GeoPackage, chosen by the file extension.

    The frame is written in EPSG:4326 (reprojected if needed; a frame without
    CRS is taken to be EPSG:4326). GeoJSON (``.geojson``, ``.json``) is written
    by this module, one feature per line, with coordinates rounded to 6 decimals
    (about 0.1 m), properties in column order, non-ASCII text as is, and the
    features sorted by their JSON text, so equal frames give identical bytes.
    Missing values and empty geometries become ``null``. GeoPackage (``.gpkg``)
    is written with pyogrio, one layer named after the file's stem; tuple or
    list values are joined with ``"; "``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The frame (not modified).
    path : str or os.PathLike
        Target file; its folder is created if missing.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        When the extension is neither GeoJSON nor GeoPackage.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd, shapely
    >>> frame = gpd.GeoDataFrame({"name": ["Dayr az Zawr"]},
    ...     geometry=[shapely.Point(40.14111111, 35.33611111)], crs="EPSG:4326")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_frame(frame, pathlib.Path(d) / "x.geojson")
    ...     print(p.read_text(encoding="utf-8"), end="")
    {"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"name":"Dayr az Zawr"},"geometry":{"type":"Point","coordinates":[40.141111,35.336111]}}
    ]}
    """
    target = Path(path)
    suffix = target.suffix.lower()
    frame = gdf
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    elif CRS.from_user_input(frame.crs) != CRS.from_user_input(WGS84):
        frame = frame.to_crs(WGS84)
    if suffix in _GEOJSON_SUFFIXES:
        _atomic_write(target, lambda tmp: _write_geojson(frame, tmp))
    elif suffix in _GPKG_SUFFIXES:
        _atomic_write(target, lambda tmp: _write_gpkg(frame, tmp, target.stem))
    else:
        msg = f"{target}: unknown output format {suffix!r} (use .geojson, .json or .gpkg)"
        raise ValueError(msg)
    return target


# --------------------------------------------------------------------------- reading


def _read_checked(
    path: str | os.PathLike[str], allowed: tuple[str, ...], what: str
) -> gpd.GeoDataFrame:
    """Read a vector file into EPSG:4326; collect every bad feature, then raise once."""
    name = str(path)
    p = Path(path)
    if p.is_file() and p.stat().st_size == 0:
        raise InputError([Problem(name, None, None, "empty file")])
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several unrelated error types
        reason = str(exc).split("; It might help")[0].replace(f"'{name}' ", "")
        raise InputError([Problem(name, None, None, f"cannot read the file: {reason}")]) \
            from None
    problems: list[Problem] = []
    if len(frame) == 0:
        problems.append(Problem(name, None, None, f"no features: a {what} file needs at least one"))
    geoms = np.asarray(frame.geometry.values, dtype=object) if len(frame) else np.array([])
    for n, geom in enumerate(geoms, start=1):
        if geom is None or geom.is_empty:
            message = "empty geometry"
        elif geom.geom_type not in allowed:
            message = f"a {what} must be {' or '.join(allowed)}, not {geom.geom_type}"
        elif not geom.is_valid:
            message = f"invalid geometry: {shapely.is_valid_reason(geom)}"
        else:
            continue
        problems.append(Problem(name, None, None, f"feature {n}: {message}"))
    if frame.crs is None and len(frame):
        xy = shapely.get_coordinates(geoms[~pd.isna(geoms)])
        if len(xy) and ((np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any()):
            problems.append(
                Problem(name, None, None, "no CRS and coordinates are not longitude/latitude")
            )
    if problems:
        raise InputError(problems)
    out = frame.set_crs(WGS84) if frame.crs is None else frame.to_crs(WGS84)
    xy = shapely.get_coordinates(np.asarray(out.geometry.values, dtype=object))
    bad = ~np.isfinite(xy).all(axis=1) | (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    if bad.any():
        x, y = xy[bad][0]
        raise InputError([Problem(name, None, None, f"coordinates outside longitude/latitude "
                                  f"range (e.g. {x}, {y}): projected data without a CRS?")])
    return out


def read_region(path: str | os.PathLike[str]) -> gpd.GeoDataFrame:
    """Read a boundary file (polygons) for :func:`geomap.geometry.tessellate`.

    Parameters
    ----------
    path : str or os.PathLike
        GeoJSON, GeoPackage, shapefile or any format pyogrio reads. A file
        without CRS is taken to be EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        The file's features in EPSG:4326 (all columns kept).

    Raises
    ------
    geomap.exc.InputError
        Listing every problem as ``FILE: feature N: message``: empty, invalid or
        non-polygon geometries, no features, unreadable file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "r.geojson"
    ...     _ = p.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
    ...         '"properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}')
    ...     try:
    ...         read_region(p)
    ...     except InputError as err:
    ...         print(err.problems[0].message)
    feature 1: a region must be Polygon or MultiPolygon, not LineString
    """
    return _read_checked(path, _POLYGONS, "region")


def read_barriers(path: str | os.PathLike[str]) -> gpd.GeoDataFrame:
    """Read barrier lines (rivers) for :func:`geomap.geometry.tessellate`.

    Parameters
    ----------
    path : str or os.PathLike
        GeoJSON, GeoPackage, shapefile or any format pyogrio reads. A file
        without CRS is taken to be EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        The file's features in EPSG:4326 (all columns kept).

    Raises
    ------
    geomap.exc.InputError
        Listing every problem as ``FILE: feature N: message``: empty, invalid or
        non-line geometries, no features, unreadable file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "b.geojson"
    ...     _ = p.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
    ...         '"properties": {"name": "Euphrates"}, '
    ...         '"geometry": {"type": "LineString", "coordinates": [[40, 35], [41, 34]]}}]}')
    ...     read_barriers(p)["name"].tolist()
    ['Euphrates']
    """
    return _read_checked(path, _LINES, "barrier")


def read_basemap(path: str | os.PathLike[str]) -> gpd.GeoDataFrame:
    """Read vector outlines (countries, rivers, roads) drawn under a map.

    Lines and polygons are accepted (points are not: they would read as places).
    Raises :class:`geomap.exc.InputError` like :func:`read_region`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "r.geojson"
    ...     _ = p.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
    ...         '"properties": {}, '
    ...         '"geometry": {"type": "LineString", "coordinates": [[40, 35], [41, 34]]}}]}')
    ...     len(read_basemap(p))
    1
    """
    return _read_checked(path, _LINES + _POLYGONS, "basemap")
