"""Which rows of a published page's indicator table are indicators: a level heading across a row, a total
and the form's tail under it, a table's end and rows after it, shifted rows, scoring rules, page widgets.
Pages are read as the text reader reads a saved web page (conftest.read_page)."""

from __future__ import annotations

from pathlib import Path

from conftest import levels_and_values, parse_page

from jixiao.model.document import Document, Table
from jixiao.parsing.structure import parse_document


def test_a_heading_is_not_merged_down_over_rows_that_lost_their_level_cells(tmp_path: Path):
    """Rows right under 一级指标 | 二级指标 | 三级指标 | 指标值 that kept only name | value (the page lost their
    merged level cells): the headings are not their levels; the rows are read without, and said."""
    text = "\n".join([
        "| 项目名称 | 养殖场基础设施建设 |", "| 年度资金总额 | 50万元 |",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "| 新增特色产业数量 | ≥1个 |", "| 养殖动物成活率 | ≥95% |",
        "| 时效指标 | 开工时限 | 2021年7月 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed)[:2] == [(None, None, "新增特色产业数量", "≥1个"), (None, None, "养殖动物成活率", "≥95%")]
    assert any("no 二级指标" in p for p in parsed.problems)


def test_a_policy_pages_widgets_after_the_table_are_not_rows(tmp_path: Path):
    """文件下载 / 政策咨询 / 如果您对该政策文件有疑问… / 标签: under the form, one cell per line like its cells."""
    cells = ["项目名称", "乡村道路维护", "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标",
             "维护道路里程", "≥20公里", "质量指标", "验收合格率", "100%", " ", " ", "文件下载", "政策咨询",
             "如果您对该政策文件有疑问,可以拨打标题上方的电话咨询相关部门。", "标签:"]
    text = "\n\n".join(f"    {c}" for c in cells)  # one cell per line between blank lines, as a page gives them
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["维护道路里程", "验收合格率"]
    assert not any("文件" in (g.text or "") for g in parsed.goals)


def test_a_level_heading_across_the_row_goes_on_and_rows_after_a_tables_end_are_said(tmp_path: Path):
    """A 一级 with nothing under it printed across the row (成本指标 alone) does not end the table: the rows
    after it are read. A line across the table that is no level does end it, and level rows after it with a
    target are counted in the problems, never dropped unsaid."""
    rows = ["| 项目名称 | 实验室改造 | | |", "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
            "| 产出指标 | 数量指标 | 改造实验室 | 2间 |", "| 成本指标 |",
            "| 满意度指标 | 服务对象满意度指标 | 师生满意度 | ≥95% |"]
    parsed = parse_page(tmp_path, "\n".join(rows))
    assert [i.name_raw for i in parsed.indicators] == ["改造实验室", "师生满意度"]
    rows[3] = "| 以下为本年度新增的考核内容 |"
    parsed = parse_page(tmp_path, "\n".join(rows))
    assert [i.name_raw for i in parsed.indicators] == ["改造实验室"]
    assert any("after the end of an indicator table" in p and "师生满意度" in p for p in parsed.problems)


def test_a_row_whose_name_is_a_bare_figure_is_set_aside_and_said(tmp_path: Path):
    """产出指标 | 数量指标 | 90% | 计划标准: a figure where the name belongs means the row's cells are out of their
    columns; it is not stored with 90% as its name, and the document says so."""
    text = "\n".join(["| 项目名称 | 降尘服务 | | |", "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
                      "| 产出指标 | 数量指标 | 配备车辆数 | 10辆 |", "| 产出指标 | 质量指标 | 90% | 计划标准 |"])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["配备车辆数"]
    assert any("90%" in p for p in parsed.problems)


def test_a_scoring_rule_alone_in_an_empty_rows_name_column_is_no_indicator(tmp_path: Path):
    """经济效益指标 | 未达指标值酌情扣分, the rest blank: the template's scoring rule slid into the name column
    of an empty 二级 row; it is not stored as an indicator, and the document says a row was set aside."""
    text = "\n".join([
        "| 项目名称 | 价格认定业务 | | |", "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "| 产出指标 | 数量指标 | 业务工作支出安排金额 | 28.8万元 |",
        "| 效益指标 | 经济效益指标 | 未达指标值酌情扣分 | |",
        "| 效益指标 | 社会效益指标 | 保证单位正常运转 | 应保尽保 |"])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["业务工作支出安排金额", "保证单位正常运转"]
    assert any("未达指标值酌情扣分" in p for p in parsed.problems)


def test_the_rows_after_a_total_are_the_forms_tail_not_indicators(tmp_path: Path):
    """总分(100分) | 100 | 自评等级 | 优, then 偏差原因分析 | 无 and 改进措施 | 无 under it: a total ends the
    indicators (its bracketed score is still a total); a title of only a year and form words names no project."""
    text = "\n".join([
        "2022年度项目支出绩效自评表",
        "| 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 |",
        "| 产出指标(60分) | 数量指标 | 慰问优抚对象 | 150人 | 150人 | 20 |",
        "| 满意度指标(10分) | 服务对象满意度指标 | 优抚对象满意度 | 100% | 100% | 10 |",
        "| 总分(100分) | 100 | 自评等级 | 优 | | |",
        "| | | 偏差大或目标未完成原因分析 | 无 | | |",
        "| | | 改进措施及结果应用方案 | 无 | | |"])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["慰问优抚对象", "优抚对象满意度"]
    assert [p.project_name for p in parsed.projects] == [None]


def test_indicators_listed_in_the_cell_beside_their_levels_label(tmp_path: Path):
    """产出指标 | 开展巡查频次8次;编制资料3个;验收合格率≥86%。: a level's label cell and its indicators listed in
    the next cell, each with its value; a phrase with no figure is its own target."""
    text = "\n".join([
        "| 项目名称 | 全市文物保护专项经费 | |",
        "| 年度绩效总目标 | 产出指标 | 开展文物安全巡查频次8次;编制文物宣传资料数量3个;文物保护项目验收合格率≥86%。 |",
        "| 效益指标 | 文物保护宣传覆盖人次≥20万人次;文物保护名录基本健全;文物保护修缮个数≥5个。 | |",
        "| 资金拨付对象 | 市文化和旅游局 | |"])
    parsed = parse_page(tmp_path, text)
    assert levels_and_values(parsed) == [
        ("产出指标", None, "开展文物安全巡查频次", "8次"), ("产出指标", None, "编制文物宣传资料数量", "3个"),
        ("产出指标", None, "文物保护项目验收合格率", "≥86%"), ("效益指标", None, "文物保护宣传覆盖人次", "≥20万人次"),
        ("效益指标", None, "文物保护名录基本健全", "文物保护名录基本健全"), ("效益指标", None, "文物保护修缮个数", "≥5个")]


def test_a_blocks_subtotal_does_not_end_the_indicators(tmp_path: Path):
    """产出指标 … | 小计 | 30 | then 效益 rows whose level cells are merged from a row above the 小计: a
    subtotal closes a block, not the table, so the rows after it are read."""
    text = "\n".join([
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 |",
        "| 产出指标 | 数量指标 | 培训人次 | ≥300人次 | 20 |",
        "| | | 小计 | | 20 |",
        "| | | 培训合格率 | ≥95% | 10 |"])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["培训人次", "培训合格率"]


def test_a_code_under_a_level_column_is_a_shifted_row(tmp_path: Path):
    """505006 | 学生伙食费 | 30.00 under 二级 | 三级 | 指标值: a unit code and a project's amount, no indicator."""
    text = "\n".join([
        "一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "| 505006 | 州民族特殊教育学校 | 30.00 |",
        "产出指标 | 数量指标 | 补助学生数量 | 168人 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.name_raw, i.value_raw) for i in parsed.indicators] == [("补助学生数量", "168人")]


def test_a_level_heading_of_its_own_spelling_or_a_vertical_labels_piece_is_no_indicator():
    """实施效果指标 alone in the name column (a 发改 form's 一级 heading the vocabulary does not list), and 指 | 标
    (the pieces of a label printed a character a cell): said, never stored as indicators."""
    table = Table.from_rows([["一级指标", "二级指标", "三级指标", "指标值"],
                             ["", "", "实施效果指标", ""],
                             ["产出指标", "数量指标", "改造户数", "≥120户"],
                             ["", "", "指", "标"],
                             ["效益指标", "社会效益指标", "住房安全保障", "明显改善"]])
    parsed = parse_document(Document(format="docx", blocks=[table]))
    assert [i.name_raw for i in parsed.indicators] == ["改造户数", "住房安全保障"]


def test_rows_cut_into_the_wrong_columns_are_set_aside_and_said(tmp_path: Path):
    """A PDF's text layer or an OCR run cut into a 自评表's columns wrongly: words under 得分 (受目的国受), a dated
    deadline read as a name (12月底之前完成), a report's sentences read as a name. None is stored; each is said."""
    narrative = ("在准备开始建设时,发现原计划建设内容不适合现状。经咨询生态环境部和省生态环境厅,可以结合工作实际对项目建设内容进行适当调整。"
                 "2021年8月起,我们重新组织编制了实施方案,并报上级部门审核同意后开始实施,目前已按进度完成建设任务。")
    text = "\n".join([
        "| 项目名称 | 服务贸易发展资金 |",
        "| 一级指标 | 二级指标 | 三级指标 | 年初目标值 | 实际完成值 | 分值 | 得分 |",
        "| 产出指标 | 数量指标 | 服务外包离岸(万美元) | 4500 | 4557.51 | 10 | 10 |",
        "| | 质量指标 | 企业国际质量提升 | 获得目的国 | 受众欢迎 | 10 | 受目的国受 |",
        "| | 时效指标 | 12月底之前完成 | 1 | 1 | 10 | 10 |",
        f"| 效益指标 | 社会效益指标 | {narrative} | 有效 | 有效 | 10 | 10 |",
        "| 满意度指标 | 服务对象满意度指标 | 企业满意度 | ≥90% | 95% | 10 | 10 |",
    ])
    parsed = parse_page(tmp_path, text)
    assert [i.name_raw for i in parsed.indicators] == ["服务外包离岸(万美元)", "企业满意度"]
    said = " ".join(parsed.problems)
    assert "企业国际质量提升" in said and "12月底之前完成" in said and "在准备开始建设时" in said
