from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from geomap._types import Event
from geomap.cli import main
from geomap.png import needs_network
from geomap.report import MapView, build_report, embed, figures, find_conflicts
from geomap.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "deir-ez-zor-2016"
D = dt.date(2016, 1, 18)


@pytest.fixture(scope="module")
def seed():
    return load_scenario(SEED / "events.csv", initial=SEED / "initial.csv",
                         barriers=SEED / "euphrates.geojson")


@pytest.fixture(scope="module")
def seed_report(seed):
    return build_report(seed, date=D, offline=True, title="Deir ez-Zor")


class _Frames(HTMLParser):
    """Collect the srcdoc attributes of iframes, as a browser would decode them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.srcdocs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "iframe":
            self.srcdocs.append(dict(attrs)["srcdoc"])


def _srcdocs(page: str) -> list[str]:
    p = _Frames()
    p.feed(page)
    return p.srcdocs


def _section(page: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}">(.*?)</section>', page, re.S)
    assert m, sid
    return m.group(1)


# ----------------------------------------------------------------------------- content


def test_report_has_every_part(seed, seed_report):
    page = seed_report.html
    for sid in ("summary", "map", "events", "conflicts", "gazetteer", "inputs"):
        assert f'<section id="{sid}">' in page
    assert "<title>Deir ez-Zor — 2016-01-18</title>" in page
    summary = _section(page, "summary")
    n_sources = len({s for e in seed.events for s in e.sources})
    assert f"{len(seed.events)} report(s)" in summary
    assert f"{n_sources} distinct source(s)" in summary
    # what changed on the 18th: Saiqa Camp and Ayyash taken by IS
    changed = {c.name for c in seed.timeline.changes(D - dt.timedelta(days=1), D)}
    assert {"Saiqa Camp", "Ayyash"} <= changed
    for name in changed:
        assert html.escape(name) in summary
    events = _section(page, "events")
    for e in seed.events:
        assert f"<td>{e.event_id}</td>" in events
        assert html.escape(e.claim) in events
    # only http(s) links; the article url is one
    assert 'href="http://www.seattletimes.com/' in events


def test_conflicting_claims_are_listed(seed, seed_report):
    by_field = {(c.place_id, c.field): c for c in seed_report.conflicts}
    ayyash = by_field[("curated:ayyash", "extent")]
    values = {v: {e.event_id for e in evs} for v, evs in ayyash.values}
    assert values == {"full": {"dz-11"}, "partial": {"dz-10", "dz-12"}}
    figs = by_field[("curated:baghaliyah", "figures")]
    quoted = {v for v, _ in figs.values}
    assert any("300" in v for v in quoted) and any("135" in v for v in quoted)
    section = _section(seed_report.html, "conflicts")
    assert "much of the town of Ayyash" in section
    assert "the entire Ayash village" in section


def test_gazetteer_appendix_covers_every_name(seed, seed_report):
    section = _section(seed_report.html, "gazetteer")
    queried = {r.query for r in seed_report.resolutions if r.role == "event"}
    assert queried == {e.place for e in seed.events}
    for r in seed_report.resolutions:
        assert html.escape(r.query) in section
        if r.role == "event":
            assert r.resolution is not None and r.resolution.match is not None
            assert r.used == r.resolution.match.place.id  # same answer as the scenario's
            assert f"{r.resolution.match.score:.3f}" in section
    # Ayash is resolved with Deir ez-Zor's context; Turkey's Ayaş is an alternative
    ayash = next(r for r in seed_report.resolutions if r.query == "Ayyash")
    assert any(a.place.country == "TR" for a in ayash.resolution.alternatives)
    assert "Ayaş" in section


def _write_events(tmp_path: Path, rows: list[str]) -> Path:
    head = "event_id,date,place,action,actor,previous,extent,source,url,claim"
    p = tmp_path / "events.csv"
    p.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return p


HOSTILE = '<img src=x onerror="window.__pwned=1">'


def test_unresolved_and_hostile_text(tmp_path):
    events = _write_events(tmp_path, [
        f'h1,2016-01-18,Ayash,captured,Islamic State,Syrian government,full,"{HOSTILE.replace(chr(34), chr(34) * 2)}",'
        'javascript:alert(1),"</script><script>window.__pwned=1</script>"',
        "h2,2016-01-18,Qwzxv Plorb,captured,Islamic State,,full,AP,,somewhere",
    ])
    sc = load_scenario(events, initial=SEED / "initial.csv")
    assert len(sc.unresolved) == 1
    page = build_report(sc, date=D, offline=True).html
    assert HOSTILE not in page and "<script>window.__pwned" not in page
    assert html.escape(HOSTILE) in page
    assert 'href="javascript' not in page
    not_resolved = _section(page, "gazetteer").split("<h3>Names not resolved</h3>")[1]
    assert "Qwzxv Plorb" in not_resolved and f":{3}</td>" in not_resolved
    assert "1 unresolved" in _section(page, "summary")
    # the map pages inside the frames keep the hostile strings escaped too
    for doc in _srcdocs(page):
        assert HOSTILE not in doc
        assert "window.__pwned=1</script>" not in doc


def test_offline_report_links_nothing_external(seed_report):
    page = seed_report.html
    docs = _srcdocs(page)
    assert len(docs) == 1
    for text in (page, *docs):
        assert not needs_network(text)  # no script, style, image, frame or tile over http(s)
        assert not re.search(r"""url\(\s*["']?https?://|@import""", text)
        assert "cdn." not in text and "tile.openstreetmap" not in text
        assert "jquery" not in text.lower() and "bootstrap" not in text.lower()
    assert "leaflet" in docs[0].lower()


def test_online_report_uses_tiles(seed):
    doc = _srcdocs(build_report(seed, date=D, resolutions=[]).html)[0]
    assert "tile.openstreetmap.org" in doc and "cdn.jsdelivr.net" in doc


def test_range_and_slider(seed):
    ranged = build_report(seed, start=dt.date(2016, 1, 16), end=D, offline=True, resolutions=[])
    assert len(_srcdocs(ranged.html)) == 3
    slider = build_report(seed, start=dt.date(2016, 1, 15), end=D, slider=True, offline=True,
                          resolutions=[])
    (doc,) = _srcdocs(slider.html)
    assert "geomap-slider" in doc or "GeoMap.slider" in doc
    with pytest.raises(ValueError, match="before"):
        build_report(seed, start=D, end=dt.date(2016, 1, 1), resolutions=[])
    with pytest.raises(ValueError, match="not both"):
        build_report(seed, date=D, start=D, resolutions=[])


# ----------------------------------------------------------------------------- conflicts


def _ev(eid, day, **kw):
    base = {"place": "Ayash", "action": "captured", "actor": "IS", "place_id": "p"}
    base.update(kw)
    return Event(eid, day, **base)


def test_find_conflicts_needs_same_place_and_overlapping_dates():
    d = dt.date(2016, 1, 18)  # a Monday
    a = _ev("a", d, extent="full")
    assert find_conflicts([a, _ev("b", d + dt.timedelta(days=1), extent="partial")]) == []
    assert find_conflicts([a, _ev("b", d, extent="partial", place_id="q")]) == []
    # a week-precision report overlaps any day of its ISO week
    week = _ev("w", d + dt.timedelta(days=5), date_precision="week", actor="gov")
    (c,) = find_conflicts([a, week])
    assert c.field == "actor" and (c.first, c.last) == (d, d + dt.timedelta(days=6))
    # chains: a-b overlap through the week report
    later = _ev("l", d + dt.timedelta(days=6), claim="killed 40")
    earlier = _ev("e", d, claim="killed 30 in 2016")
    fields = {c.field: c for c in find_conflicts([earlier, week, later])}
    assert [v for v, _ in fields["figures"].values] == ["30", "40"]
    # unresolved events group by name, case-insensitively
    u1 = _ev("u1", d, place="Qwz", place_id=None, action="contested")
    u2 = _ev("u2", d, place="qwz", place_id=None)
    (c,) = find_conflicts([u1, u2])
    assert c.place_id is None and c.field == "action"


def test_figures():
    assert figures("300 civilians; 1,000 people; 2016; 3.5 km; B-52") == ("1000", "300")


# ----------------------------------------------------------------------------- embedding


def test_embed_round_trips_the_document_through_srcdoc():
    doc = '<!DOCTYPE html><p title="a&amp;b \'c\'">x &lt; y</p><script>1<2</script>'
    frag = embed(doc, width="80%", height="300px", title='t"<')
    parser = _Frames()
    parser.feed(frag)
    assert parser.tags == ["iframe"] and parser.srcdocs == [doc]
    assert 'title="t&quot;&lt;"' in frag
    with pytest.raises(ValueError, match="CSS length"):
        embed(doc, height="1px;background:url(http://x)")


def test_mapview_repr_html_is_the_deterministic_fragment(seed):
    from geomap.render import control_map

    def make():
        return control_map(date=D, states=seed.state(D), areas=seed.layers(D), events=seed.events,
                           actors=seed.actors, offline=True)

    a, b = MapView(make()), MapView(make())
    assert a._repr_html_() == b._repr_html_()
    assert _srcdocs(a._repr_html_()) == [a.to_html()]
    assert a.to_html().startswith("<!DOCTYPE html>")


# ----------------------------------------------------------------------------- CLI, determinism


def _args(out: Path) -> list[str]:
    return [str(SEED / "events.csv"), "--initial", str(SEED / "initial.csv"),
            "--barrier", str(SEED / "euphrates.geojson"), "--date", "2016-01-18",
            "--offline", "--title", "Deir ez-Zor", "-o", str(out)]


def test_two_report_runs_are_byte_identical(tmp_path, cli_env):
    outs = []
    for i in range(2):  # separate processes: no shared counters or caches
        out = tmp_path / f"r{i}.html"
        subprocess.run([sys.executable, "-m", "geomap", "report", *_args(out)], check=True,
                       env=cli_env, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert len(outs[0]) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r0.html", "r1.html"]


def test_two_renders_are_byte_identical(tmp_path, cli_env):
    outs = []
    for i in range(2):
        out = tmp_path / f"m{i}.html"
        args = list(_args(out))
        subprocess.run([sys.executable, "-m", "geomap", "render", *args], check=True,
                       env=cli_env, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_cli_usage_errors(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", *_args(out), "--from", "2016-01-16"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["report", *_args(tmp_path / "r.txt")]) == 2
    assert not out.exists()
    assert main(["snapshot", str(tmp_path / "missing.html"), "-o", str(tmp_path / "x.png")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["snapshot", str(out), "-o", str(tmp_path / "x.png"), "--width", "5"]) == 2


def test_cli_report_writes_the_file(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", *_args(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# ----------------------------------------------------------------------------- browser

LAYER_COUNTS = """() => Object.fromEntries(Object.entries(GeoMap.layers).map(
    ([k, v]) => [k, v.getLayers().length]))"""


@pytest.fixture(scope="module")
def chromium_browser():
    from _browser import launch_chromium

    yield from launch_chromium()


def _open_blocked(browser, path: Path):
    """Open ``path`` with every request but the page itself blocked; count failures."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, blocked, failed = [], [], []
    url = path.resolve().as_uri()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    return page, errors, blocked, failed


def _map_frame(page):
    frames = [f for f in page.frames if f is not page.main_frame]
    assert len(frames) == 1
    frame = frames[0]
    frame.wait_for_function("window.GeoMap && Object.keys(GeoMap.layers).length > 0",
                            timeout=5000)
    return frame


@pytest.mark.browser
def test_offline_report_in_chromium_makes_no_request(chromium_browser, seed, seed_report,
                                                      tmp_path):
    path = seed_report.save(tmp_path / "report.html")
    page, errors, blocked, failed = _open_blocked(chromium_browser, path)
    frame = _map_frame(page)
    page.wait_for_timeout(200)
    assert errors == [] and blocked == [] and failed == []
    counts = frame.evaluate(LAYER_COUNTS)
    assert {"Basemap", "Areas", "Frontlines", "Places", "Events"} <= set(counts)
    assert counts["Places"] == len(seed.state(D))
    since = D - dt.timedelta(days=1)
    event_places = {e.place_id for e in seed.events if since < e.date <= D and e.resolved}
    assert counts["Events"] == len(event_places)
    areas = seed.layers(D, since=since)
    assert counts["Frontlines"] == int((areas["kind"] == "frontline").sum())
    drawn = frame.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length")
    assert drawn >= sum(counts.values())
    assert frame.inner_text(".geomap-title .geomap-date") == "2016-01-18"
    assert "Islamic State" in frame.inner_text(".geomap-legend")
    # the page itself: tables are there, with the conflict
    assert "the entire Ayash village" in page.inner_text("#conflicts")
    assert page.locator("#events tbody tr").count() == len(seed.events)


@pytest.mark.browser
def test_hostile_report_runs_no_injected_script(chromium_browser, tmp_path):
    events = _write_events(tmp_path, [
        f'h1,2016-01-18,Ayash,captured,Islamic State,Syrian government,full,"{HOSTILE.replace(chr(34), chr(34) * 2)}",'
        'javascript:alert(1),"</script><script>window.__pwned=1</script>"',
    ])
    sc = load_scenario(events, initial=SEED / "initial.csv")
    path = build_report(sc, date=D, offline=True).save(tmp_path / "h.html")
    page, errors, blocked, failed = _open_blocked(chromium_browser, path)
    frame = _map_frame(page)
    assert errors == [] and blocked == [] and failed == []
    assert page.evaluate("window.__pwned") is None
    assert frame.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert HOSTILE in page.inner_text("#events")


@pytest.mark.browser
def test_fragment_embedded_in_a_page_renders_the_map(chromium_browser, seed, tmp_path):
    from geomap.render import control_map

    m = control_map(date=D, states=seed.state(D), areas=seed.layers(D), events=(),
                    actors=seed.actors, offline=True)
    host = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>host</title></head>"
            "<body><h1 id='h'>My brief</h1><p>Text before.</p>"
            + MapView(m, height="500px")._repr_html_()
            + "<p id='after'>Text after.</p></body></html>")
    path = tmp_path / "host.html"
    path.write_text(host, encoding="utf-8")
    page, errors, blocked, failed = _open_blocked(chromium_browser, path)
    frame = _map_frame(page)
    assert errors == [] and blocked == [] and failed == []
    counts = frame.evaluate(LAYER_COUNTS)
    assert counts["Places"] == len(seed.state(D))
    assert "Events" not in counts
    box = page.locator("iframe.geomap-embed").bounding_box()
    assert box["height"] == pytest.approx(500, abs=3)
    size = frame.evaluate("[document.querySelector('.leaflet-container').clientWidth,"
                          " document.querySelector('.leaflet-container').clientHeight]")
    assert size[0] > 300 and size[1] > 300
    # the host page is untouched by the map's scripts and styles (sandboxed frame)
    assert page.inner_text("#h") == "My brief" and page.inner_text("#after") == "Text after."
    assert page.evaluate("typeof window.GeoMap") == "undefined"
