"""The text recognizer: rapidocr's PP-OCRv6 detection and recognition models on onnxruntime.

Offline by construction: the model files are the ones inside the rapidocr wheel, passed to it by
path, so rapidocr never looks for (or downloads) a model of its own; the recognition model carries
its character list, so no dictionary is fetched either. The direction classifier is off: pages are
deskewed by OpenCV before recognition. rapidocr finds the lines; each line is cut from the page and
read by `recognizer.LineRecognizer`, on the cached int8 copy of the recognition model (quantize.py).
The `faster-paddle-tiny` engine (fast.py, an optional install) does both steps instead, faster.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from jixiao.model.errors import ReadError

DETECTION_MODEL = "PP-OCRv6_det_small.onnx"
RECOGNITION_MODEL = "PP-OCRv6_rec_small.onnx"


@dataclass(frozen=True)
class TextLine:
    """One recognised line: its box in image pixels (x0, top, x1, bottom), text and confidence 0–1."""

    box: tuple[float, float, float, float]
    text: str
    confidence: float


@dataclass
class Timings:
    """CPU seconds spent in each step, summed over the pages of a document (the benchmark prints them)."""

    detection: float = 0.0
    recognition: float = 0.0


def model_paths() -> dict[str, Path]:
    """The detection and recognition models shipped inside the installed rapidocr package."""
    try:
        import rapidocr
    except ImportError as exc:
        raise ReadError("scanned_no_ocr", "the OCR package rapidocr is not installed — reinstall jixiao "
                        "(pip install -e .) to read scans and photos") from exc
    models = Path(rapidocr.__file__).resolve().parent / "models"
    paths = {"det": models / DETECTION_MODEL, "rec": models / RECOGNITION_MODEL}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise ReadError("scanned_no_ocr", f"the OCR models {', '.join(missing)} are missing from {models} — "
                        "reinstall rapidocr 3.x (pip install --force-reinstall 'rapidocr>=3.4')")
    return paths


ENGINES = ("rapidocr", "faster-paddle-tiny")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineSettings:
    """How lines are found and read (dictionaries/ocr.yaml)."""

    engine: str
    detection_side: int
    int8: bool
    int8_min_agreement: float
    threads: int = 1


@cache
def _detector(detection_side: int, threads: int):
    """rapidocr's text detector, one per process (loading a model takes a fraction of a second)."""
    from rapidocr import RapidOCR

    paths = model_paths()
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(params={
        "Global.log_level": "warning",
        "Global.use_cls": False,
        "Global.use_rec": False,
        "Det.model_path": str(paths["det"]),
        "Rec.model_path": str(paths["rec"]),
        "Det.limit_type": "max",
        "Det.limit_side_len": detection_side,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


@cache
def _recognizer(settings: EngineSettings):
    from jixiao.extractors.ocr.quantize import int8_model
    from jixiao.extractors.ocr.recognizer import LineRecognizer

    model = model_paths()["rec"]
    if settings.int8:
        model = int8_model(model, settings.int8_min_agreement)
    return LineRecognizer(model, settings.threads)


def find_lines(gray: np.ndarray, settings: EngineSettings) -> list[np.ndarray]:
    """The text lines rapidocr's detector finds on a grey page: quadrilaterals (4 x 2) in page pixels."""
    result = _detector(settings.detection_side, settings.threads)(gray, use_cls=False, use_rec=False)
    return [] if result.boxes is None else [np.asarray(quad, dtype=np.float32) for quad in result.boxes]


def crop_line(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The line inside `quad` cut from the page and straightened, as rapidocr cuts it."""
    from rapidocr.utils.process_img import get_rotate_crop_image

    return get_rotate_crop_image(gray, quad.copy())


def recognize(gray: np.ndarray, settings: EngineSettings, timings: Timings | None = None) -> list[TextLine]:
    """Every text line found in a grey page image, in the engine's reading order.

    One thread per page by default: the flow already reads documents in parallel processes.
    """
    gray = np.ascontiguousarray(gray)
    if settings.engine == "faster-paddle-tiny" and _fast_installed():
        from jixiao.extractors.ocr.fast import read_page

        started = time.process_time()
        lines = [TextLine(*line) for line in read_page(gray, settings.detection_side, settings.threads)]
        if timings is not None:  # one call finds and reads the lines: counted as recognition
            timings.recognition += time.process_time() - started
        return lines
    recognizer = _recognizer(settings)
    started = time.process_time()
    quads = find_lines(gray, settings)
    detected = time.process_time()
    lines = []
    for quad in quads:
        crop = crop_line(gray, quad)
        if min(crop.shape[:2]) < 2:  # a sliver: nothing a line of text could be read from
            continue
        text, score = recognizer.read(crop)
        xs, ys = quad[:, 0], quad[:, 1]
        lines.append(TextLine((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), text, score))
    if timings is not None:
        timings.detection += detected - started
        timings.recognition += time.process_time() - detected
    return lines


@cache
def _fast_installed() -> bool:
    from jixiao.extractors.ocr.fast import available

    if not available():
        log.warning("dictionaries/ocr.yaml asks for the faster-paddle-tiny OCR engine, which is not installed "
                    "(pip install 'jixiao[fast-ocr]'): scans are read with rapidocr")
    return available()
