"""Published text whose cells run together: one cell per line, a table on one line, cells glued.

Generated pages (fixtures.web_writer's `lines`, `oneline` and `glued` layouts of one township
document) are read against the generator's truth: every indicator row and every project field must
come back where the page's shape keeps them apart, and where it does not (glued cells with a text
column before the value) no row may be made up. The shapes real pages take are checked on small texts.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import filled_slots

from fixtures.content import make_township_document
from fixtures.layout import indicator_grid
from fixtures.web_writer import STREAM_LAYOUTS, write_web
from jixiao.extractors.text import read_text
from jixiao.extractors.text_values import split_run
from jixiao.model.document import Paragraph
from jixiao.parsing.structure import parse_document

SEEDS = (20391, 7, 28, 39)


def _document(seed: int):
    return make_township_document(random.Random(seed), "前家坞镇", "13020833", 2024, 3)


def _read(tmp_path: Path, text: str):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return read_text(path)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("layout", ("lines", "oneline"))
def test_separate_cells_come_back_row_by_row(tmp_path: Path, seed: int, layout: str):
    document = _document(seed)
    path = tmp_path / f"{layout}.txt"
    write_web(document, path, layout)
    parsed = parse_document(read_text(path))
    assert [p.project_code for p in parsed.projects] == [p.code for p in document.projects]
    assert [p.project_name for p in parsed.projects] == [p.name for p in document.projects]
    truth = [(p.code, i.level1, i.level2_raw, i.name_raw, i.value.raw, i.basis_raw)
             for p in document.projects for i in p.indicators]
    got = [(i.project_code, i.level1_raw, i.level2_raw, i.name_raw, i.value_raw, i.basis_raw)
           for i in parsed.indicators]
    assert got == truth


@pytest.mark.parametrize("seed", SEEDS)
def test_one_cell_per_line_rebuilds_the_merged_grid(tmp_path: Path, seed: int):
    document = _document(seed)
    path = tmp_path / "lines.txt"
    write_web(document, path, "lines")
    tables = [t for t in read_text(path).tables() if t.rows()[0][0].text == "一级指标"]
    assert len(tables) == len(document.projects)
    for table, project in zip(tables, document.projects):
        expected: list[list[str]] = []
        for r, row in enumerate(indicator_grid(document, project)):
            expected.append([expected[r - 1][c] if cell.text is None else cell.text for c, cell in enumerate(row)])
        assert filled_slots(table) == expected  # 一级/二级 merged down over their rows again, as in the .docx


@pytest.mark.parametrize("seed", SEEDS)
def test_glued_cells_give_the_projects_and_no_made_up_rows(tmp_path: Path, seed: int):
    document = _document(seed)
    path = tmp_path / "glued.txt"
    write_web(document, path, "glued")
    parsed = parse_document(read_text(path))
    assert [p.project_code for p in parsed.projects] == [p.code for p in document.projects]
    assert [p.project_name for p in parsed.projects] == [p.name for p in document.projects]
    assert all(p.budget_wan is not None for p in parsed.projects)
    # name | 描述 | 指标值 glued: no cut can be trusted, so no row at all (each project says so)
    assert parsed.indicators == []
    assert all("no indicator rows" in " ".join(parsed.problems) for _ in document.projects)


def test_stream_layouts_are_known_to_the_writer(tmp_path: Path):
    with pytest.raises(ValueError):
        write_web(_document(SEEDS[0]), tmp_path / "x.txt", "columns")
    assert set(STREAM_LAYOUTS) == {"lines", "oneline", "glued"}


def test_cells_on_lines_with_blank_lines_and_broken_labels(tmp_path: Path):
    cells = ["项目名称", "乡村道路硬化", "主管部门", "某县农业农村局", "资金情况（万元）", "年度资金总额:", "120",
             "绩效指标", "一级指标", "二级指标", "三级指标", "指标值",
             "产出指标", "数量", "指标", "道路硬化里程", "≥10公里", "成本指标", "财政补助", "60元/米",
             "效益指标", "社会效益", "指标", "受益人口数", "≥500人",
             "满意度指标", "服务对象满意度指标", "受益群众满意度", "≥95%", "注:本表由单位填报。"]
    doc = _read(tmp_path, "\n\n".join(cells) + "\n")
    parsed = parse_document(doc)
    assert [(p.project_name, p.budget_wan, p.department) for p in parsed.projects] == [
        ("乡村道路硬化", 120.0, "某县农业农村局")]
    assert [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("产出指标", "数量指标", "道路硬化里程", "≥10公里"),
        ("产出指标", "成本指标", "财政补助", "60元/米"),  # 成本指标 is a 二级 under 产出指标
        ("效益指标", "社会效益指标", "受益人口数", "≥500人"),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥95%")]
    assert isinstance(doc.blocks[-1], Paragraph) and doc.blocks[-1].text.startswith("注")
    table = doc.tables()[-1]
    assert table.cells[0].text == "绩效指标" and table.cells[0].row_span == table.n_rows  # the block's label column


def test_a_self_evaluation_table_glued_without_separators(tmp_path: Path):
    text = ("附件:绩效自评表项目名称小型水库水尺安装主管部门某县水利局实施单位某县水利局资金情况(万元)全年预算数(A)"
            "全年执行数(B)分值执行率(B/A)得分年度资金总额:303010100.00%10其中:财政拨款3030其他资金"
            "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及拟采取的改进措施"
            "产出指标(70分)数量指标安装水尺10≥26座≥26座10质量指标验收合格率20100%100%20"
            "效益指标(20分)经济效益指标社会效益指标群众生产条件改善10显著提升显著提升10"
            "满意度指标(10分)服务对象满意度指标受益群众满意度10≥95%≥95%10……总分100100注:1.各项分值……\n")
    parsed = parse_document(_read(tmp_path, text))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("小型水库水尺安装", 30.0)]
    rows = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw, i.actual, i.weight, i.score)
            for i in parsed.indicators]
    assert rows == [("产出指标(70分)", "数量指标", "安装水尺", "≥26座", "≥26座", 10.0, 10.0),
                    ("产出指标(70分)", "质量指标", "验收合格率", "100%", "100%", 20.0, 20.0),
                    ("效益指标(20分)", "社会效益指标", "群众生产条件改善", "显著提升", "显著提升", 10.0, 10.0),
                    ("满意度指标(10分)", "服务对象满意度指标", "受益群众满意度", "≥95%", "≥95%", 10.0, 10.0)]


def test_a_whole_table_on_one_line_with_spaces(tmp_path: Path):
    text = ("附件: 项目支出绩效自评表 项目名称 村级运转经费 主管部门 某镇人民政府 项目资金 (万元) 年初预算数 全年执行数 "
            "年度资金总额: 50 48 绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
            "产出指标(50分) 数量指标 补助村数量 =8个 8 10 10 质量指标 补助资格合规性 合规 达成预期指标 10 10 "
            "效益指标(30分) 社会效益指标 干部工作积极性 效果明显 达成预期指标 30 30\n")
    parsed = parse_document(_read(tmp_path, text))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("村级运转经费", 50.0)]
    assert [(i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators] == [
        ("数量指标", "补助村数量", "=8个", "8"), ("质量指标", "补助资格合规性", "合规", "达成预期指标"),
        ("社会效益指标", "干部工作积极性", "效果明显", "达成预期指标")]


def test_glued_values_cut_where_they_repeat_or_rates_fit():
    assert split_run("10≥266米≥266米10", 4) == ["10", "≥266米", "≥266米", "10"]
    assert split_run("20100%100%20", 4) == ["20", "100%", "100%", "20"]
    assert split_run("202010100.00%10", 5) == ["20", "20", "10", "100.00%", "10"]  # 执行率 = 20/20
    assert split_run("194.9194.9100%", 3) == ["194.9", "194.9", "100%"]
    assert split_run("1.2.3", 2) is None  # no well-formed cut: left whole, nothing guessed


def test_a_glued_run_is_cut_into_values_of_like_size_and_not_where_good_cuts_disagree_on_its_first():
    """Neighbouring values (a target and its actual, a weight and its score) are alike in size: ≥2002021010 is
    ≥200|202|10|10, not ≥20020|2|10|10; 100%83.5%2018 keeps its percentages whole (never 10|0%|…). Where cuts as
    good still disagree on the first value (the target), the run is not cut."""
    assert split_run("≥2002021010", 4) == ["≥200", "202", "10", "10"]
    assert split_run("43.237.24109", 4)[0] == "43.2"
    assert split_run("100%83.5%2018", 4) == ["100%", "83.5%", "20", "18"]
    assert split_run("1001001010", 4) == ["100", "100", "10", "10"]
    assert split_run("123", 2) is None  # 1|23 or 12|3: nothing tells


def test_a_template_counter_glued_to_a_name_is_part_of_it(tmp_path: Path):
    """指标1工程完工率1001001010: the 1 numbers the template's row, it is no value; the run after the name fills
    年度指标值 | 实际完成值 | 分值 | 得分."""
    text = ("项目名称暖通改造经费绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施"
            "产出指标质量指标指标1工程完工率1001001010指标2工程验收合格率1001001010\n")
    parsed = parse_document(_read(tmp_path, text))
    assert [(i.name_raw, i.value_raw, i.actual) for i in parsed.indicators] == [
        ("指标1工程完工率", "100", "100"), ("指标2工程验收合格率", "100", "100")]


@pytest.mark.parametrize("separator", ("\n\n", " "))
def test_cells_of_a_row_whose_blank_cells_the_page_dropped_go_under_their_columns(tmp_path: Path, separator: str):
    """重庆's 指标名称 | 指标权重 | 计量单位 | 指标性质 | 指标值 one cell a line (or on one line with spaces), the
    blank cells gone: a row is its name and what follows up to the next name (words followed by a weight);
    the weight, a unit and an operator go under their columns by their shape, the rest is the target. A
    name that is a level's word (服务对象满意度) followed by its weight is a name."""
    cells = ["指标名称", "指标权重", "计量单位", "指标性质", "指标值", "预算执行率", "10", "%", "=", "100",
             "基层组织建设保障有效性", "10", "有效保障", "开展各种文艺活动场次", "10", "20", "森林受灾率", "10", "%", "1",
             "服务对象满意度", "5", "%", "95"]
    parsed = parse_document(_read(tmp_path, "绩效指标" + separator + separator.join(cells) + "\n"))
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("预算执行率", "=100%"), ("基层组织建设保障有效性", "有效保障"), ("开展各种文艺活动场次", "20"),
        ("森林受灾率", "1%"), ("服务对象满意度", "95%")]


def test_a_figure_with_unit_words_is_no_name_before_a_weight(tmp_path: Path):
    """三级指标 | 分值 | 年度指标值 | 实际完成值 | 得分, one cell a line: 583元/人*月 before the score 5 is the
    actual value, not a name opening a row."""
    cells = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分", "产出指标", "质量指标",
             "农村低保标准", "5", ">=530元/人*月", "583元/人*月", "5", "特困人员供养标准", "5", ">=570元/人*月",
             "758元/人*月", "5"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells) + "\n"))
    assert [(i.name_raw, i.value_raw, i.actual) for i in parsed.indicators] == [
        ("农村低保标准", ">=530元/人*月", "583元/人*月"), ("特困人员供养标准", ">=570元/人*月", "758元/人*月")]


def test_a_next_form_cut_off_before_its_indicators_is_a_project_said_to_lack_them(tmp_path: Path):
    """One cell a line: after the first form's rows, 项目名称 | 村级组织运转 | 主管部门 | … and the page ends. The
    second project is read (never lost without a word), and its missing indicator rows are said."""
    cells = ["项目名称", "党支部书记补贴", "年度资金总额:", "20", "一级指标", "二级指标", "三级指标", "指标值", "产出指标",
             "数量指标", "补贴发放人数", "48人", "项目名称", "村级组织运转", "主管部门", "圣灯山镇人民政府"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells) + "\n"))
    assert [p.project_name for p in parsed.projects] == ["党支部书记补贴", "村级组织运转"]
    assert any("村级组织运转" in p and "indicator" in p for p in parsed.problems)


def test_two_glued_forms_the_second_ones_fields_are_no_rows_of_the_first(tmp_path: Path):
    """…满意度指标群众满意度≥95%项目名称安徽省常规赛费用…年度资金总额:1200.00绩效指标一级指标…: the second form
    starts at its 项目名称, not at its indicator header."""
    form = ("项目名称{name}年度资金总额:{money}绩效指标一级指标二级指标三级指标指标值"
            "产出指标数量指标开展运动种类1种满意度指标满意度指标群众满意度≥95%")
    text = form.format(name="金安国际网球公开赛", money="1000.00") + form.format(name="安徽省常规赛费用", money="1200.00")
    parsed = parse_document(_read(tmp_path, text + "\n"))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [
        ("金安国际网球公开赛", 1000.0), ("安徽省常规赛费用", 1200.0)]
    assert [i.name_raw for i in parsed.indicators] == ["开展运动种类", "群众满意度"] * 2


def test_a_glued_row_whose_target_is_words_run_into_its_name_is_said_not_stored(tmp_path: Path):
    """宣传教育覆盖全区所有人员: the name 宣传教育 and the target 覆盖全区所有人员 run together, and nothing tells
    where one ends; the row is not stored with the target in its name, and the page says so."""
    text = ("项目名称麻风病防治绩效指标一级指标二级指标三级指标指标值产出指标数量指标慰问现症病人32人宣传教育覆盖全区所有人员"
            "质量指标知识知晓率显著提升100%\n")
    document = _read(tmp_path, text)
    parsed = parse_document(document)
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [("慰问现症病人", "32人"), ("知识知晓率显著提升", "100%")]
    assert any("宣传教育覆盖全区所有人员" in d for d in document.doubts)


@pytest.mark.parametrize("separator", ("\n", "\n\n"))
def test_a_long_value_among_the_fields_before_the_header_is_no_prose_that_ends_them(tmp_path: Path, separator: str):
    """项目名称 | … | 资金总额 | 3 | 年度目标 | (a goal of 190 characters) | 一级指标 …, one cell a line: the goal is
    the value of its label, so the project's name and budget before it are still the form's fields."""
    cells = ["项目名称", "再生资源回收市场管理经费", "资金总额", "3", "年度目标", "围绕建设节约型社会和发展循环经济的要求" * 10,
             "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "出差人数", "8人"]
    parsed = parse_document(_read(tmp_path, separator.join(cells) + "\n"))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("再生资源回收市场管理经费", 3.0)]


def test_a_block_label_with_its_number_repeated_on_every_row_is_no_row(tmp_path: Path):
    """年度绩效目标1(80分) left of the header, and a copy that repeats merged cells prints it again before each
    row: it is the block's label (a number after it as after 目标), never an indicator's name."""
    cells = ["年度绩效目标1(80分)", "一级指标", "二级指标", "三级指标", "指标值", "年度绩效目标1(80分)", "产出指标",
             "数量指标", "开展科普活动", "10场", "年度绩效目标1(80分)", "产出指标", "质量指标", "知识更新率", "提高"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells) + "\n"))
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [("开展科普活动", "10场"), ("知识更新率", "提高")]


def test_a_first_level_with_no_rows_is_followed_by_the_next_first_level(tmp_path: Path):
    """效益指标 printed again over a row with no indicator, then 满意度指标 | 服务对象满意度指标 | …: 满意度指标
    heads the full 二级 after it, so it is the next 一级, not a 二级 under 效益."""
    cells = ["一级指标", "二级指标", "三级指标", "指标值", "效益指标", "社会效益指标", "群众总体保持稳定", "小于5次",
             "效益指标", "满意度指标", "服务对象满意度指标", "优抚对象满意率", "100%"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells) + "\n"))
    assert [(i.level1_raw, i.level2_raw, i.name_raw) for i in parsed.indicators] == [
        ("效益指标", "社会效益指标", "群众总体保持稳定"), ("满意度指标", "服务对象满意度指标", "优抚对象满意率")]


def test_full_rows_that_repeat_the_block_label_before_each_row(tmp_path: Path):
    """One cell a line, every empty cell kept (a no-break space), and 绩效指标 printed again before every row:
    rows are the header's width plus that label, and the label is no cell of theirs."""
    blank = "\u00a0"
    cells = ["部门(单位)名称", "一品街道办事处", blank, "区级支出预算总量", blank, "3724.39", "当年整体绩效目标",
             "保障街道机关事业在编人员工资福利支出、退休人员的医保、健康休养费及节日慰问支出等待遇;" * 4, blank, blank,
             blank, blank, "绩效指标", "指标名称", "指标权重", "计量单位", "指标性质", "指标值",
             "绩效指标", "预算执行率", "10", "%", "=", "100",
             "绩效指标", "基层组织建设保障有效性", "10", blank, blank, "有效保障",
             "绩效指标", "开展各种文艺活动场次", "10", blank, blank, "20",
             "绩效指标", "服务对象满意度", "5", "%", blank, "95", "", "2022年区级一般性项目绩效目标表", "单位:万元"]
    parsed = parse_document(_read(tmp_path, "2022年部门(单位)整体绩效目标表\n单位:万元\n" + "\n".join(cells) + "\n"))
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("预算执行率", "=100%"), ("基层组织建设保障有效性", "有效保障"), ("开展各种文艺活动场次", "20"),
        ("服务对象满意度", "95%")]


def test_a_second_level_printed_again_for_the_years_block_is_no_name(tmp_path: Path):
    """二级指标(长期) | 三级指标(长期) | 指标值(长期) | 二级指标(年度) | …, the 长期 cells blank but its 二级: the 二级
    printed twice (服务对象满意度指标 | 服务对象满意度指标) is the 二级 again, never the row's name."""
    cells = ["一级指标", "二级指标(长期)", "三级指标(长期)", "指标值(长期)", "二级指标(年度)", "三级指标(年度)",
             "指标值(年度)", "产出指标", "数量指标", "数量指标", "重点建设工程安排数量", "2", "满意度指标",
             "服务对象满意度指标", "服务对象满意度指标", "学生、家长、社会满意度", "≥90%"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells) + "\n"))
    assert [(i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("数量指标", "重点建设工程安排数量", "2"), ("服务对象满意度指标", "学生、家长、社会满意度", "≥90%")]


def test_glued_rows_of_a_period_block_and_a_year_block_side_by_side(tmp_path: Path):
    """二级指标(长期) | 三级指标(长期) | 指标值(长期) | 二级指标(年度) | … glued, the period's cells blank but its 二级:
    the year's rows are read; where a block holds rows that do not pair up, which are the year's is not guessed."""
    text = ("项目名称教育系统基础设施建设绩效项目指标表一级指标二级指标(长期)三级指标(长期)指标值(长期)二级指标(年度)"
            "三级指标(年度)指标值(年度)产出指标数量指标数量指标重点建设工程安排数量2产出指标质量指标质量指标"
            "工程验收合格率100%工程按期完成率100%满意度指标服务对象满意度指标服务对象满意度指标学生满意度≥90%\n")
    document = _read(tmp_path, text)
    parsed = parse_document(document)
    assert [(i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("数量指标", "重点建设工程安排数量", "2"), ("服务对象满意度指标", "学生满意度", "≥90%")]
    assert any("工程验收合格率" in d for d in document.doubts)


def test_glued_figures_under_weight_unit_operator_and_target_columns(tmp_path: Path):
    """指标名称 | 指标权重 | 计量单位 | 指标性质 | 指标值 glued: 预算执行率10%=100 is a weight, a unit, an operator and a
    target, each in its column (so the target reads =100%, not 10%)."""
    text = ("部门(单位)名称一品街道绩效指标指标名称指标权重计量单位指标性质指标值预算执行率10%=100"
            "农村公路养护里程10公里=125\n")
    parsed = parse_document(_read(tmp_path, text))
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [("预算执行率", "=100%"), ("农村公路养护里程", "=125公里")]


def test_a_header_word_bracketed_another_way_is_the_same_word():
    """评(扣分标准) as a clerk typed 评（扣）分标准, 计划指标值 as 指标值 with its qualifier: header words all the same,
    so the header does not stop there."""
    from jixiao.extractors.text_vocab import header_kind
    assert header_kind("评(扣分标准)") == header_kind("评（扣）分标准") is not None
    assert header_kind("扣分") is None
    assert header_kind("计划指标值(或计划水平)") == header_kind("指标值")  # a qualifier before a value heading
    assert header_kind("人均指标值") is None  # an indicator's name, no heading


def test_a_trailing_text_cell_some_rows_have_and_some_do_not(tmp_path: Path):
    """三级指标 | 计算符号 | 目标值 | 度量单位 | 指标值说明, one cell a line: a row's 说明 is there when the cell
    after it is a name followed by an operator, and a row without one ends at its unit."""
    cells = ["一级指标", "二级指标", "三级指标", "计算符号", "目标值", "度量单位", "指标值说明", "产出指标", "数量指标",
             "保障在职职工人数", "=", "116", "人", "该指标值数据合理", "保障遗属人数", "=", "13", "人",
             "林木采伐监管", "=", "6", "万立方米", "该指标值数据合理"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells) + "\n"))
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("保障在职职工人数", "=116人"), ("保障遗属人数", "=13人"), ("林木采伐监管", "=6万立方米")]


def test_a_templates_row_number_in_a_cell_of_its_own_is_no_cell_of_the_row(tmp_path: Path):
    """福建's 评价指标 | 绩效内容 | 绩效标准 | 全年绩效目标, 绩效内容 spanning a 目标1 cell and the name: one cell a
    line, 目标1 / 目标2 number the rows and are neither a name nor a target."""
    cells = ["评价指标", "绩效内容", "绩效标准", "全年绩效目标", "投入", "成本目标", "目标1", "发放困难台胞补助", "100%",
             "按实际情况发放", "目标2", "开展丰收节活动", "100%", "100%", "产出", "数量目标", "目标1", "困难台胞补助受益",
             "每人200元", "困难台胞432人"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells) + "\n"))
    assert [i.name_raw for i in parsed.indicators] == ["发放困难台胞补助", "开展丰收节活动", "困难台胞补助受益"]


def test_glued_text_values_glued_to_the_next_name_are_not_guessed(tmp_path: Path):
    text = ("项目名称储备粮管理绩效指标一级指标二级指标三级指标年度指标值全年完成值"
            "产出指标数量指标库存数量真实率100%100%设备维护及安全性高高"
            "满意度指标服务对象满意度指标市民满意度90%95%\n")
    parsed = parse_document(_read(tmp_path, text))
    assert [(i.name_raw, i.value_raw, i.actual) for i in parsed.indicators] == [
        ("库存数量真实率", "100%", "100%"), ("设备维护及安全性", "高", "高"), ("市民满意度", "90%", "95%")]


def test_a_heading_broken_over_lines_and_empty_template_slots(tmp_path: Path):
    """A 自评表 one cell per line: "年度" / "指标值" is one heading, and the template's "指标2" / "……"
    left empty are neither values of the row above nor indicators."""
    cells = ["项目名称", "校舍维修", "一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值",
             "分值", "得分", "偏差原因分析及改进措施", "产出指标", "数量指标", "指标1维修面积", "1200平方米",
             "1180平方米", "10", "9", "雨季推迟", "指标2", "……", "质量指标", "指标1验收合格率", "100%",
             "100%", "10", "10", "指标2", "……", "满意度指标", "服务对象满意度指标", "指标1师生满意度",
             "≥90%", "96%", "10", "10", "0", "指标2"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells)))
    got = [(i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators]
    assert got == [("数量指标", "指标1维修面积", "1200平方米", "1180平方米"),
                   ("质量指标", "指标1验收合格率", "100%", "100%"),
                   ("服务对象满意度指标", "指标1师生满意度", "≥90%", "96%")]


def test_empty_cells_kept_as_space_lines_give_rows_of_the_header_width(tmp_path: Path):
    """A page that separates cells by empty lines and prints an empty cell as a line of one space: the
    长期 | 年度 blocks side by side come back row by row and the annual block is read; the indicator
    table's own caption (绩效指标表) does not cut the project's cells off; "主管部门" / "及编码" is one label."""
    cells = ["项目名称", "校园安防改造", "主管部门", "及编码", "[011]某区教育局", "项目资金", "资金总额", "80万元",
             "绩效指标表", "一级指标", "二级指标(长期)", "三级指标(长期)", "指标值(长期)", "二级指标(年度)",
             "三级指标(年度)", "指标值(年度)",
             "产出指标", "数量指标", " ", " ", "数量指标", "改造学校数", "6所",
             "产出指标", "质量指标", " ", " ", "质量指标", "验收合格率", "100%",
             "满意度指标", "服务对象满意度指标", " ", " ", "服务对象满意度指标", "师生满意度", "≥90%"]
    parsed = parse_document(_read(tmp_path, "\n\n".join(cells)))
    assert [(p.project_name, p.department, p.budget_wan) for p in parsed.projects] == [
        ("校园安防改造", "[011]某区教育局", 80.0)]
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "改造学校数", "6所"), ("产出指标", "质量指标", "验收合格率", "100%"),
                   ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%")]


def test_a_money_group_label_on_its_own_line_gives_the_amounts_below_their_unit(tmp_path: Path):
    """"单位：元" above the form, "资金情况" / "(万元)" over the amounts: 112 is 112 万元, as the label says."""
    cells = ["单位:元", "专项名称", "普惠金融发展专项资金", "资金情况", "(万元)", "年度金额", "112", "其中:中央补助", "40",
             "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "贴息贷款笔数", "≥100笔"]
    parsed = parse_document(_read(tmp_path, "\n".join(cells)))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("普惠金融发展专项资金", 112.0)]


def test_glued_rows_cut_where_the_description_opens(tmp_path: Path):
    """A form glued into one line whose 二级 heading spanned the name column, with a 绩效标准 column of
    descriptions (反映…) before the value: name, description and value come apart where the description
    opens; a row whose value does not follow is said, not guessed."""
    text = ("项目名称城区道路保洁项目资金总额(万元)120绩效指标一级指标二级指标绩效标准当年预期实现值"
            "产出指标数量指标道路保洁面积反映保洁覆盖的道路面积85万平方米垃圾清运次数反映垃圾清运频次365次"
            "质量指标道路清洁达标率反映保洁质量≥95%成本指标成本控制率不超预算设备损耗率反映设备损耗情况>")
    document = _read(tmp_path, text)
    parsed = parse_document(document)
    got = [(i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got == [("数量指标", "道路保洁面积", "85万平方米"), ("数量指标", "垃圾清运次数", "365次"),
                   ("质量指标", "道路清洁达标率", "≥95%")]
    assert any("could not be cut" in d for d in document.doubts)


def test_targets_listed_under_level_headings_of_their_own(tmp_path: Path):
    """A 公示 listing its targets under 一级 and 二级 headings, one item a line: "name≧value；" or a target
    in words after a comma; 成本指标 under 产出指标 is the 二级; the list ends at the 附件 line."""
    text = "\n".join([
        "现将具体绩效目标设定如下:", "一、产出指标", "(一)数量指标", "设施温棚种植人员(县内培训)≧300人;",
        "(二)时效指标", "完成时限,2025年10月底前;", "(三)成本指标", "种植人员培训标准≦1000元/人;",
        "二、效益指标", "(一)社会效益指标", "学员种植技术水平,提高;", "三、满意度指标", "参训学员满意度≥95%。",
        "附件:同心县设施农业技术培训项目绩效目标表"])
    parsed = parse_document(_read(tmp_path, text))
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "设施温棚种植人员(县内培训)", "≧300人"),
                   ("产出指标", "时效指标", "完成时限", "2025年10月底前"),
                   ("产出指标", "成本指标", "种植人员培训标准", "≦1000元/人"),
                   ("效益指标", "社会效益指标", "学员种植技术水平", "提高"),
                   ("满意度指标", None, "参训学员满意度", "≥95%")]
