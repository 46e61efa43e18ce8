"""How much memory reader children may use, so that all of them at once fit the machine.

Each reader child is capped (RLIMIT_DATA, flows.runtime.guard) and several run at once; caps that add up
past the memory the machine (or its container's cgroup) has let the kernel's OOM killer pick a reader,
and the document would fail for a reason that is not its own. So the run shares out a part of that
memory (READER_SHARE: the rest is for jixiao's own process, Prefect's API server and LibreOffice):
each reader gets at most Limits.max_memory_bytes, and there are no more readers at once than can have
MIN_READER_BYTES each (OCR of a page needs about a gigabyte). A process-wide count of reader slots
holds the number of live children to that, however many threads want one.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from jixiao.extractors import DEFAULT_LIMITS

READER_SHARE = 0.7
MIN_READER_BYTES = 2**30
_CGROUP_LIMITS = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))


@dataclass(frozen=True)
class ReaderBudget:
    readers: int  # reader children alive at once
    memory_bytes: int  # the cap of each


def machine_memory() -> int | None:
    """Bytes of memory this process may use: the physical memory, or its cgroup's limit when lower."""
    try:
        found = [os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")]
    except (ValueError, OSError, AttributeError):  # not a POSIX system
        found = []
    for path in _CGROUP_LIMITS:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # "max" or a huge number: no limit
            found.append(int(text))
    return min(found) if found else None


def reader_budget(workers: int, memory: int | None = None) -> ReaderBudget:
    """At most `workers` readers, each capped so that all of them fit in READER_SHARE of `memory`
    (default: machine_memory()); fewer readers when each would get less than MIN_READER_BYTES."""
    memory = machine_memory() if memory is None else memory
    if memory is None:
        return ReaderBudget(workers, DEFAULT_LIMITS.max_memory_bytes)
    share = int(memory * READER_SHARE)
    readers = max(1, min(workers, share // MIN_READER_BYTES))
    return ReaderBudget(readers, max(min(DEFAULT_LIMITS.max_memory_bytes, share // readers), MIN_READER_BYTES // 2))


_budget: ReaderBudget | None = None
_slots: threading.Semaphore | None = None
_lock = threading.Lock()


def use_budget(budget: ReaderBudget) -> None:
    """The run's budget: every reader child started from now on is capped and counted by it."""
    global _budget, _slots
    with _lock:
        _budget, _slots = budget, threading.BoundedSemaphore(budget.readers)


def current_budget() -> ReaderBudget:
    """The run's budget, else one for a reader per CPU core."""
    if _budget is None:
        use_budget(reader_budget(os.cpu_count() or 1))
    assert _budget is not None
    return _budget


def take_slot(stopping: threading.Event) -> threading.Semaphore | None:
    """Wait for a reader slot (None when `stopping` is set first); give it back with `.release()`."""
    current_budget()
    slots = _slots
    assert slots is not None
    while not stopping.is_set():
        if slots.acquire(timeout=0.5):
            return slots
    return None
