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
_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_MONTH_ALT = "|".join(_MONTHS)
_MONTH_DATE = re.compile(
    rf"\b(?:(\d{{1,2}})\s+({_MONTH_ALT})\s+(\d{{4}})|({_MONTH_ALT})\s+(\d{{1,2}}),?\s+(\d{{4}}))\b",
    re.IGNORECASE)
# "BEIRUT (AP) —", "DAMASCUS, Syria (Reuters) -"
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(?:,\s*[A-Z][\w .]+)?\s*\(([A-Za-z][\w .&-]{0,30})\)\s*[—–-]")
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


def parse_article(
    text: str, *, published: dt.date | None = None, outlet: str | None = None,
    url: str | None = None,
) -> Article:
    r"""Split an article into header and sentences; find its URL, date and outlet.

    Leading lines that are a URL, a date, or only numbers are header lines. Arguments
    override what the text says.

    Examples
    --------
    >>> a = parse_article("http://x.com/a\n2016-01-18\n12\nBEIRUT (AP) — IS took Ayyash. It said so.")
    >>> a.url, a.published, a.outlet, [s.text for s in a.sentences]
    ('http://x.com/a', datetime.date(2016, 1, 18), 'AP', ['BEIRUT (AP) — IS took Ayyash.', 'It said so.'])
    """
    pos = 0
    found_url = found_date = None
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
    return Article(text=text, body_start=pos, url=the_url, published=published or found_date,
                   outlet=outlet or found_outlet, sentences=split_sentences(text, start=pos))


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
