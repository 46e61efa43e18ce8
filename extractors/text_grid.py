"""Rows of published text, which lost their merged cells, placed back on a table grid.

A web page copied as text keeps each row's own cells but drops the cells merged down from the rows
above (an HTML rowspan is written once), so a row of an indicator table may hold only 三级指标 and
指标值 while the table is six columns wide. Where such a row's cells go is decided by comparing
each cell's kind (a number, an operator, a 一级/二级 name, a short word, text) with the kinds of the
latest cells of each column: the best-fitting offset wins, ties stay left-aligned. The columns the
row skipped are covered by extending the cells above them down (a row span, as the .docx of the
same form has); a row that fits no better anywhere stays left-aligned with its missing slots empty.
A row label that the copy repeated on every row it covers (预算规模及资金用途, 产出指标) becomes one
cell spanning those rows again, in the two leading columns only. A two-row header of blocks side by
side (一级指标 | 二级指标 | 中期目标 | 年度目标 over 三级指标 | 指标值 | 三级指标 | 指标值) gets its spans back:
the leading headings down both rows, each block over its own columns.
Nothing is interpreted beyond that: what a column means is the parser's business.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from jixiao.dictionaries.characters import simplified
from jixiao.extractors.base import Limits
from jixiao.extractors.text_columns import header_start
from jixiao.extractors.text_kinds import LEVEL_KINDS, cell_key, kind
from jixiao.extractors.text_rejoin import header_apart
from jixiao.extractors.text_stream import is_row_label, twin_blocks
from jixiao.extractors.text_vocab import column_kind, header_kind, is_full_level2, is_level2_under
from jixiao.model.document import Cell, Provenance, Table
from jixiao.model.errors import ReadError


@dataclass
class RawRow:
    """The cells of one row as the text gives them, and the line the row starts on."""

    cells: list[str]
    line: int


_COUNTER = re.compile(r"^(?:目标|指标)\s*\d{1,2}\s*[:：]?$")
_FILLER = re.compile(r"^[.…·。\-—_]+$")
_HISTORY = 6  # cells per column that say what the column holds (the header's, then the rows')


def _fit(a: str | None, b: str | None) -> int:
    """How well a cell of kind `a` sits in a column whose cell above is of kind `b`."""
    if a is None or b is None or a == "empty" or b == "empty":
        return 0
    if a in LEVEL_KINDS and b in LEVEL_KINDS:
        return 1 if a == b or "level" in (a, b) else 0
    if a in LEVEL_KINDS or b in LEVEL_KINDS:
        return -1 if a == "text" else 0  # a sentence under 一级/二级 names (a 三级 may be named like a level)
    return 1 if a == b else 0


def _share(a: str | None, column: deque[str | None]) -> float:
    """How well a cell of kind `a` sits in a column: the share of its recent cells it fits."""
    return sum(_fit(a, b) for b in column) / len(column) if column else 0.0


class _Grid:
    """Cells placed so far, who covers each slot, and the kinds of the latest cells of each column."""

    def __init__(self, width: int):
        self.width = width
        self.cells: list[Cell] = []
        self.owner: dict[tuple[int, int], Cell] = {}
        self.profile: list[deque[str | None]] = [deque(maxlen=_HISTORY) for _ in range(width)]

    def place(self, row: int, col: int, text: str, col_span: int = 1, row_span: int = 1) -> None:
        cell = Cell(row=row, col=col, text=text, col_span=col_span, row_span=row_span)
        self.cells.append(cell)
        for r in range(row, row + row_span):
            for c in range(col, col + col_span):
                self.owner[(r, c)] = cell
        if col_span < self.width:  # a full-width title says nothing about the columns
            self.profile[col].append(kind(text))

    def extendable(self, row: int, cols: set[int]) -> bool:
        """Whether the slots `cols` of `row` can be covered from the row above.

        Each such slot must be owned above by a cell that ends there and lies wholly inside `cols`,
        or be empty above or under a full-width line (a title or a `……` row): then it stays empty.
        """
        for c in cols:
            above = self.owner.get((row - 1, c))
            if above is None or above.col_span == self.width:
                continue
            if above.row + above.row_span != row or not set(range(above.col, above.col + above.col_span)) <= cols:
                return False
        return True

    def repeats(self, row: int, col: int, text: str) -> bool:
        """A row label written again under itself (a web copy repeats a merged cell on every row it
        covers): extend the cell above instead. Only the two leading columns, never values."""
        above = self.owner.get((row - 1, col))
        if (col > 1 or above is None or above.col != col or above.col_span != 1 or not text.strip()
                or above.text != text or kind(text) in ("number", "op", "empty")
                or above.row + above.row_span != row):
            return False
        above.row_span += 1
        self.owner[(row, col)] = above
        return True

    def extend(self, row: int, cols: set[int]) -> None:
        """Cover the slots `cols` with the cells above, merged down; a heading (一级指标) is never merged
        over rows below it: those slots stay empty, the page had lost their cells."""
        above = (self.owner.get((row - 1, c)) for c in sorted(cols))
        for cell in {id(c): c for c in above if c and c.col_span < self.width and not header_kind(c.text)}.values():
            cell.row_span += 1
            for c in range(cell.col, cell.col + cell.col_span):
                self.owner[(row, c)] = cell


def _in_block(kinds: list[str | None], cells: list[str], level1: str | None) -> list[str | None]:
    """Kinds of a short row read in its block: 成本指标 opening it is a 二级 under a 产出 block's 一级, and a
    二级 spelling right after a 二级 (成本控制 after 成本指标) is the row's name, as the stream reader reads it."""
    out = list(kinds)
    if out and out[0] == "level" and (is_level2_under(cells[0], level1) or is_full_level2(cells[0])):
        out[0] = "level2"  # (服务对象满意度指标, a 二级 name in full, is one wherever it stands)
    for i in range(1, len(out)):
        if out[i] in LEVEL_KINDS and out[i - 1] == "level2" and not cells[i].strip().endswith(("指标", "目标")):
            out[i] = "text"
    return out


def _best_offset(kinds: list[str | None], profile: list[deque[str | None]],
                 offsets: list[int]) -> tuple[int, float]:
    """(offset, score) of the best fit; ties go to the leftmost offset."""
    best, best_score = 0, -1.0
    for s in offsets:
        score = sum(_share(k, profile[s + i]) for i, k in enumerate(kinds))
        if score > best_score:
            best, best_score = s, score
    return best, best_score


def _block_header(top: list[str], sub: list[str], width: int) -> tuple[int, int] | None:
    """(leading headings, columns per block) when `top` and `sub` are a two-row header of blocks side by
    side: `sub` repeats one run of header words once per block, `top` holds the leading headings (which
    span both rows) and then one label per block — or one block under a row label (绩效指标) after a
    project's headings. None for any other pair of rows."""
    if len(top) >= 2 and len(top) - 1 + len(sub) >= width and header_kind(sub[0]) in ("level1", "level2", "name") \
            and sum(header_kind(t) is not None for t in sub) >= max(3, len(sub) - 2) \
            and is_row_label(top[-1]) and not any(header_kind(t) for t in top[:-1]):
        return len(top) - 1, len(sub)  # 单位代码 | 资金总额 | … | 绩效指标 over 一级指标 | … | 备注: one block
    lead = width - len(sub)
    blocks = len(top) - lead
    if lead < 1 or blocks < 2 or len(sub) % blocks or len(sub) < 2 * blocks:
        return None
    per = len(sub) // blocks
    keys = [cell_key(t) for t in sub]
    if any(keys[i] != keys[i % per] for i in range(len(sub))) or not all(header_kind(t) for t in sub[:per]):
        return None
    return (lead, per) if all(header_kind(t) for t in top[:lead]) else None


def _place_block_header(grid: _Grid, row: int, top: list[str], sub: list[str], lead: int, per: int) -> None:
    for col in range(lead):
        grid.place(row, col, top[col], row_span=2)
    for i, label in enumerate(top[lead:]):
        grid.place(row, lead + i * per, label, col_span=per)
    for i, text in enumerate(sub):
        grid.place(row + 1, lead + i, text)


def _counter_span(header: list[str], below: list[str]) -> int | None:
    """The column of a counter (目标1, 指标2) in the row below a header one cell short of it: the heading
    left of it spans both (评价指标 over 成本目标 | 目标1), so the headings after it move one right."""
    if sum(header_kind(t) is not None for t in header) < 2:
        return None
    col = next((c for c, t in enumerate(below) if _COUNTER.match(simplified(t.strip()))), None)
    return col if col is not None and col >= 1 else None


def _template_slot(cells: list[str]) -> bool:
    """A row that is only a counter (指标2：) or a filler (……), with or without its blank cells (a copy that
    drops the empty cells at a row's end keeps the counter alone)."""
    filled = [t.strip() for t in cells if t.strip()]
    return len(filled) == 1 and bool(_COUNTER.match(simplified(filled[0])) or (len(cells) > 1 and _FILLER.match(filled[0])))


def _only_headings(profile: list[deque[str | None]], offset: int, k: int) -> bool:
    """Whether columns offset … offset+k-1 hold nothing but their headings so far."""
    return all(len(profile[offset + i]) <= 1 for i in range(k))


def _twin_slots(kinds: list[str | None], start: int, size: int) -> list[int] | None:
    """The columns of a short row that repeats itself once per block (质量指标 | 合格率 | 100% twice, or
    合格率 | 100% twice under merged levels): each half at the end of its block, else None."""
    half = len(kinds) // 2
    if len(kinds) % 2 or not 2 <= half <= size or kinds[:half] != kinds[half:]:
        return None
    return [*range(start + size - half, start + size), *range(start + 2 * size - half, start + 2 * size)]


def within_limits(rows: list[RawRow], limits: Limits) -> int:
    """The table's width; a ReadError when its grid would pass the reader's cell limit."""
    width = max((len(r.cells) for r in rows), default=0)
    if width * len(rows) > limits.max_cells:
        raise ReadError("too_large", f"a table in the text has {len(rows)} rows × {width} columns, more than the "
                        f"limit of {limits.max_cells} cells — check the file is the form, not a data dump")
    return width


def build_table(rows: list[RawRow], limits: Limits) -> Table:
    """The grid of one published table: full rows as they are, short rows aligned (see module doc)."""
    rows = [RawRow(part, r.line) for r in rows if any(t.strip() for t in r.cells) for part in header_apart(r.cells)]
    width = within_limits(rows, limits)
    blocks = {r: found for r in range(len(rows) - 1)
              if (found := _block_header(rows[r].cells, rows[r + 1].cells, width)) is not None}
    width = max([width, *(lead + len(rows[r + 1].cells) for r, (lead, _) in blocks.items())])
    grid = _Grid(width)
    full_kinds = {i: [kind(t) for t in r.cells] for i, r in enumerate(rows) if len(r.cells) == width}
    floor = 0  # columns of the row label (绩效指标) left of the indicator header: merged over its rows
    label: str | None = None  # that row label's text
    twin: tuple[int, int] | None = None  # (start, size) of two blocks side by side under the header
    level1_col: int | None = None  # the header's 一级 column, and the 一级 of the block being read
    level1: str | None = None
    for r, raw in enumerate(rows):
        if r - 1 in blocks:
            continue  # placed with the row above
        if r in blocks:
            for column in grid.profile:
                column.clear()
            _place_block_header(grid, r, raw.cells, rows[r + 1].cells, *blocks[r])
            floor = 0
            continue
        if _template_slot(raw.cells):
            continue  # 指标2 | | | | or …… | | |: a template's blank slot, no cell of it says where it goes
        if level1_col is not None and (top := grid.owner.get((r - 1, level1_col))) is not None:
            level1 = None if header_kind(top.text) else top.text
        if floor and len(raw.cells) > 1 and cell_key(raw.cells[0]) == label:
            raw = RawRow(raw.cells[1:], raw.line)  # the row label left of the header, printed again on each row
        k = len(raw.cells)
        kinds = _in_block([kind(t) for t in raw.cells], raw.cells, level1)
        header_at = header_start(raw.cells) if k > 2 else None
        if header_at is not None:  # what the columns held above the indicator header (项目名称 and its
            for column in grid.profile:  # value) says nothing about the columns below it
                column.clear()
            label = cell_key(raw.cells[header_at - 1]) if header_at else None
        if k == width and sum(header_kind(t) is not None for t in raw.cells) >= 3:
            twin = twin_blocks(raw.cells)
            level1_col = next((c for c, t in enumerate(raw.cells) if column_kind(t) == "level1"), None)
        elif 0 < r and k < width and twin and (slots := _twin_slots(kinds, *twin)) and grid.extendable(
                r, set(range(width)) - set(slots)):
            grid.extend(r, set(range(width)) - set(slots))
            for col, text in zip(slots, raw.cells):
                grid.place(r, col, text)
            continue
        offset = 0
        if 0 < r and k < width:
            offsets = [s for s in range(width - k + 1) if s == 0 or grid.extendable(r, set(range(s)))]
            offsets = [s for s in offsets if s >= floor] or offsets
            offset, score = _best_offset(kinds, grid.profile, offsets)
            if twin and offset - twin[1] in offsets and _only_headings(grid.profile, offset, k) \
                    and not _only_headings(grid.profile, offset - twin[1], k):
                offset -= twin[1]  # the block the rows above were written in, not the one they left blank
            if k == 1 and (score <= 0 or kinds[0] not in LEVEL_KINDS):  # a lone cell moves only under
                offset = 0  # a column of its own 一级/二级 kind
            if offset > 0:
                grid.extend(r, set(range(offset)))
        if header_at is not None:
            floor = offset + header_at  # the rows below start under the header, past its row label
        if k == width - 1 and (r + 1) in full_kinds and (span := _counter_span(raw.cells, rows[r + 1].cells)):
            for i, text in enumerate(raw.cells):
                grid.place(r, i + (i >= span), text, col_span=2 if i == span - 1 else 1)
            continue
        if offset == 0 and 1 < k < width and (r + 1) in full_kinds and LEVEL_KINDS & set(kinds):
            # a header row (一级指标 …) one cell short of the data rows below it: fit it to the next row
            below = [deque([b]) for b in full_kinds[r + 1]]
            ahead, score = _best_offset(kinds, below, list(range(width - k + 1)))
            left = sum(_fit(a, b) for a, b in zip(kinds, full_kinds[r + 1]))
            offset = ahead if score > left else 0
        if k == 1 and offset == 0:
            grid.place(r, 0, raw.cells[0], col_span=width)
            continue
        for i, text in enumerate(raw.cells):
            if not grid.repeats(r, offset + i, text):
                grid.place(r, offset + i, text)
    return Table(n_rows=len(rows), n_cols=width, cells=grid.cells, prov=Provenance(line=rows[0].line if rows else None))
