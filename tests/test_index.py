"""The on-disk index: atomic builds, cache rebuilds, format checks, fast vs slow lookups."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gazetteer.sources as sources
from gazetteer import Place
from gazetteer.exc import IndexUnavailableError
from gazetteer.index import (
    Index,
    block_keys,
    build_index,
    default_index_path,
    ensure_default_index,
    exact_key,
)
from gazetteer.normalize import keys
from gazetteer.resolve import Gazetteer

PLACES = [
    Place("t:1", "Dayr az Zawr", 35.336, 40.141, country="SY", population=242565,
          names=("Deir ez-Zor", "دير الزور")),
    Place("t:2", "Ayyash", 35.421, 40.055, country="SY"),
    Place("t:3", "Ar Raqqah", 35.953, 39.008, country="SY", population=531952, names=("Raqqa",)),
]


def test_build_is_atomic_on_failure(tmp_path):
    def broken():
        yield PLACES[0]
        raise ValueError("source broke half-way")

    target = tmp_path / "i.sqlite"
    with pytest.raises(ValueError, match="half-way"):
        build_index(target, broken())
    assert list(tmp_path.iterdir()) == []  # neither the index nor a temporary file


def test_rebuild_replaces_the_old_index(tmp_path):
    target = tmp_path / "i.sqlite"
    build_index(target, PLACES[:1])
    build_index(target, PLACES)
    assert Index(target).info().places == 3


def test_refuses_files_that_are_not_indexes(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexUnavailableError, match="not a gazetteer index"):
        Index(junk)
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE meta(key TEXT, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('format', '0')")
    con.commit()
    con.close()
    with pytest.raises(IndexUnavailableError, match="rebuild it"):
        Index(other)
    with pytest.raises(OSError):  # also catchable as the builtin
        Index(tmp_path / "missing.sqlite")


def test_blocks_sql_agrees_with_block_keys(tmp_path):
    target = tmp_path / "i.sqlite"
    build_index(target, PLACES)
    con = sqlite3.connect(target)
    rows = con.execute("SELECT n.key, n.skel, b.block FROM names n JOIN blocks b USING (nid)")
    got: dict[tuple[str, str], set[str]] = {}
    for key, skel, block in rows:
        got.setdefault((key, skel), set()).add(block)
    assert got
    for (key, skel), blocks in got.items():
        assert set(block_keys(key, skel)) == blocks


def test_default_index_is_built_once_and_rebuilt_when_sources_change(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTEER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(sources, "builtin_places", lambda **_: iter(PLACES))
    monkeypatch.setattr(sources, "builtin_fingerprint", lambda: "v1")
    path = ensure_default_index()
    assert path == default_index_path() and path.parent == tmp_path
    first = path.stat().st_mtime_ns
    assert ensure_default_index().stat().st_mtime_ns == first  # reused
    monkeypatch.setattr(sources, "builtin_places", lambda **_: iter(PLACES[:2]))
    monkeypatch.setattr(sources, "builtin_fingerprint", lambda: "v2")
    ensure_default_index()
    assert Index(path).info().places == 2 and Index(path).info().fingerprint == "v2"


# -- the fast lookup against a slow reference -------------------------------------------
NAMES = st.sampled_from(
    ["Deir ez-Zor", "Deir Ezzour", "Dayr az Zawr", "Ayyash", "Ayash", "al-Baghaliyah",
     "Baghaliyeh", "Raqqa", "Ar Raqqah", "الرقة", "Tall Abyad", "Tell Abiad", "Halle",
     "Qamishli", "Kamishli", "Ma'arat", "Maarat", "Jabal Harabesh", "Ayaş"]
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(NAMES, min_size=1, max_size=3), min_size=1, max_size=6), NAMES)
def test_exact_and_key_lookup_equal_a_scan(tmp_path, place_names, query):
    places = [Place(f"h:{i}", ns[0], 35.0 + i / 10, 40.0, names=tuple(ns[1:]))
              for i, ns in enumerate(place_names)]
    target = tmp_path / f"h{abs(hash((tuple(map(tuple, place_names)), query)))}.sqlite"
    build_index(target, places)
    ix = Index(target)
    qkey, _ = keys(query)
    fast = {pid for _n, pid, *_ in ix.candidates(exact_key(query), qkey)}
    pid_of = {p.id: ix.pid_of(p.id) for p in places}
    slow = {pid_of[p.id] for p in places
            for n in (p.name, *p.names)
            if exact_key(n) == exact_key(query) or keys(n)[0] == qkey}
    assert fast == slow
    # and the resolver's best answer is one of them whenever there is one
    r = Gazetteer(target).resolve(query)
    if slow:
        assert r.match is not None and ix.pid_of(r.match.place.id) in slow
    ix.close()


def test_the_first_record_of_an_id_wins(tmp_path):
    target = tmp_path / "i.sqlite"
    first = Place("t:9", "Saiqa Camp", 35.396, 40.056)
    again = Place("t:9", "Somewhere Else", 10.0, 10.0)
    info = build_index(target, [first, *PLACES, again])
    assert info.places == 4
    assert Index(target).get("t:9").name == "Saiqa Camp"
