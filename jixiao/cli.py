"""The `jixiao` command line: run the flow over an inbox, query the dataset. Each command lives in the
module of its idea (cli_run, cli_data, cli_checks, cli_results, cli_api); this one assembles the app."""

from __future__ import annotations

from typing import Annotated

import typer

from jixiao.cli_api import api_app
from jixiao.cli_checks import checks
from jixiao.cli_data import compare, duplicates, export, query, report
from jixiao.cli_output import console
from jixiao.cli_results import results
from jixiao.cli_run import installed_version, run
from jixiao.cli_stop import run_and_exit
from jixiao.cli_vocab import vocab_app
from jixiao.cli_usage import UsageErrorsInOneLine

app = typer.Typer(cls=UsageErrorsInOneLine, add_completion=False, no_args_is_help=True,
                  help="Read township 绩效目标 submissions into one district dataset (DuckDB + Parquet).")


def _version(value: bool) -> None:
    if value:
        console.print(f"jixiao {installed_version()}", highlight=False)
        raise typer.Exit()


@app.callback()
def main(_: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                         help="Print jixiao's version and exit.")] = False) -> None:
    """Read township 绩效目标 submissions into one district dataset (DuckDB + Parquet)."""


for command in (run, query, duplicates, compare, export, report, checks, results):
    app.command()(command)
app.add_typer(vocab_app, name="vocab")
app.add_typer(api_app, name="api")


def entry() -> None:
    """The `jixiao` console script (and `python -m jixiao.cli`)."""
    run_and_exit(app)


if __name__ == "__main__":
    entry()
