"""A hook called after each page OCR reads, so the runner that watches a read's time (flows.guard)
can allow a long scan more time while it makes progress. Imports nothing heavy: the runner's reader
child sets it before any OCR library is loaded."""

from __future__ import annotations

from collections.abc import Callable

_hook: Callable[[], None] | None = None


def on_page(hook: Callable[[], None] | None) -> None:
    """Call `hook` after every page recognised in this process (None: stop calling)."""
    global _hook
    _hook = hook


def page_done() -> None:
    if _hook is not None:
        _hook()
