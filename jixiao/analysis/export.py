"""The dataset as one Excel workbook for readers who do not write SQL: a sheet per table.

Headers are Chinese (dictionaries/columns.yaml; the SQL name is the header cell's comment),
the header row is frozen and filtered, and columns are sized to their content. Rows stream
from the published Parquet files into a write-only workbook, so a district's tables never sit
in memory at once.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jixiao.dictionaries import DictionaryError, load_dictionary
from jixiao.model.schema import TABLES
from jixiao.normalizers.text import formula_like

BATCH_ROWS = 2048
WIDTH_SAMPLE_ROWS = 500  # column widths are sized on the first rows of each table
MIN_WIDTH, MAX_WIDTH = 6, 60  # in Excel character units; long texts wrap in the formula bar instead
EXCEL_CELL_CHARS = 32767  # Excel refuses longer cells
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


class ExportError(Exception):
    """The workbook cannot be written; the message says what to do."""


def sheet_layout() -> dict[str, tuple[str, dict[str, str]]]:
    """Per table: its sheet name and the Chinese header of every contract column."""
    tables = (load_dictionary("columns") or {}).get("tables") or {}
    layout = {}
    for table, schema in TABLES.items():
        entry = tables.get(table) or {}
        headers = entry.get("columns") or {}
        missing = [name for name in schema.names if not headers.get(name)]
        if not entry.get("sheet") or missing:
            raise DictionaryError(f"columns.yaml: table {table!r} needs a sheet name and a header for "
                                  f"every column; missing: {', '.join(missing) or 'sheet'}")
        layout[table] = (str(entry["sheet"]), {name: str(headers[name]) for name in schema.names})
    return layout


def export_xlsx(out: Path, xlsx: Path) -> dict[str, int]:
    """Write the dataset in `out` to `xlsx` (replaced atomically); returns the rows written per sheet."""
    parquet = out / "parquet"
    missing = [t for t in TABLES if not (parquet / f"{t}.parquet").exists()]
    if missing:
        raise ExportError(f"no dataset in {out} (missing {', '.join(missing)}) — run `jixiao run INBOX --out {out}` "
                          "first")
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    counts = {}
    for table, (sheet, headers) in sheet_layout().items():
        counts[sheet] = _write_sheet(workbook.create_sheet(sheet), pq.ParquetFile(parquet / f"{table}.parquet"),
                                     headers)
    tmp = xlsx.with_name(f".{xlsx.name}.{os.getpid()}.tmp")  # not mkstemp: colleagues must be able to open it
    try:
        workbook.save(tmp)
        os.replace(tmp, xlsx)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {xlsx}: {exc.strerror} (is it open in Excel?)") from exc
    return counts


def _write_sheet(sheet: WriteOnlyWorksheet, source: pq.ParquetFile, headers: dict[str, str]) -> int:
    """Header, widths, frozen row and filter first (write-only sheets need them before any row)."""
    columns = list(headers)
    n_rows = source.metadata.num_rows
    batches = source.iter_batches(batch_size=BATCH_ROWS, columns=columns)
    first = next(batches, None)
    sample = first.slice(0, WIDTH_SAMPLE_ROWS).to_pydict() if first is not None else {c: [] for c in columns}
    for index, column in enumerate(columns, start=1):
        width = max([display_width(headers[column])] + [display_width(v) for v in sample[column]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n_rows + 1}"
    sheet.append([_header_cell(sheet, headers[column], column) for column in columns])
    for batch in ([first] if first is not None else []):
        _append_batch(sheet, batch.to_pydict(), columns)
    for batch in batches:
        _append_batch(sheet, batch.to_pydict(), columns)
    return n_rows


def _header_cell(sheet: WriteOnlyWorksheet, header: str, column: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    cell.comment = Comment(f"SQL: {column}", "jixiao")
    return cell


def _append_batch(sheet: WriteOnlyWorksheet, batch: dict[str, list], columns: list[str]) -> None:
    for row in zip(*(batch[c] for c in columns)):
        sheet.append([_text_cell(sheet, v) if isinstance(v := excel_value(value), str) and formula_like(v) else v
                      for value in row])


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """Formula-like text (`=HYPERLINK(…)` from a name) stays text: a string cell, quote-prefixed as
    Excel marks a typed `'=…`, so neither Excel nor LibreOffice runs it (openpyxl would write `=…` as a formula)."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell._style = StyleArray()  # openpyxl has no public setter for the xf's quotePrefix
    cell._style.quotePrefix = 1
    return cell


def excel_value(value: object) -> object:
    """Strings without the control characters Excel rejects, cut to Excel's cell limit."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value if len(value) <= EXCEL_CELL_CHARS else value[: EXCEL_CELL_CHARS - 1] + "…"
    return value


def display_width(value: object) -> int:
    """Characters as Excel lays them out: a Chinese character takes two columns."""
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    line = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
