"""The pieces of targets across years: the year folder, project and indicator links, outcomes and changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jixiao.analysis.history import change_of
from jixiao.analysis.linking import ProjectFiling, link_indicators, link_projects, project_name_key
from jixiao.analysis.resubmissions import Submission, find_resubmissions
from jixiao.analysis.results import outcome
from jixiao.analysis.target_values import quantity
from jixiao.flows.inbox import discover_inbox
from tests.conftest import FIXTURES


@pytest.mark.parametrize("folder", ["2023", "2023年", "2023年度", "FY2023"])
def test_year_folder_gives_year_and_township_below_it(tmp_path: Path, folder: str) -> None:
    (tmp_path / folder / "甲镇").mkdir(parents=True)
    shutil.copy(FIXTURES / "township_utf8.txt", tmp_path / folder / "甲镇" / "目标.txt")
    (file,) = discover_inbox(tmp_path)
    assert (file.township, file.year, file.year_from) == ("甲镇", 2023, "folder")


def test_manifest_year_wins_over_the_folder_and_other_folders_stay_townships(tmp_path: Path) -> None:
    for rel in ("2023/甲镇/a.txt", "乙镇/b.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / "township_utf8.txt", tmp_path / rel)
    (tmp_path / "乙镇" / "b.txt").write_text("另一份", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,township,unit_code,year\n2023/甲镇/a.txt,,,2024\n", encoding="utf-8")
    files = {f.source_path: f for f in discover_inbox(tmp_path)}
    assert (files["2023/甲镇/a.txt"].township, files["2023/甲镇/a.txt"].year) == ("甲镇", 2024)
    assert files["2023/甲镇/a.txt"].year_from == "manifest"
    assert (files["乙镇/b.txt"].township, files["乙镇/b.txt"].year) == ("乙镇", None)


def test_a_self_evaluation_or_another_year_is_never_a_resubmission() -> None:
    codes = frozenset({"13024101P000060782554", "13024101P000014190122"})
    target = Submission("a", "镇", "2023/镇/目标表.docx", codes=codes, year=2023, mtime=1)
    evaluation = Submission("b", "镇", "2023/镇/自评表.docx", codes=codes, year=2023, mtime=2, self_evaluation=True)
    next_year = Submission("c", "镇", "2024/镇/目标表.docx", codes=codes, year=2024, mtime=3)
    assert find_resubmissions([target, evaluation, next_year]) == {}
    revised = Submission("d", "镇", "2023/镇/目标表（修订稿）.docx", codes=codes, year=2023, mtime=0)
    assert set(find_resubmissions([target, evaluation, revised])) == {"a"}


def test_texts_of_two_years_are_two_submissions_unless_a_name_marks_a_revision() -> None:
    codes = frozenset({"13024101P000060782554"})
    first = Submission("a", "镇", "镇/2023年目标表.docx", codes=codes, text_year=2023, mtime=1)
    later = Submission("b", "镇", "镇/2024年目标表.docx", codes=codes, text_year=2024, mtime=2)
    assert find_resubmissions([first, later]) == {}
    corrected = Submission("c", "镇", "镇/2023年目标表（更正）.docx", codes=codes, text_year=2024, mtime=0)
    assert set(find_resubmissions([first, corrected])) == {"a"}  # the correction fixed the year


def _filing(name: str | None, code: str | None = None, year: int = 2023, rows: tuple[str, ...] = ()) -> ProjectFiling:
    return ProjectFiling("doc", "青龙湾镇", year, code, name, [{"name_raw": r} for r in rows])


def test_project_names_lose_township_year_and_variant_spellings() -> None:
    assert project_name_key("青龙湾镇2023年度农村公路养护经费", "青龙湾镇", 2023) == "农村公路养护资金"
    assert project_name_key("村级组织运转资金（2024年）", "青龙湾镇", 2024) == "村级组织运转资金"
    assert project_name_key("2023年未拨村级组织运转经费", "青龙湾镇", 2024) == "2023年未拨村级组织运转资金"


def test_projects_link_by_code_then_name_then_fuzzy() -> None:
    earlier = [_filing("2023年村级组织运转经费", "P1"), _filing("2023年农村饮水安全工程维修养护经费", None),
               _filing("2023年农村公路养护经费", "P3"), _filing("综合文化站免费开放经费", "P4")]
    later = [_filing("2024年农村饮水工程维修养护资金", "P9", 2024),
             _filing("2024年农村公路养护资金", "P7", 2024),  # a moved code: the name links it
             _filing("村级组织运转经费", "P1", 2024), _filing("2024年乡村振兴示范村建设资金", "P8", 2024)]
    assert link_projects(earlier, later) == {2: (0, "code"), 1: (2, "name"), 0: (1, "fuzzy")}


def test_a_renamed_project_with_most_indicators_kept_links_fuzzily() -> None:
    rows = ("聘用护林员人数", "开展防火宣传次数", "森林火灾受害率")
    earlier = [_filing("护林员管护补助", rows=rows), _filing("村级组织运转经费", rows=("保障村干部人数",))]
    later = [_filing("护林员补助资金", year=2024, rows=rows[:2])]
    assert link_projects(earlier, later) == {0: (0, "fuzzy")}
    assert link_projects(earlier, [_filing("护林员补助资金", year=2024, rows=("群众满意度",))]) == {}


def test_last_years_arrears_are_not_this_years_project() -> None:
    earlier = [_filing("2023年村级组织运转经费", year=2023), _filing("2022年村级组织运转经费", year=2023)]
    later = [_filing("2024年村级组织运转经费", year=2024), _filing("2023年未拨村级组织运转经费", year=2024)]
    assert link_projects(earlier, later)[0] == (0, "name")


def test_indicators_link_by_name_then_unique_vocabulary_id() -> None:
    earlier = [{"name_raw": "保障村（社区）数量", "indicator_id": "IND-1"}, {"name_raw": "群众满意度", "indicator_id": "IND-2"},
               {"name_raw": "村务公开率", "indicator_id": "NEW-1"}]
    later = [{"name_raw": "服务对象满意度", "indicator_id": "IND-2"}, {"name_raw": "保障村(社区)数量", "indicator_id": "IND-1"},
             {"name_raw": "防火物资储备点", "indicator_id": "NEW-2"}]
    pairs = [(a and a["name_raw"], b and b["name_raw"]) for a, b in link_indicators(earlier, later)]
    assert pairs == [("群众满意度", "服务对象满意度"), ("保障村（社区）数量", "保障村(社区)数量"), (None, "防火物资储备点"),
                     ("村务公开率", None)]


@pytest.mark.parametrize("target, actual, expected", [
    ("≤46.31万元", "463100元", "met"), ("≤50万元", "488100元", "met"), ("≤5万元", "5.17万元", "missed"),
    ("≥95%", "95", "met"), ("≥95%", "90", "missed"), ("=100%", "93%", "missed"), ("=9个", "9个", "met"),
    ("≤21小时", "24小时", "missed"), ("≥20次", "", "no_actual"), ("≥20次", "—", "no_actual"),
    ("明显改善", "有所改善", "not_comparable"), ("≥10人", "10个", "not_comparable"),
    ("2023年12月31日前完成", "2023年11月20日完成", "met"), ("2023年10月底前完成", "2023年12月5日完成", "missed"),
    ("=5万元", "5.2万元", "missed"), ("=5次", "6次", "met"),
])
def test_outcome_in_base_units(target: str, actual: str, expected: str) -> None:
    row = {"value_raw": target, "name_raw": "指标", "level2": "数量指标"}
    assert outcome(row, actual, 2023)[0] == expected


@pytest.mark.parametrize("old, new, expected", [
    ("≥95%", "不低于95%", "unchanged"), ("≤4.85万元", "≤48500元", "unchanged"), ("≥56公里", "≥59公里", "raised"),
    ("≥85%", "≥83%", "lowered"), ("≤46.31万元", "≤42.61万元", "raised"), ("≤11.82万元", "≤12.41万元", "lowered"),
    ("明显改善", "明显改善", "unchanged"), ("明显改善", "有效提升", "changed"), ("≥10人", "≥10个", "changed"),
    ("2023年12月31日前完成", "2024年12月31日前完成", "unchanged"), ("2023年10月底前完成", "2024年12月底前完成", "lowered"),
])
def test_change_is_direction_aware(old: str, new: str, expected: str) -> None:
    assert change_of(quantity(old, 2023), 2023, quantity(new, 2024), 2024) == expected
