"""From targets to results, across years: the `results` and `target_history` tables and their checks.

The build hands over the current documents and their indicator rows; this module sorts the projects
they file into target forms and 自评表 per township and year (a document's year: manifest, year
folder, else its text; one without a year takes no part), then judges each year's targets against its
自评表 (results.py) and against the year before (history.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from jixiao.analysis.checks import Finding
from jixiao.analysis.history import target_history
from jixiao.analysis.linking import ProjectFiling, project_filings
from jixiao.analysis.results import judge_results

SELF_EVALUATION = "self_evaluation"
# The indicator columns the comparisons read.
INDICATOR_COLUMNS = ["doc_id", "township", "source", "table_no", "row_no", "project_code", "project_name",
                     "level1", "level2", "level2_raw", "name_raw", "description", "indicator_id", "value_raw",
                     "actual", "explanation"]


@dataclass
class Tracking:
    results: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    findings: list[tuple[str, str, Finding]] = field(default_factory=list)  # (doc_id, rule, finding)


def track_targets(documents: Iterable[dict], indicators: list[dict]) -> Tracking:
    """`documents`: the current, read documents (doc_id, township, year, form_kind); `indicators`: their rows."""
    kinds: dict[str, bool] = {}
    years: dict[str, int | None] = {}
    for doc in documents:
        if doc.get("year") is not None:
            kinds[doc["doc_id"]] = doc.get("form_kind") == SELF_EVALUATION
            years[doc["doc_id"]] = int(doc["year"])
    rows = [r for r in indicators if r["doc_id"] in kinds]
    targets: dict[tuple[str, int], list[ProjectFiling]] = defaultdict(list)
    evaluations: dict[tuple[str, int], list[ProjectFiling]] = defaultdict(list)
    for filing in project_filings(rows, years):
        pool = evaluations if kinds[filing.doc_id] else targets
        pool[(filing.township, filing.year)].append(filing)
    judged = judge_results(targets, evaluations)
    history = target_history(targets, judged.actuals)
    return Tracking(results=judged.rows, history=history.rows, findings=judged.findings + history.findings)
