"""Glued rows one to a line: a budget system's page prints the header and each indicator row with their
cells run together, a row a line (重庆's 部门整体 form). Each line is cut by what its columns hold."""

from __future__ import annotations

from pathlib import Path

from conftest import levels_and_values, parse_page, read_page

from jixiao.normalizers.levels import canonical_level2

_HEADER = "绩效指标指标名称指标权重计量单位指标性质指标值"


def _page(rows: list[str], header: str = _HEADER) -> str:
    return "\n".join(["某县某镇2023年部门(单位)整体绩效目标表", "单位:万元", header, *rows,
                      "2023年县级一般性项目绩效目标表"])


def test_each_line_is_a_row_cut_by_its_columns_kinds(tmp_path: Path):
    """Levels glued before a row's name or on a line of their own start their blocks."""
    parsed = parse_page(tmp_path, _page([
        "产出指标",
        "数量指标集镇道路清扫面积20万平方米≥12",
        "质量指标困难群众救助发放及时率20%=100",
        "村级阵地运转保障情况20有效保障",
        "效益指标社会效益指标辖区环境卫生状况改善20明显改善",
        "满意度指标服务对象满意度指标群众满意度20%90",
    ], header="一级指标二级指标三级指标指标权重计量单位指标性质指标值"))
    assert levels_and_values(parsed) == [
        ("产出指标", "数量指标", "集镇道路清扫面积", "≥12万平方米"),
        ("产出指标", "质量指标", "困难群众救助发放及时率", "=100%"),
        ("产出指标", "质量指标", "村级阵地运转保障情况", "有效保障"),
        ("效益指标", "社会效益指标", "辖区环境卫生状况改善", "明显改善"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "90%")]
    assert [i.weight for i in parsed.indicators] == [20, 20, 20, 20, 20]


def test_a_row_whose_figures_cut_two_ways_is_settled_by_the_weights_adding_up(tmp_path: Path):
    """`开展文艺演出场次1530` is weight 15 and target 30, or weight 153 and target 0: only 15 makes the
    weights 100."""
    parsed = parse_page(tmp_path, _page([
        "预算执行率15%=100",
        "开展文艺演出场次1530",
        "森林火灾受害率20%1",
        "农村公路养护里程30公里=86",
        "服务对象满意度20%95",
    ]))
    assert [(i.name_raw, i.value_raw, i.weight) for i in parsed.indicators][1] == ("开展文艺演出场次", "30", 15)


def test_a_row_the_weights_cannot_settle_keeps_its_name_and_says_so(tmp_path: Path):
    text = _page(["预算执行率10%=100", "开展文艺演出场次1530", "农村公路养护里程10公里=86"])
    rows = {i.name_raw: i.value_raw for i in parse_page(tmp_path, text).indicators}
    assert rows["农村公路养护里程"] == "=86公里" and not rows["开展文艺演出场次"]
    assert any("开展文艺演出场次" in d and "more than one way" in d for d in read_page(tmp_path, text).doubts)


def test_a_description_between_name_and_target_is_cut_off_only_where_the_page_shows_it(tmp_path: Path):
    """湖南's 专项资金绩效目标表 glued a row a line: name, 指标内容, 指标值, 绩效标准. The description ends as the name
    does (补助人数 | 实际发放补助的人数), or repeats it; where neither, the row is not read and said."""
    text = "\n".join([
        "专项名称困难群众临时救助资金", "资金总额(万元)", "60",
        "一级指标二级指标三级指标指标内容指标值绩效标准",
        "产出指标数量指标补助人数实际发放补助的人数120人计划标准",
        "质量指标发放准确率补助发放准确率100%行业标准",
        "完成及时率各项工作按时完成100%计划标准",
        "成本指标救助标准救助标准500元/户/次计划标准",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level2_raw, i.name_raw, i.description, i.value_raw) for i in parsed.indicators] == [
        ("数量指标", "补助人数", "实际发放补助的人数", "120人"), ("质量指标", "发放准确率", "补助发放准确率", "100%"),
        ("成本指标", "救助标准", "救助标准", "500元/户/次")]
    assert any("完成及时率各项工作按时完成" in d for d in read_page(tmp_path, text).doubts)


def test_a_target_alone_on_the_line_after_its_row(tmp_path: Path):
    text = "\n".join([
        "部门整体支出项目绩效目标申报表", "部门(单位)名称某县农技推广中心",
        "绩效目标一级指标二级指标三级指标指标解释指标说明及公式预期达到目标",
        "产出指标数量指标推广新品种数量推广新品种数量", "5个",
        "技术培训人次开展农民技术培训人次", "≥300人次",
        "质量指标技术指导到位率技术指导到位率", "100%",
    ])
    assert levels_and_values(parse_page(tmp_path, text)) == [
        ("产出指标", "数量指标", "推广新品种数量", "5个"), ("产出指标", "数量指标", "技术培训人次", "≥300人次"),
        ("产出指标", "质量指标", "技术指导到位率", "100%")]


def test_a_line_of_several_targets_is_no_row_and_a_label_may_open_the_header_line(tmp_path: Path):
    """部门整体支出 年度绩效指标一级指标… (one label before the glued header): rows a line each; a line holding
    several targets (检测1000人次以上,筛查600人次以上) is not cut into a name and its last target, but said."""
    text = "\n".join([
        "2024年某县部门整体支出绩效目标表",
        "部门整体支出 年度绩效指标一级指标二级指标三级指标指标值及单位",
        "产出指标数量指标全年检测次数自愿咨询检测1000人次以上,结核病人筛查600人次以上",
        "免疫规划知识培训次数2次以上",
        "免疫规划知识培训人次200人以上",
        "效益指标社会效益指标传染病报告及时率95%以上",
    ])
    assert [(i.name_raw, i.value_raw) for i in parse_page(tmp_path, text).indicators] == [
        ("免疫规划知识培训次数", "2次以上"), ("免疫规划知识培训人次", "200人以上"), ("传染病报告及时率", "95%以上")]
    assert any("全年检测次数" in d for d in read_page(tmp_path, text).doubts)


def test_an_evaluation_table_with_unnamed_level_columns_a_bare_level_and_a_blank_note(tmp_path: Path):
    """河北's 绩效评价指标表 from a spreadsheet, glued a row a line under 评价指标 | 评价内容 | 指标名称 | 指标说明 |
    目标值 | 分值 | 备注: the two unnamed columns before the name hold the levels, 产出 written bare before
    数量指标 is the 一级, a description opening with 达到 is cut off the name, the blank 备注 does not stop the
    cut. A row whose description has no such word, or whose figures cut two ways, is said."""
    text = "\n".join([
        "2019年度某县高中助学金项目绩效评价指标表",
        "评价指标评价内容指标名称指标说明目标值分值备注",
        "项目年度绩效目标(定量指标)制度指标规章制度建立与否20",
        "产出数量指标享受资助人数达到预计值210010",
        "资金支出率达到目标值95%10",
        "质量指标建档立卡学生全面覆盖100%10",
        "资助对象满意度达到目标值95%以上10",
        "时效指标及时发放率达到目标值100%20",
        "总分",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level1_raw, i.level2_raw, i.name_raw, i.description, i.value_raw) for i in parsed.indicators] == [
        ("产出", "数量指标", "享受资助人数", None, None), ("产出", "数量指标", "资金支出率", "达到目标值", "95%"),
        ("产出", "质量指标", "资助对象满意度", "达到目标值", "95%以上"), ("产出", "时效指标", "及时发放率", "达到目标值", "100%")]
    doubts = read_page(tmp_path, text).doubts
    assert any("建档立卡学生全面覆盖" in d for d in doubts) and any("享受资助人数" in d for d in doubts)


def test_a_page_in_traditional_characters_is_cut_as_simplified_and_given_back_as_written(tmp_path: Path):
    """A mirror republishes the glued form in traditional characters, with pinyin after some (指標(biāo)): the
    vocabulary reads it as the simplified text it was, each cell keeps the characters the page printed."""
    parsed = parse_page(tmp_path, _page([
        "產出指標",
        "數量指標集鎮道路清掃面積20萬平方米≥12",
        "質量指標困難群眾救助發放及時率20%=100",
        "滿意度指標服務對象滿意度指標群眾滿意度20%90",
    ], header="一級指標二級指標三級指標指標(biāo)權重計量單位指標性質指標值"))
    assert levels_and_values(parsed) == [
        ("產出指標", "數量指標", "集鎮道路清掃面積", "≥12萬平方米"),
        ("產出指標", "質量指標", "困難群眾救助發放及時率", "=100%"),
        ("滿意度指標", "服務對象滿意度指標", "群眾滿意度", "90%")]
    assert [canonical_level2(i.level2_raw) for i in parsed.indicators] == ["数量指标", "质量指标", "服务对象满意度指标"]


def test_rows_whose_scoring_rule_runs_into_the_next_row_are_not_cut(tmp_path: Path):
    """湖南's 整体支出绩效目标表 glued: 指标值 | 计量单位 | 指标解释 | 评(扣)分标准 after the name. A row a line, each
    target is the one value after its name; all rows run into one line, a cut at the figures would make the
    scoring rule's end (,扣完为止 / 不计分) the next row's name: no row is stored from such a cut, and it is said."""
    header = "一级指标二级指标三级指标指标值计量单位指标解释评(扣)分标准备注"
    rows = ["产出指标数量指标开展开放日活动次数1通过开放日活动,扩大社会影响力开放日活动次数1次以上计3分,未开展不计分3",
            "开展全院安全排查次数6开展安全排查,保障院内安全安全排查次数6次以上计3分,少于6次不计分3",
            "全院设施设备维修维护覆盖率90%全院设施设备应维尽维维修维护覆盖率90%计3分,每少5%扣1分,扣完为止3"]
    by_line = parse_page(tmp_path, "\n".join(["整体支出绩效目标表", header, *rows]))
    assert [(i.name_raw, i.value_raw) for i in by_line.indicators] == [
        ("开展开放日活动次数", "1"), ("开展全院安全排查次数", "6"), ("全院设施设备维修维护覆盖率", "90%")]
    (tmp_path / "one").mkdir()
    text = "\n".join(["整体支出绩效目标表", header + "".join(rows)])
    assert parse_page(tmp_path / "one", text).indicators == []
    assert any("指标解释" in d for d in read_page(tmp_path / "one", text).doubts)


def test_a_target_followed_by_its_description_and_scoring_rule(tmp_path: Path):
    """湖南's budget system glued a row a line: name, 指标值, 指标值内容, 评(扣)分标准, 度量单位 (-), 指标值类型. The
    target is the one value right after the name; what follows is kept as the row's text, not cut further. The
    header has a space inside it, blank lines stand between the project's line and its rows, a level with no
    indicator prints only -定性, and a target in words (有所减轻) cannot be told from its rule: that row is said."""
    text = "\n".join([
        "2023年项目支出绩效目标表公开",
        "一级指标二级指标三级指标指标值指标值内容评(扣分标准) 度量单位指标值类型备注",
        "505006州民族特殊教育学校30.00", "", "", "",
        "成本指标经济成本指标学生补助标准17元反映学生每天用餐标准按标准发放得10分,每少1元扣1分-定量",
        "社会成本指标", "", "-定性",
        "产出指标数量指标补助学生数量168反映补助学生人数发放到位得10分,每减少1%,扣1分-定量",
        "质量指标伙食补助发放率90%以上实际发放伙食补助金额/应发放伙食补助金额90%得10分,每减少1%扣1分-定量",
        "时效指标任务完成时间2023年12月31日反映该项目完成时间按期完成得10分,每超出10天扣1分-定量",
        "效益指标社会效益指标残疾学生家庭负担率有所减轻对家庭负担减轻情况较大得10分,一般得6分-定性",
    ])
    parsed = parse_page(tmp_path, text)
    assert [(i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators] == [
        ("经济成本指标", "学生补助标准", "17元"), ("数量指标", "补助学生数量", "168"),
        ("质量指标", "伙食补助发放率", "90%以上"), ("时效指标", "任务完成时间", "2023年12月31日")]
    assert parsed.indicators[1].description == "反映补助学生人数发放到位得10分,每减少1%,扣1分-定量"
    assert any("残疾学生家庭负担率" in d for d in read_page(tmp_path, text).doubts)
