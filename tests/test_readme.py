"""The README's two set-up commands, and .ci/run running the test one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_exactly_two_setup_commands():
    cmds = setup_commands()
    assert len(cmds) == 2
    assert all("\n" not in c for c in cmds)  # one command each
    main, tests = cmds
    assert "pip install ." in main and "geomap render examples/deir-ez-zor-2016/" in main
    assert "'.[test]'" in tests and tests.rstrip().endswith("pytest")


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_main_command_uses_files_that_exist():
    main = setup_commands()[0]
    for path in re.findall(r"examples/\S+", main):
        assert (REPO / path).is_file(), path
