"""Tables without rules: runs of text lines whose pieces stand in aligned columns.

The text lines left outside ruled tables are clustered into columns where their pieces start;
rows come from the column with the most cells, and merged cells centred across rows span them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from jixiao.extractors.pdf.lines import Line, confidence_of, join_lines
from jixiao.extractors.pdf.tables import RawCell, RawTable, cluster, grid_index

def unruled_tables(lines: list[Line], snap: float) -> tuple[list[RawTable], list[Line]]:
    """Runs of lines whose pieces stand in aligned columns become tables; other lines are returned.
    `snap`: pieces starting this close are in one column (PdfSettings.snap)."""
    tables: list[RawTable] = []
    rest: list[Line] = []
    start = 0
    for first, last in _table_runs(lines, snap):
        rest += lines[start:first]
        table = _columns_table(lines[first:last], snap)
        if table is None:
            rest += lines[first:last]
        else:
            tables.append(table)
        start = last
    rest += lines[start:]
    return tables, rest


def _table_runs(lines: list[Line], snap: float) -> Iterator[tuple[int, int]]:
    """[first, last) index ranges of lines that may form a table without rules.

    A run joins lines split into several pieces that stand close together, with everything
    between them; one-piece lines just above or below join it when they start at one of the
    run's later columns (a cell wrapped or centred away from the others).
    """
    multi = [i for i, line in enumerate(lines) if len(line.segments) >= 2]
    groups: list[list[int]] = []
    for i in multi:
        if groups and lines[i].top - lines[groups[-1][-1]].bottom <= 3 * lines[i].size:
            groups[-1].append(i)
        else:
            groups.append([i])
    taken = 0
    for group in groups:
        if len(group) < 2:
            continue
        first, last = max(group[0], taken), group[-1] + 1
        starts = [p.x0 for i in group for p in lines[i].segments]
        while first > taken and _hangs_on(lines[first - 1], lines[first], starts, snap):
            first -= 1
        while last < len(lines) and _hangs_on(lines[last], lines[last - 1], starts, snap, lines[last + 1 : last + 2]):
            last += 1
        taken = last
        yield first, last


def _hangs_on(line: Line, neighbour: Line, starts: list[float], snap: float, after: list[Line] = ()) -> bool:
    """A one-piece line close to the run that starts at a later column (or is followed by one that does)."""
    close = max(line.top - neighbour.bottom, neighbour.top - line.bottom) <= line.size
    if not close or len(line.segments) >= 2:
        return False
    later = [s for s in starts if s > min(starts) + snap]
    if any(abs(line.x0 - s) <= snap for s in later):
        return True
    return bool(after) and _hangs_on(after[0], line, starts, snap)


@dataclass
class _Block:
    """Pieces of text stacked in one column close enough to be one cell."""

    col: int
    span: int
    pieces: list[Line]

    @property
    def top(self) -> float:
        return self.pieces[0].top

    @property
    def bottom(self) -> float:
        return self.pieces[-1].bottom


def _columns_table(run: list[Line], snap: float) -> RawTable | None:
    """Columns where pieces start; rows from the column with the most cells; centred merged cells span."""
    pieces = sorted((p for line in run for p in line.segments), key=lambda p: p.top)
    starts = _column_starts(run, snap)
    if len(starts) < 2:
        return None
    right = max(p.x1 for p in pieces)
    blocks = _blocks_of(pieces, starts, snap)
    counts = [sum(1 for b in blocks if b.col == c) for c in range(len(starts))]
    anchor = counts.index(max(counts))
    rows = [[b.top, b.bottom] for b in blocks if b.col == anchor]
    placed: dict[int, tuple[int, int]] = {}
    for block in blocks:  # cells inside one row first; they widen it
        hit = _overlapping(rows, block)
        if len(hit) == 1:
            row = rows[hit[0]]
            row[0], row[1] = min(row[0], block.top), max(row[1], block.bottom)
    for block in blocks:  # cells in rows where the anchor column is blank make rows of their own
        if not _overlapping(rows, block) and _between_blank_rows(block, rows, blocks) is None:
            rows.append([block.top, block.bottom])
            rows.sort()
    for i, block in enumerate(blocks):
        hit = _overlapping(rows, block)
        placed[i] = (hit[0], hit[-1]) if hit else _between_blank_rows(block, rows, blocks)
    taken = {(r, c) for i, b in enumerate(blocks) for r in range(placed[i][0], placed[i][1] + 1)
             for c in range(b.col, b.col + b.span)}
    for i, block in enumerate(blocks):
        placed[i] = _centred_span(block, placed[i], rows, taken)
    edges = [*starts, right]
    page = run[0].page
    cells: dict[tuple[int, int], RawCell] = {}
    for i, block in enumerate(blocks):
        first, last = placed[i]
        top = rows[first][0]
        bottom = rows[last + 1][0] if last + 1 < len(rows) else rows[last][1]
        text = join_lines(block.pieces, edges[block.col + block.span], keep_breaks=True)
        confidence = confidence_of(c for piece in block.pieces for c in piece.chars)
        cell = cells.get((first, block.col))
        if cell is None:
            cells[first, block.col] = RawCell(page, edges[block.col], top, edges[block.col + block.span], bottom, text,
                                              confidence)
        else:  # two stacks of text in one cell
            cell.text, cell.bottom = f"{cell.text}\n{text}", max(cell.bottom, bottom)
            cell.confidence = min((v for v in (cell.confidence, confidence) if v is not None), default=None)
    bbox = (starts[0], rows[0][0], right, rows[-1][1])
    return RawTable(list(cells.values()), page, bbox)


def _column_starts(run: list[Line], snap: float) -> list[float]:
    """x positions where at least two pieces start, and where a piece starts right of another on its line."""
    lefts = cluster((p.x0 for line in run for p in line.segments), snap)
    support = {x: sum(1 for line in run for p in line.segments if abs(p.x0 - x) <= snap) for x in lefts}
    starts = [x for x in lefts if support[x] >= 2 or x == lefts[0]]
    for line in run:
        for left, piece in zip(line.segments, line.segments[1:]):
            if grid_index(starts, left.x0, snap) == grid_index(starts, piece.x0, snap):
                bisect.insort(starts, piece.x0)
    return starts


def _centred_span(
    block: _Block, placed: tuple[int, int], rows: list[list[float]], taken: set[tuple[int, int]]
) -> tuple[int, int]:
    """Rows a vertically centred merged cell covers: it sits across a row border, so widen it over the
    rows blank in its columns while it stays centred. A cell inside one row keeps that row.
    """
    if placed[0] == placed[1]:
        return placed
    middle = (block.top + block.bottom) / 2
    tolerance = 0.5 * block.pieces[0].size
    columns = range(block.col, block.col + block.span)

    def blank(row: int) -> bool:
        return 0 <= row < len(rows) and not any((row, c) in taken for c in columns)

    first, last = placed
    while blank(first - 1) and blank(last + 1):
        if abs((rows[first - 1][0] + rows[last + 1][1]) / 2 - middle) > tolerance:
            break
        first, last = first - 1, last + 1
    taken |= {(r, c) for r in range(first, last + 1) for c in columns}
    return first, last


def _blocks_of(pieces: list[Line], starts: list[float], snap: float) -> list[_Block]:
    """Stack pieces per column; lines closer than about a third of their size belong to one cell."""
    blocks: list[_Block] = []
    open_blocks: dict[int, _Block] = {}
    for piece in pieces:
        col = max(bisect.bisect_right(starts, piece.x0 + snap) - 1, 0)
        span = max(bisect.bisect_left(starts, piece.x1 - snap) - col, 1)
        block = open_blocks.get(col)
        if block is not None and piece.top - block.bottom <= 0.6 * piece.size:
            block.pieces.append(piece)
            block.span = max(block.span, span)
        else:
            block = open_blocks[col] = _Block(col, span, [piece])
            blocks.append(block)
    return blocks


def _between_blank_rows(block: _Block, rows: list[list[float]], blocks: list[_Block]) -> tuple[int, int] | None:
    """The two rows a cell sits between when both are blank in its column (a centred merged cell)."""
    below = bisect.bisect_left([top for top, _ in rows], block.bottom)
    if below == 0 or below == len(rows):
        return None
    pair = [rows[below - 1], rows[below]]
    others = [b for b in blocks if b is not block and b.col == block.col]
    if any(b.top < bottom and b.bottom > top for b in others for top, bottom in pair):
        return None
    return below - 1, below


def _overlapping(rows: list[list[float]], block: _Block) -> list[int]:
    return [i for i, (top, bottom) in enumerate(rows) if block.top < bottom and block.bottom > top]

