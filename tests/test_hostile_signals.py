"""Ctrl-C, SIGTERM and a SIGKILL of the main process alone (issue 11, 7): the run stops promptly,
says so in one line, leaves the published dataset as it was and no process behind."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import cache_state

from fixtures import build_inbox

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> tuple[Path, Path]:
    """An inbox of 40 documents and an output folder holding a dataset of its first 3 townships."""
    root = tmp_path_factory.mktemp("signals")
    inbox = root / "inbox"
    build_inbox(inbox, 40, seed=9)
    small = root / "small"
    for township in sorted(p for p in inbox.iterdir() if p.is_dir())[:3]:
        (small / township.name).mkdir(parents=True)
        for f in township.iterdir():
            (small / township.name / f.name).write_bytes(f.read_bytes())
    out = root / "out"
    subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(small), "--out", str(out)], cwd=REPO, env=cli_env,
                   check=True, capture_output=True, timeout=600)
    return inbox, out


def _fingerprint(out: Path) -> dict[str, str]:
    files = [out / "district.duckdb", *sorted((out / "parquet").glob("*.parquet"))]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def _interrupt(inbox: Path, out: Path, env: dict[str, str], sig: int, group: bool = False):
    """Start a run, send `sig` once it has read two new documents; returns (process, output, descendants)."""
    before = set(cache_state(out))
    process = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out)], cwd=REPO,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 600
    while len(set(cache_state(out)) - before) < 2:
        assert process.poll() is None and time.monotonic() < deadline, "the run never got to reading"
        time.sleep(0.05)
    descendants = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(sig)
    output, _ = process.communicate(timeout=60)
    return process, output, descendants


def _gone(processes: list[psutil.Process], seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p.pid for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return []
        time.sleep(0.1)
    for p in processes:
        if p.is_running():
            p.kill()
    return alive


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_signal_ends_the_run_in_one_line(sig: int, published: tuple[Path, Path], cli_env: dict[str, str]):
    inbox, out = published
    before = _fingerprint(out)
    process, output, descendants = _interrupt(inbox, out, cli_env, sig)
    assert process.returncode == 130, output[-2000:]
    assert output.rstrip().splitlines()[-1].startswith("stopped:"), output[-2000:]
    assert "Traceback" not in output and "ERROR" not in output, output[-2000:]
    assert not _gone(descendants), "a child process outlived the run"
    assert _fingerprint(out) == before, "the published dataset changed"
    assert not list(out.glob(".staging-*"))


def test_children_die_with_a_killed_main_process(published: tuple[Path, Path], cli_env: dict[str, str]):
    inbox, out = published
    before = _fingerprint(out)
    process, _, descendants = _interrupt(inbox, out, cli_env, signal.SIGKILL)
    assert descendants, "the run had started children (the Prefect server at least)"
    assert not _gone(descendants), "a child process outlived its killed parent"
    assert _fingerprint(out) == before
