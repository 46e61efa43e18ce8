"""Before the flow: the Prefect API a run reports to, started early so its few seconds overlap
jixiao's own work (imports, discovery, reading the first documents).

Without a configured server Prefect starts a private one the moment the flow begins and waits for
it (imports, database migrations: ~5 s, the biggest fixed cost of a small run). Here it is started
first, before jixiao imports Prefect, spaCy or Arrow and reads the inbox, and waited for only when
the flow starts. A server the operator keeps running (`prefect server start`, then PREFECT_API_URL,
in the environment or the active Prefect profile) costs nothing and is used as it is.

Nothing of Prefect is imported here at import time: start_api must run before Prefect reads its settings.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.flows.lifeline import die_with_parent

if TYPE_CHECKING:
    from jixiao.flows.extract import Extraction
    from jixiao.flows.inbox import InboxFile


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
    process: subprocess.Popen | None = None
    started: float = field(default_factory=time.perf_counter)

    @property
    def private(self) -> bool:
        return self.process is not None

    def wait(self, timeout: float) -> float:
        """Block until the API answers; returns the seconds since it was started."""
        deadline = self.started + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise ApiError(f"Prefect's local API server exited with code {self.process.returncode}; "
                               "run with --verbose to see why")
            if healthy(self.url):
                return time.perf_counter() - self.started
            if time.perf_counter() > deadline:
                raise ApiError(f"Prefect's API at {self.url} did not answer within {timeout:.0f} s; on a busy machine "
                               "raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or start one with "
                               "`prefect server start` and set PREFECT_API_URL")
            time.sleep(0.05)

    def ready(self) -> bool:
        return healthy(self.url)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_api(verbose: bool = False) -> PrefectApi:
    """The configured API, or a private server started in the background (stopped when this process
    exits). Sets PREFECT_API_URL so Prefect, and the worker processes it spawns, use it."""
    url = configured_api_url()
    if url:
        return PrefectApi(url=url)
    port = _free_port()
    prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent
    # The command and flags Prefect's own ephemeral server uses (prefect.server.api.server.SubprocessASGIServer):
    # ephemeral services only, no UI.
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    quiet = None if verbose else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        env=env, stdout=quiet, stderr=quiet, preexec_fn=die_with_parent if os.name == "posix" else None)
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


def read_while_starting(api: PrefectApi, files: list[InboxFile], out: Path, max_bytes: int,
                        on_read: Callable[[str, Extraction], None] | None = None) -> list[str]:
    """Read documents into the extraction cache (smallest first) until the API answers; the flow reads
    the rest and finds these cached. Returns the doc_ids read here (the flow must not read them again)."""
    from jixiao.flows.extract import ExtractionCache
    from jixiao.flows.inbox import portable_path, primary_copies
    from jixiao.flows.reading import read_into_cache

    cache = ExtractionCache(out)
    todo = sorted((f for f in primary_copies(files).values() if not f.unreadable and not cache.reusable(f.doc_id)),
                  key=lambda f: f.size_bytes)
    if not todo or api.ready():
        return []
    return read_into_cache([portable_path(f.path) for f in todo], [f.doc_id for f in todo], str(out), max_bytes,
                           on_read, stop=api.ready, pages=[[portable_path(p) for p in f.pages] for f in todo])


def warm_up(api: PrefectApi) -> None:
    """While the API is still starting: build what the dataset build needs first (spaCy's pipeline)."""
    if not api.ready():
        from jixiao.normalizers.sentences import prepare

        prepare()
