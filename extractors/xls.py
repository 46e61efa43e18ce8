"""Read a legacy Excel .xls, a WPS .et or an OpenDocument .ods workbook into the document model.

python-calamine (Rust) reads all three without LibreOffice, with formulas' saved results and typed
dates. It exposes merged ranges for .xls/.et (an .ods gets none: its merged cells read as a value in
the first slot and blanks beside it, and nothing is inferred). It does not expose number formats,
so a number is written the shortest exact way (29.2 stays "29.2"; a cell formatted as 0.00 that
Excel shows as "2.60" reads "2.6", and a percent-formatted 0.95 reads "0.95").
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from jixiao.extractors.base import Limits
from jixiao.extractors.cellvalue import cell_text
from jixiao.extractors.sheets import Merge, Sheet, SheetSource, SheetTooLarge, check_package, workbook_blocks
from jixiao.model.document import Document
from jixiao.model.errors import ReadError

_ZIP = b"PK\x03\x04"
_SCANNED_PER_TYPED = 20  # slots a sheet's used range may have per typed-cell limit before it is too large


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    import python_calamine as calamine  # heavy: only when a workbook is read

    with path.open("rb") as fh:
        zipped = fh.read(4) == _ZIP
    if zipped:
        check_package(path, limits)
    fmt = "ods" if zipped and path.suffix.lower() != ".et" else ("et" if path.suffix.lower() == ".et" else "xls")
    try:
        with path.open("rb") as fh:
            book = calamine.CalamineWorkbook.from_filelike(fh)
        sources = [SheetSource(meta.name, meta.visible == calamine.SheetVisibleEnum.Visible,
                               partial(_sheet, book, meta.name, limits)
                               if meta.typ == calamine.SheetTypeEnum.WorkSheet else None)
                   for meta in book.sheets_metadata]
        blocks, notes = workbook_blocks(sources, limits.max_cells)
    except calamine.PasswordError as exc:
        raise ReadError("encrypted", "password-protected workbook — open it in Excel or WPS, remove the password "
                        "(文件 → 信息 → 保护工作簿), save and submit again") from exc
    except calamine.CalamineError as exc:
        raise ReadError("truncated", f"damaged workbook ({exc}) — open it in Excel or WPS, save it again, or ask "
                        "the township to resend it") from exc
    return Document(format=fmt, blocks=blocks, notes=notes)


def _sheet(book, name: str, limits: Limits) -> tuple[Sheet, list[str]]:
    sheet = book.get_sheet_by_name(name)
    content = Sheet(name=name)
    if sheet.start is None:
        return content, []
    if sheet.total_height * sheet.total_width > limits.max_cells * _SCANNED_PER_TYPED:
        raise SheetTooLarge(f"a used range of {sheet.total_height} × {sheet.total_width} cells")
    for r, row in enumerate(sheet.to_python(skip_empty_area=False)):
        for c, value in enumerate(row):
            text = cell_text(value)
            if text:
                content.texts[(r, c)] = text
    content.merges = [Merge(top, left, bottom, right)
                      for (top, left), (bottom, right) in (sheet.merged_cell_ranges or [])]
    return content, []
