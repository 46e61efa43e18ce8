"""Read a PDF into the document model: paragraphs and tables in reading order.

The reader is split along its seams: `pdfium` reads each page's characters and ruling segments and
refuses bad files before any layout work; `grid` finds ruled grids in the segments and `tables`
fills them, joins tables over page breaks and finishes them; `unruled` finds tables without rules
by clustering the columns of the text lines left outside ruled tables; `lines` builds text lines and
joins wrapped lines; `layout` orders each page's lines and tables and groups lines into paragraphs.
Pages without a text layer but with images (scans) are read by OCR (jixiao.extractors.ocr), which
gives them characters and rules, so the same layout code reads them; the rest keep their text layer.
Readers only read: nothing here knows what a paragraph or a cell means.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.extractors.base import Limits
from jixiao.extractors.pdf.layout import document_blocks
from jixiao.extractors.pdf.pdfium import DrawnPage, check_text_layer, drawn_pages
from jixiao.extractors.pdf.settings import PDF_SETTINGS, PdfSettings
from jixiao.model.document import Document
from jixiao.model.errors import ReadError

_DEFAULT_LIMITS = Limits()


def read_pdf(path: Path, limits: Limits = _DEFAULT_LIMITS, settings: PdfSettings = PDF_SETTINGS) -> Document:
    """Every paragraph and table of a PDF, in reading order; scanned pages OCR'd. `settings`: the
    reader's tolerances (extractors/pdf/settings.py)."""
    drawn = drawn_pages(path, limits.max_pages, settings)
    scanned = [page.number for page in drawn if page.scanned]
    if scanned:
        drawn = _with_ocr(path, drawn, scanned)
    check_text_layer(drawn, settings)
    method = "text_layer" if not scanned else "ocr" if len(scanned) == len(drawn) else "mixed"
    return Document(format="pdf", read_method=method, n_pages=len(drawn), blocks=document_blocks(drawn, settings))


def _with_ocr(path: Path, drawn: list[DrawnPage], scanned: list[int]) -> list[DrawnPage]:
    """The pages with each scanned one replaced by what OCR recognised on it (characters and rules)."""
    from jixiao.extractors.ocr.pages import ocr_pdf_pages

    recognised = {p.number: DrawnPage(p.number, p.height, p.chars, p.edges, scanned=False)
                  for p in ocr_pdf_pages(path, scanned)}
    if not any(page.chars for page in recognised.values()) and not any(page.chars for page in drawn):
        raise ReadError("no_text", "scanned PDF without text layer, and OCR recognised no text on it (blank, "
                        "too faint or blurred) — ask for a sharper scan (200–300 dpi), the born-digital PDF or the docx")
    return [recognised.get(page.number, page) for page in drawn]


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    return read_pdf(path, limits)
