"""Control state on any date: replay of control-change events over an initial snapshot.

The rules are documented in ``docs/events.md`` ("How the timeline replays events"). In short:
events are replayed per place in date order; reports whose date windows overlap form one
*group* whose reports are weighed together — conflicting reports make the place
``contested`` (never last-one-wins), a partial capture makes it ``contested`` with the
capturer as controller, a change asserted only by reports that are flagged
claimed/disputed or that come from outlets of the side that gains makes it ``claimed``.

:class:`Timeline` builds, once, a sorted list of state intervals per place
(``O(E log E)``); :meth:`Timeline.state` then answers any date with a bisection and an
incremental sweep, so a slider over a year of 10,000 places is fast.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geomap._types import Event, PlaceState
from geomap.actors import ActorRegistry
from geomap.events import date_window
from geomap.snapshot import Snapshot

if TYPE_CHECKING:  # pragma: no cover
    import geopandas

__all__ = ["FRAME_COLUMNS", "Change", "Timeline", "replay_group"]

#: Columns of :meth:`Timeline.state_frame` (plus ``geometry``).
FRAME_COLUMNS: tuple[str, ...] = ("place_id", "name", "lat", "lon", "controller", "status",
                                  "since", "last_event", "sources", "events", "contenders",
                                  "extent", "confidence")

_CHANGE = ("captured", "retook")


@dataclass(frozen=True, slots=True)
class Change:
    """What changed at one place between two dates (see :meth:`Timeline.changes`).

    ``before`` is ``None`` when the place had no known state at the first date;
    ``events`` are the ids of the events that set states in between.
    """

    place_id: str
    name: str
    before: PlaceState | None
    after: PlaceState
    events: tuple[str, ...]


def _dedup(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(v for v in values if v is not None))


def _confirms(event: Event, gainer: str | None, losers: set[str | None],
              registry: ActorRegistry) -> bool:
    """Return True when the report confirms the change (Wikipedia's rule for partisan sources).

    A report confirms when it is flagged ``confirmed`` and has no sources or at least one
    source that is not an outlet of a side other than the losing side: an outlet may
    confirm its own side's losses, never its gains (nor a third side's).
    """
    if event.confidence != "confirmed":
        return False
    if not event.sources:
        return True
    for source in event.sources:
        side = registry.side_of_outlet(source)
        if side is None or (side in losers and side != gainer):
            return True
    return False


def replay_group(
    base: PlaceState | None,
    events: Sequence[Event],
    *,
    place: tuple[str, str, float, float],
    since: dt.date,
    actors: ActorRegistry | None = None,
) -> PlaceState:
    """Return the state of a place after a group of reports whose date windows overlap.

    Parameters
    ----------
    base : PlaceState or None
        The state before the group (``None``: unknown).
    events : sequence of Event
        The group's reports, in replay order (date, then event_id).
    place : (place_id, name, lat, lon)
    since : datetime.date
        The date the new state starts.
    actors : ActorRegistry, optional
        For the outlets' affiliations (default: the shipped registry).

    Examples
    --------
    >>> e1 = Event("wsj", dt.date(2016, 1, 18), "Ayyash", "captured", "IS", extent="partial",
    ...            sources=("SOHR",))
    >>> from dataclasses import replace
    >>> e2 = replace(e1, event_id="ap", extent="full", sources=("Deir Ezzor 24",))
    >>> s = replay_group(None, [e1, e2], place=("ayyash", "Ayyash", 35.42, 40.05),
    ...                  since=dt.date(2016, 1, 18))
    >>> s.controller, s.status, s.extent, s.sources
    ('IS', 'contested', 'partial', ('SOHR', 'Deir Ezzor 24'))
    """
    registry = actors if actors is not None else ActorRegistry.default()
    place_id, name, lat, lon = place
    holder = base.controller if base is not None else None
    base_contenders = base.contenders if base is not None else ()
    proposals: dict[str | None, list[Event]] = {}
    fights: list[Event] = []
    sieges: list[Event] = []
    lifts: list[Event] = []
    leaving: list[str] = []
    for e in events:
        if e.action in _CHANGE:
            proposals.setdefault(e.actor, []).append(e)
        elif e.action == "withdrew":
            if holder is not None and e.actor != holder:
                leaving.append(e.actor)  # leaves the fight, not the place
                continue
            target = e.previous
            if target is None:
                others = [c for c in base_contenders if c != e.actor]
                target = others[0] if len(others) == 1 else None
            proposals.setdefault(target, []).append(e)
        elif e.action == "contested":
            fights.append(e)
        elif e.action == "besieged":
            sieges.append(e)
        else:  # siege_lifted
            lifts.append(e)
    sources = _dedup(s for e in events for s in e.sources)
    ids = _dedup(e.event_id for e in events)

    def state(controller: str | None, status: str, contenders: Iterable[str | None],
              *, extent: str = "full", confidence: str = "confirmed") -> PlaceState:
        others = tuple(sorted({c for c in contenders if c is not None and c != controller}))
        return PlaceState(place_id=place_id, name=name, lat=lat, lon=lon,
                          controller=controller, status=status,  # type: ignore[arg-type]
                          since=since, last_event=ids[-1] if ids else None, sources=sources,
                          events=ids, contenders=others, extent=extent,  # type: ignore[arg-type]
                          confidence=confidence)  # type: ignore[arg-type]

    fighters = [x for e in fights for x in (e.actor, e.previous)]
    besiegers = [e.actor for e in sieges]
    if len(proposals) > 1:
        # reports disagree on who holds the place: keep the last established holder
        named = [*proposals, *(e.previous for v in proposals.values() for e in v)]
        return state(holder, "contested", [*named, holder, *fighters, *besiegers],
                     confidence="disputed")
    if not proposals:
        kept = [c for c in base_contenders if c not in leaving]
        if fights:
            return state(holder, "contested", [*kept, *fighters, *besiegers])
        if sieges and lifts:
            return state(holder, "contested", [*kept, *besiegers], confidence="disputed")
        if sieges:
            return state(holder, "besieged", besiegers)
        if lifts:
            # the siege ends: the holder keeps the place; with no holder on record, the
            # side that broke the siege holds it (a held place always has a controller)
            return state(holder if holder is not None else lifts[0].actor, "held", ())
        if base is not None and base.status == "contested" and not kept and holder is not None:
            return state(holder, "held", ())
        if base is not None:
            return state(holder, base.status, kept, extent=base.extent,
                         confidence=base.confidence)
        return state(None, "contested", leaving)
    ((gainer, support),) = proposals.items()
    losers = {holder, *(e.previous for e in support)}
    settled = base is None or base.status in ("held", "besieged")
    if gainer == holder and not settled:
        # the holder was only claimed, partial or contested: the new reports are weighed
        # like a change from the other sides
        losers.update(base_contenders)
    losers.discard(gainer)
    if gainer is None:  # withdrawn from, no one known to take over
        return state(None, "contested", [*losers, *(e.actor for e in support)])
    if gainer == holder and settled:  # the holder keeps or retakes it
        previous = [e.previous for e in support]
        if fights:
            return state(holder, "contested", [*base_contenders, *fighters, *previous])
        if sieges and not lifts:
            return state(holder, "besieged", besiegers)
        if base is not None and base.status == "besieged" and not lifts:
            return state(holder, "besieged", base_contenders)
        return state(holder, "held", previous)
    partial = any(e.extent == "partial" for e in support)
    extent = "partial" if partial else "full"
    if fights or (sieges and holder is not None):
        # one report says it changed hands, another that it is still held or fought over
        return state(gainer, "contested", [*losers, *fighters, *besiegers], extent=extent,
                     confidence="disputed")
    if not any(_confirms(e, gainer, losers, registry) for e in support):
        flagged = "disputed" if any(e.confidence == "disputed" for e in support) else "claimed"
        return state(gainer, "claimed", losers, extent=extent, confidence=flagged)
    if partial:
        return state(gainer, "contested", losers, extent="partial")
    return state(gainer, "held", losers)


class Timeline:
    """Control state of every place on any date.

    Parameters
    ----------
    events : sequence of Event
        Resolved events (events without coordinates, and whose place is not in
        ``initial``, are not placed: see :attr:`unplaced`).
    initial : Snapshot, optional
        Control on a date; each of its states is an observation that resets the
        place on that date (events of the same day are applied after it).
    actors : ActorRegistry, optional
        For outlet affiliations (default: the shipped registry).

    Examples
    --------
    >>> e = Event("e1", dt.date(2016, 1, 18), "Saiqa Camp", "captured", "IS", lat=35.39,
    ...           lon=40.07, place_id="saiqa", previous="gov", sources=("SOHR",))
    >>> tl = Timeline([e])
    >>> tl.state(dt.date(2016, 1, 17))
    ()
    >>> [(s.place_id, s.controller, s.status, s.contenders) for s in tl.state(dt.date(2016, 2, 1))]
    [('saiqa', 'IS', 'held', ('gov',))]
    """

    def __init__(
        self,
        events: Sequence[Event],
        *,
        initial: Snapshot | None = None,
        actors: ActorRegistry | None = None,
    ) -> None:
        self._registry = actors if actors is not None else ActorRegistry.default()
        initial_states = {s.place_id: s for s in (initial.states if initial else ())}
        by_place: dict[str, list[Event]] = {}
        unplaced: list[Event] = []
        for e in events:
            if e.place_id is not None and (e.resolved or e.place_id in initial_states):
                by_place.setdefault(e.place_id, []).append(e)
            elif e.resolved:
                from geomap.events import point_id

                by_place.setdefault(point_id(e.lat, e.lon), []).append(e)  # type: ignore[arg-type]
            else:
                unplaced.append(e)
        self.unplaced: tuple[Event, ...] = tuple(unplaced)
        """Events that could not be placed (no coordinates)."""
        place_ids = sorted(set(by_place) | set(initial_states))
        self._place_ids: tuple[str, ...] = tuple(place_ids)
        self._starts: list[list[dt.date]] = []
        self._states: list[list[PlaceState]] = []
        changes: list[tuple[dt.date, int, int]] = []
        snap_date = initial.date if initial is not None else None
        for idx, pid in enumerate(place_ids):
            evs = sorted(by_place.get(pid, ()),
                         key=lambda e: (e.date, e.event_id, e.origin or ""))
            intervals = self._replay(pid, evs, initial_states.get(pid), snap_date)
            self._starts.append([d for d, _ in intervals])
            self._states.append([s for _, s in intervals])
            changes.extend((d, idx, j) for j, (d, _) in enumerate(intervals))
        changes.sort()
        self._dates: tuple[dt.date, ...] = tuple(dict.fromkeys(d for d, _, _ in changes))
        self._deltas: list[list[tuple[int, int]]] = [[] for _ in self._dates]
        k = -1
        last: dt.date | None = None
        for d, idx, j in changes:
            if d != last:
                k, last = k + 1, d
            self._deltas[k].append((idx, j))
        self._cursor = -1
        self._current: list[PlaceState | None] = [None] * len(place_ids)

    def _replay(self, pid: str, events: list[Event], initial: PlaceState | None,
                snap_date: dt.date | None) -> list[tuple[dt.date, PlaceState]]:
        if initial is not None:
            name, lat, lon = initial.name, initial.lat, initial.lon
        else:
            first = next((e for e in events if e.resolved), events[0])
            name = first.place or pid
            lat, lon = first.lat, first.lon  # type: ignore[assignment]
        meta = (pid, name, float(lat), float(lon))  # type: ignore[arg-type]
        out: list[tuple[dt.date, PlaceState]] = []

        def emit(d: dt.date, s: PlaceState) -> None:
            if out and out[-1][0] == d:
                out[-1] = (d, s)
            else:
                out.append((d, s))

        reset_at = (initial.since or snap_date) if initial is not None else None
        state: PlaceState | None = None
        base: PlaceState | None = None
        group: list[Event] = []
        group_end: dt.date | None = None
        for e in events:
            if reset_at is not None and e.date >= reset_at:
                assert initial is not None
                emit(reset_at, initial)
                state, group, group_end, reset_at = initial, [], None, None
            start, end = date_window(e.date, e.date_precision)
            if group_end is None or start > group_end:
                base, group, group_end = state, [], end
            group.append(e)
            group_end = max(group_end, end)
            state = replay_group(base, group, place=meta, since=e.date, actors=self._registry)
            emit(e.date, state)
        if reset_at is not None:
            assert initial is not None
            emit(reset_at, initial)
        return out

    # -- queries ------------------------------------------------------------------------------

    @property
    def place_ids(self) -> tuple[str, ...]:
        """Every place with a state at some date, sorted."""
        return self._place_ids

    def change_dates(self) -> tuple[dt.date, ...]:
        """Return the sorted dates on which some place's state starts."""
        return self._dates

    def state(self, date: dt.date) -> tuple[PlaceState, ...]:
        """Return the state of every place known on ``date``, sorted by ``place_id``.

        Places whose first report is later than ``date`` are absent.
        """
        k = bisect.bisect_right(self._dates, date) - 1
        if k < self._cursor:
            self._cursor = -1
            self._current = [None] * len(self._place_ids)
        for kk in range(self._cursor + 1, k + 1):
            for idx, j in self._deltas[kk]:
                self._current[idx] = self._states[idx][j]
        self._cursor = max(self._cursor, k)
        return tuple(s for s in self._current if s is not None)

    def state_of(self, place_id: str, date: dt.date) -> PlaceState | None:
        """Return the state of one place on ``date``, or ``None``."""
        idx = bisect.bisect_left(self._place_ids, place_id)
        if idx == len(self._place_ids) or self._place_ids[idx] != place_id:
            return None
        j = bisect.bisect_right(self._starts[idx], date) - 1
        return self._states[idx][j] if j >= 0 else None

    def intervals(self) -> Iterator[tuple[PlaceState, dt.date, dt.date | None]]:
        """Yield ``(state, start, end)`` per place (sorted) and time; ``end`` is exclusive or ``None``."""
        for starts, states in zip(self._starts, self._states, strict=True):
            for j, (start, st) in enumerate(zip(starts, states, strict=True)):
                yield st, start, starts[j + 1] if j + 1 < len(starts) else None

    def changes(self, d1: dt.date, d2: dt.date) -> tuple[Change, ...]:
        """Return the places whose control differs between ``d1`` and ``d2`` (net change).

        A place counts when its controller, status, contenders, extent or confidence
        differ; a place that changed and changed back does not. ``events`` lists the
        events of the states set in ``(d1, d2]``. Sorted by ``place_id``.

        Raises
        ------
        ValueError
            When ``d2`` is before ``d1``.
        """
        if d2 < d1:
            msg = f"d2 ({d2}) is before d1 ({d1})"
            raise ValueError(msg)
        lo = bisect.bisect_right(self._dates, d1)
        hi = bisect.bisect_right(self._dates, d2)
        touched = sorted({idx for k in range(lo, hi) for idx, _ in self._deltas[k]})
        out: list[Change] = []
        for idx in touched:
            pid = self._place_ids[idx]
            before = self.state_of(pid, d1)
            after = self.state_of(pid, d2)
            assert after is not None
            if before is not None and _key(before) == _key(after):
                continue
            starts = self._starts[idx]
            a = bisect.bisect_right(starts, d1)
            b = bisect.bisect_right(starts, d2)
            evs = _dedup(ev for st in self._states[idx][a:b] for ev in st.events)
            out.append(Change(pid, after.name, before, after, evs))
        return tuple(out)

    def state_frame(self, date: dt.date) -> geopandas.GeoDataFrame:
        """Return :meth:`state` as a GeoDataFrame of points (EPSG:4326).

        Columns: :data:`FRAME_COLUMNS` and ``geometry``; ``since`` is an ISO date
        string, ``sources``, ``events`` and ``contenders`` are ``"; "``-joined.
        """
        import geopandas
        import pandas as pd

        states = self.state(date)
        data: dict[str, list[Any]] = {c: [] for c in FRAME_COLUMNS}
        for s in states:
            data["place_id"].append(s.place_id)
            data["name"].append(s.name)
            data["lat"].append(float(s.lat))
            data["lon"].append(float(s.lon))
            data["controller"].append(s.controller)
            data["status"].append(s.status)
            data["since"].append(s.since.isoformat() if s.since else None)
            data["last_event"].append(s.last_event)
            data["sources"].append("; ".join(s.sources))
            data["events"].append("; ".join(s.events))
            data["contenders"].append("; ".join(s.contenders))
            data["extent"].append(s.extent)
            data["confidence"].append(s.confidence)
        frame = pd.DataFrame(data, columns=list(FRAME_COLUMNS))
        frame["lat"] = frame["lat"].astype("float64")
        frame["lon"] = frame["lon"].astype("float64")
        geometry = geopandas.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
        return geopandas.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def _key(s: PlaceState) -> tuple[Any, ...]:
    return (s.controller, s.status, s.contenders, s.extent, s.confidence)

