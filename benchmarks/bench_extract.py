"""Benchmark ``geomap extract`` on the labelled articles of tests/fixtures/articles.

Prints mention precision/recall, resolution accuracy (within 5 km) and event
precision/recall for the extractor and for a baseline (exact gazetteer names of
capitalised n-grams + a keyword verb list), measured in the same run.

Run: ``python benchmarks/bench_extract.py [--corpus DIR]`` (default: tests/fixtures/articles;
the held-out set written independently of the rules is tests/fixtures/articles_heldout).
A positional FOLDER is still accepted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from gazetteer.resolve import Gazetteer
from geomap.extract.evaluate import baseline_extract, ours, score_corpus

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "tests" / "fixtures" / "articles"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", metavar="DIR", type=Path, default=None,
                        help=f"folder of NAME.txt + NAME.json gold files (default: {DEFAULT})")
    parser.add_argument("folder", nargs="?", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.corpus is not None and args.folder is not None:
        parser.error("give the corpus either as --corpus DIR or as FOLDER, not both")
    folder = args.corpus or args.folder or DEFAULT
    if not folder.is_dir():
        parser.error(f"not a folder: {folder}")
    gz = Gazetteer()
    for label, ex in (("baseline", baseline_extract(gz)), ("extract", ours(gz))):
        t0 = time.perf_counter()
        s = score_corpus(folder, ex, gazetteer=gz)
        print(s.line(label) + f"  {time.perf_counter() - t0:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
