"""A run killed outright (SIGKILL: power cut, OOM killer, a closed laptop) loses nothing.

`jixiao run` runs as a subprocess on a generated inbox of ~60 documents and is killed,
with every process it started, at different moments: early in reading, late in reading,
and while building the dataset. Each time the dataset published by an earlier complete
run (on a smaller inbox) must be untouched and readable, and a re-run must finish with
exactly the tables of a clean run, without reading again what the killed run had read.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import cache_state, published_tables

from fixtures import build_inbox
from jixiao.flows.extract import ExtractionCache
from jixiao.flows.inbox import discover_inbox

REPO = Path(__file__).resolve().parents[1]
N_DOCUMENTS = 60
N_SMALL = 6  # townships in the first, complete run
TIMEOUT = 600  # seconds for one run on a loaded machine; a hang, not a speed check


@pytest.fixture(scope="module")
def inboxes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A big inbox, and a small one holding the first few of its townships."""
    root = tmp_path_factory.mktemp("resume")
    big = root / "big"
    build_inbox(big, N_DOCUMENTS, seed=5)
    small = root / "small"
    for township in sorted(p for p in big.iterdir() if p.is_dir())[:N_SMALL]:
        shutil.copytree(township, small / township.name)
    return small, big


@pytest.fixture(scope="module")
def baseline(inboxes: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> Path:
    """The output folder after a complete run on the small inbox."""
    out = tmp_path_factory.mktemp("baseline") / "out"
    _run(inboxes[0], out, cli_env)
    return out


@pytest.fixture(scope="module")
def clean(inboxes: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory,
          cli_env: dict[str, str]) -> dict[str, list[str]]:
    """The tables of an uninterrupted run on the big inbox into an empty folder."""
    out = tmp_path_factory.mktemp("clean") / "out"
    _run(inboxes[1], out, cli_env)
    return published_tables(out)


def _command(inbox: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out)]


def _run(inbox: Path, out: Path, env: dict[str, str]) -> str:
    result = subprocess.run(_command(inbox, out), cwd=REPO, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                            check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _kill_when(inbox: Path, out: Path, env: dict[str, str], ready: Callable[[], bool]) -> None:
    """Start a run in its own process group and SIGKILL the whole group as soon as `ready()`."""
    process = subprocess.Popen(_command(inbox, out), cwd=REPO, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + TIMEOUT
    try:
        while not ready():
            assert process.poll() is None, "the run ended before the moment it was to be killed at"
            assert time.monotonic() < deadline, "the run never reached the moment it was to be killed at"
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        _wait_group_gone(process.pid)


def _wait_group_gone(pgid: int) -> None:
    """Workers and the local API server die with the group; wait until none is left."""
    for _ in range(500):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    raise AssertionError(f"processes of group {pgid} survived SIGKILL")


def _published_bytes(out: Path) -> dict[str, str]:
    files = [out / "district.duckdb", *sorted((out / "parquet").glob("*.parquet"))]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def _reusable(out: Path) -> set[str]:
    """Cache file names of documents a run will not read again."""
    cache = ExtractionCache(out)
    return {p.name for p in cache.root.glob("*.json") if cache.reusable(p.stem)}


MOMENTS = ["reading-early", "reading-late", "building"]


def _moment(name: str, out: Path, n_docs: int) -> Callable[[], bool]:
    """When to kill: once a few or half of the documents were read, or once the build is staging tables."""
    if name == "building":
        return lambda: any(out.glob(".staging-*/parquet/*.parquet"))
    before = set(cache_state(out))
    target = 2 if name == "reading-early" else n_docs // 2
    return lambda: len(set(cache_state(out)) - before) >= target


@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_run_keeps_the_published_dataset_and_resumes(moment: str, inboxes: tuple[Path, Path], baseline: Path,
                                                           clean: dict[str, list[str]], tmp_path: Path,
                                                           cli_env: dict[str, str]):
    big = inboxes[1]
    out = tmp_path / "out"
    shutil.copytree(baseline, out, ignore=shutil.ignore_patterns(".lock"))
    published, tables = _published_bytes(out), published_tables(out)
    # Documents that failed in a way worth retrying (not cacheable, e.g. a scan before OCR) are read
    # again by design, possibly first (a run reads while Prefect starts); the others must not be.
    before = {k: v for k, v in cache_state(out).items() if k in _reusable(out)}
    n_docs = len({f.doc_id for f in discover_inbox(big)})

    _kill_when(big, out, cli_env, _moment(moment, out, n_docs))

    assert _published_bytes(out) == published, "the killed run changed the published files"
    assert published_tables(out) == tables, "the published dataset no longer reads the same"
    after_kill = cache_state(out)
    assert {k: after_kill[k] for k in before} == before, "documents cached before the run were read again"
    if moment == "building":
        assert len(after_kill) == n_docs, "the build starts only after every document was read"

    kept = _reusable(out)
    stdout = _run(big, out, cli_env)
    final = cache_state(out)
    assert {k: final[k] for k in kept} == {k: after_kill[k] for k in kept}, "finished documents were read again"
    assert re.search(rf"read now {n_docs - len(kept)}\b", stdout), stdout
    assert published_tables(out) == clean, "the resumed run differs from a clean run"
    assert not list(out.glob(".staging-*")), "the killed run's staging folder was left behind"
