from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from gazetteer import Match, Place, Resolution
from geomap.events import (
    EventTable,
    date_window,
    parse_date,
    point_id,
    read_acled,
    read_events,
    resolve_events,
)
from geomap.exc import InputError, UnresolvedPlacesError

FIX = Path(__file__).resolve().parent / "fixtures" / "events"

PLACES = {
    "curated:ayyash": Place("curated:ayyash", "Ayyash", 35.421, 40.055),
    "curated:baghaliyah": Place("curated:baghaliyah", "al-Baghaliyah", 35.3797, 40.0911),
    "curated:saiqa": Place("curated:saiqa", "Saiqa Camp", 35.396, 40.056),
    "curated:airport": Place("curated:airport", "Deir ez-Zor Airport", 35.284, 40.1757),
    "a:1": Place("a:1", "Jafra", 35.31, 40.20),
    "a:2": Place("a:2", "Jafra", 36.50, 38.10),
}
NAMES = {
    "ayyash": "curated:ayyash", "ayash": "curated:ayyash",
    "al boghaliyyah": "curated:baghaliyah", "baghaliyeh": "curated:baghaliyah",
    "al-baghaliyah": "curated:baghaliyah",
    "saiqa camp": "curated:saiqa",
    "deir ez-zor military airport": "curated:airport", "deir ez-zor airport": "curated:airport",
}


class FakeGazetteer:
    """Implements the protocol resolve_events needs; records the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], object, object]] = []

    def resolve_many(self, names: Sequence[str], *, near=None, country=None) -> list[Resolution]:
        self.calls.append((list(names), near, country))
        out = []
        for n in names:
            key = n.lower()
            if key in NAMES:
                p = PLACES[NAMES[key]]
                out.append(Resolution(n, "found", Match(p, p.name, 0.93, "alias")))
            elif key == "jafra":
                out.append(Resolution(n, "ambiguous", Match(PLACES["a:1"], "Jafra", 0.6, "exact"),
                                      alternatives=(Match(PLACES["a:2"], "Jafra", 0.55, "exact"),)))
            else:
                out.append(Resolution(n, "not_found", suggestions=("Hatla",)))
        return out

    def get(self, place_id: str) -> Place | None:
        return PLACES.get(place_id)


def messages(err: pytest.ExceptionInfo[InputError]) -> list[str]:
    return str(err.value).splitlines()


# -- dates ---------------------------------------------------------------------------------------

def test_parse_date_forms() -> None:
    assert parse_date("2016-01-18") == (dt.date(2016, 1, 18), "day")
    assert parse_date("2016-01-18T06:30:00Z") == (dt.date(2016, 1, 18), "day")
    assert parse_date("2016-01") == (dt.date(2016, 1, 1), "month")
    assert parse_date("2016-W03") == (dt.date(2016, 1, 18), "week")
    assert parse_date("2015W53") == (dt.date(2015, 12, 28), "week")


@pytest.mark.parametrize(("text", "message"), [
    ("2016-02-30", "impossible date: '2016-02-30' (February 2016 has 29 days)"),
    ("2016-13", "impossible date: '2016-13' (month 13 is not in 1..12)"),
    ("2016-W53", "impossible date: '2016-W53' (2016 has 52 ISO weeks)"),
    ("Jan 18", "not a date: 'Jan 18' (expected YYYY-MM-DD, YYYY-MM or YYYY-Www)"),
])
def test_parse_date_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_date(text)
    assert str(err.value) == message


def test_date_window() -> None:
    assert date_window(dt.date(2016, 1, 18), "day") == (dt.date(2016, 1, 18),) * 2
    assert date_window(dt.date(2016, 1, 24), "week") == (dt.date(2016, 1, 18), dt.date(2016, 1, 24))
    assert date_window(dt.date(2015, 2, 3), "month") == (dt.date(2015, 2, 1), dt.date(2015, 2, 28))


# -- readers -------------------------------------------------------------------------------------

def test_read_seed_csv() -> None:
    t = read_events(FIX / "seed_events.csv")
    assert [e.event_id for e in t.events] == [
        "wsj-ayyash", "ap-ayyash", "ap-saiqa", "wsj-boghaliyyah", "sana-baghaliyah",
        "aamaq-airport", "ap-hospital", "sana-saiqa"]
    e = t.events[0]
    assert (e.actor, e.previous, e.extent, e.action, e.date) == (
        "IS", "gov", "partial", "captured", dt.date(2016, 1, 18))
    assert e.origin == f"{FIX / 'seed_events.csv'}:2"
    assert e.claim.startswith("The Sunni extremists captured much of the town")
    assert t.events[-1].sources == ("SANA", "Syrian TV")
    assert t.events[-1].actor == "gov"
    assert t.skipped == ()


def test_bad_rows_exact_messages() -> None:
    p = FIX / "bad_rows.csv"
    with pytest.raises(InputError) as err:
        read_events(p)
    assert messages(err) == [
        f"{p}:2: date: impossible date: '2016-02-30' (February 2016 has 29 days)",
        f"{p}:3: place: no place: give place, place_id or lat and lon",
        f"{p}:4: date: not a date: '18/01/2016' (expected YYYY-MM-DD, YYYY-MM or YYYY-Www)",
        f"{p}:4: action: unknown action 'seized' (expected one of captured, retook, withdrew, "
        "contested, besieged, siege_lifted)",
        f"{p}:4: actor: unknown actor 'Deash' (not in the actor registry; did you mean 'IS'?)",
        f"{p}:5: lat: out of range [-90, 90]: 135.4 (lat and lon look swapped)",
        f"{p}:5: previous: same as actor ('IS')",
        f"{p}:5: extent: unknown extent 'most' (expected one of full, partial)",
        f"{p}:5: confidence: unknown confidence 'rumoured' (expected one of confirmed, claimed, "
        "disputed)",
        f"{p}:5: event_id: duplicate event_id 'e1' (first at line 2)",
        f"{p}:6: date: impossible date: '2016-W54' (2016 has 52 ISO weeks)",
        f"{p}:6: lon: missing value (lat is given)",
    ]
    assert len(err.value.problems) == 12
    assert isinstance(err.value, ValueError)


def test_skip_invalid_keeps_good_rows_and_lists_bad_ones() -> None:
    t = read_events(FIX / "bad_rows.csv", skip_invalid=True)
    assert t.events == ()
    assert {p.line for p in t.skipped} == {2, 3, 4, 5, 6}
    t = read_events(FIX / "seed_events.yaml", skip_invalid=True)
    assert [e.event_id for e in t.events] == ["wsj-ayyash", "ap-saiqa"]
    assert [str(p) for p in t.skipped] == [
        f"{FIX / 'seed_events.yaml'}:17: date: impossible date: '2016-13-01' "
        "(month 13 is not in 1..12)"]


def test_bad_columns() -> None:
    p = FIX / "bad_columns.csv"
    with pytest.raises(InputError) as err:
        read_events(p, skip_invalid=True)  # file-level problems are raised anyway
    assert messages(err) == [
        f"{p}:1: actr: unknown column (extra columns must start with 'x_'; did you mean 'actor'?)",
        f"{p}:1: palce: unknown column (extra columns must start with 'x_'; did you mean "
        "'place'?)",
        f"{p}:1: actor: missing column",
        f"{p}:1: place: missing column (give place, place_id or lat and lon)",
    ]


def test_swapped_coordinates_flagged() -> None:
    p = FIX / "swapped.csv"
    with pytest.raises(InputError) as err:
        read_events(p)
    assert messages(err) == [
        f"{p}:4: lat: lat/lon look swapped: (40.0911, 35.3797) is far from the other events, "
        "(35.3797, 40.0911) is not"]


def test_empty_header_only_bom_encoding() -> None:
    with pytest.raises(InputError) as err:
        read_events(FIX / "empty.csv")
    assert messages(err) == [f"{FIX / 'empty.csv'}: empty file"]
    assert read_events(FIX / "header_only.csv") == EventTable()
    t = read_events(FIX / "bom.csv")
    assert [e.event_id for e in t.events] == ["b1"]
    with pytest.raises(InputError) as err:
        read_events(FIX / "latin1.csv")
    assert messages(err) == [
        f"{FIX / 'latin1.csv'}:3: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


def test_unknown_format(tmp_path: Path) -> None:
    p = tmp_path / "events.txt"
    p.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"cannot tell the format from the suffix '\.txt'"):
        read_events(p)
    with pytest.raises(InputError, match="unknown format 'xls'"):
        read_events(p, format="xls")


def test_yaml_list_form_and_types(tmp_path: Path) -> None:
    p = tmp_path / "e.yml"
    p.write_text("- {event_id: y1, date: 2016-01, place: Ayyash, action: Captured, actor: "
                 "ISIL, lat: 35.421, lon: 40.055}\n", encoding="utf-8")
    (e,) = read_events(p).events
    assert (e.date, e.date_precision, e.action, e.actor, e.lat, e.place_score) == (
        dt.date(2016, 1, 1), "month", "captured", "IS", 35.421, 1.0)
    assert e.origin == f"{p}:1"


def test_geojson_reader() -> None:
    p = FIX / "seed_events.geojson"
    with pytest.raises(InputError) as err:
        read_events(p)
    assert messages(err) == [f"{p}:15: features[2].geometry: expected a Point, got LineString"]


def test_geojson_points(tmp_path: Path) -> None:
    text = (FIX / "seed_events.geojson").read_text(encoding="utf-8")
    p = tmp_path / "ok.geojson"
    p.write_text(text.replace('"LineString", "coordinates": [[40.0, 35.0], [40.1, 35.1]]',
                              '"Point", "coordinates": [40.0911, 35.3797]'), encoding="utf-8")
    t = read_events(p)
    g1, g2, g3 = t.events
    assert (g1.lat, g1.lon, g1.sources) == (35.421, 40.055, ("SOHR", "Deir Ezzor 24"))
    assert (g2.place_id, g2.date_precision, g2.actor, g2.lat) == ("curated:saiqa", "month", "IS",
                                                                  None)
    assert (g3.lat, g3.lon, g3.place) == (35.3797, 40.0911, "")
    assert g1.origin == f"{p}:5"


def test_geojson_property_disagrees_with_geometry(tmp_path: Path) -> None:
    p = tmp_path / "x.geojson"
    p.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                 '{"type": "Point", "coordinates": [40.0, 35.0]}, "properties": {"date": '
                 '"2016-01-18", "action": "captured", "actor": "IS", "lat": 36}}]}',
                 encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_events(p)
    assert messages(err) == [f"{p}:1: features[0].lat: property lat=36 differs from the "
                             "geometry's 35.0"]


# -- ACLED ---------------------------------------------------------------------------------------

def test_acled_accounting() -> None:
    p = FIX / "acled_deir_ezzor.csv"
    t = read_acled(p)
    n_rows = len((p).read_text(encoding="utf-8").strip().splitlines()) - 1
    assert len(t.events) + len(t.skipped) == n_rows  # nothing lost
    assert [e.event_id for e in t.events] == ["SYR9001", "SYR9003", "SYR9004", "SYR9007",
                                              "SYR9008"]
    assert [str(s) for s in t.skipped] == [
        f"{p}:3: sub_event_type: not a territory change "
        "(sub_event_type=Abduction/forced disappearance)",
        f"{p}:6: sub_event_type: not a territory change (sub_event_type=Armed clash)",
        f"{p}:7: sub_event_type: not a territory change "
        "(sub_event_type=Shelling/artillery/missile attack)",
        f"{p}:10: sub_event_type: not a territory change (sub_event_type=Peaceful protest)",
        f"{p}:11: event_date: not a date: '31-February-2016'",
    ]
    by_id = {e.event_id: e for e in t.events}
    e = by_id["SYR9001"]
    assert (e.action, e.actor, e.previous, e.date, e.date_precision) == (
        "captured", "IS", "gov", dt.date(2016, 1, 16), "day")
    assert (e.lat, e.lon, e.geo_precision, e.sources) == (35.3797, 40.0911, 1, ("SOHR", "SANA"))
    assert e.notes.endswith("[fatalities: 85]")
    r = by_id["SYR9007"]
    assert (r.action, r.actor, r.previous, r.date_precision) == ("retook", "gov", "IS", "week")
    assert "assoc_actor_1: Military Forces of Russia (2000-)" in r.notes
    nv = by_id["SYR9008"]
    assert (nv.action, nv.actor, nv.date_precision, nv.geo_precision) == (
        "captured", "liwa-al-quds", "month", 2)
    assert "non-violent transfer of territory" in nv.notes
    assert t.unknown_actors == (("liwa-al-quds", "Liwa Al Quds"),)
    assert by_id["SYR9004"].origin == f"{p}:5"


def test_acled_missing_columns(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("event_id_cnty,event_date,actor1\nX,2016-01-01,IS\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_acled(p)
    assert messages(err) == [f"{p}:1: {c}: missing column (not an ACLED export?)" for c in
                             ("sub_event_type", "location", "latitude", "longitude")]


# -- resolution ----------------------------------------------------------------------------------

def test_resolve_events_fills_and_lists_unresolved() -> None:
    table = read_events(FIX / "seed_events.csv")
    gaz = FakeGazetteer()
    out = resolve_events(table, gaz, near=(35.33, 40.14), country="SY")
    assert len(out.events) == len(table.events)  # nothing dropped
    ids = {e.event_id: e.place_id for e in out.events}
    assert ids["wsj-ayyash"] == ids["ap-ayyash"] == "curated:ayyash"
    assert ids["wsj-boghaliyyah"] == ids["sana-baghaliyah"] == "curated:baghaliyah"
    assert ids["aamaq-airport"] == "curated:airport"
    assert ids["ap-hospital"] is None
    assert [str(p) for p in out.unresolved] == [
        f"{FIX / 'seed_events.csv'}:8: place: place not found: 'Heart Hospital' "
        "(did you mean 'Hatla'?)"]
    assert out.events[0].place_score == pytest.approx(0.93)
    assert all(near == (35.33, 40.14) and country == "SY" for _, near, country in gaz.calls)
    # names reported together (same url) are resolved together
    assert ["Ayash", "Saiqa Camp", "Heart Hospital"] in [names for names, _, _ in gaz.calls]
    with pytest.raises(UnresolvedPlacesError) as err:
        resolve_events(table, gaz, strict=True)
    assert err.value.problems == out.unresolved


def test_resolve_ambiguous_ids_and_points(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text("event_id,date,place,place_id,lat,lon,action,actor\n"
                 "a,2016-01-18,Jafra,,,,captured,IS\n"
                 "b,2016-01-18,,curated:saiqa,,,captured,IS\n"
                 "c,2016-01-18,,nowhere:1,,,captured,IS\n"
                 "d,2016-01-18,Somewhere,,35.36971,40.09113,captured,IS\n",
                 encoding="utf-8")
    out = resolve_events(read_events(p), FakeGazetteer())
    a, b, c, d = out.events
    assert not a.resolved and not c.resolved
    assert (b.lat, b.lon, b.place) == (35.396, 40.056, "Saiqa Camp")
    assert (d.place_id, d.lat) == ("pt:35.3697,40.0911", 35.36971)
    assert d.place_id == point_id(35.36971, 40.09113)
    assert [str(x) for x in out.unresolved] == [
        f"{p}:2: place: ambiguous place name 'Jafra': Jafra (a:1), Jafra (a:2)",
        f"{p}:4: place_id: unknown place_id 'nowhere:1'",
    ]
    assert [e.event_id for e in out.resolved] == ["b", "d"]


def test_acled_events_get_point_ids() -> None:
    out = resolve_events(read_acled(FIX / "acled_deir_ezzor.csv"), FakeGazetteer())
    assert out.unresolved == ()
    assert out.events[0].place_id == "pt:35.3797,40.0911"
    assert len(out.skipped) == 5
