"""Tables in published text: pipe tables, one cell per line, one row per line with spaces, page chrome.

Web pages copied or saved as text give a form's tables in several shapes (each seen in real
published 绩效目标 forms):
- pipe rows, one row per line: `| 一级指标 | 二级指标 | 指标值 |`, with or without `| --- |` lines,
  `<br>` for a line break inside a cell, trailing `||||` padding up to the page table's width;
- pipe cells, one cell per line: `一级指标 |` (or a row opened by a lone `|`), a row ending when the
  line ends on the table's full count of pipes — found as the count every row of the block reaches;
- no separators at all, one cell per line, after a run of known header words (the row width);
- one row per line, cells separated by runs of spaces or tabs (a bracket split by a space is rejoined).
Page chrome (breadcrumbs, 发布时间/来源, 打印本页, 分享到 …; patterns in dictionaries/text_layout.yaml)
is dropped. Any line that fits no table stays a paragraph, so nothing is lost silently.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.extractors.base import Limits
from jixiao.extractors.text_columns import aligned_table, fits, glued_header, is_header_row, stacked
from jixiao.extractors.text_glue import glued_blocks, without_page_marks
from jixiao.extractors.text_grid import RawRow, build_table
from jixiao.extractors.text_regions import stream_regions
from jixiao.extractors.text_stream import stream_blocks
from jixiao.extractors.text_vocab import fold, level_kind
from jixiao.model.document import Paragraph, Provenance, Table

Line = tuple[int, str]  # (1-based line number, text)

_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PADDING = re.compile(r"^\|{2,}$")  # a row's padding up to the page table's width, or a blank row
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_SPACES = re.compile(r"[ \t\u00a0]+")
_OPENERS, _CLOSERS = "(（[【", ")）]】"
_OPERATOR_TOKEN = re.compile(r"^(≥|≤|>=|<=|＞=|＜=|>|<|＞|＜|=|＝)$")
_NUMBERING_TOKEN = re.compile(r"^(([一二三四五六七八九十]+|\d{1,2})[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）][、.．]?)$")
# A run of lines is a space-separated table when this many lines have two or more cells and two of
# them have three or more (prose with a stray space does not).
_MIN_SPACE_ROWS = 3


@dictionary_cache
def _chrome() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load_dictionary("text_layout")["chrome"])


def is_chrome(text: str) -> bool:
    """A line of the web page around the document (breadcrumb, publication line, print/share links)."""
    folded = unicodedata.normalize("NFKC", text)
    return any(p.search(folded) for p in _chrome())


def is_pipe_line(text: str) -> bool:
    s = text.strip()
    return bool(s) and (s[0] == "|" or s[-1] == "|" or s.count("|") >= 2)


def free_blocks(lines: list[Line], limits: Limits) -> list[Paragraph | Table]:
    """Paragraphs and tables of lines that are not in the tab-indented export layout: forms whose cells
    run together (text_regions, text_stream, text_glue), and the other layouts around them."""
    blocks: list[Paragraph | Table] = []
    pos = 0
    for start, end, shape in stream_regions(lines, is_chrome, is_pipe_line, _space_cells):
        blocks += _layout_blocks(lines[pos:start], limits)
        region = (_cell_lines(lines[start:end]) if shape == "cells"
                  else [(n, t) for n, t in lines[start:end] if t.strip()])
        if shape == "glued":
            texts = without_page_marks([t for _, t in region])
            blocks += glued_blocks("".join(t.strip() for t in texts), region[0][0])
        else:
            cells = [t.strip() for _, t in region] if shape == "cells" else _space_cells(region[0][1])
            blocks += stream_blocks(cells, region[0][0], one_line=shape == "spaces")
        pos = end
    return blocks + _layout_blocks(lines[pos:], limits)


def _cell_lines(lines: list[Line]) -> list[Line]:
    """The lines of one cell per line: a line of spaces is an empty cell where the page separates cells
    by empty lines (an &nbsp; cell), else nothing."""
    marked = any(t == "" for _, t in lines) and any(t and not t.strip() for _, t in lines)
    return [(n, t.strip()) for n, t in lines if t.strip() or (marked and t)]


def _layout_blocks(lines: list[Line], limits: Limits) -> list[Paragraph | Table]:
    """Pipe tables, space-separated rows and paragraphs."""
    blocks: list[Paragraph | Table] = []
    run: list[Line] = []
    i = 0
    while i < len(lines):
        number, text = lines[i]
        if is_pipe_line(text):
            blocks += _plain_run(run, limits)
            run = []
            j = _pipe_block_end(lines, i)
            block = lines[i:j]
            cells = _markdown_cells(text)
            if cells and (glued := glued_header(cells[0], cells[1:])) is not None:
                blocks.append(Paragraph(text=glued[0].strip(), prov=Provenance(line=number)))
                block = [(number, text.replace(glued[0], "", 1)), *block[1:]]
            blocks += _pipe_block(block, limits)
            i = j
            continue
        if not text.strip() or is_chrome(text):
            blocks += _plain_run(run, limits)
            run = []
        else:
            run.append((number, text))
        i += 1
    return blocks + _plain_run(run, limits)


def _pipe_block_end(lines: list[Line], start: int) -> int:
    """End of the pipe block starting at `start`: up to a blank line, or a non-pipe line not followed
    by a pipe line (a cell's second line sits between pipe lines); a last line holding a pipe is the
    block's last row, cut short."""
    end = start + 1
    while end < len(lines):
        text = lines[end][1]
        if not text.strip():
            break
        if not is_pipe_line(text):
            last = end + 1 >= len(lines) or not lines[end + 1][1].strip()
            if last and "|" in text:  # the block's last row, cut off before its closing pipes (指标3 | 1座)
                end += 1
                break
            nxt = end + 1
            while nxt < len(lines) and lines[nxt][1].strip() and not is_pipe_line(lines[nxt][1]):
                nxt += 1
            if nxt >= len(lines) or not lines[nxt][1].strip():
                break
            end = nxt
            continue
        end += 1
    return end


def _cell_text(piece: str) -> str:
    text = html.unescape(_BR.sub("\n", piece.replace("\\|", "|")))
    return "\n".join(part.strip() for part in text.strip().split("\n"))


def _pipe_block(block: list[Line], limits: Limits) -> list[Paragraph | Table]:
    body = [(n, t) for n, t in block if not _SEPARATOR.match(t.strip())]
    if not body:
        return []
    first = body[0][1].strip()
    if first.startswith("|") and first.count("|") >= 2:
        return _markdown_rows(body, limits)
    return _counted_rows(body, limits)


def _markdown_rows(body: list[Line], limits: Limits) -> list[Paragraph | Table]:
    """One row per `| … |` line; a row not closed by `|` goes on over the next lines (a line break in a
    cell) until a line opens a new row; a line outside any row is a paragraph between two tables."""
    blocks: list[Paragraph | Table] = []
    rows: list[RawRow] = []
    open_row: tuple[int, str] | None = None  # (line, text) of the row being read
    for number, text in body:
        s = text.strip()
        if open_row is not None and not open_row[1].endswith("|") and not s.startswith("|"):
            open_row = (open_row[0], f"{open_row[1]}\n{s}")
            continue
        if open_row is not None:
            rows.append(RawRow(_markdown_cells(open_row[1]), open_row[0]))
            open_row = None
        if s.startswith("|"):
            open_row = (number, s)
            continue
        if rows:
            blocks.append(build_table(rows, limits))
            rows = []
        blocks.append(Paragraph(text=s, prov=Provenance(line=number)))
    if open_row is not None:
        rows.append(RawRow(_markdown_cells(open_row[1]), open_row[0]))
    if rows:
        blocks.append(build_table(rows, limits))
    return blocks


def _markdown_cells(text: str) -> list[str]:
    s = text.strip()
    s = s[1:] if s.startswith("|") else s
    s = s[:-1] if s.endswith("|") and not s.endswith("\\|") else s
    return _trim([_cell_text(p) for p in _UNESCAPED_PIPE.split(s)])


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _row_pipes(block: list[Line]) -> int | None:
    """The pipe count of every row of a one-cell-per-line block: the smallest count at least as large as
    any line's that the running count reaches exactly at line ends, row after row (the last row may be
    cut off), each row starting with a `|` line when the first does and going on past a line only when
    that line ends with `|`. None when no count fits."""
    counts = [t.count("|") for _, t in block]
    opened = [t.strip().startswith("|") for _, t in block]
    closed = [t.strip().endswith("|") for _, t in block]
    longest = max(counts)
    for total in range(max(longest, 2), longest + 65):
        acc = rows = 0
        for count, opens, closes in zip(counts, opened, closed):
            if acc == 0 and opened[0] and not opens:  # rows opened by a lone `|` all start that way
                break
            acc += count
            if acc == total:
                acc, rows = 0, rows + 1
            elif acc > total or (count and not closes):  # a row goes on to the next line only after a `|`
                break
        else:
            if rows >= 2 or len(block) <= 3:  # the whole block as one row is no row width
                return total
    return None


def _padded_rows(block: list[Line]) -> list[RawRow] | None:
    """Rows of a block whose rows each end on a line of padding pipes (`产出指标 |` … `|` … `||||||`), where
    no one row width makes the pipes add up: a template's blank rows are all padding; a line of several
    cells is a row of its own. None when the block has no such padding lines."""
    padding = [i for i, (_, t) in enumerate(block) if _PADDING.match(t.strip())]
    if len(padding) < 3:
        return None
    rows: list[RawRow] = []
    current: list[Line] = []
    for i, (number, text) in enumerate(block):
        if i in padding or sum(1 for p in text.split("|") if p.strip()) >= 2:
            if current:
                rows.append(_counted_row(current))
            if i not in padding:
                rows.append(_counted_row([(number, text)]))
            current = []
            continue
        current.append((number, text))
    if current:
        rows.append(_counted_row(current))
    return [r for r in rows if r.cells]


def _counted_rows(block: list[Line], limits: Limits) -> list[Paragraph | Table]:
    # a last line the text cut short (指标3 | 1座, no closing pipes) is read as a row, but says nothing of the width
    total = _row_pipes(block[:-1] if len(block) > 1 and not is_pipe_line(block[-1][1]) else block)
    if (total is None or _padding_inside(block, total)) and (padded := _padded_rows(block)) is not None:
        return [build_table(padded, limits)] if padded else []
    if total is None or _row_per_line(block, total):  # one row per line
        return [build_table([RawRow(_trim([_cell_text(p) for p in t.strip().strip("|").split("|")]), n)
                             for n, t in block], limits)]
    blocks: list[Paragraph | Table] = []
    rows: list[RawRow] = []
    current: list[Line] = []
    acc = 0
    for number, text in block:
        if acc == 0 and "|" not in text:  # between complete rows: a line of its own
            if rows:
                blocks.append(build_table(rows, limits))
                rows = []
            blocks.append(Paragraph(text=text.strip(), prov=Provenance(line=number)))
            continue
        current.append((number, text))
        acc += text.count("|")
        if acc >= total:
            rows.append(_counted_row(current))
            current, acc = [], 0
    if current:  # cut off mid-row: keep what it has
        rows.append(_counted_row(current))
    if rows:
        blocks.append(build_table(rows, limits))
    return blocks


def _padding_inside(block: list[Line], total: int) -> bool:
    """Whether rows of `total` pipes would run on past a line of padding pipes, which ends a row."""
    acc = 0
    for _, text in block:
        acc += text.count("|")
        if acc >= total:
            acc = 0
        elif _PADDING.match(text.strip()):
            return True
    return False


def _row_per_line(block: list[Line], total: int) -> bool:
    """Most lines hold several cells (`产出指标 | 数量指标 | 80000 | |||`) and the row width that makes the
    pipes add up is more than most lines have: lines were joined only to make the sum work (a few
    lines padded differently), so each line is a row."""
    several = sum(sum(1 for p in t.split("|") if p.strip()) >= 2 for _, t in block)
    counts = [t.count("|") for _, t in block]
    usual = max(set(counts), key=counts.count)
    return several >= max(2, 0.6 * len(block)) and total > usual


def _counted_row(lines: list[Line]) -> RawRow:
    """Cells of one row written one cell per line (`text |`); a lone `|` line in the middle is a blank
    cell, the pipes of the row's last line after its last text are padding."""
    texts = [t.strip() for _, t in lines]
    if texts[0].startswith("|"):
        texts[0] = texts[0][1:]
    cells: list[str] = []
    pending = ""
    for index, text in enumerate(texts):
        pieces = text.split("|")
        last_line = index == len(texts) - 1
        for p, piece in enumerate(pieces[:-1]):
            cell = f"{pending}\n{piece}" if pending else piece
            pending = ""
            if last_line and not cell.strip() and not any(q.strip() for q in pieces[p:]):
                break
            cells.append(_cell_text(cell))
        tail = pieces[-1]
        if tail.strip():
            pending = f"{pending}\n{tail}" if pending else tail
    if pending.strip():
        cells.append(_cell_text(pending))
    return RawRow(_trim(cells), lines[0][0])


def _plain_run(run: list[Line], limits: Limits) -> list[Paragraph | Table]:
    """A run of non-blank lines without pipes: cell-per-line or space-separated tables, else paragraphs."""
    if not run:
        return []
    header = _cell_per_line_header(run)
    if header is not None:
        start, width = header
        table_lines = run[start:]
        rows = [RawRow([t.strip() for _, t in table_lines[i:i + width]], table_lines[i][0])
                for i in range(0, len(table_lines), width)]
        return _paragraphs(run[:start]) + [build_table(rows, limits)]
    split = _rejoined_lines([(n, t, _space_cells(t)) for n, t in run])
    multi = [i for i, (_, _, cells) in enumerate(split) if len(cells) >= 2]
    if len(multi) < _MIN_SPACE_ROWS or sum(len(split[i][2]) >= 3 for i in multi) < 2:
        return _paragraphs(run)
    first, last = multi[0], multi[-1]
    under = _under_header(split, first, last)
    if under is not None:
        head, end = under
        before = [RawRow(cells, n) for n, _, cells in split[first:head]]
        table = aligned_table(split[head][2], [(n, cells) for n, _, cells in split[head + 1:end]], split[head][0])
        rest = [line for line in run if end < len(split) and line[0] >= split[end][0]]
        return (_paragraphs(run[:run.index(next(x for x in run if x[0] == split[first][0]))])
                + [stacked(build_table(before, limits), table) if before else table] + _plain_run(rest, limits))
    rows = [RawRow(cells, n) for n, _, cells in split[first:last + 1]]
    return _paragraphs(run[:first]) + [build_table(rows, limits)] + _paragraphs(run[last + 1:])


def _rejoined_lines(split: list[tuple[int, str, list[str]]]) -> list[tuple[int, str, list[str]]]:
    """A line that is only the 指标/目标 ending of the cell before it (a narrow cell wrapped) joined back."""
    out: list[tuple[int, str, list[str]]] = []
    for number, text, cells in split:
        if out and len(cells) == 1 and fold(cells[0]) in ("指标", "目标") and out[-1][2]:
            n, t, before = out[-1]
            out[-1] = (n, t + cells[0], [*before[:-1], before[-1] + cells[0]])
            continue
        out.append((number, text, cells))
    return out


def _under_header(split: list[tuple[int, str, list[str]]], first: int, last: int) -> tuple[int, int] | None:
    """(header index, end) of an indicator header in space-separated rows (not tab-separated, which keep
    their empty cells) and the rows that fit under it; None when there is none, or it is two rows deep."""
    for i in range(first, last + 1):
        number, text, cells = split[i]
        if "\t" in text.strip() or not is_header_row(cells):
            continue
        if i + 1 <= last and is_header_row(split[i + 1][2]) and len(split[i + 1][2]) != len(cells):
            return None  # a header two rows deep (中期目标 | 年度目标 over their columns)
        if i + 1 < len(split) and split[i + 1][2] and not fits(split[i + 1][2], cells):
            return None  # the rows below do not fit the header (a blank header cell was lost): read as before
        end = i + 1
        while end < len(split) and split[end][2] and (
                (fits(split[end][2], cells) and (len(split[end][2]) > 1 or level_kind(split[end][2][0])))
                or (end + 1 < len(split) and len(split[end + 1][2]) > 1 and fits(split[end + 1][2], cells))):
            end += 1  # a lone cell, or one that fits no column, only between two rows of the table (a doubt)
        return i, end
    return None


def _paragraphs(lines: list[Line]) -> list[Paragraph | Table]:
    return [Paragraph(text=t.strip(), prov=Provenance(line=n)) for n, t in lines]


@dictionary_cache
def _header_words() -> tuple[frozenset[str], int]:
    conf = load_dictionary("text_layout")["cell_per_line"]
    words = frozenset(re.sub(r"\s+", "", unicodedata.normalize("NFKC", w)) for w in conf["headers"])
    return words, int(conf["min_header_cells"])


def _cell_per_line_header(run: list[Line]) -> tuple[int, int] | None:
    """(index of the first header line, header width) of a one-cell-per-line table in the run."""
    words, min_cells = _header_words()
    streak = 0
    for i, (_, text) in enumerate(run):
        if re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) in words:
            streak += 1
            continue
        if streak >= min_cells:
            return i - streak, streak
        streak = 0
    return None


def _space_cells(text: str) -> list[str]:
    """Cells of a line whose cells are separated by spaces or tabs, with split brackets, a lone
    operator, a lone percent sign and a heading number rejoined (`开发数量( ≥**个 )`, `≥ 95 %`, `一、 总体`)."""
    if "\t" in text.strip():  # tab-separated (a spreadsheet copy): every tab is a column, blanks kept
        return _trim([cell.strip() for cell in text.rstrip().split("\t")])
    return list(_rejoined([t for t in _SPACES.split(text.strip()) if t]))


def _rejoined(tokens: list[str]) -> Iterator[str]:
    cell = ""
    depth = 0
    for token in tokens:
        opens = sum(token.count(ch) for ch in _OPENERS) - sum(token.count(ch) for ch in _CLOSERS)
        joins = cell and (depth > 0 or (token[0] in _OPENERS and len(token) <= 8 and opens <= 0)
                          or _OPERATOR_TOKEN.match(cell.split(" ")[-1]) is not None
                          or _NUMBERING_TOKEN.match(cell) is not None
                          or (token in ("%", "％", "‰") and cell[-1].isdigit()))
        if joins:
            cell = f"{cell} {token}"
            depth = max(depth + opens, 0)
            continue
        if cell:
            yield cell
        cell, depth = token, max(opens, 0)
    if cell:
        yield cell
