"""Units as forms write them (元／村, 万元/人, 平方公里, KM) and the text helpers that fold cells."""

from __future__ import annotations

import pytest

from jixiao.dictionaries import load_dictionary
from jixiao.normalizers.text import clean_cell, compact, fold_with_offsets, match_key, original_span
from jixiao.normalizers.units import normalize_unit

# ----------------------------------------------------------------------------- units

UNITS = {
    "元": ("元", "元", 1, "money"),
    "万元": ("万元", "元", 10000, "money"),
    "亿元": ("亿元", "元", 100000000, "money"),
    "千元": ("千元", "元", 1000, "money"),
    "元／村": ("元/村", "元/村", 1, "money/count"),
    "万元/人": ("万元/人", "元/人", 10000, "money/count"),
    "元/人·月": ("元/人·月", "元/人·月", 1, "money/count·time"),
    "元每人": ("元/人", "元/人", 1, "money/count"),
    "％": ("%", "%", 1, "percent"),
    "人次": ("人次", "人次", 1, "count"),
    "平方公里": ("平方公里", "亩", 1500, "area"),
    "千米": ("公里", "米", 1000, "length"),
    "KM": ("公里", "米", 1000, "length"),
    "千克": ("公斤", "公斤", 1, "weight"),
    "个月": ("月", "月", 1, "time"),
    "日": ("天", "天", 1, "time"),
    "万": ("万", None, 10000, "scale"),
}


@pytest.mark.parametrize("raw", list(UNITS))
def test_normalize_unit(raw: str) -> None:
    info = normalize_unit(raw)
    assert info is not None
    assert (info.unit, info.base_unit, info.factor, info.family) == UNITS[raw]


@pytest.mark.parametrize("raw", ["个", "人", "人次", "次", "件", "户", "村", "场", "期", "处", "辆", "座", "台", "套",
                                 "份", "篇", "家", "项", "批", "所", "倍"])  # fmt: skip
def test_count_units_are_their_own_base(raw: str) -> None:
    info = normalize_unit(raw)
    assert info is not None and (info.unit, info.base_unit, info.factor, info.family) == (raw, raw, 1, "count")


def test_unknown_unit_is_not_guessed() -> None:
    info = normalize_unit("元/株子")
    assert info is not None and (info.unit, info.base_unit, info.factor, info.family) == ("元/株子", None, None, "unknown")
    assert normalize_unit("") is None and normalize_unit(None) is None


def test_every_unit_in_the_dictionary_converts_to_a_unit_of_its_family() -> None:
    for name, entry in load_dictionary("units")["units"].items():
        info = normalize_unit(str(name))
        assert info is not None and info.unit == str(name)
        base = normalize_unit(str(entry["base"]))
        assert base is not None and base.family == info.family and base.factor == 1


# ----------------------------------------------------------------------------- text helpers


def test_text_helpers() -> None:
    assert clean_cell("  经济效益\n 指标 ") == "经济效益 指标"
    assert compact("经济效益\n指标") == "经济效益指标"
    assert match_key("（一）产出目标。") == "产出目标"
    text = "≤1700 元／月"
    folded, offsets = fold_with_offsets(text)
    assert folded == "≤1700元/月"
    assert original_span(text, offsets, folded.index("元"), len(folded)) == "元／月"
