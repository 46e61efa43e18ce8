"""Typed errors with a stable code, so an analyst filters failures by `error_code`, not by prose.

Every code is listed in the README's error-code table. The message is for a township clerk: it says
what is wrong and what to do about it.
"""

from __future__ import annotations

from typing import Literal

# The stable codes of `documents.error_code` (failed and partial documents).
ErrorCode = Literal[
    "empty",               # 0 bytes, or only blank space
    "truncated",           # cut off or corrupt: not a valid zip/PDF/OLE file
    "encrypted",           # password protected
    "unsupported_format",  # a format jixiao does not read
    "wrong_extension",     # the bytes are another supported format than the name says
    "not_text",            # a .txt that is binary or in an unknown encoding
    "too_large",           # beyond a size, page, member or cell limit
    "timeout",             # the read took longer than the per-document time limit
    "scanned_no_ocr",      # image pages and no OCR engine to read them
    "no_text",             # scanned pages or photos on which OCR recognised no text (blank, faint, blurred)
    "needs_libreoffice",   # a legacy .doc/.wps/.rtf and no LibreOffice to convert it
    "conversion_failed",   # LibreOffice could not convert a legacy .doc/.wps/.rtf (damaged, protected)
    "unreadable_text",     # a text layer whose characters do not decode (broken font maps)
    "no_structure",        # read, but no targets, indicators or projects found
    "incomplete",          # partial: something expected is missing (the error names it)
    "not_processed",       # the run stopped before this file
    "unreadable_file",     # the file could not be opened (permissions, vanished, link out of the inbox)
    "duplicate_file",      # the same bytes as another file of the inbox, which is the one counted
    "internal",            # a bug in jixiao: the file is retried on the next run
]


class JixiaoError(Exception):
    """Base of jixiao's errors: a stable `code` and a message a person can act on."""

    code: str = "internal"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class ReadError(JixiaoError):
    """A file could not be read into the document model."""

    def __init__(self, code: ErrorCode, message: str):
        super().__init__(message, code)
