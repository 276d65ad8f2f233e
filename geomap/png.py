"""PNG snapshots of HTML maps and reports with headless Chromium (Playwright).

Uses the system's Chromium (Debian's ``chromium`` package) through Playwright: no
browser is downloaded. A page that needs no network (an offline map or report) is
opened with every request blocked, so a snapshot cannot leak or hang on the network;
a page that links a CDN or a tile server is allowed to load them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path
from typing import Any

from geomap.exc import GeomapError

__all__ = ["CHROMIUM_ARGS", "BrowserError", "find_chromium", "needs_network", "snapshot_png"]

#: Arguments for headless Chromium (no sandbox: runs as root in containers and CI).
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

_EXTERNAL = re.compile(
    r"""(?:<script[^>]*\ssrc|<link[^>]*\shref|<img[^>]*\ssrc|<iframe[^>]*\ssrc)\s*=\s*["']https?://"""
    r"""|tileLayer\(\s*["']https?://""",
    re.IGNORECASE,
)
_FRAME_READY = """() => document.readyState === 'complete' && (!window.L
    || (window.GeoMap && Object.keys(window.GeoMap.layers || {}).length > 0))"""


class BrowserError(GeomapError, RuntimeError):
    """Raised when headless Chromium is missing, cannot start, or cannot render a page.

    Examples
    --------
    >>> isinstance(BrowserError("no chromium"), RuntimeError)
    True
    """


def find_chromium() -> str:
    """Return the path of the system's Chromium executable.

    ``$GEOMAP_CHROMIUM`` if set (and then only that), else ``chromium`` or
    ``chromium-browser`` on the ``PATH``, else ``/usr/bin/chromium``.

    Raises
    ------
    BrowserError
        When none of them exists (the message says how to install it).

    Examples
    --------
    >>> try:
    ...     path = find_chromium()
    ... except BrowserError as e:
    ...     path = str(e)
    >>> isinstance(path, str)
    True
    """
    env = os.environ.get("GEOMAP_CHROMIUM")
    candidates = ([env] if env else
                  [shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium"])
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    msg = ("Chromium not found: PNG snapshots need the system's Chromium "
           "(Debian/Ubuntu: apt-get install chromium; or set GEOMAP_CHROMIUM to its path)")
    raise BrowserError(msg)


def needs_network(html: str) -> bool:
    """Return True when a page loads scripts, styles, images, frames or tiles over http(s).

    Links (``<a href>``) are not requests and do not count.

    Examples
    --------
    >>> needs_network('<script src="https://cdn.example/leaflet.js"></script>')
    True
    >>> needs_network('<a href="https://example.org">source</a><script>var x=1</script>')
    False
    """
    return _EXTERNAL.search(html) is not None


def snapshot_png(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    *,
    width: int = 1200,
    height: int = 800,
    full_page: bool = False,
    network: bool | None = None,
    timeout: float = 30.0,
) -> Path:
    """Render an HTML file in headless Chromium and save a PNG screenshot.

    Parameters
    ----------
    html_path : path-like
        The page (a map from ``geomap render`` or a report).
    png_path : path-like
        The PNG to write (to a temporary file beside it, renamed into place).
    width, height : int
        Viewport size in CSS pixels (the PNG's size unless ``full_page``).
    full_page : bool
        Capture the whole scrollable page (reports) instead of the viewport.
    network : bool, optional
        Allow network requests. Default: only if the page links external scripts,
        styles, images or tiles (see :func:`needs_network`); offline pages are opened
        with every request but the page itself blocked.
    timeout : float
        Seconds to wait for the page and its maps to be drawn.

    Returns
    -------
    pathlib.Path
        ``png_path``.

    Raises
    ------
    BrowserError
        Chromium or Playwright missing, the browser failing, or the page not loading.
    FileNotFoundError
        When ``html_path`` does not exist.

    Examples
    --------
    >>> import inspect
    >>> list(inspect.signature(snapshot_png).parameters)[:4]
    ['html_path', 'png_path', 'width', 'height']
    """
    src = Path(html_path)
    if not src.is_file():
        raise FileNotFoundError(2, "no such file", str(src))
    if not (16 <= width <= 10000 and 16 <= height <= 10000):
        msg = f"PNG size must be between 16 and 10000 pixels, got {width}x{height}"
        raise BrowserError(msg)
    if network is None:
        network = needs_network(src.read_text(encoding="utf-8", errors="replace"))
    exe = find_chromium()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dependency of the tests
        msg = "PNG snapshots need the Python package 'playwright' (pip install playwright)"
        raise BrowserError(msg) from None
    target = Path(png_path)
    page_url = src.resolve().as_uri()
    ms = timeout * 1000
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS))
            try:
                data = _shoot(browser, page_url, width=width, height=height,
                              full_page=full_page, network=network, ms=ms)
            finally:
                browser.close()
    except PlaywrightError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        msg = f"{src}: headless Chromium failed: {first}"
        raise BrowserError(msg) from None
    from geomap._files import write_bytes_atomic

    return write_bytes_atomic(target, data)


def _shoot(browser: Any, page_url: str, *, width: int, height: int, full_page: bool,
           network: bool, ms: float) -> bytes:
    page = browser.new_page(viewport={"width": width, "height": height},
                            device_scale_factor=1)
    if not network:
        def route(r: Any) -> None:
            url = r.request.url
            if url == page_url or url.startswith(("data:", "about:", "blob:")):
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
    page.goto(page_url, wait_until="load", timeout=ms)
    if network:
        page.wait_for_load_state("networkidle", timeout=ms)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for frame in page.frames:
        # maps (in the page or in its iframes) are ready when their layers exist; a map
        # without any layer never gets there, so this wait is bounded and not an error
        with contextlib.suppress(PlaywrightTimeout):
            frame.wait_for_function(_FRAME_READY, timeout=min(ms, 5000))
    # two animation frames: Leaflet draws its SVG paths on the next frame
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                  "requestAnimationFrame(() => r(true))))")
    return page.screenshot(full_page=full_page, type="png", animations="disabled")

