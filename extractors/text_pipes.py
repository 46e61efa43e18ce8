"""Pipe tables in published text: the rows a page's table gives when copied with its `|` separators.

Pages give them in several shapes (each seen in real published 绩效目标 forms):
- pipe rows, one row per line: `| 一级指标 | 二级指标 | 指标值 |`, with or without `| --- |` lines,
  `<br>` for a line break inside a cell, trailing `||||` padding up to the page table's width; a row
  opened by a lone `|`, or whose next cells sit on a line of their own, goes on over the lines;
- pipe cells, one cell per line: `一级指标 |` (or a row opened by a lone `|`), a row ending when the
  line ends on the table's full count of pipes — found as the count every row of the block reaches —
  or, where no count adds up, on a line of padding pipes;
- rows one per line padded to different widths (the count that adds up would join lines in pairs);
- cells one per line with a line holding one pipe between them: a cell stream (text_stream.py).
"""

from __future__ import annotations

import html
import re

from jixiao.extractors.base import Limits
from jixiao.extractors.text_grid import RawRow, build_table
from jixiao.extractors.text_stream import FORM_TITLE
from jixiao.extractors.text_stream_table import stream_blocks
from jixiao.extractors.text_vocab import header_kind, is_footer, label_kind, level_kind
from jixiao.model.document import Paragraph, Provenance, Table

Line = tuple[int, str]  # (1-based line number, text)

_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PADDING = re.compile(r"^\|{2,}$")  # a row's padding up to the page table's width, or a blank row
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_ATTACHMENT = re.compile(r"^附件\d{1,2}[:：]?$")
_MOST_CUT = 8  # characters of a cell cut by the end of an excerpt, alone on the text's last line


def is_pipe_line(text: str) -> bool:
    s = text.strip()
    return bool(s) and (s[0] == "|" or s[-1] == "|" or s.count("|") >= 2)


def pipe_block_end(lines: list[Line], start: int) -> int:
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
            if last and ("|" in text or _cut_cell(lines[end - 1][1], text)):
                end += 1  # the last row cut before its closing pipes (指标3 | 1座), or its last cell (时效指标 | / 截)
                break
            nxt = end + 1
            while nxt < len(lines) and lines[nxt][1].strip() and not is_pipe_line(lines[nxt][1]):
                nxt += 1
            if nxt >= len(lines) or not lines[nxt][1].strip() or any(_opens_a_form(t) for _, t in lines[end:nxt]):
                break
            end = nxt
            continue
        end += 1
    return end


def _cut_cell(before: str, text: str) -> bool:
    """A few characters alone after a cell closed by its pipe on its line (时效指标 |), where the text ends: the
    next cell, cut. (After a lone pipe — cells between pipes — the stream reader says where its rows stop.)"""
    return (before.rstrip().endswith("|") and before.strip() != "|" and len(text.strip()) <= _MOST_CUT
            and not _opens_a_form(text) and not is_footer(text) and label_kind(text) is None)


def _opens_a_form(text: str) -> bool:
    """附件2 / 2022年…绩效目标表 between two pipe tables: the next form's caption, not a cell's first line."""
    folded = re.sub(r"\s+", "", text)
    return bool(_ATTACHMENT.match(folded) or FORM_TITLE.search(folded))


def cut_last_cell(block: list[Line]) -> tuple[list[Line], str | None]:
    """The block without the cell the text ends inside: where the page's rows end on a pipe and the
    text's last line does not (an excerpt cut mid-cell: `定性 | 减` of 减少, `补助标准 | 15` of 1500元),
    that last cell is a fragment, not a value. Returns the block and the fragment (None: nothing cut)."""
    number, last = block[-1]
    closed = [t.rstrip().endswith("|") for _, t in block[:-1] if t.strip()]
    if last.rstrip().endswith("|") or len(closed) < 2 or sum(closed) < 0.8 * len(closed):
        return block, None
    if "|" not in last:  # 时效指标 | / 截: the cell after the last pipe, on a line of its own
        return (block[:-1], last.strip()) if _cut_cell(block[-2][1], last) else (block, None)
    head, _, fragment = last.rstrip().rpartition("|")
    return [*block[:-1], (number, head + "|")], fragment.strip() or None


def _cell_text(piece: str) -> str:
    text = html.unescape(_BR.sub("\n", piece.replace("\\|", "|")))
    return "\n".join(part.strip() for part in text.strip().split("\n"))


def pipe_block(block: list[Line], limits: Limits) -> list[Paragraph | Table]:
    body = [(n, t) for n, t in block if not _SEPARATOR.match(t.strip())]
    if not body:
        return []
    if (cells := cells_between_pipes(body)) is not None or (cells := _cells_closed_by_pipes(body)) is not None:
        return stream_blocks(cells, body[0][0])
    if (led := leading_pipe_rows(body)) is not None:
        return [build_table(led, limits)]
    first = body[0][1].strip()
    if first.startswith("|") and first.count("|") >= 2:
        return _markdown_rows(body, limits)
    return _counted_rows(body, limits)


def leading_pipe_rows(body: list[Line]) -> list[RawRow] | None:
    """`项目决策` / `| 数量指标` / `| 宣传次数` / … / `| |`: a row's first cell on a line of its own, a pipe
    before each next cell, the row ended by a line ending in a pipe; a line with no pipe inside a row
    goes on with the cell before it ("社会效益" / "指标"). None unless most lines are so led."""
    texts = [t.strip() for _, t in body]
    led = [t for t in texts if t.startswith("|") and t.strip("| ")]
    if len(led) < 0.5 * len(texts) or sum(t.endswith("|") for t in led) > 0.2 * len(led) or _unbordered(body):
        return None
    rows: list[RawRow] = []
    ended = True
    for number, text in zip((n for n, _ in body), texts):
        if not text.startswith("|"):
            if ended:
                rows.append(RawRow([text], number))
            else:
                rows[-1].cells[-1] += "\n" + text
            ended = False
            continue
        if not rows:
            rows.append(RawRow([], number))
        rows[-1].cells.extend(_cell_text(p) for p in text.split("|")[1:])
        ended = text.endswith("|")
    return [RawRow(trim_cells(r.cells), r.line) for r in rows]


def _cells_closed_by_pipes(body: list[Line]) -> list[str] | None:
    """`项目名称 |` / `某项目 |` / `|` …: every line one cell closed by the only pipe on it (a lone pipe an
    empty cell): no pipe count tells the rows apart, so the cells are a stream. A line with no pipe is the
    first part of the cell the next line closes (`一级` / `指标 |`, `绩` `效` `指` `标 |`). None for any other
    block."""
    texts = [t.strip() for _, t in body]
    closed = [t.count("|") == 1 and t.endswith("|") for t in texts]
    if len(texts) < 4 or not closed[-1] or any(not c and "|" in t for c, t in zip(closed, texts)) \
            or sum(closed) < 0.6 * len(texts):
        return None
    cells, part = [], ""
    for text, close in zip(texts, closed):
        if not close:
            part += text
            continue
        cells.append(part + text[:-1].strip())
        part = ""
    return cells


def cells_between_pipes(body: list[Line]) -> list[str] | None:
    """`项目名称` / `|` / `某项目` / `|` …: every pipe on a line of its own between cells, one cell per
    line — or over several, up to its pipe (`一级` / `指标` / `|`) — a pipe right after a pipe an empty
    cell; None for any other block."""
    texts = [t.strip() for _, t in body]
    if any("|" in t and t != "|" for t in texts) or texts.count("|") < len(texts) / 3:
        return None
    cells: list[str] = []
    for before, text in zip(["|", *texts], texts):
        if text != "|" and before != "|":
            cells[-1] += text  # 绩 / 效 / 指 / 标 / |: a cell broken over lines before its pipe
        elif text != "|":
            cells.append(text)
        elif before == "|":
            cells.append("")
    return cells


def _markdown_rows(body: list[Line], limits: Limits) -> list[Paragraph | Table]:
    """One row per `| … |` line; a row not closed by `|` (or only opened by a lone `|`) goes on over the
    next lines (a line break in a cell), and a line of cells closed by `|` but not opened by one goes on
    with the row before it, until a line opens a new row; a line outside any row is a paragraph. Blank
    cells at a row's end count in a row written as wide as its indicator header (see _complete_rows)."""
    blocks: list[Paragraph | Table] = []
    rows: list[RawRow] = []
    open_row: tuple[int, str] | None = None  # (line, text) of the row being read
    for number, text in body:
        s = text.strip()
        if open_row is not None and not s.startswith("|") and (
                not open_row[1].endswith("|") or open_row[1] == "|"):
            open_row = (open_row[0], f"{open_row[1]}\n{s}")  # a line break inside a cell
            continue
        if open_row is not None and not s.startswith("|") and s.endswith("|"):
            open_row = (open_row[0], f"{open_row[1]} {s}")  # the row's next cells on a line of their own
            continue
        if open_row is not None:
            rows.append(RawRow(markdown_cells(open_row[1], trim=False), open_row[0]))
            open_row = None
        if s.startswith("|"):
            open_row = (number, s)
            continue
        if rows:
            blocks.append(build_table(_complete_rows(rows), limits))
            rows = []
        blocks.append(Paragraph(text=s, prov=Provenance(line=number)))
    if open_row is not None:
        rows.append(RawRow(markdown_cells(open_row[1], trim=False), open_row[0]))
    if rows:
        blocks.append(build_table(_complete_rows(rows), limits))
    return blocks


def markdown_cells(text: str, trim: bool = True) -> list[str]:
    s = text.strip()
    s = s[1:] if s.startswith("|") else s
    s = s[:-1] if s.endswith("|") and not s.endswith("\\|") else s
    cells = [_cell_text(p) for p in _UNESCAPED_PIPE.split(s)]
    return trim_cells(cells) if trim else cells


def _complete_rows(rows: list[RawRow]) -> list[RawRow]:
    """Rows as written, blank cells at the end dropped — except below an indicator header, in a row
    written with as many cells as the header and opening with a level name as the header opens with its
    level column: its blank 偏差原因 is a cell, and the row is not short. A row opening with a name lost
    its merged level cells at the left; its blanks at the end are the page's padding."""
    from jixiao.extractors.text_columns import header_start  # (it builds on the grid's cell kinds)

    out, header = [], None  # header: (cells written, cells with text, where its columns start, a level first)
    for row in rows:
        trimmed = trim_cells(list(row.cells))
        if len(trimmed) > 2 and (start := header_start(trimmed)) is not None:
            header = (len(row.cells), len(trimmed), start, header_kind(trimmed[start]) in ("level1", "level2"))
        elif header is not None and len(row.cells) == header[0] and len(trimmed) < header[1] and (
                not header[3] or level_kind(trimmed[header[2]] if len(trimmed) > header[2] else "")):
            trimmed = row.cells[:header[1]]
        out.append(RawRow(trimmed, row.line))
    return out


def trim_cells(cells: list[str]) -> list[str]:
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
        return [build_table(_label_led_rows(block), limits)]
    blocks: list[Paragraph | Table] = []
    rows: list[RawRow] = []
    current: list[Line] = []
    acc = 0
    unbordered = _unbordered(block)
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
            rows.append(_counted_row(current, unbordered))
            current, acc = [], 0
    if current:  # cut off mid-row: keep what it has
        rows.append(_counted_row(current, unbordered))
    if rows:
        blocks.append(build_table(rows, limits))
    return blocks


def _label_led_rows(block: list[Line]) -> list[RawRow]:
    """One row per line; a line that is a first cell alone (`年度资金总额 |`) and the line after it opened by a
    pipe and holding several cells (`| 32.4 | 31.69 | 10 |`) are one row: a page that breaks its rows after
    their first cell."""
    rows: list[RawRow] = []
    label_alone = False
    unbordered = _unbordered(block)
    for number, text in block:
        s = text.strip()
        # | | 指标2: empty cells first (but | 32.4 | 31.69 | after a label alone goes on with that label's row)
        inner = s.rstrip("|") if unbordered and s.startswith("|") and not label_alone else s.strip("|")
        cells = trim_cells([_cell_text(p) for p in inner.split("|")])
        if label_alone and s.startswith("|") and len(cells) >= 2:
            rows[-1].cells.extend(cells)
            label_alone = False
            continue
        label_alone = not s.startswith("|") and s.endswith("|") and len(cells) == 1
        rows.append(RawRow(cells, number))
    return rows


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


def _unbordered(block: list[Line]) -> bool:
    """Rows written with no bar at either end (一级指标 | 二级指标 | …): hardly a line that holds cells is closed
    by bars on both sides, and some open with a cell, so a line that opens with a bar opens with an empty cell
    (merged from above), not a border."""
    rows = [t.strip() for _, t in block if t.count("|") >= 2]
    framed = sum(t.startswith("|") and t.endswith("|") for t in rows)
    return any(not t.startswith("|") for t in rows) and framed * 5 < len(rows)


def _counted_row(lines: list[Line], unbordered: bool = False) -> RawRow:
    """Cells of one row written one cell per line (`text |`); a lone `|` line before the last is a blank
    cell (a blank last 单位 too), the pipes of the row's last line after its last text are padding. In
    rows with no outer bars, a bar first is an empty first cell."""
    texts = [t.strip() for _, t in lines]
    if texts[0].startswith("|") and not unbordered:
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
    return RawRow(cells, lines[0][0])
