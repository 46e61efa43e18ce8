"""Published text whose rows are space-separated lines (a web page copied as text): headings wrapped inside
or across lines, a header that lost a heading, blank lines between a header and its blocks, a counter
column under a heading one cell short. Each read as the form was."""

from __future__ import annotations

from pathlib import Path

from conftest import levels_and_values, parse_page


def test_a_2017_form_with_a_counter_column_under_its_evaluation_heading(tmp_path: Path):
    """Older forms head the 一级 column 绩效目标 (投入 | 产出 below it, not a project's goal), span 评价指标
    over the 二级 and a 目标1/目标2 counter, and call the indicator 绩效内容 and its target 全年绩效目标: the
    heading is one cell short of its rows, and each row is read with its levels and the year's target."""
    text = "\n".join([
        "2017年财政支出项目绩效目标表",
        "专项名称 乡镇农技推广补助",
        "绩效目标 评价指标 绩效内容 绩效标准 全年绩效目标",
        "投入 成本目标 目标1 农技员培训经费 按标准支出 ≤12万元",
        "目标2 示范基地补助 100% 100%",
        "产出 数量目标 目标1 培训农技人员 按计划完成 300人",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw, i.basis_raw) for i in parsed.indicators] == [
        ("投入", "成本目标", "农技员培训经费", "≤12万元", "按标准支出"),
        ("投入", "成本目标", "示范基地补助", "100%", "100%"),
        ("产出", "数量目标", "培训农技人员", "300人", "按计划完成")]
    assert parsed.projects[0].project_name == "乡镇农技推广补助"


def test_space_separated_rows_with_the_header_and_level_names_broken_over_lines(tmp_path: Path):
    """绩效指标 一级 / 指标 / 二级指标 三级指标 …: one header; 效益 / 指标, 服务对象 / 满意度指标: level names
    wrapped in their narrow cells, joined back; a row of two level names alone is no indicator's name."""
    text = "\n".join([
        "转移支付(项目)名称 特殊教育补助资金",
        "绩效指标 一级", "指标", "二级指标 三级指标 年度指标值 全年实际完成值 分值 得分",
        "产出指标 数量指标 培智教学软件 2套 2套 10 10",
        "质量指标 教学软件验收合格率 100% 100% 10 10",
        "效益", "指标", "社会效益", "指标", "特殊教育资源 扩大 扩大 30 30",
        "满意度指标 服务对象", "满意度指标", "残疾学生、家长满意度 90% 98% 5 5",
        "分总 100 100",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("产出指标", "数量指标", "培智教学软件", "2套"), ("产出指标", "质量指标", "教学软件验收合格率", "100%"),
        ("效益指标", "社会效益指标", "特殊教育资源", "扩大"),
        ("满意度指标", "服务对象满意度指标", "残疾学生、家长满意度", "90%")]


def test_a_self_evaluation_in_spaces_with_blank_lines_before_its_blocks(tmp_path: Path):
    """年度绩效指标完成情况 一级 / 指标 / 二级指标 …, blank lines, (50分) where the 一级 label was, rows, a
    …… filler, and a row whose target and actual are words: every row read, the words' first place is the
    target (年度指标值), the columns after it (实际完成值, 偏差原因) as the page gives them."""
    text = "\n".join([
        "项目名称 禁毒经费",
        "年度绩效指标完成情况 一级", "指标", "二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
        "", "", "(50分)",
        "数量指标 指标1:禁毒宣传场次 ≥1场 1场 12 12", "指标2:试剂数量 ≥2400份 3200份 12 12", "……",
        "质量指标 指标1:经费支出合规性 严格执行财经法规制度 严格执行财经法规制度 12 12",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("数量指标", "指标1:禁毒宣传场次", "≥1场"), ("数量指标", "指标2:试剂数量", "≥2400份"),
        ("质量指标", "指标1:经费支出合规性", "严格执行财经法规制度")]


def test_space_separated_self_evaluation_whose_header_lost_its_second_level_and_wrapped(tmp_path: Path):
    """绩 效 指 标 一级 指标 / 三级指标 … 未完成原因和 / 改进措施: the 二级指标 heading was lost while every row
    still prints its 二级 name, and the last heading wrapped; names keep their 指标1: numbering."""
    text = "\n".join([
        "项目名称 龙滩村移民安置区帮扶项目",
        "绩 效 指 标  一级 指标 ", "三级指标  年度指标值  全年完成值  未完成原因和", "改进措施 ",
        "产 出 指 标  数量指标 指标1:新建道路 524m 524m", "指标2:硬化道路 5719m 5719m",
        "质量指标 指标1:工程完工率 100% 100%",
        "效 益 指 标  经济效益指标 道路交通设施 降低村民出行成本 降低村民出行成本"])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("产出指标", "数量指标", "指标1:新建道路", "524m"), ("产出指标", "数量指标", "指标2:硬化道路", "5719m"),
        ("产出指标", "质量指标", "指标1:工程完工率", "100%"), ("效益指标", "经济效益指标", "道路交通设施", "降低村民出行成本")]


def test_a_header_whose_cells_wrapped_onto_the_next_line(tmp_path: Path):
    """… 年度 实际 分值 得分 … / 指标值 完成值: the second line completes the first's open cells (年度指标值,
    实际完成值), so the target is read from the 年度指标值 column."""
    text = "\n".join([
        "项目名称 市级文物保护专项经费",
        "绩效指标 一级指标 二级指标 三级指标 年度 实际 分值 得分 偏差原因分析及改进措施", "指标值 完成值",
        "产出指标 数量指标 指标2:修缮建筑面积 6000平方米 6000平方米 7 7", "指标3:修缮级别 市级保护单位 市级保护单位 7 7",
        "质量指标 指标1:验收通过率 100% 95% 6 5"])
    parsed = parse_page(tmp_path, text)
    assert [(i.name_raw, i.value_raw, i.actual) for i in parsed.indicators] == [
        ("指标2:修缮建筑面积", "6000平方米", "6000平方米"), ("指标3:修缮级别", "市级保护单位", "市级保护单位"),
        ("指标1:验收通过率", "100%", "95%")]


def test_a_space_separated_header_whose_headings_wrapped_inside_their_cells(tmp_path: Path):
    """绩 效 指 标 一级指标 … 年度 指标值 实际 完成值 分值 得分: headings a narrow cell wrapped, printed with a space
    where the line broke, are one heading each (年度指标值, 实际完成值)."""
    text = "\n".join([
        "项目名称 美丽乡村建设",
        "绩 效 指 标 一级指标 二级指标 三级指标 年度 指标值 实际 完成值 分值 得分 偏差原因分析及改进措施",
        "产出指标 数量指标 指标1:开展精品示范村建设数量 ≤4 4 10 10",
        "指标2:建设美丽宜居自然村庄数量 ≥200 202 10 10",
        "质量指标 指标1:自然村庄验收通过率 ≥95% 100% 5 5"])
    parsed = parse_page(tmp_path, text)
    assert [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators] == [
        ("产出指标", "数量指标", "指标1:开展精品示范村建设数量", "≤4", "4"),
        ("产出指标", "数量指标", "指标2:建设美丽宜居自然村庄数量", "≥200", "202"),
        ("产出指标", "质量指标", "指标1:自然村庄验收通过率", "≥95%", "100%")]


def test_a_development_form_in_spaces_reads_its_first_level_one_column_down(tmp_path: Path):
    """中央预算内投资 forms put 实施效果指标 in the 一级 column and 产出指标/效益指标 in the 二级 one; a label
    spaced a character apart (总 体 目 标) is one label again."""
    text = "\n".join([
        "专项名称 农业绿色发展专项", "下达中央预算内投资(万元) 2350",
        "总 体 目 标 提高畜禽粪污综合利用率。",
        "绩 效 指 标 一级指标 二级指标 三级指标 指标值",
        "实施效果指标 产出指标 建设项目个数(含续建) 1",
        "竣工验收合格率 100%",
        "效益指标 畜禽粪污综合利用率 ≥90%",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("实施效果指标", "产出指标", "建设项目个数(含续建)", "1"), ("实施效果指标", "产出指标", "竣工验收合格率", "100%"),
        ("效益指标", None, "畜禽粪污综合利用率", "≥90%")]  # 效益指标 alone under 一级: the canonical 一级 all the same
    assert [g.goal_text for g in parsed.goals] == ["提高畜禽粪污综合利用率。"]


def test_a_row_left_unplaced_is_named_as_an_indicator_row(tmp_path: Path):
    """A row whose cells fit more than one column is said by its line, as an indicator row not read."""
    from jixiao.extractors.text_columns import aligned_table
    table = aligned_table(["一级指标", "二级指标", "三级指标", "计算符号", "目标值", "度量单位", "指标值说明"],
                          [(5, ["产出指标", "数量指标", "保障人数(人)", "=", "116", "人", "数据合理"]),
                           (6, ["签订保险(件)", "=", "1", "某某", "数据合理"])], line=4)
    assert table.doubts and all("indicator row" in d for d in table.doubts)


def test_a_target_kind_word_sits_under_its_nature_column(tmp_path: Path):
    """A budget-system export copied as spaced rows, 定性 under 指标性质 with the grading 高中低 as its target,
    the weight wrapped onto a line of its own: each row read, the table going on past the wrapped weight."""
    text = "\n".join([
        "一级指标 二级指标 三级指标 指标性质 指标值 度量单位 权重(%)",
        "产出指标 成本指标 检查差旅费 470 人/天 2",
        "产出指标 数量指标 召开食品安委会全体会议 2 15",
        "效益指标 社会效益指标 食品安全整体状况 定性 高中低", "10",
        "满意度指标 服务对象满意度指标 公众对食品安全满意度 定性 高中低", "5",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators][-2:] == [
        ("食品安全整体状况", "高中低"), ("公众对食品安全满意度", "高中低")]


def test_a_percent_sign_goes_to_its_own_unit_column(tmp_path: Path):
    """指标名称 指标权重 计量单位 指标性质 指标值 as spaced rows: `10 % = 100` is a weight, its unit, the
    operator and the target (the % is not the weight's), so the target reads =100%."""
    text = "\n".join([
        "部门(单位)名称 某街道办事处 区级支出预算总量 3724.39",
        "绩效指标 指标名称 指标权重 计量单位 指标性质 指标值",
        "预算执行率 10 % = 100",
        "农村公路养护里程 10 公里 = 125",
        "森林受灾率 10 %  1",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("预算执行率", "=100%"), ("农村公路养护里程", "=125公里"), ("森林受灾率", "1%")]


def test_a_header_two_rows_deep_printed_a_row_a_line(tmp_path: Path):
    """绩效指标 年度指标值 实际完成值 分值 得分 over 一级指标 … 指标性质 指标值 度量单位: 年度指标值 spans the three
    columns of the target, so the header is the lower row's columns, then the upper row's after it."""
    text = "\n".join([
        "项目名称 2023年乡村道路养护补助",
        "绩效指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
        "一级指标 二级指标 三级指标 指标性质 指标值 度量单位",
        "产出指标 数量指标 养护道路里程 ≥ 36 公里 36 20 20",
        "质量指标 路面完好率 ≥ 95 % 96 20 20",
        "效益指标 社会效益指标 群众出行条件 定性 改善 改善 30 30",
        "满意度指标 服务对象满意度指标 沿线群众满意度 ≥ 90 % 93 10",
    ])
    assert levels_and_values(parse_page(tmp_path, text)) == [
        ("产出指标", "数量指标", "养护道路里程", "≥36公里"), ("产出指标", "质量指标", "路面完好率", "≥95%"),
        ("效益指标", "社会效益指标", "群众出行条件", "改善"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%")]


def test_a_short_row_under_a_row_whose_cells_it_extends_is_no_second_indicator(tmp_path: Path):
    """Space rows lose their blank cells: `生态环境成本指标 - 定性` (a 二级 with no indicator) sits under the row above,
    whose name and target are carried down over it. A row with no name and no target of its own is the row
    above continued — not a second 学生补助标准."""
    text = "\n".join([
        "单位代码 单位(专项)名称 资金总额 实施期绩效目标 绩效指标",
        "一级指标 二级指标 三级指标 指标值 指标值内容 评(扣分标准) 度量单位 指标值类型 备注",
        "505006 学生伙食费 30.00  成本指标 经济成本指标 学生补助标准 17元/人.每天 反映学生每天用餐标准 按标准发放得10分 - 定量 ",
        "生态环境成本指标     - 定性 ",
        "社会成本指标     - 定性 ",
        "产出指标 数量指标 补助学生数量 168 反映补助学生人数 发放到位得10分,每减少1%,扣1分 - 定量 ",
    ])
    assert [i.name_raw for i in parse_page(tmp_path, text).indicators] == ["学生补助标准", "补助学生数量"]


def test_rows_that_repeat_the_row_label_and_split_operator_and_unit_cells(tmp_path: Path):
    """重庆's 绩效指标 | 指标名称 | 指标权重 | 计量单位 | 指标性质 | 指标值 in spaces, the row label printed again on
    every row (a copy that repeats merged cells): 绩效指标 is no cell of the row, and 10 % = 100 is a weight, a
    unit, an operator and a target under their own columns, not one target 10%=100."""
    text = "\n".join([
        "绩效指标 指标名称 指标权重 计量单位 指标性质 指标值",
        "绩效指标 预算执行率 10 % = 100",
        "绩效指标 基层组织建设保障有效性 10 有效保障",
        "绩效指标 农村公路养护里程 10 公里 = 125",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("预算执行率", "=100%"), ("基层组织建设保障有效性", "有效保障"), ("农村公路养护里程", "=125公里")]


def test_a_line_of_fields_with_spaces_between_them_gives_the_project_and_its_budget(tmp_path: Path):
    """项目支出名称 X 部门预算 70.00 年度本级预算金额 70.00 …, a key/value table flattened onto one line, the page
    cut before the indicators: the project is named and its budget read, not one paragraph."""
    text = ("项目支出名称 基本公共卫生服务和应急处理专项 部门预算 70.00 年度本级预算金额 70.00 该项目支出上级资金 "
            "项目支出实施期 2025年 项目绩效目标 对全县突发卫生公共事件进行相关人员培训")
    parsed = parse_page(tmp_path, text)
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("基本公共卫生服务和应急处理专项", 70.0)]
