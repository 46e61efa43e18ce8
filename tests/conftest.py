"""Shared test fixtures: paths to the committed generated files and to ../shared samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"

# Prefect must stay quiet and local in tests; set before any test imports prefect.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "samples").is_dir():
        pytest.skip(f"shared samples not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def seed_path(shared: Path) -> Path:
    return shared / "samples" / "seed" / "部门整体绩效目标.txt"


@pytest.fixture(scope="session")
def example_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/inbox read and published once per session (no flow: the flow has its own tests)."""
    from jixiao.dataset import build_dataset
    from jixiao.extract import ExtractionCache, extract_file
    from jixiao.inbox import discover_inbox

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

    with prefect_test_harness():
        yield


def pytest_sessionfinish(session, exitstatus):
    """No tests collected (exit 5) is a broken suite, not a pass."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
