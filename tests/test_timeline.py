from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_events import FakeGazetteer

from geomap._types import Event, PlaceState
from geomap.events import date_window, read_events, resolve_events
from geomap.snapshot import Snapshot, read_snapshot
from geomap.timeline import FRAME_COLUMNS, Timeline, replay_group

FIX = Path(__file__).resolve().parent / "fixtures" / "events"
D = dt.date


@pytest.fixture(scope="module")
def seed() -> Timeline:
    snap = read_snapshot(FIX / "seed_snapshot.csv")
    events = resolve_events(read_events(FIX / "seed_events.csv"), FakeGazetteer())
    return Timeline(events.events, initial=snap)


def by_place(states: tuple[PlaceState, ...]) -> dict[str, PlaceState]:
    return {s.place_id.split(":")[1]: s for s in states}


def test_seed_before_the_offensive(seed: Timeline) -> None:
    s = by_place(seed.state(D(2016, 1, 17)))
    assert {k: (v.controller, v.status) for k, v in s.items()} == {
        "airport": ("gov", "besieged"), "ayyash": ("gov", "held"),
        "baghaliyah": ("gov", "held"), "saiqa": ("gov", "held")}
    assert s["airport"].contenders == ("IS",)
    assert seed.state(D(2016, 1, 14)) == ()


def test_seed_monday(seed: Timeline) -> None:
    s = by_place(seed.state(D(2016, 1, 18)))
    # WSJ: "much of the town" (partial) vs AP: "the entire Ayash village" (full)
    ay = s["ayyash"]
    assert (ay.controller, ay.status, ay.extent, ay.confidence) == (
        "IS", "contested", "partial", "confirmed")
    assert ay.sources == ("Deir Ezzor 24", "SOHR")
    assert ay.events == ("ap-ayyash", "wsj-ayyash") and ay.last_event == "wsj-ayyash"
    assert ay.contenders == ("gov",) and ay.since == D(2016, 1, 18)
    # SOHR: IS took part of al-Baghaliyah; SANA: the army holds it -> contested, both kept
    bg = s["baghaliyah"]
    assert (bg.controller, bg.status, bg.confidence, bg.contenders) == (
        "gov", "contested", "disputed", ("IS",))
    assert bg.sources == ("SANA", "SOHR")
    # one independent report, full capture
    sq = s["saiqa"]
    assert (sq.controller, sq.status, sq.contenders, sq.sources) == (
        "IS", "held", ("gov",), ("SOHR",))
    # only the gaining side's outlet says it
    ap = s["airport"]
    assert (ap.controller, ap.status, ap.confidence, ap.sources) == (
        "IS", "claimed", "claimed", ("Aamaq",))
    # the Heart Hospital is not in the gazetteer: not placed, not dropped
    assert [e.event_id for e in seed.unplaced] == ["ap-hospital"]


def test_seed_state_media_alone_is_a_claim(seed: Timeline) -> None:
    sq = by_place(seed.state(D(2016, 1, 21)))["saiqa"]
    assert (sq.controller, sq.status, sq.confidence, sq.contenders) == (
        "gov", "claimed", "claimed", ("IS",))
    assert sq.sources == ("SANA", "Syrian TV")


def test_seed_changes_and_intervals(seed: Timeline) -> None:
    ch = seed.changes(D(2016, 1, 17), D(2016, 1, 20))
    assert [c.place_id for c in ch] == ["curated:airport", "curated:ayyash",
                                        "curated:baghaliyah", "curated:saiqa"]
    assert ch[1].before.controller == "gov" and ch[1].after.controller == "IS"
    assert ch[1].events == ("ap-ayyash", "wsj-ayyash")
    (only,) = seed.changes(D(2016, 1, 18), D(2016, 1, 30))
    assert (only.place_id, only.before.controller, only.after.controller, only.events) == (
        "curated:saiqa", "IS", "gov", ("sana-saiqa",))
    assert seed.changes(D(2016, 1, 21), D(2016, 2, 1)) == ()
    with pytest.raises(ValueError, match="before"):
        seed.changes(D(2016, 2, 1), D(2016, 1, 1))
    assert seed.change_dates() == (D(2016, 1, 15), D(2016, 1, 18), D(2016, 1, 20))
    ay = [(s.status, a, b) for s, a, b in seed.intervals() if s.place_id == "curated:ayyash"]
    assert ay == [("held", D(2016, 1, 15), D(2016, 1, 18)), ("contested", D(2016, 1, 18), None)]


def test_state_frame(seed: Timeline) -> None:
    f = seed.state_frame(D(2016, 1, 18))
    assert list(f.columns) == [*FRAME_COLUMNS, "geometry"]
    assert f.crs.to_epsg() == 4326
    row = f.set_index("place_id").loc["curated:ayyash"]
    assert (row["since"], row["sources"], row["events"], row["contenders"]) == (
        "2016-01-18", "Deir Ezzor 24; SOHR", "ap-ayyash; wsj-ayyash", "gov")
    assert (row.geometry.x, row.geometry.y) == (40.055, 35.421)
    empty = seed.state_frame(D(2000, 1, 1))
    assert len(empty) == 0 and list(empty.columns) == [*FRAME_COLUMNS, "geometry"]
    assert empty.crs.to_epsg() == 4326


# -- rules, one at a time ------------------------------------------------------------------------

PLACE = ("p", "P", 35.0, 40.0)


def ev(i: str, action: str, actor: str, day: int = 18, **kw) -> Event:
    return Event(i, D(2016, 1, day), "P", action, actor, place_id="p", lat=35.0, lon=40.0, **kw)


def held(controller: str, status: str = "held", contenders: tuple[str, ...] = ()) -> PlaceState:
    return PlaceState("p", "P", 35.0, 40.0, controller, status, D(2016, 1, 1),
                      contenders=contenders)


def run(base: PlaceState | None, *events: Event) -> PlaceState:
    return replay_group(base, events, place=PLACE, since=D(2016, 1, 18))


def test_withdrew_rules() -> None:
    s = run(held("gov"), ev("w", "withdrew", "gov", previous="IS"))
    assert (s.controller, s.status) == ("IS", "held")
    s = run(held("gov", "contested", ("IS",)), ev("w", "withdrew", "gov"))
    assert (s.controller, s.status) == ("IS", "held")
    s = run(held("gov"), ev("w", "withdrew", "gov"))
    assert (s.controller, s.status, s.contenders) == (None, "contested", ("gov",))
    s = run(held("gov", "contested", ("IS",)), ev("w", "withdrew", "IS"))
    assert (s.controller, s.status, s.contenders) == ("gov", "held", ())


def test_siege_and_fighting_rules() -> None:
    s = run(held("gov"), ev("b", "besieged", "IS"))
    assert (s.controller, s.status, s.contenders) == ("gov", "besieged", ("IS",))
    s = run(held("gov", "besieged", ("IS",)), ev("l", "siege_lifted", "gov"))
    assert (s.controller, s.status, s.contenders) == ("gov", "held", ())
    s = run(held("gov"), ev("c", "contested", "IS"))
    assert (s.controller, s.status, s.contenders) == ("gov", "contested", ("IS",))
    s = run(held("gov"), ev("b", "besieged", "IS"), ev("l", "siege_lifted", "gov"))
    assert (s.status, s.confidence) == ("contested", "disputed")
    # a capture reported the same day as fighting: not settled
    s = run(held("gov"), ev("x", "captured", "IS"), ev("c", "contested", "IS"))
    assert (s.controller, s.status, s.confidence) == ("IS", "contested", "disputed")


def test_partisan_and_flagged_claims() -> None:
    s = run(held("IS"), ev("s", "retook", "gov", sources=("SANA",)))
    assert (s.status, s.controller) == ("claimed", "gov")
    # an outlet confirms its own side's loss (Wikipedia's rule)
    s = run(held("gov"), ev("s", "captured", "IS", sources=("SANA",)))
    assert (s.status, s.controller) == ("held", "IS")
    # a third side's outlet does not confirm
    s = run(held("gov"), ev("s", "captured", "SDF", sources=("Aamaq",)))
    assert s.status == "claimed"
    s = run(held("gov"), ev("s", "captured", "IS", sources=("Aamaq",)),
            ev("t", "captured", "IS", sources=("SOHR",)))
    assert (s.status, s.sources) == ("held", ("Aamaq", "SOHR"))
    s = run(held("gov"), ev("s", "captured", "IS", confidence="disputed", sources=("SOHR",)))
    assert (s.status, s.confidence) == ("claimed", "disputed")
    # a repeated partisan claim stays a claim; an independent report confirms it
    claimed = run(held("IS"), ev("s", "retook", "gov", sources=("SANA",)))
    again = run(claimed, ev("s2", "retook", "gov", sources=("Syrian TV",)))
    assert again.status == "claimed"
    confirmed = run(claimed, ev("s3", "retook", "gov", sources=("SOHR",)))
    assert (confirmed.status, confirmed.controller) == ("held", "gov")


def test_overlapping_windows_conflict() -> None:
    a = ev("a", "captured", "IS", day=18)
    b = ev("b", "retook", "gov", day=21, date_precision="week")  # window 18..24
    tl = Timeline([a, b], initial=Snapshot(D(2016, 1, 1), (held("gov"),)))
    s = tl.state_of("p", D(2016, 1, 22))
    assert (s.status, s.confidence, s.controller, s.events) == ("contested", "disputed", "gov",
                                                                 ("a", "b"))
    # the same two reports a month apart are a capture and a recapture
    c = replace(b, date=D(2016, 2, 21))
    tl = Timeline([a, c], initial=Snapshot(D(2016, 1, 1), (held("gov"),)))
    assert tl.state_of("p", D(2016, 1, 30)).controller == "IS"
    assert tl.state_of("p", D(2016, 2, 22)).status == "held"


def test_snapshot_resets_place_on_its_date() -> None:
    early = ev("a", "captured", "IS", day=5)
    late = ev("b", "captured", "SDF", day=25)
    snap = Snapshot(D(2016, 1, 10), (replace(held("gov"), since=D(2016, 1, 10)),))
    tl = Timeline([late, early], initial=snap)
    assert [tl.state_of("p", D(2016, 1, d)).controller for d in (6, 10, 24, 25)] == [
        "IS", "gov", "gov", "SDF"]
    assert tl.state_of("p", D(2016, 1, 4)) is None


def test_unresolved_events_are_not_placed() -> None:
    e = Event("u", D(2016, 1, 18), "Nowhere", "captured", "IS")
    tl = Timeline([e])
    assert tl.unplaced == (e,) and tl.state(D(2017, 1, 1)) == ()


def test_order_of_input_does_not_matter(seed: Timeline) -> None:
    events = resolve_events(read_events(FIX / "seed_events.csv"), FakeGazetteer()).events
    shuffled = list(events)
    random.Random(3).shuffle(shuffled)
    other = Timeline(shuffled, initial=read_snapshot(FIX / "seed_snapshot.csv"))
    assert list(other.intervals()) == list(seed.intervals())


# -- the fast structure equals a naive replay ----------------------------------------------------

ACTORS = ("gov", "IS", "SDF", "opp")
START = D(2016, 1, 1)


@st.composite
def scenarios(draw):
    n = draw(st.integers(0, 25))
    events = []
    for i in range(n):
        p = draw(st.sampled_from(("a", "b", "c")))
        actor = draw(st.sampled_from(ACTORS))
        events.append(Event(
            event_id=f"e{i:02d}",
            date=START + dt.timedelta(days=draw(st.integers(0, 40))),
            place=p.upper(),
            action=draw(st.sampled_from(("captured", "retook", "withdrew", "contested",
                                         "besieged", "siege_lifted"))),
            actor=actor,
            date_precision=draw(st.sampled_from(("day", "day", "week", "month"))),
            place_id=p, lat=35.0, lon=40.0 + ord(p) / 100,
            previous=draw(st.none() | st.sampled_from([a for a in ACTORS if a != actor])),
            extent=draw(st.sampled_from(("full", "partial"))),
            confidence=draw(st.sampled_from(("confirmed", "confirmed", "claimed", "disputed"))),
            sources=tuple(draw(st.lists(st.sampled_from(("SOHR", "SANA", "Aamaq", "ANHA")),
                                        max_size=2, unique=True))),
        ))
    snap = None
    if draw(st.booleans()):
        sd = START + dt.timedelta(days=draw(st.integers(0, 40)))
        states = tuple(PlaceState(p, p.upper(), 35.0, 40.0 + ord(p) / 100,
                                  draw(st.sampled_from(ACTORS)), "held", sd)
                       for p in draw(st.lists(st.sampled_from(("a", "b", "c")), unique=True)))
        snap = Snapshot(sd, tuple(sorted(states, key=lambda s: s.place_id)))
    queries = draw(st.lists(st.integers(-2, 45), min_size=1, max_size=8))
    return events, snap, [START + dt.timedelta(days=q) for q in queries]


def naive_state(events, snap, day) -> tuple[PlaceState, ...]:
    out = []
    initial = {s.place_id: s for s in (snap.states if snap else ())}
    for p in sorted({e.place_id for e in events} | set(initial)):
        evs = sorted((e for e in events if e.place_id == p and e.date <= day),
                     key=lambda e: (e.date, e.event_id))
        state = None
        if p in initial and initial[p].since <= day:
            state = initial[p]
            evs = [e for e in evs if e.date >= initial[p].since]
        first = next((e for e in sorted((e for e in events if e.place_id == p),
                                        key=lambda e: (e.date, e.event_id))), None)
        meta = ((p, initial[p].name, initial[p].lat, initial[p].lon) if p in initial
                else (p, first.place, first.lat, first.lon))
        base, group, end = state, [], None
        for e in evs:
            w0, w1 = date_window(e.date, e.date_precision)
            if end is None or w0 > end:
                base, group, end = state, [], w1
            group.append(e)
            end = max(end, w1)
            state = replay_group(base, group, place=meta, since=e.date)
        if state is not None:
            out.append(state)
    return tuple(out)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_state_equals_naive_replay(case) -> None:
    events, snap, queries = case
    tl = Timeline(events, initial=snap)
    for day in queries:
        assert tl.state(day) == naive_state(events, snap, day), day
        for s in tl.state(day):
            assert tl.state_of(s.place_id, day) == s


def test_speed_10000_places_365_days() -> None:
    rng = random.Random(7)
    events = []
    for p in range(10_000):
        for k in range(3):
            events.append(Event(f"e{p}-{k}", START + dt.timedelta(days=rng.randrange(365)),
                                f"P{p}", rng.choice(("captured", "retook", "contested")),
                                rng.choice(ACTORS), place_id=f"p{p:05d}", lat=35.0, lon=40.0))
    t0 = time.perf_counter()
    tl = Timeline(events)
    days = [START + dt.timedelta(days=i) for i in range(365)]
    total = sum(len(tl.state(d)) for d in days)
    elapsed = time.perf_counter() - t0
    assert total > 0 and len(tl.state(days[-1])) == 10_000
    assert elapsed < 20, f"took {elapsed:.1f} s"
