"""The read task, in a module of its own: Dask workers unpickle it by reference, so they import
this module and the readers only, not the dataset building behind `flows.district` (spaCy,
DuckDB, Arrow): about a second of CPU and 80 MB less in every worker process.
"""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from jixiao.flows.extract import Extraction
from jixiao.flows.runtime.guard import read_into_cache
from jixiao.flows.runtime.lifeline import watch_parent
from jixiao.flows.plan import ReadingAhead


def _retry_on_os_error(task, task_run, state) -> bool:
    """Retry only I/O hiccups (a network share, a file still being copied); parse errors are final."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(name="read-submissions", retries=2, retry_delay_seconds=1, retry_condition_fn=_retry_on_os_error,
      cache_policy=NO_CACHE)
def read_submissions(paths: list[str], doc_ids: list[str], out: str, max_bytes: int,
                     pages: list[list[str]] | None = None, ahead: ReadingAhead | None = None) -> list[str]:
    """Read + parse a batch of files into the extraction cache; returns their statuses. `pages`
    (aligned with `paths`) lists the page images of a document discovery grouped, else []; `ahead`:
    the documents the run reads ahead (waited for, not read twice)."""
    watch_parent()  # a Dask worker must not outlive the run that started it (in the run's own process: no-op)
    logger = get_run_logger()  # one line per document, shown with `jixiao run -v` and in the Prefect UI
    statuses = []

    def done(path: str, extraction: Extraction) -> None:
        statuses.append(extraction.status)
        logger.info("%s: %s%s", path, extraction.status, f" — {extraction.error}" if extraction.error else "")

    read_into_cache(paths, doc_ids, out, max_bytes, done, pages=pages, ahead=ahead)
    return statuses
