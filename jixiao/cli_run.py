"""`jixiao run`: check the options, hand the run to the flow layer (flows.run), print what it says and
its summary. A command of the `jixiao` app (registered in cli.py)."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli_output import OutOption, console, fail, say, warn
from jixiao.cli_stop import stops_cleanly
from jixiao.cli_summary import print_summary, print_unchanged
from jixiao.terminal import make_logs_inert


class Runner(str, Enum):
    local = "local"
    dask = "dask"


RunnerOption = Annotated[Runner, typer.Option(help="local: processes on this machine; dask: a Dask cluster "
                                                   "(--address, else a local one of --workers processes).")]


def _quiet_prefect(verbose: bool) -> None:
    """Prefect logs every run at INFO and HTTP traffic at DEBUG; a clerk needs our own lines, and -v the
    per-document ones (jixiao's logger), not httpx/uvicorn. The run's INFO lines always reach Prefect's
    API (the UI shows each document's line); only -v prints them. Must run before importing prefect."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO" if verbose else "ERROR")
    for name in ("PREFECT_SERVER_LOGGING_LEVEL", "PREFECT_LOGGING_ROOT_LEVEL"):
        os.environ.setdefault(name, "WARNING" if verbose else "ERROR")
    # No usage data leaves the bureau's machine, and no notice about it is printed.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning" if verbose else "error")
    # The local API server starts in a subprocess; on a loaded machine 20 s (the default) is too short.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jixiao")
    except PackageNotFoundError:
        return "unknown (not installed: pip install -e .)"


def _require(module: str, extra: str, option: str) -> None:
    """An optional dependency checked before any work, not after the whole run."""
    from importlib.util import find_spec

    if find_spec(module) is None:
        raise fail(f"{option} needs the optional package {module}, which is not installed",
                   hint=f"pip install 'jixiao[{extra}]' (in a source checkout: pip install -e '.[{extra}]')")


def _check_out(out: Path) -> None:
    if out.is_symlink() and not out.exists():
        raise fail(f"--out {out} is a link to a folder that does not exist (or a link looping on itself)",
                   hint=f"create the folder it points to ({os.readlink(out)}), or choose another folder")
    if out.exists() and not out.is_dir():
        raise fail(f"--out {out} is a file; it must be a folder (the dataset, cache and reports go in it)",
                   hint=f"choose a folder, e.g. --out {out.with_suffix('')}-output")
    existing = next(p for p in [out, *out.absolute().parents] if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise fail(f"cannot create or write the output folder {out} ({existing} is not a writable folder)",
                   hint="choose a folder you can write")


@stops_cleanly
def run(
    inbox: Annotated[Path, typer.Argument(help="Folder of submissions: INBOX/<township>/<file>.")],
    out: OutOption = Path("output"),
    workers: Annotated[int, typer.Option(min=0, help="Documents read in parallel (0 = one per CPU core).")] = 0,
    max_mb: Annotated[int, typer.Option(min=1, help="Reject files larger than this many MB.")] = 50,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each document and Prefect's run logs.")] = False,
    runner: RunnerOption = Runner.local,
    address: Annotated[str | None, typer.Option(help="Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 "
                                                     "(--out must be a folder every worker sees).")] = None,
    db: Annotated[str | None, typer.Option(help="Also write the tables to this PostgreSQL database, "
                                                "e.g. postgresql://user@host/dbname.")] = None,
    year: Annotated[int | None, typer.Option(min=2000, max=2100, help="The budget year documents must be for "
                                                                      "(default: the year most documents give).")] = None,
    keep_api: Annotated[float, typer.Option(min=0, envvar="JIXIAO_KEEP_API", help="Minutes Prefect's local API "
                                            "server stays up after the run, for the next one (0: it stops with "
                                            "the run; `jixiao api stop` stops it).")] = 10,
    allow_empty: Annotated[bool, typer.Option(help="Publish an empty dataset when INBOX holds no files "
                                                   "(else the previous dataset is kept).")] = False,
) -> None:
    """Read every submission in INBOX and (re)build the dataset in --out."""
    if not inbox.is_dir():
        raise fail(f"inbox folder {inbox} does not exist or is not a folder",
                   hint="give the folder that holds one sub-folder per township")
    if address and runner is not Runner.dask:
        raise fail("--address is the Dask scheduler's address", hint="add --runner dask")
    if runner is Runner.dask:
        _require("prefect_dask", "dask", "--runner dask")
    if db:
        _require("psycopg", "postgres", "--db")
    _check_out(out)
    from jixiao.flows.plan import RunOptions
    from jixiao.flows.run import DistrictRun, RunFailed

    options = RunOptions(workers=workers or os.cpu_count() or 1, max_bytes=max_mb * 1024 * 1024, runner=runner.value,
                         address=address, db=db, year=year, progress=console.is_terminal)
    try:
        district_run = DistrictRun(inbox, out, options, keep_api=keep_api, allow_empty=allow_empty, verbose=verbose)
        _quiet_prefect(verbose)
        make_logs_inert()  # the per-document log lines name files
        say(f"jixiao {installed_version()}: {inbox} → {out}")
        result = district_run.execute(say, warn)
    except RunFailed as exc:
        raise fail(str(exc), hint=exc.hint, code=exc.exit_code) from exc
    if result.published is not None:
        return print_unchanged(console, result.published, inbox, out, result.seconds)
    print_summary(console, result.summary, inbox, out, result.n_early, result.seconds)
    if db:
        console.print("postgresql: the same tables written")
