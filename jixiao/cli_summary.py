"""What `jixiao run` prints at the end: the run's summary table, also for a run that found nothing changed."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def print_summary(console: Console, summary: Any, inbox: Path, out: Path, n_early: int, seconds: float,
                  unchanged: bool = False) -> None:
    """`summary`: the flow's RunSummary, or (`unchanged`) the published run's, as flows.fingerprint keeps it."""
    table = Table(title=f"jixiao run: {escape(str(inbox))} → {escape(str(out))}", show_header=False)
    n_read = summary.n_read + n_early
    older = summary.n_superseded
    table.add_row("documents", f"{summary.n_documents} (ok {summary.n_ok}, partial {summary.n_partial}, "
                               f"failed {summary.n_failed}; read now {n_read}, cached "
                               f"{summary.n_documents + older - n_read})" +
                  (f" + {older} superseded, not counted" if older else ""))
    table.add_row("projects", str(summary.n_projects))
    table.add_row("indicators", f"{summary.n_indicators} ({summary.n_review} to review in "
                                f"{escape(str(out / 'review.csv'))})" +
                  (f"; {summary.n_superseded_indicators} more in superseded files, left out" if older else ""))
    table.add_row("goals", str(summary.n_goals))
    table.add_row("duplicate groups", str(summary.n_duplicate_groups))
    table.add_row("time", f"{seconds:.1f} s (nothing changed: no flow run, the published dataset is kept)" if unchanged
                  else f"{seconds:.1f} s (flow {summary.seconds:.1f} s; the rest is start-up: imports and "
                       "Prefect's API server)")
    if summary.n_checks:
        table.add_row("checks", ", ".join(f"{n} {s}" for s, n in sorted(summary.n_checks.items())) +
                      escape(f" (jixiao checks --out {out})"))
    for line in summary.superseded:
        table.add_row("superseded", escape(line))
    console.print(table)
    if summary.n_failed:
        console.print(escape(f"failed documents: jixiao query \"select source_path, error from documents "
                             f"where status <> 'ok'\" --out {out}"), soft_wrap=True)


def print_unchanged(console: Console, published: dict[str, Any], inbox: Path, out: Path, seconds: float) -> None:
    """A re-run over the inputs the published dataset was built from: say so, and repeat its summary."""
    console.print(escape(f"nothing changed since the dataset in {out} was built (same files, manifest, dictionaries, "
                         "jixiao version and options): it is kept as it is; Prefect was not started and no flow run "
                         "is recorded"), style="dim", soft_wrap=True, highlight=False)
    print_summary(console, SimpleNamespace(**{**published, "n_read": 0}), inbox, out, 0, seconds, unchanged=True)
