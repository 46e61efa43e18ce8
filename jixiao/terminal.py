"""Query results for people and for other programs: a table (one record per block when the rows are
wider than the terminal), CSV, JSON or Markdown."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "csv", "json", "markdown")


def is_number(value: object) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def numeric_columns(columns: list[str], rows: list[tuple]) -> list[bool]:
    """Columns whose every non-null value is a number: these are right-aligned."""
    return [any(r[i] is not None for r in rows) and all(r[i] is None or is_number(r[i]) for r in rows)
            for i in range(len(columns))]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def print_table(console: Console, columns: list[str], rows: list[tuple], limit: int) -> None:
    """A box table when it fits the terminal's width, else one block per record (like psql's \\x)."""
    shown = rows[:limit]
    texts = [[cell_text(v) for v in row] for row in shown]
    widths = [max([cell_len(c)] + [cell_len(line) for t in texts for line in t[i].splitlines() or [""]])
              for i, c in enumerate(columns)]
    if sum(widths) + 3 * len(columns) + 1 <= console.width or not columns:
        numeric = numeric_columns(columns, shown)
        table = Table(*columns)
        for i, is_num in enumerate(numeric):
            table.columns[i].justify = "right" if is_num else "left"
        for row in texts:
            table.add_row(*(Text(t) for t in row))
        console.print(table)
    else:
        _print_records(console, columns, texts)
    if len(rows) > limit:
        console.print(f"… {len(rows) - limit} more rows (raise --limit, or --format csv --output FILE for all)")
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")


def _print_records(console: Console, columns: list[str], texts: list[list[str]]) -> None:
    label = max(cell_len(c) for c in columns)
    for n, row in enumerate(texts, start=1):
        console.print(Text(f"-[ record {n} ]" + "-" * max(0, min(console.width, 60) - 14 - len(str(n))), style="dim"))
        for column, value in zip(columns, row):
            line = Text(column + " " * (label - cell_len(column)), style="bold")
            line.append(" │ ")
            line.append(value)
            console.print(line, overflow="fold")


def write_csv(stream: TextIO, columns: list[str], rows: list[tuple]) -> None:
    writer = csv.writer(stream)
    writer.writerow(columns)
    writer.writerows([["" if v is None else v for v in row] for row in rows])


def write_json(stream: TextIO, columns: list[str], rows: list[tuple]) -> None:
    """An array of objects, one per row; dates as ISO text, decimals as numbers."""
    json.dump([dict(zip(columns, row)) for row in rows], stream, ensure_ascii=False, indent=1, default=_json_value)
    stream.write("\n")


def _json_value(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)


def write_markdown(stream: TextIO, columns: list[str], rows: list[tuple]) -> None:
    numeric = numeric_columns(columns, rows)
    stream.write("| " + " | ".join(_md(c) for c in columns) + " |\n")
    stream.write("|" + "|".join("---:" if n else "---" for n in numeric) + "|\n")
    for row in rows:
        stream.write("| " + " | ".join(_md(cell_text(v)) for v in row) + " |\n")


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")


def render(fmt: str, columns: list[str], rows: list[tuple]) -> str:
    """csv, json or markdown as text."""
    buffer = io.StringIO()
    {"csv": write_csv, "json": write_json, "markdown": write_markdown}[fmt](buffer, columns, rows)
    return buffer.getvalue()
