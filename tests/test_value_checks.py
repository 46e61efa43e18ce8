"""Values as forms write them: periods, placeholders, doubled units, implausible values, any string.

The value parser is a pure function over whatever a clerk typed, so it is also run over arbitrary
strings (hypothesis): it must never raise, and whatever it cannot read stays text with a reason.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.normalizers.value_checks import (NEGATIVE_VALUE, PERCENT_ABOVE_100, PLACEHOLDER, is_placeholder,
                                             strip_template_hints, value_flag)
from jixiao.normalizers.values import parse_indicator_value

VALUE_CHARS = st.sampled_from(list("0123456789.,%‰-~≥≤<>=＞＜（）() 年月日底前后内全当度个人次万元亿*…X×xo○　\t")
                              + ["以上", "以下", "不少于", "不低于", "大于等于", "百分之", "十二", "优", "良好", "完成"])


@pytest.mark.parametrize("text", ["2021年全年", "全年", "当年", "年内", "2024年全年完成"])
def test_periods_are_dates_never_the_year_as_a_number(text: str):
    value = parse_indicator_value(text, 2021)
    assert value.value_kind == "date" and value.value is None
    assert value.due_date is not None and value.due_date.endswith("-12-31")


@pytest.mark.parametrize(("text", "unit", "number"), [("≥95%%", "%", 95), ("≥95% %", "%", 95),
                                                      ("10万元万元", "万元", 10), ("≥95%", "%", 95)])
def test_a_unit_written_twice_counts_once(text: str, unit: str, number: float):
    value = parse_indicator_value(text)
    assert (value.value, value.unit) == (number, unit)


@pytest.mark.parametrize("text", ["……", "…", "**", "(≥**%)", "≥**%", "XX", "XX个", "**万元", "指标1:", "（ ≥** ）"])
def test_placeholders_are_no_value(text: str):
    assert is_placeholder(text)
    value = parse_indicator_value(text, 2024)
    assert value.value is None and value.value_kind == "text" and "placeholder" in value.reason
    assert value_flag(text, None, None, None, "text") == PLACEHOLDER


@pytest.mark.parametrize("text", ["≥90%", "优", "显著改善", "*达标率100%", "-", "X光机10台", "12月底前"])
def test_real_values_are_not_placeholders(text: str):
    assert not is_placeholder(text)


@pytest.mark.parametrize(("name", "clean"), [
    ("游客满意度(≥**%)", "游客满意度"),
    ("贫困地区旅游景点开发数量( ≥**个 )", "贫困地区旅游景点开发数量"),
    ("受益建档立卡贫困人口数≥**人", "受益建档立卡贫困人口数"),
    ("指标1:小区居民满意度(≥**%)", "小区居民满意度"),
    ("★补助鱼塘面积", "补助鱼塘面积"),
    ("乡村旅游带动增加贫困村收入(≥**万元)", "乡村旅游带动增加贫困村收入"),
    ("服务对象满意度(%)", "服务对象满意度(%)"),  # a real unit in brackets is not a hint
])
def test_template_hints_leave_the_name_its_meaning(name: str, clean: str):
    assert strip_template_hints(name) == clean


def test_implausible_values_are_flagged_not_dropped():
    satisfaction = parse_indicator_value("≥290%")
    assert satisfaction.value == 290
    assert value_flag("≥290%", 290, None, "%", "percent", "群众满意度") == PERCENT_ABOVE_100
    assert value_flag("90%-120%", 90, 120, "%", "percent", "项目验收合格率") == PERCENT_ABOVE_100
    assert value_flag("≥150%", 150, None, "%", "percent", "产值同比增长率") is None  # growth may exceed 100%
    count = parse_indicator_value("-5个")
    assert count.value == -5
    assert value_flag("-5个", count.value, None, count.unit, count.value_kind, "受益人口数") == NEGATIVE_VALUE
    assert value_flag("≥95%", 95, None, "%", "percent", "群众满意度") is None


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40) | st.lists(VALUE_CHARS, max_size=12).map("".join), st.none() | st.integers(1990, 2100),
       st.booleans())
def test_value_parser_never_raises_and_explains_text(text: str, year: int | None, money: bool):
    value = parse_indicator_value(text, year, money=money)
    assert value.value_kind in ("number", "percent", "grade", "date", "text")
    if value.value_kind == "text":
        assert value.value is None and value.reason
    if value.value_kind in ("number", "percent"):
        assert value.value is not None
    value_flag(text, value.value, value.value_max, value.unit, value.value_kind, text)
    is_placeholder(text)
    strip_template_hints(text)
