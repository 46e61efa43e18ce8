"""Read page images (.jpg, .png, .tif: scans or photos of a submission) by OCR.

One file is one document, unless discovery grouped several page images of one township folder
(`1.jpg`, `2.jpg` / `第1页.png`, …) into one: then `read_pages` gets them in page order. The pages
go through the same OCR and layout as a scanned PDF (jixiao.extractors.ocr, pdf.layout).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jixiao.extractors.base import Limits
from jixiao.model.document import Document
from jixiao.model.errors import ReadError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TIFF_MAGICS = (b"II*\x00", b"MM\x00*")


def is_image(head: bytes) -> bool:
    """JPEG, PNG or TIFF, by the file's first bytes."""
    return head.startswith(JPEG_MAGIC) or head.startswith(PNG_MAGIC) or head.startswith(TIFF_MAGICS)


def read_pages(paths: Sequence[Path], limits: Limits) -> Document:
    """One document from page images in page order."""
    from jixiao.extractors.ocr.pages import ocr_image_files
    from jixiao.extractors.pdf.layout import document_blocks
    from jixiao.extractors.pdf.pdfium import DrawnPage

    drawn = [DrawnPage(p.number, p.height, p.chars, p.edges, scanned=False)
             for p in ocr_image_files(paths, limits.max_pages)]
    if not any(page.chars for page in drawn):
        names = ", ".join(p.name for p in paths)
        raise ReadError("no_text", f"OCR recognised no text in {names} (blank, too faint, blurred or not a "
                        "document) — ask for a sharper scan (200–300 dpi) or the docx")
    return Document(format="image", read_method="ocr", n_pages=len(drawn), blocks=document_blocks(drawn))


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    return read_pages([path], limits)
