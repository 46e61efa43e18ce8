"""Rows of glued text cut into cells: between two level names, each row is a name (words) and the values its
columns want, figures cut by their shapes (text_values.py); where a description column stands between the name
and the value, rows are cut where a description opens. A row whose values cannot be cut keeps its text as the
name, with no value, and the caller says so (text_glue.py assembles the form).
"""

from __future__ import annotations

import re

from jixiao.extractors.text_stream import tail_kinds_of
from jixiao.extractors.text_values import doubled_tail, halves, run_pattern, split_run
from jixiao.extractors.text_vocab import column_kind, description_start

_NAMED = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_NUMBER_ATOM = re.compile(r"\d+(?:\.\d+)?")
_OP_ATOM = re.compile(r"[≥≤<>=]{1,2}")
_UNIT_ATOM = re.compile(r"[^\d≥≤<>=.]+")
_ATOM = re.compile(r"\d+(?:\.\d+)?|[≥≤<>=]{1,2}|[^\d≥≤<>=.]+")  # a run's figures, operators and units apart
_COUNTER = re.compile(r"\d{1,2}[:：.、]?(?=[\u4e00-\u9fff])")  # 指标1 / 指标2: before the name's words


def _pieces(text: str) -> list[tuple[str, str]]:
    """("num", run) and ("text", words) alternating; a template's counter (指标1工程完工率) is part of the
    words, not a figure."""
    out, pos, at = [], 0, 0
    while (m := run_pattern().search(text, at)) is not None:
        if (counter := _COUNTER.match(text, m.start())) and text.endswith(("指标", "目标"), 0, m.start()):
            at = counter.end()
            continue
        if m.start() > pos:
            out.append(("text", text[pos:m.start()]))
        out.append(("num", m.group(0)))
        pos = at = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


def _atoms(run: str, slots: list[str]) -> list[str] | None:
    """10%=100 under 指标权重 | 计量单位 | 指标性质 | 指标值: a weight, a unit, an operator and a target, each
    column its own cell, where the columns have an operator or a unit of their own and the run falls so."""
    if not {"op", "unit"} & set(slots):
        return None
    parts = [p for p in _ATOM.findall(run) if p]
    if "".join(parts) != run or len(parts) != len(slots):
        return None
    shape = {"op": _OP_ATOM, "unit": _UNIT_ATOM, "num": _NUMBER_ATOM, "val": _NUMBER_ATOM}
    return parts if all(shape[k].fullmatch(p) for k, p in zip(slots, parts)) else None


def _fill(pieces: list[tuple[str, str]], at: int, slots: list[str]) -> tuple[list[str], int] | None:
    """The cells of `slots` filled from pieces[at:], and the index after them; None when they do not fit."""
    if not slots:
        return [], at
    if at >= len(pieces):
        return None
    what, piece = pieces[at]
    if what == "num":
        room = next((i for i, k in enumerate(slots) if k not in ("num", "val", "op", "unit")), len(slots))
        if (atoms := _atoms(piece, slots[:room])) is not None and (rest := _fill(pieces, at + 1, slots[room:])):
            return atoms + rest[0], rest[1]
        natural = len(split_run(piece, len(run_pattern().findall(piece))) or [piece])
        bare = piece.lstrip("≥≤<>=").replace(".", "").isdigit()  # ≥2002021010: figures with nothing between
        for n in sorted(range(1, room + 1), key=lambda n: (bare and n != room, n != natural, abs(n - natural))):
            cut = split_run(piece, n)
            if cut and (rest := _fill(pieces, at + 1, slots[n:])) is not None:
                return cut + rest[0], rest[1]
        return None
    if slots[0] != "val":
        return None
    double = halves(piece)
    if double and len(slots) >= 2 and slots[1] == "val" and (rest := _fill(pieces, at + 1, slots[2:])):
        return [*double, *rest[0]], rest[1]
    rest = _fill(pieces, at + 1, slots[1:])
    return ([piece, *rest[0]], rest[1]) if rest is not None else None


def rows_between(text: str, slots: list[str]) -> list[list[str]]:
    """Rows (name + values) of the text between two level names."""
    pieces = _pieces(text)
    rows: list[list[str]] = []
    at = 0
    while at < len(pieces):
        for end in range(at + 1, len(pieces) + 1):
            if pieces[end - 1][0] != "text":
                continue
            fill = _fill(pieces, end, slots) if end < len(pieces) else None
            if fill is not None and (fill[1] == len(pieces) or pieces[fill[1]][0] == "text"):
                rows.append(["".join(p for _, p in pieces[at:end]), *fill[0]])
                at = fill[1]
                break
        else:
            name = "".join(p for _, p in pieces[at:])
            double = doubled_tail(name) if len(slots) >= 2 and slots[:2] == ["val", "val"] else None
            rows.append([double[0], double[1], double[1]] if double else [name])
            break
    return [row for row in rows if _NAMED.search(row[0])]  # figures without a name are no indicator


def year_rows(rows: list[list[str]]) -> bool:
    """Whether the rows between two level names read as the year's block beside the period's: one row (the
    period's cells blank), or each row twice (the period's written the same)."""
    return len(rows) <= 1 or (len(rows) % 2 == 0 and all(rows[i] == rows[i + 1] for i in range(0, len(rows), 2)))


def described_layout(header: list[str]) -> tuple[list[str], list[str]] | None:
    """(header, slots after the name) when a description column (指标解释, 绩效标准) stands between the name
    and the value: rows are cut where a description opens (反映…). A header with no name column whose
    first column after the levels is that description gets a blank name column before it (the 二级
    heading spanned both in the form)."""
    kinds = [column_kind(h) for h in header]
    levels = max((i for i, k in enumerate(kinds) if k in ("level1", "level2")), default=-1)
    if "name" not in kinds and levels + 1 < len(header) and kinds[levels + 1] in ("text", "basis"):
        header = [*header[:levels + 1], "", *header[levels + 1:]]
        kinds = [*kinds[:levels + 1], "name", *kinds[levels + 1:]]
    tail, required = tail_kinds_of(kinds)
    if not tail or tail[0] not in ("text", "basis") or not any(k not in ("text", "basis") for k in tail[:required]):
        return None
    return header, tail[:required]


def described_rows(text: str, slots: list[str]) -> tuple[list[list[str]], str | None]:
    """Rows (name, description, values) of the text between two level names, cut where a description
    opens; a row whose values do not follow its description is left out and said."""
    pieces = _pieces(text)
    rows: list[list[str]] = []
    at = 0
    while at < len(pieces):
        what, piece = pieces[at]
        cut = description_start(piece) if what == "text" else None
        fill = _fill(pieces, at + 1, slots[1:]) if cut else None
        if cut is None or fill is None:
            rest = "".join(p for _, p in pieces[at:])
            return rows, (f"indicator rows of glued text: '{rest[:30]}' could not be cut into a name, its description "
                          "and its values — not read")
        rows.append([piece[:cut], piece[cut:], *fill[0]])
        at = fill[1]
    return rows, None
