"""Lines of space-separated rows that a page broke apart, put back together before they are aligned.

A web page's text wraps a narrow cell onto the next line (经济效益 / 指标), prints a vertical label a
character a line (产 / 出 / 指 / 标), breaks a header over two lines (年度 实际 / 指标值 完成值), prints a
header two rows deep a row a line (绩效指标 年度指标值 实际完成值 / 一级指标 … 指标值 度量单位), or puts a
numbered section heading on the header's line. Each is one line (or one cell) again here. A row the page
ran together with its header inside it is split apart at the header (header_apart).
"""

from __future__ import annotations

import re

from jixiao.extractors.text_stream import find_header, is_row_label
from jixiao.extractors.text_vocab import column_kind, fold, header_kind, label_kind, level_kind

Split = list[tuple[int, str, list[str]]]  # (line number, text, its cells)
_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]\D")  # 四、年度绩效指标完成情况
_NAMED_CHAR = re.compile(r"^[\u4e00-\u9fff]$")
_BARE_VALUE = re.compile(r"^[≥≤<>=＞＜]?\d+(?:\.\d+)?%?")  # a cell opening with a figure: the line holds values


def sections_apart(split: Split) -> Split:
    """A numbered section heading that opens a header's line (`四、年度绩效指标完成情况 一级指标 二级指标 …`) on
    a line of its own: the heading titles the table, it is no column of it."""
    out: Split = []
    for number, text, cells in split:
        header = find_header(cells[1:]) if len(cells) > 3 and _SECTION_HEADING.match(fold(cells[0])) else None
        if header is not None and header[0] == 0:
            out += [(number, cells[0], [cells[0]]), (number, " ".join(cells[1:]), cells[1:])]
        else:
            out.append((number, text, cells))
    return out


def header_apart(cells: list[str]) -> list[list[str]]:
    """A row a page ran together with a header inside it (… 实际完成情况 | 目标 | 绩效指标 | 年度指标值 | 实际完成值
    | … | 一级指标 | … | 度量单位 | 产出指标 | 数量指标 | 学生受资助人数 | ≧ | 735 …) as rows again: the cells
    before the header, the header (its two rows made one), and the first row under it. [cells] for a row
    whose header opens it, or that has none."""
    found = find_header(cells)
    if found is None:
        return [cells]
    start, end = found
    start -= start > 0 and is_row_label(cells[start - 1])  # 绩效指标 over the levels opens the header
    before, after = [c for c in cells[:start] if c.strip()], [c for c in cells[end:] if c.strip()]
    if len(before) < 2 or all(header_kind(c) or label_kind(c) for c in before) \
            or not any(level_kind(c) or _BARE_VALUE.match(fold(c)) for c in after):
        return [cells]  # a header that opens its row, one row of headings (项目名称 | 预算数 | 一级指标 …), or no row on
    header = cells[start:end]
    levels = next((i for i, c in enumerate(header) if header_kind(c) in ("level1", "level2", "name")), 0)
    stacked = _two_row_header(header[:levels], header[levels:]) if levels >= 2 else None
    return [part for part in (cells[:start], stacked or header, cells[end:]) if any(c.strip() for c in part)]


def _completed_header(before: list[str], cells: list[str]) -> list[str] | None:
    """A header whose cells wrapped (年度 | 实际 over 指标值 | 完成值): the line under it completes, in order,
    the cells that are no header word alone into header words; None for any other pair of lines."""
    if sum(header_kind(c) is not None for c in before) < 3:
        return None
    open_cells = [i for i, c in enumerate(before) if not header_kind(c) and not is_row_label(c)]
    if not cells or len(cells) > len(open_cells) or any(header_kind(c) is None and not _is_tail(c) for c in cells):
        return None
    done = list(before)
    for i, tail in zip(open_cells, cells):
        if not header_kind(before[i] + tail):
            return None
        done[i] = before[i] + tail
    return done


def _two_row_header(top: list[str], below: list[str]) -> list[str] | None:
    """One header of a header two rows deep printed a row a line, its top row first (绩效指标 | 年度指标值 |
    实际完成值 | 分值 over 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位): the top row's first value
    heading spans the columns below it, so its columns are the row below's, then the top row's after it.
    None unless the top row is header words with a value heading and the row below opens with the levels."""
    kinds = [column_kind(c) if header_kind(c) else None for c in top]
    if not below or not all(k or is_row_label(c) for k, c in zip(kinds, top)) or "val" not in kinds \
            or header_kind(below[0]) not in ("level1", "level2", "name") \
            or not all(header_kind(c) for c in below) or "val" not in (column_kind(c) for c in below):
        return None
    spanning = kinds.index("val")
    labels = [c for k, c in zip(kinds[:spanning], top[:spanning]) if k is None]
    return [*labels, *below, *top[spanning + 1:]] if len(labels) == spanning else None


def _is_tail(text: str) -> bool:
    """The end of a wrapped heading (完成值, 指标值) needs no vocabulary of its own, only to be short."""
    return 0 < len(fold(text)) <= 4


def rejoined_lines(split: Split) -> Split:
    """Lines a narrow cell wrapped, joined back: a line that is only the end of the cell before it (指标,
    目标, or 满意度指标 after 服务对象: together a level name), and a header broken over lines (绩效指标 一级
    指标 / 二级指标 三级指标 …: a line of header words, then one opening with a header word and mostly
    header words)."""
    out: Split = []
    for number, text, cells in _vertical_labels(split):
        if out and out[-1][2]:
            n, t, before = out[-1]
            if len(cells) > 1 and len(before) <= 3 and (fold(cells[0]) in ("指标", "目标") or (
                    level_kind(before[-1] + cells[0]) and not level_kind(before[-1]))) \
                    and not any(_BARE_VALUE.match(fold(c)) for c in before):
                # 效益指标 经济效益 / 指标 全年影院观影人数 ≥4万人次 …: a level cell wrapped, the row goes on
                out[-1] = (n, f"{t}{text}", [*before[:-1], before[-1] + cells[0], *cells[1:]])
                continue
            if len(cells) == 1 and (fold(cells[0]) in ("指标", "目标") or (
                    level_kind(before[-1] + cells[0]) and not level_kind(before[-1]))
                    or (header_kind(before[-1] + cells[0]) and not header_kind(before[-1]))):  # 未完成原因和 / 改进措施
                out[-1] = (n, t + cells[0], [*before[:-1], before[-1] + cells[0]])
                continue
            if (completed := _completed_header(before, cells)) is not None:
                out[-1] = (n, f"{t} {text}", completed)  # 年度 实际 … / 指标值 完成值: 年度指标值, 实际完成值
                continue
            if (stacked_header := _two_row_header(before, cells)) is not None:
                out[-1] = (n, f"{t} {text}", stacked_header)
                continue
            if cells and all(header_kind(c) or is_row_label(c) for c in before) and header_kind(cells[0]) \
                    and 2 * sum(header_kind(c) is not None for c in cells) >= len(cells):
                out[-1] = (n, f"{t} {text}", [*before, *cells])
                continue
        out.append((number, text, cells))
    return out


def _vertical_labels(split: Split) -> Split:
    """A label printed a character a line (产 / 出 / 指 / 标 数量指标 …: a vertical merged cell) made one cell
    again, opening the row its last character is printed on."""
    out: Split = []
    run: Split = []
    for line in split:
        cells = line[2]
        if len(cells) == 1 and len(fold(cells[0])) == 1 and _NAMED_CHAR.match(fold(cells[0])):
            run.append(line)
            continue
        chars = "".join(fold(c[2][0]) for c in run)
        if len(run) >= 2 and cells and len(fold(cells[0])) == 1 and names_a_label(chars + fold(cells[0])):
            out.append((run[0][0], line[1], [chars + fold(cells[0]), *cells[1:]]))
        elif len(run) >= 2 and names_a_label(chars):
            out.append((run[0][0], chars, [chars]))
            out.append(line)
        else:
            out += [*run, line]
        run = []
    return out + run


def names_a_label(text: str) -> bool:
    return bool(level_kind(text) or header_kind(text) or is_row_label(text) or label_kind(text))
