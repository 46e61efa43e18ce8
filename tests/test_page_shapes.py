"""Published text in the shapes real pages took (each seen in a published 绩效目标 form): pipes before,
after or between cells, padding, pages cut mid-cell, two-row block headers, rows that lost their level
cells, traditional characters with glosses, a page's own widgets. Each read as the form was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import filled_slots, levels_and_values, parse_page, read_page


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
    parsed = parse_page(tmp_path, text)
    assert [(p.project_name, p.project_code) for p in parsed.projects] == [("河道保洁经费", None)]
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "完成120公里河道的日常保洁", "120公里"),
                   ("产出指标", "质量指标", "保洁达标率", "≥98%"),
                   ("效益指标", "生态效益指标", "改善河道水质", "是"),
                   ("满意度指标", "服务对象或受益者满意度指标", "沿河居民满意率", "≥90%")]


def test_pipe_rows_with_a_blank_last_cell_stay_under_their_header(tmp_path: Path):
    """A 自评表 copied from a page: every row written out in full, 偏差原因 blank — the rows are not short."""
    doc = read_page(tmp_path, "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 偏差原因 |\n"
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
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "新造林面积(亩)", "3000"), ("产出指标", "数量指标", "修建作业道长度(公里)", "30"),
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
    parsed = parse_page(tmp_path, "\n".join(lines))
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
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [("產(chǎn)出指標(biāo)", "數(shù)量指標(biāo)", "受助學(xué)生數(shù)", "1200人"),
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
    parsed = parse_page(tmp_path, text)
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("农村饮水维修经费", 30.0)]
    got = [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw, i.actual) for i in parsed.indicators]
    assert got == [("产出指标", "数量指标", "维修水厂数", "4个", "4个"), ("产出指标", "质量指标", "验收合格率", "100%", "100%")]


def test_cells_separated_by_lines_holding_one_pipe(tmp_path: Path):
    """`项目名称` / `|` / `某项目` / `|` …: a cell per line with a pipe line between cells (an empty cell
    where two pipes meet), the first cell before the first pipe."""
    cells = ["项目名称", "乡村道路养护经费", "主管部门", "", "年度资金总额", "45万元", "一级指标", "二级指标", "三级指标",
             "指标值", "产出指标", "数量指标", "养护里程", "≧30公里", "质量指标", "路面完好率", "≧90%"]
    lines = [line for cell in cells for line in ([cell, "|"] if cell else ["|"])]
    parsed = parse_page(tmp_path, "说明文字。\n\n" + "\n".join(lines))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("乡村道路养护经费", 45.0)]
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "养护里程", "≧30公里"), ("产出指标", "质量指标", "路面完好率", "≧90%")]


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
    parsed = parse_page(tmp_path, text)
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
    parsed = parse_page(tmp_path, "\n".join(f"{c} |" if c else "|" for c in cells))
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
    read = read_page(tmp_path, text)
    parsed = parse_page(tmp_path, text)
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators][:2] == [("补助人数", ">=101人"), ("及时发放率", ">=100%")]
    assert "补助标准" not in [i.name_raw for i in parsed.indicators]
    assert any("ends inside a table cell" in d for t in read.tables() for d in t.doubts)
    closed = parse_page(tmp_path, text + " |")  # the same row closed by its pipe is read
    assert ("补助标准", cut) in [(i.name_raw, i.value_raw) for i in closed.indicators]
    assert not any(t.doubts for t in read_page(tmp_path, text + " |").tables())


def test_an_operator_column_headed_as_the_value_type(tmp_path: Path):
    """指标值类型 holds ≤ (or 定性, a type and no operator) beside 目标值 and 度量单位: ≤70万元 and 减少."""
    text = "\n".join([
        "项目支出名称 | 卫生监督执法专项 | 部门预算 | 70.00 | ||||",
        "一级指标 | 二级指标 | 三级指标 | 指标值类型 | 目标值 | 度量单位 | 指标值内容 | 备注 |",
        "成本指标 | 经济成本指标 | 执法专项经费 | ≤ | 70 | 万元 | 反映执法专项经费。 | |",
        "成本指标 | 社会成本指标 | 对社会产生的不利影响 | 定性 | 减少 | | 反映不利影响。 | |",
    ])
    parsed = parse_page(tmp_path, text)
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
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "养护里程", "≥40公里"), ("产出指标", "质量指标", "路面完好率", "≥92%"),
                   ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%")]


def test_one_cell_per_line_a_full_second_level_name_without_its_first_level(tmp_path: Path):
    """服务对象满意度指标 after the 效益 rows with no 满意度指标 line of its own: it is the 二级 (its name in full
    is only a 二级), 满意度 the indicator, 90% the target; 其他需说明的问题 after the table ends it."""
    cells = ["项目名称", "雾炮车降尘服务", "一级指标", "二级指标", "三级指标", "指标值", "绩效标准",
             "产出指标", "数量指标", "配备车辆数", "10", "计划标准",
             "效益指标", "社会效益指标", "市民对空气质量改善的满意程度", "85%", "计划标准",
             "服务对象满意度指标", "满意度", "90%", "计划标准", "其他需说明的问题", "主管"]
    parsed = parse_page(tmp_path, "\n\n".join(cells))
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "配备车辆数", "10"),
                                         ("效益指标", "社会效益指标", "市民对空气质量改善的满意程度", "85%"),
                                         ("效益指标", "服务对象满意度指标", "满意度", "90%")]


def test_cells_closed_by_pipes_with_labels_broken_over_lines(tmp_path: Path):
    """One cell per line closed by ` |`, where a label or a name is broken over lines that have no pipe
    (`一级` / `指标 |`, `绩` `效` `指` `标 |`): the broken parts are one cell."""
    cells = ["项目名称", "全民健身赛事", "项目资金\n(万元)", "年度资金总额:", "80.00", "绩\n效\n指\n标", "一级\n指标",
             "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "举办赛事场次", "3场",
             "效益指标", "社会效益指标", "带动群众参与\n全民健身", "明显提升"]
    parsed = parse_page(tmp_path, "\n".join(f"{c} |" for c in cells))
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "举办赛事场次", "3场"),
                                         ("效益指标", "社会效益指标", "带动群众参与全民健身", "明显提升")]
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("全民健身赛事", 80.0)]


def test_two_blocks_side_by_side_whose_rows_lost_merged_cells_in_each_block(tmp_path: Path):
    """二级 | 三级 | 实施周期指标值 | 二级 | 三级 | 当年度指标值: a row that lost its 二级 in both blocks keeps
    name | value twice; each half goes under its own block, so no row is read twice or shifted."""
    text = "\n".join([
        "项目名称 | 物业管理费支出 | 本年度申请市财政预算资金(万元) | 282.92 |",
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 实施周期指标值 | 二级指标 | 三级指标 | 当年度指标值 |",
        "产出指标 | 数量指标 | 物管服务面积 | 2.6万平方米 | 数量指标 | 物管服务面积 | 2.6万平方米 |",
        "质量指标 | 保障工作合格率 | 100% | 质量指标 | 保障工作合格率 | 100% |",
        "任务完成达标率 | 98% | 任务完成达标率 | 99% |",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "物管服务面积", "2.6万平方米"),
                                         ("产出指标", "质量指标", "保障工作合格率", "100%"),
                                         ("产出指标", "质量指标", "任务完成达标率", "99%")]


def test_prose_lines_opening_with_a_second_level_and_reporting_results(tmp_path: Path):
    """数量指标：慰问人数=9人，当年实际完成9人。 with no 一级 heading: each line is an item under its 二级; the
    result beside the target is no item, and a line that states only a result (满意度完成90%) has no target."""
    text = "\n".join([
        "(2)主要绩效目标及完成情况:", "数量指标:慰问人数=9人,当年实际完成9人。", "质量指标:慰问对象年龄均≥100岁。",
        "社会效益指标:政策群众知晓率≥90%,当年实际完成100%。", "服务对象满意度指标:慰问对象满意度完成90%。",
        "项目联系人:江**,联系电话:0591-8392****。"])
    parsed = parse_page(tmp_path, text)
    assert [(i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("数量指标", "慰问人数", "=9人"), ("质量指标", "慰问对象年龄均", "≥100岁"),
        ("社会效益指标", "政策群众知晓率", "≥90%"), ("服务对象满意度指标", "慰问对象满意度", None)]
    assert any("no 指标值" in p for p in parsed.problems)


def test_one_cell_per_paragraph_whose_first_level_cells_were_lost(tmp_path: Path):
    """数量指标 … 时效指标 … then 成本指标 with no 一级 cell read: 成本指标 is a 二级 beside them (not a 一级
    over the 效益 rows after it); 服务对象 / 满意度指标 is one name; the page's QR widget is no row."""
    cells = ["绩效指标", "一级", "指标", "二级指标", "三级指标", "指标值", "全年实际完成值",
             "数量指标", "孤儿助学人数", "12人", "12", "时效指标", "发放及时率", "100%", "100%",
             "成本指标", "资金执行率", "100%", "82%", "社会效益", "指标", "就学水平", "有所提升", "100%",
             "满意度指标", "服务对象", "满意度指标", "政策知晓率", "≥90%", "≥90%", "qrcode", "手机扫码,畅快体验!"]
    parsed = parse_page(tmp_path, "\n\n".join(cells))
    assert levels_and_values(parsed) == [
        (None, "数量指标", "孤儿助学人数", "12人"), (None, "时效指标", "发放及时率", "100%"),
        (None, "成本指标", "资金执行率", "100%"), (None, "社会效益指标", "就学水平", "有所提升"),
        ("满意度指标", "服务对象满意度指标", "政策知晓率", "≥90%")]


def test_a_row_that_lost_its_levels_is_not_completed_by_its_padding(tmp_path: Path):
    """| 保障退休职工人数 | = | 81 | 人 | 说明 | ||| has as many cells as the header only by its padding; it opens
    with a name where the header opens with 一级指标, so it lost its merged levels and goes under them."""
    text = "\n".join([
        "| 部门整体绩效目标 | |||||||",
        "| 一级指标 | 二级指标 | 三级指标 | 计算符号 | 目标值 | 度量单位 | 指标值说明 | |",
        "| 产出指标 | 数量指标 | 保障在职职工人数(人) | = | 116 | 人 | 该指标值数据合理 | |",
        "| 保障退休职工人数(人) | = | 81 | 人 | 该指标值数据合理 | |||",
        "| 保障遗属人数(人) | = | 13 | 人 | 该指标值数据合理 | |||"])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "保障在职职工人数(人)", "=116人"),
                                         ("产出指标", "数量指标", "保障退休职工人数(人)", "=81人"),
                                         ("产出指标", "数量指标", "保障遗属人数(人)", "=13人")]


def test_cells_per_line_with_prefixed_second_levels_and_template_slot_rows(tmp_path: Path):
    """One cell per line, rows opened by `|`: 产出数量 / 产出时效 are 二级 names (the 一级's word in front), so
    a row of words only (考核任务完成及时 | 及时考核 | 未能及时) goes under the name column; a template's
    blank slot (指标2 | | |) and a …… row hold no cell that says where they go, and are left out."""
    rows = [["一级指标", "二级指标", "指标名称", "目标值", "完成值"],
            ["产出指标", "产出数量", "完成培训任务", "12500名", "12166名"],
            ["产出时效", "培训任务完成及时", "2021年底前", "2021年底前"],
            ["考核任务完成及时", "培训结束后及时考核", "未能及时考核"],
            ["指标2", "", ""], ["……", "", ""],
            ["效益指标", "社会效益", "参训学员就业率", "60%及以上", "53.53%"]]
    lines = []
    for row in rows:
        lines += ["|", *[f"{c} |" if c else "|" for c in row], "|" * (6 - len(row))]
    parsed = parse_page(tmp_path, "\n".join(lines))
    assert levels_and_values(parsed) == [
        ("产出指标", "产出数量", "完成培训任务", "12500名"), ("产出指标", "产出时效", "培训任务完成及时", "2021年底前"),
        ("产出指标", "产出时效", "考核任务完成及时", "培训结束后及时考核"),
        ("效益指标", "社会效益", "参训学员就业率", "60%及以上")]


def test_cells_between_pipe_lines_broken_over_several_lines(tmp_path: Path):
    """绩 / 效 / 指 / 标 / | and 一级 / 指标 / |: a cell is every line up to its pipe line, so a label printed
    a character a line is one cell and no character becomes an indicator."""
    cells = ["项目名称", "人工增雨飞机作业项目", "年度资金总额:", "189.8万", "绩\n效\n指\n标", "一级\n指标", "二级指标",
             "三级指标", "指标值", "产\n出\n指\n标", "数量指标", "飞机增雨作业航时", "不少于30小时",
             "质量指标", "作业安全事故率", "0"]
    parsed = parse_page(tmp_path, "\n".join(f"{c}\n|" for c in cells))
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "飞机增雨作业航时", "不少于30小时"),
                                         ("产出指标", "质量指标", "作业安全事故率", "0")]


def test_pipe_rows_that_lost_the_merged_first_level_keep_a_cost_row_under_its_block(tmp_path: Path):
    """成本指标 | 成本控制 | 严格按照预算标准… under a 产出 block's merged 一级 (the copy dropped it): 成本指标 is the
    row's 二级 and 成本控制, a 二级 spelling after it, the row's name."""
    text = "\n".join([
        "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "| | 项目完成指标 | 数量指标 | 扶助家庭户数 | 63户 |",
        "| 时效指标 | 项目实施时间 | 2021年1月-12月 |",
        "| 成本指标 | 成本控制 | 严格按照预算标准1000元/人兑付 |",
        "| 项目效益指标 | 社会效益指标 | 社会稳定和谐发展 | 长期 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("项目完成指标", "数量指标", "扶助家庭户数", "63户"), ("项目完成指标", "时效指标", "项目实施时间", "2021年1月-12月"),
        ("项目完成指标", "成本指标", "成本控制", "严格按照预算标准1000元/人兑付"),
        ("项目效益指标", "社会效益指标", "社会稳定和谐发展", "长期")]


def test_a_full_second_level_name_opening_a_short_pipe_row_is_its_second_level(tmp_path: Path):
    """服务对象满意度指标 | 满意度 | 90% | 计划标准 under a table whose 一级 cell the copy dropped: the full 二级
    name is the 二级 (not a 一级 over a 二级 满意度), and 满意度 the indicator."""
    text = "\n".join([
        "| 年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 绩效标准 |",
        "| | 产出指标 | 数量指标 | 配备车辆数 | 10 | 计划标准 |",
        "| 质量指标 | 服务周期内空气质量 | 优良 | 计划标准 |",
        "| 效益指标 | 社会效益指标 | 市民满意程度 | 85% | 计划标准 |",
        "| 服务对象满意度指标 | 满意度 | 90% | 计划标准 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed)[-1] == ("效益指标", "服务对象满意度指标", "满意度", "90%")


def test_a_template_counter_alone_on_its_pipe_row_is_a_blank_slot(tmp_path: Path):
    """`| 指标2 |`: a template's spare slot whose blank cells the copy dropped; the table goes on below it."""
    text = "\n".join([
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |",
        "| 产出指标 | 数量指标 | 指标1工程资金金额 | 43.2 | 37.24 |",
        "| 指标2 |",
        "| 质量指标 | 指标1工程完工率 | 100 | 100 |",
        "| 指标2 |",
        "| 效益指标 | 社会效益指标 | 指标1学校发展能力 | 100 | 100 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["指标1工程资金金额", "指标1工程完工率", "指标1学校发展能力"]


def test_indicators_printed_as_an_indented_tree(tmp_path: Path):
    """宁夏's 预算管理一体化 批复表 saved from its page: a node a line, its depth its indent (unit, project, 一级,
    二级, indicator), the project's amount and each indicator's target on the next line unindented, blank lines
    between. The levels the depths give are read; the levels are printed once per block."""
    nodes = ["单位:元", "项目", "指标值", "绩效金额", " 石嘴山市疾病预防控制中心", "  狂犬、乙肝、流感等疫苗及美沙酮药物", "3000000",
             "   产出指标", "    时效指标(必填)", "     疫苗提供及时率", "100%", "     对美沙酮维持患者及时给予治疗", "100%",
             "    数量指标(必填硬性指标)", "     疫苗使用率", "100%",
             "   效益指标", "    社会效益指标(必填)", "     满足辖区居民对常用疫苗的需求", "100%", "附件下载:"]
    parsed = parse_page(tmp_path, "\n\n".join(nodes))
    assert levels_and_values(parsed) == [
        ("产出指标", "时效指标(必填)", "疫苗提供及时率", "100%"), ("产出指标", "时效指标(必填)", "对美沙酮维持患者及时给予治疗", "100%"),
        ("产出指标", "数量指标(必填硬性指标)", "疫苗使用率", "100%"), ("效益指标", "社会效益指标(必填)", "满足辖区居民对常用疫苗的需求", "100%")]
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("狂犬、乙肝、流感等疫苗及美沙酮药物", 300.0)]


def test_indented_lines_are_a_tree_only_with_levels_one_depth_apart():
    """Indented lines are a tree only where the 一级 names sit at one depth and the 二级 names one deeper: an
    indented letter, or levels all at one indent, is not one."""
    from jixiao.extractors.text_tree import tree_run

    def numbered(texts: list[str]) -> list[tuple[int, str]]:
        return list(enumerate(texts, start=1))

    letter = ["  各乡镇:", "  产出指标", "  数量指标", "  据实填写", "100%", "  效益指标", "  社会效益指标", "  按时报送", "90%"]
    assert tree_run(numbered(letter)) is None
    tree = ["  产出指标", "   数量指标", "    修缮面积", "100平方米", "    修缮村数", "3个", "   质量指标", "    验收合格率", "100%"]
    found = tree_run(numbered(["各乡镇:", *tree]))
    assert found is not None and found[:2] == (1, 10)


def test_a_table_ruled_with_full_width_or_box_drawing_bars_is_a_pipe_table(tmp_path: Path):
    """｜一级指标｜二级指标｜… (a full-width bar, or │ from a console copy): the rows of a pipe table all the same."""
    for bar in ("｜", "│"):
        text = "\n".join(bar + bar.join(cells) + bar for cells in [
            ["项目名称", "农村道路养护", "", ""], ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "养护里程", "≥40公里"], ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"]])
        parsed = parse_page(tmp_path, text)
        assert levels_and_values(parsed) == [("产出指标", "数量指标", "养护里程", "≥40公里"),
                                             ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%")], bar


def test_pipe_rows_without_outer_pipes_that_repeat_the_row_label(tmp_path: Path):
    """绩效指标 | 一级指标 | … with no pipe at either end, the row label printed again on every row and the last
    cell empty (… | 10 | 10 | ): the label is the merged cell it was, never the rows' 一级."""
    text = "\n".join([
        "绩 效 指 标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 分值 | 偏差原因",
        "绩 效 指 标 | 产出指标 | 数量指标 | 开展精品示范村建设数量 | ≤4 | 10 | ",
        "绩 效 指 标 | 产出指标 | 质量指标 | 美丽宜居自然村庄验收通过率 | ≥95% | 5 | ",
        "绩 效 指 标 | 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 5 | ",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [("产出指标", "数量指标", "开展精品示范村建设数量", "≤4"),
                                         ("产出指标", "质量指标", "美丽宜居自然村庄验收通过率", "≥95%"),
                                         ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%")]
