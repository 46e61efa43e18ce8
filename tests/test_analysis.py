"""The analyst's questions (jixiao/analysis.py and the `duplicates`/`compare` commands) on a real dataset.

The dataset is built from examples/inbox without Prefect: read every file into the extraction
cache, then `build_dataset`. Expected figures are recomputed here with independent SQL.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.analysis.views import (
    AnalysisError,
    _unit_comparison,
    _weighted_share,
    compare_indicator,
    duplicate_groups,
    flag_outliers,
    report_data,
    resolve_indicator,
)
from jixiao.cli import app
from jixiao.store.local import run_query

EXAMPLE_INBOX = Path(__file__).resolve().parents[1] / "examples" / "inbox"


@pytest.fixture(scope="module")
def dataset(example_dataset: Path) -> Path:
    return example_dataset


def scalar(out: Path, sql: str):
    return run_query(out, sql)[1][0][0]


# ----------------------------------------------------------------------------- outlier rule


def test_a_unit_slip_is_an_outlier_by_ratio_even_when_the_mad_is_zero():
    reasons = flag_outliers([2000.0, 2000.0, 2000.0, 2000.0, 20_000_000.0])
    assert reasons[:4] == [None] * 4 and reasons[4] is not None


def test_a_lone_different_target_among_identical_ones_is_not_an_outlier():
    assert flag_outliers([95.0, 95.0, 95.0, 90.0, 95.0]) == [None] * 5


def test_a_far_value_within_five_times_is_an_outlier_by_robust_z():
    values = [90.0, 92.0, 95.0, 97.0, 98.0, 60.0]
    reasons = flag_outliers(values)
    assert [r is not None for r in reasons] == [False] * 5 + [True]
    assert "z" in reasons[5]


def test_too_few_values_flag_nothing():
    assert flag_outliers([1.0, 1000.0]) == [None, None]


def test_a_value_a_fifth_of_the_median_is_flagged_low():
    assert flag_outliers([100.0, 110.0, 90.0, 20.0])[3] is not None


# ----------------------------------------------------------------------------- duplicates


def test_duplicate_groups_come_largest_first_and_match_the_table(dataset: Path):
    groups = duplicate_groups(dataset, min_townships=1)
    assert len(groups) == scalar(dataset, "select count(distinct group_id) from duplicates")
    order = [(g.n_townships, g.n_members) for g in groups]
    assert order == sorted(order, reverse=True)
    for group in groups[:20]:
        members = run_query(dataset, f"select township, project_code, similarity from duplicates "
                                     f"where group_id = '{group.group_id}'")[1]
        assert sorted((m.township, m.project_code, m.similarity) for m in group.members) == sorted(members)
        assert len(group.townships) == group.n_townships
        assert group.text in {m.text for m in group.members}


def test_duplicate_filters(dataset: Path):
    wide = duplicate_groups(dataset, min_townships=3)
    assert wide and all(g.n_townships >= 3 for g in wide)
    assert len(wide) == scalar(dataset, "select count(distinct group_id) from duplicates where n_townships >= 3")
    goals = duplicate_groups(dataset, level="goal")
    assert goals and {g.level for g in goals} == {"goal"}
    assert len(duplicate_groups(dataset, limit=3)) == 3
    with pytest.raises(AnalysisError, match="unknown level"):
        duplicate_groups(dataset, level="paragraph")


# ----------------------------------------------------------------------------- compare


def most_compared_indicator(out: Path) -> tuple[str, str]:
    """The vocabulary indicator with numeric values in the most townships: (id, canonical name)."""
    return run_query(out, "select indicator_id, any_value(indicator) from indicators where value_base is not null "
                          "and indicator_id like 'IND-%' group by 1 order by count(distinct township) desc, "
                          "count(*) desc, 1 limit 1")[1][0]


def test_an_indicator_is_found_by_id_name_spelling_and_part_of_its_name(dataset: Path):
    indicator_id, name = most_compared_indicator(dataset)
    spelling = scalar(dataset, f"select name_raw from indicators where indicator_id = '{indicator_id}' "
                               f"and name_raw <> indicator order by name_raw limit 1")
    asked = [indicator_id.lower(), name, spelling] if spelling else [indicator_id.lower(), name]
    for text in asked:
        assert resolve_indicator(dataset, text).indicator_id == indicator_id, text
    with pytest.raises(AnalysisError, match="no indicator matches"):
        resolve_indicator(dataset, "潜水艇下潜深度")


def test_compare_groups_by_base_unit_with_the_datasets_figures(dataset: Path):
    indicator_id, _ = most_compared_indicator(dataset)
    comparison = compare_indicator(dataset, indicator_id)
    expected = run_query(dataset, "select base_unit, count(*), median(value_base) from indicators "
                                  f"where indicator_id = '{indicator_id}' and value_base is not null "
                                  "and base_unit is not null group by 1")[1]
    assert {(u.base_unit, u.n, u.median) for u in comparison.units} == set(expected)
    for unit in comparison.units:
        assert sum(t.n for t in unit.townships) == unit.n
    assert len(comparison.unquantified) == scalar(
        dataset, f"select count(*) from indicators where indicator_id = '{indicator_id}' "
                 "and (value_base is null or base_unit is null)")


def test_township_figures_are_the_known_answers():
    """Per-township n/median/min/max and the district median and MAD, on values worked out by hand."""
    rows = [{"township": t, "doc_id": t, "project_code": None, "name_raw": "巡查次数", "value_raw": str(v),
             "operator": ">=", "value_base": v} for t, v in
            [("甲镇", 10.0), ("甲镇", 60.0), ("乙镇", 5.0), ("甲镇", 20.0)]]
    unit = _unit_comparison("次", rows)
    assert (unit.base_unit, unit.n, unit.median, unit.mad) == ("次", 4, 15.0, 7.5)
    assert [(t.township, t.n, t.median, t.min, t.max) for t in unit.townships] == [
        ("乙镇", 1, 5.0, 5.0, 5.0), ("甲镇", 3, 20.0, 10.0, 60.0)]


def test_a_townships_boilerplate_share_weights_documents_by_their_rows():
    docs = [{"boilerplate_share": 0.5, "n_indicators": 10}, {"boilerplate_share": 0.0, "n_indicators": 30},
            {"boilerplate_share": None, "n_indicators": 5}, {"boilerplate_share": 1.0, "n_indicators": 0}]
    assert _weighted_share(docs) == 0.125
    assert _weighted_share([{"boilerplate_share": None, "n_indicators": 3}]) is None


def test_money_targets_are_compared_in_yuan_whatever_unit_they_were_written_in(dataset: Path):
    indicator_id = scalar(dataset, "select indicator_id from indicators where base_unit = '元' and value_raw "
                                   "like '%万%' group by 1 order by count(*) desc, 1 limit 1")
    comparison = compare_indicator(dataset, indicator_id)
    yuan = next(u for u in comparison.units if u.base_unit == "元")
    written_wan = [v for v in yuan.values if v.value_raw and "万" in v.value_raw]
    assert written_wan and len(written_wan) < len(yuan.values)  # 万元 and 元 targets side by side
    for value in written_wan:
        number = scalar(dataset, f"select value from indicators where value_raw = '{value.value_raw}' limit 1")
        assert value.value_base == pytest.approx(number * 10_000)


# ----------------------------------------------------------------------------- report figures


def test_report_figures_match_the_tables(dataset: Path):
    data = report_data(dataset)
    for table in ("projects", "indicators", "goals"):
        assert data.totals[table] == scalar(dataset, f"select count(*) from {table}")
    assert data.totals["failed"] == scalar(dataset, "select count(*) from documents where status = 'failed'")
    assert sum(data.formats.values()) == data.totals["documents"]
    assert {f.source_path for f in data.failed} == {
        r[0] for r in run_query(dataset, "select source_path from documents where status <> 'ok'")[1]}
    with (dataset / "review.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert data.review_rows == len(list(csv.DictReader(fh)))
    assert data.review_rows > 0
    assert any(t.boilerplate_share for t in data.townships)  # the weighting itself: a known-answer test above
    assert data.distributions and all(not c.indicator.indicator_id.startswith("NEW-") for c in data.distributions)


# ----------------------------------------------------------------------------- commands


def test_duplicates_command_prints_the_widest_group(dataset: Path):
    top = duplicate_groups(dataset, limit=1)[0]
    result = CliRunner().invoke(app, ["duplicates", "--out", str(dataset), "--limit", "1"], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert top.text in result.output and top.members[0].township in result.output
    assert "more groups" in result.output


def test_compare_command_prints_every_township_and_refuses_unknown_names(dataset: Path):
    indicator_id, name = most_compared_indicator(dataset)
    result = CliRunner().invoke(app, ["compare", name, "--out", str(dataset)], terminal_width=400)
    assert result.exit_code == 0, result.output
    townships = {r[0] for r in run_query(dataset, f"select distinct township from indicators where indicator_id = "
                                                  f"'{indicator_id}' and value_base is not null")[1]}
    assert indicator_id in result.output and all(t in result.output for t in townships)
    unknown = CliRunner().invoke(app, ["compare", "潜水艇下潜深度", "--out", str(dataset)])
    assert unknown.exit_code == 2
    bad_level = CliRunner().invoke(app, ["duplicates", "--out", str(dataset), "--level", "paragraph"])
    assert bad_level.exit_code == 2


def readme_queries() -> list[str]:
    """The SQL statements of README.md's "Queries the bureau asks" section."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Queries the bureau asks"):]
    sql = section[section.index("```sql") + len("```sql"):]
    sql = sql[:sql.index("```")]
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def test_the_readme_queries_run_and_answer_from_the_tables(dataset: Path):
    queries = readme_queries()
    assert len(queries) == 5
    results = [run_query(dataset, sql) for sql in queries]
    budget = {row[0]: row[2] for row in results[0][1]}
    assert sum(budget.values()) == pytest.approx(scalar(dataset, "select sum(budget_wan) from projects"), abs=0.05)
    missing_plan = results[4][1]
    plans = run_query(dataset, "select plan_mar, plan_jun, plan_oct, plan_dec from projects")[1]
    assert len(missing_plan) == sum(None in plan for plan in plans) > 0
