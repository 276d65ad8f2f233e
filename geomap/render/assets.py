"""Page assets: Leaflet (CDN or inlined from ``xstatic-leaflet``) and our own JS/CSS.

folium's :class:`folium.Map` loads Leaflet, jQuery, Bootstrap, Font Awesome and
awesome-markers from CDNs. Our maps use none of them except Leaflet, so
:func:`use_assets` empties the map's ``default_js``/``default_css`` (on the map
object, not the class) and puts exactly what the page needs into the page header:
Leaflet (a CDN link, or inlined when ``offline``) followed by our small runtime
(``geomap.js``/``geomap.css``, always inlined).
"""

from __future__ import annotations

import base64
import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import folium
from branca.element import Element

__all__ = [
    "LEAFLET_CSS_URL",
    "LEAFLET_JS_URL",
    "Raw",
    "js_json",
    "leaflet_css",
    "leaflet_js",
    "runtime_css",
    "runtime_js",
    "use_assets",
]

#: Leaflet on the CDN folium 0.20 uses (same version as ``xstatic-leaflet``'s 1.9.x).
LEAFLET_JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"

_CLOSERS = re.compile(r"</script|<!--|</style", re.IGNORECASE)
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
_SOURCEMAP = re.compile(r"^\s*//[#@] sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((images/[A-Za-z0-9_.-]+\.png)\)")


def js_json(obj: Any) -> str:
    r"""Encode ``obj`` as compact, deterministic JSON that is safe inside ``<script>``.

    ``</`` becomes ``<\/`` and ``<!--`` becomes ``\u003c!--`` (both still mean the
    same JSON string), so no string can close the script element or open an HTML
    comment; the JS line terminators U+2028/U+2029 are escaped. A ``{`` opening
    template syntax (``{{``, ``{%``, ``{#``) becomes ``\u007b``: folium/branca compile
    rendered scripts as Jinja templates again, and data must not be evaluated there
    (JSON structure never has these pairs). NaN and infinities are refused.

    Examples
    --------
    >>> print(js_json({"name": "</script><!--x"}))
    {"name":"<\/script>\u003c!--x"}
    >>> print(js_json(["{{ 7*7 }}", {"a": {"b": "{%x"}}]))
    ["\u007b{ 7*7 }}",{"a":{"b":"\u007b%x"}}]
    >>> js_json([1.5, None, "حلب"])
    '[1.5,null,"حلب"]'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JINJA_OPEN.sub(r"\\u007b", (
        text.replace("</", "<\\/")
        .replace("<!--", "\\u003c!--")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    ))


def _check_inline(text: str, what: str) -> str:
    if _CLOSERS.search(text):
        msg = f"{what} contains '</script', '</style' or '<!--' and cannot be inlined"
        raise ValueError(msg)
    return text


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as xleaflet

    return Path(xleaflet.BASE_DIR)


@functools.cache
def leaflet_js() -> str:
    """Leaflet's minified JS from ``xstatic-leaflet``, without its source-map comment.

    Examples
    --------
    >>> "L.version" in leaflet_js() or "version" in leaflet_js()
    True
    """
    text = (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    return _check_inline(_SOURCEMAP.sub("", text).rstrip() + "\n", "leaflet.js")


@functools.cache
def leaflet_css() -> str:
    """Leaflet's CSS from ``xstatic-leaflet`` with its images turned into data: URIs.

    Examples
    --------
    >>> "url(images/" in leaflet_css()
    False
    """
    folder = _leaflet_dir()

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode((folder / match.group(1)).read_bytes()).decode("ascii")
        return f'url("data:image/png;base64,{data}")'

    text = (folder / "leaflet.css").read_text(encoding="utf-8")
    return _check_inline(_CSS_URL.sub(inline, text), "leaflet.css")


@functools.cache
def runtime_js() -> str:
    """Our map runtime (``geomap/render/geomap.js``).

    Examples
    --------
    >>> "GeoMap" in runtime_js()
    True
    """
    text = resources.files("geomap.render").joinpath("geomap.js").read_text(encoding="utf-8")
    return _check_inline(text, "geomap.js")


@functools.cache
def runtime_css() -> str:
    """Our map styles (``geomap/render/geomap.css``).

    Examples
    --------
    >>> ".geomap-legend" in runtime_css()
    True
    """
    text = resources.files("geomap.render").joinpath("geomap.css").read_text(encoding="utf-8")
    return _check_inline(text, "geomap.css")


def use_assets(m: folium.Map, *, offline: bool) -> folium.Map:
    """Replace folium's default CDN assets of ``m`` by exactly what our maps use.

    Parameters
    ----------
    m : folium.Map
        A fresh map (its figure's header is appended to).
    offline : bool
        Inline Leaflet's JS and CSS (with data: URI images) instead of linking the CDN.

    Returns
    -------
    folium.Map
        ``m`` itself.

    Examples
    --------
    >>> import folium
    >>> m = use_assets(folium.Map(tiles=None), offline=True)
    >>> html = m.get_root().render()
    >>> "cdn." in html or "jquery" in html.lower()
    False
    """
    m.default_js = []
    m.default_css = []
    header = m.get_root().header
    if offline:
        parts = [
            ("geomap_leaflet_css", f"<style>{leaflet_css()}</style>"),
            ("geomap_leaflet_js", f"<script>{leaflet_js()}</script>"),
        ]
    else:
        parts = [
            ("geomap_leaflet_css", f'<link rel="stylesheet" href="{LEAFLET_CSS_URL}"/>'),
            ("geomap_leaflet_js", f'<script src="{LEAFLET_JS_URL}"></script>'),
        ]
    parts += [
        ("geomap_css", f"<style>{runtime_css()}</style>"),
        ("geomap_js", f"<script>{runtime_js()}</script>"),
    ]
    for name, text in parts:
        header.add_child(Raw(text), name=name)
    return m


class Raw(Element):
    """An element that renders ``text`` verbatim (not as a Jinja template).

    Examples
    --------
    >>> Raw("{{ not a template }}").render()
    '{{ not a template }}'
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text
