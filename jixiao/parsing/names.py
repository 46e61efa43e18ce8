"""The lines where a document names whose it is: its title lines and its unit-name cells.

A reviewer compares them with the township folder the file came in (`township_mismatch`):
`丰登坞镇2024年部门整体绩效目标` above the first section, `申报单位：丰登坞镇人民政府`, or a
`实施单位 | 张庄寨镇人民政府` table row. Only these lines are kept — project names and goal texts
mention villages and neighbouring townships for good reasons.
"""

from __future__ import annotations

import re

from jixiao.dictionaries import load_dictionary
from jixiao.model.document import Document, Paragraph, Table
from jixiao.normalizers.text import compact

MAX_LINE = 80
MAX_TITLE = 50  # a longer paragraph is body text, not a title line
_SECTION = re.compile(r"(?:总体|分项|整体)绩效目标|保障措施|项目绩效目标表|绩效目标(?:申报|自评)?表")


def _settings() -> tuple[int, tuple[str, ...]]:
    checks = load_dictionary("checks") or {}
    labels = tuple(sorted((compact(x) for x in checks.get("unit_labels") or []), key=len, reverse=True))
    return int(checks.get("heading_lines") or 6), labels


def _label_value(text: str, labels: tuple[str, ...]) -> tuple[bool, str | None]:
    """('申报单位：丰登坞镇' → True, '丰登坞镇'); a bare label cell gives (True, None)."""
    folded = compact(text)
    for label in labels:
        if folded.startswith(label):
            rest = re.sub(r"^[(（]?盖章[)）]?", "", folded[len(label):].lstrip(":："))
            rest = rest.lstrip(":：")
            return True, rest[:MAX_LINE] or None
    return False, None


def document_names(document: Document) -> list[str]:
    """Title lines before the first section or table, and the values of unit-name labels."""
    n_heading, labels = _settings()
    names: list[str] = []
    in_heading = True
    for block in document.blocks:
        if isinstance(block, Paragraph):
            text = compact(block.text)
            if not text:
                continue
            is_label, value = _label_value(text, labels)
            if is_label and value:
                names.append(value)
            elif in_heading and (len(text) > MAX_TITLE or (_SECTION.search(text) and len(text) <= 12)):
                in_heading = False  # body text or the first section heading: the title is over
            elif in_heading and len(names) < n_heading:
                names.append(text)
        elif isinstance(block, Table):
            in_heading = False
            names.extend(_table_names(block, labels))
    return list(dict.fromkeys(names))


def _table_names(table: Table, labels: tuple[str, ...]) -> list[str]:
    """The cell to the right of a unit-name label cell, or the label cell's own value."""
    found = []
    for row in table.rows():
        for index, cell in enumerate(row):
            is_label, value = _label_value(cell.text, labels)
            if not is_label:
                continue
            if value is None and index + 1 < len(row):
                value = compact(row[index + 1].text)[:MAX_LINE] or None
            if value:
                found.append(value)
    return found
