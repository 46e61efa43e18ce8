"""Where a small run's time goes: imports, Prefect's API server, the flow — cold and with a running server.

    python benchmarks/bench_startup.py [--inbox ../shared/samples/inbox] [--repeat 3]

Prints, each as the median of --repeat fresh processes, wall seconds and CPU seconds (user + system of
the process and its children; CPU is what a loaded machine cannot hide):
- importing each heavy module on its own, and what `jixiao run` imports before its flow starts;
- starting Prefect's local API server until it answers;
- `jixiao run` on INBOX and on an empty inbox, each into a fresh output folder (nothing cached):
  "private server" = the first run of the day, with nothing configured and no server kept from an
  earlier run (JIXIAO_KEEP_API=0: jixiao starts Prefect's server and reads while it starts); "running
  server" = with PREFECT_API_URL naming a server already up (as good as one a run kept: flows.runtime.kept_api).
The machine's load average is printed before and after: on a busy machine wall times stretch.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODULES = ["typer", "rich.console", "prefect", "duckdb", "pyarrow.parquet", "pandas", "spacy", "psycopg",
           "jixiao.cli", "jixiao.flows.district"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one command (it must succeed)."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return wall, _children_cpu() - cpu


def prepare_prefect_database(env: dict[str, str]) -> None:
    """Create and migrate Prefect's database now if this PREFECT_HOME has none (~9 CPU s, once per Prefect
    home and version): no run measured should pay for it."""
    code = "from jixiao.flows.runtime.startup import start_api; api = start_api(); api.wait(600); api.stop()"
    wall, _ = timed([sys.executable, "-c", code], env)
    print(f"Prefect's database ready ({wall:.1f} s, not counted; in a new PREFECT_HOME this start creates it)")


def median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def row(label: str, figures: tuple[float, float]) -> None:
    print(f"{label:<52} {figures[0]:7.2f} s wall {figures[1]:7.2f} s CPU", flush=True)


def import_costs(env: dict[str, str], repeat: int) -> None:
    print("imports (a fresh interpreter each; the interpreter's own start included)")
    row("python -c pass", median([timed([sys.executable, "-c", "pass"], env) for _ in range(repeat)]))
    for module in MODULES:
        try:
            figures = median([timed([sys.executable, "-c", f"import {module}"], env) for _ in range(repeat)])
        except SystemExit:
            print(f"{module:<52} not installed")
            continue
        row(f"import {module}", figures)


def server_start(env: dict[str, str], repeat: int) -> None:
    code = ("from jixiao.flows.runtime.startup import start_api; import time; api = start_api(); "
            "print(api.wait(300)); api.stop()")
    row("Prefect API server: start until it answers", median([timed([sys.executable, "-c", code], env)
                                                              for _ in range(repeat)]))


def runs(inbox: Path, env: dict[str, str], repeat: int, label: str) -> None:
    empty = Path(tempfile.mkdtemp(prefix="jixiao-empty-inbox-"))
    for name, source in ((f"{inbox} ({sum(1 for p in inbox.rglob('*') if p.is_file())} files)", inbox),
                         ("empty inbox", empty)):
        samples = []
        for _ in range(repeat):
            out = Path(tempfile.mkdtemp(prefix="jixiao-bench-out-"))
            samples.append(timed([sys.executable, "-m", "jixiao.cli", "run", str(source), "--out", str(out)], env))
        row(f"jixiao run {name}, {label}", median(samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path, default=REPO.parent / "shared" / "samples" / "inbox")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (1 min) at the start; "
          f"PREFECT_HOME={env.get('PREFECT_HOME', '~/.prefect')}")
    import_costs(env, args.repeat)
    prepare_prefect_database(env)
    server_start(env, args.repeat)
    runs(args.inbox, {**env, "JIXIAO_KEEP_API": "0"}, args.repeat, "private server")
    from jixiao.flows.runtime.startup import start_api

    os.environ.update(env)
    api = start_api()  # sets PREFECT_API_URL in this process's environment
    api.wait(300)
    runs(args.inbox, {**env, "PREFECT_API_URL": api.url}, args.repeat, "running server")
    api.stop()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the end")


if __name__ == "__main__":
    main()
