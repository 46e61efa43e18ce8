"""Spreadsheet and legacy-Word reading: seconds per workbook, and LibreOffice's cost per batch.

    python benchmarks/bench_office.py [--repeat 3] [--batch 1 10 30]

Workbooks come from the fixture generator (one township's project tables as .xlsx, and the .xls and
.doc LibreOffice saves from them), so the script runs anywhere LibreOffice is installed. Prints the
median read time per format (read_document + parse_document), then the time one LibreOffice process
takes to convert N .doc files (start-up vs per file: what batching saves).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fixture generator is not installed

from fixtures.content import make_township_document
from fixtures.office import libreoffice_copy, soffice, write_legacy_word
from fixtures.xlsx_writer import write_xlsx
from jixiao.extractors import read_document
from jixiao.extractors.legacy import Conversions
from jixiao.parsing.structure import parse_document


def _median_seconds(path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        parse_document(read_document(path))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 10, 30])
    args = parser.parse_args()
    doc = make_township_document(random.Random(3), "石各庄镇", "13020885", 2024, 12)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-office-") as work:
        folder = Path(work)
        files = {"xlsx": folder / "表.xlsx"}
        write_xlsx(doc, files["xlsx"])
        if soffice():
            files["xls"] = libreoffice_copy(files["xlsx"], folder / "表.xls")
            files["doc"] = write_legacy_word(doc, folder / "目标.doc")
        print(f"one township, {len(doc.projects)} project tables, "
              f"{sum(len(p.indicators) for p in doc.projects)} indicator rows")
        for fmt, path in files.items():
            print(f"{fmt:5} read+parse: {_median_seconds(path, args.repeat):.3f} s (median of {args.repeat}, "
                  f"{path.stat().st_size / 1024:.0f} KB)")
        if "doc" not in files:
            print("LibreOffice not installed: no .xls/.doc figures")
            return
        for n in args.batch:
            conversions = Conversions(folder / f"converted-{n}", timeout=120)
            started = time.perf_counter()
            conversions.convert({f"copy{i}": files["doc"] for i in range(n)})
            seconds = time.perf_counter() - started
            print(f"LibreOffice batch of {n:3} .doc: {seconds:6.2f} s ({seconds / n:.2f} s per file)")


if __name__ == "__main__":
    main()
