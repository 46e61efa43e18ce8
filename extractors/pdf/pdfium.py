"""What pdfium reads from a PDF: each page's characters and ruling segments, and the file's faults.

Everything is read with pdfium (C; pdfminer's pure-Python parsing of the characters was four
fifths of the reading time): each page's characters with their boxes, and the straight segments
of its drawn paths, both in unrotated page space. Bad files (empty, encrypted, damaged, too many
pages, scanned, unmapped fonts) fail here with a ReadError before any layout work.
"""

from __future__ import annotations

import ctypes
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c

from jixiao.extractors.pdf.fonts import measuring_fonts
from jixiao.extractors.pdf.settings import PDF_SETTINGS, PdfSettings
from jixiao.model.errors import ReadError


@dataclass
class DrawnPage:
    """One page as drawn: characters in top-down page coordinates and straight ruling segments."""

    number: int
    height: float
    chars: list[dict]
    edges: list[dict]
    scanned: bool  # images and no text: needs OCR


def drawn_pages(path: Path, max_pages: int, settings: PdfSettings = PDF_SETTINGS) -> list[DrawnPage]:
    """Open the file with pdfium (failing with a clerk's message) and read every page's characters and edges.

    The page count is checked when the file is opened, before any page is read.
    """
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
        if len(pdf) > max_pages:
            raise ReadError("too_large", f"PDF has {len(pdf)} pages, more than the limit of {max_pages} — check it is "
                            "the right file (one township's targets), or ask the township to send only those pages")
        with measuring_fonts():
            return [_drawn_page(pdf[i], i + 1, settings) for i in range(len(pdf))]
    finally:
        pdf.close()


def _drawn_page(page: pypdfium2.PdfPage, number: int, settings: PdfSettings) -> DrawnPage:
    left, bottom, _, top = page.get_bbox()
    chars = _page_chars(page.get_textpage(), left, top)
    return DrawnPage(number, top - bottom, chars, _page_edges(page, left, top, settings),
                     _scanned(page, chars, settings.scan_stamp_chars))


def _scanned(page: pypdfium2.PdfPage, chars: list[dict], stamp_chars: int) -> bool:
    """A page that is an image: no text at all, or only a line or two (a scanning app's stamp such as
    '扫描全能王') over an image covering most of the page. Such a page needs OCR."""
    if len(chars) > stamp_chars:
        return False
    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    if not chars:
        return bool(images)
    width, height = page.get_size()
    covered = 0.0
    for image in images:
        x0, y0, x1, y1 = image.get_bounds()
        covered = max(covered, (x1 - x0) * (y1 - y0))
    return covered >= 0.5 * width * height


def _page_chars(textpage: pypdfium2.PdfTextPage, left: float, top: float) -> list[dict]:
    """Visible characters as pdfplumber-style dicts (x0, x1, top, bottom, size, text).

    Measured as pdfminer measures them, which the layout thresholds were set on: across, from the
    origin by the advance the PDF gives the character (its /W or /Widths entry at the text's horizontal
    scale), never by the glyph of a font pdfium substituted; down, the font size standing on the font's
    descent line (pdfminer reads a smaller descent for some embedded fonts, which only moves a whole
    font's boxes by a point or two). Rotated or mirrored text keeps pdfium's loose box across.
    What a text object's characters share (font, size, descent, matrix) is asked once per object.
    """
    chars: list[dict] = []
    box, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    x, y, descent, advance = ctypes.c_double(), ctypes.c_double(), ctypes.c_float(), ctypes.c_float()
    codes = _page_codes(textpage)
    page_address = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    n = len(codes)
    run_object, font, size, run_descent, scale = None, None, 0.0, None, None
    widths: dict[int, float] = {}  # advance per character code, in the current text object
    i = 0
    while i < n:
        code = codes[i]
        index, i = i, i + 1
        if 0xD800 <= code < 0xDC00 and i < n and 0xDC00 <= codes[i] < 0xE000:  # outside the BMP: a surrogate pair
            code, i = 0x10000 + ((code - 0xD800) << 10) + (codes[i] - 0xDC00), i + 1
        text = chr(code)
        if text.isspace():  # also the spaces and line breaks pdfium generates
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
        text_object = _text_object_address(page_address, index)
        if text_object != run_object or text_object is None:
            run_object = text_object
            size = pdfium_c.FPDFText_GetFontSize(textpage, index)
            font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(textpage, index))
            run_descent = descent.value if pdfium_c.FPDFFont_GetDescent(font, size, descent) else None
            pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
            scale = matrix.a if matrix.a > 0 and matrix.b == 0 and matrix.c == 0 else None
            widths.clear()
        width = widths.get(code) if scale is not None else None
        if width is None and scale is not None and pdfium_c.FPDFFont_GetGlyphWidth(font, code, size, advance):
            width = widths[code] = advance.value * scale
        if width is None or run_descent is None:
            pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
        x0, x1 = (x.value - left, x.value - left + width) if width is not None else (box.left - left, box.right - left)
        bottom = top - y.value - (run_descent if run_descent is not None else box.bottom - y.value)
        chars.append({"text": text, "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom, "size": size})
    return chars


# FPDFText_GetTextObject as a plain address, to tell a character's text object from the one before: asked
# for every character, and a cast of pypdfium2's typed result costs four times the call.
_text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value)


def _page_codes(textpage: pypdfium2.PdfTextPage) -> list[int]:
    """The UTF-16 code of each character index of the page, in one call (one per index as a fallback)."""
    n = pdfium_c.FPDFText_CountChars(textpage)
    buffer = (ctypes.c_ushort * (n + 1))()
    if n and pdfium_c.FPDFText_GetText(textpage, 0, n, buffer) == n + 1:
        return buffer[:n]
    return [pdfium_c.FPDFText_GetUnicode(textpage, i) for i in range(n)]


_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _page_edges(page: pypdfium2.PdfPage, left: float, top: float, settings: PdfSettings) -> list[dict]:
    """Horizontal and vertical segments of every drawn path (lines, rectangles, grids), as table edges."""
    edges: list[dict] = []
    count = pdfium_c.FPDFPage_CountObjects(page)
    objects = [pdfium_c.FPDFPage_GetObject(page, i) for i in range(count)]
    _collect_edges(objects, _IDENTITY, 0, edges, (left, top), settings)
    return edges


def _collect_edges(objects: list, outer: _Matrix, depth: int, edges: list[dict], origin: tuple[float, float],
                   settings: PdfSettings) -> None:
    matrix = pdfium_c.FS_MATRIX()
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
            continue
        pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
        placed = _compose(outer, (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f))
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path_edges(obj, placed, edges, origin, settings.straight)
        elif depth < settings.form_depth:
            inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
            _collect_edges(inner, placed, depth + 1, edges, origin, settings)


def _compose(outer: _Matrix, inner: _Matrix) -> _Matrix:
    """The matrix applying `inner`, then `outer` (PDF's a b c d e f order)."""
    a, b, c, d, e, f = outer
    ia, ib, ic, id_, ie, if_ = inner
    return (a * ia + c * ib, b * ia + d * ib, a * ic + c * id_, b * ic + d * id_,
            a * ie + c * if_ + e, b * ie + d * if_ + f)


def _path_edges(path, matrix: _Matrix, edges: list[dict], origin: tuple[float, float], straight: float) -> None:
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
            _add_edge(pen, point, edges, straight)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or start is None:
            start = point
        pen = point
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            _add_edge(pen, start, edges, straight)
            pen = start


def _add_edge(p: tuple[float, float], q: tuple[float, float], edges: list[dict], straight: float) -> None:
    x0, x1 = sorted((p[0], q[0]))
    top, bottom = sorted((p[1], q[1]))
    if x1 - x0 <= straight:
        orientation = "v"
        x0 = x1 = (x0 + x1) / 2
    elif bottom - top <= straight:
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


def check_text_layer(pages: list[DrawnPage], settings: PdfSettings = PDF_SETTINGS) -> None:
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
    if sum(1 for ch in chars if _undecodable(ch)) > settings.unreadable_share * len(chars):
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
    """pdfium refuses a page tree with no pages as if the file were damaged; pdfminer tells them apart.

    Only asked about a file pdfium already refused. pdfminer fails on damaged files with exceptions of
    many types (pdfplumber itself wraps every Exception from here), and any failure means "damaged".
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with path.open("rb") as fh:
            return next(PDFPage.create_pages(PDFDocument(PDFParser(fh))), None) is None
    except Exception:  # noqa: BLE001 - see the docstring
        return False


def _unreadable_message() -> str:
    return (
        "the PDF's text layer is unreadable (fonts without a character map give garbage or (cid:N) codes) "
        "— ask for the docx or a PDF exported with embedded Unicode fonts"
    )


def _undecodable(ch: str) -> bool:
    """Control, private-use and replacement characters are what unmappable fonts decode to."""
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cs")


