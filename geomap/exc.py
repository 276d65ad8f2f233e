"""Exceptions raised by :mod:`geomap`.

Every exception derives from :class:`GeomapError`, and each also inherits a
builtin (:class:`ValueError` or :class:`KeyError`) so callers can catch either.
Errors about input files carry every problem found (:class:`gazetteer.exc.Problem`,
``FILE:LINE: column: message``), collected before raising once.
"""

from __future__ import annotations

from collections.abc import Iterable

from gazetteer.exc import Problem

__all__ = [
    "GeomapError",
    "InputError",
    "UnknownActorError",
    "UnresolvedPlacesError",
]


class GeomapError(Exception):
    """Base class of every error raised by :mod:`geomap`."""


class InputError(GeomapError, ValueError):
    """Raised when an input file or value (events, snapshot, actor table) is invalid.

    All problems found are collected first and reported together in
    :attr:`problems`; the message lists them one per line as
    ``FILE:LINE: column: message``.

    Examples
    --------
    >>> err = InputError([Problem("e.csv", 2, "date", "not a date: 'x'")])
    >>> str(err)
    "e.csv:2: date: not a date: 'x'"
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid input")


class UnresolvedPlacesError(InputError):
    """Raised by ``resolve_events(..., strict=True)`` when some place names are not found or ambiguous.

    :attr:`problems` lists every unresolved event (one per line), with the file
    and line the event came from.
    """


class UnknownActorError(GeomapError, KeyError):
    """Raised by ``ActorRegistry[id]`` when no actor has that canonical id.

    (:meth:`geomap.actors.ActorRegistry.get` returns ``None`` instead.)
    """

    def __str__(self) -> str:
        # KeyError's str() quotes the message; show it as written.
        return str(self.args[0]) if self.args else "unknown actor"
