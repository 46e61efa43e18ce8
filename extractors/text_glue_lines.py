"""Glued rows one to a line, cut by the kinds of the header's columns.

Some budget systems print a form's indicator table with its cells run together but each row on a line of
its own (重庆: "预算执行率10%=100" under "指标名称指标权重计量单位指标性质指标值"). The line is the row, so
the only question is where its cells meet: the name is the text before the figures, and the figures are
cut by what each column holds — a weight is a number, a unit column a unit word (or nothing), an
operator column an operator (or nothing), the value what is left. A line that cuts two ways
("开展各种文艺活动场次1020": weight 10 and target 20, or weight 102 and target 0) is settled only by the
weights adding up to 100; otherwise its name is kept without values and the doubt said.
"""

from __future__ import annotations

import itertools
import math
import re

from jixiao.extractors.text_stream import FORM_TITLE, Item
from jixiao.extractors.text_values import item_pattern
from jixiao.extractors.text_vocab import is_footer, is_total, level_kind, level_names, operator_words, unit_words

_NUM = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_DATE = re.compile(r"^\d{4}年")
_VALUE_END = re.compile(r"[\d.%‰=≥≤<>＝＞＜~～\-]$")  # a name never ends inside a figure
_NAMED = re.compile(r"[\u4e00-\u9fff]")
_TYPED = ("num", "unit", "op", "val")
_MOST_COMBINATIONS = 256
_WEIGHTS_TOTAL = 100.0


def _words_at(text: str, pos: int, words: tuple[str, ...]) -> list[int]:
    """Ends of the words at `pos`: the longest one only (a typed cell takes what it can), else none."""
    return next(([pos + len(w)] for w in words if text.startswith(w, pos)), [])


def _is_value(text: str, last: bool) -> bool:
    if item_pattern().match(text):
        return True
    return last and bool(text) and (not re.search(r"\d", text) or bool(_DATE.match(text)))


def _cuts(text: str, pos: int, slots: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every way text[pos:] fills `slots` (num, unit, op, val), each slot's cell in order."""
    if not slots:
        return [()] if pos == len(text) else []
    slot, rest = slots[0], slots[1:]
    if slot == "num":
        ends = [m.end() for k in range(pos + 1, len(text) + 1)
                if (m := _NUM.fullmatch(text, pos, k))]
    elif slot in ("unit", "op"):
        words = unit_words() if slot == "unit" else operator_words()[0]
        ends = _words_at(text, pos, words) or [pos]
    else:
        ends = [k for k in range(pos + 1, len(text) + 1) if _is_value(text[pos:k], last=not rest)]
    return [(text[pos:end], *tail) for end in ends for tail in _cuts(text, end, rest)]


def row_cuts(line: str, slots: tuple[str, ...]) -> list[tuple[str, ...]]:
    """(name, cell, …) for each way the line is a name followed by its row's cells."""
    out = []
    for start in range(1, len(line)):
        name = line[:start]
        if not _NAMED.search(name) or _VALUE_END.search(name) or not (line[start].isdigit() or slots[0] != "num"):
            continue
        out += [(name, *cells) for cells in _cuts(line, start, slots)]
    return out


def _ends_table(line: str) -> bool:
    return is_footer(line) or is_total(line) or bool(FORM_TITLE.search(line)) or line.startswith(("单位:", "单位："))


def _level_items(line: str) -> tuple[list[Item], str]:
    """The 一级/二级 names a line opens with, and the rest of the line."""
    items: list[Item] = []
    while True:
        name = next((n for n in level_names() if line.startswith(n)), None)
        if name is None or (kind := level_kind(name)) is None:
            return items, line
        items.append((kind, name))
        line = line[len(name):]


def _settled(options: list[list[tuple[str, ...]]], weight: int | None) -> list[tuple[str, ...] | None]:
    """One cut per row: the only one, or the one that makes the weights add up to 100; None when unsure."""
    chosen: list[tuple[str, ...] | None] = [o[0] if len(o) == 1 else None for o in options]
    open_rows = [i for i, o in enumerate(options) if len(o) > 1]
    if not open_rows or weight is None:
        return chosen
    if math.prod(len(options[i]) for i in open_rows) > _MOST_COMBINATIONS:
        return chosen
    fixed = sum(float(c[weight]) for c in chosen if c is not None)
    fits = [combo for combo in itertools.product(*(options[i] for i in open_rows))
            if abs(fixed + sum(float(c[weight]) for c in combo) - _WEIGHTS_TOTAL) < 1e-6]
    if len(fits) == 1:
        for i, cut in zip(open_rows, fits[0]):
            chosen[i] = cut
    return chosen


def line_items(lines: list[str], slots: list[str]) -> tuple[list[Item], int, list[str]] | None:
    """Items (levels, rows) of glued rows one to a line, how many lines they use, and doubts; None when the
    header's columns are not all typed or a line before the table's end is neither a level nor a row."""
    if not slots or any(s not in _TYPED for s in slots) or "val" not in slots:
        return None
    weight = slots.index("num") + 1 if "num" in slots else None
    placed: list[Item | int] = []  # levels, and the index into `options` of each row
    options: list[list[tuple[str, ...]]] = []
    used = 0
    for line in lines:
        if _ends_table(line):
            break
        levels, rest = _level_items(line)
        cuts = row_cuts(rest, tuple(slots)) if rest else []
        if rest and not cuts:
            return None
        placed += levels
        if cuts:
            placed.append(len(options))
            options.append(cuts)
        used += 1
    if len(options) < 2:
        return None
    chosen = _settled(options, weight)
    items: list[Item] = []
    doubts = []
    for entry in placed:
        if not isinstance(entry, int):
            items.append(entry)
        elif (cut := chosen[entry]) is not None:
            items.append(("row", list(cut)))
        else:
            name = options[entry][0][0]
            items.append(("row", [name]))
            doubts.append(f"indicator row '{name}': its figures cut more than one way into its columns — its "
                          "values are not read")
    return items, used, doubts
