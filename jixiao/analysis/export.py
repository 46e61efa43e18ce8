"""The dataset as one Excel workbook for readers who do not write SQL: a 汇总 sheet per township,
then a sheet per table, made to be sorted, filtered and printed.

Headers are Chinese (dictionaries/columns.yaml; the SQL name is the header cell's comment), coded
values show their Chinese labels (dictionaries/labels.yaml), money and shares have number formats and spending plans are
numbers with a flag (dictionaries/export.yaml); the header row is frozen, filtered and repeated on
every printed page, which is A4 landscape, one page wide. Columns are sized to their content and
long text wraps. Rows stream
from the published Parquet files into a write-only workbook, so a district's tables never sit
in memory at once.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from jixiao.analysis.labels import UNKNOWN, error_message, label_table
from jixiao.dictionaries import DictionaryError, load_dictionary
from jixiao.analysis.sheets import (CURRENT_ONLY, PLAN_COLUMNS, export_settings, spending_plan,
                                   superseded_documents, township_summary)
from jixiao.model.schema import TABLES
from jixiao.normalizers.text import formula_like

BATCH_ROWS = 2048
WIDTH_SAMPLE_ROWS = 500  # column widths are sized on the first rows of each table
MIN_WIDTH, MAX_WIDTH = 6, 60  # in Excel character units; long texts wrap in the formula bar instead
EXCEL_CELL_CHARS = 32767  # Excel refuses longer cells
LINE_HEIGHT = 15.0  # points per line of wrapped text (11-point type)
MAX_ROW_LINES = 27  # 409 points, Excel's tallest row
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
HEADER_WRAP_WIDTH = 8  # a header wider than this (4 Chinese characters) wraps onto a second line


class ExportError(Exception):
    """The workbook cannot be written; the message says what to do."""


def sheet_layout() -> dict[str, tuple[str, dict[str, str]]]:
    """Per table: its sheet name and the Chinese header of every column it shows, in the workbook's order
    (identifiers such as doc_id last; projects get the spending-plan flag after plan_dec; the analyst's
    English diagnostics, `dataset_only` in export.yaml, stay in the dataset)."""
    tables = (load_dictionary("columns") or {}).get("tables") or {}
    settings = export_settings()
    last = list(settings.get("last_columns") or [])
    left_out = set(settings.get("dataset_only") or [])
    plan = settings.get("spending_plan") or {}
    layout = {}
    for table, schema in TABLES.items():
        entry = tables.get(table) or {}
        headers = entry.get("columns") or {}
        missing = [name for name in schema.names if not headers.get(name)]
        if not entry.get("sheet") or missing:
            raise DictionaryError(f"columns.yaml: table {table!r} needs a sheet name and a header for "
                                  f"every column; missing: {', '.join(missing) or 'sheet'}")
        order = [n for n in schema.names if n not in last and n not in left_out] + \
            [n for n in last if n in schema.names and n not in left_out]
        columns = {name: str(headers[name]) for name in order}
        if table == "projects" and plan.get("column"):
            at = order.index(PLAN_COLUMNS[-1]) + 1
            items = list(columns.items())
            columns = dict(items[:at] + [(plan["column"], str(plan.get("header", plan["column"])))] + items[at:])
        layout[table] = (str(entry["sheet"]), columns)
    return layout


def export_xlsx(out: Path, xlsx: Path) -> dict[str, int]:
    """Write the dataset in `out` to `xlsx` (replaced atomically); returns the rows written per sheet.
    The first sheet sums up each township; then a sheet per table."""
    parquet = out / "parquet"
    missing = [t for t in TABLES if not (parquet / f"{t}.parquet").exists()]
    if missing:
        raise ExportError(f"no dataset in {out} (missing {', '.join(missing)}) — run `jixiao run INBOX --out {out}` "
                          "first")
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    styles = _Styles(export_settings())
    summary = export_settings().get("summary") or {}
    summary_rows = township_summary(out)
    summary_headers = {k: str(v) for k, v in (summary.get("headers") or {}).items()}
    counts = {}
    sheet_name = str(summary.get("sheet", "summary"))
    counts[sheet_name] = _write_sheet(workbook.create_sheet(sheet_name), summary_headers, len(summary_rows),
                                      iter([{c: [r.get(c) for r in summary_rows] for c in summary_headers}]), styles)
    superseded = superseded_documents(parquet)
    printed = export_settings().get("printed_columns") or {}
    for table, (sheet, headers) in sheet_layout().items():
        skip = superseded if table in CURRENT_ONLY else set()
        if table in printed:  # the reviewer's columns, in the reviewer's order, one page wide
            shown = {c: headers[c] for c in printed[table]["columns"]}
            counts[printed[table]["sheet"]] = _table_sheet(workbook.create_sheet(str(printed[table]["sheet"])), parquet,
                                                           table, shown, skip, styles)
        counts[sheet] = _table_sheet(workbook.create_sheet(sheet), parquet, table, headers, skip, styles,
                                     fit=table not in printed)
    tmp = xlsx.with_name(f".{xlsx.name}.{os.getpid()}.tmp")  # not mkstemp: colleagues must be able to open it
    try:
        workbook.save(tmp)
        os.replace(tmp, xlsx)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {xlsx}: {exc.strerror} (is it open in Excel?)") from exc
    return counts


def _table_sheet(sheet: WriteOnlyWorksheet, parquet: Path, table: str, headers: dict[str, str], skip: set[str],
                 styles: _Styles, fit: bool = True) -> int:
    columns = [c for c in headers if c in TABLES[table].names]
    n_rows, batches = _current_batches(parquet / f"{table}.parquet", columns, skip)
    return _write_sheet(sheet, headers, n_rows, (_derived(table, b) for b in batches), styles, fit)


def _current_batches(path: Path, columns: list[str], skip: set[str]) -> tuple[int, Iterator[dict[str, list]]]:
    """A table's rows as column batches, without those of superseded documents (an older version of a
    resubmitted file), so sums in Excel count each submission once."""
    source = pq.ParquetFile(path)
    n_rows = source.metadata.num_rows
    if not skip:
        return n_rows, (b.to_pydict() for b in source.iter_batches(batch_size=BATCH_ROWS, columns=columns))
    value_set = pa.array(sorted(skip), pa.string())
    keep = pc.invert(pc.is_in(pq.read_table(path, columns=["doc_id"])["doc_id"], value_set=value_set))
    n_rows = pc.sum(pc.cast(keep, pa.int64())).as_py() or 0
    batches = source.iter_batches(batch_size=BATCH_ROWS, columns=list(dict.fromkeys([*columns, "doc_id"])))
    return n_rows, ({c: v for c, v in b.filter(pc.invert(pc.is_in(b.column("doc_id"), value_set=value_set)))
                     .to_pydict().items() if c in columns} for b in batches)


def _derived(table: str, batch: dict[str, list]) -> dict[str, list]:
    """Documents: what the clerk does about an error, in Chinese, for the English detail the dataset keeps.
    Projects: spending plans as numbers (fractions when written in percent) and the flag column."""
    if table == "documents" and "error" in batch:
        batch["error"] = [error_message(code) or error for code, error in zip(batch["error_code"], batch["error"])]
    if table != "projects":
        return batch
    flag_column = (export_settings().get("spending_plan") or {}).get("column")
    plans = [spending_plan(budget, list(written))
             for budget, *written in zip(batch["budget_wan"], *(batch[c] for c in PLAN_COLUMNS))]
    for i, column in enumerate(PLAN_COLUMNS):
        batch[column] = [plan.values[i] for plan in plans]
    batch["_plan_percent"] = [plan.percent for plan in plans]
    if flag_column:
        batch[flag_column] = [plan.flag for plan in plans]
    return batch


class _Styles:
    """Per column: the code → Chinese label map, the number format, whether long text wraps."""

    def __init__(self, settings: dict):
        self.labels = label_table()
        self.formats = {column: fmt for fmt, columns in (settings.get("number_formats") or {}).items()
                        for column in columns}
        self.wrap_width = int(settings.get("wrap_width", MAX_WIDTH))
        printing = settings.get("print") or {}
        self.shrink_limit = float(printing.get("min_font_pt", 8)) / float(printing.get("font_pt", 11))
        self.width_unit_pt = float(printing.get("width_unit_pt", 7.4))
        self.last = set(settings.get("last_columns") or [])
        self.unknown = set(settings.get("unknown_shown") or [])
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")


def _write_sheet(sheet: WriteOnlyWorksheet, headers: dict[str, str], n_rows: int, batches, styles: _Styles,
                 fit: bool = True) -> int:
    """Page setup, widths, frozen row and filter first (write-only sheets need them before any row).
    `fit`: one page wide; else at full size, the columns going on over pages side by side."""
    columns = list(headers)
    first = next(batches, None)
    sample = {c: (first.get(c) or [])[:WIDTH_SAMPLE_ROWS] for c in columns} if first else {c: [] for c in columns}
    wrapped, widths = set(), []
    for index, column in enumerate(columns, start=1):
        # A long header wraps (header row) rather than widening a column of short values.
        header = min(display_width(headers[column]), HEADER_WRAP_WIDTH)
        width = max([header] + [display_width(_shown(styles, column, v)) for v in sample[column]])
        if width > styles.wrap_width and column not in styles.last:
            wrapped.add(column)
        widths.append(min(max(width + 2, MIN_WIDTH), styles.wrap_width + 2))
        sheet.column_dimensions[get_column_letter(index)].width = widths[-1]
    # Identifiers at the end (doc_id) stay in the sheet for sorting and lookups but are not printed.
    printed = len(columns) - sum(1 for c in reversed(columns) if c in styles.last) or len(columns)
    sheet.print_area = f"A1:{get_column_letter(printed)}{n_rows + 1}"
    _page_setup(sheet, _paper(sum(widths[:printed]) * styles.width_unit_pt, styles) if fit else None,
                styles.shrink_limit)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n_rows + 1}"
    header_lines = max(_lines(headers[c], w) for c, w in zip(columns, widths))
    if header_lines > 1:
        sheet.row_dimensions[1].height = min(header_lines, MAX_ROW_LINES) * LINE_HEIGHT
    sheet.append([_header_cell(sheet, headers[column], column) for column in columns])
    wrap_widths = {c: w for c, w in zip(columns, widths) if c in wrapped}
    row_no = 2
    for batch in ([first] if first is not None else []):
        row_no = _append_batch(sheet, batch, columns, styles, wrap_widths, row_no)
    for batch in batches:
        row_no = _append_batch(sheet, batch, columns, styles, wrap_widths, row_no)
    return n_rows


A4, A3 = "9", "8"  # Excel's paper codes
SIDE_MARGIN_IN = 0.4
PRINTABLE_PT = {A4: 841.9 - 2 * SIDE_MARGIN_IN * 72, A3: 1190.6 - 2 * SIDE_MARGIN_IN * 72}  # landscape, inside the margins


def _paper(width_pt: float, styles: _Styles) -> str | None:
    """The paper a sheet `width_pt` wide prints on, one page wide, without its text shrinking past the
    limit: A4, else A3; None when even A3 would (the sheet then prints at the limit, pages side by side)."""
    return next((paper for paper in (A4, A3) if width_pt * styles.shrink_limit <= PRINTABLE_PT[paper]), None)


def _page_setup(sheet: WriteOnlyWorksheet, paper: str | None, shrink_limit: float) -> None:
    """Printed: landscape, every column on one page width of `paper`, the header row on every page.
    No paper: A4 at the smallest legible scale, the columns going on over pages side by side, the
    first column (township) repeated on each."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = paper or A4
    if paper:
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        sheet.page_setup.scale = math.ceil(shrink_limit * 100)
        sheet.print_title_cols = "A:A"
    sheet.print_title_rows = "1:1"
    sheet.page_margins = PageMargins(left=SIDE_MARGIN_IN, right=SIDE_MARGIN_IN, top=0.5, bottom=0.6)
    sheet.oddFooter.center.text = "&A　第 &P 页，共 &N 页"
    sheet.print_options.gridLines = True


def _header_cell(sheet: WriteOnlyWorksheet, header: str, column: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGNMENT
    cell.comment = Comment(f"SQL: {column}", "jixiao")
    return cell


def _append_batch(sheet: WriteOnlyWorksheet, batch: dict[str, list], columns: list[str], styles: _Styles,
                  wrapped: dict[str, float], row_no: int) -> int:
    """Append the batch's rows from sheet row `row_no`; returns the next row's number. A row with wrapped
    text gets the height of its longest cell (LibreOffice does not grow rows of a file by itself)."""
    percent_rows = batch.get("_plan_percent")
    for index, row in enumerate(zip(*(batch[c] for c in columns))):
        lines = max([_lines(batch[c][index], width) for c, width in wrapped.items()] or [1])
        if lines > 1:
            sheet.row_dimensions[row_no].height = min(lines, MAX_ROW_LINES) * LINE_HEIGHT
        row_no += 1
        cells = []
        for column, value in zip(columns, row):
            value = excel_value(_shown(styles, column, value))
            if isinstance(value, str) and formula_like(value):
                cells.append(_text_cell(sheet, value))
            elif isinstance(value, (int, float)) and column in styles.formats:
                cell = WriteOnlyCell(sheet, value=value)
                percent = percent_rows is not None and percent_rows[index] and column in PLAN_COLUMNS
                cell.number_format = "0%" if percent else styles.formats[column]
                if lines > 1:
                    cell.alignment = styles.top
                cells.append(cell)
            elif column in wrapped and isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.alignment = styles.wrap
                cells.append(cell)
            elif lines > 1 and value is not None:  # a tall row: every cell at its top, beside the wrapped text
                cell = WriteOnlyCell(sheet, value=value)
                cell.alignment = styles.top
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    return row_no


def _lines(value: object, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide."""
    if not isinstance(value, str):
        return 1
    usable = max(width - 2, 1)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in value.splitlines() or [""])


def _shown(styles: _Styles, column: str, value: object) -> object:
    """The value as the workbook shows it: a coded value by its Chinese label, an unknown amount as "—"."""
    if value is None and column in styles.unknown:
        return UNKNOWN
    labels = styles.labels.get(column)
    return labels.get(value, value) if labels and isinstance(value, str) else value


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


CLERK_COLUMNS = ["township", "source_path", "table_no", "project_code", "project_name", "name_raw", "severity",
                 "message", "evidence", "rule"]


def write_checks_xlsx(rows: list[dict], xlsx: Path) -> int:
    """The checks as a workbook a township clerk can be sent (`jixiao checks --xlsx`): file, project and
    what to fix first; Chinese headers (columns.yaml) and labels (labels.yaml) as in the export."""
    sheet, all_headers = sheet_layout()["checks"]
    headers = {c: all_headers[c] for c in CLERK_COLUMNS}
    workbook = Workbook(write_only=True)
    _write_sheet(workbook.create_sheet(sheet), headers, len(rows), iter([{c: [r.get(c) for r in rows] for c in headers}]),
                 _Styles(export_settings()))
    tmp = xlsx.with_name(f".{xlsx.name}.{os.getpid()}.tmp")
    try:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(tmp)
        os.replace(tmp, xlsx)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {xlsx}: {exc.strerror} (is it open in Excel?)") from exc
    return len(rows)
