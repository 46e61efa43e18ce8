"""Recall and precision of every review rule on generated documents with one injected fault each.

    python scripts/eval_checks.py [--per-rule 5] [--clean 20] [--seed 0] [--formats docx,txt-utf-8,pdf]

Writes a fault inbox (fixtures/faults.py) to a temporary folder, builds the dataset without Prefect,
and compares the checks table with where the faults are: a flag of rule R on a file is right when
that file carries R's fault. Prints one line per rule and every wrong or missed flag.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures.faults import RULES, build_fault_inbox, build_without_flow  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-rule", type=int, default=5)
    parser.add_argument("--clean", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default="docx,txt-utf-8")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inbox, out = Path(tmp) / "inbox", Path(tmp) / "out"
        expected = build_fault_inbox(inbox, args.per_rule, args.clean, args.seed, tuple(args.formats.split(",")))
        build_without_flow(inbox, out)
        checks = pq.read_table(out / "parquet" / "checks.parquet").to_pylist()
    flagged: dict[str, set[str]] = {}
    for row in checks:
        flagged.setdefault(row["rule"], set()).add(row["source_path"])
    print(f"{'rule':32} {'faults':>6} {'flagged':>7} {'recall':>6} {'precision':>9}")
    worst = 1.0
    for rule in sorted(set(RULES) | set(flagged)):
        want, got = expected.get(rule, set()), flagged.get(rule, set())
        recall = len(want & got) / len(want) if want else 1.0
        precision = len(want & got) / len(got) if got else 1.0
        worst = min(worst, recall, precision)
        print(f"{rule:32} {len(want):6} {len(got):7} {recall:6.2f} {precision:9.2f}")
        for path in sorted(want - got):
            print(f"    missed: {path}")
        for path in sorted(got - want):
            print(f"    wrong:  {path}: " + "; ".join(r["message"] for r in checks
                                                       if r["rule"] == rule and r["source_path"] == path))
    print(f"lowest recall/precision: {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
