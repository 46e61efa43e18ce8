"""The commands that read a built dataset: `query`, `duplicates`, `compare`, `export` and `report`.
Commands of the `jixiao` app (registered in cli.py)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from jixiao.cli_output import OutOption, console, err, fail
from jixiao.terminal import inert

class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


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
        raise fail("the SQL is empty", hint='e.g. jixiao query "select township, status from documents"')
    if output is not None and fmt is Format.table:
        raise fail("--output writes csv, json or markdown", hint="add --format csv (or json, markdown)")
    from jixiao.store.local import StoreError, run_query

    try:
        columns, rows = run_query(out, sql)
    except StoreError as exc:
        raise fail(str(exc), code=1) from exc
    from jixiao import terminal

    if fmt is Format.table:
        terminal.print_table(console, columns, rows, limit or 200)
        return
    rows = rows[:limit] if limit else rows
    text = terminal.render(fmt.value, columns, rows)
    if output is None:
        typer.echo(inert(text, lines=True) if console.is_terminal else text, nl=False)
        return
    try:
        # a CSV file is for Excel, which reads UTF-8 only after a BOM (review.csv has one too);
        # standard output is for other programs and gets none
        output.write_text(text, encoding="utf-8-sig" if fmt is Format.csv else "utf-8", newline="")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror}", code=1) from exc
    err.print(escape(f"wrote {len(rows)} rows to {output}"))


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
        raise fail(str(exc)) from exc
    except StoreError as exc:
        raise fail(str(exc), code=1) from exc
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
        raise fail(str(exc)) from exc
    except StoreError as exc:
        raise fail(str(exc), code=1) from exc
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


def export(
    xlsx: Annotated[Path, typer.Option("--xlsx", help="Workbook to write, e.g. output/district.xlsx.")],
    out: OutOption = Path("output"),
) -> None:
    """Write the dataset to one Excel workbook: a 汇总 sheet per township, then a sheet per table, made to
    be sorted and printed (Chinese headers and labels, number formats, one page wide, header on every page)."""
    if xlsx.suffix.lower() != ".xlsx":
        raise fail(f"--xlsx {xlsx}: the workbook is an Excel .xlsx file, not {xlsx.suffix or 'a file without suffix'}",
                   hint=f"name it {xlsx.with_suffix('.xlsx')}")
    from jixiao.dictionaries import DictionaryError
    from jixiao.analysis.export import ExportError, export_xlsx

    try:
        counts = export_xlsx(out, xlsx)
    except (ExportError, DictionaryError) as exc:
        raise fail(str(exc), code=1) from exc
    console.print(f"wrote {xlsx}: " + ", ".join(f"{sheet} {n} rows" for sheet, n in counts.items()))


def report(out: OutOption = Path("output")) -> None:
    """Write DIR/report.html: one self-contained page (no network needed) summing up the dataset."""
    from jixiao.analysis.report import write_report
    from jixiao.store.local import StoreError

    try:
        path = write_report(out)
    except StoreError as exc:
        raise fail(str(exc), code=1) from exc
    console.print(f"wrote {path}")
