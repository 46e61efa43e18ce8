"""Shared test fixtures: paths to the committed generated files and to ../shared samples."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from fixtures.office import soffice
from jixiao.dictionaries import BUNDLED_DIR, clear_dictionary_caches

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"

# Prefect must stay quiet and local in tests; set before any test imports prefect.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# CLI runs in tests stop their Prefect server with them (tests/test_kept_api.py covers the kept one).
os.environ.setdefault("JIXIAO_KEEP_API", "0")


needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed; .ci/run "
                                   "installs it, so CI runs these")


def require_shared(*parts: str) -> Path:
    """A path under ../shared. A fresh clone has no ../shared: the test skips, saying so. Under CI
    (CI=true) it is always there, so a missing folder is a broken checkout and the test fails."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = (f"{path} is missing: this test reads the shared samples in ../shared (beside the repository, "
                  "as in CI)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture
def own_dictionaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A writable copy of the shipped dictionaries, in use until the test ends."""
    folder = tmp_path / "dictionaries"
    shutil.copytree(BUNDLED_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setenv("JIXIAO_DICTIONARIES", str(folder))
    clear_dictionary_caches()
    yield folder
    monkeypatch.delenv("JIXIAO_DICTIONARIES", raising=False)
    clear_dictionary_caches()


@pytest.fixture(scope="session")
def shared() -> Path:
    require_shared("samples")
    return SHARED


@pytest.fixture(scope="session")
def seed_path(shared: Path) -> Path:
    return shared / "samples" / "seed" / "部门整体绩效目标.txt"


@pytest.fixture(scope="session")
def example_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/inbox read and published once per session (no flow: the flow has its own tests)."""
    from jixiao.flows.dataset import build_dataset
    from jixiao.flows.extract import ExtractionCache, extract_file
    from jixiao.flows.inbox import discover_inbox

    out = tmp_path_factory.mktemp("example-dataset")
    files = discover_inbox(REPO / "examples" / "inbox")
    cache = ExtractionCache(out)
    for file in files:
        cache.put(extract_file(file.path, file.doc_id))
    build_dataset(files, out)
    return out


@pytest.fixture(scope="session")
def prefect_harness():
    """One ephemeral Prefect backend for the whole session (it costs seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):  # a loaded 2-core CI machine starts it slowly
        yield


def pytest_sessionfinish(session, exitstatus):
    """No tests collected (exit 5) is a broken suite, not a pass."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for `python -m jixiao.cli` subprocesses: a Prefect home of their own (not the
    ~/.prefect database every other run on the machine shares), quiet logs, output not wrapped."""
    home = tmp_path_factory.mktemp("prefect-home")
    return {**os.environ, "PREFECT_HOME": str(home), "PREFECT_LOGGING_LEVEL": "ERROR",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180", "COLUMNS": "200"}


def published_tables(out: Path) -> dict[str, list[str]]:
    """Every published table as sorted JSON rows; DuckDB must open and hold as many rows as the Parquet."""
    import duckdb
    import pyarrow.parquet as pq

    from jixiao.model.schema import TABLES

    tables = {}
    with duckdb.connect(str(out / "district.duckdb"), read_only=True) as con:
        for name in TABLES:
            rows = pq.read_table(out / "parquet" / f"{name}.parquet").to_pylist()
            assert con.execute(f"select count(*) from {name}").fetchone()[0] == len(rows), name
            tables[name] = sorted(json.dumps(r, sort_keys=True, default=str, ensure_ascii=False) for r in rows)
    return tables


def cache_state(out: Path) -> dict[str, tuple[int, int]]:
    """Each cached extraction's inode and mtime: a document read again gets a new file."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / "cache" / "extract").glob("*.json")}


def filled_slots(table) -> list[list[str]]:
    """The text covering each grid slot ('' where nothing does): merges filled, as a reader of the form sees it."""
    grid = [[""] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                grid[r][c] = cell.text
    return grid


def build_in_process(inbox: Path, out: Path) -> dict[str, dict]:
    """Discover, read and build `inbox` in this process (no Prefect, no reader children); the documents
    rows by source path. For tests of what discovery and the build make of odd inboxes."""
    import pyarrow.parquet as pq

    from jixiao.flows.dataset import build_dataset
    from jixiao.flows.extract import ExtractionCache, extract_file
    from jixiao.flows.fingerprint import inputs_fingerprint
    from jixiao.flows.inbox import discover_inbox, primary_copies

    files = discover_inbox(inbox, exclude=out)
    cache = ExtractionCache(out)
    for file in primary_copies(files).values():
        if not file.unreadable:
            cache.put(extract_file(file.path, file.doc_id))
    build_dataset(files, out, fingerprint=inputs_fingerprint(inbox, files, None, 1 << 20))
    return {r["source_path"]: r for r in pq.read_table(out / "parquet" / "documents.parquet").to_pylist()}


def read_page(tmp_path: Path, text: str, limits=None):
    """`text` as a published page saved as page.txt, read by the text reader."""
    from jixiao.extractors.base import Limits
    from jixiao.extractors.text import read_text

    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return read_text(path, limits or Limits())


def parse_page(tmp_path: Path, text: str):
    from jixiao.parsing.structure import parse_document

    return parse_document(read_page(tmp_path, text))


def levels_and_values(parsed) -> list[tuple]:
    """(一级, 二级, 三级, 指标值) of each indicator read, as written."""
    return [(i.level1_raw, i.level2_raw, i.name_raw, i.value_raw) for i in parsed.indicators]
