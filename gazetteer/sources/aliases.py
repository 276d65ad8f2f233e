"""Alias files: hand-made ``name → place id`` pairs that the resolver trusts first."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from gazetteer.exc import Problem, SourceFormatError
from gazetteer.normalize import normalize
from gazetteer.sources._common import display_path, file_level_errors

__all__ = ["Alias", "read_aliases"]


@dataclass(frozen=True, slots=True)
class Alias:
    """A name that stands for one place.

    Parameters
    ----------
    name : str
        The name as written in the file.
    place_id : str
        The place it stands for (``"geonames:170794"``, ``"curated:ayyash"``).
    note : str or None
        Why (free text), if given.
    origin : str
        Where the alias comes from: ``"<file name>:<line>"``.
    """

    name: str
    place_id: str
    note: str | None
    origin: str


@file_level_errors
def read_aliases(path: str | os.PathLike[str]) -> list[Alias]:
    r"""Read an alias CSV file (columns ``name``, ``place_id`` and optionally ``note``).

    Column names are case-insensitive; other columns are ignored; blank lines and lines
    whose first cell starts with ``#`` are skipped. Names are compared after
    :func:`gazetteer.normalize.normalize`: the same name given twice for the same place is
    kept once, for two different places it is a problem.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8).

    Returns
    -------
    list of Alias
        In file order.

    Raises
    ------
    SourceFormatError
        With every problem of the file: missing columns, empty name, missing or malformed
        place id (it must look like ``"<source>:<id>"``), a name given for two places.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = "name,place_id,note\nBoghaliyyah,curated:baghaliyah,WSJ spelling\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "aliases.csv")
    ...     _ = p.write_text(text, encoding="utf-8")
    ...     read_aliases(p)
    [Alias(name='Boghaliyyah', place_id='curated:baghaliyah', note='WSJ spelling', origin='aliases.csv:2')]
    """
    p = Path(path)
    where = display_path(path)
    problems: list[Problem] = []
    out: list[Alias] = []
    first: dict[str, tuple[str, int]] = {}
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise SourceFormatError([Problem(where, None, None, "empty file (no header row)")])
        lowered = [h.strip().lower() for h in header]
        missing = [c for c in ("name", "place_id") if c not in lowered]
        if missing:
            msg = f"missing required column(s): {', '.join(missing)} (header: {header})"
            raise SourceFormatError([Problem(where, 1, None, msg)])
        i_name, i_id = lowered.index("name"), lowered.index("place_id")
        i_note = lowered.index("note") if "note" in lowered else None
        line_start = reader.line_num + 1
        for row in reader:
            line = line_start
            line_start = reader.line_num + 1
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            if len(row) != len(header):
                problems.append(
                    Problem(where, line, None, f"expected {len(header)} fields, found {len(row)}")
                )
                continue
            name = " ".join(row[i_name].split())
            place_id = row[i_id].strip()
            note = " ".join(row[i_note].split()) if i_note is not None else ""
            bad = False
            key = normalize(name) if name else ""
            if not name:
                problems.append(Problem(where, line, "name", "empty name"))
                bad = True
            elif not key:
                problems.append(Problem(where, line, "name", f"no letters or digits: {name!r}"))
                bad = True
            if not place_id:
                problems.append(Problem(where, line, "place_id", "missing place id"))
                bad = True
            elif ":" not in place_id.strip(":") or any(ch.isspace() for ch in place_id):
                problems.append(
                    Problem(
                        where,
                        line,
                        "place_id",
                        f"not a place id like 'geonames:170794': {place_id!r}",
                    )
                )
                bad = True
            if bad:
                continue
            if key in first:
                prev_id, prev_line = first[key]
                if prev_id != place_id:
                    problems.append(
                        Problem(
                            where,
                            line,
                            "name",
                            f"{name!r} already stands for {prev_id!r} (line {prev_line}), not {place_id!r}",
                        )
                    )
                continue
            first[key] = (place_id, line)
            out.append(Alias(name, place_id, note or None, f"{p.name}:{line}"))
    if problems:
        raise SourceFormatError(problems)
    return out
