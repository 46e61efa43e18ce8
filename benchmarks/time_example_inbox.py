"""How long `jixiao run` takes on the bundled example inbox, and per document by format.

    python benchmarks/time_example_inbox.py [--inbox examples/inbox] [--repeat 3]

Prints the median of `--repeat` cold runs of the CLI (a fresh output folder each time, so
every document is read; wall time includes start-up) and, per format, the median over the
repeats of read + parse time per document, measured in this process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from jixiao.extractors import read_document
from jixiao.flows.inbox import discover_inbox
from jixiao.parsing.structure import parse_document


def cold_run_seconds(inbox: Path) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", out],
                       check=True, capture_output=True)
        return time.perf_counter() - started


def per_document_seconds(inbox: Path) -> dict[str, list[float]]:
    """Seconds to read + parse each readable file, grouped by format."""
    times: dict[str, list[float]] = defaultdict(list)
    for file in discover_inbox(inbox):
        started = time.perf_counter()
        try:
            document = read_document(file.path)
        except Exception:  # the inbox's bad file: not a reading time
            continue
        parse_document(document)
        times[document.format].append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path, default=Path("examples/inbox"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [cold_run_seconds(args.inbox) for _ in range(args.repeat)]
    print(f"jixiao run {args.inbox} (cold, wall, includes start-up): median {statistics.median(runs):.1f} s "
          f"of {', '.join(f'{r:.1f}' for r in runs)}")
    medians: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.repeat):
        for fmt, seconds in per_document_seconds(args.inbox).items():
            medians[fmt].append(statistics.median(seconds))
    for fmt, values in sorted(medians.items()):
        print(f"  {fmt:5s} read + parse per document: median {statistics.median(values) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
