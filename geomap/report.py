"""Reports: one self-contained HTML page per scenario, embeddable map fragments.

A report (:func:`build_report`) holds a title and summary (period, counts, what
changed), the map for a date, one map per date of a range, or the date slider, the
event table with every source and claim, the conflicting claims (same place,
overlapping dates, different outcome, actor, extent or figures), a gazetteer
appendix (how every place name was resolved, with score and alternatives, and every
name that was not) and the rows that were skipped: nothing is lost silently.

Maps are embedded as ``<iframe srcdoc>`` (:func:`embed`), so each keeps its own
element ids and styles; with ``offline=True`` the page makes no request at all.
The same inputs give the same bytes: no timestamps, stable element ids, sorted rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazetteer.exc import Problem
from geomap._types import Event
from geomap.events import date_window
from geomap.render.elements import ACTION_TEXT, is_http_url

if TYPE_CHECKING:
    import os

    from gazetteer._types import Resolution
    from geomap.scenario import Scenario

__all__ = [
    "Conflict",
    "MapView",
    "NameResolution",
    "Report",
    "build_report",
    "embed",
    "figures",
    "find_conflicts",
    "name_resolutions",
    "skipped_rows",
]

_CSS_LENGTH = re.compile(r"\d{1,5}(?:\.\d{1,3})?(?:px|%|em|rem|vh|vw)")
_NUMBER = re.compile(r"(?<![\w.,-])(?:\d{1,3}(?:,\d{3})+|\d+)(?!\w|[.,]\d)")


def _e(value: object) -> str:
    """HTML-escape text (None → empty)."""
    return "" if value is None else escape(str(value), quote=True)


def _link(url: str | None) -> str:
    """Return a link for http(s) URLs only; anything else as escaped text."""
    if not url:
        return ""
    if is_http_url(url):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
    return f'<span class="url">{_e(url)}</span>'


# ----------------------------------------------------------------------------- embedding


def _page(m: Any) -> str:
    """Return the whole HTML document of a folium element (``m`` itself if a string)."""
    if isinstance(m, str):
        return m
    from geomap.render import to_html

    return to_html(m)


def embed(
    m: Any, *, width: str = "100%", height: str = "560px", title: str = "map"
) -> str:
    """Return an HTML fragment that shows a map (or any page) in another page.

    The whole document goes into an ``<iframe srcdoc>``, escaped with
    ``html.escape(quote=True)``, so it keeps its own ids, scripts and styles. The
    frame is sandboxed: its scripts run, but cannot reach the host page.

    Parameters
    ----------
    m : folium.Map, branca Element or str
        A map (rendered with stable ids, see :func:`geomap.render.to_html`) or a
        complete HTML document.
    width, height : str
        CSS lengths (``px``, ``%``, ``em``, ``rem``, ``vh``, ``vw``).
    title : str
        The frame's accessible title (escaped).

    Returns
    -------
    str
        One ``<iframe>`` element.

    Raises
    ------
    ValueError
        When ``width`` or ``height`` is not a plain CSS length.

    Examples
    --------
    >>> frag = embed('<!DOCTYPE html><p class="x">A & "B"</p>', height="200px")
    >>> frag.startswith('<iframe class="geomap-embed" title="map" srcdoc="&lt;!DOCTYPE')
    True
    >>> "&amp;" in frag and "&quot;B&quot;" in frag and '"B"' not in frag
    True
    """
    for what, v in (("width", width), ("height", height)):
        if not _CSS_LENGTH.fullmatch(v):
            msg = f"{what} must be a CSS length like 560px or 100%, got {v!r}"
            raise ValueError(msg)
    doc = _page(m)
    return (
        f'<iframe class="geomap-embed" title="{_e(title)}" srcdoc="{escape(doc, quote=True)}" '
        f'style="width:{width};height:{height};border:1px solid #ccc" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>'
    )


@dataclass(frozen=True, eq=False)
class MapView:
    """A map that shows itself in notebooks (``_repr_html_``) and saves or embeds itself.

    Parameters
    ----------
    map : folium.Map or str
        A map from :func:`geomap.render.control_map` / :func:`~geomap.render.slider_map`,
        or a complete HTML document.
    width, height : str
        Size of the embedded frame (CSS lengths).
    title : str
        Accessible title of the frame.

    Examples
    --------
    >>> v = MapView("<!DOCTYPE html><title>t</title>", height="300px")
    >>> v._repr_html_() == v.fragment() and "height:300px" in v.fragment()
    True
    """

    map: Any
    width: str = "100%"
    height: str = "560px"
    title: str = "map"

    def to_html(self) -> str:
        """Return the whole page (deterministic)."""
        return _page(self.map)

    def fragment(self) -> str:
        """Return the ``<iframe srcdoc>`` fragment (see :func:`embed`)."""
        return embed(self.map, width=self.width, height=self.height, title=self.title)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the whole page to ``path`` atomically; return the path."""
        from geomap._files import write_text_atomic

        return write_text_atomic(path, self.to_html())

    def _repr_html_(self) -> str:
        return self.fragment()


# ----------------------------------------------------------------------------- conflicts


def figures(claim: str | None) -> tuple[str, ...]:
    """Numbers quoted in a claim (casualties, people), sorted; years 1900-2099 left out.

    Examples
    --------
    >>> figures("at least 135 people by Sunday, including 50 soldiers and 42 IS fighters")
    ('135', '42', '50')
    >>> figures("killed 1,200 in 2016; U.K.-based 3.5 km")
    ('1200',)
    >>> figures(None)
    ()
    """
    if not claim:
        return ()
    out = set()
    for m in _NUMBER.finditer(claim):
        n = m.group(0).replace(",", "")
        if len(n) == 4 and 1900 <= int(n) <= 2099:
            continue
        out.add(str(int(n)))
    return tuple(sorted(out))


@dataclass(frozen=True, slots=True)
class Conflict:
    """Reports of one place, with overlapping dates, that disagree on one field.

    Parameters
    ----------
    place_id : str or None
        The resolved place (None for unresolved events, grouped by name).
    place : str
        The place name as first written.
    first, last : datetime.date
        The span of the reports' date windows (a week-precision report covers its week).
    field : str
        ``"action"``, ``"actor"``, ``"extent"`` or ``"figures"``.
    values : tuple of (str, tuple of Event)
        Each value and the reports that give it, sorted by value.
    """

    place_id: str | None
    place: str
    first: dt.date
    last: dt.date
    field: str
    values: tuple[tuple[str, tuple[Event, ...]], ...]


_FIELDS: tuple[tuple[str, Any], ...] = (
    ("action", lambda e: e.action),
    ("actor", lambda e: e.actor),
    ("extent", lambda e: e.extent),
    ("figures", lambda e: ", ".join(figures(e.claim)) or None),
)


def find_conflicts(events: Iterable[Event]) -> list[Conflict]:
    """Find reports of the same place, with overlapping dates, that disagree.

    Reports are grouped by place (resolved id, else the name in lower case); within a
    place, reports whose date windows (:func:`geomap.events.date_window`) overlap,
    directly or through a chain, form one cluster. A cluster conflicts on a field
    when its reports give more than one value of it: the action (captured or only
    contested), the actor, the extent (full or partial) or the figures quoted in the
    claims (reports without figures do not count). One :class:`Conflict` per cluster
    and field, sorted by date and place. Runs in O(n log n).

    Examples
    --------
    >>> d = dt.date(2016, 1, 18)
    >>> a = Event("a", d, "Ayash", "captured", "IS", place_id="ayyash", extent="full",
    ...           sources=("Deir Ezzor 24",), claim="the entire Ayash village")
    >>> b = Event("b", d, "Ayyash", "captured", "IS", place_id="ayyash", extent="partial",
    ...           sources=("WSJ",), claim="much of the town")
    >>> [(c.field, [v for v, _ in c.values]) for c in find_conflicts([a, b])]
    [('extent', ['full', 'partial'])]
    """
    by_place: dict[tuple[str, str], list[tuple[dt.date, dt.date, Event]]] = {}
    for e in events:
        key = ("id", e.place_id) if e.place_id else ("name", e.place.strip().lower())
        lo, hi = date_window(e.date, e.date_precision)
        by_place.setdefault(key, []).append((lo, hi, e))
    out: list[Conflict] = []
    for key in sorted(by_place):
        rows = sorted(by_place[key], key=lambda r: (r[0], r[1], r[2].event_id))
        clusters: list[list[tuple[dt.date, dt.date, Event]]] = []
        end: dt.date | None = None
        for r in rows:
            if end is None or r[0] > end:
                clusters.append([r])
                end = r[1]
            else:
                clusters[-1].append(r)
                end = max(end, r[1])
        for cl in clusters:
            if len(cl) < 2:
                continue
            evs = [r[2] for r in cl]
            for name, get in _FIELDS:
                groups: dict[str, list[Event]] = {}
                for e in evs:
                    v = get(e)
                    if v is not None:
                        groups.setdefault(v, []).append(e)
                for v in groups:
                    groups[v].sort(key=lambda e: (e.date, e.event_id))
                if len(groups) > 1:
                    out.append(Conflict(
                        place_id=key[1] if key[0] == "id" else None, place=evs[0].place,
                        first=min(r[0] for r in cl), last=max(r[1] for r in cl), field=name,
                        values=tuple((v, tuple(groups[v])) for v in sorted(groups)),
                    ))
    out.sort(key=lambda c: (c.first, c.place.lower(), c.place_id or "", c.field))
    return out


# ----------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True, slots=True)
class NameResolution:
    """How one place name of a scenario was resolved.

    Parameters
    ----------
    query : str
        The name as written.
    role : str
        ``"event"`` or ``"initial"`` (the initial-control snapshot).
    context : str
        Names are resolved jointly per group: the events' ``url`` (``""`` for none),
        or ``"initial"``.
    used : str or None
        The place id the scenario uses (None when unresolved).
    resolution : Resolution or None
        The gazetteer's answer (with score, method and alternatives); None when the
        file gave coordinates or a place id.
    rows : tuple of str
        The events (ids) or snapshot rows that carry the name.
    """

    query: str
    role: str
    context: str
    used: str | None
    resolution: Resolution | None
    rows: tuple[str, ...]


def _by_name(e: Event) -> bool:
    """Return True when the event's place was (or was not) found by name in the gazetteer.

    Events read with coordinates or a place id carry ``place_score == 1.0`` from the
    reader; a gazetteer match below a perfect 1.0 is told apart by its score.
    """
    return bool(e.place) and not (e.place_score == 1.0 and e.place_id)


def name_resolutions(sc: Scenario, gazetteer: Any = None) -> list[NameResolution]:
    """Resolve the scenario's place names again, as :func:`~geomap.scenario.load_scenario` did.

    Event names are resolved jointly per ``url`` with ``gazetteer.resolve_many`` and
    the same context point (the snapshot's mean point); snapshot names jointly, without
    context. ``used`` is what the scenario actually used; the resolution gives the
    score, method and alternatives.

    Parameters
    ----------
    sc : Scenario
    gazetteer : gazetteer.resolve.Gazetteer, optional
        The same gazetteer the scenario was loaded with (default: the embedded one).

    Returns
    -------
    list of NameResolution
        Events first (by group, then first occurrence), then snapshot names.

    Examples
    --------
    >>> from gazetteer import Match, Place, Resolution
    >>> from geomap.scenario import Scenario
    >>> from geomap.timeline import Timeline
    >>> from geomap.actors import ActorRegistry
    >>> class Tiny:
    ...     p = Place("x:1", "Ayyash", 35.421, 40.055)
    ...     def resolve_many(self, names, *, near=None, country=None):
    ...         return [Resolution(n, "found", Match(self.p, n, 0.9, "alias")) for n in names]
    >>> e = Event("e1", dt.date(2016, 1, 18), "Ayash", "captured", "IS", place_id="x:1",
    ...           lat=35.421, lon=40.055, place_score=0.9)
    >>> sc = Scenario(events=(e,), timeline=Timeline([e]), actors=ActorRegistry.default())
    >>> [(r.query, r.used, r.resolution.match.score) for r in name_resolutions(sc, Tiny())]
    [('Ayash', 'x:1', 0.9)]
    """
    if gazetteer is None:
        from gazetteer.resolve import Gazetteer

        gazetteer = Gazetteer()
    near = None
    snap = sc.snapshot
    if snap is not None and snap.states:
        near = (sum(s.lat for s in snap.states) / len(snap.states),
                sum(s.lon for s in snap.states) / len(snap.states))
    out: list[NameResolution] = []
    groups: dict[str, dict[str, list[Event]]] = {}
    given: dict[tuple[str, str | None], list[Event]] = {}
    for e in sc.events:
        if _by_name(e):
            groups.setdefault(e.url or "", {}).setdefault(e.place, []).append(e)
        else:
            given.setdefault((e.place, e.place_id), []).append(e)
    for url in sorted(groups):
        names = list(groups[url])
        results = gazetteer.resolve_many(names, near=near)
        for name, res in zip(names, results, strict=True):
            evs = groups[url][name]
            used = evs[0].place_id if evs[0].resolved else None
            out.append(NameResolution(name, "event", url, used, res,
                                      tuple(e.event_id for e in evs)))
    for (name, pid), evs in sorted(given.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        out.append(NameResolution(name, "event", evs[0].url or "", pid if evs[0].resolved
                                  else None, None, tuple(e.event_id for e in evs)))
    if snap is not None:
        # names the gazetteer resolved; not points given in the file (pt:) nor the marks
        # of a Wikipedia map module (wp:), which carry their own coordinates
        named = [s for s in snap.states if not s.place_id.startswith(("pt:", "wp:"))]
        names = list(dict.fromkeys(s.name for s in named))
        results = gazetteer.resolve_many(names) if names else []
        first = {}
        for s in named:
            first.setdefault(s.name, s.place_id)
        for name, res in zip(names, results, strict=True):
            out.append(NameResolution(name, "initial", "initial", first[name], res, ("initial",)))
        for s in snap.states:
            if s.place_id.startswith(("pt:", "wp:")):
                out.append(NameResolution(s.name, "initial", "initial", s.place_id, None,
                                          ("initial",)))
    return out


# ----------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Report:
    """A rendered report: a complete, self-contained HTML document.

    Parameters
    ----------
    title : str
        Plain-text title.
    html : str
        The document.
    conflicts : tuple of Conflict
    resolutions : tuple of NameResolution
    """

    title: str
    html: str
    conflicts: tuple[Conflict, ...] = ()
    resolutions: tuple[NameResolution, ...] = ()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the document to ``path`` atomically; return the path."""
        from geomap._files import write_text_atomic

        return write_text_atomic(path, self.html)

    def fragment(self, *, height: str = "900px") -> str:
        """Return the report as an ``<iframe srcdoc>`` fragment (see :func:`embed`)."""
        return embed(self.html, height=height, title=self.title)

    def _repr_html_(self) -> str:
        return self.fragment()


_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:0 auto;max-width:1200px;padding:1em 1.5em;color:#222}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin-top:1.6em;
border-bottom:1px solid #ccc}h3{font-size:1.05em}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.88em}
th,td{border:1px solid #ddd;padding:.3em .45em;text-align:left;vertical-align:top}
th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}
.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666}.warn{color:#a40000}.ok{color:#1a7f37}
dl.counts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}
dl.counts dt{font-weight:600}dl.counts dd{margin:0}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1.2em}
.swatch{display:inline-block;width:.8em;height:.8em;border:1px solid #555;
margin-right:.3em;vertical-align:-.05em}
iframe.geomap-embed{display:block;margin:.5em 0}figure{margin:1em 0}
table.events td:nth-child(-n+2){white-space:nowrap}
q{font-style:italic}.url{color:#666;word-break:break-all}a{word-break:break-all}
@media print{iframe.geomap-embed{page-break-inside:avoid}}
""".strip()


def _actor(sc: Scenario, actor_id: str | None) -> str:
    if not actor_id:
        return ""
    a = sc.actors.get(actor_id)
    return a.name if a is not None else actor_id


def _swatch(sc: Scenario, actor_id: str | None) -> str:
    colour = sc.actors.colour(actor_id) if actor_id else "#bbbbbb"
    if not re.fullmatch(r"#[0-9A-Fa-f]{3,8}", colour or ""):
        colour = "#bbbbbb"
    return f'<span class="swatch" style="background:{colour}"></span>'


def _state_text(sc: Scenario, st: Any) -> str:
    if st is None:
        return '<span class="muted">unknown</span>'
    who = _e(_actor(sc, st.controller)) or '<span class="muted">nobody</span>'
    extra = ""
    if st.contenders:
        extra = " vs " + ", ".join(_e(_actor(sc, c)) for c in st.contenders)
    return f"{_swatch(sc, st.controller)}{who} ({_e(st.status)}{extra})"


def _sources(e: Event) -> str:
    return _e("; ".join(e.sources)) or '<span class="muted">no source</span>'


def _score(x: float | None) -> str:
    return "" if x is None else f"{x:.3f}"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    out = [f"<table{attr}><thead><tr>", *(f"<th>{h}</th>" for h in head), "</tr></thead><tbody>"]
    n = 0
    for r in rows:
        n += 1
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    out.append("</tbody></table>")
    if n == 0:
        return '<p class="muted">None.</p>'
    return "".join(out)


def _dates(start: dt.date, end: dt.date, every: dt.timedelta) -> list[dt.date]:
    out = []
    d = start
    while d <= end:
        out.append(d)
        d += every
    return out


def build_report(
    sc: Scenario,
    *,
    date: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    every: dt.timedelta = dt.timedelta(days=1),
    slider: bool = False,
    since: dt.date | None = None,
    title: str | None = None,
    offline: bool = False,
    basemap: Sequence[Any] | None = None,
    gazetteer: Any = None,
    resolutions: Sequence[NameResolution] | None = None,
    map_height: str = "560px",
) -> Report:
    """Build the report of a scenario.

    Parameters
    ----------
    sc : Scenario
        From :func:`geomap.scenario.load_scenario`.
    date : datetime.date, optional
        Map one date (default, without ``start``/``end``/``slider``: the last change).
    start, end : datetime.date, optional
        A range: one map per date (step ``every``), or one slider with ``slider``.
        Each defaults to the scenario's first or last date.
    every : datetime.timedelta
        Step between the maps of a range.
    slider : bool
        One map with a date slider over ``start``..``end``.
    since : datetime.date, optional
        For one date: gains, losses and "what changed" since this date (default the
        day before, as ``geomap render``). For a range: ``start``.
    title : str, optional
        Plain text (escaped).
    offline : bool
        Leaflet inlined, no tiles: the page makes no request at all.
    basemap : sequence of GeoDataFrame, optional
        Vector outlines drawn under the data (the scenario's barriers are drawn too).
    gazetteer : gazetteer.resolve.Gazetteer, optional
        For the appendix (default: the embedded one); see :func:`name_resolutions`.
    resolutions : sequence of NameResolution, optional
        Precomputed appendix rows (then ``gazetteer`` is not used).
    map_height : str
        CSS height of each map frame.

    Returns
    -------
    Report

    Raises
    ------
    ValueError
        When ``date`` is given with ``start``/``end``, ``end`` is before ``start``, or
        the scenario has no dates (nothing placed, no initial control).

    Examples
    --------
    >>> from geomap.scenario import Scenario
    >>> from geomap.timeline import Timeline
    >>> from geomap.actors import ActorRegistry
    >>> e = Event("e1", dt.date(2016, 1, 18), "Ayyash", "captured", "IS", place_id="x:1",
    ...           lat=35.421, lon=40.055, place_score=1.0, previous="gov",
    ...           sources=("WSJ",), claim="much of the <town>")
    >>> sc = Scenario(events=(e,), timeline=Timeline([e]), actors=ActorRegistry.default())
    >>> r = build_report(sc, title="Ayyash", offline=True, resolutions=[])
    >>> "much of the &lt;town&gt;" in r.html and "cdn." not in r.html
    True
    """
    if date is not None and (start is not None or end is not None):
        msg = "give a date, or start/end, not both"
        raise ValueError(msg)
    if not sc.dates:
        msg = "nothing to report: no placed events and no initial control"
        raise ValueError(msg)
    from geomap.render import control_map, slider_map

    frames = list(basemap or [])
    if sc.barriers is not None:
        frames.append(sc.barriers)
    base = frames or None
    ranged = slider or start is not None or end is not None
    maps: list[tuple[str, str]] = []  # (caption, page html)
    if ranged:
        first = start or sc.dates[0]
        last = end or sc.dates[-1]
        if last < first:
            msg = f"the end ({last}) is before the start ({first})"
            raise ValueError(msg)
        before = first
        if slider:
            m = slider_map(cells=sc.tessellation().cells, intervals=sc.timeline.intervals(),
                           places=sc.places(), events=sc.events, actors=sc.actors,
                           start=first, end=last, title=title, offline=offline, basemap=base)
            maps.append((f"Control from {first} to {last} (move the slider)", _page(m)))
        else:
            for d in _dates(first, last, every):
                prev = d - every
                m = control_map(date=d, states=sc.state(d), areas=sc.layers(d, since=prev),
                                events=[e for e in sc.events
                                        if e.date <= d and (e.date > prev or not e.resolved)],
                                actors=sc.actors, title=title, offline=offline, basemap=base)
                maps.append((f"Control on {d}", _page(m)))
        period = (first, last)
    else:
        last = date or sc.dates[-1]
        before = since or last - dt.timedelta(days=1)
        m = control_map(date=last, states=sc.state(last), areas=sc.layers(last, since=before),
                        events=[e for e in sc.events
                                if e.date <= last and (e.date > before or not e.resolved)],
                        actors=sc.actors, title=title, offline=offline, basemap=base)
        maps.append((f"Control on {last} (changes since {before})", _page(m)))
        period = (last, last)

    conflicts = tuple(find_conflicts(sc.events))
    if resolutions is None:
        resolutions = name_resolutions(sc, gazetteer)
    resolutions = tuple(resolutions)
    changes = sc.timeline.changes(before, last) if before <= last else ()

    heading = title or "Control of territory"
    when = (period[0].isoformat() if period[0] == period[1]
            else f"{period[0].isoformat()} to {period[1].isoformat()}")
    doc_title = f"{heading} — {when}"
    body = [
        f"<header><h1>{_e(heading)}</h1><p class=\"muted\">Report for {_e(when)}</p></header>",
        '<nav><ul><li><a href="#summary">Summary</a></li><li><a href="#map">Map</a></li>'
        '<li><a href="#events">Events</a></li><li><a href="#conflicts">Conflicting claims</a>'
        '</li><li><a href="#gazetteer">Gazetteer appendix</a></li>'
        '<li><a href="#inputs">Nothing lost</a></li></ul></nav>',
        _summary(sc, period=period, before=before, changes=changes, conflicts=conflicts),
        '<section id="map"><h2>Map</h2>',
    ]
    for i, (caption, page) in enumerate(maps):
        body.append(f"<figure><figcaption>{_e(caption)}</figcaption>"
                    f"{embed(page, height=map_height, title=f'map {i + 1}: {caption}')}"
                    "</figure>")
    body.append("</section>")
    body.append(_events_section(sc))
    body.append(_conflicts_section(sc, conflicts))
    body.append(_gazetteer_section(sc, resolutions))
    body.append(_inputs_section(sc))
    html = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(doc_title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    return Report(title=doc_title, html=html, conflicts=conflicts, resolutions=resolutions)


def _summary(sc: Scenario, *, period: tuple[dt.date, dt.date], before: dt.date,
             changes: Sequence[Any], conflicts: Sequence[Conflict]) -> str:
    events = sc.events
    placed = [e for e in events if e.resolved]
    places = {e.place_id for e in placed}
    sources = {s for e in events for s in e.sources}
    actors = sorted({a for e in events for a in (e.actor, e.previous) if a})
    in_period = [e for e in events if period[0] <= e.date <= period[1]]
    first_date, last_date = (min(e.date for e in events), max(e.date for e in events)) \
        if events else (None, None)
    counts = [
        ("Period", _e(period[0].isoformat() if period[0] == period[1]
                      else f"{period[0]} to {period[1]}")),
        ("Events", f"{len(events)} report(s) from {first_date or '–'} to {last_date or '–'}; "
                   f"{len(in_period)} dated in the period; {len(placed)} placed, "
                   f"{len(events) - len(placed)} unresolved"),
        ("Places", f"{len(places)} place(s) in the events; {len(sc.places())} on the map "
                   "(with the initial control)"),
        ("Sources", f"{len(sources)} distinct source(s)"),
        ("Actors", ", ".join(f"{_swatch(sc, a)}{_e(_actor(sc, a))}" for a in actors) or "–"),
        ("Initial control", (f"{len(sc.snapshot.states)} place(s) on {sc.snapshot.date}"
                             if sc.snapshot is not None else "none")),
        ("Conflicting claims", str(len(conflicts))),
        ("Skipped rows", f"{skipped_rows(sc.skipped)}; unresolved names: "
                         f"{len(sc.unresolved)}"),
    ]
    rows = [(_e(c.name), _state_text(sc, c.before), _state_text(sc, c.after),
             _e(", ".join(c.events))) for c in changes]
    return (
        '<section id="summary"><h2>Summary</h2><dl class="counts">'
        + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in counts)
        + f"</dl><h3>What changed from {_e(before.isoformat())} to "
        f"{_e(period[1].isoformat())}</h3>"
        + _table(["Place", "Before", "After", "Events"], rows)
        + "</section>"
    )


def _event_place(sc: Scenario, e: Event, names: dict[str, str]) -> str:
    if not e.resolved:
        return f'{_e(e.place)}<br><span class="warn">unresolved</span>'
    shown = names.get(e.place_id or "", e.place)
    extra = f" → {_e(shown)}" if shown != e.place else ""
    return (f"{_e(e.place)}{extra}<br><span class=\"muted\">{_e(e.place_id)}"
            f"{' · score ' + _score(e.place_score) if e.place_score is not None else ''}</span>")


def _events_section(sc: Scenario) -> str:
    places = sc.places()
    names = dict(zip(places["place_id"], places["name"], strict=True))
    rows = []
    for e in sorted(sc.events, key=lambda e: (e.date, e.event_id)):
        when = e.date.isoformat() + (f" <span class=\"muted\">(that {_e(e.date_precision)})</span>"
                                     if e.date_precision != "day" else "")
        report = f"{_e(ACTION_TEXT.get(e.action, e.action))} {_swatch(sc, e.actor)}" \
                 f"{_e(_actor(sc, e.actor))}"
        if e.previous:
            report += f" from {_e(_actor(sc, e.previous))}"
        claim = f"<q>{_e(e.claim)}</q>" if e.claim else ""
        rows.append((_e(e.event_id), when, _event_place(sc, e, names), report,
                     _e(e.extent), _e(e.confidence), _sources(e), claim, _e(e.notes),
                     _link(e.url)))
    return ('<section id="events"><h2>Events</h2>'
            f"<p>{len(rows)} report(s), one row per (event, source), in date order.</p>"
            + _table(["ID", "Date", "Place", "Report", "Extent", "Confidence", "Sources",
                      "Claim", "Notes", "Link"], rows, cls="events")
            + "</section>")


def _conflicts_section(sc: Scenario, conflicts: Sequence[Conflict]) -> str:
    rows = []
    for c in conflicts:
        span = (c.first.isoformat() if c.first == c.last
                else f"{c.first.isoformat()} to {c.last.isoformat()}")
        parts = []
        for value, evs in c.values:
            shown = _actor(sc, value) if c.field == "actor" else value
            reports = "".join(
                f"<li>{_e(e.event_id)} ({_sources(e)})"
                + (f": <q>{_e(e.claim)}</q>" if e.claim else "") + "</li>"
                for e in evs
            )
            parts.append(f"<b>{_e(shown)}</b><ul>{reports}</ul>")
        place = _e(c.place) + (f'<br><span class="muted">{_e(c.place_id)}</span>'
                               if c.place_id else "")
        rows.append((place, span, _e(c.field), "".join(parts)))
    return ('<section id="conflicts"><h2>Conflicting claims</h2>'
            "<p>Reports of the same place with overlapping dates (a week-precision report "
            "covers its week) that disagree on the outcome (captured or contested), the "
            "actor, the extent, or the figures they quote. They are kept side by side, "
            "never merged.</p>"
            + _table(["Place", "Dates", "Differs in", "Values and reports"], rows)
            + "</section>")


def _gazetteer_section(sc: Scenario, resolutions: Sequence[NameResolution]) -> str:
    rows = []
    for r in resolutions:
        res = r.resolution
        ctx = ("initial control" if r.role == "initial"
               else (_link(r.context) if r.context else '<span class="muted">no url</span>'))
        rows_text = _e(", ".join(r.rows))
        if res is None:
            rows.append((_e(r.query), ctx, rows_text, "given", _e(r.used or ""), "", "",
                         "coordinates or place id given in the file", ""))
            continue
        m = res.match
        place = (f"{_e(m.place.name)}<br><span class=\"muted\">{_e(m.place.id)}</span>"
                 if m is not None else '<span class="warn">—</span>')
        if m is not None and r.used and r.used != m.place.id:
            place += f'<br><span class="warn">the scenario uses {_e(r.used)}</span>'
        method = _e(f"{m.method} (matched {m.matched!r})") if m is not None else ""
        alts = [a for a in res.alternatives if m is None or a.place.id != m.place.id]
        alt_text = "<br>".join(f"{_e(a.place.name)} <span class=\"muted\">{_e(a.place.id)} "
                               f"{_score(a.score)}</span>" for a in alts)
        if res.suggestions:
            alt_text += ("<br>" if alt_text else "") + "did you mean: " + _e(
                ", ".join(res.suggestions))
        status = _e(res.status.replace("_", " "))
        if res.status != "found":
            status = f'<span class="warn">{status}</span>'
        rows.append((_e(r.query), ctx, rows_text, status, place,
                     _score(m.score) if m else "", method, "", alt_text))
    unresolved = [(_e(f"{p.path}:{p.line}" if p.line else p.path), _e(p.column or ""),
                   _e(p.message)) for p in sc.unresolved]
    return ('<section id="gazetteer"><h2>Gazetteer appendix</h2>'
            "<p>How every place name was resolved: names reported together (same url) are "
            "resolved together, near the initial control's places.</p>"
            + _table(["Name", "Resolved with", "Rows", "Status", "Place", "Score", "Method",
                      "Note", "Alternatives"],
                     [(a, b, c, d, e, f'<span class="num">{f}</span>' if f else "", g, h, i)
                      for a, b, c, d, e, f, g, h, i in rows])
            + "<h3>Names not resolved</h3>"
            + _table(["Where", "Column", "Problem"], unresolved)
            + "</section>")


def skipped_rows(problems: Sequence[Problem]) -> int:
    """Count the rows behind a list of problems (a row may have several problems).

    Problems with a line are grouped by ``(file, line)``; those without (GeoJSON
    features, Wikipedia marks) by file and the first part of the column.

    Examples
    --------
    >>> from gazetteer.exc import Problem
    >>> skipped_rows([Problem("e.csv", 3, "date", "x"), Problem("e.csv", 3, "action", "y"),
    ...               Problem("e.csv", 5, None, "z"), Problem("m.lua", None, "wiki:a", "w")])
    3
    """
    return len({(p.path, p.line) if p.line is not None
                else (p.path, (p.column or "").split(".")[0]) for p in problems})


def _inputs_section(sc: Scenario) -> str:
    placed = sum(1 for e in sc.events if e.resolved)
    skipped = [(_e(f"{p.path}:{p.line}" if p.line else p.path), _e(p.column or ""),
                _e(p.message)) for p in sc.skipped]
    snap = sc.snapshot
    counts = [
        ("Event rows used", str(len(sc.events))),
        ("placed on the map", str(placed)),
        ("not placed (names not resolved)", str(len(sc.events) - placed)),
        ("Rows skipped (listed below)", f"{skipped_rows(sc.skipped)} ({len(sc.skipped)} "
                                        "problem(s))"),
        ("Initial control", f"{len(snap.states)} place(s)" if snap is not None else "none"),
    ]
    return ('<section id="inputs"><h2>Nothing lost</h2>'
            "<p>Every input row is either used, listed as unresolved, or listed here "
            "as skipped with the reason.</p><dl class=\"counts\">"
            + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in counts)
            + "</dl>"
            + _table(["Where", "Column", "Reason"], skipped)
            + "</section>")
