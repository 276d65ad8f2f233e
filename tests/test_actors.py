from __future__ import annotations

import re
from pathlib import Path

import pytest

from geomap.actors import Actor, ActorRegistry, actor_key, slug
from geomap.exc import InputError, UnknownActorError

DATA = Path(__file__).resolve().parents[1] / "geomap" / "data" / "actors.csv"


@pytest.fixture(scope="module")
def reg() -> ActorRegistry:
    return ActorRegistry.default()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Syrian government", "gov"),
        ("regime", "gov"),
        ("Assad forces", "gov"),
        ("SAA", "gov"),
        ("Military Forces of Syria (2000-)", "gov"),
        ("NDF: National Defence Forces", "gov"),
        ("Islamic State", "IS"),
        ("ISIS", "IS"),
        ("isil", "IS"),
        ("Daesh", "IS"),
        ("Islamic State (Syria)", "IS"),
        ("IS fighters", "IS"),
        ("SDF", "SDF"),
        ("YPG", "SDF"),
        ("Kurdish forces", "SDF"),
        ("Free Syrian Army", "opp"),
        ("rebels", "opp"),
        ("Jabhat al-Nusra", "HTS"),
        ("Nusra Front", "HTS"),
        ("JaN", "HTS"),
        ("Hay'at Tahrir al-Sham", "HTS"),
        ("Turkish Armed Forces", "TUR"),
        ("Trk", "TUR"),
        ("Iraqi army", "IRQ"),
        ("ISF", "IRQ"),
        ("Military Forces of Iraq (2014-)", "IRQ"),
        ("Peshmerga", "KRG"),
        ("Popular Mobilization Forces", "PMF"),
        ("Military Forces of Russia (2000-)", "RUS"),
    ],
)
def test_resolve_aliases(reg: ActorRegistry, text: str, expected: str) -> None:
    actor = reg.resolve(text)
    assert actor is not None and actor.id == expected


@pytest.mark.parametrize("text", ["  islamic   STATE ", "Islamic-State", "the Islamic State",
                                  "Islámic State"])
def test_resolve_ignores_case_spacing_punctuation(reg: ActorRegistry, text: str) -> None:
    assert reg.resolve(text).id == "IS"


@pytest.mark.parametrize("text", ["the extremists", "militants", "", "Atlantis Navy"])
def test_unresolvable(reg: ActorRegistry, text: str) -> None:
    assert reg.resolve(text) is None


def test_every_actor_is_complete(reg: ActorRegistry) -> None:
    assert reg.ids[:4] == ("gov", "IS", "SDF", "opp")
    assert {"gov", "IS", "SDF", "opp", "HTS", "TUR", "IRQ", "KRG", "PMF"} <= set(reg.ids)
    colours = [a.colour for a in reg]
    assert len(set(colours)) == len(colours)
    for a in reg:
        assert re.fullmatch(r"#[0-9a-f]{6}", a.colour), a
        assert a.source, f"{a.id} has no source"
        assert reg.resolve(a.id) is a
        assert reg.resolve(a.name) is a


def _rgb(h: str) -> tuple[int, int, int]:
    return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)


def test_colours_are_distinguishable(reg: ActorRegistry) -> None:
    actors = list(reg)
    for i, a in enumerate(actors):
        for b in actors[i + 1:]:
            dist = sum((x - y) ** 2 for x, y in zip(_rgb(a.colour), _rgb(b.colour), strict=True))
            assert dist ** 0.5 > 60, (a.id, b.id)


def test_outlets(reg: ActorRegistry) -> None:
    assert reg.side_of_outlet("SANA") == "gov"
    assert reg.side_of_outlet("sana") == "gov"
    assert reg.side_of_outlet("Aamaq") == "IS"
    assert reg.side_of_outlet("Amaq News Agency") == "IS"
    assert reg.side_of_outlet("SOHR") is None
    assert reg.side_of_outlet("SOHR citing SANA") is None


def test_suggest_and_get(reg: ActorRegistry) -> None:
    assert reg.suggest("Deash") == ["IS"]
    assert reg.suggest("Peshmerg") == ["KRG"]
    assert reg.suggest("qwertyuiop") == []
    assert reg.get("gov").name == "Syrian government"
    assert reg.get("nope") is None
    with pytest.raises(UnknownActorError, match="unknown actor id 'nope'"):
        reg["nope"]
    with pytest.raises(KeyError):
        reg["nope"]


def test_colour_fallback_is_deterministic(reg: ActorRegistry) -> None:
    assert reg.colour("gov") == "#d7191c"
    c = reg.colour("liwa-al-quds")
    assert re.fullmatch(r"#[0-9a-f]{6}", c) and c == ActorRegistry.default().colour("liwa-al-quds")
    assert reg.colour(None) == "#d9d9d9"


def test_extended_with_csv_adds_and_overrides(reg: ActorRegistry, tmp_path: Path) -> None:
    p = tmp_path / "mine.csv"
    p.write_text(
        "id,name,aliases,colour,outlets,source\n"
        "LQ,Liwa al-Quds,Liwa Al Quds|Quds Brigade,#aa5500,,my notes\n"
        "IRQ,,government forces|troops,,Al Iraqiya,my notes\n",
        encoding="utf-8",
    )
    ext = reg.extended_with(p)
    assert ext is not reg
    assert ext.resolve("Quds Brigade").id == "LQ"
    assert ext.colour("LQ") == "#aa5500"
    assert ext.resolve("government forces").id == "IRQ"
    assert ext.resolve("troops").id == "IRQ"
    assert ext.resolve("Iraqi army").id == "IRQ"  # old aliases kept
    assert ext.side_of_outlet("Al Iraqiya") == "IRQ"
    assert ext.get("IRQ").colour == reg.get("IRQ").colour
    # the original is unchanged
    assert reg.resolve("government forces").id == "gov"
    assert reg.resolve("Quds Brigade") is None
    assert ext.ids[-1] == "LQ" and ext.ids[: len(reg)] == reg.ids


def test_extended_with_rows_and_actor_values(reg: ActorRegistry) -> None:
    ext = reg.extended_with([Actor("HZB", "Hezbollah", ("Hizbullah",), "#f7b500"),
                             {"id": "gov", "aliases": "troops"}])
    assert ext.resolve("Hizbullah").id == "HZB"
    assert ext.resolve("troops").id == "gov"


def test_extended_with_bad_rows(reg: ActorRegistry, tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("id,name,colour,alias\n9x,Bad,red,\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        reg.extended_with(p)
    assert str(err.value).splitlines() == [
        f"{p}:2: alias: unknown column (expected id, name, aliases, colour, outlets, source)",
        f"{p}:2: id: invalid actor id '9x' (letters, digits, '_', '-', '.'; starting with a "
        "letter)",
        f"{p}:2: colour: not a #rrggbb colour: 'red'",
    ]


def test_conflicting_alias_rejected() -> None:
    with pytest.raises(InputError, match="alias 'x' names both 'a' and 'b'"):
        ActorRegistry([Actor("a", "A", ("x",)), Actor("b", "B", ("x",))])


def test_shipped_table_reads_as_csv() -> None:
    assert ActorRegistry.from_csv(DATA).ids == ActorRegistry.default().ids


def test_keys() -> None:
    assert actor_key("The  Free-Syrian Army!") == "free syrian army"
    assert slug("Liwa Al Quds") == "liwa-al-quds"
