"""Shared helpers for the render tests: small scenarios and a headless Chromium.

Imported by tests/test_render.py and tests/test_browser.py (and run in a subprocess
to check byte-identical output across processes).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely

from geomap._types import Event, PlaceState
from geomap.png import CHROMIUM_ARGS as PNG_CHROMIUM_ARGS

HOSTILE_NAME = "<img src=x onerror=window.__pwned=1>"
HOSTILE_CLAIM = "</script><script>window.__pwned=1</script>"
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_ACTOR = '<b onmouseover="window.__pwned=1">Evil</b>'
CHROMIUM_ARGS = list(PNG_CHROMIUM_ARGS)  # the same flags geomap's PNG snapshots use


@dataclass(frozen=True)
class Actor:
    name: str
    colour: str


@dataclass(frozen=True)
class Actors:
    """Minimal registry: ``get(id)`` → Actor or None."""

    table: dict[str, Actor] = field(default_factory=dict)

    def get(self, actor_id: str) -> Actor | None:
        return self.table.get(actor_id)


ACTORS = Actors(
    {
        "is": Actor("Islamic State", "#000000"),
        "gov": Actor("Syrian government", "#d62728"),
        "evil": Actor(HOSTILE_ACTOR, "red;}</style><script>window.__pwned=1</script>"),
    }
)
D = dt.date


def states_frame() -> gpd.GeoDataFrame:
    """Four places, one per status; one hostile name; one unknown controller id."""
    rows = {
        "place_id": ["p1", "p2", "p3", "p4", "p5"],
        "name": ["Ayyash", HOSTILE_NAME, "Baghaliyah", "Deir ez-Zor", "Nowhere"],
        "lat": [35.37, 35.33, 35.35, 35.33, None],
        "lon": [40.06, 40.10, 40.05, 40.14, None],
        "controller": ["is", "gov", "is", "militia-x", None],
        "status": ["held", "besieged", "contested", "claimed", "held"],
        "since": ["2016-01-16", "2015-01-01", "2016-01-17", "2016-01-17", None],
        "sources": ["SOHR; AP", "SANA", "SOHR", "", None],
        "contenders": [None, "is", "gov", None, None],
    }
    geoms = [
        shapely.Point(lon, lat) if lat is not None else None
        for lat, lon in zip(rows["lat"], rows["lon"], strict=True)
    ]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def areas_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "kind": ["area", "area", "contested", "frontline", "gain", "loss"],
            "controller": ["is", "gov", "gov", "is|gov", "is", "gov"],
            "status": ["held", "claimed", "contested", "held", "held", "held"],
        },
        geometry=[
            shapely.box(40.00, 35.30, 40.08, 35.40),
            shapely.box(40.12, 35.30, 40.16, 35.40),
            shapely.box(40.08, 35.30, 40.12, 35.40),
            shapely.LineString([(40.08, 35.30), (40.08, 35.40)]),
            shapely.box(40.04, 35.34, 40.07, 35.38),
            shapely.box(40.09, 35.31, 40.11, 35.33),
        ],
        crs="EPSG:4326",
    )


def events_list() -> list[Event]:
    return [
        Event("e1", D(2016, 1, 16), "Baghaliyah", "captured", "is", place_id="p3", lat=35.35,
              lon=40.05, previous="gov", sources=("SOHR",), claim="135 dead",
              url="https://www.syriahr.com/en/?p=1"),
        Event("e2", D(2016, 1, 16), "Baghaliyah", "captured", "is", place_id="p3", lat=35.35,
              lon=40.05, sources=("SANA",), claim=HOSTILE_CLAIM, url=HOSTILE_URL,
              notes="300 civilians"),
        Event("e3", D(2016, 1, 17), "Ayyash", "captured", "is", place_id="p1", lat=35.37,
              lon=40.06, date_precision="week", sources=("AP",), claim="took the village"),
        Event("e4", D(2016, 1, 17), "Somewhere", "contested", "gov"),  # unresolved
    ]


def build_static(*, offline: bool = True) -> Any:
    from geomap.render import control_map

    return control_map(date=D(2016, 1, 17), states=states_frame(), areas=areas_frame(),
                       events=events_list(), actors=ACTORS, title=f"Deir {HOSTILE_NAME}",
                       offline=offline)


def cells_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"place_id": ["p1", "p2", "p3"]},
        geometry=[shapely.box(40.00, 35.30, 40.05, 35.40), shapely.box(40.05, 35.30, 40.10, 35.40),
                  shapely.box(40.10, 35.30, 40.15, 35.40)],
        crs="EPSG:4326",
    )


def slider_intervals() -> list[tuple[PlaceState, dt.date, dt.date | None]]:
    def st(pid: str, name: str, lon: float, ctrl: str | None, status: str, **kw: Any) -> PlaceState:
        return PlaceState(pid, name, 35.35, lon, ctrl, status, None, **kw)  # type: ignore[arg-type]

    return [
        (st("p1", "Ayyash", 40.025, "gov", "held"), D(2016, 1, 1), D(2016, 1, 16)),
        (st("p1", "Ayyash", 40.025, "is", "held", sources=("SOHR",)), D(2016, 1, 16), None),
        (st("p2", HOSTILE_NAME, 40.075, "gov", "contested", contenders=("is",)), D(2016, 1, 10),
         D(2016, 1, 20)),
        (st("p2", HOSTILE_NAME, 40.075, "is", "claimed"), D(2016, 1, 20), None),
        (st("p3", "Baghaliyah", 40.125, "gov", "besieged"), D(2015, 6, 1), None),
    ]


def build_slider(*, offline: bool = True) -> Any:
    from geomap.render import slider_map

    return slider_map(cells=cells_frame(), intervals=slider_intervals(), events=events_list(),
                      actors=ACTORS, start=D(2016, 1, 1), end=D(2016, 1, 31),
                      title="Deir slider", offline=offline, initial=D(2016, 1, 1))


# ----------------------------------------------------------------------------- browser


def chromium_path() -> str:
    """Debian's chromium; fail loudly in CI when missing, skip elsewhere."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed but CI is set: browser tests must run")
        pytest.skip("chromium not found (install Debian's chromium to run browser tests)")
    return path


def launch_chromium() -> Iterator[Any]:
    """Yield a headless Debian chromium (for a session fixture)."""
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed but CI is set")
        pytest.skip("playwright not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Opened:
    page: Any
    errors: list[str]
    blocked: list[str]


def open_page(browser: Any, path: Path, *, allow: tuple[str, ...] = ()) -> Opened:
    """Open ``path`` with every request blocked except the page itself (and ``allow``)."""
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    errors: list[str] = []
    blocked: list[str] = []
    page_url = path.resolve().as_uri()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: None if r.url in blocked else blocked.append(r.url))

    def route(r: Any) -> None:
        url = r.request.url
        if url == page_url or (allow and url.startswith(allow)):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(page_url)
    page.wait_for_function("window.GeoMap && Object.keys(window.GeoMap.layers).length > 0",
                           timeout=5000)
    return Opened(page, errors, blocked)
