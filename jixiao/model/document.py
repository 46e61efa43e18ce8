"""The one document model every reader fills and the structure parser reads.

A document is an ordered list of blocks (paragraphs and tables), each carrying
provenance. Readers only read: they never interpret what a paragraph or a cell
means. Tables keep merged cells explicit (a cell spans rows/columns; the slots
it covers hold no cell of their own), so the parser decides how to fill down.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

# What a document was read from (`documents.format`).
Format = Literal["docx", "pdf", "txt", "xlsx", "xls", "et", "ods", "image", "doc", "wps", "rtf"]
# How its text was obtained (`documents.read_method`).
ReadMethod = Literal["native", "text_layer", "ocr", "mixed", "converted"]


class Provenance(BaseModel):
    """Where a block came from in the source file."""

    page: int | None = None  # 1-based page (PDF only)
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    line: int | None = None  # 1-based line in a text file, or row in a sheet
    sheet: str | None = None  # spreadsheets: the sheet's name


class Paragraph(BaseModel):
    kind: Literal["paragraph"] = "paragraph"
    text: str
    prov: Provenance = Field(default_factory=Provenance)
    confidence: float | None = None  # OCR'd text: the lowest recognition confidence of its lines (0–1)


class Cell(BaseModel):
    """One real cell; `row`/`col` is its top-left slot in the table grid."""

    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    confidence: float | None = None  # OCR'd text: the lowest recognition confidence of its lines (0–1)


class Table(BaseModel):
    kind: Literal["table"] = "table"
    n_rows: int
    n_cols: int
    cells: list[Cell]
    prov: Provenance = Field(default_factory=Provenance)
    row_pages: list[int] | None = None  # page of each row, for PDF tables joined across pages
    doubts: list[str] = Field(default_factory=list)  # rows the reader could not place with confidence
    cut: bool = False  # the text ended inside the last row's last cell (an excerpt): that cell was left out

    def rows(self) -> list[list[Cell]]:
        """Cells grouped by the row they start in, left to right."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out

    def grid(self) -> list[list[str | None]]:
        """Text per grid slot; None where a slot is covered by a merged cell."""
        grid: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            grid[cell.row][cell.col] = cell.text
        return grid

    def page_of_row(self, row: int) -> int | None:
        if self.row_pages and row < len(self.row_pages):
            return self.row_pages[row]
        return self.prov.page

    @classmethod
    def from_rows(cls, rows: list[list[str]], prov: Provenance | None = None) -> Table:
        """A table with no merged cells (rows may differ in length)."""
        cells = [Cell(row=r, col=c, text=t) for r, row in enumerate(rows) for c, t in enumerate(row)]
        n_cols = max((len(r) for r in rows), default=0)
        return cls(n_rows=len(rows), n_cols=n_cols, cells=cells, prov=prov or Provenance())


Block = Annotated[Paragraph | Table, Field(discriminator="kind")]


class Document(BaseModel):
    """Everything a reader got out of one file, in reading order."""

    format: Format
    read_method: ReadMethod = "native"
    encoding: str | None = None  # text files only: the detected encoding
    n_pages: int | None = None  # PDF only
    blocks: list[Block] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # what the reader skipped or could not read, for a person
    # what the reader read without confidence (published text whose cells cannot be placed): never `ok`
    doubts: list[str] = Field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All paragraph and cell text, for year detection and sanity checks."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            else:
                parts.extend(c.text for c in block.cells)
        return "\n".join(parts)
