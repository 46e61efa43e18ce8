"""The docx and text readers on real generated files, and format detection on hostile ones.

Every generated good fixture has its truth JSON beside it; the readers must give the parser
everything needed to reproduce that truth, whatever the format.
"""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from jixiao.extractors import read_document
from jixiao.extractors.docx import read_docx
from jixiao.extractors.text import decode_text, read_text
from jixiao.model.document import Table
from jixiao.model.errors import ReadError
from jixiao.parsing.structure import parse_document
from jixiao.normalizers.text import compact

GOOD = ["township.docx", "township_ruled.pdf", "township_unruled.pdf", "township_utf8.txt",
        "township_utf8_bom.txt", "township_gbk.txt"]


def _truth(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", GOOD)
def test_every_format_parses_to_its_truth(name: str):
    truth = _truth(name)
    parsed = parse_document(read_document(FIXTURES / name))
    assert parsed.unit_code == truth["unit_code"] and parsed.year == truth["year"]
    assert [p.project_code for p in parsed.projects] == [p["code"] for p in truth["projects"]]
    for mine, expected in zip(parsed.projects, truth["projects"]):
        assert (mine.budget_wan, mine.fiscal_wan, mine.other_wan) == (
            expected["budget_wan"], expected["fiscal_wan"], expected["other_wan"]), expected["code"]
        assert (mine.plan_mar, mine.plan_jun, mine.plan_oct, mine.plan_dec) == (
            expected["plan_mar"], expected["plan_jun"], expected["plan_oct"], expected["plan_dec"])
    expected_rows = [(i["project_code"], compact(i["level2_raw"]), compact(i["name_raw"]), compact(i["description"]),
                      compact(i["value_raw"]), compact(i["basis_raw"]))
                     for i in truth["indicators"] if i["source"] == "table"]
    got = [(i.project_code, compact(i.level2_raw), compact(i.name_raw), compact(i.description), compact(i.value_raw),
            compact(i.basis_raw)) for i in parsed.indicators]
    assert got == expected_rows
    assert [(g.kind, g.seq) for g in parsed.goals] == [(g["kind"], g["seq"]) for g in truth["goals"]]


def test_docx_merged_cells_become_spans():
    document = read_docx(FIXTURES / "township.docx")
    tables = document.tables()
    header = tables[0]
    assert any(c.col_span > 1 for c in header.cells), "horizontal merges in the project header"
    indicator_tables = [t for t in tables if compact(t.rows()[0][0].text) == "一级指标"]
    assert indicator_tables
    vertical = [c for t in indicator_tables for c in t.cells if c.row_span > 1]
    assert vertical and all(c.col in (0, 1) for c in vertical), "一级/二级指标 merged down"
    for table in tables:
        _assert_no_overlap(table)


def _assert_no_overlap(table: Table) -> None:
    seen: set[tuple[int, int]] = set()
    for cell in table.cells:
        slots = {(cell.row + r, cell.col + c) for r in range(cell.row_span) for c in range(cell.col_span)}
        assert not slots & seen
        assert all(r < table.n_rows and c < table.n_cols for r, c in slots)
        seen |= slots


@pytest.mark.parametrize(("name", "encoding"), [("township_utf8.txt", "utf-8"),
                                                 ("township_utf8_bom.txt", "utf-8-sig"),
                                                 ("township_gbk.txt", "gbk")])
def test_text_encodings_detected_and_recorded(name: str, encoding: str):
    document = read_text(FIXTURES / name)
    assert document.encoding == encoding
    assert "总体绩效目标" in document.text()
    assert not document.text().startswith("\ufeff")


def test_text_layout_blank_cells_kept_and_multiline_cells_joined():
    document = read_text(FIXTURES / "township_utf8.txt")
    indicator_rows = [r for t in document.tables() for r in t.rows() if len(r) == 6]
    assert any(r[0].text == "" for r in indicator_rows), "blank = merged with the cell above"
    goal_cells = [c.text for t in document.tables() for c in t.cells if "目标内容2" in c.text]
    assert goal_cells and all("\n" in text for text in goal_cells)
    assert all(b.prov.line for b in document.blocks)


def test_decode_text_rejects_binary_and_empty():
    with pytest.raises(ReadError, match="empty"):
        decode_text(b"")
    with pytest.raises(ReadError, match="binary"):
        decode_text(bytes(range(256)) * 8)
    assert decode_text("目标".encode("gb18030")) == ("目标", "gbk")


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "bad").iterdir() if p.suffix != ".json"))
def test_bad_files_fail_with_the_expected_code(name: str):
    """Each hostile file fails with exactly the code its truth names, and a message that says what to do."""
    truth = json.loads((FIXTURES / "bad" / f"{name}.json").read_text(encoding="utf-8"))
    assert truth["status"] == "failed" and truth["error_code"]
    path = FIXTURES / "bad" / name
    if truth["error_code"] == "no_structure":  # read fine; the parser finds nothing
        parsed = parse_document(read_document(path))
        assert not parsed.goals and not parsed.projects, f"{name} should have no target structure"
        return
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert caught.value.code == truth["error_code"], (name, caught.value.code, str(caught.value))
    what, _, todo = str(caught.value).partition(" — ")
    assert what and len(todo.split()) >= 3, f"{name}: the message says what is wrong — and what to do: {caught.value}"
