"""geomap: control-change events to control state, areas, frontlines and folium maps.

The pipeline runs one way: names → places (:mod:`gazetteer`) → events
(:mod:`geomap.events`) → control on any date (:mod:`geomap.timeline`) → areas and
frontlines (:mod:`geomap.geometry`) → maps (:mod:`geomap.render`) and reports
(:mod:`geomap.report`). :func:`load_scenario` ties them together.

Heavy modules (geopandas, folium) are imported on first use of a name that needs them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from geomap._types import Event, PlaceState
from geomap.exc import GeomapError, InputError, UnresolvedPlacesError

if TYPE_CHECKING:
    from geomap.actors import Actor, ActorRegistry
    from geomap.events import EventTable, ResolvedEvents, read_acled, read_events, resolve_events
    from geomap.extract import extract_events
    from geomap.geometry import Tessellation, changes, control_areas, frontlines, layers, tessellate
    from geomap.io import read_barriers, read_region, write_frame
    from geomap.png import snapshot_png
    from geomap.render import control_map, save_html, series, slider_map, to_html
    from geomap.report import MapView, build_report, embed
    from geomap.scenario import Scenario, load_scenario
    from geomap.snapshot import Snapshot, read_snapshot
    from geomap.timeline import Change, Timeline

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

_LAZY = {
    "Actor": "geomap.actors",
    "ActorRegistry": "geomap.actors",
    "EventTable": "geomap.events",
    "ResolvedEvents": "geomap.events",
    "read_acled": "geomap.events",
    "read_events": "geomap.events",
    "resolve_events": "geomap.events",
    "Snapshot": "geomap.snapshot",
    "read_snapshot": "geomap.snapshot",
    "Timeline": "geomap.timeline",
    "Change": "geomap.timeline",
    "Tessellation": "geomap.geometry",
    "tessellate": "geomap.geometry",
    "control_areas": "geomap.geometry",
    "frontlines": "geomap.geometry",
    "changes": "geomap.geometry",
    "layers": "geomap.geometry",
    "read_region": "geomap.io",
    "read_barriers": "geomap.io",
    "write_frame": "geomap.io",
    "control_map": "geomap.render",
    "slider_map": "geomap.render",
    "series": "geomap.render",
    "save_html": "geomap.render",
    "to_html": "geomap.render",
    "build_report": "geomap.report",
    "embed": "geomap.report",
    "MapView": "geomap.report",
    "snapshot_png": "geomap.png",
    "extract_events": "geomap.extract",
    "Scenario": "geomap.scenario",
    "load_scenario": "geomap.scenario",
}

__all__ = [
    "Actor",
    "ActorRegistry",
    "Change",
    "Event",
    "EventTable",
    "GeomapError",
    "InputError",
    "MapView",
    "PlaceState",
    "ResolvedEvents",
    "Scenario",
    "Snapshot",
    "Tessellation",
    "Timeline",
    "UnresolvedPlacesError",
    "build_report",
    "changes",
    "control_areas",
    "control_map",
    "embed",
    "extract_events",
    "frontlines",
    "layers",
    "load_scenario",
    "read_acled",
    "read_barriers",
    "read_events",
    "read_region",
    "read_snapshot",
    "resolve_events",
    "save_html",
    "series",
    "slider_map",
    "snapshot_png",
    "tessellate",
    "to_html",
    "write_frame",
]


def __getattr__(name: str) -> Any:
    """Import the heavier parts on first use (PEP 562)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'geomap' has no attribute {name!r}"
    raise AttributeError(msg)
