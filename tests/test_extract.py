"""Tests of geomap.extract: the seed articles, the labelled corpus, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geomap.events import read_events
from geomap.extract import extract_articles, extract_events, find_mentions
from geomap.extract.dates import find_dates
from geomap.extract.evaluate import baseline_extract, ours, score_corpus
from geomap.extract.figures import find_figures

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
CORPUS = REPO / "tests" / "fixtures" / "articles"
PUBLISHED = dt.date(2016, 1, 18)


@pytest.fixture(scope="module")
def gz():
    from gazetteer.resolve import Gazetteer

    return Gazetteer()


@pytest.fixture(scope="module")
def seeds(gz):
    arts = [(p.stem, p.read_text(encoding="utf-8"))
            for p in (SEEDS / "ap-deir-el-zour.txt", SEEDS / "wsj-deir-ezzour.txt")]
    ap, wsj = extract_articles(arts, published=PUBLISHED, gazetteer=gz)
    return ap, wsj


def _rows(ex, place_id, action="captured"):
    return [e for e in ex.events if e.place_id == place_id and e.action == action]


def test_seed_ayyash(seeds):
    ap, wsj = seeds
    w = _rows(wsj, "curated:ayyash")
    assert [(e.actor, e.date, e.extent, e.source) for e in w] == [
        ("IS", PUBLISHED, "partial", "WSJ")]
    a = _rows(ap, "curated:ayyash")
    assert {e.actor for e in a} == {"IS"} and {e.date for e in a} == {PUBLISHED}
    by_source = {e.source: e.extent for e in a}
    assert by_source["SOHR"] == "partial"
    entire = [s for s, x in by_source.items() if "Abu Leila" in s]
    assert len(entire) == 1 and by_source[entire[0]] == "full"


def test_seed_baghaliyah_weekend_partial(seeds):
    _ap, wsj = seeds
    rows = _rows(wsj, "curated:baghaliyah")
    assert len(rows) == 1
    e = rows[0]
    assert (e.actor, e.extent, e.source) == ("IS", "partial", "WSJ")
    lo, hi = dt.date(2016, 1, 16), dt.date(2016, 1, 17)
    assert lo <= e.date <= hi and e.date_precision == "week" and e.needs_review


def test_seed_saiqa_and_crossing(seeds):
    ap, _wsj = seeds
    saiqa = _rows(ap, "curated:saiqa-camp")
    assert [(e.actor, e.date, e.source) for e in saiqa] == [("IS", PUBLISHED, "SOHR")]
    crossing = [e for e in ap.events if "Euphrates" in e.place]
    assert len(crossing) == 1
    c = crossing[0]
    assert (c.date, c.actor, c.action) == (dt.date(2016, 1, 16), "IS", "contested")
    assert "crossed" in c.claim and c.needs_review


def test_seed_no_capture_of_raqqa_ramadi_anbar(seeds):
    ap, wsj = seeds
    names = {e.place.lower() for ex in seeds for e in ex.events}
    assert not names & {"raqqa", "ramadi", "anbar"}
    mentioned = {m.surface for ex in seeds for m in ex.mentions}
    assert {"Raqqa", "Ramadi"} <= mentioned
    notes = {m.surface: why for m, why in ap.not_taken}
    assert notes["Raqqa"].startswith("no change")
    assert "loss of" in notes["Ramadi"]
    assert any(m.surface == "Anbar" for m, _why in wsj.not_taken)


def test_seed_figures_kept_apart(seeds):
    figs = {(f.source, f.kind, f.number) for ex in seeds for f in ex.figures}
    assert {("SOHR", "killed", 135), ("SOHR", "killed", 50), ("SOHR", "killed", 42),
            ("Deir Ezzor 24", "killed", 65), ("Deir Ezzor 24", "killed", 22),
            ("SANA", "killed", 300), ("Aamaq", "killed", 167),
            ("SOHR", "abducted", 400)} <= figs
    assert not any(f.number in (24, 2014, 200000) for ex in seeds for f in ex.figures)


def test_seed_mentions_spans_and_common_words(seeds):
    ap, wsj = seeds
    for ex, name in ((ap, "ap-deir-el-zour.txt"), (wsj, "wsj-deir-ezzour.txt")):
        text = (SEEDS / name).read_text(encoding="utf-8")
        for m in ex.mentions:
            assert text[m.start:m.end] == m.surface
        surfaces = {m.surface for m in ex.mentions}
        assert not surfaces & {"Monday", "Sunday", "Saturday", "State", "Army", "Observatory",
                               "U.N.", "Samer", "Omar", "Karar"}
    ids = {m.place_id for m in ap.mentions}
    assert {"curated:heart-hospital", "curated:saiqa-camp", "geonames:170794"} <= ids
    # a place inside an organisation's name: "Deir Ezzour Is Being Slaughtered Silently"
    inside = [m for m in wsj.mentions if m.note == "inside a longer name"]
    assert inside and inside[0].place_id == "geonames:170794"


def test_corpus_floors_and_baseline(gz):
    assert len(list(CORPUS.glob("*.json"))) >= 15
    s = score_corpus(CORPUS, ours(gz), gazetteer=gz)
    b = score_corpus(CORPUS, baseline_extract(gz), gazetteer=gz)
    # measured: mentions P=1.00 R=0.98, resolution 1.00, events P=1.00 R=1.00
    assert s.mention_precision >= 0.95 and s.mention_recall >= 0.93
    assert s.resolution_accuracy >= 0.95
    assert s.event_precision >= 0.9 and s.event_recall >= 0.9
    assert s.mention_precision > b.mention_precision and s.event_recall > b.event_recall


def test_dates_relative_to_publication():
    d = dt.date(2016, 1, 18)
    got = {e.text: (e.date, e.precision) for e in find_dates(
        "at dawn Saturday, over the weekend, late last week and on Jan. 12", d)}
    assert got["at dawn Saturday"] == (dt.date(2016, 1, 16), "day")
    assert got["over the weekend"] == (dt.date(2016, 1, 16), "week")
    assert got["late last week"] == (dt.date(2016, 1, 11), "week")
    assert got["on Jan. 12"] == (dt.date(2016, 1, 12), "day")


def test_negation_and_hypothetical(gz):
    for text in ("BEIRUT (AP) — Islamic State has not captured Ayyash, activists said.",
                 "BEIRUT (AP) — Islamic State fighters are trying to capture Ayyash.",
                 "BEIRUT (AP) — If Islamic State captures Ayyash, the city is next.",
                 "BEIRUT (AP) — Islamic State already controls Ayyash."):
        ex = extract_events(text, published=PUBLISHED, gazetteer=gz)
        assert ex.events == (), text
        assert [m.place_id for m in ex.mentions] == ["geonames:276781", "curated:ayyash"]


def test_partisan_source_is_claimed(gz):
    ex = extract_events("DAMASCUS (AP) — Syrian troops recaptured the village of Ayyash from "
                        "Islamic State militants on Sunday, state news agency SANA reported.",
                        published=PUBLISHED, gazetteer=gz)
    [e] = ex.events
    assert (e.action, e.actor, e.previous, e.source, e.confidence) == (
        "retook", "gov", "IS", "SANA", "claimed")
    assert e.date == dt.date(2016, 1, 17)


def test_arabic_script_mention(gz):
    ms = find_mentions("سيطر التنظيم على منبج", gz)
    assert [m.place_id for m in ms] == ["geonames:167357"]


def test_figures_skip_names_and_units():
    assert [f.number for f in find_figures(
        "Deir Ezzor 24 said 65 regime forces were killed in 10 days.", "X")] == [65]


def test_cli_output_goes_into_geomap_state(tmp_path):
    env = {**os.environ}
    out = tmp_path / "events.csv"
    ments = tmp_path / "mentions.csv"
    r = subprocess.run([sys.executable, "-m", "geomap", "extract",
                        str(SEEDS / "ap-deir-el-zour.txt"), str(SEEDS / "wsj-deir-ezzour.txt"),
                        "--published", "2016-01-18", "-o", str(out), "--mentions", str(ments)],
                       capture_output=True, text=True, env=env, check=False)
    assert r.returncode == 0, r.stderr
    table = read_events(out)
    assert len(table.events) >= 5
    with ments.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert any(row["surface"] == "Heart Hospital" for row in rows)
    state = tmp_path / "state.csv"
    r = subprocess.run([sys.executable, "-m", "geomap", "state", str(out), "--date",
                        "2016-01-18", "-o", str(state)], capture_output=True, text=True,
                       env=env, check=False)
    assert r.returncode == 0, r.stderr
    with state.open(encoding="utf-8") as fh:
        by_id = {row["place_id"]: row for row in csv.DictReader(fh)}
    assert by_id["curated:ayyash"]["controller"] == "IS"
    assert by_id["curated:ayyash"]["since"] == "2016-01-18"


def test_cli_bad_input(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"IS took \xff Ayyash")
    r = subprocess.run([sys.executable, "-m", "geomap", "extract", str(bad), "--published",
                        "2016-01-18", "-o", str(tmp_path / "e.csv")], capture_output=True,
                       text=True, check=False)
    assert r.returncode == 2 and "not UTF-8" in r.stderr
    assert not (tmp_path / "e.csv").exists()
    nodate = tmp_path / "nodate.txt"
    nodate.write_text("IS captured Ayyash.", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "geomap", "extract", str(nodate), "-o",
                        str(tmp_path / "e.csv")], capture_output=True, text=True, check=False)
    assert r.returncode == 2 and "--published" in r.stderr


# --- general patterns found on the first held-out set (new sentences, not its own) ---


def _ev(ex):
    return [(e.place_id, e.action, e.actor, e.date, e.date_precision) for e in ex.events]


def test_undated_statement_ignores_since_began_date(gz):
    ex = extract_events(
        "BEIRUT (AP) — Islamic State militants seized the town of al-Qaryatayn on Thursday, "
        "activists said.\n\nThe government troops withdrew from al-Qaryatayn toward Homs, "
        "residents said.\n\nAt least 50 people have died in al-Qaryatayn since the assault "
        "began on July 2.", published=dt.date(2015, 8, 8), gazetteer=gz)
    got = {(e.action, e.date) for e in ex.events}
    assert ("withdrew", dt.date(2015, 8, 6)) in got
    assert not any(e.date == dt.date(2015, 7, 2) for e in ex.events)


def test_month_names_last_week_and_anchors():
    d = dt.date(2016, 2, 10)  # a Wednesday
    got = {e.text: (e.date, e.precision, e.anchor) for e in find_dates(
        "It fell in March, they took it last week and fighting went on since the push "
        "started on Jan. 3", d)}
    assert got["in March"] == (dt.date(2015, 3, 1), "month", False)
    assert got["last week"] == (dt.date(2016, 2, 1), "week", False)  # the ISO week's Monday
    assert got["on Jan. 3"][0] == dt.date(2016, 1, 3) and got["on Jan. 3"][2]


def test_report_date_gives_way_to_the_event_date(gz):
    ex = extract_events(
        "BAGHDAD (Reuters) - Iraqi forces have retaken Baiji, the military said on "
        "Thursday.\n\nSpecial forces units seized the refinery on Wednesday, the statement "
        "said.", published=dt.date(2015, 10, 16), gazetteer=gz)
    [e] = [e for e in ex.events if e.action == "retook"]
    assert (e.actor, e.date) == ("IRQ", dt.date(2015, 10, 14))


def test_coordinated_subject_and_partisan_aliases(gz):
    ex = extract_events("BAGHDAD (AP) — Iraqi troops and the Popular Mobilization took "
                        "control of Baiji on Friday, officials said.",
                        published=dt.date(2015, 10, 17), gazetteer=gz)
    assert {e.actor for e in ex.events} == {"IRQ"}
    ex = extract_events("Aamaq News Agency – The soldiers of the Caliphate seized the town of "
                        "al-Qaryatayn on Wednesday.", published=dt.date(2015, 8, 6),
                        gazetteer=gz)
    [e] = ex.events
    assert (e.actor, e.source, e.confidence) == ("IS", "Aamaq News Agency", "claimed")


def test_siege_lifted_entered_with_fighting_and_relative_clause(gz):
    ex = extract_events(
        "ALEPPO, Syria (AP) — Syrian troops broke on Wednesday the siege imposed by rebels "
        "on the towns of Nubl and Zahraa. Turkish-backed rebels entered the southern edge of "
        "al-Bab on Saturday, and clashes continue inside the town. The rebels advanced from "
        "Azaz, which they captured last month.", published=dt.date(2016, 2, 6),
        gazetteer=gz)
    by_action = {(e.place, e.action): e for e in ex.events}
    nubl = by_action[("Nubl", "siege_lifted")]
    assert (nubl.actor, nubl.previous, nubl.date) == ("gov", "opp", dt.date(2016, 2, 3))
    bab = by_action[("al-Bab", "contested")]
    assert (bab.actor, bab.extent) == ("opp", "partial")
    azaz = by_action[("Azaz", "captured")]
    assert (azaz.actor, azaz.date, azaz.date_precision) == ("opp", dt.date(2016, 1, 1), "month")


def test_nominal_forms_need_a_date_and_duplicates_count_once(gz):
    ex = extract_events(
        "BAGHDAD (AFP) - The offensive follows the recapture of Tikrit in March and of the "
        "town of Baiji in October. Since the fall of Mosul, officials have been under "
        "pressure. Iraqi forces retook the town of Hit (هيت) on Thursday.",
        published=dt.date(2016, 4, 16), gazetteer=gz)
    got = {(e.place, e.action, e.actor, e.date, e.date_precision) for e in ex.events}
    assert ("Tikrit", "retook", "IRQ", dt.date(2016, 3, 1), "month") in got
    assert ("Baiji", "retook", "IRQ", dt.date(2015, 10, 1), "month") in got
    assert not any(e.place == "Mosul" for e in ex.events)
    assert len([e for e in ex.events if e.action == "retook" and "Hit" in e.claim
                and e.date == dt.date(2016, 4, 14)]) == 1


def test_mentions_regions_people_and_boundaries(gz):
    text = ("The Mosul offensive began as rebels shelled villages in the western countryside "
            "of Aleppo, Nouri al-Maliki said, and IS still holds al-Bab and the Panorama "
            "roundabout in Deir ez-Zor.")
    ms = {m.surface: m for m in find_mentions(text, gz)}
    assert "The Mosul" not in ms and ms["Mosul"].place_id
    assert ms["Aleppo"].place_id is None  # the countryside, not the city
    assert not any("Maliki" in s for s in ms)
    assert ms["al-Bab"].place_id and ms["Panorama roundabout"].place_id == "curated:panorama"


def test_header_dates_day_first():
    from geomap.extract.article import parse_article

    assert parse_article("14-05-2015\nIS took Palmyra.").published == dt.date(2015, 5, 14)
    assert parse_article("May 14, 2015\nIS took Palmyra.").published == dt.date(2015, 5, 14)
    a = parse_article("05/04/2016\nIS took Palmyra.")
    assert a.published == dt.date(2016, 4, 5) and "could be 4 May 2016" in a.notes[0]
    b = parse_article("Qamishli, 2 April 2016 (ANHA) – YPG fighters took Shaddadi.")
    assert (b.published, b.outlet) == (dt.date(2016, 4, 2), "ANHA")


def test_first_heldout_set_is_now_a_dev_set(gz):
    # tests/fixtures/articles_heldout was held out until the rules were fixed on it
    # (measured after: mentions P=1.00 R=1.00, events P=1.00 R=0.97; before: P=0.64 R=0.52)
    s = score_corpus(REPO / "tests" / "fixtures" / "articles_heldout", ours(gz), gazetteer=gz)
    assert s.mention_precision >= 0.95 and s.mention_recall >= 0.95
    assert s.event_precision >= 0.9 and s.event_recall >= 0.9
