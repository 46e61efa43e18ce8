"""OCR over the pages of one document: scanned pages of a PDF, or page images (photos, scans).

Work is bounded before it is done: a page's pixels (rendered size, and every image pdfium would
have to decode) against `max_pixels` and its short side against `min_page_side`, the page count (an
image file's frames counted at open) by the reader's limits, and the document's time against
`max_seconds`, checked before each page.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from jixiao.extractors.ocr.progress import page_done, page_starting
from jixiao.extractors.ocr.page import OcrPage, OcrSettings, PageTimings, ocr_settings, read_page_image
from jixiao.model.errors import ReadError

_POINTS_PER_INCH = 72.0
_A4_LONG_INCHES = 11.69  # a page image without a usable resolution is taken to be A4
_PLAUSIBLE_DPI = (100, 1200)


class Deadline:
    """The time one document's OCR may take."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.monotonic()

    def check(self, done: int, total: int) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise ReadError("timeout", f"OCR stopped after {self.seconds:g} s with {done} of {total} pages read — "
                            "split the scan into smaller files, or raise max_seconds in dictionaries/ocr.yaml")


def _check_pixels(n_pixels: int, what: str, settings: OcrSettings) -> None:
    if n_pixels > settings.max_pixels:
        raise ReadError("too_large", f"{what} has {n_pixels / 1e6:.0f} million pixels, more than the limit of "
                        f"{settings.max_pixels / 1e6:.0f} million — scan at 200–300 dpi and submit again")


def ocr_pdf_pages(path: Path, numbers: list[int], timings: PageTimings | None = None) -> Iterator[OcrPage]:
    """The given 1-based pages of a PDF, rendered at the OCR resolution and recognised."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    settings = ocr_settings()
    deadline = Deadline(settings.max_seconds)
    scale = settings.dpi / _POINTS_PER_INCH
    pdf = pypdfium2.PdfDocument(path)
    try:
        for done, number in enumerate(numbers):
            deadline.check(done, len(numbers))
            page = pdf[number - 1]
            width, height = page.get_size()
            _check_pixels(int(width * scale) * int(height * scale), f"page {number} at {settings.dpi} dpi", settings)
            for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                w, h = image.get_px_size()
                _check_pixels(w * h, f"an image on page {number}", settings)
            page_starting()
            bitmap = page.render(scale=scale).to_numpy()[..., :3]  # BGR
            yield read_page_image(np.ascontiguousarray(bitmap), number, settings.dpi, settings, timings)
            page_done()
    finally:
        pdf.close()


def ocr_image_files(paths: Iterable[Path], max_pages: int, timings: PageTimings | None = None) -> Iterator[OcrPage]:
    """Every page of the image files, in order (a multi-page TIFF gives each of its frames)."""
    settings = ocr_settings()
    paths = list(paths)
    n_frames = sum(_frame_count(path) for path in paths)  # known at open: refused before any page is read
    if n_frames > max_pages:
        raise ReadError("too_large", f"{n_frames} page images in one document, more than the limit of {max_pages} "
                        "— send only the pages of one township's targets")
    deadline = Deadline(settings.max_seconds)
    number = 0
    for path in paths:
        for image, dpi in _frames(path, settings):
            number += 1
            deadline.check(number - 1, n_frames)
            page_starting()
            yield read_page_image(image, number, settings.dpi, settings, timings)
            page_done()


def _frame_count(path: Path) -> int:
    """The frames of an image file (a multi-page TIFF's pages), read from its directory, nothing decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            return getattr(opened, "n_frames", 1)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        return 1  # _frames says what is wrong with it


def _check_shape(width: int, height: int, factor: float, name: str, settings: OcrSettings) -> None:
    """An image whose short side, at the OCR resolution, cannot hold a line of text (a strip of 1 × 100000
    pixels) is no page: it would resample to nothing."""
    if min(width, height) * factor < settings.min_page_side:
        raise ReadError("unsupported_format", f"image {name} is {width} × {height} pixels: too narrow to be a page "
                        f"(its short side would be under {settings.min_page_side} pixels at {settings.dpi} dpi) — "
                        "send a scan or photo of the page itself")


def _frames(path: Path, settings: OcrSettings) -> Iterator[tuple[np.ndarray, float]]:
    """Each frame of an image file as a BGR array resampled to the OCR resolution, upright as shot."""
    import cv2
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            for index in range(getattr(opened, "n_frames", 1)):
                opened.seek(index)
                _check_pixels(opened.width * opened.height, f"image {path.name}", settings)
                frame = ImageOps.exif_transpose(opened).convert("RGB")
                dpi = _resolution(frame, opened.info.get("dpi"))
                bgr = cv2.cvtColor(np.asarray(frame), cv2.COLOR_RGB2BGR)
                factor = settings.dpi / dpi
                _check_shape(frame.width, frame.height, factor, path.name, settings)
                if abs(factor - 1) > 0.05:
                    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
                    bgr = cv2.resize(bgr, None, fx=factor, fy=factor, interpolation=interpolation)
                yield bgr, settings.dpi
    except Image.DecompressionBombError as exc:
        raise ReadError("too_large", f"image {path.name} is too large to decode safely ({exc}) — scan at "
                        "200–300 dpi and submit again") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ReadError("truncated", f"the image {path.name} cannot be decoded (corrupt or cut off: {exc}) — "
                        "ask the township to resend it") from exc


def _resolution(frame, dpi: tuple[float, float] | None) -> float:
    """The image's own resolution when plausible, else the one that makes its long side an A4 page."""
    if dpi and _PLAUSIBLE_DPI[0] <= float(dpi[0]) <= _PLAUSIBLE_DPI[1]:
        return float(dpi[0])
    return max(frame.width, frame.height) / _A4_LONG_INCHES
