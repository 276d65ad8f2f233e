"""Relative date expressions resolved against the publication date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["DateExpr", "find_dates", "nth_day"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MON_ABBR = {m[:3]: i for i, m in enumerate(_MONTHS, start=1)} | {"sept": 9}
_FULL_MONTHS = "|".join(m.capitalize() for m in _MONTHS)
_ABBR_MONTHS = "|".join(k.capitalize() for k in _MON_ABBR)
_MONTH_RE = rf"(?:{_FULL_MONTHS}|(?:{_ABBR_MONTHS})\.?)"
_WD = "|".join(w.capitalize() for w in _WEEKDAYS)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_SPEECH = re.compile(r"\b(?:said|says|reported|reports|announced|claimed|added|told|stated|"
                     r"confirmed|denied)\s+$")

_START = re.compile(
    r"(?:\bsince\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:began|begun|started|launched|start|launch|"
    r"beginning)\b(?:\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?)?\s*(?:on|in)?\s*|"
    r"\bsince\s+(?:on\s+)?)$", re.IGNORECASE)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("explicit", re.compile(rf"\b(?:on\s+)?(?:(\d{{1,2}})\s+({_MONTH_RE})|({_MONTH_RE})\s+"
                            rf"(\d{{1,2}})(?:st|nd|rd|th)?)(?:,?\s+(\d{{4}}))?\b")),
    ("month_year", re.compile(rf"\b(?:in\s+|by\s+|since\s+)?({_MONTH_RE})\s+(\d{{4}})\b")),
    # "in December", "since April": the latest such month on or before publication
    ("month", re.compile(rf"\b(?i:in|by|since|until|from)\s+(?:(?i:early|mid|late)[\s-]+)?"
                         rf"({_FULL_MONTHS})\b(?![\s,]+\d)")),
    ("weekend", re.compile(r"\b(?:over|during|at|on|this|last)\s+(?:the\s+)?weekend\b",
                           re.IGNORECASE)),
    ("since", re.compile(rf"\b(?i:since)\s+(?:(?:early|late)\s+)?({_WD})\b")),
    ("weekday", re.compile(rf"\b(?:(?i:on|early|late|by|before|at\s+dawn(?:\s+on)?|at\s+dusk|"
                           rf"overnight|last)\s+)?({_WD})(?:[’']s)?(?:\s+(?:morning|afternoon|"
                           rf"evening|night))?\b")),
    ("yesterday", re.compile(r"\byesterday\b", re.IGNORECASE)),
    ("today", re.compile(r"\b(?:today|earlier today|this morning)\b", re.IGNORECASE)),
    ("last_week", re.compile(r"\b(?:(?:late|early)\s+)?last\s+week\b", re.IGNORECASE)),
    ("last_month", re.compile(r"\blast\s+month\b", re.IGNORECASE)),
    ("this_month", re.compile(r"\bearlier\s+this\s+month\b", re.IGNORECASE)),
    ("nth_day", re.compile(r"\b(?:the\s+)?(" + "|".join(_ORDINALS) + r")\s+day\s+of\b",
                           re.IGNORECASE)),
)


@dataclass(frozen=True, slots=True)
class DateExpr:
    """A date expression found in a sentence.

    ``start``/``end`` are offsets in the sentence; ``date`` and ``precision``
    (``day``, ``week``, ``month``) what it resolves to (``None`` for an
    ``nth_day`` without an anchor); ``report`` is true for the date of a
    statement ("said Monday"), which bounds the event date but is not it;
    ``anchor`` is true for the start of an offensive ("since Saturday").
    """

    start: int
    end: int
    text: str
    kind: str
    date: dt.date | None
    precision: str
    report: bool = False
    anchor: bool = False


def _weekday_on_or_before(published: dt.date, weekday: int) -> dt.date:
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _month_day(published: dt.date, month: int, day: int, year: int | None) -> dt.date | None:
    try:
        if year is not None:
            return dt.date(year, month, day)
        d = dt.date(published.year, month, day)
        return d if d <= published + dt.timedelta(days=1) else dt.date(published.year - 1, month,
                                                                        day)
    except ValueError:
        return None


def _month_num(text: str) -> int:
    t = text.lower().rstrip(".")
    return _MONTHS.index(t) + 1 if t in _MONTHS else _MON_ABBR[t[:4] if t == "sept" else t[:3]]


def find_dates(sentence: str, published: dt.date) -> list[DateExpr]:
    """Return the date expressions of a sentence, resolved against ``published``.

    Weekday names mean the latest such day on or before the publication date;
    "over the weekend" the Saturday before, with precision ``week``; "last week"
    the Monday of the previous ISO week (``week``); "in December" the 1st of the
    latest December on or before publication (``month``). A date after "since"
    ("since the offensive began on May 31") is an ``anchor``: when a period
    began, not an event date.

    Examples
    --------
    >>> d = dt.date(2016, 1, 18)  # a Monday
    >>> [(e.text, str(e.date), e.precision) for e in find_dates("at dawn Saturday", d)]
    [('at dawn Saturday', '2016-01-16', 'day')]
    >>> [(str(e.date), e.precision, e.report) for e in find_dates("it said Monday", d)]
    [('2016-01-18', 'day', True)]
    >>> [(str(e.date), e.precision) for e in find_dates("Over the weekend, IS", d)]
    [('2016-01-16', 'week')]
    >>> [(str(e.date), e.precision) for e in find_dates("IS took it in December", d)]
    [('2015-12-01', 'month')]
    >>> [(str(e.date), e.anchor) for e in find_dates("since the assault began on Jan. 2", d)]
    [('2016-01-02', True)]
    """
    taken: list[tuple[int, int]] = []
    out: list[DateExpr] = []
    for kind, pat in _PATTERNS:
        for m in pat.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            date: dt.date | None = None
            precision = "day"
            anchor = False
            if kind == "explicit":
                if m.group(1):
                    month, day = _month_num(m.group(2)), int(m.group(1))
                else:
                    month, day = _month_num(m.group(3)), int(m.group(4))
                date = _month_day(published, month, day, int(m.group(5)) if m.group(5) else None)
            elif kind == "month_year":
                date, precision = dt.date(int(m.group(2)), _month_num(m.group(1)), 1), "month"
            elif kind == "month":
                month = _month_num(m.group(1))
                year = published.year if month <= published.month else published.year - 1
                date, precision = dt.date(year, month, 1), "month"
            elif kind == "weekend":
                sat = _weekday_on_or_before(published, 5)
                if m.group().lower().startswith("last") and published.weekday() >= 5:
                    sat -= dt.timedelta(days=7)
                date, precision = sat, "week"
            elif kind in ("since", "weekday"):
                wd = _WEEKDAYS.index(m.group(1).lower())
                date = _weekday_on_or_before(published, wd)
                if m.group().lower().startswith("last ") and date == published:
                    date -= dt.timedelta(days=7)
                anchor = kind == "since"
            elif kind == "yesterday":
                date = published - dt.timedelta(days=1)
            elif kind == "today":
                date = published
            elif kind == "last_week":
                # an ISO week is dated by its Monday (docs/events.md)
                date = published - dt.timedelta(days=7 + published.weekday())
                precision = "week"
            elif kind == "last_month":
                first = published.replace(day=1) - dt.timedelta(days=1)
                date, precision = first.replace(day=1), "month"
            elif kind == "this_month":
                date, precision = published.replace(day=1), "month"
            elif kind == "nth_day":
                precision = "day"
            if date is None and kind != "nth_day":
                continue
            report = bool(_SPEECH.search(sentence[: m.start()])) and kind == "weekday"
            # "since the offensive began on May 31", "since January 20": when a
            # period started, not when the sentence's change happened
            if kind in ("explicit", "month_year", "month") and _START.search(
                    sentence[max(0, m.start() - 60):m.start()]):
                anchor = True
            taken.append((m.start(), m.end()))
            out.append(DateExpr(m.start(), m.end(), m.group(), kind, date, precision,
                                report=report, anchor=anchor))
    out.sort(key=lambda e: e.start)
    return out


def nth_day(expr: DateExpr, anchor: dt.date | None, published: dt.date) -> DateExpr:
    """Resolve "the third day of an offensive" from the offensive's first day (or publication).

    Examples
    --------
    >>> e = find_dates("in the third day of an offensive", dt.date(2016, 1, 18))[0]
    >>> nth_day(e, dt.date(2016, 1, 16), dt.date(2016, 1, 18)).date
    datetime.date(2016, 1, 18)
    """
    n = _ORDINALS[expr.text.lower().split()[-3]]
    if anchor is not None:
        date = anchor + dt.timedelta(days=n - 1)
        return DateExpr(expr.start, expr.end, expr.text, expr.kind, date, "day")
    return DateExpr(expr.start, expr.end, expr.text, expr.kind, published, "week")
