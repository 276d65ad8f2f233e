"""Actor names that reporting uses but the shipped registry lacks (read by the extractor only).

Partisan and descriptive names: an outlet's own words for its side ("the soldiers of
the Caliphate" in Aamaq), descriptions wire services use ("U.S.-backed Syrian
fighters" for the SDF), short forms ("Popular Mobilization"). They are added to the
registry the extractor reads, never taking a name another actor already has.
"""

from __future__ import annotations

from geomap.actors import ActorRegistry

__all__ = ["EXTRACT_ALIASES", "with_extract_aliases"]

#: actor id → extra aliases (matched like registry aliases, "fighters"/"forces" tails allowed).
EXTRACT_ALIASES: dict[str, tuple[str, ...]] = {
    "IS": ("soldiers of the Caliphate", "soldiers of the Khilafah", "Caliphate soldiers",
           "fighters of the Islamic State", "Islamic State's fighters", "the Islamic State"),
    "SDF": ("U.S.-backed Syrian fighters", "US-backed Syrian fighters",
            "U.S.-backed Syrian forces", "US-backed Syrian forces",
            "U.S.-backed Kurdish-led forces", "US-backed Kurdish-led forces",
            "Kurdish-led forces", "Kurdish-led fighters", "Syrian Democratic Forces"),
    "PMF": ("Popular Mobilization", "Popular Mobilisation", "al-Hashd", "Hashd al-Shaabi",
            "Hashed al-Shaabi", "Shiite paramilitaries", "Shi'ite paramilitaries"),
    "IRQ": ("federal forces", "Iraqi federal forces", "Counter Terrorism Service forces",
            "Iraqi counter-terrorism forces"),
    "gov": ("Nusayri army", "Syrian Arab Army units"),
}

_CACHE: dict[int, tuple[ActorRegistry, ActorRegistry]] = {}


def with_extract_aliases(actors: ActorRegistry) -> ActorRegistry:
    """Return ``actors`` with :data:`EXTRACT_ALIASES` added where no actor already has the name.

    Examples
    --------
    >>> reg = with_extract_aliases(ActorRegistry.default())
    >>> reg.resolve("soldiers of the Caliphate").id, reg.resolve("Popular Mobilization").id
    ('IS', 'PMF')
    """
    hit = _CACHE.get(id(actors))
    if hit is not None and hit[0] is actors:
        return hit[1]
    rows = []
    for actor_id, names in EXTRACT_ALIASES.items():
        if actor_id not in actors:
            continue
        new = [n for n in names if actors.resolve(n) is None]
        if new:
            rows.append({"id": actor_id, "aliases": "|".join(new)})
    extended = actors.extended_with(rows) if rows else actors
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[id(actors)] = (actors, extended)
    return extended
