"""指标值 parsing on real material: every value of the seed document and of the shared truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import require_shared

from jixiao.normalizers.values import parse_indicator_value

SHARED = Path(__file__).resolve().parents[2] / "shared"

# ----------------------------------------------------------------------------- the seed document

# Every distinct 指标值 of the seed's 12 project tables, written out: (operator, value, unit, value_base,
# base_unit, value_kind, grade, due_date). The document is a 2024 budget.
SEED_EXPECTED = {
    "≥5次": (">=", 5, "次", 5, "次", "number", None, None),
    "≥10次": (">=", 10, "次", 10, "次", "number", None, None),
    "≥15次": (">=", 15, "次", 15, "次", "number", None, None),
    "≥42个": (">=", 42, "个", 42, "个", "number", None, None),
    "≤3个": ("<=", 3, "个", 3, "个", "number", None, None),
    "≥3人": (">=", 3, "人", 3, "人", "number", None, None),
    "≥15人": (">=", 15, "人", 15, "人", "number", None, None),
    "≥95%": (">=", 95, "%", 95, "%", "percent", None, None),
    "≤2242元": ("<=", 2242, "元", 2242, "元", "number", None, None),
    "≤640元": ("<=", 640, "元", 640, "元", "number", None, None),
    "≤4.85万元": ("<=", 4.85, "万元", 48500, "元", "number", None, None),
    "≤6.25万元": ("<=", 6.25, "万元", 62500, "元", "number", None, None),
    "≤6268元/村": ("<=", 6268, "元/村", 6268, "元/村", "number", None, None),
    "≤12600元/村": ("<=", 12600, "元/村", 12600, "元/村", "number", None, None),
    "≤1700元／月": ("<=", 1700, "元/月", 1700, "元/月", "number", None, None),
    "≤1700元/月": ("<=", 1700, "元/月", 1700, "元/月", "number", None, None),
    "≤2500元/月": ("<=", 2500, "元/月", 2500, "元/月", "number", None, None),
    "≤249元/季度": ("<=", 249, "元/季度", 249, "元/季度", "number", None, None),
    "≤6.1万元/人": ("<=", 6.1, "万元/人", 61000, "元/人", "number", None, None),
    "优": (None, None, None, None, None, "grade", "优", None),
    "2024年底完成": ("<=", None, None, None, None, "date", None, "2024-12-31"),
    "2024年12月31日前完成": ("<=", None, None, None, None, "date", None, "2024-12-31"),
    "2024年12月31日前": ("<=", None, None, None, None, "date", None, "2024-12-31"),
    "2024年12月31日完成": ("<=", None, None, None, None, "date", None, "2024-12-31"),
    "2024年12月21日前完成": ("<=", None, None, None, None, "date", None, "2024-12-21"),
}


def seed_value_cells(path: Path) -> list[list[str]]:
    """指标值 cells of each indicator table of the seed export (tab-indented cells, blank line between rows)."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("\t"):
            current.append(line[1:])
            continue
        if current:
            rows.append(current)
            current = []
        if line.strip():
            rows.append([])  # a paragraph ends any table
    tables: list[list[str]] = []
    column: int | None = None
    for row in rows:
        if "指标值" in row and "一级指标" in row:
            column = row.index("指标值")
            tables.append([])
        elif column is not None and len(row) > column:
            tables[-1].append(row[column])
        else:
            column = None
    return tables


def test_seed_document_values(seed_path: Path) -> None:
    tables = seed_value_cells(seed_path)
    assert len(tables) == 12 and all(len(t) >= 6 for t in tables)
    cells = [cell for table in tables for cell in table]
    assert set(cells) == set(SEED_EXPECTED)
    for cell in cells:
        p = parse_indicator_value(cell, 2024)
        got = (p.operator, p.value, p.unit, p.value_base, p.base_unit, p.value_kind, p.grade, p.due_date)
        assert got == SEED_EXPECTED[cell], cell


# ----------------------------------------------------------------------------- the shared truth


def truth_indicators() -> list[tuple[str, int | None, dict]]:
    truth_dir = SHARED / "samples" / "truth"
    out = []
    for path in sorted(truth_dir.rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict):
            out += [(f"{path.name}#{i}", doc.get("year"), ind) for i, ind in enumerate(doc.get("indicators") or [])]
    return out


TRUTH = truth_indicators() if SHARED.is_dir() else [("shared truth missing", None, None)]
VALUE_FIELDS = ("operator", "value", "unit_raw", "unit", "value_base", "base_unit", "value_kind", "grade", "due_date")


@pytest.mark.parametrize("where,year,indicator", TRUTH, ids=[t[0] for t in TRUTH])
def test_truth_indicator_value(where: str, year: int | None, indicator: dict | None) -> None:
    if indicator is None:
        require_shared("samples", "truth")
    parsed = parse_indicator_value(indicator["value_raw"], year)
    for name in VALUE_FIELDS:
        accepted = [indicator[name], *indicator.get("alt", {}).get(name, [])]
        assert getattr(parsed, name) in accepted, f"{where} {indicator['value_raw']!r}: {name}"
