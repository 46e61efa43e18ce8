"""An inbox arranged by an attacker or an unlucky operator (issue 11, 3, 5 and 10): links out of it,
files and folders nobody may read, pipes, GBK-byte names, township folders that differ only by
invisible marks, and the output folder inside the inbox. Every file is one documents row that says
what happened; nothing from outside the inbox is stored."""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import build_in_process
from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from jixiao.flows.inbox import file_sha256

GBK_FOLDER = "石各庄镇".encode("gbk")
GBK_NAME = "绩效目标表.docx".encode("gbk")


def _docx(path: Path, seed: int, township: str = "测试镇") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_docx(make_township_document(random.Random(seed), township, f"1302{seed:04d}", 2024, 2), path)
    return path


def _no_permission(monkeypatch: pytest.MonkeyPatch) -> None:
    """As root every mode-000 file is readable: make mode 000 refuse as it does for a clerk's account."""
    if os.geteuid() != 0:
        return
    real_scandir, real_open = os.scandir, Path.open

    def locked(path) -> bool:
        return os.path.exists(path) and stat.S_IMODE(os.stat(path).st_mode) == 0

    def scandir(path="."):
        if locked(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def open_(self, *args, **kwargs):
        if locked(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "open", open_)


@pytest.fixture()
def hostile_inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    _docx(inbox / "丰登坞镇" / "目标.docx", 1, "丰登坞镇")
    _docx(inbox / "丰登坞\u200b镇" / "修订.docx", 2, "丰登坞镇")  # prints the same: one township
    _docx(inbox / "\u202e丰登坞镇\u00a0" / "补充.docx", 3, "丰登坞镇")
    secret = _docx(outside / "机密.docx", 4, "外部镇")
    (inbox / "丰登坞镇" / "链接外.docx").symlink_to(secret)
    (inbox / "丰登坞镇" / "shadow.txt").symlink_to("/etc/shadow")
    (inbox / "丰登坞镇" / "链接外目录").symlink_to(outside, target_is_directory=True)
    (inbox / "丰登坞镇" / "断链.docx").symlink_to(inbox / "不存在.docx")
    (inbox / "丰登坞镇" / "链接内.docx").symlink_to(inbox / "丰登坞镇" / "目标.docx")
    locked = _docx(inbox / "锁定镇" / "目标.docx", 5)
    locked.chmod(0)
    folder = inbox / "锁定目录镇"
    _docx(folder / "目标.docx", 6)
    folder.chmod(0)
    os.mkfifo(inbox / "丰登坞镇" / "管道.txt")
    gbk_dir = os.path.join(os.fsencode(inbox), GBK_FOLDER)
    os.mkdir(gbk_dir)
    _docx(Path(os.fsdecode(os.path.join(gbk_dir, GBK_NAME))), 7)
    _no_permission(monkeypatch)
    yield inbox, secret
    locked.chmod(0o644)
    folder.chmod(0o755)


def test_every_hostile_entry_is_a_row_that_says_why(hostile_inbox: tuple[Path, Path], tmp_path: Path):
    inbox, secret = hostile_inbox
    rows = build_in_process(inbox, tmp_path / "out")
    unreadable = {path: row for path, row in rows.items() if row["error_code"] == "unreadable_file"}
    assert set(unreadable) == {"丰登坞镇/链接外.docx", "丰登坞镇/shadow.txt", "丰登坞镇/链接外目录", "丰登坞镇/断链.docx",
                               "丰登坞镇/管道.txt", "锁定镇/目标.docx", "锁定目录镇"}
    for path, row in unreadable.items():
        assert row["status"] == "failed" and "—" in row["error"], (path, row["error"])
    assert "outside the inbox" in unreadable["丰登坞镇/链接外.docx"]["error"]
    assert "permission" in unreadable["锁定镇/目标.docx"]["error"]
    assert "identical" in rows["丰登坞镇/链接内.docx"]["error"], "a link inside the inbox is read (once)"


def test_nothing_from_outside_the_inbox_is_stored(hostile_inbox: tuple[Path, Path], tmp_path: Path):
    inbox, secret = hostile_inbox
    out = tmp_path / "out"
    rows = build_in_process(inbox, out)
    assert file_sha256(secret) not in {r["doc_id"] for r in rows.values()}
    for table in ("goals", "projects", "indicators"):
        assert "外部镇" not in str(pq.read_table(out / "parquet" / f"{table}.parquet").to_pylist())
    assert all(r["size_bytes"] == 0 for r in rows.values() if r["error_code"] == "unreadable_file")


def test_gbk_names_are_decoded_and_flagged(hostile_inbox: tuple[Path, Path], tmp_path: Path):
    rows = build_in_process(hostile_inbox[0], tmp_path / "out")
    row = rows["石各庄镇/绩效目标表.docx"]
    assert row["status"] == "ok" and row["township"] == "石各庄镇" and "GBK" in row["notes"]


def test_township_folders_that_print_the_same_are_one_township(hostile_inbox: tuple[Path, Path], tmp_path: Path):
    rows = build_in_process(hostile_inbox[0], tmp_path / "out")
    read = [r for r in rows.values() if r["status"] == "ok" and "石各庄" not in r["township"]]
    assert len(read) == 3 and {r["township"] for r in read} == {"丰登坞镇"}


def test_output_folder_inside_the_inbox_is_not_read_back(tmp_path: Path):
    inbox = tmp_path / "inbox"
    _docx(inbox / "丰登坞镇" / "目标.docx", 1)
    out = inbox / "output"
    first = build_in_process(inbox, out)
    second = build_in_process(inbox, out)
    assert len(first) == len(second) == 1
