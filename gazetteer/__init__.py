"""gazetteer: resolve transliteration variants of place names to coordinates, offline."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from gazetteer._types import Match, Place, Resolution
from gazetteer.exc import (
    GazetteerError,
    IndexUnavailableError,
    Problem,
    SourceFormatError,
    UnknownSourceError,
)
from gazetteer.normalize import normalize, skeleton

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "GazetteerError",
    "IndexUnavailableError",
    "Match",
    "Place",
    "Problem",
    "Resolution",
    "SourceFormatError",
    "UnknownSourceError",
    "normalize",
    "skeleton",
]
