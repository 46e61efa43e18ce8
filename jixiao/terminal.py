"""What jixiao prints: consoles and log lines that cannot be hijacked by a name, and query results for
people and for other programs: a table (one record per block when the rows are wider than the
terminal), CSV, JSON or Markdown.

A file name or a cell holds whatever its author typed, escape sequences included (`ESC]52;…` writes the
clipboard, `ESC[2J` clears the screen, OSC 8 forges links, U+202E reverses what follows): every console
jixiao prints on and every log line Prefect prints shows such characters as inert escapes (`\x1b`).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import logging
import re
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult, RichCast
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

# C0 controls but tab and newline, DEL, C1 controls, bidirectional overrides and isolates, and lone
# surrogates (the undecodable bytes of a file name: Python keeps byte NN as U+DCNN).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\n\t]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8, as os.fsdecode kept it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str, lines: bool = False) -> str:
    """`text` with every character a terminal would act on shown as an escape (`\x1b`, `\u202e`);
    `lines`: keep newlines and tabs (a table cell of several lines), else they are escaped too."""
    text = _CONTROL.sub(_escape, text)
    return text if lines else _LINE_BREAKS.sub(_escape, text)


class _Inert:
    """A renderable printed with the text of its segments made inert (rich's own control codes kept)."""

    def __init__(self, renderable: ConsoleRenderable | RichCast | str):
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            yield segment if segment.control else Segment(inert(segment.text, lines=True), segment.style)


class _InertHook(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Inert(r) for r in renderables]


def inert_console(stderr: bool = False) -> Console:
    """A console whose output shows control characters from names and cells as escapes."""
    console = Console(stderr=stderr)
    console.push_render_hook(_InertHook())
    return console


def make_logs_inert() -> None:
    """Every log record made from now on carries its message inert (Prefect prints the per-document lines
    on the terminal); a record factory, so it holds however and whenever logging is configured."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "inert", False):
        return

    def inert_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            record.msg, record.args = inert(record.getMessage()), None
        except Exception:  # arguments that do not fit the message: logging reports that itself
            pass
        return record

    inert_record.inert = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(inert_record)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def numeric_columns(columns: list[str], rows: list[tuple]) -> list[bool]:
    """Columns whose every non-null value is a number: these are right-aligned."""
    return [any(r[i] is not None for r in rows) and all(r[i] is None or is_number(r[i]) for r in rows)
            for i in range(len(columns))]


def cell_text(value: object) -> str:
    """A value as a table cell shows it: inert before it is measured, so the columns still line up."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return inert(str(value), lines=True)


def print_table(console: Console, columns: list[str], rows: list[tuple], limit: int) -> None:
    """A box table when it fits the terminal's width, else one block per record (like psql's \\x)."""
    shown = rows[:limit]
    texts = [[cell_text(v) for v in row] for row in shown]
    columns = [inert(c) for c in columns]
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
