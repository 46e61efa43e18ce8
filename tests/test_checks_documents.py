"""The review rules end to end: generated documents carrying exactly one fault each, clean controls,
and a resubmitted file in the shared township sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from fixtures.faults import RULES, build_fault_inbox, build_without_flow
from jixiao.analysis.export import sheet_layout
from jixiao.analysis.report import write_report
from jixiao.cli import app


def published(out: Path, table: str) -> list[dict]:
    return pq.read_table(out / "parquet" / f"{table}.parquet").to_pylist()


CURRENT_TOTALS = "select count(*), round(sum(budget_wan), 2) from current_projects"


def query(out: Path, sql: str) -> tuple:
    """The first row of a query on a published district.duckdb."""
    with duckdb.connect(str(out / "district.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchone()


@pytest.fixture(scope="module")
def fault_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, set[str]], Path]:
    root = tmp_path_factory.mktemp("faults")
    expected = build_fault_inbox(root / "inbox", per_rule=1, n_clean=4, seed=3)
    return expected, build_without_flow(root / "inbox", root / "out")


@pytest.fixture(scope="module")
def fault_run(fault_out) -> tuple[dict[str, set[str]], list[dict]]:
    expected, out = fault_out
    return expected, published(out, "checks")


@pytest.mark.parametrize("rule", RULES)
def test_each_fault_is_flagged_on_its_file_and_nowhere_else(fault_run, rule):
    expected, checks = fault_run
    flagged = {c["source_path"] for c in checks if c["rule"] == rule}
    assert flagged == expected[rule]


def test_clean_documents_get_no_checks(fault_run):
    expected, checks = fault_run
    faulty = set().union(*expected.values())
    assert [c for c in checks if c["source_path"] not in faulty] == []


def test_checks_say_what_to_fix_with_the_values_compared(fault_run):
    _, checks = fault_run
    for check in checks:
        assert check["severity"] in ("error", "warning", "info")
        assert check["message"] and check["evidence"] and check["township"] and check["doc_id"]
    budget = next(c for c in checks if c["rule"] == "budget_sum_mismatch")
    assert "财政资金" in budget["message"] and budget["project_code"] and "预算数=" in budget["evidence"]
    percent = next(c for c in checks if c["rule"] == "percent_out_of_range")
    assert percent["name_raw"] and "%" in percent["message"]


def test_a_resubmitted_sample_file_leaves_the_district_totals_unchanged(shared: Path, tmp_path: Path):
    inbox = tmp_path / "inbox"
    shutil.copytree(shared / "samples" / "inbox", inbox)
    before = build_without_flow(inbox, tmp_path / "before")
    original = inbox / "银城铺镇" / "目标.txt"
    text = original.read_text(encoding="utf-8")
    revised = text.replace("≥95%", "≥96%", 1)
    assert revised != text
    (inbox / "银城铺镇" / "目标（修订稿）.txt").write_text(revised, encoding="utf-8")
    after = build_without_flow(inbox, tmp_path / "after")

    want = query(before, CURRENT_TOTALS)
    assert query(after, CURRENT_TOTALS) == want
    assert query(after, "select count(*) from projects")[0] > want[0]  # the older file's rows stay, marked
    assert query(after, "select count(*) from current_indicators where doc_id in "
                        "(select doc_id from documents where superseded_by is not null)")[0] == 0
    documents = {d["source_path"]: d for d in published(after, "documents")}
    old, new = documents["银城铺镇/目标.txt"], documents["银城铺镇/目标（修订稿）.txt"]
    assert old["superseded_by"] == new["doc_id"] and new["superseded_by"] is None
    assert [c["rule"] for c in published(after, "checks") if c["source_path"] == "银城铺镇/目标.txt"] == ["superseded"]
    copied = {d["doc_id"] for d in published(after, "duplicates")}
    assert old["doc_id"] not in copied  # an old version is not a copy of its own revision


def test_a_byte_identical_copy_named_as_a_revision_supersedes_the_first(shared: Path, tmp_path: Path):
    inbox = tmp_path / "inbox"
    shutil.copytree(shared / "samples" / "inbox", inbox)
    before = build_without_flow(inbox, tmp_path / "before")
    shutil.copy(inbox / "黄各庄镇" / "绩效目标.txt", inbox / "黄各庄镇" / "绩效目标（修订稿）.txt")
    after = build_without_flow(inbox, tmp_path / "after")
    want = query(before, CURRENT_TOTALS)
    assert query(after, CURRENT_TOTALS) == want
    documents = {d["source_path"]: d for d in published(after, "documents")}
    old, new = documents["黄各庄镇/绩效目标.txt"], documents["黄各庄镇/绩效目标（修订稿）.txt"]
    assert new["status"] == "ok" and new["superseded_by"] is None
    assert old["superseded_by"] == new["doc_id"] and old["status"] == "ok"
    assert [c["rule"] for c in published(after, "checks") if c["source_path"] == "黄各庄镇/绩效目标.txt"] == ["superseded"]
    xlsx = tmp_path / "district.xlsx"
    assert CliRunner().invoke(app, ["export", "--xlsx", str(xlsx), "--out", str(after)]).exit_code == 0
    rows = list(load_workbook(xlsx, read_only=True)[sheet_layout()["projects"][0]].iter_rows(values_only=True))
    assert len(rows) - 1 == want[0]  # the current file's projects are in the sheet once


def test_manifest_keeps_the_older_file_current(shared: Path, tmp_path: Path):
    inbox = tmp_path / "inbox"
    (inbox / "银城铺镇").mkdir(parents=True)
    text = (shared / "samples" / "inbox" / "银城铺镇" / "目标.txt").read_text(encoding="utf-8")
    (inbox / "银城铺镇" / "目标.txt").write_text(text, encoding="utf-8")
    (inbox / "银城铺镇" / "目标（修改）.txt").write_text(text.replace("≥95%", "≥96%", 1), encoding="utf-8")
    (inbox / "manifest.csv").write_text("file,township,unit_code,year,current\n银城铺镇/目标（修改）.txt,,,,否\n",
                                        encoding="utf-8")
    out = build_without_flow(inbox, tmp_path / "out")
    superseded = {d["source_path"]: d["superseded_by"] for d in published(out, "documents")}
    assert superseded["银城铺镇/目标.txt"] is None and superseded["银城铺镇/目标（修改）.txt"]


def test_checks_command_filters_and_writes_a_township_clerks_list(fault_out, tmp_path: Path):
    expected, out = fault_out
    path = next(iter(expected["budget_sum_mismatch"]))
    township = path.split("/")[0]
    xlsx = tmp_path / "clerk.xlsx"
    result = CliRunner().invoke(app, ["checks", "--out", str(out), "--township", township, "--xlsx", str(xlsx)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "预算数" in result.output and "1 checks: 1 error" in result.output
    sheet = load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "乡镇" and sheet.max_row == 2 and sheet.cell(2, 1).value == township
    errors = CliRunner().invoke(app, ["checks", "--out", str(out), "--severity", "error"], env={"COLUMNS": "200"})
    assert errors.exit_code == 0 and "warning" not in errors.output.split("checks:")[0]
    unknown = CliRunner().invoke(app, ["checks", "--out", str(out), "--rule", "no_such_rule"])
    assert unknown.exit_code == 2 and "budget_sum_mismatch" in unknown.output


def test_report_has_a_budget_chart_and_a_section_per_township(fault_out):
    expected, out = fault_out
    html = write_report(out).read_text(encoding="utf-8")
    assert 'id="budget-chart"' in html and html.count('class="township"') == len(
        {p.split("/")[0] for paths in expected.values() for p in paths} | {d["township"] for d in published(out, "documents")})
    assert "文档写的是" in html and "不计入" in html  # a township check and a superseded file


def test_export_starts_with_a_township_summary_of_current_documents(fault_out, tmp_path: Path):
    expected, out = fault_out
    xlsx = tmp_path / "district.xlsx"
    assert CliRunner().invoke(app, ["export", "--xlsx", str(xlsx), "--out", str(out)]).exit_code == 0
    workbook = load_workbook(xlsx, read_only=True)
    header, *townships, total = list(workbook[workbook.sheetnames[0]].iter_rows(values_only=True))
    assert len(townships) == len({d["township"] for d in published(out, "documents")})
    errors = sum(1 for c in published(out, "checks") if c["severity"] == "error")
    assert total[header.index("审核错误")] == errors
    assert total[header.index("已被新版本取代（不计入）")] == len(expected["superseded"])
    budget, n_projects = query(out, "select sum(budget_wan), count(*) from current_projects")
    assert total[header.index("项目数")] == n_projects
    assert total[header.index("预算合计（万元）")] == pytest.approx(budget)
    sheet, _ = sheet_layout()["projects"]
    rows = list(workbook[sheet].iter_rows(values_only=True))
    assert len(rows) - 1 == n_projects  # the superseded version's projects are not in the sheet
