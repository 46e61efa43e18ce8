"""The reviewer's view of one township: its files, its projects and budget, what to fix.

Totals count current documents only (the `current_*` views): a township's older version of a
resubmitted file is listed with what superseded it, never added in. The same figures feed the
report's per-township sections, the export's summary sheet and `jixiao checks`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.analysis.check_rules import SEVERITIES
from jixiao.store.local import run_query

CHECK_COLUMNS = ["township", "source_path", "project_code", "project_name", "table_no", "name_raw", "rule", "severity",
                 "message", "evidence", "doc_id"]


def _dicts(out: Path, sql: str, params: list | None = None) -> list[dict]:
    columns, rows = run_query(out, sql, params or [])
    return [dict(zip(columns, row)) for row in rows]


@dataclass(frozen=True)
class ProjectCoverage:
    """One current project with its budget and the indicator levels it has (一级/二级)."""

    source_path: str
    table_no: int | None
    project_code: str | None
    project_name: str | None
    budget_wan: float | None
    n_indicators: int
    level1: tuple[str, ...]
    level2: tuple[str, ...]
    n_checks: int


@dataclass
class TownshipReview:
    township: str
    documents: list[dict] = field(default_factory=list)  # every file, with status and superseded_by path
    projects: list[ProjectCoverage] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    copied: list[dict] = field(default_factory=list)  # texts shared with other townships: text, n_townships

    @property
    def budget_wan(self) -> float | None:
        budgets = [p.budget_wan for p in self.projects if p.budget_wan is not None]
        return round(sum(budgets), 6) if budgets else None

    @property
    def n_budget_unknown(self) -> int:
        """Projects whose budget was not read: `budget_wan` is the sum of the others."""
        return sum(p.budget_wan is None for p in self.projects)

    @property
    def n_indicators(self) -> int:
        return sum(p.n_indicators for p in self.projects)

    def n_checks(self, severity: str) -> int:
        return sum(c["severity"] == severity for c in self.checks)

    def summary_row(self) -> dict:
        """One row of the export's per-township sheet."""
        docs = self.documents
        return {"township": self.township, "n_documents": len(docs),
                "n_current": sum(d["superseded_by"] is None and d["status"] != "failed" for d in docs),
                "n_superseded": sum(d["superseded_by"] is not None for d in docs),
                "n_failed": sum(d["status"] == "failed" for d in docs), "n_projects": len(self.projects),
                "budget_wan": self.budget_wan, "n_indicators": self.n_indicators,
                **{f"n_{s}": self.n_checks(s) for s in SEVERITIES},
                "missing_levels": sum(1 for p in self.projects if p.n_indicators and len(p.level1) < 3)}


def select_checks(out: Path, township: str | None = None, rule: str | None = None,
                  severity: str | None = None) -> list[dict]:
    """Rows of the checks table, filtered; most severe first within each file."""
    order = " ".join(f"when '{s}' then {i}" for i, s in enumerate(SEVERITIES))
    return _dicts(out, f"select {', '.join(CHECK_COLUMNS)} from checks where (? is null or township = ?) "
                       "and (? is null or rule = ?) and (? is null or severity = ?) "
                       f"order by township, source_path, case severity {order} end, table_no nulls first, rule, "
                       "name_raw", [township, township, rule, rule, severity, severity])


def township_reviews(out: Path, n_copied: int = 5) -> list[TownshipReview]:
    """Every township of the dataset, in name order."""
    reviews: dict[str, TownshipReview] = {}

    def review(name: str | None) -> TownshipReview:
        return reviews.setdefault(name or "", TownshipReview(name or ""))

    documents = _dicts(out, "select d.township, d.source_path, d.format, d.status, d.error, d.error_code, d.n_projects, "
                            "d.n_indicators, d.doc_id, n.source_path as superseded_by from documents d left join "
                            "(select doc_id, min(source_path) as source_path from documents where superseded_by is null "
                            "group by doc_id) n "
                            "on n.doc_id = d.superseded_by order by d.township, d.source_path")
    for doc in documents:
        review(doc["township"]).documents.append(doc)
    checks = select_checks(out)
    per_project = Counter((c["doc_id"], c["table_no"]) for c in checks if c["table_no"] is not None)
    for check in checks:
        review(check["township"]).checks.append(check)
    levels: dict[tuple[str, int], tuple[set[str], set[str], int]] = defaultdict(lambda: (set(), set(), 0))
    for row in _dicts(out, "select doc_id, table_no, level1, level2 from current_indicators where source = 'table'"):
        one, two, n = levels[(row["doc_id"], row["table_no"])]
        one.update([row["level1"]] if row["level1"] else [])
        two.update([row["level2"]] if row["level2"] else [])
        levels[(row["doc_id"], row["table_no"])] = (one, two, n + 1)
    paths = {d["doc_id"]: d["source_path"] for d in documents}
    for p in _dicts(out, "select township, doc_id, table_no, project_code, project_name, budget_wan "
                         "from current_projects order by township, doc_id, table_no"):
        one, two, n = levels.get((p["doc_id"], p["table_no"]), (set(), set(), 0))
        review(p["township"]).projects.append(ProjectCoverage(
            paths.get(p["doc_id"], ""), p["table_no"], p["project_code"], p["project_name"], p["budget_wan"], n,
            tuple(sorted(one)), tuple(sorted(two)), per_project[(p["doc_id"], p["table_no"])]))
    for row in _dicts(out, "select township, text, max(n_townships) as n_townships from current_duplicates "
                           "where n_townships >= 2 group by township, text order by township, n_townships desc, text"):
        target = review(row["township"])
        if len(target.copied) < n_copied:
            target.copied.append(row)
    return [reviews[name] for name in sorted(reviews)]
