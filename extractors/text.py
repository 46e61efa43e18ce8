"""Read a plain-text submission into the document model: decoding, and the docx text-export layout.

Published text (web pages: pipe tables, one cell per line, space-separated rows, page chrome) is
read by `text_layouts`; this module reads the layout Word's "save as text" gives. That layout: paragraphs are plain lines; a table cell is a tab-indented line (a cell
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

from jixiao.model.document import Document, Paragraph, Provenance, Table
from jixiao.extractors.base import Limits
from jixiao.model.errors import ReadError
from jixiao.extractors.text_layouts import free_blocks, is_tab_row
from jixiao.extractors.text_pipes import is_pipe_line

# Tried in order after UTF-8; gbk before gb18030 so the common name is recorded.
_CHINESE_ENCODINGS = ("gbk", "gb18030")
MIXED_ENCODING = "utf-8+gbk"
_BIG5_SHARE = 0.1  # Han characters outside GB2312 above which a GBK reading is taken for Big5 mojibake
# Word's text export leaves bookmark anchors in front of headings: formatting noise, not content.
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_BARS = re.compile(r"[｜│┃]")  # column rules other than |: a table's row when a line has two or more


def read_text(path: Path, limits: Limits = Limits()) -> Document:
    """Paragraphs and tables of a text file, with the encoding it was written in."""
    text, encoding = decode_text(path.read_bytes())
    blocks = _blocks(text.splitlines(), limits)
    doubts = [d for b in blocks if isinstance(b, Table) for d in b.doubts]
    if "+" in encoding:  # a guess per line: a value may be mojibake, so the document is not `ok`
        legacy = encoding.split("+")[1].upper()
        doubts.append(f"the file mixes two text encodings (UTF-8 and {legacy}): the lines that are not UTF-8 were "
                      f"read as {legacy} — check their values, or save the whole file as UTF-8 and submit it again")
    return Document(format="txt", encoding=encoding, blocks=blocks, doubts=doubts)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030.

    Best effort, never silent garbage: a file cut off inside its last character keeps the
    rest; a file pasted together from UTF-8 and GBK parts is decoded line by line and
    recorded as `utf-8+gbk`, so the mix shows in `documents.encoding`.
    """
    if not data.strip():
        raise ReadError("empty", "empty file (0 bytes)" if not data else "empty file (only blank space)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), "utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _undecodable() from exc
    utf8 = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    body = data.removeprefix(codecs.BOM_UTF8)
    text = _utf8_allowing_cut_end(body)
    if text is not None:
        return _checked(text, utf8), utf8
    by_line = _decode_by_line(body)
    if by_line is not None:
        return _checked(by_line[0], by_line[1]), by_line[1]
    if (legacy := _legacy_chinese(body)) is not None:
        return _checked(*legacy), legacy[1]
    raise _undecodable()


def _legacy_chinese(data: bytes) -> tuple[str, str] | None:
    """GBK (or GB18030), else Big5 (Taiwan/Hong Kong exports) when the GBK reading is mojibake: simplified
    GBK text is almost all GB2312 characters, while Big5 bytes read as GBK land far outside it."""
    for name in _CHINESE_ENCODINGS:
        if (text := _first_decoding(data, (name,))) is not None:
            break
    else:
        return None
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    outside = sum(1 for ch in han if not _in_gb2312(ch))
    if han and outside > _BIG5_SHARE * len(han) and (big5 := _first_decoding(data, ("big5",))) is not None:
        return big5, "big5"
    return text, name


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _undecodable() -> ReadError:
    return ReadError(
        "not_text", "not a text file: binary content, or an encoding other than UTF-8 or GBK/GB18030 — "
        "save it as UTF-8 text, or send the original docx/PDF"
    )


def _utf8_allowing_cut_end(data: bytes) -> str | None:
    """UTF-8 text, also when the file was cut off inside its last character (that character is dropped)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return data[: exc.start].decode("utf-8")
        return None


def _decode_by_line(data: bytes) -> tuple[str, str] | None:
    """Line-by-line decoding of text that is not UTF-8 as a whole but has UTF-8 Chinese lines.

    That is a file pasted together from UTF-8 and GBK parts (`utf-8+gbk`), or a UTF-8
    file with a few damaged bytes (kept as U+FFFD). A line is UTF-8 evidence only when it
    decodes to Chinese text (see `_chinese_utf8`): GBK bytes pass as UTF-8 only by
    accident, and then not as Chinese. None when no line is such evidence (a GBK file).
    """
    decoded: list[str] = []
    seen: set[str] = set()
    for line in data.splitlines(keepends=True):
        text = _chinese_utf8(line)
        if text is not None:
            seen.add("utf-8")
        elif (legacy := _legacy_chinese(line)) is not None:
            text = legacy[0]
            seen.add(legacy[1] if not line.isascii() else "ascii")
        else:  # UTF-8 but not Chinese, or a damaged line, or the seam where two parts meet mid-line
            text = _first_decoding(line, ("utf-8",)) or line.decode("gb18030", errors="replace")
        decoded.append(text)
    if "utf-8" not in seen:
        return None
    return "".join(decoded), "utf-8+big5" if "big5" in seen else MIXED_ENCODING if "gbk" in seen else "utf-8"


def _first_decoding(data: bytes, encodings: tuple[str, ...]) -> str | None:
    for name in encodings:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    return None


def _chinese_utf8(line: bytes) -> str | None:
    """The line as UTF-8 if it reads as Chinese text: two or more CJK characters, nothing exotic."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if not ch.isascii()]
    n_cjk = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff")
    chinese_text = all("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u206f"
                       for ch in wide)
    return text if n_cjk >= 2 and chinese_text else None


def _checked(text: str, encoding: str) -> str:
    """Reject binary content that happens to decode (control characters, NULs)."""
    sample = text[:20000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if "\x00" in sample or control > max(3, len(sample) // 100):
        raise ReadError(
            "not_text", f"binary content in a .txt file (decoded as {encoding} but full of control bytes) — "
            "check the file is really the text export, or send the docx/PDF"
        )
    return text.lstrip("\ufeff").replace("\x00", "")  # a stray NUL past the sample: no store takes it (PostgreSQL)


@dataclass
class _TableBuilder:
    first_line: int
    rows: list[list[str]] = field(default_factory=list)

    def build(self) -> Table:
        return Table.from_rows(self.rows, Provenance(line=self.first_line))


def _blocks(lines: list[str], limits: Limits) -> list[Paragraph | Table]:
    """Tab-indented export tables read here; every other line goes to the published-text layouts."""
    blocks: list[Paragraph | Table] = []
    free: list[tuple[int, str]] = []  # lines outside tab-indented tables, read by text_layouts
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

    def flush_free() -> None:
        blocks.extend(free_blocks(free, limits))
        free.clear()

    lines = [_pipes(_BOOKMARK.sub("", line)) for line in lines]
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t") and not is_pipe_line(line) and not _among_tab_rows(lines, number - 1):
            if table is not None and blank_run >= 2:
                close_table()
            if table is None:
                flush_free()
                table = _TableBuilder(first_line=number)
            if row is None:
                row = []
            row.append(line[1:].strip())
            blank_run = 0
        elif not line.strip():
            close_row()
            blank_run += 2 if line else 1  # a whitespace-only line is an empty paragraph: ends a table
            if table is None:
                free.append((number, line))
        elif row is not None and "\t" not in line:
            row[-1] = f"{row[-1]}\n{line.strip()}".strip()  # a cell's next paragraph
            blank_run = 0
        else:
            close_table()
            free.append((number, line))
            blank_run = 0
    close_table()
    flush_free()
    return blocks


def _pipes(line: str) -> str:
    """A row ruled with full-width or box-drawing bars (｜产出指标｜数量指标｜, │…│) as the pipe row it is."""
    return _BARS.sub("|", line) if len(_BARS.findall(line)) >= 2 else line


def _among_tab_rows(lines: list[str], i: int) -> bool:
    """Line i is a row of tab-separated cells, or one cell of such a table (\t该资金用于…, the rest of its
    row merged) right beside one: no cell of Word's text export, whose cells stand between blank lines."""
    return any(0 <= j < len(lines) and is_tab_row(lines[j]) for j in (i - 1, i, i + 1))


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    return read_text(path, limits)
