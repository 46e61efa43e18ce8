"""The `jixiao` command line: run the flow over an inbox, query the dataset."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jixiao.cli_api import api_app
from jixiao.cli_checks import checks as checks_command
from jixiao.cli_vocab import vocab_app
from jixiao.cli_stop import run_and_exit, stops_cleanly
from jixiao.cli_summary import print_summary, print_unchanged
from jixiao.cli_usage import UsageErrorsInOneLine

app = typer.Typer(cls=UsageErrorsInOneLine, add_completion=False, no_args_is_help=True,
                  help="Read township 绩效目标 submissions into one district dataset (DuckDB + Parquet).")
console = Console()
err = Console(stderr=True)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder (dataset, cache, reports).")]


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


def _fail(message: str, hint: str | None = None, code: int = 2) -> typer.Exit:
    """One line saying what is wrong (and one saying what to do); no traceback. Markup is escaped: a
    hint such as pip install 'jixiao[postgres]' must keep its brackets."""
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    if hint:
        err.print(f"[bold]hint:[/] {escape(hint)}", soft_wrap=True)
    return typer.Exit(code)


def _say(message: str) -> None:
    console.print(escape(message), style="dim", soft_wrap=True, highlight=False)


def _warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(message)}")


def _version(value: bool) -> None:
    if value:
        console.print(f"jixiao {_installed_version()}", highlight=False)
        raise typer.Exit()


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jixiao")
    except PackageNotFoundError:
        return "unknown (not installed: pip install -e .)"


@app.callback()
def main(_: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                         help="Print jixiao's version and exit.")] = False) -> None:
    """Read township 绩效目标 submissions into one district dataset (DuckDB + Parquet)."""


def _require(module: str, extra: str, option: str) -> None:
    """An optional dependency checked before any work, not after the whole run."""
    from importlib.util import find_spec

    if find_spec(module) is None:
        raise _fail(f"{option} needs the optional package {module}, which is not installed",
                    hint=f"pip install 'jixiao[{extra}]' (in a source checkout: pip install -e '.[{extra}]')")


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise _fail(f"--out {out} is a file; it must be a folder (the dataset, cache and reports go in it)",
                    hint=f"choose a folder, e.g. --out {out.with_suffix('')}-output")
    existing = next(p for p in [out, *out.absolute().parents] if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise _fail(f"cannot create or write the output folder {out} ({existing} is not a writable folder)",
                    hint="choose a folder you can write")


@app.command()
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
        raise _fail(f"inbox folder {inbox} does not exist or is not a folder",
                    hint="give the folder that holds one sub-folder per township")
    if address and runner is not Runner.dask:
        raise _fail("--address is the Dask scheduler's address", hint="add --runner dask")
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
        _say(f"jixiao {_installed_version()}: {inbox} → {out}")
        result = district_run.execute(_say, _warn)
    except RunFailed as exc:
        raise _fail(str(exc), hint=exc.hint, code=exc.exit_code) from exc
    if result.published is not None:
        return print_unchanged(console, result.published, inbox, out, result.seconds)
    print_summary(console, result.summary, inbox, out, result.n_early, result.seconds)
    if db:
        console.print("postgresql: the same tables written")


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="SQL over documents, goals, projects, indicators, duplicates.")],
    out: OutOption = Path("output"),
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table (for people; one block per record when "
                                        "rows are wider than the terminal), csv, json or markdown.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", help="Write csv/json/markdown to this file "
                                                "instead of the terminal.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Rows to show at most (default: 200 in a table, "
                                              "all in csv/json/markdown).")] = None,
) -> None:
    """Run SQL over the consolidated dataset; print a table or write CSV, JSON or Markdown."""
    if not sql.strip():
        raise _fail("the SQL is empty", hint='e.g. jixiao query "select township, status from documents"')
    if output is not None and fmt is Format.table:
        raise _fail("--output writes csv, json or markdown", hint="add --format csv (or json, markdown)")
    from jixiao.store.local import StoreError, run_query

    try:
        columns, rows = run_query(out, sql)
    except StoreError as exc:
        raise _fail(str(exc), code=1) from exc
    from jixiao import terminal

    if fmt is Format.table:
        terminal.print_table(console, columns, rows, limit or 200)
        return
    rows = rows[:limit] if limit else rows
    text = terminal.render(fmt.value, columns, rows)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        # a CSV file is for Excel, which reads UTF-8 only after a BOM (review.csv has one too);
        # standard output is for other programs and gets none
        output.write_text(text, encoding="utf-8-sig" if fmt is Format.csv else "utf-8", newline="")
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror}", code=1) from exc
    err.print(escape(f"wrote {len(rows)} rows to {output}"))


app.add_typer(vocab_app, name="vocab")
app.add_typer(api_app, name="api")


@app.command()
def duplicates(
    out: OutOption = Path("output"),
    min_townships: Annotated[int, typer.Option(min=1, help="Only groups spanning at least N townships.")] = 2,
    level: Annotated[str | None, typer.Option(help="Only one level: indicator, goal or project.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Groups to print at most.")] = 20,
) -> None:
    """Repeated and boilerplate targets, the most widely copied first, with where each copy sits."""
    from jixiao.analysis.views import AnalysisError, duplicate_groups
    from jixiao.store.local import StoreError

    try:
        groups = duplicate_groups(out, min_townships=min_townships, level=level)
    except AnalysisError as exc:
        raise _fail(str(exc)) from exc
    except StoreError as exc:
        raise _fail(str(exc), code=1) from exc
    for group in groups[:limit]:
        table = Table("township", "project_code", "similarity", title_justify="left",
                      title=f"{group.n_townships} townships, {group.n_members} copies · {group.level}/{group.kind} "
                            f"· {group.group_id}\n{group.text}")
        for member in group.members:
            table.add_row(member.township or "", member.project_code or "", f"{member.similarity:.2f}")
        console.print(table)
    if len(groups) > limit:
        console.print(f"… {len(groups) - limit} more groups (raise --limit)")
    console.print(f"{len(groups)} groups spanning at least {min_townships} townships")


@app.command()
def compare(
    indicator: Annotated[str, typer.Argument(help="An indicator id (IND-0005), canonical name or any spelling.")],
    out: OutOption = Path("output"),
) -> None:
    """One indicator's targets across townships, in base units, with outliers flagged."""
    from jixiao.analysis.views import AnalysisError, compare_indicator
    from jixiao.store.local import StoreError

    try:
        comparison = compare_indicator(out, indicator)
    except AnalysisError as exc:
        raise _fail(str(exc)) from exc
    except StoreError as exc:
        raise _fail(str(exc), code=1) from exc
    resolved = comparison.indicator
    console.print(f"[bold]{resolved.indicator}[/] {resolved.indicator_id} (from {indicator!r}: {resolved.how})")
    if not comparison.units and not comparison.unquantified:
        console.print("no rows of this indicator in the dataset")
    for unit in comparison.units:
        table = Table("township", "n", "median", "min", "max", "as written", title_justify="left",
                      title=f"base unit {unit.base_unit}: {unit.n} values, median {unit.median:,.10g}, MAD {unit.mad:,.10g}")
        for stats in unit.townships:
            written = "; ".join(v.value_raw or "" for v in unit.values if (v.township or "") == stats.township)
            table.add_row(stats.township, str(stats.n), f"{stats.median:,.10g}", f"{stats.min:,.10g}", f"{stats.max:,.10g}",
                          written)
        console.print(table)
        for value in unit.outliers:
            console.print(f"  [red]outlier[/] {value.township} {value.project_code or ''} {value.value_raw} = "
                          f"{value.value_base:,.10g} {unit.base_unit}: {value.outlier}")
    if comparison.unquantified:
        console.print(f"{len(comparison.unquantified)} targets without a number (grades, dates, text): "
                      + "; ".join(sorted({v.value_raw or "" for v in comparison.unquantified})[:10]))


@app.command()
def export(
    xlsx: Annotated[Path, typer.Option("--xlsx", help="Workbook to write, e.g. output/district.xlsx.")],
    out: OutOption = Path("output"),
) -> None:
    """Write the dataset to one Excel workbook: a 汇总 sheet per township, then a sheet per table, made to
    be sorted and printed (Chinese headers and labels, number formats, one page wide, header on every page)."""
    if xlsx.suffix.lower() != ".xlsx":
        raise _fail(f"--xlsx {xlsx}: the workbook is an Excel .xlsx file, not {xlsx.suffix or 'a file without suffix'}",
                    hint=f"name it {xlsx.with_suffix('.xlsx')}")
    from jixiao.dictionaries import DictionaryError
    from jixiao.analysis.export import ExportError, export_xlsx

    try:
        counts = export_xlsx(out, xlsx)
    except (ExportError, DictionaryError) as exc:
        raise _fail(str(exc), code=1) from exc
    console.print(f"wrote {xlsx}: " + ", ".join(f"{sheet} {n} rows" for sheet, n in counts.items()))


@app.command()
def report(out: OutOption = Path("output")) -> None:
    """Write DIR/report.html: one self-contained page (no network needed) summing up the dataset."""
    from jixiao.analysis.report import write_report
    from jixiao.store.local import StoreError

    try:
        path = write_report(out)
    except StoreError as exc:
        raise _fail(str(exc), code=1) from exc
    console.print(f"wrote {path}")


app.command("checks")(checks_command)


def entry() -> None:
    """The `jixiao` console script (and `python -m jixiao.cli`)."""
    run_and_exit(app)


if __name__ == "__main__":
    entry()
