"""Hooks called before and after each page OCR reads: the runner that watches a read's time (flows.guard)
allows a long scan more time while it makes progress, and lets one reader at a time recognise pages
(each holds about a gigabyte while it does). Imports nothing heavy: the runner's reader child sets them
before any OCR library is loaded."""

from __future__ import annotations

from collections.abc import Callable

_hook: Callable[[], None] | None = None
_before: Callable[[], None] | None = None


def on_page(hook: Callable[[], None] | None) -> None:
    """Call `hook` after every page recognised in this process (None: stop calling)."""
    global _hook
    _hook = hook


def page_done() -> None:
    if _hook is not None:
        _hook()


def before_page(hook: Callable[[], None] | None) -> None:
    """Call `hook` before every page is recognised in this process (None: stop calling)."""
    global _before
    _before = hook


def page_starting() -> None:
    if _before is not None:
        _before()
