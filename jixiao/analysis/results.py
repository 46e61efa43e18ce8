"""目标 → 自评: each target of a year against the 实际完成值 its township's 自评表 reports for it.

For every project of a 自评表 linked to a project of the same township's target forms of that year
(linking.py), each indicator gets an outcome: `met` or `missed` (compared in base units, target_values.py),
`no_actual` (no 实际完成值, or the 自评表 leaves the indicator out), `not_comparable` (a qualitative
target, or units that do not convert); a 自评表 row no target stands for is `no_target`. The target is
the one filed in the target form; a 自评表 that restates another 年度指标值 is flagged (`results_mismatch`),
not believed. A 自评表 of a township-year without any target form is not judged: there is nothing to hold
it to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from jixiao.analysis.checks import Finding
from jixiao.analysis.linking import LinkMethod, ProjectFiling, link_indicators, link_projects
from jixiao.analysis.target_values import (Quantity, in_target_unit, is_blank_actual, lower_is_better, quantity,
                                           reaches, row_money, same_target)

Pools = Mapping[tuple[str, int], list[ProjectFiling]]  # (township, year) → the projects filed


@dataclass(frozen=True)
class LastActual:
    """What a target's 自评 reported, in the target's unit: what next year's target is held against."""

    value: float
    unit: str | None
    raw: str


@dataclass
class Judged:
    rows: list[dict] = field(default_factory=list)
    findings: list[tuple[str, str, Finding]] = field(default_factory=list)  # (doc_id, rule, finding)
    actuals: dict[int, LastActual] = field(default_factory=dict)  # id(target row) → its reported actual


def judge_results(targets: Pools, evaluations: Pools) -> Judged:
    """The results rows and their findings, for every township-year with both a target form and a 自评表."""
    judged = Judged()
    for (township, year), evaluated in sorted(evaluations.items()):
        filed = targets.get((township, year))
        if not filed:
            continue
        links = link_projects(filed, evaluated)
        for j, evaluation in enumerate(evaluated):
            target, method = (filed[links[j][0]], links[j][1]) if j in links else (None, None)
            pairs = link_indicators(target.rows, evaluation.rows) if target else [(None, r) for r in evaluation.rows]
            for target_row, evaluation_row in pairs:
                _judge_pair(judged, year, target, evaluation, target_row, evaluation_row, method)
    return judged


def outcome(target_row: dict, actual_raw: str | None, year: int | None) -> tuple[str, Quantity, float | None]:
    """(outcome, the target as read, the actual in the target's unit) for one target and its 实际完成值."""
    money = row_money(target_row)
    target = quantity(target_row.get("value_raw"), year, money)
    if actual_raw is None or is_blank_actual(actual_raw):
        return "no_actual", target, None
    actual = quantity(actual_raw, year, money)
    if target.kind == "date":
        if actual.kind != "date" or target.day is None or actual.day is None:
            return "not_comparable", target, None
        return ("met" if actual.day <= target.day else "missed"), target, None
    value = in_target_unit(actual, target)
    if value is None:
        return "not_comparable", target, None
    return ("met" if reaches(value, target, lower_is_better(target_row, target)) else "missed"), target, value


def _judge_pair(judged: Judged, year: int, target: ProjectFiling | None, evaluation: ProjectFiling,
                target_row: dict | None, evaluation_row: dict | None, method: LinkMethod | None) -> None:
    actual_raw = evaluation_row.get("actual") if evaluation_row else None
    base: float | None = None
    if target_row is None:
        result, read = "no_target", quantity(evaluation_row.get("value_raw") if evaluation_row else None)
    else:
        result, read, base = outcome(target_row, actual_raw, year)
        if base is not None:
            judged.actuals[id(target_row)] = LastActual(base, read.unit, actual_raw or "")
    shown = target_row or evaluation_row or {}
    project = target or evaluation
    judged.rows.append({
        "township": project.township, "year": year,
        "project_code": project.project_code or evaluation.project_code,
        "project_name": project.project_name or evaluation.project_name,
        "indicator_id": shown.get("indicator_id"), "name_raw": shown.get("name_raw"),
        "target_raw": target_row.get("value_raw") if target_row else None,
        "actual_raw": actual_raw, "outcome": result, "link": method,
        "self_eval_target_raw": evaluation_row.get("value_raw") if evaluation_row else None,
        "explanation": evaluation_row.get("explanation") if evaluation_row else None,
        "level1": shown.get("level1"), "level2": shown.get("level2"), "operator": read.operator,
        "target_base": read.low if target_row is not None else None, "actual_base": base, "base_unit": read.unit,
        "target_doc_id": target.doc_id if target else None, "self_eval_doc_id": evaluation.doc_id,
    })
    if evaluation_row is not None:
        judged.findings += _findings(year, target_row, evaluation_row, result, evaluation.doc_id)


def _findings(year: int, target_row: dict | None, evaluation_row: dict, result: str,
              doc_id: str) -> list[tuple[str, str, Finding]]:
    """The checks on a 自评表 row: a missed target, a row without a target, a restated target."""
    name = evaluation_row.get("name_raw")
    restated = evaluation_row.get("value_raw")

    def finding(values: dict) -> Finding:
        return Finding({"name": name or "", "year": year, **values}, project=evaluation_row, name_raw=name)

    found = []
    if result == "no_target":
        found.append((doc_id, "self_eval_without_target",
                      finding({"value": restated or "空", "actual": evaluation_row.get("actual") or "空"})))
        return found
    if target_row is None:
        return found
    target_raw = target_row.get("value_raw") or ""
    if result == "missed":
        found.append((doc_id, "target_not_met", finding({
            "target": target_raw, "actual": evaluation_row.get("actual") or "",
            "reason": (evaluation_row.get("explanation") or "").strip() or "未填写"})))
    if restated and not is_blank_actual(restated) and not _same(target_row, restated, year):
        found.append((doc_id, "results_mismatch", finding({"restated": restated, "target": target_raw})))
    return found


def _same(target_row: dict, restated: str, year: int) -> bool:
    money = row_money(target_row)
    return same_target(quantity(target_row.get("value_raw"), year, money), quantity(restated, year, money))

