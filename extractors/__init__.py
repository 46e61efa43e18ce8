"""Readers: one per format, each turning a file into a `jixiao.model.document.Document`.

`READERS` is the registry: adding a format is one module with `read(path, limits)` and one line here.
`read_document` picks the reader from what the bytes are, not only the file name, so a renamed or
mislabelled file gets an error that says what it really is.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from jixiao.extractors.base import Limits, Reader, Sniffed
from jixiao.extractors.image import is_image, read_pages
from jixiao.model.document import Document
from jixiao.model.errors import ReadError

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: .doc, .xls, .wps, encrypted Office
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream Office writes when a password is set


@dataclass
class Sniff:
    """The start of a file, and its zip or compound-file directory when a reader asks for it."""

    path: Path
    head: bytes

    @cached_property
    def _zip_names(self) -> frozenset[str]:
        try:
            with zipfile.ZipFile(self.path) as package:
                return frozenset(package.namelist())
        except (zipfile.BadZipFile, OSError):
            return frozenset()

    def zip_names(self) -> frozenset[str]:
        return self._zip_names

    def zip_text(self, member: str, limit: int = 256) -> str:
        if member not in self.zip_names():
            return ""
        try:
            with zipfile.ZipFile(self.path) as package, package.open(member) as fh:
                return fh.read(limit).decode("ascii", "replace")
        except (zipfile.BadZipFile, OSError, RuntimeError):
            return ""

    @cached_property
    def _cfb_streams(self) -> frozenset[str]:
        if not self.head.startswith(_CFB_MAGIC):
            return frozenset()
        import olefile

        try:
            with olefile.OleFileIO(str(self.path)) as ole:
                return frozenset(entry[0] for entry in ole.listdir(streams=True, storages=True))
        except Exception:  # olefile raises many kinds on a damaged directory: then it is no known format
            return frozenset()

    def cfb_streams(self) -> frozenset[str]:
        return self._cfb_streams


def _is_zip_with(member: str):
    return lambda sniff: sniff.head.startswith(b"PK\x03\x04") and member in sniff.zip_names()


def _is_odf(mimetype: str):
    return lambda sniff: sniff.head.startswith(b"PK\x03\x04") and sniff.zip_text("mimetype").strip() == mimetype


def _is_cfb_with(*streams: str):
    """An OLE compound file holding one of these streams (WordDocument: Word/WPS; Workbook/Book: Excel/WPS)."""
    return lambda sniff: sniff.head.startswith(_CFB_MAGIC) and bool(sniff.cfb_streams() & set(streams))


_EXCEL_BINARY = _is_cfb_with("Workbook", "Book")
_WORD_BINARY = _is_cfb_with("WordDocument")


def _is_rtf(sniff: Sniffed) -> bool:
    """RTF; also taken under .doc: Word and many systems save RTF so named, and Word opens it (so does LibreOffice)."""
    return sniff.head.startswith(b"{\\rtf")


_EXCEL_ZIP = _is_zip_with("xl/workbook.xml")

READERS: tuple[Reader, ...] = (
    Reader("docx", (".docx",), "docx", _is_zip_with("word/document.xml")),
    Reader("pdf", (".pdf",), "pdf", lambda sniff: sniff.head.startswith(b"%PDF")),
    Reader("xlsx", (".xlsx", ".xlsm"), "xlsx", _EXCEL_ZIP),
    Reader("xls", (".xls",), "xls", _EXCEL_BINARY),
    Reader("et", (".et",), "xls", lambda sniff: _EXCEL_BINARY(sniff) or _EXCEL_ZIP(sniff)),  # WPS saves either
    Reader("ods", (".ods",), "xls", _is_odf("application/vnd.oasis.opendocument.spreadsheet")),
    Reader("rtf", (".rtf",), "legacy", _is_rtf),  # before doc: RTF named otherwise is told to be .rtf
    Reader("doc", (".doc",), "legacy", lambda sniff: _WORD_BINARY(sniff) or _is_rtf(sniff)),
    Reader("wps", (".wps",), "legacy", _is_cfb_with("WordDocument", "CONTENTS")),  # WPS Office, or MS Works
    Reader("txt", (".txt",), "text", lambda sniff: False, signed=False),  # no signature: chosen by name
    Reader("image", (".jpg", ".jpeg", ".png", ".tif", ".tiff"), "image", lambda sniff: is_image(sniff.head)),
)
LEGACY_SUFFIXES = frozenset(s for r in READERS if r.module == "legacy" for s in r.suffixes)

DEFAULT_LIMITS = Limits()
DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_bytes
SUPPORTED_SUFFIXES: dict[str, str] = {suffix: r.format for r in READERS for suffix in r.suffixes}

_TO_DOCX = "open it in Word or WPS and save it as .docx (Word 文档), then submit that"
# Formats no reader takes: what the file is, and what to convert it to.
_OTHER_FORMATS = {
    ".odt": ("an OpenDocument text", _TO_DOCX),
    ".ofd": ("an OFD document", "export it as PDF, then submit that"),
}
_ANY_HINT = "save it as .docx or PDF (or export it as UTF-8 text), then submit that"


def reader_for(path: Path, head: bytes) -> Reader:
    """The reader for `path`, or a ReadError saying what the file is and what to do.

    `head` is the start of the file (the whole file when a compound-file check needs its directory).
    """
    suffix = path.suffix.lower()
    sniff = Sniff(path, head)
    by_name = next((r for r in READERS if suffix in r.suffixes), None)
    if head.startswith(_CFB_MAGIC) and _ENCRYPTED_PACKAGE in head:
        raise ReadError("encrypted", f"password-protected Office file (encrypted, named {suffix}) — remove the "
                        "password (Word: 文件 → 信息 → 保护文档 → 用密码进行加密, clear it), save and submit again")
    if by_name is not None and by_name.accepts(sniff):
        return by_name
    by_bytes = next((r for r in READERS if r.accepts(sniff)), None)
    if by_bytes is not None:
        raise _wrong_extension(by_bytes, suffix)
    if by_name is None:
        what, hint = _OTHER_FORMATS.get(suffix, (f"a '{suffix or 'no extension'}' file", _ANY_HINT))
        raise ReadError("unsupported_format", f"unsupported format: {what} — {hint}")
    if head.startswith(_CFB_MAGIC):
        raise ReadError("unsupported_format", f"this {suffix} file is an Office file of another kind (not a Word "
                        f"document or Excel workbook: PowerPoint, Outlook, …) — {_ANY_HINT}")
    if by_name.signed:
        raise ReadError("truncated", f"not a {by_name.format.upper()} file: the content does not start like one "
                        "(corrupt, truncated or mislabelled) — ask the township to resend it")
    return by_name


def named_as_it_is(path: Path) -> bool:
    """Whether the file's extension is a supported format and its first bytes agree."""
    try:
        with path.open("rb") as fh:
            reader_for(path, fh.read(8))
    except (ReadError, OSError):
        return False
    return True


def _wrong_extension(actual: Reader, suffix: str) -> ReadError:
    return ReadError("wrong_extension",
                     f"wrong extension: the file is a {actual.format.upper()} but is named "
                     f"{suffix or 'without an extension'} — rename it to .{actual.format} and submit again")


def read_document(path: Path, limits: Limits = DEFAULT_LIMITS, pages: Sequence[Path] = ()) -> Document:
    """Read any supported submission; raises ReadError with a code and an actionable message.

    `pages`: the page images of one document in order (discovery groups `1.jpg`, `2.jpg`, …), `path`
    being the first; each is checked as a file of its own, then they are read as one document.
    """
    if len(pages) > 1:
        for page in pages:
            _check_file(page, limits)
        return read_pages(pages, limits)
    return _check_file(path, limits).read(path, limits)


def _check_file(path: Path, limits: Limits) -> Reader:
    """The reader for one file, after the checks every file gets (empty, too large, what it is)."""
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty", "empty file (0 bytes) — ask the township to resend it")
    if size > limits.max_bytes:
        raise ReadError("too_large", f"file too large ({_size(size)} > limit {_size(limits.max_bytes)}) — "
                        "check it is the right file, or raise the limit with --max-mb")
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(_CFB_MAGIC):
            head += fh.read()  # small compound files only get here: the size limit bounds it
    return reader_for(path, head)


def _size(n_bytes: int) -> str:
    """A size in the megabytes --max-mb counts (MiB), or in KB below one."""
    if n_bytes < 2**20:
        return f"{n_bytes / 1024:.0f} KB"
    return f"{n_bytes / 2**20:.1f}".removesuffix(".0") + " MB"
