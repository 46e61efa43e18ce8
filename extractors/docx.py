"""Read a .docx into the document model: body paragraphs and tables in order, merges explicit.

python-docx opens the package; the body is then walked as XML. A table's grid is
rebuilt from each `<w:tc>`'s gridSpan (horizontal merge) and vMerge (vertical merge),
one pass per table: python-docx's own `row.cells` looks every merged cell up again
and takes seconds on a table of thousands of rows. Text is what Word shows: tracked
insertions are read, tracked deletions and text boxes are not, and a table nested in
a cell is flattened into that cell's text so nothing is lost.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from jixiao.model.document import Cell, Document, Paragraph, Provenance, Table
from jixiao.extractors.base import Limits, check_zip_methods, check_zip_size, xml_too_large, zip_members
from jixiao.model.errors import ReadError

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_T, _TAB, _PTAB, _BR, _CR, _HYPHEN = qn("w:t"), qn("w:tab"), qn("w:ptab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
_BR_TYPE = qn("w:type")
_TR, _TC, _TR_PR, _TC_PR, _VAL = qn("w:tr"), qn("w:tc"), qn("w:trPr"), qn("w:tcPr"), qn("w:val")
_GRID_BEFORE, _GRID_SPAN, _V_MERGE = qn("w:gridBefore"), qn("w:gridSpan"), qn("w:vMerge")
# Not part of the paragraph's visible text: properties, deleted revisions, drawings and text boxes.
_ALTERNATE_CONTENT = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_SKIPPED = {qn("w:pPr"), qn("w:rPr"), qn("w:del"), qn("w:moveFrom"), qn("w:drawing"), qn("w:pict"),
            qn("w:object"), qn("w:txbxContent"), _ALTERNATE_CONTENT}


def read_docx(path: Path, limits: Limits = Limits()) -> Document:
    """Every body paragraph and table of a .docx, in reading order, within `limits`."""
    try:
        _check_package(path, limits)
        source = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError) as exc:
        raise ReadError(
            "truncated", "truncated or corrupt docx: not a valid zip archive — open it in Word and save it again, "
            "or ask the township to resend it"
        ) from exc
    except etree.XMLSyntaxError as exc:
        raise _xml_error(exc) from exc
    except ValueError as exc:  # python-docx: "file '…' is not a Word file, content type is …"
        raise ReadError("unsupported_format", f"not a Word document although named .docx ({exc}) — save the 绩效目标 document "
                        "as .docx in Word or WPS and submit that") from exc
    return Document(format="docx", blocks=list(_blocks(source.element.body, limits)))


def _check_package(path: Path, limits: Limits) -> None:
    """Refuse a package before inflating it: members encrypted (a zip password, AES) that python-docx
    would fail on obscurely, or too large (check_zip_size)."""
    members = zip_members(path)
    check_zip_methods(members, "the .docx", "open it in Word or WPS, save it as .docx")
    check_zip_size(members, limits, "the .docx", "open it in Word, save it again without large pictures, "
                   "and check it is the 绩效目标 document")


def _xml_error(exc: etree.XMLSyntaxError) -> ReadError:
    if xml_too_large(exc):
        return ReadError("too_large", f"the .docx is too big to read safely, not damaged: its text is larger than a "
                         f"document may be ({exc}) — check it is the 绩效目标 document, remove pasted data or "
                         "pictures, save and submit again")
    if "depth" in str(exc).lower():
        return ReadError("truncated", "tables nested too deeply inside other tables to read (the Word XML is over "
                         "256 levels deep) — move the nested tables out into the page, save and submit again")
    return ReadError("truncated", f"damaged docx: its text cannot be parsed ({exc}) — open it in Word, save it "
                     "again, or ask the township to resend it")


def _blocks(container: etree._Element, limits: Limits) -> Iterator[Paragraph | Table]:
    for child in container.iterchildren():
        if child.tag == _P:
            text = _paragraph_text(child)
            if text.strip():
                yield Paragraph(text=text, prov=Provenance())
        elif child.tag == _TBL:
            yield _table(child, limits)
        elif child.tag == _SDT:  # a content control (template field): its content is ordinary body
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content, limits)


def _paragraph_text(p: etree._Element) -> str:
    """The text Word shows for one `<w:p>`."""
    return "".join(_run_text(p))


def _run_text(element: etree._Element) -> Iterator[str]:
    for child in element.iterchildren():
        tag = child.tag
        if tag == _T:
            yield child.text or ""
        elif tag in (_TAB, _PTAB):
            yield "\t"
        elif tag == _CR or (tag == _BR and child.get(_BR_TYPE, "textWrapping") == "textWrapping"):
            yield "\n"
        elif tag == _HYPHEN:
            yield "-"
        elif tag not in _SKIPPED and isinstance(tag, str):
            yield from _run_text(child)  # runs, hyperlinks, insertions, fields, smart tags


def _table(tbl: etree._Element, limits: Limits) -> Table:
    """The table's real cells with their spans, in one pass over its rows.

    gridBefore and gridSpan are clamped to Word's 63 columns (a hostile 2,000,000,000 would otherwise
    build a grid that never ends), and a table whose grid passes `max_cells` is refused."""
    cells: list[Cell] = []
    above: dict[int, Cell] = {}  # grid column -> the cell that last started there (for vMerge="continue")
    n_rows = n_cols = 0
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        n_rows = r + 1
        starts: dict[int, Cell] = {}
        col = min(max(_number(tr, _TR_PR, _GRID_BEFORE, 0), 0), limits.max_span)
        for tc in tr.iterchildren(_TC):
            span = min(max(_number(tc, _TC_PR, _GRID_SPAN, 1), 1), limits.max_span)
            merged_into = above.get(col)
            if _continues_merge(tc) and merged_into is not None and merged_into.col_span == span:
                merged_into.row_span += 1
                starts[col] = merged_into
            else:
                cell = Cell(row=r, col=col, text=_cell_text(tc, limits), col_span=span)
                cells.append(cell)
                starts[col] = cell
            col += span
        above = starts
        n_cols = max(n_cols, col)
        if n_rows * n_cols > limits.max_cells:
            raise ReadError("too_large", f"a table of more than {limits.max_cells:,} cells ({n_rows:,} rows so far, "
                            f"{n_cols} columns) — split it into several documents, or check it is the right file")
    return Table(n_rows=n_rows, n_cols=n_cols, cells=cells, prov=Provenance())


def _number(element: etree._Element, properties: str, name: str, default: int) -> int:
    """A row's gridBefore or a cell's gridSpan (plain lxml: python-docx's accessors were a third of the reading)."""
    value = element.find(f"{properties}/{name}")
    try:
        return int(value.get(_VAL)) if value is not None else default
    except (TypeError, ValueError):  # no w:val, or not a number
        return default


def _continues_merge(tc: etree._Element) -> bool:
    """vMerge without a value, or "continue": the cell goes on with the one above."""
    merge = tc.find(f"{_TC_PR}/{_V_MERGE}")
    return merge is not None and merge.get(_VAL, "continue") == "continue"


def _cell_text(tc: etree._Element, limits: Limits) -> str:
    """Paragraphs joined by newlines; a nested table becomes tab-separated lines in place."""
    parts: list[str] = []
    for child in tc.iterchildren():
        if child.tag == _P:
            parts.append(_paragraph_text(child))
        elif child.tag == _TBL:
            nested = _table(child, limits)
            parts.extend("\t".join(cell.text for cell in row) for row in nested.rows())
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                parts.extend(_paragraph_text(p) for p in content.iter(_P))
    return "\n".join(parts).strip()


def read(path: Path, limits: Limits) -> Document:
    """The reader contract's entry point (see jixiao.extractors.base)."""
    return read_docx(path, limits)
