"""The Prefect API server a run keeps for the next one (flows.kept_api): reused, stopped on request,
stopped by itself once idle, never picked while it stops."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from jixiao.flows import kept_api

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "inbox"


def _jixiao(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)


def test_a_second_run_reuses_the_kept_server_until_it_is_stopped(tmp_path: Path, cli_env: dict[str, str]) -> None:
    env = {**cli_env, "PREFECT_HOME": str(tmp_path / "prefect-home"), "JIXIAO_KEEP_API": "5"}
    first = _jixiao("run", str(EXAMPLES), "--out", str(tmp_path / "a"), env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "kept 5 minutes after the run" in first.stdout
    kept = kept_api.find_kept_api(tmp_path / "prefect-home")
    assert kept is not None and psutil.pid_exists(kept.pid), "the server outlived the run that started it"

    second = _jixiao("run", str(EXAMPLES), "--out", str(tmp_path / "b"), env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"kept from an earlier run ({kept.url})" in second.stdout
    assert "Prefect API ready" not in second.stdout  # nothing to wait for

    status = _jixiao("api", "status", env=env)
    assert f"kept at {kept.url} (pid {kept.pid})" in status.stdout.replace("\n", " ")
    stopped = _jixiao("api", "stop", env=env)
    assert f"stopping the Prefect API server at {kept.url}" in stopped.stdout
    try:
        psutil.Process(kept.pid).wait(timeout=30)
    except psutil.NoSuchProcess:
        pass
    assert not psutil.pid_exists(kept.pid) or psutil.Process(kept.pid).status() == psutil.STATUS_ZOMBIE
    assert kept_api.find_kept_api(tmp_path / "prefect-home") is None
    assert "no kept Prefect API server" in _jixiao("api", "status", env=env).stdout


def test_the_server_stops_itself_once_its_lease_is_older_than_the_idle_time(tmp_path: Path) -> None:
    lease = tmp_path / "jixiao-api-1.lease"
    lease.touch()
    should_exit = threading.Event()
    watcher = threading.Thread(target=kept_api._watch, args=(should_exit, lease, 1.0), daemon=True)
    watcher.start()
    assert not should_exit.wait(0.5), "stopped before its idle time"
    watcher.join(timeout=10)
    assert should_exit.is_set() and not lease.exists(), "the lease is removed, so no run picks this server again"


def test_a_run_keeps_the_lease_fresh_while_it_runs(tmp_path: Path, monkeypatch) -> None:
    lease = tmp_path / "jixiao-api-1.lease"
    lease.touch()
    old = time.time() - 3600
    import os

    os.utime(lease, (old, old))
    monkeypatch.setattr(kept_api, "LEASE_TOUCH_SECONDS", 0.05)
    with kept_api.holding(kept_api.KeptApi(url="http://127.0.0.1:1/api", pid=os.getpid(), lease=lease)):
        time.sleep(0.3)
        assert time.time() - lease.stat().st_mtime < 5
    assert time.time() - lease.stat().st_mtime < 5


def test_a_record_of_a_dead_server_or_another_prefect_is_not_used(tmp_path: Path) -> None:
    import json

    lease = tmp_path / "jixiao-api-9.lease"
    lease.touch()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / kept_api.RECORD).write_text(json.dumps({"url": "http://127.0.0.1:9/api", "pid": dead.pid,
                                                        "lease": str(lease), "prefect": "0"}), encoding="utf-8")
    assert kept_api.find_kept_api(tmp_path) is None
