"""Read and parse one submission, and remember the result by doc_id.

The cache is what makes runs incremental and resumable: a document whose bytes
(doc_id) and reader/parser version are unchanged is never read again, and a run killed
half-way keeps every document it finished. Normalization is not cached: a grown indicator
vocabulary re-normalizes from here without re-reading.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from jixiao.extractors import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, read_document
from jixiao.dictionaries import dictionary_cache, dictionary_dir
from jixiao.flows.inbox import file_sha256, pages_sha256
from jixiao.model.codes import Status
from jixiao.model.errors import ReadError
from jixiao.parsing.names import document_names
from jixiao.parsing.structure import ParsedDocument, parse_document

# What a cached result depends on: the source of the readers, the parser, the document model and the
# normalizers they call, and every dictionary that source names (headers.yaml, forms.yaml, …). The
# indicator vocabulary (indicators.yaml) only feeds normalization, which is never cached: growing it
# re-reads nothing.
VERSIONED_PACKAGES = ("jixiao.extractors", "jixiao.parsing", "jixiao.model", "jixiao.normalizers")
_NAMED_DICTIONARY = re.compile(r"""load_dictionary\(\s*["'](\w+)["']\s*\)""")
# Failures that installing something fixes (LibreOffice; the OCR package or its models): never cached,
# so the next run tries the file again. OCR that ran and found no text is `no_text`, and cached.
_RETRY_CODES = {"needs_libreoffice", "scanned_no_ocr"}


def source_digest(folders: Iterable[Path], dictionaries: Path | None = None) -> str:
    """A short hash of every .py file under `folders` (path and content) and of each dictionary in
    `dictionaries` those files load by name."""
    digest = hashlib.sha256()
    named: set[str] = set()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            source = path.read_bytes()
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(source)
            named.update(_NAMED_DICTIONARY.findall(source.decode("utf-8")))
    for name in sorted(named) if dictionaries is not None else ():
        path = dictionaries / f"{name}.yaml"
        digest.update(f"{name}\0".encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


@dictionary_cache
def extraction_version() -> str:
    """The version cached results are stored under, derived from the code (computed once per process)."""
    folders = [Path(importlib.import_module(name).__file__).parent for name in VERSIONED_PACKAGES]
    return source_digest(folders, dictionary_dir())

class Extraction(BaseModel):
    doc_id: str
    version: str = Field(default_factory=extraction_version)
    cacheable: bool = True  # False for unexpected errors, so the next run tries again (early: see _HEADER)
    format: str
    encoding: str | None = None
    n_pages: int | None = None
    read_method: str | None = None
    status: Status
    error: str | None = None
    error_code: str | None = None
    form_kind: str | None = None  # department | project | region | self_evaluation
    notes: list[str] = []  # what the reader skipped (hidden or empty sheets, formulas without a result)
    parsed: ParsedDocument | None = None


def extract_file(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES, pages: Sequence[Path] = ()) -> Extraction:
    """Read + parse one file (or the page images of one document, in order, `path` the first); every
    failure becomes a `failed` Extraction, never an exception.

    A file whose bytes are no longer those hashed at discovery (`doc_id`) changed while it was read:
    its result is not cached under that hash, or a half-copied file would poison the cache for good.
    """
    extraction = _extract(path, doc_id, max_bytes, pages)
    try:
        changed = (pages_sha256(pages) if len(pages) > 1 else file_sha256(path)) != doc_id
    except OSError:
        changed = True
    if changed:
        return _failed(doc_id, path, "unreadable_file", cacheable=False,
                       error="the file changed, moved or vanished while it was read (still being copied?) — "
                             "run again once the file is complete and in place")
    return extraction


def _extract(path: Path, doc_id: str, max_bytes: int, pages: Sequence[Path]) -> Extraction:
    try:
        document = read_document(path, dataclasses.replace(DEFAULT_LIMITS, max_bytes=max_bytes), pages)
        parsed = parse_document(document)
        parsed.names = document_names(document)
    except ReadError as exc:
        return _failed(doc_id, path, exc.code, str(exc), cacheable=exc.code not in _RETRY_CODES)
    except OSError as exc:  # vanished, locked or no permission since discovery
        return _failed(doc_id, path, "unreadable_file", cacheable=False,
                       error=f"could not be opened ({exc.strerror or type(exc).__name__}) — check the file is in "
                             "place and readable by the account running jixiao, then run again")
    except MemoryError:
        return _failed(doc_id, path, "too_large", "needs more memory than a document may use — check it is the "
                       "right file, or split it into smaller files")
    except Exception as exc:  # a reader bug must not stop the batch; keep the file for a retry
        return _failed(doc_id, path, "internal", cacheable=False,
                       error=f"could not be processed ({type(exc).__name__}: {exc}) — "
                             "report this file to the jixiao maintainers")
    status, code, error = judge(parsed, document.doubts)
    return Extraction(doc_id=doc_id, format=document.format, encoding=document.encoding,
                      read_method=document.read_method, n_pages=document.n_pages, status=status,
                      error=error, error_code=code, notes=document.notes, form_kind=parsed.form_kind,
                      parsed=parsed)


def _failed(doc_id: str, path: Path, code: str, error: str, cacheable: bool = True) -> Extraction:
    return Extraction(doc_id=doc_id, format=format_by_name(path), status="failed", error=error,
                      error_code=code, cacheable=cacheable)


def format_by_name(path: Path) -> str:
    """The `format` of a file that could not be read: its extension's format (docx|pdf|xls|…, or e.g. 'odt')."""
    suffix = path.suffix.lower()
    return SUPPORTED_SUFFIXES.get(suffix, suffix.lstrip(".") or "unknown")


def judge(parsed: ParsedDocument, doubts: Sequence[str] = ()) -> tuple[Status, str | None, str | None]:
    """ok, partial (something recognizable but incomplete) or failed (nothing recognizable),
    with the error code and message. A document with no project and no indicator is never ok, nor one
    the reader read parts of without confidence (`doubts`: cells it could not place)."""
    targets = any(g.kind == "item" and g.indicator_text for g in parsed.goals)
    if not parsed.indicators and not parsed.projects and not targets:
        return "failed", "no_structure", (
            "no performance-target structure found: no indicator table (一级/二级/三级指标 … 指标值 header), no "
            "project fields (项目名称, 预算数 …) and no 分项绩效目标 with 绩效指标 — check this is a 绩效目标 "
            "document; if it is, add its header spellings to dictionaries/headers.yaml or forms.yaml")
    if parsed.problems or doubts:
        return "partial", "incomplete", "; ".join([*parsed.problems, *doubts])
    return "ok", None, None


# The start of a cache file as Extraction.model_dump_json writes it: enough to tell whether the file must be
# read again without parsing the whole document (which the dataset build then does, once).
_HEADER = re.compile(rb'^\{"doc_id":"[^"]*","version":"(\w+)","cacheable":(true|false),')


class ExtractionCache:
    """One JSON file per doc_id under `<out>/cache/extract/`."""

    def __init__(self, out_dir: Path):
        self.root = out_dir / "cache" / "extract"
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, doc_id: str) -> Path:
        return self.root / f"{doc_id}.json"

    def get(self, doc_id: str) -> Extraction | None:
        """The stored result for doc_id, if any was stored by this version of the readers and parser."""
        path = self._path(doc_id)
        try:
            extraction = Extraction.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except ValueError:  # damaged (a disk fault, an edit): gone, so the next run reads the file again
            path.unlink(missing_ok=True)
            return None
        return extraction if extraction.version == extraction_version() else None

    def reusable(self, doc_id: str) -> bool:
        """True when the file need not be read again (unexpected errors are retried next run). Reads only
        the head and the last byte of a cache file written by this version: the build parses it later."""
        try:
            with self._path(doc_id).open("rb") as fh:
                head = fh.read(256)
                fh.seek(-1, os.SEEK_END)
                complete = fh.read(1) == b"}"
        except OSError:
            return False  # missing or empty
        header = _HEADER.match(head)
        if header is None or not complete:  # another layout: parse it to be sure
            extraction = self.get(doc_id)
            return extraction is not None and extraction.cacheable
        return header[1].decode() == extraction_version() and header[2] == b"true"

    def discard_partial_writes(self) -> None:
        """Remove temporary files of writes a killed run never finished (call when no reader runs)."""
        for partial in self.root.glob("*.tmp"):
            partial.unlink(missing_ok=True)

    def put(self, extraction: Extraction) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(extraction.model_dump_json())
        os.replace(tmp, self._path(extraction.doc_id))
