"""The district flow: discover → read the submissions → build the dataset.

Reading is the expensive, parallel part: locally one task per batch of documents on the flow's
threads, each driving a killable reader process (or waiting for the documents the run reads
ahead, flows.runtime.ahead); on Dask a subflow with one task per document. Results land in the
extraction cache keyed by doc_id, so task futures carry only a status string and a re-run
reads only new or changed files. Building the dataset (normalize, find duplicates, write
DuckDB + Parquet) runs once, in the flow's process, from the cache.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import unmapped
from pydantic import SecretStr
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from jixiao.extractors import DEFAULT_MAX_BYTES
from jixiao.flows.artifacts import publish_run
from jixiao.flows.reading import read_submissions
from jixiao.flows.dataset import RunSummary, build_dataset
from jixiao.flows.extract import ExtractionCache
from jixiao.flows.inbox import InboxFile, portable_path, primary_copies
from jixiao.flows.plan import ReadingAhead, RunOptions, RunPlan, Runner, plan_run
from jixiao.store.postgres import write_postgres
from jixiao.store.local import output_lock


class RunnerError(Exception):
    """The chosen task runner cannot start; the message says what to install or check."""


@task(name="build-dataset", cache_policy=NO_CACHE)
def build_dataset_task(files: list[InboxFile], out: str, year: int | None = None,
                       fingerprint: str | None = None) -> RunSummary:
    return build_dataset(files, Path(out), year=year, fingerprint=fingerprint)


@task(name="write-postgres", cache_policy=NO_CACHE)
def write_postgres_task(out: str, db: SecretStr) -> dict[str, int]:
    """Copy the tables just published to PostgreSQL, holding the output lock so no other run swaps them."""
    with output_lock(Path(out)):
        return write_postgres(Path(out) / "parquet", db.get_secret_value())


@flow(name="jixiao-district", log_prints=False, validate_parameters=False)
def district_flow(plan: RunPlan) -> RunSummary:
    """Read what is new → build the dataset (→ PostgreSQL), for the files the plan discovered.

    Documents of `plan.read_before` were read while the flow started (flows.runtime.startup), and are not read
    again even when their result is one the cache retries (e.g. a scan before OCR); documents the plan's
    read-ahead is reading are waited for, not cached yet.
    """
    started = time.perf_counter()
    options, out, ahead = plan.options, str(plan.out), plan.ahead
    cache = ExtractionCache(plan.out)
    done = set(plan.read_before)
    todo = [f for f in primary_copies(plan.files).values() if not f.unreadable and f.doc_id not in done
            and ((ahead is not None and ahead.reads(f.doc_id)) or not cache.reusable(f.doc_id))]
    todo.sort(key=lambda f: -f.size_bytes)  # big files first: better load balance across workers
    if todo:
        # Dask keeps one task per document (its scheduler balances them); locally, batches (see _batches).
        batches = [[f] for f in todo] if options.runner == "dask" else _batches(todo)
        arguments = ([[portable_path(f.path) for f in b] for b in batches], [[f.doc_id for f in b] for b in batches],
                     out, options.max_bytes, options.progress,
                     [[[portable_path(p) for p in f.pages] for f in b] for b in batches])
        if options.runner == "dask":  # a subflow: its local cluster is shut down before the build
            read_documents.with_options(task_runner=_task_runner(options, len(todo)))(*arguments)
        else:  # on this flow's threads: each batch's reader child ends with its batch
            _read_batches(*arguments, ahead=ahead)
    summary = build_dataset_task(plan.files, out, options.year, plan.fingerprint)
    if options.db is not None:
        write_postgres_task(out, options.db)
    summary.n_read = len(todo)
    summary.seconds = time.perf_counter() - started
    # Completed either way (a batch with failed documents did its job), with a message naming them.
    return publish_run(summary, str(plan.inbox), out, frozenset(done))


@flow(name="read-documents", log_prints=False, validate_parameters=False)
def read_documents(paths: list[list[str]], doc_ids: list[list[str]], out: str, max_bytes: int,
                   progress: bool, pages: list[list[list[str]]] | None = None) -> None:
    """Read batches of documents into the extraction cache on this subflow's task runner (Dask).

    A subflow of its own so its local Dask cluster shuts down when reading ends: its memory is free
    again before the dataset build, the other memory peak of a run.
    """
    _read_batches(paths, doc_ids, out, max_bytes, progress, pages)


def _read_batches(paths: list[list[str]], doc_ids: list[list[str]], out: str, max_bytes: int, progress: bool,
                  pages: list[list[list[str]]] | None = None, ahead: ReadingAhead | None = None) -> None:
    """One read task per batch on the current flow's task runner, with a progress bar; `ahead`: the
    documents the run reads ahead, which the tasks wait for."""
    pages = pages if pages is not None else [[[] for _ in batch] for batch in paths]
    futures = read_submissions.map(paths, doc_ids, unmapped(out), unmapped(max_bytes), pages, unmapped(ahead))
    with _progress(progress, sum(len(b) for b in paths)) as bar:
        task_id = bar.add_task("reading", total=sum(len(b) for b in paths))
        for future in as_completed(futures):
            bar.advance(task_id, len(future.result()))


# Each task costs Prefect's bookkeeping (API round trips, task engine), a share of reading a
# document: documents go in about READ_BATCHES batches of at least MIN_BATCH documents.
READ_BATCHES = 32
MIN_BATCH = 10


def _batches(files: list[InboxFile]) -> list[list[InboxFile]]:
    """Dealt round-robin from the biggest-first list, so every batch gets its share of big files."""
    n_batches = math.ceil(len(files) / max(MIN_BATCH, math.ceil(len(files) / READ_BATCHES)))
    return [files[i::n_batches] for i in range(n_batches)]


def _progress(enabled: bool, total: int) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), disable=not enabled or total == 0, transient=True)


def run_flow(plan: RunPlan) -> RunSummary:
    """Run the flow, reading `workers` documents at a time on this machine, or on Dask
    (`runner="dask"`): the cluster at `address`, else a local one of `workers` processes."""
    options = plan.options
    if options.runner == "dask":
        _check_dask(options.address)
    # No flow-run heartbeats: a run is one local process whose end the CLI reports, and each flow's
    # heartbeat thread held its exit for up to a second.
    with _shared_prefect_api() if options.runner == "dask" and not options.address else nullcontext(), \
            temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        # Locally the read tasks run on the flow's own threads (see district_flow); Dask reads in a subflow.
        chosen = district_flow if options.runner == "dask" else district_flow.with_options(
            task_runner=_task_runner(options, options.workers))
        return chosen(plan)


def run_district(inbox: Path, out: Path, workers: int, max_bytes: int = DEFAULT_MAX_BYTES, runner: Runner = "local",
                 address: str | None = None, db: str | None = None, year: int | None = None) -> RunSummary:
    """Discover `inbox` and run the flow over it into `out` (what `jixiao run` does, without its start-up
    overlap); `db`, a PostgreSQL URL, also gets the tables; `year` is the district's year for the checks."""
    options = RunOptions(workers=workers, max_bytes=max_bytes, runner=runner, address=address, db=db, year=year)
    return run_flow(plan_run(inbox, out, options))


def _task_runner(options: RunOptions, n_documents: int) -> TaskRunner:
    if options.runner == "dask":
        from prefect_dask import DaskTaskRunner

        if options.address:
            return DaskTaskRunner(address=options.address)
        # One thread per worker process: reading is pure-Python parsing, which threads cannot share out.
        return DaskTaskRunner(cluster_kwargs={"n_workers": options.workers, "threads_per_worker": 1,
                                              "processes": True})
    # Every document is read in a killable child process of its own (flows.runtime.guard): a task only feeds its
    # child and writes the cache. So threads of this process read `workers` documents at once, without the
    # worker processes that each imported Prefect and the readers (seconds of CPU) just to wait on a child.
    return ThreadPoolTaskRunner(max_workers=max(1, min(options.workers, n_documents)))


@contextmanager
def _shared_prefect_api() -> Iterator[None]:
    """With no Prefect server configured, each local Dask worker would start a private Prefect API
    (seconds and ~0.2 GiB each, and one can outlive its worker); they share this process's instead,
    taking it from the environment they are spawned with."""
    if PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the one this process's client uses; Prefect stops it at exit
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url  # unset before: PREFECT_API_URL.value() was empty
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield
    finally:
        del os.environ["PREFECT_API_URL"]


def _check_dask(address: str | None) -> None:
    """Fail before the flow starts when Dask is missing or the scheduler does not answer."""
    try:
        import prefect_dask  # noqa: F401
    except ImportError as exc:
        raise RunnerError("--runner dask needs Dask: pip install 'jixiao[dask]'") from exc
    if address:
        _check_scheduler(address)


def _check_scheduler(address: str) -> None:
    """Fail in seconds with a clear message, not half a minute into the flow with a traceback."""
    from distributed import Client

    try:
        with Client(address, timeout="10s"):
            pass
    except (OSError, ValueError) as exc:
        raise RunnerError(f"no Dask scheduler answers at {address} ({exc}); start one (`dask scheduler`) "
                          "or correct --address") from exc
