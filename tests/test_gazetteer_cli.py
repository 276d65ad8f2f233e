"""The `gazetteer` command line, run as a user runs it (subprocesses, real files)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

GAZ = [sys.executable, "-m", "gazetteer"]


def run(args, *, env=None, stdin=None):
    return subprocess.run([*GAZ, *args], capture_output=True, text=True, env=env, input=stdin,
                          timeout=600)


def assert_no_traceback(p):
    assert "Traceback" not in p.stderr, p.stderr


@pytest.fixture(scope="module")
def built_index(tmp_path_factory, shared_data):
    out = tmp_path_factory.mktemp("idx") / "sy_iq.sqlite"
    p = run(["build", str(shared_data / "geonames-cities500" / "cities500_SY_IQ.txt"),
             str(shared_data / "wikipedia-map-modules" / "syria_module.lua"), "-o", str(out),
             "--skip-invalid"])
    assert p.returncode == 0, p.stderr
    # the module's longitude typo (Kharab Suluq) and its non-place entries are listed
    assert "skipped:" in p.stderr and "Kharab Suluq" in p.stderr
    return out


def test_lookup_json_record(default_gazetteer):
    p = run(["lookup", "Deir", "Ezzour", "--json"])
    assert p.returncode == 0, p.stderr
    rec = json.loads(p.stdout)
    assert set(rec) >= {"query", "name", "lat", "lon", "score", "id", "country", "admin1",
                        "feature", "source", "matched", "alternatives"}
    assert rec["query"] == "Deir Ezzour" and rec["id"] == "geonames:170794"


def test_lookup_text_and_near(default_gazetteer):
    p = run(["lookup", "Tripoli", "--near", "32.9,13.2", "--limit", "2"])
    assert p.returncode == 0
    assert "(LY" in p.stdout.splitlines()[0]


def test_lookup_country(default_gazetteer):
    p = run(["lookup", "Tripoli", "--country", "lb", "--json"])
    assert json.loads(p.stdout)["country"] == "LB"


def test_not_found_exit_1(default_gazetteer):
    p = run(["lookup", "Qwzxv", "Plorb", "--json"])
    assert p.returncode == 1
    rec = json.loads(p.stdout)
    assert rec["lat"] is None and rec["lon"] is None and rec["status"] == "not_found"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lookup", "X", "--near", "north"], "expected LAT,LON"),
        (["lookup", "X", "--near", "95,40"], "out of range"),
        (["lookup", "X", "--country", "Syria"], "two-letter"),
        (["lookup"], "needs a NAME or --batch"),
        (["lookup", "--batch", "/nonexistent/names.txt"], "/nonexistent/names.txt"),
        (["lookup", "X", "--min-score", "2"], "from 0 to 1"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exit_2(args, message, default_gazetteer):
    p = run(args)
    assert p.returncode == 2
    assert message in p.stderr
    assert_no_traceback(p)


def test_batch_json_lines_in_order(tmp_path, default_gazetteer):
    names = ["Deir el-Zour", "", "Qwzxv Plorb", "Raqqa", "Ramadi"]
    f = tmp_path / "names.txt"
    f.write_text("\n".join(names) + "\n", encoding="utf-8")
    p = run(["lookup", "--batch", str(f), "--json"])
    assert p.returncode == 1  # some names were not found
    recs = [json.loads(line) for line in p.stdout.splitlines()]
    assert [r["query"] for r in recs] == names
    assert recs[1]["lat"] is None and recs[2]["lat"] is None
    assert recs[3]["country"] == "SY" and recs[4]["country"] == "IQ"


def test_batch_stdin_with_bom(default_gazetteer):
    p = run(["lookup", "--batch", "-", "--json"], stdin="\ufeffRaqqa\nRamadi\n")
    assert p.returncode == 0, p.stderr
    recs = [json.loads(line) for line in p.stdout.splitlines()]
    assert [r["query"] for r in recs] == ["Raqqa", "Ramadi"]


def test_batch_tsv(tmp_path, default_gazetteer):
    f = tmp_path / "n.txt"
    f.write_text("Raqqa\n", encoding="utf-8")
    p = run(["lookup", "--batch", str(f)])
    cols = p.stdout.rstrip("\n").split("\t")
    assert cols[0] == "Raqqa" and cols[-1] == "found"


def test_batch_bad_encoding_is_reported_with_line(tmp_path, default_gazetteer):
    f = tmp_path / "names.txt"
    f.write_bytes(b"Raqqa\nDeir \xff\xfe Zor\n")
    p = run(["lookup", "--batch", str(f), "--json"])
    assert p.returncode == 2
    assert f"{f}:2: not UTF-8" in p.stderr
    assert p.stdout == ""  # nothing half-written
    assert_no_traceback(p)


def test_build_and_use_an_index(built_index, cli_env):
    p = run(["--gazetteer", str(built_index), "lookup", "Ayyash", "--json"])
    assert p.returncode == 0, p.stderr
    rec = json.loads(p.stdout)
    assert rec["source"].startswith("wikipedia")
    cli_env["GAZETTEER_INDEX"] = str(built_index)
    p = run(["info", "--json"], env=cli_env)
    info = json.loads(p.stdout)
    assert info["places"] > 6000 and info["format"] >= 1


def test_build_with_alternate_names_and_aliases(tmp_path, shared_data):
    alt = tmp_path / "alternateNamesV2.txt"
    # alternateNameId, geonameid, isolanguage, alternate name, isPreferred, isShort, ...
    alt.write_text("9000001\t170794\ten\tDeir-es-Zorrr Test\t\t\t\t\t\t\n", encoding="utf-8")
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("name,place_id\nthe eastern capital,geonames:170794\n", encoding="utf-8")
    out = tmp_path / "i.sqlite"
    p = run(["build", str(shared_data / "geonames-cities500" / "cities500_SY_IQ.txt"),
             str(alt), "--aliases", str(aliases), "-o", str(out)])
    assert p.returncode == 0, p.stderr
    for q in ("Deir-es-Zorrr Test", "The Eastern Capital"):
        p = run(["--gazetteer", str(out), "lookup", q, "--json"])
        assert json.loads(p.stdout)["id"] == "geonames:170794", q


def test_build_without_skip_invalid_refuses_a_bad_row(tmp_path, shared_data):
    out = tmp_path / "x.sqlite"
    p = run(["build", str(shared_data / "wikipedia-map-modules" / "syria_module.lua"),
             "-o", str(out)])
    assert p.returncode == 2
    assert "syria_module.lua:" in p.stderr and "Kharab Suluq" in p.stderr
    assert not out.exists()
    assert not list(tmp_path.iterdir())  # no temporary file left behind
    assert_no_traceback(p)


def test_build_reports_missing_source(tmp_path):
    p = run(["build", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "x.sqlite")])
    assert p.returncode == 2
    assert "nope.txt: no such file" in p.stderr
    assert not (tmp_path / "x.sqlite").exists()
    assert_no_traceback(p)


def test_missing_index_is_a_clear_error(tmp_path):
    p = run(["--gazetteer", str(tmp_path / "none.sqlite"), "lookup", "Raqqa"])
    assert p.returncode == 2
    assert "no gazetteer index here" in p.stderr
    assert_no_traceback(p)


def test_download_geonames_from_a_local_mirror(tmp_path, shared_data):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    rows = (shared_data / "geonames-cities500" / "cities500_SY_IQ.txt").read_text(
        encoding="utf-8").splitlines()
    sy = "\n".join(r for r in rows if r.split("\t")[8] == "SY") + "\n"
    with zipfile.ZipFile(mirror / "SY.zip", "w") as z:
        z.writestr("SY.txt", sy)
        z.writestr("readme.txt", "GeoNames test mirror")
    out = tmp_path / "out"
    p = run(["download", "geonames", "SY", "-o", str(out), "--base-url", mirror.as_uri()])
    assert p.returncode == 0, p.stderr
    assert (out / "SY.txt").read_text(encoding="utf-8") == sy
    p = run(["download", "geonames", "IQ", "-o", str(out), "--base-url", mirror.as_uri()])
    assert p.returncode == 2 and "download failed" in p.stderr
    assert not (out / "IQ.txt").exists()


def test_lookup_does_not_import_geopandas(default_gazetteer):
    code = ("import sys; from gazetteer.cli import main; main(['-q', 'lookup', 'Raqqa']); "
            "print(sorted(m for m in ('geopandas', 'pandas', 'shapely', 'folium') "
            "if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.stdout.strip().splitlines()[-1] == "[]"
