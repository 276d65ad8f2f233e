"""Hostile text is text: maps and reports built from injection payloads, checked in Chromium.

A scenario is written to files as a user would get them (an events CSV, an ``--actors``
CSV, an initial snapshot CSV) with a corpus of payloads in every free-text field a reader
sees: place names (events and snapshot), actor names, claims, notes, outlet names
(``source``), URLs and the title. The real command line builds a static map, a slider
map, a series (its index and one day's page) and a report from them. Each page is opened
in headless Chromium with the network blocked and ``alert``/``confirm``/``prompt``,
``console`` and ``window.__pwned`` hooked before any script runs; every popup and tooltip
is opened. Checked: no payload ran (no dialog, hook untouched, no ``#pwn`` element, no
``on*`` attribute, no ``javascript:``/``data:`` link, no ``<img>``/``<iframe>``/
``<svg onload>`` from the data), and every payload's text is on the page as text
(``innerText``), in the report's tables and in the map's popups, tooltips and legend.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from _browser import launch_chromium

pytestmark = pytest.mark.browser

# the first 4 also become URLs; all of them are place names, actor names, claims, notes,
# outlets and parts of the title
PAYLOADS: list[str] = [
    "javascript:window.__pwned=1",
    "data:text/html,<script>window.__pwned=1</script>",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(document.domain)",
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=1">',
    "'><svg onload=window.__pwned=1>",
    "<svg><script>window.__pwned=1</script></svg>",
    "</script><script>window.__pwned=1</script>",
    "</SCRIPT><b id=pwn>x</b>",
    "{{ 7*7 }} {{ config }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "${alert(1)} `${window.__pwned=1}`",
    "<!-- comment never closed",
    "--><b id=pwn>after comment</b>",
    "\u202eevil\u202c rtl override",
    "</style><style>body{display:none}</style>",
    "<iframe src=javascript:window.__pwned=1></iframe>",
    "<a href=javascript:window.__pwned=1>click</a>",
    '" onmouseover="window.__pwned=1" x="',
    "' onfocus='window.__pwned=1' autofocus '",
    "<b id=pwn>bold</b>",
    "&lt;b&gt; entities &amp;amp; &#60;script&#62;",
    "\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e",
    '{"a": "</script>"}',
    "<img src=x onerror=alert(1)//",
    "<details open ontoggle=window.__pwned=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "<body onload=window.__pwned=1>",
    "control\x07bell\x1bescape",
    "<<script>>window.__pwned=1<</script>>",
    "L" + "o" * 3000 + "ng",
]

HOOKS = """
window.__pwned = undefined;
window.__dialogs = 0;
window.alert = window.confirm = window.prompt = () => { window.__dialogs += 1; };
"""

OPEN_ALL = """() => {
  const texts = [];
  for (const g of Object.values(window.GeoMap.layers)) {
    g.eachLayer(l => {
      if (l.getPopup && l.getPopup()) {
        l.openPopup();
        const el = l.getPopup().getElement();
        if (el) texts.push(el.innerText);
        l.closePopup();
      }
      if (l.getTooltip && l.getTooltip()) {
        l.openTooltip();
        const el = l.getTooltip().getElement();
        if (el) texts.push(el.innerText);
      }
    });
  }
  return texts.join("\\n");
}"""

FORBIDDEN = """() => {
  const bad = [];
  if (document.getElementById('pwn')) bad.push('#pwn element');
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
    }
  }
  for (const a of document.querySelectorAll('a[href]')) {
    const h = a.getAttribute('href').trim().toLowerCase();
    if (!(h.startsWith('http://') || h.startsWith('https://') || h.startsWith('#')
          || !h.includes(':'))) bad.push('link ' + h);
  }
  for (const sel of ['img', 'iframe', 'details', 'math', 'svg script']) {
    const n = document.querySelectorAll(sel).length;
    if (n) bad.push(n + ' ' + sel);
  }
  return bad;
}"""


def _visible(text: str) -> str:
    """A payload as innerText shows it: control characters dropped, spaces collapsed."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    return " ".join(kept.split())


def _write_scenario(folder: Path) -> dict[str, Path]:
    events, actors, initial = folder / "events.csv", folder / "actors.csv", folder / "initial.csv"
    with open(actors, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "colour", "outlets"])
        for i, p in enumerate(PAYLOADS):
            w.writerow([f"x{i}", f"{p} [{i}]", f"#{(i * 7919) % 0xFFFFFF:06x}", f"{p} outlet {i}"])
    with open(events, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["event_id", "date", "place", "lat", "lon", "action", "actor", "previous",
                    "source", "url", "claim", "notes"])
        for i, p in enumerate(PAYLOADS):
            lat, lon = 35.0 + 0.02 * (i // 6), 40.0 + 0.02 * (i % 6)
            url = p if i < 4 else f"https://example.org/{i}?q={p[:20]}"
            w.writerow([f"e{i}", f"2016-01-{10 + i % 8:02d}", p, f"{lat:.4f}", f"{lon:.4f}",
                        "captured", f"x{i}", "gov", p, url, p, p])
    with open(initial, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["place", "lat", "lon", "controller", "status", "date", "source", "notes"])
        for i, p in enumerate(PAYLOADS):
            w.writerow([f"{p} (initial)", f"{35.0 + 0.02 * (i // 6) + 0.01:.4f}",
                        f"{40.0 + 0.02 * (i % 6) + 0.01:.4f}", "gov", "held", "2016-01-01", p,
                        p])
    return {"events": events, "actors": actors, "initial": initial}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("injection")
    files = _write_scenario(folder)
    title = " | ".join(PAYLOADS[:12])
    common = [str(files["events"]), "--actors", str(files["actors"]), "--initial",
              str(files["initial"]), "--offline", "--title", title]
    runs = {
        "static": ["render", *common, "--date", "2016-01-17", "-o", str(folder / "static.html")],
        "slider": ["render", *common, "--slider", "--from", "2016-01-01", "--to", "2016-01-20",
                   "-o", str(folder / "slider.html")],
        "series": ["render", *common, "--from", "2016-01-16", "--to", "2016-01-17",
                   "-o", str(folder / "series")],
        "report": ["report", *common, "--date", "2016-01-17", "-o", str(folder / "report.html")],
    }
    env = dict(os.environ)
    env.pop("GAZETTEER_INDEX", None)
    for name, args in runs.items():
        p = subprocess.run([sys.executable, "-m", "geomap", *args], capture_output=True,
                           text=True, env=env, timeout=600)
        assert p.returncode == 0, (name, p.stderr)
        assert "Traceback" not in p.stderr
    series_pages = sorted((folder / "series").glob("*.html"))
    day = next(p for p in series_pages if p.name != "index.html")
    return {"static": folder / "static.html", "slider": folder / "slider.html",
            "series-index": folder / "series" / "index.html", "series-day": day,
            "report": folder / "report.html"}


@pytest.fixture(scope="module")
def chromium_browser():
    yield from launch_chromium()


def _open(browser, path: Path, *, is_map: bool):
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    page.add_init_script(HOOKS)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page_url = path.resolve().as_uri()
    blocked: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if url == page_url or (url.startswith("file://") and url.endswith(".html")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(page_url)
    if is_map:
        page.wait_for_function("window.GeoMap && Object.keys(window.GeoMap.layers).length > 0",
                               timeout=10000)
    return page, dialogs, console, blocked


def _check(page, dialogs, console, blocked, text: str, *, payloads: list[str]) -> None:
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__dialogs") == 0 and dialogs == []
    assert page.evaluate(FORBIDDEN) == []
    assert not any("pwned" in c for c in console)
    assert blocked == [], blocked  # nothing from the data made the page fetch anything
    shown = _visible(text)
    missing = [p for p in payloads if _visible(p) not in shown]
    assert missing == []


@pytest.mark.parametrize("kind", ["static", "slider", "series-day"])
def test_map_shows_payloads_as_text(chromium_browser, pages, kind) -> None:
    page, dialogs, console, blocked = _open(chromium_browser, pages[kind], is_map=True)
    text = page.inner_text("body") + "\n" + page.evaluate(OPEN_ALL)
    # the title, legend (actor names), place names, claims, notes, outlets, URLs as text
    _check(page, dialogs, console, blocked, text, payloads=PAYLOADS)
    assert page.locator("a[href^='javascript'], a[href^='data:']").count() == 0
    title = page.inner_text(".geomap-title")
    for p in PAYLOADS[:12]:
        assert _visible(p) in " ".join(title.split())
    assert _visible(PAYLOADS[4]) in page.title()  # the <title> shows the title as text


def test_series_index_shows_title_as_text(chromium_browser, pages) -> None:
    page, dialogs, console, blocked = _open(chromium_browser, pages["series-index"],
                                            is_map=False)
    _check(page, dialogs, console, blocked, page.inner_text("body"), payloads=PAYLOADS[:12])


def test_report_shows_payloads_as_text(chromium_browser, pages) -> None:
    page, dialogs, console, blocked = _open(chromium_browser, pages["report"], is_map=False)
    page.wait_for_timeout(500)
    # the report's own iframes (class geomap-embed, srcdoc) are the only ones
    iframes = page.evaluate("Array.from(document.querySelectorAll('iframe'), "
                            "f => [f.className, f.hasAttribute('srcdoc'), f.hasAttribute('src')])")
    assert iframes and all(f == ["geomap-embed", True, False] for f in iframes), iframes
    maps = [f for f in page.frames if f.evaluate("!!(window.GeoMap && window.GeoMap.layers)")]
    assert maps, "the report has no map"
    text = page.inner_text("body")
    for frame in maps:  # the report's maps live in srcdoc iframes
        assert frame.evaluate("window.__pwned") is None
        assert frame.evaluate(FORBIDDEN) == []
        text += "\n" + frame.inner_text("body") + "\n" + frame.evaluate(OPEN_ALL)
    page.evaluate("document.querySelectorAll('iframe.geomap-embed').forEach(f => f.remove())")
    _check(page, dialogs, console, blocked, text, payloads=PAYLOADS)
    # only http(s) URLs became links: the four hostile URLs are shown, never linked
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    assert all(h.startswith(("http://", "https://", "file://")) for h in hrefs), hrefs
    assert any(h.startswith("https://example.org/") for h in hrefs)
