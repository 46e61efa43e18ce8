"""Processes jixiao starts die with it, even when it is killed outright (SIGKILL, OOM killer).

Light on purpose (no Prefect, no readers): flows/startup.py uses it before anything is imported.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; elsewhere a no-op: the
    reader child also exits when its pipe to the parent closes)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass


_watching = False


def watch_parent() -> None:
    """In a pool worker: exit as soon as the process that started us is gone (a thread polling the
    parent's pid; PR_SET_PDEATHSIG would fire when the parent's *thread* that spawned us ends), and
    leave Ctrl-C to the parent, which stops us."""
    global _watching
    if _watching or multiprocessing.parent_process() is None:
        return
    _watching = True
    parent = os.getppid()
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole terminal group: the parent decides
    except ValueError:
        pass  # not the main thread

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="jixiao-parent-watch", daemon=True).start()
