"""Value types of geomap: :class:`Event`, :class:`PlaceState`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ACTIONS",
    "CONFIDENCES",
    "DATE_PRECISIONS",
    "EXTENTS",
    "STATUSES",
    "Action",
    "Confidence",
    "DatePrecision",
    "Event",
    "Extent",
    "PlaceState",
    "Status",
]

Action = Literal["captured", "retook", "withdrew", "contested", "besieged", "siege_lifted"]
DatePrecision = Literal["day", "week", "month"]
Extent = Literal["full", "partial"]
Confidence = Literal["confirmed", "claimed", "disputed"]
Status = Literal["held", "contested", "claimed", "besieged"]

ACTIONS: tuple[str, ...] = ("captured", "retook", "withdrew", "contested", "besieged",
                            "siege_lifted")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month")
EXTENTS: tuple[str, ...] = ("full", "partial")
CONFIDENCES: tuple[str, ...] = ("confirmed", "claimed", "disputed")
STATUSES: tuple[str, ...] = ("held", "contested", "claimed", "besieged")


@dataclass(frozen=True, slots=True)
class Event:
    """One sourced claim of a control change at one place.

    Several rows (one per source) may describe the same change; the timeline
    compares them. ``actor`` and ``previous`` are canonical actor ids of the
    :class:`geomap.actors.ActorRegistry`. ``place_id``, ``lat`` and ``lon`` are the
    resolved place (``None`` while unresolved); ``place_score`` is the gazetteer's
    score (1.0 for ids or coordinates given in the file).
    """

    event_id: str
    date: dt.date
    place: str
    action: Action
    actor: str
    date_precision: DatePrecision = "day"
    place_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    previous: str | None = None
    extent: Extent = "full"
    confidence: Confidence = "confirmed"
    sources: tuple[str, ...] = ()
    url: str | None = None
    claim: str | None = None
    notes: str | None = None
    place_score: float | None = None
    geo_precision: int | None = None
    origin: str | None = None  # "file:line" the row came from

    @property
    def resolved(self) -> bool:
        """True when the event has coordinates."""
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class PlaceState:
    """Control of one place on one date.

    ``status``: ``held`` (one controller, uncontested), ``contested`` (fighting, or
    conflicting reports from different sides' sources), ``claimed`` (a change that
    only one side's sources assert, or that is flagged ``claimed``/``disputed``),
    ``besieged`` (held, but surrounded). ``controller`` is the actor that holds (or,
    for ``claimed``, is claimed to hold) the place; ``contenders`` the other actors
    involved. ``events`` are the ids of the events that set this state on ``since``.
    """

    place_id: str
    name: str
    lat: float
    lon: float
    controller: str | None
    status: Status
    since: dt.date | None
    last_event: str | None = None
    sources: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    contenders: tuple[str, ...] = ()
    extent: Extent = "full"
    confidence: Confidence = "confirmed"
