from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geomap.exc import InputError
from geomap.snapshot import IRAQ_MARK_SIDES, MarkControl, parse_mark, read_snapshot

FIX = Path(__file__).resolve().parent / "fixtures" / "events"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SYRIA = DATA / "wikipedia-map-modules" / "syria_module.lua"


def _has_module_reader() -> bool:
    try:
        from gazetteer import sources
    except ImportError:
        return False
    return hasattr(sources, "read_source")


needs_reader = pytest.mark.skipif(not _has_module_reader(),
                                  reason="gazetteer.sources.read_source is not written yet")


@pytest.mark.parametrize(("mark", "expected"), [
    ("gov", MarkControl("gov", "held")),
    ("IS_base", MarkControl("IS", "held")),
    ("SDF_hill", MarkControl("SDF", "held")),
    ("JaN", MarkControl("HTS", "held")),
    ("Trk_base", MarkControl("TUR", "held")),
    ("SDF_IS", MarkControl(None, "contested", ("IS", "SDF"))),
    ("gov_opp", MarkControl(None, "contested", ("gov", "opp"))),
    ("gov_JaN_IS", MarkControl(None, "contested", ("HTS", "IS", "gov"))),
    ("stable_opp_JaN", MarkControl("opp", "contested", ("HTS",))),
    ("stable_gov_SDF", MarkControl("gov", "contested", ("SDF",))),
    ("IS_siege", MarkControl(None, "besieged", ("IS",), siege_ring=True)),
])
def test_parse_mark(mark: str, expected: MarkControl) -> None:
    assert parse_mark(mark) == expected


@pytest.mark.parametrize(("mark", "reason"), [
    ("pass_N", "border-crossing arrow"),
    ("dam_SE", "dam arrow"),
    ("IS_NE", "pressure arc"),
    ("truce_gov_opp", "truce mark"),
    ("BSicon STRrf red.svg", "image mark"),
    ("lcl", "side 'lcl' has no actor"),
])
def test_parse_mark_rejects(mark: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_mark(mark)


def test_iraq_sides() -> None:
    assert parse_mark("gov", sides=IRAQ_MARK_SIDES).controller == "IRQ"
    assert parse_mark("stable_gov_SDF", sides=IRAQ_MARK_SIDES) == MarkControl(
        "IRQ", "contested", ("KRG",))


def test_csv_snapshot() -> None:
    snap = read_snapshot(FIX / "seed_snapshot.csv")
    assert snap.date == dt.date(2016, 1, 15)
    assert [s.place_id for s in snap.states] == sorted(s.place_id for s in snap.states)
    airport = snap.get("curated:airport")
    assert (airport.controller, airport.status, airport.contenders) == ("gov", "besieged", ("IS",))
    assert airport.sources == ("WSJ 2016-01-18", "UN OCHA")
    assert snap.get("curated:ayyash").status == "held"
    assert snap.get("nope") is None
    assert snap.skipped == ()


def test_csv_snapshot_date_argument_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_text("place,lat,lon,controller,status\n"
                 "A,35.1,40.1,Daesh,held\n"
                 "B,35.2,40.2,Martians,held\n"
                 "C,35.3,40.3,gov,surrounded\n"
                 "D,,,,held\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_snapshot(p)
    assert str(err.value).splitlines() == [
        f"{p}:2: date: missing value (no date in the row and no date= argument)",
        f"{p}:3: controller: unknown actor 'Martians' (not in the actor registry)",
        f"{p}:3: date: missing value (no date in the row and no date= argument)",
        f"{p}:4: status: unknown status 'surrounded' (expected one of held, contested, "
        "claimed, besieged)",
        f"{p}:4: date: missing value (no date in the row and no date= argument)",
        f"{p}:5: controller: missing value (only a contested place may have no controller)",
        f"{p}:5: date: missing value (no date in the row and no date= argument)",
        f"{p}:5: place: no coordinates: give lat and lon, or pass gazetteer= to look up place "
        "or place_id",
    ]
    p.write_text("place,lat,lon,controller\nA,35.1,40.1,Daesh\n", encoding="utf-8")
    snap = read_snapshot(p, date=dt.date(2016, 1, 1))
    assert snap.states[0].controller == "IS" and snap.states[0].since == dt.date(2016, 1, 1)


def test_csv_snapshot_with_gazetteer(tmp_path: Path) -> None:
    from test_events import FakeGazetteer

    p = tmp_path / "s.csv"
    p.write_text("place,place_id,controller\nAyash,,gov\n,curated:saiqa,gov\nHeart Hospital,,gov\n",
                 encoding="utf-8")
    snap = read_snapshot(p, gazetteer=FakeGazetteer(), date="2016-01-15")
    assert [(s.place_id, s.name) for s in snap.states] == [
        ("curated:ayyash", "Ayash"), ("curated:saiqa", "Saiqa Camp")]
    assert [str(x) for x in snap.skipped] == [f"{p}:4: place: not found: 'Heart Hospital'"]


@needs_reader
def test_wikipedia_module_snapshot() -> None:
    snap = read_snapshot(SYRIA, date=dt.date(2017, 7, 1))
    assert len(snap.states) > 6000
    by_name: dict[str, list] = {}
    for s in snap.states:
        by_name.setdefault(s.name, []).append(s)
    (ayyash,) = by_name["Ayyash"]
    assert (ayyash.controller, ayyash.status, ayyash.since) == ("IS", "held", dt.date(2017, 7, 1))
    assert abs(ayyash.lat - 35.421) < 1e-6 and abs(ayyash.lon - 40.055) < 1e-6
    (airport,) = by_name["Deir ez-Zor Airport"]
    assert (airport.controller, airport.status) == ("gov", "held")
    (saiqa,) = by_name["Saiqa Camp"]
    assert saiqa.controller == "IS"
    statuses = {}
    for s in snap.states:
        statuses[(s.controller, s.status)] = statuses.get((s.controller, s.status), 0) + 1
    # counts from the data's SOURCE.md: stable_opp_JaN 97, stable_gov_SDF 9, SDF_IS 4, gov_opp 2
    assert statuses[("opp", "contested")] == 97
    assert statuses[("gov", "contested")] == 9
    assert statuses[(None, "contested")] == 6
    assert statuses[("HTS", "held")] == 178 and statuses[("TUR", "held")] == 5
    contested = [s for s in snap.states if s.controller is None]
    assert {s.contenders for s in contested} == {("IS", "SDF"), ("gov", "opp")}
    reasons = " ".join(p.message for p in snap.skipped)
    assert "border-crossing arrow" in reasons and "image" in reasons


def test_snapshot_format_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="a Wikipedia module has no date: pass date="):
        read_snapshot(SYRIA)
    p = tmp_path / "s.txt"
    p.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the format"):
        read_snapshot(p)
