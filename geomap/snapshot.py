"""Initial control: a :class:`Snapshot` of who holds which place on a date.

Read from a CSV (one row per place) or from a Wikipedia "detailed map" Lua module
(*Module:Syrian Civil War detailed map*), whose marks encode the controller.

Wikipedia marks → state (``sides`` maps the module's side tokens to actor ids,
:data:`SYRIA_MARK_SIDES` by default):

* ``gov``, ``IS_base``, ``SDF_hill`` ... (one side, any site suffix) → ``held`` by that side.
* ``SDF_IS`` (two or three sides: the animated "contested" icon) → ``contested``,
  controller ``None`` (the module does not say who holds it), contenders the sides (sorted,
  like every ``contenders`` tuple).
* ``stable_opp_JaN`` ("stable mixed control") → ``contested`` with the **first** side as
  controller (so the place keeps a colour) and the others as contenders. Mixed control is not
  one side's, so it must not be drawn as ``held``; the controller tells it apart from active
  fighting (where it is ``None``).
* ``X_siege`` (a siege ring, drawn over another mark at the same point) → the mark at that
  point becomes ``besieged`` with ``X`` among the contenders; a ring alone is skipped.
* Pressure arcs (``X_N``), border and dam arrows, truces, image marks and side tokens that
  have no actor (``lcl``, ``spc``) are skipped with the reason.
"""

from __future__ import annotations

import bisect
import datetime as dt
import inspect
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gazetteer._types import Place
from gazetteer.exc import Problem, SourceFormatError
from geomap._types import STATUSES, PlaceState
from geomap.actors import ActorRegistry
from geomap.events import GazetteerLike, _csv_rows, _decode, parse_date, point_id, split_sources
from geomap.exc import InputError

__all__ = [
    "IRAQ_MARK_SIDES",
    "SNAPSHOT_COLUMNS",
    "SYRIA_MARK_SIDES",
    "MarkControl",
    "Snapshot",
    "parse_mark",
    "read_snapshot",
]

SNAPSHOT_COLUMNS: tuple[str, ...] = ("place", "place_id", "lat", "lon", "controller", "status",
                                     "contenders", "date", "source", "notes")

#: Side tokens of *Module:Syrian Civil War detailed map* → actor ids.
SYRIA_MARK_SIDES: Mapping[str, str] = {"gov": "gov", "IS": "IS", "SDF": "SDF", "opp": "opp",
                                       "JaN": "HTS", "Trk": "TUR"}
#: Side tokens of *Module:Iraqi insurgency detailed map*: there ``gov`` is the Iraqi
#: government and ``SDF`` (yellow) is "Kurds (mainly KRG)".
IRAQ_MARK_SIDES: Mapping[str, str] = {"gov": "IRQ", "IS": "IS", "SDF": "KRG", "opp": "opp",
                                      "JaN": "HTS", "Trk": "TUR"}

#: Columns of the CSV written by ``geomap state`` → snapshot columns (it reads back).
_STATE_COLUMNS: Mapping[str, str] = {"name": "place", "since": "date", "sources": "source"}
#: Other columns of that CSV, ignored when read as a snapshot.
_STATE_EXTRA = frozenset({"last_event", "events", "extent", "confidence", "problem"})

_SITE_SUFFIXES = frozenset({"hill", "base", "air", "heli", "naval", "oil", "industry",
                            "rural3", "rural4"})
_DIRECTIONS = frozenset({"N", "NE", "E", "SE", "S", "SW", "W", "NW", "NN", "EE", "SS", "WW"})


@dataclass(frozen=True, slots=True)
class MarkControl:
    """What a Wikipedia mark says about control (see the module docstring)."""

    controller: str | None
    status: str
    contenders: tuple[str, ...] = ()
    siege_ring: bool = False


def parse_mark(mark: str, *, sides: Mapping[str, str] = SYRIA_MARK_SIDES) -> MarkControl:
    """Map a Wikipedia "detailed map" mark name to control.

    Raises
    ------
    ValueError
        When the mark is not a control mark (the message says what it is).

    Examples
    --------
    >>> parse_mark("gov_base")
    MarkControl(controller='gov', status='held', contenders=(), siege_ring=False)
    >>> parse_mark("SDF_IS")
    MarkControl(controller=None, status='contested', contenders=('IS', 'SDF'), siege_ring=False)
    >>> parse_mark("stable_opp_JaN")
    MarkControl(controller='opp', status='contested', contenders=('HTS',), siege_ring=False)
    >>> parse_mark("pass_N")
    Traceback (most recent call last):
    ...
    ValueError: border-crossing arrow, not a control mark
    """
    if "." in mark or " " in mark:
        msg = "image mark, not a control mark"
        raise ValueError(msg)
    parts = mark.split("_")
    if parts[0] == "pass":
        msg = "border-crossing arrow, not a control mark"
        raise ValueError(msg)
    if parts[0] == "dam":
        msg = "dam arrow, not a control mark"
        raise ValueError(msg)
    if parts[0] == "truce":
        msg = "truce mark, not mapped to a status"
        raise ValueError(msg)
    stable = parts[0] == "stable"
    if stable:
        parts = parts[1:]
    siege = False
    if len(parts) > 1 and parts[-1] == "siege":
        siege, parts = True, parts[:-1]
    elif len(parts) > 1 and parts[-1] in _SITE_SUFFIXES:
        parts = parts[:-1]
    elif len(parts) > 1 and parts[-1] in _DIRECTIONS:
        msg = "pressure arc, not a control mark"
        raise ValueError(msg)
    if not parts or not all(parts):
        msg = f"not a mark name: {mark!r}"
        raise ValueError(msg)
    ids: list[str] = []
    for tok in parts:
        if tok not in sides:
            msg = (f"side {tok!r} has no actor (known sides: {', '.join(sorted(sides))}; "
                   "pass sides=)")
            raise ValueError(msg)
        if sides[tok] not in ids:
            ids.append(sides[tok])
    if siege:
        return MarkControl(None, "besieged", tuple(sorted(ids)), siege_ring=True)
    if len(ids) == 1:
        return MarkControl(ids[0], "held")
    if stable:
        return MarkControl(ids[0], "contested", tuple(sorted(ids[1:])))
    return MarkControl(None, "contested", tuple(sorted(ids)))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Control of many places on one date: the starting point of a timeline.

    Parameters
    ----------
    date : datetime.date
        The date the snapshot describes (each state's ``since`` may be earlier).
    states : tuple of PlaceState
        One per place, sorted by ``place_id``.
    skipped : tuple of Problem
        Rows or marks not used, with the reason (unresolved names, non-control marks).
    """

    date: dt.date
    states: tuple[PlaceState, ...] = ()
    skipped: tuple[Problem, ...] = ()

    def __len__(self) -> int:
        return len(self.states)

    def get(self, place_id: str) -> PlaceState | None:
        """Return the state of a place, or ``None``."""
        i = bisect.bisect_left(self.states, place_id, key=lambda s: s.place_id)
        if i < len(self.states) and self.states[i].place_id == place_id:
            return self.states[i]
        return None


def read_snapshot(
    path: str | os.PathLike[str],
    *,
    gazetteer: GazetteerLike | None = None,
    actors: ActorRegistry | None = None,
    date: dt.date | str | None = None,
    format: str | None = None,
    sides: Mapping[str, str] | None = None,
) -> Snapshot:
    r"""Read initial control from a CSV or a Wikipedia "detailed map" module.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (columns :data:`SNAPSHOT_COLUMNS`: ``place`` | ``place_id`` |
        ``lat``\+``lon``, ``controller``, optional ``status`` (default ``held``),
        ``contenders`` (``;``-separated), ``date``, ``source``, ``notes``) or ``.lua``
        (a Wikipedia module, read with ``gazetteer.sources``). The CSV written by
        ``geomap state`` reads back as is: its ``name``, ``since`` and ``sources`` are
        taken as ``place``, ``date`` and ``source``, its other columns are ignored
        and its ``unresolved`` rows are skipped (with the reason).
    gazetteer : GazetteerLike, optional
        Looks up rows that give only ``place`` or ``place_id``.
    actors : ActorRegistry, optional
        Resolves ``controller`` and ``contenders`` (default: the shipped registry).
    date : datetime.date or str, optional
        The snapshot's date; required for a Wikipedia module (it has none) and for
        CSV rows without a ``date``.
    format : str, optional
        ``"csv"`` or ``"wikipedia-module"`` (default: from the suffix).
    sides : mapping, optional
        Wikipedia side token → actor id (default :data:`SYRIA_MARK_SIDES`; use
        :data:`IRAQ_MARK_SIDES` for the Iraq module).

    Returns
    -------
    Snapshot

    Raises
    ------
    InputError
        Listing every invalid row (unknown controller, bad status, bad date ...).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "s.csv").write_text(
    ...     "place,lat,lon,controller,status,contenders\n"
    ...     "Deir ez-Zor Airport,35.2846,40.1757,regime,besieged,IS\n")
    >>> snap = read_snapshot(d / "s.csv", date="2016-01-01")
    >>> s = snap.states[0]
    >>> s.place_id, s.controller, s.status, s.contenders, s.since.isoformat()
    ('pt:35.2846,40.1757', 'gov', 'besieged', ('IS',), '2016-01-01')
    """
    spath = str(path)
    registry = actors if actors is not None else ActorRegistry.default()
    when: dt.date | None
    if isinstance(date, str):
        try:
            when = parse_date(date)[0]
        except ValueError as exc:
            raise InputError([Problem("<argument>", None, "date", str(exc))]) from None
    else:
        when = date
    kind = (format or "").lower().replace("_", "-")
    if not kind:
        suffix = Path(spath).suffix.lower()
        kind = {".csv": "csv", ".lua": "wikipedia-module"}.get(suffix, "")
        if not kind:
            raise InputError([Problem(spath, None, None, f"cannot tell the format from the "
                                      f"suffix {suffix or '(none)'!r}; pass format= (csv or "
                                      "wikipedia-module)")])
    if kind == "wikipedia-module":
        if when is None:
            raise InputError([Problem(spath, None, "date", "a Wikipedia module has no date: "
                                      "pass date=")])
        return _from_module(spath, when, registry, sides or SYRIA_MARK_SIDES)
    if kind != "csv":
        raise InputError([Problem(spath, None, None, f"unknown format {format!r} (expected csv "
                                  "or wikipedia-module)")])
    return _from_csv(spath, when, registry, gazetteer)


def _read_module_places(path: str, skipped: list[Problem]) -> Iterable[Place]:
    from gazetteer import sources

    reader: Any = getattr(sources, "read_source", None)
    if reader is not None:
        params = inspect.signature(reader).parameters
        if "skipped" in params:
            return reader(path, format="wikipedia-module", skipped=skipped)
        return reader(path, format="wikipedia-module")
    from gazetteer.sources.wikipedia_module import read_wikipedia_module

    return read_wikipedia_module(path, skipped=skipped)


def _from_module(path: str, when: dt.date, registry: ActorRegistry,
                 sides: Mapping[str, str]) -> Snapshot:
    skipped: list[Problem] = []
    try:
        places = list(_read_module_places(path, skipped))
    except SourceFormatError as exc:
        raise InputError(exc.problems) from None
    held: dict[str, PlaceState] = {}
    rings: list[tuple[Place, MarkControl]] = []
    by_point: dict[tuple[float, float], str] = {}
    for place in places:
        mark = place.mark or ""
        try:
            ctl = parse_mark(mark, sides=sides)
        except ValueError as exc:
            skipped.append(Problem(path, None, place.id, f"mark {mark!r}: {exc}"))
            continue
        missing = [a for a in (ctl.controller, *ctl.contenders)
                   if a is not None and a not in registry]
        if missing:
            skipped.append(Problem(path, None, place.id, f"mark {mark!r}: actor "
                                   f"{missing[0]!r} is not in the actor registry"))
            continue
        if ctl.siege_ring:
            rings.append((place, ctl))
            continue
        state = PlaceState(place_id=place.id, name=place.name, lat=place.lat, lon=place.lon,
                           controller=ctl.controller, status=ctl.status,  # type: ignore[arg-type]
                           since=when, sources=(place.source or Path(path).name,),
                           contenders=ctl.contenders)
        if place.id in held:
            skipped.append(Problem(path, None, place.id, "duplicate place id"))
            continue
        held[place.id] = state
        by_point.setdefault((round(place.lat, 3), round(place.lon, 3)), place.id)
    for place, ctl in rings:
        target = by_point.get((round(place.lat, 3), round(place.lon, 3)))
        if target is None:
            skipped.append(Problem(path, None, place.id, f"mark {place.mark!r}: siege ring "
                                   "with no control mark at the same point"))
            continue
        s = held[target]
        contenders = tuple(sorted(set(s.contenders) | set(ctl.contenders)))
        held[target] = replace(s, status="besieged", contenders=contenders)
    states = tuple(held[k] for k in sorted(held))
    return Snapshot(date=when, states=states, skipped=tuple(skipped))


def _from_csv(path: str, when: dt.date | None, registry: ActorRegistry,
              gazetteer: GazetteerLike | None) -> Snapshot:
    text = _decode(Path(path).read_bytes(), path)
    if not text.strip():
        raise InputError([Problem(path, None, None, "empty file")])
    header, rows = _csv_rows(text, path)
    cols = [h.lower() for h in header]
    if "place" not in cols and "name" in cols:  # the CSV written by `geomap state`
        cols = [_STATE_COLUMNS.get(c, c) for c in cols]
    problems: list[Problem] = []
    for c in cols:
        if c not in SNAPSHOT_COLUMNS and c not in _STATE_EXTRA and not c.startswith("x_"):
            problems.append(Problem(path, 1, c, "unknown column (expected "
                                    + ", ".join(SNAPSHOT_COLUMNS) + "; extra columns must "
                                    "start with 'x_')"))
    if "controller" not in cols:
        problems.append(Problem(path, 1, "controller", "missing column"))
    if not ({"place", "place_id"} & set(cols) or {"lat", "lon"} <= set(cols)):
        problems.append(Problem(path, 1, "place", "missing column (give place, place_id or "
                                "lat and lon)"))
    if problems:
        raise InputError(problems)
    pending: list[tuple[int, dict[str, Any]]] = []
    skipped_rows: list[Problem] = []
    for line, raw in rows:
        before = len(problems)
        v = {c: (raw[i].strip() if i < len(raw) else "") for i, c in enumerate(cols)}

        def bad(col: str | None, msg: str, _line: int = line) -> None:
            problems.append(Problem(path, _line, col, msg))

        rec: dict[str, Any] = {"name": v.get("place", ""), "place_id": v.get("place_id", "")}
        status = (v.get("status") or "held").lower()
        if status == "unresolved":  # a `geomap state` row of an event with no place
            skipped_rows.append(Problem(path, line, "status", "unresolved place in the state "
                                        f"file: {v.get('place') or v.get('place_id')!r}"))
            continue
        if status not in STATUSES:
            bad("status", f"unknown status {v['status']!r} (expected one of "
                f"{', '.join(STATUSES)})")
        controller = None
        if v.get("controller"):
            found = registry.resolve(v["controller"])
            if found is None:
                ids = registry.suggest(v["controller"])
                hint = f"; did you mean {' or '.join(repr(i) for i in ids)}?" if ids else ""
                bad("controller", f"unknown actor {v['controller']!r} (not in the actor "
                    f"registry{hint})")
            else:
                controller = found.id
        elif status not in ("contested", "besieged"):  # (the timeline makes both)
            bad("controller", "missing value (only a contested place may have no controller)")
        contenders: list[str] = []
        for name in split_sources(v.get("contenders", "")):
            found = registry.resolve(name)
            if found is None:
                bad("contenders", f"unknown actor {name!r} (not in the actor registry)")
            elif found.id != controller and found.id not in contenders:
                contenders.append(found.id)
        since = when
        if v.get("date"):
            try:
                since = parse_date(v["date"])[0]
            except ValueError as exc:
                bad("date", str(exc))
        elif when is None:
            bad("date", "missing value (no date in the row and no date= argument)")
        lat = lon = None
        if v.get("lat") or v.get("lon"):
            try:
                lat, lon = float(v.get("lat", "")), float(v.get("lon", ""))
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError
            except ValueError:
                bad("lat", f"not a coordinate pair: {v.get('lat')!r}, {v.get('lon')!r}")
        elif not (v.get("place") or v.get("place_id")):
            bad("place", "no place: give place, place_id or lat and lon")
        elif gazetteer is None:
            bad("place", "no coordinates: give lat and lon, or pass gazetteer= to look up "
                "place or place_id")
        rec.update(lat=lat, lon=lon, controller=controller, status=status,
                   contenders=tuple(sorted(contenders)), since=since,
                   sources=split_sources(v.get("source", "")))
        if len(problems) == before:  # invalid rows are reported, not looked up
            pending.append((line, rec))
    skipped: list[Problem] = skipped_rows
    # look up places without coordinates
    if gazetteer is not None:
        for _, rec in pending:
            if rec["lat"] is None and rec["place_id"]:
                p = gazetteer.get(rec["place_id"])
                if p is not None:
                    rec.update(lat=p.lat, lon=p.lon, name=rec["name"] or p.name)
        names = list(dict.fromkeys(rec["name"] for _, rec in pending
                                   if rec["lat"] is None and not rec["place_id"]))
        if names:
            results = dict(zip(names, gazetteer.resolve_many(names), strict=True))
            for _, rec in pending:
                if rec["lat"] is None and not rec["place_id"]:
                    res = results[rec["name"]]
                    if res.status == "found" and res.match is not None:
                        p = res.match.place
                        rec.update(lat=p.lat, lon=p.lon, place_id=p.id)
                    else:
                        rec["why"] = res.status.replace("_", " ")
    states: dict[str, PlaceState] = {}
    first_line: dict[str, int] = {}
    for line, rec in pending:
        if rec["lat"] is None:
            why = rec.get("why") or "unknown place_id"
            shown = rec["name"] or rec["place_id"]
            skipped.append(Problem(path, line, "place", f"{why}: {shown!r}"))
            continue
        pid = rec["place_id"] or point_id(rec["lat"], rec["lon"])
        if pid in states:
            problems.append(Problem(path, line, "place", f"duplicate place {pid!r} (first at "
                                    f"line {first_line[pid]})"))
            continue
        first_line[pid] = line
        states[pid] = PlaceState(place_id=pid, name=rec["name"] or pid, lat=rec["lat"],
                                 lon=rec["lon"], controller=rec["controller"],
                                 status=rec["status"], since=rec["since"],
                                 sources=rec["sources"], contenders=rec["contenders"])
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.line or 0)))
    snap_date = when or max((s.since for s in states.values() if s.since is not None),
                            default=None)
    if snap_date is None:
        raise InputError([Problem(path, None, "date", "no dates in the file: pass date=")])
    return Snapshot(date=snap_date, states=tuple(states[k] for k in sorted(states)),
                    skipped=tuple(skipped))

