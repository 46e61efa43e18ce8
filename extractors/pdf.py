"""Read a born-digital PDF into the document model: paragraphs and tables in reading order.

Everything is read with pdfium (C; pdfminer's pure-Python parsing of the characters was four
fifths of the reading time): each page's characters with their boxes, and the straight segments
of its drawn paths, both in unrotated page space.
Bad files (encrypted, damaged, scanned, unmapped fonts) fail before any layout work.
Ruled tables come from pdfplumber's table finder given those segments as explicit edges
(run only on pages that draw any); tables without rules come from clustering the columns
of the text lines left outside ruled tables. Wrapped lines are joined back into paragraphs
and cell texts, and a table that goes on over a page break is joined into one Table, which
pdfplumber never does itself. Readers only read: nothing here knows what a paragraph or a cell means.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import statistics
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pdfplumber
import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import PDFException
from pdfminer.psparser import PSException
from pdfplumber.table import (
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils import filter_edges
from pdfplumber.utils.exceptions import PdfminerException

from jixiao.model.document import Cell, Document, Paragraph, Provenance, Table
from jixiao.extractors.base import Limits
from jixiao.model.errors import ReadError

RULED_TABLE_SETTINGS = TableSettings.resolve({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
SNAP = 3.0  # points: edges and cell borders closer than this are the same grid line
COLUMN_GAP = 0.5  # in character sizes: a wider gap inside a text line separates table columns
UNREADABLE_SHARE = 0.1  # above this share of undecodable characters the text layer is garbage
FURNITURE_ZONE = 0.1  # top/bottom share of the page where page numbers live
CONTINUATION_ZONE = 1 / 3  # a table going on from the page before starts in the top third
STRAIGHT = 0.01  # points: a segment this close to level or plumb is a horizontal or vertical edge
FORM_DEPTH = 8  # nested form XObjects followed when collecting drawn segments

# A line that starts like this opens a new paragraph (numbering and "标签：" labels).
PARAGRAPH_START = re.compile(
    r"^(?:"
    r"第[一二三四五六七八九十百零〇\d]+[部章节条篇]"
    r"|[一二三四五六七八九十百零〇]+[、．.]"
    r"|[（(][一二三四五六七八九十百零〇\d]+[）)]"
    r"|\d+[、．]"
    r"|\d+\.(?!\d)"
    r"|[①-⑳]"
    r"|[\u4e00-\u9fff]{1,6}[：:]"
    r")"
)
PAGE_NUMBER = re.compile(r"^(?:[-—–\s]*\d+[-—–\s]*|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")


def read_pdf(path: Path) -> Document:
    """Every paragraph and table of a born-digital PDF, in reading order."""
    drawn = _drawn_pages(path)
    _check_text_layer(drawn)
    pages = [_read_page(page) for page in drawn]
    margins = _Margins.of(pages)
    items = [item for page in pages for item in page.items]
    return Document(format="pdf", n_pages=len(drawn), blocks=list(_blocks(items, margins)))


# ---------------------------------------------------------------- what pdfium reads


@dataclass
class _DrawnPage:
    """One page as drawn: characters in top-down page coordinates and straight ruling segments."""

    number: int
    height: float
    chars: list[dict]
    edges: list[dict]
    scanned: bool  # images and no text: needs OCR


def _drawn_pages(path: Path) -> list[_DrawnPage]:
    """Open the file with pdfium (failing with a clerk's message) and read every page's characters and edges."""
    with path.open("rb") as head:
        start = head.read(1024)
    if not start:
        raise ReadError("empty", "empty file (0 bytes) — ask the township to resend the document")
    if start.find(b"%PDF-") < 0:
        raise ReadError("truncated", "not a PDF file (no %PDF header) — check the file type or ask the township to resend it")
    try:
        pdf = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as exc:
        # pdfium's error text can carry a stale code from an earlier document, so look at the file itself.
        if _is_encrypted(path):
            raise ReadError("encrypted", "encrypted PDF (password protected) — ask the township for an unprotected copy") from exc
        raise ReadError("truncated", _NO_PAGES if _has_no_pages(path) else _corrupt_message()) from exc
    try:
        if len(pdf) == 0:
            raise ReadError("truncated", _NO_PAGES)
        return [_drawn_page(pdf[i], i + 1) for i in range(len(pdf))]
    finally:
        pdf.close()


def _drawn_page(page: pypdfium2.PdfPage, number: int) -> _DrawnPage:
    left, bottom, _, top = page.get_bbox()
    chars = _page_chars(page.get_textpage(), left, top)
    scanned = not chars and any(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    return _DrawnPage(number, top - bottom, chars, _page_edges(page, left, top), scanned)


def _page_chars(textpage: pypdfium2.PdfTextPage, left: float, top: float) -> list[dict]:
    """Visible characters as pdfplumber-style dicts (x0, x1, top, bottom, size, text).

    Measured as pdfminer measures them, which the layout thresholds were set on: across, the loose
    box (the advance width); down, the font size standing on the font's descent line (pdfminer reads
    a smaller descent for some embedded fonts, which only moves a whole font's boxes by a point or two).
    """
    chars: list[dict] = []
    box = pdfium_c.FS_RECTF()
    x, y, descent = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    n = pdfium_c.FPDFText_CountChars(textpage)
    i = 0
    while i < n:
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        index, i = i, i + 1
        if 0xD800 <= code < 0xDC00 and i < n:  # a character outside the BMP comes as a surrogate pair
            low = pdfium_c.FPDFText_GetUnicode(textpage, i)
            if 0xDC00 <= low < 0xE000:
                code, i = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), i + 1
        text = chr(code)
        if text.isspace():  # also the spaces and line breaks pdfium generates
            continue
        pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
        size = pdfium_c.FPDFText_GetFontSize(textpage, index)
        font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(textpage, index))
        if not pdfium_c.FPDFFont_GetDescent(font, size, descent):
            descent.value = box.bottom - y.value
        bottom = top - y.value - descent.value
        chars.append({"text": text, "x0": box.left - left, "x1": box.right - left,
                      "top": bottom - size, "bottom": bottom, "size": size})
    return chars


_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _page_edges(page: pypdfium2.PdfPage, left: float, top: float) -> list[dict]:
    """Horizontal and vertical segments of every drawn path (lines, rectangles, grids), as table edges."""
    edges: list[dict] = []
    count = pdfium_c.FPDFPage_CountObjects(page)
    objects = [pdfium_c.FPDFPage_GetObject(page, i) for i in range(count)]
    _collect_edges(objects, _IDENTITY, 0, edges, (left, top))
    return edges


def _collect_edges(objects: list, outer: _Matrix, depth: int, edges: list[dict], origin: tuple[float, float]) -> None:
    matrix = pdfium_c.FS_MATRIX()
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
            continue
        pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
        placed = _compose(outer, (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f))
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path_edges(obj, placed, edges, origin)
        elif depth < FORM_DEPTH:
            inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
            _collect_edges(inner, placed, depth + 1, edges, origin)


def _compose(outer: _Matrix, inner: _Matrix) -> _Matrix:
    """The matrix applying `inner`, then `outer` (PDF's a b c d e f order)."""
    a, b, c, d, e, f = outer
    ia, ib, ic, id_, ie, if_ = inner
    return (a * ia + c * ib, b * ia + d * ib, a * ic + c * id_, b * ic + d * id_,
            a * ie + c * if_ + e, b * ie + d * if_ + f)


def _path_edges(path, matrix: _Matrix, edges: list[dict], origin: tuple[float, float]) -> None:
    """Straight segments of one path; curves only move the pen."""
    a, b, c, d, e, f = matrix
    left, top = origin
    x, y = ctypes.c_float(), ctypes.c_float()
    start = pen = None
    for i in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e - left, top - (b * x.value + d * y.value + f))
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and pen is not None:
            _add_edge(pen, point, edges)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or start is None:
            start = point
        pen = point
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            _add_edge(pen, start, edges)
            pen = start


def _add_edge(p: tuple[float, float], q: tuple[float, float], edges: list[dict]) -> None:
    x0, x1 = sorted((p[0], q[0]))
    top, bottom = sorted((p[1], q[1]))
    if x1 - x0 <= STRAIGHT:
        orientation = "v"
        x0 = x1 = (x0 + x1) / 2
    elif bottom - top <= STRAIGHT:
        orientation = "h"
        top = bottom = (top + bottom) / 2
    else:
        return
    edges.append({"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
                  "bottom": bottom, "width": x1 - x0, "height": bottom - top})


# ---------------------------------------------------------------- file checks


def _corrupt_message() -> str:
    return (
        "truncated or corrupt PDF: the file cannot be parsed — open it in a PDF viewer and "
        "export it again, or ask the township to resend it"
    )


def _check_text_layer(pages: list[_DrawnPage]) -> None:
    """Scanned pages and unmapped fonts (control or private-use codes) are refused before layout work."""
    chars = [c["text"] for page in pages for c in page.chars]
    if not chars:
        raise ReadError(
            "scanned_no_ocr", "scanned PDF without text layer — needs OCR; ask for the born-digital PDF or the docx"
        )
    scanned = [page.number for page in pages if page.scanned]
    if scanned:
        raise ReadError(
            "scanned_no_ocr", f"pages {', '.join(map(str, scanned))} are scanned images without text layer — needs OCR; "
            "ask for the born-digital PDF or the docx"
        )
    if sum(1 for ch in chars if _undecodable(ch)) > UNREADABLE_SHARE * len(chars):
        raise ReadError("unreadable_text", _unreadable_message())


_NO_PAGES = "PDF has no pages — ask the township to resend the document"


def _is_encrypted(path: Path) -> bool:
    """An /Encrypt entry in a trailer (or xref stream dictionary): near the end, or the start if linearized."""
    window = 1 << 20
    with path.open("rb") as fh:
        start = fh.read(window)
        fh.seek(max(0, path.stat().st_size - window))
        end = fh.read(window)
    return b"/Encrypt" in start or b"/Encrypt" in end


def _has_no_pages(path: Path) -> bool:
    """pdfium refuses a page tree with no pages as if the file were damaged; pdfminer tells them apart."""
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages) == 0
    except (PdfminerException, PDFException, PSException, PDFSyntaxError):
        return False


def _unreadable_message() -> str:
    return (
        "the PDF's text layer is unreadable (fonts without a character map give garbage or (cid:N) codes) "
        "— ask for the docx or a PDF exported with embedded Unicode fonts"
    )


def _undecodable(ch: str) -> bool:
    """Control, private-use and replacement characters are what unmappable fonts decode to."""
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cs")


# ---------------------------------------------------------------- characters and lines


def _is_wide(ch: str) -> bool:
    """CJK characters and full-width punctuation: joined without spaces."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join(left: str, right: str, glued: bool = False) -> str:
    """Join two pieces of one wrapped text: no space next to CJK, or where a token was cut (`glued`)."""
    if not left or not right:
        return left or right
    if glued or _is_wide(left[-1]) or _is_wide(right[0]):
        return left + right
    return f"{left} {right}"


@dataclass
class _Line:
    """Characters on one baseline, left to right; whitespace glyphs dropped (gaps give spaces)."""

    chars: list[dict]
    page: int

    @cached_property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @cached_property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @cached_property
    def top(self) -> float:
        return min(c["top"] for c in self.chars)

    @cached_property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars)

    @cached_property
    def size(self) -> float:
        return max(c["size"] for c in self.chars)

    @cached_property
    def text(self) -> str:
        return _chars_text(self.chars)

    @cached_property
    def segments(self) -> list[_Line]:
        """Pieces separated by gaps wider than a column gap (table columns without rules)."""
        pieces = [[self.chars[0]]]
        for prev, char in zip(self.chars, self.chars[1:]):
            if char["x0"] - prev["x1"] > COLUMN_GAP * max(char["size"], prev["size"]):
                pieces.append([])
            pieces[-1].append(char)
        return [_Line(chars, self.page) for chars in pieces]


def _chars_text(chars: list[dict]) -> str:
    out: list[str] = []
    for prev, char in zip([None, *chars], chars):
        text = char["text"]
        if prev is not None and not (_is_wide(prev["text"][-1]) or _is_wide(text[0])):
            if char["x0"] - prev["x1"] > 0.2 * char["size"]:
                out.append(" ")
        out.append(text)
    return "".join(out)


def _lines(chars: Iterable[dict], page: int) -> list[_Line]:
    """Group characters into lines: a character belongs to the line its vertical middle falls in."""
    lines: list[list[dict]] = []
    band_bottom = float("-inf")
    for char in sorted(chars, key=lambda c: c["top"]):
        middle = (char["top"] + char["bottom"]) / 2
        if lines and middle < band_bottom:
            lines[-1].append(char)
            band_bottom = max(band_bottom, char["bottom"])
        else:
            lines.append([char])
            band_bottom = char["bottom"]
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        kept = [line[0]]
        for char in line[1:]:  # drop fake-bold doubles drawn at almost the same place
            if char["text"] == kept[-1]["text"] and abs(char["x0"] - kept[-1]["x0"]) < 1:
                continue
            kept.append(char)
        out.append(_Line(kept, page))
    return out


def _join_lines(lines: list[_Line], right_edge: float | None = None, keep_breaks: bool = False) -> str:
    """Wrapped lines back into one text; `keep_breaks` keeps a newline before numbered lines (cells)."""
    text = ""
    for prev, line in zip([None, *lines], lines):
        piece = line.text
        if prev is None:
            text = piece
        elif keep_breaks and PARAGRAPH_START.match(piece):
            text = f"{text}\n{piece}"
        else:
            text = _join(text, piece, glued=_cut_token(prev, right_edge))
    return text


def _cut_token(line: _Line, right_edge: float | None) -> bool:
    """A line that is one token reaching the right edge was cut inside that token."""
    return right_edge is not None and " " not in line.text and line.x1 > right_edge - line.size


# ---------------------------------------------------------------- tables


@dataclass
class _RawCell:
    """A cell as drawn on one page; grid positions are worked out when the table is finished."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str


@dataclass
class _RawTable:
    cells: list[_RawCell]
    page: int
    bbox: tuple[float, float, float, float]

    @property
    def last_page(self) -> int:
        return max(c.page for c in self.cells)

    def band(self, first: bool) -> list[_RawCell]:
        """Cells starting in the first row band, or reaching the bottom of the last page, left to right."""
        if first:
            top = min(c.top for c in self.cells if c.page == self.page)
            cells = [c for c in self.cells if c.page == self.page and c.top < top + SNAP]
        else:
            page = self.last_page
            bottom = max(c.bottom for c in self.cells if c.page == page)
            cells = [c for c in self.cells if c.page == page and c.bottom > bottom - SNAP]
        return sorted(cells, key=lambda c: c.x0)

    def column_edges(self, page: int) -> list[float]:
        return _cluster([x for c in self.cells if c.page == page for x in (c.x0, c.x1)])

    def drop_first_band(self) -> None:
        """Remove the first row; cells reaching below it start at the next row instead."""
        first = self.band(first=True)
        later = [c.top for c in self.cells if c.page == self.page and c.top >= first[0].top + SNAP]
        if not later:
            self.cells = [c for c in self.cells if c not in first]
            return
        next_top = min(later)
        for cell in first:
            if cell.bottom > next_top + SNAP:
                cell.top = next_top
            else:
                self.cells.remove(cell)


def _cluster(values: Iterable[float]) -> list[float]:
    """Sorted distinct positions, values within SNAP of the previous one folded into it."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > SNAP:
            out.append(value)
    return out


def _index(positions: list[float], value: float) -> int:
    """Index of the clustered position `value` belongs to."""
    return max(bisect.bisect_right(positions, value + SNAP) - 1, 0)


def _ruled_tables(edges: list[dict], chars: list[dict], page_number: int) -> list[_RawTable]:
    """Grids found by pdfplumber's lines strategy over the page's edges; a single box is a frame, not a table."""
    out = []
    for cells_bboxes in _grids(edges):
        if len(cells_bboxes) < 2:
            continue
        cells = [_RawCell(page_number, *bbox, text="") for bbox in cells_bboxes]
        _fill_cells(cells, chars, page_number)
        bbox = (min(c.x0 for c in cells), min(c.top for c in cells), max(c.x1 for c in cells),
                max(c.bottom for c in cells))
        out.append(_RawTable(cells, page_number, bbox))
    return out


def _grids(edges: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    """pdfplumber's TableFinder steps (snap and join edges, intersect, build cells, group them) on our edges."""
    s = RULED_TABLE_SETTINGS
    edges = filter_edges(edges, min_length=s.edge_min_length_prefilter)
    edges = merge_edges(edges, snap_x_tolerance=s.snap_x_tolerance, snap_y_tolerance=s.snap_y_tolerance,
                        join_x_tolerance=s.join_x_tolerance, join_y_tolerance=s.join_y_tolerance)
    edges = filter_edges(edges, min_length=s.edge_min_length)
    intersections = edges_to_intersections(edges, s.intersection_x_tolerance, s.intersection_y_tolerance)
    return cells_to_tables(intersections_to_cells(intersections))


def _fill_cells(cells: list[_RawCell], chars: list[dict], page_number: int) -> None:
    """Give each cell the characters whose middle lies inside it, as wrapped lines joined.

    Characters are looked up in the grid of cell borders (two bisects) instead of testing every cell.
    """
    xs = _cluster([x for c in cells for x in (c.x0, c.x1)])
    ys = _cluster([y for c in cells for y in (c.top, c.bottom)])
    owner: dict[tuple[int, int], int] = {}
    for i, cell in enumerate(cells):
        for row in range(_index(ys, cell.top), _index(ys, cell.bottom)):
            for col in range(_index(xs, cell.x0), _index(xs, cell.x1)):
                owner[row, col] = i
    by_cell: dict[int, list[dict]] = {}
    for char in chars:
        row = bisect.bisect_right(ys, (char["top"] + char["bottom"]) / 2) - 1
        col = bisect.bisect_right(xs, (char["x0"] + char["x1"]) / 2) - 1
        i = owner.get((row, col))
        if i is not None:
            by_cell.setdefault(i, []).append(char)
    for i, cell_chars in by_cell.items():
        cells[i].text = _join_lines(_lines(cell_chars, page_number), cells[i].x1, keep_breaks=True)


def _inside(char: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _unruled_tables(lines: list[_Line]) -> tuple[list[_RawTable], list[_Line]]:
    """Runs of lines whose pieces stand in aligned columns become tables; other lines are returned."""
    tables: list[_RawTable] = []
    rest: list[_Line] = []
    start = 0
    for first, last in _table_runs(lines):
        rest += lines[start:first]
        table = _columns_table(lines[first:last])
        if table is None:
            rest += lines[first:last]
        else:
            tables.append(table)
        start = last
    rest += lines[start:]
    return tables, rest


def _table_runs(lines: list[_Line]) -> Iterator[tuple[int, int]]:
    """[first, last) index ranges of lines that may form a table without rules.

    A run joins lines split into several pieces that stand close together, with everything
    between them; one-piece lines just above or below join it when they start at one of the
    run's later columns (a cell wrapped or centred away from the others).
    """
    multi = [i for i, line in enumerate(lines) if len(line.segments) >= 2]
    groups: list[list[int]] = []
    for i in multi:
        if groups and lines[i].top - lines[groups[-1][-1]].bottom <= 3 * lines[i].size:
            groups[-1].append(i)
        else:
            groups.append([i])
    taken = 0
    for group in groups:
        if len(group) < 2:
            continue
        first, last = max(group[0], taken), group[-1] + 1
        starts = [p.x0 for i in group for p in lines[i].segments]
        while first > taken and _hangs_on(lines[first - 1], lines[first], starts):
            first -= 1
        while last < len(lines) and _hangs_on(lines[last], lines[last - 1], starts, lines[last + 1 : last + 2]):
            last += 1
        taken = last
        yield first, last


def _hangs_on(line: _Line, neighbour: _Line, starts: list[float], after: list[_Line] = ()) -> bool:
    """A one-piece line close to the run that starts at a later column (or is followed by one that does)."""
    close = max(line.top - neighbour.bottom, neighbour.top - line.bottom) <= line.size
    if not close or len(line.segments) >= 2:
        return False
    later = [s for s in starts if s > min(starts) + SNAP]
    if any(abs(line.x0 - s) <= SNAP for s in later):
        return True
    return bool(after) and _hangs_on(after[0], line, starts)


@dataclass
class _Block:
    """Pieces of text stacked in one column close enough to be one cell."""

    col: int
    span: int
    pieces: list[_Line]

    @property
    def top(self) -> float:
        return self.pieces[0].top

    @property
    def bottom(self) -> float:
        return self.pieces[-1].bottom


def _columns_table(run: list[_Line]) -> _RawTable | None:
    """Columns where pieces start; rows from the column with the most cells; centred merged cells span."""
    pieces = sorted((p for line in run for p in line.segments), key=lambda p: p.top)
    starts = _column_starts(run)
    if len(starts) < 2:
        return None
    right = max(p.x1 for p in pieces)
    blocks = _blocks_of(pieces, starts)
    counts = [sum(1 for b in blocks if b.col == c) for c in range(len(starts))]
    anchor = counts.index(max(counts))
    rows = [[b.top, b.bottom] for b in blocks if b.col == anchor]
    placed: dict[int, tuple[int, int]] = {}
    for block in blocks:  # cells inside one row first; they widen it
        hit = _overlapping(rows, block)
        if len(hit) == 1:
            row = rows[hit[0]]
            row[0], row[1] = min(row[0], block.top), max(row[1], block.bottom)
    for block in blocks:  # cells in rows where the anchor column is blank make rows of their own
        if not _overlapping(rows, block) and _between_blank_rows(block, rows, blocks) is None:
            rows.append([block.top, block.bottom])
            rows.sort()
    for i, block in enumerate(blocks):
        hit = _overlapping(rows, block)
        placed[i] = (hit[0], hit[-1]) if hit else _between_blank_rows(block, rows, blocks)
    taken = {(r, c) for i, b in enumerate(blocks) for r in range(placed[i][0], placed[i][1] + 1)
             for c in range(b.col, b.col + b.span)}
    for i, block in enumerate(blocks):
        placed[i] = _centred_span(block, placed[i], rows, taken)
    edges = [*starts, right]
    page = run[0].page
    cells: dict[tuple[int, int], _RawCell] = {}
    for i, block in enumerate(blocks):
        first, last = placed[i]
        top = rows[first][0]
        bottom = rows[last + 1][0] if last + 1 < len(rows) else rows[last][1]
        text = _join_lines(block.pieces, edges[block.col + block.span], keep_breaks=True)
        cell = cells.get((first, block.col))
        if cell is None:
            cells[first, block.col] = _RawCell(page, edges[block.col], top, edges[block.col + block.span], bottom, text)
        else:  # two stacks of text in one cell
            cell.text, cell.bottom = f"{cell.text}\n{text}", max(cell.bottom, bottom)
    bbox = (starts[0], rows[0][0], right, rows[-1][1])
    return _RawTable(list(cells.values()), page, bbox)


def _column_starts(run: list[_Line]) -> list[float]:
    """x positions where at least two pieces start, and where a piece starts right of another on its line."""
    lefts = _cluster(p.x0 for line in run for p in line.segments)
    support = {x: sum(1 for line in run for p in line.segments if abs(p.x0 - x) <= SNAP) for x in lefts}
    starts = [x for x in lefts if support[x] >= 2 or x == lefts[0]]
    for line in run:
        for left, piece in zip(line.segments, line.segments[1:]):
            if _index(starts, left.x0) == _index(starts, piece.x0):
                bisect.insort(starts, piece.x0)
    return starts


def _centred_span(
    block: _Block, placed: tuple[int, int], rows: list[list[float]], taken: set[tuple[int, int]]
) -> tuple[int, int]:
    """Rows a vertically centred merged cell covers: it sits across a row border, so widen it over the
    rows blank in its columns while it stays centred. A cell inside one row keeps that row.
    """
    if placed[0] == placed[1]:
        return placed
    middle = (block.top + block.bottom) / 2
    tolerance = 0.5 * block.pieces[0].size
    columns = range(block.col, block.col + block.span)

    def blank(row: int) -> bool:
        return 0 <= row < len(rows) and not any((row, c) in taken for c in columns)

    first, last = placed
    while blank(first - 1) and blank(last + 1):
        if abs((rows[first - 1][0] + rows[last + 1][1]) / 2 - middle) > tolerance:
            break
        first, last = first - 1, last + 1
    taken |= {(r, c) for r in range(first, last + 1) for c in columns}
    return first, last


def _blocks_of(pieces: list[_Line], starts: list[float]) -> list[_Block]:
    """Stack pieces per column; lines closer than about a third of their size belong to one cell."""
    blocks: list[_Block] = []
    open_blocks: dict[int, _Block] = {}
    for piece in pieces:
        col = max(bisect.bisect_right(starts, piece.x0 + SNAP) - 1, 0)
        span = max(bisect.bisect_left(starts, piece.x1 - SNAP) - col, 1)
        block = open_blocks.get(col)
        if block is not None and piece.top - block.bottom <= 0.6 * piece.size:
            block.pieces.append(piece)
            block.span = max(block.span, span)
        else:
            block = open_blocks[col] = _Block(col, span, [piece])
            blocks.append(block)
    return blocks


def _between_blank_rows(block: _Block, rows: list[list[float]], blocks: list[_Block]) -> tuple[int, int] | None:
    """The two rows a cell sits between when both are blank in its column (a centred merged cell)."""
    below = bisect.bisect_left([top for top, _ in rows], block.bottom)
    if below == 0 or below == len(rows):
        return None
    pair = [rows[below - 1], rows[below]]
    others = [b for b in blocks if b is not block and b.col == block.col]
    if any(b.top < bottom and b.bottom > top for b in others for top, bottom in pair):
        return None
    return below - 1, below


def _overlapping(rows: list[list[float]], block: _Block) -> list[int]:
    return [i for i, (top, bottom) in enumerate(rows) if block.top < bottom and block.bottom > top]


def _continues(prev: _RawTable, nxt: _RawTable, heights: dict[int, float]) -> bool:
    """Whether `nxt`, first on its page, goes on with `prev`, last on the page before.

    `prev` need not reach the page bottom: a manual page break may cut a table anywhere.
    """
    if nxt.page != prev.last_page + 1 or nxt.bbox[1] > CONTINUATION_ZONE * heights[nxt.page]:
        return False
    a, b = prev.column_edges(prev.last_page), nxt.column_edges(nxt.page)
    if abs(a[0] - b[0]) > SNAP or abs(a[-1] - b[-1]) > SNAP:
        return False
    inner_a, inner_b = a[1:-1], b[1:-1]
    shared = sum(1 for x in inner_b if any(abs(x - y) <= SNAP for y in inner_a))
    return len(inner_a) == len(inner_b) or 2 * shared >= min(len(inner_a), len(inner_b))


def _append(prev: _RawTable, nxt: _RawTable) -> None:
    """Join a continuation: drop its repeated header, glue a row cut by the page break, add its cells."""
    header = [c.text for c in prev.band(first=True)]
    if any(header) and [c.text for c in nxt.band(first=True)] == header:
        nxt.drop_first_band()
    if nxt.cells:
        _glue_cut_row(prev, nxt)
    prev.cells.extend(nxt.cells)


def _glue_cut_row(prev: _RawTable, nxt: _RawTable) -> None:
    """A row cut by the page break goes on as a first row holding only the overflow of a few cells.

    It is recognised when its filled cells sit under filled cells of the last row and are at most
    half of them; their text is appended to the cells above and the row is dropped.
    """
    above = prev.band(first=False)
    first = nxt.band(first=True)
    filled = [c for c in first if c.text]
    partners: list[_RawCell] = []
    for cell in filled:
        match = [a for a in above if abs(a.x0 - cell.x0) <= SNAP and abs(a.x1 - cell.x1) <= SNAP and a.text]
        if not match:
            return
        partners.append(match[0])
    if not filled or 2 * len(filled) > sum(1 for a in above if a.text):
        return
    for cell, partner in zip(filled, partners):
        partner.text = _join(partner.text, cell.text, glued=True)
        cell.text = ""
    nxt.drop_first_band()


def _finish(raw: _RawTable) -> Table:
    """Grid positions and spans from the cell borders: columns shared by all pages, rows stacked."""
    columns = _cluster([x for c in raw.cells for x in (c.x0, c.x1)])
    pages = sorted({c.page for c in raw.cells})
    row_tops = {p: _cluster([c.top for c in raw.cells if c.page == p]) for p in pages}
    first_row: dict[int, int] = {}
    row_pages: list[int] = []
    for p in pages:
        first_row[p] = len(row_pages)
        row_pages += [p] * len(row_tops[p])
    cells = []
    for c in sorted(raw.cells, key=lambda c: (c.page, c.top, c.x0)):
        tops = row_tops[c.page]
        row = _index(tops, c.top)
        col = _index(columns, c.x0)
        row_span = max(bisect.bisect_left(tops, c.bottom - SNAP) - row, 1)
        col_span = max(bisect.bisect_left(columns, c.x1 - SNAP) - col, 1)
        cells.append(Cell(row=first_row[c.page] + row, col=col, text=c.text, row_span=row_span, col_span=col_span))
    prov = Provenance(page=raw.page, bbox=raw.bbox)
    multi_page = len(pages) > 1
    return Table(
        n_rows=len(row_pages),
        n_cols=len(columns) - 1,
        cells=cells,
        prov=prov,
        row_pages=row_pages if multi_page else None,
    )


# ---------------------------------------------------------------- pages


@dataclass
class _PageContent:
    """One page's text lines outside tables and its tables, ordered top to bottom."""

    number: int
    height: float
    items: list[_Line | _RawTable] = field(default_factory=list)


def _read_page(page: _DrawnPage) -> _PageContent:
    number = page.number
    tables = _ruled_tables(page.edges, page.chars, number) if page.edges else []
    boxes = [t.bbox for t in tables]
    outside = [c for c in page.chars if not _inside(c, boxes)] if boxes else page.chars
    lines = [line for line in _lines(outside, number) if not _is_furniture(line, page.height)]
    unruled, lines = _unruled_tables(lines)
    tables += unruled
    items: list[_Line | _RawTable] = [*lines, *tables]
    items.sort(key=lambda item: item.bbox[1] if isinstance(item, _RawTable) else item.top)
    return _PageContent(number, page.height, items)


def _is_furniture(line: _Line, height: float) -> bool:
    """A bare page number in the top or bottom margin zone."""
    in_zone = line.bottom < FURNITURE_ZONE * height or line.top > (1 - FURNITURE_ZONE) * height
    return in_zone and bool(PAGE_NUMBER.match(line.text))


# ---------------------------------------------------------------- paragraphs and reading order


@dataclass
class _Margins:
    """The text body's left and right edges and usual gap between lines, over the whole document."""

    left: float
    right: float
    line_gap: float
    heights: dict[int, float]

    @classmethod
    def of(cls, pages: list[_PageContent]) -> _Margins:
        lines = [[i for i in p.items if isinstance(i, _Line)] for p in pages]
        flat = [line for page in lines for line in page]
        gaps = [b.top - a.bottom for page in lines for a, b in zip(page, page[1:]) if b.top > a.bottom]
        return cls(
            left=min((line.x0 for line in flat), default=0.0),
            right=max((line.x1 for line in flat), default=0.0),
            line_gap=statistics.median(gaps) if gaps else 0.0,
            heights={p.number: p.height for p in pages},
        )


def _starts_paragraph(prev: _Line, line: _Line, margins: _Margins) -> bool:
    """A numbered or labelled line, a first-line indent, a short line before, a jump in size or spacing."""
    size = line.size
    if PARAGRAPH_START.match(line.text):
        return True
    if line.x0 > prev.x0 + 0.8 * size and line.x0 > margins.left + 0.8 * size:
        return True
    if prev.x1 < margins.right - 2 * size:
        return True
    if abs(line.size - prev.size) > 1.5:
        return True
    return line.page == prev.page and line.top - prev.bottom > margins.line_gap + 0.6 * size


def _blocks(items: list[_Line | _RawTable], margins: _Margins) -> Iterator[Paragraph | Table]:
    """Lines grouped into paragraphs, page breaks bridged for paragraphs and for split tables."""
    lines: list[_Line] = []
    table: _RawTable | None = None
    for item in items:
        if isinstance(item, _RawTable):
            if lines:
                yield _paragraph(lines, margins)
                lines = []
            if table is not None and _continues(table, item, margins.heights):
                _append(table, item)
                continue
            if table is not None:
                yield _finish(table)
            table = item
            continue
        if table is not None:
            yield _finish(table)
            table = None
        if lines and _starts_paragraph(lines[-1], item, margins):
            yield _paragraph(lines, margins)
            lines = []
        lines.append(item)
    if lines:
        yield _paragraph(lines, margins)
    if table is not None:
        yield _finish(table)


def _paragraph(lines: list[_Line], margins: _Margins) -> Paragraph:
    first_page = [line for line in lines if line.page == lines[0].page]
    bbox = (
        min(line.x0 for line in first_page),
        first_page[0].top,
        max(line.x1 for line in first_page),
        first_page[-1].bottom,
    )
    text = _join_lines(lines, margins.right)
    return Paragraph(text=text, prov=Provenance(page=lines[0].page, bbox=bbox))


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    return read_pdf(path)
