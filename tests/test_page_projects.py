"""A published page's project: a name given only in a notice's quotes or a title, and budgets — a score,
a number inside words, a blank total over its parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import parse_page


def test_a_notice_names_its_project_in_quotes_and_a_score_is_no_budget(tmp_path: Path):
    """关于“…建设项目”预算绩效评价结果的公示 above a table with no 项目名称: the quoted name is the project's.
    预算编制准确度 | 9分 in a score block is a score, not a budget of 9万元."""
    text = "\n".join([
        "关于“2018化学实验教学中心建设项目”", "预算绩效评价结果的公示",
        "一级指标 | 二级指标 | 三级指标 | 预算设定指标值 | 项目完成指标值 |",
        "产出指标 | 数量指标 | 购置仪器设备 | 31台 | 42台 |",
        "满意度指标 | 服务对象满意度指标 | 师生满意度 | ≥95% | ≥95% |",
        "预算绩效评价结果 | 考核节点进度完成率 | 10分 | 预算编制准确度 | 9分 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("2018化学实验教学中心建设项目", None)]
    assert [i.name_raw for i in parsed.indicators] == ["购置仪器设备", "师生满意度"]


@pytest.mark.parametrize(("own", "budget"), [("0.00", 6.3), ("1.20", None)])
def test_a_blank_total_over_its_parts_is_the_fiscal_part_only_when_the_others_are_zero(
        tmp_path: Path, own: str, budget: float | None):
    """年度资金总额 with no figure, then 财政拨款小计 6.30, 自有资金小计 and 其他收入: with the others 0.00 the
    total is 6.30; with any other part above zero it is not guessed (no sum of parts a form did not print)."""
    text = "\n".join([
        "项目支出绩效目标申报表", "项目名称 特困家庭再扶助", "项目资金(万元) 年度资金总额 金额(万元)",
        "(一)财政拨款小计 6.30", "(二)自有资金小计 " + own, "(三)其他收入 0.00",
        "一级指标 | 二级指标 | 三级指标 | 指标值 |", "产出指标 | 数量指标 | 扶助人数 | 63人 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(p.budget_wan, p.fiscal_wan) for p in parsed.projects] == [(budget, 6.3)]


def test_a_number_inside_words_is_no_amount(tmp_path: Path):
    """其中:中央财政补助 | 参见附件1具体金额: the 1 names an attachment, not 1万元 of central money."""
    text = "\n".join(["| 项目名称 | 农村危房改造补助资金 | |", "| 下达资金总额 | | |",
                      "| 其中:中央财政补助 | 参见附件1具体金额 | |",
                      "| 一级指标 | 二级指标 | 三级指标 | 指标值 |", "| 产出指标 | 数量指标 | 危房改造户数 | 应改尽改 |"])
    parsed = parse_page(tmp_path, text)
    assert [(p.budget_wan, p.fiscal_wan) for p in parsed.projects] == [(None, None)]


def test_blank_cells_between_a_label_and_its_value_are_a_merged_cells_padding(tmp_path: Path):
    """| 资金总额 | | | | 3 |: a copy that writes a merged value cell as blank cells before it; the value is
    the first filled cell after the label, a label there (项目联系人) still means the field is empty."""
    text = "\n".join([
        "| 项目名称 | 再生资源回收市场管理经费 | | | | |", "| 项目编号 | | | 项目联系人 | 王** | |",
        "| 资金总额 | | | | 3 | |", "| 其中: 财政拨款数 | | | | 3 | |",
        "| 一级指标 | 二级指标 | 三级指标 | 指标方向 | 目标值 | 计量单位 |",
        "| 产出指标 | 数量指标 | 出差人次 | 正向 | 24 | 人/次 |"])
    parsed = parse_page(tmp_path, text)
    assert [(p.project_name, p.project_code, p.budget_wan, p.fiscal_wan) for p in parsed.projects] == [
        ("再生资源回收市场管理经费", None, 3.0, 3.0)]


def test_pipe_rows_broken_after_their_first_cell_keep_the_budget_beside_its_label(tmp_path: Path):
    """`年度资金总额 |` then `| 32.4 | 31.69 | 10 | 97.80% | 9 |`: the page breaks every row after its first cell,
    and prints five figures under six headings (年初预算数 left blank): the label and its figures are one row."""
    text = "\n".join([
        "项目支出绩效自评表 |", "| ( 2023年度) |",
        "项目名称 | 野生动物收容所建设项目 |",
        "项目资金 (万元) |", "| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |",
        "年度资金总额 |", "| 32.4 | 31.69 | 10 | 97.80% | 9 |",
        "其中:当年财政拨款 |", "| 32.4 | 31.69 | 10 | 97.80% | 9 |",
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |",
        "| 产出指标 | 数量指标 | 野生动物收容所 | ≥200平方米 | 204.46平方米 | 10 | 10 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(p.project_name, p.budget_wan, p.fiscal_wan) for p in parsed.projects] == [
        ("野生动物收容所建设项目", 32.4, 32.4)]


def test_a_glued_list_or_a_quoted_code_names_no_project(tmp_path: Path):
    """会展项目名称 inside a glued list's headings runs on into the list (no name is that long), and a quoted
    code label (直达资金标识为“01中央直达资金”) is no project: the project is said to have no name."""
    text = ("直达资金标识为“01中央直达资金”,请按照直达资金有关规定执行,附件1项目奖励资金分配表序号单位名称会展项目名称"
            "分配金额(万元)1省卫生健康委2021第五届海南国际健康产业博览会5002省贸促会2021第十二届中国国际创意设计推广周54.33"
            "2021中国(海南)国际海洋产业博览会225.6合计2430.3附件2项目绩效目标表主管部门:省商务厅资金总额:2430.30")
    parsed = parse_page(tmp_path, text)
    assert [p.project_name for p in parsed.projects if p.project_name] == []


def test_a_notice_states_the_budget_its_form_left_blank(tmp_path: Path):
    """下达资金总额 blank in the form, the letter above it says 项目资金预算484.45万元: that is the budget. Two
    amounts so stated name no one budget, and none is taken."""
    letter = "根据通知要求,2025年农村危房改造项目资金预算484.45万元提前下达给你们。"
    form = ["2025年农村危房改造补助资金绩效目标表", "| 专项名称 | 农村危房改造补助资金 |", "| 下达资金总额 | |",
            "| 一级指标 | 二级指标 | 三级指标 | 指标值 |", "| 产出指标 | 数量指标 | 改造户数 | ≥120户 |"]
    parsed = parse_page(tmp_path, "\n".join([letter, *form]))
    assert [p.budget_wan for p in parsed.projects] == [484.45]
    (tmp_path / "twice").mkdir()
    twice = parse_page(tmp_path / "twice", "\n".join([letter, "另有预算资金20万元待下达。", *form]))
    assert [p.budget_wan for p in twice.projects] == [None]


def test_a_self_evaluation_report_states_the_money_it_was_given(tmp_path: Path):
    """A 项目绩效自评 report's prose states the money: "本项目累计安排资金10万元" (福建), "共投入…经费预算10441万元"
    (云南) is the project's budget."""
    text = "\n".join(["2023年人才驿站补助资金项目绩效自评报告", "(二)项目财务管理状况本项目累计安排资金10万元,实际支出0万元。",
                      "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |",
                      "| 产出指标 | 数量指标 | 人才驿站组织活动数量 | >=28次 | 40次 |"])
    assert [p.budget_wan for p in parse_page(tmp_path, text).projects] == [10.0]
    (tmp_path / "report").mkdir()
    report = text.replace("本项目累计安排资金10万元", "2022年共投入租机补助经费预算10441万元")
    assert [p.budget_wan for p in parse_page(tmp_path / "report", report).projects] == [10441.0]


def test_a_budget_under_its_heading_beside_the_amount_spent(tmp_path: Path):
    """湖南's 整体支出自评表: 资金情况(万元) | 年初预算资金总额: | 实际投入资金额 | 产生差异的原因 over 合计 | 236 |
    236: the headings are column headings, the budget is the figure under the first."""
    text = "\n".join([
        "| 单位名称 | 某某事务局 | 单位负责人及电话 | 郭某13900000000 |",
        "| 资金情况(万元) | | 年初预算资金总额: | 实际投入资金额 | 产生差异的原因 |",
        "| | 合计 | 236 | 236 | |",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "| 产出指标 | 数量指标 | 管理面积 | =230亩 |",
    ])
    assert [p.budget_wan for p in parse_page(tmp_path, text).projects] == [236.0]


@pytest.mark.parametrize("heading, name", [
    ("3岁以下婴幼儿照护服务项目项目绩效目标", "3岁以下婴幼儿照护服务项目"),
    ("表1:湖北省残疾人事业宣传文化工作经费项目绩效目标", "湖北省残疾人事业宣传文化工作经费项目"),
])
def test_a_heading_over_a_projects_targets_names_the_project(tmp_path: Path, heading: str, name: str):
    """X项目绩效目标 over the indicator table (no 表, a caption's 表1: before it) names the project X项目."""
    text = "\n".join([heading, "一级指标", "二级指标", "指标名称", "指标值", "产出指标", "数量指标", "每千人托位", "4.5"])
    assert [p.project_name for p in parse_page(tmp_path, text).projects] == [name]


def test_forms_one_cell_a_line_headed_by_a_bare_indicator_heading(tmp_path: Path):
    """重庆's 一般性项目绩效目标表 as a page copies it, one cell a line closed by a pipe: 指标 | 指标权重 | 计量单位 |
    指标性质 | 指标值 is the header (指标 heads the names), a 定性 row with its weight is an indicator, the next
    table's number (表十二) ends the table, and the project's name 在职村干部补助 is no 补助 amount."""
    form = [
        "表十二", "", "", "2023年一般性项目绩效目标表(一级项目)", "编制单位:", "101-某某镇", "单位:万元",
        "专项资金名称", "{name}", "业务主管部门", "101-某某镇", "当年预算", "{budget}",
        "当年绩效目标", "按时足额发放", "绩效指标", "指标", "指标权重", "计量单位", "指标性质", "指标值",
        "发放人数", "30", "人", "≥", "{people}", "按时足额发放率", "30", "%", "≥", "95",
        "促进社会和谐", "40", "", "定性", ""]
    cells = [c.format(name="村级公益事业补助", budget="30.5", people="80") for c in form] + \
            [c.format(name="在职村干部补助", budget="9.31", people="25") for c in form]
    parsed = parse_page(tmp_path, "\n".join(f"{c} |" if c else "|" for c in cells))
    assert [(p.project_name, p.budget_wan, p.fiscal_wan) for p in parsed.projects] == [
        ("村级公益事业补助", 30.5, None), ("在职村干部补助", 9.31, None)]
    assert [(i.name_raw, i.value_raw, i.weight) for i in parsed.indicators] == [
        ("发放人数", "≥80人", 30), ("按时足额发放率", "≥95%", 30), ("促进社会和谐", None, 40),
        ("发放人数", "≥25人", 30), ("按时足额发放率", "≥95%", 30), ("促进社会和谐", None, 40)]


def test_a_project_label_on_the_line_before_the_first_lone_pipe(tmp_path: Path):
    """云南's self-evaluation as a page copies it: `项目名称` / `|` / `春节走访慰问经费` / `|` / `||||||||`, each
    later row opened by its label. The first label is its row's first cell, so the project has its name."""
    lines = ["2022年度项目支出绩效自评表", "项目名称", "|", "春节走访慰问经费", "|", "||||||||",
             "主管部门", "|", "某市退役军人事务局", "|", "项目实施单位", "|", "某市退役军人事务局", "|", "||||||",
             "预算执行情况(万元)", "|", "|", "预算数(A)", "|", "执行数(B)", "|", "执行率(B/A)", "|", "得分", "|", "||||",
             "年度财政资金总额", "|", "34.64", "|", "34.64", "|", "100%", "|", "20", "|", "|||||"]
    parsed = parse_page(tmp_path, "\n".join(lines))
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("春节走访慰问经费", 34.64)]


@pytest.mark.parametrize(("amounts", "budget"), [("| 7 | 0 | 7 | 0 | 0 | 0 |", 7.0), ("| 25 | | | | 25 | |", 25.0),
                                                 ("| 7 | 0 | 6 | 0 | 0 | 0 |", None), ("| 2023 | 12 |", None)])
def test_a_total_over_headings_a_page_lost_the_spans_of_is_the_sum_of_its_parts(
        tmp_path: Path, amounts: str, budget: float | None):
    """本年度预计投入(万元) | 财政资金(万元) [中央 | 省级 | 市级 | 本级] | 其他, then 7 | 0 | 7 | 0 | 0 | 0: the
    pipes no longer say which heading spans which, but a first amount that is the sum of the rest is the
    total. Amounts that do not add up are not guessed at."""
    text = "\n".join([
        "| 专项基本情况 | 专项名称 | 雨露计划就学补助项目 | |",
        "| 专项资金情况 | 本年度预计投入(万元) | 财政资金(万元) | 其他 |", "| 中央 | 省级 | 市级资金 | 本级 |", amounts,
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |", "| 产出指标 | 数量指标 | 补助户数 | 101户 |"])
    parsed = parse_page(tmp_path, text)
    assert [(p.project_name, p.budget_wan) for p in parsed.projects] == [("雨露计划就学补助项目", budget)]
