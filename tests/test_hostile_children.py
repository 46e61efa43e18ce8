"""Failures the document did not cause are not cached as its result (issue 21): a reader child killed
from outside (the kernel's OOM killer, an administrator), a timeout on a busy machine and a LibreOffice
conversion killed by a signal are retried by the next run."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from jixiao.flows.extract import ExtractionCache
from jixiao.flows.guard import GuardedReader


def _hanging_file(folder: Path) -> Path:
    """A named pipe nobody writes to, named .txt: the reader blocks opening it until it is killed."""
    path = folder / "卡住.txt"
    os.mkfifo(path)
    return path


def test_a_reader_killed_from_outside_is_retried_next_run(tmp_path: Path):
    path = _hanging_file(tmp_path)
    with GuardedReader(seconds=20) as reader:
        def kill_from_outside() -> None:
            while reader._process is None or reader._process.pid is None:
                time.sleep(0.05)
            time.sleep(1)
            os.kill(reader._process.pid, signal.SIGKILL)

        threading.Thread(target=kill_from_outside, daemon=True).start()
        extraction = reader.read(path, "0" * 64, 1 << 20)
    assert extraction.status == "failed" and extraction.error_code != "too_large", extraction.error
    assert not extraction.cacheable and "next run" in extraction.error, extraction.error
    cache = ExtractionCache(tmp_path / "out")
    cache.put(extraction)
    assert not cache.reusable(extraction.doc_id)


def test_a_reader_past_its_time_limit_is_retried_next_run(tmp_path: Path):
    with GuardedReader(seconds=2) as reader:
        extraction = reader.read(_hanging_file(tmp_path), "1" * 64, 1 << 20)
    assert (extraction.error_code, extraction.cacheable) == ("timeout", False), extraction.error
