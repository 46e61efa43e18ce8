"""Forms jixiao has no spelling for: column roles from header words and cell content, rows that earn
their place, levels with notes, budgets under everyday labels, and an honest status.

Each case is a document model built the way a reader fills it (merged cells as spans), so the test is
on the kind of layout, not on a file.
"""

from __future__ import annotations

from jixiao.flows.extract import judge
from jixiao.model.document import Cell, Document, Paragraph, Table
from jixiao.normalizers.levels import canonical_level1, canonical_level2, canonical_levels
from jixiao.parsing.structure import parse_document

Grid = list[list[str | None]]  # None: the cell above runs on here (a vertical merge)


def table(grid: Grid) -> Table:
    cells: list[Cell] = []
    owner: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text is None:
                above = owner[(r - 1, c)]
                above.row_span += 1
                owner[(r, c)] = above
            else:
                owner[(r, c)] = cell = Cell(row=r, col=c, text=text)
                cells.append(cell)
    return Table(n_rows=len(grid), n_cols=max(len(r) for r in grid), cells=cells)


def parse(*blocks: Table | str):
    return parse_document(Document(format="docx", blocks=[b if isinstance(b, Table) else Paragraph(text=b)
                                                          for b in blocks]))


PROJECT = [["项目名称", "乡村道路维护"], ["资金总额（万元）", "50"]]


def test_a_name_column_under_an_unknown_spelling_is_read_as_the_name():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "绩效指标内容", "指标值"],
        ["产出指标", "数量指标", "维护道路里程", "≥20公里"],
        [None, "时效指标", "完成时间", "2024年12月底前"],
    ]))
    assert [i.name_raw for i in parsed.indicators] == ["维护道路里程", "完成时间"]
    assert parsed.indicators[0].value_raw == "≥20公里"
    assert "绩效指标内容 → level3" in parsed.indicators[0].admitted
    assert "绩效指标内容 → level3" in parsed.indicators[0].columns_inferred


def test_a_description_spelling_is_the_name_when_the_form_has_no_other():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "指标内容", "指标值"],
        ["产出指标", "质量指标", "验收合格率", "100%"],
    ]))
    assert parsed.indicators[0].name_raw == "验收合格率"
    assert parsed.indicators[0].description is None


def test_year_qualified_value_columns_take_the_document_years_target():
    parsed = parse("2024年项目支出绩效目标表", table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "2023年实际完成值", "2024年预期指标值"],
        ["产出指标", "数量指标", "维护道路里程", "18公里", "≥20公里"],
    ]))
    row = parsed.indicators[0]
    assert (row.value_raw, row.actual) == ("≥20公里", "18公里")


def test_two_target_columns_of_years_prefer_the_document_year():
    parsed = parse("2024年项目支出绩效目标表", table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "2025年指标值", "2024年指标值"],
        ["产出指标", "数量指标", "维护道路里程", "≥25公里", "≥20公里"],
    ]))
    assert parsed.indicators[0].value_raw == "≥20公里"


def test_an_operator_in_a_column_of_its_own_is_kept():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "", "指标值", "单位"],
        ["产出指标", "质量指标", "验收合格率", "≥", "95", "%"],
        [None, "数量指标", "维护道路里程", "≥", "20", "公里"],
    ]))
    assert [i.value_raw for i in parsed.indicators] == ["≥95%", "≥20公里"]


def test_side_by_side_blocks_read_the_annual_one():
    parsed = parse(table(PROJECT), _side_by_side())
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [("维护道路里程", "≥20公里")]


def _side_by_side() -> Table:
    """中期目标 and 年度目标 as headings spanning their three columns each."""
    cells = [Cell(row=0, col=0, text="中期目标", col_span=3), Cell(row=0, col=3, text="年度目标", col_span=3)]
    for r, row in enumerate([["一级指标", "三级指标", "指标值", "一级指标", "三级指标", "指标值"],
                             ["产出指标", "三年维护里程", "≥60公里", "产出指标", "维护道路里程", "≥20公里"]], start=1):
        cells += [Cell(row=r, col=c, text=t) for c, t in enumerate(row)]
    return Table(n_rows=3, n_cols=6, cells=cells)


def test_an_unheaded_level2_column_is_found_by_its_names():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维护道路里程", "≥20公里"],
        [None, "质量指标", "验收合格率", "100%"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
    ]))
    assert [i.level2_raw for i in parsed.indicators] == ["数量指标", "质量指标", "服务对象满意度指标"]


def test_levels_with_notes_prefixes_and_own_level_sets():
    assert canonical_level1("一、产出指标（50分）") == "产出指标"
    assert canonical_level1("效益指标(30分)") == "效益指标"
    assert canonical_level2("数量指标（20分）") == "数量指标"
    assert canonical_level2("经济成本指标") == "经济成本指标"
    assert canonical_levels("实施效果指标", "产出指标") == ("产出指标", None)
    assert canonical_levels("产出指标", "数量指标") == ("产出指标", "数量指标")


def test_placeholders_totals_signatures_and_a_list_table_are_not_indicators():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维护道路里程", "≥20公里"],
        [None, None, "指标2", ""],
        ["合计", "", "", "100"],
        ["财务科（盖章）", "", "", ""],
        ["产出指标", "数量指标", "签章后不应再有指标", "1个"],
    ]), table([
        ["序号", "村名", "金额（元）"],
        ["1", "东村", "20000"],
        ["2", "西村", "30000"],
    ]))
    assert [i.name_raw for i in parsed.indicators] == ["维护道路里程"]
    assert [p.project_name for p in parsed.projects] == ["乡村道路维护"]


def test_a_total_with_its_figure_and_a_tick_box_field_in_the_name_column_are_not_indicators():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维护道路里程", "≥20公里"],
        ["", "", "得分合计100。", ""],
        ["", "", "优秀□ 良好□ 合格□ 不合格□", "最近年度绩效评价情况"],
    ]))
    assert [i.name_raw for i in parsed.indicators] == ["维护道路里程"]


def test_budgets_under_everyday_labels():
    assert parse("项目名称：道路维护", "预算资金：50万元").projects[0].budget_wan == 50.0
    inside = parse(table([["项目名称", "道路维护"], ["资金总额（万元）：80", ""]]))
    assert inside.projects[0].budget_wan == 80.0
    in_yuan = parse(table([["项目名称", "道路维护"], ["项目总预算（元）", "500000"], ["其中：财政资金", "500000元"]]))
    assert (in_yuan.projects[0].budget_wan, in_yuan.projects[0].fiscal_wan) == (50.0, 50.0)
    unitless = parse(table([["项目名称", "道路维护"], ["资金总额", "500000"], ["其中：财政资金", "30"]]))
    assert (unitless.projects[0].budget_wan, unitless.projects[0].fiscal_wan) == (50.0, 30.0)
    not_money = parse(table([["项目名称", "道路维护"], ["资金来源", "县级财政"], ["预算执行率", "100"]]))
    assert not_money.projects[0].budget_wan is None


def test_a_year_or_a_medium_term_amount_is_not_the_budget():
    """专项资金 | 2020年-2022年 (the period beside the fund's kind) is no amount; 中期市财政预算 is the years
    ahead together, so the year's 本年度申请 amount beside it is the budget."""
    period = parse(table([["项目名称", "新建高校"], ["专项资金", "2020年-2022年"]]))
    assert period.projects[0].budget_wan is None
    listed = parse(table([["项目名称", "办公局域网维护费"], ["项目资金", "1、常年性 √ 2、延续性□"]]))  # a list's 1、
    assert listed.projects[0].budget_wan is None
    medium = parse(table([["项目名称", "镇际联网路改造", "中期市财政预算(万元)", "284500.00",
                           "本年度申请市财政预算资金(万元)", "919.00"]]))
    assert medium.projects[0].budget_wan == 919.0


def test_status_is_partial_and_says_what_is_missing():
    parsed = parse(table([["项目名称", "道路维护"]]), table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维护道路里程", ""],
        [None, "质量指标", "验收合格率", "100%"],
    ]))
    status, code, error = judge(parsed)
    assert status == "partial"
    assert "no 预算数" in error and "no 指标值" in error and "维护道路里程" in error


def test_an_indicator_list_written_as_prose_is_read_under_its_headings():
    parsed = parse("现将绩效目标设定如下：", "一、 产出指标",
                   "数量指标：补助种植数量,葡萄种植数量(≥**株)>=17600株；种植作物成活率(≥**%)>=85；时效指标：完成及时率>=100%。",
                   "二、 效益指标",
                   "效益指标：经济效益指标：特色产业产值≥80万元,增加收入≥80万元；生态效益指标：生态修复功能提高。",
                   "附件：绩效目标设定表.xlsx")
    rows = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
    assert rows == [("产出指标", "数量指标", "补助种植数量,葡萄种植数量(≥**株)", ">=17600株"),
                    ("产出指标", "数量指标", "种植作物成活率(≥**%)", ">=85"),
                    ("产出指标", "时效指标", "完成及时率", ">=100%"),
                    ("效益指标", "经济效益指标", "特色产业产值", "≥80万元"),
                    ("效益指标", "经济效益指标", "增加收入", "≥80万元"),
                    ("效益指标", "生态效益指标", "生态修复功能提高", "生态修复功能提高")]
    assert all(i.admitted.startswith("listed in the text") for i in parsed.indicators)


def test_a_level_name_in_running_text_starts_no_list():
    parsed = parse("产出指标", "本项目数量指标，质量指标均已达到要求。", "数量指标")
    assert parsed.indicators == []


def test_a_row_out_of_its_columns_is_not_stored_with_a_wrong_name_or_value():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标方向", "指标值"],
        ["产出指标", "数量指标", "维护道路里程", "正向", "≥20公里"],
        ["产出指标", "数量指标", "产出指标", "正向", "正向"],
        ["成本指标", "经济成本指标", "经济成本指标", "反向", "正向"],
    ]))
    rows = [(i.name_raw, i.value_raw) for i in parsed.indicators]
    assert rows == [("维护道路里程", "≥20公里"), ("经济成本指标", None)]


def test_one_target_per_place_is_read_when_the_places_agree_and_named_when_not():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标解释", "西坪镇尧山村", "桃舟乡吾培村"],
        ["产出指标", "数量指标", "开展小型水利工程建设(个)", "反映开展情况", "1", "1"],
        [None, "质量指标", "验收合格率", "反映质量", "100%", "95%"],
    ]))
    assert [i.value_raw for i in parsed.indicators] == ["1", None]
    status, _, error = judge(parsed)
    assert status == "partial" and "its own target" in error and "验收合格率" in error


def test_last_years_actual_beside_the_target_keeps_a_target_form():
    parsed = parse("2024年项目支出绩效目标表", table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "2023年实际完成值", "2024年指标值"],
        ["产出指标", "数量指标", "维护道路里程", "18公里", "≥20公里"],
    ]))
    assert parsed.form_kind == "project" and parsed.indicators[0].actual == "18公里"
    evaluation = parse("2024年项目支出绩效自评表", table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "年度指标值", "全年实际值"],
        ["产出指标", "数量指标", "维护道路里程", "≥20公里", "21公里"],
    ]))
    assert evaluation.form_kind == "self_evaluation"


def test_lone_labels_in_a_table_body_are_set_aside_and_said():
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维护道路里程", "≥20公里"],
        [None, None, "附件：", ""],
        [None, None, "百分比", ""],
        ["二级指标", "三级指标", "2023年实际值", "2024年指标值"],
    ]))
    assert [i.name_raw for i in parsed.indicators] == ["维护道路里程"]
    status, _, error = judge(parsed)
    assert status == "partial" and "附件：、百分比" in error


def test_a_label_and_its_value_on_one_line_with_a_space_between():
    parsed = parse("项目名称 特困家庭再扶助(独生子女死亡再扶助)", "预算资金 6.30万元", "实施单位 区卫生健康局")
    project = parsed.projects[0]
    assert (project.project_name, project.budget_wan) == ("特困家庭再扶助(独生子女死亡再扶助)", 6.3)
    assert parse("项目 建设 进展 顺利").projects == []


def test_a_table_ending_on_a_row_with_nothing_measured_keeps_it_out_and_says_so():
    """An excerpt cut inside its last row (公众满 and nothing after): no indicator; a last row with only a score
    (a 自评表's 分值 | 得分) or a template's blank target (≧ %) is one."""
    cut = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维护道路里程", "≥20公里"],
        ["满意度指标", "服务对象满意度指标", "公众满", ""],
    ]))
    assert [i.name_raw for i in cut.indicators] == ["维护道路里程"]
    assert any("'公众满' has no 指标值" in p for p in cut.problems)
    scored = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分"],
        ["产出指标", "数量指标", "维护道路里程", "10", "≥20公里", "21公里", "10"],
        ["产出指标", "质量指标", "种植作物成活率", "10", "", "", "9"],
    ]))
    assert [i.name_raw for i in scored.indicators] == ["维护道路里程", "种植作物成活率"]
    blank = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "质量指标", "工程验收合格率", "≧ %"],
    ]))
    assert [(i.name_raw, i.value_raw) for i in blank.indicators] == [("工程验收合格率", "≧ %")]


def test_a_level1_name_under_the_level2_heading_is_the_rows_level1():
    """产出指标 in the 二级 column with the 一级 blank (the page shifted the row's level cell): the 一级, not a 二级."""
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        [None, "产出指标", "劳务报酬占中央投资比例", "≥32.68%"],
        [None, "效益指标", "项目区农村基础设施条件", "持续改善"],
    ]))
    got = [(i.level1_raw, i.level2_raw, i.name_raw) for i in parsed.indicators]
    assert got == [("产出指标", None, "劳务报酬占中央投资比例"), ("效益指标", None, "项目区农村基础设施条件")]


def test_template_slots_under_a_merged_name_are_no_rows_and_no_weights():
    """A name merged down over the template's spare rows (指标1： / 指标2： left blank, in the 分值 column): one
    indicator, weighted 16, not three (the slots' numbers are no weights)."""
    parsed = parse(table(PROJECT), table([
        ["一级指标", "二级指标", "三级指标", "指标值", "分值"],
        ["产出指标", "成本指标", "每季度补贴金额", "≤178元/季度", "16"],
        [None, None, None, "", "指标1："],
        [None, None, None, "", "指标2："],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥95%", "（20分）"],
    ]))
    assert [(i.name_raw, i.weight) for i in parsed.indicators] == [("每季度补贴金额", 16.0), ("群众满意度", 20.0)]
    assert not parsed.problems
