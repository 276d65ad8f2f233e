"""Readers for tabular sources: CSV with a header, GeoJSON and GeoPackage point features.

CSV columns (names case-insensitive; other columns are ignored)
----------------------------------------------------------------
``name`` (required); ``lat``/``latitude`` and ``lon``/``long``/``lng``/``longitude``
(required); ``id``; ``alternate_names`` (or ``names``, ``alternatenames``, ``alt_names``;
several names separated by ``|`` or ``;``); ``country`` (ISO alpha-2, or ``country_code``);
``admin1``; ``feature`` (``"P.PPL"``, ``"S.MILB"``, or a class alone ``"P"``) or
``feature_class`` and ``feature_code``; ``population``; ``source``.

Place ids are ``"<id_prefix>:<id>"``; ``id_prefix`` defaults to ``"csv:<file stem>"``
(``"geojson:<stem>"``, ``"gpkg:<stem>"``). Rows without an id get
``"<slug of the name>:<lat>:<lon>"`` (coordinates rounded to 3 decimals), as in the
Wikipedia module reader. Duplicate ids are problems.

GeoJSON and GeoPackage features keep their properties as above, looked up by the
``name_field``, ``alt_fields``, ``id_field`` ... options (defaults below). Polygons and lines
become their representative point (a point inside the shape). GeoPackage layers in another
CRS are transformed to EPSG:4326. ``import pyogrio`` happens inside :func:`read_gpkg` only.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from gazetteer._types import Place
from gazetteer.exc import Problem, SourceFormatError
from gazetteer.sources._common import (
    FEATURE_CLASSES,
    ProblemSink,
    check_coordinates,
    display_path,
    file_level_errors,
    parse_coordinate,
    slugify,
    unique_names,
)

__all__ = [
    "DEFAULT_ALT_FIELDS",
    "DEFAULT_NAME_FIELDS",
    "read_csv",
    "read_geojson",
    "read_gpkg",
]

_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "long", "lng", "longitude"),
    "id": ("id",),
    "alternate_names": ("alternate_names", "alternatenames", "names", "alt_names"),
    "country": ("country", "country_code", "countrycode"),
    "admin1": ("admin1", "admin1_code", "admin1code"),
    "feature": ("feature",),
    "feature_class": ("feature_class",),
    "feature_code": ("feature_code",),
    "population": ("population",),
    "source": ("source",),
}

#: Properties tried in order for a feature's name.
DEFAULT_NAME_FIELDS: tuple[str, ...] = ("name", "NAME_EN", "name_en", "label")
#: Properties used as alternate names by default: these, plus any ``name_xx``/``name:xx``
#: property (``NAME_AR``, ``name:ar``) other than the name field.
DEFAULT_ALT_FIELDS: tuple[str, ...] = ("alternate_names", "alt_names", "alt_name")
_DEFAULT_ID_FIELDS = ("id", "PCODE", "pcode")
_DEFAULT_COUNTRY_FIELDS = (
    "country",
    "country_code",
    "countrycode",
    "ADM0_PCODE",
    "iso_a2",
    "ISO_A2",
)
_DEFAULT_ADMIN1_FIELDS = ("admin1", "ADM1_EN", "adm1_en")
_LANG_NAME_FIELD = re.compile(r"^name[_:][A-Za-z]{2,3}$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"[|;]")
_FEATURE = re.compile(r"^([A-Z])(?:\.([A-Z0-9]{1,10})?)?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class _RowChecker:
    """Turn one record's raw values into a :class:`Place`, recording problems."""

    def __init__(self, where: str, sink: ProblemSink, id_prefix: str, source: str) -> None:
        self.where = where
        self.sink = sink
        self.id_prefix = id_prefix
        self.source = source
        self.seen_ids: dict[str, str] = {}

    def place(
        self,
        line: int | None,
        ctx: str,
        *,
        name: object,
        lat: object,
        lon: object,
        local_id: object = None,
        names: Iterable[object] = (),
        country: object = None,
        admin1: object = None,
        feature: object = None,
        feature_class: object = None,
        feature_code: object = None,
        population: object = None,
        source: object = None,
        lat_col: str = "lat",
        lon_col: str = "lon",
    ) -> Place | None:
        where, sink = self.where, self.sink
        col = (lambda c: f"{ctx}{c}") if ctx else (lambda c: c)
        ok = True
        name_s = " ".join(str(name).split()) if name is not None else ""
        if not name_s:
            sink.add(where, line, col("name"), "empty name")
            ok = False
        lat_f, lon_f = parse_coordinate(_blank(lat)), parse_coordinate(_blank(lon))
        if _blank(lat) is None:
            sink.add(where, line, col(lat_col), "missing")
            ok = False
        elif lat_f is None:
            sink.add(where, line, col(lat_col), f"not a number: {lat!r}")
            ok = False
        if _blank(lon) is None:
            sink.add(where, line, col(lon_col), "missing")
            ok = False
        elif lon_f is None:
            sink.add(where, line, col(lon_col), f"not a number: {lon!r}")
            ok = False
        if lat_f is not None and lon_f is not None:
            bad = check_coordinates(lat_f, lon_f)
            if bad is not None:
                sink.add(where, line, col(f"{lat_col}/{lon_col}"), bad)
                ok = False
        fclass, fcode = _text(feature_class), _text(feature_code)
        feat = _text(feature)
        if feat is not None:
            m = _FEATURE.match(feat.upper())
            if m is None or m.group(1) not in FEATURE_CLASSES:
                sink.add(
                    where, line, col("feature"), f"not a GeoNames feature like 'P.PPL': {feat!r}"
                )
                ok = False
            else:
                fclass, fcode = m.group(1), m.group(2) or fcode
        if fclass is not None:
            fclass = fclass.upper()
            if fclass not in FEATURE_CLASSES:
                sink.add(
                    where,
                    line,
                    col("feature_class"),
                    f"not a GeoNames feature class (one of {''.join(sorted(FEATURE_CLASSES))}): {fclass!r}",
                )
                ok = False
        fcode = fcode.upper() if fcode else None
        country_s = _text(country)
        if country_s is not None:
            country_s = country_s.upper()
            if not _COUNTRY.match(country_s):
                sink.add(
                    where, line, col("country"), f"not an ISO 3166-1 alpha-2 code: {country!r}"
                )
                ok = False
        pop = 0
        pop_raw = _text(population)
        if pop_raw is not None:
            try:
                pop = int(float(pop_raw)) if not isinstance(population, int) else population
            except (ValueError, OverflowError):  # "abc", "inf"
                sink.add(where, line, col("population"), f"not a number: {population!r}")
                ok = False
            else:
                if pop < 0:
                    sink.add(where, line, col("population"), f"negative: {population!r}")
                    ok = False
        if not ok:
            return None
        assert lat_f is not None and lon_f is not None
        local = _text(local_id)
        if local is None:
            local = f"{slugify(name_s) or 'x'}:{lat_f:.3f}:{lon_f:.3f}"
        pid = f"{self.id_prefix}:{local}"
        if pid in self.seen_ids:
            sink.add(
                where, line, col("id"), f"duplicate id {local!r} (first at {self.seen_ids[pid]})"
            )
            return None
        self.seen_ids[pid] = f"line {line}" if line is not None else ctx.rstrip(".") or "?"
        return Place(
            id=pid,
            name=name_s,
            lat=lat_f,
            lon=lon_f,
            country=country_s,
            admin1=_text(admin1),
            feature_class=fclass,
            feature_code=fcode,
            population=pop,
            source=_text(source) or self.source,
            names=unique_names(name_s, _split_names(names)),
        )


def _blank(value: object) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _text(value: object) -> str | None:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None


def _split_names(values: Iterable[object]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value is None:
            continue
        if isinstance(value, list | tuple):
            out.extend(str(v) for v in value if v is not None)
        else:
            out.extend(_NAME_SPLIT.split(str(value)))
    return out


# --------------------------------------------------------------------------- CSV


@file_level_errors
def read_csv(
    path: str | os.PathLike[str],
    *,
    skipped: list[Problem] | None = None,
    id_prefix: str | None = None,
    source: str | None = None,
    delimiter: str | None = None,
) -> Iterator[Place]:
    r"""Stream the places of a CSV file with a header row.

    Parameters
    ----------
    path : str or path-like
        The file (UTF-8, optionally with a BOM). Columns: see the module docstring.
    skipped : list of Problem, optional
        Where to append unusable rows; without it they are raised together at the end as
        :class:`~gazetteer.exc.SourceFormatError`. A header without the required columns is
        always raised at once.
    id_prefix : str, optional
        Prefix of the place ids (default ``"csv:<file stem>"``).
    source : str, optional
        ``Place.source`` for rows without a ``source`` value (default: the file name).
    delimiter : str, optional
        Field separator (default ``","``; ``"\t"`` for ``.tsv`` files).

    Yields
    ------
    Place

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = "Name,Latitude,Long,alternate_names,feature\nSaiqa Camp,35.396,40.056,Sa'iqa base|Al-Saiqa,S.MILB\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "sites.csv")
    ...     _ = p.write_text(text, encoding="utf-8")
    ...     [pl] = read_csv(p)
    >>> pl.id, pl.names, pl.feature, pl.source
    ('csv:sites:saiqa-camp:35.396:40.056', ("Sa'iqa base", 'Al-Saiqa'), 'S.MILB', 'sites.csv')
    """
    p = Path(path)
    where = display_path(path)
    sink = ProblemSink(skipped)
    if delimiter is None:
        delimiter = "\t" if p.suffix.lower() in (".tsv", ".tab") else ","
    checker = _RowChecker(where, sink, id_prefix or f"csv:{p.stem}", source or p.name)
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise SourceFormatError([Problem(where, None, None, "empty file (no header row)")])
        cols = _map_columns(header)
        missing = [c for c in ("name", "lat", "lon") if c not in cols]
        if missing:
            wanted = {"name": "name", "lat": "lat/latitude", "lon": "lon/long/longitude"}
            msg = f"missing required column(s): {', '.join(wanted[c] for c in missing)} (header: {header})"
            raise SourceFormatError([Problem(where, 1, None, msg)])
        line_start = reader.line_num + 1
        for row in reader:
            line = line_start
            line_start = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                sink.add(where, line, None, f"expected {len(header)} fields, found {len(row)}")
                continue
            get = {key: row[idx] for key, idx in cols.items()}
            place = checker.place(
                line,
                "",
                name=get["name"],
                lat=get["lat"],
                lon=get["lon"],
                local_id=get.get("id"),
                names=[get.get("alternate_names")],
                country=get.get("country"),
                admin1=get.get("admin1"),
                feature=get.get("feature"),
                feature_class=get.get("feature_class"),
                feature_code=get.get("feature_code"),
                population=get.get("population"),
                source=get.get("source"),
                lat_col=header[cols["lat"]].strip(),
                lon_col=header[cols["lon"]].strip(),
            )
            if place is not None:
                yield place
    sink.finish()


def _map_columns(header: Sequence[str]) -> dict[str, int]:
    lowered = [h.strip().lower() for h in header]
    out: dict[str, int] = {}
    for key, aliases in _COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in lowered:
                out[key] = lowered.index(alias)
                break
    return out


# --------------------------------------------------------------------------- GeoJSON / GPKG


def _first_field(props: Mapping[str, Any], candidates: Sequence[str]) -> str | None:
    """Return the first candidate present in ``props`` (exact, then case-insensitive)."""
    lower = {k.lower(): k for k in props}
    for cand in candidates:
        if cand in props:
            return cand
    for cand in candidates:
        if cand.lower() in lower:
            return lower[cand.lower()]
    return None


class _FeatureOptions:
    def __init__(
        self,
        name_field: str | None,
        alt_fields: Sequence[str] | None,
        id_field: str | None,
        country_field: str | None,
        admin1_field: str | None,
        feature: str | None,
    ) -> None:
        self.name_field = name_field
        self.alt_fields = tuple(alt_fields) if alt_fields is not None else None
        self.id_field = id_field
        self.country_field = country_field
        self.admin1_field = admin1_field
        self.feature = feature

    def values(self, props: Mapping[str, Any], feature_id: object) -> dict[str, Any]:
        name_key = self.name_field or _first_field(props, DEFAULT_NAME_FIELDS)
        if self.alt_fields is not None:
            alt_keys = [k for k in self.alt_fields if k in props]
        else:
            alt_keys = [
                k for k in props
                if k != name_key and (_LANG_NAME_FIELD.match(k) or k.lower() in DEFAULT_ALT_FIELDS)
            ]  # fmt: skip
        id_key = self.id_field or _first_field(props, _DEFAULT_ID_FIELDS)
        country_key = self.country_field or _first_field(props, _DEFAULT_COUNTRY_FIELDS)
        admin1_key = self.admin1_field or _first_field(props, _DEFAULT_ADMIN1_FIELDS)
        local_id = props.get(id_key) if id_key else None
        if local_id is None and self.id_field is None:
            local_id = feature_id
        lower = {k.lower(): k for k in props}

        def prop(name: str) -> object:
            key = lower.get(name)
            return props.get(key) if key else None

        return {
            "name": props.get(name_key) if name_key else None,
            "names": [props.get(k) for k in alt_keys],
            "local_id": local_id,
            "country": props.get(country_key) if country_key else None,
            "admin1": props.get(admin1_key) if admin1_key else None,
            "feature": prop("feature") or self.feature,
            "feature_class": prop("feature_class"),
            "feature_code": prop("feature_code"),
            "population": prop("population"),
            "source": prop("source"),
        }


def _point_of(geom: Any) -> tuple[float, float] | None:
    """Return (lat, lon) of a shapely geometry: the point itself or a representative point."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Point":
        return float(geom.y), float(geom.x)
    pt = geom.representative_point()
    return float(pt.y), float(pt.x)


@file_level_errors
def read_geojson(
    path: str | os.PathLike[str],
    *,
    skipped: list[Problem] | None = None,
    id_prefix: str | None = None,
    source: str | None = None,
    name_field: str | None = None,
    alt_fields: Sequence[str] | None = None,
    id_field: str | None = None,
    country_field: str | None = None,
    admin1_field: str | None = None,
    feature: str | None = None,
) -> Iterator[Place]:
    """Stream the features of a GeoJSON file as places.

    Parameters
    ----------
    path : str or path-like
        A FeatureCollection (or a single Feature), coordinates in WGS84 lon/lat.
    skipped : list of Problem, optional
        Where to append unusable features (``column`` is ``features[i].<field>``);
        without it they are raised together at the end.
    id_prefix, source : str, optional
        Id prefix (default ``"geojson:<file stem>"``) and ``Place.source`` (default: the
        file name; a ``source`` property wins).
    name_field : str, optional
        Property holding the name (default: the first of :data:`DEFAULT_NAME_FIELDS`).
    alt_fields : sequence of str, optional
        Properties holding alternate names (``|``/``;``-separated or lists). Default:
        :data:`DEFAULT_ALT_FIELDS` and every ``name_xx``/``name:xx`` property.
    id_field : str, optional
        Property holding the id (default ``id``, then ``PCODE``, then the feature's ``id``).
    country_field, admin1_field : str, optional
        Properties for country (default ``country``, ``country_code``, ``ADM0_PCODE`` ...)
        and admin1 (default ``admin1``, ``ADM1_EN``).
    feature : str, optional
        Feature (``"P.PPLX"``, ``"A.ADM3"``) for features without a ``feature`` property.

    Yields
    ------
    Place

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> fc = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...       "properties": {"NAME_EN": "Al Bougailia", "NAME_AR": "البغيلية", "PCODE": "N0411"},
    ...       "geometry": {"type": "Polygon", "coordinates": [[[40.08, 35.37], [40.10, 35.37],
    ...                    [40.10, 35.39], [40.08, 35.39], [40.08, 35.37]]]}}]}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "nbh.geojson")
    ...     _ = p.write_text(json.dumps(fc), encoding="utf-8")
    ...     [pl] = read_geojson(p, feature="P.PPLX")
    >>> pl.id, pl.name, pl.names, round(pl.lat, 2), round(pl.lon, 2), pl.feature
    ('geojson:nbh:N0411', 'Al Bougailia', ('البغيلية',), 35.38, 40.09, 'P.PPLX')
    """
    from shapely.geometry import shape

    p = Path(path)
    where = display_path(path)
    sink = ProblemSink(skipped)
    try:
        with open(p, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            [Problem(where, exc.lineno, None, f"not valid JSON: {exc.msg}")]
        ) from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        features: list[Any] = [data]
    elif isinstance(data, dict) and isinstance(data.get("features"), list):
        features = data["features"]
    else:
        raise SourceFormatError(
            [Problem(where, None, None, "not a GeoJSON FeatureCollection or Feature")]
        )
    opts = _FeatureOptions(name_field, alt_fields, id_field, country_field, admin1_field, feature)
    checker = _RowChecker(where, sink, id_prefix or f"geojson:{p.stem}", source or p.name)
    for i, feat in enumerate(features):
        ctx = f"features[{i}]."
        if not isinstance(feat, dict):
            sink.add(where, None, f"features[{i}]", "not a Feature object")
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            sink.add(where, None, ctx + "properties", "not an object")
            continue
        try:
            geom = shape(feat["geometry"]) if feat.get("geometry") else None
        except Exception as exc:  # shapely raises several types for bad geometries
            sink.add(where, None, ctx + "geometry", f"invalid geometry: {exc}")
            continue
        point = _point_of(geom)
        if point is None:
            sink.add(where, None, ctx + "geometry", "no geometry")
            continue
        place = checker.place(None, ctx, lat=point[0], lon=point[1], lat_col="geometry",
                              lon_col="geometry", **opts.values(props, feat.get("id")))  # fmt: skip
        if place is not None:
            yield place
    sink.finish()


def read_gpkg(
    path: str | os.PathLike[str],
    *,
    skipped: list[Problem] | None = None,
    layer: str | int | None = None,
    id_prefix: str | None = None,
    source: str | None = None,
    name_field: str | None = None,
    alt_fields: Sequence[str] | None = None,
    id_field: str | None = None,
    country_field: str | None = None,
    admin1_field: str | None = None,
    feature: str | None = None,
) -> Iterator[Place]:
    """Stream the features of a GeoPackage layer as places (read with pyogrio, no geopandas).

    Parameters are those of :func:`read_geojson`, plus ``layer`` (name or index; default:
    the first layer). Features are named ``fid <n>`` in problems. The id defaults to the
    ``id_field``/``id``/``PCODE`` property, else the feature id (fid). Layers in another CRS
    are transformed to EPSG:4326.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, shapely, pyogrio.raw
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "sites.gpkg")
    ...     pyogrio.raw.write(p, shapely.to_wkb([shapely.Point(40.056, 35.396)]),
    ...                       [np.array(["Saiqa Camp"], dtype=object)], ["name"],
    ...                       geometry_type="Point", crs="EPSG:4326", driver="GPKG")
    ...     [pl] = read_gpkg(p)
    >>> pl.id, pl.name, pl.lat, pl.lon
    ('gpkg:sites:1', 'Saiqa Camp', 35.396, 40.056)
    """
    import pyogrio.raw
    import shapely

    p = Path(path)
    where = display_path(path)
    sink = ProblemSink(skipped)
    try:
        meta, fids, geometry, field_data = pyogrio.raw.read(p, layer=layer, return_fids=True)
    except Exception as exc:  # pyogrio raises DataSourceError/DataLayerError and others
        raise SourceFormatError(
            [Problem(where, None, None, f"cannot read GeoPackage: {exc}")]
        ) from exc
    geoms = shapely.from_wkb(geometry) if geometry is not None else [None] * len(fids)
    crs = meta.get("crs")
    if geometry is not None and crs and crs.upper() not in ("EPSG:4326", "OGC:CRS84"):
        from pyproj import CRS, Transformer

        if not CRS.from_user_input(crs).equals(CRS.from_epsg(4326), ignore_axis_order=True):
            transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
            geoms = shapely.transform(
                geoms, lambda xy: _transform_xy(transformer, xy), include_z=False
            )
    fields = list(meta["fields"])
    opts = _FeatureOptions(name_field, alt_fields, id_field, country_field, admin1_field, feature)
    checker = _RowChecker(where, sink, id_prefix or f"gpkg:{p.stem}", source or p.name)
    for i, fid in enumerate(fids):
        ctx = f"fid {int(fid)}: "
        props = {name: _plain(col[i]) for name, col in zip(fields, field_data, strict=True)}
        point = _point_of(geoms[i])
        if point is None:
            sink.add(where, None, ctx + "geometry", "no geometry")
            continue
        place = checker.place(None, ctx, lat=point[0], lon=point[1], lat_col="geometry",
                              lon_col="geometry", **opts.values(props, int(fid)))  # fmt: skip
        if place is not None:
            yield place
    sink.finish()


def _transform_xy(transformer: Any, xy: Any) -> Any:
    import numpy as np

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _plain(value: Any) -> Any:
    """Return a numpy scalar as a Python value (``None`` for missing)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value
