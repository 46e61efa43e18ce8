"""Find the submissions in an inbox folder and what we know about each before reading it.

Layout: `inbox/<township>/<file>`, optionally `inbox/manifest.csv` with columns
file,township,unit_code,year and, optionally, current (yes/no) and supersedes (the path of the
file this one replaces) to settle which version of a resubmitted file counts. Township comes
from the manifest, else the first folder under the inbox, else the file name's stem.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.csv"
_MANIFEST_COLUMNS = {"file", "township", "unit_code", "year"}


class InboxError(Exception):
    """The inbox or its manifest cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class InboxFile:
    path: Path
    source_path: str  # relative to the inbox, with forward slashes
    township: str
    doc_id: str  # sha256 of the bytes
    size_bytes: int
    unit_code: str | None = None  # from the manifest
    year: int | None = None  # from the manifest
    mtime: float = 0.0  # which of two versions is newer, when nothing else says
    current: bool | None = None  # from the manifest: this version counts (True) or not (False)
    supersedes: str | None = None  # from the manifest: source_path of the file this one replaces


@dataclass(frozen=True)
class ManifestEntry:
    township: str | None
    unit_code: str | None
    year: int | None
    line: int = 0  # in manifest.csv, for messages
    current: bool | None = None
    supersedes: str | None = None


_YES, _NO = {"yes", "y", "true", "1", "是", "当前", "有效"}, {"no", "n", "false", "0", "否", "作废", "旧"}


def discover_inbox(inbox: Path) -> list[InboxFile]:
    """Every submission file under `inbox`, sorted by relative path."""
    if not inbox.is_dir():
        raise InboxError(f"inbox folder {inbox} does not exist or is not a folder")
    manifest = checked_manifest(inbox)
    files = []
    for path in sorted(inbox.rglob("*")):
        rel = path.relative_to(inbox)
        if not path.is_file() or _ignored(rel):
            continue
        source_path = rel.as_posix()
        entry = manifest.get(source_path, ManifestEntry(None, None, None))
        township = entry.township or (rel.parts[0] if len(rel.parts) > 1 else path.stem)
        stat = path.stat()
        files.append(InboxFile(path=path, source_path=source_path, township=township,
                               doc_id=file_sha256(path), size_bytes=stat.st_size,
                               unit_code=entry.unit_code, year=entry.year, mtime=stat.st_mtime,
                               current=entry.current, supersedes=entry.supersedes))
    return files


def checked_manifest(inbox: Path) -> dict[str, ManifestEntry]:
    """The manifest's rows, each naming a submission that is in the inbox (checked before any work)."""
    manifest = read_manifest(inbox / MANIFEST_NAME)
    for name, entry in manifest.items():
        path = inbox / name
        if not path.is_file() or _ignored(path.relative_to(inbox)):
            raise InboxError(f"{inbox / MANIFEST_NAME} line {entry.line}: file '{name}' is not in the inbox — "
                             "correct the path (relative to the inbox, e.g. 镇名/目标.docx) or remove the row")
    return manifest


def primary_copies(files: list[InboxFile]) -> dict[str, InboxFile]:
    """The one file read per doc_id. Among identical copies the first whose name matches its content
    wins, so a PDF misnamed .docx never hides the same PDF correctly named; else the first path."""
    from jixiao.extractors import named_as_it_is

    primary: dict[str, InboxFile] = {}
    for file in files:
        current = primary.get(file.doc_id)
        if current is None or (not named_as_it_is(current.path) and named_as_it_is(file.path)):
            primary[file.doc_id] = file
    return primary


def _ignored(rel: Path) -> bool:
    """The manifest, hidden files and Office lock files (~$name.docx) are not submissions."""
    name = rel.name
    return rel.as_posix() == MANIFEST_NAME or any(p.startswith(".") for p in rel.parts) or name.startswith("~$")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(path: Path) -> dict[str, ManifestEntry]:
    """Manifest rows keyed by file path relative to the inbox (empty when there is no manifest)."""
    if not path.exists():
        return {}
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InboxError(f"{path}: not UTF-8 or GBK text — save the manifest as UTF-8 CSV")
    reader = csv.DictReader(io.StringIO(text))
    missing = _MANIFEST_COLUMNS - set(reader.fieldnames or [])
    if "file" in missing:
        raise InboxError(f"{path}: needs a header row with the column 'file' (and township, unit_code, year)")
    entries = {}
    for line, row in enumerate(reader, start=2):
        file = (row.get("file") or "").strip().replace("\\", "/")
        if not file:
            continue
        year = (row.get("year") or "").strip()
        if year and not year.isdigit():
            raise InboxError(f"{path} line {line}: year '{year}' is not a number")
        entries[file] = ManifestEntry(township=(row.get("township") or "").strip() or None,
                                      unit_code=(row.get("unit_code") or "").strip() or None,
                                      year=int(year) if year else None, line=line,
                                      current=_yes_no(path, line, row.get("current")),
                                      supersedes=(row.get("supersedes") or "").strip().replace("\\", "/") or None)
    return entries


def _yes_no(path: Path, line: int, text: str | None) -> bool | None:
    word = (text or "").strip().lower()
    if not word:
        return None
    if word in _YES or word in _NO:
        return word in _YES
    raise InboxError(f"{path} line {line}: current '{text}' is not yes or no (是/否)")
