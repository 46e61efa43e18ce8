"""Read a plain-text submission (a docx exported to text) into the document model.

The layout: paragraphs are plain lines; a table cell is a tab-indented line (a cell
with several paragraphs continues on following lines without a tab); a blank
line separates table rows; two or more blank lines (or a whitespace-only line)
separate tables. A blank cell means "merged with the cell above" — the parser
decides that, the reader keeps the empty text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.document import Document, Paragraph, Provenance, ReadError, Table

# Tried in order after the BOM checks; gbk before gb18030 so the common name is recorded.
_ENCODINGS = ("utf-8", "gbk", "gb18030")
# Word's text export leaves bookmark anchors in front of headings: formatting noise, not content.
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_text(path: Path) -> Document:
    """Paragraphs and tables of a text file, with the encoding it was written in."""
    text, encoding = decode_text(path.read_bytes())
    return Document(format="txt", encoding=encoding, blocks=_blocks(text.splitlines()))


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    if not data.strip():
        raise ReadError("empty file (0 bytes)" if not data else "empty file (only blank space)")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(name), name), name
    for name in _ENCODINGS:
        try:
            return _checked(data.decode(name), name), name
        except UnicodeDecodeError:
            continue
    raise ReadError(
        "not a text file: binary content, or an encoding other than UTF-8 or GBK/GB18030 — "
        "save it as UTF-8 text, or send the original docx/PDF"
    )


def _checked(text: str, encoding: str) -> str:
    """Reject binary content that happens to decode (control characters, NULs)."""
    sample = text[:20000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if "\x00" in sample or control > max(3, len(sample) // 100):
        raise ReadError(
            f"binary content in a .txt file (decoded as {encoding} but full of control bytes) — "
            "check the file is really the text export, or send the docx/PDF"
        )
    return text.lstrip("\ufeff")


@dataclass
class _TableBuilder:
    first_line: int
    rows: list[list[str]] = field(default_factory=list)

    def build(self) -> Table:
        return Table.from_rows(self.rows, Provenance(line=self.first_line))


def _blocks(lines: list[str]) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    table: _TableBuilder | None = None
    row: list[str] | None = None  # the table row being read
    blank_run = 0

    def close_row() -> None:
        nonlocal row
        if row is not None and table is not None:
            table.rows.append(row)
        row = None

    def close_table() -> None:
        nonlocal table
        close_row()
        if table is not None and table.rows:
            blocks.append(table.build())
        table = None

    for number, line in enumerate(lines, start=1):
        line = _BOOKMARK.sub("", line)
        if line.startswith("\t"):
            if table is not None and blank_run >= 2:
                close_table()
            if table is None:
                table = _TableBuilder(first_line=number)
            if row is None:
                row = []
            row.append(line[1:].strip())
            blank_run = 0
        elif not line.strip():
            close_row()
            blank_run += 2 if line else 1  # a whitespace-only line is an empty paragraph: ends a table
        elif row is not None:
            row[-1] = f"{row[-1]}\n{line.strip()}".strip()  # a cell's next paragraph
            blank_run = 0
        else:
            close_table()
            blocks.append(Paragraph(text=line.strip(), prov=Provenance(line=number)))
            blank_run = 0
    close_table()
    return blocks
