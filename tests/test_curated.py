"""The curated table: it validates, and every place sits where its cited data point is."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from gazetteer import Problem, SourceFormatError
from gazetteer.normalize import is_arabic
from gazetteer.sources import curated_path, read_curated

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
FIX = Path(__file__).resolve().parent / "fixtures" / "sources"

#: How far (km) a curated place may lie from a data point its source cites.
NEAR_KM = 4.0


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _csv(curated_path())


@pytest.fixture(scope="module")
def marks() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for r in _csv(DATA / "wikipedia-map-modules" / "syria_marks.csv"):
        out.setdefault(r["label"], []).append(r)
    return out


@pytest.fixture(scope="module")
def neighbourhoods() -> dict[str, dict[str, str]]:
    return {
        r["PCODE"]: r
        for r in _csv(DATA / "ocha-syria-admin" / "city_neighbourhoods_attributes.csv")
    }


@pytest.fixture(scope="module")
def airports() -> dict[str, dict[str, str]]:
    return {r["icao"]: r for r in _csv(DATA / "airportsdata" / "airports_SY_IQ.csv")}


def test_curated_table_validates(rows: list[dict[str, str]]) -> None:
    places = list(read_curated())
    assert 12 <= len(places) <= 25
    assert len(places) == len(rows)
    assert len({p.id for p in places}) == len(places)
    assert all(p.country == "SY" and p.source and p.feature_class for p in places)
    assert all(p.source == r["source"] for p, r in zip(places, rows, strict=True))


def test_curated_has_the_seed_places() -> None:
    places = {p.id.removeprefix("curated:"): p for p in read_curated()}
    wanted = {
        "ayyash": {"Ayyash", "Ayash", "‘Ayyāsh"},
        "baghaliyah": {"al-Baghaliyah", "al Boghaliyyah", "Boghaliyyah", "Baghaliyeh",
                       "Bughayliyah", "Al Bougailia", "البغيلية"},
        "saiqa-camp": {"Saiqa Camp", "Sa'iqa base", "Al-Saiqa"},
        "deir-ez-zor-military-airport": {"Deir ez-Zor military airport", "Deir ez-Zor airbase",
                                         "Deir el-Zour military airport"},
        "al-jafra": {"al-Jafra", "الجفرة"},
        "harabesh": {"Harabesh", "Harabish"},
        "jabal-harabesh": {"Jabal Harabesh"},
        "al-jura": {"al-Jura", "Joura"},
        "al-qusour": {"al-Qusour", "Qusur"},
        "panorama": {"Panorama"},
        "brigade-137": {"Brigade 137", "137th Brigade"},
        "thardah": {"Tharda mountain", "Jabal Thardah", "Thurdah hills"},
        "heart-hospital": {"Heart Hospital"},
    }  # fmt: skip
    for key, names in wanted.items():
        place = places[key]
        assert names <= {place.name, *place.names}, key


def test_seed_spellings_are_in_the_articles_and_the_table() -> None:
    """The README of the seeds lists the spellings each article uses; all are curated."""
    text = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    names = {n for p in read_curated() for n in (p.name, *p.names)}
    for spelling in (
        "Ayyash",
        "al Boghaliyyah",
        "Ayash",
        "Baghaliyeh",
        "Saiqa Camp",
        "Heart Hospital",
    ):
        assert spelling in text
        assert spelling in names


def _cited_points(
    source: str,
    marks: dict[str, list[dict[str, str]]],
    neighbourhoods: dict[str, dict[str, str]],
    airports: dict[str, dict[str, str]],
) -> list[tuple[str, float, float]]:
    """Return ``(what, lat, lon)`` of every data point a ``source`` value cites."""
    points: list[tuple[str, float, float]] = []
    for label, lat, lon in re.findall(r"'([^']+)' at (-?\d+\.\d+),(-?\d+\.\d+)", source):
        if label in marks:
            [row] = [r for r in marks[label] if (r["lat"], r["lon"]) == (lat, lon)]
            points.append((f"mark {label!r}", float(row["lat"]), float(row["lon"])))
    for pcode in re.findall(r"\b(N\d{4})\b", source):
        row = neighbourhoods[pcode]
        points.append((pcode, float(row["LATITUDE"]), float(row["LONGITUDE"])))
    for icao in re.findall(r"airportsdata (\w{4})\b", source):
        row = airports[icao]
        points.append((icao, float(row["lat"]), float(row["lon"])))
    return points


def test_every_place_lies_near_the_points_its_source_cites(
    rows: list[dict[str, str]],
    marks: dict[str, list[dict[str, str]]],
    neighbourhoods: dict[str, dict[str, str]],
    airports: dict[str, dict[str, str]],
) -> None:
    for row in rows:
        points = _cited_points(row["source"], marks, neighbourhoods, airports)
        assert points, f"{row['id']}: the source cites no data point that can be checked"
        lat, lon = float(row["lat"]), float(row["lon"])
        for what, plat, plon in points:
            d = km(lat, lon, plat, plon)
            assert d <= NEAR_KM, f"{row['id']}: {d:.2f} km from {what}"


def test_single_point_rows_copy_their_coordinates(
    rows: list[dict[str, str]],
    marks: dict[str, list[dict[str, str]]],
    neighbourhoods: dict[str, dict[str, str]],
    airports: dict[str, dict[str, str]],
) -> None:
    """Rows citing one point (not a mean, not an approximation) are within 50 m of it."""
    for row in rows:
        points = _cited_points(row["source"], marks, neighbourhoods, airports)
        if "mean of" in row["source"] or "APPROXIMATE" in row["notes"]:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        assert min(km(lat, lon, p[1], p[2]) for p in points) < 0.05, row["id"]


def test_mean_rows_are_the_mean_of_their_points(
    rows: list[dict[str, str]],
    marks: dict[str, list[dict[str, str]]],
    neighbourhoods: dict[str, dict[str, str]],
    airports: dict[str, dict[str, str]],
) -> None:
    means = [r for r in rows if "mean of" in r["source"]]
    assert means
    for row in means:
        points = _cited_points(row["source"], marks, neighbourhoods, airports)
        assert len(points) >= 2
        mlat = sum(p[1] for p in points) / len(points)
        mlon = sum(p[2] for p in points) / len(points)
        assert km(float(row["lat"]), float(row["lon"]), mlat, mlon) < 0.05


def test_arabic_names_come_from_the_cited_ocha_neighbourhood(
    rows: list[dict[str, str]], neighbourhoods: dict[str, dict[str, str]]
) -> None:
    for row in rows:
        arabic = [n for n in row["names"].split("|") if is_arabic(n)]
        cited = [neighbourhoods[c]["NAME_AR"] for c in re.findall(r"\b(N\d{4})\b", row["source"])]
        for name in arabic:
            assert any(name in ar for ar in cited), f"{row['id']}: {name} has no source"


def test_broken_curated_file() -> None:
    path = FIX / "curated_broken.csv"
    with pytest.raises(SourceFormatError) as err:
        list(read_curated(path))
    assert [str(p) for p in err.value.problems] == [
        f"{path}:2: id: not a lowercase slug like 'al-jafra': 'Ayyash'",
        f"{path}:3: source: no source given",
        f"{path}:5: feature_class: missing",
        f"{path}:4: lat/lon: longitude 400.056 outside [-180, 180]",
    ]
    skipped: list[Problem] = []
    assert list(read_curated(path, skipped=skipped)) == []
    assert len(skipped) == 4


def test_curated_header_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "curated.csv"
    path.write_text("id,name,lat,lon\nx,X,1,2\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="columns must be id,name,names,lat,lon"):
        list(read_curated(path))
