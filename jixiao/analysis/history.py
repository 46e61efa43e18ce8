"""Each target against the township's target for the same indicator the year before.

For every township, each year's target forms are linked to those of the township's previous year in
the inbox (linking.py), and every indicator gets its change: `new` (no such indicator before: every
target of a township's first year), `unchanged` (the same target, however spelled: `不低于95%` is
`≥95%`, `46.31万元` is `463100元`; a deadline on the same day of its year), `raised` / `lowered`
(direction-aware: a higher floor `≥` or a lower cap `≤` is more ambitious; a later deadline less),
`changed` (rewritten so that no direction can be told: other words, another unit), or `dropped` (last
year's indicator is gone; the row is last year's, dated this year).

Checks: `target_unchanged`, and `target_below_last_actual` — a floor at or below what the township's
自评表 reported achieving for it last year (a soft target).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from jixiao.analysis.checks import Finding
from jixiao.analysis.linking import LinkMethod, ProjectFiling, link_indicators, link_projects
from jixiao.analysis.results import LastActual, Pools
from jixiao.analysis.target_values import CAPS, FLOORS, Quantity, equal_numbers, quantity, row_money, same_target


@dataclass
class History:
    rows: list[dict] = field(default_factory=list)
    findings: list[tuple[str, str, Finding]] = field(default_factory=list)  # (doc_id, rule, finding)


def target_history(targets: Pools, actuals: dict[int, LastActual]) -> History:
    """History rows for every township-year with target forms; `actuals`: id(target row) → what its 自评
    reported (results.judge_results)."""
    history = History()
    years: dict[str, list[int]] = defaultdict(list)
    for township, year in targets:
        years[township].append(year)
    for township in sorted(years):
        previous: tuple[int, list[ProjectFiling]] | None = None
        for year in sorted(years[township]):
            filed = targets[(township, year)]
            if previous is None:
                for project in filed:
                    history.rows += [_row(project, year, row, "new") for row in project.rows]
            else:
                _compare_years(history, previous, (year, filed), actuals)
            previous = (year, filed)
    return history


def _compare_years(history: History, previous: tuple[int, list[ProjectFiling]],
                   current: tuple[int, list[ProjectFiling]], actuals: dict[int, LastActual]) -> None:
    (last_year, before), (year, filed) = previous, current
    links = link_projects(before, filed)
    for j, project in enumerate(filed):
        if j not in links:
            history.rows += [_row(project, year, row, "new") for row in project.rows]
            continue
        i, method = links[j]
        for old, new in link_indicators(before[i].rows, project.rows):
            if new is None:
                history.rows.append(_row(before[i], year, old, "dropped", method, last_year, old))
                continue
            if old is None:
                history.rows.append(_row(project, year, new, "new", method))
                continue
            change = change_of(quantity(old.get("value_raw"), last_year, row_money(old)), last_year,
                               quantity(new.get("value_raw"), year, row_money(new)), year)
            history.rows.append(_row(project, year, new, change, method, last_year, old))
            history.findings += _findings(project.doc_id, new, old, change, year, last_year, actuals.get(id(old)))
    linked = {i for i, _ in links.values()}
    for i, project in enumerate(before):
        if i not in linked:
            history.rows += [_row(project, year, row, "dropped", None, last_year, row) for row in project.rows]


def change_of(old: Quantity, old_year: int, new: Quantity, new_year: int) -> str:
    """unchanged | raised | lowered | changed, from last year's target to this year's."""
    if old.kind == "date" and new.kind == "date" and old.day and new.day:
        shift = (new.day - date(new_year, 1, 1)).days - (old.day - date(old_year, 1, 1)).days
        return "unchanged" if shift == 0 else "lowered" if shift > 0 else "raised"
    if same_target(old, new):
        return "unchanged"
    if not (old.numeric and new.numeric) or old.unit != new.unit:
        return "changed"
    if equal_numbers(new.low, old.low) and equal_numbers(new.high, old.high):
        return "unchanged" if (old.operator in CAPS) == (new.operator in CAPS) else "changed"
    higher = new.low > old.low if not equal_numbers(new.low, old.low) else (new.high or 0) > (old.high or 0)
    if new.operator in CAPS:
        return "lowered" if higher else "raised"
    return "raised" if higher else "lowered"


def _row(project: ProjectFiling, year: int, row: dict, change: str, method: LinkMethod | None = None,
         last_year: int | None = None, old: dict | None = None) -> dict:
    dropped = change == "dropped"
    return {"township": project.township, "project_code": project.project_code, "project_name": project.project_name,
            "name_raw": row.get("name_raw"), "indicator_id": row.get("indicator_id"), "year": year,
            "value_raw": None if dropped else row.get("value_raw"), "change": change,
            "previous_year": last_year if old is not None else None,
            "previous_value_raw": old.get("value_raw") if old is not None else None,
            "level1": row.get("level1"), "level2": row.get("level2"), "link": method, "doc_id": project.doc_id}


def _findings(doc_id: str, new: dict, old: dict, change: str, year: int, last_year: int,
              actual: LastActual | None) -> list[tuple[str, str, Finding]]:
    name = new.get("name_raw") or ""
    found = []
    if change == "unchanged":
        found.append((doc_id, "target_unchanged", Finding(
            {"name": name, "year": year, "target": new.get("value_raw") or "", "last_year": last_year,
             "previous": old.get("value_raw") or ""}, project=new, name_raw=name)))
    target = quantity(new.get("value_raw"), year, row_money(new))
    if actual is not None and target.numeric and target.operator in FLOORS and target.high is None \
            and target.unit == actual.unit and _soft(target, actual.value):
        found.append((doc_id, "target_below_last_actual", Finding(
            {"name": name, "year": year, "target": new.get("value_raw") or "", "last_year": last_year,
             "actual": actual.raw}, project=new, name_raw=name)))
    return found


def _soft(target: Quantity, achieved: float) -> bool:
    """A floor the township already reached: `≥` at or below last year's actual, `>` below it."""
    if target.low is None:
        return False
    if target.operator == ">=":
        return target.low < achieved or equal_numbers(target.low, achieved)
    return target.low < achieved and not equal_numbers(target.low, achieved)
