"""The head of a glued form cut by its words: the indicator header (three or more header words run together)
and, before it, field labels and column headings with the values between them.

Only known words can cut glued text (text_glue.py reads the whole form): a few characters between two header
words belong to the next one ("全年" 完成值), longer ones to the one before ("未完成原因" 和改进措施); a value is
the text between two labels, and amounts glued under column headings are cut into as many values as there
are headings (text_values.split_run).
"""

from __future__ import annotations

import re
import unicodedata

from jixiao.dictionaries import dictionary_cache
from jixiao.dictionaries.characters import simplified
from jixiao.extractors.text_stream import MIN_HEADER
from jixiao.extractors.text_values import run_pattern, split_run
from jixiao.extractors.text_vocab import header_words, label_kind, label_words

_PAGE_MARK = re.compile(r"^\s*(\d{1,3})\s*、")
_BRACKET = re.compile(r"^[(（][^()（）]{0,12}[)）]")
_JUNK_TO_NEXT = 4


def compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def folded(text: str) -> str:
    """compact() read as simplified Chinese: what the vocabulary is matched against (the text as written is
    compact()'s)."""
    return simplified(compact(text))


def without_page_marks(lines: list[str]) -> list[str]:
    """A text preview's page numbers ("1、" "2、" "3、" opening consecutive lines) dropped."""
    marks = [_PAGE_MARK.match(t) for t in lines]
    numbers = [int(m.group(1)) if m else None for m in marks]
    if len(lines) < 2 or numbers[:2] != [numbers[0], (numbers[0] or 0) + 1] or numbers[0] is None:
        return lines
    out, expected = [], numbers[0]
    for text, number, mark in zip(lines, numbers, marks):
        if number == expected and mark:
            out.append(text[mark.end():])
            expected += 1
        else:
            out.append(text)
    return out


def _header_at(text: str, pos: int) -> str | None:
    return next((w for w in _header_list() if text.startswith(w, pos)), None)


@dictionary_cache
def _header_list() -> tuple[str, ...]:
    """Header words, longest first (asked at every position of a glued text: sorted once)."""
    return tuple(sorted(header_words(), key=len, reverse=True))


def find_glued_header(text: str) -> tuple[int, int, list[str]] | None:
    """(start, end, cells) of the first run of ≥3 header words glued together in compacted text."""
    pos = 0
    while pos < len(text):
        word = _header_at(text, pos)
        if word is None:
            pos += 1
            continue
        cells, start, end, gap = [word], pos, pos + len(word), ""
        while end < len(text) and len(gap) <= _JUNK_TO_NEXT and not re.search(r"[,，。;；:：、]", gap):
            nxt = _header_at(text, end)
            if nxt is None:
                gap += text[end]
                end += 1
                continue
            if len(gap) > _JUNK_TO_NEXT // 2 and not header_words().get(gap + nxt):
                cells[-1] += gap  # "未完成原因" + "和改进措施": the end of the cell before
                gap = ""
            cells.append(gap + nxt)
            end += len(nxt)
            gap = ""
        end -= len(gap)
        kinds = [header_words().get(c) for c in cells]
        if len(cells) >= MIN_HEADER and any(k in ("level1", "level2", "name") for k in kinds):
            return start, end, cells
        pos += 1
    return None


def _word_at(text: str, pos: int, words: list[str]) -> int:
    """End of the longest of `words` at `pos` (with a bracketed note and a colon after it), else pos."""
    for word in words:
        if text.startswith(word, pos):
            end = pos + len(word)
            if bracket := _BRACKET.match(text[end:]):
                end += bracket.end()
            return end + (1 if text[end:end + 1] in (":", "：") else 0)
    return pos


def label_cells(text: str) -> list[str]:
    """Labels and the values between them, in order (其中： opens a label of its own)."""
    words = label_words()
    cells: list[str] = []
    value_start = pos = 0
    while pos < len(text):
        start = pos
        if text.startswith(("其中:", "其中："), pos):
            end = _word_at(text, pos + 3, words)
            if end == pos + 3:
                digit = re.search(r"\d", text[end:])
                end = end + (digit.start() if digit else 0)
        else:
            end = _word_at(text, pos, words)
        if end == start:
            pos += 1
            continue
        if value_start < start:
            cells.append(text[value_start:start])
        cells.append(text[start:end])
        value_start = pos = end
    if value_start < len(text):
        cells.append(text[value_start:])
    return cells


def glued_label_kind(text: str) -> str | None:
    """The label kind of the label a glued line opens with (identity for 项目名称…), else None."""
    cells = label_cells(text)
    return label_kind(cells[0]) if cells else None


def kv_rows(text: str) -> list[list[str]]:
    """The key/value rows of glued text; amounts under a heading row cut into one value per heading."""
    rows: list[list[str]] = []
    headings = 0
    heading_row = False
    for cell in label_cells(text):
        k = label_kind(cell)
        if k == "heading" and rows and (heading_row or len(rows[-1]) == 1):
            rows[-1].append(cell)
            heading_row = True
            headings = len(rows[-1]) - 1
        elif k is not None:
            rows.append([cell])
            heading_row = False
        elif rows and not heading_row:
            amounts = split_run(cell, headings) if headings > 1 and run_pattern().fullmatch(cell) else None
            rows[-1].extend(amounts or [cell])
        else:
            rows.append([cell])
            heading_row = False
    return rows
