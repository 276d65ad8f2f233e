"""Reading an article: header lines (URL, date, stray numbers), outlet, paragraphs, sentences."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlparse

__all__ = ["Article", "Sentence", "parse_article", "split_sentences"]

_URL = re.compile(r"^\s*(https?://\S+)\s*$")
_NUMBER_LINE = re.compile(r"^\s*[\d.,:/\s]+\s*$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# "27-06-2015", "18/6/2016", "18.06.2016": day first (the usage of the region's outlets)
_NUMERIC_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_MONTH_ALT = "|".join(_MONTHS)
_MONTH_DATE = re.compile(
    rf"\b(?:(\d{{1,2}})\s+({_MONTH_ALT})\s+(\d{{4}})|({_MONTH_ALT})\s+(\d{{1,2}}),?\s+(\d{{4}}))\b",
    re.IGNORECASE)
# "BEIRUT (AP) —", "DAMASCUS, Syria (Reuters) -", "Kamishli, 18 March 2018 (ANHA) –"
_DATELINE = re.compile(r"^[A-Z][A-Za-z .'-]+(?:,\s*[A-Z0-9][\w .,]+)?\s*\(([A-Za-z][\w .&-]{0,30})"
                       r"\)\s*[—–-]")
# "Deir Ezzor, SANA –", "Baghdad / INA –", "Amaq News Agency –": place and/or outlet
_DATELINE_BARE = re.compile(r"^(?:([A-Z][\w .'-]{1,30}?)\s*[,/]\s*)?([A-Z][\w .&'-]{1,40}?)\s+[—–-]\s")
# "Source: <title> – WSJ", "— Reuters" as the last line
_SOURCE_LINE = re.compile(r"^(?:Source:.*?\s[–—-]\s*|[–—-]\s*)([A-Z][\w .&'-]{1,30})\s*$")
_SITE_OUTLETS = {"seattletimes.com": "Seattle Times", "wsj.com": "WSJ", "apnews.com": "AP",
                 "reuters.com": "Reuters", "aljazeera.com": "Al Jazeera", "bbc.co.uk": "BBC",
                 "bbc.com": "BBC", "nytimes.com": "New York Times",
                 "washingtonpost.com": "Washington Post", "theguardian.com": "Guardian",
                 "france24.com": "France 24", "afp.com": "AFP"}
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Brig|Col|Lt|Maj|Capt|Sgt|St|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov"
    r"|Dec|No|Vol|vs|etc|Prof|Rep|Sen|Gov)\.|\b(?:[A-Z]\.){1,3})$")
_SENT_END = re.compile(r"[.!?][”\"’')\]]*(?=\s+[“\"‘'(\[]?[A-Z0-9\u0600-\u06ff])|[.!?](?=[“\"]?[A-Z][a-z])")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: its text and character span in :attr:`Article.text`."""

    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Article:
    """An article's body and what its header lines and dateline tell.

    ``text`` is the whole input (spans of mentions refer to it); ``body_start``
    is where the body begins, after header lines (a URL, a date, stray numbers).
    """

    text: str
    body_start: int
    url: str | None
    published: dt.date | None
    outlet: str | None
    sentences: tuple[Sentence, ...]
    notes: tuple[str, ...] = ()


def parse_article(
    text: str, *, published: dt.date | None = None, outlet: str | None = None,
    url: str | None = None,
) -> Article:
    r"""Split an article into header and sentences; find its URL, date and outlet.

    Leading lines that are a URL, a date, or only numbers are header lines. Arguments
    override what the text says. Numeric dates are read day first ("27-06-2015",
    "18/6/2016"); when both readings are valid ("06/07/2016") the day-first one is
    kept and :attr:`Article.notes` says so. Without a header date, a date in the
    dateline ("Kamishli, 18 March 2018 (ANHA) –") is used. A bare dateline names
    the outlet when the registry or the known sources know it ("Deir Ezzor, SANA –").

    Examples
    --------
    >>> a = parse_article("http://x.com/a\n2016-01-18\n12\nBEIRUT (AP) — IS took Ayyash. It said so.")
    >>> a.url, a.published, a.outlet, [s.text for s in a.sentences]
    ('http://x.com/a', datetime.date(2016, 1, 18), 'AP', ['BEIRUT (AP) — IS took Ayyash.', 'It said so.'])
    >>> parse_article("27-06-2015\nIS took Ayyash.").published
    datetime.date(2015, 6, 27)
    >>> a = parse_article("06/07/2016\nIS took Ayyash.")
    >>> a.published, a.notes
    (datetime.date(2016, 7, 6), ('publication date 06/07/2016 read day first (6 July 2016); could be 7 June 2016',))
    """
    pos = 0
    found_url = found_date = None
    notes: list[str] = []
    lines = text.splitlines(keepends=True)
    for line in lines:
        s = line.strip()
        if not s:
            pos += len(line)
            continue
        m = _URL.match(s)
        if m:
            found_url = found_url or m.group(1)
        elif _ISO_DATE.fullmatch(s) or _MONTH_DATE.fullmatch(s):
            found_date = found_date or _parse_date_text(s)
        elif _NUMERIC_DATE.fullmatch(s):
            if found_date is None:
                found_date, note = _parse_numeric_date(s)
                notes.extend([note] if note else [])
        elif _NUMBER_LINE.match(s):
            pass
        else:
            break
        pos += len(line)
    body = text[pos:]
    found_outlet = None
    for line in body.splitlines():
        m = _DATELINE.match(line.strip())
        if m:
            found_outlet = m.group(1).strip()
            if found_date is None:
                found_date = _parse_date_text(line[:m.end()])
            break
        if line.strip():
            b = _DATELINE_BARE.match(line.strip())
            if b and _is_outlet(b.group(2)):
                found_outlet = b.group(2).strip()
            break
    if found_outlet is None:
        for line in reversed(body.strip().splitlines()[-3:]):
            m = _SOURCE_LINE.match(line.strip())
            if m:
                found_outlet = m.group(1).strip()
                break
    the_url = url or found_url
    if found_outlet is None and the_url:
        host = (urlparse(the_url).hostname or "").removeprefix("www.")
        found_outlet = _SITE_OUTLETS.get(host)
    if published is not None:
        notes = []
    return Article(text=text, body_start=pos, url=the_url, published=published or found_date,
                   outlet=outlet or found_outlet, sentences=split_sentences(text, start=pos),
                   notes=tuple(notes))


def _is_outlet(name: str) -> bool:
    """Return whether a dateline's name is an outlet the actor registry or the source list knows."""
    from geomap.actors import ActorRegistry, actor_key
    from geomap.extract.attribution import KNOWN_SOURCES

    if ActorRegistry.default().side_of_outlet(name) is not None:
        return True
    key = actor_key(name)
    return any(actor_key(a) == key for aliases in KNOWN_SOURCES.values() for a in aliases) or \
        key in {actor_key(v) for v in _SITE_OUTLETS.values()} or key in _WIRE_KEYS


_WIRE_KEYS = frozenset({"ina", "iraqi news agency", "anha", "rudaw", "kurdistan24", "anadolu",
                        "anadolu agency", "sana", "amaq", "aamaq", "sputnik", "tass", "dpa",
                        "xinhua", "efe", "ansa"})


def _parse_numeric_date(s: str) -> tuple[dt.date | None, str]:
    m = _NUMERIC_DATE.search(s)
    if not m:
        return None, ""
    a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        day_first = dt.date(year, b, a)
    except ValueError:
        day_first = None
    try:
        month_first = dt.date(year, a, b)
    except ValueError:
        month_first = None
    if day_first is not None and month_first is not None and a != b:
        return day_first, (f"publication date {s} read day first ({day_first.day} "
                           f"{day_first:%B %Y}); could be {month_first.day} {month_first:%B %Y}")
    return day_first or month_first, ""


def _parse_date_text(s: str) -> dt.date | None:
    m = _ISO_DATE.search(s)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m2 = _MONTH_DATE.search(s)
        if m2:
            if m2.group(1):
                return dt.date(int(m2.group(3)), _MONTHS[m2.group(2).lower()], int(m2.group(1)))
            return dt.date(int(m2.group(6)), _MONTHS[m2.group(4).lower()], int(m2.group(5)))
    except ValueError:
        return None
    return None


def split_sentences(text: str, *, start: int = 0) -> tuple[Sentence, ...]:
    """Split text into sentences (paragraphs are blank-line or line separated).

    Abbreviations (``Mr.``, ``Gen.``, ``U.S.``) do not end a sentence.

    Examples
    --------
    >>> [s.text for s in split_sentences("Brig. Gen. Ali said the U.S. left. Then IS came.")]
    ['Brig. Gen. Ali said the U.S. left.', 'Then IS came.']
    """
    out: list[Sentence] = []
    para = 0
    for pm in re.finditer(r"[^\n]+", text[start:]):
        p0 = start + pm.start()
        ptext = pm.group()
        if not ptext.strip():
            continue
        s0 = 0
        for m in _SENT_END.finditer(ptext):
            end = m.end()
            if _ABBREV.search(ptext[s0:m.start() + 1]):
                # "U.S. officials": an initialism before a lowercase/any word keeps going,
                # unless the next word is a sentence start after a dotted initialism
                continue
            seg = ptext[s0:end]
            if seg.strip():
                lead = len(seg) - len(seg.lstrip())
                out.append(Sentence(p0 + s0 + lead, p0 + end, seg.strip(), para))
            s0 = end
        seg = ptext[s0:]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            out.append(Sentence(p0 + s0 + lead, p0 + s0 + lead + len(seg.strip()), seg.strip(),
                                para))
        para += 1
    return tuple(out)
