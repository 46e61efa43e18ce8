"""Which column a cell of a stream row fills when the page dropped the row's blank cells.

One cell per line, or a table on one line, keeps no blank cells: 开展各种文艺活动场次 | 10 | 20 under
指标名称 | 指标权重 | 计量单位 | 指标性质 | 指标值 has no unit and no operator, and a row's 指标值说明 may be
there or not. Columns whose cells have a shape (an operator, a unit, a weight's number) say where each cell
goes and where the next row starts: at words that fit none of them, followed by the first column's cell.
Columns of words (指标值, 说明) have no shape: nothing is decided by them.
"""

from __future__ import annotations

import re

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.extractors.text_kinds import kind
from jixiao.extractors.text_vocab import fold, level_kind, operator_words, unit_words

_SHAPED = ("op", "unit", "num")
_OPERATOR = re.compile(r"^[≥≤<>=≠＞＜]{1,2}$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?%?$")
_FIGURE = re.compile(r"^[≥≤<>=≠]{0,2}\d")  # a target that is a figure (≥95%, 116), not words
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dictionary_cache
def _operator_cells() -> frozenset[str]:
    return frozenset(fold(w) for w in load_dictionary("text_layout")["stream"]["operator_cells"])


def fits(cell: str, column: str) -> bool:
    """Whether the cell can be one of a shaped column's (an operator, a unit, a number); a column of words
    takes any cell."""
    text = fold(cell)
    if column == "op":
        return bool(_OPERATOR.match(text)) or text in operator_words()[0] or text in _operator_cells()
    if column == "unit":
        return not re.search(r"\d", text) and not _OPERATOR.match(text) and (text in unit_words() or len(text) <= 2)
    if column == "num":
        return bool(_NUMBER.match(text))
    return True


def _words(cell: str) -> bool:
    """Words that fit no shaped column: a name (or a target in words), never a unit, an operator or a figure
    (583元/人*月)."""
    return len(_HAN.findall(fold(cell))) >= 2 and kind(cell) != "number" \
        and not any(fits(cell, k) for k in _SHAPED)


def opens_row(cell: str, after: str | None, tail: list[str]) -> bool:
    """A row's name: words, followed by a cell of the shape of the first column after the names (保障退休职工人数 |
    = | 81, 森林受灾率 | 10 | %): the row before it ended, however few cells it had."""
    return bool(tail) and tail[0] in _SHAPED and after is not None and _words(cell) and fits(after, tail[0])


def skipped(cell: str, tail: list[str], at: int) -> int:
    """How many shaped columns from `at` the cell cannot be, so stand blank before it (有效保障 after a weight:
    no unit, no operator, the target); 0 when it fits none after them either."""
    n = 0
    while at + n < len(tail) and tail[at + n] in _SHAPED and not fits(cell, tail[at + n]):
        n += 1
    return n if at + n < len(tail) else 0


def trailing_text(ahead: list[str], tail: list[str]) -> bool:
    """The next cell is a row's name, the one after it that row's first figure (… | =116 | 人 | 该指标值数据合理 |
    保障退休职工人数 | = | 81): so this cell still belongs to the row before, in a trailing column of text."""
    if len(ahead) < 2 or not tail or level_kind(ahead[0]):
        return False
    figure = (lambda cell: bool(_FIGURE.match(fold(cell)))) if tail[0] == "val" else (  # noqa: E731
        lambda cell: tail[0] in _SHAPED and fits(cell, tail[0]) and not _words(cell))
    return not figure(ahead[0]) and figure(ahead[1])


def apart(tokens: list[str], tail: list[str]) -> list[str]:
    """Cells a line of spaces rejoined as one value (10 %, = 100: text_layouts reads ≥ 95 % as one target) split
    again where the header has a column of their own for the operator or the unit."""
    shaped = [k for k in ("op", "unit") if k in tail]
    if not shaped:
        return tokens
    out: list[str] = []
    for token in tokens:
        parts = token.split()
        own = [p for p in parts if not _NUMBER.match(fold(p))]
        if len(parts) > 1 and own and all(any(fits(p, k) for k in shaped) for p in own):
            out += parts
        else:
            out.append(token)
    return out
