"""Exceptions raised by :mod:`gazetteer`.

Every exception derives from :class:`GazetteerError`, and each also inherits a
builtin (:class:`ValueError` or :class:`OSError`) so callers can catch either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DownloadError",
    "GazetteerError",
    "IndexUnavailableError",
    "Problem",
    "SourceFormatError",
    "UnknownSourceError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input file.

    Parameters
    ----------
    path : str
        The file (or ``"<stdin>"``, ``"<argument>"``).
    line : int or None
        1-based line number, when the problem has one.
    column : str or None
        Column or field name, when the problem has one.
    message : str
        What is wrong, for a person.

    Examples
    --------
    >>> str(Problem("events.csv", 3, "date", "not a date: '2016-13-01'"))
    "events.csv:3: date: not a date: '2016-13-01'"
    >>> str(Problem("x.csv", None, None, "empty file"))
    'x.csv: empty file'
    """

    path: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.column:
            return f"{where}: {self.column}: {self.message}"
        return f"{where}: {self.message}"


class GazetteerError(Exception):
    """Base class of every error raised by :mod:`gazetteer`."""


class SourceFormatError(GazetteerError, ValueError):
    """Raised when an input file (a gazetteer source, an alias file, a batch file) is invalid.

    All problems found in the file are collected first and reported together in
    :attr:`problems`; the message lists them one per line as ``FILE:LINE: column: message``.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid input")


class UnknownSourceError(GazetteerError, ValueError):
    """Raised when a source's format cannot be recognised or is not supported."""


class IndexUnavailableError(GazetteerError, OSError):
    """Raised when a gazetteer index file is missing, unreadable or of another format version."""


class DownloadError(GazetteerError, OSError):
    """Raised when a download (``gazetteer download``) fails or gives an unusable file."""
