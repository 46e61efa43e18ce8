"""Measuring fonts: what pdfium uses for non-embedded CJK fonts while we only read text positions.

A PDF whose Chinese font is not embedded (STSong-Light, SimSun, 宋体 … named but not included, as
many generators and Word's "don't embed" write them) makes pdfium substitute a system font, on
Linux a Noto CJK collection with CFF outlines. pdfium then loads the outline of every CJK glyph to
box it, twice per character (the page's text objects, then the text page) and without a cache for
character ids above 255: two thirds of the time of reading such a PDF, for outlines nobody draws.

While a PDF's text is read (`measuring_fonts()`), those fonts are mapped to a box font instead:
one square glyph for every code point, 1 em wide, ascent 880 and descent 120 per mille. Where a
character lands comes from the PDF itself (positions, /W widths, the font descriptor's metrics), so
text, order and positions are unchanged; a character's right edge is its PDF advance or 1 em, as
pdfminer measures it, instead of the substituted face's glyph width. Latin fonts and embedded fonts
are untouched, and outside the context (rendering a scan for OCR) the system fonts are used.

pdfium is not thread-safe, and neither is this: one thread of a process reads PDFs at a time.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2  # noqa: F401 - initialises the library before the font info is set
import pypdfium2.raw as pdfium_c

# Windows charsets pdfium asks a substitute for when a font is Chinese, Japanese or Korean.
_CJK_CHARSETS = {128, 129, 134, 136}  # SHIFTJIS, HANGEUL, GB2312, CHINESEBIG5
_BOX_FACE = b"JixiaoMeasuringBox"
_BOX_HANDLE = 0x6A78  # any non-null handle: pdfium only hands it back to the callbacks below


def _table_directory(tables: dict[bytes, bytes]) -> bytes:
    """An sfnt file: the offset table, the table records and the tables, each 4-byte aligned."""
    tags = sorted(tables)
    header = struct.pack(">IHHHH", 0x00010000, len(tags), 64, 6, len(tags) * 16 - 64)
    offset = 12 + 16 * len(tags)
    records, bodies = b"", b""
    for tag in tags:
        data = tables[tag]
        padded = data.ljust((len(data) + 3) // 4 * 4, b"\0")
        checksum = sum(struct.unpack(f">{len(padded) // 4}I", padded))
        records += struct.pack(">4sIII", tag, checksum & 0xFFFFFFFF, offset, len(data))
        bodies += padded
        offset += len(padded)
    return header + records + bodies


def box_font() -> bytes:
    """A TrueType font of two square glyphs (.notdef and the box), every code point mapped to the box."""
    square = struct.pack(">hhhhh", 1, 0, -120, 1000, 880)  # one contour; its bounding box
    square += struct.pack(">HH", 3, 0)  # last point index; no instructions
    square += bytes([1, 1, 1, 1])  # four on-curve points, coordinates as signed shorts
    square += struct.pack(">hhhh", 0, 0, 1000, 0) + struct.pack(">hhhh", -120, 1000, 0, -1000)
    glyf = square + square
    loca = struct.pack(">III", 0, len(square), len(glyf))
    # cmap format 13 (many-to-one): all of Unicode but the surrogates to glyph 1.
    groups = [(0x20, 0xD7FF), (0xE000, 0x10FFFF)]
    format13 = struct.pack(">HHIII", 13, 0, 16 + 12 * len(groups), 0, len(groups))
    format13 += b"".join(struct.pack(">III", start, end, 1) for start, end in groups)
    cmap = struct.pack(">HHHHI", 0, 1, 3, 10, 12) + format13
    head = struct.pack(">IIIIHHqqhhhhHHhhh", 0x00010000, 0x00010000, 0, 0x5F0F3CF5, 0b11, 1000, 0, 0,
                       0, -120, 1000, 880, 0, 8, 2, 1, 0)
    hhea = struct.pack(">IhhhHhhhhhhhhhhhH", 0x00010000, 880, -120, 0, 1000, 0, 0, 1000, 1, 0, 0,
                       0, 0, 0, 0, 0, 2)
    maxp = struct.pack(">IHHHHHHHHHHHHHH", 0x00010000, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0)
    hmtx = struct.pack(">HhHh", 1000, 0, 1000, 0)
    post = struct.pack(">IIhhIIIII", 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0)
    name_text = _BOX_FACE.decode().encode("utf-16-be")
    name = struct.pack(">HHH", 0, 2, 6 + 12 * 2)
    name += struct.pack(">HHHHHH", 3, 1, 0x409, 1, len(name_text), 0)
    name += struct.pack(">HHHHHH", 3, 1, 0x409, 4, len(name_text), 0) + name_text
    return _table_directory({b"cmap": cmap, b"glyf": glyf, b"head": head, b"hhea": hhea, b"hmtx": hmtx,
                             b"loca": loca, b"maxp": maxp, b"name": name, b"post": post})


class _FontInfo:
    """pdfium's system font interface: the platform's own, except CJK fonts while `measuring`."""

    def __init__(self, system: pdfium_c.FPDF_SYSFONTINFO) -> None:
        self.measuring = False
        self.data = box_font()
        self.system = system
        kind = dict(pdfium_c.FPDF_SYSFONTINFO._fields_)
        callbacks = {name: kind[name](getattr(self, "_" + name)) for name in (
            "Release", "EnumFonts", "MapFont", "GetFont", "GetFontData", "GetFaceName", "GetFontCharset",
            "DeleteFont")}
        self.struct = pdfium_c.FPDF_SYSFONTINFO(version=1, **callbacks)  # keeps the callbacks alive too

    def _Release(self, this) -> None:  # noqa: N802 - pdfium's callback names
        pass

    def _EnumFonts(self, this, mapper) -> None:  # noqa: N802
        self.system.EnumFonts(ctypes.byref(self.system), mapper)

    def _MapFont(self, this, weight, italic, charset, pitch, face, exact):  # noqa: N802, PLR0913
        if self.measuring and charset in _CJK_CHARSETS:
            return _BOX_HANDLE
        return self.system.MapFont(ctypes.byref(self.system), weight, italic, charset, pitch, face, exact)

    def _GetFont(self, this, face):  # noqa: N802
        return self.system.GetFont(ctypes.byref(self.system), face)

    def _GetFontData(self, this, handle, table, buffer, size) -> int:  # noqa: N802
        if handle != _BOX_HANDLE:
            return self.system.GetFontData(ctypes.byref(self.system), handle, table, buffer, size)
        if table != 0:  # pdfium asks for the whole file (table 0), never for single tables of it
            return 0
        if buffer and size >= len(self.data):
            ctypes.memmove(buffer, self.data, len(self.data))
        return len(self.data)

    def _GetFaceName(self, this, handle, buffer, size) -> int:  # noqa: N802
        if handle != _BOX_HANDLE:
            return self.system.GetFaceName(ctypes.byref(self.system), handle, buffer, size)
        name = _BOX_FACE + b"\0"
        if buffer and size >= len(name):
            ctypes.memmove(buffer, name, len(name))
        return len(name)

    def _GetFontCharset(self, this, handle) -> int:  # noqa: N802
        return 134 if handle == _BOX_HANDLE else self.system.GetFontCharset(ctypes.byref(self.system), handle)

    def _DeleteFont(self, this, handle) -> None:  # noqa: N802
        if handle != _BOX_HANDLE:
            self.system.DeleteFont(ctypes.byref(self.system), handle)


_INFO: _FontInfo | None = None
_INSTALLED = False


@contextmanager
def measuring_fonts() -> Iterator[None]:
    """Non-embedded CJK fonts of documents whose pages load inside this context are box fonts
    (nothing changes on a platform where pdfium has no system font interface to wrap)."""
    global _INFO, _INSTALLED
    if not _INSTALLED:
        _INSTALLED = True
        system = pdfium_c.FPDF_GetDefaultSystemFontInfo()
        if system:
            _INFO = _FontInfo(system.contents)
            pdfium_c.FPDF_SetSystemFontInfo(ctypes.byref(_INFO.struct))
    if _INFO is None:
        yield
        return
    _INFO.measuring = True
    try:
        yield
    finally:
        _INFO.measuring = False
