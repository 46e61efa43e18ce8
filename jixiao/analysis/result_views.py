"""What people read of the `results` and `target_history` tables: `jixiao results`, and the report's
目标完成情况 section (per township: met, missed and soft targets; district: share met by 二级指标)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.store.local import run_query

OUTCOMES = ("met", "missed", "no_actual", "no_target", "not_comparable")
RESULT_COLUMNS = ["township", "year", "project_code", "project_name", "name_raw", "target_raw", "actual_raw",
                  "outcome", "link", "explanation", "level2"]


def _dicts(out: Path, sql: str, params: list | None = None) -> list[dict]:
    columns, rows = run_query(out, sql, params or [])
    return [dict(zip(columns, row)) for row in rows]


def select_results(out: Path, township: str | None = None, year: int | None = None,
                   outcome: str | None = None) -> list[dict]:
    """Results rows, filtered, in reading order (township, year, project, then as filed)."""
    return _dicts(out, f"select {', '.join(RESULT_COLUMNS)} from results where (? is null or township = ?) "
                       "and (? is null or year = ?) and (? is null or outcome = ?) "
                       "order by township, year, project_name, project_code",
                  [township, township, year, year, outcome, outcome])


def result_years(out: Path) -> list[int]:
    return [y for (y,) in run_query(out, "select distinct year from results where year is not null order by 1")[1]]


@dataclass
class TownshipResults:
    """One township's year judged: counts per outcome, the missed targets and the soft ones."""

    township: str
    year: int | None  # the year whose 自评 is judged
    counts: Counter[str] = field(default_factory=Counter)
    missed: list[dict] = field(default_factory=list)
    soft: list[dict] = field(default_factory=list)  # target_below_last_actual checks of the year after
    unchanged: int = 0  # targets as last year's

    @property
    def judged(self) -> int:
        return self.counts["met"] + self.counts["missed"]

    @property
    def share_met(self) -> float | None:
        return self.counts["met"] / self.judged if self.judged else None


@dataclass
class ResultsSummary:
    townships: list[TownshipResults]
    by_level2: list[tuple[str, int, int]]  # (二级指标, met, judged), district-wide
    years: list[int]


def results_summary(out: Path) -> ResultsSummary:
    """Per township its latest judged year (met/missed) and the soft and unchanged targets filed after it."""
    rows = _dicts(out, "select township, year, project_name, name_raw, target_raw, actual_raw, outcome, "
                       "explanation, level2 from results")
    latest: dict[str, int] = {}
    for row in rows:
        if row["year"] is not None:
            latest[row["township"]] = max(latest.get(row["township"], row["year"]), row["year"])
    summaries: dict[str, TownshipResults] = {t: TownshipResults(t, y) for t, y in latest.items()}
    level2: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        summary = summaries.get(row["township"])
        if summary is None or row["year"] != summary.year:
            continue
        summary.counts[row["outcome"]] += 1
        if row["outcome"] == "missed":
            summary.missed.append(row)
        if row["outcome"] in ("met", "missed"):
            level2[row["level2"] or "（未识别）"][row["outcome"]] += 1
    for check in _dicts(out, "select township, source_path, project_name, name_raw, rule, message from checks "
                             "where rule in ('target_below_last_actual', 'target_unchanged')"):
        summary = summaries.setdefault(check["township"], TownshipResults(check["township"], None))
        if check["rule"] == "target_below_last_actual":
            summary.soft.append(check)
        else:
            summary.unchanged += 1
    by_level2 = sorted(((name, c["met"], c["met"] + c["missed"]) for name, c in level2.items()),
                       key=lambda item: (-item[2], item[0]))
    return ResultsSummary(townships=[summaries[t] for t in sorted(summaries)], by_level2=by_level2,
                          years=result_years(out))
