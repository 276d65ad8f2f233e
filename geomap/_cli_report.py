"""``geomap report`` and ``geomap snapshot``: reports, PNG (registered by geomap.cli)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

__all__ = ["register"]


def register(sub: Any, *, add_inputs: Callable[..., None]) -> None:
    """Add the ``report`` and ``snapshot`` subcommands to the ``geomap`` parser (not yet available)."""
    del sub, add_inputs


def run(args: argparse.Namespace) -> int:  # pragma: no cover - placeholder
    """Run ``geomap report``."""
    raise NotImplementedError
