"""Write notebooks/tutorial.ipynb (outputs cleared): ``python notebooks/make_tutorial.py``."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    ("md", """# geomap tutorial: Deir ez-Zor, 16–18 January 2016

Two news articles (WSJ and AP, 18 January 2016) report an Islamic State offensive on the
government-held part of Deir ez-Zor. This notebook turns their claims into maps:

1. look up the transliterated place names in the offline gazetteer,
2. load the events (one row per claim and source) and the initial control,
3. get the control state and the map for a date,
4. write a self-contained report (offline: no request at all)."""),
    ("code", """import datetime as dt
import tempfile
from pathlib import Path

EXAMPLE = Path("..") / "examples" / "deir-ez-zor-2016"
OUT = Path(tempfile.mkdtemp(prefix="geomap-tutorial-"))"""),
    ("md", """## 1. Names → places

The same village is *Ayash* (AP) and *Ayyash* (WSJ). Names mentioned together are
resolved together, so *Ayash* next to *Deir ez-Zor* is the Syrian village, not Ayaş in
Turkey; the alternatives stay visible."""),
    ("code", """from gazetteer.resolve import Gazetteer

gz = Gazetteer()
for r in gz.resolve_many(["Ayash", "Baghaliyeh", "al Boghaliyyah", "Deir ez-Zor"]):
    alts = ", ".join(f"{a.place.name} ({a.place.country}, {a.score:.2f})" for a in r.alternatives)
    print(f"{r.query:15} -> {r.match.place.name:15} {r.match.place.id:22} "
          f"score {r.match.score:.3f}  alternatives: {alts or '-'}")"""),
    ("md", "## 2. Events and initial control"),
    ("code", """from geomap.scenario import load_scenario

sc = load_scenario(EXAMPLE / "events.csv", initial=EXAMPLE / "initial.csv",
                   barriers=EXAMPLE / "euphrates.geojson", gazetteer=gz)
print(len(sc.events), "events,", len(sc.unresolved), "unresolved,", len(sc.skipped), "skipped")
print("dates:", [d.isoformat() for d in sc.dates])"""),
    ("md", "## 3. Control state and the map on a date"),
    ("code", """day = dt.date(2016, 1, 18)
state = sc.state(day)
state[["name", "controller", "status", "since", "sources"]].head(10)"""),
    ("code", """for c in sc.timeline.changes(day - dt.timedelta(days=1), day):
    before = f"{c.before.controller} ({c.before.status})" if c.before else "unknown"
    print(f"{c.name}: {before} -> {c.after.controller} ({c.after.status})  events {c.events}")"""),
    ("code", """from geomap.render import control_map
from geomap.report import MapView

m = control_map(date=day, states=state, areas=sc.layers(day, since=day - dt.timedelta(days=1)),
                events=[e for e in sc.events if e.date == day], actors=sc.actors,
                title="Deir ez-Zor", offline=True, basemap=[sc.barriers])
MapView(m, height="480px")"""),
    ("md", """## 4. Conflicting claims and the report

Reports of the same place whose dates overlap and that disagree (extent, actor,
figures) are kept side by side."""),
    ("code", """from geomap.report import build_report

report = build_report(sc, date=day, title="Deir ez-Zor, January 2016", offline=True,
                      gazetteer=gz)
for c in report.conflicts:
    print(c.place, c.first, c.last, c.field, [v for v, _ in c.values])
path = report.save(OUT / "report.html")
print(path.name, path.stat().st_size, "bytes")"""),
    ("code", "report"),
]


def build() -> nbformat.NotebookNode:
    """Return the tutorial notebook, without outputs."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, src) in enumerate(CELLS):
        cell = new_markdown_cell(src) if kind == "md" else new_code_cell(src)
        cell["id"] = f"cell-{i:02d}"
        nb.cells.append(cell)
    return nb


if __name__ == "__main__":
    out = Path(__file__).with_name("tutorial.ipynb")
    nbformat.write(build(), out)
