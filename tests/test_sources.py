from __future__ import annotations

import csv
import gzip
import json
import math
import shutil
from collections import Counter
from pathlib import Path

import pytest

from gazetteer import Place, Problem, SourceFormatError, UnknownSourceError
from gazetteer.sources import (
    FORMATS,
    Alias,
    builtin_fingerprint,
    builtin_places,
    detect_format,
    read_aliases,
    read_alternate_names,
    read_csv,
    read_geojson,
    read_geonames,
    read_gpkg,
    read_source,
    read_wikipedia_module,
)
from gazetteer.sources import builtin as builtin_mod
from gazetteer.sources.wikipedia_module import parse_label

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FIX = Path(__file__).resolve().parent / "fixtures" / "sources"
CITIES = DATA / "geonames-cities500" / "cities500_SY_IQ.txt"
WP = DATA / "wikipedia-map-modules"
OCHA = DATA / "ocha-syria-admin"


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def messages(problems: list[Problem] | tuple[Problem, ...]) -> list[str]:
    return [str(p) for p in problems]


# --------------------------------------------------------------------------- GeoNames


def test_geonames_real_rows() -> None:
    text = CITIES.read_text(encoding="utf-8")
    expected_rows = [ln.split("\t") for ln in text.splitlines() if ln.strip()]
    places = list(read_geonames(CITIES))
    assert len(places) == len(expected_rows) == 434
    assert Counter(p.country for p in places) == {"SY": 290, "IQ": 144}
    by_id = {p.id: p for p in places}
    assert len(by_id) == 434
    dz = by_id["geonames:170794"]
    assert (dz.name, dz.lat, dz.lon) == ("Deir ez-Zor", 35.33588, 40.14084)
    assert (dz.feature, dz.country, dz.admin1, dz.population, dz.source) == (
        "P.PPLA", "SY", "07", 242565, "geonames",
    )  # fmt: skip
    row = next(r for r in expected_rows if r[0] == "170794")
    alternates = [a for a in row[3].split(",") if a]
    assert "Deir ez-Zor" not in dz.names  # the name itself is not repeated
    assert len(dz.names) == len(set(dz.names))
    for spelling in ("Dayr az Zawr", "Deir el-Zor", "Deir al-Zour", "دير الزور", "DEZ"):
        assert spelling in alternates and spelling in dz.names
    assert set(dz.names) == {" ".join(a.split()) for a in alternates} - {"Deir ez-Zor"}


def test_geonames_compressed(tmp_path: Path) -> None:
    gz = tmp_path / "cities500.txt.gz"
    with CITIES.open("rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert [p.id for p in read_geonames(gz)] == [p.id for p in read_geonames(CITIES)]
    assert detect_format(gz) == "geonames"


BROKEN_GEONAMES = [
    "geonames_broken.txt:2: expected 19 tab-separated columns, found 9",
    "geonames_broken.txt:3: latitude: not a number: '35,33588'",
    "geonames_broken.txt:4: latitude/longitude: latitude 140.14 outside [-90, 90] "
    "(latitude and longitude swapped?)",
    "geonames_broken.txt:5: geonameid: not a number: '17x797'",
    "geonames_broken.txt:6: population: not an integer: 'many'",
]


def test_geonames_broken_raises_all_problems_at_the_end() -> None:
    path = FIX / "geonames_broken.txt"
    seen: list[str] = []
    with pytest.raises(SourceFormatError) as err:
        for place in read_geonames(path):
            seen.append(place.id)
    assert seen == ["geonames:170794", "geonames:170799"]  # every good row came first
    assert [m.replace(str(FIX) + "/", "") for m in messages(err.value.problems)] == BROKEN_GEONAMES


def test_geonames_broken_with_skipped() -> None:
    skipped: list[Problem] = []
    places = list(read_geonames(FIX / "geonames_broken.txt", skipped=skipped))
    assert [p.name for p in places] == ["Deir ez-Zor", "Ayyash"]
    assert places[1].names == () and places[1].population == 0
    assert [m.replace(str(FIX) + "/", "") for m in messages(skipped)] == BROKEN_GEONAMES


def test_alternate_names_fixture() -> None:
    rows = list(read_alternate_names(FIX / "alternateNamesV2_sample.txt"))
    assert rows == [
        (170794, "ar", "دير الزور"),
        (170794, "iata", "DEZ"),
        (170794, "en", "Deir ez-Zor"),
        (170794, "", "Dayr az Zawr"),
        (170794, "abbr", "DZR"),
        (163345, "icao", "OSDZ"),
        (170794, "en", "Deir el-Zour"),
    ]


def test_alternate_names_broken() -> None:
    path = FIX / "alternateNames_broken.txt"
    with pytest.raises(SourceFormatError) as err:
        list(read_alternate_names(path))
    assert messages(err.value.problems) == [
        f"{path}:2: geonameid: not a number: 'not-an-id'",
        f"{path}:3: expected 10 (or 8) tab-separated columns, found 3",
        f"{path}:4: alternate name: empty name",
    ]
    skipped: list[Problem] = []
    assert list(read_alternate_names(path, skipped=skipped)) == [(170794, "ar", "دير الزور")]
    assert len(skipped) == 3


# --------------------------------------------------------------------------- Wikipedia modules


NOT_PLACES = {"inset_map", "map_overlay", "border_crossing_arrow", "rural_presence"}


def _marks_csv(name: str) -> list[dict[str, str]]:
    with (WP / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _usable(row: dict[str, str]) -> bool:
    lat, lon = float(row["lat"]), float(row["lon"])
    return (
        row["feature"] not in NOT_PLACES
        and (row["label"] or row["link"])
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


@pytest.mark.parametrize("stem", ["syria", "iraq"])
def test_wikipedia_module_matches_parsed_csv(stem: str) -> None:
    rows = _marks_csv(f"{stem}_marks.csv")
    skipped: list[Problem] = []
    places = list(read_wikipedia_module(WP / f"{stem}_module.lua", skipped=skipped))
    usable = [r for r in rows if _usable(r)]
    assert len(places) == len(usable)
    assert len(places) + len(skipped) == len(rows)  # nothing dropped silently
    assert Counter(p.mark for p in places) == Counter(r["mark"] for r in usable)
    for place, row in zip(places, usable, strict=True):
        assert (place.lat, place.lon) == (float(row["lat"]), float(row["lon"]))
        if row["label"]:
            assert place.name == row["label"]
        assert place.source == f"wikipedia:{stem}_module.lua"
    assert len({p.id for p in places}) == len(places)
    assert all(p.id.startswith(f"wp:{stem}_module:") for p in places)
    for problem in skipped:
        assert problem.line is not None
        assert "not a place" in problem.message or "outside" in problem.message


def test_syria_module_places_and_reasons() -> None:
    skipped: list[Problem] = []
    places = list(read_wikipedia_module(WP / "syria_module.lua", skipped=skipped))
    by_name = {p.name: p for p in places}
    ayyash = by_name["Ayyash"]
    assert (ayyash.lat, ayyash.lon, ayyash.mark, ayyash.feature) == (35.421, 40.055, "IS", "P.PPL")
    assert ayyash.id == "wp:syria_module:ayyash:35.421:40.055"
    assert by_name["Saiqa Camp"].feature == "S.MILB" and by_name["Saiqa Camp"].mark == "IS_base"
    assert by_name["Deir ez-Zor Airport"].feature == "S.AIRB"
    assert by_name["Jabal Harabesh"].feature == "T.HLL"
    assert by_name["Ma`zulah/Maazoleh"].names == ("Ma`zulah", "Maazoleh")
    assert by_name["Jat"].names == ()  # "Jat, Syria" minus disambiguation is the label
    assert by_name["Halazun"].mark == "JaN"
    features = Counter(p.feature for p in places)
    assert features["S.OILW"] == 63 and features["S.NVB"] == 4 and features["S.DAM"] == 22
    assert Counter(p.mark for p in places if "_" in (p.mark or "") and p.mark.count("_") == 1
                   and p.mark.split("_")[1] in {"IS", "opp"})["SDF_IS"] == 4  # fmt: skip
    reasons = Counter(
        p.message.split(": ", 1)[-1].split(" (")[0] for p in skipped if "not a place" in p.message
    )
    assert reasons == {"inset map": 12, "map overlay": 1, "border-crossing arrow": 23}
    [typo] = [p for p in skipped if "outside" in p.message]
    assert str(typo).endswith(
        "syria_module.lua:1378: lat/long: longitude 366514.0 outside [-180, 180] ('Kharab Suluq')"
    )


def test_syria_module_without_skipped_raises_for_the_typo() -> None:
    count = 0
    with pytest.raises(SourceFormatError) as err:
        for _ in read_source(WP / "syria_module.lua"):
            count += 1
    assert count == 6142
    assert [p.line for p in err.value.problems] == [1378]


def test_iraq_module_zh_link_is_a_name() -> None:
    places = list(read_wikipedia_module(WP / "iraq_module.lua", skipped=[], country="IQ"))
    mosul = next(p for p in places if p.name == "Mosul")
    assert "摩苏尔" in mosul.names and mosul.country == "IQ"
    assert next(p for p in places if p.name == "Bakhdida (Qaraqosh)").names == (
        "Bakhdida", "Qaraqosh",
    )  # fmt: skip


def test_module_quirks_fixture() -> None:
    path = FIX / "module_quirks.lua"
    skipped: list[Problem] = []
    places = list(read_wikipedia_module(path, skipped=skipped))
    got = [(p.name, p.names, p.mark, p.feature, p.lat, p.lon) for p in places]
    assert got == [
        ("Ayyash", (), "IS", "P.PPL", 35.421, 40.055),  # quoted numbers
        ("Saiqa Camp", (), "IS_base", "S.MILB", 35.396, 40.056),  # multi-line entry
        ("Jat", (), "opp", "P.PPL", 36.637, 38.033),
        ("Ma`zulah/Maazoleh", ("Ma`zulah", "Maazoleh"), "gov", "P.PPL", 36.327, 37.595),
        ("Zakiyah", (), "gov", "P.PPL", 36.107, 37.8485),
        ("Al-Safira Military Research Facility", (), "gov_base", "S.MILB", 35.983, 37.404),
        ("Halazun", (), "JaN", "P.PPL", 36.1438, 36.719),  # label under link=
        ("Duwaybiq", (), "opp", "P.PPL", 36.564, 37.275),  # link = "#Duwaybiq"
        ("Tabqa Dam", (), "BSicon STRrf yellow.svg", "S.DAM", 35.9, 38.5),
        ("Al-Hamra", (), "SDF_IS", "P.PPL", 36.2, 38.9),
        ("Khirbat Ma‘rata", (), "stable_opp_JaN", "P.PPL", 36.1, 37.1),
        ("Deir ez-Zor Airport", (), "gov_air", "S.AIRB", 35.284, 40.1757),
        ("Point 1 (Thurdah hill 1)", ("Point 1", "Thurdah hill 1"), "IS_hill", "T.HLL", 35.232, 40.143),
        ("Southern port", (), "gov_naval", "S.NVB", -33.5, 36.2),
        ("Jat", (), "opp", "P.PPL", 36.637, 38.033),
        ("Long bracket", (), "gov", "P.PPL", 35.3, 40.3),
    ]  # fmt: skip
    assert places[-2].id == "wp:module_quirks:jat:36.637:38.033~2"  # duplicate made unique
    assert [m.replace(str(FIX) + "/", "") for m in messages(skipped)] == [
        "module_quirks.lua:5: mark: not a place 'Aleppo': inset map (image 'Rif_Aleppo2.svg', marksize 184)",
        "module_quirks.lua:6: mark: not a place: inset map (image 'Rif_Aleppo2.svg', marksize 184)",
        "module_quirks.lua:7: mark: not a place: map overlay (image 'Syria location map road overlay.svg')",
        "module_quirks.lua:16: not a place: entry 'Tal Khazneh' is commented out",
        "module_quirks.lua:19: ignored unkeyed value 'East Aleppo offensive (January–March 2017)#Zakiyah'",
        "module_quirks.lua:20: lat/long: longitude 366514.0 outside [-180, 180] ('Kharab Suluq')",
        "module_quirks.lua:21: lmarksize: unknown key ignored (value 8)",
        "module_quirks.lua:24: mark: not a place 'Bab al-Salame': border-crossing arrow (mark 'pass_NE')",
        "module_quirks.lua:25: mark: not a place: border-crossing arrow (mark 'pass_N')",
        "module_quirks.lua:26: label: not a place: unlabelled entry (mark 'gov')",
        "module_quirks.lua:34: mark: not a place 'ISIL presence in the Saladin Governorate': area-presence marker (image '4x4dot-black.svg')",
        "module_quirks.lua:35: mark: not a place: pressure arc (mark 'gov_N')",
        "module_quirks.lua:36: mark: missing",
    ]  # fmt: skip


def test_module_quirks_without_skipped_raises_only_real_problems() -> None:
    with pytest.raises(SourceFormatError) as err:
        list(read_wikipedia_module(FIX / "module_quirks.lua"))
    assert [(p.line, p.column) for p in err.value.problems] == [(20, "lat/long"), (36, "mark")]


def test_module_broken_lua_recovers_at_the_next_entry() -> None:
    path = FIX / "module_broken.lua"
    skipped: list[Problem] = []
    names = [p.name for p in read_wikipedia_module(path, skipped=skipped)]
    assert names == ["Ayyash", "After the errors"]
    assert messages(skipped) == [
        f"{path}:4: not valid Lua: expected ',' or '}}', found 'long'; entry skipped",
        f"{path}:5: lat: not a number: north",
        f"{path}:6: lat/long: latitude 135.4 outside [-90, 90] (latitude and longitude swapped?) ('Swapped')",
    ]


def test_module_not_lua(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lua"
    bad.write_text('return { marks = { { label = "unterminated } } }\n', encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        list(read_wikipedia_module(bad))
    assert messages(err.value.problems) == [f"{bad}:1: not valid Lua: unterminated string"]
    nomarks = tmp_path / "nomarks.lua"
    nomarks.write_text("return { other = {} }\n", encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        list(read_wikipedia_module(nomarks))
    assert messages(err.value.problems) == [f"{nomarks}: no 'marks = {{ ... }}' table found"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("[[Deir ez-Zor offensive (January 2016)#Ayyash|Ayyash]]", ("Ayyash", ())),
        ("[[Kanaker, Syria#Syrian civil war|Kanaker]]", ("Kanaker", ())),
        ("[[Tall Hamis (village)|Tall Hamis]]", ("Tall Hamis", ())),
        ("[[Abu Jarbuah/Jarwan]]", ("Abu Jarbuah/Jarwan", ("Abu Jarbuah", "Jarwan"))),
        ("[[Aleppo International Airport & Nayrab Airbase]]",
         ("Aleppo International Airport & Nayrab Airbase", ())),
        ("[[Qurqania|Qurqanya]]", ("Qurqanya", ("Qurqania",))),
        ("[[Abu Duhur Mountain (1006)]]", ("Abu Duhur Mountain (1006)", ("Abu Duhur Mountain",))),
        ("Plain text <small>label</small>", ("Plain text label", ())),
    ],
)  # fmt: skip
def test_parse_label(label: str, expected: tuple[str, tuple[str, ...]]) -> None:
    assert parse_label(label) == expected


# --------------------------------------------------------------------------- CSV


def test_csv_generic() -> None:
    places = list(read_source(FIX / "sites.csv"))
    assert places == [
        Place(
            id="csv:sites:s1", name="Saiqa Camp", lat=35.396, lon=40.056, country="SY",
            admin1="07", feature_class="S", feature_code="MILB", population=0,
            source="field notes", names=("Sa'iqa base", "Al-Saiqa", "Saiqa"),
        ),
        Place(
            id="csv:sites:s2", name="Ayyash, village", lat=35.421, lon=40.055, country="SY",
            admin1="07", feature_class="P", feature_code=None, population=1200,
            source="sites.csv", names=("Ayash",),
        ),
        Place(
            id="csv:sites:heart-hospital:35.355:40.115", name="Heart Hospital", lat=35.355,
            lon=40.115, country="SY", feature_class="S", feature_code="HSP", source="sites.csv",
        ),
    ]  # fmt: skip


def test_csv_broken_messages() -> None:
    path = FIX / "sites_broken.csv"
    with pytest.raises(SourceFormatError) as err:
        list(read_csv(path))
    assert messages(err.value.problems) == [
        f"{path}:2: name: empty name",
        f"{path}:3: lat: not a number: 'north'",
        f"{path}:4: lat/lon: latitude 140.1 outside [-90, 90] (latitude and longitude swapped?)",
        f"{path}:5: feature: not a GeoNames feature like 'P.PPL': 'Q.XXX'",
        f"{path}:6: country: not an ISO 3166-1 alpha-2 code: 'Syria'",
        f"{path}:7: population: not a number: 'lots'",
        f"{path}:9: expected 7 fields, found 3",
    ]
    skipped: list[Problem] = []
    # the duplicate id on line 8 is only a problem when 'a' was used: here line 2 failed
    assert [p.id for p in read_csv(path, skipped=skipped)] == [
        "csv:sites_broken:a",
        "csv:sites_broken:h",
    ]
    assert len(skipped) == 7


def test_csv_duplicate_id(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,name,lat,lon\nx,A,1,2\nx,B,3,4\n", encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        list(read_csv(path))
    assert messages(err.value.problems) == [f"{path}:3: id: duplicate id 'x' (first at line 2)"]


def test_csv_missing_column_raises_at_once() -> None:
    path = FIX / "sites_no_lon.csv"
    with pytest.raises(SourceFormatError) as err:
        read_csv(path, skipped=[]).__next__()
    assert messages(err.value.problems) == [
        f"{path}:1: missing required column(s): lon/long/longitude (header: ['name', 'lat', 'x'])"
    ]


# --------------------------------------------------------------------------- GeoJSON / GPKG


def test_geojson_ocha_neighbourhoods() -> None:
    path = OCHA / "city_neighbourhoods.geojson"
    assert detect_format(path) == "geojson"
    places = list(read_source(path, feature="P.PPLX"))
    assert len(places) == 414
    with (OCHA / "city_neighbourhoods_attributes.csv").open(encoding="utf-8") as fh:
        attrs = {r["PCODE"]: r for r in csv.DictReader(fh)}
    for place in places:
        row = attrs[place.id.removeprefix("geojson:city_neighbourhoods:")]
        assert place.name == row["NAME_EN"]
        arabic = " ".join(row["NAME_AR"].split())  # one name is written on three lines
        assert arabic in place.names
        # the representative point lies inside the neighbourhood, near OCHA's own point
        assert km(place.lat, place.lon, float(row["LATITUDE"]), float(row["LONGITUDE"])) < 5
    bou = next(p for p in places if p.name == "Al Bougailia")
    assert bou.id == "geojson:city_neighbourhoods:N0411"
    assert bou.names == ("البغيلية",)
    assert (bou.country, bou.admin1, bou.feature) == ("SY", "Deir-ez-Zor", "P.PPLX")
    assert km(bou.lat, bou.lon, 35.3797, 40.0911) < 1.0


def test_geojson_ocha_admin3() -> None:
    from shapely.geometry import Point, shape

    places = list(read_geojson(OCHA / "syr_admin3.geojson", feature="A.ADM3"))
    assert len(places) == 272
    polygons = {
        f["properties"]["PCODE"]: shape(f["geometry"])
        for f in json.loads((OCHA / "syr_admin3.geojson").read_text(encoding="utf-8"))["features"]
    }
    for place in places:  # each point lies inside its own sub-district
        assert polygons[place.id.removeprefix("geojson:syr_admin3:")].contains(
            Point(place.lon, place.lat)
        )
    assert {p.country for p in places} == {"SY"}
    dz = next(p for p in places if p.id == "geojson:syr_admin3:SY090100")
    assert dz.names == ("مركز دير الزور",)
    assert polygons["SY090100"].contains(Point(40.14084, 35.33588))  # the city is in it
    assert all(p.feature == "A.ADM3" for p in places)


def test_geojson_options_and_problems(tmp_path: Path) -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": 7, "properties": {"label": "Ayyash", "other": "Ayash;‘Ayyāsh"},
             "geometry": {"type": "Point", "coordinates": [40.055, 35.421]}},
            {"type": "Feature", "properties": {"label": "Nowhere"}, "geometry": None},
            {"type": "Feature", "properties": {"label": ""},
             "geometry": {"type": "Point", "coordinates": [40.0, 35.0]}},
            {"type": "Feature", "properties": {"label": "Swapped"},
             "geometry": {"type": "Point", "coordinates": [35.4, 140.0]}},
        ],
    }  # fmt: skip
    path = tmp_path / "pts.json"
    path.write_text(json.dumps(fc), encoding="utf-8")
    assert detect_format(path) == "geojson"
    skipped: list[Problem] = []
    places = list(read_source(path, skipped=skipped, alt_fields=["other"], id_prefix="mine"))
    assert [(p.id, p.name, p.names) for p in places] == [("mine:7", "Ayyash", ("Ayash", "‘Ayyāsh"))]
    assert messages(skipped) == [
        f"{path}: features[1].geometry: no geometry",
        f"{path}: features[2].name: empty name",
        f"{path}: features[3].geometry/geometry: latitude 140.0 outside [-90, 90] "
        "(latitude and longitude swapped?)",
    ]


def test_gpkg_written_with_pyogrio(tmp_path: Path) -> None:
    import numpy as np
    import pyogrio.raw
    import shapely

    path = tmp_path / "sites.gpkg"
    geoms = [shapely.Point(40.056, 35.396), shapely.box(40.08, 35.37, 40.10, 35.39)]
    pyogrio.raw.write(
        path, shapely.to_wkb(geoms),
        [np.array(["Saiqa Camp", "Al Bougailia"], dtype=object),
         np.array([None, "البغيلية"], dtype=object),
         np.array(["S.MILB", "P.PPLX"], dtype=object)],
        ["name", "name_ar", "feature"],
        geometry_type="Unknown", crs="EPSG:4326", driver="GPKG",
    )  # fmt: skip
    assert detect_format(path) == "gpkg"
    places = list(read_source(path))
    assert [(p.id, p.name, p.names, p.feature) for p in places] == [
        ("gpkg:sites:1", "Saiqa Camp", (), "S.MILB"),
        ("gpkg:sites:2", "Al Bougailia", ("البغيلية",), "P.PPLX"),
    ]
    assert (places[0].lat, places[0].lon) == (35.396, 40.056)
    assert 35.37 < places[1].lat < 35.39 and 40.08 < places[1].lon < 40.10

    # a layer in Web Mercator is brought back to EPSG:4326
    merc = tmp_path / "merc.gpkg"
    x, y = 4459063.0, 4217130.0  # about 40.056 E, 35.396 N
    pyogrio.raw.write(
        merc, shapely.to_wkb([shapely.Point(x, y)]), [np.array(["Saiqa Camp"], dtype=object)],
        ["name"], geometry_type="Point", crs="EPSG:3857", driver="GPKG",
    )  # fmt: skip
    [pl] = read_gpkg(merc)
    assert km(pl.lat, pl.lon, 35.396, 40.056) < 1.0


def test_gpkg_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"not a geopackage")
    with pytest.raises(SourceFormatError, match="cannot read GeoPackage"):
        list(read_gpkg(path))


def test_no_geopandas_on_the_import_path() -> None:
    import subprocess
    import sys

    code = "import sys, gazetteer.sources; print(sorted(m for m in ('geopandas', 'pyogrio') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- dispatch


def test_detect_format_real_files(tmp_path: Path) -> None:
    assert detect_format(CITIES) == "geonames"
    assert detect_format(WP / "syria_module.lua") == "wikipedia-module"
    assert detect_format(OCHA / "syr_admin3.geojson") == "geojson"
    assert detect_format(FIX / "sites.csv") == "csv"
    txt = tmp_path / "module.txt"
    txt.write_bytes((WP / "iraq_module.lua").read_bytes())
    assert detect_format(txt) == "wikipedia-module"
    assert sorted(FORMATS) == ["csv", "geojson", "geonames", "gpkg", "wikipedia-module"]


def test_detect_format_unknown(tmp_path: Path) -> None:
    path = tmp_path / "notes.dat"
    path.write_text("hello\nworld\n", encoding="utf-8")
    with pytest.raises(UnknownSourceError) as err:
        read_source(path)
    assert str(err.value) == (
        f"{path}: cannot tell the source format from the extension '.dat' or the content; "
        "pass format= one of csv, geojson, geonames, gpkg, wikipedia-module"
    )
    with pytest.raises(UnknownSourceError, match="alternate names"):
        detect_format(FIX / "alternateNamesV2_sample.txt")
    with pytest.raises(UnknownSourceError, match="unknown source format 'kml'"):
        read_source(path, format="kml")
    with pytest.raises(FileNotFoundError):
        detect_format(tmp_path / "missing.txt")


# --------------------------------------------------------------------------- aliases


def test_aliases() -> None:
    aliases = read_aliases(FIX / "aliases.csv")
    assert aliases == [
        Alias("al Boghaliyyah", "curated:baghaliyah", "WSJ", "aliases.csv:3"),
        Alias("Baghaliyeh", "curated:baghaliyah", "AP", "aliases.csv:4"),
        Alias("Deir Ezzour", "geonames:170794", "WSJ", "aliases.csv:5"),
    ]


def test_aliases_broken() -> None:
    path = FIX / "aliases_broken.csv"
    with pytest.raises(SourceFormatError) as err:
        read_aliases(path)
    assert messages(err.value.problems) == [
        f"{path}:2: name: empty name",
        f"{path}:3: place_id: missing place id",
        f"{path}:4: place_id: not a place id like 'geonames:170794': 'curated ayyash'",
        f"{path}:6: name: 'deir ezzour' already stands for 'geonames:170794' (line 5), "
        "not 'curated:deir-ez-zor-military-airport'",
    ]


# --------------------------------------------------------------------------- built-in places


def test_json_object_streaming_matches_json_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = {str(i): {"geonameid": i, "name": f"Place {i} ‘ʿ", "alternatenames": ["x" * (i % 37)]}
            for i in range(500)}  # fmt: skip
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    monkeypatch.setattr(builtin_mod, "_CHUNK", 97)  # many chunk boundaries inside values
    assert dict(builtin_mod._iter_json_object(path)) == data
    path.write_text(json.dumps(data)[:-40], encoding="utf-8")
    with pytest.raises(SourceFormatError, match="truncated JSON object"):
        list(builtin_mod._iter_json_object(path))


@pytest.mark.slow
def test_builtin_places_counts() -> None:
    counts: Counter[str] = Counter()
    ids: set[str] = set()
    airports: dict[str, Place] = {}
    dz = None
    for place in builtin_places():
        prefix = place.id.split(":", 1)[0]
        counts[prefix] += 1
        ids.add(place.id)
        if prefix == "airport" and place.country in ("SY", "IQ"):
            airports[place.id] = place
        if place.id == "geonames:170794":
            dz = place
    assert counts["geonames"] >= 230_000
    assert counts["airport"] >= 28_000
    assert counts["curated"] == sum(1 for _ in builtin_mod.read_curated())
    assert len(ids) == sum(counts.values())
    assert dz is not None and dz.source == "geonames-cities500" and dz.feature_class == "P"
    assert "Dayr az Zawr" in dz.names and "Deir ez-Zor" not in dz.names
    with (DATA / "airportsdata" / "airports_SY_IQ.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {f"airport:{r['icao']}" for r in rows} == set(airports)
    osdz = airports["airport:OSDZ"]
    assert (osdz.lat, osdz.lon, osdz.feature) == (35.2854, 40.176, "S.AIRP")
    assert {"DEZ", "OSDZ", "Deir ez-Zor airport"} <= set(osdz.names)
    assert airports["airport:ORAA"].feature == "S.AIRB"  # Al Asad Air Base
    assert airports["airport:OS68"].feature == "S.AIRB"  # Saiqal Air Base


def test_builtin_fingerprint_follows_the_curated_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fp = builtin_fingerprint()
    assert len(fp) == 16 and int(fp, 16) >= 0
    copy = tmp_path / "curated.csv"
    copy.write_bytes(builtin_mod.curated_path().read_bytes())
    monkeypatch.setattr(builtin_mod, "curated_path", lambda: copy)
    assert builtin_fingerprint() == fp
    copy.write_bytes(copy.read_bytes() + b"\n")
    assert builtin_fingerprint() != fp


def test_fuzzer_findings_are_located_errors(tmp_path):
    """Inputs the fuzzer found crashing the readers now give located problems."""
    from gazetteer.exc import SourceFormatError
    from gazetteer.sources import read_source

    csv_file = tmp_path / "p.csv"
    csv_file.write_text("name,lat,lon,population\nA,35,40,inf\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"p.csv:2: population: not a number: 'inf'"):
        list(read_source(csv_file, format="csv"))
    gj = tmp_path / "p.geojson"
    gj.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                  '"properties": -181, "geometry": {"type": "Point", "coordinates": [40, 35]}}]}',
                  encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"features\[0\]\.properties: not an object"):
        list(read_source(gj, format="geojson"))
