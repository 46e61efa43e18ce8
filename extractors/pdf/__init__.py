"""Read a born-digital PDF into the document model: paragraphs and tables in reading order.

The reader is split along its seams: `pdfium` reads each page's characters and ruling segments and
refuses bad files before any layout work; `grid` finds ruled grids in the segments and `tables`
fills them, joins tables over page breaks and finishes them; `unruled` finds tables without rules
by clustering the columns of the text lines left outside ruled tables; `lines` builds text lines and
joins wrapped lines; `layout` orders each page's lines and tables and groups lines into paragraphs.
Readers only read: nothing here knows what a paragraph or a cell means.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.extractors.base import Limits
from jixiao.extractors.pdf.layout import Margins, blocks, read_page
from jixiao.extractors.pdf.pdfium import check_text_layer, drawn_pages
from jixiao.model.document import Document

_DEFAULT_LIMITS = Limits()


def read_pdf(path: Path, limits: Limits = _DEFAULT_LIMITS) -> Document:
    """Every paragraph and table of a born-digital PDF, in reading order."""
    drawn = drawn_pages(path, limits.max_pages)
    check_text_layer(drawn)
    pages = [read_page(page) for page in drawn]
    margins = Margins.of(pages)
    items = [item for page in pages for item in page.items]
    return Document(format="pdf", n_pages=len(drawn), blocks=list(blocks(items, margins)))


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    return read_pdf(path, limits)
