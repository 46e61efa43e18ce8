"""Usage errors the command-line library finds itself (`--workers -1`, `--year abc`, an unknown command,
`-f xml`) printed like jixiao's own: one `error:` line and one `hint:` line, exit 2 — not a boxed panel.

The `jixiao` app's group class (cli.py: `typer.Typer(cls=UsageErrorsInOneLine)`); the nested groups
(`api`, `vocab`) are run through it, so their mistakes are caught here too.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

# typer ≥ 0.2x carries its own copy of click, older ones use click: take the classes it raises
_CLICK_EXCEPTION, _USAGE_ERROR = (next(c for c in typer.BadParameter.__mro__ if c.__name__ == name)
                                  for name in ("ClickException", "UsageError"))

err = Console(stderr=True)


def usage_lines(exc: Exception) -> tuple[str, str]:
    """The one-line message and the hint for a usage error raised by the command-line library."""
    message = " ".join(exc.format_message().replace("Value error, ", "").split())  # pydantic's prefix
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return message, "jixiao --help lists the commands and their options"
    if isinstance(ctx.command, TyperGroup) and "command" in message.lower():
        commands = ", ".join(ctx.command.list_commands(ctx))
        return message, f"the commands of {ctx.command_path} are: {commands} ({ctx.command_path} --help says more)"
    return message, f"{ctx.command_path} --help lists its options and the values they take"


class UsageErrorsInOneLine(TyperGroup):
    """The app's group: runs the command as typer does and prints the library's errors in jixiao's style."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _USAGE_ERROR as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `jixiao` or `jixiao api` alone: typer printed the help
                sys.exit(exc.exit_code)
            message, hint = usage_lines(exc)
            err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
            err.print(f"[bold]hint:[/] {escape(hint)}", soft_wrap=True)
            sys.exit(2)
        except _CLICK_EXCEPTION as exc:
            err.print(f"[bold red]error:[/] {escape(exc.format_message())}", soft_wrap=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            err.print("stopped")
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)
