"""Before the flow: the Prefect API a run reports to, the flow's imports and the read-ahead, all
started early so they overlap (imports, discovery, reading the documents).

Without a configured server Prefect starts a private one the moment the flow begins and waits for
it (imports, database migrations: ~3.5 s, the biggest fixed cost of a small run). Here the server an
earlier run kept is used (flows.runtime.kept_api), or one is started first, before jixiao imports Prefect,
spaCy or Arrow and reads the inbox, and waited for only when the flow starts. A server the operator
keeps running (`prefect server start`, then PREFECT_API_URL, in the environment or the active Prefect
profile) is used as it is.

Nothing of Prefect is imported here at import time: start_api must run before Prefect reads its settings.
"""

from __future__ import annotations

import atexit
import gc
import os
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.flows.runtime.kept_api import KeptApi, find_kept_api, holding, prefect_home, server_environment, start_kept_api
from jixiao.flows.runtime.lifeline import die_with_parent


class ApiError(Exception):
    """The Prefect API did not come up; the message says what to check."""


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment, else from the active profile in Prefect's profiles.toml
    (or from Prefect's settings when Prefect is already imported, e.g. inside a test harness)."""
    if "prefect.settings" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        return PREFECT_API_URL.value() or None
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    return ((profiles.get("profiles") or {}).get(active) or {}).get("PREFECT_API_URL") or None


@dataclass
class PrefectApi:
    """A Prefect API: one configured by the operator, or a private server this process started."""

    url: str
    process: subprocess.Popen | None = None  # a private server: stops when this process exits
    kept: KeptApi | None = None  # a server kept for later runs (flows.runtime.kept_api)
    reused: bool = False  # the kept server was already running
    started: float = field(default_factory=time.perf_counter)

    @property
    def local(self) -> bool:
        """A server jixiao runs on this machine (private or kept), not one the operator configured."""
        return self.process is not None or self.kept is not None

    def describe(self, keep_minutes: float) -> str:
        """What a run says about the API it reports to."""
        if self.kept is not None and self.reused:
            return f"Prefect: reporting to the API server kept from an earlier run ({self.url})"
        if self.kept is not None:
            return (f"Prefect: starting a local API server in the background, kept {keep_minutes:g} minutes after "
                    "the run for the next one (jixiao api stop; --keep-api 0 stops it with the run)")
        if self.local:
            return "Prefect: starting a local API server in the background (PREFECT_API_URL reuses a running one)"
        return f"Prefect: reporting to {self.url}"

    def holding(self) -> AbstractContextManager:
        """For the length of the run: a kept server stays up (its lease is kept fresh)."""
        return holding(self.kept) if self.kept is not None else nullcontext()

    def wait(self, timeout: float) -> float:
        """Block until the API answers; returns the seconds since it was started."""
        deadline = self.started + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise ApiError(f"Prefect's local API server exited with code {self.process.returncode}; "
                               "run with --verbose to see why")
            if self.kept is not None and not self.kept.alive():
                raise ApiError("Prefect's local API server exited; see jixiao-api.log in PREFECT_HOME "
                               f"({prefect_home()}), or run with --keep-api 0 --verbose")
            if healthy(self.url):
                return time.perf_counter() - self.started
            if time.perf_counter() > deadline:
                raise ApiError(f"Prefect's API at {self.url} did not answer within {timeout:.0f} s; on a busy machine "
                               "raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or start one with "
                               "`prefect server start` and set PREFECT_API_URL")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_api(verbose: bool = False, keep_minutes: float = 0) -> PrefectApi:
    """The configured API; else the server an earlier run kept (flows.runtime.kept_api), or a new one started in
    the background: kept for `keep_minutes` after the run, or private (stopped when this process
    exits) with 0. Sets PREFECT_API_URL so Prefect, and the worker processes it spawns, use it."""
    url = configured_api_url()
    if url:
        return PrefectApi(url=url)
    if keep_minutes > 0:
        kept = find_kept_api()
        api = (PrefectApi(url=kept.url, kept=kept, reused=True) if kept is not None else
               PrefectApi(url=(kept := start_kept_api(_free_port(), keep_minutes)).url, kept=kept))
    else:
        port = _free_port()
        quiet = None if verbose else subprocess.DEVNULL
        process = subprocess.Popen(  # the kept server's start, without a lease: it stops with this run
            [sys.executable, "-m", "jixiao.flows.runtime.kept_api", "--port", str(port)],
            env=server_environment(), stdout=quiet, stderr=quiet,
            preexec_fn=die_with_parent if os.name == "posix" else None)
        api = PrefectApi(url=f"http://127.0.0.1:{port}/api", process=process)
        atexit.register(api.stop)
    os.environ["PREFECT_API_URL"] = api.url
    return api


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes through a proxy


def healthy(url: str) -> bool:
    opener = _DIRECT if url.startswith(("http://127.0.0.1:", "http://localhost:")) else urllib.request.build_opener()
    try:
        with opener.open(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Preparation:
    """The flow's imports (Prefect, Arrow, DuckDB: ~2 s of CPU), then what the dataset build needs first
    (spaCy's pipeline, pandas, the dictionaries), done in a thread while documents are read ahead. The
    flow can start once the imports are done; the build waits for the rest (flows.dataset.prepare_build)."""

    def __init__(self) -> None:
        self._error: BaseException | None = None
        self._imported = threading.Event()
        self._thread = threading.Thread(target=self._work, name="jixiao-prepare", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        # Imports make hundreds of thousands of objects and hardly any garbage: the cyclic collector,
        # off meanwhile, would cost a quarter of their CPU. What they made is frozen afterwards, so
        # the collections of the run never walk it again.
        gc.disable()
        try:
            self._import_and_prepare()
        finally:
            gc.freeze()
            gc.enable()

    def _import_and_prepare(self) -> None:
        try:
            import jixiao.flows.district  # noqa: F401
            from jixiao.flows.dataset import prepare_build
        except BaseException as exc:  # re-raised in the main thread by wait_imported()
            self._error = exc
            return
        finally:
            self._imported.set()
        try:
            prepare_build()
        except Exception:  # noqa: BLE001 — the build calls it again and reports what fails there
            pass

    def wait_imported(self) -> None:
        self._imported.wait()
        if self._error is not None:
            raise self._error
