"""The project and indicator rules of 审核 (see checks.py for how findings become rows).

Forms are written in many ways, and a rule that misreads one cries wolf on every clean copy:
- the spending plan (资金支出计划) is cumulative, as amounts in the table's 单位 (元 or 万元, or with
  its own unit) or as percentages (25/50/75/100, with or without %); a plan whose steps add up to
  the budget is per-period, not cumulative, and is read that way;
- satisfaction targets are filed under 效益指标 in some forms: the name decides then;
- a project whose indicator levels could not be read at all is not said to lack them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from jixiao.analysis.check_rules import Finding, number, rule_settings, settings
from jixiao.normalizers.units import normalize_unit
from jixiao.normalizers.values import parse_indicator_value

_MONEY_UNIT = re.compile(r"百万元|千元|万元|亿元|元")  # 单位：元（保留两位小数）
PLAN_FIELDS = (("plan_mar", "3月底"), ("plan_jun", "6月底"), ("plan_oct", "10月底"), ("plan_dec", "12月底"))
MEASURABLE_KINDS = ("number", "percent")
SHARE_FACTOR = 2.0  # bare plan numbers above this many budgets, in rising multiples of 5, are percentages
EXEMPT_TAIL = 10  # characters of an indicator's name searched for growth words (增长, 提高 …)


# ----------------------------------------------------------------------------- money


def budget_sum_mismatch(project: dict) -> list[Finding]:
    """预算数 = 财政资金 + 其他资金 (a blank 其他资金 is 0)."""
    budget, fiscal, other = project.get("budget_wan"), project.get("fiscal_wan"), project.get("other_wan")
    if budget is None or fiscal is None:
        return []
    spec = rule_settings("budget_sum_mismatch")
    diff = budget - fiscal - (other or 0.0)
    if abs(diff) <= max(float(spec["tolerance_wan"]), float(spec["tolerance_share"]) * abs(budget)):
        return []
    return [Finding({"budget": budget, "fiscal": fiscal, "other": other or 0.0, "diff": round(diff, 6)},
                    project=project)]


def missing_budget(project: dict) -> list[Finding]:
    """No 预算数 and no 财政资金 read: the project's money is unknown, not zero."""
    if project.get("budget_wan") is not None or project.get("fiscal_wan") is not None:
        return []
    return [Finding({"name": project.get("project_name") or project.get("title") or f"表{project.get('table_no')}"},
                    project=project)]


def table_scale_wan(unit_line: str | None) -> float:
    """万元 per unit of the table's amounts: 单位：元 → 0.0001; no or unknown 单位 → 1 (万元)."""
    match = _MONEY_UNIT.search((unit_line or "").replace("：", ":").rsplit(":", 1)[-1])
    if match:
        info = normalize_unit(match.group(0), money=True)
        if info is not None and info.base_unit == "元" and info.factor is not None:
            return float(info.factor) / 10000
    return 1.0


def plan_points(project: dict) -> tuple[str, list[tuple[str, float]]]:
    """The written plan as ('percent' | 'amount', [(month, value)]); amounts in 万元, blanks skipped.

    Bare numbers are percentages when a sibling carries % or the last one is exactly 100 while the
    budget is not 100 (in the table's unit); else amounts in the table's unit.
    """
    scale = table_scale_wan(project.get("unit_line"))
    parsed = []
    for field, label in PLAN_FIELDS:
        value = parse_indicator_value(project.get(field), money=True)
        if value.value is not None and value.value_kind in ("number", "percent"):
            parsed.append((label, value))
    if not parsed:
        return "amount", []
    budget = project.get("budget_wan")
    bare = [v.value for _, v in parsed if v.unit is None]
    in_table_unit = budget / scale if budget is not None else None
    percent = any(v.value_kind == "percent" for _, v in parsed) or (
        bare and len(bare) == len(parsed) and all(0 <= b <= 100 for b in bare)
        and (in_table_unit is None or abs(in_table_unit - 100) > 1e-6)
        and (abs(bare[-1] - 100) < 1e-9 or _looks_like_shares(bare, in_table_unit)))
    points = []
    for label, value in parsed:
        if percent:
            points.append((label, value.value))
        elif value.base_unit == "元" and value.value_base is not None:
            points.append((label, value.value_base / 10000))
        elif value.unit is None:
            points.append((label, value.value * scale))
    return ("percent" if percent else "amount"), points


def _looks_like_shares(values: list[float], budget: float | None) -> bool:
    """25/50/75 cut short (a column lost, or the plan stops before 100): rising multiples of 5 far above a
    small budget are shares of it, not amounts — a slip of that size is not a plan that overruns."""
    return (budget is not None and max(values) > SHARE_FACTOR * budget and all(v % 5 == 0 and v > 0 for v in values)
            and all(b > a for a, b in zip(values, values[1:])))


def _per_period(kind: str, points: list[tuple[str, float]], budget: float | None, tolerance: float) -> bool:
    """The steps add up to the whole (the budget, or 100%): each cell is that period's spending."""
    whole = 100.0 if kind == "percent" else budget
    if whole is None or len(points) < 2:
        return False
    return abs(sum(v for _, v in points) - whole) <= tolerance * abs(whole) + 1e-9


def _shown(kind: str, value: float) -> str:
    return f"{number(value)}%" if kind == "percent" else f"{number(value)}万元"


def plan_exceeds_budget(project: dict) -> list[Finding]:
    """A planned (cumulative) spending above the budget, or above 100% when written as percentages."""
    kind, points = plan_points(project)
    budget = project.get("budget_wan")
    whole = 100.0 if kind == "percent" else budget
    if not points or whole is None:
        return []
    tolerance = float(rule_settings("plan_exceeds_budget")["tolerance_share"])
    month, value = max(points, key=lambda p: p[1])
    if value <= whole * (1 + tolerance) + 0.005:
        return []
    return [Finding({"month": month, "plan": _shown(kind, value), "budget": _shown(kind, whole),
                     "written": project.get(dict((lbl, f) for f, lbl in PLAN_FIELDS)[month])}, project=project)]


def plan_not_monotonic(project: dict) -> list[Finding]:
    """A cumulative plan that goes down from one date to a later one."""
    kind, points = plan_points(project)
    tolerance = float(rule_settings("plan_not_monotonic")["tolerance_share"])
    if len(points) < 2 or _per_period(kind, points, project.get("budget_wan"), tolerance):
        return []
    for (earlier, a), (later, b) in zip(points, points[1:]):
        if b < a - max(tolerance * abs(a), 1e-9):
            return [Finding({"earlier": earlier, "earlier_value": _shown(kind, a), "later": later,
                             "later_value": _shown(kind, b)}, project=project)]
    return []


# ----------------------------------------------------------------------------- indicator coverage


def _levels() -> dict[str, set[str]]:
    return {k: set(v) for k, v in (settings().get("levels") or {}).items()}


def _has(rows: list[dict], kind: str) -> bool:
    levels = _levels()
    words = levels.get(f"{kind}_words", set())
    return any(r.get("level1") in levels.get(f"{kind}_level1", set())
               or r.get("level2") in levels.get(f"{kind}_level2", set())
               or any(w in (r.get("name_raw") or "") for w in words) for r in rows)


def _levels_read(rows: list[dict]) -> bool:
    """At least one row's 一级 or 二级 was recognised: else the levels were not read, not missing."""
    return any(r.get("level1") or r.get("level2") for r in rows)


def _missing(kind: str, project: dict, rows: list[dict]) -> list[Finding]:
    if not rows or not _levels_read(rows) or _has(rows, kind):
        return []
    present = sorted({r.get("level2") or r.get("level1") or "" for r in rows} - {""})
    return [Finding({"n": len(rows), "present": "、".join(present)}, project=project)]


def missing_output_indicator(project: dict, rows: list[dict]) -> list[Finding]:
    return _missing("output", project, rows)


def missing_satisfaction_indicator(project: dict, rows: list[dict]) -> list[Finding]:
    return _missing("satisfaction", project, rows)


def missing_cost_indicator(project: dict, rows: list[dict]) -> list[Finding]:
    """成本 is a 二级 of 产出: a project without any 产出指标 is told that once (missing_output_indicator)."""
    if not _has(rows, "output"):
        return []
    return _missing("cost", project, rows)


_WRITTEN_DATE = re.compile(r"\d|[一二三四五六七八九十]+月")


def _deadline(row: dict) -> bool:
    """A deadline the row writes (2024年底, 十二月底前); 按时/及时 get a year-end date by assumption only."""
    return bool(row.get("due_date")) and bool(_WRITTEN_DATE.search(row.get("value_raw") or ""))


def not_measurable(project: dict, rows: list[dict]) -> list[Finding]:
    """Not one target with a number, a rate or a deadline (all 优/良/有效/逐步提升)."""
    written = [r for r in rows if r.get("value_raw")]
    if not written or any(r.get("value_kind") in MEASURABLE_KINDS or _deadline(r) for r in written):
        return []
    examples = "、".join(dict.fromkeys(r["value_raw"] for r in written))
    return [Finding({"n": len(written), "values": examples[:120]}, project=project)]


# ----------------------------------------------------------------------------- indicator values


def percent_out_of_range(row: dict) -> list[Finding]:
    """A rate of a whole outside 0–100% (满意度 ≥150%); growth and decrease rates are exempt."""
    if row.get("base_unit") != "%" or row.get("value") is None:
        return []
    spec = rule_settings("percent_out_of_range")
    low, high = float(spec["low"]), float(spec["high"])
    values = [v for v in (row.get("value"), row.get("value_max")) if v is not None]
    if all(low <= v <= high for v in values):
        return []
    # the words right before the value say what it is: a 绩效指标 sentence's clause ends with them
    label = (row.get("name_raw") or "")[-EXEMPT_TAIL:]
    if any(word in label for word in settings().get("percent_exempt_words") or []):
        return []
    return [Finding({"name": row.get("name_raw") or row.get("indicator") or "", "value_raw": row.get("value_raw"),
                     "value": max(values, key=lambda v: abs(v - 50))}, name_raw=row.get("name_raw"))]


# ----------------------------------------------------------------------------- all of them

PROJECT_RULES = {"missing_budget": missing_budget, "budget_sum_mismatch": budget_sum_mismatch,
                 "plan_exceeds_budget": plan_exceeds_budget,
                 "plan_not_monotonic": plan_not_monotonic}
COVERAGE_RULES = {"missing_output_indicator": missing_output_indicator,
                  "missing_satisfaction_indicator": missing_satisfaction_indicator,
                  "missing_cost_indicator": missing_cost_indicator, "not_measurable": not_measurable}


def project_findings(projects: list[dict], indicators: list[dict]) -> Iterator[tuple[str, str, Finding]]:
    """(doc_id, rule, finding) for every project rule over `projects` and indicator rule over `indicators`."""
    by_table: dict[tuple[str, int | None], list[dict]] = defaultdict(list)
    for row in indicators:
        if row.get("source") == "table":
            by_table[(row["doc_id"], row.get("table_no"))].append(row)
    for project in projects:
        for rule, check in PROJECT_RULES.items():
            for finding in check(project):
                yield project["doc_id"], rule, finding
        rows = by_table.get((project["doc_id"], project.get("table_no")), [])
        for rule, check in COVERAGE_RULES.items():
            for finding in check(project, rows):
                yield project["doc_id"], rule, finding
    projects_of = {(p["doc_id"], p.get("table_no")): p for p in projects}
    for row in indicators:
        for finding in percent_out_of_range(row):
            project = projects_of.get((row["doc_id"], row.get("table_no"))) if row.get("source") == "table" else None
            yield row["doc_id"], "percent_out_of_range", Finding(finding.values, project=project,
                                                                  name_raw=finding.name_raw)
