"""An int8 copy of the recognition model, made once from the float model in the rapidocr wheel and
kept in the user's cache folder: recognition is most of a scan's time, and int8 roughly halves it.

Nothing is downloaded: the copy is computed from the installed model with onnxruntime's quantizer,
its activation ranges measured on text lines cropped from generated scans (`calibration.jpg`,
made by `python -m fixtures.ocr_calibration`). Per-channel weights and 7-bit weight range keep
it close to the float model (and exact on processors without VNNI, where full-range int8
products can overflow). Before it is used the copy must read the calibration lines as the float
model does; a copy that does not, a quantizer that fails or a cache folder that cannot be written
leaves the float model in use, with a warning — slower, never wrong.

The file is named by the hashes of everything it depends on (float model, calibration lines,
recipe, onnxruntime version): a new rapidocr or onnxruntime builds a new copy. It is written
under a lock and moved into place, so processes reading scans in parallel build it once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np

from jixiao.extractors.ocr.recognizer import LINE_HEIGHT, LineRecognizer, line_input

CALIBRATION = Path(__file__).with_name("calibration.jpg")
RECIPE = "qdq-u8s8-per-channel-reduce-range-conv-matmul-v1"
_PAPER = 200  # a calibration row's columns lighter than this everywhere are padding

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """$JIXIAO_CACHE_DIR, else the user's cache folder ($XDG_CACHE_HOME or ~/.cache) / jixiao."""
    if os.environ.get("JIXIAO_CACHE_DIR"):
        return Path(os.environ["JIXIAO_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jixiao"


def calibration_lines(path: Path = CALIBRATION) -> list[np.ndarray]:
    """The calibration text lines: rows of LINE_HEIGHT pixels, each cut after its last ink."""
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise OSError(f"cannot read {path}")
    lines = []
    for top in range(0, image.shape[0] - LINE_HEIGHT + 1, LINE_HEIGHT):
        row = image[top:top + LINE_HEIGHT]
        inked = np.flatnonzero((row < _PAPER).any(axis=0))
        if len(inked):
            lines.append(row[:, :min(row.shape[1], inked[-1] + LINE_HEIGHT // 4)])
    return lines


def int8_model(source: Path, min_agreement: float,
               build: Callable[[Path, Path, list[np.ndarray]], None] | None = None) -> Path:
    """The cached int8 copy of `source` (built now if missing), or `source` itself when it cannot be had.

    A build that failed leaves a `.failed` note beside where the copy would be, and is not tried again
    with the same inputs (delete the note to try again).
    """
    try:
        lines = calibration_lines()
        key = hashlib.sha256()
        for part in (_file_hash(source), _file_hash(CALIBRATION), RECIPE, _onnxruntime_version()):
            key.update(part.encode())
        folder = cache_dir()
        target = folder / f"{source.stem}.int8-{key.hexdigest()[:16]}.onnx"
        failed = target.with_suffix(".failed")
        if not target.is_file() and not failed.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            from filelock import FileLock

            with FileLock(str(target) + ".lock"):
                if not target.is_file() and not failed.is_file():
                    _build(source, target, lines, min_agreement, build or quantize)
        if failed.is_file():
            log.warning("OCR uses the float recognition model: %s (delete %s to try again)",
                        failed.read_text(encoding="utf-8").strip(), failed)
            return source
        return target
    except Exception as exc:  # noqa: BLE001 — any failure leaves the float model, which is always right
        log.warning("OCR uses the float recognition model: the int8 copy could not be made (%s: %s)",
                    type(exc).__name__, exc)
        return source


def _build(source: Path, target: Path, lines: list[np.ndarray], min_agreement: float,
           build: Callable[[Path, Path, list[np.ndarray]], None]) -> None:
    """Make, check and move the int8 copy into place; on failure write the `.failed` note instead."""
    try:
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            built = Path(work) / target.name
            build(source, built, lines)
            agreement = _agreement(source, built, lines)
            if agreement < min_agreement:
                raise ValueError(f"the int8 model read {agreement:.1%} of the calibration lines as the float "
                                 f"model does (less than {min_agreement:.0%})")
            os.replace(built, target)
    except Exception as exc:
        target.with_suffix(".failed").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
        raise


def quantize(source: Path, target: Path, lines: list[np.ndarray]) -> None:
    """Write the int8 copy: convolutions and matrix products int8 (QDQ), activation ranges from `lines`."""
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Lines(CalibrationDataReader):
        def __init__(self, name: str):
            self.inputs: Iterator[dict] = iter({name: line_input(line)} for line in lines)

        def get_next(self) -> dict | None:
            return next(self.inputs, None)

    model = onnx.load(str(source))
    if model.opset_import[0].version < 13:  # per-channel scales need opset 13
        model = version_converter.convert_version(model, 13)
    upgraded = target.with_name("opset13.onnx")
    onnx.save(model, str(upgraded))
    logging.getLogger().addFilter(_quantizer_advice)
    try:
        quantize_static(str(upgraded), str(target), Lines(model.graph.input[0].name), quant_format=QuantFormat.QDQ,
                        per_channel=True, reduce_range=True, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, op_types_to_quantize=["Conv", "MatMul"])
    finally:
        logging.getLogger().removeFilter(_quantizer_advice)
    upgraded.unlink()


def _quantizer_advice(record: logging.LogRecord) -> bool:
    """Drop the quantizer's generic advice to pre-process the model (it logs on the root logger)."""
    path = Path(record.pathname).parts
    return not ("onnxruntime" in path and "quantization" in path)


def _agreement(source: Path, built: Path, lines: list[np.ndarray]) -> float:
    """The share of calibration lines the int8 model reads exactly as the float model does."""
    exact, quick = LineRecognizer(source), LineRecognizer(built)
    return sum(exact.read(line)[0] == quick.read(line)[0] for line in lines) / max(len(lines), 1)


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _onnxruntime_version() -> str:
    import onnxruntime

    return onnxruntime.__version__
