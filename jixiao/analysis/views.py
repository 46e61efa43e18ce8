"""The questions the bureau asks of a published dataset, answered as plain data.

Which targets were copied between townships, how one indicator's targets compare across
townships, and the figures of the HTML report. Nothing here prints or formats: `jixiao.cli`
prints these objects and `jixiao.report` draws them.

Outliers (`flag_outliers`). Targets of one indicator in one base unit are compared with their
district median. Two rules, because township targets are few and often identical:

- ratio: a value at least 5× or at most 1/5 of the median. This is the slip a clerk makes —
  万元 typed as 元, a missing or extra zero — and it holds with three values and with a zero MAD;
- robust z: 0.6745·(value − median)/MAD beyond 3.5 (Iglewicz & Hoaglin's modified z-score), for a
  value far out of a spread-out distribution yet within 5× (满意度 60% where the rest are 90–100%).
  When most townships write the same number the MAD is 0 and only the ratio rule applies, so a
  lone 90% among 95%s is not called an outlier.

Fewer than three values have no "typical" value, so nothing is flagged.
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.store.local import run_query
from jixiao.normalizers.vocabulary import NEW_ID_PREFIX, IndicatorVocabulary, new_indicator_id, normalize_name

DUPLICATE_LEVELS = ("indicator", "goal", "project")
OUTLIER_RATIO = 5.0
OUTLIER_Z = 3.5
MIN_VALUES_FOR_OUTLIERS = 3
_MAD_TO_Z = 0.6745  # the MAD of a normal distribution is 0.6745 standard deviations


class AnalysisError(Exception):
    """A question cannot be answered as asked (unknown indicator, bad option); the message says why."""


def _dicts(out: Path, sql: str, params: Sequence[object] = ()) -> list[dict]:
    columns, rows = run_query(out, sql, params)
    return [dict(zip(columns, row)) for row in rows]


# ----------------------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class GroupMember:
    township: str | None
    doc_id: str
    project_code: str | None
    similarity: float
    text: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Texts found in several forms; `text` is the spelling most members share."""

    group_id: str
    level: str
    kind: str
    text: str
    n_townships: int
    n_members: int
    members: list[GroupMember]

    @property
    def townships(self) -> list[str]:
        return sorted({m.township or "" for m in self.members})


def duplicate_groups(out: Path, *, min_townships: int = 2, level: str | None = None,
                     limit: int | None = None) -> list[DuplicateGroup]:
    """Duplicate groups, the most widely copied first (townships, then members)."""
    if level is not None and level not in DUPLICATE_LEVELS:
        raise AnalysisError(f"unknown level {level!r}; use one of {', '.join(DUPLICATE_LEVELS)}")
    rows = _dicts(out, "select group_id, level, kind, doc_id, township, project_code, text, similarity, "
                       "n_townships, n_members from duplicates where n_townships >= ? and (? is null or level = ?)",
                  [int(min_townships), level, level])
    by_group: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_group[row["group_id"]].append(row)
    groups = [_group(group_id, members) for group_id, members in by_group.items()]
    groups.sort(key=lambda g: (-g.n_townships, -g.n_members, g.level, g.text, g.group_id))
    return groups[:limit] if limit is not None else groups


def _group(group_id: str, rows: list[dict]) -> DuplicateGroup:
    members = sorted((GroupMember(r["township"], r["doc_id"], r["project_code"], r["similarity"] or 0.0,
                                  r["text"] or "") for r in rows),
                     key=lambda m: (-m.similarity, m.township or "", m.project_code or "", m.doc_id))
    text = Counter(m.text for m in members).most_common(1)[0][0]
    first = rows[0]
    return DuplicateGroup(group_id, first["level"], first["kind"], text, first["n_townships"] or 0,
                          first["n_members"] or len(rows), members)


# ----------------------------------------------------------------------------- one indicator


@dataclass(frozen=True)
class ResolvedIndicator:
    indicator_id: str
    indicator: str | None
    how: str  # how the analyst's text was understood, shown with the answer


@dataclass(frozen=True)
class IndicatorValue:
    township: str | None
    doc_id: str
    project_code: str | None
    name_raw: str | None
    value_raw: str | None
    operator: str | None
    value_base: float | None
    outlier: str | None = None  # why it is an outlier (for the bureau: in Chinese), or None


@dataclass(frozen=True)
class TownshipStats:
    township: str
    n: int
    median: float
    min: float
    max: float


@dataclass(frozen=True)
class UnitComparison:
    """The values of one indicator in one base unit (元/月 and % never mix)."""

    base_unit: str
    median: float
    mad: float
    townships: list[TownshipStats]
    values: list[IndicatorValue]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def outliers(self) -> list[IndicatorValue]:
        return [v for v in self.values if v.outlier]


@dataclass(frozen=True)
class IndicatorComparison:
    indicator: ResolvedIndicator
    units: list[UnitComparison]
    unquantified: list[IndicatorValue] = field(default_factory=list)  # grades, dates, text: no number


def flag_outliers(values: list[float]) -> list[str | None]:
    """For each value, why it is an outlier against the others (see the module docstring), or None."""
    if len(values) < MIN_VALUES_FOR_OUTLIERS:
        return [None] * len(values)
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    reasons: list[str | None] = []
    for value in values:
        reason = None
        if median > 0 and value >= OUTLIER_RATIO * median:
            reason = f"中位数的 {value / median:.3g} 倍"
        elif median > 0 and value <= median / OUTLIER_RATIO:
            reason = f"中位数的 {value / median:.2g} 倍"
        elif mad > 0 and abs(z := _MAD_TO_Z * (value - median) / mad) > OUTLIER_Z:
            reason = f"稳健 z 分数 {z:+.1f}"
        reasons.append(reason)
    return reasons


def resolve_indicator(out: Path, text: str, vocabulary: IndicatorVocabulary | None = None) -> ResolvedIndicator:
    """An indicator id, a canonical name, or any spelling, as the indicator it means.

    Tried in order: an id (IND-0005, NEW-…); a canonical name; a 三级指标 spelling found in the
    dataset (resolved as the pipeline resolved it there); part of exactly one canonical name
    (采购 → 采购次数); the vocabulary's own matching.
    """
    query = text.strip()
    if not query:
        raise AnalysisError("give an indicator id (IND-0005), a canonical name or a spelling")
    vocabulary = vocabulary or IndicatorVocabulary.load()
    known = dict(run_query(out, "select distinct indicator_id, indicator from indicators "
                                "where indicator_id is not null")[1])
    if query.upper() in known:
        return ResolvedIndicator(query.upper(), known[query.upper()], "indicator id")
    if entry := vocabulary.by_id(query.upper()):
        return ResolvedIndicator(entry.id, entry.name, "indicator id (vocabulary)")
    by_name = {name: indicator_id for indicator_id, name in known.items() if name}
    if query in by_name:
        return ResolvedIndicator(by_name[query], query, "canonical name")
    _, rows = run_query(out, "select indicator_id, indicator, count(*) from indicators where name_raw = ? "
                             "and indicator_id is not null group by all order by 3 desc, 1", [query])
    if rows:
        return ResolvedIndicator(rows[0][0], rows[0][1], "spelling in the dataset")
    containing = sorted(name for name in by_name if query in name)
    if len(containing) == 1:
        return ResolvedIndicator(by_name[containing[0]], containing[0], "part of a canonical name")
    match = vocabulary.match_indicators([query])[0]
    if match.method != "new":
        return ResolvedIndicator(match.indicator_id, match.indicator,
                                 f"vocabulary {match.method} match ({match.score:.0f})")
    unknown_id = new_indicator_id(normalize_name(query))
    if unknown_id in known:
        return ResolvedIndicator(unknown_id, known[unknown_id], "name outside the vocabulary")
    nearest = ", ".join(f"{name} ({indicator_id}, {score:.0f})" for indicator_id, name, score in match.candidates
                        if score > 0)
    if len(containing) > 1:
        raise AnalysisError(f"{query!r} is part of several indicators: {', '.join(containing[:10])}; "
                            "give the whole name or its id")
    raise AnalysisError(f"no indicator matches {query!r}"
                        + (f"; nearest in the vocabulary: {nearest}" if nearest else ""))


def compare_indicator(out: Path, text: str, vocabulary: IndicatorVocabulary | None = None) -> IndicatorComparison:
    """One indicator's targets across townships, grouped by base unit, outliers flagged."""
    resolved = resolve_indicator(out, text, vocabulary)
    rows = _dicts(out, "select township, doc_id, project_code, name_raw, value_raw, operator, value_base, "
                       "base_unit from current_indicators where indicator_id = ? order by township, project_code, row_no",
                  [resolved.indicator_id])
    by_unit: dict[str, list[dict]] = defaultdict(list)
    unquantified: list[IndicatorValue] = []
    for row in rows:
        if row["value_base"] is None or not row["base_unit"]:
            unquantified.append(_value(row, None))
        else:
            by_unit[row["base_unit"]].append(row)
    units = [_unit_comparison(unit, unit_rows) for unit, unit_rows in by_unit.items()]
    units.sort(key=lambda u: (-u.n, u.base_unit))
    return IndicatorComparison(resolved, units, unquantified)


def _value(row: dict, outlier: str | None) -> IndicatorValue:
    return IndicatorValue(row["township"], row["doc_id"], row["project_code"], row["name_raw"],
                          row["value_raw"], row["operator"], row["value_base"], outlier)


def _unit_comparison(base_unit: str, rows: list[dict]) -> UnitComparison:
    numbers = [row["value_base"] for row in rows]
    values = [_value(row, reason) for row, reason in zip(rows, flag_outliers(numbers))]
    median = statistics.median(numbers)
    per_township: dict[str, list[float]] = defaultdict(list)
    for value in values:
        per_township[value.township or ""].append(value.value_base)
    townships = [TownshipStats(name, len(v), statistics.median(v), min(v), max(v))
                 for name, v in sorted(per_township.items())]
    return UnitComparison(base_unit, median, statistics.median(abs(n - median) for n in numbers), townships, values)


# ----------------------------------------------------------------------------- the report's figures


@dataclass(frozen=True)
class TownshipSummary:
    township: str
    formats: dict[str, int]  # documents per format
    n_failed: int
    n_projects: int
    n_indicators: int
    budget_wan: float | None  # of the projects whose budget was read
    boilerplate_share: float | None  # share of its indicator rows copied from other townships
    n_budget_unknown: int = 0  # projects whose budget was not read: the sum leaves them out


@dataclass(frozen=True)
class FailedDocument:
    township: str | None
    source_path: str
    format: str | None
    status: str
    error: str | None
    error_code: str | None = None


@dataclass(frozen=True)
class ReportData:
    totals: dict[str, int]
    formats: dict[str, int]  # documents per format, all townships
    townships: list[TownshipSummary]
    failed: list[FailedDocument]
    copied: list[DuplicateGroup]
    distributions: list[IndicatorComparison]
    review_rows: int | None  # rows in review.csv; None when the file is missing
    n_superseded: int = 0  # older versions of a resubmission: listed per township, counted nowhere


def report_data(out: Path, *, n_copied: int = 10, n_indicators: int = 6) -> ReportData:
    """Everything the HTML report shows, computed from the published dataset."""
    every = _dicts(out, "select township, format, status, error, error_code, source_path, n_indicators, "
                        "boilerplate_share, superseded_by from documents order by township, source_path")
    documents = [d for d in every if not d["superseded_by"]]  # an older version of a resubmission is not counted
    formats = dict(sorted(Counter(d["format"] or "?" for d in documents).items()))
    totals = dict(zip(("documents", "ok", "partial", "failed"),
                      (len(documents), *(sum(d["status"] == s for d in documents)
                                         for s in ("ok", "partial", "failed")))))
    for table in ("projects", "indicators", "goals"):  # a superseded version's rows are not counted
        totals[table] = run_query(out, f'select count(*) from "current_{table}"')[1][0][0]
    totals["duplicate groups"] = run_query(out, "select count(distinct group_id) from duplicates")[1][0][0]
    failed = [FailedDocument(d["township"], d["source_path"], d["format"], d["status"], d["error"], d["error_code"])
              for d in documents if d["status"] != "ok"]
    return ReportData(totals=totals, formats=formats, townships=_township_summaries(out, documents),
                      failed=failed, copied=duplicate_groups(out, min_townships=2, limit=n_copied),
                      distributions=top_indicator_distributions(out, n_indicators),
                      review_rows=review_queue_size(out), n_superseded=len(every) - len(documents))


def _township_summaries(out: Path, documents: list[dict]) -> list[TownshipSummary]:
    projects = {t: (n, budget, unknown) for t, n, budget, unknown in run_query(
        out, "select township, count(*), sum(budget_wan), count(*) filter (where budget_wan is null) "
             "from current_projects group by township")[1]}
    by_township: dict[str, list[dict]] = defaultdict(list)
    for doc in documents:
        by_township[doc["township"] or ""].append(doc)
    summaries = []
    for township, docs in sorted(by_township.items()):
        n_projects, budget, unknown = projects.get(township, (0, None, 0))
        summaries.append(TownshipSummary(
            township=township,
            formats=dict(Counter(d["format"] or "?" for d in docs)),
            n_failed=sum(d["status"] == "failed" for d in docs),
            n_projects=n_projects,
            n_indicators=sum(d["n_indicators"] or 0 for d in docs),
            budget_wan=budget,
            boilerplate_share=_weighted_share(docs),
            n_budget_unknown=unknown,
        ))
    return summaries


def _weighted_share(docs: list[dict]) -> float | None:
    """A township's boilerplate share over all its indicator rows (documents weighted by their rows)."""
    weighted = [(d["boilerplate_share"], d["n_indicators"]) for d in docs
                if d["boilerplate_share"] is not None and d["n_indicators"]]
    rows = sum(n for _, n in weighted)
    return sum(share * n for share, n in weighted) / rows if rows else None


def top_indicator_distributions(out: Path, limit: int) -> list[IndicatorComparison]:
    """The vocabulary indicators with the most numeric targets, compared across townships."""
    _, rows = run_query(out, "select indicator_id from current_indicators where value_base is not null and indicator_id "
                             "is not null and not starts_with(indicator_id, ?) group by indicator_id "
                             "order by count(distinct township) desc, count(*) desc, indicator_id limit ?",
                        [NEW_ID_PREFIX, int(limit)])
    vocabulary = IndicatorVocabulary.load()
    return [compare_indicator(out, indicator_id, vocabulary) for (indicator_id,) in rows]


def review_queue_size(out: Path) -> int | None:
    """Rows waiting in DIR/review.csv (the header is not a row)."""
    path = out / "review.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))
