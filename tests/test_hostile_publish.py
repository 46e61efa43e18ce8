"""Publishing is one pointer swap (issue 11, 6 and 8): readers of OUT/district.duckdb and
OUT/parquet/*.parquet see the old dataset or the new one, never a mix; a crash before the swap, a
full disk or a stray .wal never damages what is published."""

from __future__ import annotations

import os
import random
import shutil
from collections import namedtuple
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import jixiao.store.local as local
from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from jixiao.flows.dataset import build_dataset
from jixiao.flows.extract import ExtractionCache, extract_file
from jixiao.flows.inbox import discover_inbox
from jixiao.store.local import StoreError, run_query


def _run(inbox: Path, out: Path) -> None:
    files = discover_inbox(inbox)
    for file in files:
        ExtractionCache(out).put(extract_file(file.path, file.doc_id))
    build_dataset(files, out)


def _add(inbox: Path, seed: int) -> None:
    path = inbox / f"镇{seed}" / "目标.docx"
    path.parent.mkdir(parents=True)
    write_docx(make_township_document(random.Random(seed), f"镇{seed}", f"1302{seed:04d}", 2024, 1), path)


def _n_documents(out: Path) -> tuple[int, int]:
    return (run_query(out, "select count(*) from documents")[1][0][0],
            pq.read_table(out / "parquet" / "documents.parquet").num_rows)


def test_the_published_paths_are_links_through_one_pointer(tmp_path: Path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _add(inbox, 1)
    _run(inbox, out)
    _add(inbox, 2)
    _run(inbox, out)
    assert _n_documents(out) == (2, 2)
    for name in ("district.duckdb", "parquet", "review.csv"):
        assert os.readlink(out / name) == f"current/{name}"
    assert [p.name for p in (out / "versions").iterdir()] == [Path(os.readlink(out / "current")).name]
    assert not list(out.rglob("*.wal")) and not list(out.glob(".staging-*"))


def test_a_crash_before_the_swap_leaves_the_old_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _add(inbox, 1)
    _run(inbox, out)
    _add(inbox, 2)

    def power_cut(*args):
        raise KeyboardInterrupt  # the run dies between staging the new version and the swap

    monkeypatch.setattr(local, "_point_to", power_cut)
    with pytest.raises(KeyboardInterrupt):
        _run(inbox, out)
    assert _n_documents(out) == (1, 1), "readers still see the old set, whole"
    monkeypatch.undo()
    _run(inbox, out)
    assert _n_documents(out) == (2, 2)
    assert len(list((out / "versions").iterdir())) == 1, "the abandoned version is cleaned up"


def test_an_older_layout_is_taken_over(tmp_path: Path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _add(inbox, 1)
    _run(inbox, out)
    legacy = tmp_path / "legacy"  # what earlier versions published: plain files in OUT
    shutil.copytree(out, legacy, symlinks=False, ignore=shutil.ignore_patterns(".lock", "versions", "current"))
    _add(inbox, 2)
    _run(inbox, legacy)
    assert _n_documents(legacy) == (2, 2)


def test_a_full_disk_is_one_line_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _add(inbox, 1)
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**9, 10**9, 2**20))
    with pytest.raises(StoreError) as full:
        _run(inbox, out)
    assert "free disk space" in str(full.value) and "\n" not in str(full.value)


def test_a_read_only_output_is_one_line_and_keeps_the_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _add(inbox, 1)
    _run(inbox, out)
    _add(inbox, 2)

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(local.os, "rename", read_only)
    with pytest.raises(StoreError) as refused:
        _run(inbox, out)
    monkeypatch.undo()
    assert "Read-only" in str(refused.value) and "previous dataset is kept" in str(refused.value)
    assert _n_documents(out) == (1, 1)


def test_an_empty_inbox_keeps_the_previous_dataset(tmp_path: Path, cli_env: dict[str, str]):
    import subprocess
    import sys

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _add(inbox, 1)
    _run(inbox, out)
    shutil.rmtree(inbox / "镇1")
    command = [sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out)]
    kept = subprocess.run(command, env=cli_env, capture_output=True, text=True, timeout=600)
    assert kept.returncode == 1 and "previous dataset" in kept.stderr and "--allow-empty" in kept.stderr
    assert _n_documents(out) == (1, 1)
    emptied = subprocess.run([*command, "--allow-empty"], env=cli_env, capture_output=True, text=True, timeout=600)
    assert emptied.returncode == 0, emptied.stderr
    assert _n_documents(out) == (0, 0)


def test_a_nearly_full_disk_stops_the_run_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """40 KB free: one line naming the drive and the space needed, before anything is read or cached."""
    from typer.testing import CliRunner

    from jixiao.cli import app

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _add(inbox, 1)
    _run(inbox, out)
    before = _n_documents(out)
    _add(inbox, 2)
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**9, 10**9, 40 * 1024))
    cached = sorted((out / "cache" / "extract").iterdir())
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out)])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and lines[-1].startswith("error: ") and "Traceback" not in result.output, result.output
    assert "0.0 MB free on the drive mounted at" in result.output and "MB there" in result.output
    assert sorted((out / "cache" / "extract").iterdir()) == cached, "a document was read onto the full drive"
    assert _n_documents(out) == before


def test_a_cache_write_on_a_full_drive_is_one_line_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import errno
    import tempfile

    from jixiao.flows.extract import Extraction

    cache = ExtractionCache(tmp_path / "out")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    with pytest.raises(StoreError) as failed:
        cache.put(Extraction(doc_id="0" * 64, format="docx", status="failed"))
    message = str(failed.value)
    assert "No space left on device" in message and "mounted at" in message and "\n" not in message
    assert "previous dataset is kept" in message
