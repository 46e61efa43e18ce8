"""One label table (dictionaries/labels.yaml) covers every code the model defines: every value of every
Literal in jixiao/model/codes.py, every error code (with a message saying what the clerk does) and every
rule of checks.yaml; a code without a label stops the load instead of reaching a clerk in English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from jixiao.analysis.labels import UNKNOWN, error_message, label, label_table
from jixiao.dictionaries import DictionaryError, load_dictionary
from jixiao.model.codes import CODED_COLUMNS, codes
from jixiao.model.document import Format, ReadMethod
from jixiao.model.errors import ErrorCode

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_value_of_every_literal_has_a_chinese_label():
    table = label_table()
    assert {Format, ReadMethod, ErrorCode} <= {lit for lits in CODED_COLUMNS.values() for lit in lits}
    for column, literals in CODED_COLUMNS.items():
        for literal in literals:
            for code in get_args(literal):
                assert HAN.search(table[column][code]) or column == "operator", f"{column}: {code}"


def test_every_error_code_has_a_chinese_message_for_the_clerk_and_every_rule_a_label():
    for code in codes("error_code"):
        assert HAN.search(error_message(code)) and error_message(code) != label("error_code", code), code
    rules = load_dictionary("checks")["rules"]
    assert set(label_table()["rule"]) == set(rules) and all(HAN.search(t) for t in label_table()["rule"].values())


def test_unknown_values_read_as_a_dash_and_other_values_as_they_are():
    assert label("status", "failed") == "读取失败" and label("status", None) == UNKNOWN == "—"
    assert label("township", "小岗坊镇") == "小岗坊镇" and label("budget_wan", 1.5) == 1.5


@pytest.mark.parametrize(("old", "new", "named"), [
    ("    timeout: 读取超时\n", "", "error_code: timeout"),
    ("self_evaluation: 绩效自评表", "", "form_kind: self_evaluation"),
    ("  timeout: 读取超时，下次汇总会重试；如仍超时，请乡镇报送 Word 或 PDF 文件\n", "", "error_messages: timeout"),
])
def test_a_code_without_a_label_stops_the_load_and_is_named(own_dictionaries: Path, old: str, new: str, named: str):
    labels = own_dictionaries / "labels.yaml"
    text = labels.read_text(encoding="utf-8")
    assert old in text
    labels.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DictionaryError, match=re.escape(named)):
        label_table()
