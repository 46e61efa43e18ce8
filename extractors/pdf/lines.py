"""Characters into text lines, and wrapped lines back into one text (paragraphs and cell texts)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property


# A line that starts like this opens a new paragraph (numbering and "标签：" labels).
PARAGRAPH_START = re.compile(
    r"^(?:"
    r"第[一二三四五六七八九十百零〇\d]+[部章节条篇]"
    r"|[一二三四五六七八九十百零〇]+[、．.]"
    r"|[（(][一二三四五六七八九十百零〇\d]+[）)]"
    r"|\d+[、．]"
    r"|\d+\.(?!\d)"
    r"|[①-⑳]"
    r"|[\u4e00-\u9fff]{1,6}[：:]"
    r")"
)

def _is_wide(ch: str) -> bool:
    """CJK characters and full-width punctuation: joined without spaces."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_texts(left: str, right: str, glued: bool = False) -> str:
    """Join two pieces of one wrapped text: no space next to CJK, or where a token was cut (`glued`)."""
    if not left or not right:
        return left or right
    if glued or _is_wide(left[-1]) or _is_wide(right[0]):
        return left + right
    return f"{left} {right}"


@dataclass
class Line:
    """Characters on one baseline, left to right; whitespace glyphs dropped (gaps give spaces)."""

    chars: list[dict]
    page: int
    column_gap: float  # in character sizes: a wider gap inside the line separates table columns (PdfSettings)

    @cached_property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @cached_property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @cached_property
    def top(self) -> float:
        return min(c["top"] for c in self.chars)

    @cached_property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars)

    @cached_property
    def size(self) -> float:
        return max(c["size"] for c in self.chars)

    @cached_property
    def text(self) -> str:
        return _chars_text(self.chars)

    @cached_property
    def segments(self) -> list[Line]:
        """Pieces separated by gaps wider than a column gap (table columns without rules)."""
        pieces = [[self.chars[0]]]
        for prev, char in zip(self.chars, self.chars[1:]):
            if char["x0"] - prev["x1"] > self.column_gap * max(char["size"], prev["size"]):
                pieces.append([])
            pieces[-1].append(char)
        return [Line(chars, self.page, self.column_gap) for chars in pieces]


def confidence_of(chars: Iterable[dict]) -> float | None:
    """The lowest recognition confidence of OCR'd characters; None for a text layer's own characters."""
    return min((c["confidence"] for c in chars if "confidence" in c), default=None)


def _chars_text(chars: list[dict]) -> str:
    out: list[str] = []
    for prev, char in zip([None, *chars], chars):
        text = char["text"]
        if prev is not None and not (_is_wide(prev["text"][-1]) or _is_wide(text[0])):
            if char["x0"] - prev["x1"] > 0.2 * char["size"]:
                out.append(" ")
        out.append(text)
    return "".join(out)


def text_lines(chars: Iterable[dict], page: int, column_gap: float) -> list[Line]:
    """Group characters into lines: a character belongs to the line its vertical middle falls in."""
    lines: list[list[dict]] = []
    band_bottom = float("-inf")
    for char in sorted(chars, key=lambda c: c["top"]):
        middle = (char["top"] + char["bottom"]) / 2
        if lines and middle < band_bottom:
            lines[-1].append(char)
            band_bottom = max(band_bottom, char["bottom"])
        else:
            lines.append([char])
            band_bottom = char["bottom"]
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        kept = [line[0]]
        for char in line[1:]:  # drop fake-bold doubles drawn at almost the same place
            if char["text"] == kept[-1]["text"] and abs(char["x0"] - kept[-1]["x0"]) < 1:
                continue
            kept.append(char)
        out.append(Line(kept, page, column_gap))
    return out


def join_lines(lines: list[Line], right_edge: float | None = None, keep_breaks: bool = False) -> str:
    """Wrapped lines back into one text; `keep_breaks` keeps a newline before numbered lines (cells)."""
    text = ""
    for prev, line in zip([None, *lines], lines):
        piece = line.text
        if prev is None:
            text = piece
        elif keep_breaks and PARAGRAPH_START.match(piece):
            text = f"{text}\n{piece}"
        else:
            text = join_texts(text, piece, glued=_cut_token(prev, right_edge))
    return text


def _cut_token(line: Line, right_edge: float | None) -> bool:
    """A line that is one token reaching the right edge was cut inside that token."""
    return right_edge is not None and " " not in line.text and line.x1 > right_edge - line.size


