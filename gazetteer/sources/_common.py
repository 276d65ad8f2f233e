"""Helpers shared by the source readers: problem collection, coordinates, names, slugs."""

from __future__ import annotations

import csv
import functools
import gzip
import inspect
import io
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, TypeVar

from gazetteer.exc import Problem, SourceFormatError

__all__ = [
    "FEATURE_CLASSES",
    "ProblemSink",
    "check_coordinates",
    "display_path",
    "file_level_errors",
    "open_text",
    "parse_coordinate",
    "slugify",
    "unique_names",
]

#: GeoNames feature classes.
FEATURE_CLASSES = frozenset("ASPTHLRVU")

_SLUG_STRIP = re.compile(r"[^\w]+")


class ProblemSink:
    """Collect the problems of one file; raise them together at the end.

    Parameters
    ----------
    skipped : list of Problem or None
        The caller's list: problems are appended to it and never raised.
        When ``None``, problems are kept here and :meth:`finish` raises
        :class:`~gazetteer.exc.SourceFormatError` listing them all.

    Examples
    --------
    >>> sink = ProblemSink(None)
    >>> sink.add("a.csv", 2, "lat", "not a number: 'x'")
    >>> try:
    ...     sink.finish()
    ... except SourceFormatError as e:
    ...     print(e)
    a.csv:2: lat: not a number: 'x'
    """

    def __init__(self, skipped: list[Problem] | None) -> None:
        self._external = skipped
        self._own: list[Problem] = []

    def add(self, path: str, line: int | None, column: str | None, message: str) -> None:
        """Record a problem that makes an entry unusable (raised at the end)."""
        problem = Problem(path, line, column, message)
        if self._external is not None:
            self._external.append(problem)
        else:
            self._own.append(problem)

    def note(self, path: str, line: int | None, column: str | None, message: str) -> None:
        """Record something left out on purpose (only reported when the caller listens)."""
        if self._external is not None:
            self._external.append(Problem(path, line, column, message))

    def finish(self) -> None:
        """Raise :class:`SourceFormatError` with every problem, if any were kept here."""
        if self._own:
            raise SourceFormatError(self._own)


def display_path(path: str | os.PathLike[str]) -> str:
    """Return the path as written by the caller, for messages."""
    return os.fspath(path)


def open_text(path: str | os.PathLike[str]) -> IO[str]:
    """Open a UTF-8 text file for streaming; ``.gz`` and single-member ``.zip`` are unpacked.

    GeoNames publishes ``allCountries.zip`` and ``alternateNamesV2.zip``; the member
    read from a zip is the ``.txt`` file whose name matches the archive's stem
    (else the only ``.txt`` member).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".gz":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", newline="")
    if suffix == ".zip":
        zf = zipfile.ZipFile(p)
        members = [n for n in zf.namelist() if n.lower().endswith(".txt")]
        preferred = [n for n in members if Path(n).stem.lower() == p.stem.lower()]
        chosen = (preferred or members or [None])[0]
        if chosen is None or (not preferred and len(members) > 1):
            zf.close()
            msg = f"cannot tell which member of the zip archive to read: {members}"
            raise SourceFormatError([Problem(str(p), None, None, msg)])
        return io.TextIOWrapper(zf.open(chosen), encoding="utf-8", newline="")
    return open(p, encoding="utf-8", newline="")


def parse_coordinate(text: object) -> float | None:
    """Return ``text`` as a finite float, or ``None`` when it is not a number.

    Examples
    --------
    >>> parse_coordinate(" 35.42 "), parse_coordinate("nan"), parse_coordinate("")
    (35.42, None, None)
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        value = float(text)
    else:
        try:
            value = float(str(text).strip())
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def check_coordinates(lat: float, lon: float) -> str | None:
    """Return what is wrong with a (lat, lon) pair, or ``None`` when it is valid.

    Examples
    --------
    >>> check_coordinates(35.4, 40.1) is None
    True
    >>> check_coordinates(120.5, 35.1)
    'latitude 120.5 outside [-90, 90] (latitude and longitude swapped?)'
    >>> check_coordinates(36.74, 366514.0)
    'longitude 366514.0 outside [-180, 180]'
    """
    lat_ok = -90.0 <= lat <= 90.0
    lon_ok = -180.0 <= lon <= 180.0
    if lat_ok and lon_ok:
        return None
    swapped = -90.0 <= lon <= 90.0 and -180.0 <= lat <= 180.0
    hint = " (latitude and longitude swapped?)" if swapped else ""
    if not lat_ok:
        return f"latitude {lat!r} outside [-90, 90]{hint}"
    return f"longitude {lon!r} outside [-180, 180]{hint}"


def unique_names(name: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """Return the non-empty candidates, stripped, in order, without repeats or ``name``.

    Examples
    --------
    >>> unique_names("Deir ez-Zor", ["Deir ez-Zor", " DEZ", "", "DEZ", "Dayr az Zawr"])
    ('DEZ', 'Dayr az Zawr')
    """
    seen = {name}
    out: list[str] = []
    for raw in candidates:
        cand = " ".join(raw.split())
        if cand and cand not in seen:
            seen.add(cand)
            out.append(cand)
    return tuple(out)


def slugify(text: str) -> str:
    """Return a lowercase ASCII-folded slug (letters of other scripts are kept).

    Examples
    --------
    >>> slugify("Ma`zulah/Maazoleh"), slugify("‘Ayn al Jamajimah"), slugify("البغيلية")
    ('ma-zulah-maazoleh', 'ayn-al-jamajimah', 'البغيلية')
    """
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = unicodedata.normalize("NFC", s)
    return _SLUG_STRIP.sub("-", s).replace("_", "-").strip("-")


_F = TypeVar("_F", bound=Callable[..., Any])


def _open_binary(p: Path) -> IO[bytes]:
    if p.suffix.lower() == ".gz":
        return gzip.open(p, "rb")
    if p.suffix.lower() == ".zip":
        zf = zipfile.ZipFile(p)
        members = [n for n in zf.namelist() if n.lower().endswith(".txt")]
        return zf.open(members[0]) if members else io.BytesIO(b"")
    return open(p, "rb")


def _locate(path: Path, exc: BaseException) -> tuple[int | None, str]:
    """Find the line of a decoding or CSV error by re-reading the raw bytes (error path only)."""
    limit = csv.field_size_limit()
    try:
        with _open_binary(path) as fh:
            for n, raw in enumerate(fh, start=1):
                if isinstance(exc, UnicodeDecodeError):
                    try:
                        raw.decode("utf-8")
                    except UnicodeDecodeError as e:
                        return n, (f"not UTF-8 text (byte 0x{raw[e.start]:02x}); "
                                   "save the file as UTF-8")
                elif len(raw) > limit:
                    return n, (f"line longer than {limit} bytes: refused (not a table of "
                               "places, or missing line breaks?)")
    except (OSError, zipfile.BadZipFile, EOFError):
        pass
    if isinstance(exc, UnicodeDecodeError):
        return None, "not UTF-8 text; save the file as UTF-8"
    return None, f"not valid CSV: {exc}"


def _file_problem(path: str | os.PathLike[str], exc: BaseException) -> Problem:
    where = display_path(path)
    if isinstance(exc, RecursionError):
        return Problem(where, None, None, "not valid JSON: nested too deeply")
    if isinstance(exc, zipfile.BadZipFile | gzip.BadGzipFile | EOFError):
        return Problem(where, None, None, f"not a readable archive: {exc}")
    line, message = _locate(Path(path), exc)
    return Problem(where, line, None, message)


_FILE_ERRORS = (UnicodeDecodeError, csv.Error, RecursionError, zipfile.BadZipFile,
                gzip.BadGzipFile, EOFError)


def file_level_errors(reader: _F) -> _F:
    r"""Make a reader raise :class:`SourceFormatError` for undecodable or malformed files.

    Text that is not UTF-8, a CSV field longer than the CSV limit (a huge line),
    JSON nested too deeply and broken archives become one located problem
    (``FILE:LINE: message``) instead of a Python exception. Works on plain
    functions and on generator functions (the error may come after some places).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> @file_level_errors
    ... def lines(path):
    ...     with open(path, encoding="utf-8") as fh:
    ...         yield from fh
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "x.txt")
    ...     _ = p.write_bytes(b"ok\n\xff\n")
    ...     try:
    ...         list(lines(p))
    ...     except SourceFormatError as e:
    ...         print(str(e).replace(str(p), "x.txt"))
    x.txt:2: not UTF-8 text (byte 0xff); save the file as UTF-8
    """
    if inspect.isgeneratorfunction(reader):

        @functools.wraps(reader)
        def gen(path: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                yield from reader(path, *args, **kwargs)
            except _FILE_ERRORS as exc:
                raise SourceFormatError([_file_problem(path, exc)]) from None

        return gen  # type: ignore[return-value]

    @functools.wraps(reader)
    def call(path: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return reader(path, *args, **kwargs)
        except _FILE_ERRORS as exc:
            raise SourceFormatError([_file_problem(path, exc)]) from None

    return call  # type: ignore[return-value]
