"""Inbox discovery: townships from folders or the manifest, and which of identical copies is read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from jixiao.flows.inbox import InboxError, discover_inbox, primary_copies


def test_township_from_folder_manifest_or_stem(tmp_path: Path):
    (tmp_path / "甲镇").mkdir()
    shutil.copy(FIXTURES / "township_utf8.txt", tmp_path / "甲镇" / "目标.txt")
    shutil.copy(FIXTURES / "township_gbk.txt", tmp_path / "乙乡目标.txt")
    shutil.copy(FIXTURES / "township.docx", tmp_path / "x.docx")
    (tmp_path / "manifest.csv").write_text("file,township,unit_code,year\nx.docx,丙镇,130299,2025\n", encoding="utf-8")
    (tmp_path / "~$x.docx").write_bytes(b"lock")
    files = {f.source_path: f for f in discover_inbox(tmp_path)}
    assert set(files) == {"甲镇/目标.txt", "乙乡目标.txt", "x.docx"}
    assert files["甲镇/目标.txt"].township == "甲镇"
    assert files["乙乡目标.txt"].township == "乙乡目标"
    assert (files["x.docx"].township, files["x.docx"].unit_code, files["x.docx"].year) == ("丙镇", "130299", 2025)


def test_bad_manifest_says_how_to_fix(tmp_path: Path):
    (tmp_path / "manifest.csv").write_text("name,township\na,b\n", encoding="utf-8")
    with pytest.raises(InboxError, match="'file'"):
        discover_inbox(tmp_path)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_manifest_in_the_encodings_excel_saves(tmp_path: Path, encoding: str):
    """Excel on a Chinese Windows saves CSV as GBK, "CSV UTF-8" with a BOM, "Unicode text" as UTF-16."""
    shutil.copy(FIXTURES / "township.docx", tmp_path / "x.docx")
    manifest = "file,township,unit_code,year\nx.docx,丙镇,130299,2025\n"
    (tmp_path / "manifest.csv").write_bytes(manifest.encode(encoding))
    (file,) = discover_inbox(tmp_path)
    assert (file.township, file.unit_code, file.year) == ("丙镇", "130299", 2025)


def test_binary_manifest_says_what_to_save(tmp_path: Path):
    (tmp_path / "manifest.csv").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InboxError, match="manifest.csv: not UTF-8 or GBK text — save the manifest as UTF-8 CSV"):
        discover_inbox(tmp_path)


def test_identical_copies_prefer_the_correctly_named_one(tmp_path: Path):
    (tmp_path / "镇").mkdir()
    shutil.copy(FIXTURES / "township_ruled.pdf", tmp_path / "镇" / "a_misnamed.docx")
    shutil.copy(FIXTURES / "township_ruled.pdf", tmp_path / "镇" / "b_right.pdf")
    files = discover_inbox(tmp_path)
    assert files[0].doc_id == files[1].doc_id
    (chosen,) = primary_copies(files).values()
    assert chosen.source_path == "镇/b_right.pdf"
