"""A Prefect API server jixiao leaves running on purpose, so the next run does not start one.

Starting Prefect's local API server costs a small run most of its time (~2.5 CPU s, mostly importing
`prefect.server`; ~3.5 s wall on an idle 2-core machine). A bureau runs jixiao many times a day, so
the server a run starts is kept for `--keep-api` minutes (default 10) after the last run that used
it, then stops by itself; the next run within that time reports to it. `jixiao api status` shows it,
`jixiao api stop` stops it, `--keep-api 0` gives a run a private server that stops with it.

The start itself is trimmed (it competes with the first run's readers for the two cores): no
automation services (server_environment), Prefect's migration check and block registration skipped
on a database known current (flows.runtime.api_database), the cyclic garbage collector off until it answers.

Bookkeeping, all in PREFECT_HOME (the server belongs to that Prefect home and its database):
- `jixiao-api.json`: the kept server's url, pid, Prefect version and lease file;
- `jixiao-api-<port>.lease`: its modification time is the server's last use; runs touch it when they
  start, every LEASE_TOUCH_SECONDS while they run and when they end. The server stops when it is
  older than its idle time, or gone;
- `jixiao-api.lock`: held while a run looks for (or starts) the server and while the server decides
  to stop, so a run never picks a server that is stopping;
- `jixiao-api-db.json`: the database a start with migrations left current (flows.runtime.api_database).

Run as `python -m jixiao.flows.runtime.kept_api --port P --idle-seconds S --lease FILE` (by `start_kept_api`),
or without the lease as a run's private server (flows.runtime.startup, `--keep-api 0`).
Light on purpose, like flows.runtime.startup: nothing of Prefect is imported in the run's process.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import filelock

from jixiao.flows.runtime import api_database

RECORD = "jixiao-api.json"
LEASE_TOUCH_SECONDS = 30.0
_WATCH_SECONDS = 2.0


@dataclass(frozen=True)
class KeptApi:
    """The server a run found or started: where it answers and which process it is."""

    url: str
    pid: int
    lease: Path

    def alive(self) -> bool:
        return _pid_alive(self.pid)


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(home / "jixiao-api.lock", timeout=30):
        yield


def find_kept_api(home: Path | None = None, renew: bool = True) -> KeptApi | None:
    """The kept server of this Prefect home, if its process lives and runs this Prefect version;
    with `renew` its lease is touched, so it stays up for the run that asked (`jixiao api status`
    only looks: asking how long the server lives must not keep it alive)."""
    home = home or prefect_home()
    with _locked(home):
        kept = _recorded(home)
        if kept is not None and renew:
            kept.lease.touch()
        return kept


def start_kept_api(port: int, idle_minutes: float, home: Path | None = None) -> KeptApi:
    """Start a server that outlives this run (its own session: Ctrl-C in the terminal does not reach
    it) and record it. A concurrent run that got there first wins: its server is returned instead.
    Its output goes to PREFECT_HOME/jixiao-api.log, also with --verbose: a server that held the run's
    stdout would keep `jixiao run -v | tee run.log` waiting for its idle time."""
    home = home or prefect_home()
    with _locked(home):
        kept = _recorded(home)
        if kept is not None:
            kept.lease.touch()
            return kept
        lease = home / f"jixiao-api-{port}.lease"
        lease.touch()
        with open(home / "jixiao-api.log", "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "jixiao.flows.runtime.kept_api", "--port", str(port),
                 "--idle-seconds", str(max(idle_minutes * 60, 2 * LEASE_TOUCH_SECONDS)), "--lease", str(lease)],
                env=server_environment(), stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        kept = KeptApi(url=f"http://127.0.0.1:{port}/api", pid=process.pid, lease=lease)
        (home / RECORD).write_text(json.dumps({"url": kept.url, "pid": kept.pid, "lease": str(lease),
                                               "prefect": version("prefect")}), encoding="utf-8")
        return kept


def stop_kept_api(home: Path | None = None) -> KeptApi | None:
    """Stop the kept server now (its lease removed: it exits within seconds); returns what it was."""
    home = home or prefect_home()
    with _locked(home):
        kept = _recorded(home)
        (home / RECORD).unlink(missing_ok=True)
        if kept is not None:
            kept.lease.unlink(missing_ok=True)
        return kept


@contextmanager
def holding(kept: KeptApi) -> Iterator[None]:
    """Keep the server's lease fresh while a run uses it (it would stop mid-run otherwise)."""
    stop = threading.Event()

    def touch() -> None:
        while not stop.wait(LEASE_TOUCH_SECONDS):
            _touch(kept.lease)

    thread = threading.Thread(target=touch, name="jixiao-api-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        _touch(kept.lease)  # the idle time counts from the end of the run


def server_environment() -> dict[str, str]:
    """The settings Prefect's own ephemeral server runs with (ephemeral services only, no UI), without
    automations: jixiao defines none, and their services cost a start ~0.4 CPU s (reconciling them).
    The environment can turn them back on (PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED=true). The task run
    recorder, event persister and log/event streams stay: runs, task runs and logs reach the database."""
    return {"PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false", **os.environ,
            "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


def _recorded(home: Path) -> KeptApi | None:
    """The recorded server, if its process lives, its lease is there and it runs this Prefect version."""
    found = _read_record(home)
    if found is None:
        return None
    kept, prefect = found
    return kept if prefect == version("prefect") and kept.lease.exists() and kept.alive() else None


def _read_record(home: Path) -> tuple[KeptApi, str | None] | None:
    """The record as written (the server and its Prefect version), or None when there is none."""
    try:
        record = json.loads((home / RECORD).read_text(encoding="utf-8"))
        return KeptApi(url=record["url"], pid=int(record["pid"]), lease=Path(record["lease"])), record.get("prefect")
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _touch(lease: Path) -> None:
    try:
        lease.touch(exist_ok=True)
    except OSError:
        pass


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _watch(should_exit: threading.Event, lease: Path, idle_seconds: float) -> None:
    """Set `should_exit` once the lease is gone or older than the idle time (then removed, under the lock)."""
    home = lease.parent
    while not should_exit.wait(_WATCH_SECONDS):
        with _locked(home):
            try:
                idle = time.time() - lease.stat().st_mtime
            except FileNotFoundError:
                idle = float("inf")
            if idle > idle_seconds:
                lease.unlink(missing_ok=True)
                should_exit.set()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Prefect's API server for jixiao runs")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle-seconds", type=float, help="with --lease: stop once the lease is this old")
    parser.add_argument("--lease", type=Path, help="a kept server's lease (without: a private server, stopped by "
                                                   "the run that started it)")
    args = parser.parse_args(argv)
    if (args.lease is None) != (args.idle_seconds is None):
        parser.error("--lease and --idle-seconds go together")
    # Start-up builds ~300,000 long-lived objects (Prefect's models, routes, ORM); the cyclic collector
    # would scan them again and again (~0.4 CPU s). Off until the server answers, then they are frozen
    # out of later collections; the few cycles start-up leaves behind (~10 MB) stay.
    gc.disable()
    if args.lease is None:
        _serve(args.port)
        return
    should_exit = threading.Event()
    threading.Thread(target=_watch, args=(should_exit, args.lease, args.idle_seconds), daemon=True).start()
    _serve(args.port, should_exit)
    should_exit.set()
    home = args.lease.parent
    with _locked(home):  # forget this server, unless a newer one was recorded meanwhile
        found = _read_record(home)
        if found is not None and found[0].pid == os.getpid():
            (home / RECORD).unlink(missing_ok=True)


def _serve(port: int, should_exit: threading.Event | None = None) -> None:
    """Prefect's API server (uvicorn, as Prefect's own ephemeral server runs it) until stopped. Its
    database checks are skipped when flows.runtime.api_database knows the database current, and marked done
    once a start that ran them answers."""
    import uvicorn
    from prefect.settings import (PREFECT_API_BLOCKS_REGISTER_ON_START, PREFECT_API_DATABASE_MIGRATE_ON_START,
                                  PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION, get_current_settings, temporary_settings)

    settings = get_current_settings()
    url = settings.server.database.connection_url
    database = api_database.database_file(url.get_secret_value() if url is not None else None)
    prefect = version("prefect")
    checks = settings.server.database.migrate_on_start and settings.server.register_blocks_on_start
    skip = checks and api_database.known_current(settings.home, database, prefect)
    if skip:
        print(f"jixiao: {database} is current for Prefect {prefect} ({api_database.MARKER}): "
              "migrations and block registration skipped", file=sys.stderr, flush=True)

    def started() -> None:
        if checks and not skip and database is not None:
            api_database.mark_current(settings.home, database, prefect)
        gc.freeze()
        gc.enable()

    class Server(uvicorn.Server):
        async def startup(self, sockets: list | None = None) -> None:
            await super().startup(sockets)
            if self.started:  # the lifespan (migrations included) is done and the port is open
                started()

    server = Server(uvicorn.Config("prefect.server.api.server:create_app", factory=True, host="127.0.0.1",
                                   port=port, log_level="error", lifespan="on"))
    if should_exit is not None:
        threading.Thread(target=lambda: (should_exit.wait(), setattr(server, "should_exit", True)), daemon=True).start()
    skipped = {PREFECT_API_DATABASE_MIGRATE_ON_START: False, PREFECT_API_BLOCKS_REGISTER_ON_START: False,
               PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION: False}  # its check alone imports every collection (~0.3 s)
    with temporary_settings(updates=skipped) if skip else nullcontext():
        server.run()


if __name__ == "__main__":
    main()
