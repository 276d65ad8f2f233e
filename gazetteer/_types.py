"""Value types of the gazetteer: :class:`Place`, :class:`Match`, :class:`Resolution`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Match", "Place", "Resolution", "Status"]

Status = Literal["found", "ambiguous", "not_found"]


@dataclass(frozen=True, slots=True)
class Place:
    """A place of a gazetteer.

    Parameters
    ----------
    id : str
        Stable identifier, ``"<source>:<local id>"``: ``"geonames:170794"``,
        ``"airport:OSDZ"``, ``"curated:ayyash"``, ``"wikipedia:syria:1234"``.
    name : str
        Canonical (display) name.
    lat, lon : float
        WGS84 coordinates in degrees.
    country : str or None
        ISO 3166-1 alpha-2 code.
    admin1 : str or None
        First-level administrative unit (code or name, as the source gives it).
    feature_class, feature_code : str or None
        GeoNames feature class (``P`` populated place, ``S`` spot/building/base,
        ``T`` mountain/hill, ``H`` water, ``A`` admin, ``L`` area, ``R`` road,
        ``V`` vegetation, ``U`` undersea) and code (``PPLA``, ``AIRB``, ``MILB`` ...).
    population : int
        0 when unknown.
    source : str
        Where the facts come from (``"geonames-cities500"``, ``"airportsdata"``,
        ``"curated"``, a file name ...).
    names : tuple of str
        Alternate names (spellings, other scripts), not repeating ``name``.
    mark : str or None
        For places read from a Wikipedia "detailed map" module: the mark as written
        there (``"gov"``, ``"IS_base"``, ``"SDF_IS"`` ...), i.e. a control snapshot.
    """

    id: str
    name: str
    lat: float
    lon: float
    country: str | None = None
    admin1: str | None = None
    feature_class: str | None = None
    feature_code: str | None = None
    population: int = 0
    source: str = ""
    names: tuple[str, ...] = ()
    mark: str | None = None

    @property
    def feature(self) -> str | None:
        """``"P.PPLA"``-style feature string (``"P"`` without a code), or ``None``.

        Examples
        --------
        >>> Place("x:1", "A", 0.0, 0.0, feature_class="P", feature_code="PPLA").feature
        'P.PPLA'
        >>> Place("x:1", "A", 0.0, 0.0, feature_class="P").feature
        'P'
        """
        if not self.feature_code:
            return self.feature_class or None
        return f"{self.feature_class or ''}.{self.feature_code}"


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate place for a query.

    Parameters
    ----------
    place : Place
        The place.
    matched : str
        The name variant of the place that matched the query.
    score : float
        In [0, 1]: match quality combined with prominence and context.
    method : str
        How the candidate was found: ``"alias"``, ``"exact"``, ``"normalized"``,
        ``"skeleton"`` or ``"fuzzy"``.
    distance_km : float or None
        Distance to the context point (``near=`` or co-mentioned places), if any.
    """

    place: Place
    matched: str
    score: float
    method: str
    distance_km: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON record (keys of the CLI's ``--json`` output, without ``query``)."""
        p = self.place
        return {
            "name": p.name,
            "lat": p.lat,
            "lon": p.lon,
            "score": round(self.score, 4),
            "id": p.id,
            "country": p.country,
            "admin1": p.admin1,
            "feature": p.feature,
            "population": p.population,
            "source": p.source,
            "matched": self.matched,
            "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer to one query.

    ``status`` is ``"found"`` (``match`` is the answer), ``"ambiguous"`` (``match`` is
    the best of several plausible places, listed in ``alternatives``; a caller that
    must not guess treats it as unresolved) or ``"not_found"`` (``match`` is
    ``None``; ``suggestions`` holds "did you mean" names below the cut-off).
    """

    query: str
    status: Status
    match: Match | None = None
    alternatives: tuple[Match, ...] = ()
    suggestions: tuple[str, ...] = field(default=())

    @property
    def found(self) -> bool:
        """True when there is a best match (status ``found`` or ``ambiguous``)."""
        return self.match is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON record with the keys ``query, name, lat, lon, score, id, country,
        admin1, feature, source, matched, alternatives`` (plus ``status`` and ``suggestions``).
        """  # noqa: D205
        base: dict[str, Any] = {"query": self.query}
        if self.match is None:
            base.update(
                dict.fromkeys(
                    ("name", "lat", "lon", "score", "id", "country", "admin1", "feature",
                     "source", "matched"),
                    None,
                )
            )
        else:
            d = self.match.to_dict()
            base.update({k: d[k] for k in ("name", "lat", "lon", "score", "id", "country",
                                           "admin1", "feature", "source", "matched")})
        base["alternatives"] = [m.to_dict() for m in self.alternatives]
        base["status"] = self.status
        base["suggestions"] = list(self.suggestions)
        return base
