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
    assert workbook.sheetnames == [sheet for sheet, _ in layout.values()]
    for table, (sheet_name, headers) in layout.items():
        sheet = workbook[sheet_name]
        assert [c.value for c in sheet[1]] == list(headers.values())
        assert sheet["A1"].comment.text.endswith(TABLES[table].names[0])
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
