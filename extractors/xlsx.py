"""Read an Excel .xlsx workbook into the document model, every visible sheet in order.

openpyxl in read-only mode streams each sheet; merged ranges (which read-only mode does not load)
are taken from the sheet's own `<mergeCell>` list. Numbers keep the look their number format gives
them (see cellvalue). Formulas are never evaluated: a formula's value is the result the file saved,
and one saved without a result (a workbook written by a program, never opened in Excel) is left
blank and named in the document's notes. Hidden, empty and chart sheets are skipped and said so.
"""

from __future__ import annotations

import zipfile
from functools import partial
from pathlib import Path

from lxml import etree

from jixiao.extractors.base import Limits, xml_too_large
from jixiao.extractors.cellvalue import cell_text
from jixiao.extractors.sheets import Merge, Sheet, SheetSource, SheetTooLarge, check_package, workbook_blocks
from jixiao.model.document import Document
from jixiao.model.errors import ReadError

_MERGE_CELL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"
_SCANNED_PER_TYPED = 20  # styled but empty cells a sheet may hold per typed-cell limit before it is too large


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    check_package(path, limits)
    with _Workbook(path, limits) as book:
        blocks, notes = workbook_blocks(book.sources(), limits.max_cells)
    return Document(format="xlsx", blocks=blocks, notes=notes)


def _damaged(exc: Exception) -> ReadError:
    return ReadError("truncated", f"damaged Excel workbook ({type(exc).__name__}: {exc}) — open it in Excel or WPS, "
                     "save it again, or ask the township to resend it")


class _Workbook:
    """The workbook with formulas as written, and (opened when a formula is met) with their saved results."""

    def __init__(self, path: Path, limits: Limits):
        import openpyxl  # heavy: only when an xlsx is read

        self.path, self.limits, self._openpyxl = path, limits, openpyxl
        self.saved = None
        try:
            self.book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except etree.XMLSyntaxError as exc:
            if xml_too_large(exc):
                raise ReadError("too_large", f"the workbook is too big to open safely, not damaged ({exc}) — save "
                                "only the 绩效目标 sheets in Excel and submit that") from exc
            raise _damaged(exc) from exc
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise _damaged(exc) from exc

    def __enter__(self) -> _Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.book.close()
        if self.saved is not None:
            self.saved.close()

    def sources(self) -> list[SheetSource]:
        return [SheetSource(name, self.book[name].sheet_state == "visible",
                            partial(self.load, name) if hasattr(self.book[name], "iter_rows") else None)
                for name in self.book.sheetnames]

    def load(self, name: str) -> tuple[Sheet, list[str]]:
        content, formulas = _sheet(self.book[name], self.limits)
        notes: list[str] = []
        if formulas:
            if self.saved is None:
                self.saved = self._openpyxl.load_workbook(self.path, read_only=True, data_only=True)
            notes = _fill_formulas(content, formulas, self.saved[name])
        content.merges = _merges(self.path, self.book[name])
        return content, notes


def _sheet(sheet, limits: Limits) -> tuple[Sheet, dict[tuple[int, int], str]]:
    """Typed cell texts of one sheet, and its formulas (by slot) whose saved results are still to be read."""
    content = Sheet(name=sheet.title)
    formulas: dict[tuple[int, int], str] = {}
    sheet.reset_dimensions()  # a stale <dimension> must not cut rows off
    scanned = 0
    for row in sheet.iter_rows():
        for cell in row:
            column = getattr(cell, "column", None)
            if column is None or cell.value is None:
                continue
            scanned += 1
            if scanned > limits.max_cells * _SCANNED_PER_TYPED or len(content.texts) > limits.max_cells:
                raise SheetTooLarge(f"over {limits.max_cells} cells")
            slot = (cell.row - 1, column - 1)
            if cell.data_type == "f":
                formulas[slot] = str(getattr(cell.value, "text", cell.value))
                continue
            text = cell_text(cell.value, cell.number_format)
            if text:
                content.texts[slot] = text
    return content, formulas


def _fill_formulas(content: Sheet, formulas: dict[tuple[int, int], str], saved_sheet) -> list[str]:
    """Put each formula's saved result in its slot; the formulas saved without one are left blank and named."""
    saved_sheet.reset_dimensions()
    pending = dict(formulas)
    for row in saved_sheet.iter_rows():
        for cell in row:
            column = getattr(cell, "column", None)
            slot = (cell.row - 1, column - 1) if column is not None else None
            if slot in pending and cell.value is not None:
                pending.pop(slot)
                text = cell_text(cell.value, cell.number_format)
                if text:
                    content.texts[slot] = text
    if not pending:
        return []
    listed = ", ".join(f"{_address(slot)} {formula}" for slot, formula in sorted(pending.items())[:5])
    more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
    return [f"sheet '{content.name}': {len(pending)} formula(s) saved without a result, left blank ({listed}{more})"
            " — open the workbook in Excel or WPS, save it and submit it again"]


def _address(slot: tuple[int, int]) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(slot[1] + 1)}{slot[0] + 1}"


def _merges(path: Path, sheet) -> list[Merge]:
    """The sheet's merged ranges, from its XML part (read-only worksheets do not load them)."""
    from openpyxl.utils.cell import range_boundaries

    part = str(getattr(sheet, "_worksheet_path", "") or "").lstrip("/")
    merges: list[Merge] = []
    if not part:
        return merges
    with zipfile.ZipFile(path) as package, package.open(part) as xml:
        for _, element in etree.iterparse(xml, tag=_MERGE_CELL, resolve_entities=False, huge_tree=False):
            try:
                left, top, right, bottom = range_boundaries(element.get("ref", ""))
            except (ValueError, TypeError):
                continue  # a malformed ref merges nothing
            if None not in (left, top, right, bottom):
                merges.append(Merge(top - 1, left - 1, bottom - 1, right - 1))
            element.clear()
    return merges
