"""Glued rows one to a line, cut by the kinds of the header's columns.

Some pages print a form's indicator table with its cells run together but each row on a line of its own
(重庆: "预算执行率10%=100" under "指标名称指标权重计量单位指标性质指标值"; 湖南: "补助人数实际发放解困工资人数
250人计划标准" under "三级指标指标内容指标值绩效标准"), the target sometimes alone on the next line. The line is
the row, so the only question is where its cells meet:
- the figures are cut by what each column holds — a weight is a number, a unit column a unit word (or
  nothing), an operator column an operator (or nothing), the value what is left, a 绩效标准 column a basis
  word (or nothing);
- a description between the name and the target is told from the name only where the page makes it
  plain: the two written the same (机关事务正常运转率机关事务正常运转率), the description ending as the
  name does (补贴覆盖率 | 对符合条件的对象发放解困工资的覆盖率), or opening with a description's word
  (享受资助人数 | 达到预计值). Otherwise the row is not read and said.
A line that cuts two ways ("开展各种文艺活动场次1020": weight 10 and target 20, or weight 102 and target 0)
is settled only by the weights adding up to 100; otherwise its name is kept without values and the doubt
said.
"""

from __future__ import annotations

import itertools
import math
import re

from jixiao.dictionaries import dictionary_cache
from jixiao.extractors.text_stream import Item, ends_table
from jixiao.extractors.text_values import NUMBER, halves, item_pattern
from jixiao.extractors.text_vocab import description_start, is_basis, level_kind, level_names, operator_words, unit_words

_NUM = re.compile(NUMBER)
_DATE = re.compile(r"^\d{4}年")
_DATE_TARGET = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底前|年底|以前|之前|前|底)?")
_CODED = re.compile(r"^\d{5,}")  # a budget code opening a line (a year has four digits)
_EMPTY_ROW = re.compile(r"^[-—/]*(?:定性|定量)?$")  # a level with no indicator: its blank cells' marks (-定性)
_NAMED = re.compile(r"[\u4e00-\u9fff]")
_VALUE_END = re.compile(r"[\d.%‰=≥≤≦≧<>＝＞＜~～\-]$")  # a name never ends inside a figure
# a target inside what would be the name (检测1000人次以上,艾滋病人检测600人次以上): a sentence of targets, no row
_TARGET_INSIDE = re.compile(r"[≥≤≧≦<>＜＞]\s*\d|\d[^\d,，;；]{0,4}(?:以上|以下|以内)")
_TYPED = ("num", "unit", "op", "val", "basis")
_LEVEL_SCORE = re.compile(r"^(?:[(（][\d\-~～.]+分?[)）]分?|[(（]\d+分[)）])")  # 产出指标(50分)
_MIN_NAME = 4  # a name cut off a description is at least this long (完成 | 及时率… is no cut)
_MAX_ROW = 200  # a longer line is prose, not a glued row (and the cuts of a line grow with its length cubed)
_MAX_CELL = 40  # a figure, unit, operator, basis or target cell is never longer
_MOST_COMBINATIONS = 256
_WEIGHTS_TOTAL = 100.0


def _words_at(text: str, pos: int, words: tuple[str, ...]) -> list[int]:
    """Ends of the words at `pos`: the longest one only (a typed cell takes what it can), else none."""
    return next(([pos + len(w)] for w in words if text.startswith(w, pos)), [])


def _is_value(text: str, last: bool) -> bool:
    """A value cell: a figure with its unit, or — in the last slot — words or a date, never words opening with
    a unit (12 | 月已完成: the 月 is 12's)."""
    if item_pattern().match(text):
        return True
    return last and bool(text) and (not re.search(r"\d", text) or bool(_DATE.match(text))) \
        and not text.startswith(unit_words())


def _cuts(text: str, pos: int, slots: tuple[str, ...], free_value: bool = True) -> list[tuple[str, ...]]:
    """Every way text[pos:] fills `slots`, each slot's cell in order; a value in words only when
    `free_value` (nothing before it could have taken its words)."""
    if not slots:
        return [()] if pos == len(text) else []
    slot, rest = slots[0], slots[1:]
    reach = range(pos + 1, min(len(text), pos + _MAX_CELL) + 1)
    if slot == "num":
        ends = [m.end() for k in reach if (m := _NUM.fullmatch(text, pos, k))]
    elif slot in ("unit", "op"):
        ends = _words_at(text, pos, unit_words() if slot == "unit" else operator_words()[0]) or [pos]
    elif slot == "basis":
        ends = [k for k in reach if is_basis(text[pos:k])] + [pos]
    else:
        last = all(s == "basis" for s in rest) and free_value
        ends = [k for k in reach if _is_value(text[pos:k], last)]
    return [(text[pos:end], *tail) for end in ends for tail in _cuts(text, end, rest, free_value)]


def name_apart(text: str) -> tuple[str, str] | None:
    """(name, description) of a name glued to its description, where the page makes the cut plain."""
    if double := halves(text):
        return double
    if (opens := description_start(text, _MIN_NAME)) is not None:
        return text[:opens], text[opens:]  # 享受资助人数 | 达到预计值: a description's first word
    for size in range(len(text) // 2, 1, -1):
        suffix = text[-size:]
        cuts = [k for k in range(_MIN_NAME, len(text) - size) if text[:k].endswith(suffix)]
        if len(cuts) == 1:
            return text[:cuts[0]], text[cuts[0]:]
        if cuts:
            return None
    return None


def row_cuts(line: str, slots: tuple[str, ...], described: bool) -> list[tuple[str, ...]]:
    """(name, cell, …) for each way the line is a name (and its description) followed by its cells."""
    out: list[tuple[str, ...]] = []
    if len(line) > _MAX_ROW or _CODED.match(line):
        return out  # 505006州民族特殊教育学校30.00: a unit's or project's coded line, no indicator
    for start in range(1, len(line)):
        head = line[:start]
        if not _NAMED.search(head) or _VALUE_END.search(head) or _TARGET_INSIDE.search(head):
            continue
        if not (line[start].isdigit() or line.startswith(operator_words()[0], start)):
            continue  # only a figure shows where a name ends (义务教育优质均衡发展情况稳步提高 is not cut)
        out += [(head, *cells) for cells in _cuts(line, start, slots, free_value=not described)]
    return out


def level_end(text: str, pos: int) -> int:
    """End of a 一级/二级 name (with its score) at `pos`, else pos."""
    for name in level_names():
        if text.startswith(name, pos):
            end = pos + len(name)
            score = _LEVEL_SCORE.match(text[end:])
            return end + (score.end() if score else 0)
    return pos


@dictionary_cache
def _bare_level1() -> tuple[str, ...]:
    """The 一级 names without their 指标/目标 (产出, 效益), longest first: asked at every glued line, listed once."""
    bare = {name[:-2] for name in level_names() if level_kind(name) == "level1"}
    return tuple(sorted(bare, key=len, reverse=True))


def _level_items(line: str) -> tuple[list[Item], str]:
    """The 一级/二级 names a line opens with (each with its score), and the rest of the line; a 一级 written
    bare, without its 指标, counts only before a name written in full (产出 | 数量指标 …)."""
    items: list[Item] = []
    bare = next((w for w in _bare_level1() if line.startswith(w) and level_end(line, len(w)) > len(w)), None)
    if bare:
        items.append(("level1", bare))
        line = line[len(bare):]
    while (end := level_end(line, 0)) > 0:
        items.append((level_kind(line[:end]) or "level2", line[:end]))
        line = line[end:]
    return items, line


def _settled(options: list[list[tuple[str, ...]]], weight: int | None) -> list[tuple[str, ...] | None]:
    """One cut per row: the only one, or the one that makes the weights add up to 100; None when unsure."""
    chosen: list[tuple[str, ...] | None] = [o[0] if len(o) == 1 else None for o in options]
    open_rows = [i for i, o in enumerate(options) if len(o) > 1]
    if not open_rows or weight is None or math.prod(len(options[i]) for i in open_rows) > _MOST_COMBINATIONS:
        return chosen
    fixed = sum(float(c[weight]) for c in chosen if c is not None)
    fits = [combo for combo in itertools.product(*(options[i] for i in open_rows))
            if abs(fixed + sum(float(c[weight]) for c in combo) - _WEIGHTS_TOTAL) < 1e-6]
    if len(fits) == 1:
        for i, cut in zip(open_rows, fits[0]):
            chosen[i] = cut
    return chosen


def _layout(tail: list[str]) -> tuple[int, tuple[str, ...], bool] | None:
    """(how many description columns stand between the name and the figures, the figures' slots, whether a
    text column follows them); None when a column between the figures is neither a figure nor a basis. Text
    columns after the last figure (备注, 指标解释, 评分标准) are not cut: where they are blank a row's cells use the
    whole line, else its target is the one value after its name and the text after it goes whole under the
    first of them (target_then_text)."""
    lead = next((i for i, k in enumerate(tail) if k != "text"), len(tail))
    end = max((i + 1 for i, k in enumerate(tail) if k != "text"), default=lead)
    slots = tuple(tail[lead:end])
    if "val" in slots and all(s in _TYPED for s in slots):
        return lead, slots, lead == 0 and end < len(tail) and all(s in ("op", "val", "unit") for s in slots)
    target = tuple(itertools.takewhile(lambda k: k in ("op", "val", "unit"), tail))  # 指标值 | 指标值内容 | … | 单位
    return (0, target, True) if "val" in target and len(target) < len(tail) else None


def target_then_text(line: str) -> tuple[str, str, str] | None:
    """(name, target, text) of a row whose target is followed by text columns (湖南's budget system: 补助学生数量
    | 168 | 反映补助学生人数 | 发放到位得10分 … | - | 定量): the target is the one value at the line's first figure
    or comparator after a name of at least four characters, the text after it is left whole. None where that
    figure is a score (得10分), no value or date starts there, no text follows it, or the name holds a figure
    (the first figure may then be the name's own: no safe cut)."""
    for start in range(_MIN_NAME, len(line)):
        if line[start].isdigit() or line.startswith(operator_words()[0], start):
            break
    else:
        return None
    head = line[:start]
    if not _NAMED.search(head) or _VALUE_END.search(head) or re.search(r"\d", head) or head.endswith(("得", "扣")):
        return None
    date = _DATE_TARGET.match(line, start)
    end = date.end() if date else next((k for k in range(min(len(line), start + _MAX_CELL), start, -1)
                                        if item_pattern().match(line[start:k])), None)  # the longest value there
    if end is None or not _NAMED.match(line[end:end + 1]) or line.startswith("分", end):
        return None
    return head, line[start:end], line[end:]


def _row(head: str, cells: tuple[str, ...], lead: int) -> list[str] | None:
    """The row's cells: the name, its description columns, its figures; None when the name cannot be told
    from its description."""
    if not lead:
        return [head, *cells]
    apart = name_apart(head)
    return [apart[0], apart[1], *[""] * (lead - 1), *cells] if apart else None


def line_items(lines: list[str], tail: list[str]) -> tuple[list[Item], int, list[str]] | None:
    """Items (levels, rows) of glued rows one to a line, how many lines they use, and doubts; None when the
    header's columns do not say how to cut a line, or most lines before the table's end are no row."""
    layout = _layout(tail)
    if layout is None:
        return None
    lead, slots, text_after = layout
    weight = 1 + slots.index("num") if "num" in slots else None
    placed: list[Item | int] = []  # levels, and the index into `options` of each row
    options: list[list[tuple[str, ...]]] = []
    doubts: list[str] = []
    unread = 0
    i = 0
    while i < len(lines) and not ends_table(lines[i]) and not lines[i].startswith(("单位:", "单位：")):
        levels, rest = _level_items(lines[i])
        placed += levels
        i += 1
        if _EMPTY_ROW.match(rest):
            continue
        if text_after and (cut := target_then_text(rest)):
            # the target (operator, value and unit in one) under the value column, the text after it whole
            cuts = [(cut[0], *(cut[1] if s == "val" else "" for s in slots), cut[2])]
        else:
            cuts = row_cuts(rest, slots, described=lead > 0)
        if not cuts and i < len(lines) and (below := _cuts(lines[i], 0, slots, free_value=False)):
            cuts, i = [(rest, *cells) for cells in below], i + 1  # the target alone on the next line
        placed.append(len(options))
        options.append(cuts or [(rest,)])  # no figure to cut at: the line is the name, as glued_blocks keeps it
        unread += not cuts
    if len(options) - unread < 2 or 2 * unread > len(options):
        return None
    chosen = _settled(options, weight)
    items: list[Item] = []
    for entry in placed:
        if not isinstance(entry, int):
            items.append(entry)
        elif (cut := chosen[entry]) is None:
            heads = {c[0] for c in options[entry]}
            name = heads.pop() if len(heads) == 1 else None  # the name is certain only when every cut shares it
            if name and lead:
                name = apart[0] if (apart := name_apart(name)) else None
            items += [("row", [name])] if name else []
            doubts.append(f"indicator row '{name or ''.join(options[entry][0])[:30]}': its figures cut more than one "
                          f"way into its columns — {'its values are' if name else 'it is'} not read")
        elif len(cut) == 1 and (lead or re.search(r"\d", cut[0])) and (entry < len(options) - 1 or text_after):
            # figures no column takes, or a description with its target in words: no safe name
            doubts.append(f"indicator row '{cut[0][:30]}': its target could not be told from its name — not read")
        elif len(cut) == 1:
            items.append(("row", list(cut)))  # words only (its target in words), or the page cut inside it
        elif (row := _row(cut[0], cut[1:], lead)) is not None:
            items.append(("row", row))
        else:
            doubts.append(f"indicator row '{cut[0][:30]}': its name and description run together with nothing "
                          "to show where one ends — not read")
    return items, i, doubts
