"""`jixiao checks`: the reviewer's list of what to fix (审核), for the district or one township.

A command of the `jixiao` app (registered in cli.py), kept in its own file so cli.py stays short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli_output import LimitOption, OutOption, TownshipOption, choices
from jixiao.model import codes

Severity = choices("Severity", codes.Severity)


def checks(
    out: OutOption = Path("output"),
    township: TownshipOption = None,
    rule: Annotated[str | None, typer.Option(help="Only this rule, e.g. budget_sum_mismatch.")] = None,
    severity: Annotated[Severity | None, typer.Option(help="Only this severity.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write the list to this workbook "
                                                             "(e.g. one township's list for its clerk).")] = None,
    limit: LimitOption = 200,
) -> None:
    """What a reviewer must look at before approval: sums, spending plans, missing 产出/满意度/成本
    indicators, unmeasurable targets, wrong year or township, superseded files, repeated codes."""
    from rich.table import Table

    from jixiao.analysis.check_rules import settings
    from jixiao.analysis.export import ExportError, write_checks_xlsx
    from jixiao.analysis.townships import select_checks
    from jixiao.cli_output import console, fail
    from jixiao.dictionaries import DictionaryError
    from jixiao.store.local import StoreError, run_query

    rules = sorted((settings().get("rules") or {}))
    if rule is not None and rule not in rules:
        raise fail(f"unknown rule {rule!r}", hint="rules: " + ", ".join(rules))
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise fail(f"--xlsx {xlsx}: the list is written as an Excel .xlsx file", hint=f"name it {xlsx.with_suffix('.xlsx')}")
    try:
        rows = select_checks(out, township, rule, severity.value if severity else None)
        if township is not None and not rows:
            known = [t for (t,) in run_query(out, "select distinct township from documents order by 1")[1]]
            if township not in known:
                raise fail(f"no township {township!r} in the dataset", hint="townships: " + "、".join(map(str, known)))
    except StoreError as exc:
        raise fail(str(exc), code=1) from exc
    table = Table("township", "file", "project", "indicator", "severity", show_lines=True)
    table.add_column("message", overflow="fold", min_width=30)
    for row in rows[:limit]:
        project = row["project_code"] or row["project_name"] or (f"表{row['table_no']}" if row["table_no"] else "")
        table.add_row(row["township"] or "", row["source_path"], project, row["name_raw"] or "", row["severity"],
                      row["message"])
    if rows:
        console.print(table)
    if len(rows) > limit:
        console.print(f"… {len(rows) - limit} more (raise --limit, or --xlsx FILE for all)")
    counts = {s.value: sum(r["severity"] == s.value for r in rows) for s in Severity}
    console.print(f"{len(rows)} checks: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    if xlsx is not None:
        try:
            write_checks_xlsx(rows, xlsx)
        except (ExportError, DictionaryError) as exc:
            raise fail(str(exc), code=1) from exc
        console.print(f"wrote {xlsx}")
