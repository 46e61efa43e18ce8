"""Failures the document did not cause are not cached as its result (issue 21): a reader child killed
from outside (the kernel's OOM killer, an administrator), a timeout on a busy machine and a LibreOffice
conversion killed by a signal are retried by the next run; and LibreOffice dies with jixiao, however
jixiao ends, at once when the run is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

from jixiao.extractors import legacy, office_process
from jixiao.flows.extract import ExtractionCache
from jixiao.flows.runtime.guard import GuardedReader
from tests.conftest import needs_soffice

REPO = Path(__file__).resolve().parents[1]


def _hanging_file(folder: Path) -> Path:
    """A named pipe nobody writes to, named .txt: the reader blocks opening it until it is killed."""
    path = folder / "卡住.txt"
    os.mkfifo(path)
    return path


def test_a_reader_killed_from_outside_is_retried_next_run(tmp_path: Path):
    path = _hanging_file(tmp_path)
    with GuardedReader(seconds=20) as reader:
        def kill_from_outside() -> None:
            while reader._process is None or reader._process.pid is None:
                time.sleep(0.05)
            time.sleep(1)
            os.kill(reader._process.pid, signal.SIGKILL)

        threading.Thread(target=kill_from_outside, daemon=True).start()
        extraction = reader.read(path, "0" * 64, 1 << 20)
    assert extraction.status == "failed" and extraction.error_code != "too_large", extraction.error
    assert not extraction.cacheable and "next run" in extraction.error, extraction.error
    cache = ExtractionCache(tmp_path / "out")
    cache.put(extraction)
    assert not cache.reusable(extraction.doc_id)


def test_a_reader_past_its_time_limit_is_retried_next_run(tmp_path: Path):
    with GuardedReader(seconds=2) as reader:
        extraction = reader.read(_hanging_file(tmp_path), "1" * 64, 1 << 20)
    assert (extraction.error_code, extraction.cacheable) == ("timeout", False), extraction.error


def _fake_soffice(folder: Path) -> Path:
    """A LibreOffice stand-in that behaves like soffice → oosplash → soffice.bin: it starts a grandchild
    that does the slow work, and records both pids."""
    fake = folder / "soffice"
    fake.write_text(f"#!/bin/sh\necho $$ >> {folder}/pids\nsleep 300 &\necho $! >> {folder}/pids\nwait\n")
    fake.chmod(0o755)
    return fake


def _pids(folder: Path, n: int = 2, seconds: float = 20) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [int(p) for p in (folder / "pids").read_text().split()] if (folder / "pids").exists() else []
        if len(found) >= n:
            return found
        time.sleep(0.05)
    raise AssertionError("the stand-in LibreOffice never started")


def _all_gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]:
            return True
        time.sleep(0.1)
    return False


def _rtf(folder: Path) -> Path:
    path = folder / "目标.rtf"
    path.write_bytes(b"{\\rtf1 2024}")
    return path


def test_a_conversion_killed_from_outside_is_retried_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: str(_fake_soffice(tmp_path)))
    conversions = legacy.Conversions(tmp_path / "converted", timeout=300)
    threading.Thread(target=lambda: [os.kill(p, signal.SIGKILL) for p in _pids(tmp_path)], daemon=True).start()
    conversions.convert({"a": _rtf(tmp_path)})
    assert conversions.errors["a"].code == "not_processed" and "next run" in str(conversions.errors["a"])
    assert os.listdir(tmp_path / "converted") == [], "no lasting failure recorded"


def test_a_stop_kills_a_conversion_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: str(_fake_soffice(tmp_path)))
    monkeypatch.setattr(office_process, "_STOPPING", threading.Event())
    conversions = legacy.Conversions(tmp_path / "converted", timeout=300)
    threading.Thread(target=lambda: _pids(tmp_path) and office_process.stop_conversions(), daemon=True).start()
    started = time.monotonic()
    conversions.convert({"a": _rtf(tmp_path), "b": _rtf(tmp_path)})
    assert time.monotonic() - started < 5 + 20, "Ctrl-C waited for the conversion"
    assert {e.code for e in conversions.errors.values()} == {"not_processed"}
    assert _all_gone(_pids(tmp_path))


_CONVERTING = """
import sys
from pathlib import Path
from jixiao.extractors import legacy
legacy.find_soffice = lambda: sys.argv[1]
legacy.Conversions(Path(sys.argv[2]), timeout=300).convert({"a": Path(sys.argv[3])})
"""


def test_libreoffice_dies_with_a_killed_jixiao_and_its_folders_go_at_the_next_start(tmp_path: Path):
    fake, source = _fake_soffice(tmp_path), _rtf(tmp_path)
    owner = subprocess.Popen([sys.executable, "-c", _CONVERTING, str(fake), str(tmp_path / "converted"), str(source)],
                             cwd=REPO)
    pids = _pids(tmp_path)
    left = [p for p in Path(tempfile.gettempdir()).glob(f"jixiao-lo-{owner.pid}-*")]
    assert left, "the conversion's profile folder is named with its owner's pid"
    owner.kill()
    owner.wait()
    assert _all_gone(pids), "LibreOffice outlived the process that started it"
    assert all(p.exists() for p in left)
    office_process._swept.clear()
    legacy.Conversions(tmp_path / "converted", timeout=1)
    assert not any(p.exists() for p in left), "a killed run's temporary folders were not removed"
    assert not list((tmp_path / "converted").iterdir())


def _slow_doc(path: Path) -> Path:
    """An RTF of 20,000 table rows named .doc (what Word's "save as" with the wrong type gives): LibreOffice
    converts it for minutes."""
    row = r"\trowd\cellx2000\cellx4000\cellx6000 \intbl alpha\cell \intbl beta\cell \intbl 95\cell \row" + "\n"
    path.write_text("{\\rtf1\\ansi\n" + row * 20000 + "}", encoding="ascii")
    return path


@needs_soffice
def test_real_libreoffice_dies_with_a_killed_jixiao(tmp_path: Path):
    doc = _slow_doc(tmp_path / "目标.doc")
    owner = subprocess.Popen([sys.executable, "-c", _CONVERTING.replace("legacy.find_soffice = lambda: sys.argv[1]\n",
                                                                        ""), "-", str(tmp_path / "converted"), str(doc)],
                             cwd=REPO)
    office: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(_named(p, "soffice.bin") for p in office):
            office = psutil.Process(owner.pid).children(recursive=True)
            time.sleep(0.05)
        time.sleep(2)  # past a first start's restart of soffice.bin (a new profile)
        office = psutil.Process(owner.pid).children(recursive=True)
        assert any(_named(p, "soffice.bin") for p in office), [p.pid for p in office]
        owner.kill()
        owner.wait()
        assert _all_gone([p.pid for p in office]), "soffice.bin or oosplash outlived jixiao"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        for process in office:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass


def _named(process: psutil.Process, name: str) -> bool:
    try:
        return process.name().startswith(name)
    except psutil.NoSuchProcess:
        return False
