"""Tests of geomap.geometry (cells, areas, frontlines, changes) and geomap.io."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.exc import InputError
from geomap.geometry import (
    KINDS,
    Tessellation,
    changes,
    control_areas,
    frontlines,
    layers,
    tessellate,
)
from geomap.io import read_barriers, read_region, write_frame

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "geometry"
EUPHRATES = DATA / "natural-earth" / "ne_10m_euphrates.geojson"
ADMIN0 = DATA / "ocha-syria-admin" / "syr_admin0.geojson"
ADMIN3 = DATA / "ocha-syria-admin" / "syr_admin3.geojson"
MARKS = DATA / "wikipedia-map-modules" / "syria_marks.csv"


# --------------------------------------------------------------------------- helpers


def places_frame(ids, xs, ys) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"place_id": list(ids)}, geometry=gpd.points_from_xy(xs, ys), crs="EPSG:4326"
    )


def states_frame(ids, controllers, statuses=None, contenders=None) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "place_id": list(ids),
            "controller": list(controllers),
            "status": list(statuses or ["held"] * n),
            "contenders": list(contenders or [""] * n),
        }
    )


def as_object(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Property columns as object dtype (the functions keep None, not NaN)."""
    out = frame.copy()
    for col in [c for c in frame.columns if c != "geometry"]:
        out[col] = pd.Series(
            [None if pd.isna(v) else v for v in frame[col].tolist()],
            dtype=object,
            index=frame.index,
        )
    return out


def assert_partition(geoms, region, *, rel=1e-9) -> None:
    """The geometries do not overlap and their union is the region."""
    geoms = np.asarray(geoms, dtype=object)
    union = shapely.union_all(geoms)
    total = float(shapely.area(geoms).sum())
    assert total == pytest.approx(region.area, rel=rel)
    assert union.area == pytest.approx(total, rel=rel)
    assert union.symmetric_difference(region).area <= rel * region.area


def crosses(cell, line, tol=1e-7) -> bool:
    """The line runs through the cell's interior (shrunk by ``tol`` degrees, ~1 cm)."""
    return shapely.intersects(shapely.buffer(cell, -tol), line)


def assert_frontlines_on_boundaries(fronts, areas, tol) -> None:
    by = {}
    for name, geom in zip(areas["controller"], areas.geometry, strict=True):
        if name is not None:
            by.setdefault(name, []).append(geom)
    for a, b, line in zip(fronts["a"], fronts["b"], fronts.geometry, strict=True):
        assert line.geom_type in ("LineString", "MultiLineString")
        for side in (a, b):
            boundary = shapely.union_all(by[side]).boundary
            assert line.difference(boundary.buffer(tol)).is_empty


@pytest.fixture(scope="module")
def syria_places() -> gpd.GeoDataFrame:
    marks = pd.read_csv(MARKS, dtype=str, keep_default_na=False)
    marks = marks[marks["controller"] != "n/a"]
    return gpd.GeoDataFrame(
        {"place_id": "L" + marks["line_no"], "controller": marks["controller"].to_numpy()},
        geometry=gpd.points_from_xy(pd.to_numeric(marks["lon"]), pd.to_numeric(marks["lat"])),
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def euphrates() -> gpd.GeoDataFrame:
    return read_barriers(EUPHRATES)


@pytest.fixture(scope="module")
def syria_tess(syria_places, euphrates) -> Tessellation:
    return tessellate(syria_places, region=read_region(ADMIN0), barriers=euphrates)


def syria_states(places: gpd.GeoDataFrame) -> pd.DataFrame:
    controller = places["controller"].to_numpy(dtype=object).copy()
    contested = np.char.startswith(controller.astype(str), "contested:")
    status = np.where(contested, "contested", "held").astype(object)
    contenders = np.where(
        contested, [c.split(":", 1)[-1].replace("/", "; ") for c in controller], ""
    )
    return states_frame(places["place_id"], controller, list(status), list(contenders))


# --------------------------------------------------------------------------- tessellate


def test_tessellate_small_region_cells_partition_and_contain_places():
    places = places_frame(["a", "b", "c"], [40.02, 40.1, 40.18], [35.05, 35.15, 35.02])
    region = shapely.box(40.0, 35.0, 40.2, 35.2)
    t = tessellate(places, region=region)
    assert t.cells["place_id"].tolist() == ["a", "b", "c"]
    assert t.cells.crs == "EPSG:4326"
    assert shapely.coverage_is_valid(np.asarray(t.cells.geometry.values))
    assert_partition(t.cells.geometry.values, region)
    for pid, point in zip(places["place_id"], places.geometry, strict=True):
        cell = t.cells.loc[t.cells["place_id"] == pid, "geometry"].iloc[0]
        assert cell.contains(point)
    assert len(t.outside) == 0


def test_tessellate_cells_are_nearest_place_regions_in_metres():
    # a point of each cell is nearer (in metres) to its own place than to the others
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(40, 40.5, 30), rng.uniform(35, 35.5, 30)
    places = places_frame([f"p{i:02d}" for i in range(30)], xs, ys)
    t = tessellate(places, region=shapely.box(39.95, 34.95, 40.55, 35.55))
    metric = places.estimate_utm_crs()
    pm = places.to_crs(metric).set_index("place_id").geometry
    probes = t.cells.set_index("place_id").to_crs(metric).geometry.representative_point()
    for pid, probe in probes.items():
        nearest = pm.distance(probe).idxmin()
        assert pm.distance(probe)[nearest] == pytest.approx(pm[pid].distance(probe), abs=50.0)


def test_tessellate_reports_places_outside_or_without_coordinates():
    places = places_frame(["in", "out", "far"], [40.1, 41.0, 500.0], [35.1, 35.1, 35.1])
    places.loc[places.index[2], "geometry"] = shapely.Point(500.0, 35.1)
    places = pd.concat(
        [places, gpd.GeoDataFrame({"place_id": ["none"]}, geometry=[None], crs="EPSG:4326")],
        ignore_index=True,
    )
    t = tessellate(places, region=shapely.box(40.0, 35.0, 40.2, 35.2))
    assert t.cells["place_id"].tolist() == ["in"]
    assert t.outside[["place_id", "reason"]].values.tolist() == [
        ["far", "invalid coordinates"],
        ["none", "no coordinates"],
        ["out", "outside region"],
    ]


def test_tessellate_default_region_is_buffer_around_places():
    places = places_frame(["a", "b"], [40.0, 40.5], [35.0, 35.0])
    t = tessellate(places, buffer_km=5.0)
    metric = places.estimate_utm_crs()
    region_m = gpd.GeoSeries([t.region], crs="EPSG:4326").to_crs(metric).iloc[0]
    # two disjoint discs of radius 5 km (the points are ~45 km apart)
    assert len(shapely.get_parts(region_m)) == 2
    assert region_m.area == pytest.approx(2 * np.pi * 5000.0**2, rel=0.01)
    assert_partition(t.cells.geometry.values, t.region)


def test_tessellate_zone_without_place_is_unknown_cell():
    places = places_frame(["a"], [40.05], [35.05])
    region = shapely.MultiPolygon(
        [shapely.box(40.0, 35.0, 40.1, 35.1), shapely.box(40.5, 35.0, 40.6, 35.1)]
    )
    t = tessellate(places, region=region)
    assert t.cells["place_id"].tolist() == ["a", None]
    assert t.cells.geometry.iloc[1].equals(shapely.box(40.5, 35.0, 40.6, 35.1))


def test_tessellate_duplicate_coordinates_split_deterministically():
    places = places_frame(["b", "a", "c"], [40.1, 40.1, 40.15], [35.1, 35.1, 35.1])
    region = shapely.box(40.0, 35.0, 40.2, 35.2)
    first = tessellate(places, region=region)
    again = tessellate(places.iloc[::-1], region=region)
    assert_geodataframe_equal(first.cells, again.cells)
    assert_partition(first.cells.geometry.values, region)
    cells = first.cells.set_index("place_id").geometry
    # the shared cell is split in two halves; "a" takes the northern one (0..180°)
    assert cells["a"].area == pytest.approx(cells["b"].area, rel=1e-6)
    assert cells["a"].centroid.y > 35.1 > cells["b"].centroid.y
    assert cells["a"].intersection(cells["b"]).area == 0


def test_tessellate_rejects_bad_places():
    with pytest.raises(ValueError, match="not unique"):
        tessellate(places_frame(["a", "a"], [40, 41], [35, 35]))
    line = gpd.GeoDataFrame(
        {"place_id": ["x"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])], crs="EPSG:4326"
    )
    with pytest.raises(ValueError, match="Points"):
        tessellate(line)


def test_tessellate_barrier_with_gap_still_separates_banks():
    river = read_barriers(FIXTURES / "river.geojson")
    region = shapely.box(40.0, 35.0, 40.2, 35.2)
    north = places_frame(["n1", "n2"], [40.05, 40.15], [35.18, 35.15])
    south = places_frame(["s1", "s2"], [40.02, 40.12], [35.03, 35.05])
    places = pd.concat([north, south], ignore_index=True)
    line = river.union_all()
    t = tessellate(places, region=region, barriers=river)
    assert_partition(t.cells.geometry.values, region)
    for cell in t.cells.geometry:
        assert not crosses(cell, line)
    # without gap closing the banks stay one zone and some cell crosses the river
    loose = tessellate(places, region=region, barriers=river, snap_km=0)
    assert any(crosses(c, line) for c in loose.cells.geometry)


# --------------------------------------------------------------------------- control areas


def three_boxes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"place_id": ["a", "b", "c"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )


def test_control_areas_literal():
    cells = pd.concat(
        [
            three_boxes(),
            gpd.GeoDataFrame({"place_id": [None]}, geometry=[shapely.box(0, 1, 3, 2)], crs=4326),
        ],
        ignore_index=True,
    )
    states = states_frame(
        ["a", "b", "c", "elsewhere"],
        ["IS", "gov", "gov", "IS"],
        ["held", "besieged", "held", "held"],
        ["", "IS", "", ""],
    )
    got = control_areas(cells, states)
    expected = gpd.GeoDataFrame(
        {
            "kind": ["area", "area", "area", "area"],
            "controller": ["IS", "gov", "gov", None],
            "status": ["held", "besieged", "held", None],
            "contenders": ["", "IS", "", ""],
            "place_ids": ["a", "b", "c", ""],
        },
        geometry=[
            shapely.box(0, 0, 1, 1),
            shapely.box(1, 0, 2, 1),
            shapely.box(2, 0, 3, 1),
            shapely.box(0, 1, 3, 2),
        ],
        crs="EPSG:4326",
    )
    assert_geodataframe_equal(got, as_object(expected), check_geom_type=True, normalize=True)


def test_control_areas_contested_and_unknown():
    states = states_frame(
        ["a", "b", "c"],
        ["gov", "gov", None],
        ["contested", "contested", "held"],
        ["IS; gov", "gov; IS", ""],
    )
    got = control_areas(three_boxes(), states)
    assert got[["kind", "controller", "status", "contenders", "place_ids"]].values.tolist() == [
        ["area", None, None, "", "c"],
        ["contested", "gov", "contested", "IS; gov", "a; b"],
    ]
    assert got.geometry.iloc[1].normalize().equals(shapely.box(0, 0, 2, 1).normalize())


def test_control_areas_rejects_duplicate_states():
    with pytest.raises(ValueError, match="several rows"):
        control_areas(three_boxes(), states_frame(["a", "a"], ["IS", "gov"]))


def test_control_areas_overlapping_cells_fallback_stays_disjoint():
    cells = gpd.GeoDataFrame(
        {"place_id": ["a", "b"]},
        geometry=[shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1)],
        crs="EPSG:4326",
    )
    areas = control_areas(cells, states_frame(["a", "b"], ["A", "B"]))
    assert_partition(areas.geometry.values, shapely.box(0, 0, 3, 1))


# --------------------------------------------------------------------------- frontlines, changes


def test_frontlines_literal():
    cells = pd.concat(
        [
            three_boxes(),
            gpd.GeoDataFrame({"place_id": ["d"]}, geometry=[shapely.box(0, 1, 3, 2)], crs=4326),
        ],
        ignore_index=True,
    )
    areas = control_areas(cells, states_frame(["a", "b", "c", "d"], ["B", "A", "B", None]))
    got = frontlines(areas)
    expected = gpd.GeoDataFrame(
        {"kind": ["frontline"], "controller": ["A|B"], "a": ["A"], "b": ["B"]},
        geometry=[shapely.MultiLineString([[(1, 0), (1, 1)], [(2, 0), (2, 1)]])],
        crs="EPSG:4326",
    )
    assert_geodataframe_equal(got, as_object(expected), normalize=True)


def test_changes_three_places():
    cells = three_boxes()
    before = control_areas(cells, states_frame(["a", "b", "c"], ["gov", "gov", "IS"]))
    after = control_areas(cells, states_frame(["a", "b", "c"], ["gov", "IS", "IS"]))
    got = changes(before, after, min_area_km2=0)
    expected = gpd.GeoDataFrame(
        {"kind": ["gain", "loss"], "controller": ["IS", "gov"]},
        geometry=[shapely.box(1, 0, 2, 1), shapely.box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    assert_geodataframe_equal(got, as_object(expected), normalize=True)
    assert len(changes(after, after)) == 0


def test_changes_drop_slivers():
    before = gpd.GeoDataFrame(
        {"controller": ["A"]}, geometry=[shapely.box(40, 35, 40.1, 35.1)], crs="EPSG:4326"
    )
    # A grows by a strip 1e-6 degrees wide (~0.1 m) and by a 0.01° square (~1 km²)
    after = gpd.GeoDataFrame(
        {"controller": ["A"]},
        geometry=[
            shapely.union_all(
                [shapely.box(40, 35, 40.100001, 35.1), shapely.box(40, 35.1, 40.01, 35.11)]
            )
        ],
        crs="EPSG:4326",
    )
    got = changes(before, after)
    assert got["kind"].tolist() == ["gain"]
    assert got.geometry.iloc[0].normalize().equals(shapely.box(40, 35.1, 40.01, 35.11).normalize())


def test_layers_kinds_and_order():
    cells = three_boxes()
    now = states_frame(["a", "b", "c"], ["gov", "IS", "IS"], ["held", "contested", "held"])
    before = states_frame(["a", "b", "c"], ["gov", "gov", "IS"])
    got = layers(cells, now, previous_states=before)
    assert list(got.columns) == [
        "kind",
        "controller",
        "status",
        "contenders",
        "place_ids",
        "a",
        "b",
        "geometry",
    ]
    assert got[["kind", "controller"]].values.tolist() == [
        ["area", "IS"],
        ["area", "gov"],
        ["contested", "IS"],
        ["frontline", "IS|gov"],
        ["gain", "IS"],
        ["loss", "gov"],
    ]
    assert set(got["kind"]) <= set(KINDS)
    shuffled = now.iloc[[2, 0, 1]].set_index(pd.Index([7, 3, 5]))
    assert_geodataframe_equal(layers(cells, shuffled), layers(cells, now))


# --------------------------------------------------------------------------- property tests

coords = st.tuples(
    st.integers(0, 200).map(lambda v: 40.0 + v / 200),
    st.integers(0, 200).map(lambda v: 35.0 + v / 200),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=st.lists(coords, min_size=1, max_size=40),
    sides=st.lists(st.sampled_from(["A", "B", "C", None]), min_size=40, max_size=40),
    statuses=st.lists(
        st.sampled_from(["held", "held", "contested", "claimed", "besieged"]),
        min_size=40,
        max_size=40,
    ),
    default_region=st.booleans(),
)
def test_random_places_partition_and_frontlines(points, sides, statuses, default_region):
    ids = [f"p{i:02d}" for i in range(len(points))]
    places = places_frame(ids, [p[0] for p in points], [p[1] for p in points])
    region = None if default_region else shapely.box(39.9, 34.9, 41.1, 36.1)
    t = tessellate(places, region=region, buffer_km=8.0)
    assert sorted(t.cells["place_id"].dropna()) == ids
    assert shapely.coverage_is_valid(np.asarray(t.cells.geometry.values))
    assert_partition(t.cells.geometry.values, t.region)
    for pid, point in zip(ids, places.geometry, strict=True):
        assert t.cells.loc[t.cells["place_id"] == pid, "geometry"].iloc[0].covers(point)
    states = states_frame(ids, sides[: len(ids)], statuses[: len(ids)])
    areas = control_areas(t, states)
    assert_partition(areas.geometry.values, t.region)
    assert sorted(i for s in areas["place_ids"] for i in s.split("; ") if i) == ids
    assert_frontlines_on_boundaries(frontlines(areas), areas, tol=1e-9)


# --------------------------------------------------------------------------- fast paths vs definitions


def reference_unions(areas: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    """Each controller's extent, by the definition: the union of all its areas."""
    out: dict[str, list] = {}
    for name, geom in zip(areas["controller"], areas.geometry, strict=True):
        if name is not None:
            out.setdefault(name, []).append(geom)
    return {name: shapely.union_all(geoms) for name, geoms in out.items()}


def reference_frontlines(areas: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    """'A|B' -> the line parts of the intersection of the two extents' boundaries."""
    unions = reference_unions(areas)
    out = {}
    names = sorted(unions)
    for k, a in enumerate(names):
        for b in names[k + 1 :]:
            shared = shapely.intersection(unions[a].boundary, unions[b].boundary)
            parts = shapely.get_parts(shapely.get_parts(shared))  # collections, then multis
            lines = [p for p in parts if p.geom_type == "LineString" and not p.is_empty]
            if lines:
                out[f"{a}|{b}"] = shapely.union_all(lines)
    return out


def reference_changes(before, after) -> dict[tuple[str, str], shapely.Geometry]:
    """(kind, controller) -> after − before (gain) / before − after (loss), no sliver filter."""
    old, new = reference_unions(before), reference_unions(after)
    out = {}
    for name in sorted(set(old) | set(new)):
        o, n = old.get(name, shapely.Polygon()), new.get(name, shapely.Polygon())
        out["gain", name] = shapely.difference(n, o)
        out["loss", name] = shapely.difference(o, n)
    return out


def assert_same_lines(got: gpd.GeoDataFrame, expected: dict, tol: float) -> None:
    assert got["controller"].tolist() == sorted(expected)
    for label, a, b, line in zip(got["controller"], got["a"], got["b"], got.geometry, strict=True):
        assert label == f"{a}|{b}"
        assert line.geom_type in ("LineString", "MultiLineString")
        ref = expected[label]
        assert line.length == pytest.approx(ref.length, rel=1e-9, abs=tol)
        assert shapely.hausdorff_distance(line, ref) <= tol


def assert_same_changes(got: gpd.GeoDataFrame, expected: dict, tol_area: float) -> None:
    present = {key for key, geom in expected.items() if geom.area > tol_area}
    assert [tuple(k) for k in got[["kind", "controller"]].values.tolist()] == sorted(
        present, key=lambda k: (k[1], k[0])
    )
    for kind, name, geom in zip(got["kind"], got["controller"], got.geometry, strict=True):
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert geom.symmetric_difference(expected[kind, name]).area <= tol_area


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=st.lists(coords, min_size=2, max_size=40),
    before=st.lists(st.sampled_from(["A", "B", "C", None]), min_size=40, max_size=40),
    flips=st.lists(
        st.sampled_from(["A", "B", "C", None, "same", "same"]), min_size=40, max_size=40
    ),
    statuses=st.lists(
        st.sampled_from(["held", "held", "contested", "claimed", "besieged"]),
        min_size=40,
        max_size=40,
    ),
    river=st.booleans(),
)
def test_cell_paths_match_the_polygon_definitions(points, before, flips, statuses, river):
    ids = [f"p{i:02d}" for i in range(len(points))]
    places = places_frame(ids, [p[0] for p in points], [p[1] for p in points])
    barriers = shapely.LineString([(40.3, 34.0), (40.55, 35.5), (40.7, 37.0)]) if river else None
    t = tessellate(places, region=shapely.box(39.9, 34.9, 41.1, 36.1), barriers=barriers)
    assert t.coverage_valid
    n = len(ids)
    after = [b if f == "same" else f for b, f in zip(before[:n], flips[:n], strict=True)]
    old_states = states_frame(ids, before[:n], statuses[:n])
    new_states = states_frame(ids, after, statuses[::-1][:n])
    old_areas, new_areas = control_areas(t, old_states), control_areas(t, new_states)
    tol_area = 1e-12 * t.region.area

    fronts = frontlines(new_areas, cells=t)
    assert_same_lines(fronts, reference_frontlines(new_areas), tol=1e-9)
    assert_geodataframe_equal(fronts, frontlines(new_areas), normalize=True)

    got = changes(old_areas, new_areas, cells=t, min_area_km2=0)
    assert_same_changes(got, reference_changes(old_areas, new_areas), tol_area)
    slow = changes(old_areas, new_areas, min_area_km2=0)
    assert (
        got[["kind", "controller"]].values.tolist() == slow[["kind", "controller"]].values.tolist()
    )

    # layers (cell paths everywhere) = its three parts computed from polygons
    got_layers = layers(t, new_states, previous_states=old_states)
    parts = pd.concat(
        [new_areas, frontlines(new_areas), changes(old_areas, new_areas)], ignore_index=True
    )
    assert len(got_layers) == len(parts)
    for kind in KINDS:
        mine, theirs = got_layers[got_layers["kind"] == kind], parts[parts["kind"] == kind]
        for col in ("controller", "status", "contenders", "place_ids", "a", "b"):
            if col in theirs.columns:
                assert mine[col].tolist() == [None if pd.isna(v) else v for v in theirs[col]]
        for a, b in zip(mine.geometry, theirs.geometry, strict=True):
            assert shapely.hausdorff_distance(a, b) <= 1e-9
            assert a.symmetric_difference(b).area <= tol_area
    assert_geodataframe_equal(
        layers(t, new_states, previous_areas=old_areas),
        got_layers,
    )


def test_cell_changes_measure_slivers_and_keep_small_places():
    # four cells of 0.1° (~100 km²), one of 0.0005° (~0.0025 km²) inside the fifth
    boxes = [shapely.box(40 + k / 10, 35, 40 + (k + 1) / 10, 35.1) for k in range(4)]
    tiny = shapely.box(40.45, 35.0, 40.4505, 35.0005)
    rest = shapely.box(40.4, 35.0, 40.5, 35.1).difference(tiny)
    cells = gpd.GeoDataFrame(
        {"place_id": ["a", "b", "c", "d", "e", "f"]}, geometry=[*boxes, tiny, rest], crs=4326
    )
    t = Tessellation(cells=cells, region=shapely.box(40, 35, 40.5, 35.1), outside=cells.iloc[:0])
    assert t.coverage_valid
    ids = list(cells["place_id"])
    before = control_areas(t, states_frame(ids, ["A", "A", "B", "B", "A", "A"]))
    after = control_areas(t, states_frame(ids, ["A", "B", "B", "B", "B", "A"]))
    got = changes(before, after, cells=t)
    assert got[["kind", "controller"]].values.tolist() == [["loss", "A"], ["gain", "B"]]
    for geom in got.geometry:  # the tiny cell is dropped as a sliver
        assert geom.normalize().equals(boxes[1].normalize())
    kept = changes(before, after, cells=t, min_area_km2=0)
    for geom in kept.geometry:
        assert geom.normalize().equals(shapely.multipolygons([boxes[1], tiny]).normalize())
    slow = changes(before, after, min_area_km2=0)
    assert_geodataframe_equal(kept, slow, normalize=True)


def test_adjacency_is_every_interior_edge_once():
    rng = np.random.default_rng(7)
    xy = rng.uniform([40, 35], [41, 36], size=(300, 2))
    t = tessellate(
        places_frame([f"p{i:03d}" for i in range(300)], xy[:, 0], xy[:, 1]),
        region=shapely.box(39.95, 34.95, 41.05, 36.05),
        barriers=shapely.LineString([(40.5, 34.0), (40.5, 37.0)]),
    )
    adj = t.adjacency
    assert list(adj.columns) == ["i", "j", "geometry"]
    assert (adj["i"] < adj["j"]).all()
    assert set(shapely.get_type_id(adj.geometry.values)) == {1}
    cells = t.cells.geometry.values
    # shared edges lie on both cells' boundaries
    for i, j, line in zip(adj["i"], adj["j"], adj.geometry, strict=True):
        assert line.difference(cells[i].boundary.buffer(1e-12)).is_empty
        assert line.difference(cells[j].boundary.buffer(1e-12)).is_empty
    # every interior edge is counted once: perimeters = outline + 2 x shared edges
    perimeters = float(shapely.length(cells).sum())
    shared = float(shapely.length(adj.geometry.values).sum())
    assert perimeters == pytest.approx(t.region.length + 2 * shared, rel=1e-9)
    # cells on both banks of the river are neighbours (the river is a shared edge)
    assert shared > 0


def test_tessellation_coverage_flag_and_overlap_fallback():
    cells = gpd.GeoDataFrame(
        {"place_id": ["a", "b"]},
        geometry=[shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1)],
        crs="EPSG:4326",
    )
    t = Tessellation(cells=cells, region=shapely.box(0, 0, 3, 1), outside=cells.iloc[:0])
    assert t.coverage_valid is False
    assert len(t.adjacency) == 0
    states = states_frame(["a", "b"], ["A", "B"])
    areas = control_areas(t, states)
    assert_partition(areas.geometry.values, shapely.box(0, 0, 3, 1))
    assert_geodataframe_equal(frontlines(areas, cells=t), frontlines(areas))
    before = control_areas(t, states_frame(["a", "b"], ["A", "A"]))
    assert_geodataframe_equal(
        changes(before, areas, cells=t, min_area_km2=0), changes(before, areas, min_area_km2=0)
    )
    assert_geodataframe_equal(
        layers(t, states, previous_states=states_frame(["a", "b"], ["A", "A"]), min_area_km2=0),
        layers(cells, states, previous_states=states_frame(["a", "b"], ["A", "A"]), min_area_km2=0),
    )


def test_areas_not_from_these_cells_use_the_polygons():
    cells = three_boxes()
    t = Tessellation(cells=cells, region=shapely.box(0, 0, 3, 1), outside=cells.iloc[:0])
    areas = control_areas(t, states_frame(["a", "b", "c"], ["A", "B", "B"]))
    # the areas without their place_ids, or only some of them: not matched to cells
    plain = areas.drop(columns="place_ids")
    subset = areas.iloc[:1]
    assert_geodataframe_equal(frontlines(plain, cells=t), frontlines(areas))
    assert len(frontlines(subset, cells=t)) == 0
    before = control_areas(t, states_frame(["a", "b", "c"], ["A", "A", "A"]))
    expected = changes(before, areas)
    assert_geodataframe_equal(
        changes(before.iloc[:0], areas, cells=t), changes(before.iloc[:0], areas)
    )
    assert_geodataframe_equal(changes(before, plain, cells=t), expected)
    with pytest.raises(ValueError, match="not both"):
        layers(t, states_frame(["a"], ["A"]), previous_states=before, previous_areas=before)


def test_metric_crs_matches_geopandas_estimate():
    from geomap.geometry import _metric_crs

    for box in [(40, 35, 40.2, 35.1), (-3.2, 51.0, -2.9, 51.4), (150.5, -34.0, 151.5, -33.5)]:
        geom = shapely.box(*box)
        assert _metric_crs(geom) == gpd.GeoSeries([geom], crs=4326).estimate_utm_crs()


# --------------------------------------------------------------------------- real data


def test_syria_cells_and_areas_partition_the_country(syria_tess, syria_places):
    region = read_region(ADMIN0).union_all()
    t = syria_tess
    assert t.region.equals(region)
    assert shapely.coverage_is_valid(np.asarray(t.cells.geometry.values))
    assert_partition(t.cells.geometry.values, region)
    # every place is either a cell or reported outside, never dropped
    assert sorted([*t.cells["place_id"].dropna(), *t.outside["place_id"]]) == sorted(
        syria_places["place_id"]
    )
    assert "invalid coordinates" in set(t.outside["reason"])  # Kharab Suluq's typo
    areas = control_areas(t, syria_states(syria_places))
    assert_partition(areas.geometry.values, region)
    assert {"IS", "SDF", "gov", "opp", "JaN"} <= set(areas["controller"].dropna())
    assert set(areas["kind"]) == {"area", "contested"}
    fronts = frontlines(areas)
    assert {"IS|SDF", "IS|gov", "gov|opp"} <= set(fronts["controller"])
    assert_frontlines_on_boundaries(fronts, areas, tol=1e-7)
    # the cell adjacency gives the same lines on real cells (a river, islands, holes)
    assert_same_lines(
        frontlines(areas, cells=t),
        dict(zip(fronts["controller"], fronts.geometry, strict=True)),
        1e-9,
    )


def test_syria_cells_do_not_cross_the_euphrates(syria_tess, euphrates):
    river = shapely.intersection(euphrates.union_all(), read_region(ADMIN0).union_all())
    crossing = [
        pid
        for pid, cell in zip(syria_tess.cells["place_id"], syria_tess.cells.geometry, strict=True)
        if crosses(cell, river)
    ]
    assert crossing == []
    # and the river really was in the way: a plain tessellation has cells across it
    plain = tessellate(syria_places_sample(syria_tess), region=read_region(ADMIN0))
    assert any(crosses(c, river) for c in plain.cells.geometry)


def syria_places_sample(t: Tessellation) -> gpd.GeoDataFrame:
    cells = t.cells.dropna(subset=["place_id"])
    return gpd.GeoDataFrame(
        {"place_id": cells["place_id"]},
        geometry=cells.to_crs(cells.estimate_utm_crs()).representative_point().to_crs(4326),
        crs="EPSG:4326",
    )


def test_deir_ez_zor_subdistrict_split_by_the_river(syria_places, euphrates):
    admin3 = read_region(ADMIN3)
    region = admin3.loc[admin3["PCODE"] == "SY090100"]
    t = tessellate(syria_places, region=region, barriers=euphrates)
    inside = syria_places.within(region.union_all()).sum()
    assert len(t.cells.dropna(subset=["place_id"])) == inside > 10
    assert_partition(t.cells.geometry.values, region.union_all())
    river = shapely.intersection(euphrates.union_all(), region.union_all())
    assert not any(crosses(c, river) for c in t.cells.geometry)


# --------------------------------------------------------------------------- io


def sample_layers() -> gpd.GeoDataFrame:
    cells = three_boxes().assign(
        geometry=lambda f: f.geometry.scale(0.1, 0.1, origin=(0, 0)).translate(
            40 + 1 / 3, 35 + 1 / 7
        )
    )
    now = states_frame(["a", "b", "c"], ["gov", "دولة", "IS"], ["held", "contested", "held"])
    return layers(cells, now, previous_states=states_frame(["a", "b", "c"], ["gov", "gov", "IS"]))


def test_write_geojson_is_deterministic(tmp_path):
    frame = sample_layers()
    first = write_frame(frame, tmp_path / "one.geojson").read_bytes()
    second = write_frame(frame.iloc[::-1], tmp_path / "two.geojson").read_bytes()
    assert first == second
    assert "دولة".encode() in first
    data = json.loads(first)
    assert len(data["features"]) == len(frame)
    assert sorted(f["properties"]["kind"] for f in data["features"]) == sorted(frame["kind"])
    # coordinates have at most 6 decimals, and some do have 6 (so rounding happened)
    decimals = [len(d) for d in re.findall(r"-?\d+\.(\d+)", first.decode())]
    assert max(decimals) == 6
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_write_geojson_replaces_atomically(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    write_frame(sample_layers(), target)
    assert json.loads(target.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert sorted(os.listdir(tmp_path)) == ["out.json"]


def test_write_gpkg_round_trip(tmp_path):
    frame = sample_layers()
    path = write_frame(frame, tmp_path / "layers.gpkg")
    back = gpd.read_file(path, layer="layers")
    assert back.crs == "EPSG:4326"
    assert back["kind"].tolist() == frame["kind"].tolist()
    assert back["controller"].tolist() == frame["controller"].tolist()
    for a, b in zip(back.geometry, frame.geometry, strict=True):
        assert a.normalize().equals_exact(b.normalize(), 1e-12)
    assert sorted(os.listdir(tmp_path)) == ["layers.gpkg"]


def test_write_frame_unknown_extension(tmp_path):
    with pytest.raises(ValueError, match="unknown output format"):
        write_frame(sample_layers(), tmp_path / "x.kml")


def test_read_region_reports_every_bad_feature():
    path = FIXTURES / "bad_region.geojson"
    with pytest.raises(InputError) as info:
        read_region(path)
    messages = [str(p) for p in info.value.problems]
    assert (
        messages[0]
        == f"{path}: feature 2: a region must be Polygon or MultiPolygon, not LineString"
    )
    assert messages[1].startswith(f"{path}: feature 3: invalid geometry: Self-intersection")
    assert messages[2] == f"{path}: feature 4: empty geometry"
    assert len(messages) == 3


def test_read_barriers_rejects_polygons_and_missing_files(tmp_path):
    with pytest.raises(InputError, match="feature 1: a barrier must be LineString"):
        read_barriers(ADMIN0)
    with pytest.raises(InputError, match="cannot read"):
        read_barriers(tmp_path / "missing.geojson")


def test_read_region_real_files():
    admin1 = read_region(DATA / "ocha-syria-admin" / "syr_admin1.geojson")
    assert len(admin1) == 14 and admin1.crs == "EPSG:4326"


def test_read_region_shapefile_reprojected(tmp_path):
    admin0 = read_region(ADMIN0)
    admin0[["PCODE", "geometry"]].to_crs(3857).to_file(tmp_path / "syria.shp")
    back = read_region(tmp_path / "syria.shp")
    assert back.crs == "EPSG:4326"
    assert back.union_all().symmetric_difference(admin0.union_all()).area < 1e-9
