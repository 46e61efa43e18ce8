"""OCR pages per second on one core for a 200-dpi A4 page, where the time goes, and the text-layer
PDF reader's pages per second beside it.

    python benchmarks/bench_ocr.py [--pages N] [--repeat R] [--pdf SCAN.pdf] [--engine rapidocr] [--formats INBOX]

The page is a generated township document's page with a table, rendered at 200 dpi, stamped with
a red seal and turned 1.5° (fixtures/scan_writer.py), or the pages of a scanned PDF you name.
onnxruntime runs one thread (the reader's default: documents are read in parallel processes), and
OpenCV is held to one thread too, so the figure is per core. CPU seconds are process time.
The int8 recognition model is made first in an empty cache folder (a cost paid once per machine,
printed on its own line) and then used, as the reader does (dictionaries/ocr.yaml int8_recognition).
Then the formats sample (../shared/samples/formats/inbox, or --formats): each file's read + parse
CPU time and how it was read, and the whole `jixiao run` over it.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fixture generator (not installed)

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pypdfium2  # noqa: E402

from fixtures import make_township_document, write_pdf  # noqa: E402
from fixtures.scan_writer import RED, scan_pages  # noqa: E402
from jixiao.extractors.ocr.engine import ENGINES, model_paths  # noqa: E402
from jixiao.extractors.ocr.page import PageTimings, ocr_settings, read_page_image  # noqa: E402
from jixiao.extractors.ocr.quantize import int8_model  # noqa: E402
from jixiao.extractors.pdf import read_pdf  # noqa: E402

FORMATS = Path(__file__).resolve().parents[2] / "shared" / "samples" / "formats" / "inbox"


def _pages(pdf: Path | None, n: int, work: Path) -> tuple[list[np.ndarray], Path]:
    """BGR page images at the OCR resolution, and the text PDF they were made from."""
    text_pdf = work / "text.pdf"
    doc = make_township_document(random.Random(11), "南山镇", "13020899", 2024, 4)
    write_pdf(doc, text_pdf)
    if pdf is not None:
        document = pypdfium2.PdfDocument(pdf)
        scale = ocr_settings().dpi / 72
        images = [document[i].render(scale=scale).to_numpy()[..., :3].copy() for i in range(min(n, len(document)))]
        return images, text_pdf
    scans = scan_pages(text_pdf, [("南山镇人民政府", RED)] * n, [1.5] * n, dpi=ocr_settings().dpi)
    images = [cv2.cvtColor(np.asarray(page.convert("RGB")), cv2.COLOR_RGB2BGR) for page in scans[1:n + 1]]
    return images, text_pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="pages to OCR (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the pages (default 1)")
    parser.add_argument("--pdf", type=Path, help="a scanned PDF to take the pages from instead")
    parser.add_argument("--engine", choices=ENGINES, help="the OCR engine (default: dictionaries/ocr.yaml's)")
    parser.add_argument("--formats", type=Path, default=FORMATS,
                        help="a sample inbox to time file by file and as a whole run (default: the shared "
                             "formats sample, when it is there)")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    settings = ocr_settings()
    if args.engine:
        settings = dataclasses.replace(settings, engine=dataclasses.replace(settings.engine, engine=args.engine))
    rapidocr = settings.engine.engine == "rapidocr"
    with tempfile.TemporaryDirectory() as tmp:
        images, text_pdf = _pages(args.pdf, args.pages, Path(tmp))
        if rapidocr and settings.engine.int8:
            os.environ["JIXIAO_CACHE_DIR"] = str(Path(tmp) / "cache")
            cpu = time.process_time()
            model = int8_model(model_paths()["rec"], settings.engine.int8_min_agreement)
            print(f"int8 recognition model: made once in {time.process_time() - cpu:.1f} CPU s "
                  f"({'in use' if model.parent.name == 'cache' else 'FAILED, the float model is in use'})")
        read_page_image(images[0], 1, settings.dpi, settings)  # load the models outside the timing
        timings = PageTimings()
        cpu, wall = time.process_time(), time.perf_counter()
        n_chars = 0
        for _ in range(args.repeat):
            for number, image in enumerate(images, 1):
                n_chars += len(read_page_image(image, number, settings.dpi, settings, timings).chars)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        pages = timings.pages
        print(f"OCR ({settings.engine.engine}): {pages} pages of {images[0].shape[1]}x{images[0].shape[0]} px "
              f"({settings.dpi} dpi), {n_chars / pages:.0f} characters a page, "
              f"detection side {settings.engine.detection_side}")
        print(f"  {pages / cpu:.2f} pages/s per core ({cpu / pages:.2f} CPU s a page; wall {wall / pages:.2f} s)")
        steps = {"seal removal": timings.seal, "deskew": timings.deskew, "rules (grid)": timings.grid}
        if rapidocr:
            steps.update({"detection": timings.detection, "recognition": timings.recognition})
        else:  # one call finds and reads the lines
            steps["find+read"] = timings.recognition
        total = sum(steps.values()) or 1.0
        for name, seconds in steps.items():
            print(f"  {name:<13} {seconds / pages:6.3f} CPU s a page  {100 * seconds / total:5.1f}%")
        n_text = len(pypdfium2.PdfDocument(text_pdf))
        cpu = time.process_time()
        rounds = 5
        for _ in range(rounds):
            read_pdf(text_pdf)
        cpu = time.process_time() - cpu
        print(f"text-layer PDF reader: {rounds * n_text / cpu:.1f} pages/s per core ({n_text} pages, {rounds} reads)")
    if args.formats is not None and args.formats.is_dir():
        formats_run(args.formats)
    return 0


def formats_run(inbox: Path) -> None:
    """Each file of a sample inbox read + parsed (CPU s, how it was read), then the whole `jixiao run`
    over it (a fresh output folder; Prefect's server kept from an earlier run if there is one)."""
    from jixiao.extractors import read_document
    from jixiao.flows.inbox import discover_inbox, primary_copies
    from jixiao.parsing.structure import parse_document

    print(f"formats sample {inbox}:")
    for file in sorted(primary_copies(discover_inbox(inbox)).values(), key=lambda f: f.source_path):
        cpu = time.process_time()
        document = read_document(file.path, pages=file.pages)
        parse_document(document)
        print(f"  {file.source_path:<48} {document.format:>5} {document.read_method or '':<11} "
              f"{document.n_pages or '':>3} pages  {time.process_time() - cpu:6.2f} CPU s")
    with tempfile.TemporaryDirectory() as out:
        wall = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", out],
                              capture_output=True, text=True)
        wall = time.perf_counter() - wall
    status = "ok" if done.returncode == 0 else f"FAILED ({done.returncode}): {done.stderr.strip()[-300:]}"
    print(f"  whole run (jixiao run, fresh output folder): {wall:.1f} s wall — {status}")


if __name__ == "__main__":
    raise SystemExit(main())
