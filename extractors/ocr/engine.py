"""The text recognizer: rapidocr's PP-OCRv6 detection and recognition models on onnxruntime.

Offline by construction: the model files are the ones inside the rapidocr wheel, passed to it by
path, so rapidocr never looks for (or downloads) a model of its own; the recognition model carries
its character list, so no dictionary is fetched either. The direction classifier is off: pages are
deskewed by OpenCV before recognition.
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
# rapidocr pads every line image to at least this width (320 by default, mostly padding for the
# short cells of a form); with the minimum at one line height recognition does a third less work.
_MIN_LINE_WIDTH = 48


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


@cache
def _engine(detection_side: int, threads: int):
    """One recognizer per process (loading the models takes a fraction of a second)."""
    from rapidocr import RapidOCR

    paths = model_paths()
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(params={
        "Global.log_level": "warning",
        "Global.use_cls": False,
        "Det.model_path": str(paths["det"]),
        "Rec.model_path": str(paths["rec"]),
        "Det.limit_type": "max",
        "Det.limit_side_len": detection_side,
        "Rec.rec_img_shape": [3, 48, _MIN_LINE_WIDTH],
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def recognize(gray: np.ndarray, detection_side: int, timings: Timings | None = None,
              threads: int = 1) -> list[TextLine]:
    """Every text line found in a grey page image, top to bottom.

    One thread per page by default: the flow already reads documents in parallel processes.
    """
    engine = _engine(detection_side, threads)
    cpu, wall = time.process_time(), time.perf_counter()
    result = engine(np.ascontiguousarray(gray))
    if timings is not None:  # CPU time, split between the steps as rapidocr's wall clock splits it
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        elapsed = [t or 0.0 for t in (result.elapse_list or [])]
        detection = cpu * min(elapsed[0] / wall, 1.0) if elapsed and wall > 0 else 0.0
        timings.detection += detection
        timings.recognition += cpu - detection
    if result.boxes is None:
        return []
    lines = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores):
        xs, ys = quad[:, 0], quad[:, 1]
        lines.append(TextLine((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())),
                              text, float(score)))
    return lines
