"""Values and names no township meant to write (issue 11, 5 and 10): never an exception, never a
silently wrong number, never a name that prints the same as another but splits a township."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.flows.inbox import local_path, portable_path, readable_name
from jixiao.normalizers.text import clean_cell
from jixiao.normalizers.values import parse_indicator_value

_CN = "零〇一二两三四五六七八九十百千万亿点百分之≥≤＞＜个元万%年月日底前"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40) | st.text(alphabet=_CN, max_size=12))
def test_value_parser_never_raises(text: str):
    value = parse_indicator_value(text, 2024)
    assert value.value_kind in {"number", "percent", "grade", "date", "text"}
    if value.value_kind == "text":
        assert value.value is None


@pytest.mark.parametrize("raw", ["≥零十五个", "≥一亿一个", "≤" + "9" * 326 + "元", "1" + "0" * 5000,
                                 "≥" + "1" * 4301 + "个"])
def test_unparseable_numbers_stay_text_with_a_note(raw: str):
    value = parse_indicator_value(raw, 2024)
    assert value.value_kind == "text" and value.value is None and value.reason


@pytest.mark.parametrize("raw, base", [("≤一亿零五百万元", 1.05e8), ("≤一亿五千万元", 1.5e8), ("≤五百万元", 5e6),
                                       ("\u200f≤5个", 5), ("\u202e≥95%", 95), ("≥1\u200b2个", 12)])
def test_numbers_read_right_despite_magnitudes_and_invisible_marks(raw: str, base: float):
    assert parse_indicator_value(raw, 2024).value_base == pytest.approx(base)


def test_township_names_that_print_the_same_are_one():
    spellings = ["丰登坞镇", "丰登坞\u200b镇", "\u202e丰登坞镇", "丰登坞镇\u00a0", "\ufeff丰登坞镇", "丰登坞镇\u200f"]
    assert {clean_cell(s) for s in spellings} == {"丰登坞镇"}
    assert clean_cell("丰登坞\u00a0镇") == clean_cell("丰登坞 镇") == "丰登坞 镇"


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\0" not in b))
def test_any_byte_name_becomes_storable_text(raw: bytes):
    name, note = readable_name(os.fsdecode(raw))
    name.encode("utf-8")  # storable: JSON, Parquet, PostgreSQL
    assert "\0" not in name
    assert (note is None) == (os.fsdecode(raw) == name)
    path = os.path.join("/inbox", os.fsdecode(raw))
    portable = portable_path(path)
    portable.encode("utf-8")  # Prefect sends task parameters as JSON
    assert local_path(portable) == Path(path)


def test_gbk_name_is_decoded_and_flagged():
    name, note = readable_name(os.fsdecode("绩效目标表.docx".encode("gbk")))
    assert name == "绩效目标表.docx" and "GBK" in note
    assert readable_name("绩效目标表.docx") == ("绩效目标表.docx", None)
    mixed = "石各庄镇/" + os.fsdecode("绩效目标表.docx".encode("gbk"))  # a GBK file in a UTF-8 folder
    assert readable_name(mixed)[0] == "石各庄镇/绩效目标表.docx"
    assert unicodedata.is_normalized("NFC", name)


def test_utf8_mixed_with_big5_is_not_read_as_gbk_mojibake():
    from jixiao.extractors.text import decode_text

    simplified = "一、部门整体绩效目标\n总体绩效目标：完成年度重点工作任务\n"
    traditional = "績效目標：完成年度重點工作任務，提升群眾滿意度\n"
    assert decode_text(simplified.encode() + traditional.encode("big5")) == (simplified + traditional, "utf-8+big5")
    assert decode_text(traditional.encode("big5") * 3) == (traditional * 3, "big5")
    assert decode_text(simplified.encode() + simplified.encode("gbk")) == (simplified * 2, "utf-8+gbk")
    assert decode_text(simplified.encode("gbk") * 3) == (simplified * 3, "gbk")
