"""Spreadsheet readers on workbooks the fixture generator writes: .xlsx by openpyxl (one project per
sheet, and stacked on one sheet), .xls and .ods saved from it by LibreOffice. Every project table,
merged cells as spans, numbers as typed, hidden and empty sheets skipped and said so."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
import pytest

from fixtures.content import make_township_document
from fixtures.records import TownshipDocument
from fixtures.office import libreoffice_copy
from fixtures.xlsx_writer import EMPTY_SHEET, HIDDEN_SHEET, write_xlsx
from jixiao.extractors import read_document
from jixiao.extractors.base import Limits
from jixiao.extractors.cellvalue import cell_text
from jixiao.model.document import Paragraph, Table
from jixiao.model.errors import ReadError
from jixiao.parsing.structure import parse_document
from tests.conftest import needs_soffice


@pytest.fixture(scope="module")
def township() -> TownshipDocument:
    return make_township_document(random.Random(11), "石各庄镇", "13020885", 2024, 4)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory, township) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("workbooks")
    write_xlsx(township, folder / "per_sheet.xlsx")
    write_xlsx(township, folder / "stacked.xlsx", stacked=True)
    return {"per_sheet.xlsx": folder / "per_sheet.xlsx", "stacked.xlsx": folder / "stacked.xlsx"}


def _number(text: str | None) -> float | None:
    return float(text) if text and text.strip() else None


def _assert_same_projects(path: Path, doc: TownshipDocument, exact_plans: bool = True) -> None:
    parsed = parse_document(read_document(path))
    assert [p.project_code for p in parsed.projects] == [p.code for p in doc.projects]
    for mine, expected in zip(parsed.projects, doc.projects):
        assert (mine.budget_wan, mine.fiscal_wan, mine.other_wan) == (
            expected.budget.wan, expected.fiscal.wan, expected.other.wan), expected.code
        wanted = [plan if plan.strip() else None for plan in expected.plans]
        got = [mine.plan_mar, mine.plan_jun, mine.plan_oct, mine.plan_dec]
        assert got == wanted if exact_plans else list(map(_number, got)) == list(map(_number, wanted))
        assert mine.title == expected.title and mine.unit_line == expected.unit_line
    expected_rows = [(p.code, r.level1, r.level2_raw, r.name_raw, r.description, r.value.raw, r.basis_raw)
                     for p in doc.projects for r in p.indicators]
    assert [(i.project_code, i.level1_raw, i.level2_raw, i.name_raw, i.description, i.value_raw, i.basis_raw)
            for i in parsed.indicators] == expected_rows


@pytest.mark.parametrize("name", ["per_sheet.xlsx", "stacked.xlsx"])
def test_xlsx_gives_every_project_table(workbooks, township, name):
    _assert_same_projects(workbooks[name], township)


@pytest.mark.parametrize("name", ["per_sheet.xlsx", "stacked.xlsx"])
def test_hidden_and_empty_sheets_are_skipped_and_said(workbooks, name):
    document = read_document(workbooks[name])
    assert document.format == "xlsx"
    assert any(HIDDEN_SHEET in note and "hidden" in note for note in document.notes)
    assert any(EMPTY_SHEET in note and "empty" in note for note in document.notes)
    assert "效益指标" not in {b.text for b in document.blocks if isinstance(b, Paragraph)}


def test_stacked_tables_split_at_blank_rows_with_titles_as_paragraphs(workbooks, township):
    document = read_document(workbooks["stacked.xlsx"])
    tables = document.tables()
    assert len(tables) == len(township.projects)
    titles = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert titles == [line for p in township.projects for line in (p.title, p.unit_line)]
    assert {t.prov.sheet for t in tables} == {"项目绩效目标表"}


def test_merged_ranges_become_spans(workbooks):
    table = read_document(workbooks["per_sheet.xlsx"]).tables()[0]
    cells = {c.text: c for c in table.cells}
    assert (cells["预算规模及资金用途"].row_span, cells["资金支出计划（%）"].row_span) == (2, 2)
    assert cells["绩效指标描述"].col_span == 2 and cells["项目名称"].col_span == 1
    covered = sum(c.row_span * c.col_span for c in table.cells)
    assert covered == table.n_rows * table.n_cols  # every slot belongs to exactly one cell


@needs_soffice
@pytest.mark.parametrize("suffix", [".xls", ".ods", ".et"])
def test_legacy_and_open_workbooks_read_like_the_xlsx(workbooks, township, tmp_path, suffix):
    source = workbooks["stacked.xlsx" if suffix == ".ods" else "per_sheet.xlsx"]
    target = libreoffice_copy(source, tmp_path / f"表{'.xls' if suffix == '.et' else suffix}")
    if suffix == ".et":  # WPS's spreadsheet is the .xls format under its own name
        target = target.rename(target.with_suffix(".et"))
    document = read_document(target)
    assert document.format == suffix.lstrip(".")
    assert any(HIDDEN_SHEET in note for note in document.notes)
    _assert_same_projects(target, township, exact_plans=False)  # calamine sees no number formats (5.00 → 5)
    if suffix == ".xls":
        cells = {c.text: c for c in document.tables()[0].cells}
        assert cells["预算规模及资金用途"].row_span == 2 and cells["绩效指标描述"].col_span == 2


def test_numbers_dates_and_formulas_as_the_cells_show_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "数值", "金额", "比例", "日期", "合计"])
    sheet.append(["项目", 29.2, 180700, 0.95, dt.date(2024, 12, 31), "=B2+C2"])
    sheet["C2"].number_format = "0.00"
    sheet["D2"].number_format = "0%"
    sheet.append(["备注", 0.1 + 0.2, "=1/0", None, None, None])
    book.save(tmp_path / "values.xlsx")
    document = read_document(tmp_path / "values.xlsx")
    table = document.tables()[0]
    assert [c.text for c in table.rows()[1]] == ["项目", "29.2", "180700.00", "95%", "2024-12-31", ""]
    assert [c.text for c in table.rows()[2]][:2] == ["备注", "0.3"]
    # openpyxl saves formulas without a result: never evaluated, left blank, and named
    assert any("2 formula(s) saved without a result" in n and "F2 =B2+C2" in n for n in document.notes)


@pytest.mark.parametrize(("value", "number_format", "text"), [
    (29.2, None, "29.2"), (0.1 + 0.2, "General", "0.3"), (2.6, "0.00", "2.60"), (2.675, "0.00", "2.68"),
    (0.955, "0.0%", "95.5%"), (70.49, '0.00"万元"', "70.49万元"), (-5, "0.00;[Red]-0.00", "-5.00"),
    (0, '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ ', "-"), (1.5, "0.##", "1.5"), (2.0, "0.##", "2"),
    (26900, None, "26900"), (12.0, None, "12"), (dt.datetime(2024, 6, 30, 0, 0), "yyyy/m/d", "2024-06-30"),
    (True, None, "TRUE"), (" 文字 ", None, "文字"),
])
def test_cell_text(value, number_format, text):
    assert cell_text(value, number_format) == text


def test_a_sheet_over_the_cell_limit_is_skipped_and_said(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "明细"
    for r in range(60):
        book.active.append([f"r{r}c{c}" for c in range(10)])
    book.save(tmp_path / "big.xlsx")
    document = read_document(tmp_path / "big.xlsx", Limits(max_cells=500))
    assert document.blocks == [] and "'明细' is too large" in document.notes[0]


def test_a_workbook_package_over_the_member_limit_is_refused(workbooks):
    with pytest.raises(ReadError) as error:
        read_document(workbooks["per_sheet.xlsx"], Limits(max_members=3))
    assert error.value.code == "too_large"


def test_misnamed_workbooks_say_what_they_are(workbooks, tmp_path):
    renamed = tmp_path / "表.xls"
    renamed.write_bytes(workbooks["per_sheet.xlsx"].read_bytes())
    with pytest.raises(ReadError) as error:
        read_document(renamed)
    assert error.value.code == "wrong_extension" and "rename it to .xlsx" in str(error.value)
    as_et = tmp_path / "表.et"  # WPS may save its .et as an xlsx package: read it all the same
    as_et.write_bytes(workbooks["per_sheet.xlsx"].read_bytes())
    assert read_document(as_et).format == "et" and read_document(as_et).tables()


def test_tables_keep_their_sheet_and_row(workbooks, township):
    document = read_document(workbooks["per_sheet.xlsx"])
    first = document.tables()[0]
    assert isinstance(first, Table) and first.prov.line == 3 and first.prov.sheet


def test_generator_writes_workbook_inboxes_with_tables_only_truth(tmp_path):
    from fixtures.inbox import build_inbox

    truths = build_inbox(tmp_path / "inbox", 2, seed=5, with_bad=False, formats=["xlsx", "xlsx-stacked"])
    for truth in truths:
        assert truth["format"] == "xlsx" and truth["status_alt"] == ["partial"]
        assert {g["kind"] for g in truth["goals"]} == {"project"}
        assert {i["source"] for i in truth["indicators"]} == {"table"}
        parsed = parse_document(read_document(tmp_path / "inbox" / truth["path"]))
        assert [p.project_code for p in parsed.projects] == [p["code"] for p in truth["projects"]]
        assert len(parsed.indicators) == len(truth["indicators"])
