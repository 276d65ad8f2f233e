"""folium maps of control: per-date maps, a date slider, series, offline assets.

Public API: :func:`control_map`, :func:`slider_map`, :func:`series`,
:func:`to_html`, :func:`save_html`.
"""

from __future__ import annotations

from geomap.render.page import control_map, save_html, stable_ids, to_html
from geomap.render.series import series
from geomap.render.slider import slider_map

__all__ = ["control_map", "save_html", "series", "slider_map", "stable_ids", "to_html"]
