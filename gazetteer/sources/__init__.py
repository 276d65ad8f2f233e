"""Gazetteer sources: readers that stream :class:`~gazetteer.Place` objects from files.

:func:`read_source` picks the reader from :data:`FORMATS` by name or by
:func:`detect_format`. Every reader streams (one place at a time), validates coordinates
and reports problems as ``FILE:LINE: column: message``: they are appended to ``skipped``
when the caller passes a list, otherwise raised together as
:class:`~gazetteer.exc.SourceFormatError` once the file has been read.

No ``geopandas`` on this import path: ``pyogrio`` is imported inside :func:`read_gpkg`
and ``shapely`` inside the GeoJSON/GeoPackage readers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gazetteer._types import Place
from gazetteer.exc import Problem, UnknownSourceError
from gazetteer.sources.aliases import Alias, read_aliases
from gazetteer.sources.builtin import (
    builtin_fingerprint,
    builtin_places,
    curated_path,
    read_curated,
)
from gazetteer.sources.geonames import read_alternate_names, read_geonames
from gazetteer.sources.tabular import read_csv, read_geojson, read_gpkg
from gazetteer.sources.wikipedia_module import read_wikipedia_module

__all__ = [
    "FORMATS",
    "Alias",
    "builtin_fingerprint",
    "builtin_places",
    "curated_path",
    "detect_format",
    "read_aliases",
    "read_alternate_names",
    "read_csv",
    "read_curated",
    "read_geojson",
    "read_geonames",
    "read_gpkg",
    "read_source",
    "read_wikipedia_module",
]

Reader = Callable[..., Iterator[Place]]

#: Source format name → reader. Every reader takes ``(path, *, skipped=None, **options)``.
FORMATS: dict[str, Reader] = {
    "geonames": read_geonames,
    "wikipedia-module": read_wikipedia_module,
    "csv": read_csv,
    "geojson": read_geojson,
    "gpkg": read_gpkg,
}

_BY_EXTENSION = {
    ".lua": "wikipedia-module",
    ".csv": "csv",
    ".tsv": "csv",
    ".geojson": "geojson",
    ".gpkg": "gpkg",
}
_SNIFF_BYTES = 65536


def detect_format(path: str | os.PathLike[str]) -> str:
    """Return the format name of a source file, from its extension and content.

    ``.lua`` → ``wikipedia-module``; ``.csv``/``.tsv`` → ``csv``; ``.geojson`` → ``geojson``;
    ``.gpkg`` → ``gpkg``. Other files (``.txt``, ``.json``, ``.zip``, ``.gz``, no extension)
    are recognised by their content: 19 tab-separated columns starting with a number
    (GeoNames), a ``marks = {`` table (Wikipedia module), a GeoJSON ``FeatureCollection``,
    a header with name and latitude/longitude columns (CSV).

    Raises
    ------
    UnknownSourceError
        When the format cannot be recognised.
    FileNotFoundError
        When the file does not exist.

    Examples
    --------
    >>> detect_format("syria_module.lua"), detect_format("places.geojson")
    ('wikipedia-module', 'geojson')
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    if ext in (".zip", ".gz") and p.stem.lower().startswith("alternatenames"):
        raise UnknownSourceError(
            f"{p}: GeoNames alternate names are not a place source; read them with "
            "read_alternate_names() next to the GeoNames place table"
        )
    head = _head(p)
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    cols = first.split("\t")
    if len(cols) == 19 and cols[0].strip().isdigit():
        return "geonames"
    if len(cols) in (8, 10) and cols[0].strip().isdigit() and cols[1].strip().isdigit():
        raise UnknownSourceError(
            f"{p}: looks like GeoNames alternate names, not a place source; "
            "read it with read_alternate_names()"
        )
    stripped = head.lstrip()
    if "marks" in head and ("mark =" in head or "mark=" in head) and "lat" in head:
        return "wikipedia-module"
    if stripped.startswith("{") and '"type"' in head and ('"Feature' in head):
        return "geojson"
    header = [c.strip().strip('"').lower() for c in first.split(",")]
    if (
        "name" in header
        and ({"lat", "latitude"} & set(header))
        and ({"lon", "long", "lng", "longitude"} & set(header))
    ):
        return "csv"
    raise UnknownSourceError(
        f"{p}: cannot tell the source format from the extension {ext or '(none)'!r} or the "
        f"content; pass format= one of {', '.join(sorted(FORMATS))}"
    )


def _head(p: Path) -> str:
    import gzip
    import zipfile

    if p.suffix.lower() == ".gz":
        with gzip.open(p, "rb") as fh:
            raw = fh.read(_SNIFF_BYTES)
    elif p.suffix.lower() == ".zip":
        with zipfile.ZipFile(p) as zf:
            members = [n for n in zf.namelist() if n.lower().endswith(".txt")]
            if not members:
                raise UnknownSourceError(f"{p}: zip archive without a .txt member")
            with zf.open(members[0]) as fh:
                raw = fh.read(_SNIFF_BYTES)
    else:
        with open(p, "rb") as fh:
            raw = fh.read(_SNIFF_BYTES)
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff")


def read_source(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    skipped: list[Problem] | None = None,
    **options: Any,
) -> Iterator[Place]:
    r"""Stream the places of a source file in any supported format.

    Parameters
    ----------
    path : str or path-like
        The source file.
    format : str, optional
        A key of :data:`FORMATS`; default: :func:`detect_format`.
    skipped : list of Problem, optional
        Receives what could not be used (see the package docstring); without it problems
        are raised as :class:`~gazetteer.exc.SourceFormatError` after the last place.
    **options
        Passed to the reader (e.g. ``name_field=`` for GeoJSON, ``country=`` for modules).

    Returns
    -------
    iterator of Place

    Raises
    ------
    UnknownSourceError
        At once, for an unknown ``format`` or a file whose format cannot be recognised.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "x.csv")
    ...     _ = p.write_text("name,lat,lon\nAyyash,35.421,40.055\n", encoding="utf-8")
    ...     [(pl.name, pl.lat) for pl in read_source(p)]
    [('Ayyash', 35.421)]
    >>> read_source("x.csv", format="kml")
    Traceback (most recent call last):
    ...
    gazetteer.exc.UnknownSourceError: unknown source format 'kml'; known: csv, geojson, geonames, gpkg, wikipedia-module
    """
    fmt = format if format is not None else detect_format(path)
    reader = FORMATS.get(fmt)
    if reader is None:
        msg = f"unknown source format {fmt!r}; known: {', '.join(sorted(FORMATS))}"
        raise UnknownSourceError(msg)
    return reader(path, skipped=skipped, **options)
