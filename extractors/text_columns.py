"""Space-separated rows put under the columns of their indicator header, or left unread.

A web page copied as text with spaces between cells loses every empty cell, not only the cells
merged down from above: `产出指标 数量指标 出差人数 正向 = 8 4` under a nine-column header
(一级指标 … 目标值 计量单位 分值 备注) says nothing about which of 计量单位, 分值 or 备注 the `4` was.
Only the header can tell: each header word says what kind of cell its column holds (a 一级/二级
name, a name, a value, a lone operator, a unit, a figure, text). The row's cells keep their order,
so they go to increasing columns; every way of doing so is scored by how well each cell fits its
column, and the best one is taken — but only when it is the only best one for every cell that
matters (a level, the name, a value, a unit, a figure). A row placed two ways at once is kept
with only its certain cells (its name) and said to be unread (`Table.doubts`), so the document is
`partial` with the reason instead of `ok` with a wrong value — except for words (a qualitative
target such as 严格执行财经制度) that fit two value columns (年度指标值 | 实际完成值): they go to the
first, the columns after them (actual, 偏差原因) left empty. Leading columns a row skips are the merged cells above it (their span is
extended), as in the .docx of the same form.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.extractors.text_kinds import kind
from jixiao.extractors.text_stream import find_header
from jixiao.extractors.text_vocab import (column_kind, fold, header_kind, is_basis, is_level2_under, level_kind,
                                          unit_words)
from jixiao.model.document import Cell, Provenance, Table

Score = float | None  # None: the cell cannot sit in that column
_WORDS = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_OPERATOR_THEN_VALUE = re.compile(r"^(≥|≤|>=|<=|＞=|＜=|>|<|＞|＜|=|＝|≧|≦)\s+(\S.*)$")
_FIGURE = re.compile(r"^[\d.,，]+%?$")
_FIGURE_THEN_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s+([%％‰])$")
_LEVEL_COLUMNS = frozenset({"level1", "level2", "label"})
_CERTAIN = frozenset({"level1", "level2", "name", "val", "num", "op", "unit"})  # columns a wrong guess misleads in
_UNIT_CHARS = 5
_LEVEL_CHARS = 8


def header_start(cells: list[str]) -> int | None:
    """Where the indicator header of a row starts when the row is one (header words to its end, a
    row label such as 绩效指标 allowed before them, and blank cells a merged label above left), else None."""
    lead = next((i for i, c in enumerate(cells) if c.strip()), len(cells))
    found = find_header(cells[lead:])
    if found is None or found[1] != len(cells) - lead or found[0] > 1:
        return None
    return lead + found[0]


def glued_header(first: str, rest: list[str]) -> tuple[str, str] | None:
    """(text before, header word) when a row's first cell is a line of text with the header's first word
    glued to its end (`详情见附件(…)一级指标 | 二级指标 | …`: the page lost the line break before the table)."""
    folded = fold(first)
    if header_kind(first) or len(folded) < 6:
        return None
    for size in range(min(8, len(folded) - 1), 1, -1):
        word = folded[-size:]
        if header_kind(word) and header_start([word, *rest]) == 0:
            written = first.rstrip()
            # the word as the page wrote it (一級指標 is 一级指标 folded): cut there, or nowhere
            return (written[:-size], written[-size:]) if fold(written[-size:]) == word and written[:-size] else None
    return None


def is_header_row(cells: list[str]) -> bool:
    return header_start(cells) is not None


def _cell_kind(text: str) -> str:
    """level1 | level2 | level | op | kindword | figure | number | unit | basis | text."""
    if lk := level_kind(text):
        return lk
    k = kind(text)
    folded = fold(text)
    if is_basis(text):
        return "basis"
    if folded.endswith(("指标", "目标")) and 2 < len(folded) <= _LEVEL_CHARS and not re.search(r"\d", folded):
        return "level"  # a 一级/二级 name the vocabulary does not list (项目完成指标, 项目效益指标)
    if k == "op":
        return "op"
    if folded in _target_kinds():
        return "kindword"  # 定性 / 正向: under 指标性质 or 指标方向, never a figure or a name
    if _FIGURE.match(folded):
        return "figure"
    if k == "number":
        return "number"
    if folded and not re.search(r"\d", folded) and len(folded) <= _UNIT_CHARS and all(
            part in _units() for part in folded.split("/")):
        return "unit"  # 个, 万元, 人/次, 万元/人
    if is_basis(text):
        return "basis"
    return "text"


@lru_cache(maxsize=1)
def _units() -> frozenset[str]:
    return frozenset(fold(u) for u in unit_words())


@dictionary_cache
def _target_kinds() -> frozenset[str]:
    return frozenset(fold(w) for w in load_dictionary("operators")["target_kinds"])


_FITS: dict[str, dict[str, float]] = {
    # column kind → cell kind → how well it sits there (missing: cannot)
    "level1": {"level1": 3, "level": 3, "text": -2},
    "level2": {"level2": 3, "level": 3, "level1": 1, "text": -2},  # 产出指标 under 二级: a 发改 form, one level up
    "name": {"text": 2, "basis": 1, "unit": 0, "level": 0, "level1": 0, "level2": 0, "number": -1, "figure": -1},
    "val": {"number": 2, "figure": 2, "text": 1, "unit": -1, "basis": 0},
    "num": {"figure": 2},
    "op": {"op": 3, "kindword": 2},
    "unit": {"unit": 2, "figure": -1},
    "text": {"text": 1, "basis": 1, "unit": 1, "number": 0, "figure": 0, "kindword": 1},
    "basis": {"basis": 3, "text": 0.5, "number": 0},  # a basis column holds basis words (计划标准) most often
}


def _kinds(cells: list[str], level1: str | None = None, context: bool = True) -> list[str]:
    """Cell kinds in the row; a name that may be 一级 or 二级 opening the row is a 二级 when it belongs under
    the block's 一级 (成本指标 under 产出指标: the 一级 cell is merged from above); a level word without its
    指标 ending right after a possible 二级 is the row's name (经济成本 under 成本指标), as the stream
    reader reads it."""
    kinds = [_cell_kind(c) for c in cells]
    if not context:
        return kinds
    if kinds and kinds[0] == "level" and is_level2_under(cells[0], level1):
        kinds[0] = "level2"
    for i in range(1, len(kinds)):
        bare = re.sub(r"[(（][^()（）]*[)）]分?$", "", fold(cells[i]))
        named_next = i + 1 < len(kinds) and kinds[i + 1] == "text"
        more = i + 1 < len(kinds)  # a row of two level names and nothing else holds no indicator name
        if (kinds[i] in ("level", "level2") and kinds[i - 1] in ("level", "level2") and not named_next
                and (not bare.endswith(("指标", "目标")) or (more and is_level2_under(cells[i], cells[i - 1])))):
            kinds[i] = "text"
    return kinds


def _fit(cell: str, column: str, col: int, leftmost: bool) -> Score:
    """How well a cell of kind `cell` sits in `column` (at index `col`); `leftmost` ranks equal fits by
    how far left they are, so ties go to the earlier column."""
    score = _FITS.get(column, _FITS["text"]).get(cell)
    return round(score * 1000) - col if score is not None and leftmost else score


def placements(cells: list[str], columns: list[str], level1: str | None = None,
               context: bool = True, leftmost: bool = False) -> list[set[int]] | None:
    """For each cell, the columns it takes in the best placements (cells in order, increasing columns);
    None when the cells fit no placement. `level1`: the 一级 of the block the row is in. `leftmost`:
    of equally good placements, the one that leaves the columns at the row's end empty."""
    kinds = _kinds(cells, level1, context)
    n, m = len(cells), len(columns)
    if n == 0 or n > m:
        return None

    @lru_cache(maxsize=None)
    def after(i: int, j: int) -> Score:  # best score of cells[i:] in columns[j:]
        if i == n:
            return 0.0
        best: Score = None
        for c in range(j, m - (n - i) + 1):
            here = _fit(kinds[i], columns[c], c, leftmost)
            rest = after(i + 1, c + 1) if here is not None else None
            if rest is not None and (best is None or here + rest > best):
                best = here + rest
        return best

    @lru_cache(maxsize=None)
    def before(i: int, c: int) -> Score:  # best score of cells[:i] ending before column c, with cell i at c
        if i == 0:
            return 0.0
        best: Score = None
        for p in range(i - 1, c):
            here = _fit(kinds[i - 1], columns[p], p, leftmost)
            prev = before(i - 1, p) if here is not None else None
            if prev is not None and (best is None or here + prev > best):
                best = here + prev
        return best

    total = after(0, 0)
    if total is None:
        return None
    out: list[set[int]] = []
    for i in range(n):
        cols = set()
        for c in range(m):
            here = _fit(kinds[i], columns[c], c, leftmost)
            prev, rest = before(i, c), after(i + 1, c + 1)
            if here is not None and prev is not None and rest is not None and prev + here + rest == total:
                cols.add(c)
        out.append(cols)
    return out


def aligned_table(header: list[str], rows: list[tuple[int, list[str]]], line: int) -> Table:
    """The header row and the rows under it, each row's cells in their columns (see module doc)."""
    start = header_start(header) or 0
    label = header[:start]
    layout = _with_lost_level2(_columns(header[start:]), [texts for _, texts in rows])
    columns = ["label"] * start + [k for k, _ in layout]
    width = len(columns)
    cells = [Cell(row=0, col=c, text=t) for c, t in enumerate(label)]
    col = start
    for k, text in layout:
        if text is None and cells and cells[-1].col + cells[-1].col_span == col and k == "unit":
            cells[-1].col_span += 1  # the value's header over its unit, as a merged 指标值 header
        elif text is not None:
            cells.append(Cell(row=0, col=col, text=text))
        col += 1
    doubts: list[str] = []
    owner: dict[int, Cell] = {c.col: c for c in cells if columns[c.col] == "label"}
    for r, (number, texts) in enumerate(rows, start=1):
        if len(texts) == 1 and not _WORDS.search(texts[0]):
            continue  # a filler line between rows (……, -): an empty row
        if any(a == "op" and b == "val" for a, b in zip(columns, columns[1:])):
            # 计算符号 | 目标值: `= 116`, one cell to the line's reader, is the operator and the value
            texts = [part for text in texts for part in _operator_apart(text)]
        if any(k == "unit" and text for k, text in layout):
            # 计量单位 has a column of its own: `10 %`, joined by the line's reader, is a figure and its unit
            texts = [part for text in texts for part in _unit_apart(text)]
        if label and len(texts) > 1 and fold(texts[0]) == fold(label[0]):
            texts = texts[1:]  # the row label written again on the row (a merged cell repeated)
        if is_header_row(texts) and [fold(t) for t in texts[header_start(texts) or 0:]] == [fold(t) for t in header[start:]]:
            placed = {c.col: t for c, t in zip(cells[len(label):], texts[header_start(texts) or 0:])}  # header again
        else:
            current = next((c.text for c in reversed(cells) if columns[c.col] == "level1" and c.row > 0), None)
            placed, doubt = _placed(texts, columns, start, current)
            if doubt:
                lost = ("the cells after its target left unread" if any(columns[c] == "val" for c in placed)
                        else "its values left unread" if any(columns[c] == "name" for c in placed) else "not read")
                doubts.append(f"line {number}: indicator row '{' '.join(texts)[:40]}': its cells fit more than one "
                              f"column (a web copy drops empty cells) — {lost}")
        first = min(placed, default=width)
        for c in range(first):
            above = owner.get(c)
            if above is not None and columns[c] in _LEVEL_COLUMNS and above.row + above.row_span == r:
                above.row_span += 1
        for c, text in sorted(placed.items()):
            cell = Cell(row=r, col=c, text=text)
            cells.append(cell)
            if header_kind(text):
                owner.pop(c, None)  # a heading written again (一级指标) is never merged down over the rows
            else:
                owner[c] = cell
    virtual = [start + i for i, (_, text) in enumerate(layout) if text is None]
    for col in sorted(virtual, reverse=True):  # a column no row used: gone, as the header shows it
        if not any(c.col == col and c.row > 0 for c in cells):
            cells, width = _without_column(cells, col), width - 1
    return Table(n_rows=len(rows) + 1, n_cols=width, cells=cells, prov=Provenance(line=line), doubts=doubts)


def stacked(top: Table, bottom: Table) -> Table:
    """One table of the rows before an indicator header (项目名称 …) and the aligned rows under it, as
    the page printed them; a full-width cell of the top stays full-width."""
    width = max(top.n_cols, bottom.n_cols)
    cells = [c.model_copy(update={"col_span": width}) if c.col_span == top.n_cols and top.n_cols > 1 else c
             for c in top.cells]
    cells += [c.model_copy(update={"row": c.row + top.n_rows}) for c in bottom.cells]
    return Table(n_rows=top.n_rows + bottom.n_rows, n_cols=width, cells=cells, prov=top.prov,
                 doubts=top.doubts + bottom.doubts)


def _without_column(cells: list[Cell], col: int) -> list[Cell]:
    out = []
    for cell in cells:
        if cell.col > col:
            cell.col -= 1
        elif cell.col + cell.col_span > col:
            cell.col_span -= 1
            if cell.col_span == 0:
                continue
        out.append(cell)
    return out


def _placed(texts: list[str], columns: list[str], start: int,
            level1: str | None) -> tuple[dict[int, str], bool]:
    """Column → text for one data row, and whether some cell could not be placed with certainty: read
    with the block's context first (see _kinds), else by the cells' own kinds when that is unambiguous."""
    placed, doubt = _placed_with(texts, columns, start, level1, True)
    if doubt:
        plain, plain_doubt = _placed_with(texts, columns, start, level1, False)
        if not plain_doubt:
            return plain, False
    return placed, doubt


def _placed_with(texts: list[str], columns: list[str], start: int, level1: str | None,
                 context: bool) -> tuple[dict[int, str], bool]:
    found = placements(texts, columns[start:], level1, context)
    if found is None:
        return {}, True
    kinds = _kinds(texts, level1, context)
    open_cells = [i for i, cols in enumerate(found)
                  if len(cols) > 1 and not all(columns[start + c] in _LEVEL_COLUMNS for c in cols)]
    if open_cells and all(kinds[i] == "text" for i in open_cells) \
            and all(columns[start + c] == "val" for c in found[open_cells[0]]):
        # words, not figures, that fit two value columns (年度指标值 | 实际完成值): the first is taken, the
        # columns after it left empty, as a form leaves its 偏差原因 or 备注 blank
        found = placements(texts, columns[start:], level1, context, leftmost=True) or found
    placed: dict[int, str] = {}
    unsure: set[int] = set()  # the columns an uncertain cell could go to
    for text, cols in zip(texts, found):
        if len(cols) > 1 and all(columns[start + c] in _LEVEL_COLUMNS for c in cols):
            cols = {max(cols)}  # 一级 or 二级: the copy dropped the merged cells at the left
        if len(cols) == 1:
            placed[start + next(iter(cols))] = text
        elif any(columns[start + c] in _CERTAIN for c in cols):
            unsure |= {start + c for c in cols}
    if unsure:  # keep what a wrong guess cannot mislead: the levels and the name, and the target when only
        # cells after it are in doubt (≥ 95 % | 95 | 10 under 实际完成值 | 分值 | 得分: which two of three)
        target_end = _target_end(columns)
        keep = {"level1", "level2", "name"} | ({"op", "val", "unit"} if min(unsure) > target_end else set())
        placed = {c: t for c, t in placed.items() if columns[c] in keep and (c <= target_end or "val" not in keep)}
    return placed, bool(unsure)


def _target_end(columns: list[str]) -> int:
    """The last column of the target: the first value column and the operator or unit columns beside it."""
    first = next((i for i, k in enumerate(columns) if k == "val"), len(columns))
    end = first
    while end + 1 < len(columns) and columns[end + 1] in ("op", "unit"):
        end += 1
    return end


def _with_lost_level2(layout: list[tuple[str, str | None]], rows: list[list[str]]) -> list[tuple[str, str | None]]:
    """一级指标 | 三级指标 | … over rows that carry a 二级 name (产出指标 数量指标 指标1:新建道路 524m): the page lost
    the 二级指标 heading, so a blank-headed 二级 column goes back after the 一级 one."""
    kinds = [k for k, _ in layout]
    carrying = sum(any(level_kind(t) == "level2" for t in texts[:2]) for texts in rows)
    if "level1" not in kinds or "level2" in kinds or carrying < 2:
        return layout
    at = kinds.index("level1") + 1
    return [*layout[:at], ("level2", ""), *layout[at:]]


def _unit_apart(text: str) -> list[str]:
    match = _FIGURE_THEN_PERCENT.match(text.strip())
    return [match.group(1), match.group(2)] if match else [text]


def _operator_apart(text: str) -> list[str]:
    match = _OPERATOR_THEN_VALUE.match(text.strip())
    return [match.group(1), match.group(2)] if match else [text]


def fits(texts: list[str], header: list[str]) -> bool:
    """Whether a row can sit under this header at all (else the table has ended)."""
    start = header_start(header) or 0
    if is_header_row(texts):
        return True
    return placements(texts, [k for k, _ in _columns(header[start:])]) is not None


def _columns(header: list[str]) -> list[tuple[str, str | None]]:
    """(kind, header text) of each column; a header whose text lost a blank cell gets it back where forms
    have one: a 二级 column after 一级 when no header names 二级 (its header cell left blank), a unit
    column after the value when none is named (a 指标值 header spanning value and unit). Such a column
    (text None) stays empty when no row has a cell for it."""
    kinds = [column_kind(h) for h in header]
    out: list[tuple[str, str | None]] = []
    for k, text in zip(kinds, header):
        out.append((k, text))
        if k == "level1" and "level2" not in kinds and "name" in kinds:
            out.append(("level2", None))
        if k == "val" and not {"unit", "op"} & set(kinds) and "val" not in [x for x, _ in out[:-1]]:
            out.append(("unit", None))
    return out


def header_words_in(cells: list[str]) -> int:
    return sum(1 for c in cells if header_kind(c))
