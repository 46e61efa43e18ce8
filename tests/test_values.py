"""指标值 parsing: every written form (numbers, ranges, deadlines, grades, money) and properties; units are in
test_units.py, the seed document and the shared truth in test_values_samples.py."""

from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from jixiao.dictionaries import load_dictionary
from jixiao.normalizers.text import compact
from jixiao.normalizers.units import money_factor
from jixiao.normalizers.values import money_context, operator_words, parse_indicator_value

SHARED = Path(__file__).resolve().parents[2] / "shared"

# (operator, value, unit_raw, unit, value_base, base_unit, value_kind)
NUMBERS = {
    "≥95%": (">=", 95, "%", "%", 95, "%", "percent"),
    "≤1.5万元": ("<=", 1.5, "万元", "万元", 15000, "元", "number"),
    "≤4.85万元": ("<=", 4.85, "万元", "万元", 48500, "元", "number"),
    "≤1700元／月": ("<=", 1700, "元／月", "元/月", 1700, "元/月", "number"),
    "不少于45个": (">=", 45, "个", "个", 45, "个", "number"),
    "＞=95%": (">=", 95, "%", "%", 95, "%", "percent"),
    "＞＝95%": (">=", 95, "%", "%", 95, "%", "percent"),
    ">=95%": (">=", 95, "%", "%", 95, "%", "percent"),
    "=>95%": (">=", 95, "%", "%", 95, "%", "percent"),
    "≥=95%": (">=", 95, "%", "%", 95, "%", "percent"),
    "≥ 95 ％": (">=", 95, "％", "%", 95, "%", "percent"),
    "＞5次": (">", 5, "次", "次", 5, "次", "number"),
    "＜5%": ("<", 5, "%", "%", 5, "%", "percent"),
    "＝100%": ("=", 100, "%", "%", 100, "%", "percent"),
    "<3次": ("<", 3, "次", "次", 3, "次", "number"),
    "大于等于98%": (">=", 98, "%", "%", 98, "%", "percent"),
    "不低于75%": (">=", 75, "%", "%", 75, "%", "percent"),
    "至少2次": (">=", 2, "次", "次", 2, "次", "number"),
    "大于90%": (">", 90, "%", "%", 90, "%", "percent"),
    "超过3场": (">", 3, "场", "场", 3, "场", "number"),
    "不超过6.25万元": ("<=", 6.25, "万元", "万元", 62500, "元", "number"),
    "不高于5%": ("<=", 5, "%", "%", 5, "%", "percent"),
    "小于等于2000元/月": ("<=", 2000, "元/月", "元/月", 2000, "元/月", "number"),
    "低于3%": ("<", 3, "%", "%", 3, "%", "percent"),
    "小于1%": ("<", 1, "%", "%", 1, "%", "percent"),
    "控制在5%以内": ("<=", 5, "%", "%", 5, "%", "percent"),
    "控制在3起以下": ("<=", 3, "起", "起", 3, "起", "number"),
    "达到100%": ("=", 100, "%", "%", 100, "%", "percent"),  # 达到 states the target (the samples' reading)
    "达到95%以上": (">=", 95, "%", "%", 95, "%", "percent"),
    "等于100%": ("=", 100, "%", "%", 100, "%", "percent"),
    "95%以上": (">=", 95, "%", "%", 95, "%", "percent"),
    "5个工作日内": ("<=", 5, "个工作日", "工作日", 5, "工作日", "number"),
    "全年不少于5件": (">=", 5, "件", "件", 5, "件", "number"),
    "100%": ("=", 100, "%", "%", 100, "%", "percent"),
    "12,600元": ("=", 12600, "元", "元", 12600, "元", "number"),
    "≤12,600.5元": ("<=", 12600.5, "元", "元", 12600.5, "元", "number"),
    "不少于十二次": (">=", 12, "次", "次", 12, "次", "number"),
    "两场": ("=", 2, "场", "场", 2, "场", "number"),
    "百分之九十五": ("=", 95, "百分之", "%", 95, "%", "percent"),
    "≤6268元/村": ("<=", 6268, "元/村", "元/村", 6268, "元/村", "number"),
    "≤12600元／村": ("<=", 12600, "元／村", "元/村", 12600, "元/村", "number"),
    "≤6.1万元/人": ("<=", 6.1, "万元/人", "万元/人", 61000, "元/人", "number"),
    "≤249元/季度": ("<=", 249, "元/季度", "元/季度", 249, "元/季度", "number"),
    "≤300元/人·月": ("<=", 300, "元/人·月", "元/人·月", 300, "元/人·月", "number"),
    "≤300元/人/月": ("<=", 300, "元/人/月", "元/人·月", 300, "元/人·月", "number"),
    "1次/月": ("=", 1, "次/月", "次/月", 1, "次/月", "number"),
    "28.8万元": ("=", 28.8, "万元", "万元", 288000, "元", "number"),
    "≥2亿元": (">=", 2, "亿元", "亿元", 200000000, "元", "number"),
    "≤5千元": ("<=", 5, "千元", "千元", 5000, "元", "number"),
    "≥10万人次": (">=", 10, "万人次", "万人次", 100000, "人次", "number"),
    "≥1年": (">=", 1, "年", "年", 1, "年", "number"),
    "≥3公里": (">=", 3, "公里", "公里", 3000, "米", "number"),
    "≥500M": (">=", 500, "M", "米", 500, "米", "number"),
    "≥2吨": (">=", 2, "吨", "吨", 2000, "公斤", "number"),
    "≥30亩": (">=", 30, "亩", "亩", 30, "亩", "number"),
    "≥2公顷": (">=", 2, "公顷", "公顷", 30, "亩", "number"),
    "≥150人次": (">=", 150, "人次", "人次", 150, "人次", "number"),
    "≥2倍": (">=", 2, "倍", "倍", 2, "倍", "number"),
    "≥95%（含）": (">=", 95, "%", "%", 95, "%", "percent"),
    "≥95%。": (">=", 95, "%", "%", 95, "%", "percent"),
    "≥5": (">=", 5, None, None, None, None, "number"),
}


@pytest.mark.parametrize("raw", list(NUMBERS))
def test_number_forms(raw: str) -> None:
    op, value, unit_raw, unit, base, base_unit, kind = NUMBERS[raw]
    parsed = parse_indicator_value(raw, 2024)
    assert (parsed.operator, parsed.value, parsed.unit_raw, parsed.unit) == (op, value, unit_raw, unit)
    assert (parsed.value_base, parsed.base_unit, parsed.value_kind) == (base, base_unit, kind)
    assert parsed.grade is None and parsed.due_date is None and parsed.value_max is None


# (value, value_max, unit, operator)
RANGES = {
    "90%-95%": (90, 95, "%", ">="),
    "90-95%": (90, 95, "%", ">="),
    "90%～95%": (90, 95, "%", ">="),
    "90%~95%": (90, 95, "%", ">="),
    "3至5次": (3, 5, "次", ">="),
    "1.5-2万元": (1.5, 2, "万元", ">="),
}


@pytest.mark.parametrize("raw", list(RANGES))
def test_ranges(raw: str) -> None:
    parsed = parse_indicator_value(raw)
    assert (parsed.value, parsed.value_max, parsed.unit, parsed.operator) == RANGES[raw]


def test_range_rejects_two_units_and_reversed_ends() -> None:
    assert parse_indicator_value("90%-95次").value_kind == "text"
    assert parse_indicator_value("95%-90%").value_kind == "text"


def test_fused_wan_is_money_only_when_the_caller_says_so() -> None:
    money = parse_indicator_value("250万", money=True)
    assert (money.value, money.unit_raw, money.unit, money.value_base, money.base_unit) == (
        250,
        "万",
        "万元",
        2500000,
        "元",
    )
    plain = parse_indicator_value("250万")
    assert (plain.value, plain.unit, plain.value_base, plain.base_unit) == (250, "万", None, None)
    assert plain.reason


def test_money_context_from_row_labels() -> None:
    assert money_context("成本指标", "每村平均发放转移支付资金金额", None)
    assert money_context(None, "办公经费")
    assert not money_context("数量指标", "采购次数", "采购办公用品次数")
    assert not money_context(None, "")


# due date for year 2024
DEADLINES = {
    "2024年底完成": "2024-12-31",
    "2024年12月31日前完成": "2024-12-31",
    "2024年12月31日前": "2024-12-31",
    "2024年12月31日完成": "2024-12-31",
    "2024年12月21日前完成": "2024-12-21",
    "12月底前": "2024-12-31",
    "12月底前完成": "2024-12-31",
    "2024年10月底前完成": "2024-10-31",
    "2024年6月底前完成": "2024-06-30",
    "2月底前": "2024-02-29",
    "年内": "2024-12-31",
    "年底前": "2024-12-31",
    "年底前完成": "2024-12-31",
    "2023年内完成": "2023-12-31",
    "按时": "2024-12-31",
    "按时完成": "2024-12-31",
    "按时发放": "2024-12-31",
    "1-12月": "2024-12-31",
    "2024年1-6月": "2024-06-30",
    "计划2024年底完成": "2024-12-31",
    "2024.12.31": "2024-12-31",
    "2024-06-30": "2024-06-30",
    "2024.10": "2024-10-31",
    "2023.07-2024.01": "2024-01-31",
    "2024年1月-12月": "2024-12-31",
    "2024年1月至6月": "2024-06-30",
    "截至2024年11月30日": "2024-11-30",
    "十二月底前": "2024-12-31",
    "11月30日之前": "2024-11-30",
    "2024年上半年": "2024-06-30",
    "第三季度": "2024-09-30",
    "2024年": "2024-12-31",
    "2024年度": "2024-12-31",
    "9月中旬": "2024-09-20",
}


@pytest.mark.parametrize("raw", list(DEADLINES))
def test_deadlines(raw: str) -> None:
    parsed = parse_indicator_value(raw, 2024)
    assert (parsed.value_kind, parsed.due_date, parsed.operator) == ("date", DEADLINES[raw], "<=")
    assert parsed.value is None and parsed.unit is None


def test_deadline_year_in_the_text_wins_over_the_given_year() -> None:
    assert parse_indicator_value("2023年12月31日前完成", 2024).due_date == "2023-12-31"


def test_deadline_without_any_year_is_a_date_without_due_date() -> None:
    parsed = parse_indicator_value("12月底前", None)
    assert (parsed.value_kind, parsed.due_date) == ("date", None)
    assert "year" in (parsed.reason or "")


def test_on_time_deadline_says_the_date_was_implied() -> None:
    assert "按时" in (parse_indicator_value("按时", 2024).reason or "")


def test_impossible_day_is_not_a_due_date() -> None:
    parsed = parse_indicator_value("2024年2月30日前", 2024)
    assert parsed.due_date is None and parsed.reason


GRADES = {"优": "优", "良": "良", "中": "中", "差": "差", "优秀": "优", "良好": "良", "好": "好", "较好": "较好",
          "一般": "一般", "优良": "优良", "合格": "合格", "达标": "达标", "良好等级": "良", "优级": "优"}  # fmt: skip


@pytest.mark.parametrize("raw", list(GRADES))
def test_grades(raw: str) -> None:
    parsed = parse_indicator_value(raw, 2024)
    assert (parsed.value_kind, parsed.grade, parsed.operator, parsed.value) == ("grade", GRADES[raw], None, None)


@pytest.mark.parametrize(
    "raw",
    ["持续发挥作用", "长期", "长期有效", "逐步改善", "明显改善", "效果明显", "有所提升", "及时", "合规", "应保尽保",
     "按月安排", "一事一议", "≥95%，≥90%", "≥", "", "   ", None, "2024年12月32日前", "3个村级组织全覆盖"],
)  # fmt: skip
def test_unreadable_values_stay_text_with_a_reason(raw: str | None) -> None:
    parsed = parse_indicator_value(raw, 2024)
    assert parsed.value_kind == "text" and parsed.reason
    assert (parsed.operator, parsed.value, parsed.unit, parsed.grade, parsed.due_date) == (None,) * 5


def test_unknown_unit_is_kept_as_written_and_flagged() -> None:
    parsed = parse_indicator_value("≥3台次")
    assert (parsed.value, parsed.unit_raw, parsed.unit, parsed.base_unit) == (3, "台次", "台次", None)
    assert "台次" in (parsed.reason or "")


def test_comparator_words_and_lead_words() -> None:
    assert parse_indicator_value("＞＝ 95%").operator == ">="
    assert (parse_indicator_value("全年不超过3次").operator, parse_indicator_value("全年不超过3次").value) == ("<=", 3)
    assert operator_words()["大于等于"] == ">=" and operator_words()["大于"] == ">"


def test_the_memo_keeps_year_and_money_apart() -> None:
    """Results are memoised per cell text; the year and the money flag are part of what is remembered."""
    assert parse_indicator_value("12月底前", 2024).due_date == "2024-12-31"
    assert parse_indicator_value("12月底前", 2025).due_date == "2025-12-31"
    assert parse_indicator_value("≤250万", money=True).unit == "万元"
    assert parse_indicator_value("≤250万", money=False).unit != "万元"
    assert parse_indicator_value("≤250万", money=True).value_base == 2_500_000


# ----------------------------------------------------------------------------- properties

_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
# The oracle is the YAML itself, read here, not the parser's tables built from it.
_OPERATOR_OF = {compact(str(w)): str(op) for op, words in load_dictionary("operators")["prefix"].items() for w in words}
_COMPARATORS = sorted(_OPERATOR_OF)
_UNITS_YAML = load_dictionary("units")["units"]
_SPELLINGS = sorted((str(s), str(unit)) for unit, entry in _UNITS_YAML.items() for s in [unit, *entry.get("spellings", [])])
_SLASH = load_dictionary("units")["per_unit"]["canonical_slash"]
_NUMERATORS, _DENOMINATORS = ["元", "万元", "次", "人次"], ["人", "村", "户", "月", "季度", "年", "亩"]
assert set(_NUMERATORS + _DENOMINATORS) <= set(_UNITS_YAML)
_PER_UNIT = st.tuples(st.sampled_from(_NUMERATORS), st.sampled_from(["/", "／", "每"]), st.sampled_from(_DENOMINATORS)
                      ).map(lambda t: (t[0] + t[1] + t[2], t[0] + _SLASH + t[2]))  # fmt: skip


def _widen(text: str, mask: list[bool]) -> str:
    """Write some ASCII characters full width, as clerks' input methods do."""
    return "".join(_FULL_WIDTH.get(ch, ch) if wide else ch for ch, wide in zip(text, mask + [False] * len(text)))


@settings(max_examples=400, deadline=None)
@given(
    comparator=st.sampled_from(_COMPARATORS),
    whole=st.integers(min_value=0, max_value=9_999_999),
    decimals=st.one_of(st.just(""), st.integers(min_value=0, max_value=999).map(lambda d: f".{d}")),
    grouped=st.booleans(),
    unit=st.one_of(st.sampled_from(_SPELLINGS), _PER_UNIT),
    wide=st.lists(st.booleans(), max_size=20),
)
def test_written_values_round_trip(
    comparator: str, whole: int, decimals: str, grouped: bool, unit: tuple[str, str], wide: list[bool]
) -> None:
    """Any comparator, number and unit spelling of the dictionaries reads back as the YAML says."""
    spelling, canonical = unit
    number = (f"{whole:,}" if grouped else str(whole)) + decimals
    raw = _widen(comparator + number + spelling, wide)
    parsed = parse_indicator_value(raw, 2024)
    assert parsed.operator == _OPERATOR_OF[comparator], raw
    assert parsed.value == float(number.replace(",", "")), raw
    assert parsed.unit == canonical, raw
    assert compact(parsed.unit_raw) == compact(_widen(spelling, wide[len(comparator + number) :])), raw
    percent = canonical in _UNITS_YAML and _UNITS_YAML[canonical]["family"] == "percent"
    assert parsed.value_kind == ("percent" if percent else "number"), raw


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    form=st.sampled_from(["{y}年{m}月{d}日前完成", "{y}年{m}月{d}日", "{y}.{mm}.{dd}", "{y}-{mm}-{dd}",
                          "{m}月{d}日前", "截至{y}年{m}月{d}日"]),
    month_end=st.sampled_from(["{y}年{m}月底前完成", "{m}月底前", "{y}.{mm}", "{y}年{m}月底"]),
    whole_month=st.booleans(),
)  # fmt: skip
def test_written_dates_round_trip(day: dt.date, form: str, month_end: str, whole_month: bool) -> None:
    fields = {"y": day.year, "m": day.month, "d": day.day, "mm": f"{day.month:02d}", "dd": f"{day.day:02d}"}
    if whole_month:
        raw = month_end.format(**fields)
        expected = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    else:
        raw = form.format(**fields)
        expected = day
    parsed = parse_indicator_value(raw, day.year)
    assert (parsed.value_kind, parsed.due_date, parsed.operator) == ("date", expected.isoformat(), "<="), raw


def test_money_factor_converts_a_budget_unit_line_into_wan() -> None:
    """The parser scales 预算数 by the table's 单位 line with this (units.yaml is the one source)."""
    assert money_factor("元", "万元") == Fraction(1, 10000)
    assert money_factor("千元", "万元") == Fraction(1, 10)
    assert money_factor("億元", "万元") == 10000
    assert money_factor("万", "万元") == 1  # a bare scale in a money context is 万元
    assert money_factor("人", "万元") is None and money_factor("公里", "万元") is None
    assert money_factor(None, "万元") is None


@pytest.mark.parametrize(("raw", "operator", "value", "unit_raw", "unit"), [
    ("小於等於12萬元", "<=", 12.0, "萬元", "万元"),  # a mirror in traditional characters: the unit kept as written
    ("±3%以內", "<=", 3.0, "%", "%"),
    ("大於等於30 %", ">=", 30.0, "%", "%"),
    ("60萬(wàn)度", "=", 60.0, "萬(wàn)度", "万度"),  # pinyin after a character: read past, kept as written
])
def test_a_value_in_traditional_characters_reads_as_its_simplified_twin(raw, operator, value, unit_raw, unit):
    parsed = parse_indicator_value(raw)
    assert (parsed.operator, parsed.value, parsed.unit_raw, parsed.unit) == (operator, value, unit_raw, unit)
