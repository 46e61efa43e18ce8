"""What the workbook derives from the tables: spending plans as numbers with a flag, and the
per-township summary sheet. Pure functions over rows; export.py lays them out."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from jixiao.dictionaries import load_dictionary

PLAN_COLUMNS = ("plan_mar", "plan_jun", "plan_oct", "plan_dec")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_PERCENT_SIGNS = ("%", "％")
_UNIT_WORDS = ("万元", "万")
_SUMMARY_COUNTS = ["documents", "ok", "partial", "failed", "superseded", "projects", "budget_total_wan", "budget_unknown",
                   "indicators", "value_unknown", "review", "plan_flags", "checks_error", "checks_warning"]
# Sheets that count each submission once: a superseded version's rows are left out (documents lists every file).
CURRENT_ONLY = ("goals", "projects", "indicators", "duplicates")


def superseded_documents(parquet: Path) -> set[str]:
    """doc_ids of files a newer version of the same submission replaced (documents.superseded_by)."""
    rows = pq.read_table(parquet / "documents.parquet", columns=["doc_id", "superseded_by"]).to_pylist()
    # a byte-identical older copy shares its doc_id with the current file, whose rows do count
    return {r["doc_id"] for r in rows if r["superseded_by"]} - {r["doc_id"] for r in rows if not r["superseded_by"]}


def export_settings() -> dict:
    return load_dictionary("export") or {}


@dataclass(frozen=True)
class SpendingPlan:
    values: tuple[float | str | None, ...]  # numbers in 万元, or fractions when in percent; text kept as text
    percent: bool
    flag: str | None  # the labels of every problem found, joined by "；"


def spending_plan(budget_wan: float | None, written: list[str | None]) -> SpendingPlan:
    """Cumulative plans as written (`26.50`, `25%`, `全年`) → numbers, and what a reviewer must check.

    A plan is in percent when a cell says so, or when it ends at 100 while the budget is not 100."""
    settings = export_settings().get("spending_plan") or {}
    flags, tolerance = settings.get("flags") or {}, float(settings.get("tolerance_wan", 0.015))
    problems: list[str] = []
    numbers: list[float | str | None] = []
    signed = False
    for raw in written:
        text = (raw or "").strip()
        if text.endswith(_PERCENT_SIGNS):
            signed, text = True, text[:-1].strip()
        for word in _UNIT_WORDS:
            text = text.removesuffix(word).strip()
        text = text.replace(",", "").replace("，", "")
        if not text:
            numbers.append(None)
        elif _NUMBER.match(text):
            numbers.append(float(text))
        else:
            numbers.append(raw)
            problems.append("text")
    amounts = [v for v in numbers if isinstance(v, float)]
    percent = signed or (bool(amounts) and abs(amounts[-1] - 100) <= tolerance and budget_wan is not None
                         and abs(budget_wan - 100) > tolerance)
    if percent:
        problems.insert(0, "percent")
        numbers = [v / 100 if isinstance(v, float) else v for v in numbers]
    elif amounts and budget_wan is not None:
        if max(amounts) > budget_wan + tolerance:
            problems.append("over_budget")
        if isinstance(numbers[-1], float) and abs(numbers[-1] - budget_wan) > tolerance and "over_budget" not in problems:
            problems.append("not_budget")
    if any(b < a - tolerance for a, b in zip(amounts, amounts[1:])):
        problems.append("decreasing")
    labels = [str(flags.get(p, p)) for p in dict.fromkeys(problems)]
    return SpendingPlan(values=tuple(numbers), percent=percent, flag="；".join(labels) or None)


def township_summary(out: Path) -> list[dict]:
    """One row per township (documents by status, projects, budget, indicators, review queue,
    boilerplate share, plans to check), then a total row."""
    parquet = out / "parquet"
    documents = pq.read_table(parquet / "documents.parquet",
                              columns=["township", "status", "boilerplate_share", "superseded_by"]).to_pylist()
    old = superseded_documents(parquet)
    projects = [p for p in pq.read_table(parquet / "projects.parquet",
                                         columns=["doc_id", "township", "budget_wan", *PLAN_COLUMNS]).to_pylist()
                if p["doc_id"] not in old]
    indicators = [i for i in pq.read_table(parquet / "indicators.parquet",
                                           columns=["doc_id", "township", "value_raw"]).to_pylist()
                  if i["doc_id"] not in old]
    checks = pq.read_table(parquet / "checks.parquet", columns=["township", "severity"]).to_pylist()
    # a budget total is unknown ("—"), not 0.00, until one of the township's budgets was read
    rows: dict[str, dict] = defaultdict(lambda: dict.fromkeys(_SUMMARY_COUNTS, 0) | {"budget_total_wan": None})
    shares: dict[str, list[float]] = defaultdict(list)
    for doc in documents:
        row = rows[doc["township"] or ""]
        row["documents"] += 1
        if doc["superseded_by"]:
            row["superseded"] += 1
        elif doc["status"] in row:
            row[doc["status"]] += 1
        if doc["boilerplate_share"] is not None:
            shares[doc["township"] or ""].append(doc["boilerplate_share"])
    for project in projects:
        row = rows[project["township"] or ""]
        row["projects"] += 1
        if project["budget_wan"] is None:
            row["budget_unknown"] += 1
        else:
            row["budget_total_wan"] = (row["budget_total_wan"] or 0.0) + project["budget_wan"]
        if spending_plan(project["budget_wan"], [project[c] for c in PLAN_COLUMNS]).flag:
            row["plan_flags"] += 1
    for indicator in indicators:
        row = rows[indicator["township"] or ""]
        row["indicators"] += 1
        row["value_unknown"] += not (indicator["value_raw"] or "").strip()  # shown "—" on the 绩效指标 sheets
    for check in checks:
        if f"checks_{check['severity']}" in _SUMMARY_COUNTS:
            rows[check["township"] or ""][f"checks_{check['severity']}"] += 1
    for township, n in _review_counts(out / "review.csv").items():
        rows[township]["review"] += n
    result = []
    for township in sorted(rows):
        share = shares.get(township)
        result.append({"township": township, **rows[township],
                       "boilerplate_share": sum(share) / len(share) if share else None})
    total = {"township": str((export_settings().get("summary") or {}).get("total", "total"))}
    for key in _SUMMARY_COUNTS:
        known = [r[key] for r in result if r[key] is not None]
        total[key] = sum(known) if known or key != "budget_total_wan" else None
    all_shares = [s for values in shares.values() for s in values]
    total["boilerplate_share"] = sum(all_shares) / len(all_shares) if all_shares else None
    return [*result, total]


def _review_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                counts[row.get("township") or ""] += 1
    return counts
