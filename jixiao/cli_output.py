"""What every `jixiao` command prints with: the consoles, a one-line error with its hint, a progress
line, and the --out option they all take."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, get_args

import typer
from rich.markup import escape

from jixiao.terminal import inert_console

console = inert_console()  # control characters in file names and cells shown as escapes
err = inert_console(stderr=True)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder (dataset, cache, reports).")]
TownshipOption = Annotated[str | None, typer.Option(help="Only this township (as in the documents table).")]
LimitOption = Annotated[int, typer.Option(min=1, help="Rows to print at most.")]


def choices(name: str, literal: Any) -> type[Enum]:
    """The codes of one of the model's Literals as the choices of an option (the command line lists them
    and refuses others), so an option never drifts from what the tables hold."""
    return Enum(name, {code: code for code in get_args(literal)}, type=str)


def fail(message: str, hint: str | None = None, code: int = 2) -> typer.Exit:
    """One line saying what is wrong (and one saying what to do); no traceback. Markup is escaped: a
    hint such as pip install 'jixiao[postgres]' must keep its brackets."""
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    if hint:
        err.print(f"[bold]hint:[/] {escape(hint)}", soft_wrap=True)
    return typer.Exit(code)


def say(message: str) -> None:
    console.print(escape(message), style="dim", soft_wrap=True, highlight=False)


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(message)}")
