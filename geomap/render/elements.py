"""folium elements and HTML fragments of geomap's maps.

Every string that comes from input (place and actor names, sources, claims, notes,
URLs, titles) goes through :func:`html.escape` here before it becomes HTML, and
every value embedded in a script goes through :func:`geomap.render.assets.js_json`.
Only ``http``/``https`` URLs become links.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, Protocol
from urllib.parse import urlsplit

from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from geomap._types import Event
from geomap.render.assets import js_json

__all__ = [
    "EVENT_STYLES",
    "FRONTLINE_COLOUR",
    "GAIN_COLOUR",
    "LOSS_COLOUR",
    "UNKNOWN_COLOUR",
    "ActorLookup",
    "HatchDefs",
    "JsonLayer",
    "Legend",
    "Palette",
    "Title",
    "area_style",
    "cell_style",
    "esc",
    "event_group_html",
    "hatch_id",
    "is_imprecise",
    "items",
    "legend_html",
    "link",
    "marker_style",
    "place_popup_html",
    "text",
]

UNKNOWN_COLOUR = "#9e9e9e"
FRONTLINE_COLOUR = "#111111"
GAIN_COLOUR = "#1a9850"
LOSS_COLOUR = "#d73027"
RING_COLOUR = "#111111"
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

#: Event marker styles: index 0 precise, 1 imprecise (hollow, dashed, larger).
EVENT_STYLES: tuple[dict[str, Any], ...] = (
    {"radius": 4, "color": "#000000", "weight": 1.5, "fillColor": "#ffffff", "fillOpacity": 1.0},
    {
        "radius": 7,
        "color": "#000000",
        "weight": 1.5,
        "dashArray": "2 3",
        "fillColor": "#ffffff",
        "fillOpacity": 0.05,
    },
)


class ActorLookup(Protocol):
    """What the renderers need from an actor registry: ``get(id)`` → object or None."""

    def get(self, actor_id: str, /) -> Any:  # pragma: no cover - protocol
        """Return an object with ``.name`` and ``.colour``, or None for unknown ids."""


def esc(value: object) -> str:
    """HTML-escape ``value`` (None and NaN become the empty string).

    Examples
    --------
    >>> esc('<img src=x onerror="a()">')
    '&lt;img src=x onerror=&quot;a()&quot;&gt;'
    >>> esc(None), esc(float("nan")), esc(3)
    ('', '', '3')
    >>> esc("{{ 7*7 }}")  # folium compiles rendered HTML as a template again
    '&#123;&#123; 7*7 }}'
    """
    return escape(text(value), quote=True).replace("{", "&#123;")


def text(value: object) -> str:
    """Plain text of a frame value: None/NaN → ``""``, dates → ISO, else ``str``.

    Examples
    --------
    >>> text(None), text(dt.date(2016, 1, 17)), text(("a", "b"))
    ('', '2016-01-17', 'a; b')
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(text(v) for v in value if text(v))
    if type(value).__name__ == "NaTType":
        return ""
    return str(value)


def items(value: object) -> tuple[str, ...]:
    """Split a ``"; "``-joined string (or a list/tuple) into its non-empty items.

    Examples
    --------
    >>> items("SOHR; SANA"), items(("a", "")), items(None)
    (('SOHR', 'SANA'), ('a',), ())
    """
    if isinstance(value, (list, tuple)):
        return tuple(t for t in (text(v).strip() for v in value) if t)
    return tuple(t for t in (p.strip() for p in text(value).split(";")) if t)


def is_http_url(url: str) -> bool:
    """Return True for an ``http(s)://host...`` URL without spaces or control characters.

    Examples
    --------
    >>> is_http_url("https://apnews.com/x"), is_http_url("javascript:alert(1)")
    (True, False)
    >>> is_http_url("http://a b"), is_http_url("data:text/html,x")
    (False, False)
    """
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link(url: object) -> str:
    """HTML for ``url``: a link for http(s) URLs, escaped text for anything else.

    Examples
    --------
    >>> link("https://example.org/a?b=1&c=<2>")
    '<a href="https://example.org/a?b=1&amp;c=&lt;2&gt;" rel="noopener noreferrer" target="_blank">https://example.org/a?b=1&amp;c=&lt;2&gt;</a>'
    >>> link("javascript:alert(1)")
    '<span class="geomap-url">javascript:alert(1)</span>'
    """
    raw = text(url)
    if not raw:
        return ""
    if is_http_url(raw):
        return (
            f'<a href="{esc(raw)}" rel="noopener noreferrer" target="_blank">{esc(raw)}</a>'
        )
    return f'<span class="geomap-url">{esc(raw)}</span>'


class Palette:
    """Names and colours of actors, with a grey fallback for unknown ones.

    Parameters
    ----------
    actors : ActorLookup
        Anything with ``get(id)`` returning an object with ``.name`` and ``.colour``
        (a hex colour), or None for an unknown id.

    Examples
    --------
    >>> class A:
    ...     name, colour = "Islamic State", "#000000"
    >>> p = Palette({"is": A()})
    >>> p.name("is"), p.colour("is"), p.name("zz"), p.colour("zz"), p.name(None)
    ('Islamic State', '#000000', 'zz', '#9e9e9e', 'unknown')
    """

    def __init__(self, actors: ActorLookup | Mapping[str, Any]) -> None:
        self._actors = actors
        self._cache: dict[str, tuple[str, str, bool]] = {}

    def _look(self, actor_id: str) -> tuple[str, str, bool]:
        hit = self._cache.get(actor_id)
        if hit is None:
            actor = self._actors.get(actor_id)
            if actor is None:
                hit = (actor_id, UNKNOWN_COLOUR, False)
            else:
                name = text(getattr(actor, "name", None)) or actor_id
                colour = text(getattr(actor, "colour", None))
                hit = (name, colour.lower() if _HEX.fullmatch(colour) else UNKNOWN_COLOUR, True)
            self._cache[actor_id] = hit
        return hit

    def name(self, actor_id: object) -> str:
        """Return the display name of an actor id (``"unknown"`` for None)."""
        key = text(actor_id)
        return self._look(key)[0] if key else "unknown"

    def colour(self, actor_id: object) -> str:
        """Return the validated hex colour of an actor id (grey when unknown)."""
        key = text(actor_id)
        return self._look(key)[1] if key else UNKNOWN_COLOUR

    def known(self, actor_id: object) -> bool:
        """Tell whether the registry knows the id."""
        key = text(actor_id)
        return bool(key) and self._look(key)[2]


def hatch_id(colour: str, other: str | None) -> str:
    """Id of the SVG pattern striping ``colour`` over ``other`` (white when None).

    Examples
    --------
    >>> hatch_id("#ff0000", None), hatch_id("#ff0000", "#0000ff")
    ('gm-h-ff0000-ffffff', 'gm-h-ff0000-0000ff')
    """
    return f"gm-h-{colour.lstrip('#')}-{(other or '#ffffff').lstrip('#')}"


def _hatch_fill(colour: str, other: str | None, hatches: set[tuple[str, str]]) -> str:
    other = other or "#ffffff"
    hatches.add((colour, other))
    return f"url(#{hatch_id(colour, other)})"


def marker_style(
    status: str, colour: str, other: str | None, hatches: set[tuple[str, str]]
) -> dict[str, Any]:
    """Leaflet CircleMarker options for a place of ``status`` held by ``colour``.

    held: filled; contested: hatched with a dashed outline; claimed: pale and
    dashed; besieged: filled with a dark ring. ``hatches`` collects the patterns used.

    Examples
    --------
    >>> h = set()
    >>> marker_style("contested", "#ff0000", None, h)["fillColor"], sorted(h)
    ('url(#gm-h-ff0000-ffffff)', [('#ff0000', '#ffffff')])
    """
    if status == "contested":
        return {
            "radius": 7,
            "color": colour,
            "weight": 2,
            "dashArray": "3 2",
            "fillColor": _hatch_fill(colour, other, hatches),
            "fillOpacity": 1.0,
        }
    if status == "claimed":
        return {
            "radius": 6,
            "color": colour,
            "weight": 2,
            "dashArray": "4 3",
            "fillColor": colour,
            "fillOpacity": 0.25,
        }
    if status == "besieged":
        return {
            "radius": 7,
            "color": RING_COLOUR,
            "weight": 3.5,
            "fillColor": colour,
            "fillOpacity": 0.95,
        }
    if status == "nodata":
        return {"radius": 4, "color": "#bbbbbb", "weight": 1, "fill": False}
    return {"radius": 6, "color": "#ffffff", "weight": 1.5, "fillColor": colour, "fillOpacity": 0.95}


def cell_style(
    status: str, colour: str, other: str | None, hatches: set[tuple[str, str]]
) -> dict[str, Any]:
    """Leaflet path options for a control area (or slider cell) of ``status``.

    Examples
    --------
    >>> cell_style("claimed", "#00ff00", None, set())["dashArray"]
    '4 3'
    """
    if status == "contested":
        return {
            "color": colour,
            "weight": 1,
            "dashArray": "2 3",
            "fillColor": _hatch_fill(colour, other, hatches),
            "fillOpacity": 0.75,
        }
    if status == "claimed":
        return {
            "color": colour,
            "weight": 1.5,
            "dashArray": "4 3",
            "fillColor": colour,
            "fillOpacity": 0.15,
        }
    if status == "besieged":
        return {"color": RING_COLOUR, "weight": 2.5, "fillColor": colour, "fillOpacity": 0.45}
    if status == "nodata":
        return {"color": "#bbbbbb", "weight": 0.5, "fillColor": "#ffffff", "fillOpacity": 0.0}
    return {"color": colour, "weight": 0.8, "fillColor": colour, "fillOpacity": 0.45}


def area_style(
    kind: str, status: str, colour: str, hatches: set[tuple[str, str]]
) -> dict[str, Any]:
    """Leaflet path options for a row of the areas frame.

    Examples
    --------
    >>> area_style("frontline", "held", "#123456", set())["weight"]
    4
    >>> area_style("gain", "held", "#123456", set())["color"]
    '#1a9850'
    """
    if kind == "frontline":
        return {"color": FRONTLINE_COLOUR, "weight": 4, "opacity": 0.9, "fill": False}
    if kind in ("gain", "loss"):
        c = GAIN_COLOUR if kind == "gain" else LOSS_COLOUR
        return {"color": c, "weight": 3, "opacity": 1.0, "fillColor": c, "fillOpacity": 0.12}
    if kind == "contested":
        return cell_style("contested", colour, None, hatches)
    return cell_style(status, colour, None, hatches)


def is_imprecise(event: Event, *, min_place_score: float = 0.8) -> list[str]:
    """Reasons why ``event`` is imprecise (empty when it is precise).

    Examples
    --------
    >>> e = Event("e1", dt.date(2016, 1, 16), "Baghaliyah", "captured", "is",
    ...           date_precision="week", place_score=0.5)
    >>> is_imprecise(e)
    ['date within a week', 'place uncertain (score 0.50)']
    """
    reasons = []
    if event.date_precision == "week":
        reasons.append("date within a week")
    elif event.date_precision == "month":
        reasons.append("date within a month")
    if event.place_score is not None and event.place_score < min_place_score:
        reasons.append(f"place uncertain (score {event.place_score:.2f})")
    if event.geo_precision is not None and event.geo_precision > 1:
        reasons.append(f"place approximate (geo precision {event.geo_precision})")
    return reasons


ACTION_TEXT = {
    "captured": "captured by",
    "retook": "retaken by",
    "withdrew": "withdrawal of",
    "contested": "contested by",
    "besieged": "besieged by",
    "siege_lifted": "siege lifted by",
}


def event_group_html(
    events: Sequence[Event], palette: Palette, *, min_place_score: float = 0.8
) -> str:
    """Popup HTML for the events at one place: one table row per report.

    Rows are sorted by date, source and id. Conflicting reports (same date,
    different action/actor or different claims from different sources) are flagged,
    and every row shows its sources, claim, date, date precision, extent,
    confidence, notes and link.

    Examples
    --------
    >>> class A:
    ...     name, colour = "IS", "#000000"
    >>> es = [Event("1", dt.date(2016, 1, 16), "Deir", "captured", "is",
    ...             sources=("SOHR",), claim="135 dead"),
    ...       Event("2", dt.date(2016, 1, 16), "Deir", "captured", "is",
    ...             sources=("SANA",), claim="300 civilians")]
    >>> html = event_group_html(es, Palette({"is": A()}))
    >>> "SOHR" in html and "300 civilians" in html and "reports differ" in html
    True
    """
    rows = sorted(events, key=lambda e: (e.date, text(e.sources), e.event_id))
    by_date: dict[dt.date, list[Event]] = {}
    for e in rows:
        by_date.setdefault(e.date, []).append(e)
    conflict = any(
        len({(e.action, e.actor) for e in same}) > 1
        or (len({e.claim for e in same if e.claim}) > 1 and len({e.sources for e in same}) > 1)
        or any(e.confidence == "disputed" for e in same)
        for same in by_date.values()
    )
    place = esc(rows[0].place) if rows else ""
    out = [f'<div class="geomap-popup"><b>{place}</b>']
    out.append(f" <span>({len(rows)} report{'s' if len(rows) != 1 else ''})</span>")
    if conflict:
        out.append('<div class="geomap-conflict">reports differ: compare the sources</div>')
    out.append(
        "<table><tr><th>Date</th><th>Source</th><th>Claim</th><th>Report</th>"
        "<th>Extent</th><th>Confidence</th><th>Link</th></tr>"
    )
    for e in rows:
        approx = is_imprecise(e, min_place_score=min_place_score)
        date = esc(e.date.isoformat())
        if e.date_precision != "day":
            date += f" <span class=\"geomap-approx\">(±{esc(e.date_precision)})</span>"
        report = f"{esc(ACTION_TEXT.get(e.action, e.action))} {esc(palette.name(e.actor))}"
        if e.previous:
            report += f" from {esc(palette.name(e.previous))}"
        if approx:
            report += f'<br><span class="geomap-approx">{esc("; ".join(approx))}</span>'
        if e.notes:
            report += f"<br>{esc(e.notes)}"
        sources = esc("; ".join(e.sources)) or "<i>no source</i>"
        out.append(
            f"<tr><td>{date}</td><td>{sources}</td><td>{esc(e.claim)}</td><td>{report}</td>"
            f"<td>{esc(e.extent)}</td><td>{esc(e.confidence)}</td><td>{link(e.url)}</td></tr>"
        )
    out.append("</table></div>")
    return "".join(out)


def place_popup_html(row: Mapping[str, Any], palette: Palette) -> str:
    """Popup HTML for one row of the state frame.

    Examples
    --------
    >>> html = place_popup_html({"name": "<b>x</b>", "controller": None,
    ...                          "status": "held"}, Palette({}))
    >>> "&lt;b&gt;x&lt;/b&gt;" in html
    True
    """
    fields = [
        ("Controller", palette.name(row.get("controller"))),
        ("Status", text(row.get("status"))),
        ("Since", text(row.get("since"))),
        ("Extent", text(row.get("extent"))),
        ("Confidence", text(row.get("confidence"))),
        ("Contenders", "; ".join(palette.name(c) for c in items(row.get("contenders")))),
        ("Sources", "; ".join(items(row.get("sources")))),
        ("Events", "; ".join(items(row.get("events")))),
        ("Last event", text(row.get("last_event"))),
        ("Place id", text(row.get("place_id"))),
    ]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in fields if v)
    return f'<div class="geomap-popup"><b>{esc(row.get("name"))}</b><table>{body}</table></div>'


def _swatch(style: dict[str, Any], *, shape: str = "circle") -> str:
    """Draw a small inline SVG sample of a Leaflet style (values are ours, not input)."""
    stroke = style.get("color", "#000000")
    fill = style.get("fillColor", "none") if style.get("fill", True) else "none"
    dash = f' stroke-dasharray="{style["dashArray"]}"' if style.get("dashArray") else ""
    common = (
        f'fill="{fill}" fill-opacity="{style.get("fillOpacity", 0.2)}" stroke="{stroke}" '
        f'stroke-width="{min(float(style.get("weight", 1)), 4)}"{dash}'
    )
    if shape == "line":
        return (
            '<svg width="22" height="14" aria-hidden="true">'
            f'<line x1="1" y1="7" x2="21" y2="7" stroke="{stroke}" '
            f'stroke-width="{min(float(style.get("weight", 1)), 4)}"{dash}/></svg>'
        )
    if shape == "rect":
        return (
            f'<svg width="22" height="14" aria-hidden="true">'
            f'<rect x="2" y="2" width="18" height="10" {common}/></svg>'
        )
    return f'<svg width="18" height="18" aria-hidden="true"><circle cx="9" cy="9" r="6" {common}/></svg>'


def _item(swatch: str, label: str) -> str:
    return f'<div class="geomap-item">{swatch}<span>{esc(label)}</span></div>'


def legend_html(
    *,
    controllers: Iterable[object],
    palette: Palette,
    hatches: set[tuple[str, str]],
    statuses: bool = True,
    area_kinds: Iterable[str] = (),
    events: bool = False,
    notes: Iterable[str] = (),
) -> str:
    """HTML of the legend: controllers with colours, status symbols, area and event keys.

    ``controllers`` are actor ids (None for unknown); they are listed by display
    name. Hatch patterns used by the legend are added to ``hatches``.

    Examples
    --------
    >>> html = legend_html(controllers=[None], palette=Palette({}), hatches=set())
    >>> "unknown" in html and "besieged" in html
    True
    """
    ids = {text(c) for c in controllers}
    rows = sorted(ids, key=lambda c: (c == "", palette.name(c or None).casefold(), c))
    out = ['<div class="geomap-legend-body"><h4>Controllers</h4>']
    for c in rows:
        colour = palette.colour(c or None)
        name = palette.name(c or None)
        if c and not palette.known(c):
            name = f"{name} (not in registry)"
        out.append(_item(_swatch(cell_style("held", colour, None, hatches), shape="rect"), name))
    if statuses:
        out.append("<h4>Status</h4>")
        sample = "#666666"
        for status in ("held", "contested", "claimed", "besieged"):
            out.append(_item(_swatch(marker_style(status, sample, None, hatches)), status))
    kinds = set(area_kinds)
    if kinds & {"frontline", "gain", "loss"}:
        out.append("<h4>Changes</h4>")
        if "frontline" in kinds:
            out.append(_item(_swatch(area_style("frontline", "", "", hatches), shape="line"),
                             "frontline"))
        if "gain" in kinds:
            out.append(_item(_swatch(area_style("gain", "", "", hatches), shape="rect"), "gain"))
        if "loss" in kinds:
            out.append(_item(_swatch(area_style("loss", "", "", hatches), shape="rect"), "loss"))
    if events:
        out.append("<h4>Reports</h4>")
        out.append(_item(_swatch(EVENT_STYLES[0]), "reported event"))
        out.append(_item(_swatch(EVENT_STYLES[1]), "imprecise date or place"))
    out.extend(f'<div class="geomap-note">{esc(n)}</div>' for n in notes)
    out.append("</div>")
    return "".join(out)


class HatchDefs(MacroElement):
    """A hidden ``<svg><defs>`` with the stripe patterns used as ``fill: url(#id)``.

    Parameters
    ----------
    hatches : set of (colour, colour)
        Validated hex colour pairs (stripe, background).
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <svg class="geomap-defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>{{ this.patterns }}</defs></svg>
        {% endmacro %}
        """
    )

    def __init__(self, hatches: Iterable[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "HatchDefs"
        parts = []
        for colour, other in sorted(set(hatches)):
            if not (_HEX.fullmatch(colour) and _HEX.fullmatch(other)):
                msg = f"hatch colours must be hex colours, got {colour!r}, {other!r}"
                raise ValueError(msg)
            parts.append(
                f'<pattern id="{hatch_id(colour, other)}" patternUnits="userSpaceOnUse" '
                f'width="8" height="8" patternTransform="rotate(45)">'
                f'<rect width="8" height="8" fill="{other}"/>'
                f'<rect width="4" height="8" fill="{colour}"/></pattern>'
            )
        self.patterns = "".join(parts)


class Title(MacroElement):
    """The map title (escaped) with the date in a ``.geomap-date`` span.

    Parameters
    ----------
    title : str or None
        Free text (escaped).
    date : str
        The ISO date shown (escaped; the slider updates it).
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="geomap-title">{{ this.inner }}</div>
        {% endmacro %}
        """
    )

    def __init__(self, title: str | None, date: str) -> None:
        super().__init__()
        self._name = "Title"
        head = f'<span class="geomap-title-text">{esc(title)}</span>' if title else ""
        self.inner = f'{head}<span class="geomap-date">{esc(date)}</span>'


class Legend(MacroElement):
    """The legend, a Leaflet control at the bottom right; ``html`` must be escaped HTML.

    Parameters
    ----------
    html : str
        The legend body, e.g. from :func:`legend_html`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        GeoMap.control({{ this._parent.get_name() }}, "bottomright",
                       "geomap-legend leaflet-bar", {{ this.html_json }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html_json = js_json(html)


class JsonLayer(Layer):
    """An overlay built in the browser by ``GeoMap.layer`` from compact JSON.

    Parameters
    ----------
    name : str
        Name in the layer control (and key of ``window.GeoMap.layers``).
    spec : dict
        ``{"styles": [...], "geo": FeatureCollection | None, "points": [[lat, lon,
        style, tooltip_html, popup_html], ...]}``; the HTML strings must be escaped.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = GeoMap.layer({{ this.name_json }}, {{ this.spec_json() }});
        {% endmacro %}
        """
    )

    def __init__(self, name: str, spec: dict[str, Any], *, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeomapLayer"
        self.name_json = js_json(name)
        self.spec = spec

    def spec_json(self) -> str:
        """Return the spec as script-safe JSON."""
        return js_json(self.spec)
