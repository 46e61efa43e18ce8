"""End-to-end runs of the district flow on generated inboxes.

Re-running gives the same tables; adding or changing a file reads only that file; a
changed dictionary re-normalizes everything without reading any document again; the
command line exits 0 for a finished batch (even with failed documents) and 2 for usage
errors. "Read" is observed in the extraction cache: every read rewrites its entry.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import cache_state, published_tables
from typer.testing import CliRunner

from jixiao.dictionaries import BUNDLED_DIR
from fixtures import build_inbox
from jixiao.cli import app

REPO = Path(__file__).resolve().parents[1]
FORMATS = ["docx", "pdf", "txt-utf-8", "txt-gbk"]
CONTENT_TABLES = ("goals", "projects", "indicators")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four township documents, one per format family, and one truncated docx."""
    root = tmp_path_factory.mktemp("pipeline") / "inbox"
    build_inbox(root, 4, seed=11, formats=FORMATS, bad_kinds=["truncated_docx"])
    return root


def _run(inbox: Path, out: Path):
    from jixiao.flows.district import run_district

    return run_district(inbox, out, workers=1)


def _rows(out: Path, table: str) -> list[dict]:
    return pq.read_table(out / "parquet" / f"{table}.parquet").to_pylist()


def _of(rows: list[dict], doc_ids: set[str]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows if r["doc_id"] in doc_ids)


def test_rerun_gives_identical_tables(inbox: Path, tmp_path: Path, prefect_harness):
    out = tmp_path / "out"
    first = _run(inbox, out)
    before, cache = published_tables(out), cache_state(out)
    second = _run(inbox, out)
    assert first.n_read == first.n_documents == len([p for p in inbox.rglob("*") if p.is_file()])
    assert second.n_read == 0 and cache_state(out) == cache
    assert published_tables(out) == before
    assert len({r["doc_id"] for r in _rows(out, "documents")}) == first.n_documents
    assert first.n_failed == 1 and first.n_indicators > 0


def test_added_and_changed_files_are_the_only_ones_read(inbox: Path, tmp_path: Path, prefect_harness):
    work = tmp_path / "inbox"
    shutil.copytree(inbox, work)
    out = tmp_path / "out"
    _run(work, out)
    old_docs = {r["source_path"]: r["doc_id"] for r in _rows(out, "documents")}
    before = {t: _rows(out, t) for t in CONTENT_TABLES}

    extra = tmp_path / "extra"
    build_inbox(extra, 2, seed=12, formats=["docx", "txt-utf-8"], with_bad=False)
    added, replacement = next(extra.rglob("*.docx")), next(extra.rglob("*.txt"))
    shutil.copytree(added.parent, work / added.parent.name)
    changed = next(p for p in sorted(old_docs) if p.endswith(".txt"))
    shutil.copyfile(replacement, work / changed)  # same path, new content

    summary = _run(work, out)
    assert summary.n_read == 2
    docs = {r["source_path"]: r["doc_id"] for r in _rows(out, "documents")}
    new_ids = {docs[f"{added.parent.name}/{added.name}"], docs[changed]}
    assert old_docs[changed] not in docs.values(), "the old version of a changed file is gone"
    for table in CONTENT_TABLES:
        rows = _rows(out, table)
        assert {r["doc_id"] for r in rows if r["doc_id"] in new_ids} == new_ids, f"new rows in {table}"
        kept = set(old_docs.values()) - {old_docs[changed]}
        assert _of(rows, kept) == _of(before[table], kept), f"unchanged documents keep their {table} rows"


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_changed_dictionary_renormalizes_without_rereading(inbox: Path, tmp_path: Path, cli_env: dict[str, str]):
    dictionaries = tmp_path / "dictionaries"
    shutil.copytree(BUNDLED_DIR, dictionaries, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    env = {**cli_env, "JIXIAO_DICTIONARIES": str(dictionaries)}
    out = tmp_path / "out"
    assert _cli(["run", str(inbox), "--out", str(out), "--workers", "1"], env).returncode == 0
    exact = next(r for r in _rows(out, "indicators") if r["match_method"] == "exact" and r["source"] == "table")
    renamed = f"{exact['indicator']}（新名）"
    vocabulary = yaml.safe_load((dictionaries / "indicators.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in vocabulary["indicators"] if e["id"] == exact["indicator_id"])
    entry["synonyms"] = [*entry.get("synonyms", []), entry["name"]]
    entry["name"] = renamed
    (dictionaries / "indicators.yaml").write_text(yaml.safe_dump(vocabulary, allow_unicode=True), encoding="utf-8")
    cache = cache_state(out)

    result = _cli(["run", str(inbox), "--out", str(out), "--workers", "1"], env)
    assert result.returncode == 0, result.stderr
    assert cache_state(out) == cache, "no document was read again"
    assert "read now 0" in result.stdout
    again = [r for r in _rows(out, "indicators") if r["name_raw"] == exact["name_raw"] and r["source"] == "table"]
    assert again and all(r["indicator"] == renamed and r["indicator_id"] == exact["indicator_id"] for r in again)
    assert all(r["match_method"] == "synonym" for r in again)


@pytest.mark.parametrize("args", [["run", "{missing}"], ["run", "{inbox}", "--max-mb", "0"],
                                  ["run", "{inbox}", "--no-such-option"], ["run"]],
                         ids=["missing-inbox", "bad-value", "unknown-option", "no-inbox"])
def test_usage_errors_exit_2(args: list[str], inbox: Path, tmp_path: Path):
    filled = [a.format(missing=tmp_path / "nowhere", inbox=inbox) for a in args]
    result = CliRunner().invoke(app, [*filled, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out").exists(), "a usage error writes nothing"


def test_batch_with_failed_documents_exits_0(inbox: Path, tmp_path: Path, prefect_harness):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    failed = [r for r in _rows(out, "documents") if r["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["error"]
    assert "failed 1" in result.output


def test_query_without_a_dataset_says_so(tmp_path: Path):
    result = CliRunner().invoke(app, ["query", "select 1", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "jixiao run" in result.output


def test_max_mb_rejects_bigger_files_only(inbox: Path, tmp_path: Path, prefect_harness):
    work = tmp_path / "inbox"
    shutil.copytree(inbox, work)
    big = work / "超大镇" / "绩效目标.txt"
    big.parent.mkdir()
    shutil.copyfile(next(inbox.rglob("*.txt")), big)
    with big.open("r+b") as fh:
        fh.truncate(3 * 2**20 // 2)  # 1.5 MB, sparse
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(work), "--out", str(out), "--workers", "1", "--max-mb", "1"])
    assert result.exit_code == 0, result.output
    rows = {r["source_path"]: r for r in _rows(out, "documents")}
    assert rows["超大镇/绩效目标.txt"]["status"] == "failed"
    assert "too large (1.5 MB > limit 1 MB)" in rows["超大镇/绩效目标.txt"]["error"]
    assert [r["status"] for p, r in rows.items() if p.endswith(".txt") and not p.startswith("超大镇")] == ["ok", "ok"]
