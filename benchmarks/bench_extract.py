"""Benchmark ``geomap extract`` on the labelled articles of tests/fixtures/articles.

Prints mention precision/recall, resolution accuracy (within 5 km) and event
precision/recall for the extractor and for a baseline (exact gazetteer names of
capitalised n-grams + a keyword verb list), measured in the same run.

Run: ``python benchmarks/bench_extract.py [FOLDER]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from gazetteer.resolve import Gazetteer
from geomap.extract.evaluate import baseline_extract, ours, score_corpus

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "tests" / "fixtures" / "articles"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT
    gz = Gazetteer()
    for label, ex in (("baseline", baseline_extract(gz)), ("extract", ours(gz))):
        t0 = time.perf_counter()
        s = score_corpus(folder, ex, gazetteer=gz)
        print(s.line(label) + f"  {time.perf_counter() - t0:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
