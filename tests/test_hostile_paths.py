"""Names and paths that crashed every run (issue 21): a link looping on itself, a file name in GBK bytes,
a manifest naming a path outside the inbox, `--out` a dangling link, folders whose names start with a dot,
and a text file mixing UTF-8 with Big5. Each is a row or a one-line usage error, never a traceback."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import build_in_process
from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from fixtures.txt_writer import render_txt
from jixiao.cli import app
from jixiao.flows.extract import extract_file
from jixiao.flows.fingerprint import FINGERPRINT_FILE, inputs_fingerprint
from jixiao.flows.inbox import discover_inbox, file_sha256

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "inbox"


def _docx(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_docx(make_township_document(random.Random(seed), "测试镇", f"1302{seed:04d}", 2024, 1), path)
    return path


def _assert_usage_error(result, *phrases: str) -> None:
    """Exit 2, an `error:` line and a `hint:` line, no traceback."""
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert len(lines) == 2 and lines[0].startswith("error: ") and lines[1].startswith("hint: "), result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


def test_a_link_looping_on_itself_is_a_row_and_the_fingerprint_holds(tmp_path: Path):
    inbox = tmp_path / "inbox"
    _docx(inbox / "丰登坞镇" / "目标.docx", 1)
    (inbox / "丰登坞镇" / "自己.txt").symlink_to("自己.txt")
    files = discover_inbox(inbox)
    assert inputs_fingerprint(inbox, files, None, 1 << 20) == inputs_fingerprint(inbox.absolute(), files, None, 1 << 20)
    rows = build_in_process(inbox, tmp_path / "out")
    assert rows["丰登坞镇/自己.txt"]["status"] == "failed" and "link" in rows["丰登坞镇/自己.txt"]["error"]


def test_a_gbk_file_name_is_fingerprinted(tmp_path: Path):
    inbox = tmp_path / "inbox"
    folder = inbox / "丰登坞镇"
    _docx(Path(os.fsdecode(os.path.join(os.fsencode(folder), "绩效目标.docx".encode("gbk")))), 2)
    files = discover_inbox(inbox)
    assert [f.source_path for f in files] == ["丰登坞镇/绩效目标.docx"]
    first = inputs_fingerprint(inbox, files, None, 1 << 20)
    (folder / "另一个.docx").write_bytes(b"")
    assert first != inputs_fingerprint(inbox, discover_inbox(inbox), None, 1 << 20)


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.docx", "C:/Users/x/目标.docx"])
def test_a_manifest_path_outside_the_inbox_is_a_usage_error(name: str, tmp_path: Path):
    inbox = tmp_path / "inbox"
    shutil.copytree(EXAMPLES, inbox)
    (tmp_path / "outside.docx").write_bytes(b"x")
    (inbox / "manifest.csv").write_text(f"file,township,unit_code,year\n{name},x,1,2024\n", encoding="utf-8")
    out = tmp_path / "out"
    _assert_usage_error(CliRunner().invoke(app, ["run", str(inbox), "--out", str(out)]), "line 2", name,
                        "relative to the inbox")
    assert not out.exists()


@pytest.mark.parametrize("target", ["nowhere", "out"], ids=["dangling", "loop"])
def test_out_a_dangling_link_is_a_usage_error(target: str, tmp_path: Path):
    out = tmp_path / "out"
    out.symlink_to(tmp_path / target)
    _assert_usage_error(CliRunner().invoke(app, ["run", str(EXAMPLES), "--out", str(out)]), "--out", "link")
    assert out.is_symlink() and not (tmp_path / "nowhere").exists()


def test_folders_named_with_leading_dots_are_rows_that_say_why(tmp_path: Path):
    inbox = tmp_path / "inbox"
    _docx(inbox / "丰登坞镇" / "目标.docx", 1)
    for seed, folder in enumerate(["...", "..镇", ".隐藏镇"], start=3):
        _docx(inbox / folder / "目标.docx", seed)
    _docx(inbox / "丰登坞镇" / ".草稿.docx", 6)
    (inbox / "丰登坞镇" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (inbox / "丰登坞镇" / "~$目标.docx").write_bytes(b"lock")
    rows = build_in_process(inbox, tmp_path / "out")
    assert (tmp_path / "out" / FINGERPRINT_FILE).exists(), "a hidden name is final: the next run may find nothing changed"
    hidden = {"...", "..镇", ".隐藏镇", "丰登坞镇/.草稿.docx"}
    assert set(rows) == {"丰登坞镇/目标.docx", *hidden}, "system clutter and Office lock files are no rows"
    for path in hidden:
        assert rows[path]["status"] == "failed" and "starts with a dot" in rows[path]["error"], rows[path]


@pytest.mark.parametrize("legacy", ["big5", "gbk"])
def test_utf8_text_with_lines_in_another_encoding_is_partial(legacy: str, tmp_path: Path):
    lines = render_txt(make_township_document(random.Random(3), "测试镇", "13020001", 2024, 2)).splitlines(True)
    half = len(lines) // 2
    path = tmp_path / "混合.txt"
    path.write_bytes("".join(lines[:half]).encode("utf-8") + "".join(lines[half:]).encode(legacy, "replace"))
    extraction = extract_file(path, file_sha256(path))
    assert extraction.encoding == f"utf-8+{legacy}"
    assert extraction.status == "partial" and legacy.upper() in extraction.error, extraction.error
