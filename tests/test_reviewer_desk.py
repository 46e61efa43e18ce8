"""The reviewer's desk: a failed revision is visible, counts are of current documents and say what they
left out, and a superseded copy says what it held differently. On the example inbox (小岗坊镇 sent a
修订稿 that arrived broken) plus a township that sent one form twice, as .docx and as a .txt whose
budget and two values differ."""

from __future__ import annotations

import csv
import html
import random
import re
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from fixtures.content import make_township_document
from fixtures.records import Amount
from fixtures.faults import inject, summary_without_flow
from fixtures.inbox import FORMATS, write_document

REPO = Path(__file__).resolve().parents[1]
TWICE = "石门镇"
NO_BUDGET = "桥头乡"


def _twice(inbox: Path) -> None:
    """One form as 目标.docx, and as 目标.txt with another budget and two other values."""
    doc = make_township_document(random.Random(7), TWICE, "130999", 2024, 2)
    first = doc.projects[0]
    rows = list(first.indicators)
    for i in (0, 1):
        rows[i] = replace(rows[i], value=replace(rows[i].value, raw=rows[i].value.raw + "0"))
    budget = (first.budget.wan or 1.0) + 7
    changed = replace(first, indicators=rows, budget=Amount(raw=f"{budget:.2f}", wan=budget),
                      unit_line="单位：万元")
    (inbox / TWICE).mkdir()
    write_document(doc, inbox / TWICE / "目标.docx", FORMATS["docx"])
    write_document(replace(doc, projects=[changed, *doc.projects[1:]]), inbox / TWICE / "目标.txt", FORMATS["txt-utf-8"])


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("desk")
    inbox = root / "inbox"
    shutil.copytree(REPO / "examples" / "inbox", inbox)
    _twice(inbox)
    (inbox / NO_BUDGET).mkdir()
    blank = inject(make_township_document(random.Random(8), NO_BUDGET, "130998", 2024, 2), "missing_budget", random.Random(1))
    write_document(blank, inbox / NO_BUDGET / "绩效目标.docx", FORMATS["docx"])
    out = root / "out"
    return summary_without_flow(inbox, out), out


def _rows(out: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(out / "district.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_revision_that_failed_is_an_error_naming_the_file_that_still_counts(desk):
    _, out = desk
    found = _rows(out, "select source_path, severity, message from checks where rule = 'revision_failed'")
    assert [(path, severity) for path, severity, _ in found] == [("小岗坊镇/2024年绩效目标（修订稿）.docx", "error")]
    assert "小岗坊镇/目标.txt" in found[0][2] and "读取失败" in found[0][2]


def test_counts_are_of_current_documents_and_say_what_they_left_out(desk):
    summary, out = desk
    [(superseded, indicators)] = _rows(out, "select count(distinct d.doc_id), count(i.doc_id) from documents d "
                                            "left join indicators i using (doc_id) where d.superseded_by is not null")
    assert superseded == summary.n_superseded == 1
    assert summary.n_superseded_indicators == indicators > 0
    assert summary.n_indicators == _rows(out, "select count(*) from current_indicators")[0][0]
    assert summary.n_projects == _rows(out, "select count(*) from current_projects")[0][0]
    assert summary.n_documents == _rows(out, "select count(*) from current_documents")[0][0]
    with (out / "review.csv").open(encoding="utf-8-sig", newline="") as fh:
        queued = {row["doc_id"] for row in csv.DictReader(fh)}
    old = {doc for (doc,) in _rows(out, "select doc_id from documents where superseded_by is not null")}
    assert queued and not queued & old, "review.csv lists the superseded copy's rows"


def test_the_supersede_reason_says_what_differs(desk):
    _, out = desk
    [(reason,)] = _rows(out, f"select message from checks where rule = 'superseded' and township = '{TWICE}'")
    assert "预算数" in reason and "2个指标值" in reason and "内容相同" not in reason, reason


def test_the_run_summary_prints_the_superseded_counts(desk):
    from rich.console import Console

    from jixiao.cli_summary import print_summary

    summary, out = desk
    summary.n_read = 0
    console = Console(width=200, record=True)
    print_summary(console, summary, Path("inbox"), out, 0, 1.0)
    text = console.export_text()
    assert f"+ {summary.n_superseded} superseded, not counted" in text
    assert f"{summary.n_superseded_indicators} more in superseded files, left out" in text


# Words a clerk reads that are names, not English: products and encodings, the manifest's column names.
NAMES = {"Word", "PDF", "Excel", "WPS", "LibreOffice", "OpenDocument", "RTF", "UTF", "GBK", "GB", "dpi",
         "manifest", "csv", "current", "supersedes", "docx", "xlsx"}
FILE = re.compile(r"[\w\u4e00-\u9fff（）()【】\[\]\-.·/ ]*\.(?:docx|pdf|txt|xlsx|xls|doc|wps|rtf|et|ods|csv|yaml|jpg|png)\b")
CODE = re.compile(r"\b(?:IND|NEW)-[0-9A-Za-z]+")
WORD = re.compile(r"[A-Za-z]{2,}")


def english(text: str) -> set[str]:
    """English words of a text a person reads, once file names and indicator ids are taken out."""
    return {w for w in WORD.findall(CODE.sub(" ", FILE.sub(" ", text))) if w not in NAMES}


def test_the_report_has_no_english_words_but_codes_and_file_names(desk):
    from jixiao.analysis.report import write_report

    _, out = desk
    page = write_report(out).read_text(encoding="utf-8")
    body = re.sub(r"<style.*?</style>|<code>.*?</code>", " ", page, flags=re.S)  # <code>: commands and paths
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    assert english(text) == set(), sorted(english(text))
    assert "读取失败" in text and "被新版本取代的旧文件，不计入" in text


def test_the_workbook_has_no_english_words_but_codes_and_file_names(desk, tmp_path: Path):
    from openpyxl import load_workbook

    from jixiao.analysis.export import export_xlsx

    _, out = desk
    export_xlsx(out, tmp_path / "district.xlsx")
    codes = {"doc_id", "group_id", "indicator_id", "superseded_by", "target_doc_id", "self_eval_doc_id"}  # identifiers
    found: dict[tuple[str, str], set[str]] = {}
    for sheet in load_workbook(tmp_path / "district.xlsx").worksheets:
        header = [(cell.value, cell.comment.text.removeprefix("SQL: ") if cell.comment else "") for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2, values_only=True):
            for (title, column), value in zip(header, row):
                if isinstance(value, str) and column not in codes and english(value):
                    found.setdefault((sheet.title, title), set()).update(english(value))
    assert found == {}


def test_unknown_budgets_read_as_a_dash_with_how_many(desk, tmp_path: Path):
    from openpyxl import load_workbook

    from jixiao.analysis.export import export_xlsx, sheet_layout
    from jixiao.analysis.report import write_report
    from jixiao.analysis.sheets import export_settings

    _, out = desk
    [(unknown,)] = _rows(out, f"select count(*) from current_projects where township = '{NO_BUDGET}' and budget_wan is null")
    assert unknown >= 1
    text = html.unescape(re.sub(r"<[^>]+>", " ", write_report(out).read_text(encoding="utf-8")))
    assert f"{unknown} 个项目预算未读出" in text
    assert "—" in text
    export_xlsx(out, tmp_path / "district.xlsx")
    workbook = load_workbook(tmp_path / "district.xlsx", read_only=True)
    sheet, headers = sheet_layout()["projects"]
    at = list(headers).index
    budgets = [r[at("budget_wan")] for r in workbook[sheet].iter_rows(min_row=2, values_only=True)
               if r[at("township")] == NO_BUDGET]
    assert budgets.count("—") == unknown and 0 not in budgets
    summary = export_settings()["summary"]
    rows = list(workbook[summary["sheet"]].iter_rows(values_only=True))
    row = next(r for r in rows if r[0] == NO_BUDGET)
    assert row[rows[0].index(summary["headers"]["budget_unknown"])] == unknown
    [(no_value,)] = _rows(out, "select count(*) from current_indicators where coalesce(trim(value_raw), '') = ''")
    assert rows[-1][rows[0].index(summary["headers"]["value_unknown"])] == no_value


def test_vocab_suggest_clusters_current_names_and_says_how_many_superseded_it_left_out(desk):
    from typer.testing import CliRunner

    from jixiao.cli import app

    _, out = desk
    [(left_out,)] = _rows(out, "select count(*) from indicators where match_method = 'new' and doc_id in "
                               "(select doc_id from documents where superseded_by is not null)")
    assert left_out > 0
    result = CliRunner().invoke(app, ["vocab", "suggest", "--out", str(out), "--include-paragraphs"])
    assert result.exit_code == 0, result.output
    assert f"{left_out} new names of superseded files" in " ".join(result.stderr.split())
