"""The workbook as a bureau prints it: LibreOffice turns it into a PDF in which every page of every sheet
holds the sheet's first and last printed column (one page wide, never split sideways) under the header
row (repeated on every page)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from jixiao.analysis.export import HEADER_WRAP_WIDTH, display_width, export_xlsx, sheet_layout
from jixiao.analysis.sheets import export_settings

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FOOTER = re.compile(r"^(\S+)\u3000第 (\d+) 页，共 (\d+) 页")


def _compact(text: str) -> str:
    return "".join(text.split())


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_every_printed_page_is_one_sheet_wide_with_its_header(example_dataset: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "district.xlsx"
    export_xlsx(example_dataset, xlsx)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                   check=True, capture_output=True, timeout=300)
    last = set(export_settings().get("last_columns") or [])
    printed = {"汇总": list(export_settings()["summary"]["headers"].values())}
    for sheet, headers in sheet_layout().values():
        printed[sheet] = [h for column, h in headers.items() if column not in last]
    # Long headers wrap inside their cell (their lines interleave in the text): check the short ones.
    edges = {sheet: [next(h for h in headers if display_width(h) <= HEADER_WRAP_WIDTH),
                     next(h for h in reversed(headers) if display_width(h) <= HEADER_WRAP_WIDTH)]
             for sheet, headers in printed.items()}

    pdf = pdfium.PdfDocument(tmp_path / "district.pdf")
    seen = []
    for index in range(len(pdf)):
        text = pdf[index].get_textpage().get_text_range()
        footer = FOOTER.match(text)
        assert footer, f"page {index + 1} has no footer: {text[:80]!r}"
        sheet = footer.group(1)
        assert int(footer.group(2)) == index + 1 and int(footer.group(3)) == len(pdf)
        for header in edges[sheet]:
            assert _compact(header) in _compact(text), f"page {index + 1} ({sheet}) lacks the header {header}"
        if not seen or seen[-1] != sheet:
            seen.append(sheet)
    assert seen == list(printed), "every sheet printed, in order, each on its own run of pages"
    assert len(pdf) > len(printed), "a long sheet went on to a second page (where its header is repeated)"
