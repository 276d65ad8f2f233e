"""geomap: control-change events to control state, areas, frontlines and folium maps."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from geomap._types import Event, PlaceState

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["Event", "PlaceState"]
