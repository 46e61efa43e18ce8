"""Indicator lists written as prose: a 公示 that sets its targets out under level headings.

    一、 产出指标
    数量指标：★补助种植数量(≥**株)>=17600株；种植作物成活率(≥**%)>=85；时效指标：完成及时率>=100%。
    二、 效益指标
    经济效益指标：特色产业产值≥80万元,增加收入≥80万元；生态效益指标：生态修复功能提高。

A list starts at a line that is only a 一级 name (numbered or not) and goes on while its lines carry a
二级 name followed by a colon or comma; within a 二级 part, items end at ；/。 or at a comma right after a
value. An item's value is the operator, number and unit it ends with; an item with no number is a
qualitative target whose words are both its name and its value (生态修复功能提高). A 二级 name may also
head lines of its own, each line then its items:

    一、产出指标
    （一）数量指标
    设施温棚种植人员（县内培训）≧300人；
    （三）时效指标
    完成时限，2025年10月底前；

where a comma parts a name from a target written in words. A line may also open with its 二级 and a
colon, with no 一级 heading above it, and report the result beside the target:

    数量指标：慰问人数=9人，当年实际完成9人。
    服务对象满意度指标：慰问对象满意度完成90%。

the result (当年实际完成9人) is no item, and an item that states only a result has no target. A
table cell may hold such a list beside its level's label cell (产出指标 | 开展巡查频次8次;编制资料3个。).
A budget system's notice brackets both levels over numbered items, each target in brackets:

    【产出指标-数量指标】
    指标1:机柜数量(≥77台)

Nothing else in the text is read this way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.dictionaries.characters import simplified_spans, written_span
from jixiao.normalizers.levels import canonical_level1, canonical_level2, level_spellings, parent_level1
from jixiao.normalizers.text import compact

_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．])\s*")
_OPERATOR = r"(?:>=|<=|≥|≤|≧|≦|>|<|=|＞=|＜=|不低于|不少于|不高于|不超过|大于等于|小于等于|大于|小于|达到)"
# what an item ends with when it states a number: ≥80万元, >=85, ≤28.40/株, 100%, 2280次
_VALUE = re.compile(_OPERATOR + r"?\s*-?\d+(?:\.\d+)?\s*(?:%|‰|[^\s\d;；。,，、()（）≥≤<>=*]{1,6})?$")
_VALUE_BEFORE_COMMA = re.compile(_OPERATOR + r"?\s*-?\d+(?:\.\d+)?\s*(?:%|‰|[^\s\d;；。,，、()（）≥≤<>=*]{1,6})?(?=[,，])")
_ITEM_END = re.compile(r"[;；。]")
_TARGETS_LABEL = re.compile(r"^(?:年度|项目)?绩效(?:目标|指标)[:：]\s*(.+)$")
# 安徽's budget-system notices: 【产出指标-数量指标】 over 指标1:机柜数量(≥77台), the target in the brackets
_BRACKET_HEADING = re.compile(r"^【([^【】\-—－]+?)(?:[-—－]([^【】]+))?】$")
_SLOT_ITEM = re.compile(r"^(指标\s*\d{1,2}\s*[:：][^()（）]+?)\s*[(（]([^()（）]+)[)）]$")
MAX_HEADING = 12
MAX_LINE = 60  # a line of items under a heading is short; a longer one is a sentence


@dataclass(frozen=True)
class ProseItem:
    level2_raw: str
    name_raw: str
    value_raw: str | None


@dictionary_cache
def _level_marker() -> re.Pattern[str]:
    """A 一级/二级 name (with 指标 or 目标, or bare) followed by a colon or a comma, where an item may start."""
    words = sorted({w for s in level_spellings() for w in (s, f"{s}指标", f"{s}目标")}, key=len, reverse=True)
    # at the start of the line or right after an item's end, never inside a name ("种植数量,")
    return re.compile(r"(?:^|(?<=[;；。:：\s]))(" + "|".join(re.escape(w) for w in words) + r")\s*[:：,，]")


def list_heading(text: str) -> str | None:
    """The 一级 name of a line that is only that name ("一、 产出指标"), as written, else None."""
    bare = _NUMBERING.sub("", text).strip().rstrip(":：。")
    return bare if len(compact(bare)) <= MAX_HEADING and canonical_level1(bare) is not None else None


def level2_heading(text: str, under: str) -> str | None:
    """The 二级 name of a line that is only that name ("（一）数量指标") and belongs under the 一级 `under`
    (成本指标 under 产出指标 is a 二级, under nothing a 一级), as written, else None."""
    bare = _NUMBERING.sub("", text).strip().rstrip(":：")
    level2 = canonical_level2(bare) if len(compact(bare)) <= MAX_HEADING else None
    if level2 is None or (canonical_level1(bare) is not None and parent_level1(level2) != canonical_level1(under)):
        return None
    return bare


def line_items(text: str, level2: str | None) -> list[ProseItem]:
    """The items of a line under a 二级 (or 一级) heading: each ends at ；/。 and states a value, or, under a
    二级 heading, a target in words after a comma (完成时限，2025年10月底前). None unless every item does:
    a sentence or a label line (附件：…) ends the list."""
    pieces = [p.strip() for p in _ITEM_END.split(text) if p.strip()]
    if not pieces or len(compact(text)) > MAX_LINE or re.search(r"[:：]", text):
        return []
    items = []
    for piece in pieces:
        name, comma, words = piece.rpartition("，") if "，" in piece else piece.rpartition(",")
        if level2 and comma and name.strip() and 0 < len(compact(words)) <= MAX_HEADING:
            items.append(ProseItem(level2_raw=level2 or "", name_raw=name.strip(), value_raw=words.strip()))
        elif (value := _VALUE.search(piece)) is not None and value.start() > 0:
            items.append(ProseItem(level2_raw=level2 or "", name_raw=piece[:value.start()].strip(),
                                   value_raw=value.group(0).strip()))
        else:
            return []
    return items


@dataclass(frozen=True)
class ProseRead:
    """What one line did to the prose list being read: whether it belonged to it, the headings now in
    force, and the items it listed."""

    consumed: bool
    level1: str | None
    level2: str | None
    items: list[ProseItem]


def read_line(text: str, level1: str | None, level2: str | None, in_table: bool) -> ProseRead:
    """One line against the list being read under `level1` / `level2` (None: no list yet). A mirror's
    traditional characters with pinyin glosses (數(shù)量指標(biāo)) are read as the simplified text they were, and
    what was read is given back as written."""
    plain, spans = simplified_spans(text)
    if plain == text:
        return _read_plain(text, level1, level2, in_table)
    read = _read_plain(plain, level1, level2, in_table)
    cursor, seen = 0, {}  # where the next piece is looked for; a 二级 shared by items is written once

    def written(piece: str | None) -> str | None:
        nonlocal cursor
        at = plain.find(piece, cursor) if piece else -1
        if at < 0:
            return seen.get(piece, piece)
        cursor = at + len(piece)
        seen[piece] = written_span(text, spans, at, at + len(piece))
        return seen[piece]

    items = [ProseItem(level2_raw=written(i.level2_raw) or "", name_raw=written(i.name_raw) or "",
                       value_raw=written(i.value_raw)) for i in read.items]
    heading1 = read.level1 if read.level1 in (None, level1) else written(read.level1)
    heading2 = read.level2 if read.level2 in (None, level2) else written(read.level2)
    return ProseRead(read.consumed, heading1, heading2, items)


def _read_plain(text: str, level1: str | None, level2: str | None, in_table: bool) -> ProseRead:
    if (bracket := _BRACKET_HEADING.match(text.strip())) and canonical_level1(bracket.group(1)) is not None:
        return ProseRead(True, bracket.group(1), bracket.group(2), [])
    if level1 is not None and (slot := _SLOT_ITEM.match(text.strip())):
        return ProseRead(True, level1, level2, [ProseItem(level2 or "", slot.group(1).strip(), slot.group(2).strip())])
    heading2 = level2_heading(text, under=level1) if level1 is not None else None
    if heading2 is not None:
        return ProseRead(True, level1, heading2, [])
    if not in_table and (heading := list_heading(text)) is not None:
        return ProseRead(True, heading, None, [])
    if level1 is None and (listed := labelled_items(text)):
        return ProseRead(True, None, None, listed)
    items = list_items(text) if level1 is not None or opens_with_level2(text) else []
    if not items and level1 is not None:
        items = line_items(text, level2)
    return ProseRead(True, level1, level2, items) if items else ProseRead(False, None, None, [])


def labelled_items(text: str) -> list[ProseItem]:
    """The targets a notice lists after its 绩效目标/绩效指标 label, with no level named (绩效目标:坚果基地面积
    ≥4300亩,示范基地1个,…,群众满意度≥90%。): three or more pieces, every one a name ending in its figure;
    none for a sentence."""
    match = _TARGETS_LABEL.match(_NUMBERING.sub("", text).strip())
    pieces = [p.strip() for p in re.split(r"[,，;；。]", match.group(1))] if match else []
    pieces = [p for p in pieces if p]
    items = [ProseItem(level2_raw="", name_raw=p[:v.start()].strip(), value_raw=v.group(0).strip())
             for p in pieces if (v := _VALUE.search(p)) is not None and v.start() > 1]
    return items if len(pieces) >= 3 and len(items) == len(pieces) else []


def row_lists(texts: list[str]) -> list[tuple[str, list[ProseItem]]]:
    """(label, items) for each cell of a table row that lists indicators beside a level's label cell."""
    return [(label, items) for label, text in zip(texts, texts[1:]) if (items := cell_items(label, text))]


def cell_items(level: str, text: str) -> list[ProseItem]:
    """The items of a cell beside a 一级/二级 label cell (产出指标 | 开展文物安全巡查频次8次;编制资料3个;…):
    two or more items cut at ；/。, most of them stating a value; none for any other cell."""
    if canonical_level1(level) is None and canonical_level2(level) is None:
        return []
    pieces = [p.strip(" ,，、") for p in _ITEM_END.split(text) if compact(p).strip(",，、")]
    items = [_item(level if canonical_level2(level) else "", p) for p in pieces]
    valued = sum(i.value_raw != i.name_raw for i in items)
    return items if len(items) >= 2 and 2 * valued > len(items) else []


def opens_with_level2(text: str) -> bool:
    """A line that opens with a 二级 name and a colon (数量指标：慰问人数=9人，当年实际完成9人。): a prose list
    of its own, its 一级 left to the 二级."""
    mark = _level_marker().match(_NUMBERING.sub("", text).strip())
    return mark is not None and canonical_level2(mark.group(1)) is not None and mark.group(0)[-1] in ":："


def list_items(text: str) -> list[ProseItem]:
    """The items of one line of a prose list (none when the line names no 二级)."""
    text = _NUMBERING.sub("", text).strip()
    marks = [m for m in _level_marker().finditer(text) if canonical_level2(m.group(1)) is not None
             or canonical_level1(m.group(1)) is not None]
    items = []
    for i, mark in enumerate(marks):
        if canonical_level2(mark.group(1)) is None:
            continue  # "效益指标：" restating the 一级 before its 二级
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        for piece in _pieces(text[mark.end():end]):
            items.append(_item(mark.group(1), piece))
    return items


def _pieces(part: str) -> list[str]:
    """Items of one 二级 part: cut at ；/。 and at a comma that follows a value."""
    pieces = []
    for chunk in _ITEM_END.split(part):
        start = 0
        for value in _VALUE_BEFORE_COMMA.finditer(chunk):
            pieces.append(chunk[start:value.end()])
            start = value.end() + 1
        pieces.append(chunk[start:])
    pieces = [p.strip(" ,，、") for p in pieces if compact(p).strip(",，、")]
    return [p for p in pieces if not _is_result(p)]


def _is_result(piece: str) -> bool:
    """当年实际完成9人: a result word and a figure, nothing else (完成及时率>=100% is an item); 实际布防6架,
    实际完 (cut): a piece that opens reporting (forms.yaml prose_result_openers) and sets no comparator."""
    folded = compact(piece)
    word = next((w for w in _actual_words() if folded.startswith(w)), None)
    if word is not None and _VALUE.fullmatch(folded[len(word):]) is not None:
        return True
    return folded.startswith(_result_openers()) and re.search(_OPERATOR, folded) is None


def _item(level2: str, piece: str) -> ProseItem:
    value = _VALUE.search(piece)
    if value is None or value.start() == 0:  # 生态修复功能提高: the words are the target as well as its name
        return ProseItem(level2_raw=level2, name_raw=piece, value_raw=piece)
    name = piece[:value.start()].strip()
    if compact(name).endswith(_actual_words()):  # 慰问对象满意度完成90%: a result, no target stated
        return ProseItem(level2_raw=level2, name_raw=name[:name.rindex(next(
            w for w in _actual_words() if compact(name).endswith(w)))].strip(), value_raw=None)
    return ProseItem(level2_raw=level2, name_raw=name, value_raw=value.group(0).strip())


@dictionary_cache
def _result_openers() -> tuple[str, ...]:
    return tuple(load_dictionary("forms")["prose_result_openers"])


@dictionary_cache
def _actual_words() -> tuple[str, ...]:
    """Words that report a result rather than set a target (forms.yaml prose_results), longest first."""
    return tuple(sorted(load_dictionary("forms")["prose_results"], key=len, reverse=True))
