"""Table rules on a page image: the straight horizontal and vertical runs of ink.

A morphological opening with a long thin kernel keeps only ink that runs straight for at least the
kernel's length, so seal rings and stars fall away and the rules of a form stay; a run lying inside
a recognised text line is a stroke of its characters, not a rule. Each connected run becomes one
segment; gaps of a few pixels (a faint copy, JPEG noise) are closed after the opening, so strokes
of neighbouring characters are never joined into a run. The segments are the same thing a born-digital PDF draws,
so the cells, their row and column spans and the text in each are worked out from them by the
same grid code (`_ruled_tables`), which also joins a table going on over a page break.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

_GAP = 7  # pixels: a break this short in a rule is closed
_THICKNESS = 0.4  # a run thicker than this share of the minimum rule length is a filled area, not a rule


@dataclass(frozen=True)
class Rule:
    """A straight rule in image pixels: x0 ≤ x1, top ≤ bottom (top == bottom for a horizontal one)."""

    orientation: Literal["h", "v"]
    x0: float
    top: float
    x1: float
    bottom: float


Box = tuple[float, float, float, float]


def find_rules(ink: np.ndarray, min_length: int, text_boxes: list[Box]) -> list[Rule]:
    """Horizontal and vertical rules at least `min_length` pixels long in an ink mask (ink = 255),
    leaving out runs inside the boxes of recognised text lines."""
    rules = [*_rules(ink, min_length, "h"), *_rules(ink, min_length, "v")]
    return [r for r in rules if not any(_within(r, box) for box in text_boxes)]


def _within(rule: Rule, box: Box) -> bool:
    """Whether a rule lies inside a text line's box (a pixel or two of slack)."""
    x0, top, x1, bottom = box
    return x0 - 2 <= rule.x0 and rule.x1 <= x1 + 2 and top - 2 <= rule.top and rule.bottom <= bottom + 2


def _rules(ink: np.ndarray, min_length: int, orientation: Literal["h", "v"]) -> list[Rule]:
    along = (min_length, 1) if orientation == "h" else (1, min_length)
    gap = (_GAP, 1) if orientation == "h" else (1, _GAP)
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
    runs = cv2.morphologyEx(runs, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
    n, _, stats, centroids = cv2.connectedComponentsWithStats(runs, connectivity=8)
    out = []
    for (x, y, w, h, area), (cx, cy) in zip(stats[1:n], centroids[1:n]):
        # mean thickness (area / length), not the box's: a seal's ring touching a rule, or a rule
        # left a little off level, makes the box taller but hardly adds ink
        length = w if orientation == "h" else h
        if length < min_length or area / length > _THICKNESS * min_length:
            continue
        if orientation == "h":
            out.append(Rule("h", float(x), float(cy), float(x + w), float(cy)))
        else:
            out.append(Rule("v", float(cx), float(y), float(cx), float(y + h)))
    return out
