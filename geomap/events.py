"""Control-change events: the file schema, readers (CSV, YAML, GeoJSON, ACLED) and place resolution.

The schema is documented in ``docs/events.md``. Every reader collects every
problem of a file (``FILE:LINE: column: message``) and raises one
:class:`~geomap.exc.InputError`, unless asked to skip invalid rows, which then
land in :attr:`EventTable.skipped` — nothing is dropped silently.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import difflib
import io
import json
import math
import os
import re
import statistics
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from gazetteer._types import Place, Resolution
from gazetteer.exc import Problem
from geomap._types import ACTIONS, CONFIDENCES, DATE_PRECISIONS, EXTENTS, Event
from geomap.actors import ActorRegistry, slug
from geomap.exc import InputError, UnresolvedPlacesError

__all__ = [
    "ACLED_TERRITORY_ACTIONS",
    "EVENT_COLUMNS",
    "EventTable",
    "GazetteerLike",
    "ResolvedEvents",
    "date_window",
    "parse_date",
    "point_id",
    "read_acled",
    "read_events",
    "resolve_events",
]

EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "date", "date_precision", "place", "place_id", "lat", "lon", "action",
    "actor", "previous", "extent", "confidence", "source", "url", "claim", "notes",
    "geo_precision",
)
_REQUIRED = ("date", "action", "actor")

#: ACLED sub-event types that are territory changes → (action, note added to the event).
ACLED_TERRITORY_ACTIONS: Mapping[str, tuple[str, str | None]] = {
    "government regains territory": ("retook", None),
    "non-state actor overtakes territory": ("captured", None),
    "non-violent transfer of territory": ("captured", "non-violent transfer of territory"),
}
_ACLED_REQUIRED = ("event_id_cnty", "event_date", "sub_event_type", "actor1", "location",
                   "latitude", "longitude")
_ACLED_PRECISION = {"1": "day", "2": "week", "3": "month"}

_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_SOURCE_SPLIT = re.compile(r"[;|]")
_FEATURE = re.compile(r'"type"\s*:\s*"Feature"')


# ---------------------------------------------------------------------------------------------
# value types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventTable:
    """The events read from a file.

    Parameters
    ----------
    events : tuple of Event
        Valid events, in file order.
    skipped : tuple of Problem
        Rows that were not turned into events, with the reason (invalid rows
        when ``skip_invalid=True``; ACLED rows that are not territory changes).
    unknown_actors : tuple of (str, str)
        ``(id, name as written)`` of actors missing from the registry that were
        kept under a slug id (ACLED only), sorted.
    """

    events: tuple[Event, ...] = ()
    skipped: tuple[Problem, ...] = ()
    unknown_actors: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.events)


@dataclass(frozen=True, slots=True)
class ResolvedEvents:
    """Events after place resolution.

    Parameters
    ----------
    events : tuple of Event
        Every event of the table, in the same order; resolved ones have
        ``place_id``, ``lat``, ``lon`` and ``place_score`` filled, unresolved ones
        keep ``lat``/``lon`` ``None`` (the timeline does not place them).
    unresolved : tuple of Problem
        One problem per unresolved event: name not found (with suggestions),
        ambiguous (with the candidates), or unknown ``place_id``.
    skipped : tuple of Problem
        Carried over from the :class:`EventTable`.
    """

    events: tuple[Event, ...] = ()
    unresolved: tuple[Problem, ...] = ()
    skipped: tuple[Problem, ...] = ()

    @property
    def resolved(self) -> tuple[Event, ...]:
        """The events that have coordinates."""
        return tuple(e for e in self.events if e.resolved)


class GazetteerLike(Protocol):
    """What :func:`resolve_events` needs from a gazetteer (``gazetteer.Gazetteer`` has it)."""

    def resolve_many(
        self, names: Sequence[str], *, near: tuple[float, float] | None = None,
        country: str | None = None,
    ) -> list[Resolution]:
        """Resolve co-mentioned names jointly, one :class:`Resolution` per name."""
        ...  # pragma: no cover

    def get(self, place_id: str) -> Place | None:
        """Return the place with this id, or ``None``."""
        ...  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------


def parse_date(text: str) -> tuple[dt.date, str]:
    """Parse an event date and infer its precision.

    ``YYYY-MM-DD`` (a time part is ignored) is a day, ``YYYY-MM`` a month (the
    date is its first day), ``YYYY-Www`` an ISO week (the date is its Monday).

    Raises
    ------
    ValueError
        With a message saying what is wrong.

    Examples
    --------
    >>> parse_date("2016-01-18")
    (datetime.date(2016, 1, 18), 'day')
    >>> parse_date("2016-01")
    (datetime.date(2016, 1, 1), 'month')
    >>> parse_date("2016-W03")
    (datetime.date(2016, 1, 18), 'week')
    >>> parse_date("2015-02-29")
    Traceback (most recent call last):
    ...
    ValueError: impossible date: '2015-02-29' (February 2015 has 28 days)
    """
    s = text.strip()
    year = s[:4]
    if year.isdigit() and len(s) >= 7 and not 1000 <= int(year) <= 9998:
        msg = f"impossible date: {s!r} (the year must be from 1000 to 9998)"
        raise ValueError(msg)
    if m := _DAY.match(s):
        y, mo, d = (int(g) for g in m.groups())
        if not 1 <= mo <= 12:
            msg = f"impossible date: {s!r} (month {mo} is not in 1..12)"
            raise ValueError(msg)
        last = calendar.monthrange(y, mo)[1]
        if not 1 <= d <= last:
            msg = (f"impossible date: {s!r} ({calendar.month_name[mo]} {y} has {last} days)")
            raise ValueError(msg)
        return dt.date(y, mo, d), "day"
    if m := _MONTH.match(s):
        y, mo = (int(g) for g in m.groups())
        if not 1 <= mo <= 12:
            msg = f"impossible date: {s!r} (month {mo} is not in 1..12)"
            raise ValueError(msg)
        return dt.date(y, mo, 1), "month"
    if m := _WEEK.match(s):
        y, w = (int(g) for g in m.groups())
        weeks = dt.date(y, 12, 28).isocalendar()[1]
        if not 1 <= w <= weeks:
            msg = f"impossible date: {s!r} ({y} has {weeks} ISO weeks)"
            raise ValueError(msg)
        return dt.date.fromisocalendar(y, w, 1), "week"
    msg = f"not a date: {s!r} (expected YYYY-MM-DD, YYYY-MM or YYYY-Www)"
    raise ValueError(msg)


def date_window(date: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day (inclusive) an event of this precision may have happened.

    ``day``: the day; ``week``: the ISO week (Monday to Sunday) containing the
    date; ``month``: the calendar month containing the date.

    Examples
    --------
    >>> date_window(dt.date(2016, 1, 20), "week")
    (datetime.date(2016, 1, 18), datetime.date(2016, 1, 24))
    >>> date_window(dt.date(2016, 2, 10), "month")
    (datetime.date(2016, 2, 1), datetime.date(2016, 2, 29))
    """
    if precision == "week":
        start = date - dt.timedelta(days=date.weekday())
        return start, start + dt.timedelta(days=6)
    if precision == "month":
        return date.replace(day=1), date.replace(day=calendar.monthrange(date.year,
                                                                            date.month)[1])
    return date, date


def point_id(lat: float, lon: float) -> str:
    """Return the synthetic place id of a coordinate pair (rounded to 4 decimals, ~10 m).

    Examples
    --------
    >>> point_id(35.42104, 40.0551)
    'pt:35.4210,40.0551'
    >>> point_id(-0.00001, 0.0)
    'pt:0.0000,0.0000'
    """
    la, lo = round(lat, 4) + 0.0, round(lon, 4) + 0.0
    return f"pt:{la:.4f},{lo:.4f}"


# ---------------------------------------------------------------------------------------------
# raw rows from each format
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Raw:
    line: int | None
    values: dict[str, str]
    lines: dict[str, int]  # line of each value, when known
    label: str  # "file:line" or "file:features[i]"
    problems: tuple[Problem, ...] = ()  # found while reading the item (YAML, GeoJSON)


#: Longest line accepted in a line-oriented file (CSV, TSV, YAML): 1 MB.
MAX_LINE_BYTES = 1 << 20


def _long_line(data: bytes, limit: int = MAX_LINE_BYTES) -> int | None:
    """Return the 1-based number of the first line longer than ``limit`` bytes, or None.

    Linear: each window of ``limit`` bytes is searched once for its last newline.
    """
    pos, n = 0, len(data)
    while n - pos > limit:
        nl = data.rfind(b"\n", pos, pos + limit + 1)
        if nl == -1:
            return data.count(b"\n", 0, pos) + 1
        pos = nl + 1
    return None


def _decode(data: bytes, path: str, *, lines: bool = True) -> str:
    """Decode UTF-8 (a BOM is accepted); refuse binary data and, if ``lines``, huge lines."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([Problem(path, line, None,
                                  f"not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                  "save the file as UTF-8")]) from None
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputError([Problem(path, data.count(b"\n", 0, nul) + 1, None,
                                  "binary data (a NUL byte), not a text file")])
    if lines:
        long = _long_line(data)
        if long is not None:
            raise InputError([Problem(path, long, None, f"line longer than {MAX_LINE_BYTES} "
                                      "bytes: refused (not a text table, or missing line "
                                      "breaks?)")])
    return text


def _csv_rows(text: str, path: str, *, delimiter: str = ","
              ) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    for raw in reader:
        if any(c.strip() for c in raw):
            header = [c.strip() for c in raw]
            break
    if header is None:
        raise InputError([Problem(path, None, None, "empty file")])
    header_line = reader.line_num

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = header_line
        line, final = last, []
        try:
            for raw in reader:
                line, final = last + 1, raw
                last = reader.line_num
                if not any(c.strip() for c in raw):
                    continue
                yield line, raw
        except csv.Error as exc:
            raise InputError([Problem(path, reader.line_num, None, f"not valid CSV: {exc}")]) \
                from None
        # a quote left open swallows the rest of the file into one value
        if text.count('"') % 2 == 1 and any("\n" in c or "\r" in c for c in final):
            raise InputError([Problem(path, line, None, "not valid CSV: a quoted value that "
                                      "starts on this line is never closed")])

    return header, rows()


def _scalar(node: Any) -> str:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return "" if node.tag == "tag:yaml.org,2002:null" else str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return "; ".join(_scalar(n) for n in node.value)
    msg = "expected a value, not a mapping"
    raise ValueError(msg)


def _yaml_raws(text: str, path: str) -> list[_Raw]:
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(path, line, None, f"not valid YAML: {what}")]) from None
    if root is None:
        raise InputError([Problem(path, None, None, "empty file")])
    items = root
    if isinstance(root, yaml.MappingNode):
        found = [v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "events"]
        if not found:
            raise InputError([Problem(path, root.start_mark.line + 1, None,
                                      "expected a list of events or a mapping with 'events:'")])
        items = found[0]
    if not isinstance(items, yaml.SequenceNode):
        raise InputError([Problem(path, items.start_mark.line + 1, None,
                                  "expected a list of events")])
    out: list[_Raw] = []
    for item in items.value:
        line = item.start_mark.line + 1
        mine: list[Problem] = []  # this item's problems (skippable with skip_invalid)
        if not isinstance(item, yaml.MappingNode):
            mine.append(Problem(path, line, None, "expected a mapping of columns"))
            out.append(_Raw(line, {}, {}, f"{path}:{line}", tuple(mine)))
            continue
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        for k, v in item.value:
            if not isinstance(k, yaml.ScalarNode):
                mine.append(Problem(path, k.start_mark.line + 1, None,
                                    "expected a column name, not a list or mapping"))
                continue
            key = str(k.value).strip().lower()
            lines[key] = v.start_mark.line + 1
            try:
                values[key] = _scalar(v)
            except ValueError as exc:
                mine.append(Problem(path, lines[key], key, str(exc)))
        out.append(_Raw(line, values, lines, f"{path}:{line}", tuple(mine)))
    return out


def _geojson_raws(text: str, path: str) -> list[_Raw]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(path, exc.lineno, None, f"not valid JSON: {exc.msg}")]) \
            from None
    except RecursionError:
        raise InputError([Problem(path, None, None, "not valid JSON: nested too deeply")]) \
            from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise InputError([Problem(path, None, None, "expected a GeoJSON FeatureCollection")])
    features = doc["features"]
    starts = [text.count("\n", 0, m.start()) + 1 for m in _FEATURE.finditer(text)]
    if len(starts) != len(features):
        starts = []
    out: list[_Raw] = []
    for i, feat in enumerate(features):
        line = starts[i] if starts else None
        label = f"{path}:{line}" if line else f"{path}:features[{i}]"
        where = f"features[{i}]"

        mine: list[Problem] = []  # this feature's problems (skippable with skip_invalid)

        def problem(col: str | None, msg: str, *, _line: int | None = line,
                    _where: str = where) -> Problem:
            return Problem(path, _line, f"{_where}.{col}" if col else _where, msg)

        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            mine.append(problem(None, "expected a Feature"))
            out.append(_Raw(line, {}, {}, label, tuple(mine)))
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            mine.append(problem("properties", "expected an object"))
            out.append(_Raw(line, {}, {}, label, tuple(mine)))
            continue
        values: dict[str, str] = {}
        for k, v in props.items():
            key = str(k).strip().lower()
            if isinstance(v, list):
                values[key] = "; ".join("" if x is None else str(x) for x in v)
            elif isinstance(v, dict):
                mine.append(problem(key, "expected a value, not an object"))
            else:
                values[key] = "" if v is None else str(v)
        geom = feat.get("geometry")
        if geom is not None:
            coords = geom.get("coordinates") if isinstance(geom, dict) else None
            if not isinstance(geom, dict) or geom.get("type") != "Point":
                kind = geom.get("type") if isinstance(geom, dict) else type(geom).__name__
                mine.append(problem("geometry", f"expected a Point, got {kind}"))
                out.append(_Raw(line, values, {}, label, tuple(mine)))
                continue
            if not (isinstance(coords, list) and len(coords) >= 2
                    and all(isinstance(c, int | float) and not isinstance(c, bool)
                            for c in coords[:2])):
                mine.append(problem("geometry", "Point coordinates must be [lon, lat]"))
                out.append(_Raw(line, values, {}, label, tuple(mine)))
                continue
            glon, glat = float(coords[0]), float(coords[1])
            for col, gval in (("lat", glat), ("lon", glon)):
                given = values.get(col, "").strip()
                if given:
                    try:
                        same = math.isclose(float(given), gval, abs_tol=1e-9)
                    except ValueError:
                        same = True  # reported by the row checks
                    if not same:
                                mine.append(problem(col, f"property {col}={given} differs from "
                                                 f"the geometry's {gval!r}"))
                values[col] = repr(gval)
        out.append(_Raw(line, values, {}, label, tuple(mine)))
    return out


# ---------------------------------------------------------------------------------------------
# row validation
# ---------------------------------------------------------------------------------------------


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class _RowChecker:
    def __init__(self, path: str, registry: ActorRegistry) -> None:
        self.path = path
        self.registry = registry

    def check(self, raw: _Raw, auto_id: str) -> tuple[Event | None, list[Problem]]:
        problems: list[Problem] = []
        v = {k: s.strip() for k, s in raw.values.items()}

        def bad(col: str, msg: str) -> None:
            problems.append(Problem(self.path, raw.lines.get(col, raw.line), col, msg))

        for col in _REQUIRED:
            if not v.get(col):
                bad(col, "missing value")
        event_id = v.get("event_id") or auto_id
        date: dt.date | None = None
        precision = "day"
        if v.get("date"):
            try:
                date, precision = parse_date(v["date"])
            except ValueError as exc:
                bad("date", str(exc))
        given_precision = v.get("date_precision", "").lower()
        if given_precision:
            if given_precision not in DATE_PRECISIONS:
                bad("date_precision", f"unknown date_precision {given_precision!r} (expected "
                    f"one of {', '.join(DATE_PRECISIONS)})")
            elif date is not None and precision != "day" and given_precision != precision:
                bad("date_precision", f"{given_precision!r} does not fit the date "
                    f"{v['date']!r}, which names a {precision}")
            else:
                precision = given_precision
        lat = lon = None
        for col in ("lat", "lon"):
            if v.get(col):
                try:
                    value = _float(v[col])
                except ValueError:
                    bad(col, f"not a number: {v[col]!r}")
                    continue
                if col == "lat":
                    lat = value
                else:
                    lon = value
        if lat is not None and not -90 <= lat <= 90:
            hint = " (lat and lon look swapped)" if lon is not None and -90 <= lon <= 90 \
                and -180 <= lat <= 180 else ""
            bad("lat", f"out of range [-90, 90]: {v['lat']}{hint}")
            lat = None
        if lon is not None and not -180 <= lon <= 180:
            bad("lon", f"out of range [-180, 180]: {v['lon']}")
            lon = None
        if bool(v.get("lat")) != bool(v.get("lon")):
            missing, other = ("lon", "lat") if v.get("lat") else ("lat", "lon")
            bad(missing, f"missing value ({other} is given)")
        if lat == 0 and lon == 0:
            bad("lat", "0, 0 is not a place (a missing value?)")
        if not (v.get("place") or v.get("place_id") or (v.get("lat") and v.get("lon"))):
            bad("place", "no place: give place, place_id or lat and lon")
        action = v.get("action", "").lower().replace(" ", "_")
        if action and action not in ACTIONS:
            bad("action", f"unknown action {v['action']!r} (expected one of "
                f"{', '.join(ACTIONS)}{_suggest(action, ACTIONS)})")
        actor = self._actor(v.get("actor", ""), "actor", bad)
        previous = self._actor(v.get("previous", ""), "previous", bad)
        if actor is not None and actor == previous:
            bad("previous", f"same as actor ({actor!r})")
        extent = v.get("extent", "").lower() or "full"
        if extent not in EXTENTS:
            bad("extent", f"unknown extent {v['extent']!r} (expected one of {', '.join(EXTENTS)})")
        confidence = v.get("confidence", "").lower() or "confirmed"
        if confidence not in CONFIDENCES:
            bad("confidence", f"unknown confidence {v['confidence']!r} (expected one of "
                f"{', '.join(CONFIDENCES)}{_suggest(confidence, CONFIDENCES)})")
        geo_precision = None
        if v.get("geo_precision"):
            try:
                geo_precision = int(v["geo_precision"])
                if geo_precision < 1:
                    raise ValueError
            except ValueError:
                bad("geo_precision", f"not a positive whole number: {v['geo_precision']!r}")
        if problems or date is None or actor is None:
            return None, problems
        return Event(
            event_id=event_id,
            date=date,
            place=v.get("place", ""),
            action=action,  # type: ignore[arg-type]
            actor=actor,
            date_precision=precision,  # type: ignore[arg-type]
            place_id=v.get("place_id") or None,
            lat=lat,
            lon=lon,
            previous=previous,
            extent=extent,  # type: ignore[arg-type]
            confidence=confidence,  # type: ignore[arg-type]
            sources=split_sources(v.get("source", "")),
            url=v.get("url") or None,
            claim=v.get("claim") or None,
            notes=v.get("notes") or None,
            place_score=1.0 if (v.get("place_id") or lat is not None) else None,
            geo_precision=geo_precision,
            origin=raw.label,
        ), problems

    def _actor(self, text: str, col: str, bad: Callable[[str, str], None]) -> str | None:
        if not text:
            return None
        found = self.registry.resolve(text)
        if found is not None:
            return found.id
        ids = self.registry.suggest(text)
        hint = f"; did you mean {' or '.join(repr(i) for i in ids)}?" if ids else ""
        bad(col, f"unknown actor {text!r} (not in the actor registry{hint})")
        return None


def split_sources(text: str) -> tuple[str, ...]:
    """Split a ``source`` cell on ``;`` or ``|`` (duplicates dropped, order kept).

    Examples
    --------
    >>> split_sources("SOHR; Deir Ezzor 24 | SOHR")
    ('SOHR', 'Deir Ezzor 24')
    """
    out: list[str] = []
    for part in _SOURCE_SPLIT.split(text):
        p = part.strip()
        if p and p not in out:
            out.append(p)
    return tuple(out)


def _swapped_problems(path: str, rows: Sequence[tuple[_Raw, Event | None]]) -> dict[int, Problem]:
    """Flag rows whose (lat, lon) is far from the file's median but close once swapped."""
    pts = [(i, e.lat, e.lon) for i, (_, e) in enumerate(rows)
           if e is not None and e.lat is not None and e.lon is not None]
    if len(pts) < 3:
        return {}
    mlat = statistics.median(p[1] for p in pts)
    mlon = statistics.median(p[2] for p in pts)
    out: dict[int, Problem] = {}
    for i, lat, lon in pts:
        d = abs(lat - mlat) + abs(lon - mlon)
        d_swap = abs(lon - mlat) + abs(lat - mlon)
        if d > 5 and d_swap < d / 4:
            raw = rows[i][0]
            out[i] = Problem(path, raw.lines.get("lat", raw.line), "lat",
                             f"lat/lon look swapped: ({lat}, {lon}) is far from the other "
                             f"events, ({lon}, {lat}) is not")
    return out


# ---------------------------------------------------------------------------------------------
# readers
# ---------------------------------------------------------------------------------------------


def _detect_format(path: str, fmt: str | None) -> str:
    known = {"csv": "csv", "tsv": "tsv", "yaml": "yaml", "yml": "yaml", "geojson": "geojson",
             "json": "geojson"}
    if fmt is not None:
        if fmt.lower() not in known:
            raise InputError([Problem(path, None, None, f"unknown format {fmt!r} (expected "
                                      "csv, tsv, yaml or geojson)")])
        return known[fmt.lower()]
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in known:
        raise InputError([Problem(path, None, None, f"cannot tell the format from the suffix "
                                  f"{'.' + suffix if suffix else '(none)'!r}; pass format= "
                                  "(csv, tsv, yaml or geojson)")])
    return known[suffix]


def read_events(
    path: str | os.PathLike[str],
    *,
    actors: ActorRegistry | None = None,
    format: str | None = None,
    skip_invalid: bool = False,
) -> EventTable:
    r"""Read and validate an event file (CSV, TSV, YAML or GeoJSON; schema in ``docs/events.md``).

    Parameters
    ----------
    path : str or path-like
        The file. The format comes from the suffix (``.csv``, ``.tsv``,
        ``.yaml``/``.yml``, ``.geojson``/``.json``) unless ``format`` is given.
    actors : ActorRegistry, optional
        Resolves the ``actor`` and ``previous`` columns (default: the shipped registry).
    format : str, optional
        ``"csv"``, ``"tsv"``, ``"yaml"`` or ``"geojson"``.
    skip_invalid : bool
        Put invalid rows in :attr:`EventTable.skipped` instead of raising.

    Returns
    -------
    EventTable

    Raises
    ------
    InputError
        Listing every problem (``FILE:LINE: column: message``); file-level
        problems (unreadable, empty, not UTF-8, missing or unknown columns) are
        raised even with ``skip_invalid``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "e.csv").write_text(
    ...     "event_id,date,place,action,actor,source\n"
    ...     "e1,2016-01-18,Ayyash,captured,Daesh,SOHR; AP\n")
    >>> table = read_events(d / "e.csv")
    >>> e = table.events[0]
    >>> e.actor, e.date.isoformat(), e.sources, e.origin.endswith("e.csv:2")
    ('IS', '2016-01-18', ('SOHR', 'AP'), True)
    """
    spath = str(path)
    registry = actors if actors is not None else ActorRegistry.default()
    kind = _detect_format(spath, format)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError([Problem(spath, None, None, f"cannot read: {exc.strerror}")]) from None
    text = _decode(data, spath, lines=kind != "geojson")
    if not text.strip():
        raise InputError([Problem(spath, None, None, "empty file")])
    if kind in ("csv", "tsv"):
        raws = _csv_raws(text, spath, delimiter="\t" if kind == "tsv" else ",")
    elif kind == "yaml":
        raws = _yaml_raws(text, spath)
    else:
        raws = _geojson_raws(text, spath)
    header_problems = _column_problems(spath, raws, kind)
    if header_problems:
        raise InputError(header_problems)
    checker = _RowChecker(spath, registry)
    stem = Path(spath).stem
    checked: list[tuple[_Raw, Event | None, list[Problem]]] = []
    for raw in raws:
        auto_id = f"{stem}:{raw.line}" if raw.line is not None else raw.label
        if raw.problems:  # the item could not even be read as a row
            checked.append((raw, None, list(raw.problems)))
            continue
        event, problems = checker.check(raw, auto_id)
        checked.append((raw, event, problems))
    swapped = _swapped_problems(spath, [(r, e) for r, e, _ in checked])
    first_seen: dict[str, _Raw] = {}
    for i, (raw, _event, problems) in enumerate(checked):
        if i in swapped:
            problems.append(swapped[i])
        event_id = raw.values.get("event_id", "").strip()
        if event_id:
            if event_id in first_seen:
                first = first_seen[event_id]
                where = f"line {first.line}" if first.line is not None else first.label
                problems.append(Problem(spath, raw.lines.get("event_id", raw.line), "event_id",
                                        f"duplicate event_id {event_id!r} (first at {where})"))
            else:
                first_seen[event_id] = raw
    all_problems = [p for _, _, ps in checked for p in ps]
    if all_problems and not skip_invalid:
        raise InputError(all_problems)
    events = tuple(e for _, e, ps in checked if e is not None and not ps)
    return EventTable(events=events, skipped=tuple(all_problems))


def _csv_raws(text: str, path: str, *, delimiter: str) -> list[_Raw]:
    header, rows = _csv_rows(text, path, delimiter=delimiter)
    cols = [h.lower() for h in header]
    problems: list[Problem] = []
    out: list[_Raw] = []
    for line, raw in rows:
        if len(raw) > len(cols) and any(c.strip() for c in raw[len(cols):]):
            problems.append(Problem(path, line, None, f"{len(raw)} values but the header has "
                                    f"{len(cols)} columns"))
            continue
        values = {c: raw[i] if i < len(raw) else "" for i, c in enumerate(cols) if c}
        out.append(_Raw(line, values, {}, f"{path}:{line}"))
    if problems:
        raise InputError(problems)
    # keep the header for column checks
    out.insert(0, _Raw(None, dict.fromkeys(cols, ""), {}, "<header>"))
    return out


def _column_problems(path: str, raws: list[_Raw], kind: str) -> list[Problem]:
    """Check column names (and drop the CSV header pseudo-row)."""
    problems: list[Problem] = []
    if kind in ("csv", "tsv"):
        header = raws.pop(0)
        cols = list(header.values)
        seen: set[str] = set()
        for c in cols:
            if c in seen:
                problems.append(Problem(path, 1, c, "duplicate column"))
            seen.add(c)
        if "" in cols:
            problems.append(Problem(path, 1, None, "a column has no name"))
        present = set(cols)
        lines: list[int | None] = [1]
    else:
        present = set()
        for r in raws:
            present.update(r.values)
        lines = [None]
    for c in sorted(present - set(EVENT_COLUMNS) - {""}):
        if c.startswith("x_"):
            continue
        close = difflib.get_close_matches(c, EVENT_COLUMNS, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(Problem(path, lines[0], c, "unknown column (extra columns must start "
                                f"with 'x_'{hint})"))
    if kind in ("csv", "tsv"):
        for c in _REQUIRED:
            if c not in present:
                problems.append(Problem(path, 1, c, "missing column"))
        if not ({"place", "place_id"} & present or {"lat", "lon"} <= present):
            problems.append(Problem(path, 1, "place", "missing column (give place, place_id "
                                    "or lat and lon)"))
    return problems


def read_acled(
    path: str | os.PathLike[str], *, actors: ActorRegistry | None = None
) -> EventTable:
    r"""Read an ACLED CSV export: territory changes become events, every other row is skipped.

    *Government regains territory* → ``retook``; *Non-state actor overtakes
    territory* → ``captured``; *Non-violent transfer of territory* →
    ``captured`` with a note. ``actor1`` is the actor, ``actor2`` the previous
    holder. Every other row lands in :attr:`EventTable.skipped` with the reason
    ``not a territory change (sub_event_type=...)``; territory rows with invalid
    values land there too. ``time_precision`` 1/2/3 → day/week/month;
    ``geo_precision`` is carried; ``assoc_actor_1`` and ``fatalities`` are added
    to the notes. Actor names missing from the registry are kept under a slug id
    and listed in :attr:`EventTable.unknown_actors`.

    Raises
    ------
    InputError
        When the file cannot be read, is empty, is not UTF-8 or lacks a
        required column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text(
    ...     "event_id_cnty,event_date,time_precision,sub_event_type,actor1,actor2,"
    ...     "location,latitude,longitude,source\n"
    ...     "SYR1,18 January 2016,1,Non-state actor overtakes territory,"
    ...     "Islamic State (Syria),Military Forces of Syria (2000-),Ayyash,35.421,40.055,SOHR\n"
    ...     "SYR2,2016-01-18,1,Armed clash,Islamic State (Syria),,Ayyash,35.421,40.055,SOHR\n")
    >>> t = read_acled(d / "a.csv")
    >>> [(e.event_id, e.action, e.actor, e.previous) for e in t.events]
    [('SYR1', 'captured', 'IS', 'gov')]
    >>> [p.message for p in t.skipped]
    ['not a territory change (sub_event_type=Armed clash)']
    """
    spath = str(path)
    registry = actors if actors is not None else ActorRegistry.default()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError([Problem(spath, None, None, f"cannot read: {exc.strerror}")]) from None
    text = _decode(data, spath)
    header, rows = _csv_rows(text, spath)
    cols = [h.lower() for h in header]
    missing = [Problem(spath, 1, c, "missing column (not an ACLED export?)")
               for c in _ACLED_REQUIRED if c not in cols]
    if missing:
        raise InputError(missing)
    index = {c: i for i, c in reversed(list(enumerate(cols)))}
    events: list[Event] = []
    skipped: list[Problem] = []
    unknown: dict[str, str] = {}
    seen_ids: dict[str, int] = {}

    def actor_id(name: str) -> str | None:
        name = name.strip()
        if not name:
            return None
        found = registry.resolve(name)
        if found is not None:
            return found.id
        sid = slug(name)
        unknown.setdefault(sid, name)
        return sid

    for line, raw in rows:
        def get(col: str, _raw: list[str] = raw) -> str:
            i = index.get(col)
            return _raw[i].strip() if i is not None and i < len(_raw) else ""

        def skip(col: str | None, msg: str, _line: int = line) -> None:
            skipped.append(Problem(spath, _line, col, msg))

        sub = get("sub_event_type")
        mapped = ACLED_TERRITORY_ACTIONS.get(" ".join(sub.lower().split()))
        if mapped is None:
            skip("sub_event_type", f"not a territory change (sub_event_type={sub})")
            continue
        action, note = mapped
        problems: list[str] = []
        date = _acled_date(get("event_date"))
        if date is None:
            problems.append(f"event_date: not a date: {get('event_date')!r}")
        precision = _ACLED_PRECISION.get(get("time_precision") or "1")
        if precision is None:
            problems.append(f"time_precision: expected 1, 2 or 3, got {get('time_precision')!r}")
        try:
            lat, lon = _float(get("latitude")), _float(get("longitude"))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
                raise ValueError
        except ValueError:
            problems.append(f"latitude/longitude: not a coordinate pair: "
                            f"{get('latitude')!r}, {get('longitude')!r}")
            lat = lon = math.nan
        actor = actor_id(get("actor1"))
        if actor is None:
            problems.append("actor1: missing value")
        event_id = get("event_id_cnty")
        if not event_id:
            problems.append("event_id_cnty: missing value")
        elif event_id in seen_ids:
            problems.append(f"event_id_cnty: duplicate {event_id!r} (first at line "
                            f"{seen_ids[event_id]})")
        geo_precision = None
        if get("geo_precision"):
            try:
                geo_precision = int(get("geo_precision"))
            except ValueError:
                problems.append(f"geo_precision: not a whole number: {get('geo_precision')!r}")
        if problems:
            skip(None, "; ".join(problems))
            continue
        seen_ids[event_id] = line
        extras = [note] if note else []
        if get("assoc_actor_1"):
            extras.append(f"assoc_actor_1: {get('assoc_actor_1')}")
        if get("fatalities"):
            extras.append(f"fatalities: {get('fatalities')}")
        notes = get("notes")
        if extras:
            notes = f"{notes} [{'; '.join(extras)}]".strip()
        assert date is not None and actor is not None and precision is not None
        events.append(Event(
            event_id=event_id,
            date=date,
            place=get("location"),
            action=action,  # type: ignore[arg-type]
            actor=actor,
            date_precision=precision,  # type: ignore[arg-type]
            lat=lat,
            lon=lon,
            previous=actor_id(get("actor2")),
            sources=split_sources(get("source")),
            notes=notes or None,
            place_score=1.0,
            geo_precision=geo_precision,
            origin=f"{spath}:{line}",
        ))
    return EventTable(events=tuple(events), skipped=tuple(skipped),
                      unknown_actors=tuple(sorted(unknown.items())))


def _acled_date(text: str) -> dt.date | None:
    try:
        date, precision = parse_date(text)
        if precision == "day":
            return date
    except ValueError:
        pass
    for fmt in ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------------------------
# resolution
# ---------------------------------------------------------------------------------------------


def _origin_location(event: Event) -> tuple[str, int | None]:
    origin = event.origin or "<events>"
    head, sep, tail = origin.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    return origin, None


def resolve_events(
    table: EventTable | Iterable[Event],
    gazetteer: GazetteerLike,
    *,
    near: tuple[float, float] | None = None,
    country: str | None = None,
    strict: bool = False,
) -> ResolvedEvents:
    """Give every event a place id and coordinates.

    Events with ``lat``/``lon`` keep them (and get the synthetic id
    :func:`point_id` if they have no ``place_id``); events with a ``place_id``
    take the coordinates of ``gazetteer.get(place_id)``; the others are resolved
    by name, jointly per ``url`` (names reported together are resolved
    together), with ``gazetteer.resolve_many``. Names not found or ambiguous are
    reported in :attr:`ResolvedEvents.unresolved`, never dropped or guessed.

    Parameters
    ----------
    table : EventTable or iterable of Event
    gazetteer : GazetteerLike
        Anything with ``resolve_many(names, *, near, country)`` and ``get(place_id)``.
    near : (lat, lon), optional
        Context point passed to the gazetteer.
    country : str, optional
        ISO country code passed to the gazetteer.
    strict : bool
        Raise :class:`~geomap.exc.UnresolvedPlacesError` when anything is unresolved.

    Examples
    --------
    >>> from gazetteer import Match, Place, Resolution
    >>> class Tiny:
    ...     ayyash = Place("curated:ayyash", "Ayyash", 35.421, 40.055)
    ...     def resolve_many(self, names, *, near=None, country=None):
    ...         return [Resolution(n, "found", Match(self.ayyash, n, 0.9, "alias"))
    ...                 if n.lower().startswith("aya") else Resolution(n, "not_found")
    ...                 for n in names]
    ...     def get(self, place_id):
    ...         return self.ayyash if place_id == self.ayyash.id else None
    >>> e = Event("e1", dt.date(2016, 1, 18), "Ayash", "captured", "IS")
    >>> f = replace(e, event_id="e2", place="Atlantis")
    >>> out = resolve_events([e, f], Tiny())
    >>> out.events[0].place_id, out.events[1].resolved
    ('curated:ayyash', False)
    >>> [p.message for p in out.unresolved]
    ["place not found: 'Atlantis'"]
    """
    events = list(table.events if isinstance(table, EventTable) else table)
    skipped = table.skipped if isinstance(table, EventTable) else ()
    out: list[Event] = list(events)
    problems: dict[int, Problem] = {}

    def unresolved(i: int, msg: str, col: str = "place") -> None:
        path, line = _origin_location(events[i])
        problems[i] = Problem(path, line, col, msg)

    by_group: dict[str, list[int]] = {}
    for i, e in enumerate(events):
        if e.lat is not None and e.lon is not None:
            out[i] = replace(e, place_id=e.place_id or point_id(e.lat, e.lon),
                             place_score=1.0 if e.place_score is None else e.place_score)
        elif e.place_id:
            p = gazetteer.get(e.place_id)
            if p is None:
                unresolved(i, f"unknown place_id {e.place_id!r}", "place_id")
            else:
                out[i] = replace(e, lat=p.lat, lon=p.lon, place=e.place or p.name,
                                 place_score=1.0)
        elif e.place:
            by_group.setdefault(e.url or "", []).append(i)
        else:
            unresolved(i, "no place name, place_id or coordinates")
    for group in sorted(by_group):
        idx = by_group[group]
        names: list[str] = []
        for i in idx:
            if events[i].place not in names:
                names.append(events[i].place)
        results = gazetteer.resolve_many(names, near=near, country=country)
        if len(results) != len(names):
            msg = (f"gazetteer.resolve_many returned {len(results)} resolutions "
                   f"for {len(names)} names")
            raise ValueError(msg)
        by_name = dict(zip(names, results, strict=True))
        for i in idx:
            name = events[i].place
            res = by_name[name]
            if res.status == "found" and res.match is not None:
                p = res.match.place
                out[i] = replace(events[i], place_id=p.id, lat=p.lat, lon=p.lon,
                                 place_score=res.match.score)
            elif res.status == "ambiguous":
                cands = [m for m in (res.match, *res.alternatives) if m is not None][:5]
                listed = ", ".join(f"{m.place.name} ({m.place.id})" for m in cands)
                unresolved(i, f"ambiguous place name {name!r}: {listed}")
            else:
                hint = (f" (did you mean {', '.join(repr(s) for s in res.suggestions[:3])}?)"
                        if res.suggestions else "")
                unresolved(i, f"place not found: {name!r}{hint}")
    listed = tuple(problems[i] for i in sorted(problems))
    if strict and listed:
        raise UnresolvedPlacesError(listed)
    return ResolvedEvents(events=tuple(out), unresolved=listed, skipped=skipped)
