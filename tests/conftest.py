"""Shared fixtures: paths to ../shared/data, the embedded default gazetteer."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data of ../shared/data (never copied into the repo)."""
    if not DATA.is_dir():  # pragma: no cover - CI always has it
        pytest.fail(f"{DATA} is missing: the tests read real data from ../shared/data")
    return DATA


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SHARED / "seeds"


@pytest.fixture(scope="session", autouse=True)
def _default_index_built_first() -> None:
    """Compile the embedded default index once, before any test runs a command.

    Commands print a note when they compile it; building it first keeps every
    command's output the same whatever order the tests run in.
    """
    from gazetteer.index import ensure_default_index

    ensure_default_index()


@pytest.fixture(scope="session")
def default_gazetteer():
    """The embedded default gazetteer (compiled into the cache directory on first use)."""
    from gazetteer.resolve import Gazetteer

    return Gazetteer()


@pytest.fixture(scope="session")
def wiki_marks(shared_data) -> dict[str, tuple[float, float]]:
    """Label -> (lat, lon) of the Wikipedia Syria module marks (first occurrence)."""
    out: dict[str, tuple[float, float]] = {}
    with open(shared_data / "wikipedia-map-modules" / "syria_marks.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                out.setdefault(row["label"], (float(row["lat"]), float(row["lon"])))
            except ValueError:
                continue
    return out


@pytest.fixture(scope="session")
def ocha_neighbourhoods(shared_data) -> dict[str, tuple[float, float]]:
    """English name -> (lat, lon) of OCHA's city neighbourhoods."""
    out: dict[str, tuple[float, float]] = {}
    path = shared_data / "ocha-syria-admin" / "city_neighbourhoods_attributes.csv"
    with open(path, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            out[row["NAME_EN"]] = (float(row["LATITUDE"]), float(row["LONGITUDE"]))
    return out


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    """Environment for running the console scripts in a subprocess."""
    env = dict(os.environ)
    env.pop("GAZETTEER_INDEX", None)
    return env
