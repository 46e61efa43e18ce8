"""`jixiao results`: each target against what the township's 自评表 reports (目标 → 自评).

A command of the `jixiao` app (registered in cli.py), kept in its own file so cli.py stays short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli_output import LimitOption, OutOption, TownshipOption, choices
from jixiao.model.codes import ResultOutcome

Outcome = choices("Outcome", ResultOutcome)


def results(
    out: OutOption = Path("output"),
    township: TownshipOption = None,
    year: Annotated[int | None, typer.Option(help="Only this year's targets (default: every year judged).")] = None,
    outcome: Annotated[Outcome | None, typer.Option(help="Only this outcome.")] = None,
    limit: LimitOption = 200,
) -> None:
    """Did the townships do what they promised? Each target of a year beside the 实际完成值 of that
    year's 自评表: met, missed (with the 偏差原因 given), no actual, no target, or not comparable."""
    from rich.table import Table

    from jixiao.analysis.result_views import OUTCOMES, result_years, select_results
    from jixiao.cli_output import console, fail
    from jixiao.store.local import StoreError

    try:
        rows = select_results(out, township, year, outcome.value if outcome else None)
        years = result_years(out) if not rows else []
    except StoreError as exc:
        raise fail(str(exc), code=1) from exc
    if not rows:
        hint = ("years with results: " + ", ".join(map(str, years))) if years else \
            "results need a township's target form and its 自评表 of the same year (inbox/<year>/<township>/…)"
        console.print("no results match", style="bold")
        console.print(f"hint: {hint}")
        return
    table = Table("township", "year", "project", "indicator", "target", "actual", "outcome", show_lines=False)
    table.add_column("偏差原因", overflow="fold", min_width=12)
    for row in rows[:limit]:
        style = {"missed": "red", "no_target": "yellow", "no_actual": "yellow"}.get(row["outcome"])
        table.add_row(row["township"] or "", str(row["year"] or ""), row["project_name"] or row["project_code"] or "",
                      row["name_raw"] or "", row["target_raw"] or "", row["actual_raw"] or "",
                      f"[{style}]{row['outcome']}[/]" if style else row["outcome"], row["explanation"] or "")
    console.print(table)
    if len(rows) > limit:
        console.print(f"… {len(rows) - limit} more (raise --limit, or query the results table)")
    counts = {o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES}
    judged = counts["met"] + counts["missed"]
    share = f"; {counts['met'] / judged:.0%} of the measurable targets met" if judged and outcome is None else ""
    console.print(f"{len(rows)} targets: " + ", ".join(f"{n} {o}" for o, n in counts.items() if n) + share)
