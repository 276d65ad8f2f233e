"""News articles → place mentions → candidate control-change events (see docs/extract.md)."""

from __future__ import annotations

from geomap.extract.figures import Figure
from geomap.extract.mentions import Mention, find_mentions
from geomap.extract.pipeline import (
    CandidateEvent,
    Extraction,
    extract_articles,
    extract_events,
    write_events_csv,
    write_figures_csv,
    write_mentions_csv,
)

__all__ = [
    "CandidateEvent",
    "Extraction",
    "Figure",
    "Mention",
    "extract_articles",
    "extract_events",
    "find_mentions",
    "write_events_csv",
    "write_figures_csv",
    "write_mentions_csv",
]
