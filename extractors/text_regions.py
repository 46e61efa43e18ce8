"""Where published text holds a form whose cells run together, and which kind of stream it is.

Three shapes (text_stream.py rebuilds them): one cell per line, blank lines or not between the cells
(a run of lines that are each one header word); a whole table on one line, cells separated by spaces
(a line whose space-separated cells hold the header and many cells more); cells glued without
separators (a line holding three header words run together). Anything else is left to the other
published-text layouts.
"""

from __future__ import annotations

import re

from jixiao.extractors.text_glue_head import find_glued_header, folded, glued_label_kind
from jixiao.extractors.text_glue_lines import level_end
from jixiao.extractors.text_stream import FORM_TITLE, MIN_HEADER, find_header, is_row_label, joined_labels
from jixiao.extractors.text_vocab import header_kind, is_footer, label_kind, level_kind

Line = tuple[int, str]
_MOST_BLANKS = 12  # blank lines a glued table's rows may go on after
Region = tuple[int, int, str]  # (first line index, end index, "cells" | "spaces" | "glued")
_TITLE = FORM_TITLE
_CAPTION = re.compile(r"^[^，。,:：]{0,12}指标表$")
_LONG = 150  # a line longer than this is prose, not a cell


def stream_regions(lines: list[Line], is_chrome, is_pipe_line, space_cells) -> list[Region]:
    """Regions of `lines` to read as a cell stream, in order, not overlapping."""
    regions: list[Region] = []
    i = 0
    while i < len(lines):
        text = lines[i][1]
        if not text.strip() or is_pipe_line(text) or is_chrome(text):
            i += 1
            continue
        if header_kind(text) and _cell_header(lines, i, is_pipe_line):
            start = _cells_start(lines, i, regions[-1][1] if regions else 0, is_chrome, is_pipe_line)
            end = _cells_end(lines, i, is_chrome, is_pipe_line)
            regions.append((start, end, "cells"))
            i = end
            continue
        cells = joined_labels(space_cells(text)) if len(text) > 40 else []
        found = find_header(cells) if len(cells) > 2 * MIN_HEADER else None
        if found and len(cells) - found[1] >= 2 * (found[1] - found[0]) and _holds_rows(cells[found[1]:]):
            regions.append((i, i + 1, "spaces"))
        elif not found and (len(text) > 40 or _glued_header_line(text)) and find_glued_header(folded(text)):
            floor = regions[-1][1] if regions else 0
            start = (_glued_start(lines, i, floor, is_chrome) if len(text) <= 40
                     else _glued_lead(lines, i, floor, is_chrome))
            end = _glued_end(lines, i + 1, is_chrome)
            regions.append((start, end, "glued"))
            i = end
            continue
        i += 1
    return regions


def _holds_rows(cells: list[str]) -> bool:
    """Cells after a header that are rows of the table (a 一级/二级 name, a figure), not more of a header
    the line wrapped (绩效 实际 评分标准 / 目标值 完成值)."""
    return any(level_kind(c) or re.search(r"\d", c) for c in cells)


def _next_cells(lines: list[Line], i: int, is_pipe_line, n: int) -> list[str]:
    out = []
    while i < len(lines) and len(out) < n:
        text = lines[i][1].strip()
        if text:
            if is_pipe_line(text):
                break
            out.append(text)
        i += 1
    return out


def _cell_header(lines: list[Line], i: int, is_pipe_line) -> bool:
    """Line i opens a header written one cell per line (blank lines between allowed)."""
    cells = joined_labels(_next_cells(lines, i, is_pipe_line, 12))
    found = find_header(cells)
    return found is not None and found[0] == 0


def _cells_start(lines: list[Line], header: int, floor: int, is_chrome, is_pipe_line) -> int:
    """The key/value cells before a header: back to its first project label (项目名称), else its first
    label, over lines that are cells (not the title, chrome, pipes or prose)."""
    first_identity = first_label = None
    j = header - 1
    while j >= floor:
        text = lines[j][1].strip()
        spaceless = folded(text)
        if first_label is None and _CAPTION.search(spaceless):
            j -= 1  # 绩效项目指标表: the indicator table's own caption, between the project's cells and it
            continue
        if text and (is_chrome(text) or is_pipe_line(text) or _TITLE.search(spaceless)
                     or (len(text) > _LONG and not _labelled(lines, j, floor))):
            break
        kind = label_kind(text) if text else None
        if kind == "identity":
            first_identity = j
        if kind:
            first_label = j
        j -= 1
    label = _line_before(lines, header, floor)
    if label is not None and is_row_label(lines[label][1].strip()):
        header = label  # 年度绩效目标1 | 一级指标: the block's label opens the form's cells
    return first_identity if first_identity is not None else first_label if first_label is not None else header


def _line_before(lines: list[Line], j: int, floor: int) -> int | None:
    """The index of the last non-blank line before line j, down to `floor`."""
    return next((k for k in range(j - 1, floor - 1, -1) if lines[k][1].strip()), None)


def _labelled(lines: list[Line], j: int, floor: int) -> bool:
    """Whether the line before line j (blank lines skipped) is a label: a long line then is its value (年度目标 |
    围绕…), no prose."""
    before = _line_before(lines, j, floor)
    return before is not None and label_kind(lines[before][1].strip()) is not None


def _cells_end(lines: list[Line], header: int, is_chrome, is_pipe_line) -> int:
    """Up to a footer (注：…), chrome, a pipe table or prose."""
    end = header
    while end < len(lines):
        text = lines[end][1].strip()
        if text and (is_chrome(text) or is_pipe_line(text) or len(text) > _LONG
                     or (is_footer(text) and not header_kind(text))):  # 备注 is a column before it is a note
            break
        end += 1
    return end


def _glued_header_line(text: str) -> bool:
    """A line that is only an indicator header glued together (绩效指标一级指标二级指标指标内容指标值): the
    rows below it are glued too, one per line."""
    if "|" in text:  # piped cells: another layout
        return False
    words = re.split(r"[ \t\u3000]+", text.strip())
    if len(words) > 2:  # spaced cells: another layout (one label before the header is allowed: 部门整体支出)
        return False
    for cells in {folded(words[-1]), folded(text)}:  # 评(扣)分标准 度量单位: a space inside
        found = find_glued_header(cells)
        if found is not None and found[1] == len(cells) and found[0] <= 8:
            return True
    return False


def _glued_end(lines: list[Line], end: int, is_chrome) -> int:
    """The end of a glued form's lines: up to a blank line or chrome — past blank lines only where the rows go
    on after them (a line opening with a 一级/二级 name within the next two, after a project's own line)."""
    while True:
        while end < len(lines) and lines[end][1].strip() and not is_chrome(lines[end][1]):
            end += 1
        after = end
        while after < len(lines) and not lines[after][1].strip() and after - end < _MOST_BLANKS:
            after += 1
        following = [folded(t) for _, t in lines[after:after + 2]]
        if after == end or not any(level_end(t, 0) for t in following):
            return end
        end = after


def _glued_lead(lines: list[Line], header: int, floor: int, is_chrome) -> int:
    """The first of the glued lines right before a long glued line holding the header: a page that wrapped
    one glued form over lines (…政策依据甘财科 / [2022]78号…一级指标二级指标…) keeps its project part."""
    start = header
    while start - 1 >= floor and (text := lines[start - 1][1].strip()) and len(text) > 40 \
            and not re.search(r"[ \t\u3000|]", text) and not is_chrome(text) and header - start < 3:
        start -= 1
    return start


def _glued_start(lines: list[Line], header: int, floor: int, is_chrome) -> int:
    """The first line of a glued form's key/value part before its header line: back to its project label
    (项目名称…), over blank lines, up to a title, chrome or prose; the header line when there is none."""
    start = header
    j = header - 1
    while j >= floor:
        text = lines[j][1].strip()
        if text and (is_chrome(text) or len(text) > _LONG or _TITLE.search(folded(text))):
            break
        if text and glued_label_kind(folded(text)) == "identity":
            start = j
        j -= 1
    return start
