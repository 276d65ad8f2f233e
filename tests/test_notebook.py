"""The tutorial notebook runs, top to bottom, in a kernel of this very Python."""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "tutorial.ipynb"

pytestmark = pytest.mark.slow


def test_committed_notebook_has_no_outputs_and_matches_its_generator():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    sys.path.insert(0, str(NOTEBOOK.parent))
    try:
        import make_tutorial
    finally:
        sys.path.pop(0)
    committed = NOTEBOOK.read_text(encoding="utf-8")
    assert nbformat.writes(make_tutorial.build()).strip() == committed.strip()


def _kernel_spec(tmp_path: Path) -> str:
    """Write a kernel spec that runs this interpreter; return the JUPYTER_PATH entry."""
    spec_dir = tmp_path / "jupyter" / "kernels" / "geomap-test"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "geomap test",
        "language": "python",
    }), encoding="utf-8")
    return str(tmp_path / "jupyter")


class _Srcdoc(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.docs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.docs.append(dict(attrs)["srcdoc"])


def test_tutorial_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", _kernel_spec(tmp_path))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook writes its report there
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="geomap-test", timeout=300,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Ayash" in text and "curated:ayyash" in text
    assert "17 events, 0 unresolved" in text
    assert "Saiqa Camp: gov (held) -> IS (held)" in text
    assert "report.html" in text
    htmls = [o["data"]["text/html"] for o in outputs
             if o.output_type in ("execute_result", "display_data") and "text/html" in o["data"]]
    # the state table, the map (MapView) and the report, each shown as HTML
    assert len(htmls) == 3
    frames = []
    for h in htmls[1:]:
        p = _Srcdoc()
        p.feed(h)
        frames += p.docs
    assert len(frames) == 2
    assert "GeoMap" in frames[0] and "Deir ez-Zor" in frames[0]
    assert "Conflicting claims" in frames[1]
