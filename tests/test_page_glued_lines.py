"""Glued rows one to a line: a budget system's page prints the header and each indicator row with their
cells run together, a row a line (重庆's 部门整体 form). Each line is cut by what its columns hold."""

from __future__ import annotations

from pathlib import Path

from conftest import levels_and_values, parse_page, read_page

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
