"""Bounded work per document (issue 11, 4, 9 and 11): small files that ask for unbounded memory or
time are refused or clamped, and every refusal tells the clerk what to do."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from fixtures.hostile import (
    write_docx_aes,
    write_docx_bomb,
    write_docx_grid_attack,
    write_docx_many_members,
    write_docx_zip_password,
    write_pdf_many_pages,
)
from jixiao.extractors import DEFAULT_LIMITS, read_document
from jixiao.flows.extract import extract_file
from jixiao.flows.inbox import file_sha256


def _doc():
    return make_township_document(random.Random(11), "测试镇", "13021111", 2024, 2)


def _extract(path: Path):
    return extract_file(path, file_sha256(path))


@pytest.mark.parametrize("write, code, says", [
    (write_docx_bomb, "too_large", "inflates"),
    (write_docx_many_members, "too_large", "parts"),
    (write_docx_zip_password, "encrypted", "without a password"),
    (write_docx_aes, "encrypted", "without a password"),
    (write_pdf_many_pages, "too_large", "pages"),
])
def test_hostile_docx_packages_fail_with_what_to_do(tmp_path: Path, write, code: str, says: str):
    path = tmp_path / ("绩效目标.pdf" if "pdf" in write.__name__ else "绩效目标.docx")
    write(_doc(), path)
    assert path.stat().st_size < 4 * 2**20, "the attack is a small file"
    extraction = _extract(path)
    assert (extraction.status, extraction.error_code) == ("failed", code), extraction.error
    assert says in extraction.error and "—" in extraction.error and "maintainers" not in extraction.error


def test_absurd_grid_attributes_are_clamped_to_words_63_columns(tmp_path: Path):
    path = tmp_path / "绩效目标.docx"
    write_docx_grid_attack(_doc(), path)
    document = read_document(path)
    widest = max(t.n_cols for t in document.tables())
    assert widest <= 3 * DEFAULT_LIMITS.max_span
    assert all(c.col_span <= DEFAULT_LIMITS.max_span for t in document.tables() for c in t.cells)
    assert _extract(path).status in ("ok", "partial")


def test_a_table_past_the_cell_limit_is_too_large(tmp_path: Path):
    import dataclasses

    path = tmp_path / "绩效目标.docx"
    write_docx(_doc(), path)
    extraction_limits = dataclasses.replace(DEFAULT_LIMITS, max_cells=20)
    from jixiao.model.errors import ReadError
    with pytest.raises(ReadError) as refused:
        read_document(path, extraction_limits)
    assert refused.value.code == "too_large" and "split" in str(refused.value)


def test_a_file_deleted_before_it_is_read_says_put_it_back(tmp_path: Path):
    path = tmp_path / "绩效目标.docx"
    write_docx(_doc(), path)
    doc_id = file_sha256(path)
    path.unlink()
    extraction = extract_file(path, doc_id)
    assert (extraction.status, extraction.error_code, extraction.cacheable) == ("failed", "unreadable_file", False)
    assert "maintainers" not in extraction.error and "run again" in extraction.error


def test_a_file_that_changes_while_read_is_not_cached_under_its_old_hash(tmp_path: Path):
    path = tmp_path / "绩效目标.docx"
    write_docx(_doc(), path)
    stale_id = file_sha256(path)
    with path.open("ab") as fh:  # the copy went on after discovery hashed it
        fh.write(b"\0" * 100)
    extraction = extract_file(path, stale_id)
    assert extraction.status == "failed" and not extraction.cacheable and "copied" in extraction.error
