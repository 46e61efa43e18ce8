"""The kind of a cell of published text (a number, an operator, a 一级/二级 name, a short word, text):
what the grid aligns rows by (text_grid) and the run-together stream cuts at (text_stream, text_vocab).
Read from levels.yaml and text_layout.yaml; nothing is interpreted beyond the kind.
"""

from __future__ import annotations

import re
import unicodedata

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.dictionaries.characters import simplified

_NUMBER = re.compile(r"\d")
_COUNTED = re.compile(r"^(?:指标|目标)\d{1,2}[:：.、]")
_OPERATOR_ONLY = re.compile(r"^[≥≤<>=≠~～]{1,2}$")
_SCORE_TAIL = re.compile(r"[(（][^()（）]*[)）]分?$")
_LEVEL_TAIL = re.compile(r"(指标|目标|(?<=[^指目数标])值)$")  # 产出值 / 数量值: a level spelled as normalizers/levels.py reads it
_UNIT_CHARS = 6  # words beside a number that still make it a value: "≤2000元/月", "2024年12月31日前完成"


def cell_key(text: str) -> str:
    """A cell's text for comparing names: width folded, no blanks, read as simplified Chinese, no (50分)
    tail, no trailing 指标."""
    return _key(simplified(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))))


def _key(folded: str) -> str:
    """cell_key of a cell already folded (width, blanks, simplified)."""
    return _LEVEL_TAIL.sub("", _SCORE_TAIL.sub("", folded.lstrip("★*")))


@dictionary_cache
def _level_words() -> tuple[frozenset[str], frozenset[str]]:
    levels = load_dictionary("levels")
    hints = load_dictionary("text_layout")["header_kinds"]
    level1 = {cell_key(name) for name in levels["level1"]}
    level1 |= {cell_key(s) for spellings in levels["level1"].values() for s in spellings or ()}
    level2 = {cell_key(name) for name in levels["level2"]}
    level2 |= {cell_key(s) for entry in levels["level2"].values() for s in entry.get("spellings", ())}
    level1 |= {cell_key(w) for w in hints["level1"]}
    level2 |= {cell_key(w) for w in hints["level2"]}
    return frozenset(level1), frozenset(level2)


@dictionary_cache
def _level1_prefixes() -> tuple[str, ...]:
    return tuple(sorted((w for w in _level_words()[0] if len(w) >= 2), key=len, reverse=True))


def _prefixed_level2(key: str) -> bool:
    """产出数量, 产出时效: a 二级 written after its 一级's word, as normalizers/levels.py reads it."""
    level2 = _level_words()[1]
    return any(key.startswith(p) and key[len(p):] in level2 for p in _level1_prefixes())


@dictionary_cache
def _value_headers() -> frozenset[str]:
    return frozenset(cell_key(w) for w in load_dictionary("text_layout")["header_kinds"]["value"])


def kind(text: str | None) -> str | None:
    """The kind of a cell for alignment: empty, level1, level2, level (either), number, op, short, text."""
    if text is None:
        return None
    folded = simplified(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))  # 60萬(wàn)度: a value, gloss and all
    if not folded:
        return "empty"
    key = _key(folded)
    level1, level2 = _level_words()
    in1, in2 = key in level1, key in level2 or _prefixed_level2(key)
    if in1 or in2:
        return "level" if in1 and in2 else ("level1" if in1 else "level2")
    if key in _value_headers():
        return "number"
    if _OPERATOR_ONLY.match(folded):
        return "op"
    if (counted := _COUNTED.match(folded)) and folded[counted.end():]:
        return "text"  # 指标1:新建道路: a template's numbered name, not a figure
    if _NUMBER.search(folded) and len(re.sub(r"[\d.,，%‰/\-~～≥≤<>=+:：\s]", "", folded)) <= _UNIT_CHARS:
        return "number"
    return "short" if len(folded) <= 3 else "text"


LEVEL_KINDS = frozenset({"level1", "level2", "level"})
