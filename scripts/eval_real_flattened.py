"""How jixiao reads the real corpus's forms when a web page flattens them in ways their own page did not:
each hand-transcribed grid (fixtures/real/grids) written as text in every web layout the fixtures know
(pipe rows, one cell per line, space-separated rows), parsed and published without Prefect, and scored
against the same hand-written truth (fixtures/real/truth) as the published text. Real content, real
merges, flattenings it was not tuned on.

    python scripts/eval_real_flattened.py [--layouts pipe,cells,spaces] [--keep DIR]

One line per layout: the real-corpus measures (fixtures/real_score.py), silent = documents stored `ok`
although a truth row or project is missing.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures.faults import build_without_flow  # noqa: E402
from fixtures.layout import GridCell  # noqa: E402
from fixtures.real_corpus import DEFAULT_CORPUS, load_grid_file  # noqa: E402
from fixtures.real_score import DEFAULT_TRUTH, MEASURES, rates, score  # noqa: E402
from fixtures.web_writer import WEB_LAYOUTS, render_tables_web  # noqa: E402


def _columns(grid: list[list[GridCell]], layout: str) -> list[list[GridCell]]:
    """The grid one cell per column: a cell spanning columns is followed by blanks in pipe rows (the page
    pads them) and by nothing in the other layouts (a copy prints a merged cell once)."""
    filler = GridCell("") if layout == "pipe" else GridCell(None)
    return [[part for cell in row for part in [GridCell(cell.text), *[filler] * (cell.span - 1)]] for row in grid]


def write_flattened(inbox: Path, layout: str) -> int:
    """Every grid of the corpus as a page flattened in `layout`, at <unit>/<doc>.txt; how many."""
    grids = sorted((DEFAULT_CORPUS / "grids").glob("*.yaml"))
    for path in grids:
        document = load_grid_file(path)
        title = document.lines[0] if document.lines else "绩效目标表"
        year = re.search(r"20\d\d", " ".join(document.lines))
        text = render_tables_web(title, document.lines[1:], [_columns(t.grid, layout) for t in document.tables], document.after,
                                 layout, int(year.group(0)) if year else 2024, document.unit)
        target = inbox / document.unit / f"{document.doc}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return len(grids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layouts", default=",".join(WEB_LAYOUTS), help=f"comma-separated, of {', '.join(WEB_LAYOUTS)}")
    parser.add_argument("--keep", type=Path, help="write the inboxes and datasets here instead of a temp folder")
    args = parser.parse_args(argv)
    layouts = [x for x in args.layouts.split(",") if x]
    unknown = [x for x in layouts if x not in WEB_LAYOUTS]
    if unknown:
        parser.error(f"unknown layout {', '.join(unknown)}; use {', '.join(WEB_LAYOUTS)}")
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        print(f"{'layout':8} {'docs':>5} " + " ".join(f"{m:>9}" for m in MEASURES) + "  silent")
        for layout in layouts:
            n = write_flattened(root / layout / "inbox", layout)
            counts = score(build_without_flow(root / layout / "inbox", root / layout / "out"), DEFAULT_TRUTH)["txt"]
            got = rates(counts)
            cells = " ".join(f"{'—' if got[m] is None else f'{got[m]:.2f}':>9}" for m in MEASURES)
            print(f"{layout:8} {n:>5} {cells}  {counts['silent']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
