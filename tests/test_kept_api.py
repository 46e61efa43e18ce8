"""The Prefect API server a run keeps for the next one (flows.runtime.kept_api): reused, stopped on request,
stopped by itself once idle, never picked while it stops."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from jixiao.flows.runtime import kept_api

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "inbox"


def _jixiao(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_a_second_run_reuses_the_kept_server_until_it_is_stopped(tmp_path: Path, cli_env: dict[str, str]) -> None:
    env = {**cli_env, "PREFECT_HOME": str(tmp_path / "prefect-home"), "JIXIAO_KEEP_API": "5"}
    # Verbose, through pipes: the kept server must not hold them (the run's output would not end).
    first = _jixiao("run", str(EXAMPLES), "--out", str(tmp_path / "a"), "-v", env=env, timeout=240)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "kept 5 minutes after the run" in first.stdout
    kept = kept_api.find_kept_api(tmp_path / "prefect-home")
    assert kept is not None and psutil.pid_exists(kept.pid), "the server outlived the run that started it"
    assert (tmp_path / "prefect-home" / "jixiao-api-db.json").exists(), "its next start may skip the migrations"

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
    lease = tmp_path / "jixiao-api-9.lease"
    lease.touch()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / kept_api.RECORD).write_text(json.dumps({"url": "http://127.0.0.1:9/api", "pid": dead.pid,
                                                        "lease": str(lease), "prefect": "0"}), encoding="utf-8")
    assert kept_api.find_kept_api(tmp_path) is None


def _prefect_like_database(path: Path, revision: str = "27d8f4e1a6c9", block_types: bool = True) -> Path:
    """A SQLite file with the two tables flows.runtime.api_database reads from Prefect's database."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
        connection.execute("CREATE TABLE block_type (id CHAR(36), slug VARCHAR)")
        if block_types:
            connection.execute("INSERT INTO block_type VALUES ('1', 'secret')")
    connection.close()
    return path.resolve()


def test_the_database_is_known_current_only_as_a_migrating_start_of_this_prefect_left_it(tmp_path: Path) -> None:
    import sqlite3

    from jixiao.flows.runtime import api_database

    database = _prefect_like_database(tmp_path / "prefect.db")
    assert not api_database.known_current(tmp_path, database, "3.9.1"), "a fresh home has no marker: migrate"
    api_database.mark_current(tmp_path, database, "3.9.1")
    assert api_database.known_current(tmp_path, database, "3.9.1")
    assert not api_database.known_current(tmp_path, database, "3.9.2"), "another Prefect version: migrate"
    other = _prefect_like_database(tmp_path / "other.db")
    assert not api_database.known_current(tmp_path, other, "3.9.1"), "the marker names another database"
    assert not api_database.known_current(tmp_path, None, "3.9.1"), "not SQLite: always migrate"

    with sqlite3.connect(database) as connection:  # migrated since (e.g. by another Prefect on the same home)
        connection.execute("UPDATE alembic_version SET version_num = 'b0f7c0d4a1e2'")
    connection.close()
    assert not api_database.known_current(tmp_path, database, "3.9.1")
    api_database.mark_current(tmp_path, database, "3.9.1")
    assert api_database.known_current(tmp_path, database, "3.9.1")

    database.unlink()
    assert not api_database.known_current(tmp_path, database, "3.9.1"), "a deleted database must be created"
    _prefect_like_database(database, block_types=False)
    api_database.mark_current(tmp_path, database, "3.9.1")
    assert not api_database.known_current(tmp_path, database, "3.9.1"), "no block types yet: register them"
    (tmp_path / api_database.MARKER).write_text("{not json", encoding="utf-8")
    assert not api_database.known_current(tmp_path, database, "3.9.1")
    api_database.mark_current(tmp_path / "gone", _prefect_like_database(tmp_path / "ok.db"), "3.9.1")  # no raise


def test_the_database_file_is_read_from_prefects_connection_url(tmp_path: Path) -> None:
    from jixiao.flows.runtime.api_database import database_file

    assert database_file(f"sqlite+aiosqlite:///{tmp_path}/prefect.db") == (tmp_path / "prefect.db").resolve()
    assert database_file("sqlite+aiosqlite:///:memory:") is None
    assert database_file("postgresql+asyncpg://prefect@db:5432/prefect") is None
    assert database_file(None) is None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_until_healthy(home: Path, port: int) -> subprocess.Popen:
    """A private server (no lease) on `home`, once it answers; its output is read when it is stopped."""
    from jixiao.flows.runtime.startup import healthy

    process = subprocess.Popen([sys.executable, "-m", "jixiao.flows.runtime.kept_api", "--port", str(port)],
                               env={**kept_api.server_environment(), "PREFECT_HOME": str(home)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 180
    while not healthy(f"http://127.0.0.1:{port}/api"):
        assert process.poll() is None, process.communicate()[0]
        assert time.time() < deadline, "the server did not answer within 180 s"
        time.sleep(0.1)
    return process


def _stop(process: subprocess.Popen) -> str:
    process.terminate()
    return process.communicate(timeout=60)[0]


def test_a_server_start_skips_migrations_only_on_a_database_a_migrating_start_of_this_prefect_marked(
        tmp_path: Path) -> None:
    import urllib.request
    from importlib.metadata import version

    from jixiao.flows.runtime import api_database

    home = tmp_path / "prefect-home"
    marker = home / api_database.MARKER
    skipped = "migrations and block registration skipped"

    first = _serve_until_healthy(home, _free_port())  # fresh home: creates and migrates the database
    assert skipped not in _stop(first)
    recorded = json.loads(marker.read_text(encoding="utf-8"))
    assert recorded["prefect"] == version("prefect") and recorded["database"] == str((home / "prefect.db").resolve())

    second = _serve_until_healthy(home, port := _free_port())
    try:  # the API works on the skipped start: a real query against the database
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/flow_runs/filter", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
            assert response.status == 200 and json.loads(response.read()) == []
    finally:
        assert skipped in _stop(second)

    marker.write_text(json.dumps({**recorded, "prefect": "3.0.0"}), encoding="utf-8")  # left by another Prefect
    third = _serve_until_healthy(home, _free_port())
    assert skipped not in _stop(third)
    assert json.loads(marker.read_text(encoding="utf-8"))["prefect"] == version("prefect"), "migrated, marked again"


def test_api_status_reads_the_lease_without_renewing_it(tmp_path: Path, monkeypatch) -> None:
    import os

    from typer.testing import CliRunner

    from jixiao.cli import app

    lease = tmp_path / "jixiao-api-9.lease"
    lease.touch()
    old = time.time() - 300
    os.utime(lease, (old, old))
    (tmp_path / kept_api.RECORD).write_text(json.dumps({"url": "http://127.0.0.1:9/api", "pid": os.getpid(),
                                                        "lease": str(lease), "prefect": kept_api.version("prefect")}),
                                            encoding="utf-8")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["api", "status"])
    assert result.exit_code == 0 and "last used 300 s ago" in " ".join(result.stdout.split()), result.stdout
    assert abs(lease.stat().st_mtime - old) < 1, "asking for the status kept the server alive"
    assert kept_api.find_kept_api(tmp_path) is not None and time.time() - lease.stat().st_mtime < 5, "a run renews it"
