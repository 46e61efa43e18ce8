"""How jixiao reads the real corpus's forms when a web page flattens them in ways their own page did not:
each hand-transcribed grid (fixtures/real/grids) written as text in every web layout the fixtures know
(pipe rows, one cell per line, space-separated rows), parsed and published without Prefect, and scored
against the same hand-written truth (fixtures/real/truth) as the published text. Real content, real
merges, flattenings it was not tuned on. `traditional` is every published text as a mirror site reprints
it in traditional characters (fixtures/real_traditional.py), scored against its truth converted alike.

    python scripts/eval_real_flattened.py [--layouts pipe,cells,spaces,traditional] [--keep DIR]

One line per layout: the real-corpus measures (fixtures/real_score.py), silent = documents stored `ok`
although a truth row or project is missing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures.faults import build_without_flow  # noqa: E402
from fixtures.real_flattened import write_flattened  # noqa: E402
from fixtures.real_score import DEFAULT_TRUTH, MEASURES, rates, score  # noqa: E402
from fixtures.real_traditional import write_traditional  # noqa: E402
from fixtures.web_writer import STREAM_LAYOUTS, WEB_LAYOUTS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    variants = (*WEB_LAYOUTS, *STREAM_LAYOUTS, "traditional")
    parser.add_argument("--layouts", default=",".join(variants), help=f"comma-separated, of {', '.join(variants)}")
    parser.add_argument("--keep", type=Path, help="write the inboxes and datasets here instead of a temp folder")
    args = parser.parse_args(argv)
    layouts = [x for x in args.layouts.split(",") if x]
    unknown = [x for x in layouts if x not in variants]
    if unknown:
        parser.error(f"unknown layout {', '.join(unknown)}; use {', '.join(variants)}")
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        print(f"{'layout':11} {'docs':>5} " + " ".join(f"{m:>9}" for m in MEASURES) + "  silent")
        for layout in layouts:
            here = root / layout
            if layout == "traditional":
                n, truth = write_traditional(here / "inbox", here / "truth"), here / "truth"
            else:
                n, truth = write_flattened(here / "inbox", layout), DEFAULT_TRUTH
            counts = score(build_without_flow(here / "inbox", here / "out"), truth)["txt"]
            got = rates(counts)
            cells = " ".join(f"{'—' if got[m] is None else f'{got[m]:.2f}':>9}" for m in MEASURES)
            print(f"{layout:11} {n:>5} {cells}  {counts['silent']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
