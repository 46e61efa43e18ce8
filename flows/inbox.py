"""Find the submissions in an inbox folder and what we know about each before reading it.

Layout: `inbox/<township>/<file>`, or for several years `inbox/<YYYY>/<township>/<file>`, optionally
`inbox/manifest.csv` with columns file,township,unit_code,year and, optionally, current (yes/no) and
supersedes (the path of the file this one replaces) to settle which version of a resubmitted file
counts. Township comes from the manifest, else the first folder under the inbox that is not a year
folder, else the file name's stem; the year from the manifest, else the year folder (else, later,
the document's text).
Page images in one folder named as pages of one document (`1.jpg`, `2.jpg`; `第1页.png`;
`扫描件-1.jpg`, `扫描件-2.jpg`) are one submission.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.extractors import named_as_it_is
from jixiao.extractors.text import decode_text
from jixiao.model.errors import ReadError
from jixiao.normalizers.text import clean_cell

MANIFEST_NAME = "manifest.csv"
_MANIFEST_COLUMNS = {"file", "township", "unit_code", "year"}


class InboxError(Exception):
    """The inbox or its manifest cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class InboxFile:
    path: Path
    source_path: str  # relative to the inbox, with forward slashes, as readable text
    township: str
    doc_id: str  # sha256 of the bytes
    size_bytes: int
    unit_code: str | None = None  # from the manifest
    year: int | None = None  # from the manifest, else the inbox's year folder
    year_from: str | None = None  # where `year` comes from: "manifest" or "folder"
    mtime: float = 0.0  # which of two versions is newer, when nothing else says
    current: bool | None = None  # from the manifest: this version counts (True) or not (False)
    supersedes: str | None = None  # from the manifest: source_path of the file this one replaces
    unreadable: str | None = None  # why the file cannot be read at all (then doc_id hashes the path)
    path_note: str | None = None  # why source_path differs from the name on disk (e.g. a GBK name)
    pages: tuple[Path, ...] = ()  # page images of one document in page order (path is the first), else ()


@dataclass(frozen=True)
class ManifestEntry:
    township: str | None
    unit_code: str | None
    year: int | None
    line: int = 0  # in manifest.csv, for messages
    current: bool | None = None
    supersedes: str | None = None


_YES, _NO = {"yes", "y", "true", "1", "是", "当前", "有效"}, {"no", "n", "false", "0", "否", "作废", "旧"}


def discover_inbox(inbox: Path, exclude: Path | None = None,
                   manifest: dict[str, ManifestEntry] | None = None) -> list[InboxFile]:
    """Every submission file under `inbox`, sorted by relative path.

    Links are followed only to files inside the inbox; a link out of it, a folder or file that
    cannot be opened, or anything that is not a regular file becomes an `unreadable` entry (a
    failed documents row), never silence. `exclude` (the output folder, when it lies inside the
    inbox) is not searched. `manifest`: the inbox's checked manifest when the caller has read it
    already (checked_manifest), else it is read here.
    """
    if not inbox.is_dir():
        raise InboxError(f"inbox folder {inbox} does not exist or is not a folder")
    if not os.access(inbox, os.R_OK | os.X_OK):
        raise InboxError(f"inbox folder {inbox} cannot be read — give the account running jixiao read access")
    manifest = checked_manifest(inbox) if manifest is None else manifest
    skip = {os.path.realpath(exclude)} if exclude is not None else set()
    files = []
    for path, problem in sorted(_walk(inbox, os.path.realpath(inbox), skip), key=lambda f: str(f[0])):
        rel = path.relative_to(inbox)
        if _ignored(rel):
            continue
        source_path, path_note = readable_name(rel.as_posix())
        entry = manifest.get(source_path, ManifestEntry(None, None, None))
        folder_year, parts = year_level(source_path.split("/"))
        township = clean_cell(entry.township or (parts[0] if len(parts) > 1 else Path(parts[0]).stem))
        doc_id, size = _identity(path, source_path, problem)
        if problem is None and size < 0:
            problem = _UNREADABLE
        files.append(InboxFile(path=path, source_path=source_path, township=township, doc_id=doc_id,
                               size_bytes=max(size, 0), unit_code=entry.unit_code, year=entry.year or folder_year,
                               year_from="manifest" if entry.year else "folder" if folder_year else None,
                               mtime=_mtime(path), current=entry.current, supersedes=entry.supersedes,
                               unreadable=problem, path_note=path_note))
    return group_page_images(files)


def year_level(parts: list[str]) -> tuple[int | None, list[str]]:
    """(the year, the parts below it) when the first folder of a path names a year (2023, 2024年, 2024年度:
    `year_folders` in dictionaries/tracking.yaml), else (None, the parts as they are)."""
    if len(parts) < 2:
        return None, parts
    for pattern in _year_folder_patterns():
        match = pattern.fullmatch(clean_cell(parts[0]))
        if match:
            return int(match.group(1)), parts[1:]
    return None, parts


@dictionary_cache
def _year_folder_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in load_dictionary("tracking")["year_folders"]]


PAGE_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff"})
# "1", "第1页", "page 2", "p3", "扫描件-1", "扫描件（2）": a name stem, then the page number.
_PAGE_NAME = re.compile(r"^(?P<stem>.*?)[\s_\-—.(（]*(?:第|page|p)?\s*(?<!\d)(?P<n>\d{1,3})\s*(?:页|[)）])?$", re.I)


def group_page_images(files: list[InboxFile]) -> list[InboxFile]:
    """Page images of one folder sharing a name stem and numbered as pages become one InboxFile.

    Its path and source_path are the first page's; doc_id is the hash of all pages' bytes in page
    order (a page added or changed makes a new document); size_bytes is their sum.
    """
    groups: dict[tuple[Path, str], list[tuple[int, InboxFile]]] = defaultdict(list)
    for file in files:
        page_image = file.unreadable is None and file.path.suffix.lower() in PAGE_IMAGE_SUFFIXES
        match = _PAGE_NAME.match(file.path.stem) if page_image else None
        if match:
            groups[file.path.parent, match["stem"].strip().lower()].append((int(match["n"]), file))
    grouped: dict[Path, InboxFile] = {}
    for members in groups.values():
        numbers = [n for n, _ in members]
        if len(members) < 2 or len(set(numbers)) != len(numbers):
            continue
        pages = [file for _, file in sorted(members, key=lambda m: m[0])]
        first = pages[0]
        document = dataclasses.replace(first, doc_id=_joined_sha256([f.doc_id for f in pages]), size_bytes=sum(f.size_bytes for f in pages),
                                       mtime=max(f.mtime for f in pages), pages=tuple(f.path for f in pages))
        for page in pages:
            grouped[page.path] = document
    out: list[InboxFile] = []
    for file in files:
        document = grouped.get(file.path)
        if document is None:
            out.append(file)
        elif document.path == file.path:
            out.append(document)
    return out


def pages_sha256(pages: Sequence[Path]) -> str:
    """The doc_id of a document made of page images: one hash over the pages' hashes, in page order."""
    return _joined_sha256([file_sha256(page) for page in pages])


def _joined_sha256(digests: list[str]) -> str:
    return hashlib.sha256("".join(digests).encode()).hexdigest()


def checked_manifest(inbox: Path) -> dict[str, ManifestEntry]:
    """The manifest's rows, each naming a submission that is in the inbox (checked before any work)."""
    manifest = read_manifest(inbox / MANIFEST_NAME)
    for name, entry in manifest.items():
        path = inbox / name
        if not path.is_file() or _ignored(path.relative_to(inbox)):
            raise InboxError(f"{inbox / MANIFEST_NAME} line {entry.line}: file '{name}' is not in the inbox — "
                             "correct the path (relative to the inbox, e.g. 镇名/目标.docx) or remove the row")
    return manifest


_UNREADABLE = ("cannot be opened: no permission to read it (or it vanished) — give the account running "
               "jixiao read access (or put the file back) and run again")


def _walk(folder: Path, root: str, skip: set[str]) -> Iterator[tuple[Path, str | None]]:
    """(path, why it cannot be read or None) for every file below `folder`, links checked."""
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        yield folder, (f"folder cannot be opened ({exc.strerror}) — give the account running jixiao read "
                       "access to it and run again")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                target = os.path.realpath(path)
                if os.path.commonpath([target, root]) != root:
                    yield path, ("a link to a place outside the inbox, not followed — copy the file itself "
                                 "into the inbox")
                elif os.path.isfile(target):
                    yield path, None  # a link inside the inbox: read (it is an identical copy of its target)
                elif os.path.isdir(target):
                    yield path, "a link to another folder of the inbox, not followed — its files are read there"
                else:
                    yield path, "a broken link (its target does not exist) — copy the file itself into the inbox"
            elif entry.is_dir(follow_symlinks=False):
                if os.path.realpath(path) not in skip:
                    yield from _walk(path, root, skip)
            elif entry.is_file(follow_symlinks=False):
                yield path, None
            else:
                yield path, "not a regular file (a pipe, socket or device) — remove it from the inbox"
        except OSError as exc:
            yield path, f"cannot be examined ({exc.strerror}) — check its permissions and run again"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _identity(path: Path, source_path: str, problem: str | None) -> tuple[str, int]:
    """(sha256 of the bytes, size); for a file that cannot be read, a hash of its path and size -1."""
    if problem is None:
        try:
            return file_sha256(path), path.stat().st_size
        except OSError:
            pass
    return hashlib.sha256(f"unreadable:{source_path}".encode()).hexdigest(), -1


_BYTES_PREFIX = "bytes:"


def portable_path(path: Path) -> str:
    """`path` as a string Prefect can put in JSON: as is when it is valid UTF-8, else its raw bytes
    in hex (a GBK name on Linux), which `local_path` turns back into the same path."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _BYTES_PREFIX + os.fsencode(text).hex()


def local_path(text: str) -> Path:
    return Path(os.fsdecode(bytes.fromhex(text[len(_BYTES_PREFIX):]))) if text.startswith(_BYTES_PREFIX) else Path(text)


def readable_name(name: str) -> tuple[str, str | None]:
    """A path as text every consumer can store (JSON, Parquet, PostgreSQL), and a note when it had to
    be decoded: names unzipped from a Chinese Windows zip arrive as GBK bytes, which Python keeps as
    lone surrogates. Each part is decoded on its own (a GBK file in a UTF-8 folder): GB18030, else
    UTF-8 with replacement characters."""
    parts, notes = [], set()
    for part in name.split("/"):
        try:
            part.encode("utf-8")
            parts.append(part)
            continue
        except UnicodeEncodeError:
            raw = os.fsencode(part)
        try:
            parts.append(raw.decode("gb18030"))
            notes.add("file name stored in GBK bytes (a zip from Chinese Windows?); shown decoded")
        except UnicodeDecodeError:
            parts.append(raw.decode("utf-8", "replace"))
            notes.add("file name in an unknown encoding; undecodable bytes shown as \ufffd — rename the file")
    return "/".join(parts), "; ".join(sorted(notes)) or None


def primary_copies(files: list[InboxFile]) -> dict[str, InboxFile]:
    """The one file read per doc_id. Among identical copies the first whose name matches its content
    wins, so a PDF misnamed .docx never hides the same PDF correctly named; else the first path."""
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
    try:
        text, _ = decode_text(path.read_bytes())  # the readers' sniffer: UTF-8/16 (BOM or not), GBK/GB18030
    except ReadError as exc:
        what = "empty" if exc.code == "empty" else "not UTF-8 or GBK text"
        raise InboxError(f"{path}: {what} — save the manifest as UTF-8 CSV with a header row "
                         "(file, township, unit_code, year)") from exc
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
