"""The reader contract: what every format's reader provides, and the limits it reads under.

A reader turns one file into the document model and nothing else: it never interprets what a
paragraph or a cell means. It says which files it takes by their bytes (`accepts`), not by the name,
and fails only with `ReadError` carrying a stable code. Heavy libraries are imported inside `read`,
so choosing a reader costs nothing.
"""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from jixiao.model.document import Document, Format
from jixiao.model.errors import ReadError


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one document may cause (a user's file is hostile until read)."""

    max_bytes: int = 50 * 1024 * 1024  # the file itself (--max-mb)
    max_unzipped_bytes: int = 200 * 1024 * 1024  # a docx/xlsx package, all members inflated
    max_members: int = 2_000  # members of a docx/xlsx package
    max_pages: int = 500  # PDF pages, or page images of one document
    max_cells: int = 1_000_000  # grid cells (rows × columns) of one table: 10,000+ row tables are real
    max_span: int = 63  # columns a merged cell may span (Word allows 63 columns)
    max_convert_seconds: float = 120.0  # LibreOffice converting one legacy .doc/.wps/.rtf
    max_seconds: float = 120.0  # wall-clock time to read one document (the runner kills the read past it)
    ocr_page_seconds: float = 60.0  # more time for each page OCR has read (a scan takes seconds a page)
    max_memory_bytes: int = 3 * 2**30  # heap of the process reading one document (the runner's reader child)


class Sniffed(Protocol):
    """What a reader may look at to decide whether it takes a file."""

    path: Path
    head: bytes  # the first bytes (the whole file for a small OLE compound file)

    def zip_names(self) -> frozenset[str]: ...

    def zip_text(self, member: str, limit: int = 256) -> str: ...  # the start of one zip member ('' if none)

    def cfb_streams(self) -> frozenset[str]: ...  # top-level stream names of an OLE compound file


@dataclass(frozen=True)
class Reader:
    """One format: how to recognise its bytes and which module reads it.

    `module` (under jixiao.extractors) exposes `read(path: Path, limits: Limits) -> Document`;
    `accepts` is called with the sniffed start of the file. `suffixes` are the names the format
    usually has: a file whose bytes one reader accepts but whose suffix belongs to another reader
    is reported as misnamed rather than read as the wrong thing.
    """

    format: Format
    suffixes: tuple[str, ...]
    module: str
    accepts: Callable[[Sniffed], bool]
    signed: bool = True  # its files start with a signature (text has none: a .txt is taken by its name)

    def read(self, path: Path, limits: Limits) -> Document:
        module = importlib.import_module(f"jixiao.extractors.{self.module}")
        return module.read(path, limits)


def zip_members(path: Path) -> list[zipfile.ZipInfo]:
    """The members of a zip package (docx, xlsx, ods) as its directory declares them; raises BadZipFile."""
    with zipfile.ZipFile(path) as package:
        return package.infolist()


def check_zip_size(members: list[zipfile.ZipInfo], limits: Limits, what: str, remedy: str) -> None:
    """Refuse a package before anything is inflated when it has too many members or they inflate past
    the limit (a zip bomb); zipfile never inflates a member past its declared size, so the declared
    sizes bound the work. `what` names the file to the clerk ("the .docx"), `remedy` says what to do."""
    if len(members) > limits.max_members:
        raise ReadError("too_large", f"{what} holds {len(members):,} parts (limit {limits.max_members:,}) — {remedy}")
    inflated = sum(m.file_size for m in members)
    if inflated > limits.max_unzipped_bytes:
        raise ReadError("too_large", f"{what} inflates to {inflated / 2**20:,.0f} MB (limit "
                        f"{limits.max_unzipped_bytes / 2**20:,.0f} MB) — {remedy}")


_ZIP_METHODS = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 99: "AES"}


def check_zip_methods(members: list[zipfile.ZipInfo], what: str, remedy: str) -> None:
    """Refuse a package whose members are encrypted (a zip password, AES: `encrypted`) or compressed by a
    method Office never writes (LZMA, bzip2: `unsupported_format`, not a password), before inflating any."""
    if any(m.flag_bits & 0x1 or m.compress_type == 99 for m in members):
        raise ReadError("encrypted", f"{what} was zipped with a password (or AES) — {remedy} without a password, "
                        "and submit that")
    odd = {m.compress_type for m in members} - {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
    if odd:
        names = ", ".join(sorted(_ZIP_METHODS.get(c, f"method {c}") for c in odd))
        raise ReadError("unsupported_format", f"{what} was re-zipped with {names} compression, which Office never "
                        f"writes and jixiao cannot unpack (no password is involved) — {remedy}, and submit that")


def xml_too_large(exc: Exception) -> bool:
    """An XML parser error that is a size limit (a text node of megabytes, memory running out while
    parsing), not damage."""
    text = str(exc).lower()
    return any(sign in text for sign in ("resource limit", "huge", "too long", "too big", "memory", "unknown error"))
