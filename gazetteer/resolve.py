"""Resolve place names: candidates → match quality → prominence → context → ranked answer.

The stages, cheapest first:

1. **alias**: a spelling pinned to a place id by the user's alias file wins outright;
2. **exact**: the case-folded name equals a name of the place;
3. **normalized**: the :func:`~gazetteer.normalize` keys are equal (article forms,
   vowels, doubled letters, endings, digraphs, marks and diacritics folded);
4. **skeleton**: the coarser consonant :func:`~gazetteer.skeleton` keys are equal,
   which also matches Arabic script to romanizations;
5. **fuzzy**: only when the stages above found nothing good, rapidfuzz compares
   the query's key with the keys of a *blocked* candidate set (names sharing the
   start or the end of the query's skeleton, with a similar length; see
   :func:`gazetteer.index.block_keys`), never with every name.

Each candidate gets a match quality in [0, 1] (1 for alias/exact, 0.95 for an
equal key, 0.8–0.95 for an equal skeleton, the rapidfuzz ratio for fuzzy
matches), multiplied by a prominence factor (population, feature class, and a
curated table's places count as prominent in their area) and, when context is
given, by a proximity factor (``near=`` or the other names resolved together in
:meth:`Gazetteer.resolve_many`). ``country=`` and ``bbox=`` filter.

The answer is honest: ``found``; ``ambiguous`` when another place scores within
:data:`AMBIGUITY_MARGIN` of the best and lies far from it; ``not_found`` (no
match, never a far-fetched guess) when nothing reaches ``min_score``, with the
best names below the cut-off as "did you mean" suggestions.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from gazetteer._types import Match, Place, Resolution
from gazetteer.index import (
    Index,
    IndexInfo,
    _place,
    ensure_default_index,
    exact_key,
    query_blocks,
)
from gazetteer.normalize import keys

if TYPE_CHECKING:
    from geopy.location import Location

__all__ = [
    "AMBIGUITY_MARGIN",
    "DEFAULT_MIN_SCORE",
    "Gazetteer",
    "haversine_km",
]

DEFAULT_MIN_SCORE = 0.7
"""Default cut-off: a best candidate scoring below it is "not found"."""

AMBIGUITY_MARGIN = 0.05
"""A different place scoring within this margin of the best makes the answer ambiguous."""

AMBIGUITY_MIN_KM = 25.0
"""Two candidates closer than this are taken as the same place (e.g. a town and its airport)."""

_DESCRIPTORS = frozenset(
    ["the", "of", "town", "village", "city", "camp", "base", "airport", "airbase", "air", "military", "district", "suburb", "neighbourhood", "neighborhood", "area", "province", "governorate", "region", "hill", "mountain"]
)


_REGIONAL_PREFIXES = ("curated:", "wp:", "csv:", "geojson:", "gpkg:")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres.

    Examples
    --------
    >>> round(haversine_km(35.336, 40.141, 35.421, 40.055))
    12
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _proximity(km: float) -> float:
    """1 near, 0.5 at 100 km, ~0 far."""
    return 1.0 / (1.0 + (km / 100.0) ** 2)


def _prominence(p: Place) -> float:
    """Return a prominence in [0, 1] from population, feature class and source."""
    return _prominence_of(p.id, p.population, p.feature_class, p.feature_code)


def _prominence_of(
    place_id: str, population: int, feature_class: str | None, feature_code: str | None
) -> float:
    pop = min(1.0, math.log10(population + 1) / 6.5) if population > 0 else 0.0
    cls = feature_class or "P"
    if place_id.startswith(_REGIONAL_PREFIXES):
        # a hand-made or regional table (the curated one, a Wikipedia module, a user's
        # CSV): someone added the place on purpose, so it counts as prominent in its area
        return max(0.8, pop)
    if cls in ("P", "A"):
        base = 0.25
        if (feature_code or "").startswith(("PPLC", "PCL")):
            base = 0.9
        elif (feature_code or "").startswith(("PPLA", "ADM1")):
            base = 0.6
        return max(base, pop)
    if cls == "S":
        return 0.45
    return 0.3


_JOINT_EXACT_LIMIT = 40
"""Up to this many names, joint resolution compares every pair of candidates."""

_GRID_DEG = 0.5
_GRID_REACH = 4  # cells around a candidate (~200 km): proximity beyond is below 0.2


def _supports(ranked: list[list[Match]]) -> list[list[float]]:
    """Return, per candidate, its support from the other names: max of score x proximity.

    Small sets compare every pair. Larger ones (a long article, a snapshot file) put
    each name's best candidates on a grid of half-degree cells, keeping the three best
    names per cell, and look only at the cells within about 200 km: linear in the
    number of names instead of quadratic.
    """
    if len(ranked) <= _JOINT_EXACT_LIMIT:
        out = []
        for i, cands in enumerate(ranked):
            row = []
            for m in cands:
                best = 0.0
                for j, others in enumerate(ranked):
                    if j == i:
                        continue
                    for o in others:
                        if o.place.id != m.place.id:
                            best = max(best, o.score * _proximity(haversine_km(
                                m.place.lat, m.place.lon, o.place.lat, o.place.lon)))
                row.append(best)
            out.append(row)
        return out
    cells: dict[tuple[int, int], list[tuple[float, int, Match]]] = {}
    for j, others in enumerate(ranked):
        for o in others[:5]:
            key = (math.floor(o.place.lat / _GRID_DEG), math.floor(o.place.lon / _GRID_DEG))
            entries = cells.setdefault(key, [])
            mine = [e for e in entries if e[1] == j]
            if mine and mine[0][0] >= o.score:
                continue
            entries[:] = sorted([e for e in entries if e[1] != j] + [(o.score, j, o)],
                                key=lambda e: (-e[0], e[1]))[:3]
    out = []
    r = _GRID_REACH
    for i, cands in enumerate(ranked):
        row = []
        for m in cands:
            ci = math.floor(m.place.lat / _GRID_DEG)
            cj = math.floor(m.place.lon / _GRID_DEG)
            best = 0.0
            for a in range(ci - r, ci + r + 1):
                for b in range(cj - r, cj + r + 1):
                    for score, j, o in cells.get((a, b), ()):
                        if j != i and o.place.id != m.place.id:
                            best = max(best, score * _proximity(haversine_km(
                                m.place.lat, m.place.lon, o.place.lat, o.place.lon)))
            row.append(best)
        out.append(row)
    return out


class Gazetteer:
    """An offline gazetteer over an index file, with geopy's geocoder contract.

    Parameters
    ----------
    index : path-like, optional
        A built index (``gazetteer build``). Default: ``$GAZETTEER_INDEX`` if set,
        else the embedded default (GeoNames cities500, airports, curated places),
        compiled into the user's cache directory on first use.
    min_score : float
        Default cut-off below which a name is "not found".

    Examples
    --------
    >>> import tempfile, os
    >>> from gazetteer import Place
    >>> from gazetteer.index import build_index
    >>> path = os.path.join(tempfile.mkdtemp(), "g.sqlite")
    >>> _ = build_index(path, [Place("x:1", "Dayr az Zawr", 35.33588, 40.14084,
    ...                              country="SY", population=242565)])
    >>> gz = Gazetteer(path)
    >>> r = gz.resolve("Deir ez-Zor")
    >>> r.status, r.match.place.id
    ('found', 'x:1')
    >>> gz.resolve("Qwzxv Plorb").status
    'not_found'
    >>> address, (lat, lon) = gz.geocode("Deir Ezzour")
    >>> address, lat, lon
    ('Dayr az Zawr', 35.33588, 40.14084)
    """

    def __init__(
        self, index: str | os.PathLike[str] | None = None, *, min_score: float = DEFAULT_MIN_SCORE
    ) -> None:
        if index is None:
            env = os.environ.get("GAZETTEER_INDEX")
            index = Path(env) if env else ensure_default_index()
        self.index = Index(index)
        self.min_score = min_score

    # -- information --------------------------------------------------------------------
    def info(self) -> IndexInfo:
        """Return what the index holds."""
        return self.index.info()

    def get(self, place_id: str) -> Place | None:
        """Return the place with this id (with its names), or ``None``."""
        return self.index.get(place_id, with_names=True)

    # -- candidate generation -----------------------------------------------------------
    def _candidates(self, query: str) -> dict[int, tuple[float, str, str]]:
        """Return {pid: (quality, matched name, method)}, best quality per place."""
        ex = exact_key(query)
        key, skel = keys(query)
        best: dict[int, tuple[float, str, str]] = {}

        def offer(pid: int, q: float, name: str, method: str) -> None:
            old = best.get(pid)
            if old is None or q > old[0] or (q == old[0] and name < old[1]):
                best[pid] = (q, name, method)

        pinned = self.index.alias(ex)
        if pinned is not None:
            pid = self.index.pid_of(pinned)
            if pid is not None:
                offer(pid, 1.0, query.strip(), "alias")
                return best

        if not key and not skel:
            return best
        # a key of one or two letters ("zzzzzz" -> "z") matches only exactly
        short = len(key.replace(" ", "")) < 3
        for _nid, pid, name, n_exact, n_key, _skel, _kind in self.index.candidates(ex, key):
            if n_exact == ex:
                offer(pid, 1.0, name, "exact")
            elif not short and key and n_key == key:
                offer(pid, 0.95, name, "normalized")
        if short:
            return best
        top = max((q for q, _, _ in best.values()), default=0.0)
        if top < 0.95 and len(skel) >= 3:
            # same consonants (also Arabic script against romanizations): as good as the
            # keys are alike
            for _nid, pid, name, n_key in self.index.skeleton_candidates(skel):
                r = fuzz.ratio(key, n_key) / 100.0
                offer(pid, 0.3 + 0.65 * r, name, "skeleton")
            top = max((q for q, _, _ in best.values()), default=0.0)
        if top < 0.9:
            self._fuzzy(key, skel, offer)
        return best

    def _fuzzy(self, key: str, skel: str, offer: Any, *, cutoff: float = 0.75) -> None:
        rows = self.index.block_candidates(query_blocks(key, skel))
        if not rows:
            return
        hits = process.extract(key, [r[2] for r in rows], scorer=fuzz.ratio, processor=None,
                               limit=40, score_cutoff=cutoff * 100)
        if not hits:
            return
        names = self.index.names_by_nid([rows[i][0] for _k, _s, i in hits])
        for _k, score, i in hits:
            nid, pid, _key = rows[i]
            r = score / 100.0
            # a near miss is a weaker answer than an equal key: 0.95 -> 0.87, 0.85 -> 0.71
            offer(pid, max(0.0, 1.6 * r - 0.65), names[nid], "fuzzy")

    # -- ranking -------------------------------------------------------------------------
    def _rank(
        self,
        query: str,
        *,
        near: tuple[float, float] | None,
        country: str | Sequence[str] | None,
        bbox: tuple[float, float, float, float] | None,
        keep: int = 30,
    ) -> list[Match]:
        """Return the ``keep`` best matches, best first (ties by place id)."""
        cands = self._candidates(query)
        words = [w for w in query.split() if w.casefold().strip(".,") not in _DESCRIPTORS]
        if words and len(words) < len(query.split()):
            # "the Saiqa camp", "the town of Ayyash": also try the name without the words
            # that describe it, a little lower than a match of the whole query
            for pid, (q, name, method) in self._candidates(" ".join(words)).items():
                if pid not in cands or cands[pid][0] < q * 0.97:
                    cands[pid] = (q * 0.97, name, method)
        if not cands:
            return []
        rows = self.index.place_rows(cands)
        countries = None
        if country:
            countries = {country.upper()} if isinstance(country, str) else {
                c.upper() for c in country}
        scored: list[tuple[float, str, int, float | None]] = []
        for pid, (q, _name, _method) in cands.items():
            row = rows.get(pid)
            if row is None:
                continue
            _pid, place_id, _n, lat, lon, ctry, _a1, fclass, fcode, pop, _src, _mark = row
            if countries is not None and (ctry or "").upper() not in countries:
                continue
            if bbox is not None:
                s, w, n, e = bbox
                if not (s <= lat <= n and w <= lon <= e):
                    continue
            score = q * (0.85 + 0.15 * _prominence_of(place_id, pop or 0, fclass, fcode))
            dist = None
            if near is not None:
                dist = haversine_km(near[0], near[1], lat, lon)
                score *= 0.75 + 0.25 * _proximity(dist)
            scored.append((round(score, 6), place_id, pid, dist))
        scored.sort(key=lambda t: (-t[0], t[1]))
        out: list[Match] = []
        for score, _id, pid, dist in scored[:keep]:
            _q, name, method = cands[pid]
            out.append(Match(place=_place(rows[pid]), matched=name, score=score, method=method,
                             distance_km=None if dist is None else round(dist, 3)))
        return out

    def _decide(
        self, query: str, ranked: list[Match], *, limit: int, min_score: float
    ) -> Resolution:
        if not ranked or ranked[0].score < min_score:
            seen: list[str] = []
            for m in ranked:
                label = f"{m.place.name} ({m.place.country})" if m.place.country else m.place.name
                if label not in seen:
                    seen.append(label)
                if len(seen) >= limit:
                    break
            return Resolution(query=query, status="not_found", suggestions=tuple(seen))
        best = ranked[0]
        alternatives = tuple(ranked[1 : 1 + limit])
        status = "found"
        for other in ranked[1:]:
            if best.score - other.score > AMBIGUITY_MARGIN:
                break
            far = haversine_km(best.place.lat, best.place.lon, other.place.lat,
                               other.place.lon) > AMBIGUITY_MIN_KM
            if far and other.score >= min_score:
                status = "ambiguous"
                break
        return Resolution(query=query, status=status, match=best, alternatives=alternatives)

    # -- public lookups ------------------------------------------------------------------
    def resolve(
        self,
        name: str,
        *,
        near: tuple[float, float] | None = None,
        country: str | Sequence[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int = 5,
        min_score: float | None = None,
    ) -> Resolution:
        """Resolve one name.

        Parameters
        ----------
        name : str
            A place name in any romanization or Arabic script.
        near : (lat, lon), optional
            Prefer places near this point.
        country : str or sequence of str, optional
            ISO 3166-1 alpha-2 code(s); other countries are excluded.
        bbox : (south, west, north, east), optional
            Only places inside this box (degrees).
        limit : int
            How many alternatives (or suggestions) to return.
        min_score : float, optional
            Cut-off for "not found" (default: the gazetteer's ``min_score``).

        Returns
        -------
        Resolution
        """
        cut = self.min_score if min_score is None else min_score
        ranked = self._rank(name, near=near, country=country, bbox=bbox, keep=max(30, limit + 1))
        return self._decide(name, ranked, limit=limit, min_score=cut)

    def resolve_batch(
        self, names: Iterable[str], **options: Any
    ) -> Iterator[Resolution]:
        """Resolve names one by one, independently (streaming; for batch files)."""
        for n in names:
            yield self.resolve(n, **options)

    def resolve_many(
        self,
        names: Sequence[str],
        *,
        near: tuple[float, float] | None = None,
        country: str | Sequence[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int = 5,
        min_score: float | None = None,
    ) -> list[Resolution]:
        """Resolve names that occur together, picking the most plausible set.

        Each name's candidates are re-scored by how close they lie to the other
        names' candidates (weighted by those candidates' scores), twice, so that
        e.g. *Ayash* mentioned with *Deir ez-Zor* resolves to the Syrian village,
        not to Ayaş in Turkey. One result per name, in order.

        Examples
        --------
        >>> import tempfile, os
        >>> from gazetteer import Place
        >>> from gazetteer.index import build_index
        >>> path = os.path.join(tempfile.mkdtemp(), "g.sqlite")
        >>> _ = build_index(path, [
        ...     Place("a:tr", "Ayaş", 40.02, 32.35, country="TR", population=8570,
        ...           names=("Ayash",)),
        ...     Place("a:sy", "Ayyash", 35.421, 40.055, country="SY"),
        ...     Place("d:sy", "Deir ez-Zor", 35.336, 40.141, country="SY", population=242565)])
        >>> [r.match.place.id for r in Gazetteer(path).resolve_many(["Ayash", "Deir ez-Zor"])]
        ['a:sy', 'd:sy']
        """
        cut = self.min_score if min_score is None else min_score
        ranked = [self._rank(n, near=near, country=country, bbox=bbox, keep=25) for n in names]
        base = [[m.score for m in r] for r in ranked]
        if len(names) > 1:
            for _ in range(2):
                support = _supports(ranked)
                ranked = [
                    [replace(m, score=round(base[i][k] * (0.75 + 0.25 * support[i][k]), 6))
                     for k, m in enumerate(cands)]
                    for i, cands in enumerate(ranked)
                ]
        out = []
        for n, cands in zip(names, ranked, strict=True):
            cands = sorted(cands, key=lambda m: (-m.score, m.place.id))
            out.append(self._decide(n, cands, limit=limit, min_score=cut))
        return out

    # -- geopy's contract ----------------------------------------------------------------
    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        near: tuple[float, float] | None = None,
        country: str | Sequence[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int | None = None,
        min_score: float | None = None,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """Geocode like a geopy geocoder: a ``Location``, a list of them, or ``None``.

        ``raw`` of each location is the JSON record of ``gazetteer lookup --json``.
        Never returns an empty list. ``timeout`` is accepted for compatibility and
        ignored (everything is local).
        """
        from geopy.location import Location

        r = self.resolve(query, near=near, country=country, bbox=bbox,
                         limit=limit or 5, min_score=min_score)
        if r.match is None:
            return None

        def loc(m: Match) -> Location:
            raw = m.to_dict()
            raw["query"] = query
            raw["status"] = r.status
            return Location(m.place.name, (m.place.lat, m.place.lon), raw)

        if exactly_one:
            return loc(r.match)
        cut = self.min_score if min_score is None else min_score
        return [loc(m) for m in (r.match, *r.alternatives) if m.score >= cut]

    def reverse(
        self,
        query: tuple[float, float] | str,
        *,
        exactly_one: bool = True,
        max_km: float = 50.0,
        limit: int = 5,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """Return the nearest place(s) to a ``(lat, lon)`` point within ``max_km``, or ``None``.

        Examples
        --------
        >>> import tempfile, os
        >>> from gazetteer import Place
        >>> from gazetteer.index import build_index
        >>> path = os.path.join(tempfile.mkdtemp(), "g.sqlite")
        >>> _ = build_index(path, [Place("x:1", "Dayr az Zawr", 35.33588, 40.14084)])
        >>> Gazetteer(path).reverse((35.3, 40.1)).address
        'Dayr az Zawr'
        """
        from geopy.location import Location
        from geopy.point import Point

        pt = Point(query)
        lat, lon = pt.latitude, pt.longitude
        dlat = max_km / 111.0
        dlon = max_km / (111.0 * max(0.05, math.cos(math.radians(lat))))
        pids = self.index.within(lat - dlat, lon - dlon, lat + dlat, lon + dlon)
        places = self.index.places(pids)
        scored = sorted(
            ((haversine_km(lat, lon, p.lat, p.lon), -_prominence(p), p.id, p)
             for p in places.values()),
        )
        hits = [(d, p) for d, _pr, _id, p in scored if d <= max_km][:limit]
        if not hits:
            return None
        locs = []
        for d, p in hits:
            raw = Match(place=p, matched=p.name, score=1.0, method="reverse",
                        distance_km=round(d, 3)).to_dict()
            raw["distance_km"] = round(d, 3)
            locs.append(Location(p.name, (p.lat, p.lon), raw))
        return locs[0] if exactly_one else locs
