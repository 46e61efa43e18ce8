"""OCR of scans and photos, on scans the fixture generator makes: a generated township PDF rendered
to page images, stamped with a red seal (page 1) and a grey one (page 2), turned off level and
JPEG-compressed; saved as an image-only PDF and as page images."""

from __future__ import annotations

import random
import socket
import struct
import unicodedata
import zlib
from pathlib import Path

import cv2
import numpy as np
import pypdfium2
import pytest

from fixtures import make_township_document, write_docx, write_pdf
from fixtures.scan_writer import GREY, RED, scan_pages, write_page_images, write_scanned_pdf
from jixiao.dictionaries import clear_dictionary_caches
from jixiao.extractors import read_document
from jixiao.extractors.ocr import engine
from jixiao.extractors.ocr.clean import remove_red, rotate, skew_angle
from jixiao.extractors.ocr.page import ocr_settings
from jixiao.flows.inbox import discover_inbox
from jixiao.model.document import Document
from jixiao.model.errors import ReadError
from jixiao.parsing.structure import parse_document

SKEWS = [1.5, -1.0]


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A two-page township document (one project table split over the page break) and its scans."""
    root = tmp_path_factory.mktemp("scans")
    doc = make_township_document(random.Random(7), "南山镇", "13020899", 2024, 1)
    doc.items, doc.measures = doc.items[:2], doc.measures[:1]
    write_pdf(doc, root / "text.pdf")
    write_docx(doc, root / "text.docx")
    seal = "南山镇人民政府"
    images = scan_pages(root / "text.pdf", [(seal, RED), (seal, GREY)], SKEWS)
    assert len(images) == 2
    write_scanned_pdf(images, root / "scan.pdf")
    write_page_images(images, root / "inbox" / "南山镇", ["第1页.jpg", "第2页.jpg"])
    return {"text": root / "text.pdf", "docx": root / "text.docx", "scan": root / "scan.pdf", "inbox": root / "inbox",
            "page1": root / "inbox" / "南山镇" / "第1页.jpg"}


@pytest.fixture(scope="module")
def scanned(scans: dict[str, Path]) -> Document:
    return read_document(scans["scan"])


def _fold(text: str) -> str:
    """Full- and half-width forms of the same punctuation are the same text."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def _cells(document: Document) -> list[dict[tuple[int, int, int, int], str]]:
    return [{(c.row, c.col, c.row_span, c.col_span): _fold(c.text) for c in t.cells} for t in document.tables()]


def test_models_ship_inside_the_installed_package():
    import rapidocr

    package = Path(rapidocr.__file__).resolve().parent
    for path in engine.model_paths().values():
        assert path.is_file() and package in path.parents
        assert "site-packages" in path.parts or "dist-packages" in path.parts


def test_ocr_reads_a_photo_with_the_network_cut(scans: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path):
    """rapidocr: its models load, the int8 recognition model is made, and pages are recognised with
    every connection refused and rapidocr's downloader broken (tests/test_ocr_fast.py: the default engine
    in a network namespace of its own)."""
    from rapidocr.utils import download_file

    from tests.test_ocr_fast import _with_engine

    def refuse(*args, **kwargs):
        raise AssertionError("OCR tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(download_file.DownloadFile, "run", refuse)
    _with_engine("rapidocr", tmp_path / "dictionaries", monkeypatch)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))  # make the int8 model again, under the guard
    engine._detector.cache_clear()  # load the models again, under the guard
    engine._recognizer.cache_clear()
    try:
        document = read_document(scans["page1"])
    finally:
        monkeypatch.undo()
        clear_dictionary_caches()  # the shipped ocr.yaml again for the next tests
    assert (document.format, document.read_method, document.n_pages) == ("image", "ocr", 1)
    text = _fold(document.text())
    assert "总体绩效目标" in text and "分项绩效目标" in text
    assert any(_fold(c.text) == "项目编码" for t in document.tables() for c in t.cells)
    assert list(tmp_path.glob("*.int8-*.onnx"))


def test_scanned_pdf_gives_the_tables_of_its_text_pdf(scans: dict[str, Path], scanned: Document):
    text = read_document(scans["text"])
    assert (scanned.read_method, text.read_method) == ("ocr", "text_layer")
    ours, theirs = _cells(scanned), _cells(text)
    assert len(ours) == len(theirs) == 2  # the indicator table is joined back over the page break
    assert [set(t) for t in ours] == [set(t) for t in theirs]  # same grid, same merged cells
    same = sum(ours[i][k] == v for i, table in enumerate(theirs) for k, v in table.items())
    assert same >= 0.95 * sum(len(t) for t in theirs)


def test_scanned_pdf_tables_read_row_by_row_like_the_docx(scans: dict[str, Path], scanned: Document):
    """Row by row the same cell texts as Word's own table (the docx grid may have more columns, and a
    table split over a page break keeps a blank cell where the docx merges down)."""
    def rows(document: Document) -> list[list[list[str]]]:
        return [[[_fold(c.text) for c in row if c.text.strip()] for row in table.rows()] for table in document.tables()]

    ours, theirs = rows(scanned), rows(read_document(scans["docx"]))
    assert [len(t) for t in ours] == [len(t) for t in theirs]
    cells = [(a, b) for ta, tb in zip(ours, theirs) for ra, rb in zip(ta, tb) for a, b in zip(ra, rb)]
    assert sum(a == b for a, b in cells) >= 0.95 * sum(len(r) for t in theirs for r in t)


def test_scanned_pdf_parses_to_the_same_targets(scans: dict[str, Path], scanned: Document):
    ours, theirs = parse_document(scanned), parse_document(read_document(scans["text"]))
    assert [(p.project_code, p.budget_wan, p.fiscal_wan) for p in ours.projects] == \
        [(p.project_code, p.budget_wan, p.fiscal_wan) for p in theirs.projects]
    pairs = [(_fold(i.name_raw or ""), _fold(i.value_raw or "")) for i in ours.indicators]
    expected = [(_fold(i.name_raw or ""), _fold(i.value_raw or "")) for i in theirs.indicators]
    assert len(pairs) == len(expected) and sum(a == b for a, b in zip(pairs, expected)) >= len(expected) - 1
    assert all(i.confidence is not None and 0 < i.confidence <= 1 for i in ours.indicators)
    assert all(i.confidence is None for i in theirs.indicators)
    cells = [c for t in scanned.tables() for c in t.cells if c.text]
    assert all(c.confidence is not None for c in cells)


def test_seal_text_is_not_read_as_the_document(scanned: Document):
    """Neither the red seal (removed by colour) nor the grey one (too light to be text) adds text."""
    assert "人民政府" not in _fold(scanned.text())


def test_a_pdf_with_a_partial_text_layer_is_ocrd_only_where_it_is_missing(scans: dict[str, Path], tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(pypdfium2.PdfDocument(scans["text"]), [0])
    mixed.import_pages(pypdfium2.PdfDocument(scans["scan"]), [1])
    mixed.save(tmp_path / "mixed.pdf")
    from jixiao.extractors.ocr import pages

    asked: list[list[int]] = []
    original = pages.ocr_pdf_pages
    monkeypatch.setattr(pages, "ocr_pdf_pages", lambda path, numbers, *a: asked.append(numbers) or original(
        path, numbers, *a))
    document = read_document(tmp_path / "mixed.pdf")
    assert asked == [[2]] and (document.read_method, document.n_pages) == ("mixed", 2)
    assert len(document.tables()) == 2 and "部门整体绩效目标" in document.text()  # page 1: its own text layer


def test_a_scanning_apps_stamp_text_does_not_hide_the_scan(scans: dict[str, Path], tmp_path: Path):
    """A page-sized image under a line of text (扫描全能王's stamp) is a scanned page: it is OCR'd."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from fixtures.pdf_writer import FONT

    pdf = canvas.Canvas(str(tmp_path / "stamped.pdf"), pagesize=A4)
    pdf.drawImage(ImageReader(str(scans["inbox"] / "南山镇" / "第2页.jpg")), 0, 0, width=A4[0], height=A4[1])
    pdf.setFont(FONT, 6)
    pdf.drawString(480, 10, "扫描全能王 创建")
    pdf.showPage()
    pdf.save()
    document = read_document(tmp_path / "stamped.pdf")
    assert document.read_method == "ocr" and document.tables()


def test_page_images_named_as_pages_are_one_document(scans: dict[str, Path]):
    folder = scans["inbox"] / "南山镇"
    (folder / "附件.jpg").write_bytes(scans["page1"].read_bytes())  # not named as a page: its own document
    files = discover_inbox(scans["inbox"])
    grouped = [f for f in files if f.pages]
    assert len(files) == 2 and len(grouped) == 1
    document = grouped[0]
    assert [p.name for p in document.pages] == ["第1页.jpg", "第2页.jpg"]
    assert document.source_path == "南山镇/第1页.jpg" and document.township == "南山镇"
    assert document.size_bytes == sum(p.stat().st_size for p in document.pages)
    (folder / "附件.jpg").unlink()


def test_red_seal_ink_is_removed_and_black_text_under_it_stays():
    page = np.full((60, 60, 3), 245, np.uint8)
    page[10:50, 28:32] = (40, 40, 200)  # a red stroke (BGR)
    page[28:32, 10:50] = (20, 20, 20)  # a black stroke crossing it
    gray = remove_red(page, ocr_settings().clean)
    assert gray[15, 30] > 200 and gray[30, 15] < 60 and gray[30, 30] < 60


@pytest.mark.parametrize("angle", [2.0, -3.5])
def test_skew_is_measured_and_undone(scans: dict[str, Path], angle: float):
    page = pypdfium2.PdfDocument(scans["text"])[0].render(scale=100 / 72, grayscale=True).to_numpy()
    page = page[..., 0] if page.ndim == 3 else page
    found = skew_angle(rotate(page, angle), ocr_settings().clean)
    assert abs(found + angle) <= 0.2


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims the given size (a decompression bomb is refused before decoding)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + \
        chunk(b"IEND", b"")


def test_a_giant_image_is_refused_before_it_is_decoded(tmp_path: Path):
    bomb = tmp_path / "1.png"
    bomb.write_bytes(_png_claiming(40_000, 40_000))
    with pytest.raises(ReadError) as error:
        read_document(bomb)
    assert error.value.code == "too_large" and "pixels" in str(error.value)


def test_a_blank_scan_fails_with_a_clear_code(tmp_path: Path):
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((400, 300), 250, np.uint8))
    with pytest.raises(ReadError) as error:
        read_document(blank)
    assert error.value.code == "no_text" and "no text" in str(error.value)


def test_one_reader_at_a_time_recognises_pages_and_then_makes_way(scans: dict[str, Path], tmp_path: Path):
    """The run's OCR turn (flows.runtime.guard): a reader waits while another holds it, and the child that
    recognised pages exits after that document, so its gigabyte is not kept for the next one."""
    import threading

    import filelock

    from jixiao.flows.runtime.guard import GuardedReader
    from jixiao.flows.inbox import file_sha256

    lock_path = tmp_path / "ocr.lock"
    held = filelock.FileLock(lock_path)
    held.acquire()  # another reader's turn
    results = []
    with GuardedReader(seconds=600, ocr_lock=lock_path) as reader:
        thread = threading.Thread(target=lambda: results.append(
            reader.read(scans["page1"], file_sha256(scans["page1"]), 2**26, [scans["page1"]])))
        thread.start()
        thread.join(timeout=6)
        assert thread.is_alive() and not results, "read a page while another reader had the turn"
        held.release()
        thread.join(timeout=300)
        assert results and results[0].status == "ok" and results[0].read_method == "ocr"
        assert reader._process is None, "the child that recognised pages was not replaced"
        assert filelock.FileLock(lock_path).acquire(timeout=5), "the turn was not given back"


def test_a_reader_asked_not_to_wait_puts_a_scan_back_while_another_has_the_turn(scans: dict[str, Path],
                                                                                 tmp_path: Path):
    """The read-ahead's children read other documents meanwhile (flows.runtime.ahead): OcrBusy, and the same
    child reads the next document."""
    import filelock

    from jixiao.flows.runtime.guard import GuardedReader, OcrBusy
    from jixiao.flows.inbox import file_sha256

    lock_path = tmp_path / "ocr.lock"
    held = filelock.FileLock(lock_path)
    held.acquire()
    with GuardedReader(seconds=600, ocr_lock=lock_path) as reader:
        with pytest.raises(OcrBusy):
            reader.read(scans["scan"], file_sha256(scans["scan"]), 2**26, defer_ocr=True)
        child = reader._process
        assert reader.read(scans["text"], file_sha256(scans["text"]), 2**26, defer_ocr=True).status == "ok"
        assert reader._process is child, "the child was replaced though it had read no page"
        held.release()
        assert reader.read(scans["scan"], file_sha256(scans["scan"]), 2**26, defer_ocr=True).read_method == "ocr"
