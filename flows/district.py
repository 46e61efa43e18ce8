"""The district flow: discover → read each submission (one task per document) → build the dataset.

Reading is the expensive, parallel part; its results land in the extraction cache
keyed by doc_id, so task futures carry only a status string and a re-run reads only
new or changed files. Building the dataset (normalize, find duplicates, write
DuckDB + Parquet) runs once, in the flow's process, from the cache.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import unmapped
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from extractors import DEFAULT_MAX_BYTES
from jixiao.dataset import RunSummary, build_dataset
from jixiao.extract import ExtractionCache, extract_file
from jixiao.inbox import InboxFile, discover_inbox


def _retry_on_os_error(task, task_run, state) -> bool:
    """Retry only I/O hiccups (a network share, a file still being copied); parse errors are final."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(name="read-submission", retries=2, retry_delay_seconds=1, retry_condition_fn=_retry_on_os_error,
      cache_policy=NO_CACHE)
def read_submission(path: str, doc_id: str, out: str, max_bytes: int) -> str:
    """Read + parse one file into the extraction cache; returns its status."""
    extraction = extract_file(Path(path), doc_id, max_bytes=max_bytes)
    ExtractionCache(Path(out)).put(extraction)
    return extraction.status


@task(name="build-dataset", cache_policy=NO_CACHE)
def build_dataset_task(files: list[InboxFile], out: str) -> RunSummary:
    return build_dataset(files, Path(out))


@flow(name="jixiao-district", log_prints=False, validate_parameters=False)
def district_flow(inbox: str, out: str = "output", max_bytes: int = DEFAULT_MAX_BYTES,
                  progress: bool = False) -> RunSummary:
    started = time.perf_counter()
    files = discover_inbox(Path(inbox))
    cache = ExtractionCache(Path(out))
    unique = {f.doc_id: f for f in reversed(files)}  # first path wins for identical copies
    todo = [f for f in unique.values() if not cache.reusable(f.doc_id)]
    todo.sort(key=lambda f: -f.size_bytes)  # big files first: better load balance across workers
    futures = read_submission.map([str(f.path) for f in todo], [f.doc_id for f in todo],
                                  unmapped(out), unmapped(max_bytes)) if todo else []
    with _progress(progress, len(todo)) as bar:
        task_id = bar.add_task("reading", total=len(todo))
        for future in as_completed(futures):
            future.result()
            bar.advance(task_id)
    summary = build_dataset_task(files, out)
    summary.n_read = len(todo)
    summary.seconds = time.perf_counter() - started
    return summary


def _progress(enabled: bool, total: int) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), disable=not enabled or total == 0, transient=True)


# Worker processes are spawned fresh and each imports Prefect and the readers (a few seconds):
# worth it only when there is enough reading to share out. Smaller inboxes are read in one thread.
PROCESS_POOL_MIN_FILES = 50


def run_district(inbox: Path, out: Path, workers: int, max_bytes: int = DEFAULT_MAX_BYTES,
                 progress: bool = False) -> RunSummary:
    """Run the flow, reading documents in `workers` processes when the inbox is big enough."""
    n_files = sum(1 for p in inbox.rglob("*") if p.is_file())
    if workers > 1 and n_files >= PROCESS_POOL_MIN_FILES:
        runner = ProcessPoolTaskRunner(max_workers=workers)
    else:
        runner = ThreadPoolTaskRunner(max_workers=1)
    configured = district_flow.with_options(task_runner=runner)
    return configured(str(inbox), str(out), max_bytes=max_bytes, progress=progress)
