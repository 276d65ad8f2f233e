from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from _browser import (
    ACTORS,
    HOSTILE_CLAIM,
    HOSTILE_NAME,
    areas_frame,
    build_slider,
    build_static,
    cells_frame,
    events_list,
    states_frame,
)
from geopandas.testing import assert_geodataframe_equal

from geomap._types import Event, PlaceState
from geomap.render import control_map, save_html, series, slider_map, to_html
from geomap.render.assets import js_json, leaflet_css, leaflet_js
from geomap.render.elements import Palette, event_group_html, link

TESTS = Path(__file__).resolve().parent
D = dt.date


def _scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html, flags=re.S)


# ----------------------------------------------------------------------------- escaping


def test_js_json_cannot_close_script_and_round_trips():
    value = {"a": HOSTILE_CLAIM, "b": "<!-- x --> & </SCRIPT >", "c": "\u2028"}
    text = js_json(value)
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,x",
     "vbscript:x", "//evil.example/x", "http:/no-host", "ftp://example.org/x",
     "java\tscript:alert(1)"],
)
def test_only_http_urls_become_links(url):
    html = link(url)
    assert "<a " not in html
    assert "href" not in html


@pytest.mark.parametrize("url", ["http://example.org/a", "HTTPS://example.org/a?b=1&c=2"])
def test_http_urls_are_links_with_noopener(url):
    html = link(url)
    assert html.startswith("<a href=") and 'rel="noopener noreferrer"' in html
    assert "&amp;" in html or "&" not in url


def test_palette_rejects_non_hex_colours():
    p = Palette(ACTORS)
    assert p.colour("evil") == "#9e9e9e"
    assert p.colour("gov") == "#d62728"
    assert p.colour("nobody") == "#9e9e9e" and p.name("nobody") == "nobody"


# ----------------------------------------------------------------------------- static map


def test_static_map_escapes_every_input_string():
    html = to_html(build_static())
    for raw in (HOSTILE_NAME, HOSTILE_CLAIM, "<b onmouseover", "</style><script>"):
        assert raw not in html
    # no script element contains a premature close or comment opener
    for body in _scripts(html):
        assert "<!--" not in body
    assert html.count("<script>") == html.count("</script>")
    assert 'href="javascript:' not in html.lower()
    assert "&amp;lt;img src=x onerror=window.__pwned=1&amp;gt;" not in html  # not double-escaped
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in html


def test_offline_map_has_no_external_assets():
    html = to_html(build_static(offline=True))
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert not re.search(r"url\((?!\"?data:|#)", html)
    for cdn in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers",
                "tile.openstreetmap"):
        assert cdn not in html.lower()
    assert leaflet_js()[:200] in html
    assert "data:image/png;base64," in leaflet_css()


def test_online_map_links_only_leaflet_and_osm_tiles():
    html = to_html(build_static(offline=False))
    srcs = re.findall(r'<script[^>]+src="([^"]+)"', html)
    hrefs = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert srcs == ["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"]
    assert hrefs == ["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"]
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html
    assert "jquery" not in html.lower()


def test_offline_with_tiles_is_refused():
    with pytest.raises(ValueError, match="basemap"):
        control_map(date=D(2016, 1, 17), states=states_frame(), areas=None, actors=ACTORS,
                    offline=True, tiles="OpenStreetMap")


def test_same_inputs_give_identical_bytes_in_one_process():
    a, b = to_html(build_static()), to_html(build_static())
    assert a == b
    m = build_static()
    assert to_html(m) == to_html(m) == a
    s1, s2 = to_html(build_slider()), to_html(build_slider())
    assert s1 == s2


def test_same_inputs_give_identical_bytes_across_processes():
    code = (
        "import sys, hashlib; sys.path.insert(0, sys.argv[1]);"
        "from _browser import build_static, build_slider;"
        "from geomap.render import to_html;"
        "print(hashlib.sha256(to_html(build_static()).encode()).hexdigest(),"
        "      hashlib.sha256(to_html(build_slider()).encode()).hexdigest())"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code, str(TESTS)], capture_output=True, text=True,
                       check=True, env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and len(runs[0].split()) == 2


def test_inputs_are_not_mutated():
    states, areas = states_frame(), areas_frame()
    control_map(date=D(2016, 1, 17), states=states, areas=areas, actors=ACTORS, offline=True)
    assert_geodataframe_equal(states, states_frame())
    assert_geodataframe_equal(areas, areas_frame())


def test_all_bad_rows_are_reported_at_once():
    areas = areas_frame()
    areas.loc[0, "kind"] = "blob"
    areas.loc[2, "status"] = "maybe"
    states = states_frame()
    states.loc[1, "status"] = "gone"
    with pytest.raises(ValueError) as info:
        control_map(date=D(2016, 1, 17), states=states, areas=areas, actors=ACTORS)
    msg = str(info.value)
    assert "'blob'" in msg and "'maybe'" in msg and "'gone'" in msg


def test_layers_legend_and_title():
    html = to_html(build_static())
    for layer in ("Areas", "Changes", "Frontlines", "Places", "Events"):
        assert f'GeoMap.layer("{layer}"' in html
    assert "L.control.layers(" in html and "L.control.scale()" in html
    assert ".fitBounds(" in html
    assert "Control on" not in html  # a title was given
    assert "<title>Deir &lt;img" in html and "2016-01-17</title>" in html
    legend = json.loads(re.search(r'"geomap-legend leaflet-bar", (".*?")\);', html).group(1))
    for text in ("Islamic State", "Syrian government", "militia-x (not in registry)",
                 "contested", "claimed", "besieged", "frontline", "gain", "loss",
                 "imprecise date or place", "1 place(s) without coordinates",
                 "1 report(s) without a resolved place"):
        assert text in legend, text


def test_event_popup_lists_every_source_side_by_side():
    evs = [e for e in events_list() if e.place_id == "p3"]
    html = event_group_html(evs, Palette(ACTORS))
    rows = re.findall(r"<tr><td>.*?</tr>", html)
    assert len(rows) == 2
    assert "SANA" in rows[0] and "300 civilians" in rows[0]  # sorted by source
    assert "SOHR" in rows[1] and "135 dead" in rows[1] and "from Syrian government" in rows[1]
    assert "reports differ" in html
    assert '<a href="https://www.syriahr.com/en/?p=1" rel="noopener noreferrer"' in html
    assert '<span class="geomap-url">javascript:alert(1)</span>' in html


def test_imprecise_events_are_flagged():
    e = Event("x", D(2016, 1, 1), "Somewhere", "captured", "is", lat=35.0, lon=40.0,
              date_precision="month", place_score=0.4)
    html = event_group_html([e], Palette(ACTORS))
    assert "(±month)" in html and "date within a month" in html and "score 0.40" in html
    assert "reports differ" not in html
    m = control_map(date=D(2016, 1, 17), states=states_frame().iloc[:0], areas=None, events=[e],
                    actors=ACTORS, offline=True)
    spec = re.search(r'GeoMap.layer\("Events", (.*)\);', to_html(m)).group(1)
    points = json.loads(spec)["points"]
    assert [p[2] for p in points] == [1]  # the dashed hollow style


def test_save_html_is_atomic(tmp_path):
    m = build_static()
    out = save_html(m, tmp_path / "map.html")
    assert out.read_text(encoding="utf-8") == to_html(build_static())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


# ----------------------------------------------------------------------------- slider


def _slider_spec(html: str) -> dict:
    return json.loads(re.search(r"GeoMap\.slider\(map_\d+, (.*)\);\n", html).group(1))


def test_slider_writes_cells_once_and_intervals_per_place():
    html = to_html(build_slider())
    spec = _slider_spec(html)
    assert len(spec["cells"]["features"]) == 3
    assert html.count('"type":"Feature"') == 3
    assert spec["days"] == 30 and spec["start"] == "2016-01-01"
    names = [p[0] for p in spec["places"]]
    iv = dict(zip(names, spec["iv"], strict=True))
    assert [v[:2] for v in iv["Ayyash"]] == [[0, 15], [15, None]]
    assert [v[:2] for v in iv[HOSTILE_NAME]] == [[9, 19], [19, None]]
    assert [v[:2] for v in iv["Baghaliyah"]] == [[-214, None]]
    kinds = spec["kinds"]
    assert kinds[iv["Ayyash"][0][2]]["cell"]["fillColor"] == "#d62728"
    assert kinds[iv["Ayyash"][1][2]]["cell"]["fillColor"] == "#000000"
    assert kinds[iv[HOSTILE_NAME][0][2]]["cell"]["fillColor"].startswith("url(#gm-h-")
    assert spec["sources"][iv["Ayyash"][1][3]] == "SOHR"
    assert HOSTILE_CLAIM not in html
    # names reach the page only as JSON (shown with textContent) or escaped HTML
    body = html.split("<body>")[1].split("</body>")[0]
    assert HOSTILE_NAME not in body
    for script in _scripts(html):
        if "@preserve" not in script:  # leaflet.js itself has "</span" in strings
            assert "</" not in script and "<!--" not in script


def test_slider_size_grows_with_places_not_days():
    cells = gpd.GeoDataFrame({"place_id": [f"p{i}" for i in range(50)]},
                             geometry=[shapely.box(i, 0, i + 1, 1) for i in range(50)],
                             crs="EPSG:4326")
    ivs = [(PlaceState(f"p{i}", f"P{i}", 0.5, i + 0.5, "is", "held", None), D(2016, 1, 1), None)
           for i in range(50)]
    short = to_html(slider_map(cells=cells, intervals=ivs, actors=ACTORS, start=D(2016, 1, 1),
                               end=D(2016, 1, 2), offline=True))
    long = to_html(slider_map(cells=cells, intervals=ivs, actors=ACTORS, start=D(2016, 1, 1),
                              end=D(2026, 1, 1), offline=True))
    assert abs(len(long) - len(short)) < 100


def test_slider_rejects_bad_ranges():
    with pytest.raises(ValueError, match="before"):
        slider_map(cells=cells_frame(), intervals=[], actors=ACTORS, start=D(2016, 2, 1),
                   end=D(2016, 1, 1))
    with pytest.raises(ValueError, match="outside"):
        slider_map(cells=cells_frame(), intervals=[], actors=ACTORS, start=D(2016, 1, 1),
                   end=D(2016, 1, 31), initial=D(2017, 1, 1))
    bad = [(PlaceState("p1", "A", 35.0, 40.0, "is", "lost", None), D(2016, 1, 1), None),  # type: ignore[arg-type]
           (PlaceState("p2", "B", 35.0, 40.0, "is", "gone", None), D(2016, 1, 1), None)]  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"'lost'(.|\n)*'gone'"):
        slider_map(cells=cells_frame(), intervals=bad, actors=ACTORS, start=D(2016, 1, 1),
                   end=D(2016, 1, 31))


def test_slider_events_span_their_precision():
    spec = _slider_spec(to_html(build_slider()))
    by_place = {e[6].split("</b>")[0]: e for e in spec["events"]}
    ayyash = next(v for k, v in by_place.items() if "Ayyash" in k)
    bagh = next(v for k, v in by_place.items() if "Baghaliyah" in k)
    assert ayyash[0] == 16 and ayyash[1] == 7 and ayyash[4] == 1  # week precision
    assert bagh[0] == 15 and bagh[1] == 1 and bagh[4] == 0
    assert len(spec["events"]) == 2  # the unresolved event is not drawn


# ----------------------------------------------------------------------------- series


def _frames():
    return {D(2016, 1, 16): states_frame(), D(2016, 1, 17): states_frame()}


def test_series_writes_maps_and_escaped_index(tmp_path):
    out = series(tmp_path / "maps", dates=[D(2016, 1, 17), D(2016, 1, 16), D(2016, 1, 17)],
                 states=_frames(), areas=lambda d: areas_frame(), events=events_list(),
                 actors=ACTORS, title=HOSTILE_NAME, offline=True)
    assert [p.name for p in out] == ["2016-01-16.html", "2016-01-17.html", "index.html"]
    index = out[-1].read_text(encoding="utf-8")
    assert HOSTILE_NAME not in index and "&lt;img" in index
    assert 'href="2016-01-16.html"' in index
    first = out[0].read_text(encoding="utf-8")
    second = out[1].read_text(encoding="utf-8")
    assert "135 dead" in first and "took the village" not in first
    assert "took the village" in second and "135 dead" not in second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["maps"]  # no temp folders left


def test_series_refuses_foreign_folder_and_replaces_its_own(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        series(foreign, dates=[D(2016, 1, 16)], states=_frames(), actors=ACTORS, overwrite=True)
    assert (foreign / "keep.txt").exists()
    target = tmp_path / "maps"
    first = series(target, dates=[D(2016, 1, 16)], states=_frames(), actors=ACTORS)
    with pytest.raises(FileExistsError):
        series(target, dates=[D(2016, 1, 17)], states=_frames(), actors=ACTORS)
    again = series(target, dates=[D(2016, 1, 17)], states=_frames(), actors=ACTORS,
                   overwrite=True)
    assert not first[0].exists() and again[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign", "maps"]
