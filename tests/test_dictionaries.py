"""Dictionaries load when first used, from the folder JIXIAO_DICTIONARIES names at that moment.

A district edits its own copy of the YAML files; tests swap the folder in-process with
monkeypatch.setenv and `clear_dictionary_caches()`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.dictionaries import BUNDLED_DIR, DictionaryError, clear_dictionary_caches, dictionary_dir
from jixiao.normalizers.levels import canonical_level1
from jixiao.normalizers.units import normalize_unit
from jixiao.normalizers.values import money_context, operator_words, parse_indicator_value
from jixiao.normalizers.vocabulary import IndicatorVocabulary


def _append(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_dictionary_is_used_after_a_cache_clear(own_dictionaries: Path):
    """Every cache derived from a dictionary (word tables, regexes, memoised parses) sees the edit."""
    assert dictionary_dir() == own_dictionaries
    before = parse_indicator_value("起码45个")
    assert before.value_kind == "text"  # 起码 is not a comparator yet: nothing is read
    assert canonical_level1("产出类") is None
    assert normalize_unit("台次").known is False
    _append(own_dictionaries / "operators.yaml", "至少, 最少,", "至少, 起码, 最少,")
    _append(own_dictionaries / "levels.yaml", "产出指标: [产出,", "产出指标: [产出, 产出类,")
    clear_dictionary_caches()
    after = parse_indicator_value("起码45个")
    assert (after.operator, after.value, after.unit) == (">=", 45, "个")
    assert operator_words()["起码"] == ">="
    assert canonical_level1("产出类") == "产出指标"


def test_the_shipped_dictionaries_come_back_when_the_swap_ends(own_dictionaries: Path, monkeypatch):
    _append(own_dictionaries / "units.yaml", "spellings: [万元, 萬元]", "spellings: [万元, 萬元, 万圆]")
    clear_dictionary_caches()
    assert normalize_unit("万圆").unit == "万元"
    monkeypatch.delenv("JIXIAO_DICTIONARIES")
    clear_dictionary_caches()
    assert dictionary_dir() == BUNDLED_DIR
    assert normalize_unit("万圆").known is False
    assert normalize_unit("万元").base_unit == "元"


def test_a_missing_dictionary_names_the_file(own_dictionaries: Path):
    (own_dictionaries / "value_words.yaml").unlink()
    clear_dictionary_caches()
    with pytest.raises(DictionaryError, match=r"value_words\.yaml is missing"):
        money_context("资金")
    with pytest.raises(DictionaryError, match=r"value_words\.yaml is missing"):
        parse_indicator_value("优")


def test_importing_reads_no_dictionary(tmp_path: Path):
    """Every module of the package imports with an empty dictionary folder; only the first use needs the files."""
    code = (
        "import importlib, pkgutil\n"
        "roots = ['jixiao', 'jixiao.extractors', 'jixiao.normalizers', 'jixiao.flows', 'jixiao.dictionaries']\n"
        "names = {m.name for r in roots for m in pkgutil.walk_packages(importlib.import_module(r).__path__, r + '.')}\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "import jixiao.normalizers.values\n"
        "print('imported', len(names))\n"
        "from jixiao.dictionaries import DictionaryError\n"
        "try:\n"
        "    jixiao.normalizers.values.parse_indicator_value('≥95%')\n"
        "except DictionaryError as exc:\n"
        "    print('first use:', exc)\n"
    )
    env = {**os.environ, "JIXIAO_DICTIONARIES": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[1]) > 40  # the whole package, not a few modules
    assert re.search(rf"first use: dictionary file {re.escape(str(tmp_path))}/\w+\.yaml is missing", done.stdout)


def test_indicator_vocabulary_is_reloaded(own_dictionaries: Path):
    shipped = IndicatorVocabulary.load().settings.threshold
    path = own_dictionaries / "indicators.yaml"
    path.write_text(re.sub(r"(?m)^threshold: *[0-9.]+", f"threshold: {shipped + 5}", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    assert IndicatorVocabulary.load().settings.threshold == shipped  # cached until cleared
    clear_dictionary_caches()
    assert IndicatorVocabulary.load().settings.threshold == shipped + 5
