"""Legacy word processing files (.doc, .wps, .rtf): converted to .docx by LibreOffice, then read as docx.

LibreOffice runs headless with a profile of its own (two conversions at once must not share one), and
converts all the legacy files of a batch in one process: starting it costs seconds, converting a file
a fraction of one. A batch that overruns its time limit is killed and its files retried one by one, so
one file that hangs LibreOffice fails alone (`timeout`). The flow keeps the conversions under its
output's cache folder by doc_id (`batch_conversions`), so a re-run converts nothing again; read on its
own, a file is converted in a temporary folder. A file LibreOffice failed on is kept as failed there
too (`<doc_id>.failed.json`): the same bytes would fail the same way. A timeout (a busy machine?) or a
LibreOffice killed from outside is the run's only: its reading child is told (`Conversions.passed_on`),
the next run converts the file again. Without LibreOffice the file fails with `needs_libreoffice` and
the command that installs it. LibreOffice dies with jixiao, however jixiao ends (`office_process`).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from jixiao.extractors.base import Limits
from jixiao.extractors.docx import read_docx
from jixiao.extractors.office_process import (ConversionStopped, forget, kill_group, remove_leftovers, start_guarded,
                                              stopping, temp_prefix)
from jixiao.model.document import Document
from jixiao.model.errors import ReadError

_STARTUP_SECONDS = 60.0  # a cold start with a fresh profile takes a few seconds; a loaded machine more
_FORMATS = {".doc": "doc", ".wps": "wps", ".rtf": "rtf"}
_WINDOWS_PATHS = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                  r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")


def install_hint() -> str:
    """The one step that makes legacy files readable on this kind of machine."""
    if platform.system() == "Windows":
        return "install LibreOffice (免费, from its official site), then run jixiao again"
    return "install LibreOffice: sudo apt-get install -y libreoffice-writer-nogui — then run jixiao again"


def find_soffice() -> str | None:
    """The LibreOffice command, if it is installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((p for p in _WINDOWS_PATHS if Path(p).is_file()), None) if platform.system() == "Windows" else None


# Failures a document causes: the same bytes would fail the same way, so they are kept on disk. A timeout
# (a busy machine?), a conversion killed from outside or a missing LibreOffice are kept for this run only.
_LASTING = frozenset({"conversion_failed"})


class Conversions:
    """The .docx conversions of one batch, kept as `<folder>/<doc_id>.docx`, and the errors met this batch
    (`known`: those the process that converted the batch met, as code and message by doc_id)."""

    def __init__(self, folder: Path, timeout: float, known: dict[str, tuple[str, str]] | None = None):
        self.folder = folder
        self.timeout = timeout
        self.errors: dict[str, ReadError] = {key: ReadError(*error) for key, error in (known or {}).items()}
        folder.mkdir(parents=True, exist_ok=True)
        remove_leftovers(folder)

    def passed_on(self) -> dict[str, tuple[str, str]]:
        """The errors of this run that are not on disk, for the reading child (see `known`)."""
        return {key: (error.code, str(error)) for key, error in self.errors.items() if error.code not in _LASTING}

    def target(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.docx"

    def _failure(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.failed.json"

    def _known(self, doc_id: str) -> bool:
        """Converted, or failed for good (kept on disk, so the reading child and a re-run do not try again)."""
        if self.target(doc_id).exists() or doc_id in self.errors:
            return True
        try:
            stored = json.loads(self._failure(doc_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        self.errors[doc_id] = ReadError(stored["code"], stored["message"])
        return True

    def convert(self, sources: dict[str, Path]) -> None:
        """Convert the sources (by doc_id) not converted yet, in one LibreOffice process."""
        todo = {key: src for key, src in sources.items() if not self._known(key)}
        if not todo:
            return
        soffice = find_soffice()
        if soffice is None:
            error = ReadError("needs_libreoffice", "a legacy Word/WPS/RTF file needs LibreOffice to be read and it "
                              f"is not installed — {install_hint()} (or save the file as .docx in Word or WPS)")
            self.errors.update(dict.fromkeys(todo, error))
            return
        with tempfile.TemporaryDirectory(prefix=temp_prefix("lo")) as work:
            left = self._run(soffice, todo, Path(work), self.timeout * len(todo))
            for key in left if len(todo) > 1 else []:  # the batch overran: one by one, so only the culprit fails
                self._run(soffice, {key: todo[key]}, Path(work), self.timeout)
        for key, src in todo.items():
            if not self.target(key).exists() and key not in self.errors:
                self.errors[key] = ReadError(
                    "conversion_failed", f"LibreOffice could not convert this {src.suffix} file (damaged, password-"
                    "protected or not really a Word document) — open it in Word or WPS, save it as .docx and submit that")
            if key in self.errors and self.errors[key].code in _LASTING:
                error = self.errors[key]
                self._failure(key).write_text(json.dumps({"code": error.code, "message": str(error)},
                                                         ensure_ascii=False), encoding="utf-8")

    def _run(self, soffice: str, sources: dict[str, Path], work: Path, seconds: float) -> list[str]:
        """One soffice process over the sources; returns the keys it did not convert when it ran out of time."""
        staged = work / "in"
        out = Path(tempfile.mkdtemp(dir=self.folder, prefix="." + temp_prefix("converting")))
        shutil.rmtree(staged, ignore_errors=True)
        staged.mkdir()
        names = []
        for key, src in sources.items():
            name = staged / f"{key}{src.suffix.lower()}"  # by doc_id: two townships' 绩效目标.doc cannot collide
            shutil.copyfile(src, name)
            names.append(str(name))
        profile = (work / f"profile-{os.getpid()}").resolve().as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", "docx", "--outdir", str(out), *names]
        timed_out = killed = False
        try:
            process = start_guarded(command)
        except ConversionStopped:
            process, killed = None, True
        if process is not None:
            try:
                process.wait(timeout=_STARTUP_SECONDS + seconds)
            except subprocess.TimeoutExpired:
                timed_out = True
                kill_group(process)
            killed = not timed_out and (process.returncode < 0 or stopping())
            forget(process)
        for key in sources:
            produced = out / f"{key}.docx"
            if produced.exists() and produced.stat().st_size > 0:
                os.replace(produced, self.target(key))
        shutil.rmtree(out, ignore_errors=True)
        left = [key for key in sources if not self.target(key).exists()]
        for key in left if killed else []:
            self.errors[key] = ReadError("not_processed", "LibreOffice was stopped from outside jixiao (the machine "
                                         "ran short of memory, someone ended it, or the run was stopped) while "
                                         "converting this file — it is converted again on the next run")
        if timed_out and len(sources) == 1:
            self.errors[left[0]] = ReadError("timeout", f"LibreOffice took over {seconds:.0f} s converting this file "
                                             "and was stopped — open it in Word or WPS, save it as .docx and submit that")
        return left if timed_out else []

    def docx_for(self, path: Path, doc_id: str) -> Path:
        """The converted .docx of one file, converting it now if the batch did not."""
        self.convert({doc_id: path})
        if doc_id in self.errors:
            raise self.errors[doc_id]
        return self.target(doc_id)


_BATCH: ContextVar[Conversions | None] = ContextVar("jixiao_conversions", default=None)


def converted_format(path: Path) -> bool:
    """Whether the file is legacy Word (.doc, .wps, .rtf), read after LibreOffice converts it to .docx."""
    return path.suffix.lower() in _FORMATS


@contextmanager
def batch_conversions(folder: Path, sources: dict[str, Path], limits: Limits,
                      known: dict[str, tuple[str, str]] | None = None) -> Iterator[Conversions]:
    """Convert a batch's legacy files (doc_id -> path) in one LibreOffice run; reads inside use the results.
    `known`: the errors the batch's converting process met this run (`Conversions.passed_on`)."""
    conversions = Conversions(folder, limits.max_convert_seconds, known)
    conversions.convert({key: src for key, src in sources.items() if converted_format(src)})
    token = _BATCH.set(conversions)
    try:
        yield conversions
    finally:
        _BATCH.reset(token)


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    fmt = _FORMATS.get(path.suffix.lower(), "doc")
    if fmt != "rtf" and _encrypted_word(path):
        raise ReadError("encrypted", "password-protected Word/WPS document — open it, remove the password (文件 → "
                        "信息 → 保护文档 → 用密码进行加密, clear it), save and submit again")
    doc_id = hashlib.sha256(path.read_bytes()).hexdigest()
    batch = _BATCH.get()
    if batch is not None:
        return _read_converted(batch.docx_for(path, doc_id), fmt)
    with tempfile.TemporaryDirectory(prefix=temp_prefix("doc")) as folder:
        return _read_converted(Conversions(Path(folder), limits.max_convert_seconds).docx_for(path, doc_id), fmt)


def _read_converted(docx: Path, fmt: str) -> Document:
    document = read_docx(docx)
    return document.model_copy(update={"format": fmt, "read_method": "converted"})


def _encrypted_word(path: Path) -> bool:
    """Word's own encryption flag (FIB fEncrypted), which LibreOffice would only report by failing."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("WordDocument"):
                return False
            with ole.openstream("WordDocument") as stream:
                fib = stream.read(12)
    except Exception:  # not a compound file we can look into: LibreOffice decides
        return False
    return len(fib) == 12 and bool(int.from_bytes(fib[10:12], "little") & 0x0100)
