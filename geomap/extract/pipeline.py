"""Articles → mentions → statements → candidate event rows (one per event and source)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.actors import ActorRegistry
from geomap.extract.aliases import with_extract_aliases
from geomap.extract.article import Article, parse_article
from geomap.extract.attribution import Attribution, SourceBook, find_attribution
from geomap.extract.dates import DateExpr, find_dates, nth_day
from geomap.extract.figures import Figure, find_figures
from geomap.extract.mentions import Mention, find_mentions
from geomap.extract.statements import _TRIGGER, _clause, find_actor_refs, find_statements

if TYPE_CHECKING:
    from gazetteer.resolve import Gazetteer

__all__ = ["EVENT_OUTPUT_COLUMNS", "CandidateEvent", "Extraction", "extract_articles",
           "extract_events", "write_events_csv", "write_figures_csv", "write_mentions_csv"]

EVENT_OUTPUT_COLUMNS: tuple[str, ...] = (
    "event_id", "date", "date_precision", "place", "place_id", "lat", "lon", "action", "actor",
    "previous", "extent", "confidence", "source", "url", "claim", "notes", "x_needs_review",
    "x_review_reason", "x_figures", "x_outlet", "x_span",
)
_BEGAN = re.compile(r"\b(?:began|begun|launched|started|kicked off)\b", re.IGNORECASE)
_STATE = ("gov", "IRQ")
_JIHADIST = ("IS", "HTS")
_FOREIGN = ("TUR", "RUS")
_NOT_SUBJECT = re.compile(r"\b(?:from|against|by|to|of|with|on)\s+(?:the\s+)?(?:\S+\s+)?$",
                          re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CandidateEvent:
    """One row of ``events.csv``: one control-change claim at one place by one source."""

    event_id: str
    date: dt.date
    date_precision: str
    place: str
    place_id: str | None
    lat: float | None
    lon: float | None
    action: str
    actor: str
    previous: str | None
    extent: str
    confidence: str
    source: str
    url: str | None
    claim: str
    notes: str
    needs_review: bool
    review_reason: str
    figures: str = ""
    outlet: str | None = None
    span: tuple[int, int] = (0, 0)

    def row(self) -> dict[str, str]:
        """Return the CSV row (columns of :data:`EVENT_OUTPUT_COLUMNS`)."""
        return {
            "event_id": self.event_id, "date": self.date.isoformat(),
            "date_precision": self.date_precision, "place": self.place,
            "place_id": self.place_id or "",
            "lat": "" if self.lat is None else f"{self.lat:.6g}",
            "lon": "" if self.lon is None else f"{self.lon:.6g}",
            "action": self.action, "actor": self.actor, "previous": self.previous or "",
            "extent": self.extent, "confidence": self.confidence, "source": self.source,
            "url": self.url or "", "claim": self.claim, "notes": self.notes,
            "x_needs_review": "yes" if self.needs_review else "no",
            "x_review_reason": self.review_reason, "x_figures": self.figures,
            "x_outlet": self.outlet or "", "x_span": f"{self.span[0]}-{self.span[1]}",
        }


@dataclass(frozen=True, slots=True)
class Extraction:
    """What was read from one article."""

    name: str
    url: str | None
    published: dt.date
    outlet: str | None
    mentions: tuple[Mention, ...]
    events: tuple[CandidateEvent, ...]
    figures: tuple[Figure, ...]
    not_taken: tuple[tuple[Mention, str], ...] = field(default=())


@dataclass(slots=True)
class _Stmt:
    art: int
    sent: int
    st: object
    mention: Mention
    date: DateExpr | None
    date_reason: str


def _main_sides(refs: list[list], mentions: Sequence[Mention]) -> tuple[str | None, str]:
    counts = Counter(r.actor for rs in refs for r in rs if not r.generic)
    ranked = [a for a, _ in counts.most_common() if a not in _STATE]
    # "the extremists", "the militants": a jihadist group when the article names one
    insurgent = next((a for a in ranked if a in _JIHADIST), ranked[0] if ranked else None)
    if counts.get("IRQ", 0) and not counts.get("gov", 0):
        return insurgent, "IRQ"  # the article names Iraq's forces and not Syria's
    if counts.get("gov", 0) and not counts.get("IRQ", 0):
        return insurgent, "gov"
    countries = Counter(m.place_id and m.lat is not None and _country(m) for m in mentions)
    state = "IRQ" if countries.get("IQ", 0) > countries.get("SY", 0) else "gov"
    return insurgent, state


def _country(m: Mention) -> str | None:
    # Syria and Iraq split roughly at 41.0 E south of 36.5 N; north of it, at 42.0 E
    if m.lat is None or m.lon is None:
        return None
    if 29 <= m.lat <= 37.5 and 35.5 <= m.lon <= 49:
        # the border runs from the Jordan tripoint (33.37 N, 38.79 E) to Albu Kamal
        # (34.45 N, 40.94 E), north to 36.5 N at 41.0 E, then to the Tigris at 42 E
        if m.lat < 33.37:
            border = 38.79
        elif m.lat < 34.45:
            border = 38.79 + (m.lat - 33.37) * (40.94 - 38.79) / (34.45 - 33.37)
        else:
            border = 41.0 if m.lat < 36.5 else 42.0
        return "SY" if m.lon < border else "IQ"
    return None


def extract_articles(
    articles: Sequence[tuple[str, str]],
    *,
    published: dt.date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    gazetteer: Gazetteer | None = None,
    actors: ActorRegistry | None = None,
) -> list[Extraction]:
    """Read several articles about the same events together.

    Parameters
    ----------
    articles : sequence of (name, text)
        ``name`` (e.g. the file stem) prefixes the event ids.
    published, outlet, url
        Override what each article's header lines say. Without a publication
        date in the text or here, a ``ValueError`` is raised.
    gazetteer : Gazetteer, optional
        Default: the embedded gazetteer.
    actors : ActorRegistry, optional
        Default: the shipped registry.

    Returns
    -------
    list of Extraction
        One per article. An undated statement takes the date that the articles
        give to the same place elsewhere (the earliest), else the date the story
        is at when the statement comes; such rows need review.
    """
    if gazetteer is None:
        from gazetteer.resolve import Gazetteer

        gazetteer = Gazetteer()
    actors = with_extract_aliases(actors or ActorRegistry.default())
    parsed: list[Article] = []
    for name, text in articles:
        a = parse_article(text, published=published, outlet=outlet, url=url)
        if a.published is None:
            msg = f"{name}: no publication date in the text: give --published"
            raise ValueError(msg)
        parsed.append(a)
    book = SourceBook(actors)
    per_art = []
    place_dates: dict[str, list[tuple[dt.date, str, bool]]] = {}
    for a in parsed:
        assert a.published is not None
        book.learn(a.text)
        sents = a.sentences
        mentions = find_mentions(a.text, gazetteer, spans=[(s.start, s.end) for s in sents])
        by_sent: list[list[tuple[int, Mention]]] = [[] for _ in sents]
        si = 0
        for mi, m in enumerate(mentions):
            while si < len(sents) and sents[si].end <= m.start:
                si += 1
            if si < len(sents):
                by_sent[si].append((mi, m))
        dates = [find_dates(s.text, a.published) for s in sents]
        anchor = None
        for s, ds in zip(sents, dates, strict=True):
            for d in ds:
                if d.anchor or (d.kind == "weekday" and _BEGAN.search(s.text[:d.start])):
                    anchor = anchor or d.date
        dates = [[nth_day(d, anchor, a.published) if d.kind == "nth_day" else d for d in ds]
                 for ds in dates]
        carried: list[DateExpr | None] = []
        last: DateExpr | None = None
        for ds in dates:
            carried.append(last)
            own = [d for d in ds if not d.report and not d.anchor] or [d for d in ds if d.report]
            if own:
                last = own[-1]
        refs = [find_actor_refs(s.text, actors) for s in sents]
        per_art.append((a, sents, mentions, by_sent, dates, carried, refs))
        # the dates the article gives to each place
        for i, s in enumerate(sents):
            for _mi, m in by_sent[i]:
                if not m.place_id:
                    continue
                pos = m.start - s.start
                c0, c1 = _clause(s.text, pos, [])
                trig = list(_TRIGGER.finditer(s.text[c0:c1]))
                # "killed in Manbij since May 31" (no change stated); "the Fallujah operation
                # follows the liberation of Ramadi in December" (not its object)
                stated = any(c0 + t.start() < pos for t in trig) or bool(trig and re.match(
                    r"\s*(?:had\s+|has\s+)?(?:fell|fallen|was|were|been)",
                    s.text[m.end - s.start:]))
                inclause = [d for d in dates[i] if c0 <= d.start < c1 and not d.report
                            and not d.anchor and d.date is not None] if stated else []
                if inclause:
                    d = min(inclause, key=lambda d: abs(d.start - pos))
                    place_dates.setdefault(m.place_id, []).append((d.date, d.precision, True))
                elif not [d for d in dates[i] if not d.report and not d.anchor] \
                        and carried[i] is not None \
                        and carried[i].date is not None:
                    place_dates.setdefault(m.place_id, []).append(
                        (carried[i].date, carried[i].precision, False))

    results: list[Extraction] = []
    for ai, (a, sents, mentions, by_sent, dates, carried, refs) in enumerate(per_art):
        assert a.published is not None
        name = articles[ai][0]
        insurgent, state = _main_sides(refs, mentions)
        foreign = next((r.actor for rs in refs for r in rs if r.actor in _FOREIGN), None)
        subjects = _subjects(sents, refs)
        events: list[CandidateEvent] = []
        figures: list[Figure] = []
        not_taken: dict[int, str] = {}
        prev_attr: Attribution | None = None
        carry: Attribution | None = None
        prev_para = -1
        last_actor: str | None = None
        n = 0
        for i, s in enumerate(sents):
            attr = find_attribution(s.text, book, previous=prev_attr)
            own_attr = attr
            if s.paragraph != prev_para:
                carry = None  # a source is carried to the next sentences of its paragraph only
            if attr is None and carry is not None:
                attr = carry
            if own_attr is not None:
                prev_attr = own_attr
            carry = attr
            prev_para = s.paragraph
            named = attr.sources if attr else ()
            sources = list(named) or [a.outlet or "unnamed source"]
            unnamed_note = f"citing {attr.unnamed}" if attr and attr.unnamed and not named \
                else ""
            sent_figs = [f for src in sources for f in find_figures(s.text, src)]
            figures.extend(sent_figs)
            ments = [(mi, m.start - s.start, m.end - s.start, m.place_id is not None)
                     for mi, m in by_sent[i]]
            skip = (attr.start, attr.end) if own_attr is not None else (-1, -1)
            sts, notes = find_statements(s.text, i, ments, refs[i], skip=skip)
            for mi, why in notes.items():
                not_taken.setdefault(mi, why)
            seen_here: set[tuple[int, str, str]] = set()
            for st in sts:
                m = mentions[st.mention]
                key = (st.trigger_start, st.action, m.place_id or m.surface)
                if key in seen_here:
                    # "Tadmur, as the town is known in Arabic (تدمر)": the same place again
                    not_taken.setdefault(st.mention, "not taken: the same place named again")
                    continue
                seen_here.add(key)
                reasons = list(st.reasons)
                last = _last_subject(subjects, i, st.trigger_start) or last_actor
                actor = _role(st.actor, insurgent, state, last, a.text, foreign)
                if st.actor in ("insurgent", "state", "pronoun"):
                    reasons.append(f"actor from a reference ({st.actor})")
                if actor is None:
                    not_taken.setdefault(st.mention, "not taken: no actor found")
                    continue
                last_actor = actor
                previous = _role(st.previous, insurgent, state, None, a.text, foreign)
                if previous is None and st.action in ("captured", "retook", "contested"):
                    previous = (insurgent if actor in _STATE else state)
                    if previous:
                        reasons.append("previous holder inferred from the article's sides")
                if previous == actor:
                    previous = None
                follow = _following_date(sents, dates, by_sent, i)
                date, precision, dreason = _statement_date(
                    s.text, dates[i], st, carried[i], place_dates.get(m.place_id or "", []),
                    a.published, mention_pos=m.start - s.start, following=follow)
                if st.nominal and dreason:
                    not_taken.setdefault(st.mention, "not taken: a noun phrase without a date "
                                                     f"({st.trigger})")
                    continue
                if dreason:
                    reasons.append(dreason)
                reasons.extend(a.notes)
                if m.status == "ambiguous":
                    reasons.append("place name is ambiguous")
                if m.place_id is None:
                    reasons.append(f"place not in the gazetteer ({m.note})")
                if not named:
                    reasons.append("no named source" + (f" ({attr.unnamed})" if attr and
                                                        attr.unnamed else ""))
                for src in sources:
                    side = actors.side_of_outlet(src)
                    src_actor = actors.resolve(src)
                    confidence = "confirmed"
                    if (side is not None and side == actor) or (
                            src_actor is not None and src_actor.id == actor) or (attr is not None and attr.claimed and (side is not None or
                                                                 src_actor is not None)):
                        confidence = "claimed"
                    n += 1
                    figs = "; ".join(f.label() for f in sent_figs if f.source == src)
                    events.append(CandidateEvent(
                        event_id=f"{name}-{n:03d}", date=date, date_precision=precision,
                        place=m.surface, place_id=m.place_id, lat=m.lat, lon=m.lon,
                        action=st.action, actor=actor, previous=previous, extent=st.extent,
                        confidence=confidence, source=src, url=a.url, claim=s.text,
                        notes="; ".join(x for x in (unnamed_note, f"outlet: {a.outlet}"
                                                    if a.outlet else "") if x),
                        needs_review=bool(reasons), review_reason="; ".join(reasons),
                        figures=figs, outlet=a.outlet, span=(m.start, m.end)))
        taken_spans = {e.span for e in events}
        results.append(Extraction(
            name=name, url=a.url, published=a.published, outlet=a.outlet,
            mentions=tuple(mentions), events=tuple(events), figures=tuple(figures),
            not_taken=tuple((mentions[mi], why) for mi, why in sorted(not_taken.items())
                            if (mentions[mi].start, mentions[mi].end) not in taken_spans)))
    return results


def _subjects(sents: Sequence[object], refs: list[list]) -> list[list[tuple[int, str]]]:
    """Return, per sentence, the named actors that are subjects (not after "from", "by", "to"...)."""
    out: list[list[tuple[int, str]]] = []
    for s, rs in zip(sents, refs, strict=True):
        text = s.text  # type: ignore[attr-defined]
        out.append([(r.start, r.actor) for r in rs if not r.generic
                    and not _NOT_SUBJECT.search(text[max(0, r.start - 30):r.start])])
    return out


def _last_subject(subjects: list[list[tuple[int, str]]], i: int, pos: int) -> str | None:
    """Return the last named subject before ``pos`` in sentence ``i`` ("it" refers to it)."""
    here = [a for p, a in subjects[i] if p < pos]
    if here:
        return here[-1]
    for k in range(i - 1, max(-1, i - 4), -1):
        if subjects[k]:
            return subjects[k][-1][1]
    return None


def _following_date(sents: Sequence[object], dates: list[list[DateExpr]],
                    by_sent: list[list[tuple[int, Mention]]], i: int) -> DateExpr | None:
    """Return the date of the next sentence when it goes on about the same change.

    "Iraqi forces have recaptured the center of Tal Afar, the command said on Monday.
    Counter-terrorism units seized the citadel on Sunday": a next sentence (wire
    reports give each its own paragraph) that states a change, names no place of
    its own, and has an event date.
    """
    if i + 1 >= len(sents):
        return None
    nxt = sents[i + 1]
    if any(m.place_id for _mi, m in by_sent[i + 1]):
        return None
    if not _TRIGGER.search(nxt.text):  # type: ignore[attr-defined]
        return None
    own = [d for d in dates[i + 1] if d.date is not None and not d.report and not d.anchor]
    return own[0] if own else None


def _role(value: str | None, insurgent: str | None, state: str, last: str | None,
          text: str, foreign: str | None = None) -> str | None:
    if value == "occupier":
        return foreign
    if value == "insurgent":
        return insurgent
    if value == "state":
        return state
    if value == "pronoun":
        return last
    if value == "gov" and state == "IRQ" and not re.search(r"\b(?:Assad|Syrian)\b", text):
        return "IRQ"
    return value


def _statement_date(
    sentence: str, exprs: list[DateExpr], st: object, carried: DateExpr | None,
    place_dates: list[tuple[dt.date, str, bool]], published: dt.date, *,
    mention_pos: int | None = None, following: DateExpr | None = None,
) -> tuple[dt.date, str, str]:
    c0, c1 = st.clause  # type: ignore[attr-defined]
    pos = st.trigger_start  # type: ignore[attr-defined]
    usable = [d for d in exprs if d.date is not None and not d.anchor]
    inclause = [d for d in usable if c0 <= d.start < c1 and not d.report]
    if inclause:
        # several dates in the clause ("Ramadi in December and Hit in April"): the one
        # nearest the place; otherwise the one nearest the verb
        ref = mention_pos if mention_pos is not None and len(inclause) > 1 else pos
        d = min(inclause, key=lambda d: (abs(d.start - ref), d.start))
        return d.date, d.precision, ""  # type: ignore[return-value]
    w0, w1 = _clause(sentence, pos, [])
    wide = [d for d in usable if w0 <= d.start < w1 and not d.report]
    if wide:
        # "had retaken Tadmur after IS withdrew from the city on Thursday": the date of
        # the next verb of the same clause
        d = min(wide, key=lambda d: (abs(d.start - pos), d.start))
        return d.date, d.precision, ""  # type: ignore[return-value]
    report = [d for d in usable if d.report]
    strong = [(d, p) for d, p, s in place_dates if s]
    if report:
        d = report[0]
        assert d.date is not None
        # "have taken Manbij, a spokesman said Saturday" + "captured Manbij on Friday"
        before = [(x, p) for x, p in strong if d.date - dt.timedelta(days=7) <= x <= d.date]
        if before:
            x, p = max(before)
            return x, p, "date from another sentence about the same place (before the report)"
        if following is not None and following.date is not None and \
                d.date - dt.timedelta(days=7) <= following.date <= d.date:
            return following.date, following.precision, "date from the following sentence"
        return d.date, d.precision, f"date of the report ({d.text!r}), not of the event"
    if following is not None and following.date is not None and \
            published - dt.timedelta(days=7) <= following.date <= published:
        return following.date, following.precision, "date from the following sentence"
    if strong:
        d, p = min(strong)
        return d, p, "date from another sentence about the same place"
    lo = published - dt.timedelta(days=7)
    weak = [(d, p) for d, p, _s in place_dates if lo <= d <= published]
    if carried is not None and carried.date is not None and lo <= carried.date <= published:
        weak.append((carried.date, carried.precision))
    if weak:
        d, p = min(weak)
        return d, p, "date from the context (no date in the sentence)"
    return published, "week", "no date in the text: the publication date"


def extract_events(
    text: str,
    *,
    published: dt.date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    gazetteer: Gazetteer | None = None,
    actors: ActorRegistry | None = None,
    name: str = "article",
) -> Extraction:
    """Read one article: place mentions, candidate events, figures.

    Examples
    --------
    >>> import datetime as dt
    >>> ex = extract_events("BEIRUT (AP) — Islamic State fighters captured the entire "
    ...                     "village of Ayyash on Monday, activists said.",
    ...                     published=dt.date(2016, 1, 18))
    >>> [(e.place_id, e.actor, str(e.date), e.extent, e.source) for e in ex.events]
    [('curated:ayyash', 'IS', '2016-01-18', 'full', 'AP')]
    """
    return extract_articles([(name, text)], published=published, outlet=outlet, url=url,
                            gazetteer=gazetteer, actors=actors)[0]


def _write_atomic(path: str | os.PathLike[str], content: str) -> Path:
    from geomap._files import write_text_atomic

    return write_text_atomic(path, content)


def _csv(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_events_csv(extractions: Sequence[Extraction], path: str | os.PathLike[str]) -> Path:
    """Write the events of extractions as a CSV readable by :func:`geomap.events.read_events`."""
    rows = [e.row() for ex in extractions for e in ex.events]
    return _write_atomic(path, _csv(EVENT_OUTPUT_COLUMNS, rows))


MENTION_COLUMNS: tuple[str, ...] = ("article", "start", "end", "surface", "place_id", "name",
                                    "lat", "lon", "score", "status", "role", "note")


def write_mentions_csv(extractions: Sequence[Extraction], path: str | os.PathLike[str]) -> Path:
    """Write every mention (span, surface, resolved place, score, status, role)."""
    rows = []
    for ex in extractions:
        used = {e.span for e in ex.events}
        why = {(m.start, m.end): w for m, w in ex.not_taken}
        for m in ex.mentions:
            role = "event" if (m.start, m.end) in used else (
                "not_taken" if (m.start, m.end) in why else "mention")
            rows.append({"article": ex.name, "start": str(m.start), "end": str(m.end),
                         "surface": m.surface, "place_id": m.place_id or "",
                         "name": m.name or "",
                         "lat": "" if m.lat is None else f"{m.lat:.6g}",
                         "lon": "" if m.lon is None else f"{m.lon:.6g}",
                         "score": f"{m.score:.4f}", "status": m.status, "role": role,
                         "note": "; ".join(x for x in (m.note, why.get((m.start, m.end), ""))
                                           if x)})
    return _write_atomic(path, _csv(MENTION_COLUMNS, rows))


FIGURE_COLUMNS: tuple[str, ...] = ("article", "source", "kind", "qualifier", "number", "who",
                                   "sentence")


def write_figures_csv(extractions: Sequence[Extraction], path: str | os.PathLike[str]) -> Path:
    """Write every figure, one row per source and number (never merged)."""
    rows = [{"article": ex.name, "source": f.source, "kind": f.kind, "qualifier": f.qualifier,
             "number": str(f.number), "who": f.who, "sentence": f.sentence}
            for ex in extractions for f in ex.figures]
    return _write_atomic(path, _csv(FIGURE_COLUMNS, rows))
