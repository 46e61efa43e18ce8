"""Hooks called before and after each page OCR reads: the runner that watches a read's time (flows.runtime.guard)
allows a long scan more time while it makes progress, and lets one reader at a time recognise pages
(each holds about a gigabyte while it does). Imports nothing heavy: the runner's reader child sets them
before any OCR library is loaded."""

from __future__ import annotations

from collections.abc import Callable

Hook = Callable[[], None]
_hooks: tuple[Hook | None, Hook | None] = (None, None)


def watch_pages(before: Hook | None, after: Hook | None) -> None:
    """Call `before` before and `after` after every page recognised in this process (None: no call)."""
    global _hooks
    _hooks = (before, after)


def page_starting() -> None:
    if _hooks[0] is not None:
        _hooks[0]()


def page_done() -> None:
    if _hooks[1] is not None:
        _hooks[1]()
