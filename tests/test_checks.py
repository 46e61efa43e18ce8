"""Each review rule as a pure function: the fault it must find and the look-alikes it must leave alone."""

from __future__ import annotations

from datetime import date

import pytest

from jixiao.analysis import project_checks as pc
from jixiao.analysis.checks import (CheckInputs, DocumentFacts, district_year, duplicate_project_codes, named_places,
                                    run_checks, township_core, township_mismatch, year_mismatch)
from jixiao.analysis.check_rules import settings
from jixiao.analysis.resubmissions import (Submission, find_resubmissions, name_date, replaced_by_failed,
                                          revision_rank)

REQUIRED_RULES = {"missing_budget", "budget_sum_mismatch", "plan_exceeds_budget", "plan_not_monotonic", "missing_output_indicator",
                  "missing_satisfaction_indicator", "missing_cost_indicator", "percent_out_of_range", "not_measurable",
                  "year_mismatch", "township_mismatch", "superseded", "duplicate_project_code"}


def project(**kw) -> dict:
    base = {"doc_id": "d1", "table_no": 1, "project_code": "13020824P000012100231", "project_name": "村级组织运转",
            "budget_wan": 26.5, "fiscal_wan": 26.5, "other_wan": None, "unit_line": "单位：万元",
            "plan_mar": "6.63", "plan_jun": "13.25", "plan_oct": "19.88", "plan_dec": "26.50"}
    return {**base, **kw}


def indicator(level1: str | None, level2: str | None, name: str, value_raw: str = "≥95%", **kw) -> dict:
    kinds = {"%": "percent"}
    base = {"doc_id": "d1", "table_no": 1, "source": "table", "level1": level1, "level2": level2, "name_raw": name,
            "value_raw": value_raw, "value": 95.0, "base_unit": "%", "value_kind": kinds["%"], "due_date": None}
    return {**base, **kw}


CLEAN_ROWS = [indicator("产出指标", "数量指标", "覆盖村数", "≥30个", value=30.0, base_unit="个", value_kind="number"),
              indicator("产出指标", "成本指标", "人均培训成本", "≤200元/人", value=200.0, base_unit="元/人",
                        value_kind="number"),
              indicator("效益指标", "社会效益指标", "群众生活水平", "有所提升", value=None, base_unit=None,
                        value_kind="text"),
              indicator("满意度指标", "服务对象满意度指标", "群众满意度")]


def test_every_required_rule_has_settings_with_a_severity_and_a_chinese_message():
    rules = settings()["rules"]
    assert REQUIRED_RULES <= set(rules)
    for spec in rules.values():
        assert spec["severity"] in ("error", "warning", "info")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in spec["message"])


# ----------------------------------------------------------------------------- money


def test_budget_sum_mismatch_finds_fiscal_plus_other_not_the_budget():
    found = pc.budget_sum_mismatch(project(fiscal_wan=20.0, other_wan=3.0))
    assert len(found) == 1 and found[0].values["diff"] == pytest.approx(3.5)


@pytest.mark.parametrize("kw", [{}, {"fiscal_wan": 20.0, "other_wan": 6.5}, {"fiscal_wan": 26.49},
                                {"fiscal_wan": None}, {"budget_wan": None}])
def test_budget_sum_mismatch_leaves_sums_rounding_and_blanks_alone(kw):
    assert pc.budget_sum_mismatch(project(**kw)) == []


def test_plan_exceeds_budget_in_the_tables_unit():
    assert pc.plan_exceeds_budget(project(plan_dec="30.00"))
    # 单位：元: 265000 元 is the budget of 26.5 万元, 300000 元 is more
    yuan = dict(unit_line="单位：元", plan_mar="66250", plan_jun="132500", plan_oct="198750")
    assert pc.plan_exceeds_budget(project(**yuan, plan_dec="265000")) == []
    assert pc.plan_exceeds_budget(project(**yuan, plan_dec="300000.00"))
    noted = dict(yuan, unit_line="金额单位：元（保留两位小数）")
    assert pc.plan_exceeds_budget(project(**noted, plan_dec="265000.00")) == []


@pytest.mark.parametrize("plans", [("25", "50", "75", "100"), ("25%", "50%", "75%", "100%"), ("", " ", "", "26.50"),
                                   ("", "13.25", "", "26.50"), ("6", "7", "6.5", "7")])
def test_plans_written_as_percentages_gaps_or_per_period_are_not_faults(plans):
    row = project(budget_wan=4.96, **dict(zip(("plan_mar", "plan_jun", "plan_oct", "plan_dec"), plans)))
    if plans[-1] == "26.50" or plans[0] == "6":
        row["budget_wan"] = 26.5
    assert pc.plan_exceeds_budget(row) == []
    assert pc.plan_not_monotonic(row) == []


def test_a_percent_plan_cut_short_is_read_as_percentages():
    short = project(budget_wan=2.19, plan_mar=None, plan_jun="25", plan_oct="50", plan_dec="75")
    assert pc.plan_points(short)[0] == "percent"
    assert pc.plan_exceeds_budget(short) == [] and pc.plan_not_monotonic(short) == []
    # amounts a little over a budget of 30 are amounts: that plan does overrun
    assert pc.plan_exceeds_budget(project(budget_wan=30.0, plan_mar="10", plan_jun="20", plan_oct="30", plan_dec="40"))


def test_percent_plan_above_100_exceeds():
    assert pc.plan_exceeds_budget(project(plan_mar="30%", plan_jun="60%", plan_oct="90%", plan_dec="120%"))


def test_plan_not_monotonic_finds_a_cumulative_plan_going_down():
    found = pc.plan_not_monotonic(project(plan_mar="13.25", plan_jun="6.63", plan_oct="19.88", plan_dec="26.50"))
    assert found and found[0].values["earlier"] == "3月底" and found[0].values["later"] == "6月底"
    assert pc.plan_not_monotonic(project(plan_mar="50", plan_jun="25", plan_oct="75", plan_dec="100"))


# ----------------------------------------------------------------------------- coverage


def test_clean_indicator_set_triggers_no_coverage_rule():
    for check in pc.COVERAGE_RULES.values():
        assert check(project(), CLEAN_ROWS) == []


def test_missing_output_indicator_and_cost_is_not_said_twice():
    rows = [r for r in CLEAN_ROWS if r["level1"] != "产出指标"]
    assert pc.missing_output_indicator(project(), rows)
    assert pc.missing_cost_indicator(project(), rows) == []


def test_missing_cost_indicator():
    rows = [r for r in CLEAN_ROWS if r["level2"] != "成本指标"]
    assert pc.missing_cost_indicator(project(), rows)
    assert pc.missing_output_indicator(project(), rows) == []


def test_satisfaction_filed_under_benefit_counts_by_its_name():
    rows = [r for r in CLEAN_ROWS if r["level1"] != "满意度指标"]
    assert pc.missing_satisfaction_indicator(project(), rows)
    rows.append(indicator("效益指标", "社会效益指标", "受益群众满意率"))
    assert pc.missing_satisfaction_indicator(project(), rows) == []


def test_unread_levels_are_not_missing_levels():
    rows = [{**r, "level1": None, "level2": None, "name_raw": "指标"} for r in CLEAN_ROWS]
    for check in (pc.missing_output_indicator, pc.missing_satisfaction_indicator, pc.missing_cost_indicator):
        assert check(project(), rows) == []


def test_not_measurable_needs_every_target_qualitative():
    qualitative = [{**r, "value_kind": "grade" if i % 2 else "text", "value": None, "value_raw": "优"}
                   for i, r in enumerate(CLEAN_ROWS)]
    assert pc.not_measurable(project(), qualitative)
    with_deadline = qualitative + [indicator("产出指标", "时效指标", "完成时间", "2024年底", value=None,
                                             value_kind="date", due_date=date(2024, 12, 31), base_unit=None)]
    assert pc.not_measurable(project(), with_deadline) == []
    assert pc.not_measurable(project(), [{**r, "value_raw": None} for r in qualitative]) == []
    on_time = qualitative + [indicator("产出指标", "时效指标", "完成时间", "按时完成", value=None, value_kind="date",
                                       due_date=date(2024, 12, 31), base_unit=None)]
    assert pc.not_measurable(project(), on_time)  # 按时 has no date: the year end is only assumed


# ----------------------------------------------------------------------------- values


def test_percent_out_of_range_on_rates_but_not_on_growth():
    assert pc.percent_out_of_range(indicator("满意度指标", None, "群众满意度", "≥150%", value=150.0))
    assert pc.percent_out_of_range(indicator("产出指标", None, "验收合格率", "-5%", value=-5.0))
    assert pc.percent_out_of_range(indicator("产出指标", None, "完成率", "≥100%", value=100.0)) == []
    assert pc.percent_out_of_range(indicator("效益指标", None, "村集体收入增长", "≥150%", value=150.0)) == []
    clause = indicator(None, None, "提高为民服务水平，群众满意度达到", "150%", value=150.0, source="paragraph")
    assert pc.percent_out_of_range(clause)  # 提高 belongs to an earlier clause of the sentence
    assert pc.percent_out_of_range(indicator("产出指标", None, "覆盖村数", "≥150个", value=150.0, base_unit="个")) == []


# ----------------------------------------------------------------------------- documents


def facts(**kw) -> DocumentFacts:
    return DocumentFacts(**{"doc_id": "d1", "township": "丰登坞镇", "source_path": "丰登坞镇/目标.docx", **kw})


def test_district_year_is_the_majority_or_the_option():
    docs = [facts(text_year=y) for y in (2024, 2024, 2023)]
    assert district_year(docs) == 2024
    assert district_year(docs, forced=2025) == 2025
    assert district_year([facts(text_year=y) for y in (2018, 2021, 2022, 2023)]) is None
    assert district_year([facts(text_year=y) for y in (2023, 2023, 2022, 2022)]) is None  # a tie: no district year


def test_year_mismatch_against_the_district_or_the_manifest():
    assert year_mismatch(facts(text_year=2023), 2024)
    assert year_mismatch(facts(text_year=2024), 2024) == []
    assert year_mismatch(facts(text_year=2024, manifest_year=2024), 2023) == []
    assert year_mismatch(facts(text_year=None), 2024) == []
    title_only = facts(text_year=2024, names=("丰登坞镇2023年部门整体绩效目标",))
    assert year_mismatch(title_only, 2024)[0].values["doc_year"] == 2023
    published = facts(text_year=2024, names=("发布时间:2023年12月20日来源:丰登坞镇人民政府",))
    assert year_mismatch(published, 2024) == []


def test_township_names_and_cores():
    assert township_core("丰登坞镇(扫描件)") == "丰登坞"
    assert township_core("张庄寨镇人民政府") == "张庄寨"
    assert named_places("来源:刘营镇人民政府") == ["刘营镇"]
    assert named_places("推进各乡镇和城镇建设") == []


def test_township_mismatch_when_the_title_names_another_township():
    wrong = facts(names=("石各庄镇2024年部门整体绩效目标",))
    found = township_mismatch(wrong, ["丰登坞镇", "石各庄镇"])
    assert found and found[0].values["named"] == "石各庄镇"
    assert township_mismatch(facts(township="丰登坞镇(扫描件)", names=("丰登坞镇2024年部门整体绩效目标",)), []) == []
    assert township_mismatch(facts(names=("第一部分", "部门整体绩效目标")), ["石各庄镇"]) == []
    assert township_mismatch(facts(names=("实施单位", "丰登坞镇人民政府")), []) == []


def test_township_mismatch_from_the_body_or_the_manifests_unit_code():
    body = "石各庄镇党委、政府全面落实乡村振兴战略"
    assert township_mismatch(facts(names=("第一部分",), body=body), ["丰登坞镇", "石各庄镇"])
    assert township_mismatch(facts(names=("第一部分",), body=body + "，丰登坞镇配合"), ["丰登坞镇", "石各庄镇"]) == []
    assert township_mismatch(facts(names=("第一部分",), body=body), ["丰登坞镇"]) == []  # not a township of the run
    assert township_mismatch(facts(unit_code="13020899", manifest_unit="13020824"), [])
    assert township_mismatch(facts(unit_code="13020824", manifest_unit="13020824"), []) == []


def test_duplicate_project_code_in_one_document_and_across_townships():
    rows = [project(table_no=1), project(table_no=2), project(doc_id="d2", project_code="X1"),
            project(doc_id="d3", project_code="X1"), project(doc_id="d4", project_code="Y1")]
    found = duplicate_project_codes(rows, {"d1": "甲镇", "d2": "乙镇", "d3": "丙镇", "d4": "乙镇"})
    assert sorted(doc for doc, _ in found) == ["d1", "d1", "d2", "d3"]
    # 13020846…'s own document keeps the code; the township that copied it is told
    own = [project(doc_id="a", project_code=f"13020846P00000{i}100231") for i in range(3)]
    copier = [project(doc_id="b", project_code="13020899P000001100231"), project(doc_id="b", project_code=own[0]["project_code"])]
    found = duplicate_project_codes(own + copier, {"a": "甲镇", "b": "乙镇"})
    assert [doc for doc, _ in found] == ["b"] and "甲镇" in found[0][1].values["where"]
    same_township = duplicate_project_codes([project(doc_id="a", project_code="Z"), project(doc_id="b", project_code="Z")],
                                            {"a": "甲镇", "b": "甲镇"})
    assert same_township == []
    one_unit = [project(doc_id="a", project_code="13020824P1"), project(doc_id="b", project_code="13020824P1")]
    assert len(duplicate_project_codes(one_unit, {"a": "甲镇", "b": "乙镇"})) == 2  # whose it is cannot be told


def test_run_checks_checks_current_documents_only_and_marks_the_superseded():
    old = facts(doc_id="old", source_path="丰登坞镇/目标.docx", superseded_by="丰登坞镇/目标（修订稿）.docx",
                superseded_reason="文件名标明为修改版")
    new = facts(doc_id="new", source_path="丰登坞镇/目标（修订稿）.docx")
    bad = [project(doc_id="old", fiscal_wan=1.0), project(doc_id="new")]
    rows = run_checks(CheckInputs(documents=[old, new], projects=bad, indicators=[]))
    assert [(r["doc_id"], r["rule"], r["severity"]) for r in rows] == [("old", "superseded", "info")]
    assert "目标（修订稿）.docx" in rows[0]["message"]


# ----------------------------------------------------------------------------- resubmissions


def sub(path: str, **kw) -> Submission:
    return Submission(**{"doc_id": path, "township": "丰登坞镇", "source_path": f"丰登坞镇/{path}",
                         "codes": frozenset({"A", "B", "C"}), **kw})


def test_revision_words_and_dates_in_names():
    words = settings()["resubmission"]["revision_words"]
    assert revision_rank("目标（修订稿）.docx", words) > revision_rank("目标.docx", words) == 0
    assert name_date("扫描全能王 2024-01-16 09.31.pdf") == date(2024, 1, 16)
    assert name_date("2024年绩效目标.docx") is None


def test_the_revised_name_supersedes_whatever_the_mtime():
    result = find_resubmissions([sub("目标（修改）.txt", mtime=1.0), sub("目标.txt", mtime=2.0)])
    assert set(result) == {"目标.txt"} and result["目标.txt"].newer == "目标（修改）.txt"


def test_later_mtime_decides_between_plain_names_and_unrelated_files_stay():
    result = find_resubmissions([sub("a.docx", mtime=1.0), sub("b.docx", mtime=2.0),
                                 sub("项目表.xlsx", codes=frozenset({"X", "Y"}), mtime=3.0)])
    assert {k: v.newer for k, v in result.items()} == {"a.docx": "b.docx"}


def test_same_file_in_two_formats_keeps_the_richer_read():
    result = find_resubmissions([sub("real_01.txt", n_rows=5, format="txt", mtime=9.0),
                                 sub("real_01.docx", n_rows=30, format="docx", mtime=1.0)])
    assert {k: v.newer for k, v in result.items()} == {"real_01.txt": "real_01.docx"}


def test_manifest_current_and_supersedes_force_the_choice():
    forced = find_resubmissions([sub("目标（修改）.txt", current=False), sub("目标.txt")])
    assert {k: v.newer for k, v in forced.items()} == {"目标（修改）.txt": "目标.txt"}
    named = find_resubmissions([sub("新.txt", supersedes="丰登坞镇/旧.txt", codes=frozenset({"Q"})), sub("旧.txt")])
    assert {k: v.newer for k, v in named.items()} == {"旧.txt": "新.txt"}


def test_a_scan_of_the_word_file_is_the_same_submission_not_a_newer_one():
    texts = frozenset({"群众满意度|≥95%", "巡查次数|≥12次", "预算执行率|≥95%"})
    result = find_resubmissions([sub("扫描全能王 2024-01-16 09.31.pdf", texts=texts, n_rows=20, format="pdf", mtime=9.0),
                                 sub("绩效目标.docx", texts=texts, n_rows=20, format="docx", mtime=1.0)])
    assert {k: v.newer for k, v in result.items()} == {"扫描全能王 2024-01-16 09.31.pdf": "绩效目标.docx"}
    dated = find_resubmissions([sub("目标20240110.docx", mtime=9.0), sub("目标20240120.docx", mtime=1.0)])
    assert {k: v.newer for k, v in dated.items()} == {"目标20240110.docx": "目标20240120.docx"}


def test_a_failed_or_thin_revision_names_the_older_file_that_still_counts():
    counted = [sub("目标.docx"), sub("项目表.xlsx")]
    older, why = replaced_by_failed(sub("目标（修订稿）.docx"), counted, failed=True)
    assert older.source_path == "丰登坞镇/目标.docx" and "修改" in why
    assert replaced_by_failed(sub("目标v2.docx"), counted, failed=False)[0].source_path == "丰登坞镇/目标.docx"
    # a revision of another file, or a plain attachment, replaces nothing
    assert replaced_by_failed(sub("附件（修订稿）.docx"), counted, failed=True) is None
    assert replaced_by_failed(sub("附件.docx"), [sub("目标.docx")], failed=True) is None
    # beside the township's only counted file, a failed revision is that file's, whatever its name
    assert replaced_by_failed(sub("2024年绩效目标（修订稿）.docx"), [sub("目标.txt")], failed=True)[0].doc_id == "目标.txt"
    assert replaced_by_failed(sub("x.docx", supersedes="丰登坞镇/项目表.xlsx"), counted, failed=False)[1] == "manifest.csv指定"


def test_revision_failed_is_an_error_on_the_failed_file_naming_the_file_that_stands():
    failed = facts(doc_id="d2", source_path="丰登坞镇/目标（修订稿）.docx", status="failed", error_code="truncated",
                   replaces="丰登坞镇/目标.docx", replaces_reason="文件名标明为修改版")
    rows = run_checks(CheckInputs(documents=[facts(), failed]))
    assert [(r["rule"], r["severity"], r["source_path"]) for r in rows] == \
        [("revision_failed", "error", "丰登坞镇/目标（修订稿）.docx")]
    assert "丰登坞镇/目标.docx" in rows[0]["message"] and "读取失败" in rows[0]["message"]
    assert "文件损坏" in rows[0]["message"] and "仍计入的旧版本=丰登坞镇/目标.docx" in rows[0]["evidence"]
