"""Processes jixiao starts: where reader children come from, and that they die with jixiao, even
when it is killed outright (SIGKILL, OOM killer).

Light on purpose (no Prefect, no readers): flows/runtime/startup.py and the CLI use it before anything is imported.
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


def reader_context() -> multiprocessing.context.BaseContext:
    """forkserver on Linux: a clean, pre-imported process to fork readers from (a fork of a
    multi-threaded Prefect worker could inherit a held lock); spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["jixiao.flows.extract"])
        return context
    return multiprocessing.get_context("spawn")


def start_reader_server() -> None:
    """Start the process readers are forked from now (it imports the readers: ~0.2 s of CPU), so that
    it is ready when the inbox is known; on platforms that spawn readers there is nothing to start."""
    if reader_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


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
