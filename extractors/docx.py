"""Read a .docx into the document model: body paragraphs and tables in order, merges explicit.

python-docx repeats a merged cell at every grid slot it covers (horizontally via
gridSpan, vertically via vMerge). We compare the underlying `<w:tc>` elements to
turn the repeats back into one cell with a row/column span.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from jixiao.document import Cell, Document, Paragraph, Provenance, ReadError, Table


def read_docx(path: Path) -> Document:
    """Every body paragraph and table of a .docx, in reading order."""
    try:
        source = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError) as exc:
        raise ReadError(
            "truncated or corrupt docx: not a valid zip archive — open it in Word and save it again, "
            "or ask the township to resend it"
        ) from exc
    return Document(format="docx", blocks=list(_blocks(source)))


def _blocks(source: DocxDocument):
    for child in source.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = DocxParagraph(child, source).text
            if text.strip():
                yield Paragraph(text=text, prov=Provenance())
        elif tag == "tbl":
            yield _table(DocxTable(child, source))


def _table(table: DocxTable) -> Table:
    """Collapse python-docx's repeated merged cells into spans."""
    rows = [[None] * row.grid_cols_before + list(row.cells) for row in table.rows]
    grid = [[cell._tc if cell is not None else None for cell in row] for row in rows]
    n_rows = len(grid)
    n_cols = max((len(r) for r in grid), default=0)
    cells: list[Cell] = []
    for r, row in enumerate(grid):
        for c, tc in enumerate(row):
            if tc is None:
                continue
            if (c > 0 and row[c - 1] is tc) or (r > 0 and c < len(grid[r - 1]) and grid[r - 1][c] is tc):
                continue  # covered slot of a cell that starts left or above
            col_span = 1
            while c + col_span < len(row) and row[c + col_span] is tc:
                col_span += 1
            row_span = 1
            while r + row_span < n_rows and c < len(grid[r + row_span]) and grid[r + row_span][c] is tc:
                row_span += 1
            text = _cell_text(rows[r][c])
            cells.append(Cell(row=r, col=c, text=text, row_span=row_span, col_span=col_span))
    return Table(n_rows=n_rows, n_cols=n_cols, cells=cells, prov=Provenance())


def _cell_text(cell) -> str:
    """Paragraphs joined by newlines; nested tables flattened into the text so nothing is lost."""
    parts = [p.text for p in cell.paragraphs]
    for nested in cell.tables:
        for row in nested.rows:
            parts.append("\t".join(_cell_text(c) for c in row.cells))
    return "\n".join(parts).strip()
