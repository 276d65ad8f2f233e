"""Place mentions found with the gazetteer itself (no NER model).

Candidate spans are runs of 1-5 capitalised tokens (articles such as ``al``/``el``
allowed inside, Arabic script counts as capitalised), plus the same runs extended
by a facility word that follows (``camp``, ``base``, ``airport`` ...). All their
exact forms and normalized keys are looked up in the index's ``names`` table in
one SQL query per article; the longest matching spans win; the surviving names are
resolved together with :meth:`gazetteer.resolve.Gazetteer.resolve_many` (the
document's places are each other's context). Filters keep common words out:
stop-words and calendar words, words the article also writes in lowercase, names
after a person's title, single weak words inside a longer proper name, and places
far from the document's other places.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gazetteer.index import exact_key
from gazetteer.normalize import ARTICLES, keys, normalize

if TYPE_CHECKING:
    from gazetteer.resolve import Gazetteer

__all__ = ["Mention", "find_mentions"]

_TOKEN = re.compile(r"[^\W\d_]+(?:['’`ʿʾ\-](?!s\b)[^\W\d_]+)*|\d+")
_ARTICLES = frozenset({"al", "el", "as", "ad", "an", "ar", "at", "az", "ash", "ath", "ed", "en",
                       "er", "es", "et", "ez", "ul", "il", "of", "bin", "ibn", "abu", "um", "umm",
                       "ras", "tal", "tell", "deir", "wadi", "jabal", "jebel", "ain", "ein"})
_LEADING_ARTICLES = frozenset(ARTICLES) - {"ال"}
# written apart from the name, these are English words ("in Hasakah", "at Raqqa")
_ENGLISH_ARTICLES = frozenset({"in", "an", "as", "at", "is", "it", "us", "un", "id", "ad", "en",
                               "er", "ur", "l", "ir", "ut"})
_FACILITY = ("military airport", "air base", "airbase", "airport", "military base",
             "army base", "camp", "base", "dam", "hospital", "prison", "bridge", "crossing",
             "oil field", "field", "castle", "citadel", "roundabout", "square")
_PLACE_AFTER = re.compile(
    r"^[\s,]*(?:village|town|city|province|governorate|district|subdistrict|camp|base|airport|"
    r"air\s*base|neighbou?rhood|area|countryside|suburbs?|outskirts|region|dam|river|hills?|"
    r"mountains?|border|crossing)\b", re.IGNORECASE)
_PLACE_BEFORE = re.compile(
    r"\b(?:in|near|at|from|to|into|outside|around|toward|towards|of|across|through|between|"
    r"captured|seized|took|retook|recaptured|stormed|overran|entered|besieged|held|control|"
    r"hold|holds|holding|shelled|attacked|fell|reached|liberated|regained|"
    r"controls|besieging|surrounding|town|village|city|district|province|"
    r"north|south|east|west)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}$")
# "Dibis had fallen", "Sukhnah was captured": the subject of a control-change verb
_EVENT_AFTER = re.compile(
    r"^\s+(?:had\s+|has\s+|have\s+)?(?:fallen|fell|(?:was|were|had\s+been|has\s+been)\s+"
    r"(?:captured|seized|taken|retaken|recaptured|liberated|overrun|lost|besieged))\b|"
    r"^,\s+which\s+(?:[\w-]+\s+){0,4}(?:captured|seized|took|retook|recaptured|overran|"
    r"liberated|stormed|besieged|entered)\b")
# "the countryside of Homs", "the province of Anbar": the area, not the town
_REGION_BEFORE = re.compile(
    r"\b(?:countryside|province|governorate|region|desert)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE)
#: Given names that begin people's names written like places ("Haider al-Abadi").
GIVEN_NAMES: frozenset[str] = frozenset(["abdul", "abdel", "abd", "abdullah", "abdallah", "haider", "haidar", "hayder", "yahya", "rami", "nouri", "nuri", "fuad", "masoud", "masud", "massoud", "bashar", "hafez", "hafiz", "maher", "walid", "waleed", "salih", "saleh", "qassem", "qasim", "kassem", "hadi", "hamid", "hameed", "jamal", "jamil", "karim", "kareem", "majid", "nabil", "nasser", "nasir", "qais", "rafiq", "saad", "sami", "tariq", "tarek", "usama", "osama", "yasser", "yasir", "yusuf", "youssef", "yousef", "zaid", "zeid", "abbas", "abbud", "adnan", "ammar", "anwar", "ayman", "bakr", "faisal", "falah", "fadel", "hamza", "hussain", "husayn", "ismail", "issam", "jaafar", "jabbar", "khalil", "mazen", "mohamad", "mohammad", "muhammed", "mohamed", "muqtada", "mustafa", "naji", "raed", "riyad", "sabah", "sadiq", "sharif", "suleiman", "talal", "wael", "ziad", "recep", "tayyip", "sherfan"])
_AFTER_GIVEN = re.compile(r"\b(?:" + "|".join(sorted(GIVEN_NAMES)) + r")[ \u00a0]+$",
                          re.IGNORECASE)
_DATELINE_AFTER = re.compile(r"^(?:,\s*[A-Z][\w .]+)?\s*(?:\([A-Z][\w .&-]*\))?\s*[—–-]")
_IN_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(?:,\s*[A-Z][\w .]+)?\s*\($")
_ADMIN_AFTER = re.compile(r"^\s*(?:province|governorate|region)\b", re.IGNORECASE)
_WATER_AFTER = re.compile(r"^\s*(?:River|river|Lake|lake)\b")
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "gen", "brig", "col", "lt", "maj", "capt", "sgt",
                     "president", "minister", "king", "prince", "sheikh", "imam", "general",
                     "colonel", "commander", "spokesman", "spokeswoman", "activist", "chief",
                     "leader", "official", "emir", "director", "journalist", "analyst",
                     "resident", "named", "dubbed", "called"})
#: Capitalised words that are almost never a place in conflict reporting.
STOPWORDS: frozenset[str] = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "but", "and", "or", "if", "in", "on", "at", "by", "for", "from", "with", "to", "of", "as", "after", "before", "since", "while", "when", "where", "during", "over", "under", "state", "states", "army", "observatory", "security", "council", "general", "secretary", "photo", "images", "image", "source", "islamic", "sunni", "shiite", "shia", "kurdish", "kurds", "arab", "arabs", "syrian", "iraqi", "russian", "turkish", "american", "iranian", "lebanese", "western", "eastern", "northern", "southern", "north", "south", "east", "west", "central", "upper", "lower", "new", "old", "great", "grand", "defense", "defence", "ministry", "foreign", "human", "rights", "news", "agency", "media", "network", "president", "minister", "government", "regime", "forces", "force", "military", "militia", "group", "front", "brigade", "brigades", "battalion", "division", "unit", "units", "air", "airport", "base", "camp", "city", "town", "village", "province", "district", "river", "hospital", "university", "mosque", "school", "street", "road", "square", "bridge", "gate", "reuters", "ap", "afp", "associated", "press", "wsj", "bbc", "cnn", "sana", "aamaq", "amaq", "daesh", "isis", "isil", "is", "un", "u.n.", "us", "u.s.", "uk", "u.k.", "eu", "nato", "mr", "mrs", "ms", "dr", "gen", "brig", "col", "lt", "maj", "capt", "sgt", "god", "allah", "christmas", "ramadan", "eid", "caliphate", "caliph", "sheikh", "emir", "prophet", "beirut-based", "britain-based", "london-based", "u.k.-based", "abdurrahman", "rami", "hussein", "ali", "omar", "ahmed", "ahmad", "mohammed", "muhammad", "mahmoud", "hassan", "hasan", "khaled", "khalid", "ibrahim", "mustafa", "samer", "amin", "jad", "abu", "bin", "ibn", "democratic", "popular", "national", "republican", "revolutionary", "liberation", "free", "first", "second", "third", "fourth", "fifth", "last", "next", "such", "both", "some", "all", "most", "many", "several"])
#: Country and large-region names: mentions, but not towns of the gazetteer.
COUNTRIES: frozenset[str] = frozenset(normalize(n) for n in """
Syria|Iraq|Turkey|Lebanon|Jordan|Iran|Israel|Egypt|Saudi Arabia|Russia|France|Britain|
United Kingdom|United States|America|Europe|Germany|Kuwait|Qatar|Yemen|Libya|Afghanistan|
Pakistan|Middle East|Levant|Kurdistan|Gulf|Palestine|Gaza|West Bank|Golan|Golan Heights|
Iraqi Kurdistan|Rojava|Arabia|Africa|Asia|China|Belgium|Netherlands|Denmark|Australia|
Canada|Italy|Spain|Greece|Cyprus|Tunisia|Algeria|Morocco|Sudan|Ukraine""".replace("\n", "")
                                     .split("|"))


@dataclass(frozen=True, slots=True)
class Mention:
    """A place mention: its span in the article text and the place it resolves to.

    ``status`` is the gazetteer's (``found``, ``ambiguous``, ``not_found``);
    a ``not_found`` mention (a province, a country, a river the gazetteer lacks)
    has no ``place_id``. ``note`` says why a mention is unusual.
    """

    start: int
    end: int
    surface: str
    place_id: str | None
    name: str | None
    lat: float | None
    lon: float | None
    score: float
    status: str
    note: str = ""


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    surface: str
    ntok: int
    tok0: int
    exact: str
    key: str
    skel: str = ""


def _is_cap(tok: str) -> bool:
    c = tok[0]
    if c.isupper() or ("\u0600" <= c <= "\u06ff"):
        return True
    # "el-Zour", "al-Bab": an article glued to a capitalised word
    head, sep, rest = tok.partition("-")
    return bool(sep) and head.lower() in _LEADING_ARTICLES and rest[:1].isupper()


def _candidates(text: str, spans: Sequence[tuple[int, int]]) -> list[_Cand]:
    out: list[_Cand] = []
    for s0, s1 in spans:
        toks = [(m.start() + s0, m.end() + s0, m.group()) for m in _TOKEN.finditer(text[s0:s1])]
        for i in range(len(toks)):
            first = toks[i][2]
            lead_article = first.lower() in _LEADING_ARTICLES - _ENGLISH_ARTICLES and \
                i + 1 < len(toks)
            if not (_is_cap(first) or lead_article) or first.isdigit() or first.lower() == "the":
                continue
            for n in range(1, 6):
                j = i + n - 1
                if j >= len(toks):
                    break
                if j > i:
                    gap = text[toks[j - 1][1]:toks[j][0]]
                    if gap not in (" ", "-", "\u00a0"):
                        break
                    tj = toks[j][2]
                    if not (_is_cap(tj) or tj.lower() in _ARTICLES or tj.isdigit()):
                        break
                last = toks[j][2]
                if not (_is_cap(last) or last.isdigit()) or (n == 1 and lead_article):
                    continue
                start, end = toks[i][1 - 1 + 0], toks[j][1]
                start = toks[i][0]
                surface = text[start:end]
                out.append(_Cand(start, end, surface, n, i, exact_key(surface),
                                 *keys(surface)))
                after = text[end:end + 20].lower()
                for fac in _FACILITY:
                    if re.match(rf"\s{re.escape(fac)}\b", after):
                        e2 = end + 1 + len(fac)
                        sur = text[start:e2]
                        out.append(_Cand(start, e2, sur, n + len(fac.split()), i,
                                         exact_key(sur), *keys(sur)))
                        break
    return out


def _lookup(gazetteer: Gazetteer, cands: Sequence[_Cand]
            ) -> tuple[set[str], set[str], set[str]]:
    exacts = sorted({c.exact for c in cands})
    keyset = sorted({c.key for c in cands if c.key})
    con = gazetteer.index.con
    hit_exact: set[str] = set()
    hit_key: set[str] = set()
    hit_skel: set[str] = set()
    for chunk in (exacts[i:i + 500] for i in range(0, len(exacts), 500)):
        q = ",".join("?" * len(chunk))
        hit_exact.update(r[0] for r in con.execute(
            f"SELECT DISTINCT exact FROM names WHERE exact IN ({q})", chunk))
    for chunk in (keyset[i:i + 500] for i in range(0, len(keyset), 500)):
        q = ",".join("?" * len(chunk))
        hit_key.update(r[0] for r in con.execute(
            f"SELECT DISTINCT key FROM names WHERE key IN ({q})", chunk))
    skels = sorted({c.skel for c in cands if len(c.skel) >= 4})
    for chunk in (skels[i:i + 500] for i in range(0, len(skels), 500)):
        q = ",".join("?" * len(chunk))
        hit_skel.update(r[0] for r in con.execute(
            f"SELECT DISTINCT skel FROM names WHERE skel IN ({q})", chunk))
    return hit_exact, hit_key, hit_skel


def _median(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from gazetteer.resolve import haversine_km

    return haversine_km(a[0], a[1], b[0], b[1])


def find_mentions(
    text: str, gazetteer: Gazetteer, *, spans: Sequence[tuple[int, int]] | None = None,
    min_score: float = 0.75, max_km: float = 900.0, fuzzy_score: float = 0.8,
    fuzzy_km: float = 250.0,
) -> list[Mention]:
    """Return the place mentions of a text, in text order.

    Parameters
    ----------
    text : str
        The article.
    gazetteer : Gazetteer
        Its index is queried for candidate names; ``resolve_many`` resolves them.
    spans : sequence of (start, end), optional
        The parts of ``text`` to read (e.g. sentences); default the whole text.
        Names never cross a span boundary.
    min_score : float
        Resolution score below which a mention without a place cue is dropped.
    max_km : float
        Mentions farther than this from the document's other places are dropped
        unless they are prominent (a city of 500,000 or more).
    fuzzy_score, fuzzy_km : float
        A name the index lacks, in a place context ("toward Sulaimani", "Jindires,
        which ... captured"), is kept when it resolves (fuzzily) with at least this
        score to a place within ``fuzzy_km`` of the document's other places.

    Returns
    -------
    list of Mention

    Examples
    --------
    >>> import tempfile, os
    >>> from gazetteer import Place
    >>> from gazetteer.index import build_index
    >>> from gazetteer.resolve import Gazetteer
    >>> path = os.path.join(tempfile.mkdtemp(), "g.sqlite")
    >>> _ = build_index(path, [Place("x:1", "Dayr az Zawr", 35.336, 40.141, population=242565),
    ...                        Place("x:2", "Monday", 10.0, 10.0)])
    >>> [(m.surface, m.place_id) for m in find_mentions(
    ...     "On Monday IS shelled Deir ez-Zor.", Gazetteer(path))]
    [('Deir ez-Zor', 'x:1')]
    """
    if spans is None:
        spans = [(0, len(text))]
    cands = _candidates(text, spans)
    if not cands:
        return []
    hit_exact, hit_key, hit_skel = _lookup(gazetteer, cands)
    lower_words = set(re.findall(r"\b[a-z][a-z'-]+\b", text))
    matched = []
    for c in cands:
        country = c.key in COUNTRIES
        how = "" if country else (
            "exact" if c.exact in hit_exact else ("key" if c.key and c.key in hit_key else (
                "skeleton" if c.skel in hit_skel and c.ntok > 1 else "")))
        water = bool(_WATER_AFTER.match(text[c.end:c.end + 8]))
        if how or country or (water and c.ntok <= 2):
            matched.append((c, how or ("country" if country else "water")))
    # longest first, then exact before key, then leftmost
    rank = {"exact": 0, "key": 1, "country": 1, "water": 1, "skeleton": 2}
    matched.sort(key=lambda t: (-(t[0].end - t[0].start), rank[t[1]], t[0].start))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[_Cand, str]] = []
    for c, how in matched:
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        chosen.append((c, how))
    chosen.sort(key=lambda t: t[0].start)

    kept: list[tuple[_Cand, str, bool, str]] = []  # cand, how, has_cue, note
    for c, how in chosen:
        words = [w.lower().strip(".") for w in c.surface.replace("-", " ").split()]
        before = text[max(0, c.start - 40):c.start]
        after = text[c.end:c.end + 25]
        if how == "country":
            kept.append((c, how, True, "country or region (not in the gazetteer)"))
            continue
        if words[0] in GIVEN_NAMES or (c.ntok == 1 and _AFTER_GIVEN.search(before)):
            continue  # a person: "Haider al-Abadi", "Abdul Wahab al-Saadi"
        if how == "water":
            kept.append((c, how, True, "river or lake (not in the gazetteer)"))
            continue
        if all(w in STOPWORDS or w in _ARTICLES for w in words):
            continue
        line_start = text.rfind("\n", 0, c.start) + 1
        if _IN_DATELINE.match(text[line_start:c.start]) and after.startswith(")"):
            continue  # "SINJAR, Iraq (Rudaw) -": the outlet of a dateline
        prev_tok = re.findall(r"([A-Za-z]+)\.?\s*$", before)
        if prev_tok and prev_tok[0].lower() in _TITLES:
            continue
        if c.ntok == 1 and words[0] in lower_words:
            continue  # the article writes it as a common word ("state", "army")
        dateline = c.surface.isupper() and bool(_DATELINE_AFTER.match(after)) and (
            c.start == 0 or text[c.start - 1] == "\n")
        cue = bool(dateline or _PLACE_AFTER.match(after) or _PLACE_BEFORE.search(before)
                   or _EVENT_AFTER.match(text[c.end:c.end + 80])
                   or "\u0600" <= c.surface[0] <= "\u06ff")
        short = len(c.key.replace(" ", "")) <= 3
        # "al-Bab": the article makes a short name a name
        prefixed = "-" in c.surface and c.surface.split("-")[0].lower() in _LEADING_ARTICLES
        if short and not (cue and (how == "exact" or prefixed)):
            continue
        # a single word inside a longer proper name ("Samer" in "Samer Amin Ali")
        next_cap = re.match(r"[ \u00a0]+([A-Z][\w'’-]*)", after)
        prev_cap = re.search(r"([A-Z][\w'’-]*)[ \u00a0]+$", before)
        inside = bool(next_cap and next_cap.group(1).lower() not in STOPWORDS) or bool(
            prev_cap and prev_cap.group(1).lower() not in STOPWORDS | _TITLES
            and not before.rstrip().endswith((".", ":")))
        note = "inside a longer name" if inside else ""
        kept.append((c, how, cue, note))

    names: list[str] = []
    for c, how, _cue, _note in kept:
        if how not in ("country", "water") and c.surface not in names:
            names.append(c.surface)
    resolved = dict(zip(names, gazetteer.resolve_many(names), strict=True)) if names else {}
    # the context of resolve_many picks the place; the score to judge it by is the
    # name's own (a far place is not a worse match, only a less likely one)
    own: dict[str, float] = {}
    for n, r in list(resolved.items()):
        single = gazetteer.resolve(n, limit=25)
        if r.match is None:
            # far from the other places: judged on its own name (the distance test below)
            resolved[n] = r = single
        if r.match is None:
            continue
        scores = {m.place.id: m.score for m in (single.match, *single.alternatives) if m}
        own[n] = max(r.match.score, scores.get(r.match.place.id, 0.0))

    # the document's centre: median of the confident mentions
    strong = []
    for c, _how, cue, note in kept:
        r = resolved.get(c.surface)
        if r is None or r.match is None:
            continue
        p = r.match.place
        if (cue or c.ntok > 1 or p.population >= 100_000 or p.id.startswith("curated:")) \
                and not note and own[c.surface] >= min_score:
            strong.append((p.lat, p.lon))
    centre = (_median([a for a, _ in strong]), _median([b for _, b in strong])) if strong \
        else None

    out: list[Mention] = []
    for c, how, cue, note in kept:
        surface = c.surface
        if how in ("country", "water"):
            end = c.end
            if how == "water":
                w = _WATER_AFTER.match(text[c.end:c.end + 8])
                end = c.end + (w.end() if w else 0)
            out.append(Mention(c.start, end, text[c.start:end], None, None, None, None, 0.0,
                               "not_found", note))
            continue
        r = resolved[surface]
        m = r.match
        if m is None:
            continue
        p = m.place
        score = own[surface]
        if (_ADMIN_AFTER.match(text[c.end:c.end + 15]) or _REGION_BEFORE.search(
                text[max(0, c.start - 40):c.start])) and p.feature_class != "A":
            out.append(Mention(c.start, c.end, surface, None, None, None, None, 0.0, "not_found",
                               "a province or region (the gazetteer has no such area)"))
            continue
        big = p.population >= 500_000
        if note and not (big or p.id.startswith("curated:") or (c.ntok > 1 and score >= 0.85)):
            continue
        need = min_score if cue else max(min_score, 0.85)
        if c.ntok == 1 and not cue and p.population < 1000 and not p.id.startswith("curated:"):
            need = max(need, 0.95)
        if score < need:
            continue
        if centre is not None and not big and _km(centre, (p.lat, p.lon)) > max_km:
            continue
        if centre is None and not (cue or big):
            continue
        status = r.status
        out.append(Mention(c.start, c.end, surface, p.id, p.name, p.lat, p.lon,
                           round(score, 4), status, note))
    if centre is not None:
        out.extend(_fuzzy_mentions(text, gazetteer, cands, taken, lower_words, centre,
                                   [m.end for m in out if m.place_id],
                                   min_score=fuzzy_score, max_km=fuzzy_km))
        out.sort(key=lambda m: m.start)
    return out


def _fuzzy_mentions(
    text: str, gazetteer: Gazetteer, cands: Sequence[_Cand], taken: Sequence[tuple[int, int]],
    lower_words: set[str], centre: tuple[float, float], place_ends: Sequence[int], *,
    min_score: float, max_km: float,
) -> list[Mention]:
    """Spellings the index lacks ("Sulaimani", "Jindires"), where the text says it is a place.

    Only 1-2-token capitalised names with a place cue (after "in", "toward"...; before
    "had fallen", ", which ... captured"), not overlapping a found name, resolved on
    their own (fuzzy), or listed with a found place ("Erbil and Sulaimani") and kept when the score is high and the place lies near the
    document's other places.
    """
    out: list[Mention] = []
    seen: dict[str, Mention | None] = {}
    for c in cands:
        if c.ntok > 2 or len(c.key.replace(" ", "")) < 5 or any(
                c.start < e and s < c.end for s, e in taken):
            continue
        words = [w.lower().strip(".") for w in c.surface.replace("-", " ").split()]
        if any(w in STOPWORDS or w in GIVEN_NAMES for w in words) or c.key in COUNTRIES or (
                c.ntok == 1 and words[0] in lower_words) or not c.surface[0].isupper():
            continue
        before = text[max(0, c.start - 40):c.start]
        after = text[c.end:c.end + 80]
        if re.match(r"[ \u00a0]+[A-Z]", after) or re.search(r"[A-Z][\w'’-]*[ \u00a0]+$", before):
            continue  # part of a longer capitalised name
        listed = any(re.fullmatch(r",?\s*(?:,|and|or)\s+", text[e:c.start])
                     for e in place_ends if c.start - 8 <= e < c.start)
        if not (listed or _PLACE_BEFORE.search(before) or _PLACE_AFTER.match(after)
                or _EVENT_AFTER.match(after)):
            continue
        if c.surface not in seen:
            r = gazetteer.resolve(c.surface, limit=5)
            m = r.match
            ok = m is not None and m.score >= min_score and m.place.feature_class != "A" and \
                _km(centre, (m.place.lat, m.place.lon)) <= max_km
            seen[c.surface] = Mention(0, 0, c.surface, m.place.id, m.place.name, m.place.lat,
                                      m.place.lon, round(m.score, 4), "ambiguous",
                                      "fuzzy: a spelling the gazetteer lacks") \
                if ok and m is not None else None
        hit = seen[c.surface]
        if hit is not None:
            out.append(Mention(c.start, c.end, c.surface, hit.place_id, hit.name, hit.lat,
                               hit.lon, hit.score, hit.status, hit.note))
    # longest first, no overlaps
    out.sort(key=lambda m: (m.start - m.end, m.start))
    kept: list[Mention] = []
    for m in out:
        if not any(m.start < k.end and k.start < m.end for k in kept):
            kept.append(m)
    return kept


