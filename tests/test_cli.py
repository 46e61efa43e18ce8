"""The command line as a person meets it: every usage mistake is one line plus a hint (exit 1 or 2, no
traceback, nothing written), --version, and query results as table, CSV, JSON or Markdown."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from jixiao import cli
from jixiao.cli import app

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "inbox"


def invoke(args: list[str]):
    return CliRunner().invoke(app, args)


def assert_clean_error(result, code: int, *phrases: str) -> None:
    """Exit code as asked, an `error:` line and a `hint:` line at most, each phrase present, no traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith("error: "), result.output
    assert len(lines) <= 2 and all(not line.startswith("Traceback") for line in lines), result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


def test_version() -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"jixiao {importlib.metadata.version('jixiao')}"


@pytest.mark.parametrize(("args", "phrases"), [
    (["run", str(EXAMPLES), "--workers", "-1"], ["'--workers'", "greater than or equal to 0", "run --help"]),
    (["run", str(EXAMPLES), "--year", "abc"], ["'--year'", "integer"]),
    (["frobnicate"], ["No such command 'frobnicate'", "run, query"]),
    (["api", "frob"], ["No such command 'frob'", "status, stop"]),
    (["query", "select 1", "-f", "xml"], ["'xml' is not one of", "query --help"]),
    (["query"], ["Missing argument"]),
])
def test_the_command_line_librarys_own_usage_errors_are_one_line_and_a_hint(args: list[str], phrases: list[str]) -> None:
    result = invoke(args)
    assert_clean_error(result, 2, "hint:", *phrases)
    assert "╭" not in result.output and "Value error" not in result.output


def test_out_pointing_at_a_file(tmp_path: Path) -> None:
    target = tmp_path / "district.xlsx"
    target.write_bytes(b"keep me")
    assert_clean_error(invoke(["run", str(EXAMPLES), "--out", str(target)]), 2, "is a file", "hint:")
    assert target.read_bytes() == b"keep me"


@pytest.mark.parametrize("sql", ["", "   "])
def test_empty_query(sql: str, tmp_path: Path) -> None:
    assert_clean_error(invoke(["query", sql, "--out", str(tmp_path)]), 2, "SQL is empty")


def _inbox_with_manifest(tmp_path: Path, manifest: str) -> Path:
    inbox = tmp_path / "inbox"
    shutil.copytree(EXAMPLES, inbox)
    (inbox / "manifest.csv").write_text(manifest, encoding="utf-8")
    return inbox


def test_bad_manifest_before_any_work(tmp_path: Path) -> None:
    inbox = _inbox_with_manifest(tmp_path, "name,township\na,b\n")
    out = tmp_path / "out"
    assert_clean_error(invoke(["run", str(inbox), "--out", str(out)]), 2, "manifest.csv", "'file'")
    assert not out.exists(), "nothing was read or written"


def test_manifest_naming_a_missing_file(tmp_path: Path) -> None:
    inbox = _inbox_with_manifest(tmp_path, "file,township,unit_code,year\n没有镇/目标.docx,没有镇,,2024\n")
    out = tmp_path / "out"
    assert_clean_error(invoke(["run", str(inbox), "--out", str(out)]), 2, "line 2", "没有镇/目标.docx",
                       "not in the inbox")
    assert not out.exists()


def test_db_without_psycopg_is_checked_up_front(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a))
    out = tmp_path / "out"
    result = invoke(["run", str(EXAMPLES), "--out", str(out), "--db", "postgresql://u@h/db"])
    # The brackets survive: rich markup must not eat `[postgres]`.
    assert_clean_error(result, 2, "psycopg", "pip install 'jixiao[postgres]'")
    assert not out.exists()


def test_export_to_a_non_xlsx_name(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    assert_clean_error(invoke(["export", "--xlsx", str(target), "--out", str(tmp_path)]), 2, "x.xlsx")
    assert not target.exists()


def _table(out: Path, sql: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(out / "district.duckdb"), read_only=True) as con:
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()


def test_query_csv_parses_into_the_tables_rows(example_dataset: Path) -> None:
    result = invoke(["query", "select * from indicators", "--out", str(example_dataset), "--format", "csv"])
    assert result.exit_code == 0, result.output
    parsed = list(csv.reader(io.StringIO(result.stdout)))
    columns, rows = _table(example_dataset, "select * from indicators")
    assert parsed[0] == columns
    assert len(parsed) - 1 == len(rows) > 20
    expected = [["" if v is None else str(v) for v in row] for row in rows]
    assert parsed[1:] == expected


def test_query_csv_to_a_file_has_a_bom_for_excel_and_stdout_has_none(example_dataset: Path, tmp_path: Path) -> None:
    target = tmp_path / "documents.csv"
    args = ["query", "select township from documents", "--out", str(example_dataset), "-f", "csv"]
    assert invoke([*args, "--output", str(target)]).exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel reads UTF-8 as the local code page without a BOM"
    assert data[3:].decode("utf-8").splitlines()[0] == "township"
    assert invoke(args).stdout.splitlines()[0] == "township", "other programs read standard output: no BOM"


def test_query_json_and_output_file(example_dataset: Path, tmp_path: Path) -> None:
    target = tmp_path / "documents.json"
    result = invoke(["query", "select doc_id, township, status, n_pages from documents", "--out", str(example_dataset),
                     "--format", "json", "--output", str(target)])
    assert result.exit_code == 0, result.output
    records = json.loads(target.read_text(encoding="utf-8"))
    columns, rows = _table(example_dataset, "select doc_id, township, status, n_pages from documents")
    assert records == [dict(zip(columns, row)) for row in rows]
    stdout = invoke(["query", "select * from projects", "--out", str(example_dataset), "-f", "json"]).stdout
    assert len(json.loads(stdout)) == len(_table(example_dataset, "select * from projects")[1])


def test_query_markdown(example_dataset: Path) -> None:
    result = invoke(["query", "select township, count(*) as n from documents group by 1 order by 1",
                     "--out", str(example_dataset), "--format", "markdown"])
    lines = result.stdout.splitlines()
    assert lines[0] == "| township | n |" and lines[1] == "|---|---:|"
    assert len(lines) == 2 + len(_table(example_dataset, "select distinct township from documents")[1])


def test_table_right_aligns_numbers_and_counts_rows(example_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.console, "_width", 100)
    result = invoke(["query", "select 'a' as name, 12345 as n union all select 'bb', 7 order by 1",
                     "--out", str(example_dataset)])
    row_7 = next(line for line in result.stdout.splitlines() if "bb" in line)
    assert "│     7 │" in row_7, result.stdout
    assert result.stdout.rstrip().endswith("2 rows")


def test_wide_rows_on_a_narrow_terminal_print_one_block_per_record(example_dataset: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.console, "_width", 80)
    result = invoke(["query", "select * from indicators order by doc_id, name_raw limit 2", "--out",
                     str(example_dataset)])
    assert result.exit_code == 0, result.output
    assert "record 1" in result.stdout and "record 2" in result.stdout
    columns, rows = _table(example_dataset, "select * from indicators order by doc_id, name_raw limit 2")
    first_value = str(rows[0][columns.index("name_raw")])
    assert any(line.startswith("name_raw") and first_value in line for line in result.stdout.splitlines())
    assert result.stdout.rstrip().endswith("2 rows")


def test_vocab_suggest_names_the_paragraph_rows_it_leaves_out(example_dataset: Path) -> None:
    _, rows = _table(example_dataset, "select count(*) from indicators where match_method = 'new' "
                                      "and source = 'paragraph'")
    assert rows[0][0] > 0, "examples/inbox has new names in 绩效指标 sentences"
    result = invoke(["vocab", "suggest", "--out", str(example_dataset)])
    assert result.exit_code == 0
    assert f"{rows[0][0]} new names come from 绩效指标 sentences" in result.output
    assert "--include-paragraphs" in result.output
    with_paragraphs = invoke(["vocab", "suggest", "--out", str(example_dataset), "--include-paragraphs"])
    assert with_paragraphs.output.count("- id: IND-") > result.output.count("- id: IND-")


def test_a_configured_prefect_server_that_is_down_is_one_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**cli_env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    result = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(EXAMPLES), "--out", str(tmp_path / "out")],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"127.0.0.1:{port}/api did not answer" in result.stderr and "prefect server start" in result.stderr
