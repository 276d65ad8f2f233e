"""Outputs are written atomically and get the user's normal permissions."""

from __future__ import annotations

import os
import stat

import geopandas as gpd
import pytest
import shapely

from geomap._files import atomic_path, write_text_atomic
from geomap.io import write_frame


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_outputs_are_not_private_temp_files(tmp_path, umask_022):
    assert mode(write_text_atomic(tmp_path / "a.html", "x")) == 0o644
    frame = gpd.GeoDataFrame({"kind": ["area"]}, geometry=[shapely.box(0, 0, 1, 1)],
                             crs="EPSG:4326")
    for name in ("b.geojson", "c.gpkg"):
        assert mode(write_frame(frame, tmp_path / name)) == 0o644


def test_a_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
