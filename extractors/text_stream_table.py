"""The tables of a stream's form: its key/value rows as they are, its indicator items laid out as the .docx of
the same form would be (一级/二级 cells spanning the rows of their block), and the paragraphs around it.

text_stream.py finds the form in the stream and reads its cells into items; this module builds them.
"""

from __future__ import annotations

from jixiao.extractors.text_kinds import kind
from jixiao.extractors.text_stream import Section, explicit_section, joined_labels, kv_rows, tail_kinds
from jixiao.extractors.text_vocab import (column_kind, is_full_level2, is_level2_elsewhere, is_level2_under,
                                          is_sibling_level2, label_kind)
from jixiao.model.document import Cell, Paragraph, Provenance, Table


def build_tables(section: Section) -> list[Table]:
    """The key/value table and the indicator table of a section (spans where the levels merge)."""
    tables = []
    prov = Provenance(line=section.line)
    if section.kv_rows:
        tables.append(Table.from_rows(section.kv_rows, prov))
    if section.grid:
        tables.append(Table.from_rows([section.header, *section.grid], prov))
    elif section.header:
        tables.append(_indicator_table(section, prov).model_copy(update={"doubts": section.doubts}))
    return tables


def _indicator_table(section: Section, prov: Provenance) -> Table:
    offset = 1 if section.row_label else 0
    kinds = [column_kind(h) for h in section.header]
    width = len(section.header) + offset
    l1 = next((i + offset for i, k in enumerate(kinds) if k == "level1"), None)
    l2 = next((i + offset for i, k in enumerate(kinds) if k == "level2"), None)
    _, required = tail_kinds(section.header)
    name_col = offset + next((i for i, k in enumerate(kinds) if k == "name"),
                             max((i for i, k in enumerate(kinds) if k in ("level1", "level2")), default=-1) + 1)
    if l1 is None and l2 is None and name_col - offset >= 2:  # 评价指标 | 评价内容 | 指标名称: unnamed level columns
        l1, l2 = name_col - 2, name_col - 1
    rows: list[dict[int, str]] = [{offset + i: h for i, h in enumerate(section.header)}]
    current: dict[int, str] | None = None
    level1: str | None = None  # the 一级 of the block being read
    level2: str | None = None  # its last 二级
    items = section.items
    for at, (what, value) in enumerate(items):
        if what == "row":
            cells = list(value)
            if current is None or name_col in current or len(current) == 0:
                current = {}
                rows.append(current)
            for i, text in enumerate(cells[: width - name_col]):
                current[name_col + i] = text
            continue
        following = items[at + 1] if at + 1 < len(items) else None
        heads_next = what == "level" and following is not None and following[0] != "row" and l1 is not None \
            and is_level2_under(str(following[1]), str(value)) and not is_level2_under(str(following[1]), level1)
        # 成本指标 then 经济成本指标: the 一级 of the 二级 after it, not a 二级 itself
        level_col = l1 if heads_next else _level_column(what, str(value), current, l1, l2, level1, level2)
        if level_col == l1:
            level1, level2 = str(value), None
        elif level_col == l2:
            level2 = str(value)
        if level_col is None:
            continue
        if current is None or any(c >= level_col for c in current):
            current = {}
            rows.append(current)
        current[level_col] = str(value)
    cells: list[Cell] = []
    if offset:
        cells.append(Cell(row=0, col=0, text=section.row_label or "", row_span=len(rows)))
    for r, row in enumerate(rows):
        for col, text in sorted(row.items()):
            cells.append(Cell(row=r, col=col, text=text, row_span=_span(rows, r, col, l1, l2)))
    return Table(n_rows=len(rows), n_cols=width, cells=cells, prov=prov)


def _level_column(what: str, text: str, current: dict[int, str] | None, l1: int | None,
                  l2: int | None, level1: str | None, level2: str | None) -> int | None:
    """Where a level name goes: its own column; an ambiguous one (成本指标, 满意度指标) under 二级 right
    after a 一级 of the row, when it belongs under the block's 一级, or — no 一级 read yet — beside the
    二级 before it; else under 一级; a 二级 name in a table without a 二级 column under 一级."""
    if what == "level" or kind(text) == "level":
        fresh = (current is not None and l1 in current and len(current) == 1) or is_level2_under(text, level1) \
            or is_full_level2(text) or (level1 is None and is_sibling_level2(text, level2))
        what = "level2" if fresh and l2 is not None else "level1"
    if what == "level1":
        return l1 if l1 is not None else l2
    return l2 if l2 is not None else l1


def _span(rows: list[dict[int, str]], r: int, col: int, l1: int | None, l2: int | None) -> int:
    """A level cell spans down to the next row that has its own cell in that column (or a new 一级)."""
    if r == 0 or col not in (l1, l2):
        return 1
    stops = {col} | ({l1} if col == l2 and l1 is not None else set())
    span = 1
    while r + span < len(rows) and not (stops & set(rows[r + span])) and not (
            col == l1 and l2 in rows[r + span] and is_level2_elsewhere(rows[r + span][l2], rows[r][col])):
        span += 1  # a 一级 spans its block, up to a 二级 that is not under it (社会效益 after 产出's rows)
    return span


def paragraphs(texts: list[str], line: int) -> list[Paragraph]:
    return [Paragraph(text=t.strip(), prov=Provenance(line=line)) for t in texts if t.strip()]


def stream_blocks(tokens: list[str], line: int, one_line: bool = False) -> list[Paragraph | Table]:
    """Paragraphs and tables of a stream of separate cells (every form in it, in order); the text
    around the forms is one paragraph per line, or one for a table printed on one line."""
    blocks: list[Paragraph | Table] = []
    while tokens:
        before, section, after = explicit_section(tokens, line)
        if one_line:
            before = [" ".join(before)] if before else []
        if section is None:
            return blocks + labelled_cells(before + (after if one_line else []), line)
        blocks += paragraphs(before, line) + build_tables(section)
        if len(after) >= len(tokens):
            break
        tokens = after
    return blocks


def labelled_cells(tokens: list[str], line: int) -> list[Paragraph | Table]:
    """Cells outside an indicator table, one a line: from a project's label on (项目名称 | 村级组织运转 |
    主管部门 | … | 资金总额 | 3, a form's fields, or a next form the page cut off before its indicators) its
    key/value rows, so the project and its budget are read; the text before, paragraphs."""
    first = next((i for i, t in enumerate(tokens) if label_kind(t) == "identity"), None)
    if first is None:
        return paragraphs(tokens, line)
    rows = kv_rows(joined_labels(tokens[first:]))
    return paragraphs(tokens[:first], line) + [Table.from_rows(rows, Provenance(line=line))]
