"""Rows of published text, which lost their merged cells, placed back on a table grid.

A web page copied as text keeps each row's own cells but drops the cells merged down from the rows
above (an HTML rowspan is written once), so a row of an indicator table may hold only 三级指标 and
指标值 while the table is six columns wide. Where such a row's cells go is decided by comparing
each cell's kind (a number, an operator, a 一级/二级 name, a short word, text) with the kinds of the
latest cells of each column: the best-fitting offset wins, ties stay left-aligned. The columns the
row skipped are covered by extending the cells above them down (a row span, as the .docx of the
same form has); a row that fits no better anywhere stays left-aligned with its missing slots empty.
A row label that the copy repeated on every row it covers (预算规模及资金用途, 产出指标) becomes one
cell spanning those rows again, in the two leading columns only.
Nothing is interpreted beyond that: what a column means is the parser's business.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.dictionaries.characters import simplified
from jixiao.extractors.base import Limits
from jixiao.model.document import Cell, Provenance, Table
from jixiao.model.errors import ReadError


@dataclass
class RawRow:
    """The cells of one row as the text gives them, and the line the row starts on."""

    cells: list[str]
    line: int


_NUMBER = re.compile(r"\d")
_OPERATOR_ONLY = re.compile(r"^[≥≤<>=≠~～]{1,2}$")
_SCORE_TAIL = re.compile(r"[(（][^()（）]*[)）]分?$")
_LEVEL_TAIL = re.compile(r"(指标|目标|(?<=[^指目数标])值)$")  # 产出值 / 数量值: a level spelled as normalizers/levels.py reads it
_UNIT_CHARS = 6  # words beside a number that still make it a value: "≤2000元/月", "2024年12月31日前完成"
_HISTORY = 6  # cells per column that say what the column holds (the header's, then the rows')


def _key(text: str) -> str:
    """A cell's text for comparing names: width folded, no blanks, read as simplified Chinese, no (50分)
    tail, no trailing 指标."""
    key = simplified(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))).lstrip("★*")
    key = _SCORE_TAIL.sub("", key)
    return _LEVEL_TAIL.sub("", key)


@dictionary_cache
def _level_words() -> tuple[frozenset[str], frozenset[str]]:
    levels = load_dictionary("levels")
    hints = load_dictionary("text_layout")["header_kinds"]
    level1 = {_key(name) for name in levels["level1"]}
    level1 |= {_key(s) for spellings in levels["level1"].values() for s in spellings or ()}
    level2 = {_key(name) for name in levels["level2"]}
    level2 |= {_key(s) for entry in levels["level2"].values() for s in entry.get("spellings", ())}
    level1 |= {_key(w) for w in hints["level1"]}
    level2 |= {_key(w) for w in hints["level2"]}
    return frozenset(level1), frozenset(level2)


@dictionary_cache
def _value_headers() -> frozenset[str]:
    return frozenset(_key(w) for w in load_dictionary("text_layout")["header_kinds"]["value"])


def kind(text: str | None) -> str | None:
    """The kind of a cell for alignment: empty, level1, level2, level (either), number, op, short, text."""
    if text is None:
        return None
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not folded:
        return "empty"
    key = _key(text)
    level1, level2 = _level_words()
    in1, in2 = key in level1, key in level2
    if in1 or in2:
        return "level" if in1 and in2 else ("level1" if in1 else "level2")
    if key in _value_headers():
        return "number"
    if _OPERATOR_ONLY.match(folded):
        return "op"
    if _NUMBER.search(folded) and len(re.sub(r"[\d.,，%‰/\-~～≥≤<>=+:：\s]", "", folded)) <= _UNIT_CHARS:
        return "number"
    return "short" if len(folded) <= 3 else "text"


_LEVEL_KINDS = frozenset({"level1", "level2", "level"})


def _fit(a: str | None, b: str | None) -> int:
    """How well a cell of kind `a` sits in a column whose cell above is of kind `b`."""
    if a is None or b is None or a == "empty" or b == "empty":
        return 0
    if a in _LEVEL_KINDS and b in _LEVEL_KINDS:
        return 1 if a == b or "level" in (a, b) else 0
    if a in _LEVEL_KINDS or b in _LEVEL_KINDS:
        return 0
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

    def place(self, row: int, col: int, text: str, col_span: int = 1) -> None:
        cell = Cell(row=row, col=col, text=text, col_span=col_span)
        self.cells.append(cell)
        for c in range(col, col + col_span):
            self.owner[(row, c)] = cell
        if col_span < self.width:  # a full-width title says nothing about the columns
            self.profile[col].append(kind(text))

    def extendable(self, row: int, cols: int) -> bool:
        """Whether the slots left of `cols` in `row` can be covered from the row above.

        Each such slot must be owned above by a cell that ends there and lies wholly left of `cols`,
        or be empty above or under a full-width line (a title or a `……` row): then it stays empty.
        """
        for c in range(cols):
            above = self.owner.get((row - 1, c))
            if above is None or above.col_span == self.width:
                continue
            if above.row + above.row_span != row or above.col + above.col_span > cols:
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

    def extend(self, row: int, cols: int) -> None:
        above = (self.owner.get((row - 1, c)) for c in range(cols))
        for cell in {id(c): c for c in above if c and c.col_span < self.width}.values():
            cell.row_span += 1
            for c in range(cell.col, cell.col + cell.col_span):
                self.owner[(row, c)] = cell


def _best_offset(kinds: list[str | None], profile: list[deque[str | None]],
                 offsets: list[int]) -> tuple[int, float]:
    """(offset, score) of the best fit; ties go to the leftmost offset."""
    best, best_score = 0, -1.0
    for s in offsets:
        score = sum(_share(k, profile[s + i]) for i, k in enumerate(kinds))
        if score > best_score:
            best, best_score = s, score
    return best, best_score


def build_table(rows: list[RawRow], limits: Limits) -> Table:
    """The grid of one published table: full rows as they are, short rows aligned (see module doc)."""
    rows = [r for r in rows if any(t.strip() for t in r.cells)]
    width = max((len(r.cells) for r in rows), default=0)
    if width * len(rows) > limits.max_cells:
        raise ReadError("too_large", f"a table in the text has {len(rows)} rows × {width} columns, more than the "
                        f"limit of {limits.max_cells} cells — check the file is the form, not a data dump")
    grid = _Grid(width)
    full_kinds = {i: [kind(t) for t in r.cells] for i, r in enumerate(rows) if len(r.cells) == width}
    from jixiao.extractors.text_columns import header_start  # (it builds on this module's cell kinds)
    floor = 0  # columns of the row label (绩效指标) left of the indicator header: merged over its rows
    for r, raw in enumerate(rows):
        k = len(raw.cells)
        kinds = [kind(t) for t in raw.cells]
        if k > 2 and (start := header_start(raw.cells)) is not None:  # what the columns held above the
            for column in grid.profile:  # indicator header (项目名称 and its value) says nothing about
                column.clear()  # the columns below it
            floor = start
        offset = 0
        if 0 < r and k < width:
            offsets = [s for s in range(width - k + 1) if s == 0 or grid.extendable(r, s)]
            offsets = [s for s in offsets if s >= floor] or offsets
            offset, score = _best_offset(kinds, grid.profile, offsets)
            if k == 1 and (score <= 0 or kinds[0] not in _LEVEL_KINDS):  # a lone cell moves only under
                offset = 0  # a column of its own 一级/二级 kind
            if offset > 0:
                grid.extend(r, offset)
        if offset == 0 and 1 < k < width and (r + 1) in full_kinds and _LEVEL_KINDS & set(kinds):
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
