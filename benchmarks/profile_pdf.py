"""Time the PDF reader: pages per second on the given PDFs, and where the time goes.

    python benchmarks/profile_pdf.py FILE.pdf [FILE.pdf ...] [--repeat N] [--profile]

Run from the repository root. Without files it reads the generated fixtures in tests/fixtures.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jixiao.extractors.pdf import read_pdf  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="reads per file; the best time counts")
    parser.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    args = parser.parse_args()
    pdfs = args.pdfs or sorted(FIXTURES.glob("*.pdf"))
    total_pages = total_seconds = 0.0
    for pdf in pdfs:
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            doc = read_pdf(pdf)
            best = min(best, time.perf_counter() - start)
        n_pages = doc.n_pages or 0
        total_pages += n_pages
        total_seconds += best
        print(f"{pdf.name}: {n_pages} pages, {len(doc.tables())} tables, {best:.3f} s, {n_pages / best:.1f} pages/s")
    if total_seconds:
        print(f"all: {total_pages:.0f} pages in {total_seconds:.3f} s = {total_pages / total_seconds:.1f} pages/s")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for pdf in pdfs:
            read_pdf(pdf)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
