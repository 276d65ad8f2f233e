"""Resolution on the embedded default gazetteer: the spellings of the seed articles."""

from __future__ import annotations

import pytest

from gazetteer.resolve import Gazetteer, haversine_km

DEIR_EZ_ZOR = "geonames:170794"


def km(match, point):
    return haversine_km(match.place.lat, match.place.lon, *point)


@pytest.mark.parametrize(
    "query",
    ["Deir Ezzour", "Deir el-Zour", "Deir ez-Zor", "Dayr az Zawr", "Dair Alzour", "دير الزور",
     "Deir al-Zor", "Der Ezzor", "Deir Azzor", "deir ezzor"],
)
def test_deir_ez_zor_spellings(default_gazetteer, query):
    r = default_gazetteer.resolve(query)
    assert r.status == "found", r
    assert r.match.place.id == DEIR_EZ_ZOR
    assert 0.0 < r.match.score <= 1.0


@pytest.mark.parametrize("query", ["Ayyash", "Ayash"])
def test_ayyash_is_the_syrian_village(default_gazetteer, wiki_marks, query):
    r = default_gazetteer.resolve(query)
    assert r.match is not None
    # the village on the Euphrates' west bank NW of the city (Wikipedia module mark)
    assert km(r.match, wiki_marks["Ayyash"]) < 3
    assert r.match.place.country == "SY"


def test_ayash_next_to_deir_ez_zor_is_found_jointly(default_gazetteer, wiki_marks):
    ayash, deir = default_gazetteer.resolve_many(["Ayash", "Deir el-Zour"])
    assert deir.match.place.id == DEIR_EZ_ZOR
    assert km(ayash.match, wiki_marks["Ayyash"]) < 3
    assert ayash.status == "found"  # the Turkish Ayaş is no longer a close second


def test_ayash_without_context_names_the_turkish_alternative(default_gazetteer):
    r = default_gazetteer.resolve("Ayash")
    assert any(a.place.country == "TR" for a in r.alternatives)


@pytest.mark.parametrize("query", ["Boghaliyyah", "al Boghaliyyah", "Baghaliyeh",
                                   "al-Baghaliyah"])
def test_baghaliyah_spellings(default_gazetteer, ocha_neighbourhoods, query):
    r = default_gazetteer.resolve(query)
    assert r.match is not None, r
    assert km(r.match, ocha_neighbourhoods["Al Bougailia"]) < 2
    assert "Halle" not in r.match.place.name


@pytest.mark.parametrize("query", ["Saiqa Camp", "the Saiqa camp"])
def test_saiqa_camp(default_gazetteer, wiki_marks, query):
    r = default_gazetteer.resolve(query)
    assert r.match is not None, r
    assert km(r.match, wiki_marks["Saiqa Camp"]) < 3


def test_military_airport(default_gazetteer, wiki_marks):
    r = default_gazetteer.resolve("Deir ez-Zor military airport")
    assert r.match is not None
    assert km(r.match, wiki_marks["Deir ez-Zor Airport"]) < 3


def test_raqqa_is_in_syria_and_ramadi_in_iraq(default_gazetteer):
    raqqa = default_gazetteer.resolve("Raqqa")
    ramadi = default_gazetteer.resolve("Ramadi")
    assert raqqa.match.place.country == "SY"
    assert ramadi.match.place.country == "IQ"


def test_arabic_script_raqqa(default_gazetteer):
    r = default_gazetteer.resolve("الرقة")
    assert r.match is not None and r.match.place.country == "SY"


@pytest.mark.parametrize("query", ["Xqzvorpl Blenth", "Qwzxv Plorb", "zzzzzz"])
def test_nonsense_is_not_found(default_gazetteer, query):
    r = default_gazetteer.resolve(query)
    assert r.status == "not_found"
    assert r.match is None


def test_not_found_gives_did_you_mean(default_gazetteer):
    r = default_gazetteer.resolve("Deir Ezzour", min_score=0.9999)
    assert r.status == "not_found"
    assert any("Deir" in s for s in r.suggestions)


def test_misspelling_is_resolved_by_fuzzy_stage(default_gazetteer):
    r = default_gazetteer.resolve("Deir Ezzpur")
    assert r.match is not None and r.match.place.id == DEIR_EZ_ZOR


def test_near_picks_the_nearer_of_two_homonyms(default_gazetteer):
    # "Tripoli" names a city in Lebanon and one in Libya
    lebanon = default_gazetteer.resolve("Tripoli", near=(34.4, 35.8))
    libya = default_gazetteer.resolve("Tripoli", near=(32.9, 13.2))
    assert lebanon.match.place.country == "LB"
    assert libya.match.place.country == "LY"


def test_co_mentioned_places_pick_the_nearer_homonym(default_gazetteer):
    r = default_gazetteer.resolve_many(["Tripoli", "Beirut"])
    assert r[0].match.place.country == "LB"
    r = default_gazetteer.resolve_many(["Tripoli", "Benghazi"])
    assert r[0].match.place.country == "LY"


def test_country_filter(default_gazetteer):
    r = default_gazetteer.resolve("Tripoli", country="LY")
    assert r.match.place.country == "LY"
    assert all(a.place.country == "LY" for a in r.alternatives)


def test_bbox_filter(default_gazetteer):
    r = default_gazetteer.resolve("Ayash", bbox=(34.0, 38.0, 37.0, 42.0))
    assert r.match.place.country == "SY"
    assert all(a.place.country == "SY" for a in r.alternatives)


def test_result_record_keys(default_gazetteer):
    d = default_gazetteer.resolve("Deir ez-Zor").to_dict()
    for key in ("query", "name", "lat", "lon", "score", "id", "country", "admin1", "feature",
                "source", "matched", "alternatives"):
        assert key in d


def test_get_returns_names(default_gazetteer):
    p = default_gazetteer.get(DEIR_EZ_ZOR)
    assert p is not None and "دير الزور" in p.names


# -- geopy's contract ------------------------------------------------------------------
def test_geocode_contract(default_gazetteer):
    from geopy.location import Location

    loc = default_gazetteer.geocode("Deir Ezzour")
    assert isinstance(loc, Location)
    _address, (lat, lon) = loc
    assert abs(lat - 35.33588) < 1e-4 and abs(lon - 40.14084) < 1e-4
    assert loc.raw["id"] == DEIR_EZ_ZOR
    many = default_gazetteer.geocode("Tripoli", exactly_one=False)
    assert isinstance(many, list) and len(many) >= 2
    assert default_gazetteer.geocode("Qwzxv Plorb") is None
    assert default_gazetteer.geocode("Qwzxv Plorb", exactly_one=False) is None  # never []


def test_reverse(default_gazetteer):
    loc = default_gazetteer.reverse((35.34, 40.14))
    assert loc.raw["id"] == DEIR_EZ_ZOR or loc.raw["distance_km"] < 2
    assert default_gazetteer.reverse((0.0, -150.0)) is None  # the middle of the Pacific


def test_works_as_geopandas_provider():
    import geopandas

    df = geopandas.tools.geocode(["Deir Ezzour", "Raqqa", "Qwzxv Plorb"], provider=Gazetteer)
    assert df.crs == "EPSG:4326"
    assert abs(df.geometry.iloc[0].x - 40.14084) < 1e-3  # (lat, lon) swapped to (x=lon, y=lat)
    assert abs(df.geometry.iloc[0].y - 35.33588) < 1e-3
    assert df.geometry.iloc[2].is_empty  # a miss is an empty point, never (0, 0)


def test_alias_file_pins_a_spelling(tmp_path):
    from gazetteer import Place
    from gazetteer.index import build_index
    from gazetteer.sources import read_aliases

    alias_csv = tmp_path / "aliases.csv"
    alias_csv.write_text("name,place_id,note\nThe Depot,x:2,local usage\n", encoding="utf-8")
    path = tmp_path / "g.sqlite"
    build_index(path, [Place("x:1", "The Depot", 10.0, 10.0, population=100000),
                       Place("x:2", "Ayyash Storage Depots", 35.381, 40.058)],
                aliases=read_aliases(alias_csv))
    r = Gazetteer(path).resolve("the depot")
    assert r.match.place.id == "x:2" and r.match.method == "alias"


def test_joint_resolution_scales_to_long_lists(default_gazetteer, wiki_marks):
    """Past 40 names the joint step uses a grid: linear, and still picks the nearer homonym."""
    area = [label for label, (lat, lon) in wiki_marks.items()
            if label and 35.0 < lat < 35.6 and 39.8 < lon < 40.5][:80]
    names = ["Ayash", "Tripoli", "Beirut", "Byblos", "Sidon", *area]
    assert len(names) > 40
    res = default_gazetteer.resolve_many(names)
    assert res[0].match is not None and km(res[0].match, wiki_marks["Ayyash"]) < 3
    assert res[1].match.place.country == "LB"
