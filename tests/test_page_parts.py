"""Pages that hold more than the indicator table: a numbered section heading on the header's line, a score
table above it, the period's and the year's blocks printed side by side, a label printed a character a
line, the next project's heading after the last row. Each part read as what it is, and nothing else taken
for an indicator."""

from __future__ import annotations

from pathlib import Path

from conftest import levels_and_values, parse_page, read_page

from jixiao.model.document import Document, Table
from jixiao.parsing.columns import header_role
from jixiao.parsing.structure import parse_document


def test_a_section_heading_opening_the_header_line_is_no_column(tmp_path: Path):
    """河北's sectioned self-evaluation prints `四、年度绩效指标完成情况` on the header's line: the columns
    start after it, 指标分值 is the weight (not the 指标值 it is spelled like), and a label written into
    every cell of its row (预算执行率 | 预算执行率) is no indicator."""
    text = "\n".join([
        "某镇2023年度预算项目绩效自评表",
        "一、基本情况 项目名称: 敬老院运转补助 金额单位: 万元",
        "四、年度绩效指标完成情况 一级指标 二级指标 三级指标 指标分值 预期指标值 单项指标实际完成值 自评得分",
        "产出指标 数量指标 入住老人人数 30 ≥30人 32人 30",
        "质量指标 安全事故发生率 30 0起 0起 30",
        "效益指标 社会效益指标 老人生活保障水平 40 提高 提高 40",
        "预算执行率 预算执行率",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("产出指标", "数量指标", "入住老人人数", "≥30人"), ("产出指标", "质量指标", "安全事故发生率", "0起"),
        ("效益指标", "社会效益指标", "老人生活保障水平", "提高")]
    assert [i.weight for i in parsed.indicators] == [30, 30, 40]


def test_a_score_spelled_like_a_value_is_a_weight():
    assert header_role("指标分值")[0] == "weight"
    assert header_role("级指标")[0] == "level1"  # a heading that lost a character is still found


def test_a_score_table_above_the_indicators_lends_them_nothing(tmp_path: Path):
    """资金管理情况 | 情况说明 | 分值 | 得分 above the indicator table: its rows are no indicators, and the
    values of the table below do not make one of its columns a target."""
    text = "\n".join([
        "转移支付(项目)名称 电影事业发展专项资金",
        "资金管理情况 情况说明 分值 得分 存在问题和改进措施",
        "分配科学性 资金全部拨付至影院 6 6",
        "下达及时性 资金已拨付 6 6",
        "拨付合规性 按规定拨付 6 6",
        "绩效指标 一级指标 二级指标 三级指标 年度指标值 全年完成值 分值 得分",
        "产出指标 数量指标 维护放映设备数量 ≥5套 5套 20 20",
        "质量指标 提升放映质量 明显 明显 10 10",
        "效益指标 经济效益指标 影院营业收入 ≥150万元 188.6万元 5 5",
    ])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["维护放映设备数量", "提升放映质量", "影院营业收入"]


def test_a_level_label_printed_a_character_a_line_opens_its_row(tmp_path: Path):
    """产 / 出 / 指 / 标 数量指标 …: a vertical merged cell copied a character a line, its last character on
    the row's line; 经济效益 / 指标 …: a 二级 wrapped in its cell, the row going on after it."""
    text = "\n".join([
        "绩 效 指 标 一级指标 二级指标 三级指标 年度指标值 全年完成值 分值 得分",
        "产", "出", "指", "标 数量指标 维护放映设备数量 ≥5套 5套 20 20",
        "质量指标 提升放映质量 明显 明显 10 10",
        "效", "益", "指", "标 经济效益", "指标 全年观影人数 ≥4万人次 4.4万人次 5 5",
        "影院营业收入 ≥150万元 188.6万元 5 5",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("产出指标", "数量指标", "维护放映设备数量", "≥5套"), ("产出指标", "质量指标", "提升放映质量", "明显"),
        ("效益指标", "经济效益指标", "全年观影人数", "≥4万人次"), ("效益指标", "经济效益指标", "影院营业收入", "≥150万元")]


def test_period_and_year_blocks_side_by_side_in_a_cell_stream_keep_the_year(tmp_path: Path):
    """中期 | 年度 blocks whose 二级 | 三级 | 指标值 the page printed twice per row, one cell per line with a
    `|` line after each: one indicator per row, with the year's target."""
    cells = ["项目名称", "人工增雨作业", "绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标",
             "指标值", "产出指标", "数量指标", "作业航时", "三年不少于90小时", "数量指标", "作业航时", "不少于30小时",
             "质量指标", "作业安全事故", "0起", "质量指标", "作业安全事故", "0起"]
    parsed = parse_page(tmp_path, "\n".join(f"{c}\n|" for c in cells))
    assert levels_and_values(parsed) == [
        ("产出指标", "数量指标", "作业航时", "不少于30小时"), ("产出指标", "质量指标", "作业安全事故", "0起")]


def test_a_cell_per_paragraph_table_ends_at_the_next_projects_heading(tmp_path: Path):
    """满意度指标 | 受益单位满意度 | 95% | 社会公众满意度 | ≥90%: the second satisfaction name is the next row,
    not a second block of the same 二级; 社会效益 after 产出's rows (the 一级 cell lost) is not under 产出;
    the next project's heading and its numbered sections end the table."""
    cells = ["婴幼儿照护服务项目项目绩效目标", "项目具体目标表", "一级指标", "二级指标", "指标名称", "指标值",
             "产出指标", "数量指标", "每千人托位", "4.5", "社会效益", "婴幼儿健康管理率", "95%",
             "满意度指标", "满意度指标", "受益单位满意度", "95%", "社会公众满意度", "≥90%",
             "城乡居民健康体检经费项目项目绩效目标", "(一)中长期绩效目标", "优化城乡居民体检制度,提高群众参检率"]
    parsed = parse_page(tmp_path, "\n\n".join(cells))
    assert [(i.level1_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("产出指标", "每千人托位", "4.5"), (None, "婴幼儿健康管理率", "95%"), ("满意度指标", "受益单位满意度", "95%"),
        ("满意度指标", "社会公众满意度", "≥90%")]


def test_glued_form_read_up_to_the_next_forms_title(tmp_path: Path):
    """A glued OCR text (甘肃 layout: 二级项目名称 names the project, 一级项目名称 its class; units written
    百分比; 成本指标 its own 一级 over 经济成本指标), wrapped over lines, ending where the next form's title
    follows the last value."""
    text = "\n".join([
        "省级部门预算项目支出绩效目标表(2023年度)一级项目名称文化事业发展专项资金二级项目名称博物馆免费开放补助"
        "项目类型新增项目项目主管部门某市文化和旅游局项目总投资20万元预算申报数20万元资金性质一般公共预算",
        "政策依据甘财科[2022]78号年度绩效目标提高博物馆免费开放服务水平一级指标二级指标三级指标指标目标值产出指标"
        "数量指标免费开放天数=300天质量指标考核指标完成率=100百分比成本指标经济成本指标资金使用效率=100百分比"
        "满意度指标服务对象满意度指标服务对象满意度=99百分比省级部门预算项目支出绩效目标表2023年度一级项目名称"
        "公共文化服务体系建设专项资金二级项目名称博物馆提升改造项目",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("产出指标", "数量指标", "免费开放天数", "=300天"), ("产出指标", "质量指标", "考核指标完成率", "=100百分比"),
        ("成本指标", "经济成本指标", "资金使用效率", "=100百分比"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "=99百分比")]
    assert [(p.project_name, p.budget_wan) for p in parsed.projects if p.project_name == "博物馆免费开放补助"] == [
        ("博物馆免费开放补助", 20.0)]


def test_a_last_row_with_only_its_operator_was_cut_off():
    """定性 under 指标值类型 and nothing under 目标值 on the table's last row: the page stopped there (减…), said,
    not stored."""
    table = Table.from_rows([["一级指标", "二级指标", "三级指标", "指标值类型", "目标值", "度量单位"],
                             ["成本指标", "经济成本指标", "中心经费", "≤", "70", "万元"],
                             ["成本指标", "生态环境成本指标", "对生态的不利影响", "定性", "", ""]])
    parsed = parse_document(Document(format="txt", blocks=[table]))
    assert [i.name_raw for i in parsed.indicators] == ["中心经费"]
    assert any("对生态的不利影响" in p for p in parsed.problems)


def test_a_score_after_each_row_of_a_cell_stream_is_no_name(tmp_path: Path):
    """年度指标值 | 实际完成指标值 and a score under no heading of its own after each row (one cell per
    paragraph): the score goes with its row, never opens the next one."""
    cells = ["专项名称", "食品监管补助资金", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成指标值", "50",
             "产出指标", "质量指标", "指标1:监管人员培训", "已完成", "已完成", "5", "指标2:违法案件查办率", "100%",
             "100%", "4", "时效指标", "指标1:专项工作完成时间", "2021年12月31日", "2021年12月31日", "5"]
    parsed = parse_page(tmp_path, "\n\n".join(cells))
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("指标1:监管人员培训", "已完成"), ("指标2:违法案件查办率", "100%"), ("指标1:专项工作完成时间", "2021年12月31日")]


def test_the_next_forms_unit_line_ends_the_indicators(tmp_path: Path):
    """`207101某法院 | 单位:万元` after a form's last indicator row: the head of the next form."""
    text = "\n".join([
        "207101某区人民法院 | 单位:万元 | |||",
        "项目名称 | 安全隐患维修 | |||",
        "一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "产出指标 | 数量指标 | 维修面积 | 300平方米 |",
        "满意度指标 | 服务对象满意度指标 | 干警满意度 | ≥95% |",
        "207101某区人民法院 | 单位:万元 | |||",
        "项目名称 | 办案业务费 | |||",
        "一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "产出指标 | 数量指标 | 陪审员参审案件数 | ≥200件 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["维修面积", "干警满意度", "陪审员参审案件数"]


def test_a_table_of_only_numbered_names_and_targets(tmp_path: Path):
    """序号 | 三级指标 | 年度指标值, one cell per line closed by a pipe (a target table inside a report): the
    numbers are the 序号 column, each name goes with its target, a bare 1 included."""
    cells = ["表1:宣传文化工作经费项目绩效目标", "序号", "三级指标", "年度指标值", "1", "全国助残日活动次数", "1次",
             "2", "电视专栏节目", "24期", "3", "开展残疾人文化活动", "1", "4", "宣传覆盖面", "拓宽"]
    parsed = parse_page(tmp_path, "\n".join(f"{c} |" for c in cells))
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("全国助残日活动次数", "1次"), ("电视专栏节目", "24期"), ("开展残疾人文化活动", "1"), ("宣传覆盖面", "拓宽")]


def test_a_pair_of_columns_is_an_indicator_table_only_when_spelled_so():
    """三级指标 | 指标值 spelled as forms spell them is enough; a name column and a column of figures under
    words the vocabulary does not know (序号 | 名称 | 金额) is not an indicator table."""
    read = Table.from_rows([["序号", "三级指标", "指标值"], ["1", "培训人次", "≥150人次"]])
    listed = Table.from_rows([["序号", "乡镇名称", "补助金额"], ["1", "东镇", "30"]])
    assert [i.name_raw for i in parse_document(Document(format="docx", blocks=[read])).indicators] == ["培训人次"]
    assert parse_document(Document(format="docx", blocks=[listed])).indicators == []


def test_a_self_evaluation_report_sets_out_its_targets_beside_their_results(tmp_path: Path):
    """A 自评报告's 绩效指标完成情况分析: `(1)产出指标。` over `数量指标:X≥6架,实际布防6架;…` lines. The 总体绩效
    目标完成情况分析 heading above them reports results (no 部门整体 part), the targets are read, and what
    opens with 实际 and sets no comparator is a result (实际完成…/计划…≥80% sets one and is read)."""
    text = "\n".join([
        "3.总体绩效目标完成情况分析。", "2022年租用6架直升机开展森林航空消防工作。",
        "4.绩效指标完成情况分析。", "(1)产出指标。",
        "数量指标:布防飞机数量≥6架,实际布防6架;飞机飞行时长≥928小时,实际飞行时长909.93小时。",
        "质量指标:实际完成飞行小时数/计划小时数≥80%,实际完",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("产出指标", "数量指标", "布防飞机数量", "≥6架"), ("产出指标", "数量指标", "飞机飞行时长", "≥928小时"),
        ("产出指标", "质量指标", "实际完成飞行小时数/计划小时数", "≥80%")]
    assert parsed.form_kind != "department"


def test_a_notice_lists_its_targets_after_a_label_with_no_level(tmp_path: Path):
    """A 衔接资金 project notice: 绩效目标: then names each ending in its figure, no 一级/二级 named; each is an
    indicator. A sentence after the label (no figure ending each piece) is not read so."""
    text = "\n".join([
        "项目名称:2025年坚果提质增效示范基地建设项目。", "项目资金:542万元",
        "绩效目标:坚果提质增效基地面积≥4300亩,防灾减灾设施5套,带动受益群众每年增收500元/亩,群众满意度≥90%。",
        "绩效目标:提升坚果品质,增加群众收入,改善生产条件。",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level1_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        (None, "坚果提质增效基地面积", "≥4300亩"), (None, "防灾减灾设施", "5套"), (None, "带动受益群众每年增收", "500元/亩"),
        (None, "群众满意度", "≥90%")]
    assert [p.project_name for p in parsed.projects] == ["2025年坚果提质增效示范基地建设项目"]


def test_a_mirrors_glossed_traditional_prose_is_read_and_kept_as_written(tmp_path: Path):
    """A mirror site's traditional characters with pinyin glued after them (數(shù)量指標(biāo)): the prose list is
    read as the simplified text it was, and each name, value and level is given back as the page wrote it."""
    text = "\n".join([
        "(一)產(chǎn)出指標(biāo)",
        "1、數(shù)量指標(biāo):資助建檔立卡貧困子女1966人。",
        "3、時(shí)效指標(biāo):資助經(jīng)費(fèi)發(fā)放率100%達(dá)標(biāo),資助經(jīng)費(fèi)到位率100%達(dá)標(biāo)。",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("產(chǎn)出指標(biāo)", "數(shù)量指標(biāo)", "資助建檔立卡貧困子女", "1966人"),
        ("產(chǎn)出指標(biāo)", "時(shí)效指標(biāo)", "資助經(jīng)費(fèi)發(fā)放率", "100%達(dá)標(biāo)"),
        ("產(chǎn)出指標(biāo)", "時(shí)效指標(biāo)", "資助經(jīng)費(fèi)到位率", "100%達(dá)標(biāo)")]


def test_short_rows_follow_the_block_the_rows_above_were_written_in(tmp_path: Path):
    """二级 | 三级 | 指标值 printed twice (two blocks side by side) with every row written in the first block,
    the second holding only its 二级 again: a row that lost its merged cells (项目验收合格率 | ≥100%) goes
    under the first block's columns, not the blank second block's."""
    text = "\n".join([
        "项目名称 | 城管执法车辆维修燃油费 | |||||||",
        "绩 效 指 标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值 | |",
        "产出指标 | 数量指标 | 完成修理养护的车辆数量 | ≥90辆 | 数量指标 | ||||",
        "质量指标 | 经费支出合规性 | 较高 | 质量指标 | |||||",
        "项目验收合格率 | ≥100% | |||||||",
        "时效指标 | 项目完成及时性 | 及时 | 时效指标 | |||||",
    ])
    assert [(i.level2_raw, i.name_raw, i.value_raw) for i in parse_page(tmp_path, text).indicators] == [
        ("数量指标", "完成修理养护的车辆数量", "≥90辆"), ("质量指标", "经费支出合规性", "较高"),
        ("质量指标", "项目验收合格率", "≥100%"), ("时效指标", "项目完成及时性", "及时")]


def test_bracketed_levels_over_numbered_items_with_their_targets_in_brackets(tmp_path: Path):
    """安徽's budget-system notice: 【产出指标-数量指标】 over 指标1:机柜数量(≥77台)."""
    text = "\n".join([
        "某市公安局2025年项目绩效目标和指标",
        "【总体目标】", "保障机房内所有设备设施运转",
        "【产出指标-数量指标】", "指标1:机柜数量(≥77台)",
        "【产出指标-时效指标】", "指标1:维护及时性(<24小时)",
        "【效益指标-社会效益指标】", "指标1:服务保障民生(有力保障)",
        "【满意度指标-服务对象满意度指标】", "指标1:提升群众安全感(≥90%)",
    ])
    assert levels_and_values(parse_page(tmp_path, text)) == [
        ("产出指标", "数量指标", "指标1:机柜数量", "≥77台"), ("产出指标", "时效指标", "指标1:维护及时性", "<24小时"),
        ("效益指标", "社会效益指标", "指标1:服务保障民生", "有力保障"),
        ("满意度指标", "服务对象满意度指标", "指标1:提升群众安全感", "≥90%")]


def test_a_list_of_recipients_and_the_form_after_its_caption_are_two_tables(tmp_path: Path):
    """安溪's notice, one cell a line closed by its pipe, each row ended by a line of padding pipes: the 安排表
    of villages and amounts, then 附件2 and the 绩效目标表's caption, then the form. The caption ends the list:
    the form's indicator row (one target per village) is read under its own header, the letter's list of
    attachments announcing the form is no second, missing form, and the excerpt's last cell cut short
    (时效指标 | / 截) is said."""
    def row(*texts: str) -> list[str]:
        return [*(f"{t} |" for t in texts), "|||||||"]

    text = "\n".join([
        "附件:1.2022年省级第七批水利专项资金安排表", "2.2022年省级第七批水利专项资金绩效目标表", "附件1",
        "2022年省级第七批水利专项资金安排表", *row("序号", "乡镇名称", "项目名称", "金额"),
        *row("1", "西坪镇", "尧山村排洪排水工程建设", "20"), *row("2", "桃舟乡", "吾培村前村洋头水圳修复", "15"),
        "附件2", "2022年省级第七批水利专项资金绩效目标表",
        *row("项目名称", "省级第七批水利专项资金", "主管部门(单位)名称", "安溪县水利局"),
        *row("资金情况(万元)", "资金总额", "35"),
        *row("绩效 指标", "一级指标", "二级指标", "三级指标", "指 标 解 释", "西坪镇尧山村", "桃舟乡吾培村"),
        *row("产出 指标", "数量指标", "开展小型水利工程建设(个)", "反映小型水利工程建设项目开展情况", "1", "1"),
        "时效指标 |", "截",
    ])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["开展小型水利工程建设(个)"]
    assert not any("announced" in p for p in parsed.problems)
    tables = [b for b in read_page(tmp_path, text).blocks if isinstance(b, Table)]
    assert tables[-1].cut and any("'截'" in d for d in tables[-1].doubts)


def test_numbered_level_headings_in_the_name_column_of_a_score_table(tmp_path: Path):
    """江苏's 2016 自评 score table, one cell a line between lone pipes: 目标名称 | 目标值 | 评价指标 | 标准值 | 目标完成值
    | 评价指标值 | 权重分值 | 评分规则 | 得分, the levels (一、投入目标, 二、管理目标) written as rows of their own in the
    name column. A numbered level heading does not end the table; the rows below it carry it."""
    cells = ["目标名称", "目标值", "评价指标", "标准值", "目标完成值", "评价指标值", "权重分值", "评分规则", "得分",
             "一、投入目标", *[""] * 8,
             "1.预算投入资金", "6475", "预算完成率", "100%", "6475", "100%", "1", "预算完成率超出正负10%不得分", "1",
             "二、管理目标", *[""] * 8,
             "1.资金管理情况", "专账核算", "项目资金管理要求", "", "专账核算", "项目资金管理要求", "2", "查阅资料", "2"]
    text = "\n".join(line for cell in cells for line in ((cell, "|") if cell else ("|",)))  # a blank cell: a pipe
    parsed = parse_page(tmp_path, text)
    assert [(i.level1_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators] == [
        ("一、投入目标", "1.预算投入资金", "6475", "6475"), ("二、管理目标", "1.资金管理情况", "专账核算", "专账核算")]
