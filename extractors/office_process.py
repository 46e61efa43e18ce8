"""LibreOffice as a child that dies with jixiao, however jixiao ends.

`soffice` is a script that runs `oosplash`, which starts `soffice.bin` (gigabytes for a big file): a
parent-death signal on the first would not reach the last. So each conversion runs under a guardian,
a bare Python process leading a process group of its own with LibreOffice in it: it holds the read end
of a pipe whose write end only jixiao holds, and when jixiao is gone (exit, crash, SIGKILL, the OOM
killer) the pipe closes and the guardian kills its whole group. Ctrl-C (`stop_conversions`) kills
every running group at once, so a stop never waits for a conversion.

Each temporary folder (LibreOffice's profile, its output) is named with the pid of the process that
made it; `remove_leftovers` deletes those whose process is gone (a killed run's), at the next start.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

# The guardian: start the command in our group, wait for it; if jixiao's end of stdin closes first, kill the
# group (ourselves included). A child killed by a signal is reported as killed by it (a negative returncode).
_GUARDIAN = """
import os, select, signal, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while child.poll() is None:
    if select.select([0], [], [], 0.2)[0] and not os.read(0, 64):
        os.killpg(0, signal.SIGKILL)
if child.returncode < 0:
    if -child.returncode != signal.SIGKILL:
        signal.signal(-child.returncode, signal.SIG_DFL)
    os.kill(os.getpid(), -child.returncode)
sys.exit(child.returncode)
"""

_LIVE: set[subprocess.Popen] = set()
_LOCK = threading.Lock()
_STOPPING = threading.Event()


class ConversionStopped(Exception):
    """jixiao is stopping (Ctrl-C, SIGTERM): no LibreOffice is started, the running ones were killed."""


def start_guarded(command: list[str]) -> subprocess.Popen:
    """`command` under a guardian leading a new process group (its pid is the group's id)."""
    if _STOPPING.is_set():
        raise ConversionStopped
    if os.name != "posix":  # no process groups to kill: LibreOffice alone, as before
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process = subprocess.Popen([sys.executable, "-I", "-S", "-c", _GUARDIAN, *command], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    with _LOCK:
        _LIVE.add(process)
    return process


def kill_group(process: subprocess.Popen) -> None:
    """Kill the guardian and everything it started (LibreOffice and the soffice.bin it forked); wait for it."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
    forget(process)


def forget(process: subprocess.Popen) -> None:
    """The process has ended: close our end of its lifeline."""
    with _LOCK:
        _LIVE.discard(process)
    if process.stdin is not None:
        process.stdin.close()


def stop_conversions() -> None:
    """Kill every running conversion now and start no other (jixiao is stopping; safe in a signal handler:
    killing is all it does, the threads waiting on the processes clean up)."""
    _STOPPING.set()
    for process in list(_LIVE):
        try:
            os.killpg(process.pid, signal.SIGKILL) if hasattr(os, "killpg") else process.kill()
        except (ProcessLookupError, PermissionError):
            pass


def stopping() -> bool:
    return _STOPPING.is_set()


def temp_prefix(kind: str) -> str:
    """The prefix of a temporary folder of `kind` (lo, doc, converting) owned by this process."""
    return f"jixiao-{kind}-{os.getpid()}-"


_OWNED = re.compile(r"^\.?jixiao-(?:lo|doc|converting)-(\d+)-")
_swept: set[str] = set()


def remove_leftovers(*folders: Path) -> None:
    """Delete temporary folders of processes that are gone (a run killed mid-conversion left them),
    in the system's temporary folder and `folders`; each folder is swept once per process."""
    for folder in (Path(tempfile.gettempdir()), *folders):
        if str(folder) in _swept:
            continue
        _swept.add(str(folder))
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            owner = _OWNED.match(entry.name)
            if owner and entry.is_dir(follow_symlinks=False) and not _alive(int(owner[1])):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another account's process
    return True
