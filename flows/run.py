"""`jixiao run` as one use case: the manifest checked, the inbox discovered and hashed and the inputs
fingerprinted once each; then either the published dataset is kept (nothing changed) or Prefect's API
is started, the documents are read ahead and the flow runs over the plan.

The steps overlap to save a small run's seconds: the Prefect API server and the reader process start
before discovery when documents will surely be read, and documents are read while the flow is imported.
Nothing of Prefect is imported at import time: start_api must run before Prefect reads its settings.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.flows.fingerprint import FINGERPRINT_FILE, unchanged_summary
from jixiao.flows.inbox import InboxError, checked_manifest
from jixiao.flows.plan import RunOptions, RunPlan, plan_run

if TYPE_CHECKING:
    from jixiao.flows.runtime.ahead import ReadAhead
    from jixiao.flows.dataset import RunSummary
    from jixiao.flows.runtime.startup import PrefectApi

Say = Callable[[str], None]


class RunFailed(Exception):
    """The run cannot go on; the message (and hint) say what to do. `exit_code`: 2 for what the operator
    gave wrong (inbox, options), 1 for what went wrong on the way (the API, the database, an empty inbox)."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 2) -> None:
        super().__init__(message)
        self.hint, self.exit_code = hint, exit_code


@dataclass
class RunResult:
    seconds: float
    summary: RunSummary | None = None  # the flow's
    published: dict[str, Any] | None = None  # nothing changed: the published run's summary (flows.fingerprint)
    n_early: int = 0  # documents read while the flow started


class DistrictRun:
    """One `jixiao run` over `inbox` into `out`. Made, it has checked the manifest (before any work);
    `execute` does the rest, telling the operator what happens through `say` and `warn`."""

    def __init__(self, inbox: Path, out: Path, options: RunOptions, keep_api: float = 0, allow_empty: bool = False,
                 verbose: bool = False) -> None:
        self.started = time.perf_counter()
        self.inbox, self.out, self.options = inbox, out, options
        self.keep_api, self.allow_empty, self.verbose = keep_api, allow_empty, verbose
        try:
            self.manifest = checked_manifest(inbox)
        except InboxError as exc:
            raise RunFailed(str(exc)) from exc

    def execute(self, say: Say, warn: Say) -> RunResult:
        from jixiao.flows.runtime.lifeline import start_reader_server

        # A published fingerprint: see first whether anything changed (then Prefect is not started at all).
        unpublished = self.options.db is not None or not (self.out / FINGERPRINT_FILE).exists()
        if unpublished and self.options.runner == "local":
            start_reader_server()  # documents will be read: its imports overlap Prefect's start and discovery
        api = self._start_api(say) if unpublished else None
        if self.out.resolve().is_relative_to(self.inbox.resolve()):
            warn(f"the output folder {self.out} is inside the inbox; it is skipped, not read as submissions "
                 "(better: --out outside the inbox)")
        plan = self._plan()
        say(f"found {len(plan.files)} files from {len({f.township for f in plan.files})} townships")
        if api is None:
            published = unchanged_summary(self.out, plan.fingerprint)
            if published is not None:
                return RunResult(seconds=time.perf_counter() - self.started, published=published)
            api = self._start_api(say)
        return self._run_flow(plan, api, say)

    def _plan(self) -> RunPlan:
        try:
            plan = plan_run(self.inbox, self.out, self.options, self.manifest)
        except InboxError as exc:
            raise RunFailed(str(exc)) from exc
        if not plan.files and not self.allow_empty and (self.out / "district.duckdb").exists():
            raise RunFailed(f"the inbox {self.inbox} holds no files: the previous dataset in {self.out} is kept",
                            hint="put the submissions in the inbox, or pass --allow-empty to publish an empty "
                                 "dataset", exit_code=1)
        return plan

    def _start_api(self, say: Say) -> PrefectApi:
        from jixiao.flows.runtime.startup import start_api

        api = start_api(self.verbose, self.keep_api)
        say(api.describe(self.keep_api))
        return api

    def _run_flow(self, plan: RunPlan, api: PrefectApi, say: Say) -> RunResult:
        from jixiao.flows.runtime.ahead import read_ahead
        from jixiao.flows.runtime.startup import ApiError, Preparation

        options = plan.options
        local = options.runner == "local"
        with read_ahead(plan.files, plan.out, options.max_bytes, options.workers) if local else nullcontext() as ahead:
            Preparation().wait_imported()  # imports the flow in a thread while the documents are read
            from jixiao.flows.district import RunnerError, run_flow
            from jixiao.store.local import StoreError
            from jixiao.store.postgres import DatabaseError

            try:
                # A configured server is up or not: no reason to wait for it as long as for one starting now.
                waited = api.wait(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
                                  if api.local else 15)
            except ApiError as exc:
                raise RunFailed(str(exc), exit_code=1) from exc
            read_early = ahead.done() if ahead is not None else []
            self._say_read_early(plan, ahead, read_early, say)
            say((f"read {len(read_early)} documents while the flow started; " if read_early else "")
                + (f"Prefect API ready ({waited:.1f} s); " if api.local and not api.reused else "")
                + "running flow jixiao-district")
            try:
                with api.holding():
                    summary = run_flow(plan.model_copy(update={"read_before": tuple(read_early), "ahead": ahead}))
            except (StoreError, RunnerError) as exc:
                raise RunFailed(str(exc)) from exc
            except DatabaseError as exc:
                raise RunFailed(str(exc), exit_code=1) from exc
        return RunResult(seconds=time.perf_counter() - self.started, summary=summary, n_early=len(read_early))

    def _say_read_early(self, plan: RunPlan, ahead: ReadAhead | None, read_early: list[str], say: Say) -> None:
        """With --verbose, a line per document read while the flow started (the flow's read tasks log the others)."""
        if not self.verbose or ahead is None:
            return
        source = {f.doc_id: f.source_path for f in plan.files}
        for doc_id in read_early:
            read = ahead.result(doc_id)
            say(f"{source[doc_id]}: {read.status}" + (f" — {read.error}" if read.error else ""))
