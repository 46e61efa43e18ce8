"""`jixiao export --xlsx`: one sheet per table, Chinese headers, frozen and filtered header row, every row."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

import jixiao.analysis.export
from jixiao.dictionaries import load_dictionary
from jixiao.cli import app
from jixiao.analysis.export import ExportError, display_width, excel_value, export_xlsx, sheet_layout
from jixiao.analysis.sheets import export_settings
from jixiao.model.schema import TABLES
from jixiao.store.local import run_query


@pytest.fixture(scope="module")
def dataset(example_dataset: Path) -> Path:
    return example_dataset


@pytest.fixture(scope="module")
def workbook(dataset: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("xlsx") / "district.xlsx"
    result = CliRunner().invoke(app, ["export", "--xlsx", str(path), "--out", str(dataset)])
    assert result.exit_code == 0, result.output
    return load_workbook(path)


def test_every_contract_column_has_a_chinese_header():
    headers = load_dictionary("columns")["tables"]
    assert set(headers) == set(TABLES)
    for table, schema in TABLES.items():
        names = [headers[table]["columns"][c] for c in schema.names]
        assert len(set(names)) == len(names), f"{table}: two columns share a header"
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names), table


def test_one_sheet_per_table_with_its_headers_rows_frozen_pane_and_filter(dataset: Path, workbook):
    layout = sheet_layout()
    reviewer = export_settings()["printed_columns"]
    assert workbook.sheetnames == ["汇总"] + [name for table, (sheet, _) in layout.items()
                                            for name in ([reviewer[table]["sheet"]] if table in reviewer else []) + [sheet]]
    for table, (sheet_name, headers) in layout.items():
        sheet = workbook[sheet_name]
        assert [c.value for c in sheet[1]] == list(headers.values())
        assert sheet["A1"].comment.text.endswith(list(headers)[0])
        assert set(TABLES[table].names) - set(export_settings()["dataset_only"]) <= set(headers)
        n_rows = run_query(dataset, f"select count(*) from {table}")[1][0][0]
        assert sheet.max_row - 1 == n_rows, table
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(headers))}{n_rows + 1}"
        widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(headers) + 1)]
        assert all(6 <= w <= 60 for w in widths)


def test_cells_hold_the_datasets_values(dataset: Path, workbook):
    sheet_name, headers = sheet_layout()["indicators"]
    sheet = workbook[sheet_name]
    column = list(headers).index("value_base") + 1
    written = [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True)]
    expected = run_query(dataset, "select value_base from indicators")[1]
    assert sorted(v for v in written if v is not None) == sorted(r[0] for r in expected if r[0] is not None)
    township = list(headers).index("township") + 1
    assert {r[0] for r in sheet.iter_rows(min_row=2, min_col=township, max_col=township, values_only=True)} == {
        r[0] for r in run_query(dataset, "select distinct township from indicators")[1]}


def test_tables_larger_than_a_batch_stream_in_order(dataset: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(jixiao.analysis.export, "BATCH_ROWS", 7)
    monkeypatch.setattr(jixiao.analysis.export, "WIDTH_SAMPLE_ROWS", 3)
    counts = export_xlsx(dataset, tmp_path / "small-batches.xlsx")
    sheet_name, headers = sheet_layout()["goals"]
    assert counts[sheet_name] == run_query(dataset, "select count(*) from goals")[1][0][0] > 7
    sheet = load_workbook(tmp_path / "small-batches.xlsx", read_only=True)[sheet_name]
    text_col = list(headers).index("goal_text")
    written = [row[text_col] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert written == pq.read_table(dataset / "parquet" / "goals.parquet", columns=["goal_text"]).column(0).to_pylist()


def test_a_missing_dataset_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ExportError, match="jixiao run"):
        export_xlsx(tmp_path, tmp_path / "x.xlsx")
    result = CliRunner().invoke(app, ["export", "--xlsx", str(tmp_path / "x.xlsx"), "--out", str(tmp_path)])
    assert result.exit_code == 1


def test_cell_values_excel_accepts():
    assert excel_value("目标\x07内容") == "目标内容"
    assert len(excel_value("字" * 40_000)) == jixiao.analysis.export.EXCEL_CELL_CHARS
    assert display_width("乡镇ab") == 6 and display_width(None) == 0


def test_printed_landscape_with_the_header_on_every_page(workbook):
    """How the pages come out is tested by printing them (test_export_print.py)."""
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.print_title_rows == "$1:$1"


def test_the_hash_column_is_last_and_not_printed(workbook):
    for table, (sheet_name, headers) in sheet_layout().items():
        if "doc_id" in headers:
            assert list(headers)[-1] == "doc_id", table
            sheet = workbook[sheet_name]
            printed_to = sheet.print_area.split(":")[-1].lstrip("$").rstrip("0123456789$")
            assert printed_to == get_column_letter(len(headers) - 1), table


def test_money_shares_and_plans_are_numbers_with_formats(dataset: Path, workbook):
    sheet_name, headers = sheet_layout()["projects"]
    rows = list(workbook[sheet_name].iter_rows(min_row=2))
    names = list(headers)
    for row in rows:
        budget = row[names.index("budget_wan")]
        assert budget.value == "—" or (isinstance(budget.value, float) and budget.number_format == "0.00")
        for column in ("plan_mar", "plan_jun", "plan_oct", "plan_dec"):
            cell = row[names.index(column)]
            assert cell.value is None or isinstance(cell.value, (int, float)), (column, cell.value)
    documents_sheet, doc_headers = sheet_layout()["documents"]
    shares = [r[list(doc_headers).index("boilerplate_share")] for r in workbook[documents_sheet].iter_rows(min_row=2)]
    assert any(c.value is not None for c in shares)
    assert all(c.number_format == "0.0%" for c in shares if c.value != "—")


def test_coded_values_show_chinese_labels(workbook):
    sheet_name, headers = sheet_layout()["documents"]
    status = {r[list(headers).index("status")] for r in workbook[sheet_name].iter_rows(min_row=2, values_only=True)}
    assert status <= {"正常", "部分读取", "读取失败"} and "正常" in status
    sheet_name, headers = sheet_layout()["indicators"]
    sources = {r[list(headers).index("source")] for r in workbook[sheet_name].iter_rows(min_row=2, values_only=True)}
    assert sources == {"表格", "段落"}


def test_summary_sheet_per_township_with_a_total(dataset: Path, workbook):
    rows = list(workbook["汇总"].iter_rows(values_only=True))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert header[:3] == ("乡镇", "文档数", "正常")
    townships = sorted(r[0] for r in run_query(dataset, "select distinct township from documents")[1])
    assert [r[0] for r in body] == townships
    assert total[0] == "合计"
    assert total[1] == run_query(dataset, "select count(*) from documents")[1][0][0]
    n_indicators = run_query(dataset, "select count(*) from indicators")[1][0][0]
    assert total[header.index("指标数")] == n_indicators == sum(r[header.index("指标数")] for r in body)
    budget = run_query(dataset, "select sum(budget_wan) from projects")[1][0][0]
    assert total[header.index("预算合计（万元）")] == pytest.approx(budget)


@pytest.mark.parametrize(("budget", "written", "values", "flag"), [
    (9.78, ["2.44", "4.89", "7.33", "9.78"], (2.44, 4.89, 7.33, 9.78), None),
    (4.96, ["25", "50", "75", "100"], (0.25, 0.5, 0.75, 1.0), "按百分比填写"),
    (100.0, ["25", "50", "75", "100"], (25.0, 50.0, 75.0, 100.0), None),
    (8.0, ["25%", "50％", None, "100%"], (0.25, 0.5, None, 1.0), "按百分比填写"),
    (26.5, [None, None, None, "26.50万元"], (None, None, None, 26.5), None),
    (5.0, ["1", "2", "3", "6"], (1.0, 2.0, 3.0, 6.0), "超出预算"),
    (5.0, ["1", "2", "3", "4"], (1.0, 2.0, 3.0, 4.0), "12月累计与预算不符"),
    (5.0, ["3", "2", "4", "5"], (3.0, 2.0, 4.0, 5.0), "累计计划递减"),
    (5.0, ["全年", None, None, "5"], ("全年", None, None, 5.0), "含文字"),
])
def test_spending_plan_numbers_and_flags(budget, written, values, flag):
    from jixiao.analysis.sheets import spending_plan

    plan = spending_plan(budget, written)
    assert plan.values == pytest.approx(values) if all(isinstance(v, float) or v is None for v in values) else True
    assert plan.values == values or plan.values == pytest.approx(values)
    assert plan.flag == flag
