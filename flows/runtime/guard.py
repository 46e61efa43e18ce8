"""Each document is read in a child process the runner can kill (issue 11: bounded work per document).

A reader that loops or inflates without end (a PDF ruled 600×600, a table grid past any limit) must
cost one document, not the batch: the child gets `Limits.max_seconds` of wall-clock time per
document, plus `Limits.ocr_page_seconds` for every page OCR reports done (a scan is slow but makes
progress), and `Limits.max_memory_bytes` of memory; past either it is killed, the document is
`failed` (`timeout` / `too_large`) and a fresh child reads the next one. Children die with their
parent (Linux: a parent-death signal), so a killed run leaves no reader behind.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import struct
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from multiprocessing.connection import Connection
from pathlib import Path

import filelock

from jixiao.extractors import DEFAULT_LIMITS
from jixiao.extractors.ocr import progress as ocr_progress
from jixiao.extractors.legacy import batch_conversions
from jixiao.flows.extract import Extraction, ExtractionCache, extract_file, extraction_version, format_by_name
from jixiao.flows.inbox import local_path
from jixiao.flows.runtime.lifeline import die_with_parent, reader_context
from jixiao.flows.plan import ReadingAhead


class ReadingStopped(Exception):
    """The run is stopping (Ctrl-C, SIGTERM): no further document is read."""


class OcrBusy(BaseException):
    """The document needs OCR while another reader has the run's turn, and the caller asked not to wait:
    read something else and come back to it. A BaseException, so the reader's own error handling
    (extract_file turns every Exception into a failed document) lets it through."""


_PAGE_DONE = b"page"  # the child's message after each page OCR read (an Extraction is JSON, never this)
_OUT_OF_MEMORY = b"oom"  # the child hit its memory cap outside a read (e.g. receiving the request)
_BUSY = b"busy"  # the document needs OCR and another reader has the turn (the request said not to wait)
_LAST = b"last"  # the child exits after the result that follows (it recognised pages: flows.runtime.guard._OcrTurn)


_STOPPING = threading.Event()
_LIVE: set[GuardedReader] = set()


def stop_all_readers() -> None:
    """Kill every reader child of this process now and refuse further reads (called from a signal handler)."""
    _STOPPING.set()
    for reader in list(_LIVE):
        process = reader._process
        if process is not None and process.is_alive():
            process.kill()


def _limit_memory(n_bytes: int) -> None:
    """Cap the heap (RLIMIT_DATA: malloc'd and anonymous memory, not the shared libraries mapped)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        cap = n_bytes if hard == resource.RLIM_INFINITY else min(n_bytes, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    except (ImportError, ValueError, OSError):
        pass  # Windows has no rlimits: the time limit still holds


def _child(conn: Connection, memory_bytes: int) -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    # Framed as Connection.send_bytes frames it, built before the cap: sending it must not allocate.
    out_of_memory = struct.pack("!i", len(_OUT_OF_MEMORY)) + _OUT_OF_MEMORY
    extraction_version()  # hashes the source tree once: a failed read under the cap must not need to
    _limit_memory(memory_bytes)
    try:
        _serve(conn)
    except MemoryError:  # past the cap where extract_file cannot catch it: say so rather than crash
        if os.name == "nt":  # no memory cap there, and a pipe handle is no file descriptor
            raise
        os.write(conn.fileno(), out_of_memory)
        os._exit(0)  # a normal exit would import traceback, which needs memory


def _serve(conn: Connection) -> None:
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        path, doc_id, max_bytes, converted, pages, ocr_lock, defer_ocr = request
        turn = _OcrTurn(ocr_lock, conn, defer_ocr)
        ocr_progress.watch_pages(before=turn.take, after=lambda: conn.send_bytes(_PAGE_DONE))
        try:
            with batch_conversions(converted, {}, DEFAULT_LIMITS) if converted else nullcontext():
                extraction = extract_file(path, doc_id, max_bytes=max_bytes, pages=pages)
        except OcrBusy:
            conn.send_bytes(_BUSY)
            continue
        try:
            if turn.taken:  # exit after this one: frees the OCR models and buffers (~1 GiB), and the turn
                conn.send_bytes(_LAST)
            conn.send_bytes(extraction.model_dump_json().encode())
        except OSError:  # the parent is gone (killed): nothing to report to
            return
        if turn.taken:
            return


class _OcrTurn:
    """In a reader child: the run's one turn at OCR, a file lock its reader children share. A child
    recognising pages holds about a gigabyte, so it keeps the turn until it exits, after that document
    (the kernel frees the lock then, or when the child is killed). Waiting for the turn counts as
    progress, like a page read."""

    def __init__(self, path: Path | None, conn: Connection, defer: bool = False) -> None:
        self._lock = filelock.FileLock(path) if path is not None else None
        self._conn, self._defer = conn, defer
        self.taken = False

    def take(self) -> None:
        if self._lock is None or self.taken:
            return
        if self._defer:
            try:
                self._lock.acquire(timeout=0)
            except filelock.Timeout:
                raise OcrBusy from None
            self.taken = True
            return
        while True:
            try:
                self._lock.acquire(timeout=5)
                self.taken = True
                return
            except filelock.Timeout:
                self._conn.send_bytes(_PAGE_DONE)


class GuardedReader:
    """Reads documents one at a time in a reusable child process, killed past the limits."""

    def __init__(self, seconds: float = DEFAULT_LIMITS.max_seconds,
                 memory_bytes: int = DEFAULT_LIMITS.max_memory_bytes, converted: Path | None = None,
                 ocr_lock: Path | None = None):
        """`converted`: where the batch's legacy files were converted to .docx (extractors.legacy);
        `ocr_lock`: the lock file that lets one reader of the run at a time recognise pages."""
        self.seconds, self.memory_bytes, self.converted = seconds, memory_bytes, converted
        self.ocr_lock = ocr_lock
        self.page_seconds = DEFAULT_LIMITS.ocr_page_seconds
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> GuardedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, path: Path, doc_id: str, max_bytes: int, pages: Sequence[Path] = (),
             defer_ocr: bool = False) -> Extraction:
        """`pages`: the page images of one document, in order (see flows.inbox.group_page_images).
        `defer_ocr`: raise OcrBusy rather than wait while another reader has the run's turn at OCR."""
        if _STOPPING.is_set():
            raise ReadingStopped
        if multiprocessing.current_process().daemon:  # a Dask worker may not start processes: its nanny
            return extract_file(path, doc_id, max_bytes=max_bytes)  # bounds its memory and restarts it
        conn = self._start()
        try:
            conn.send((path, doc_id, max_bytes, self.converted, list(pages), self.ocr_lock, defer_ocr))
            deadline = time.monotonic() + self.seconds
            last = False
            while conn.poll(max(deadline - time.monotonic(), 0.0)):
                message = conn.recv_bytes()
                if message == _OUT_OF_MEMORY:
                    return self._died(path, doc_id, out_of_memory=True)
                if message == _BUSY:
                    raise OcrBusy
                if message == _LAST:
                    last = True
                elif message != _PAGE_DONE:
                    extraction = Extraction.model_validate_json(message)
                    if last:  # the child exits after an OCR'd document: the next read gets a fresh one
                        self.close()
                    return extraction
                else:
                    deadline += self.page_seconds
        except (EOFError, OSError):
            if _STOPPING.is_set():
                self._kill()
                raise ReadingStopped from None
            return self._died(path, doc_id)
        self._kill()
        # Not cached: a busy machine can time out a good file, so the next run tries it again.
        return Extraction(doc_id=doc_id, format=format_by_name(path), status="failed", error_code="timeout",
                          cacheable=False, error=f"reading took longer than {self.seconds:g} s and was stopped — check it is the "
                                "right file (a very large or unusual table?), or split it into smaller files")

    def _died(self, path: Path, doc_id: str, out_of_memory: bool = False) -> Extraction:
        """The child died mid-read: out of its memory cap, killed by the kernel (SIGKILL), or crashed."""
        code = self._process.exitcode if self._process is not None else None
        self._kill()
        if out_of_memory or code == -signal.SIGKILL or code is None:
            return Extraction(doc_id=doc_id, format=format_by_name(path), status="failed", error_code="too_large",
                              error="reading needed more memory than a document may use and was stopped — check "
                                    "it is the right file, or split it into smaller files")
        return Extraction(doc_id=doc_id, format=format_by_name(path), status="failed", error_code="internal",
                          cacheable=False, error=f"the reader crashed on this file (exit {code}) — send the file "
                                                 "to the jixiao maintainers; the other documents are not affected")

    def _start(self) -> Connection:
        if self._process is None or not self._process.is_alive():
            self._kill()
            ours, theirs = multiprocessing.Pipe()
            self._process = reader_context().Process(target=_child, args=(theirs, self.memory_bytes), daemon=True,
                                               name="jixiao-reader")
            self._process.start()
            _LIVE.add(self)
            theirs.close()
            self._conn = ours
        assert self._conn is not None
        return self._conn

    def _kill(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
        if self._process is not None:
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None
        _LIVE.discard(self)

    def close(self) -> None:
        """Ask the child to finish (it is between documents), then make sure it is gone."""
        if self._conn is not None and self._process is not None and self._process.is_alive():
            try:
                self._conn.send(None)
                self._process.join(5)
            except OSError:
                pass
        self._kill()



OnRead = Callable[[str, Extraction], None]


def read_into_cache(paths: list[str], doc_ids: list[str], out: str, max_bytes: int, done: OnRead | None = None,
                    pages: list[list[str]] | None = None, ahead: ReadingAhead | None = None) -> list[str]:
    """Read + parse files into the extraction cache, each in a killable child process; returns the
    doc_ids read. The read task reads its batch through here; documents the run is reading `ahead`
    (flows.runtime.ahead) are waited for, not read twice."""
    items = list(zip(paths, doc_ids, pages or [[] for _ in paths]))
    mine = [item for item in items if ahead is None or not ahead.reads(item[1])]
    converted = Path(out) / "cache" / "converted"
    legacy = {doc_id: local_path(path) for path, doc_id, _ in mine}  # .doc/.wps/.rtf: one LibreOffice run for all
    read = []
    if mine:
        with batch_conversions(converted, legacy, DEFAULT_LIMITS), \
                GuardedReader(converted=converted, ocr_lock=ocr_lock(out)) as reader:
            read = _read_each(reader, mine, ExtractionCache(Path(out)), max_bytes, done)
    for path, doc_id, _ in items:
        if ahead is not None and ahead.reads(doc_id):
            extraction = ahead.result(doc_id)
            read.append(doc_id)
            if done is not None:
                done(path, extraction)
    return read


def ocr_lock(out: str) -> Path:
    """The lock file that gives the run's reader children their turns at OCR (see _OcrTurn)."""
    folder = Path(out) / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "ocr.lock"


def _read_each(reader: GuardedReader, items: Iterable[tuple[str, str, list[str]]], cache: ExtractionCache,
               max_bytes: int, done: OnRead | None) -> list[str]:
    read = []
    for path, doc_id, page_paths in items:
        extraction = reader.read(local_path(path), doc_id, max_bytes, [local_path(p) for p in page_paths])
        cache.put(extraction)
        read.append(doc_id)
        if done is not None:
            done(path, extraction)
    return read
