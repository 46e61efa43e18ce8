"""A re-run over unchanged inputs keeps the published dataset and says so; any change rebuilds.

Runs the CLI as a user does (subprocesses with their own Prefect home). No timings: speed is in
benchmarks/bench_pipeline.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import cache_state, published_tables
from fixtures.inbox import build_inbox
from jixiao.dictionaries import BUNDLED_DIR
from jixiao.flows.dataset import build_dataset
from jixiao.flows.extract import Extraction, ExtractionCache, extract_file
from jixiao.flows.fingerprint import FINGERPRINT_FILE, inputs_fingerprint, unchanged_summary
from jixiao.flows.inbox import discover_inbox

REPO = Path(__file__).resolve().parents[1]
NOTHING_CHANGED = "nothing changed"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("unchanged") / "inbox"
    build_inbox(root, 3, seed=21, formats=["docx", "pdf", "txt-utf-8"], with_bad=False)
    return root


def _run(inbox: Path, out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out),
                             "--workers", "1", *extra], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _published_version(out: Path) -> str:
    return os.readlink(out / "current")


def test_unchanged_rerun_keeps_the_dataset_and_changes_rebuild(inbox: Path, tmp_path: Path,
                                                                cli_env: dict[str, str]) -> None:
    dictionaries = tmp_path / "dictionaries"
    shutil.copytree(BUNDLED_DIR, dictionaries, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    env = {**cli_env, "JIXIAO_DICTIONARIES": str(dictionaries)}
    work, out = tmp_path / "inbox", tmp_path / "out"
    shutil.copytree(inbox, work)
    first = _run(work, out, env)
    assert NOTHING_CHANGED not in first.stdout
    assert (out / FINGERPRINT_FILE).exists()
    tables, cache, version = published_tables(out), cache_state(out), _published_version(out)

    again = _run(work, out, env)
    assert NOTHING_CHANGED in again.stdout and "read now 0, cached 3" in again.stdout
    assert "Prefect" not in again.stdout.replace("Prefect was not started", "")
    assert _published_version(out) == version, "the published dataset was not rebuilt"
    assert published_tables(out) == tables and cache_state(out) == cache

    with (dictionaries / "indicators.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# a comment is a change too\n")
    dictionary_changed = _run(work, out, env)
    assert NOTHING_CHANGED not in dictionary_changed.stdout and "read now 0" in dictionary_changed.stdout
    assert _published_version(out) != version and published_tables(out) == tables

    extra = tmp_path / "extra"
    build_inbox(extra, 1, seed=22, formats=["txt-utf-8"], with_bad=False)
    added = next(extra.rglob("*.txt"))
    shutil.copytree(added.parent, work / added.parent.name)
    file_added = _run(work, out, env)
    assert NOTHING_CHANGED not in file_added.stdout and "read now 1, cached 3" in file_added.stdout
    assert len(published_tables(out)["documents"]) == 4


def test_a_result_to_retry_leaves_no_fingerprint(inbox: Path, tmp_path: Path) -> None:
    files = discover_inbox(inbox)
    cache = ExtractionCache(tmp_path)
    for file in files:
        cache.put(extract_file(file.path, file.doc_id))
    fingerprint = inputs_fingerprint(inbox, files, None, 50 * 2**20)
    build_dataset(files, tmp_path, fingerprint=fingerprint)
    assert unchanged_summary(tmp_path, fingerprint)["n_documents"] == 3
    assert unchanged_summary(tmp_path, inputs_fingerprint(inbox, files, 2031, 50 * 2**20)) is None

    retry = Extraction(doc_id=files[0].doc_id, format="docx", status="failed", error_code="internal",
                       error="a reader bug", cacheable=False)
    cache.put(retry)
    assert not cache.reusable(files[0].doc_id)
    build_dataset(files, tmp_path, fingerprint=fingerprint)
    assert not (tmp_path / FINGERPRINT_FILE).exists(), "the next run must read that document again"
    assert unchanged_summary(tmp_path, fingerprint) is None


def test_cache_files_are_checked_by_their_head_and_a_damaged_one_is_read_again(inbox: Path, tmp_path: Path) -> None:
    file = discover_inbox(inbox)[0]
    cache = ExtractionCache(tmp_path)
    cache.put(extract_file(file.path, file.doc_id))
    assert cache.reusable(file.doc_id)
    path = tmp_path / "cache" / "extract" / f"{file.doc_id}.json"
    head = json.loads(path.read_bytes())
    assert list(head)[:2] == ["doc_id", "cacheable"] and list(head)[-2:] == ["version", "parsed"]
    path.write_bytes(path.read_bytes()[:-40] + b"}")  # the head intact, the body damaged
    assert cache.reusable(file.doc_id)  # the head says so; the build finds out …
    assert cache.get(file.doc_id) is None
    assert not cache.reusable(file.doc_id), "… and removes it, so the next run reads the file again"
