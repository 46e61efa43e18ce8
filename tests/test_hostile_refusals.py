"""Cheap refusals first, in words that say what is wrong (issue 21): a TIFF of 3,000 frames is refused at
open, before any page is recognised; a 1 × 100000 image is no page (not an OpenCV assertion); a package
too big to parse is too large, not damaged; a zip re-packed with LZMA is an unsupported compression, not
a password; an RTF saved under .doc is read as Word reads it."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from fixtures.xlsx_writer import write_xlsx
from jixiao.extractors import reader_for
from jixiao.flows.extract import extract_file
from jixiao.flows.inbox import file_sha256


def _extract(path: Path):
    return extract_file(path, file_sha256(path))


def _doc():
    return make_township_document(random.Random(21), "测试镇", "13022121", 2024, 1)


def test_a_tiff_of_3000_frames_is_refused_before_any_page_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import jixiao.extractors.ocr.pages as pages

    monkeypatch.setattr(pages, "page_starting", lambda: pytest.fail("a page was recognised before the refusal"))
    path = tmp_path / "扫描.tif"
    frame = Image.new("L", (16, 16), 255)
    frame.save(path, save_all=True, append_images=[frame] * 2999)
    extraction = _extract(path)
    assert (extraction.status, extraction.error_code) == ("failed", "too_large"), extraction.error
    assert "3000 page images" in extraction.error


@pytest.mark.parametrize("size", [(1, 100000), (60000, 3)])
def test_an_image_that_is_no_page_says_so(size: tuple[int, int], tmp_path: Path):
    path = tmp_path / "图片.png"
    Image.new("L", size, 255).save(path)
    extraction = _extract(path)
    assert (extraction.status, extraction.error_code) == ("failed", "unsupported_format"), extraction.error
    assert "too narrow to be a page" in extraction.error and "maintainers" not in extraction.error


def _repack(source: Path, target: Path, member: str, change=lambda data: data, method: int = zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", method) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item.filename, change(data) if item.filename == member else data, compress_type=method)
    return target


def test_a_docx_too_big_to_parse_is_too_large_not_damaged(tmp_path: Path):
    write_docx(_doc(), tmp_path / "原.docx")
    pasted = b"<w:body><w:p><w:r><w:t>" + b"A" * (12 * 2**20) + b"</w:t></w:r></w:p>"
    path = _repack(tmp_path / "原.docx", tmp_path / "目标.docx", "word/document.xml",
                   lambda data: data.replace(b"<w:body>", pasted, 1))
    extraction = _extract(path)
    assert (extraction.status, extraction.error_code) == ("failed", "too_large"), extraction.error
    assert "not damaged" in extraction.error


def test_a_workbook_too_big_to_open_is_too_large_not_damaged(tmp_path: Path):
    write_xlsx(_doc(), tmp_path / "原.xlsx")
    pasted = b"<!--" + b"A" * (12 * 2**20) + b"-->"  # 12 MB in one node: past what the XML parser takes
    path = _repack(tmp_path / "原.xlsx", tmp_path / "目标.xlsx", "xl/workbook.xml",
                   lambda data: data.replace(b"?>", b"?>" + pasted, 1) if b"?>" in data else pasted + data)
    extraction = _extract(path)
    assert (extraction.status, extraction.error_code) == ("failed", "too_large"), extraction.error
    assert "damaged" not in extraction.error.replace("not damaged", "")


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_an_lzma_zip_is_an_unsupported_compression_not_a_password(suffix: str, tmp_path: Path):
    original = tmp_path / f"原{suffix}"
    (write_docx if suffix == ".docx" else write_xlsx)(_doc(), original)
    path = _repack(original, tmp_path / f"目标{suffix}", "", method=zipfile.ZIP_LZMA)
    extraction = _extract(path)
    assert (extraction.status, extraction.error_code) == ("failed", "unsupported_format"), extraction.error
    assert "LZMA" in extraction.error and "password (" not in extraction.error


def test_rtf_named_doc_is_read_as_a_word_file(tmp_path: Path):
    path = tmp_path / "目标.doc"
    path.write_bytes(b"{\\rtf1\\ansi 2024}")
    assert reader_for(path, path.read_bytes()[:8]).module == "legacy"
