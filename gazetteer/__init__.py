"""gazetteer: resolve transliteration variants of place names to coordinates, offline.

>>> from gazetteer import normalize, skeleton
>>> normalize("Deir el-Zour") == normalize("Dayr az Zawr")
True
>>> skeleton("دير الزور") == skeleton("Deir Ezzour")
True

The lookup path (``Gazetteer``, the CLI) imports neither geopandas nor pandas.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from gazetteer._types import Match, Place, Resolution
from gazetteer.exc import (
    DownloadError,
    GazetteerError,
    IndexUnavailableError,
    Problem,
    SourceFormatError,
    UnknownSourceError,
)
from gazetteer.normalize import is_arabic, keys, normalize, skeleton

if TYPE_CHECKING:
    from gazetteer.index import build_index
    from gazetteer.resolve import Gazetteer
    from gazetteer.sources import Alias, read_aliases, read_source

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Alias",
    "DownloadError",
    "Gazetteer",
    "GazetteerError",
    "IndexUnavailableError",
    "Match",
    "Place",
    "Problem",
    "Resolution",
    "SourceFormatError",
    "UnknownSourceError",
    "build_index",
    "is_arabic",
    "keys",
    "normalize",
    "read_aliases",
    "read_source",
    "skeleton",
]

_LAZY = {
    "Gazetteer": "gazetteer.resolve",
    "build_index": "gazetteer.index",
    "Alias": "gazetteer.sources",
    "read_aliases": "gazetteer.sources",
    "read_source": "gazetteer.sources",
}


def __getattr__(name: str) -> Any:
    """Import the heavier parts on first use (PEP 562)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'gazetteer' has no attribute {name!r}"
    raise AttributeError(msg)
