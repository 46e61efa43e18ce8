"""Readers: one per format, each turning a file into a `jixiao.document.Document`.

`read_document` picks the reader from what the bytes are, not only the file name,
so a renamed or mislabelled file gets an error that says what it really is.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.document import Document, Format, ReadError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_CONVERT_HINT = "save it as .docx or PDF (or export it as UTF-8 text) and submit that"
_OTHER_FORMATS = {
    ".doc": "legacy Word .doc file",
    ".wps": "WPS document",
    ".xls": "Excel .xls workbook",
    ".xlsx": "Excel workbook",
    ".et": "WPS spreadsheet",
    ".rtf": "RTF document",
    ".odt": "OpenDocument text",
    ".ofd": "OFD document",
}
SUPPORTED_SUFFIXES: dict[str, Format] = {".docx": "docx", ".pdf": "pdf", ".txt": "txt"}


def detect_format(path: Path, head: bytes) -> Format:
    """The format to read `path` as, or a ReadError saying what the file is and what to do."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        what = _OTHER_FORMATS.get(suffix, f"'{suffix or 'no extension'}' file")
        raise ReadError(f"unsupported format: {what} — {_CONVERT_HINT}")
    declared = SUPPORTED_SUFFIXES[suffix]
    actual: Format | None = None
    if head.startswith(b"%PDF"):
        actual = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        actual = "docx"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(f"this {suffix} file is really a legacy Office (.doc/.xls) file — {_CONVERT_HINT}")
    if actual is not None and actual != declared:
        raise ReadError(f"wrong extension: the file is a {actual.upper()} but is named {suffix} — "
                        f"rename it to .{actual} and submit again")
    if actual is None and declared != "txt":
        raise ReadError(f"not a {declared.upper()} file: the content does not start like one "
                        "(corrupt, truncated or mislabelled) — ask the township to resend it")
    return declared


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read any supported submission; raises ReadError with an actionable message."""
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file (0 bytes) — ask the township to resend it")
    if size > max_bytes:
        raise ReadError(f"file too large ({size / 1e6:.1f} MB > limit {max_bytes / 1e6:.0f} MB) — "
                        "check it is the right file, or raise the limit with --max-mb")
    with path.open("rb") as fh:
        head = fh.read(8)
    fmt = detect_format(path, head)
    if fmt == "docx":
        from extractors.docx import read_docx

        return read_docx(path)
    if fmt == "pdf":
        from extractors.pdf import read_pdf

        return read_pdf(path)
    from extractors.text import read_text

    return read_text(path)
