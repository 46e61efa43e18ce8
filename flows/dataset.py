"""Build the consolidated dataset from the extraction cache: normalize, find duplicates, publish.

Documents are processed in batches (vocabulary matching is one cdist per batch)
and their rows streamed to the store, so memory stays flat as the inbox grows.
"""

from __future__ import annotations

import csv
import threading
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from jixiao.flows.extract import Extraction, ExtractionCache, format_by_name
from jixiao.flows.inbox import InboxFile, primary_copies
from jixiao.flows.fingerprint import FINGERPRINT_FILE, write_fingerprint
from jixiao.flows.review import (OlderCopy, TextFacts, current_rows, resubmitted_copies, review_checks,
                                 settle_resubmissions)
from jixiao.flows.rows import batch_rows, document_row
from jixiao.store.local import DatasetWriter, StoreError, check_free_space, output_lock
from jixiao.analysis.duplicates import find_duplicates
from jixiao.analysis.tracking import INDICATOR_COLUMNS as TRACKING_COLUMNS, track_targets
from jixiao.normalizers.text import inert_csv_cell
from jixiao.normalizers.vocabulary import IndicatorVocabulary

BATCH_DOCUMENTS = 64
REVIEW_COLUMNS = ["doc_id", "township", "project_code", "source", "name_raw", "description", "sentence",
                  "value_raw", "level2", "indicator_id", "indicator", "match_score", "match_method", "candidates",
                  "confidence", "admitted", "reason"]


class RunSummary(BaseModel):
    n_documents: int = 0
    n_ok: int = 0
    n_partial: int = 0
    n_failed: int = 0
    n_projects: int = 0
    n_indicators: int = 0
    n_goals: int = 0
    n_duplicate_groups: int = 0
    n_review: int = 0
    n_read: int = 0  # documents read this run (the rest came from the cache)
    superseded: list[str] = []  # "old path → new path (why)" for each older version of a submission
    # every count above is of current documents; these say what the older versions held, left out
    n_superseded: int = 0  # documents
    n_superseded_indicators: int = 0
    n_superseded_review: int = 0
    n_checks: dict[str, int] = {}  # checks per severity
    seconds: float = 0.0


def prepare_build() -> None:
    """What the build does first: build spaCy's pipeline, parse the dictionaries, let pyarrow import
    pandas for its first table. A run calls it in a thread while documents are read (flows.runtime.startup);
    the build calls it again, which waits for that thread and then costs nothing (all of it is cached)."""
    from jixiao.analysis.check_rules import settings as check_settings
    from jixiao.model.schema import to_arrow
    from jixiao.normalizers.sentences import prepare

    with _PREPARING:
        prepare()
        IndicatorVocabulary.load()
        check_settings()
        to_arrow("documents", [])


_PREPARING = threading.Lock()


def build_dataset(files: list[InboxFile], out: Path, year: int | None = None, fingerprint: str | None = None) -> RunSummary:
    """Publish all tables for `files` (read results must already be in the cache); `year` is the
    district's year the checks compare documents with (default: most documents' year). `fingerprint`
    (flows.fingerprint) is published beside the tables when every document's result is final."""
    check_free_space(out)
    prepare_build()
    with output_lock(out):
        writer = DatasetWriter(out)
        cache = ExtractionCache(out)
        cache.discard_partial_writes()  # reading is over: a .tmp left now is from a killed run
        try:
            summary, final = _write_tables(files, cache, writer, year)
            if fingerprint is not None and final:
                write_fingerprint(writer.staged_file(FINGERPRINT_FILE), fingerprint, summary.model_dump())
            writer.publish()
        except OSError as exc:  # disk full, read-only or removed output: one line, the old dataset stays
            writer.abandon()
            raise StoreError(f"cannot write the dataset in {out}: {exc.strerror or exc} — free disk space or make "
                             "the folder writable, then run again; the previous dataset is kept") from exc
        except BaseException:
            writer.abandon()
            raise
    return summary


def _write_tables(files: list[InboxFile], cache: ExtractionCache, writer: DatasetWriter,
                  year: int | None = None) -> tuple[RunSummary, bool]:
    """The summary, and whether every document's result is final (none is read again next run)."""
    vocabulary = IndicatorVocabulary.load()
    documents: list[dict] = []
    review: list[dict] = []
    texts: dict[str, TextFacts | None] = {}
    final = True
    primary, older_copies = resubmitted_copies(files, primary_copies(files))
    unique = [f for f in files if primary[f.doc_id] is f]
    copied_versions = {c.file.source_path for c in older_copies}
    copies = [f for f in files if primary[f.doc_id] is not f and f.source_path not in copied_versions]
    failed: dict[str, Extraction] = {}  # what an identical copy of a failed file says
    for start in range(0, len(unique), BATCH_DOCUMENTS):
        batch = [(f, _extraction(f, cache)) for f in unique[start:start + BATCH_DOCUMENTS]]
        final = final and all(e.cacheable for _, e in batch)
        texts.update((f.doc_id, TextFacts.of(e.parsed)) for f, e in batch)
        failed.update((f.doc_id, e) for f, e in batch if e.status == "failed")
        rows = batch_rows(batch, vocabulary)
        for table in ("goals", "projects", "indicators"):
            writer.append(table, rows.tables[table])
        documents.extend(rows.tables["documents"])
        review.extend(rows.review)
    # Ahead of the originals' rows, as lookups by doc_id (later wins) expect.
    documents[:0] = [_identical_copy_row(f, primary[f.doc_id].source_path, failed.get(f.doc_id)) for f in copies]
    staged = {t: writer.read_staged(t) for t in ("goals", "projects", "indicators")}
    superseded = settle_resubmissions(unique, documents, staged)
    current = {t: current_rows(table, superseded) for t, table in staged.items()}
    duplicates = find_duplicates(current["indicators"], current["goals"], projects=current["projects"])
    writer.append("duplicates", duplicates.rows)
    tracking = track_targets([d for d in documents if d["doc_id"] not in superseded and d["status"] != "failed"],
                             current["indicators"].select(TRACKING_COLUMNS).to_pylist())
    writer.append("results", tracking.results)
    writer.append("target_history", tracking.history)
    checks = review_checks(unique, documents, texts, staged, superseded, year, older_copies, tracking.findings)
    writer.append("checks", checks)
    why = {c.file.source_path: (c.newer.source_path, c.reason) for c in older_copies}  # old path → (new path, why)
    for row in documents:
        row["boilerplate_share"] = duplicates.boilerplate_share.get(row["doc_id"])
        if row["doc_id"] in superseded and row["status"] != "failed":
            row["superseded_by"] = superseded[row["doc_id"]].newer
            why[row["source_path"]] = (superseded[row["doc_id"]].newer_path, superseded[row["doc_id"]].reason)
    documents += _older_copy_rows(older_copies, documents)
    documents.sort(key=lambda r: r["source_path"])
    writer.append("documents", documents)
    to_review = [r for r in review if r["doc_id"] not in superseded]  # the township fixes the new version
    _write_review(writer.staged_file("review.csv"), to_review)
    counted = [r for r in documents if not r.get("superseded_by")]
    status = Counter(r["status"] for r in counted)
    return RunSummary(n_documents=len(counted), n_ok=status["ok"], n_partial=status["partial"],
                      n_failed=status["failed"], n_projects=current["projects"].num_rows,
                      n_indicators=current["indicators"].num_rows, n_goals=current["goals"].num_rows,
                      n_duplicate_groups=len({r["group_id"] for r in duplicates.rows}), n_review=len(to_review),
                      superseded=[f"{path} → {newer} ({reason})" for path, (newer, reason) in sorted(why.items())],
                      n_superseded=len(documents) - len(counted),
                      n_superseded_indicators=staged["indicators"].num_rows - current["indicators"].num_rows,
                      n_superseded_review=len(review) - len(to_review),
                      n_checks=dict(Counter(c["severity"] for c in checks))), final


def _extraction(file: InboxFile, cache: ExtractionCache) -> Extraction:
    """The cached read; for a file discovery could not open (a link out of the inbox, no permission) or
    one with no result in the cache (the run stopped before it), a failed one saying why. Neither is
    final, so the next run looks again, unless its name alone decided it (a hidden name: renaming it
    changes the inputs' fingerprint)."""
    read = cache.get(file.doc_id) if file.unreadable is None else None
    if read is not None:
        return read
    fmt = format_by_name(Path(file.source_path))
    if file.unreadable is not None:
        return Extraction.failed(file.doc_id, fmt, "unreadable_file", file.unreadable,
                                 cacheable=file.unreadable_by_name)
    return Extraction.failed(file.doc_id, fmt, "not_processed", "not processed (the run stopped before this file)",
                             cacheable=False)


def _older_copy_rows(copies: list[OlderCopy], documents: list[dict]) -> list[dict]:
    """An identical older version: the current file's row under its own path, marked superseded."""
    current = {r["source_path"]: r for r in documents}
    return [{**current[c.newer.source_path], "source_path": c.file.source_path, "township": c.file.township,
             "size_bytes": c.file.size_bytes, "superseded_by": c.file.doc_id} for c in copies]


def _identical_copy_row(file: InboxFile, original: str, read: Extraction | None) -> dict:
    """A copy is counted once; the copy of a failed file (two empty files) also says why that one failed."""
    error, code = f"identical to {original} (same bytes) — counted once; remove the copy", "duplicate_file"
    if read is not None and read.status == "failed":  # it fails for the same reason as the file it copies
        error, code = f"identical to {original} (same bytes), which failed: {read.error}", read.error_code
    return document_row(file, Extraction.failed(file.doc_id, format_by_name(file.path), code, error))


def _write_review(path: Path, rows: list[dict]) -> None:
    """The review queue as CSV (UTF-8 with BOM so Excel shows the Chinese correctly); no cell is a formula."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        table = csv.DictWriter(fh, fieldnames=REVIEW_COLUMNS, extrasaction="ignore")
        table.writeheader()
        table.writerows({k: inert_csv_cell(v) for k, v in row.items()} for row in rows)
