"""The runner bounds each document (issue 11, 4 and 7): a read past its time or memory is killed,
the document fails with `timeout` / `too_large`, the next one is read by a fresh child, and no
reader process outlives the run."""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path

import pytest

from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from jixiao.flows.runtime.guard import GuardedReader
from jixiao.flows.inbox import file_sha256


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guard") / "绩效目标.docx"
    write_docx(make_township_document(random.Random(3), "测试镇", "13020003", 2024, 3), path)
    return path


def test_a_read_past_the_time_limit_is_killed_and_the_next_one_reads(document: Path):
    doc_id = file_sha256(document)
    with GuardedReader(seconds=60) as reader:
        assert reader.read(document, doc_id, 2**26).status == "ok"  # the child is up and warm
        reader.seconds = 0.001
        slow = reader.read(document, doc_id, 2**26)
        assert (slow.status, slow.error_code) == ("failed", "timeout") and "split" in slow.error
        assert not slow.cacheable  # retried next run: a loaded machine may have been the cause
        reader.seconds = 60
        assert reader.read(document, doc_id, 2**26).status == "ok", "a fresh child reads the next document"
    assert not [p for p in multiprocessing.active_children() if p.name == "jixiao-reader"]


def test_a_read_past_the_memory_limit_fails_too_large(document: Path):
    with GuardedReader(seconds=60, memory_bytes=1) as reader:
        extraction = reader.read(document, file_sha256(document), 2**26)
    assert (extraction.status, extraction.error_code) == ("failed", "too_large"), extraction.error
