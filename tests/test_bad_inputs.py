"""The hostile-input matrix: every kind of bad file a district inbox receives, in one batch.

One flow run reads an inbox holding one good document and, for each supported format
(docx, pdf, txt), the hostile cases: empty, truncated, encrypted, wrong extension,
binary junk, over the size limit, a 10,000-row table, deep nesting, mixed encodings,
legacy formats, identical copies and documents with no target structure. Each file must
get its own `documents` row with a status and an error a clerk can act on, and the good
document's rows must be exactly what a run over it alone gives.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import get_args
from pathlib import Path

import docx
import pyarrow.parquet as pq
import pytest
from reportlab.pdfgen import canvas

from fixtures.bad import (
    write_empty,
    write_encrypted_docx,
    write_encrypted_pdf,
    write_junk,
    write_legacy_doc,
    write_legacy_xls,
    write_no_structure_docx,
    write_truncated_docx,
)
from fixtures.content import bank, make_indicator_row, make_township_document
from fixtures.records import TownshipDocument
from fixtures.docx_writer import write_docx
from fixtures.pdf_writer import FONT, write_pdf
from fixtures.txt_writer import render_txt, write_txt
from jixiao.extractors.legacy import find_soffice
from jixiao.flows.dataset import build_dataset
from jixiao.flows.extract import ExtractionCache, extract_file
from jixiao.flows.inbox import discover_inbox
from jixiao.model.errors import ErrorCode

MAX_BYTES = 4 * 2**20  # the run's --max-mb: above the 10,000-row text file (about 1 MB)
BIG_ROWS = {"docx": 10_000, "txt": 10_000, "pdf": 2_000}  # 10,000 PDF rows take a minute just to write
GOOD = "丰登坞 镇/2024年 部门整体绩效目标 (终稿).docx"  # spaces, Chinese and brackets in the path
NOTICE = ["关于召开2024年第一季度安全生产工作会议的通知", "各村委会、镇直各单位：",
          "经研究，定于下周一上午9时在镇政府三楼会议室召开安全生产工作会议，请准时参加。"]

Writer = Callable[[TownshipDocument, Path], None]


@dataclass(frozen=True)
class Case:
    path: str  # relative to the inbox
    write: Writer
    statuses: tuple[str, ...]  # acceptable documents.status
    says: tuple[str, ...] = ()  # words the error must contain (case-insensitive)


def _truncated(write: Writer) -> Writer:
    def cut(doc: TownshipDocument, path: Path) -> None:
        write(doc, path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 3 // 5])
    return cut


def _too_big(write: Writer) -> Writer:
    """A real document grown past the size limit (sparse: costs no disk)."""
    def grow(doc: TownshipDocument, path: Path) -> None:
        write(doc, path)
        with path.open("r+b") as fh:
            fh.truncate(MAX_BYTES + 2**20)
    return grow


def _big_table(write: Writer, n_rows: int) -> Writer:
    """One project whose indicator table has `n_rows` rows."""
    def big(doc: TownshipDocument, path: Path) -> None:
        rng = random.Random(n_rows)
        concepts = list(bank()["concepts"])
        project = doc.projects[0]
        project.indicators = [make_indicator_row(rng, concepts[i % len(concepts)], doc.year, doc.villages, False)
                              for i in range(n_rows)]
        doc.projects = [project]
        write(doc, path)
    return big


def _copy_of(source: str) -> Writer:
    def copy(doc: TownshipDocument, path: Path) -> None:
        shutil.copyfile(path.parents[1] / source, path)
    return copy


def _write_mixed_txt(doc: TownshipDocument, path: Path) -> None:
    """First half of the lines in UTF-8, the rest in GBK: two exports pasted into one file."""
    lines = render_txt(doc).splitlines(keepends=True)
    half = len(lines) // 2
    path.write_bytes("".join(lines[:half]).encode("utf-8") + "".join(lines[half:]).encode("gbk"))


def _write_damaged_txt(doc: TownshipDocument, path: Path) -> None:
    """UTF-8 text with one byte broken half-way (a bad copy): read, the broken character as U+FFFD."""
    data = bytearray(render_txt(doc).encode("utf-8"))
    data[len(data) // 2] = 0xFF
    path.write_bytes(bytes(data))


def _write_nested_docx(depth: int) -> Writer:
    """The document with one extra table holding a table holding a table … `depth` levels down."""
    def nested(doc: TownshipDocument, path: Path) -> None:
        write_docx(doc, path)
        document = docx.Document(str(path))
        cell = document.add_table(rows=1, cols=2).rows[0].cells[1]
        for level in range(depth):
            cell.paragraphs[0].text = f"附表{level}"
            cell = cell.add_table(rows=1, cols=2).rows[0].cells[1]
        document.save(str(path))
    return nested


def _write_notice_txt(doc: TownshipDocument, path: Path) -> None:
    path.write_text("\n".join(NOTICE) + "\n", encoding="utf-8")


def _write_notice_pdf(doc: TownshipDocument, path: Path) -> None:
    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.setFont(FONT, 12)
    for i, line in enumerate(NOTICE):
        pdf.drawString(60, 780 - 24 * i, line)
    pdf.showPage()
    pdf.save()


def _write_rtf(doc: TownshipDocument, path: Path) -> None:
    path.write_bytes(b"{\\rtf1\\ansi\\ansicpg936\\deff0 {\\fonttbl{\\f0 \\'cb\\'ce\\'cc\\'e5;}} "
                     + doc.unit_code.encode() + b"}")


# Without LibreOffice every legacy file must say what to install (CI installs it, so both paths are run).
_LEGACY_SAYS = () if find_soffice() else ("needs LibreOffice", "apt-get install")


def _legacy_wps(doc: TownshipDocument, path: Path) -> None:
    """A compound file like the .doc one, with other bytes (identical files are a case of their own)."""
    write_legacy_doc(doc, path)
    with path.open("ab") as fh:
        fh.write(doc.unit_code.encode())


WRITERS: dict[str, Writer] = {"docx": write_docx, "pdf": write_pdf, "txt": write_txt}
CASES: list[Case] = [
    Case("重复/副本 - 2024年部门整体绩效目标.docx", _copy_of(GOOD), ("failed",), ("identical", GOOD)),
    Case("格式/绩效目标.doc", write_legacy_doc, ("failed",), _LEGACY_SAYS or ("could not convert", ".docx")),
    Case("格式/绩效目标.wps", _legacy_wps, ("failed",), _LEGACY_SAYS or ("could not convert", ".docx")),
    Case("格式/绩效目标.rtf", _write_rtf, ("failed",), _LEGACY_SAYS or ("structure",)),  # converted: a bare number
    Case("格式/绩效目标表.xls", write_legacy_xls, ("failed",), ("damaged workbook", "no sheets")),
    Case("格式/导出.txt", _write_rtf, ("failed",), ("wrong extension", "rename it to .rtf")),
    Case("格式/绩效目标.odt", write_junk, ("failed",), ("unsupported", "OpenDocument text")),
    Case("加密/绩效目标（加密）.pdf", write_encrypted_pdf, ("failed",), ("encrypted",)),
    Case("加密/绩效目标（加密）.docx", write_encrypted_docx, ("failed",), ("password",)),
    Case("改名/绩效目标表.docx", write_pdf, ("failed",), ("wrong extension", "rename it to .pdf")),
    Case("改名/绩效目标.pdf", write_docx, ("failed",), ("wrong extension", "rename it to .docx")),
    Case("改名/绩效目标.txt", write_docx, ("failed",), ("wrong extension", "rename it to .docx")),
    Case("编码/目标（混合编码）.txt", _write_mixed_txt, ("partial",), ("UTF-8 and GBK",)),
    Case("编码/目标（坏字节）.txt", _write_damaged_txt, ("ok", "partial")),
    Case("嵌套/表中表.docx", _write_nested_docx(12), ("ok",)),
    Case("嵌套/表中表（过深）.docx", _write_nested_docx(100), ("failed",), ("nested too deeply",)),
    Case("截断/目标.docx", write_truncated_docx, ("failed",), ("truncated",)),
    Case("截断/目标.pdf", _truncated(write_pdf), ("failed",), ("truncated",)),
    Case("截断/目标.txt", _truncated(write_txt), ("ok", "partial")),  # best effort: the part that arrived
    Case("通知/会议通知.docx", write_no_structure_docx, ("failed",), ("structure",)),
    Case("通知/会议通知.pdf", _write_notice_pdf, ("failed",), ("structure",)),
    Case("通知/会议通知.txt", _write_notice_txt, ("failed",), ("structure",)),
]
for _ext, _write in WRITERS.items():
    CASES += [
        Case(f"空文件/空白.{_ext}", write_empty, ("failed",), ("empty",)),
        Case(f"乱码/乱码.{_ext}", write_junk, ("failed",), ("binary",) if _ext == "txt" else (f"not a {_ext}",)),
        Case(f"超大/超大.{_ext}", _too_big(_write), ("failed",), ("too large", "--max-mb")),
        Case(f"大表/万行表.{_ext}", _big_table(_write, BIG_ROWS[_ext]), ("ok",)),
    ]


def _document(seed: int) -> TownshipDocument:
    return make_township_document(random.Random(seed), f"测试{seed}镇", f"1302{seed:04d}", 2024, 3)


def _write_inbox(inbox: Path) -> None:
    (inbox / GOOD).parent.mkdir(parents=True)
    write_docx(_document(1), inbox / GOOD)
    for seed, case in enumerate(CASES, start=2):
        path = inbox / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        case.write(_document(seed), path)


def _table(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / "parquet" / f"{name}.parquet").to_pylist()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, prefect_harness) -> Path:
    """The output folder of one flow run over the whole hostile inbox (output path with a quote too)."""
    from jixiao.flows.district import run_district

    root = tmp_path_factory.mktemp("hostile")
    _write_inbox(root / "inbox")
    out = root / "输出 目录's"
    run_district(root / "inbox", out, workers=1, max_bytes=MAX_BYTES)
    return out


@pytest.fixture(scope="module")
def documents(batch: Path) -> dict[str, dict]:
    return {row["source_path"]: row for row in _table(batch, "documents")}


def test_every_file_gets_exactly_one_documents_row(documents: dict[str, dict]):
    assert sorted(documents) == sorted([GOOD] + [case.path for case in CASES])


@pytest.mark.parametrize("case", CASES, ids=[c.path for c in CASES])
def test_hostile_file_gets_a_clear_status_and_error(case: Case, documents: dict[str, dict]):
    row = documents[case.path]
    assert row["status"] in case.statuses, row["error"]
    if row["status"] == "failed":
        assert "—" in row["error"], f"the error must say what to do: {row['error']}"
        assert "maintainers" not in row["error"], f"an expected hostile case hit a reader bug: {row['error']}"
        assert row["error_code"] in get_args(ErrorCode), (row["error_code"], row["error"])
    for word in case.says:
        assert word.lower() in (row["error"] or "").lower(), (word, row["error"])


def test_good_document_rows_are_all_there(batch: Path, tmp_path: Path):
    """The good file's rows equal those of a run over the good file alone."""
    inbox = tmp_path / "inbox"
    (inbox / GOOD).parent.mkdir(parents=True)
    shutil.copyfile(batch.parent / "inbox" / GOOD, inbox / GOOD)
    alone = tmp_path / "out"
    files = discover_inbox(inbox)
    ExtractionCache(alone).put(extract_file(files[0].path, files[0].doc_id))
    build_dataset(files, alone)
    doc_id = files[0].doc_id
    for table in ("goals", "projects", "indicators"):
        expected = [r for r in _table(alone, table) if r["doc_id"] == doc_id]
        got = [r for r in _table(batch, table) if r["doc_id"] == doc_id]
        assert expected, f"the good document has {table}"
        assert got == expected, table
    good_row = next(r for r in _table(batch, "documents") if r["doc_id"] == doc_id)
    assert good_row["status"] == "ok" and good_row["source_path"] == GOOD


@pytest.mark.parametrize("ext", sorted(BIG_ROWS))
def test_big_table_keeps_every_row(ext: str, batch: Path, documents: dict[str, dict]):
    doc_id = documents[f"大表/万行表.{ext}"]["doc_id"]
    rows = [r for r in _table(batch, "indicators") if r["doc_id"] == doc_id and r["source"] == "table"]
    assert len(rows) == BIG_ROWS[ext]
    assert [r["row_no"] for r in rows] == sorted(r["row_no"] for r in rows)


def test_mixed_encoding_is_read_and_recorded(documents: dict[str, dict]):
    assert documents["编码/目标（坏字节）.txt"]["encoding"] == "utf-8"
    row = documents["编码/目标（混合编码）.txt"]
    assert row["encoding"] == "utf-8+gbk"
    assert row["n_projects"] == len(_document(CASES.index(_case("编码/目标（混合编码）.txt")) + 2).projects)


def test_nested_tables_do_not_hide_the_document(documents: dict[str, dict]):
    row = documents["嵌套/表中表.docx"]
    assert row["n_projects"] == len(_document(CASES.index(_case("嵌套/表中表.docx")) + 2).projects)


def test_failures_are_cached_so_a_rerun_does_not_read_them_again(batch: Path, documents: dict[str, dict]):
    cache = ExtractionCache(batch)
    failed = [row for row in documents.values() if row["status"] == "failed" and "identical" not in row["error"]]
    assert failed and all(cache.reusable(row["doc_id"]) for row in failed)


def _case(path: str) -> Case:
    return next(case for case in CASES if case.path == path)
