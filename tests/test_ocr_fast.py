"""The OCR engines (`engine` in dictionaries/ocr.yaml): faster-paddle's PP-OCRv6 tiny, the default
(pip install 'jixiao[fast-ocr]'), and rapidocr's PP-OCRv6 small: each reads the generated scans as
the text PDF reads them, offline, and a missing faster-paddle falls back to rapidocr."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.dictionaries import BUNDLED_DIR, clear_dictionary_caches
from jixiao.extractors import read_document
from jixiao.extractors.ocr import engine, fast
from jixiao.extractors.ocr.page import ocr_settings
from jixiao.parsing.structure import parse_document
from tests.test_ocr import _cells, scans  # noqa: F401 — the generated scans, made once per module


def _with_engine(name: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Dictionaries as shipped but for ocr.yaml's engine; in force from now on."""
    shutil.copytree(BUNDLED_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    ocr = folder / "ocr.yaml"
    text, n = re.subn(r"(?m)^engine: .*$", f"engine: {name}", ocr.read_text(encoding="utf-8"))
    assert n == 1
    ocr.write_text(text, encoding="utf-8")
    monkeypatch.setenv("JIXIAO_DICTIONARIES", str(folder))
    clear_dictionary_caches()
    return folder


@pytest.fixture
def fast_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if not fast.available():
        pytest.skip("faster-paddle is not installed (pip install 'jixiao[fast-ocr]')")
    folder = _with_engine("faster-paddle-tiny", tmp_path / "dictionaries", monkeypatch)
    yield folder
    monkeypatch.undo()
    clear_dictionary_caches()


def test_the_default_engine_is_the_fast_one():
    clear_dictionary_caches()
    assert ocr_settings().engine.engine == "faster-paddle-tiny"


@pytest.mark.parametrize("name", ["faster-paddle-tiny", "rapidocr"])
def test_each_engine_reads_the_scan_as_the_text_pdf_reads_it(scans: dict[str, Path], name: str,  # noqa: F811
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if name == "faster-paddle-tiny" and not fast.available():
        pytest.skip("faster-paddle is not installed (pip install 'jixiao[fast-ocr]')")
    _with_engine(name, tmp_path / "dictionaries", monkeypatch)
    assert ocr_settings().engine.engine == name
    if name == "faster-paddle-tiny":
        monkeypatch.setattr(engine, "_detector", lambda *args: pytest.fail("rapidocr was used"))
    else:
        monkeypatch.setattr(fast, "read_page", lambda *args: pytest.fail("faster-paddle was used"))
    try:
        _reads_like_the_text_pdf(scans)
    finally:
        monkeypatch.undo()
        clear_dictionary_caches()


def _reads_like_the_text_pdf(scans: dict[str, Path]) -> None:  # noqa: F811
    scanned, text = read_document(scans["scan"]), read_document(scans["text"])
    ours, theirs = _cells(scanned), _cells(text)
    assert scanned.read_method == "ocr" and len(ours) == len(theirs) == 2
    assert [set(t) for t in ours] == [set(t) for t in theirs]  # same grid, same merged cells
    same = sum(ours[i][k] == v for i, table in enumerate(theirs) for k, v in table.items())
    assert same >= 0.9 * sum(len(t) for t in theirs)
    assert [p.project_code for p in parse_document(scanned).projects] == \
        [p.project_code for p in parse_document(text).projects]


def test_fast_engine_reads_with_no_network_at_all(scans: dict[str, Path], fast_engine: Path):  # noqa: F811
    """In a network namespace of its own (no interface but loopback, down): nothing can be fetched."""
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare -n needs root (CI runs as root)")
    script = ("import sys; from pathlib import Path; from jixiao.extractors import read_document; "
              "print(read_document(Path(sys.argv[1])).text())")
    run = subprocess.run(["unshare", "-n", sys.executable, "-c", script, str(scans["page1"])],
                         capture_output=True, text=True, timeout=300,
                         env={"JIXIAO_DICTIONARIES": str(fast_engine), "PATH": "/usr/bin:/bin",
                              "HOME": str(fast_engine.parent)})
    assert run.returncode == 0, run.stderr[-2000:]
    assert "总体绩效目标" in run.stdout.replace(" ", "")


def test_a_missing_fast_engine_leaves_rapidocr(scans: dict[str, Path], tmp_path: Path,  # noqa: F811
                                               monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    _with_engine("faster-paddle-tiny", tmp_path / "dictionaries", monkeypatch)
    monkeypatch.setattr(fast, "available", lambda: False)
    engine._fast_installed.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            document = read_document(scans["page1"])
    finally:
        engine._fast_installed.cache_clear()
        clear_dictionary_caches()
    assert "jixiao[fast-ocr]" in caplog.text and "read with rapidocr" in caplog.text
    assert "总体绩效目标" in document.text().replace(" ", "")


def test_an_unknown_engine_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    _with_engine("tesseract", tmp_path / "dictionaries", monkeypatch)
    try:
        with pytest.raises(ValueError, match="'tesseract' is none of rapidocr, faster-paddle-tiny"):
            ocr_settings()
    finally:
        clear_dictionary_caches()
