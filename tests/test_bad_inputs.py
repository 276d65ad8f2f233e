"""Bad inputs, run through the real command lines: exact messages, exit codes, nothing left behind.

The corpus is ``tests/bad_inputs/``: small hand-made files (plus a few generated here:
binary garbage, a 2 MB line, JSON nested 100 000 deep, NUL bytes) and
``tests/bad_inputs/expected.yaml``, which gives for each case the command, the exit code
and the exact lines written to stderr. Each case runs ``python -m geomap`` or
``python -m gazetteer`` in a subprocess, in a fresh folder holding a copy of the files it
names, so the messages show the short file names. Checked for every case: the exit code,
stderr line for line, no ``Traceback``, and the folder afterwards: a run that fails
(exit 2) leaves no output and no temporary file; a run that succeeds writes its output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "bad_inputs"
MANIFEST = CORPUS / "expected.yaml"
COMMANDS = {"geomap": [sys.executable, "-m", "geomap"],
            "gazetteer": [sys.executable, "-m", "gazetteer"]}


def _generated(kind: str) -> bytes:
    """Inputs too large or too binary to commit."""
    if kind == "binary":
        return bytes(range(256)) * 16
    if kind == "huge-csv":
        return (b"event_id,date,place,lat,lon,action,actor\ne1,2016-01-16,"
                + b"A" * 2_000_000 + b",35.4,40.0,captured,IS\n")
    if kind == "deep-json":
        return b"[" * 100_000
    if kind == "huge-source":
        return b"name,lat,lon\n" + b"A" * 2_000_000 + b",35.4,40.0\n"
    if kind == "nul":
        return b"Ayyash\n\x00\x01\x02\x03\n"
    raise ValueError(kind)


def _generated_name(case: dict) -> str:
    """The input file of a generated case: its first file-like argument."""
    return next(str(a) for a in case["args"][2:] if not str(a).startswith("-") and "." in str(a))


def load_cases() -> list[dict]:
    with open(MANIFEST, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def run_case(case: dict, folder: Path) -> subprocess.CompletedProcess[str]:
    """Copy the case's files into ``folder`` (or generate them) and run its command there."""
    args = [str(a) for a in case["args"]]
    for a in args[1:]:
        if (CORPUS / a).is_file():
            shutil.copyfile(CORPUS / a, folder / a)
    if "generate" in case:
        (folder / _generated_name(case)).write_bytes(_generated(case["generate"]))
    env = dict(os.environ)
    env.pop("GAZETTEER_INDEX", None)
    env["COLUMNS"] = "100"  # argparse wraps usage lines at the terminal width
    return subprocess.run([*COMMANDS[args[0]], *args[1:]], cwd=folder, capture_output=True,
                          text=True, env=env, timeout=600)


CASES = load_cases()


def test_corpus_is_big_enough() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.yaml"}
    generated = {_generated_name(c) for c in CASES if "generate" in c}
    assert len(files | generated) >= 40
    used = {str(a) for c in CASES for a in c["args"]}
    assert files <= used, f"corpus files no case uses: {sorted(files - used)}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input(case: dict, tmp_path: Path) -> None:
    before = {p.name for p in tmp_path.iterdir()}
    p = run_case(case, tmp_path)
    assert "Traceback" not in p.stderr, p.stderr
    assert p.returncode == case["exit"], p.stderr
    got = p.stderr.splitlines()
    want = case["stderr"].splitlines() if case.get("stderr") else []
    if case.get("stderr_prefix"):  # long usage blocks: only the last lines are pinned
        got = got[-len(want):]
    assert got == want
    after = {p.name for p in tmp_path.iterdir()} - before
    inputs = {str(a) for a in case["args"] if (CORPUS / str(a)).is_file()}
    if "generate" in case:
        inputs.add(_generated_name(case))
    left = after - inputs
    output = case.get("output")
    if case["exit"] == 2:
        assert left == set(), f"left behind: {sorted(left)}"
    elif output:
        assert left == {output}, sorted(left)
    assert not [n for n in left if n.startswith(".")], "temporary file left behind"


# ----------------------------------------------------------------------------- nothing lost


def _rows_in(path: Path) -> int:
    """Rows of an input file, counted independently of the readers."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".csv":
        import csv

        return sum(1 for row in csv.reader(text.splitlines()) if any(c.strip() for c in row)) - 1
    if path.suffix == ".geojson":
        import json

        return len(json.loads(text)["features"])
    doc = yaml.safe_load(text)
    return len(doc["events"] if isinstance(doc, dict) else doc)


EXAMPLE = HERE.parent / "examples" / "deir-ez-zor-2016"


@pytest.mark.parametrize("path", [
    EXAMPLE / "events.csv",
    HERE / "fixtures" / "events" / "acled_deir_ezzor.csv",
    CORPUS / "events-skip-invalid.csv",
    CORPUS / "events-bad-features.geojson",
    CORPUS / "events-nested-value.yaml",
    CORPUS / "events-unknown-actor.csv",
], ids=lambda p: p.name)
def test_every_row_is_placed_unresolved_or_skipped(path: Path, tmp_path: Path,
                                                   default_gazetteer) -> None:
    from geomap.report import build_report, skipped_rows
    from geomap.scenario import load_scenario

    sc = load_scenario(path, skip_invalid=True, gazetteer=default_gazetteer)
    placed = sum(1 for e in sc.events if e.resolved)
    unresolved = sum(1 for e in sc.events if not e.resolved)
    assert len(sc.unresolved) == unresolved  # each unresolved event says why
    skipped = skipped_rows(sc.skipped)
    assert placed + unresolved + skipped == _rows_in(path)
    # every event row is traceable to its line
    assert all(e.origin and e.origin.startswith(str(path)) for e in sc.events)
    if path.parent == CORPUS:
        assert skipped > 0
    if not sc.dates:  # every row skipped: nothing to report (the CLI exits 1)
        assert placed == 0
        return
    # the report shows the counts
    build_report(sc, offline=True).save(tmp_path / "r.html")
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"<dt>Event rows used</dt><dd>{len(sc.events)}</dd>" in text
    assert f"<dt>placed on the map</dt><dd>{placed}</dd>" in text
    assert f"<dt>Rows skipped (listed below)</dt><dd>{skipped} (" in text


def test_a_wholly_wrong_file_does_not_flood_the_terminal(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "shifted.csv"
    rows = ["event_id,date,place,action,actor"]
    rows += [f"e{i},2016-01-18,Ayyash,IS,captured" for i in range(500)]  # columns swapped
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "geomap", "state", str(bad), "--date",
                        "2016-01-18"], capture_output=True, text=True)
    assert p.returncode == 2
    lines = p.stderr.splitlines()
    assert len(lines) < 300
    assert "more problem(s)" in p.stderr
    assert lines[-1].startswith("geomap: ") and "nothing was written" in lines[-1]
