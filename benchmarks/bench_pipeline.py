"""Time the whole pipeline against a bare read of the same files, and write the figures to README.md.

    python benchmarks/bench_pipeline.py [--sizes 100 1000] [--scans 3] [--corpus-dir DIR] [--seed 7] [--no-readme]
    python benchmarks/bench_pipeline.py --ratio INBOX     # only the overhead ratio, on an inbox of your own

Run from the repository root with the project's Python. First the fixed cost of a small run (a cold
`jixiao run` of the shared sample inbox and of an empty inbox, timed as bench_startup.py does) and
OCR pages/s per core beside the text-layer PDF reader's (bench_ocr.py's own output). Then, for each size,

1. generates a synthetic inbox with the fixture generator (docx / PDF / txt mix, no hostile files),
   cached under --corpus-dir so re-runs reuse it; at 1,000 documents and more, --scans of its text
   PDFs also get their first page rendered as a scan (image-only PDFs, read by OCR), each in a township folder of its own;
2. times a BASELINE in this one process: python-docx (paragraph texts + every table cell's text),
   pdfplumber (`extract_tables()` + `extract_text()` per page), a plain read for txt — nothing else;
3. times jixiao's own readers (`jixiao.extractors.read_document`) and structure parser per file, by format;
4. runs `python -m jixiao.cli run INBOX --out OUT`: cold with no Prefect server (the run starts and keeps
   one), unchanged ("nothing changed"), after a dictionary changed (re-normalized, nothing re-read), and
   cold again into a fresh OUT with the kept server; polling the RSS and PSS of the run's processes.

The OVERHEAD RATIO is the cold run's wall time over the baseline's (target ≤ 0.6 on two cores, peak PSS
≤ 1 GiB at 1,000 documents); the UNCHANGED SPEED-UP the cold run's over the unchanged re-run's (≥ 20).
The baseline excludes interpreter start and imports; the run includes them and Prefect's API server.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pdfplumber
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_startup import prepare_prefect_database, timed
from jixiao.extractors import SUPPORTED_SUFFIXES, read_document
from jixiao.flows.runtime.kept_api import find_kept_api, stop_kept_api
from jixiao.parsing.structure import parse_document

README = REPO / "benchmarks" / "README.md"
BEGIN, END = "<!-- bench_pipeline:begin -->", "<!-- bench_pipeline:end -->"
CHANGED_DICTIONARY = REPO / "dictionaries" / "indicators.yaml"  # normalization only: nothing is read again
FORMATS = ("docx", "pdf", "txt")
GIB = 1024**3
SCANS_FROM = 1000  # corpora of this size and more get --scans scanned documents
SAMPLES = REPO.parent / "shared" / "samples" / "inbox"


@dataclass
class FormatTimes:
    """Documents, pages and seconds spent per format."""

    documents: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pages: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, fmt: str, seconds: float, pages: int = 0) -> None:
        self.documents[fmt] += 1
        self.pages[fmt] += pages
        self.seconds[fmt] += seconds

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


@dataclass
class RunFigures:
    wall: float
    cpu: float
    peak_rss: int
    peak_pss: int
    peak_rss_one: int
    read_now: int
    n_documents: int
    unchanged: bool = False  # the run said "nothing changed" and kept the published dataset


def corpus(root: Path, size: int, seed: int, scans: int = 0) -> Path:
    """The cached inbox of `size` documents (and `scans` scanned ones), generated on first use (into a
    scratch folder, then renamed)."""
    inbox = root / (f"inbox-{size}-seed{seed}" + (f"-scans{scans}" if scans else ""))
    if inbox.is_dir():
        return inbox
    scratch = root / f".{inbox.name}.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"generating {size} documents into {inbox} …", flush=True)
    subprocess.run([sys.executable, "-m", "fixtures.generate", "inbox", str(scratch), "--documents", str(size),
                    "--seed", str(seed), "--no-bad"], cwd=REPO, check=True)
    add_scans(scratch, scans)
    scratch.rename(inbox)
    return inbox


def add_scans(inbox: Path, n: int) -> None:
    """Render the first page of the first `n` text PDFs as one-page scans (seal, slight skew, JPEG), each in a
    township folder of its own (a whole 6-page scan costs about a minute of OCR on this loaded machine)."""
    from fixtures.scan_writer import RED, scan_pages, write_scanned_pdf

    for index, pdf in enumerate(sorted(inbox.rglob("*.pdf"))[:n]):
        images = scan_pages(pdf, [(f"{pdf.parent.name}人民政府", RED)], [1.0])
        folder = inbox / f"{pdf.parent.name}扫描件{index + 1}"
        folder.mkdir()
        write_scanned_pdf(images[:1], folder / "绩效目标扫描件.pdf")


def inbox_files(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)


def baseline(files: list[Path]) -> tuple[FormatTimes, float, float]:
    """The bare read, in this process: (per-format times, wall seconds, CPU seconds)."""
    times = FormatTimes()
    wall, cpu = time.perf_counter(), time.process_time()
    for path in files:
        fmt = SUPPORTED_SUFFIXES[path.suffix.lower()]
        start = time.perf_counter()
        pages = 0
        if fmt == "docx":
            document = docx.Document(str(path))
            _ = [p.text for p in document.paragraphs]
            _ = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        elif fmt == "pdf":
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_tables()
                    page.extract_text()
                    pages += 1
        else:
            path.read_bytes()
        times.add(fmt, time.perf_counter() - start, pages)
    return times, time.perf_counter() - wall, time.process_time() - cpu


def readers(files: list[Path]) -> tuple[FormatTimes, FormatTimes]:
    """jixiao's readers and structure parser per file, in this process: (read times, parse times)."""
    read, parse = FormatTimes(), FormatTimes()
    for path in files:
        fmt = SUPPORTED_SUFFIXES[path.suffix.lower()]
        start = time.perf_counter()
        document = read_document(path)
        middle = time.perf_counter()
        parse_document(document)
        pages = document.n_pages or 0
        read.add(fmt, middle - start, pages)
        parse.add(fmt, time.perf_counter() - middle, pages)
    return read, parse


def no_kept_server() -> None:
    """Stop the Prefect API server an earlier run kept, so the next run starts its own."""
    kept = stop_kept_api()
    if kept is not None:
        try:
            psutil.Process(kept.pid).wait(timeout=30)
        except psutil.NoSuchProcess:
            pass


def jixiao_run(inbox: Path, out: Path) -> RunFigures:
    """`python -m jixiao.cli run` as a subprocess: wall and CPU time, peak memory of its process tree
    and of the Prefect server it reports to (a server kept from an earlier run is not in the tree)."""
    env = {**os.environ, "COLUMNS": "200"}
    kept = find_kept_api()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out)],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peaks = [0, 0, 0]
    watcher = threading.Thread(target=_watch_memory, args=(process.pid, peaks, kept.pid if kept else None),
                               daemon=True)
    watcher.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - start
    watcher.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"jixiao run failed ({process.returncode}):\n{output}")
    counts = re.search(r"documents\s*│\s*(\d+) .*read now (\d+)", output)
    if counts is None:
        raise SystemExit(f"no run summary in the output:\n{output}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return RunFigures(wall, cpu, peaks[0], peaks[1], peaks[2], int(counts[2]), int(counts[1]),
                      unchanged="nothing changed" in output)


def _watch_memory(pid: int, peaks: list[int], server: int | None = None) -> None:
    """Poll the memory of the process and all its descendants (and of `server`): peaks of the RSS sum, of
    the PSS sum (shared pages counted once) and of the largest single RSS."""
    try:
        root = psutil.Process(pid)
        extra = [psutil.Process(server)] if server is not None else []
    except psutil.NoSuchProcess:
        return
    while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
        rss, pss = [], []
        try:
            for proc in [root, *root.children(recursive=True), *extra]:
                try:
                    memory = proc.memory_full_info()
                except psutil.NoSuchProcess:
                    continue
                rss.append(memory.rss)
                pss.append(memory.pss)
        except psutil.NoSuchProcess:
            break
        if rss:
            peaks[0] = max(peaks[0], sum(rss))
            peaks[1] = max(peaks[1], sum(pss))
            peaks[2] = max(peaks[2], max(rss))
        time.sleep(0.25)  # reading every process's memory map costs CPU: polled 4 times a second


def changed_dictionary_run(inbox: Path, out: Path) -> RunFigures:
    """A run after a dictionary file changed (a comment appended, then the exact bytes restored)."""
    original = CHANGED_DICTIONARY.read_bytes()
    edited = original + b"\n# bench_pipeline: dictionary changed\n"
    CHANGED_DICTIONARY.write_bytes(edited)
    try:
        return jixiao_run(inbox, out)
    finally:
        if CHANGED_DICTIONARY.read_bytes() == edited:  # never undo someone else's edit made meanwhile
            CHANGED_DICTIONARY.write_bytes(original)


def rate(count: float, seconds: float) -> str:
    return f"{count / seconds:,.1f}" if seconds > 0 and count else "—"


def bench(size: int, root: Path, seed: int, scans: int) -> list[str]:
    """Run every measurement for one corpus size; return its Markdown lines (also printed)."""
    scans = scans if size >= SCANS_FROM else 0
    inbox = corpus(root, size, seed, scans)
    files = inbox_files(inbox)
    print(f"\n== {size} documents: {inbox} ({len(files)} files)", flush=True)
    base, base_wall, base_cpu = baseline(files)
    print(f"baseline: {base_wall:.1f} s wall, {base_cpu:.1f} s CPU", flush=True)
    read, parse = readers(files)
    print(f"jixiao readers: {read.total_seconds:.1f} s, parser: {parse.total_seconds:.1f} s", flush=True)
    out, out_kept = (Path(tempfile.mkdtemp(prefix=f"jixiao-bench-out-{size}-")) for _ in range(2))
    try:
        no_kept_server()
        cold = jixiao_run(inbox, out)
        print(f"cold run (starts Prefect's server): {cold.wall:.1f} s", flush=True)
        warm = jixiao_run(inbox, out)
        print(f"unchanged re-run: {warm.wall:.1f} s", flush=True)
        changed = changed_dictionary_run(inbox, out)
        print(f"dictionary-changed run: {changed.wall:.1f} s", flush=True)
        kept = jixiao_run(inbox, out_kept)
        print(f"cold run (server kept from the earlier runs): {kept.wall:.1f} s", flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out_kept, ignore_errors=True)

    mix = ", ".join(f"{base.documents[f]} {f}" for f in FORMATS) + (f" (of them {scans} scanned: OCR)" if scans else "")
    lines = [f"### {size} documents ({len(files)} files: {mix}; {base.pages['pdf']} PDF pages)", "",
             ("| per format | baseline docs/s | baseline pages/s | jixiao read docs/s | jixiao read pages/s "
              "| jixiao read+parse docs/s |"),
             "|---|---:|---:|---:|---:|---:|"]
    for fmt in FORMATS:
        both = read.seconds[fmt] + parse.seconds[fmt]
        lines.append(f"| {fmt} | {rate(base.documents[fmt], base.seconds[fmt])} "
                     f"| {rate(base.pages[fmt], base.seconds[fmt])} | {rate(read.documents[fmt], read.seconds[fmt])} "
                     f"| {rate(read.pages[fmt], read.seconds[fmt])} | {rate(read.documents[fmt], both)} |")
    lines += ["", ("| whole inbox | wall s | CPU s | peak memory of the process tree: RSS sum / PSS sum "
                   "(largest process) | read now / documents |"),
              "|---|---:|---:|---:|---:|",
              f"| baseline (one process) | {base_wall:.1f} | {base_cpu:.1f} | — | {len(files)} / {len(files)} |"]
    for name, run in (("`jixiao run` cold, starting Prefect's server", cold),
                      ("`jixiao run` again, nothing changed", warm),
                      ("`jixiao run` after a dictionary change", changed),
                      ("`jixiao run` cold (fresh output), server kept from a run before", kept)):
        lines.append(f"| {name} | {run.wall:.1f} | {run.cpu:.1f} | {run.peak_rss / GIB:.2f} / "
                     f"{run.peak_pss / GIB:.2f} GiB ({run.peak_rss_one / GIB:.2f} GiB) "
                     f"| {run.read_now} / {run.n_documents} |")
    speedup = cold.wall / warm.wall
    lines.append("")
    for name, run in (("starting Prefect's server", cold), ("server kept from a run before", kept)):
        ratio = run.wall / base_wall
        verdict = "meets" if ratio <= 0.6 and run.peak_pss <= GIB else "misses"
        lines += [(f"**Overhead ratio, {name}** (cold run wall / baseline wall): **{ratio:.2f}** "
                   f"(CPU: {run.cpu / base_cpu:.2f}); peak memory {run.peak_rss / GIB:.2f} GiB RSS, "
                   f"{run.peak_pss / GIB:.2f} GiB PSS — {verdict} the target (≤ 0.6, ≤ 1 GiB PSS)."), ""]
    # The issue sets this target on a 1,000-document inbox: at 100 the cold run is a few seconds, and the
    # re-run's fixed cost (interpreter, discovery) dominates the ratio.
    judged = ("meets" if speedup >= 20 else "misses") + " the target (≥ 20×)" if cold.n_documents >= 1000 else \
        "the target (≥ 20×) is set at 1,000 documents"
    lines += [(f"**Unchanged re-run speed-up** (cold run wall / nothing-changed re-run wall): **{speedup:.1f}×** "
               f"(CPU: {cold.cpu / warm.cpu:.1f}×) — {judged}."), ""]
    if not warm.unchanged:
        lines.append("WARNING: the re-run over the unchanged inbox did not say \"nothing changed\".")
    if warm.read_now or changed.read_now:
        lines.append(f"WARNING: documents were re-read (unchanged {warm.read_now}, dictionary change {changed.read_now}).")
    print("\n".join(lines), flush=True)
    return lines


def fixed_costs() -> list[str]:
    """A small run's fixed cost: cold runs (fresh output, nothing cached) of the sample inbox and of an
    empty one, when the run starts Prefect's server and when an earlier run kept it."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    lines = ["### Start-up (a cold `jixiao run`: fresh output folder)", "",
             "| inbox | Prefect's server | wall s | CPU s of the run |", "|---|---|---:|---:|"]
    empty = Path(tempfile.mkdtemp(prefix="jixiao-empty-inbox-"))
    for name, inbox in ((f"shared sample ({sum(1 for p in SAMPLES.rglob('*') if p.is_file())} files)", SAMPLES),
                        ("empty", empty)):
        if not inbox.is_dir():
            continue
        no_kept_server()
        for server in ("started by the run", "kept from a run before", "kept from a run before"):
            out = Path(tempfile.mkdtemp(prefix="jixiao-bench-out-"))
            wall, cpu = timed([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(out)], env)
            shutil.rmtree(out, ignore_errors=True)
            lines.append(f"| {name} | {server} | {wall:.1f} | {cpu:.1f} |")
            print(lines[-1], flush=True)
    shutil.rmtree(empty, ignore_errors=True)
    return [*lines, "", "Pieces (imports, server start, with a running server): `benchmarks/bench_startup.py`.", ""]


def ocr_rates() -> list[str]:
    """bench_ocr.py's figures as it prints them: OCR pages/s per core beside the text-layer PDF reader's."""
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_ocr.py"), "--pages", "2"], cwd=REPO,
                          capture_output=True, text=True)
    if done.returncode != 0:
        return ["### OCR", "", f"bench_ocr.py failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}", ""]
    print(done.stdout, flush=True)
    return ["### OCR beside the text layer (`python benchmarks/bench_ocr.py --pages 2`)", "", "```",
            *done.stdout.rstrip().splitlines(), "```", ""]


def write_readme(command: str, started: str, load: tuple[float, float, float], sections: list[str]) -> None:
    """Replace the figures between the markers in benchmarks/README.md (the rest is hand-written)."""
    loads = ", ".join(f"{x:.1f}" for x in load)
    block = [BEGIN, (f"Measured {started} on {os.cpu_count()} cores "
                     f"(load average before the run: {loads}) with:"), "", "```", command, "```", "", *sections, END]
    text = README.read_text(encoding="utf-8") if README.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text = f"{text.rstrip()}\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    README.write_text(head + "\n".join(block) + tail, encoding="utf-8")


def ratio_only(inbox: Path) -> None:
    """The overhead ratio on an inbox of your own (e.g. a held-back generated corpus), printed only:
    the bare read, then a cold run with no kept server, then one with the server it kept."""
    prepare_prefect_database(dict(os.environ))
    files = inbox_files(inbox)
    _, base_wall, _ = baseline(files)
    print(f"baseline: {base_wall:.1f} s for {len(files)} files")
    no_kept_server()
    for label in ("no kept server (the run starts one)", "server kept from the run before"):
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-out-") as out:
            run = jixiao_run(inbox, Path(out))
        print(f"{label}: {run.wall:.1f} s, ratio {run.wall / base_wall:.2f}; peak RSS {run.peak_rss / GIB:.2f} GiB, "
              f"PSS {run.peak_pss / GIB:.2f} GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratio", type=Path, metavar="INBOX", help="only the overhead ratio on this inbox")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--corpus-dir", type=Path, default=Path(tempfile.gettempdir()) / "jixiao-bench")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scans", type=int, default=3, help=f"scanned documents added at {SCANS_FROM:,}+ documents")
    parser.add_argument("--no-fixed", action="store_true", help="skip the start-up and OCR figures")
    parser.add_argument("--no-readme", action="store_true", help="print the figures only")
    args = parser.parse_args()
    if args.ratio is not None:
        ratio_only(args.ratio)
        return
    args.corpus_dir.mkdir(parents=True, exist_ok=True)
    prepare_prefect_database(dict(os.environ))
    command = "python benchmarks/bench_pipeline.py " + " ".join(sys.argv[1:])
    started, load = time.strftime("%Y-%m-%d %H:%M"), os.getloadavg()
    sections = [] if args.no_fixed else [*fixed_costs(), *ocr_rates()]
    sections += [line for size in args.sizes for line in bench(size, args.corpus_dir, args.seed, args.scans)]
    sections.append(f"Load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}.")
    print(sections[-1])
    if not args.no_readme:
        write_readme(command.strip(), started, load, sections)
        print(f"figures written to {README.relative_to(REPO)}")


if __name__ == "__main__":
    main()
