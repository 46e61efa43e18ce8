"""Tables as drawn on a page (ruled grids filled with their characters), joined over page breaks,
and finished into the document model's Table with grid positions and spans.

A table that goes on over a page break is joined into one Table, which pdfplumber never does itself.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from jixiao.extractors.pdf.grid import grids
from jixiao.extractors.pdf.lines import confidence_of, join_lines, join_texts, text_lines
from jixiao.extractors.pdf.settings import PdfSettings
from jixiao.model.document import Cell, Provenance, Table


@dataclass
class RawCell:
    """A cell as drawn on one page; grid positions are worked out when the table is finished."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    confidence: float | None = None  # OCR'd cells only (see lines.confidence_of)


@dataclass
class RawTable:
    cells: list[RawCell]
    page: int
    bbox: tuple[float, float, float, float]

    @property
    def last_page(self) -> int:
        return max(c.page for c in self.cells)

    def band(self, first: bool, snap: float) -> list[RawCell]:
        """Cells starting in the first row band, or reaching the bottom of the last page, left to right."""
        if first:
            top = min(c.top for c in self.cells if c.page == self.page)
            cells = [c for c in self.cells if c.page == self.page and c.top < top + snap]
        else:
            page = self.last_page
            bottom = max(c.bottom for c in self.cells if c.page == page)
            cells = [c for c in self.cells if c.page == page and c.bottom > bottom - snap]
        return sorted(cells, key=lambda c: c.x0)

    def column_edges(self, page: int, snap: float) -> list[float]:
        return cluster([x for c in self.cells if c.page == page for x in (c.x0, c.x1)], snap)

    def drop_first_band(self, snap: float) -> None:
        """Remove the first row; cells reaching below it start at the next row instead."""
        first = self.band(True, snap)
        later = [c.top for c in self.cells if c.page == self.page and c.top >= first[0].top + snap]
        if not later:
            self.cells = [c for c in self.cells if c not in first]
            return
        next_top = min(later)
        for cell in first:
            if cell.bottom > next_top + snap:
                cell.top = next_top
            else:
                self.cells.remove(cell)


def cluster(values: Iterable[float], snap: float) -> list[float]:
    """Sorted distinct positions, values within `snap` of the previous one folded into it."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > snap:
            out.append(value)
    return out


def grid_index(positions: list[float], value: float, snap: float) -> int:
    """Index of the clustered position `value` belongs to."""
    return max(bisect.bisect_right(positions, value + snap) - 1, 0)


def ruled_tables(edges: list[dict], chars: list[dict], page_number: int, settings: PdfSettings) -> list[RawTable]:
    """Grids the page's edges draw (see grid.py), with their text; a single box is a frame, not a table."""
    out = []
    for cells_bboxes in grids(edges, settings):
        cells = [RawCell(page_number, *bbox, text="") for bbox in cells_bboxes]
        _fill_cells(cells, chars, page_number, settings)
        bbox = (min(c.x0 for c in cells), min(c.top for c in cells), max(c.x1 for c in cells),
                max(c.bottom for c in cells))
        out.append(RawTable(cells, page_number, bbox))
    return out


def _fill_cells(cells: list[RawCell], chars: list[dict], page_number: int, settings: PdfSettings) -> None:
    """Give each cell the characters whose middle lies inside it, as wrapped lines joined.

    Characters are looked up in the grid of cell borders (two bisects) instead of testing every cell.
    """
    snap = settings.snap
    xs = cluster([x for c in cells for x in (c.x0, c.x1)], snap)
    ys = cluster([y for c in cells for y in (c.top, c.bottom)], snap)
    owner: dict[tuple[int, int], int] = {}
    for i, cell in enumerate(cells):
        for row in range(grid_index(ys, cell.top, snap), grid_index(ys, cell.bottom, snap)):
            for col in range(grid_index(xs, cell.x0, snap), grid_index(xs, cell.x1, snap)):
                owner[row, col] = i
    by_cell: dict[int, list[dict]] = {}
    for char in chars:
        row = bisect.bisect_right(ys, (char["top"] + char["bottom"]) / 2) - 1
        col = bisect.bisect_right(xs, (char["x0"] + char["x1"]) / 2) - 1
        i = owner.get((row, col))
        if i is not None:
            by_cell.setdefault(i, []).append(char)
    for i, cell_chars in by_cell.items():
        cells[i].text = join_lines(text_lines(cell_chars, page_number, settings.column_gap), cells[i].x1,
                                   keep_breaks=True)
        cells[i].confidence = confidence_of(cell_chars)


def inside(char: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def continues(prev: RawTable, nxt: RawTable, heights: dict[int, float], settings: PdfSettings) -> bool:
    """Whether `nxt`, first on its page, goes on with `prev`, last on the page before.

    `prev` need not reach the page bottom: a manual page break may cut a table anywhere.
    """
    snap = settings.snap
    if nxt.page != prev.last_page + 1 or nxt.bbox[1] > settings.continuation_zone * heights[nxt.page]:
        return False
    a, b = prev.column_edges(prev.last_page, snap), nxt.column_edges(nxt.page, snap)
    if abs(a[0] - b[0]) > snap or abs(a[-1] - b[-1]) > snap:
        return False
    inner_a, inner_b = a[1:-1], b[1:-1]
    shared = sum(1 for x in inner_b if any(abs(x - y) <= snap for y in inner_a))
    return len(inner_a) == len(inner_b) or 2 * shared >= min(len(inner_a), len(inner_b))


def append_continuation(prev: RawTable, nxt: RawTable, snap: float) -> None:
    """Join a continuation: drop its repeated header, glue a row cut by the page break, add its cells."""
    header = [c.text for c in prev.band(True, snap)]
    if any(header) and [c.text for c in nxt.band(True, snap)] == header:
        nxt.drop_first_band(snap)
    if nxt.cells:
        _glue_cut_row(prev, nxt, snap)
    prev.cells.extend(nxt.cells)


def _glue_cut_row(prev: RawTable, nxt: RawTable, snap: float) -> None:
    """A row cut by the page break goes on as a first row holding only the overflow of a few cells.

    It is recognised when its filled cells sit under filled cells of the last row and are at most
    half of them; their text is appended to the cells above and the row is dropped.
    """
    above = prev.band(False, snap)
    first = nxt.band(True, snap)
    filled = [c for c in first if c.text]
    partners: list[RawCell] = []
    for cell in filled:
        match = [a for a in above if abs(a.x0 - cell.x0) <= snap and abs(a.x1 - cell.x1) <= snap and a.text]
        if not match:
            return
        partners.append(match[0])
    if not filled or 2 * len(filled) > sum(1 for a in above if a.text):
        return
    for cell, partner in zip(filled, partners):
        partner.text = join_texts(partner.text, cell.text, glued=True)
        cell.text = ""
    nxt.drop_first_band(snap)


def finish(raw: RawTable, snap: float) -> Table:
    """Grid positions and spans from the cell borders: columns shared by all pages, rows stacked."""
    columns = cluster([x for c in raw.cells for x in (c.x0, c.x1)], snap)
    pages = sorted({c.page for c in raw.cells})
    row_tops = {p: cluster([c.top for c in raw.cells if c.page == p], snap) for p in pages}
    first_row: dict[int, int] = {}
    row_pages: list[int] = []
    for p in pages:
        first_row[p] = len(row_pages)
        row_pages += [p] * len(row_tops[p])
    cells = []
    for c in sorted(raw.cells, key=lambda c: (c.page, c.top, c.x0)):
        tops = row_tops[c.page]
        row = grid_index(tops, c.top, snap)
        col = grid_index(columns, c.x0, snap)
        row_span = max(bisect.bisect_left(tops, c.bottom - snap) - row, 1)
        col_span = max(bisect.bisect_left(columns, c.x1 - snap) - col, 1)
        cells.append(Cell(row=first_row[c.page] + row, col=col, text=c.text, row_span=row_span, col_span=col_span,
                          confidence=c.confidence))
    prov = Provenance(page=raw.page, bbox=raw.bbox)
    multi_page = len(pages) > 1
    return Table(
        n_rows=len(row_pages),
        n_cols=len(columns) - 1,
        cells=cells,
        prov=prov,
        row_pages=row_pages if multi_page else None,
    )


