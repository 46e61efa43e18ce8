"""The `jixiao` command line: run the flow over an inbox, query the dataset."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Read township 绩效目标 submissions into one district dataset (DuckDB + Parquet).")
console = Console()
err = Console(stderr=True)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder (dataset, cache, reports).")]


def _quiet_prefect(verbose: bool) -> None:
    """Prefect logs every run at INFO; a clerk only needs our summary. Must run before importing prefect."""
    level = "INFO" if verbose else "ERROR"
    for name in ("PREFECT_LOGGING_LEVEL", "PREFECT_SERVER_LOGGING_LEVEL", "PREFECT_LOGGING_ROOT_LEVEL"):
        os.environ.setdefault(name, level)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


@app.command()
def run(
    inbox: Annotated[Path, typer.Argument(help="Folder of submissions: INBOX/<township>/<file>.")],
    out: OutOption = Path("output"),
    workers: Annotated[int, typer.Option(min=0, help="Documents read in parallel (0 = one per CPU core).")] = 0,
    max_mb: Annotated[int, typer.Option(min=1, help="Reject files larger than this many MB.")] = 50,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Read every submission in INBOX and (re)build the dataset in --out."""
    if not inbox.is_dir():
        raise _fail(f"inbox folder {inbox} does not exist or is not a folder")
    _quiet_prefect(verbose)
    from flows.district import run_district
    from jixiao.inbox import InboxError
    from jixiao.store import StoreError

    try:
        summary = run_district(inbox, out, workers=workers or os.cpu_count() or 1,
                               max_bytes=max_mb * 1024 * 1024, progress=console.is_terminal)
    except (InboxError, StoreError) as exc:
        raise _fail(str(exc)) from exc
    table = Table(title=f"jixiao run: {inbox} → {out}", show_header=False)
    table.add_row("documents", f"{summary.n_documents} (ok {summary.n_ok}, partial {summary.n_partial}, "
                               f"failed {summary.n_failed}; read now {summary.n_read}, cached "
                               f"{summary.n_documents - summary.n_read})")
    table.add_row("projects", str(summary.n_projects))
    table.add_row("indicators", f"{summary.n_indicators} ({summary.n_review} to review in {out / 'review.csv'})")
    table.add_row("goals", str(summary.n_goals))
    table.add_row("duplicate groups", str(summary.n_duplicate_groups))
    table.add_row("time", f"{summary.seconds:.1f} s")
    console.print(table)
    if summary.n_failed:
        console.print(f"failed documents: jixiao query \"select source_path, error from documents "
                      f"where status <> 'ok'\" --out {out}")


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="SQL over documents, goals, projects, indicators, duplicates.")],
    out: OutOption = Path("output"),
    limit: Annotated[int, typer.Option(help="Rows to print at most.")] = 200,
) -> None:
    """Run SQL over the consolidated dataset and print the result as a table."""
    from jixiao.store import StoreError, run_query

    try:
        columns, rows = run_query(out, sql)
    except StoreError as exc:
        raise _fail(str(exc), code=1) from exc
    print_rows(columns, rows, limit)


vocab_app = typer.Typer(no_args_is_help=True, help="Grow the controlled indicator vocabulary.")
app.add_typer(vocab_app, name="vocab")


@vocab_app.command("suggest")
def vocab_suggest(
    out: OutOption = Path("output"),
    include_paragraphs: Annotated[bool, typer.Option(help="Also cluster names from 绩效指标 sentences.")] = False,
) -> None:
    """Cluster indicator names the vocabulary did not know and print YAML entries to paste into
    dictionaries/indicators.yaml (then re-run: documents are not read again)."""
    from jixiao.store import StoreError, run_query
    from normalizers.review import suggest_vocabulary

    sources = "('table', 'paragraph')" if include_paragraphs else "('table')"
    try:
        _, rows = run_query(out, "select name_raw, level2 from indicators where match_method = 'new' "
                                 f"and source in {sources} order by name_raw")
    except StoreError as exc:
        raise _fail(str(exc), code=1) from exc
    if not rows:
        console.print("every indicator name matched the vocabulary; nothing to suggest")
        return
    print(suggest_vocabulary([r[0] for r in rows], [r[1] for r in rows]))


def print_rows(columns: list[str], rows: list[tuple], limit: int) -> None:
    table = Table(*columns, show_lines=False)
    for row in rows[:limit]:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    if len(rows) > limit:
        console.print(f"… {len(rows) - limit} more rows (raise --limit)")
    console.print(f"{len(rows)} rows")


if __name__ == "__main__":
    app()
