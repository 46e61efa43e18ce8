"""Names that try to drive the terminal (issue 21): a folder or file name holding escape sequences
(`ESC]52;c;…` writes the clipboard, `ESC[2J` clears the screen, OSC 8 forges a link, U+202E reverses
the line) is printed with those characters as inert escapes, by `run -v` and by `query`."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from jixiao import cli
from jixiao.cli import app
from jixiao.flows.dataset import build_dataset
from jixiao.flows.extract import ExtractionCache, extract_file
from jixiao.flows.inbox import discover_inbox

REPO = Path(__file__).resolve().parents[1]
CLIPBOARD = "\x1b]52;c;ZWNobyBvd25lZA==\x07"
CLEAR = "\x1b[2J"
LINK = "\x1b]8;;http://evil.example/\x1b\\点此\x1b]8;;\x1b\\"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def _hostile_inbox(root: Path) -> Path:
    inbox = root / "inbox"
    for seed, (folder, name) in enumerate([(f"丰登坞镇{CLIPBOARD}", f"目标{CLEAR}.docx"),
                                           (f"\u202e镇{LINK}", "目标\x9b31m.docx")], start=1):
        path = inbox / folder / name
        path.parent.mkdir(parents=True)
        write_docx(make_township_document(random.Random(seed), "丰登坞镇", f"1302{seed:04d}", 2024, 1), path)
    return inbox


def test_inert_shows_controls_as_escapes():
    from jixiao.terminal import inert

    assert inert(f"a{CLEAR}b\u202ec\nd") == "a\\x1b[2Jb\\u202ec\\x0ad"
    assert inert("表\n格\t", lines=True) == "表\n格\t"
    assert inert("\udce7\udcbb") == "\\xe7\\xbb", "a byte of a name that is not UTF-8"


def test_query_prints_hostile_names_inert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cli.console, "_force_terminal", True)  # CSV to a pipe stays raw: it is data for a program
    inbox, out = _hostile_inbox(tmp_path), tmp_path / "out"
    files = discover_inbox(inbox)
    for file in files:
        ExtractionCache(out).put(extract_file(file.path, file.doc_id))
    build_dataset(files, out)
    assert any("\x1b" in r["source_path"] for r in pq.read_table(out / "parquet" / "documents.parquet").to_pylist())
    for fmt in ("table", "csv", "markdown"):
        result = CliRunner().invoke(app, ["query", "select source_path, township from documents", "--out", str(out),
                                          "--format", fmt])
        assert result.exit_code == 0, result.output
        assert not any(c in result.output for c in RAW), (fmt, result.output)
        assert "\\x1b]52;c;" in result.output and "\\u202e" in result.output, (fmt, result.output)


def test_run_verbose_prints_hostile_names_inert(tmp_path: Path, cli_env: dict[str, str]):
    inbox, out = _hostile_inbox(tmp_path), tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out), "-v"], cwd=REPO,
                            env={**cli_env, "PREFECT_LOGGING_LEVEL": "INFO"}, capture_output=True, text=True,
                            timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert output.count("目标\\x1b[2J.docx") >= 1 and "\\x9b31m" in output, output[-3000:]
    assert not any(c in output for c in RAW), output[-3000:]


def test_duplicates_prints_hostile_names_inert(tmp_path: Path):
    inbox, out = _hostile_inbox(tmp_path), tmp_path / "out"
    files = discover_inbox(inbox)
    for file in files:
        ExtractionCache(out).put(extract_file(file.path, file.doc_id))
    build_dataset(files, out)
    result = CliRunner().invoke(app, ["duplicates", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in RAW), result.output
