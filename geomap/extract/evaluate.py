"""Scoring extraction against a labelled corpus, and the dictionary baseline it is compared with.

A corpus folder holds ``NAME.txt`` articles with ``NAME.json`` gold files:
``{"published": "YYYY-MM-DD", "mentions": [{"surface", "place_id"}...],
"events": [{"place_id", "action", "actor", "date", ...}...]}``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.actors import ActorRegistry
from geomap.extract.article import parse_article
from geomap.extract.mentions import Mention
from geomap.extract.pipeline import extract_events

if TYPE_CHECKING:
    from gazetteer.resolve import Gazetteer

__all__ = ["Scores", "baseline_extract", "score_corpus"]

_CAPS = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_BASELINE_VERBS = re.compile(
    r"\b(captured|seized|took control|overran|stormed|retook|recaptured|regained|withdrew|"
    r"besieged|fell to|lost)\b", re.IGNORECASE)
_VERB_ACTION = {"retook": "retook", "recaptured": "retook", "regained": "retook",
                "withdrew": "withdrew", "besieged": "besieged", "stormed": "contested"}

Extractor = Callable[[str, dt.date], tuple[list[Mention], set[tuple[str, str, str, str]]]]


@dataclass(frozen=True, slots=True)
class Scores:
    """Micro-averaged scores over a corpus."""

    mention_precision: float
    mention_recall: float
    resolution_accuracy: float
    event_precision: float
    event_recall: float
    articles: int

    def line(self, label: str) -> str:
        """Return one printable line."""
        return (f"{label:<10} mentions P={self.mention_precision:.2f} R={self.mention_recall:.2f}"
                f"  resolution@5km={self.resolution_accuracy:.2f}"
                f"  events P={self.event_precision:.2f} R={self.event_recall:.2f}"
                f"  ({self.articles} articles)")


def ours(gazetteer: Gazetteer) -> Extractor:
    """Return the extractor of this package in the scoring interface."""

    def run(text: str, published: dt.date) -> tuple[list[Mention], set[tuple[str, ...]]]:
        ex = extract_events(text, published=published, gazetteer=gazetteer)
        events = {(e.place_id or "", e.action, e.actor, e.date.isoformat()) for e in ex.events}
        return [m for m in ex.mentions if m.place_id], events  # type: ignore[return-value]

    return run


def baseline_extract(gazetteer: Gazetteer, *, actors: ActorRegistry | None = None) -> Extractor:
    """Return the baseline: exact gazetteer names of capitalised n-grams + a verb list.

    Every capitalised 1-3-word n-gram equal (case-folded) to a gazetteer name is a
    mention of the most populous place with that name; every sentence with a verb
    of the list makes an event at each of its mentions, by the first actor the
    registry finds in the sentence, dated the publication date.
    """
    reg = actors or ActorRegistry.default()
    con = gazetteer.index.con

    def run(text: str, published: dt.date) -> tuple[list[Mention], set[tuple[str, ...]]]:
        art = parse_article(text, published=published)
        mentions: list[Mention] = []
        events: set[tuple[str, ...]] = set()
        for s in art.sentences:
            toks = [(m.start(), m.end(), m.group()) for m in _CAPS.finditer(s.text)]
            found: list[Mention] = []
            i = 0
            while i < len(toks):
                hit = None
                for n in (3, 2, 1):
                    if i + n > len(toks) or not all(t[2][0].isupper() for t in toks[i:i + n]):
                        continue
                    surface = s.text[toks[i][0]:toks[i + n - 1][1]]
                    row = con.execute(
                        "SELECT p.id, p.name, p.lat, p.lon FROM names n JOIN places p USING (pid)"
                        " WHERE n.exact = ? ORDER BY p.population DESC, p.id LIMIT 1",
                        (surface.casefold(),)).fetchone()
                    if row:
                        hit = (n, surface, row)
                        break
                if hit is None:
                    i += 1
                    continue
                n, surface, (pid, name, lat, lon) = hit
                start = s.start + toks[i][0]
                found.append(Mention(start, start + len(surface), surface, pid, name, lat, lon,
                                     1.0, "found"))
                i += n
            mentions.extend(found)
            verb = _BASELINE_VERBS.search(s.text)
            if verb:
                actor = None
                for w in re.finditer(r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*", s.text):
                    a = reg.resolve(w.group())
                    if a is not None:
                        actor = a.id
                        break
                if actor:
                    action = _VERB_ACTION.get(verb.group(1).lower(), "captured")
                    for m in found:
                        events.add((m.place_id or "", action, actor, published.isoformat()))
        return mentions, events

    return run


def score_corpus(folder: str | Path, extractor: Extractor, *, gazetteer: Gazetteer) -> Scores:
    """Score an extractor on a labelled corpus folder (see the module docstring).

    Mentions match gold mentions by surface form, in text order; a matched
    mention is resolved correctly when it lies within 5 km of the gold place.
    Events match on (place_id, action, actor, date), once per article.
    """
    from gazetteer.resolve import haversine_km

    tp_m = fp_m = fn_m = ok_res = 0
    tp_e = fp_e = fn_e = 0
    files = sorted(Path(folder).glob("*.json"))
    for gold_path in files:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = gold_path.with_suffix(".txt").read_text(encoding="utf-8")
        mentions, events = extractor(text, dt.date.fromisoformat(gold["published"]))
        remaining = list(gold["mentions"])
        for m in mentions:
            j = next((k for k, g in enumerate(remaining) if g["surface"] == m.surface), None)
            if j is None:
                fp_m += 1
                continue
            g = remaining.pop(j)
            tp_m += 1
            p = gazetteer.get(g["place_id"])
            if p is not None and m.lat is not None and m.lon is not None and haversine_km(
                    p.lat, p.lon, m.lat, m.lon) <= 5.0:
                ok_res += 1
        fn_m += len(remaining)
        gold_events = {(e["place_id"], e["action"], e["actor"], e["date"]) for e in gold["events"]}
        tp_e += len(events & gold_events)
        fp_e += len(events - gold_events)
        fn_e += len(gold_events - events)

    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    return Scores(ratio(tp_m, tp_m + fp_m), ratio(tp_m, tp_m + fn_m), ratio(ok_res, tp_m),
                  ratio(tp_e, tp_e + fp_e), ratio(tp_e, tp_e + fn_e), len(files))
