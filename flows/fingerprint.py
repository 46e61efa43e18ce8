"""What a published dataset was built from, so a re-run over the same inputs can keep it as it is.

The dataset is a function of the inbox (every file's doc_id, path, township, manifest fields and
modification time — the time decides which of two versions is newer), the dictionaries, jixiao's
own code and the run's options that change rows (--year, --max-mb). Their hash is written beside
the published tables (`OUT/inputs.json`, published in the same atomic swap), with the run's summary.
A run whose inputs hash the same finds nothing to do and says so without starting Prefect.

Only a dataset whose every document has a final result is fingerprinted: a document the next run
must try again (a scan before OCR was installed, a reader crash, a file that vanished mid-read) leaves
no fingerprint, so the next run rebuilds. Light on purpose: the CLI imports it before Prefect.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
from pathlib import Path
from typing import Any

from jixiao.dictionaries import dictionary_cache, dictionary_dir
from jixiao.flows.inbox import InboxFile, portable_path

FINGERPRINT_FILE = "inputs.json"
FORMAT = 2  # bump when what the fingerprint covers changes
# Every installed package of jixiao (pyproject's package-dir): any code change rebuilds.
CODE_PACKAGES = ("jixiao", "jixiao.extractors", "jixiao.normalizers", "jixiao.flows", "jixiao.dictionaries")


@dictionary_cache
def code_version() -> str:
    """A hash of every .py file of jixiao (path and bytes), computed once per process."""
    digest = hashlib.sha256()
    for name in CODE_PACKAGES:
        folder = Path(importlib.import_module(name).__file__).parent
        for path in sorted(folder.rglob("*.py")):
            digest.update(f"{name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def dictionaries_version() -> str:
    """A hash of every file in the dictionaries folder in use (JIXIAO_DICTIONARIES or the bundled one)."""
    digest = hashlib.sha256()
    folder = dictionary_dir()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")):
        digest.update(f"{path.relative_to(folder).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _file_key(inbox: Path, file: InboxFile) -> dict[str, Any]:
    """Paths relative to the inbox (the CLI discovers it as given, the flow as an absolute path; the
    header holds the inbox itself), as JSON can hold them: never resolved (a link looping on itself
    was classified by the walk and must not raise here), a GBK name as its bytes (portable_path)."""
    record = dataclasses.asdict(file)
    record["path"] = portable_path(file.path.relative_to(inbox))
    record["pages"] = [portable_path(p.relative_to(inbox)) for p in file.pages]
    return record


def inputs_fingerprint(inbox: Path, files: list[InboxFile], year: int | None, max_bytes: int) -> str:
    """The hash of everything the dataset is built from (see the module docstring)."""
    digest = hashlib.sha256()
    header = {"format": FORMAT, "inbox": portable_path(Path(os.path.realpath(inbox))), "year": year, "max_bytes": max_bytes,
              "code": code_version(), "dictionaries": dictionaries_version()}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for record in sorted((_file_key(inbox, f) for f in files), key=lambda r: (r["source_path"], r["doc_id"])):
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def write_fingerprint(path: Path, fingerprint: str, summary: dict[str, Any]) -> None:
    """Beside the staged tables: the hash and the summary a no-change run reports."""
    path.write_text(json.dumps({"fingerprint": fingerprint, "summary": summary}, ensure_ascii=False),
                    encoding="utf-8")


def unchanged_summary(out: Path, fingerprint: str) -> dict[str, Any] | None:
    """The published run's summary when the published dataset was built from exactly these inputs, else None."""
    try:
        published = json.loads((out / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none yet, an older layout, or unreadable: rebuild
    if not isinstance(published, dict) or published.get("fingerprint") != fingerprint:
        return None
    if not (out / "district.duckdb").exists() or not (out / "parquet").is_dir():
        return None
    summary = published.get("summary")
    return summary if isinstance(summary, dict) else None
