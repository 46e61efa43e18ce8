"""The PDF reader on real PDFs: the shared born-digital sample and the generated fixtures.

Expected texts come from the truth JSON beside each file, never from this test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

from conftest import require_shared

from jixiao.extractors.base import Limits
from jixiao.extractors.pdf import read_pdf
from jixiao.extractors.pdf.grid import grids
from jixiao.extractors.pdf.pdfium import drawn_pages
from jixiao.model.document import Document, Paragraph, Table
from jixiao.model.errors import ReadError

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED_SAMPLES = Path(__file__).parents[2] / "shared" / "samples"
SAMPLE = "石各庄镇/石各庄镇2024年预算绩效目标.pdf"
ENCRYPTED_SAMPLE = "黄各庄镇/2024年绩效目标（加密）.pdf"


def _shared(relative: str) -> Path:
    return require_shared("samples", "inbox", relative)


def _fixture(relative: str) -> Path:
    path = FIXTURES / relative
    if not path.is_file():
        pytest.fail(f"committed fixture {path} is missing — regenerate it: python -m fixtures.generate "
                    "test-fixtures tests/fixtures", pytrace=False)
    return path


GOOD_PDFS = {
    "sample": lambda: (_shared(SAMPLE), SHARED_SAMPLES / "truth" / f"{SAMPLE}.json"),
    "ruled": lambda: (_fixture("township_ruled.pdf"), FIXTURES / "township_ruled.pdf.json"),
    "unruled": lambda: (_fixture("township_unruled.pdf"), FIXTURES / "township_unruled.pdf.json"),
}
_read_cache: dict[str, tuple[Document, dict]] = {}


@pytest.fixture(params=sorted(GOOD_PDFS))
def read(request) -> tuple[Document, dict]:
    """(document, truth) for each good PDF, read once per session."""
    if request.param not in _read_cache:
        pdf, truth = GOOD_PDFS[request.param]()
        _read_cache[request.param] = (read_pdf(pdf), json.loads(truth.read_text(encoding="utf-8")))
    return _read_cache[request.param]


def _paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def _table_rows(doc: Document) -> list[list[str]]:
    return [[c.text for c in row] for table in doc.tables() for row in table.rows()]


def test_format_and_pages(read):
    doc, _ = read
    assert doc.format == "pdf"
    assert doc.n_pages and doc.n_pages >= 2
    assert {b.prov.page for b in doc.blocks} <= set(range(1, doc.n_pages + 1))


def test_wrapped_paragraphs_are_joined_with_exact_cjk_text(read):
    """Goal texts wrap over several lines in the PDF; each must come back as one paragraph (or its tail)."""
    doc, truth = read
    paragraphs = _paragraphs(doc)
    assert all("\n" not in p for p in paragraphs)
    goals = [g for g in truth["goals"] if g["kind"] != "project"]
    assert goals
    for goal in goals:
        assert any(p == goal["text"] or p.endswith(goal["text"]) for p in paragraphs), goal["text"]
    overall = next(g["text"] for g in goals if g["kind"] == "overall")
    assert overall in paragraphs  # the longest wrapped paragraph, exactly


def test_indicator_rows_have_exact_joined_cell_texts(read):
    """Every table indicator's name, description, value and basis are whole cells of one row."""
    doc, truth = read
    rows = _table_rows(doc)
    indicators = [i for i in truth["indicators"] if i["source"] == "table"]
    assert indicators
    for ind in indicators:
        wanted = [ind["name_raw"], ind["description"], ind["value_raw"], ind["basis_raw"]]
        assert any(all(w in row for w in wanted) for row in rows), wanted


def test_project_codes_are_cells(read):
    doc, truth = read
    cells = {text for row in _table_rows(doc) for text in row}
    assert {p["code"] for p in truth["projects"]} <= cells


def test_split_tables_are_joined_without_repeated_header(read):
    doc, truth = read
    expected = sum(int(p.split(":")[1]) for p in truth["perturbations"] if p.startswith("tables_split_across_pages:"))
    joined = [t for t in doc.tables() if t.row_pages and len(set(t.row_pages)) > 1]
    assert len(joined) == expected
    for table in joined:
        assert len(table.row_pages) == table.n_rows
        assert table.row_pages == sorted(table.row_pages)
    for table in doc.tables():
        rows = [[c.text for c in row] for row in table.rows()]
        assert rows[0] not in rows[1:], "a header row is repeated inside a table"


def test_merged_cells_are_spans_covering_free_slots(read):
    doc, truth = read
    level1 = {i["level1_raw"] for i in truth["indicators"] if i["source"] == "table"}
    spans = [c for t in doc.tables() for c in t.cells if c.row_span > 1 and c.text in level1]
    assert spans, "no merged 一级指标 cell came back as a row span"
    for table in doc.tables():
        covered: set[tuple[int, int]] = set()
        for cell in table.cells:
            slots = {(r, c) for r in range(cell.row, cell.row + cell.row_span)
                     for c in range(cell.col, cell.col + cell.col_span)}
            assert not slots & covered, f"overlapping cells at {cell}"
            assert all(r < table.n_rows and c < table.n_cols for r, c in slots)
            covered |= slots


def test_blocks_are_in_reading_order_with_provenance(read):
    doc, _ = read
    positions = []
    for block in doc.blocks:
        assert block.prov.page is not None and block.prov.bbox is not None
        x0, top, x1, bottom = block.prov.bbox
        assert x0 < x1 and top < bottom
        positions.append((block.prov.page, top))
    assert positions == sorted(positions)


def test_tables_have_cells(read):
    doc, _ = read
    for table in doc.tables():
        assert isinstance(table, Table) and table.n_rows >= 2 and table.n_cols >= 2
        assert any(c.text for c in table.cells)


# ---------------------------------------------------------------- failures


def _error(path: Path) -> str:
    with pytest.raises(ReadError) as caught:
        read_pdf(path)
    return str(caught.value)


def test_encrypted_sample():
    assert _error(_shared(ENCRYPTED_SAMPLE)).startswith("encrypted PDF (password protected)")


def test_encrypted_fixture():
    assert _error(_fixture("bad/encrypted.pdf")).startswith("encrypted PDF (password protected)")


def test_scanned_fixture():
    message = _error(_fixture("bad/scanned.pdf"))
    assert "scanned PDF without text layer" in message and "OCR" in message


def test_pdf_named_docx_is_still_read():
    """A good PDF renamed .docx: the reader goes by content, the file name is the dispatcher's business."""
    doc = read_pdf(_fixture("bad/pdf_named.docx"))
    assert doc.n_pages and any(isinstance(b, Table) for b in doc.blocks)


def test_truncated_pdf(tmp_path: Path):
    data = _shared(SAMPLE).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    assert "truncated or corrupt PDF" in _error(cut)


def test_unmapped_fonts_give_unreadable_text_layer(tmp_path: Path):
    """Without its ToUnicode maps (renamed in place, offsets unchanged) the sample decodes to garbage."""
    data = _shared(SAMPLE).read_bytes()
    assert b"/ToUnicode" in data
    broken = tmp_path / "no_cmap.pdf"
    broken.write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))
    assert "text layer is unreadable" in _error(broken)


def test_empty_file(tmp_path: Path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert "empty file" in _error(empty)


def test_docx_bytes_are_not_a_pdf(tmp_path: Path):
    fake = tmp_path / "really_a_docx.pdf"
    fake.write_bytes(b"PK\x03\x04" + bytes(200))
    assert "not a PDF file" in _error(fake)


def test_zero_pages(tmp_path: Path):
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<</Size 3/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref
    pdf = tmp_path / "no_pages.pdf"
    pdf.write_bytes(body)
    assert "no pages" in _error(pdf)


# ---------------------------------------------------------------- geometry


@pytest.mark.parametrize("name", sorted(GOOD_PDFS))
def test_characters_are_measured_as_pdfminer_measures_them(name: str):
    """pdfium reads the characters, but their boxes must be pdfminer's (advance width across, font size
    standing on the descent line down): every gap and size threshold in the layout code was set on that.
    pdfminer puts some fonts' boxes on or nearer the baseline (it reads a smaller descent for them),
    so ours may sit lower by up to a fifth of the size, never higher."""
    pdf, _ = GOOD_PDFS[name]()
    drawn = drawn_pages(pdf, Limits().max_pages)
    with pdfplumber.open(pdf) as reference:
        assert len(reference.pages) == len(drawn)
        for page, ours in zip(reference.pages, drawn):
            theirs = [c for c in page.chars if not c["text"].isspace()]
            assert len(ours.chars) == len(theirs)
            key = lambda c: (round(c["x0"], 1), c["top"])
            for mine, ref in zip(sorted(ours.chars, key=key), sorted(theirs, key=key)):
                assert mine["text"] == ref["text"]
                assert abs(mine["size"] - ref["size"]) < 0.01
                assert abs(mine["x0"] - ref["x0"]) < 0.05, (mine, ref)
                assert abs(mine["x1"] - ref["x1"]) < 0.05, (mine, ref)
                assert abs(mine["bottom"] - mine["top"] - mine["size"]) < 0.01
                shift = mine["bottom"] - ref["bottom"]
                assert -0.05 < shift < 0.2 * mine["size"], (mine, ref)


def test_pages_render_with_the_system_fonts_after_their_text_was_measured():
    """Reading measures non-embedded CJK fonts with a box font (extractors.pdf.fonts); a page rendered
    afterwards in the same process (a scan for OCR, the fixtures' scans) still gets the real glyphs."""
    import numpy as np
    import pypdfium2

    pdf = _fixture("township_ruled.pdf")

    def render() -> np.ndarray:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return document[0].render(scale=1).to_numpy()
        finally:
            document.close()

    before = render()
    drawn_pages(pdf, Limits().max_pages)
    after = render()
    boxes = drawn_pages(pdf, Limits().max_pages)
    assert np.array_equal(before, after)
    dark = (after[..., :3] < 128).all(axis=-1).mean()
    assert 0 < dark < 0.1  # glyph strokes, not the solid squares of the box font
    assert boxes[0].chars == drawn_pages(pdf, Limits().max_pages)[0].chars


@pytest.mark.parametrize("name", ["sample", "ruled"])
def test_ruling_segments_are_pdfplumbers_edges(name: str):
    """The segments read from the page's paths are the lines and rectangle sides pdfplumber sees."""
    pdf, _ = GOOD_PDFS[name]()
    drawn = drawn_pages(pdf, Limits().max_pages)
    with pdfplumber.open(pdf) as reference:
        for page, ours in zip(reference.pages, drawn):
            theirs = [e for e in page.edges if e["orientation"] in ("h", "v")]
            assert len(ours.edges) == len(theirs)
            for edge in ours.edges:
                assert any(edge["orientation"] == ref["orientation"]
                           and all(abs(edge[k] - ref[k]) < 0.1 for k in ("x0", "x1", "top", "bottom"))
                           for ref in theirs), edge


@pytest.mark.parametrize("name", ["sample", "ruled"])
def test_ruled_grids_are_pdfplumbers_tables(name: str):
    """Our lines-strategy grid finder gives the cells pdfplumber's public find_tables gives on the same edges.

    pdfplumber prefilters edges shorter than a point only for its "lines" strategy, so the explicit edges
    are prefiltered here; every page with a grid must agree cell for cell, table for table.
    """
    pdf, _ = GOOD_PDFS[name]()
    compared = 0
    with pdfplumber.open(pdf) as reference:
        for page, ours in zip(reference.pages, drawn_pages(pdf, Limits().max_pages)):
            edges = [e for e in ours.edges if (e["height"] if e["orientation"] == "v" else e["width"]) >= 1]
            vertical = [e for e in edges if e["orientation"] == "v"]
            horizontal = [e for e in edges if e["orientation"] == "h"]
            if len(vertical) < 2 or len(horizontal) < 2:
                assert grids(ours.edges) == []
                continue
            theirs = page.find_tables({
                "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal,
            })
            assert grids(ours.edges) == [table.cells for table in theirs]
            compared += len(theirs)
    assert compared > 0


def test_page_limit_is_checked_when_the_file_opens():
    pdf, _ = GOOD_PDFS["ruled"]()
    with pytest.raises(ReadError) as caught:
        read_pdf(pdf, Limits(max_pages=2))
    assert caught.value.code == "too_large"
    assert "4 pages, more than the limit of 2" in str(caught.value)
    assert read_pdf(pdf, Limits(max_pages=4)).n_pages == 4
