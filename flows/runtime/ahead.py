"""Reading ahead: the run's documents read on `workers` guarded children from the moment the inbox
is known, while the flow is still being imported and Prefect's server started; the flow's read
tasks then wait for these documents instead of reading them (flows.runtime.guard.read_into_cache).

One reading pool for the whole run, so no document is read twice and the children never stop
between the start-up and the flow: the flow's tasks still log and count every document, as if
they had read it. Legacy Word files are left to the flow, which converts a batch's in one
LibreOffice run. Local runs only: Dask workers read in their own processes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from jixiao.extractors.legacy import converted_format
from jixiao.flows.extract import Extraction, ExtractionCache
from jixiao.flows.runtime.guard import GuardedReader, OcrBusy, ocr_lock
from jixiao.flows.inbox import InboxFile, local_path, portable_path, primary_copies

DEFER_BY = 8  # a scan met while another reader does OCR is read this many documents later,
MAX_DEFERRALS = 3  # at most this many times; then its reader waits for the turn
RECYCLE_AFTER = 50  # documents a reader child reads before a fresh one takes over


class ReadAhead:
    """Reads (path, doc_id, page paths) items in the order given on `workers` threads, each driving a
    guarded child, into the extraction cache; `result(doc_id)` waits for one. A document that needs OCR
    while another child has the run's turn at it is put back a few documents later rather than waited
    for: that core reads on meanwhile."""

    def __init__(self, items: Iterable[tuple[str, str, list[str]]], out: Path, max_bytes: int, workers: int) -> None:
        self._items = list(items)
        self._ids = {doc_id for _, doc_id, _ in self._items}
        self._deferred: dict[str, int] = {}  # times a document was put back because another reader was doing OCR
        self._next = 0
        self._results: dict[str, Extraction] = {}
        self._error: BaseException | None = None
        self._changed = threading.Condition()
        self._out, self._max_bytes = out, max_bytes
        self._cache = ExtractionCache(out)
        self._threads = [threading.Thread(target=self._work, name=f"jixiao-read-ahead-{i}", daemon=True)
                         for i in range(max(1, min(workers, len(self._items))))]

    def __enter__(self) -> ReadAhead:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._changed:
            self._next = len(self._items)  # nothing more is started; what is being read finishes
        for thread in self._threads:
            thread.join()

    def reads(self, doc_id: str) -> bool:
        return doc_id in self._ids

    def done(self) -> list[str]:
        """The doc_ids read so far."""
        with self._changed:
            return list(self._results)

    def result(self, doc_id: str) -> Extraction:
        """The document's extraction once read, without its parsed records (raises what stopped the
        reading, e.g. ReadingStopped)."""
        with self._changed:
            while doc_id not in self._results:
                if self._error is not None:
                    raise self._error
                self._changed.wait()
            return self._results[doc_id]

    def _take(self) -> tuple[str, str, list[str]] | None:
        with self._changed:
            if self._error is not None or self._next >= len(self._items):
                return None
            self._next += 1
            return self._items[self._next - 1]

    def _work(self) -> None:
        try:
            with GuardedReader(ocr_lock=ocr_lock(str(self._out))) as reader:
                n_read = 0
                while (item := self._take()) is not None:
                    path, doc_id, pages = item
                    try:  # a scan while another reader recognises pages: read other documents meanwhile
                        extraction = reader.read(local_path(path), doc_id, self._max_bytes, [local_path(p) for p in pages],
                                                 defer_ocr=self._deferred.get(doc_id, 0) < MAX_DEFERRALS)
                    except OcrBusy:
                        with self._changed:  # a few documents later, not at the end: its OCR overlaps the rest
                            self._deferred[doc_id] = self._deferred.get(doc_id, 0) + 1
                            self._items.insert(min(self._next + DEFER_BY, len(self._items)), item)
                        continue
                    n_read += 1
                    if n_read % RECYCLE_AFTER == 0:
                        reader.close()  # a fresh child now and then: a long-lived one only grows
                    self._cache.put(extraction)
                    with self._changed:  # without its parsed records: the cache has them, the tasks log the rest
                        self._results[doc_id] = extraction.model_copy(update={"parsed": None})
                        self._changed.notify_all()
        except BaseException as exc:  # ReadingStopped (Ctrl-C), a full disk: every waiting task hears of it
            with self._changed:
                self._error = exc
                self._changed.notify_all()


def read_ahead(files: list[InboxFile], out: Path, max_bytes: int, workers: int) -> ReadAhead:
    """The run's documents still to read, read from now on: use it as a context manager around the
    flow. Biggest first: scans start early (their OCR overlaps the rest) and the small files that end
    the queue keep both children busy to the end."""
    cache = ExtractionCache(out)
    todo = sorted((f for f in primary_copies(files).values() if not f.unreadable and not cache.reusable(f.doc_id)
                   and not converted_format(f.path)),  # the flow converts a batch's in one LibreOffice run
                  key=lambda f: -f.size_bytes)
    return ReadAhead([(portable_path(f.path), f.doc_id, [portable_path(p) for p in f.pages]) for f in todo],
                     out, max_bytes, workers)
