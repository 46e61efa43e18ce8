"""Published text (网页复制) on generated pages and on the shapes real pages take.

Generated pages: one township document written by fixtures.web_writer in each layout; every
indicator table must come back slot by slot (the text covering each grid slot, merged cells
included), the project header's labels must keep their values beside them, and the page chrome must
be gone while every body line stays a paragraph.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import filled_slots

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


def _expected_slots(grid) -> list[list[str]]:
    rows: list[list[str]] = []
    for r, row in enumerate(grid):
        rows.append([rows[r - 1][c] if cell.text is None else cell.text for c, cell in enumerate(row)])
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
        expected = _expected_slots(indicator_grid(document, project))
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


def _read(tmp_path: Path, text: str, limits: Limits = Limits()):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return read_text(path, limits)


def _parsed(tmp_path: Path, text: str):
    return parse_document(_read(tmp_path, text))


def _grid(table: Table) -> list[list[str | None]]:
    return table.grid()


def test_pipe_rows_without_separator_br_and_padding(tmp_path: Path):
    doc = _read(tmp_path, "标题\n| 部门预算项目绩效目标申报表 | ||||\n| 一级指标 | 二级指标 | 三级指标 | 指标值 | |\n"
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
    doc = _read(tmp_path, "一级指标 | 二级指标 | 三级指标 | 指标值 | ||\n产出指标 | 数量指标 | 新建保鲜库数量 | 1座 | ||\n"
                          "新建保鲜库面积 | 3550平方米 | ||||\n新建消防水池数量 | 1座")
    table = doc.tables()[0]
    assert filled_slots(table)[-2] == ["产出指标", "数量指标", "新建保鲜库面积", "3550平方米"]
    assert "1座" not in filled_slots(table)[-1] and "新建消防水池数量" in filled_slots(table)[-1]
    assert table.cut and any("'1座'" in d for d in table.doubts)
    assert not [b for b in doc.blocks if isinstance(b, Paragraph)]


def test_pipe_row_with_a_line_break_inside_a_cell(tmp_path: Path):
    doc = _read(tmp_path, "| 项目名称 | 防汛经费 |\n| 绩效目标 | 1.目标内容1：巡查。\n2.目标内容2：抢险。 |\n| 预算数 | 81.11 |\n")
    assert filled_slots(doc.tables()[0]) == [["项目名称", "防汛经费"], ["绩效目标", "1.目标内容1：巡查。\n2.目标内容2：抢险。"],
                                       ["预算数", "81.11"]]


def test_one_cell_per_line_with_pipes(tmp_path: Path):
    text = ("|\n填报单位:(盖章) 单位:万元 |\n||||\n"
            "|\n一级指标 |\n二级指标 |\n三级指标 |\n指标值 |\n|\n"
            "|\n产出指标 |\n数量指标 |\n车辆数 |\n10辆 |\n|\n"
            "|\n射程 |\n≥80M |\n|||\n"
            "|\n效益指标 |\n经济效益指标 |\n|\n|\n|\n"
            "填表人: (略)\n")
    doc = _read(tmp_path, text)
    table = doc.tables()[0]
    assert filled_slots(table)[1:] == [["一级指标", "二级指标", "三级指标", "指标值"],
                                 ["产出指标", "数量指标", "车辆数", "10辆"],
                                 ["产出指标", "数量指标", "射程", "≥80M"],
                                 ["效益指标", "经济效益指标", "", ""]]
    assert isinstance(doc.blocks[-1], Paragraph) and doc.blocks[-1].text == "填表人: (略)"


def test_one_cell_per_line_without_pipes_by_header_width(tmp_path: Path):
    doc = _read(tmp_path, "项目绩效目标表\n一级指标\n二级指标\n三级指标\n指标值\n"
                          "产出指标\n数量指标\n培训人次\n≥150人次\n效益指标\n社会效益指标\n社会影响\n优\n")
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["项目绩效目标表"]
    assert filled_slots(doc.tables()[0]) == [["一级指标", "二级指标", "三级指标", "指标值"],
                                       ["产出指标", "数量指标", "培训人次", "≥150人次"],
                                       ["效益指标", "社会效益指标", "社会影响", "优"]]


def test_space_separated_rows_with_split_brackets_and_merged_cells(tmp_path: Path):
    doc = _read(tmp_path, "发布时间:2018年05月20日 15:40 来源:南岳区财政局 作者:\n"
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
    doc = _read(tmp_path, "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t采购次数\t≥5次\n"
                          "\t\t维稳次数\t≥12次\n满意度指标\t\t满意度\t≥90%\n")
    slots = filled_slots(doc.tables()[0])
    assert slots[2] == ["", "", "维稳次数", "≥12次"]  # blank = merged with the cell above, as in the export
    assert slots[3] == ["满意度指标", "", "满意度", "≥90%"]


def test_inline_pipes_without_outer_pipes_are_one_row_per_line(tmp_path: Path):
    doc = _read(tmp_path, "一级指标 | 二级指标 | 三级指标 | 指标值\n产出指标 | 数量指标 | 采购次数 | ≥5次\n"
                          "维稳次数 | ≥12次\n质量指标 | 合格率 | ≥95%\n")
    slots = filled_slots(doc.tables()[0])
    assert slots[2] == ["产出指标", "数量指标", "维稳次数", "≥12次"]
    assert slots[3] == ["产出指标", "质量指标", "合格率", "≥95%"]


def test_prose_with_spaces_stays_paragraphs(tmp_path: Path):
    lines = ["一、 总体绩效目标", "全年 完成 各项工作。", "填表人: （略） 联系电话:（略）"]
    doc = _read(tmp_path, "\n".join(lines) + "\n")
    assert not doc.tables() and [b.text for b in doc.blocks] == lines


def test_a_table_beyond_the_cell_limit_is_refused(tmp_path: Path):
    rows = "\n".join("| " + " | ".join(str(i * 10 + j) for j in range(10)) + " |" for i in range(20))
    with pytest.raises(ReadError) as err:
        _read(tmp_path, rows + "\n", Limits(max_cells=100))
    assert err.value.code == "too_large"


def test_rows_ending_in_pipes_with_level_names_under_the_name_heading(tmp_path: Path):
    """Each line a row closed by `|` (no opening pipe, a lone `|` for a blank row), 指标名称 holding the
    二级 and 指标描述 the indicator, a field left empty before the next label, tick boxes below."""
    text = "\n".join([
        "项目名称: | 河道保洁经费 | 项目编号: |", "|",
        "项目联系人: | 李明 | 联系电话: | 0571-1234567 |",
        "项目属性: | 新增□ 延续□ | 项目期限: | 全年 |",
        "指标类型 | 指标名称 | 指标值 | 指标描述 |",
        "产出指标 | 数量指标 | 120公里 | 完成120公里河道的日常保洁 |",
        "质量指标 | ≥98% | 保洁达标率 |",
        "效益指标 | 生态效益指标 | 是 | 改善河道水质 |",
        "满意度指标 | 服务对象或受益者满意度指标 | ≥90% | 沿河居民满意率 |",
        "最近年度绩效评价情况 | 优秀□ 良好□ 合格□ | 附上一年度评价报告 |",
    ])
    parsed = _parsed(tmp_path, text)
    assert [(p.project_name, p.project_code) for p in parsed.projects] == [("河道保洁经费", None)]
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "完成120公里河道的日常保洁", "120公里"),
                   ("产出指标", "质量指标", "保洁达标率", "≥98%"),
                   ("效益指标", "生态效益指标", "改善河道水质", "是"),
                   ("满意度指标", "服务对象或受益者满意度指标", "沿河居民满意率", "≥90%")]


def test_pipe_rows_with_a_blank_last_cell_stay_under_their_header(tmp_path: Path):
    """A 自评表 copied from a page: every row written out in full, 偏差原因 blank — the rows are not short."""
    doc = _read(tmp_path, "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 偏差原因 |\n"
                          "| 绩效指标 | 产出指标 | 数量指标 | 开展巡查次数 | ≥13次 | 14次 |  |\n"
                          "| 绩效指标 | 产出指标 | 质量指标 | 问题整改率 | ≥98% | 95% | 人手不足 |\n")
    slots = filled_slots(doc.tables()[0])
    assert slots[1] == ["绩效指标", "产出指标", "数量指标", "开展巡查次数", "≥13次", "14次", ""]
    assert slots[2][3:] == ["问题整改率", "≥98%", "95%", "人手不足"]


def test_rows_padded_to_a_width_that_a_few_lines_do_not_share(tmp_path: Path):
    """Each line one row padded with `||||` to the page table's width, except the page's own fields above
    it: the lines are rows, not joined two by two to make the pipes add up."""
    text = "\n".join([
        "索 引 号 | 6404/2022-00043 | 发文时间 | 2022-02-23 |", "发布机构 | 某区林业局 | 文 号 | |",
        "公开方式 | 主动公开 | 有效性 | 有效 |", "标 题: | 项目支出绩效目标申报表 |", "(2022年度) | ||||||",
        "项目名称 | 南山造林项目 | |||||", "项目资金 (万元) | 年度资金总额: | 600.00 | ||||",
        "绩 效 指 标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | ||",
        "产出指标 | 数量指标 | 新造林面积(亩) | 3000 | |||", "修建作业道长度(公里) | 30 | |||||",
        "时效指标 | 项目完成时间 | 2023年底 | ||||", "效益指标 | 社会效益指标 | 受益人数(人) | 132 | |||",
    ])
    parsed = _parsed(tmp_path, text)
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "新造林面积(亩)", "3000"), ("产出指标", "数量指标", "修建作业道长度(公里)", "30"),
                   ("产出指标", "时效指标", "项目完成时间", "2023年底"), ("效益指标", "社会效益指标", "受益人数(人)", "132")]


def test_one_cell_per_line_rows_ended_by_padding_pipes(tmp_path: Path):
    """`text |` one cell per line, each row closed by a line of padding pipes (no one row width adds up;
    the template's blank rows are padding only): rows come back one by one."""
    lines = ["项目支出绩效自评表 |", "|||||||||||", "项目名称 |", "河道维护费 |", "|||||||||",
             "项目资金 (万元) |", "|", "全年预算数 |", "全年执行数 |", "|||||||",
             "年度资金总额 |", "80万 |", "76万 |", "||||||",
             "绩 效 指 标 |", "一级指标 |", "二级指标 |", "三级指标 |", "年度 指标值 |", "实际 完成值 |", "||||",
             "产出指标 |", "数量指标 |", "清淤长度 |", "12公里 |", "12公里 |", "|||||",
             "河岸巡查次数 |", "≥24次 |", "26次 |", "||||||||",
             "|", "|", "|", "||||||||",
             "满意度指标 |", "服务对象满意度指标 |", "沿河居民满意度 |", "≥90% |", "93% |", "|||||"]
    parsed = _parsed(tmp_path, "\n".join(lines))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("河道维护费", 80.0)]
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "清淤长度", "12公里", "12公里"),
                   ("产出指标", "数量指标", "河岸巡查次数", "≥24次", "26次"),
                   ("满意度指标", "服务对象满意度指标", "沿河居民满意度", "≥90%", "93%")]


def test_traditional_characters_with_pinyin_glosses_are_read_as_the_form_they_were(tmp_path: Path):
    """A mirror site's copy (績效指標(biāo), 產(chǎn)出指標(biāo)): the header and the levels are found and the
    rows placed under them; the text stays as written."""
    text = "\n".join([
        "專項名稱 | 學(xué)生資助經(jīng)費 | |||||",
        "績效指標(biāo) | 一級指標(biāo) | 二級指標(biāo) | 三級指標(biāo) | 指標(biāo)值 | 備註 |",
        "產(chǎn)出指標(biāo) | 數(shù)量指標(biāo) | 受助學(xué)生數(shù) | 1200人 | |",
        "資助標準達標率 | 100% | |",
        "滿意度指標(biāo) | 服務對象滿意度指標(biāo) | 學(xué)生滿意度 | ≥90% | |",
    ])
    parsed = _parsed(tmp_path, text)
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got == [("產(chǎn)出指標(biāo)", "數(shù)量指標(biāo)", "受助學(xué)生數(shù)", "1200人"),
                   ("產(chǎn)出指標(biāo)", "數(shù)量指標(biāo)", "資助標準達標率", "100%"),
                   ("滿意度指標(biāo)", "服務對象滿意度指標(biāo)", "學(xué)生滿意度", "≥90%")]


def test_pipe_rows_opened_by_a_lone_pipe_or_going_on_after_a_closed_line(tmp_path: Path):
    """`|` alone then `一级 指标 |` on the next line is one row opened there; `| 项目名称 |` then
    `某项目经费 |` is one row whose second cell sits on a line of its own."""
    text = "\n".join([
        "| 2021年度项目支出绩效自评表 | |||||", "| 项目名称 |", "农村饮水维修经费 |", "|||||||",
        "| 项目资金 (万元) | 年度资金总额 | 30 | ||||",
        "|", "一级 指标 |", "二级指标 | 三级指标 | 指标值 | 实际完成值 |",
        "| 产出指标 | 数量指标 | 维修水厂数 | 4个 | 4个 |", "| 质量指标 | 验收合格率 | 100% | 100% |",
    ])
    parsed = _parsed(tmp_path, text)
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("农村饮水维修经费", 30.0)]
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "维修水厂数", "4个", "4个"), ("产出指标", "质量指标", "验收合格率", "100%", "100%")]


def test_cells_separated_by_lines_holding_one_pipe(tmp_path: Path):
    """`项目名称` / `|` / `某项目` / `|` …: a cell per line with a pipe line between cells (an empty cell
    where two pipes meet), the first cell before the first pipe."""
    cells = ["项目名称", "乡村道路养护经费", "主管部门", "", "年度资金总额", "45万元", "一级指标", "二级指标", "三级指标",
             "指标值", "产出指标", "数量指标", "养护里程", "≧30公里", "质量指标", "路面完好率", "≧90%"]
    lines = [line for cell in cells for line in ([cell, "|"] if cell else ["|"])]
    parsed = _parsed(tmp_path, "说明文字。\n\n" + "\n".join(lines))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("乡村道路养护经费", 45.0)]
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "养护里程", "≧30公里"), ("产出指标", "质量指标", "路面完好率", "≧90%")]


def test_a_pipe_before_each_cell_and_a_row_of_headings_that_is_no_project(tmp_path: Path):
    """`项目决策` / `    | 数量指标` / … / `    | |`: a row's first cell alone, a pipe before each next cell,
    the row ended by a line ending in a pipe ("社会效益" / "指标" one cell); and `项目名称 | 中央、省级财政资金
    | 资金计划 | 资金到位情况` names columns, so no project is named by it."""
    text = "\n".join([
        "绩效", "       指标", "        | 一级指标", "        | 二级指标", "        | 三级指标", "        | 指标值",
        "        | 实施进度", "        | ",
        "项目产出", "        | 数量指标", "        | 宣传次数", "        | 2次", "        | 已完成", "        | |",
        "项目效益", "        | 社会效益", "       指标", "        | 维权意识", "        | 不断提升", "        | 已完成", "        | |",
        "", "项目名称", "        | 中央、省级财政资金", "        | 资金计划", "        | 资金到位情况",
    ])
    parsed = _parsed(tmp_path, text)
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators]
    assert got == [("项目产出", "数量指标", "宣传次数", "2次", "已完成"),
                   ("项目效益", "社会效益指标", "维权意识", "不断提升", "已完成")]
    assert all(p.project_name is None for p in parsed.projects)


def test_cells_each_closed_by_the_only_pipe_on_its_line(tmp_path: Path):
    """`一级指标 |` / `产出指标 |` / `|` …: one cell per line, each closed by its pipe, a lone pipe an empty
    cell: read as a cell stream, the empty cells keeping the rows to the header's width."""
    cells = ["项目名称", "工资性支出", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重",
             "得分", "产出指标", "数量指标", "发放覆盖率", "=", "100", "%", "", "60", "", "效益指标", "社会效益指标",
             "足额保障率", "=", "100", "%", "", "30", ""]
    parsed = _parsed(tmp_path, "\n".join(f"{c} |" if c else "|" for c in cells))
    assert [p.project_name for p in parsed.projects] == ["工资性支出"]
    got = [(i.level2_raw, i.name_raw, i.value_raw, i.actual, i.weight) for i in parsed.indicators]
    assert got == [("数量指标", "发放覆盖率", "=100%", None, 60.0), ("社会效益指标", "足额保障率", "=100%", None, 30.0)]


@pytest.mark.parametrize("cut", ["15", "1500元/学"])
def test_a_page_cut_inside_its_last_cell_keeps_no_fragment_as_a_value(tmp_path: Path, cut: str):
    """An excerpt that ends inside a row (`补助标准 | 15` of 1500元/学期), every other row closed by a pipe:
    the fragment is no 指标值, so that row is left out and the document says the page was cut."""
    text = "\n".join(["| 项目名称 | 雨露计划就学补助 | |||", "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
                      "| 产出指标 | 数量指标 | 补助人数 | >=101人 |", "| 产出指标 | 时效指标 | 及时发放率 | >=100% |",
                      f"| 产出指标 | 成本指标 | 补助标准 | {cut}"])
    read = _read(tmp_path, text)
    parsed = parse_document(read)
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators][:2] == [("补助人数", ">=101人"), ("及时发放率", ">=100%")]
    assert "补助标准" not in [i.name_raw for i in parsed.indicators]
    assert any("ends inside a table cell" in d for t in read.tables() for d in t.doubts)
    closed = parse_document(_read(tmp_path, text + " |"))  # the same row closed by its pipe is read
    assert ("补助标准", cut) in [(i.name_raw, i.value_raw) for i in closed.indicators]
    assert not any(t.doubts for t in _read(tmp_path, text + " |").tables())


def test_an_operator_column_headed_as_the_value_type(tmp_path: Path):
    """指标值类型 holds ≤ (or 定性, a type and no operator) beside 目标值 and 度量单位: ≤70万元 and 减少."""
    text = "\n".join([
        "项目支出名称 | 卫生监督执法专项 | 部门预算 | 70.00 | ||||",
        "一级指标 | 二级指标 | 三级指标 | 指标值类型 | 目标值 | 度量单位 | 指标值内容 | 备注 |",
        "成本指标 | 经济成本指标 | 执法专项经费 | ≤ | 70 | 万元 | 反映执法专项经费。 | |",
        "成本指标 | 社会成本指标 | 对社会产生的不利影响 | 定性 | 减少 | | 反映不利影响。 | |",
    ])
    parsed = _parsed(tmp_path, text)
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [("执法专项经费", "≤70万元"),
                                                                      ("对社会产生的不利影响", "减少")]


def test_two_blocks_side_by_side_under_a_two_row_header_in_pipe_rows(tmp_path: Path):
    """长期目标 | 年度目标 over 指标名称 | 指标值 twice, the 一级/二级 headings down both rows: the spans come
    back, so each row is read once, with the year's (年度) target."""
    text = "\n".join([
        "| 项目名称 | 村道养护经费 | | | | |",
        "| 一级指标 | 二级指标 | 长期目标 | 年度目标 |",
        "| 指标名称 | 指标值 | 指标名称 | 指标值 |",
        "| 产出指标 | 数量指标 | 养护里程 | ≥120公里 | 养护里程 | ≥40公里 |",
        "| 质量指标 | 路面完好率 | ≥95% | 路面完好率 | ≥92% |",
        "| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 群众满意度 | ≥90% |",
    ])
    parsed = _parsed(tmp_path, text)
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "养护里程", "≥40公里"), ("产出指标", "质量指标", "路面完好率", "≥92%"),
                   ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%")]


def test_a_heading_is_not_merged_down_over_rows_that_lost_their_level_cells(tmp_path: Path):
    """Rows right under 一级指标 | 二级指标 | 三级指标 | 指标值 that kept only name | value (the page lost their
    merged level cells): the headings are not their levels; the rows are read without, and said."""
    text = "\n".join([
        "| 项目名称 | 养殖场基础设施建设 |", "| 年度资金总额 | 50万元 |",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "| 新增特色产业数量 | ≥1个 |", "| 养殖动物成活率 | ≥95% |",
        "| 时效指标 | 开工时限 | 2021年7月 |",
    ])
    parsed = _parsed(tmp_path, text)
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got[:2] == [(None, None, "新增特色产业数量", "≥1个"), (None, None, "养殖动物成活率", "≥95%")]
    assert any("no 二级指标" in p for p in parsed.problems)


def test_a_policy_pages_widgets_after_the_table_are_not_rows(tmp_path: Path):
    """文件下载 / 政策咨询 / 如果您对该政策文件有疑问… / 标签: under the form, one cell per line like its cells."""
    cells = ["项目名称", "乡村道路维护", "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标",
             "维护道路里程", "≥20公里", "质量指标", "验收合格率", "100%", " ", " ", "文件下载", "政策咨询",
             "如果您对该政策文件有疑问,可以拨打标题上方的电话咨询相关部门。", "标签:"]
    text = "\n\n".join(f"    {c}" for c in cells)  # one cell per line between blank lines, as a page gives them
    parsed = _parsed(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["维护道路里程", "验收合格率"]
    assert not any("文件" in (g.text or "") for g in parsed.goals)
