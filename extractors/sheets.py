"""One worksheet's cells into the document model: stacked tables, with title lines as paragraphs.

A bureau's workbook holds one project table per sheet, or several stacked on one sheet with a title
line (…绩效目标表, 单位：万元) above each. Rows are told apart by their shape only, never by what the
text says: a blank row, a line (one typed cell, in no vertical merge, at the sheet's left edge or
starting a block) or a table row. Blank rows and lines end a table; lines become paragraphs. Every
slot of a table's rectangle becomes a cell (empty where nothing was typed), as in a Word table, so
"the cell right of a label" means the same whatever the format.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.extractors.base import Limits, check_zip_methods, check_zip_size, zip_members
from jixiao.model.document import Block, Cell, Paragraph, Provenance, Table
from jixiao.model.errors import ReadError


@dataclass(frozen=True)
class Merge:
    """A merged range, 0-based and inclusive."""

    top: int
    left: int
    bottom: int
    right: int


@dataclass
class Sheet:
    """What a workbook reader found in one sheet: typed text by (row, col), 0-based, and merges."""

    name: str
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)


def check_package(path: Path, limits: Limits) -> None:
    """Refuse a zip bomb (xlsx, ods) before anything is inflated."""
    try:
        members = zip_members(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError("truncated", "truncated or corrupt workbook: not a valid zip archive — open it in "
                        "Excel or WPS and save it again, or ask the township to resend it") from exc
    check_zip_methods(members, "the workbook", "open it in Excel or WPS, save it as .xlsx")
    check_zip_size(members, limits, "the workbook", "save only the 绩效目标 sheets in Excel and submit that")


class SheetTooLarge(Exception):
    """A sheet (or one of its tables) has more cells than the reader's limit."""


@dataclass(frozen=True)
class SheetSource:
    """One sheet of a workbook as its reader lists it; `load` reads its cells (and notes about them)."""

    name: str
    visible: bool
    load: Callable[[], tuple[Sheet, list[str]]] | None  # None: not a worksheet (a chart, a macro sheet)


def workbook_blocks(sources: Iterable[SheetSource], max_cells: int) -> tuple[list[Block], list[str]]:
    """Blocks of every visible sheet in order, and a note for each sheet skipped (hidden, empty, too large)."""
    sources = list(sources)
    if not sources:
        raise ReadError("truncated", "damaged workbook: it lists no sheets at all — open it in Excel or WPS, save "
                        "it again, or ask the township to resend it")
    blocks: list[Block] = []
    notes: list[str] = []
    for source in sources:
        if source.load is None:
            notes.append(f"sheet '{source.name}' is not a worksheet (a chart or macro sheet): skipped")
            continue
        if not source.visible:
            notes.append(f"sheet '{source.name}' is hidden: skipped (unhide it if it belongs to the submission)")
            continue
        try:
            sheet, sheet_notes = source.load()
            found = sheet_blocks(sheet, max_cells)
        except SheetTooLarge as exc:
            notes.append(f"sheet '{source.name}' is too large to read ({exc}; limit {max_cells} cells): skipped")
            continue
        notes.extend(sheet_notes)
        if not found:
            notes.append(f"sheet '{source.name}' is empty: skipped")
        blocks.extend(found)
    return blocks, notes


def sheet_blocks(sheet: Sheet, max_cells: int) -> list[Block]:
    """The sheet's paragraphs and tables, top to bottom; [] for a sheet with nothing typed."""
    return list(_Layout(sheet, max_cells).blocks())


class _Layout:
    def __init__(self, sheet: Sheet, max_cells: int):
        self.name = sheet.name
        self.max_cells = max_cells
        self.merges = self._merges_within(sheet)
        covered = {(r, c) for m in self.merges for r in range(m.top, m.bottom + 1)
                   for c in range(m.left, m.right + 1) if (r, c) != (m.top, m.left)}
        self.texts = {key: text for key, text in sheet.texts.items() if text.strip() and key not in covered}
        self.by_start = {(m.top, m.left): m for m in self.merges}
        self.vertical = {r for m in self.merges if m.bottom > m.top for r in range(m.top, m.bottom + 1)}
        self.starts: dict[int, list[int]] = {}
        for r, c in sorted(self.texts):
            self.starts.setdefault(r, []).append(c)

    def _merges_within(self, sheet: Sheet) -> list[Merge]:
        """Merges clipped to the typed area (a merge down to row 1048576 must not make a million rows)."""
        typed = [key for key, text in sheet.texts.items() if text.strip()]
        if not typed:
            return []
        if len(typed) > self.max_cells:
            raise SheetTooLarge(f"{len(typed)} cells")
        rows, cols = [r for r, _ in typed], [c for _, c in typed]
        top, bottom, left, right = min(rows), max(rows), min(cols), max(cols)
        clipped, area = [], 0
        for m in sheet.merges:
            if not (top <= m.top <= bottom and left <= m.left <= right):
                continue  # its value slot is outside everything typed: nothing to show
            merge = Merge(m.top, m.left, min(m.bottom, bottom), min(m.right, right))
            area += (merge.bottom - merge.top + 1) * (merge.right - merge.left + 1)
            if area > self.max_cells:  # merged slots are visited one by one below
                raise SheetTooLarge(f"merged ranges covering over {self.max_cells} cells")
            if merge.bottom > merge.top or merge.right > merge.left:
                clipped.append(merge)
        return clipped

    def blocks(self) -> Iterator[Block]:
        if not self.texts:
            return
        left_edge = min(c for _, c in self.texts)
        rows = sorted(set(self.starts) | self.vertical)
        table: list[int] = []
        previous: int | None = None
        block_start = True  # the next row starts a block (top of the sheet, after a blank row or a line)
        for r in rows:
            if previous is not None and r != previous + 1:  # a gap: blank rows
                yield from self._table(table)
                table, block_start = [], True
            previous = r
            cols = self.starts.get(r, [])
            if r not in self.vertical and len(cols) == 1 and (cols[0] == left_edge or block_start):
                yield from self._table(table)
                table, block_start = [], True
                yield Paragraph(text=self.texts[(r, cols[0])], prov=Provenance(sheet=self.name, line=r + 1))
            else:
                table.append(r)
                block_start = False
        yield from self._table(table)

    def _table(self, rows: list[int]) -> Iterator[Table]:
        """One table over consecutive rows: every slot a cell, merged ranges as spans."""
        if not rows:
            return
        top, bottom = rows[0], rows[-1]
        merges = {m for m in self.merges if top <= m.top <= bottom}
        lefts = [c for r in rows for c in self.starts.get(r, [])] + [m.left for m in merges]
        rights = [self.by_start[(r, c)].right if (r, c) in self.by_start else c
                  for r in rows for c in self.starts.get(r, [])] + [m.right for m in merges]
        left, right = min(lefts), max(rights)
        n_rows, n_cols = bottom - top + 1, right - left + 1
        if n_rows * n_cols > self.max_cells:
            raise SheetTooLarge(f"a table of {n_rows} × {n_cols} cells")
        covered: set[tuple[int, int]] = set()
        cells: list[Cell] = []
        for m in merges:
            covered.update((r, c) for r in range(m.top, m.bottom + 1) for c in range(m.left, m.right + 1))
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                merge = self.by_start.get((r, c))
                if merge is not None and merge in merges:
                    cells.append(Cell(row=r - top, col=c - left, text=self.texts.get((r, c), ""),
                                      row_span=merge.bottom - merge.top + 1, col_span=merge.right - merge.left + 1))
                elif (r, c) not in covered:
                    cells.append(Cell(row=r - top, col=c - left, text=self.texts.get((r, c), "")))
        yield Table(n_rows=n_rows, n_cols=n_cols, cells=cells, prov=Provenance(sheet=self.name, line=top + 1))
