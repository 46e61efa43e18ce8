"""`jixiao api status` and `jixiao api stop`: the Prefect API server jixiao keeps running between runs (flows.runtime.kept_api).

A command group of the `jixiao` app (registered in cli.py), kept in its own file so cli.py stays short.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

api_app = typer.Typer(no_args_is_help=True, help="Prefect's local API server, kept between runs "
                                                 "(jixiao run --keep-api MINUTES, default 10).")
console = Console()


@api_app.command()
def status() -> None:
    """Say whether a kept server is running, where, and for how long it stays idle before stopping."""
    import time

    from jixiao.flows.runtime.kept_api import find_kept_api, prefect_home

    kept = find_kept_api(renew=False)
    if kept is None:
        console.print(f"no kept Prefect API server for {escape(str(prefect_home()))}; the next run starts one")
        return
    idle = time.time() - kept.lease.stat().st_mtime
    console.print(f"Prefect API server kept at {kept.url} (pid {kept.pid}), last used {idle:.0f} s ago")


@api_app.command()
def stop() -> None:
    """Stop the kept server now; run it between runs (a run using the server would lose its API)."""
    from jixiao.flows.runtime.kept_api import stop_kept_api

    kept = stop_kept_api()
    console.print(f"stopping the Prefect API server at {kept.url} (pid {kept.pid})" if kept is not None
                  else "no kept Prefect API server was running")
