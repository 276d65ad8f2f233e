from __future__ import annotations

import pytest
from _browser import (
    HOSTILE_CLAIM,
    HOSTILE_NAME,
    build_slider,
    build_static,
    launch_chromium,
    open_page,
)

from geomap.render import save_html

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium_browser():
    yield from launch_chromium()

LAYER_COUNTS = """() => Object.fromEntries(Object.entries(GeoMap.layers).map(
    ([k, v]) => [k, v.getLayers().length]))"""


def _static(chromium_browser, tmp_path, *, offline=True):
    path = save_html(build_static(offline=offline), tmp_path / "static.html")
    return open_page(chromium_browser, path)


def test_offline_static_map_loads_without_requests_or_errors(chromium_browser, tmp_path):
    opened = _static(chromium_browser, tmp_path)
    page = opened.page
    page.wait_for_timeout(200)
    assert opened.errors == []
    assert opened.blocked == []
    counts = page.evaluate(LAYER_COUNTS)
    # 2 areas + 1 contested; 1 frontline; gain + loss; 4 places with coordinates;
    # 2 event groups (the unresolved event is not drawn)
    assert counts == {"Areas": 3, "Frontlines": 1, "Changes": 2, "Places": 4, "Events": 2}
    paths = page.evaluate("document.querySelectorAll('.leaflet-overlay-pane svg path').length")
    assert paths == sum(counts.values())
    on_map = page.evaluate(
        "() => Object.values(GeoMap.layers).every(l => map_1.hasLayer(l))"
    )
    assert on_map
    legend = page.inner_text(".geomap-legend")
    for text in ("Islamic State", "Syrian government", "militia-x (not in registry)",
                 "contested", "claimed", "besieged", "frontline", "gain", "loss"):
        assert text in legend
    assert page.inner_text(".geomap-title .geomap-date") == "2016-01-17"
    assert HOSTILE_NAME in page.inner_text(".geomap-title")
    assert page.title().endswith("2016-01-17") and HOSTILE_NAME in page.title()
    overlays = page.inner_text(".leaflet-control-layers-overlays")
    for name in ("Areas", "Frontlines", "Changes", "Places", "Events"):
        assert name in overlays
    assert page.locator(".leaflet-control-scale").count() == 1
    labels = page.locator(".geomap-label").all_inner_texts()
    assert sorted(labels) == ["gain: Islamic State", "loss: Syrian government"]
    assert page.evaluate("window.__pwned") is None


def test_contested_areas_are_hatched_with_a_defined_pattern(chromium_browser, tmp_path):
    page = _static(chromium_browser, tmp_path).page
    fills = page.evaluate(
        "Array.from(document.querySelectorAll('.leaflet-overlay-pane path'))"
        ".map(p => p.getAttribute('fill'))"
    )
    hatched = sorted({f for f in fills if f and f.startswith("url(#")})
    assert hatched, fills
    for fill in hatched:
        pid = fill[5:-1]
        assert page.evaluate(f"document.getElementById('{pid}').tagName") == "pattern"


def test_hostile_strings_stay_text(chromium_browser, tmp_path):
    opened = _static(chromium_browser, tmp_path)
    page = opened.page
    # open every popup and tooltip
    page.evaluate(
        """() => Object.values(GeoMap.layers).forEach(g => g.eachLayer(l => {
               if (l.getPopup()) { l.openPopup(); }
               if (l.getTooltip()) { l.openTooltip(); }
           }))"""
    )
    shown = """l => { l.openPopup(); l.openTooltip();
        return [l.getPopup().getElement().querySelector('.leaflet-popup-content').innerText,
                l.getTooltip().getElement().innerText]; }"""
    text, tip = page.evaluate(f"({shown})(GeoMap.layers.Places.getLayers()[1])")
    assert HOSTILE_NAME in text and HOSTILE_NAME in tip
    popup, tip = page.evaluate(
        f"({shown})(GeoMap.layers.Events.getLayers().find("
        "l => l.getPopup().getContent().includes('SANA')))"
    )
    assert "Baghaliyah" in tip
    assert HOSTILE_CLAIM in popup
    assert "javascript:alert(1)" in popup
    assert "135 dead" in popup and "SOHR" in popup and "SANA" in popup
    assert page.locator("a[href^='javascript']").count() == 0
    links = page.locator(".leaflet-popup-content a[href]").evaluate_all(
        "els => els.map(a => [a.href, a.rel, a.target])"
    )
    assert links == [["https://www.syriahr.com/en/?p=1", "noopener noreferrer", "_blank"]]
    assert page.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert opened.errors == [] and opened.blocked == []


def test_online_map_requests_only_leaflet_and_tiles(chromium_browser, tmp_path):
    path = save_html(build_static(offline=False), tmp_path / "online.html")
    page = chromium_browser.new_page()
    requested = []

    def route(r):
        url = r.request.url
        if url.startswith("file://"):
            r.continue_()
        else:
            requested.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_timeout(300)
    hosts = {u.split("/")[2] for u in requested}
    assert "cdn.jsdelivr.net" in hosts
    assert hosts <= {"cdn.jsdelivr.net", "tile.openstreetmap.org"}
    assert not any("jquery" in u or "bootstrap" in u or "fontawesome" in u for u in requested)


SLIDER_STATE = """() => ({
    date: document.querySelector('.geomap-slider-date').textContent,
    title: document.querySelector('.geomap-title .geomap-date').textContent,
    fills: [0, 1, 2].map(i => GeoMap.sliderApi.cellLayers[i]._path.getAttribute('fill')),
    markers: [0, 1, 2].map(i => GeoMap.sliderApi.markerLayers[i].options.fillColor),
    strokes: [0, 1, 2].map(i => GeoMap.sliderApi.cellLayers[i]._path.getAttribute('stroke')),
    events: GeoMap.layers.Events.getLayers().length,
})"""


def _move(page, day):
    page.evaluate(
        """d => { const i = document.querySelector('.geomap-slider-input');
                  i.value = String(d); i.dispatchEvent(new Event('input')); }""",
        day,
    )
    return page.evaluate(SLIDER_STATE)


def test_slider_recolours_cells_as_the_intervals_say(chromium_browser, tmp_path):
    path = save_html(build_slider(), tmp_path / "slider.html")
    opened = open_page(chromium_browser, path)
    page = opened.page
    assert page.evaluate("document.querySelector('.geomap-slider-input').max") == "30"
    gov, is_, nodata = "#d62728", "#000000", "#ffffff"
    start = page.evaluate(SLIDER_STATE)  # initial = 2016-01-01
    assert start["date"] == start["title"] == "2016-01-01"
    assert start["fills"] == [gov, nodata, gov]  # p2 has no interval before 01-10
    assert start["strokes"][2] == "#111111"  # besieged p3 is ringed
    assert start["events"] == 0
    s = _move(page, 9)  # 2016-01-10: p2 contested (hatched gov over is)
    assert s["date"] == "2016-01-10"
    assert s["fills"][0] == gov and s["fills"][1] == "url(#gm-h-d62728-000000)"
    s = _move(page, 15)  # 2016-01-16: p1 taken by IS, event at Baghaliyah shown
    assert s["fills"][0] == is_ and s["markers"][0] == is_
    assert s["events"] == 1
    s = _move(page, 16)  # 01-17: week-precision event at Ayyash shown for a week
    assert s["events"] == 1
    s = _move(page, 22)  # 01-23: p2 claimed by IS, pale fill
    assert s["fills"][1] == is_
    assert page.evaluate("GeoMap.sliderApi.cellLayers[1].options.fillOpacity") < 0.2
    assert s["events"] == 1
    s = _move(page, 23)
    assert s["events"] == 0
    assert s["title"] == "2016-01-24"
    # popups are built with textContent from the current interval
    page.evaluate("GeoMap.sliderApi.cellLayers[1].openPopup()")
    text = page.inner_text(".leaflet-popup-content")
    assert HOSTILE_NAME in text and "claimed" in text and "2016-01-20" in text
    legend = page.inner_text(".geomap-legend")
    assert "Islamic State" in legend and "Syrian government" in legend
    assert page.evaluate("window.__pwned") is None
    assert opened.errors == [] and opened.blocked == []
