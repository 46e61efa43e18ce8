"""The workbook as a bureau prints it: LibreOffice turns it into a PDF, and the PDF is read back — page by
page, the sheet its footer names, the header row repeated on every page, landscape A4 or A3, and no
character under 8 pt (pdfplumber reads each character's size). The 绩效指标 sheet prints the columns a
reviewer reads, one page wide; every column is on the sheet after it, for filtering."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from jixiao.analysis.export import HEADER_WRAP_WIDTH, display_width, export_xlsx, sheet_layout
from jixiao.analysis.sheets import export_settings

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FOOTER = re.compile(r"(\S+)\s+第 (\d+) 页，共 (\d+) 页\s*$")  # the footer line, the page's last
A4_A3_LANDSCAPE = {(842, 595), (1191, 842)}  # points, rounded
MIN_PT = 8.0


def _compact(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def printed(example_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, float, tuple]]:
    """Per printed page: its sheet, its text, its smallest character size and its size in points."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    tmp = tmp_path_factory.mktemp("print")
    xlsx = tmp / "district.xlsx"
    export_xlsx(example_dataset, xlsx)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(xlsx)], check=True, capture_output=True, timeout=300)
    pages = []
    with pdfplumber.open(tmp / "district.pdf") as pdf:
        for index, page in enumerate(pdf.pages):
            text = page.extract_text() or ""
            footer = FOOTER.search(text)
            assert footer, f"page {index + 1} has no footer: {text[-80:]!r}"
            assert int(footer.group(2)) == index + 1 and int(footer.group(3)) == len(pdf.pages)
            sheet = footer.group(1)
            pages.append((sheet, text, min(c["size"] for c in page.chars), (round(page.width), round(page.height))))
    return pages


def _short(headers: list[str]) -> list[str]:
    """Headers that print on one line (long ones wrap, their lines interleave in the text)."""
    return [h for h in headers if display_width(h) <= HEADER_WRAP_WIDTH]


def test_no_printed_page_has_text_under_8_points_and_each_is_landscape_a4_or_a3(printed) -> None:
    for number, (sheet, _, smallest, size) in enumerate(printed, start=1):
        assert smallest >= MIN_PT, f"page {number} ({sheet}): text of {smallest:.1f} pt"
        assert size in A4_A3_LANDSCAPE, f"page {number} ({sheet}) is {size} points"


def test_every_sheet_prints_in_order_with_its_header_on_every_page(printed) -> None:
    last = set(export_settings().get("last_columns") or [])
    reviewer = export_settings().get("printed_columns") or {}
    sheets = {export_settings()["summary"]["sheet"]: list(export_settings()["summary"]["headers"].values())}
    for table, (sheet, headers) in sheet_layout().items():
        if table in reviewer:
            sheets[reviewer[table]["sheet"]] = [headers[c] for c in reviewer[table]["columns"]]
        sheets[sheet] = [h for c, h in headers.items() if c not in last]
    seen = []
    for sheet, text, _, _ in printed:
        first = _short(sheets[sheet])[0]
        assert _compact(first) in _compact(text), f"a page of {sheet} lacks the header {first}"
        if not seen or seen[-1] != sheet:
            seen.append(sheet)
    assert seen == [s for s in sheets if s in seen] and set(seen) == set(sheets), "each sheet printed once, in order"
    assert len(printed) > len(sheets), "a long sheet went on to a second page (where its header is repeated)"


def test_the_indicator_sheet_prints_the_reviewers_columns_one_page_wide(printed) -> None:
    every, headers = sheet_layout()["indicators"]
    spec = export_settings()["printed_columns"]["indicators"]
    sheet = spec["sheet"]
    reviewer = [headers[c] for c in spec["columns"]]
    assert len(headers) > 3 * len(reviewer)
    hidden = [h for c, h in headers.items() if c not in spec["columns"] and display_width(h) >= 6]
    pages = [text for s, text, _, _ in printed if s == sheet]
    assert pages
    for text in pages:
        for header in (_short(reviewer)[0], _short(reviewer)[-1]):
            assert _compact(header) in _compact(text), f"a page of {sheet} lacks {header}: not one page wide"
        assert not [h for h in hidden if _compact(h) in _compact(text)], "columns beyond the reviewer's are printed"
    full = [text for s, text, _, _ in printed if s == every]
    assert full and any(_compact(h) in _compact("".join(full)) for h in hidden), "every column is on the second sheet"
