"""Where a labelled field sits in a row: which cells are labels, and where each one's value is.

A form names its fields in its own words and puts the value where its clerk did: in the cell to
the right (项目名称 | X), under a heading (grid.Row.value_of), or inside the label cell itself
("资金总额（万元）：80"). Labels come from the field list in forms.yaml; a money label the list does
not spell ("预算资金", "项目总预算") is taken by its words (vocabulary.money_label) only when what sits
beside it is an amount, so a heading or a sentence that mentions 资金 is never read as a budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.model.document import Cell
from jixiao.normalizers.text import compact
from jixiao.parsing.grid import Row
from jixiao.parsing.records import clean
from jixiao.parsing.vocabulary import Label, field_label, money_label, scale_to_wan, unitless_yuan_from

# an amount as a field's whole value, or its start: "50", "1,200.5万元", "854万(其中…)", "500000元"
# (not a code before a name: "813-潼南区五桂镇")
_AMOUNT_VALUE = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?(?:亿元|百万元|万元|千元|万|元)?(?![\d.\-－—])")
_COLON = re.compile(r"[:：]")
_BARE_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_AMOUNT = re.compile(r"(?<![\d.])(-?\d+(?:,\d{3})*(?:\.\d+)?)(亿元|百万元|万元|千元|万|元)?")
_WORD_BEFORE = re.compile(r"[\u4e00-\u9fffA-Za-z]$")  # 参见附件1具体金额, O0B: a number inside words, no unit: no amount
_NOT_MONEY_AFTER = re.compile(r"[年月日号%％个人次户期分、A-Za-z]")  # 2020年-2022年, 12月, 95%, 3人, 9分, 1、, 0B: no amount


@dataclass(frozen=True)
class FieldCell:
    cell: Cell
    label: Label
    inline: str | None = None  # the value written inside the label cell, after its colon


def is_amount(text: str | None) -> bool:
    """An amount is what the text starts with (a number, optionally with its money unit)."""
    return bool(_AMOUNT_VALUE.match(compact(text)))


def amount_wan(text: str | None, unit: str | None) -> float | None:
    """The first number of `text` that can be money, in 万元: its own unit, else `unit` (the label's or
    the table's); with none, 万元 (the forms' default) unless only 元 make sense of it (500000)."""
    compacted = compact(text or "")
    match = next((m for m in _AMOUNT.finditer(compacted) if m.group(2) or (
        not _NOT_MONEY_AFTER.match(compacted, m.end()) and not _WORD_BEFORE.search(compacted, 0, m.start()))), None)
    if not match:
        return None
    number = float(match.group(1).replace(",", ""))
    assumed = "元" if abs(number) >= unitless_yuan_from() else "万元"
    return round(number * scale_to_wan(match.group(2) or unit or assumed), 6)


def summed_total(texts: list[str]) -> str | None:
    """The first of a row of bare amounts when it is the sum of the others (7 | 0 | 7 | 0 | 0 | 0, blanks
    as 0): a total and its parts, whatever headings the parts had. None for any other row."""
    cells = [compact(t) for t in texts]
    if not cells or not all(_BARE_NUMBER.match(c) for c in cells if c):
        return None
    amounts = [float(c.replace(",", "")) if c else 0.0 for c in cells]
    parts = [a for a in amounts[1:] if a]
    total = amounts[0]
    return cells[0] if total > 0 and len(amounts) >= 3 and parts and abs(sum(parts) - total) <= 0.005 else None


def split_inline(text: str) -> tuple[str, str | None]:
    """("资金总额（万元）", "80") for "资金总额（万元）：80"; (text, None) without a colon or a value."""
    parts = _COLON.split(text.strip(), maxsplit=1)
    if len(parts) < 2 or not compact(parts[1]):
        return text, None
    return parts[0], clean(parts[1])


def line_label(head: str, value: str | None) -> Label | None:
    """The field a "label：value" text names: a listed label, or a money label followed by an amount."""
    label = field_label(head)
    if label is None and is_amount(value):
        label = money_label(head)
    return label


def row_labels(row: Row) -> list[FieldCell]:
    """The row's label cells, left to right, each with the value written inside it (if any)."""
    found: list[FieldCell] = []
    for cell in row.cells:
        if label := field_label(cell.text):
            found.append(FieldCell(cell, label))
            continue
        head, inline = split_inline(cell.text)
        if inline is not None and (label := line_label(head, inline)):
            found.append(FieldCell(cell, label, inline))
        elif (label := money_label(cell.text)) and is_amount(row.value_of(cell)[1]) and not _named_by(found, cell):
            found.append(FieldCell(cell, label))
    return found


def _named_by(found: list[FieldCell], cell: Cell) -> bool:
    """The cell right after a name label (专项资金名称 | 在职村村干部补助): a name, never a 补助 money label."""
    last = found[-1] if found else None
    return last is not None and last.label.key == "project_name" and last.inline is None \
        and last.cell.col + last.cell.col_span == cell.col


def field_value(row: Row, field: FieldCell) -> tuple[bool, str | None]:
    """(found, text) of a label's value: inside the label cell, else beside or below it."""
    if field.inline is not None:
        return True, field.inline
    return row.value_of(field.cell)
