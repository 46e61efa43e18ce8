"""Readers: one per format, each turning a file into a `jixiao.document.Document`.

`read_document` picks the reader from what the bytes are, not only the file name,
so a renamed or mislabelled file gets an error that says what it really is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from jixiao.document import Document, Format, ReadError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
SUPPORTED_SUFFIXES: dict[str, Format] = {".docx": "docx", ".pdf": "pdf", ".txt": "txt"}

_TO_DOCX = "open it in Word or WPS and save it as .docx (Word 文档), then submit that"
_TO_PDF = "export it as PDF (or copy its tables into the .docx), then submit that"
# What an unsupported file is, and what to convert it to.
_OTHER_FORMATS = {
    ".doc": ("a legacy Word .doc file", _TO_DOCX),
    ".wps": ("a WPS document", _TO_DOCX),
    ".rtf": ("an RTF document", _TO_DOCX),
    ".odt": ("an OpenDocument text", _TO_DOCX),
    ".xls": ("an Excel .xls workbook", _TO_PDF),
    ".xlsx": ("an Excel workbook", _TO_PDF),
    ".et": ("a WPS spreadsheet", _TO_PDF),
    ".ofd": ("an OFD document", "export it as PDF, then submit that"),
}
_ANY_HINT = "save it as .docx or PDF (or export it as UTF-8 text), then submit that"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: .doc, .xls, .wps, encrypted Office
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream Office writes when a password is set


def detect_format(path: Path, head: bytes) -> Format:
    """The format to read `path` as, or a ReadError saying what the file is and what to do.

    `head` is the start of the file (the whole file when a compound-file check needs its directory).
    """
    suffix = path.suffix.lower()
    actual = _sniff(head)
    if suffix not in SUPPORTED_SUFFIXES:
        if actual == "pdf" or (actual == "docx" and _is_word_package(path)):
            raise _wrong_extension(actual, suffix)
        what, hint = _OTHER_FORMATS.get(suffix, (f"a '{suffix or 'no extension'}' file", _ANY_HINT))
        raise ReadError(f"unsupported format: {what} — {hint}")
    declared = SUPPORTED_SUFFIXES[suffix]
    if head.startswith(_CFB_MAGIC):
        if _ENCRYPTED_PACKAGE in head:
            raise ReadError(f"password-protected Office file (encrypted, named {suffix}) — remove the password "
                            "(Word: 文件 → 信息 → 保护文档 → 用密码进行加密, clear it), save as .docx and submit again")
        raise ReadError(f"this {suffix} file is really a legacy Office file (.doc/.xls/.wps) — {_TO_DOCX}")
    if head.startswith(b"{\\rtf"):
        raise ReadError(f"this {suffix} file is really an RTF document — {_TO_DOCX}")
    if actual is not None and actual != declared:
        raise _wrong_extension(actual, suffix)
    if actual is None and declared != "txt":
        raise ReadError(f"not a {declared.upper()} file: the content does not start like one "
                        "(corrupt, truncated or mislabelled) — ask the township to resend it")
    return declared


def named_as_it_is(path: Path) -> bool:
    """Whether the file's extension is a supported format and its first bytes agree."""
    try:
        with path.open("rb") as fh:
            detect_format(path, fh.read(8))
    except (ReadError, OSError):
        return False
    return True


def _sniff(head: bytes) -> Format | None:
    """A supported format recognised from its first bytes (text has no signature)."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    return None


def _is_word_package(path: Path) -> bool:
    """A zip holding word/document.xml (xlsx, odt and ofd are zips too)."""
    try:
        with zipfile.ZipFile(path) as package:
            return "word/document.xml" in package.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _wrong_extension(actual: Format, suffix: str) -> ReadError:
    return ReadError(f"wrong extension: the file is a {actual.upper()} but is named {suffix or 'without an extension'}"
                     f" — rename it to .{actual} and submit again")


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read any supported submission; raises ReadError with an actionable message."""
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file (0 bytes) — ask the township to resend it")
    if size > max_bytes:
        raise ReadError(f"file too large ({_size(size)} > limit {_size(max_bytes)}) — "
                        "check it is the right file, or raise the limit with --max-mb")
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(_CFB_MAGIC):
            head += fh.read()  # small compound files only get here: the size limit bounds it
    fmt = detect_format(path, head)
    if fmt == "docx":
        from extractors.docx import read_docx

        return read_docx(path)
    if fmt == "pdf":
        from extractors.pdf import read_pdf

        return read_pdf(path)
    from extractors.text import read_text

    return read_text(path)


def _size(n_bytes: int) -> str:
    """A size in the megabytes --max-mb counts (MiB), or in KB below one."""
    if n_bytes < 2**20:
        return f"{n_bytes / 1024:.0f} KB"
    return f"{n_bytes / 2**20:.1f}".removesuffix(".0") + " MB"
