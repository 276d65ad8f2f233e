"""A scenario: events + initial control + actors, resolved and replayed, ready to map.

This is the one place where the pipeline's pieces meet: read the events (or an
ACLED export), read the initial snapshot, resolve place names through the
gazetteer (in the snapshot's area when there is one), build the timeline; then
per date the control state, the tessellation (computed once for all dates),
areas, frontlines, gains and losses.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazetteer.exc import Problem
from geomap._types import Event
from geomap.actors import ActorRegistry
from geomap.events import EventTable, read_acled, read_events, resolve_events
from geomap.snapshot import Snapshot, read_snapshot
from geomap.timeline import Timeline

if TYPE_CHECKING:
    import geopandas as gpd

    from geomap.geometry import Tessellation

__all__ = ["Scenario", "is_acled", "load_scenario", "reconcile_places"]


def is_acled(path: str | os.PathLike[str]) -> bool:
    """Return True when ``path`` is a CSV whose header is an ACLED export's."""
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return False
    try:
        with open(p, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError):
        return False
    cols = {c.strip().lower() for c in header}
    return {"event_id_cnty", "sub_event_type"} <= cols


def reconcile_places(
    events: tuple[Event, ...], snapshot: Snapshot, *, name_km: float = 2.0, point_km: float = 0.1
) -> tuple[Event, ...]:
    """Give events the place ids of the snapshot's places where they are the same place.

    The same village may come from two sources with two ids: a Wikipedia map
    module's mark (``wp:...``) in the snapshot and the gazetteer's entry
    (``curated:...``, ``geonames:...``) or bare coordinates (``pt:...``) in the
    events. An event takes the snapshot place's id and point when exactly one
    snapshot place lies within ``name_km`` and has the same name key or
    skeleton, or else when exactly one lies within ``point_km`` whatever its name.

    Examples
    --------
    >>> import datetime as dt
    >>> from geomap._types import PlaceState
    >>> snap = Snapshot(dt.date(2017, 7, 1), (PlaceState(
    ...     "wp:m:ayyash", "Ayyash", 35.421, 40.055, "IS", "held", dt.date(2017, 7, 1)),))
    >>> e = Event("e1", dt.date(2017, 8, 1), "Ayash", "retook", "gov", place_id="curated:ayyash",
    ...           lat=35.4212, lon=40.0551)
    >>> reconcile_places((e,), snap)[0].place_id
    'wp:m:ayyash'
    """
    from dataclasses import replace

    from gazetteer.normalize import keys
    from gazetteer.resolve import haversine_km

    states = snapshot.states
    if not states:
        return events
    ids = {s.place_id for s in states}
    by_key: dict[str, list[Any]] = {}
    for st in states:
        k, sk = keys(st.name)
        for x in {k, sk} - {""}:
            by_key.setdefault(x, []).append(st)
    out = []
    for e in events:
        if e.lat is None or e.lon is None or e.place_id in ids:
            out.append(e)
            continue
        k, sk = keys(e.place or "")
        named = {st.place_id: st for x in {k, sk} - {""} for st in by_key.get(x, ())
                 if haversine_km(e.lat, e.lon, st.lat, st.lon) <= name_km}
        if len(named) != 1:
            near = [st for st in states
                    if abs(st.lat - e.lat) < 0.01 and abs(st.lon - e.lon) < 0.01
                    and haversine_km(e.lat, e.lon, st.lat, st.lon) <= point_km]
            named = {st.place_id: st for st in near} if len(near) == 1 else {}
        if len(named) == 1:
            (st,) = named.values()
            e = replace(e, place_id=st.place_id, lat=st.lat, lon=st.lon)
        out.append(e)
    return tuple(out)


@dataclass(frozen=True)
class Scenario:
    """Resolved events, initial control and their timeline.

    Attributes
    ----------
    events : tuple of Event
        Every event read, resolved where possible (unresolved ones have no coordinates).
    timeline : Timeline
    actors : ActorRegistry
    snapshot : Snapshot or None
    unresolved : tuple of Problem
        Place names that could not be resolved (not found or ambiguous), one per event.
    skipped : tuple of Problem
        Rows not used (invalid rows with ``skip_invalid``, ACLED rows that are not
        territory changes, snapshot rows whose place was not found).
    region, barriers : GeoDataFrame or None
        For the geometry (see :meth:`tessellation`).
    """

    events: tuple[Event, ...]
    timeline: Timeline
    actors: ActorRegistry
    snapshot: Snapshot | None = None
    unresolved: tuple[Problem, ...] = ()
    skipped: tuple[Problem, ...] = ()
    region: Any = None
    barriers: Any = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def dates(self) -> tuple[dt.date, ...]:
        """Dates on which something changes (snapshot date and event dates), sorted."""
        ds = set(self.timeline.change_dates())
        if self.snapshot is not None:
            ds.add(self.snapshot.date)
        return tuple(sorted(ds))

    def places(self) -> gpd.GeoDataFrame:
        """Every place of the timeline (``place_id, name, lat, lon, geometry``), sorted."""
        import geopandas as gpd

        if "places" not in self._cache:
            seen: dict[str, tuple[str, float, float]] = {}
            for st, _start, _end in self.timeline.intervals():
                seen.setdefault(st.place_id, (st.name, float(st.lat), float(st.lon)))
            ids = sorted(seen)
            self._cache["places"] = gpd.GeoDataFrame(
                {"place_id": ids, "name": [seen[i][0] for i in ids],
                 "lat": [seen[i][1] for i in ids], "lon": [seen[i][2] for i in ids]},
                geometry=gpd.points_from_xy([seen[i][2] for i in ids],
                                            [seen[i][1] for i in ids]),
                crs="EPSG:4326",
            )
        return self._cache["places"]

    def tessellation(self) -> Tessellation:
        """One cell per place over the region, not crossing barriers (computed once)."""
        from geomap.geometry import tessellate

        if "tess" not in self._cache:
            self._cache["tess"] = tessellate(self.places(), region=self.region,
                                             barriers=self.barriers)
        return self._cache["tess"]

    def state(self, date: dt.date) -> gpd.GeoDataFrame:
        """Control state per place on ``date`` (see :meth:`Timeline.state_frame`)."""
        return self.timeline.state_frame(date)

    def layers(self, date: dt.date, *, since: dt.date | None = None) -> gpd.GeoDataFrame:
        """Areas, contested zones, frontlines, and gains/losses since ``since``."""
        from geomap.geometry import layers

        prev = self.state(since) if since is not None else None
        return layers(self.tessellation(), self.state(date), previous_states=prev)

    def events_between(self, start: dt.date | None, end: dt.date) -> list[Event]:
        """Events dated in ``(start, end]`` (all up to ``end`` when ``start`` is None)."""
        return [e for e in self.events if e.date <= end and (start is None or e.date > start)]


def load_scenario(
    events: str | os.PathLike[str],
    *,
    initial: str | os.PathLike[str] | None = None,
    initial_date: dt.date | None = None,
    actors: str | os.PathLike[str] | ActorRegistry | None = None,
    gazetteer: Any = None,
    region: str | os.PathLike[str] | None = None,
    barriers: str | os.PathLike[str] | None = None,
    strict: bool = False,
    skip_invalid: bool = False,
    near: tuple[float, float] | None = None,
    country: str | None = None,
) -> Scenario:
    """Read, resolve and replay a scenario.

    Parameters
    ----------
    events : path-like
        Events (CSV, YAML, GeoJSON; see ``docs/events.md``) or an ACLED CSV export.
    initial : path-like, optional
        Initial control: a snapshot CSV or a Wikipedia "detailed map" module (``.lua``).
    initial_date : datetime.date, optional
        The date of the snapshot when the file has none (a map module has no dates).
    actors : path-like or ActorRegistry, optional
        A CSV extending the default actor registry, or a registry.
    gazetteer : gazetteer.resolve.Gazetteer, optional
        Default: the embedded default gazetteer (or ``$GAZETTEER_INDEX``).
    region, barriers : path-like, optional
        Boundary file (areas are clipped to it) and barrier lines (e.g. a river).
    strict : bool
        Raise :class:`~geomap.exc.UnresolvedPlacesError` if a place name is unresolved.
    skip_invalid : bool
        Go on without invalid event rows (they are listed in ``skipped``).
    near, country : optional
        Context for resolving names; by default the snapshot's places (their mean
        point) are the context.

    Raises
    ------
    geomap.exc.InputError
        Listing every problem of the input files.
    """
    from geomap.io import read_barriers, read_region

    registry = (actors if isinstance(actors, ActorRegistry)
                else ActorRegistry.default() if actors is None
                else ActorRegistry.default().extended_with(actors))
    if gazetteer is None:
        from gazetteer.resolve import Gazetteer

        gazetteer = Gazetteer()
    region_frame = read_region(region) if region is not None else None
    barrier_frame = read_barriers(barriers) if barriers is not None else None
    table: EventTable
    if is_acled(events):
        table = read_acled(events, actors=registry)
    else:
        table = read_events(events, actors=registry, skip_invalid=skip_invalid)
    snapshot = None
    if initial is not None:
        snapshot = read_snapshot(initial, gazetteer=gazetteer, actors=registry,
                                 date=initial_date)
        if near is None and snapshot.states:
            near = (sum(s.lat for s in snapshot.states) / len(snapshot.states),
                    sum(s.lon for s in snapshot.states) / len(snapshot.states))
    resolved = resolve_events(table, gazetteer, near=near, country=country, strict=strict)
    events = tuple(resolved.events)
    if snapshot is not None:
        events = reconcile_places(events, snapshot)
    timeline = Timeline(events, initial=snapshot, actors=registry)
    skipped = tuple(resolved.skipped) + (tuple(snapshot.skipped) if snapshot else ())
    return Scenario(events=events, timeline=timeline, actors=registry,
                    snapshot=snapshot, unresolved=tuple(resolved.unresolved),
                    skipped=skipped, region=region_frame, barriers=barrier_frame)
