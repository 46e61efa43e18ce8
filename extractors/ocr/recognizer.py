"""Text-line recognition: each cropped line through the PP-OCR recognition model, one line at a time.

Why not rapidocr's own recognizer: it pads a batch of lines to the widest one, a fifth more work
on a form, whose lines range from one character to a full row (batches of lines of near-equal
width are slower still than one line at a time). Here every line runs alone at its own shape, and
the characters are read off the model's CTC output (best class per step, repeats and blanks
dropped), as rapidocr does.

Lines are not narrowed to save time, though the model's cost is proportional to the width and it
reads CJK glyphs narrowed to 0.8 as well as square ones: a digit then spans under two output steps,
and CTC needs a blank step between two equal characters, so "00000" is read "000".
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

LINE_HEIGHT = 48  # the recognition model's input height
_MIN_WIDTH = 16   # narrower input collapses below one output step in the model's strided layers


def session(model: Path, threads: int = 1):
    """An onnxruntime session on `threads` threads, no memory arena (a page's activations are freed)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


def line_input(crop: np.ndarray) -> np.ndarray:
    """A grey or BGR line crop as the model's input: 1 x 3 x 48 x W, values -1…1, its shape kept."""
    height, width = crop.shape[:2]
    target = max(_MIN_WIDTH, int(math.ceil(LINE_HEIGHT * width / max(height, 1))))
    resized = cv2.resize(crop, (target, LINE_HEIGHT)).astype(np.float32) / 127.5 - 1.0
    if resized.ndim == 2:
        return np.broadcast_to(resized, (1, 3, LINE_HEIGHT, target)).copy()
    return resized.transpose(2, 0, 1)[np.newaxis].copy()


class LineRecognizer:
    """One recognition model loaded for the process: crops in, (text, confidence 0–1) out."""

    def __init__(self, model: Path, threads: int = 1):
        self.session = session(model, threads)
        self.input = self.session.get_inputs()[0].name
        characters = self.session.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.characters = ["", *characters, " "]  # class 0 is CTC's blank; the last class is a space

    def __call__(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return [self.read(crop) for crop in crops]

    def read(self, crop: np.ndarray) -> tuple[str, float]:
        probabilities = self.session.run(None, {self.input: line_input(crop)})[0][0]
        return ctc_decode(probabilities, self.characters)


def ctc_decode(probabilities: np.ndarray, characters: list[str]) -> tuple[str, float]:
    """The line a CTC output (steps x classes) spells, and the mean probability of its characters."""
    best = probabilities.argmax(axis=1)
    keep = best != 0
    keep[1:] &= best[1:] != best[:-1]
    steps = np.flatnonzero(keep)
    if not len(steps):
        return "", 0.0
    text = "".join(characters[i] for i in best[steps])
    return text, float(probabilities[steps, best[steps]].mean())
