"""Space-separated rows that lost their empty cells, put back under their header (extractors/text_columns.py).

Generated: the township generator's indicator tables printed one row per line with spaces (fixtures.web_writer
`spaces`), with cells blanked in the middle of rows as real pages leave them (a unit, a basis, a note); every
cell must come back under its column, checked against the generator's grid. And the real shapes' kind: a row
whose cells fit two columns is never read as a value under `ok`.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import filled_slots

from fixtures.content import make_township_document
from fixtures.layout import GridCell, indicator_grid
from fixtures.web_writer import table_lines
from jixiao.extractors.text import read_text
from jixiao.flows.extract import judge
from jixiao.parsing.structure import parse_document


def _expected(grid: list[list[GridCell]]) -> list[list[str]]:
    rows: list[list[str]] = []
    for r, row in enumerate(grid):
        rows.append([rows[r - 1][c] if cell.text is None else cell.text for c, cell in enumerate(row)])
    return rows


def _read(tmp_path: Path, lines: list[str]):
    path = tmp_path / "page.txt"
    path.write_text("\n".join(["首页 > 政务公开 > 预算公开", "", *lines, ""]), encoding="utf-8")
    return read_text(path)


@pytest.mark.parametrize("seed", range(4))
def test_space_rows_with_blank_cells_come_back_under_their_header(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    document = make_township_document(rng, "前家坞镇", "13020833", 2024, 2)
    for project in document.projects:
        grid = indicator_grid(document, project)
        last = len(grid[0]) - 1  # the basis column (指标值确定依据): blank it on some rows
        blanked = [row if r == 0 or rng.random() < 0.5 or row[last].text is None
                   else [*row[:last], replace(row[last], text="")] for r, row in enumerate(grid)]
        doc = _read(tmp_path, ["项目名称 " + project.name, *table_lines(blanked, "spaces")])
        table = next(t for t in doc.tables() if any(c.text == grid[0][0].text for c in t.cells))
        slots = filled_slots(table)
        header_row = next(r for r, row in enumerate(slots) if row[0] == grid[0][0].text)
        assert slots[header_row:] == _expected(blanked), project.code
        assert not doc.doubts


def test_a_row_that_fits_two_ways_is_not_read_as_ok(tmp_path: Path):
    doc = _read(tmp_path, [
        "项目名称 办公经费",
        "预算数（万元） 3",
        "一级指标 二级指标 三级指标 指标值 计量单位 备注",
        "产出指标 数量指标 采购次数 12 次 按季度",
        "产出指标 质量指标 验收合格率 100 %",
        "产出指标 时效指标 完成时间 年底",  # 年底: the value or the note? nothing says
    ])
    assert doc.doubts and "完成时间" in doc.doubts[0]
    parsed = parse_document(doc)
    rows = {r.name_raw: r for r in parsed.indicators}
    assert rows["采购次数"].value_raw and "12" in rows["采购次数"].value_raw
    assert not rows.get("完成时间") or not rows["完成时间"].value_raw
    assert judge(parsed, doc.doubts)[0] == "partial"


def test_a_row_label_line_and_a_wrapped_level_name_are_put_back(tmp_path: Path):
    doc = _read(tmp_path, [
        "项目名称 扶助经费",
        "绩效指标 一级指标 二级指标 三级指标 指标值",
        "绩效指标 项目完成",
        "指标",
        "数量指标 扶助人数 63人",
        "质量指标 资格审核合格率 100%",
    ])
    slots = filled_slots(doc.tables()[-1])
    assert slots[-2][1:] == ["项目完成指标", "数量指标", "扶助人数", "63人"]
    assert slots[-1][1:] == ["项目完成指标", "质量指标", "资格审核合格率", "100%"]


def test_a_header_glued_to_the_line_before_it(tmp_path: Path):
    doc = _read(tmp_path, [
        "详情见附件(以附件为准)一级指标 | 二级指标 | 指标名称 | 目标值 |",
        "产出指标 | 数量指标 | 培训人数 | 12500名 |",
        "| | 考核学校数 | 11所 |",
    ])
    assert doc.blocks[0].text.startswith("详情见附件")
    slots = filled_slots(doc.tables()[0])
    assert slots[0] == ["一级指标", "二级指标", "指标名称", "目标值"]
    assert slots[2][2:] == ["考核学校数", "11所"]
