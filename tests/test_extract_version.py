"""The extraction cache's version comes from the reader and parser code, so nobody has to bump it."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

from jixiao.flows.extract import (
    VERSIONED_PACKAGES,
    Extraction,
    ExtractionCache,
    extraction_version,
    source_digest,
)


def _copy_of(package: str, tmp_path: Path) -> Path:
    folder = Path(importlib.import_module(package).__file__).parent
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_a_changed_reader_or_parser_file_changes_the_version(tmp_path: Path):
    readers, parsing = _copy_of("jixiao.extractors", tmp_path), _copy_of("jixiao.parsing", tmp_path)
    before = source_digest([readers, parsing])
    (readers / "pdf" / "grid.py").write_text((readers / "pdf" / "grid.py").read_text() + "\n# changed\n")
    after_reader = source_digest([readers, parsing])
    parser = next(parsing.glob("*.py"))
    parser.write_text(parser.read_text() + "\n# changed\n")
    after_parser = source_digest([readers, parsing])
    assert len({before, after_reader, after_parser}) == 3


def test_moving_a_file_changes_the_version_and_bytecode_does_not(tmp_path: Path):
    readers = _copy_of("jixiao.extractors", tmp_path)
    before = source_digest([readers])
    (readers / "__pycache__").mkdir()
    (readers / "__pycache__" / "text.cpython-311.pyc").write_bytes(b"\x00" * 16)
    (readers / "notes.txt").write_text("not code")
    assert source_digest([readers]) == before
    (readers / "text.py").rename(readers / "plain_text.py")
    assert source_digest([readers]) != before


def test_dictionaries_the_code_names_are_part_of_the_version_and_others_are_not(tmp_path: Path):
    code = tmp_path / "parsing"
    code.mkdir()
    (code / "headers.py").write_text('TABLE = load_dictionary("headers")\n', encoding="utf-8")
    dictionaries = tmp_path / "dictionaries"
    dictionaries.mkdir()
    (dictionaries / "headers.yaml").write_text("budget: [预算数]\n", encoding="utf-8")
    (dictionaries / "indicators.yaml").write_text("indicators: []\n", encoding="utf-8")
    before = source_digest([code], dictionaries)
    (dictionaries / "indicators.yaml").write_text("indicators: [{id: IND-0001}]\n", encoding="utf-8")
    assert source_digest([code], dictionaries) == before  # growing the vocabulary re-reads nothing
    (dictionaries / "headers.yaml").write_text("budget: [预算数, 年度预算]\n", encoding="utf-8")
    assert source_digest([code], dictionaries) != before


def test_the_versioned_code_is_the_readers_parser_model_and_normalizers():
    assert set(VERSIONED_PACKAGES) >= {"jixiao.extractors", "jixiao.parsing", "jixiao.model"}
    assert extraction_version() == extraction_version()  # computed once, stable within a process


def test_results_of_another_version_are_read_again(tmp_path: Path):
    cache = ExtractionCache(tmp_path)
    cache.put(Extraction(doc_id="a" * 64, format="txt", status="failed", error="x", version="older"))
    cache.put(Extraction(doc_id="b" * 64, format="txt", status="failed", error="x"))
    assert cache.get("a" * 64) is None and not cache.reusable("a" * 64)
    assert cache.get("b" * 64).version == extraction_version() and cache.reusable("b" * 64)
