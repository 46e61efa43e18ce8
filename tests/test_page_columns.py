"""Columns read for what they hold and rows placed under them, as budget systems and web pages print them:
an operator word under 指标方向 beside 正向 under 指标性质, a row one column off, a wrapped cell that is no
project, a header wrapped over two lines, a row label before the header."""

from __future__ import annotations

from pathlib import Path

from conftest import parse_page, read_page


def test_an_operator_word_under_the_direction_heading_is_the_operator(tmp_path: Path):
    """指标性质 | 指标方向 holding 正向 | 大于等于 (内蒙古's export): the comparator is the operator wherever its
    column is headed, and 正向 the direction."""
    text = "\n".join([
        "项目名称 公诉业务装备经费",
        "一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值",
        "产出指标 数量指标 办结案件数量 正向 大于等于 70 件 10",
        "质量指标 车辆采购数量 反向 小于等于 2 辆 10",
        "满意度指标 服务对象满意度指标 使用人员满意度 正向 大于等于 98 % 10",
    ])
    rows = [(i.name_raw, i.value_raw, i.direction) for i in parse_page(tmp_path, text).indicators]
    assert rows == [("办结案件数量", "大于等于70件", "正向"), ("车辆采购数量", "小于等于2辆", "反向"),
                    ("使用人员满意度", "大于等于98%", "正向")]


def test_a_row_whose_target_cell_holds_a_comparator_is_one_column_off(tmp_path: Path):
    """A row one column off either way under 三级 | 性质 | 方向 | 指标值 | 实际: a comparator under 指标值 (数量指标 |
    指标1:租车次数 | 正向 | 大于等于) or 正向 under 三级 is never a target or a name where the form has columns
    for them — the row is set aside and said, never stored shifted."""
    text = "\n".join([
        "| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标方向 | 年度指标值 | 实际完成值 |",
        "| 产出指标 | 数量指标 | 指标1:检查次数 | 正向 | 大于等于 | 4 | 4 |",
        "| 数量指标 | 指标2:宣传资料份数 | 正向 | 大于等于 | 500 | 520 | |",
        "| | | 数量指标 | 指标3:培训次数 | 正向 | 大于等于 | 2 |",
        "| | 质量指标 | 指标1:合格率 | 正向 | 等于 | 100 | 100 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["指标1:检查次数", "指标1:合格率"]
    assert any("正向" in p and "数量指标" in p for p in parsed.problems)


def test_a_wrapped_cell_across_a_project_table_is_no_project(tmp_path: Path):
    """A budget-system export lists its projects down the table (项目名称 | 预算数 | … | 一级指标 …); a
    qualitative row's target wrapped onto a line of its own (长期) is one cell across the table, no project."""
    text = "\n".join([
        "项目名称 项目单位 预算数 一级指标 二级指标 三级指标 指标性质 目标值 分值",
        "业务装备经费 某县人民检察院 1,030,700.00 产出指标 数量指标 车辆采购数量 正向 1 10",
        "效益指标 可持续影响 推动装备建设标准化 定性",
        "长期",
        "15",
        "质量指标 设备验收合格率 正向 100 10",
    ])
    parsed = parse_page(tmp_path, text)
    assert [p.project_name for p in parsed.projects] == ["业务装备经费"]


def test_a_header_wrapped_over_two_lines_is_no_table_on_one_line(tmp_path: Path):
    """年度绩效指标完成情况 一级指标 … 绩效 实际 评分标准 … / 目标值 完成值: the line after completes the header's
    cells (绩效目标值, 实际完成值); the header line alone is not a whole table printed on one line."""
    text = "\n".join([
        "部门整体支出绩效自评表",
        "年度绩效指标完成情况 一级指标 二级指标 三级指标 绩效 实际 指标分值 自评得分 未完成原因",
        "目标值 完成值",
        "产出目标 数量目标 抽查监测台站个数 9个 9个 6 6 已完成",
        "开展科普宣传活动场数 10场 11场 6 6 已完成",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators] == [
        ("数量目标", "抽查监测台站个数", "9个", "9个"), ("数量目标", "开展科普宣传活动场数", "10场", "11场")]
    assert not any("项目名称" in p for p in parsed.problems)  # the whole department's form: no project name


def test_rows_start_under_the_header_past_its_row_label(tmp_path: Path):
    """| 专项年度绩效指标 | 一级指标 | … below a wider block of fields: the rows, their row label merged away,
    go under 一级指标 onwards."""
    text = "\n".join([
        "| 专项名称 | 乡村学生就学补助 | | | |",
        "| 专项概况 | 对就读职业学校的学生发放补助 | | | |",
        "| 专项年度绩效指标 | 一级指标 | 二级指标 | 三级指标内容 | 指标值及单位 | ||||",
        "| 产出 指标 | 数量指标 | 补助人数 | >=100人 | ||||||",
        "| 质量指标 | 补助发放准确率 | >=100% | |||||||",
        "| 时效指标 | 补助发放及时率 | >=95% | |||||||",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("数量指标", "补助人数", ">=100人"), ("质量指标", "补助发放准确率", ">=100%"),
        ("时效指标", "补助发放及时率", ">=95%")]


def test_the_year_of_the_form_title_before_the_documents_it_cites(tmp_path: Path):
    text = "\n".join([
        "2024年某县部门整体支出绩效目标表",
        "部门名称 某县疾病预防控制中心",
        "整体绩效目标 根据《2020年结核病防治方案》《2020年艾滋病防治方案》《2020年免疫规划方案》开展工作",
        "年度绩效指标 一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 免疫规划培训次数 ≥2次",
        "效益指标 社会效益指标 传染病报告及时率 ≥95%",
        "满意度指标 服务对象满意度指标 群众满意度 ≥90%",
    ])
    assert parse_page(tmp_path, text).year == 2024
    assert read_page(tmp_path, text).tables()


def test_a_heading_broken_over_three_cells_is_one_heading(tmp_path: Path):
    """偏差原因 / 分析及 / 改进措施 one cell a line: one column, never a row named 分析及 with 改进措施 its target."""
    cells = ["一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分", "偏差原因", "分析及",
             "改进措施", "产出指标", "数量指标", "造林面积", "1.2万亩", "1.2万亩", "10", "10", "病虫害防治面积", "3.45万亩",
             "3.45万亩", "7", "7", "质量指标", "造林成活率", "85%", "85%", "7", "7"]
    parsed = parse_page(tmp_path, "\n\n".join(cells))
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("造林面积", "1.2万亩"), ("病虫害防治面积", "3.45万亩"), ("造林成活率", "85%")]


def test_a_header_run_into_the_row_before_and_after_it_is_a_row_of_its_own(tmp_path: Path):
    """云南's 公开 自评表 copied as pipes: the goal row, the two-row header (绩效指标 | 年度指标值 | 实际完成值 … over
    一级指标 … 度量单位) and the first indicator row all on one line. The header is cut out of it, its two rows
    made one, and the rows under it read by it — not one wide row whose values lie under no heading."""
    text = "\n".join([
        "| 项目名称 | 义务教育营养改善计划专项资金 |",
        "| 年度 总体 目标 | 预期目标 | 实际完成情况 | 确保每一个学生都能享受到国家政策福利 | 确保每一个学生都能享受到国家政策福利"
        " | 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标"
        " | 指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 学生受资助人数 | ≧ | 735 | 人次 | 735 | 10 | 10 |",
        "| 质量指标 | 营养改善计划覆盖率 | ≧ | 100 | % | 100% | 10 | 10 |",
        "| 满意度指标 | 服务对象满意度指标等 | 学生满意度 | ≧ | 95 | % | 100% | 10 | 10 |",
    ])
    rows = [(i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parse_page(tmp_path, text).indicators]
    assert rows == [("数量指标", "学生受资助人数", "≧735人次", "735"), ("质量指标", "营养改善计划覆盖率", "≧100%", "100%"),
                    ("服务对象满意度指标等", "学生满意度", "≧95%", "100%")]


def test_a_row_of_headings_over_projects_and_indicators_is_not_cut_apart(tmp_path: Path):
    """项目名称 | 项目单位 | 预算数 | 年度绩效目标 | 一级指标 …: a budget system's one header row names the project
    fields before the indicator headings; it stays one header, the projects read under it."""
    text = "\n".join([
        "| 项目名称 | 项目单位 | 预算数 | 年度绩效目标 | 一级指标 | 二级指标 | 三级指标 | 目标值 | 计量单位 |",
        "| 业务装备经费 | 某县人民检察院 | 103.07 | 保障办案 | 产出指标 | 数量指标 | 车辆采购数量 | 1 | 辆 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("业务装备经费", 103.07)]
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [("车辆采购数量", "1辆")]


def test_a_target_column_headed_as_a_goal_and_grade_bands_under_the_standard(tmp_path: Path):
    """海南's 项目绩效目标表 (a mirror's copy, traditional characters with pinyin): 指标类型 | 绩效指标 | 绩效目标 |
    绩效标准 over 优 | 良 | 中 | 差. 绩效目标 holds the targets, so it is no project's goal; 绩效指标 over the text
    after the levels heads the names; the grade row is the header's second line and the bands under the
    standard no unread columns."""
    text = "\n".join([
        "| 項(xiàng)目績(jī)效目標(biāo)表 | ||||||",
        "| 項(xiàng)目名稱:海南省規(guī)劃展覽館運(yùn)行維護(hù)項(xiàng)目 | ||||||",
        "| 指標(biāo)類型 | 績(jī)效指標(biāo) | 績(jī)效目標(biāo) | 績(jī)效標(biāo)準(zhǔn) | |||",
        "| 優(yōu) | 良 | 中 | 差 | |||",
        "| 產(chǎn)出指標(biāo) | 指標(biāo)1:物業(yè)管理面積 | 6500平方米 | 6500平方米以上 | 5500平方米-6500平方米 | 4500平方米以下 | |",
        "| 指標(biāo)2:用電量 | 60萬(wàn)度 | 60萬(wàn)度以上 | 50萬(wàn)度-60萬(wàn)度 | 40萬(wàn)度以下 | |",
        "| 成效指標(biāo) | 指標(biāo)1:日常參觀展示設(shè)備的使用率 | 80%以上 | 80%以上 | 70%-80% | 60%以下 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level1_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("產(chǎn)出指標(biāo)", "指標(biāo)1:物業(yè)管理面積", "6500平方米"), ("產(chǎn)出指標(biāo)", "指標(biāo)2:用電量", "60萬(wàn)度"),
        ("成效指標(biāo)", "指標(biāo)1:日常參觀展示設(shè)備的使用率", "80%以上")]
    assert not any("not understood" in p or "only a label" in p for p in parsed.problems)


def test_an_indicator_header_under_a_row_label_after_the_project_headings(tmp_path: Path):
    """湖南's budget-system table as a page's rowspan layout prints it: 单位代码 | 单位(专项)名称 | 资金总额 | 实施期绩效目标 |
    绩效指标 over 一级指标 … 备注, the second header row without the four headings merged down beside it. The
    indicator header sits under 绩效指标, not under the project's headings; a row whose name and target are
    both merged down from the row above is that row, not a second one."""
    text = "\n".join([
        "| 单位代码 | 单位(专项)名称 | 资金总额 | 实施期绩效目标 | 绩效指标 |",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标值内容 | 度量单位 | 指标值类型 | 备注 |",
        "| 505006 | 学生伙食费 | 30.00 |  | 成本指标 | 经济成本指标 | 学生补助标准 | 17元 | 反映学生每天用餐标准 | - | 定量 |  |",
        "| 产出指标 | 数量指标 | 补助学生数量 | 168 | 反映补助学生人数 | - | 定量 |  |",
        "| 质量指标 | 伙食补助发放率 | 90%以上 | 实际发放金额/应发放金额 | - | 定量 |  |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("经济成本指标", "学生补助标准", "17元"), ("数量指标", "补助学生数量", "168"), ("质量指标", "伙食补助发放率", "90%以上")]


def test_targets_in_words_under_a_goal_heading_after_the_names(tmp_path: Path):
    """海南's 2016 项目绩效目标表 one cell a line: 指标类型 | 指标名称 | 绩效目标 | 绩效标准, the targets sentences. A
    绩效目标 column right of the names is the targets (before them, in a list of projects, it is each one's goal);
    where the blank 绩效标准 held grade bands the page lost (满意率98%以上 | 满意率80%以上), a row of two bands is no
    indicator, and is said."""
    lines = ["项目名称:档案征集编研", "指标类型", "指标名称", "绩效目标", "绩效标准", "产出指标",
             "举办庆祝中国共产党成立95周年档案图片展", "向社会宣传中国共产党成立95周年来取得的成就",
             "开展民间档案资料的征集工作", "征集有关解放海南岛的资料", "满意率98%以上", "满意率80%以上"]
    parsed = parse_page(tmp_path, "\n\n".join(lines))
    assert [(i.level1_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("产出指标", "举办庆祝中国共产党成立95周年档案图片展", "向社会宣传中国共产党成立95周年来取得的成就"),
        ("产出指标", "开展民间档案资料的征集工作", "征集有关解放海南岛的资料")]
    assert any("满意率98%以上" in p for p in parsed.problems)
