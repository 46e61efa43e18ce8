"""Legacy word processing files (.doc, .wps, .rtf) made by LibreOffice from a generated .docx, read
through the LibreOffice conversion: the same targets as the .docx, conversions cached by doc_id, and
the failures a clerk can act on (no LibreOffice, a file that hangs it)."""

from __future__ import annotations

import hashlib
import os
import random
import stat
import time
from pathlib import Path

import pytest

from fixtures.content import make_township_document
from fixtures.records import TownshipDocument
from fixtures.docx_writer import write_docx
from fixtures.office import soffice, write_legacy_word
from jixiao.extractors import legacy, read_document
from jixiao.extractors.base import Limits
from jixiao.flows.extract import extract_file
from jixiao.model.errors import ReadError
from jixiao.parsing.structure import parse_document
from tests.conftest import needs_soffice


@pytest.fixture(scope="module")
def township() -> TownshipDocument:
    return make_township_document(random.Random(23), "岳屯镇", "13020813", 2024, 3)


@pytest.fixture(scope="module")
def documents(tmp_path_factory, township) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("legacy")
    write_docx(township, folder / "目标.docx")
    found = {"docx": folder / "目标.docx"}
    if soffice() is not None:
        for ext in ("doc", "rtf", "wps"):  # WPS Office's .wps is Word's binary format under its own name
            found[ext] = write_legacy_word(township, folder / f"目标.{ext}")
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _targets(parsed) -> tuple:
    return ([(p.project_code, p.budget_wan, p.plan_dec) for p in parsed.projects],
            [(i.project_code, i.level2_raw, i.name_raw, i.value_raw, i.basis_raw) for i in parsed.indicators],
            [(g.kind, g.title) for g in parsed.goals])


@needs_soffice
@pytest.mark.parametrize("ext", ["doc", "rtf", "wps"])
def test_legacy_file_reads_like_its_docx(documents, ext):
    document = read_document(documents[ext])
    assert (document.format, document.read_method) == (ext, "converted")
    legacy_targets = _targets(parse_document(document))
    assert legacy_targets == _targets(parse_document(read_document(documents["docx"])))
    assert legacy_targets[0] and legacy_targets[1]


@needs_soffice
def test_a_batch_converts_once_and_reuses_the_cache(documents, tmp_path, monkeypatch):
    files = {_digest(documents[ext]): documents[ext] for ext in ("doc", "rtf")}
    with legacy.batch_conversions(tmp_path / "converted", files, Limits()) as batch:
        assert sorted(p.stem for p in (tmp_path / "converted").glob("*.docx")) == sorted(files)
        assert not batch.errors
        assert read_document(documents["doc"]).format == "doc"
    monkeypatch.setattr(legacy, "find_soffice", lambda: None)  # a re-run needs no LibreOffice for cached files
    with legacy.batch_conversions(tmp_path / "converted", files, Limits()):
        assert read_document(documents["rtf"]).read_method == "converted"
    assert not list((tmp_path / "converted").glob(".converting-*"))


def test_without_libreoffice_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: None)
    path = tmp_path / "目标.rtf"
    path.write_bytes(b"{\\rtf1\\ansi 2024}")
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert error.value.code == "needs_libreoffice" and "install" in str(error.value)
    extraction = extract_file(path, _digest(path))
    assert (extraction.status, extraction.error_code, extraction.cacheable) == ("failed", "needs_libreoffice", False)


def test_a_file_that_hangs_libreoffice_fails_alone_with_timeout(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(legacy, "find_soffice", lambda: str(fake))
    monkeypatch.setattr(legacy, "_STARTUP_SECONDS", 0.2)
    sources = {}
    for name in ("a", "b"):
        sources[name] = tmp_path / f"{name}.rtf"
        sources[name].write_bytes(b"{\\rtf1 " + name.encode() + b"}")
    conversions = legacy.Conversions(tmp_path / "converted", timeout=0.2)
    started = time.monotonic()
    conversions.convert(sources)
    assert time.monotonic() - started < 20  # the batch was stopped, then each file once more, not 30 s each
    assert {k: e.code for k, e in conversions.errors.items()} == {"a": "timeout", "b": "timeout"}
    # no half-written docx, and no lasting failure: a busy machine may have been the cause
    assert os.listdir(tmp_path / "converted") == []
    # the reading child is told, instead of hanging LibreOffice again
    monkeypatch.setattr(legacy, "find_soffice", lambda: pytest.fail("LibreOffice started for a known failure"))
    child = legacy.Conversions(tmp_path / "converted", timeout=0.2, known=conversions.passed_on())
    with pytest.raises(ReadError) as error:
        child.docx_for(sources["a"], "a")
    assert error.value.code == "timeout" and "Word or WPS" in str(error.value)
    tried = []
    monkeypatch.setattr(legacy, "find_soffice", lambda: tried.append(1) or str(fake))
    with pytest.raises(ReadError):
        legacy.Conversions(tmp_path / "converted", timeout=0.2).docx_for(sources["a"], "a")
    assert tried, "the next run converts the file again"


def test_a_damaged_doc_fails_with_an_actionable_error(tmp_path):
    from fixtures.bad import write_legacy_doc

    path = tmp_path / "目标.doc"
    write_legacy_doc(None, path)
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert error.value.code in ("conversion_failed", "needs_libreoffice") and ".docx" in str(error.value)
