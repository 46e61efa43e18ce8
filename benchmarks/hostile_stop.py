"""Stopping a run while LibreOffice converts a slow .doc (issue 21), and a 3,000-frame TIFF's refusal.

    python -m benchmarks.hostile_stop [--samples ../shared/samples/inbox] [--rows 20000]

Builds an inbox of the samples plus one legacy file LibreOffice converts for minutes (an RTF of
`--rows` table rows saved under .doc, as Word's "save as" with the wrong type gives) and a TIFF of
3,000 frames, then:
- Ctrl-C (SIGINT to the run's process group, as a terminal sends it) once soffice.bin is converting:
  seconds until `jixiao run` returns, its exit code, and LibreOffice processes left after 5 s;
- SIGKILL of the `jixiao` process alone once soffice.bin is converting: LibreOffice processes (soffice,
  oosplash, soffice.bin) left after 5 s, and jixiao-lo-* folders left in the temporary folder, then
  after the next run's start;
- the TIFF alone read by `extract_file`: seconds until it is refused, and the message.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
OFFICE = ("soffice", "oosplash")


def build(inbox: Path, samples: Path, rows: int) -> Path:
    shutil.copytree(samples, inbox)
    slow = inbox / "慢镇" / "目标.doc"
    slow.parent.mkdir()
    row = r"\trowd\cellx2000\cellx4000\cellx6000 \intbl alpha\cell \intbl beta\cell \intbl 95\cell \row" + "\n"
    slow.write_text("{\\rtf1\\ansi\n" + row * rows + "}", encoding="ascii")
    tiff = inbox.parent / "三千页.tif"
    frame = Image.new("L", (16, 16), 255)
    frame.save(tiff, save_all=True, append_images=[frame] * 2999)
    return tiff


def office_processes(owner: int) -> list[psutil.Process]:
    """LibreOffice processes converting for the jixiao process `owner` (by its temporary profile's name)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            if any(process.info["name"].startswith(n) for n in OFFICE) and f"jixiao-lo-{owner}-" in " ".join(process.info["cmdline"] or []):
                found.append(process)
        except (psutil.NoSuchProcess, TypeError):
            continue
    return found


def start(inbox: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env={**os.environ, "JIXIAO_KEEP_API": "0"})


def wait_converting(process: subprocess.Popen, seconds: float = 600) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            tree = psutil.Process(process.pid).children(recursive=True)
            if any(p.name().startswith("soffice.bin") for p in tree):
                return True
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.1)
    return False


def left_after(seconds: float, owner: int) -> list[psutil.Process]:
    time.sleep(seconds)
    return office_processes(owner)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=Path, default=REPO.parent / "shared" / "samples" / "inbox")
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-stop-") as work:
        root = Path(work)
        inbox = root / "inbox"
        tiff = build(inbox, args.samples, args.rows)

        run = start(inbox, root / "out-int")
        converting = wait_converting(run)
        stopped = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)
        output, _ = run.communicate(timeout=600)
        seconds = time.monotonic() - stopped
        left = left_after(5, run.pid)
        print(f"Ctrl-C while converting ({converting=}): returned in {seconds:.1f} s, exit {run.returncode}, "
              f"LibreOffice processes left after 5 s: {len(left)}; last line: {output.strip().splitlines()[-1]!r}")
        for process in left:
            process.kill()

        run = start(inbox, root / "out-kill")
        converting = wait_converting(run)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        left = left_after(5, run.pid)
        folders = list(Path(tempfile.gettempdir()).glob(f"jixiao-lo-{run.pid}-*"))
        print(f"SIGKILL of jixiao while converting ({converting=}): LibreOffice processes left after 5 s: "
              f"{len(left)} ({', '.join(p.name() for p in left)}); jixiao-lo-* folders left: {len(folders)}")
        for process in left:
            process.kill()
        from jixiao.extractors import office_process

        office_process.remove_leftovers()
        print(f"after the next start's sweep: {len([f for f in folders if f.exists()])} of them left")

        from jixiao.flows.extract import extract_file
        from jixiao.flows.inbox import file_sha256

        started = time.monotonic()
        extraction = extract_file(tiff, file_sha256(tiff))
        print(f"3,000-frame TIFF: {extraction.status} {extraction.error_code} in {time.monotonic() - started:.2f} s: "
              f"{extraction.error}")


if __name__ == "__main__":
    main()
