"""Casualty, abduction and other figures, per source; never merged or averaged."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Figure", "find_figures"]

_NUMBER = re.compile(r"(?:(?P<q>at least|more than|over|nearly|about|around|some|up to|"
                     r"almost|roughly)\s+)?(?<![\w.])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?![\w.,]\d)")
_UNIT = re.compile(r"^\s*(?:%|percent|per cent|months?|days?|hours?|years?|weeks?|km|"
                   r"kilometers?|kilometres?|miles?|meters?|metres?|-year|mm|tons?|times|"
                   r"am|pm|a\.m\.|p\.m\.|st|nd|rd|th)\b", re.IGNORECASE)
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("abducted", re.compile(r"\b(?:abduct\w*|kidnapp?\w*|taken (?:captive|hostage)|"
                            r"hostages?)\b", re.IGNORECASE)),
    ("wounded", re.compile(r"\b(?:wounded|injured|injuries)\b", re.IGNORECASE)),
    ("killed", re.compile(r"\b(?:killed|killing|dead|died|death toll|lives|executed|"
                          r"massacred|slain|deaths)\b", re.IGNORECASE)),
)
_WHO_STOP = re.compile(r"\s*(?:,|(?<!Mr)(?<!Dr)(?<!Gen)(?<!Brig)(?<!Col)\.|;|\bwere\b|\bwas\b|\bhad\b|\bhave\b|\bin\b|\bincluding\b|"
                       r"\bwho\b|\bfrom\b|\bby\b|\bkilled\b|\bdead\b|\band\s+(?=\d|at least)|"
                       r"\bwhile\b|\bon\b|\bat\b|\bsince\b|$)")


@dataclass(frozen=True, slots=True)
class Figure:
    """A number of people killed, wounded or abducted, as one source gives it.

    ``qualifier`` keeps "at least", "more than" ...; ``who`` the people counted.
    """

    source: str
    kind: str
    number: int
    who: str
    sentence: str
    qualifier: str = ""

    def label(self) -> str:
        """Return ``"SOHR: killed at least 135 people"``."""
        q = f"{self.qualifier} " if self.qualifier else ""
        return f"{self.source}: {self.kind} {q}{self.number} {self.who}".strip()


def find_figures(sentence: str, source: str) -> list[Figure]:
    """Return the figures of one sentence, credited to ``source``.

    Examples
    --------
    >>> [f.label() for f in find_figures(
    ...     "SOHR said 65 regime forces and 22 IS militants were killed.", "SOHR")]
    ['SOHR: killed 65 regime forces', 'SOHR: killed 22 IS militants']
    >>> find_figures("Some 200,000 people live in the city.", "UN")
    []
    """
    kinds = [(k, m.start()) for k, pat in _KINDS for m in pat.finditer(sentence)]
    if not kinds:
        return []
    out: list[Figure] = []
    for m in _NUMBER.finditer(sentence):
        after = sentence[m.end():]
        if _UNIT.match(after):
            continue
        n = int(m.group("n").replace(",", ""))
        if 1900 <= n <= 2100 and re.search(r"(?:in|since|of|by|[A-Z][a-z]+)\s*$",
                                           sentence[:m.start("n")]):
            continue
        before = sentence[:m.start("n")]
        if re.search(r"[A-Za-z]$", before) or (re.search(r"[A-Z][\w-]*\s$", before) and not \
                re.search(r"\b(?:At|Some|Over|About|Around|More|Nearly|Up)\s$", before)):
            continue  # part of a name: "Deir Ezzor 24", "Brigade 137"
        stop = _WHO_STOP.search(after)
        who = after[: stop.start() if stop else len(after)].strip()
        who = re.sub(r"^(?:of|members of)\s+", "", who)
        if not who or len(who.split()) > 8:
            continue
        pos = m.start("n")
        kind = min(kinds, key=lambda t: abs(t[1] - pos))[0]
        out.append(Figure(source, kind, n, who, sentence, m.group("q") or ""))
    return out
