"""The run's read-ahead (flows.runtime.ahead): documents read on reader children from the start, results
waited for by the flow's read tasks without reading a document twice, and a failure reaching them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jixiao.flows.runtime import ahead, guard
from jixiao.flows.extract import ExtractionCache
from jixiao.flows.inbox import file_sha256

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FILES = ["township.docx", "township_ruled.pdf", "township_gbk.txt"]


@pytest.fixture
def documents(tmp_path: Path) -> list[tuple[str, str, list[str]]]:
    items = []
    for name in FILES:
        shutil.copyfile(FIXTURES / name, tmp_path / name)
        items.append((str(tmp_path / name), file_sha256(tmp_path / name), []))
    return items


def test_the_flows_read_tasks_wait_for_what_the_read_ahead_reads(documents, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "out"
    monkeypatch.setattr(guard, "_read_each", lambda *args: pytest.fail("a document was read twice"))
    logged = []
    with ahead.ReadAhead(documents, out, 2**26, workers=2) as reading:
        assert all(reading.reads(d) for _, d, _ in documents)
        read = guard.read_into_cache([p for p, _, _ in documents], [d for _, d, _ in documents], str(out), 2**26,
                                     lambda path, extraction: logged.append((path, extraction.status)), ahead=reading)
    assert sorted(read) == sorted(d for _, d, _ in documents) and sorted(reading.done()) == sorted(read)
    assert [status for _, status in logged] == ["ok"] * len(FILES)
    cache = ExtractionCache(out)
    assert all(cache.get(d).parsed is not None for _, d, _ in documents), "the cache keeps the parsed records"
    assert all(reading.result(d).parsed is None for _, d, _ in documents), "the pool keeps only what tasks log"


def test_a_failure_of_the_read_ahead_reaches_the_tasks_waiting(documents, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    def disk_full(self, extraction):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ExtractionCache, "put", disk_full)
    with ahead.ReadAhead(documents, tmp_path / "out", 2**26, workers=1) as reading:
        with pytest.raises(OSError, match="No space left"):
            reading.result(documents[-1][1])
