"""Make a page image fit for recognition: red seal ink out, grey, upright.

A township's submission is signed with an official seal stamped over the text. A red seal is
removed by colour (saturated red pixels become paper); where it covers black text the text is
darker than the seal and stays. A grey seal (a copier's or a phone app's black-and-white scan)
cannot be told from text by colour: it stays, and the lines it produces are dropped later by
their ink (`ink_level`), which is much lighter than the text's. Skew is measured from the rows
of text and table rules (the angle at which the ink's row profile is sharpest) and undone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

_PROFILE_WIDTH = 800  # the skew search runs on a copy this wide: cheap, and still a line per few rows


@dataclass(frozen=True)
class CleanSettings:
    red_hue_low: int
    red_hue_high: int
    red_min_saturation: int
    red_min_value: int
    max_skew_degrees: float
    skew_step_degrees: float


def remove_red(bgr: np.ndarray, settings: CleanSettings) -> np.ndarray:
    """A grey image of `bgr` with saturated red ink turned to paper."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = ((hue <= settings.red_hue_low) | (hue >= settings.red_hue_high)) & (sat >= settings.red_min_saturation) \
        & (val >= settings.red_min_value)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if red.any():
        # the seal's pale fringe (anti-aliasing, ink bleeding) is a lighter red just outside the mask
        fringe = cv2.dilate(red.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        gray[fringe] = np.maximum(gray[fringe], bgr[..., 2][fringe])
        gray[red] = np.uint8(np.percentile(gray, 90))
    return gray


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink pixels (255) on paper (0): Otsu's threshold between the paper and the darkest marks."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def skew_angle(gray: np.ndarray, settings: CleanSettings) -> float:
    """Degrees to rotate the page by (counter-clockwise) so its lines run level.

    The ink's row profile is sharpest (largest variance of row counts) when text lines and rules
    are level: ink pixels are projected at each candidate slope, coarsely over the whole range,
    then finely around the best coarse angle.
    """
    scale = min(1.0, _PROFILE_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ys, xs = np.nonzero(ink_mask(small))
    if len(ys) < 100:
        return 0.0
    xs = xs - small.shape[1] / 2
    limit, step = settings.max_skew_degrees, settings.skew_step_degrees
    best = _best_angle(ys, xs, np.arange(-limit, limit + 1e-9, 0.5))
    return _best_angle(ys, xs, np.arange(best - 0.5, best + 0.5 + 1e-9, step))


def _best_angle(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> float:
    """The angle whose row profile of the ink (ink sheared by its slope) has the largest variance."""
    scores = []
    for angle in angles:
        rows = np.round(ys - xs * np.tan(np.radians(angle))).astype(np.int64)
        scores.append(float(np.var(np.bincount(rows - rows.min()))))
    return float(angles[int(np.argmax(scores))])


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by `angle` degrees about its centre, new corners filled with paper."""
    if abs(angle) < 1e-6:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    paper = int(np.percentile(gray, 90))
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=paper)


def ink_level(gray: np.ndarray, box: tuple[float, float, float, float]) -> float:
    """How dark the darkest ink in a box is (its 2nd-percentile grey level): text is near black."""
    x0, top, x1, bottom = (int(round(v)) for v in box)
    patch = gray[max(top, 0):max(bottom, top + 1), max(x0, 0):max(x1, x0 + 1)]
    return float(np.percentile(patch, 2)) if patch.size else 255.0
