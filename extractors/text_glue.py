"""A form whose cells were glued together without separators, cut back into cells by vocabulary.

Document-sharing and policy sites print a form's text with every cell run together
("…绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分…产出指标(70分)数量指标安装坡面水标尺10≥266米≥266米10…").
Only known words can cut it, so each part is cut by its own words:
- the header and the field labels before it: text_glue_head.py;
- after it: 一级/二级 names ending in 指标/目标 (with a score (70分)), the block's row label repeated at a
  page break, and a footer (注：, 说明) or total (总分) that ends the table. Between two level names,
  each row is a name (text) and the values its columns want (text_glue_rows.py); a row whose values
  cannot be cut is not read, and said (never an invented number). Rows printed one to a line are cut
  line by line (text_glue_lines.py).
A page in traditional characters is cut as the simplified text the vocabulary knows, each cell given back
as written.
"""

from __future__ import annotations

import bisect
import itertools
import re

from jixiao.dictionaries.characters import simplified_spans, written_span
from jixiao.extractors.text_glue_head import compact, find_glued_header, kv_rows, label_cells
from jixiao.extractors.text_glue_lines import level_end, line_items
from jixiao.extractors.text_glue_rows import described_layout, described_rows, rows_between, year_rows
from jixiao.extractors.text_stream import Item, Section, row_label_words, tail_kinds, twin_blocks
from jixiao.extractors.text_stream_table import build_tables, paragraphs
from jixiao.extractors.text_values import run_pattern
from jixiao.extractors.text_vocab import (description_start, header_kind, is_footer, is_level_prefix, is_total,
                                          label_kind, level_kind, starts_with_footer)
from jixiao.model.document import Paragraph, Table

# the next form's title after a row's value (…=99百分比省级部门预算项目支出绩效目标表2023年度…)
_NEXT_TITLE = re.compile(r"^[^\d，。,;；]{0,16}绩效目标(?:申报|审批|批复|自评)?表")
# a row "name" that is the end of a scoring rule or a sentence (,扣完为止 / 不计分): the cells after the target
# were text, read as the next row
_RUN_ON = re.compile(r"^[,，、;；.。]|[计扣得]\d+(?:\.\d+)?分|不计分|不得分|扣完为止")


def _segments(text: str, row_label: str | None) -> tuple[list[tuple[str, str]], str]:
    """("level", name) and ("text", between) pieces of the indicator part, and the text after the table."""
    out: list[tuple[str, str]] = []
    pos = start = 0
    while pos < len(text):
        end = level_end(text, pos)
        label_end = pos + len(row_label) if row_label and text.startswith(row_label, pos) else pos
        if end == pos and label_end == pos:
            pos += 1
            continue
        if start < pos:
            out.append(("text", text[start:pos]))
        if end > pos:
            out.append(("level", text[pos:end]))
        start = pos = max(end, label_end)
    if start < len(text):
        out.append(("text", text[start:]))
        cut = next((k for k in range(max(0, len(out[-1][1]) - 16), len(out[-1][1]) - 2)
                    if is_level_prefix(out[-1][1][k:])), None)
        if cut is not None:  # the text stops inside a level name ("…满意度指"): the row is cut off there
            piece = out.pop()[1]
            out += ([("text", piece[:cut])] if cut else []) + [("level", piece[cut:])]
    for i, (what, piece) in enumerate(out):
        if what == "text":
            cut = _table_end(piece)
            if cut is not None:
                return out[:i] + ([("text", piece[:cut])] if cut else []), "".join(p for _, p in out[i:])[cut:]
    return out, ""


def _next_form(text: str) -> int | None:
    """Where the next form's identity label (项目名称, 项目编码) starts in the text before its header, if it
    is there: its fields are no rows of the table before."""
    starts = [i for i, c in _cell_starts(text) if label_kind(c) == "identity"]
    return starts[0] if starts else None


def _cell_starts(text: str) -> list[tuple[int, str]]:
    """(position, cell) of each label and value the glued text cuts into."""
    out, pos = [], 0
    for cell in label_cells(text):
        out.append((pos, cell))
        pos += len(cell)
    return out


def _table_end(piece: str) -> int | None:
    """Where a footer (注：, 说明) or a total (……总分) starts in a piece: after a value or at its start."""
    run = run_pattern()
    starts = [0] + [m.end() for m in run.finditer(piece)]
    for s in starts:
        rest = piece[s:].lstrip(".…·")
        head = re.split(r"[\d:：]", rest, maxsplit=1)[0]
        if rest and (is_footer(rest[:12]) or is_total(head) or is_footer(head) or starts_with_footer(rest)
                     or (s > 0 and _NEXT_TITLE.match(rest))):
            return s
    return None


def _header_in_line(folded: str, lines: list[str] | None) -> tuple[int, int, list[str]] | None:
    """The glued header, ended at the end of its line where that line holds a whole header: the next line's
    first words (项目年度 | 绩效目标…) are a row's, not more headings."""
    found = find_glued_header(folded)
    if found is None or not lines:
        return found
    ends = itertools.accumulate(len(compact(t)) for t in lines)
    cut = next((e for e in ends if found[0] < e < found[1]), None)
    inside = find_glued_header(folded[:cut]) if cut is not None else None
    return inside if inside is not None and inside[0] == found[0] and inside[1] == cut else found


def _lines_after(lines: list[str] | None, end: int) -> list[str] | None:
    """The compacted lines after position `end` of the compacted text, when a line ends there."""
    if not lines:
        return None
    folded = [compact(t) for t in lines]
    ends = list(itertools.accumulate(len(t) for t in folded))
    return folded[ends.index(end) + 1:] if end in ends else None


def glued_blocks(text: str, line: int, lines: list[str] | None = None) -> list[Paragraph | Table]:
    """Paragraphs and tables of glued text (every form in it, in order; after a first form, another only
    where a project label such as 项目名称 announces it, not in the notes below a table). `lines`, the
    text's lines, let rows printed one to a line be cut line by line (text_glue_lines). A page in
    traditional characters, or with pinyin after them (指標(biāo)), is cut as the simplified text the
    vocabulary knows; every cell is given back as written."""
    written = compact(text)
    plain, spans = simplified_spans(written)
    if plain == written:
        return _glued_blocks(written, line, lines=lines)
    plain_lines = _lines_of(plain, spans, [compact(t) for t in lines]) if lines is not None else None
    found = _Written(written, plain, spans)
    return [found.block(b) for b in _glued_blocks(plain, line, lines=plain_lines)]


def _lines_of(plain: str, spans: list[int], written_lines: list[str]) -> list[str]:
    """The simplified text cut where the written lines end (each line read as the whole text was: a
    character simplified text keeps, 於, is converted only with its page)."""
    out, start, end = [], 0, 0
    for line in written_lines:
        end += len(line)
        stop = bisect.bisect_left(spans, end, lo=start)
        out.append(plain[start:stop])
        start = stop
    return out


class _Written:
    """The text as written behind each cell cut from its simplified form, found in order."""

    def __init__(self, written: str, plain: str, spans: list[int]):
        self.written, self.plain, self.spans, self.cursor = written, plain, spans, 0

    def text(self, cut: str) -> str:
        at = self.plain.find(cut, self.cursor)
        at = self.plain.find(cut) if at < 0 else at
        if not cut or at < 0:
            return cut
        self.cursor = at + len(cut)
        return written_span(self.written, self.spans, at, at + len(cut))

    def block(self, block: Paragraph | Table) -> Paragraph | Table:
        if isinstance(block, Paragraph):
            return block.model_copy(update={"text": self.text(block.text)})
        cells = [c.model_copy(update={"text": self.text(c.text)}) for c in sorted(block.cells, key=lambda c: (c.row, c.col))]
        return block.model_copy(update={"cells": cells})


def _glued_blocks(text: str, line: int, after_form: bool = False,
                  lines: list[str] | None = None) -> list[Paragraph | Table]:
    folded = compact(text)
    if lines is not None and "".join(compact(t) for t in lines) != folded:
        lines = None
    found = _header_in_line(folded, lines)
    before = folded[:found[0]] if found else ""
    if found is None or (after_form and not any(label_kind(c) == "identity" for c in label_cells(before))
                         and before not in row_label_words() and before):
        return paragraphs([text], line)
    start, end, header = found
    first_level = next((p for p in range(end, min(end + 9, len(folded))) if level_end(folded, p) > p), end)
    if header_kind(header[-1] + folded[end:first_level]):  # "未完成原因" + "和改进措施": the header's last cell
        header[-1] += folded[end:first_level]
        end = first_level
    head = folded[:start]
    row_label = None
    label = next((w for w in row_label_words() if head.endswith(w)), None)
    if label:
        row_label, head = label, head[: -len(label)]
    kv = label_cells(head)
    first = next((i for i, c in enumerate(kv) if label_kind(c) == "identity"), None)
    if first is None:
        first = next((i for i, c in enumerate(kv) if label_kind(c)), len(kv))
    twin = twin_blocks(header)
    if twin is not None:  # 二级 | 三级 | 指标值 for the period, then for the year: the year's block is read
        header = header[:twin[0]] + header[twin[0] + twin[1]:]
    section = Section(line=line, kv_rows=kv_rows("".join(kv[first:])), row_label=row_label, header=header)
    tail, required = tail_kinds(header)
    by_line = _lines_after(lines, end)
    if by_line is not None and (read := line_items(by_line, tail)) is not None:
        section.items, used, section.doubts = read
        rest_lines = by_line[used:]
        blocks = paragraphs(["".join(kv[:first])], line) + build_tables(section)
        return blocks + (_glued_blocks("".join(rest_lines), line, True, rest_lines) if rest_lines else [])
    body = folded[end:]
    if again := find_glued_header(body):  # a second header (the next table's) ends this one
        cut = again[0]
        label = next((w for w in row_label_words() if body[:cut].endswith(w)), "")
        cut -= len(label)
        cut = _next_form(body[:cut]) or cut  # …满意度≥95%项目名称安徽省常规赛费用…: the next form's fields first
        body, rest_after = body[:cut], body[cut:]
    else:
        rest_after = ""
    segments, rest = _segments(body, row_label)
    rest += rest_after
    texts = [piece for what, piece in segments if what == "text"]
    described = described_layout(header) if sum(description_start(t) is not None for t in texts) * 2 > len(texts) \
        else None  # 指标内容 that holds the names themselves: no description opens in them
    if described is not None:
        section.header, slots = described
    items: list[Item] = []
    for what, piece in segments:
        if what == "level":
            if twin is None or not items or items[-1][1] != piece:  # the period's 二级, printed again for the year
                items.append((level_kind(piece) or "level2", piece))
        elif described is not None:
            rows, doubt = described_rows(piece, slots)
            items += [("row", row) for row in rows]
            section.doubts += [doubt] if doubt else []
        else:
            rows = rows_between(piece, tail[:required])
            if twin is not None and not year_rows(rows):
                section.doubts.append(f"glued rows '{piece[:30]}' of two blocks side by side (the period's and the "
                                      "year's): which are the year's cannot be told — not read")
                continue
            rows = rows[::2] if twin is not None and len(rows) > 1 else rows
            unread = [row[0] for row in rows if required and len(row) == 1 and row[0][-1:] not in "…."]
            items += [("row", row) for row in rows if row[0] not in unread]
            section.doubts += [f"glued text '{name[:30]}' has no value the header's columns can be cut from: its name "
                               "and target cannot be told apart — not read" for name in unread]
    if described is None and {"text", "basis"} & set(tail[:required]):  # a text column before the value: no safe cut
        section.header, items, rest = [], [], folded[end:]
        return paragraphs(["".join(kv[:first])], line) + build_tables(section) + paragraphs([rest], line)
    if described is None and any(_RUN_ON.search(cells[0]) for what, cells in items if what == "row" and cells):
        section.doubts.append("indicator rows glued with text after their target (指标解释, 评分标准): where that text "
                              "ends and the next row begins cannot be told — the rows are not read")
        section.items, rest = [], folded[end:]
        return paragraphs(["".join(kv[:first])], line) + build_tables(section) + paragraphs([rest], line)
    section.items = items
    blocks: list[Paragraph | Table] = paragraphs(["".join(kv[:first])], line) + build_tables(section)
    return blocks + (_glued_blocks(rest, line, after_form=True) if rest else [])

