"""A document's pages in reading order: text lines and tables per page, lines grouped into paragraphs,
and page breaks bridged for paragraphs and for tables split over pages.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field

from jixiao.extractors.pdf.lines import PARAGRAPH_START, Line, confidence_of, join_lines, text_lines
from jixiao.extractors.pdf.pdfium import DrawnPage
from jixiao.extractors.pdf.settings import PDF_SETTINGS, PdfSettings
from jixiao.extractors.pdf.tables import RawTable, append_continuation, continues, finish, inside, ruled_tables
from jixiao.extractors.pdf.unruled import unruled_tables
from jixiao.model.document import Paragraph, Provenance, Table

PAGE_NUMBER = re.compile(r"^(?:[-—–\s]*\d+[-—–\s]*|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")

@dataclass
class PageContent:
    """One page's text lines outside tables and its tables, ordered top to bottom."""

    number: int
    height: float
    items: list[Line | RawTable] = field(default_factory=list)


def read_page(page: DrawnPage, settings: PdfSettings) -> PageContent:
    number = page.number
    tables = ruled_tables(page.edges, page.chars, number, settings) if page.edges else []
    boxes = [t.bbox for t in tables]
    outside = [c for c in page.chars if not inside(c, boxes)] if boxes else page.chars
    lines = [line for line in text_lines(outside, number, settings.column_gap)
             if not _is_furniture(line, page.height, settings.furniture_zone)]
    unruled, lines = unruled_tables(lines, settings.snap)
    tables += unruled
    items: list[Line | RawTable] = [*lines, *tables]
    items.sort(key=lambda item: item.bbox[1] if isinstance(item, RawTable) else item.top)
    return PageContent(number, page.height, items)


def _is_furniture(line: Line, height: float, zone: float) -> bool:
    """A bare page number in the top or bottom margin `zone` (a share of the page's height)."""
    in_zone = line.bottom < zone * height or line.top > (1 - zone) * height
    return in_zone and bool(PAGE_NUMBER.match(line.text))


# ---------------------------------------------------------------- paragraphs and reading order


@dataclass
class Margins:
    """The text body's left and right edges and usual gap between lines, over the whole document."""

    left: float
    right: float
    line_gap: float
    heights: dict[int, float]

    @classmethod
    def of(cls, pages: list[PageContent]) -> Margins:
        lines = [[i for i in p.items if isinstance(i, Line)] for p in pages]
        flat = [line for page in lines for line in page]
        gaps = [b.top - a.bottom for page in lines for a, b in zip(page, page[1:]) if b.top > a.bottom]
        return cls(
            left=min((line.x0 for line in flat), default=0.0),
            right=max((line.x1 for line in flat), default=0.0),
            line_gap=statistics.median(gaps) if gaps else 0.0,
            heights={p.number: p.height for p in pages},
        )


def _starts_paragraph(prev: Line, line: Line, margins: Margins) -> bool:
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


def blocks(items: list[Line | RawTable], margins: Margins, settings: PdfSettings) -> Iterator[Paragraph | Table]:
    """Lines grouped into paragraphs, page breaks bridged for paragraphs and for split tables."""
    lines: list[Line] = []
    table: RawTable | None = None
    for item in items:
        if isinstance(item, RawTable):
            if lines:
                yield _paragraph(lines, margins)
                lines = []
            if table is not None and continues(table, item, margins.heights, settings):
                append_continuation(table, item, settings.snap)
                continue
            if table is not None:
                yield finish(table, settings.snap)
            table = item
            continue
        if table is not None:
            yield finish(table, settings.snap)
            table = None
        if lines and _starts_paragraph(lines[-1], item, margins):
            yield _paragraph(lines, margins)
            lines = []
        lines.append(item)
    if lines:
        yield _paragraph(lines, margins)
    if table is not None:
        yield finish(table, settings.snap)


def _paragraph(lines: list[Line], margins: Margins) -> Paragraph:
    first_page = [line for line in lines if line.page == lines[0].page]
    bbox = (
        min(line.x0 for line in first_page),
        first_page[0].top,
        max(line.x1 for line in first_page),
        first_page[-1].bottom,
    )
    text = join_lines(lines, margins.right)
    confidence = confidence_of(c for line in lines for c in line.chars)
    return Paragraph(text=text, prov=Provenance(page=lines[0].page, bbox=bbox), confidence=confidence)


def document_blocks(drawn: list[DrawnPage], settings: PdfSettings = PDF_SETTINGS) -> list[Paragraph | Table]:
    """Every paragraph and table of a document's pages (read from a text layer or by OCR), in reading order."""
    pages = [read_page(page, settings) for page in drawn]
    margins = Margins.of(pages)
    return list(blocks([item for page in pages for item in page.items], margins, settings))
