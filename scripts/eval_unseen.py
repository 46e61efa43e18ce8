"""How jixiao reads forms in layouts it has never been shown (fixtures/unseen.py): N documents per
layout × format, parsed and published without Prefect (fixtures.faults.build_without_flow), each
scored against its truth (fixtures/unseen_score.py). One line per layout (and per format with
--by-format):

    python scripts/eval_unseen.py [--documents 5] [--formats docx,pdf,txt-cells,txt-spaces] [--by-format]
                                  [--layouts a,b] [--keep DIR]

Columns: ind recall / precision (rows found by name), project recall, budget right, level1/level2
right and values right (of the rows found), status (ok/partial/failed counts) and silent — documents
that said `ok` yet lost or misread a row, a project or a budget.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures.faults import build_without_flow  # noqa: E402
from fixtures.unseen import UNSEEN_FORMATS, UNSEEN_LAYOUTS, write_unseen_inbox  # noqa: E402
from fixtures.unseen_score import Score, by_document, load_tables, score_document  # noqa: E402

HEADER = ("layout", "docs", "ind recall", "precision", "proj recall", "budget", "level1", "level2", "values",
          "status", "silent")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def row(name: str, s: Score) -> tuple[str, ...]:
    status = " ".join(f"{k}:{v}" for k, v in sorted(Counter(s.statuses).items()))
    return (name, str(s.docs), _pct(s.matched, s.truth), _pct(s.matched, s.found), _pct(s.projects_found, s.projects),
            _pct(s.budgets_right, s.projects), _pct(s.level1_right, s.matched), _pct(s.level2_right, s.matched),
            _pct(s.values_right, s.matched), status, str(s.silent_docs))


def evaluate(root: Path, layouts: list[str], formats: list[str], documents: int) -> dict[tuple[str, str], Score]:
    """Write, build and score; (layout, format) → summed Score."""
    inbox, out = root / "inbox", root / "out"
    written = write_unseen_inbox(inbox, layouts, formats, list(range(documents)))
    published = by_document(load_tables(build_without_flow(inbox, out, year=2024)))
    scores: dict[tuple[str, str], Score] = {}
    for rel, (layout, fmt, _seed, form) in written.items():
        doc, projects, indicators = published[rel]
        scores.setdefault((layout, fmt), Score()).add(score_document(form, doc, projects, indicators))
    return scores


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for r in [HEADER, *rows]:
        print("  ".join(c.ljust(w) if i in (0, 9) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))


def _list(text: str | None, allowed: list[str], what: str) -> list[str]:
    items = [t.strip() for t in text.split(",") if t.strip()] if text else list(allowed)
    unknown = [t for t in items if t not in allowed]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)})")
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=5, help="documents per layout and format (seeds 0…N-1)")
    parser.add_argument("--formats", help=f"comma-separated, default all: {', '.join(UNSEEN_FORMATS)}")
    parser.add_argument("--layouts", help=f"comma-separated, default all: {', '.join(UNSEEN_LAYOUTS)}")
    parser.add_argument("--by-format", action="store_true", help="one line per layout and format")
    parser.add_argument("--keep", type=Path, help="write the inbox and dataset here instead of a temp folder")
    args = parser.parse_args(argv)
    layouts = _list(args.layouts, list(UNSEEN_LAYOUTS), "layouts")
    formats = _list(args.formats, list(UNSEEN_FORMATS), "formats")
    with tempfile.TemporaryDirectory(prefix="jixiao-unseen-") as tmp:
        scores = evaluate(args.keep or Path(tmp), layouts, formats, args.documents)
    rows, total = [], Score()
    for layout in layouts:
        per_layout = Score()
        for fmt in formats:
            per_layout.add(scores[(layout, fmt)])
            if args.by_format:
                rows.append(row(f"{layout}/{fmt}", scores[(layout, fmt)]))
        if not args.by_format:
            rows.append(row(layout, per_layout))
        total.add(per_layout)
    rows.append(row("all", total))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
