"""Indicators printed as an indented tree, a node a line (宁夏's 预算管理一体化 绩效目标批复表 saved from its page):

      狂犬、乙肝、流感等疫苗及美沙酮药物        the project, its amount on the next line, unindented
    3000000
       产出指标                                 一级
        成本指标(必填硬性指标)                  二级
         按照物价部门定价标准采购               the indicator, its target on the next line, unindented
    100%

A node's depth is its indent. A run is read as a tree only where its 一级 and 二级 nodes are level names, each
kind at one depth, the indicators one deeper, each followed by its target. The table built from it has the
columns the depths give (一级指标 | 二级指标 | 三级指标 | 指标值); the node right above the levels, with its
amount, is the project (项目名称 | 绩效金额, the headings 宁夏's page prints over them).
"""

from __future__ import annotations

import re

from jixiao.extractors.text_vocab import level_kind
from jixiao.model.document import Cell, Provenance, Table

Line = tuple[int, str]  # (1-based line number, text)

_INDENT = re.compile(r"^( +)\S")
_MIN_ROWS = 3
_COLUMNS = ["一级指标", "二级指标", "三级指标", "指标值"]


def _depth(text: str) -> int:
    found = _INDENT.match(text)
    return len(found.group(1)) if found else 0


def _level_depths(lines: list[Line]) -> tuple[int, int] | None:
    """(depth of the 一级 nodes, depth of the 二级 nodes): each kind at one depth, the 二级 one deeper."""
    depths: dict[str, set[int]] = {"level1": set(), "level2": set()}
    for _, text in lines:
        if (depth := _depth(text)) and (kind := level_kind(text.strip())) in depths:
            depths[kind].add(depth)
    one, two = depths["level1"], depths["level2"]
    if len(one) != 1 or len(two) != 1 or next(iter(two)) != next(iter(one)) + 1:
        return None
    return next(iter(one)), next(iter(two))


def tree_run(lines: list[Line]) -> tuple[int, int, list[Table]] | None:
    """(start, end, tables) of the first indented tree in `lines` (blank lines between its nodes allowed);
    None where there is none."""
    kept = [i for i, (_, text) in enumerate(lines) if text.strip()]
    found = _tree([lines[i] for i in kept])
    if found is None:
        return None
    start, end, tables = found
    return kept[start], kept[end - 1] + 1, tables


def _tree(lines: list[Line]) -> tuple[int, int, list[Table]] | None:
    depths = _level_depths(lines)
    if depths is None:
        return None
    level1_depth, level2_depth = depths
    rows: list[list[str]] = []
    level1 = level2 = ""
    in_levels = False  # a 一级 node has been read
    start = end = None
    project: tuple[int, str, str] | None = None  # (index, name, amount) of the node right above the levels
    i = 0
    while i < len(lines):
        text = lines[i][1]
        depth, node = _depth(text), text.strip()
        has_figure = i + 1 < len(lines) and not _depth(lines[i + 1][1])
        if depth == level1_depth:
            level1, level2, in_levels = node, "", True
        elif depth == level2_depth:
            level2 = node
        elif depth == level2_depth + 1 and has_figure and in_levels:
            rows.append([level1, level2, node, lines[i + 1][1].strip()])
            level1 = level2 = ""  # printed once, on the first row of its block, as the page does
            end = i + 2
            i += 2
            continue
        elif depth == level1_depth - 1 and has_figure and not rows:
            project = (i, node, lines[i + 1][1].strip())
        elif rows and depth == 0 and node:
            break  # the tree has ended
        if depth and start is None and depth >= level1_depth - 1:
            start = i
        i += 1
    if len(rows) < _MIN_ROWS or start is None or end is None:
        return None
    if project is not None:
        start = min(start, project[0])
    prov = Provenance(line=lines[start][0])
    tables = [_indicator_table(rows, prov)]
    if project is not None:
        tables.insert(0, Table.from_rows([["项目名称", project[1]], ["绩效金额", project[2]]], prov))
    return start, end, tables


def _indicator_table(rows: list[list[str]], prov: Provenance) -> Table:
    """The tree as the .docx of the form would hold it: each level cell spanning the rows of its block."""
    grid = [_COLUMNS, *rows]
    cells: list[Cell] = []
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if r and c < 2 and not text:
                continue  # covered by the level cell above
            span = 1
            if r and c < 2:
                while r + span < len(grid) and not grid[r + span][c] and not any(grid[r + span][:c]):
                    span += 1
            cells.append(Cell(row=r, col=c, text=text, row_span=span))
    return Table(n_rows=len(grid), n_cols=len(_COLUMNS), cells=cells, prov=prov)
