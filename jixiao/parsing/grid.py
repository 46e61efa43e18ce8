"""A table as the parser walks it: rows of cells plus which cell covers every grid slot.

Merged cells stay explicit in the document model; here each row learns, for every column,
the cell that covers it (its own, or one merged down from above or across from the left),
so a label can find its value to the right of it or below it whatever the merges.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from jixiao.model.document import Cell, Table
from jixiao.parsing.records import clean, meaningful
from jixiao.parsing.vocabulary import is_column_heading, is_heading

Slots = dict[tuple[int, int], Cell]


@dataclass
class Row:
    """One table row: the cells that start in it, and the table's slot owners."""

    cells: list[Cell]
    slots: Slots
    index: int
    n_cols: int
    page: int | None
    last: bool = False  # the last row of its table
    cut: bool = False  # the last row, and the text ended inside it (Table.cut)
    n_rows: int = 0  # rows in its table

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def owner(self, col: int) -> Cell | None:
        return self.slots.get((self.index, col))

    def own_text(self, col: int) -> str | None:
        """Text of the cell covering `col` unless it is a wider cell that starts further left."""
        cell = self.owner(col)
        if cell is None or (cell.row == self.index and cell.col != col):
            return None
        return clean(cell.text)

    def starts_here(self, col: int) -> bool:
        """True when the cell covering `col` starts in this row (not merged down from above)."""
        cell = self.owner(col)
        return cell is not None and cell.row == self.index

    def value_of(self, label: Cell) -> tuple[bool, str | None]:
        """(found, text) for a label cell: the cell to its right; when that is itself a heading, the
        cell below the label (a row of labels over a row of values), else — for a group label spanning
        more rows, or a blank below it — the cell below that heading (预算规模及资金用途 | 预算数 / text)."""
        right = self._padded_value(label) or self.slots.get((label.row, label.col + label.col_span))
        under_label = self._below(label)
        if right is None or right is label:
            return (True, clean(under_label.text)) if under_label is not None else (False, None)
        if _is_label(right.text):
            return True, None  # 项目编号： | 项目联系人：: the field was left empty
        if not is_heading(right.text) and not self._headings_after(right):
            return True, clean(right.text)
        if under_label is not None and label.row_span <= right.row_span and clean(under_label.text):
            return True, clean(under_label.text)
        under_right = self._below(right)
        return (True, clean(under_right.text)) if under_right is not None else (False, None)

    def _padded_value(self, label: Cell) -> Cell | None:
        """资金总额 | | | | 3: the first filled cell after blank ones right of the label — a web copy writing
        a merged cell's span as blanks — when it is the row's only one or sits under a column heading
        (年度资金总额： | | 30 under 全年预算数); None otherwise (项目编号 | | 联系人 | X: the field is empty)."""
        right = self.slots.get((label.row, label.col + label.col_span))
        if right is None or right is label or right.text.strip():
            return None
        filled = [c for c in self.cells if c.col > label.col and meaningful(c.text)]
        if not filled or filled[0].row_span != 1:
            return None
        above = self.slots.get((label.row - 1, filled[0].col))
        headed = above is not None and above.row < label.row and is_heading(above.text)
        return filled[0] if len(filled) == 1 or headed else None

    def _headings_after(self, cell: Cell) -> bool:
        """项目名称 | 中央、省级财政资金 | 资金计划 | 资金到位情况: two or more column headings after the cell
        make the row one of headings (its values are below), the cell a heading too."""
        after = [c for c in self.cells if c.col > cell.col and meaningful(c.text)]
        return len(after) >= 2 and all(is_column_heading(c.text) for c in after)

    def beside(self, label: Cell) -> bool:
        """True when the label's value is the cell to its right (a key/value row, not a column heading)."""
        right = self.slots.get((label.row, label.col + label.col_span))
        return right is not None and right is not label and not is_heading(right.text)

    def _below(self, cell: Cell) -> Cell | None:
        """The cell starting right under `cell` in its column, unless it is a heading."""
        below = self.slots.get((cell.row + cell.row_span, cell.col))
        if below is None or below.col != cell.col or is_heading(below.text) or _is_label(below.text):
            return None
        return below

    def left_texts(self, col: int) -> list[str]:
        """Texts of the cells covering the slots left of `col` in this row (merged groups included)."""
        seen, texts = set(), []
        for c in range(col):
            cell = self.owner(c)
            if cell is not None and id(cell) not in seen:
                seen.add(id(cell))
                texts.append(cell.text)
        return texts


def table_rows(table: Table) -> Iterator[Row]:
    slots: Slots = {}
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                slots[(r, c)] = cell
    rows = table.rows()
    for index, cells in enumerate(rows):
        yield Row(cells=cells, slots=slots, index=index, n_cols=table.n_cols, page=table.page_of_row(index),
                  last=index == len(rows) - 1, n_rows=len(rows), cut=table.cut and index == len(rows) - 1)


def _is_label(text: str | None) -> bool:
    """"联系电话：": a short text ending in a colon is the next field's label, never a value."""
    folded = (clean(text) or "").strip()
    return 0 < len(folded) <= 12 and folded.endswith((":", "："))
