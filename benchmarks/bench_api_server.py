"""CPU seconds of Prefect's API server as jixiao starts it (flows.runtime.kept_api): its start, and serving runs.

    python benchmarks/bench_api_server.py [--repeat 5] [--inbox ../shared/samples/inbox] [--runs 2]

CPU (user + system of the server process, psutil), not wall time: on a shared 2-core machine the
server's start competes with the run's readers, so each CPU second it saves is wall time for a first
run. Prints:
- the first start on a fresh PREFECT_HOME (creates and migrates the database, marks it current);
- the median of --repeat starts on that home (the database known current: checks skipped), until it
  answers /api/health and 3 s later (services still starting count too);
- the server's CPU while idle for 30 s, and while serving --runs `jixiao run INBOX` (fresh --out each;
  the first requests of a fresh server cost more: Prefect builds some of its state lazily).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from jixiao.flows.runtime.kept_api import server_environment
from jixiao.flows.runtime.startup import healthy

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def start(port: int) -> tuple[subprocess.Popen, float]:
    """A private server (as `--keep-api 0` starts it) and its CPU seconds once it answers."""
    server = subprocess.Popen([sys.executable, "-m", "jixiao.flows.runtime.kept_api", "--port", str(port)],
                              env=server_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not healthy(f"http://127.0.0.1:{port}/api"):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        time.sleep(0.02)
    return server, _cpu(psutil.Process(server.pid))


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--inbox", type=Path, default=REPO.parent / "shared" / "samples" / "inbox")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="jixiao-bench-prefect-home-"))
    os.environ.update({"PREFECT_HOME": str(home), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    os.environ.pop("PREFECT_API_URL", None)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (1 min); PREFECT_HOME={home}")

    server, first = start(_free_port())
    stop(server)
    print(f"first start, fresh home (creates and migrates the database): {first:.2f} CPU s", flush=True)
    answered, settled = [], []
    for _ in range(args.repeat):
        server, cpu = start(_free_port())
        time.sleep(3)
        answered.append(cpu)
        settled.append(_cpu(psutil.Process(server.pid)))
        stop(server)
    print(f"start until it answers (database known current), median of {args.repeat}: "
          f"{statistics.median(answered):.2f} CPU s; 3 s later {statistics.median(settled):.2f} "
          f"(all: {', '.join(f'{c:.2f}' for c in answered)})", flush=True)

    server, _ = start(port := _free_port())
    process = psutil.Process(server.pid)
    time.sleep(3)
    before = _cpu(process)
    time.sleep(30)
    print(f"idle 30 s: {_cpu(process) - before:.2f} CPU s", flush=True)
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    out = Path(tempfile.mkdtemp(prefix="jixiao-bench-out-"))
    for run in range(1, args.runs + 1):
        shutil.rmtree(out, ignore_errors=True)
        before = _cpu(process)
        done = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(args.inbox), "--out", str(out)],
                              env=env, cwd=REPO, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"jixiao run failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        time.sleep(2)  # events and logs reach the server after the run's last request
        print(f"serving `jixiao run {args.inbox}` #{run}: {_cpu(process) - before:.2f} CPU s", flush=True)
    stop(server)
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
