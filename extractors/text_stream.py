"""A form whose cells come as one stream: where its header is and what its cells are (text_stream_table.py
lays them out as tables).

Published text often loses the rows of a form: one cell per line (blank lines between cells, labels
broken over two lines: "经济效益" / "指标"), a whole table on one line with spaces, or cells glued
together (text_glue.py cuts those). What is left is a stream of cells. The reader rebuilds it as the
.docx of the same form would be:
- key/value cells before the indicator header: a row per label (项目名称 | value, 年度资金总额 | amounts),
  a label followed by column headings (全年预算数 | 全年执行数 …) a heading row, the amounts below it;
- the indicator header: a run of header words (headers.yaml); the cell before it that names the block
  (绩效指标) becomes a first column spanning the table;
- indicator rows: a 一级/二级 name (levels.yaml) starts its block, a row then holds the name and as many
  cells as the header's columns want after it; a trailing note column (偏差原因, 备注) takes a cell only
  when no row could start there. 一级/二级 cells span the rows of their block (merged, as in the .docx).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.extractors.text_slots import apart, opens_row, skipped, trailing_text
from jixiao.extractors.text_vocab import (column_kind, fold, header_kind, is_basis, is_blank_slot, is_footer,
                                          is_full_level2, is_level2_under, is_level_prefix, is_same_level2,
                                          is_sibling_level2, is_total, label_kind, level_kind)

Item = tuple[str, "str | list[str]"]  # ("level1"|"level2"|"level", name) or ("row", [name, cell, …])
# what opens the next part of a page, never a cell of the table before it: a numbered section heading
# ((一)中长期绩效目标, 二、…), the next project's heading (参保城乡居民健康体检经费项目项目绩效目标) or the
# next table's number (表十二, 附表3)
_NEXT_PART = re.compile(r"^(?:[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)\D|^.{6,40}项目绩效目标$"
                        r"|^附?表[一二三四五六七八九十\d]{1,3}[:：]?$")
_COUNTER = re.compile(r"^\d{1,3}[.、]?$")
_ROW_NUMBER = re.compile(r"^(?:目标|指标)\d{1,2}[:：.、]?$")  # a template's numbered row, in a cell of its own
_NUMBERING = re.compile(r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、.．])")
_LONE_SCORE = re.compile(r"^\d{1,3}(?:\.\d{1,2})?$")  # a bare figure after a full row: its score
_SCORE_CELL = re.compile(r"^[(（][\d\-~～.]+分?[)）]分?$")
MIN_HEADER = 3
# a form's title or its year line between two forms: "2、征兵工作经费绩效目标表", "（2022年度）"
FORM_TITLE = re.compile(r"绩效.{0,30}表([(（][^()（）]*[)）])?$|^[(（]?\d{4}[)）]?年度[)）]?$")


@dataclass
class Section:
    """One form's cells as the stream gave them, sorted into its parts."""

    line: int
    kv_rows: list[list[str]] = field(default_factory=list)
    row_label: str | None = None
    header: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    grid: list[list[str]] = field(default_factory=list)  # rows read by the header's width (every cell kept)
    doubts: list[str] = field(default_factory=list)  # cells the reader could not place: said, not guessed


@dictionary_cache
def _counter_headings() -> frozenset[str]:
    return frozenset(fold(w) for w in load_dictionary("forms")["list_headings"])


@dictionary_cache
def _row_labels() -> frozenset[str]:
    return frozenset(fold(w) for w in load_dictionary("text_layout")["stream"]["row_labels"])


def row_label_words() -> list[str]:
    return sorted(_row_labels(), key=len, reverse=True)


def is_row_label(text: str) -> bool:
    """绩效指标, 年度绩效目标(90分), 年度绩效目标1: the cell naming the indicator block, left of its header."""
    folded = re.sub(r"[(（][^()（）]*[)）]分?$", "", fold(text))
    return folded in _row_labels() or re.sub(r"\d{1,2}$", "", folded) in _row_labels()


def joined_labels(tokens: list[str]) -> list[str]:
    """Labels broken over two cells put back together ("经济效益" "指标", "数量指" "标", "服务对象" "满意度指标",
    "产出指标" "(50分)")."""
    out: list[str] = []
    for token in _three_part_headings(tokens):
        if out:
            glued = fold(out[-1]) + fold(token)
            broken = ((len(fold(token)) <= 3 or is_level_prefix(out[-1])) and not level_kind(token) and (
                level_kind(glued) or header_kind(glued)) and not header_kind(token)) or (
                is_level_prefix(out[-1]) and level_kind(glued) is not None)  # 服务对象 / 满意度指标
            if broken or _broken_heading(out[-1], token) or (_SCORE_CELL.match(fold(token)) and level_kind(out[-1])):
                out[-1] = out[-1].strip() + token.strip()
                continue
        out.append(token)
    return out


def _three_part_headings(tokens: list[str]) -> list[str]:
    """A heading broken over three cells (偏差原因 / 分析及 / 改进措施) put back together: the three make a
    header word, the middle one alone is none."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 2 < len(tokens) and header_kind(tokens[i]) and not header_kind(tokens[i + 1]) \
                and header_kind("".join(fold(t) for t in tokens[i:i + 3])):
            out.append("".join(t.strip() for t in tokens[i:i + 3]))
            i += 3
            continue
        out.append(tokens[i])
        i += 1
    return out


def _broken_heading(before: str, token: str) -> bool:
    """"年度" "指标值", "全年" "预算数": a short cell that is no word of its own and, with the next cell,
    is a column heading (a heading word alone may follow a qualifier the line break cut off); a label
    whose last characters went to the next cell ("主管部门" "及编码")."""
    head, tail = fold(before), fold(token)
    if label_kind(before) == "label" and 0 < len(tail) <= 4 and not label_kind(token):
        return label_kind(head + tail) == "label"  # 主管部门 / 及编码
    if not head or len(head) > 4 or re.search(r"\d", head) or header_kind(before) or label_kind(before) \
            or level_kind(before):
        return False
    glued = head + tail
    return bool(header_kind(glued) or label_kind(glued) == "heading")


@dictionary_cache
def _name_headings() -> frozenset[str]:
    return frozenset(fold(w) for w in load_dictionary("text_layout")["stream"]["name_headings"])


def find_header(tokens: list[str]) -> tuple[int, int] | None:
    """(start, end) of the first run of at least three header words with one naming a level or a name (or
    opened by a bare 指标 over the names)."""
    start = None
    for i, token in enumerate([*tokens, ""]):
        if token and header_kind(token):
            start = i if start is None else start
            continue
        if start is not None:
            named = any(header_kind(t) in ("level1", "level2", "name") for t in tokens[start:i])
            if named and i - start >= MIN_HEADER:
                return start, i
            if not named and i - start >= MIN_HEADER - 1 and start > 0 and fold(tokens[start - 1]) in _name_headings():
                return start - 1, i
        start = None
    return None


def kv_rows(tokens: list[str]) -> list[list[str]]:
    """Key/value rows: a label and its values; a label followed by headings is a heading row."""
    rows: list[list[str]] = []
    heading_row = False
    for token in tokens:
        k = label_kind(token)
        if k in ("label", "identity"):
            rows.append([token])
            heading_row = False
        elif k == "heading" and rows and (heading_row or len(rows[-1]) == 1):
            rows[-1].append(token)
            heading_row = True
        elif k == "heading" or not rows or heading_row:
            rows.append([token])
            heading_row = k == "heading"
        else:
            rows[-1].append(token)
    return rows


def tail_kinds(header: list[str]) -> tuple[list[str], int]:
    """Kinds of the columns after the name column, and how many of them a row must fill."""
    return tail_kinds_of([column_kind(h) for h in header])


def tail_kinds_of(kinds: list[str]) -> tuple[list[str], int]:
    """tail_kinds for the header's column kinds."""
    name_col = next((i for i, k in enumerate(kinds) if k == "name"),
                    max((i for i, k in enumerate(kinds) if k in ("level1", "level2")), default=-1) + 1)
    tail = kinds[name_col + 1:]
    required = max((i + 1 for i, k in enumerate(tail) if k not in ("text", "basis")), default=0)
    return tail, required


@dataclass
class _Placed:
    """Which column the last level name went to (l1, l2; None after a row), and the block's names."""

    last: str | None = None
    level1: str | None = None
    level2: str | None = None

    def level(self, what: str, text: str, after: str | None = None) -> None:
        if what == "level":
            orphan = self.level1 is None and is_sibling_level2(text, self.level2)  # 成本指标 after 时效指标, no 一级
            heads = after is not None and not is_full_level2(text) and is_full_level2(after) \
                and is_level2_under(after, text)  # 效益指标 (no rows) | 满意度指标 | 服务对象满意度指标: the next 一级
            what = "level2" if (self.last == "l1" and not heads) or is_level2_under(text, self.level1) \
                or is_full_level2(text) or orphan else "level1"
        self.last = "l1" if what == "level1" else "l2"
        if what == "level1":
            self.level1 = text
        else:
            self.level2 = text


def ends_table(token: str) -> bool:
    """A footer, a total, the next project's label or header, a form's title or the next part of the page."""
    return (is_footer(token) or is_total(token) or label_kind(token) == "identity" or bool(header_kind(token))
            or bool(FORM_TITLE.search(fold(token)))
            or (bool(_NEXT_PART.search(fold(token))) and not level_kind(_NUMBERING.sub("", fold(token)))))
    # (一、投入目标: a level's heading, numbered)


def cell_items(tokens: list[str], header: list[str], row_label: str | None) -> tuple[list[Item], int]:
    """Indicator items from one cell per token; and how many tokens they used (the table's end)."""
    tail, required = tail_kinds(header)
    counted = bool(header) and fold(header[0]) in _counter_headings()  # 序号 | 三级指标 | 指标值
    items: list[Item] = []
    row: list[str] | None = None
    placed = _Placed()
    for index, token in enumerate(tokens):
        numbered = _ROW_NUMBER.match(fold(token)) and index + 1 < len(tokens) \
            and not _ROW_NUMBER.match(fold(tokens[index + 1]))
        if (counted and (row is None or len(row) - 1 >= max(required, 1)) and _COUNTER.match(fold(token))) or numbered:
            if row:
                items.append(("row", row))
            row = None
            continue  # the row's number in the 序号 column, or a template's (目标1 | 发放…): no cell of the indicator
        if ends_table(token):
            return items + ([("row", row)] if row else []), index
        if row_label and fold(token) == fold(row_label):
            continue
        level = level_kind(token)
        if level and row is None and placed.last == "l2" and fold(token) != fold(placed.level2 or "") and (
                not fold(token).endswith(("指标", "目标")) or is_level2_under(token, placed.level2)):
            level = None  # a 三级 name that is a level word (经济成本, 经济成本指标 under 成本指标), not the 二级 again
        if level and row is not None and placed.last is None and not fold(token).endswith(("指标", "目标")) \
                and is_same_level2(token, placed.level2):
            level = None  # 满意度指标 | 受益单位满意度 | 95% | 社会公众满意度 | ≥90%: the next row's name
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if level and not fold(token).endswith(("指标", "目标")) and opens_row(token, nxt, tail):
            level = None  # 服务对象满意度 | 5 | % | 95: a name followed by its row's weight
        if level:
            placed.level(level, token, nxt)
        if level or (row is None and is_level_prefix(token)) or (row is not None and is_level_prefix(token)
                                                                 and index == len(tokens) - 1):
            if row:
                items.append(("row", row))
            row = None
            items.append((level or "level2", token))
            continue
        filled = len(row) - 1 if row is not None else 0
        if row is not None and filled >= max(required, 1) and _LONE_SCORE.match(fold(token)):
            row.append(token)  # 指标1:… | 已完成 | 已完成 | 5: a score under no heading of its own, never a name
            continue
        if row is not None and not is_blank_slot(token) and not opens_row(token, nxt, tail) and (
                filled < required or (filled < len(tail) and (
                    nxt is None or level_kind(nxt) or is_footer(nxt) or is_total(nxt) or is_blank_slot(nxt)
                    or (tail[filled] == "basis" and is_basis(token))
                    or trailing_text(tokens[index + 1:index + 3], tail)))):
            row += [""] * skipped(token, tail, filled) + [token]  # the blank cells the page dropped before it
            continue
        if row:
            items.append(("row", row))
        row = [token]
        placed.last = None
    return items + ([("row", row)] if row else []), len(tokens)


def explicit_section(tokens: list[str], line: int) -> tuple[list[str], Section | None, list[str]]:
    """(cells before the form, the form, cells after it) for a stream of separate cells; a blank token is
    an empty cell the page marked (then rows of the header's width are tried first)."""
    found = find_header(tokens)
    if found is not None and (grid := _labelled_full_rows(tokens, *found)):
        rows, used = grid
        section = Section(line=line, header=tokens[found[0]:found[1]], grid=rows)
        before = joined_labels([t for t in tokens[:found[0]] if t.strip()])
        first = next((i for i, t in enumerate(before) if label_kind(t) == "identity"), None)
        if first is None:
            first = next((i for i, t in enumerate(before) if label_kind(t) in ("label", "heading")), len(before))
        section.kv_rows = kv_rows(before[first:])
        return before[:first], section, tokens[found[1] + used:]  # its blanks kept: the next form's empty cells
    tokens = joined_labels([t for t in tokens if t.strip()])
    found = find_header(tokens)
    if found is None:
        return tokens, None, []
    start, end = found
    head_end = start
    row_label = None
    if start > 0 and is_row_label(tokens[start - 1]):
        row_label, head_end = tokens[start - 1], start - 1
    first = next((i for i in range(head_end) if label_kind(tokens[i]) == "identity"), None)
    if first is None:
        first = next((i for i in range(head_end) if label_kind(tokens[i]) in ("label", "heading")), head_end)
    header, body = tokens[start:end], apart(tokens[end:], tail_kinds(tokens[start:end])[0])
    if (twin := twin_blocks(header)) is not None:
        header, body = header[:twin[0]] + header[twin[0] + twin[1]:], _year_halves(body, twin[1])
    section = Section(line=line, kv_rows=kv_rows(tokens[first:head_end]), row_label=row_label, header=header)
    section.items, used = cell_items(body, section.header, row_label)
    return tokens[:first], section, body[used:]


def twin_blocks(header: list[str]) -> tuple[int, int] | None:
    """(start, size) when the header ends in one run of columns written twice (二级 | 三级 | 实施周期指标值 |
    二级 | 三级 | 当年度指标值: the period's block and the year's, side by side)."""
    kinds = [column_kind(h) for h in header]
    for size in range(len(header) // 2, 1, -1):
        first, second = kinds[-2 * size:-size], kinds[-size:]
        if first == second and "val" in first and "text" not in first:
            return len(header) - 2 * size, size
    return None


def _year_halves(tokens: list[str], size: int) -> list[str]:
    """The cells of rows printed twice side by side, once per block (数量指标 | 航时 | 中期值 | 数量指标 |
    航时 | 年度值), with only the year's block kept: the stream has no columns to keep both apart."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        twin = tokens[i + size:i + 2 * size]
        if len(twin) > 1 and fold(tokens[i]) and all(fold(a) == fold(b) for a, b in zip(tokens[i:i + size - 1], twin)):
            i += size  # the period's half: the year's half after it is read
            continue
        out.append(tokens[i])
        i += 1
    return out


def _labelled_full_rows(tokens: list[str], start: int, end: int) -> tuple[list[list[str]], int] | None:
    """_full_width_rows of the cells after the header tokens[start:end]; where the block's label left of the
    header (绩效指标) opens the first row too, a copy printed it on every row: rows one wider, the label dropped."""
    label = next((t for t in reversed(tokens[:start]) if t.strip()), None)
    body = tokens[end:]
    if label is None or not is_row_label(label) or not body or fold(body[0]) != fold(label):
        return _full_width_rows(body, tokens[start:end])
    grid = _full_width_rows(body, ["", *tokens[start:end]])
    if grid is None or any(fold(row[0]) != fold(label) for row in grid[0]):
        return None
    return [row[1:] for row in grid[0]], grid[1]


def _full_width_rows(tokens: list[str], header: list[str]) -> tuple[list[list[str]], int] | None:
    """Rows of exactly the header's width when the page kept every empty cell (一级 written on every row,
    blanks under 长期 beside 年度), and how many tokens they use; None when the cells do not fall so."""
    if "" not in tokens:
        return None
    width = len(header)
    kinds = [column_kind(h) for h in header]
    rows: list[list[str]] = []
    while len(tokens) - len(rows) * width >= width:
        row = tokens[len(rows) * width:(len(rows) + 1) * width]
        if ends_table(row[0]) or not any(row):
            break
        if any(k in ("level1", "level2") and cell and not level_kind(cell) for k, cell in zip(kinds, row)):
            return None
        if not all(cell for k, cell in zip(kinds, row) if k == "level1"):
            return None  # a merged 一级 the page printed once: the rows are not of one width
        rows.append(row)
    return (rows, len(rows) * width) if len(rows) >= 2 else None
