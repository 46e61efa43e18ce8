"""One page image → the text layer a born-digital PDF would have had: characters and rules in points.

The layout code that turns a PDF's characters and drawn rules into paragraphs and tables (ruled
grids with merged cells, tables joined over page breaks, wrapped lines joined) then reads a scan
exactly as it reads a text PDF, so a scanned form and its docx give the parser the same tables.
Each recognised line is cut into characters spaced by their width (CJK full, Latin and digits
half); every character carries its line's recognition confidence.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, field


import numpy as np

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.extractors.ocr.clean import CleanSettings, ink_level, ink_mask, remove_red, rotate, skew_angle
from jixiao.extractors.ocr.engine import ENGINES, EngineSettings, Timings, recognize
from jixiao.extractors.ocr.rules import find_rules

_POINTS_PER_INCH = 72.0
_GLYPH_SHARE = 0.75  # a detected line box is about a third taller than the font size


@dataclass(frozen=True)
class OcrSettings:
    """dictionaries/ocr.yaml."""

    dpi: int
    max_pixels: int
    min_page_side: int
    max_seconds: float
    engine: EngineSettings
    min_line_confidence: float
    ink_margin: float
    min_rule_points: float
    review_below: float
    clean: CleanSettings


@dictionary_cache
def ocr_settings() -> OcrSettings:
    data = load_dictionary("ocr")
    clean = CleanSettings(**{k: data[k] for k in CleanSettings.__dataclass_fields__})
    if data["engine"] not in ENGINES:
        raise ValueError(f"dictionaries/ocr.yaml: engine {data['engine']!r} is none of {', '.join(ENGINES)}")
    engine = EngineSettings(data["engine"], data["detection_side"], data["int8_recognition"], data["int8_min_agreement"])
    return OcrSettings(**{k: data[k] for k in OcrSettings.__dataclass_fields__ if k not in ("clean", "engine")},
                       engine=engine, clean=clean)


@dataclass
class PageTimings(Timings):
    """CPU seconds per step, summed over pages (the benchmark prints them)."""

    seal: float = 0.0
    deskew: float = 0.0
    grid: float = 0.0
    pages: int = 0


@dataclass
class OcrPage:
    """A recognised page in PDF points, top-down: characters as the PDF reader measures them, and rules."""

    number: int
    height: float
    chars: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)


def read_page_image(image: np.ndarray, number: int, dpi: float, settings: OcrSettings,
                    timings: PageTimings | None = None) -> OcrPage:
    """OCR one page image (grey or BGR) scanned at `dpi`: seal out, deskewed, rules and text in points."""
    timings = timings if timings is not None else PageTimings()
    started = time.process_time()
    gray = remove_red(image, settings.clean) if image.ndim == 3 else image
    timings.seal += time.process_time() - started
    started = time.process_time()
    angle = skew_angle(gray, settings.clean)
    gray = rotate(gray, angle)
    timings.deskew += time.process_time() - started
    lines = _text_lines(gray, recognize(gray, settings.engine, timings), settings)
    started = time.process_time()
    scale = _POINTS_PER_INCH / dpi
    rules = find_rules(ink_mask(gray), max(int(settings.min_rule_points / scale), 8), [line.box for line in lines])
    timings.grid += time.process_time() - started
    timings.pages += 1
    page = OcrPage(number, gray.shape[0] * scale)
    page.edges = [_edge(r.orientation, r.x0 * scale, r.top * scale, r.x1 * scale, r.bottom * scale) for r in rules]
    for line in lines:
        page.chars.extend(_line_chars(line.text, tuple(v * scale for v in line.box), line.confidence))
    return page


def _text_lines(gray: np.ndarray, lines: list, settings: OcrSettings) -> list:
    """Lines that are text: confident enough, and inked like the page's text (not a grey seal)."""
    kept = [line for line in lines if line.text.strip() and line.confidence >= settings.min_line_confidence]
    levels = [ink_level(gray, line.box) for line in kept]
    if not levels:
        return []
    text_ink = float(np.median(levels))
    return [line for line, level in zip(kept, levels) if level <= text_ink + settings.ink_margin]


def _edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    """A rule as a pdfplumber edge (the form the PDF reader's grid code takes)."""
    return {"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "width": x1 - x0, "height": bottom - top}


def _advance(ch: str) -> float:
    """Width of a character in ems: full for CJK and full-width forms, half for the rest."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def _line_chars(text: str, box: tuple[float, ...], confidence: float) -> list[dict]:
    """A recognised line as characters laid across its box in proportion to their widths.

    Spaces are left out, as the PDF reader leaves out whitespace glyphs: their gap puts them back.
    """
    x0, top, x1, bottom = box
    size = (bottom - top) * _GLYPH_SHARE
    middle = (top + bottom) / 2
    text = text.strip()
    total = sum(_advance(ch) for ch in text) or 1.0
    unit = (x1 - x0) / total
    chars = []
    x = x0
    for ch in text:
        width = _advance(ch) * unit
        if not ch.isspace():
            chars.append({"text": ch, "x0": x, "x1": x + width, "top": middle - size / 2,
                          "bottom": middle + size / 2, "size": size, "confidence": confidence})
        x += width
    return chars
