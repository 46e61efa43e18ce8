"""Tables in published text: where each shape is, one cell per line, one row per line with spaces, chrome.

Web pages copied or saved as text give a form's tables in several shapes (each seen in real
published 绩效目标 forms):
- pipe tables (text_pipes.py);
- forms whose cells run together (text_regions.py finds them, text_stream.py and text_glue.py read them);
- no separators at all, one cell per line, after a run of known header words (the row width);
- one row per line, cells separated by runs of spaces or tabs (a bracket split by a space is rejoined).
Page chrome (breadcrumbs, 发布时间/来源, 打印本页, 分享到 …; patterns in dictionaries/text_layout.yaml)
is dropped. Any line that fits no table stays a paragraph, so nothing is lost silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.dictionaries.characters import simplified
from jixiao.extractors.base import Limits
from jixiao.extractors.text_columns import aligned_table, fits, glued_header, is_header_row, stacked
from jixiao.extractors.text_glue import glued_blocks
from jixiao.extractors.text_glue_head import without_page_marks
from jixiao.extractors.text_grid import RawRow, build_table, within_limits
from jixiao.extractors.text_pipes import (Line, cells_between_pipes, cut_last_cell, is_pipe_line, leading_pipe_rows,
                                          markdown_cells, pipe_block, pipe_block_end)
from jixiao.extractors.text_regions import stream_regions
from jixiao.extractors.text_rejoin import names_a_label, rejoined_lines, sections_apart
from jixiao.extractors.text_slots import apart
from jixiao.extractors.text_stream import is_row_label, joined_labels, tail_kinds
from jixiao.extractors.text_stream_table import labelled_cells, stream_blocks
from jixiao.extractors.text_tree import tree_run
from jixiao.extractors.text_vocab import fold, is_level_prefix, is_total, label_kind, level_kind

from jixiao.model.document import Cell, Paragraph, Provenance, Table

_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_TAB_ROW = re.compile(r"\S\t|\t.*\t")
_OPENERS, _CLOSERS = "(（[【", ")）]】"
_OPERATOR_TOKEN = re.compile(r"^(≥|≤|>=|<=|＞=|＜=|>|<|＞|＜|=|＝)$")
_NUMBERING_TOKEN = re.compile(r"^(([一二三四五六七八九十]+|\d{1,2})[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）][、.．]?)$")
# A run of lines is a space-separated table when this many lines have two or more cells and two of
# them have three or more (prose with a stray space does not).
_MIN_SPACE_ROWS = 3
_LABELLED_LINE_MAX = 2000  # a line longer than this is prose, never a flattened row of fields
_BARE_VALUE = re.compile(r"^[≥≤<>=＞＜]?\d+(?:\.\d+)?%?")  # a cell opening with a figure: the line holds values
_BLOCK_SCORE = re.compile(r"^[(（]\d+(?:\.\d+)?分[)）]$")  # (50分): a block's score where its 一级 label was


@dictionary_cache
def _chrome() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load_dictionary("text_layout")["chrome"])


def is_chrome(text: str) -> bool:
    """A line of the web page around the document (breadcrumb, publication line, print/share links)."""
    folded = simplified(unicodedata.normalize("NFKC", text))  # 主辦/承辦 on a mirror in traditional characters
    return any(p.search(folded) for p in _chrome())


def free_blocks(lines: list[Line], limits: Limits, ends_text: bool = True) -> list[Paragraph | Table]:
    """Paragraphs and tables of lines that are not in the tab-indented export layout: forms printed as an
    indented tree (text_tree), forms whose cells run together (text_regions, text_stream, text_glue), and the
    other layouts around them. `ends_text`: these lines end the text (see _layout_blocks)."""
    if (tree := tree_run(lines)) is not None:
        start, end, tables = tree
        return [*free_blocks(lines[:start], limits, ends_text=False), *tables,
                *free_blocks(lines[end:], limits, ends_text)]
    blocks: list[Paragraph | Table] = []
    pos = 0
    for start, end, shape in stream_regions(lines, is_chrome, is_pipe_line, _space_cells):
        blocks += _layout_blocks(lines[pos:start], limits)
        region = (_cell_lines(lines[start:end]) if shape == "cells"
                  else [(n, t) for n, t in lines[start:end] if t.strip()])
        if shape == "glued":
            texts = without_page_marks([t for _, t in region])
            blocks += glued_blocks("".join(t.strip() for t in texts), region[0][0], lines=[t.strip() for t in texts])
        else:
            cells = [t.strip() for _, t in region] if shape == "cells" else _space_cells(region[0][1])
            blocks += stream_blocks(cells, region[0][0], one_line=shape == "spaces")
        pos = end
    return blocks + _layout_blocks(lines[pos:], limits, ends_text=ends_text)


def _cell_lines(lines: list[Line]) -> list[Line]:
    """The lines of one cell per line: a line of spaces is an empty cell where the page separates cells
    by empty lines (an &nbsp; cell), else nothing."""
    marked = any(t == "" for _, t in lines) and any(t and not t.strip() for _, t in lines)
    return [(n, t.strip()) for n, t in lines if t.strip() or (marked and t)]


def _lead_lines(run: list[Line], number: int, most: int = 3) -> list[Line]:
    """The short lines right before line `number` (a first cell broken over lines)."""
    lead: list[Line] = []
    for n, text in reversed(run):
        if n != number - len(lead) - 1 or len(lead) == most or len(text.strip()) > 12:
            break
        lead.insert(0, (n, text))
    return lead


def _pipe_table(block: list[Line], limits: Limits, ends_text: bool) -> list[Paragraph | Table]:
    """The blocks of one pipe table; where the text ends with it, without the cell it stops inside (the
    table is marked `cut` and says so). Nothing is dropped when no table comes of the block."""
    if not ends_text:
        return pipe_block(block, limits)
    kept, fragment = cut_last_cell(block)
    read = pipe_block(kept, limits) if fragment is not None else []
    tables = [b for b in read if isinstance(b, Table)]
    if not tables:
        return pipe_block(block, limits)
    tables[-1].cut = True
    tables[-1].doubts.append(f"the text ends inside a table cell ('{fragment}', line {block[-1][0]}): the page "
                             "was cut there, so that cell, and an indicator row it ends, is left out — check the "
                             "rest of the form in the original")
    return read


def _layout_blocks(lines: list[Line], limits: Limits, ends_text: bool = False) -> list[Paragraph | Table]:
    """Pipe tables, space-separated rows and paragraphs; `ends_text`: these lines end the text, so a
    pipe table running to their end may be cut inside its last cell."""
    blocks: list[Paragraph | Table] = []
    run: list[Line] = []
    i = 0
    while i < len(lines):
        number, text = lines[i]
        if is_pipe_line(text):
            j = pipe_block_end(lines, i)
            block = lines[i:j]
            if run and run[-1][0] == number - 1 and cells_between_pipes(block) is not None:
                block, run = [run[-1], *block], run[:-1]  # the cell before the first pipe (项目名称)
            label = None
            if run and run[-1][0] == number - 1 and text.strip() == "|" and label_kind(run[-1][1]) == "identity":
                label, run = run[-1], run[:-1]  # 项目名称 / | / 某项目 / | / ||||: its row's label
            lead = _lead_lines(run, number)
            if lead and leading_pipe_rows(lead + block) is not None:
                block, run = lead + block, run[:-len(lead)]  # the first row's first cell ("绩效" / "指标")
            blocks += _plain_run(run, limits)
            run = []
            cells = markdown_cells(text)
            if cells and (glued := glued_header(cells[0], cells[1:])) is not None:
                blocks.append(Paragraph(text=glued[0].strip(), prov=Provenance(line=number)))
                block = [(number, text.replace(glued[0], "", 1)), *block[1:]]
            last = ends_text and all(not t.strip() or is_chrome(t) for _, t in lines[j:])
            read = _pipe_table(block, limits, last)
            blocks += _labelled(read, label) if label else read
            i = j
            continue
        if not text.strip() and _table_goes_on(run, lines, i):
            i += 1  # blank lines between an indicator header and its rows, or between blocks of rows
            continue
        if not text.strip() or is_chrome(text):
            blocks += _plain_run(run, limits)
            run = []
        else:
            run.append((number, text))
        i += 1
    return blocks + _plain_run(run, limits)


def _labelled(read: list[Paragraph | Table], label: Line) -> list[Paragraph | Table]:
    """The blocks of a pipe table whose first row's label stood before its first pipe: the label becomes
    that row's first cell where the row is one cell across the table, else a paragraph before it."""
    first = read[0] if read else None
    row = [c for c in first.cells if c.row == 0] if isinstance(first, Table) else []
    if not isinstance(first, Table) or len(row) != 1 or row[0].col_span < 2:
        return [Paragraph(text=label[1].strip(), prov=Provenance(line=label[0])), *read]
    value = row[0]
    first.cells = [Cell(row=0, col=0, text=label[1].strip()),
                   value.model_copy(update={"col": 1, "col_span": value.col_span - 1}),
                   *(c for c in first.cells if c is not value)]
    return read


def _plain_run(run: list[Line], limits: Limits) -> list[Paragraph | Table]:
    """A run of non-blank lines without pipes: cell-per-line or space-separated tables, else paragraphs."""
    if not run:
        return []
    tabbed = _tab_rows(run)
    if tabbed is not None:
        start, end = tabbed
        rows = [RawRow([c.strip() for c in t.rstrip("\r\n ").split("\t")], n) for n, t in run[start:end]]
        within_limits(rows, limits)
        table = Table.from_rows([r.cells for r in rows], Provenance(line=run[start][0]))
        return _plain_run(run[:start], limits) + [table] + _plain_run(run[end:], limits)
    header = _cell_per_line_header(run)
    if header is not None:
        start, width = header
        table_lines = run[start:]
        rows = [RawRow([t.strip() for _, t in table_lines[i:i + width]], table_lines[i][0])
                for i in range(0, len(table_lines), width)]
        return _paragraphs(run[:start]) + [build_table(rows, limits)]
    split = _apart_under_header(rejoined_lines(sections_apart([(n, t, _space_cells(t)) for n, t in run])))
    multi = [i for i, (_, _, cells) in enumerate(split) if len(cells) >= 2]
    if len(multi) < _MIN_SPACE_ROWS or sum(len(split[i][2]) >= 3 for i in multi) < 2:
        return [block for line in run for block in _labelled_line(line)]
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


def _apart_under_header(split: list[tuple[int, str, list[str]]]) -> list[tuple[int, str, list[str]]]:
    """Space-separated rows under a header: with an operator or a unit column of its own, ≥ 95 % read back as
    the cells it is (text_slots.apart), not the one target _space_cells rejoins elsewhere; the row label
    left of the header (绩效指标) not taken again for a cell where a copy printed it on every row."""
    head = next((i for i, (_, _, cells) in enumerate(split) if is_header_row(cells)), None)
    if head is None:
        return split
    header = split[head][2]
    tail = tail_kinds(header)[0]
    label = header[0] if is_row_label(header[0]) else None  # 绩效指标 left of the header, copied onto each row
    return split[:head + 1] + [(n, t, apart(cells[1:] if label and cells and cells[0] == label else cells, tail))
                               for n, t, cells in split[head + 1:]]


def is_tab_row(text: str) -> bool:
    """A row of tab-separated cells (a table pasted from a word processor or a spreadsheet): a tab after a cell,
    or two tabs; a line that is only a tab and one cell is not one (Word's text export writes its cells so)."""
    return bool(_TAB_ROW.search(text.strip("\r\n ")))


def _tab_rows(run: list[Line]) -> tuple[int, int] | None:
    """(start, end) of the first rows of tab-separated cells in the run (a table pasted from a word processor
    or a spreadsheet): every tab a column and a blank cell a merged one, so the rows are laid out as they are,
    none aligned by guess. A line that is one cell after a tab (its row's other cells merged) goes with them."""
    tabbed = [is_tab_row(t) for _, t in run]
    if sum(tabbed) < 2:
        return None
    start = tabbed.index(True)
    end = start
    while end < len(run) and (tabbed[end] or run[end][1].startswith("\t")):
        end += 1
    return (start, end) if sum(tabbed[start:end]) >= 2 else None


def _table_goes_on(run: list[Line], lines: list[Line], blank: int) -> bool:
    """Whether the rows after the blank lines at `blank` go on with the space-separated indicator table of
    `run` (a header read in it): the next line opens with a level name or its first characters (一级 /
    指标 …, 数量指标 …), or is a block's score ((50分)); a list after the table (序号 姓名 金额) is not."""
    nxt = next((t.strip() for _, t in lines[blank:] if t.strip()), "")
    first = (_space_cells(nxt) or [""])[0]
    opens_rows = bool(nxt) and not is_pipe_line(nxt) and not is_chrome(nxt) and (
        level_kind(first) is not None or is_level_prefix(first) or fold(first) in ("一级", "二级", "三级")
        or _BLOCK_SCORE.match(fold(nxt)) is not None)
    # the line after the blanks is asked first: the run's header is looked for only when it could matter
    return opens_rows and bool(run) and any(is_header_row(cells) for _, _, cells in rejoined_lines(
        [(n, t, _space_cells(t)) for n, t in run[-200:]]))


def _under_header(split: list[tuple[int, str, list[str]]], first: int, last: int) -> tuple[int, int] | None:
    """(header index, end) of an indicator header in space-separated rows (not tab-separated, which keep
    their empty cells) and the rows that fit under it; None when there is none, or it is two rows deep."""
    for i in range(first, last + 1):
        number, text, cells = split[i]
        if "\t" in text.strip() or not is_header_row(cells):
            continue
        if i + 1 <= last and is_header_row(split[i + 1][2]) and len(split[i + 1][2]) != len(cells):
            return None  # a header two rows deep (中期目标 | 年度目标 over their columns)
        if i > first and split[i - 1][2] and is_row_label(split[i - 1][2][-1]):
            return None  # …资金总额 | 绩效指标 over 一级指标 | 二级指标 …: two rows deep, the first over the project columns
        if i + 1 < len(split) and split[i + 1][2] and not fits(split[i + 1][2], cells):
            return None  # the rows below do not fit the header (a blank header cell was lost): read as before
        end = i + 1
        while end < len(split) and split[end][2] and (_row_under(split[end][2], cells) or any(
                _row_under(split[k][2], cells) and len(split[k][2]) > 1 for k in range(end + 1, min(end + 6, len(split)))
                if all(len(split[j][2]) == 1 for j in range(end, k)))):
            end += 1  # lone cells (a note, a `-` filler) or one that fits no column only between rows of the table
        return i, end
    return None


def _row_under(cells: list[str], header: list[str]) -> bool:
    return not is_total(cells[0]) and fits(cells, header) and (len(cells) > 1 or level_kind(cells[0]) is not None)


def _labelled_line(line: Line) -> list[Paragraph | Table]:
    """A line of a form's fields with spaces between the cells (项目支出名称 X 部门预算 70.00 年度本级预算金额
    70.00 …, a key/value table flattened onto one line): its label/value rows; any other line, a paragraph."""
    number, text = line
    cells = _space_cells(text) if len(text) <= _LABELLED_LINE_MAX else []
    labels = sum(label_kind(c) in ("label", "identity") for c in cells)
    if len(cells) < 4 or labels < 2 or label_kind(cells[0]) != "identity":
        return _paragraphs([line])
    return labelled_cells(cells, number)


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
    if "\t" in text.strip():  # tab-separated: every tab is a column, blanks kept
        return [cell.strip() for cell in text.rstrip("\r\n ").split("\t")]
    return list(_rejoined(_spaced_words([t for t in _SPACES.split(text.strip()) if t])))


def _spaced_words(tokens: list[str]) -> list[str]:
    """A label spaced out a character at a time (绩 效 指 标, 产 出 指 标) made one token again where the whole
    is a level name, a header word or a row label; then labels wrapped before their ending (经济效益 指标,
    年度 指标值) joined as the cell stream joins them (text_stream.joined_labels)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        end = i
        while end < len(tokens) and len(tokens[end]) == 1:
            end += 1
        whole = "".join(tokens[i:end])
        if end - i >= 2 and names_a_label(whole):
            out.append(whole)
            i = end
            continue
        out.append(tokens[i])
        i += 1
    return joined_labels(out)


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
