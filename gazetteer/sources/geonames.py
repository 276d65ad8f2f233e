"""Readers for GeoNames dump files: place tables and alternate names.

Both readers stream the file line by line (``allCountries.txt`` has about 12 million
lines and is never held in memory). ``.zip`` and ``.gz`` files are read directly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from gazetteer._types import Place
from gazetteer.exc import Problem
from gazetteer.sources._common import (
    ProblemSink,
    check_coordinates,
    display_path,
    file_level_errors,
    open_text,
    parse_coordinate,
    unique_names,
)

__all__ = [
    "GEONAMES_COLUMNS",
    "SKIPPED_ALTERNATE_LANGUAGES",
    "read_alternate_names",
    "read_geonames",
]

#: The 19 columns of a GeoNames place table (``allCountries.txt``, ``SY.txt``, ``cities500.txt``).
GEONAMES_COLUMNS: tuple[str, ...] = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature class", "feature code", "country code", "cc2", "admin1 code", "admin2 code",
    "admin3 code", "admin4 code", "population", "elevation", "dem", "timezone",
    "modification date",
)  # fmt: skip

#: ``isolanguage`` values of ``alternateNamesV2.txt`` that are not names of the place:
#: ``link`` (URLs), ``wkdt`` (Wikidata ids), ``post`` (postal codes), ``unlc`` (UN/LOCODEs
#: such as ``SYDEZ``) and ``fr_1793`` (French revolutionary names of communes). Everything
#: else is kept, including ``iata``/``icao``/``faac`` codes and ``abbr`` abbreviations
#: (people do write "DEZ" or "NYC"), and historic or colloquial names.
SKIPPED_ALTERNATE_LANGUAGES = frozenset({"link", "wkdt", "post", "unlc", "fr_1793"})


@file_level_errors
def read_geonames(
    path: str | os.PathLike[str], *, skipped: list[Problem] | None = None
) -> Iterator[Place]:
    r"""Stream the places of a GeoNames place table.

    Parameters
    ----------
    path : str or path-like
        A GeoNames dump in the 19-column format (``SY.txt``, ``allCountries.txt``,
        ``cities500.txt``, or their ``.zip``).
    skipped : list of Problem, optional
        Where to append the rows that cannot be used. Without it, those rows are
        collected and :class:`~gazetteer.exc.SourceFormatError` is raised once the
        whole file has been read.

    Yields
    ------
    Place
        ``id="geonames:<geonameid>"``, ``names`` = ``asciiname`` and the alternate names
        (deduplicated, without ``name``), GeoNames feature class and code, country,
        admin1 code, population; ``source="geonames"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> row = ["170794", "Deir ez-Zor", "Deir ez-Zor", "Dayr az Zawr,دير الزور", "35.33588",
    ...        "40.14084", "P", "PPLA", "SY", "", "07", "", "", "", "242565", "", "210",
    ...        "Asia/Damascus", "2017-01-10"]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "SY.txt")
    ...     _ = p.write_text("\t".join(row) + "\n", encoding="utf-8")
    ...     [place] = read_geonames(p)
    >>> place.id, place.names, place.feature, place.population
    ('geonames:170794', ('Dayr az Zawr', 'دير الزور'), 'P.PPLA', 242565)
    """
    where = display_path(path)
    sink = ProblemSink(skipped)
    ncols = len(GEONAMES_COLUMNS)
    with open_text(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != ncols:
                sink.add(
                    where,
                    lineno,
                    None,
                    f"expected {ncols} tab-separated columns, found {len(cols)}",
                )
                continue
            gid = cols[0].strip()
            if not gid.isdigit():
                sink.add(where, lineno, "geonameid", f"not a number: {gid!r}")
                continue
            name = cols[1].strip()
            if not name:
                sink.add(where, lineno, "name", "empty name")
                continue
            lat = parse_coordinate(cols[4])
            lon = parse_coordinate(cols[5])
            if lat is None:
                sink.add(where, lineno, "latitude", f"not a number: {cols[4]!r}")
                continue
            if lon is None:
                sink.add(where, lineno, "longitude", f"not a number: {cols[5]!r}")
                continue
            bad = check_coordinates(lat, lon)
            if bad is not None:
                sink.add(where, lineno, "latitude/longitude", bad)
                continue
            pop_text = cols[14].strip()
            try:
                population = int(pop_text) if pop_text else 0
            except ValueError:
                sink.add(where, lineno, "population", f"not an integer: {pop_text!r}")
                continue
            alternates = cols[3].split(",") if cols[3] else []
            yield Place(
                id=f"geonames:{gid}",
                name=name,
                lat=lat,
                lon=lon,
                country=cols[8].strip() or None,
                admin1=cols[10].strip() or None,
                feature_class=cols[6].strip() or None,
                feature_code=cols[7].strip() or None,
                population=max(population, 0),
                source="geonames",
                names=unique_names(name, [cols[2], *alternates]),
            )
    sink.finish()


@file_level_errors
def read_alternate_names(
    path: str | os.PathLike[str], *, skipped: list[Problem] | None = None
) -> Iterator[tuple[int, str, str]]:
    r"""Stream GeoNames ``alternateNamesV2.txt`` (or the older ``alternateNames.txt``) rows.

    Rows whose ``isolanguage`` is in :data:`SKIPPED_ALTERNATE_LANGUAGES` (links, Wikidata
    ids, postal codes, UN/LOCODEs, French revolutionary names) are left out.

    Parameters
    ----------
    path : str or path-like
        The tab-separated file (10 columns in V2, 8 in the old format), or its ``.zip``.
    skipped : list of Problem, optional
        Where to append malformed rows; without it they are raised together at the end
        as :class:`~gazetteer.exc.SourceFormatError`.

    Yields
    ------
    tuple of (int, str, str)
        ``(geonameid, isolanguage, name)``; ``isolanguage`` is ``""`` when not given.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> rows = "1\t170794\tar\tدير الزور\t1\t\t\t\t\t\n2\t170794\tlink\thttps://x\t\t\t\t\t\t\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "alternateNamesV2.txt")
    ...     _ = p.write_text(rows, encoding="utf-8")
    ...     list(read_alternate_names(p))
    [(170794, 'ar', 'دير الزور')]
    """
    where = display_path(path)
    sink = ProblemSink(skipped)
    with open_text(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) not in (8, 10):
                sink.add(
                    where,
                    lineno,
                    None,
                    f"expected 10 (or 8) tab-separated columns, found {len(cols)}",
                )
                continue
            gid = cols[1].strip()
            if not gid.isdigit():
                sink.add(where, lineno, "geonameid", f"not a number: {gid!r}")
                continue
            lang = cols[2].strip()
            if lang in SKIPPED_ALTERNATE_LANGUAGES:
                continue
            name = " ".join(cols[3].split())
            if not name:
                sink.add(where, lineno, "alternate name", "empty name")
                continue
            yield int(gid), lang, name
    sink.finish()
