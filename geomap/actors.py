"""The actor registry: canonical sides, their aliases, map colours and affiliated outlets.

The shipped table (``geomap/data/actors.csv``) uses the side ids of Wikipedia's
"detailed map" modules where they exist (``gov``, ``IS``, ``SDF``, ``opp``), plus
``HTS`` (the modules' ``JaN``), ``TUR`` (``Trk``), ``IRQ``, ``KRG``, ``PMF`` and
``RUS``. Users add or override actors with a CSV of the same columns
(:meth:`ActorRegistry.extended_with`).

CSV columns: ``id, name, aliases, colour, outlets, source``; ``aliases`` and
``outlets`` hold several values separated by ``|``; ``colour`` is ``#rrggbb``;
``source`` says where the alias facts come from.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import os
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from gazetteer.exc import Problem
from geomap.exc import InputError, UnknownActorError

__all__ = ["ACTOR_COLUMNS", "Actor", "ActorRegistry", "actor_key", "slug"]

ACTOR_COLUMNS: tuple[str, ...] = ("id", "name", "aliases", "colour", "outlets", "source")

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_PAREN = re.compile(r"\([^)]*\)")
_APOSTROPHES = "'’‘`ʿʾ´"
# Words that only say "armed people of": "IS fighters" is "IS".
_GENERIC_TAILS = ("forces", "fighters", "militants", "troops", "units", "militia", "militiamen",
                  "group", "members", "positions")
# Muted, mutually distinct colours for actors missing from the registry.
_FALLBACK_COLOURS: tuple[str, ...] = ("#9e6b55", "#5f8fa3", "#b07aa1", "#7f7f3f", "#4b7d6f",
                                      "#a3875f", "#6f6fa8", "#a85f6f")


def actor_key(text: str) -> str:
    """Return the matching key of an actor name or outlet.

    Case, accents, apostrophes, punctuation and spacing are ignored; a leading
    "the" is dropped.

    Examples
    --------
    >>> actor_key("  The Hay'at Tahrir al-Sham ")
    'hayat tahrir al sham'
    >>> actor_key("Military Forces of Syria (2000-)")
    'military forces of syria 2000'
    """
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch) and ch not in _APOSTROPHES)
    words = "".join(ch if ch.isalnum() else " " for ch in s).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def slug(text: str) -> str:
    """Return a stable id for an actor name that the registry does not know.

    Examples
    --------
    >>> slug("Unidentified Armed Group (Syria)")
    'unidentified-armed-group-syria'
    >>> slug("!!!")
    'unknown'
    """
    return "-".join(actor_key(text).split()) or "unknown"


@dataclass(frozen=True, slots=True)
class Actor:
    """One side of the conflict.

    Parameters
    ----------
    id : str
        Canonical short id (``"gov"``, ``"IS"``, ...).
    name : str
        Display name.
    aliases : tuple of str
        Names that mean this actor (matched case-, accent- and punctuation-insensitively).
    colour : str
        Map colour, ``#rrggbb``.
    outlets : tuple of str
        News outlets affiliated with this side (``SANA`` for the Syrian government,
        ``Aamaq`` for the Islamic State): their reports alone do not confirm a
        change in their side's favour.
    source : str
        Where the alias and outlet facts come from.
    """

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    colour: str = "#777777"
    outlets: tuple[str, ...] = ()
    source: str = ""


class ActorRegistry:
    """An immutable set of actors with alias and outlet lookup.

    Iteration yields the actors in table order (shipped rows first, then rows
    added by :meth:`extended_with`).

    Examples
    --------
    >>> reg = ActorRegistry.default()
    >>> reg.resolve("Islamic State (Syria)").id
    'IS'
    >>> reg.resolve("assad  REGIME forces").id
    'gov'
    >>> reg.side_of_outlet("SANA")
    'gov'
    >>> reg.resolve("the extremists") is None
    True
    """

    __slots__ = ("_actors", "_by_alias", "_by_id", "_by_outlet", "_keys_sorted")

    def __init__(self, actors: Iterable[Actor]) -> None:
        problems: list[Problem] = []
        by_id: dict[str, Actor] = {}
        by_alias: dict[str, str] = {}
        by_outlet: dict[str, str] = {}
        for actor in actors:
            if actor.id in by_id:
                problems.append(Problem("<actors>", None, "id", f"duplicate actor id {actor.id!r}"))
                continue
            by_id[actor.id] = actor
        # ids first, so that an id always resolves to itself
        for actor in by_id.values():
            by_alias[actor_key(actor.id)] = actor.id
        for actor in by_id.values():
            for alias in (actor.name, *actor.aliases):
                key = actor_key(alias)
                if key and by_alias.setdefault(key, actor.id) != actor.id:
                    other = by_alias[key]
                    if actor_key(other) != key:  # an id wins silently over an alias
                        problems.append(Problem("<actors>", None, "aliases",
                                                f"alias {alias!r} names both {other!r} and "
                                                f"{actor.id!r}"))
            for outlet in actor.outlets:
                key = actor_key(outlet)
                if key and by_outlet.setdefault(key, actor.id) != actor.id:
                    problems.append(Problem("<actors>", None, "outlets",
                                            f"outlet {outlet!r} is affiliated with both "
                                            f"{by_outlet[key]!r} and {actor.id!r}"))
        if problems:
            raise InputError(problems)
        self._actors: tuple[Actor, ...] = tuple(by_id.values())
        self._by_id = by_id
        self._by_alias = by_alias
        self._by_outlet = by_outlet
        self._keys_sorted: tuple[str, ...] = tuple(sorted(by_alias))

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def default(cls) -> ActorRegistry:
        """Return the shipped registry (``geomap/data/actors.csv``).

        Examples
        --------
        >>> [a.id for a in ActorRegistry.default()][:4]
        ['gov', 'IS', 'SDF', 'opp']
        """
        return _default_registry()

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> ActorRegistry:
        """Read a registry from a CSV file with the columns of :data:`ACTOR_COLUMNS`.

        Raises
        ------
        InputError
            Listing every invalid row.
        """
        return cls(_read_actor_rows(_read_text(path), str(path)))

    def extended_with(
        self, path_or_rows: str | os.PathLike[str] | Iterable[Mapping[str, Any] | Actor]
    ) -> ActorRegistry:
        """Return a new registry with actors added or overridden.

        ``path_or_rows`` is a CSV file with the columns of :data:`ACTOR_COLUMNS`
        (only ``id`` is required), or rows as mappings or :class:`Actor` values.
        A row whose ``id`` exists updates that actor: non-empty ``name``,
        ``colour`` and ``source`` replace the old values, ``aliases`` and
        ``outlets`` are added to the old ones. An alias or outlet that a row gives
        to one actor is taken away from any other actor (the extension wins).

        Examples
        --------
        >>> reg = ActorRegistry.default().extended_with(
        ...     [{"id": "IRQ", "aliases": "government forces|troops"}])
        >>> reg.resolve("government forces").id
        'IRQ'
        >>> reg.resolve("SAA").id
        'gov'
        """
        if isinstance(path_or_rows, str | os.PathLike):
            new = _read_actor_rows(_read_text(path_or_rows), str(path_or_rows), partial=True)
        else:
            rows: list[Actor] = []
            problems: list[Problem] = []
            for i, row in enumerate(path_or_rows, start=1):
                if isinstance(row, Actor):
                    rows.append(row)
                    continue
                actor, row_problems = _actor_from_row(row, "<rows>", i, partial=True)
                problems.extend(row_problems)
                if actor is not None:
                    rows.append(actor)
            if problems:
                raise InputError(problems)
            new = rows
        taken_alias = {actor_key(a): r.id for r in new for a in (r.name, *r.aliases) if a}
        taken_outlet = {actor_key(o): r.id for r in new for o in r.outlets}
        merged: dict[str, Actor] = {}
        for old in self._actors:
            merged[old.id] = replace(
                old,
                aliases=tuple(a for a in old.aliases
                              if taken_alias.get(actor_key(a), old.id) == old.id),
                outlets=tuple(o for o in old.outlets
                              if taken_outlet.get(actor_key(o), old.id) == old.id),
            )
            if taken_alias.get(actor_key(old.name), old.id) != old.id:
                merged[old.id] = replace(merged[old.id], name=old.id)
        for row in new:
            base = merged.get(row.id)
            if base is None:
                merged[row.id] = replace(row, name=row.name or row.id,
                                         colour=row.colour or _fallback_colour(row.id))
                continue
            merged[row.id] = Actor(
                id=row.id,
                name=row.name or base.name,
                aliases=_dedup((*base.aliases, *row.aliases)),
                colour=row.colour or base.colour,
                outlets=_dedup((*base.outlets, *row.outlets)),
                source="; ".join(s for s in (base.source, row.source) if s),
            )
        return ActorRegistry(merged.values())

    # -- lookup -------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors)

    def __len__(self) -> int:
        return len(self._actors)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._by_id

    def __getitem__(self, actor_id: str) -> Actor:
        try:
            return self._by_id[actor_id]
        except KeyError:
            msg = f"unknown actor id {actor_id!r}"
            raise UnknownActorError(msg) from None

    def __repr__(self) -> str:
        return f"ActorRegistry({', '.join(self.ids)})"

    @property
    def ids(self) -> tuple[str, ...]:
        """The canonical ids, in table order."""
        return tuple(a.id for a in self._actors)

    def get(self, actor_id: str) -> Actor | None:
        """Return the actor with this canonical id, or ``None``.

        Examples
        --------
        >>> ActorRegistry.default().get("HTS").name
        'Hayat Tahrir al-Sham'
        """
        return self._by_id.get(actor_id)

    def colour(self, actor_id: str | None) -> str:
        """Return the map colour of an actor id.

        Ids missing from the registry (e.g. ACLED actors kept under a slug) get a
        muted colour chosen deterministically from the id; ``None`` (no
        controller) is light grey.

        Examples
        --------
        >>> reg = ActorRegistry.default()
        >>> reg.colour("IS")
        '#1a1a1a'
        >>> reg.colour("some-militia") == reg.colour("some-militia")
        True
        """
        if actor_id is None:
            return "#d9d9d9"
        actor = self._by_id.get(actor_id)
        return actor.colour if actor is not None else _fallback_colour(actor_id)

    def resolve(self, text: str) -> Actor | None:
        """Return the actor a name refers to, or ``None``.

        Tried in order: the whole name; the name without parenthesised parts
        (ACLED's ``"Islamic State (Syria)"``); each side of an ACLED
        ``"ABBR: Long name"``; the name without a generic tail word (``"IS
        fighters"``); the longest alias of three or more words that the name
        starts with (``"Military Forces of Syria (2000-) Air Force"``).
        Descriptions such as "the extremists" are not resolved.

        Examples
        --------
        >>> reg = ActorRegistry.default()
        >>> reg.resolve("Jabhat al Nusra").id
        'HTS'
        >>> reg.resolve("Military Forces of Iraq (2022-)").id
        'IRQ'
        >>> reg.resolve("Kurdish Peshmerga fighters").id
        'KRG'
        """
        for key in _candidate_keys(text):
            actor_id = self._by_alias.get(key)
            if actor_id is not None:
                return self._by_id[actor_id]
        key = actor_key(_PAREN.sub(" ", text))
        words = key.split()
        for n in range(len(words) - 1, 2, -1):
            actor_id = self._by_alias.get(" ".join(words[:n]))
            if actor_id is not None:
                return self._by_id[actor_id]
        return None

    def suggest(self, text: str, *, limit: int = 3) -> list[str]:
        """Return the ids of the actors whose aliases are closest to ``text`` (best first).

        Examples
        --------
        >>> ActorRegistry.default().suggest("Deash")
        ['IS']
        """
        key = actor_key(text)
        close = difflib.get_close_matches(key, self._keys_sorted, n=10, cutoff=0.6)
        if not close:
            return []
        best = difflib.SequenceMatcher(None, key, close[0]).ratio()
        out: list[str] = []
        for k in close:
            if difflib.SequenceMatcher(None, key, k).ratio() < best - 0.1:
                break
            actor_id = self._by_alias[k]
            if actor_id not in out:
                out.append(actor_id)
        return out[:limit]

    def side_of_outlet(self, outlet: str) -> str | None:
        """Return the id of the side an outlet is affiliated with, or ``None``.

        The outlet is matched as a whole name (case, accents and punctuation
        ignored), so ``"SOHR citing SANA"`` is not SANA.

        Examples
        --------
        >>> reg = ActorRegistry.default()
        >>> reg.side_of_outlet("Amaq News Agency")
        'IS'
        >>> reg.side_of_outlet("Syrian Observatory for Human Rights") is None
        True
        """
        return self._by_outlet.get(actor_key(outlet))


def _candidate_keys(text: str) -> Iterator[str]:
    key = actor_key(text)
    yield key
    bare = actor_key(_PAREN.sub(" ", text))
    yield bare
    if ":" in text:
        head, _, tail = text.partition(":")
        yield actor_key(tail)
        yield actor_key(_PAREN.sub(" ", tail))
        yield actor_key(head)
    for k in (key, bare):
        words = k.split()
        if len(words) > 1 and words[-1] in _GENERIC_TAILS:
            yield " ".join(words[:-1])


def _fallback_colour(actor_id: str) -> str:
    return _FALLBACK_COLOURS[zlib.crc32(actor_id.encode("utf-8")) % len(_FALLBACK_COLOURS)]


def _dedup(values: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        k = actor_key(v)
        if k and k not in seen:
            seen.add(k)
            out.append(v)
    return tuple(out)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _read_text(path: str | os.PathLike[str]) -> str:
    from geomap.events import _decode  # geomap.events imports this module

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(path), None, None,
                                  f"cannot read: {exc.strerror}")]) from None
    return _decode(data, str(path))


def _actor_from_row(
    row: Mapping[str, Any], path: str, line: int, *, partial: bool = False
) -> tuple[Actor | None, list[Problem]]:
    problems: list[Problem] = []
    get = {k: ("" if v is None else str(v)).strip() for k, v in row.items() if k is not None}
    unknown = sorted(set(get) - set(ACTOR_COLUMNS))
    for col in unknown:
        problems.append(Problem(path, line, col, "unknown column (expected "
                                + ", ".join(ACTOR_COLUMNS) + ")"))
    actor_id = get.get("id", "")
    if not actor_id:
        problems.append(Problem(path, line, "id", "missing actor id"))
    elif not _ID.match(actor_id):
        problems.append(Problem(path, line, "id", f"invalid actor id {actor_id!r} (letters, "
                                "digits, '_', '-', '.'; starting with a letter)"))
    name = get.get("name", "")
    if not name and not partial:
        problems.append(Problem(path, line, "name", "missing name"))
    colour = get.get("colour", "")
    if colour and not _COLOUR.match(colour):
        problems.append(Problem(path, line, "colour", f"not a #rrggbb colour: {colour!r}"))
    elif not colour and not partial:
        problems.append(Problem(path, line, "colour", "missing colour"))
    if problems:
        return None, problems
    return Actor(id=actor_id, name=name, aliases=_split(get.get("aliases", "")),
                 colour=colour.lower(), outlets=_split(get.get("outlets", "")),
                 source=get.get("source", "")), problems


def _read_actor_rows(text: str, path: str, *, partial: bool = False) -> list[Actor]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _actor_rows(reader, path, partial=partial)
    except csv.Error as exc:
        raise InputError([Problem(path, reader.line_num, None, f"not valid CSV: {exc}")]) \
            from None


def _actor_rows(reader: csv.DictReader[str], path: str, *, partial: bool) -> list[Actor]:
    if not reader.fieldnames:
        raise InputError([Problem(path, None, None, "empty file")])
    header = [f.strip() for f in reader.fieldnames]
    reader.fieldnames = header
    problems: list[Problem] = []
    if "id" not in header:
        problems.append(Problem(path, 1, "id", "missing column"))
        raise InputError(problems)
    actors: list[Actor] = []
    last = 1
    for row in reader:
        line = last + 1
        last = reader.line_num
        if None in row:
            problems.append(Problem(path, line, None, "more values than columns"))
            continue
        actor, row_problems = _actor_from_row(row, path, line, partial=partial)
        problems.extend(row_problems)
        if actor is not None:
            actors.append(actor)
    if problems:
        raise InputError(problems)
    return actors


@functools.cache
def _default_registry() -> ActorRegistry:
    text = resources.files("geomap").joinpath("data", "actors.csv").read_text(encoding="utf-8")
    return ActorRegistry(_read_actor_rows(text, "geomap/data/actors.csv"))
