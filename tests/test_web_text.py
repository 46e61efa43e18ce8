"""Published text (网页复制) on generated pages and on the plain shapes of pipes, spaces and cells
(the quirks of particular real pages: test_page_shapes.py).

Generated pages: one township document written by fixtures.web_writer in each layout; every
indicator table must come back slot by slot (the text covering each grid slot, merged cells
included), the project header's labels must keep their values beside them, and the page chrome must
be gone while every body line stays a paragraph.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import filled_slots, read_page

from fixtures.content import make_township_document
from fixtures.layout import body_lines, indicator_grid
from fixtures.web_writer import CHROME_TAIL, WEB_LAYOUTS, write_web
from jixiao.extractors.base import Limits
from jixiao.extractors.text import read_text
from jixiao.model.document import Paragraph, Table
from jixiao.model.errors import ReadError
from jixiao.parsing.structure import parse_document

SEED = 20391


@pytest.fixture(scope="module")
def document():
    return make_township_document(random.Random(SEED), "前家坞镇", "13020833", 2024, 3)


def _expected_slots(grid, layout: str) -> list[list[str]]:
    """The grid's text slot by slot, merged cells filled — but blank where tab-separated or bare pipe rows
    continue one (every separator a column: the blank cell is the merge, as in Word's text export, for the
    parser to read)."""
    rows: list[list[str]] = []
    for r, row in enumerate(grid):
        rows.append([("" if layout in ("bare", "tabs") else rows[r - 1][c]) if cell.text is None else cell.text
                     for c, cell in enumerate(row)])
    return rows


def _indicator_tables(doc) -> list[Table]:
    return [t for t in doc.tables() if t.rows()[0] and t.rows()[0][0].text == "一级指标"]


@pytest.mark.parametrize("layout", WEB_LAYOUTS)
def test_indicator_tables_come_back_slot_by_slot(tmp_path: Path, document, layout: str):
    path = tmp_path / f"{layout}.txt"
    write_web(document, path, layout)
    tables = _indicator_tables(read_text(path))
    assert len(tables) == len(document.projects)
    for table, project in zip(tables, document.projects):
        expected = _expected_slots(indicator_grid(document, project), layout)
        assert (table.n_rows, table.n_cols) == (len(expected), len(expected[0]))
        assert filled_slots(table) == expected, project.code


@pytest.mark.parametrize("layout", WEB_LAYOUTS)
def test_project_labels_keep_their_values_beside_them(tmp_path: Path, document, layout: str):
    path = tmp_path / f"{layout}.txt"
    write_web(document, path, layout)
    pairs = set()
    for table in read_text(path).tables():
        for row in table.rows():
            pairs |= {(a.text, b.text) for a, b in zip(row, row[1:])}
    for project in document.projects:
        assert ("项目编码", project.code) in pairs
        assert ("项目名称", project.name) in pairs
        assert ("预算数", project.budget.raw) in pairs


@pytest.mark.parametrize("layout", WEB_LAYOUTS)
def test_chrome_dropped_and_every_body_line_kept(tmp_path: Path, document, layout: str):
    path = tmp_path / f"{layout}.txt"
    write_web(document, path, layout)
    read = read_text(path)
    text = read.text()
    for chrome in ("首页 > 政务公开", "发布时间", "浏览次数", "打印本页", "分享到", "扫一扫"):
        assert chrome not in text
    paragraphs = {b.text for b in read.blocks if isinstance(b, Paragraph)}
    assert all(line.text.strip() in paragraphs for line in body_lines(document))
    assert not any(line.strip() and line.strip() in paragraphs for line in CHROME_TAIL)


@pytest.mark.parametrize("layout", WEB_LAYOUTS)
def test_published_text_parses_like_the_export(tmp_path: Path, document, layout: str):
    path = tmp_path / f"{layout}.txt"
    write_web(document, path, layout)
    parsed = parse_document(read_text(path))
    assert [p.project_code for p in parsed.projects] == [p.code for p in document.projects]
    assert len(parsed.indicators) == sum(len(p.indicators) for p in document.projects)


def _grid(table: Table) -> list[list[str | None]]:
    return table.grid()


def test_pipe_rows_without_separator_br_and_padding(tmp_path: Path):
    doc = read_page(tmp_path, "标题\n| 部门预算项目绩效目标申报表 | ||||\n| 一级指标 | 二级指标 | 三级指标 | 指标值 | |\n"
                          "| 产出指标 | 数量指标 | 行政村数量<br>(个) | 11 | ||\n| 质量指标 | 合格率 | ≥95% | |||\n")
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "标题"
    table = doc.tables()[0]
    assert (table.n_rows, table.n_cols) == (4, 4)
    assert table.rows()[0][0].col_span == 4  # a lone title cell spans the table
    assert filled_slots(table)[2] == ["产出指标", "数量指标", "行政村数量\n(个)", "11"]
    assert filled_slots(table)[3] == ["产出指标", "质量指标", "合格率", "≥95%"]  # 一级 merged down again


def test_a_last_pipe_row_cut_before_its_padding_keeps_its_name_but_not_the_cut_cell(tmp_path: Path):
    """The text ends inside `新建消防水池数量 | 1座`: whether 1座 is whole cannot be told (15 of 1500元 looks
    the same), so the cut cell is left out, the row keeps its place under the header, the table says why."""
    doc = read_page(tmp_path, "一级指标 | 二级指标 | 三级指标 | 指标值 | ||\n产出指标 | 数量指标 | 新建保鲜库数量 | 1座 | ||\n"
                          "新建保鲜库面积 | 3550平方米 | ||||\n新建消防水池数量 | 1座")
    table = doc.tables()[0]
    assert filled_slots(table)[-2] == ["产出指标", "数量指标", "新建保鲜库面积", "3550平方米"]
    assert "1座" not in filled_slots(table)[-1] and "新建消防水池数量" in filled_slots(table)[-1]
    assert table.cut and any("'1座'" in d for d in table.doubts)
    assert not [b for b in doc.blocks if isinstance(b, Paragraph)]


def test_pipe_row_with_a_line_break_inside_a_cell(tmp_path: Path):
    doc = read_page(tmp_path, "| 项目名称 | 防汛经费 |\n| 绩效目标 | 1.目标内容1：巡查。\n2.目标内容2：抢险。 |\n| 预算数 | 81.11 |\n")
    assert filled_slots(doc.tables()[0]) == [["项目名称", "防汛经费"], ["绩效目标", "1.目标内容1：巡查。\n2.目标内容2：抢险。"],
                                       ["预算数", "81.11"]]


def test_one_cell_per_line_with_pipes(tmp_path: Path):
    text = ("|\n填报单位:(盖章) 单位:万元 |\n||||\n"
            "|\n一级指标 |\n二级指标 |\n三级指标 |\n指标值 |\n|\n"
            "|\n产出指标 |\n数量指标 |\n车辆数 |\n10辆 |\n|\n"
            "|\n射程 |\n≥80M |\n|||\n"
            "|\n效益指标 |\n经济效益指标 |\n|\n|\n|\n"
            "填表人: (略)\n")
    doc = read_page(tmp_path, text)
    table = doc.tables()[0]
    assert filled_slots(table)[1:] == [["一级指标", "二级指标", "三级指标", "指标值"],
                                 ["产出指标", "数量指标", "车辆数", "10辆"],
                                 ["产出指标", "数量指标", "射程", "≥80M"],
                                 ["效益指标", "经济效益指标", "", ""]]
    assert isinstance(doc.blocks[-1], Paragraph) and doc.blocks[-1].text == "填表人: (略)"


def test_one_cell_per_line_without_pipes_by_header_width(tmp_path: Path):
    doc = read_page(tmp_path, "项目绩效目标表\n一级指标\n二级指标\n三级指标\n指标值\n"
                          "产出指标\n数量指标\n培训人次\n≥150人次\n效益指标\n社会效益指标\n社会影响\n优\n")
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["项目绩效目标表"]
    assert filled_slots(doc.tables()[0]) == [["一级指标", "二级指标", "三级指标", "指标值"],
                                       ["产出指标", "数量指标", "培训人次", "≥150人次"],
                                       ["效益指标", "社会效益指标", "社会影响", "优"]]


def test_space_separated_rows_with_split_brackets_and_merged_cells(tmp_path: Path):
    doc = read_page(tmp_path, "发布时间:2018年05月20日 15:40 来源:南岳区财政局 作者:\n"
                          "项目名称 旅游基础设施 项目负责人及电话 郭***\n"
                          "绩效指标 一级指标 二级指标 三级指标 指标值 备注\n"
                          "产出指标 数量指标 景点开发数量( ≥**个 ) >=4个\n"
                          "流转土地 ≥ 60 %\n"
                          "满意度指标 服务对象满意度指标 游客满意度(≥**%) >=90%\n")
    slots = filled_slots(doc.tables()[0])
    assert slots[2] == ["绩效指标", "产出指标", "数量指标", "景点开发数量( ≥**个 )", ">=4个", ""]
    assert slots[3] == ["绩效指标", "产出指标", "数量指标", "流转土地", "≥ 60 %", ""]
    assert slots[4] == ["绩效指标", "满意度指标", "服务对象满意度指标", "游客满意度(≥**%)", ">=90%", ""]
    assert "发布时间" not in doc.text()


def test_tab_separated_rows_keep_every_column(tmp_path: Path):
    doc = read_page(tmp_path, "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t采购次数\t≥5次\n"
                          "\t\t维稳次数\t≥12次\n满意度指标\t\t满意度\t≥90%\n")
    slots = filled_slots(doc.tables()[0])
    assert slots[2] == ["", "", "维稳次数", "≥12次"]  # blank = merged with the cell above, as in the export
    assert slots[3] == ["满意度指标", "", "满意度", "≥90%"]


def test_inline_pipes_without_outer_pipes_are_one_row_per_line(tmp_path: Path):
    doc = read_page(tmp_path, "一级指标 | 二级指标 | 三级指标 | 指标值\n产出指标 | 数量指标 | 采购次数 | ≥5次\n"
                          "维稳次数 | ≥12次\n质量指标 | 合格率 | ≥95%\n")
    slots = filled_slots(doc.tables()[0])
    assert slots[2] == ["产出指标", "数量指标", "维稳次数", "≥12次"]
    assert slots[3] == ["产出指标", "质量指标", "合格率", "≥95%"]


def test_prose_with_spaces_stays_paragraphs(tmp_path: Path):
    lines = ["一、 总体绩效目标", "全年 完成 各项工作。", "填表人: （略） 联系电话:（略）"]
    doc = read_page(tmp_path, "\n".join(lines) + "\n")
    assert not doc.tables() and [b.text for b in doc.blocks] == lines


@pytest.mark.parametrize("separator", (" | ", "\t"))
def test_a_table_beyond_the_cell_limit_is_refused(tmp_path: Path, separator: str):
    rows = "\n".join(separator.join(str(i * 10 + j) for j in range(10)) for i in range(20))
    with pytest.raises(ReadError) as err:
        read_page(tmp_path, rows + "\n", Limits(max_cells=100))
    assert err.value.code == "too_large"
