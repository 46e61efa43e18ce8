"""Every tolerance the PDF reader works with, in one object passed down from `read_pdf` (as pdfplumber's
TableSettings): how close edges must be to be one grid line, how wide a gap splits a line into columns,
where page numbers live. Distances are in PDF points unless a field says otherwise."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfSettings:
    snap: float = 3.0  # parallel edges, cell borders and column starts closer than this are one line
    join: float = 3.0  # collinear edges with a gap up to this are joined into one
    intersection: float = 3.0  # an edge ending this close to another still crosses it
    min_edge: float = 3.0  # shorter edges after joining are dropped
    min_segment: float = 1.0  # shorter drawn segments are dropped before snapping
    straight: float = 0.01  # a segment this close to level or plumb is a horizontal or vertical edge
    form_depth: int = 8  # nested form XObjects followed when collecting drawn segments
    scan_stamp_chars: int = 40  # at most this much text over a page-sized image is a scanning app's stamp
    unreadable_share: float = 0.1  # above this share of undecodable characters the text layer is garbage
    column_gap: float = 0.5  # in character sizes: a wider gap inside a text line separates table columns
    furniture_zone: float = 0.1  # top/bottom share of the page where page numbers live
    continuation_zone: float = 1 / 3  # a table going on from the page before starts in the top third


PDF_SETTINGS = PdfSettings()
