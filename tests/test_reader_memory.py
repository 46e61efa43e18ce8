"""The readers' memory caps add up to what the machine has (issue 21): each reader may use 3 GiB and two
ran at once, so 6 GiB could be asked of a 4 GiB server and the kernel killed a reader. The budget comes
from the machine's (or its cgroup's) memory, and no more children live at once than it allows."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from jixiao.flows.runtime import memory
from jixiao.flows.runtime.guard import GuardedReader

GIB = 2**30


@pytest.mark.parametrize("gib", [2, 4, 8, 16, 64])
@pytest.mark.parametrize("workers", [1, 2, 4, 16])
def test_the_readers_caps_fit_the_machine(gib: int, workers: int):
    budget = memory.reader_budget(workers, gib * GIB)
    assert 1 <= budget.readers <= workers
    assert budget.readers * budget.memory_bytes <= memory.READER_SHARE * gib * GIB
    assert budget.memory_bytes >= memory.MIN_READER_BYTES or budget.readers == 1


def test_a_cgroup_limit_below_the_physical_memory_is_the_one_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    limit = tmp_path / "memory.max"
    limit.write_text(f"{4 * GIB}\n")
    monkeypatch.setattr(memory, "_CGROUP_LIMITS", (limit,))
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert memory.machine_memory() == min(4 * GIB, physical)
    limit.write_text("max\n")
    assert memory.machine_memory() == physical


def test_no_more_reader_children_live_at_once_than_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(memory, "_budget", None)
    monkeypatch.setattr(memory, "_slots", None)  # both back as they were after the test
    memory.use_budget(memory.ReaderBudget(1, 2 * GIB))
    text = tmp_path / "a.txt"
    text.write_text("测试\n", encoding="utf-8")
    first, second = GuardedReader(), GuardedReader()
    first.read(text, "0" * 64, 2**20)
    started = threading.Event()

    def read_second() -> None:
        second.read(text, "1" * 64, 2**20)
        started.set()

    thread = threading.Thread(target=read_second, daemon=True)
    thread.start()
    time.sleep(2)
    assert not started.is_set() and second._process is None, "a second child started past the budget"
    first.close()
    thread.join(60)
    assert started.is_set()
    second.close()
