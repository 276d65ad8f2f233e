"""Property-based tests (hypothesis): importers and exporters round-trip.

The other properties of issue 6 live next to the code they test:

* normalization is idempotent and total (never raises on any string):
  ``tests/test_normalize.py`` (the hypothesis tests there);
* the state on a date equals a replay of the events up to it: ``tests/test_timeline.py``;
* areas of different controllers never overlap and together cover the region, and
  frontlines lie on area boundaries: ``tests/test_geometry.py``.

Here:

* :func:`geomap.io.write_frame` → read back (GeoJSON and GeoPackage) gives the same frame;
* a generic CSV gazetteer source written from random places → ``read_source`` gives the
  same places;
* the CSV written by ``geomap state`` → ``read_snapshot`` → a timeline with no events
  gives the same state on that date as the timeline of the events.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import string
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer._types import Place
from gazetteer.sources import read_source
from geomap._types import Event
from geomap.io import write_frame
from geomap.snapshot import read_snapshot
from geomap.timeline import Timeline

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# text a user may put in a name: any script, punctuation, quotes, separators of CSV
# (no control characters: a CSV source collapses whitespace, see _text below)
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                           blacklist_characters="\ufeff"),
    min_size=1, max_size=30,
).map(lambda s: " ".join(s.split())).filter(bool)
lats = st.floats(-89.9, 89.9, allow_nan=False).map(lambda x: round(x, 6))
lons = st.floats(-179.9, 179.9, allow_nan=False).map(lambda x: round(x, 6))


# ------------------------------------------------------------------------ write_frame


@st.composite
def frames(draw) -> gpd.GeoDataFrame:
    n = draw(st.integers(1, 8))
    rows = draw(st.lists(st.tuples(names, lats, lons, st.integers(-10**6, 10**6)),
                         min_size=n, max_size=n))
    kinds = draw(st.lists(st.sampled_from(["point", "line", "box"]), min_size=n, max_size=n))
    geoms = []
    for (_, lat, lon, _), kind in zip(rows, kinds, strict=True):
        if kind == "point":
            geoms.append(shapely.Point(lon, lat))
        elif kind == "line":
            geoms.append(shapely.LineString([(lon, lat), (lon + 0.1, lat - 0.05)]))
        else:
            geoms.append(shapely.box(lon, lat, lon + 0.05, lat + 0.05))
    return gpd.GeoDataFrame({"name": [r[0] for r in rows], "count": [r[3] for r in rows]},
                            geometry=geoms, crs="EPSG:4326")


def _canonical(frame: gpd.GeoDataFrame) -> list[tuple]:
    out = []
    for name, count, geom in zip(frame["name"], frame["count"], frame.geometry, strict=True):
        out.append((name, int(count), shapely.set_precision(geom, 1e-6).wkt))
    return sorted(out)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
@SETTINGS
@given(frame=frames())
def test_write_frame_round_trips(tmp_path: Path, suffix: str, frame: gpd.GeoDataFrame) -> None:
    path = write_frame(frame, tmp_path / f"f{suffix}")
    back = gpd.read_file(path, engine="pyogrio")
    assert back.crs.to_epsg() == 4326
    assert _canonical(back) == _canonical(frame)


# ------------------------------------------------------------------------ CSV source


@st.composite
def places(draw) -> list[Place]:
    n = draw(st.integers(1, 10))
    out = []
    for i in range(n):
        out.append(Place(
            id=f"csv:src:{i}",
            name=draw(names),
            lat=draw(lats),
            lon=draw(lons),
            country=draw(st.none() | st.sampled_from(["SY", "IQ", "TR"])),
            admin1=draw(st.none() | st.sampled_from(["07", "Deir ez-Zor"])),
            feature_class=draw(st.none() | st.sampled_from(list("APS"))),
            population=draw(st.integers(0, 10**7)),
            source="src.csv",
            names=tuple(dict.fromkeys(
                n for n in draw(st.lists(names.filter(lambda s: "|" not in s and ";" not in s),
                                         max_size=3)))),
        ))
    return out


@SETTINGS
@given(ps=places())
def test_csv_source_round_trips(tmp_path: Path, ps: list[Place]) -> None:
    path = tmp_path / "src.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "lat", "lon", "country", "admin1", "feature_class",
                    "population", "alternate_names"])
        for p in ps:
            w.writerow([p.id.split(":")[-1], p.name, repr(p.lat), repr(p.lon), p.country or "",
                        p.admin1 or "", p.feature_class or "", p.population,
                        "|".join(p.names)])
    back = list(read_source(path, format="csv"))
    expected = [Place(id=p.id, name=p.name, lat=p.lat, lon=p.lon, country=p.country,
                      admin1=p.admin1, feature_class=p.feature_class, population=p.population,
                      source=p.source, names=tuple(n for n in p.names if n != p.name))
                for p in ps]
    assert back == expected


# ------------------------------------------------------------------------ state → snapshot

POINTS = [(35.421, 40.055), (35.396, 40.056), (35.3797, 40.0911), (35.336, 40.141)]
ACTORS = ["IS", "gov", "SDF"]
ACTIONS = ["captured", "retook", "withdrew", "contested", "besieged", "siege_lifted"]


@st.composite
def event_lists(draw) -> list[Event]:
    n = draw(st.integers(1, 12))
    events = []
    for i in range(n):
        lat, lon = draw(st.sampled_from(POINTS))
        actor = draw(st.sampled_from(ACTORS))
        previous = draw(st.none() | st.sampled_from([a for a in ACTORS if a != actor]))
        events.append(Event(
            event_id=f"e{i}", date=dt.date(2016, 1, 1) + dt.timedelta(days=draw(st.integers(0, 20))),
            place=draw(st.sampled_from(string.ascii_uppercase)), action=draw(st.sampled_from(ACTIONS)),
            actor=actor, previous=previous, lat=lat, lon=lon, place_id=f"p{POINTS.index((lat, lon))}",
            place_score=1.0, sources=(draw(st.sampled_from(["SOHR", "SANA", "AP"])),),
            origin=f"events.csv:{i + 2}",
        ))
    return events


def _state_csv(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write the state frame as `geomap state --format csv` does (end to end: see below)."""
    cols = [c for c in frame.columns if c != "geometry"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        for row in frame[cols].itertuples(index=False):
            w.writerow(["" if v is None or (isinstance(v, float) and math.isnan(v)) else v
                        for v in row])


def _key(states) -> list[tuple]:
    return sorted((s.place_id, s.controller, s.status, tuple(sorted(s.contenders)),
                   round(s.lat, 6), round(s.lon, 6), s.since) for s in states)


@SETTINGS
@given(events=event_lists(), day=st.integers(0, 22))
def test_state_csv_reads_back_as_the_same_state(tmp_path: Path, events: list[Event],
                                                day: int) -> None:
    date = dt.date(2016, 1, 1) + dt.timedelta(days=day)
    tl = Timeline(events)
    states = tl.state(date)
    # a held place always has a controller (siege_lifted with no holder on record gives
    # the place to the side that broke the siege), so every state can be a snapshot row
    assert all(s.controller is not None or s.status != "held" for s in states)
    path = tmp_path / "state.csv"
    _state_csv(tl.state_frame(date), path)
    if not states:
        return
    snap = read_snapshot(path, date=date)
    assert snap.skipped == ()
    assert _key(Timeline([], initial=snap).state(date)) == _key(states)


def test_geomap_state_csv_reads_back_end_to_end(tmp_path: Path, default_gazetteer) -> None:
    """The real `geomap state` CSV of the example reads back as the same state."""
    from geomap.cli import main
    from geomap.scenario import load_scenario

    ex = Path(__file__).resolve().parents[1] / "examples" / "deir-ez-zor-2016"
    out = tmp_path / "state.csv"
    args = [str(ex / "events.csv"), "--initial", str(ex / "initial.csv")]
    assert main(["state", *args, "--date", "2016-01-18", "-o", str(out)]) == 0
    sc = load_scenario(ex / "events.csv", initial=ex / "initial.csv")
    date = dt.date(2016, 1, 18)
    snap = read_snapshot(out, date=date)
    assert len(snap.states) == len(sc.timeline.state(date))
    assert _key(Timeline([], initial=snap).state(date)) == _key(sc.timeline.state(date))
