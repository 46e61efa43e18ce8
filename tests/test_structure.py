"""The structure parser on the real seed document and on the shared sample inbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.extractors import read_document
from jixiao.model.document import Cell, Document, Paragraph, Table
from jixiao.parsing.structure import parse_document, unit_code_of
from jixiao.normalizers.text import compact


@pytest.fixture(scope="module")
def seed(seed_path: Path):
    return parse_document(read_document(seed_path))


def test_seed_counts(seed):
    kinds = [g.kind for g in seed.goals]
    assert kinds.count("overall") == 1
    assert kinds.count("item") == 12
    assert kinds.count("measure") == 7
    assert len(seed.projects) == 12
    assert seed.unit_code == "13020824"
    assert seed.year == 2024
    assert seed.problems == []


def test_seed_items_have_goal_and_indicator_sentences(seed):
    items = [g for g in seed.goals if g.kind == "item"]
    assert [i.seq for i in items] == list(range(1, 13))
    assert items[0].title == "基层党建"
    assert items[0].goal_text == "加强基层党领导班子建设，加强党组织建设和党员管理。"
    assert items[3].indicator_text.startswith("镇党政领导包联化解信访事项全年不少于5件")
    assert all(i.goal_text and i.indicator_text for i in items)


def test_seed_measures_split_title_from_text(seed):
    measures = [g for g in seed.goals if g.kind == "measure"]
    assert measures[0].title == "完善制度建设"
    assert measures[0].goal_text.startswith("提高机关干部工作的自觉性和主动性")
    assert measures[-1].title == "加强宣传培训调研等"


def test_seed_first_project(seed):
    project = seed.projects[0]
    assert project.project_code == "13020824P000010100204"
    assert project.project_name == "2022年非税工作经费"
    assert project.budget_wan == 2.69 and project.fiscal_wan == 2.69 and project.other_wan is None
    assert project.purpose.startswith("主要用于补充办公经费不足")
    assert (project.plan_mar, project.plan_jun, project.plan_oct, project.plan_dec) == ("0.67", "1.35", "2.02", "2.69")
    rows = [i for i in seed.indicators if i.project_code == "13020824P000010100204"]
    assert [(r.level1_raw, r.level2_raw, r.name_raw, r.value_raw, r.basis_raw) for r in rows] == [
        ("产出指标", "数量指标", "采购次数", "≥5次", "工作需要"),
        ("产出指标", "质量指标", "工作完成质量", "≥95%", "工作标准"),
        ("产出指标", "时效指标", "完成工作时间", "2024年底完成", "年初计划"),
        ("产出指标", "成本指标", "经济成本指标", "≤2242元", "年初计划"),
        ("效益指标", "社会效益指标", "社会影响力", "≥95%", "工作标准"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥95%", "调查问卷"),
    ]
    assert [r.row_no for r in rows] == [1, 2, 3, 4, 5, 6]
    goals = [g for g in seed.goals if g.kind == "project" and g.project_code == project.project_code]
    assert [g.goal_text for g in goals] == ["补充办公经费不足，维持本镇正常办公。", "维护社会稳定，保证人民生命财产安全。"]


def test_seed_every_project_has_indicators_and_blank_plans_stay_null(seed):
    for project in seed.projects:
        assert any(i.table_no == project.table_no for i in seed.indicators), project.title
    four_surgeries = next(p for p in seed.projects if p.project_name == "四术并发症")
    assert four_surgeries.plan_mar is None and four_surgeries.plan_dec == "0.10"


def _truth_files(shared: Path):
    for path in sorted((shared / "samples" / "truth").glob("*/*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if truth["status"] == "ok":
            yield shared / "samples" / "inbox" / truth["path"], truth


def test_sample_inbox_matches_truth(shared: Path):
    checked = 0
    for source, truth in _truth_files(shared):
        parsed = parse_document(read_document(source))
        assert parsed.unit_code == truth["unit_code"], source.name
        assert parsed.year == truth["year"]
        assert {p.project_code for p in parsed.projects} == {p["code"] for p in truth["projects"]}
        table_truth = [(i["project_code"], compact(i["name_raw"]), compact(i["value_raw"]))
                       for i in truth["indicators"] if i["source"] == "table"]
        got = [(i.project_code, compact(i.name_raw), compact(i.value_raw)) for i in parsed.indicators]
        assert sorted(got) == sorted(table_truth), source.name
        for project in truth["projects"]:
            mine = next(p for p in parsed.projects if p.project_code == project["code"])
            assert (mine.budget_wan, mine.fiscal_wan) == (project["budget_wan"], project["fiscal_wan"])
            assert mine.plan_dec == project["plan_dec"]
        assert len(parsed.goals) == len(truth["goals"])
        checked += 1
    assert checked >= 3


def _table(rows: list[list[tuple[str, int, int]]]) -> Table:
    """Cells given as (text, row_span, col_span) in reading order per row, placed on a grid."""
    occupied: set[tuple[int, int]] = set()
    cells = []
    for r, row in enumerate(rows):
        c = 0
        for text, row_span, col_span in row:
            while (r, c) in occupied:
                c += 1
            cells.append(Cell(row=r, col=c, text=text, row_span=row_span, col_span=col_span))
            occupied |= {(r + i, c + j) for i in range(row_span) for j in range(col_span)}
            c += col_span
    return Table(n_rows=len(rows), n_cols=max(c.col + c.col_span for c in cells), cells=cells)


def test_vertical_merges_fill_down_and_split_tables_continue():
    header = [(t, 1, 1) for t in ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")]
    first = _table([
        [("项目编码", 1, 1), ("110101P00000001", 1, 3), ("项目名称", 1, 1), ("测试项目", 1, 1)],
        header,
        [("产出指标", 2, 1), ("数量指标", 1, 1), ("巡查次数", 1, 1), ("巡查", 1, 1), ("≥12次", 1, 1), ("工作计划", 1, 1)],
        [("质量指标", 1, 1), ("整改率", 1, 1), ("整改", 1, 1), ("≥95%", 1, 1), ("行业标准", 1, 1)],
    ])
    continuation = Table.from_rows([["", "时效指标", "完成时间", "按时", "2024年底完成", "年初计划"]])
    document = Document(format="docx", blocks=[Paragraph(text="1、测试项目绩效目标表"), first, continuation])
    parsed = parse_document(document)
    assert [(i.level1_raw, i.level2_raw, i.name_raw, i.row_no) for i in parsed.indicators] == [
        ("产出指标", "数量指标", "巡查次数", 1),
        ("产出指标", "质量指标", "整改率", 2),
        ("产出指标", "时效指标", "完成时间", 3),
    ]
    assert parsed.projects[0].project_code == "110101P00000001"
    # a project form: no 部门整体 part is expected, a budget is
    assert parsed.form_kind == "project"
    assert parsed.problems == ["测试项目: no 预算数/资金总额 (budget) found"]


def test_numbering_styles_and_heading_spacing():
    text = ["一、总体 绩效目标", "全年目标。", "二、分项绩效目标", "(一)基层党建", "绩效目标:加强建设。",
            "绩效指标：完成率不低于90%。", "2、宣传工作", "绩效目标：宣传。", "绩效指标：全年不少于5次。",
            "三、 工作保障措施", "前言。", "1.完善制度建设。制定制度。"]
    parsed = parse_document(Document(format="txt", blocks=[Paragraph(text=t) for t in text]))
    assert [(g.kind, g.seq, g.title) for g in parsed.goals] == [
        ("overall", 1, "总体绩效目标"), ("item", 1, "基层党建"), ("item", 2, "宣传工作"), ("measure", 1, "完善制度建设")]
    assert parsed.goals[1].indicator_text == "完成率不低于90%。"


def test_unit_code_is_shared_prefix_before_project_part():
    assert unit_code_of(["13020824P000010100204", "13020824P000012100213"]) == "13020824"
    assert unit_code_of(["13020824P000010100204"]) == "13020824"
    assert unit_code_of([None]) is None


def test_project_goal_lines_outside_the_table_still_count():
    header = Table.from_rows([["项目编码", "110101P00000001", "项目名称", "测试项目"], ["预算数", "1.5"]])
    document = Document(format="pdf", blocks=[
        Paragraph(text="1、测试项目绩效目标表"), header,
        Paragraph(text="1.目标内容1：开展巡查。"), Paragraph(text="2.目标内容2：保证运转。"),
        Table.from_rows([["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "巡查次数", "≥5次"]]),
    ])
    parsed = parse_document(document)
    goals = [(g.seq, g.goal_text, g.project_code) for g in parsed.goals if g.kind == "project"]
    assert goals == [(1, "开展巡查。", "110101P00000001"), (2, "保证运转。", "110101P00000001")]


def test_code_and_name_printed_as_a_text_line_start_a_project():
    document = Document(format="pdf", blocks=[
        Paragraph(text="2、党员教育培训经费绩效目标表"),
        Paragraph(text="项目编码 13025328P00000210055B 项目名称 2024年党员教育培训经费"),
        Table.from_rows([["预算数", "12.62", "其中：财政资金", "12.62"]]),
        Table.from_rows([["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "≥150人次"]]),
    ])
    parsed = parse_document(document)
    assert [(p.project_code, p.project_name, p.budget_wan) for p in parsed.projects] == [
        ("13025328P00000210055B", "2024年党员教育培训经费", 12.62)]
    assert parsed.indicators[0].project_code == "13025328P00000210055B"


def test_blank_level1_is_a_guess_but_a_merged_cell_is_not():
    header = [(t, 1, 1) for t in ("一级指标", "二级指标", "三级指标", "指标值")]
    merged = _table([header,
                     [("产出指标", 2, 1), ("数量指标", 1, 1), ("巡查次数", 1, 1), ("≥12次", 1, 1)],
                     [("质量指标", 1, 1), ("巡查覆盖率", 1, 1), ("100%", 1, 1)]])
    blank = Table.from_rows([["一级指标", "二级指标", "三级指标", "指标值"],
                             ["产出指标", "数量指标", "巡查次数", "≥12次"],
                             ["", "质量指标", "巡查覆盖率", "100%"]])
    for table, guessed in ((merged, False), (blank, True)):
        rows = parse_document(Document(format="pdf", blocks=[table])).indicators
        assert [(r.level1_raw, r.level1_guessed) for r in rows] == [("产出指标", False), ("产出指标", guessed)]


def test_a_blank_level1_is_not_carried_over_a_second_level_of_another_block():
    """社会效益 rows after 产出指标's, their 一级 cell lost: not under 产出 (效益指标 follows from the 二级)."""
    blank = Table.from_rows([["一级指标", "二级指标", "三级指标", "指标值"],
                             ["产出指标", "数量指标", "巡查次数", "≥12次"],
                             ["", "生态效益指标", "村容改善", "明显改善"]])
    rows = parse_document(Document(format="pdf", blocks=[blank])).indicators
    assert [(r.level1_raw, r.level1_guessed) for r in rows] == [("产出指标", False), (None, False)]


def test_a_message_listing_cells_shows_a_cell_with_no_text_as_a_question_mark():
    """A set-aside row whose name cell is empty is still listed (not a crash that fails the whole document)."""
    from jixiao.parsing.structure import _some
    assert _some([None, "产出指标", "", "four"]) == "?、产出指标、?"
