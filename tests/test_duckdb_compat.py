"""district.duckdb opens in DuckDB 1.0 and later, not only in the version that wrote it."""

from __future__ import annotations

import json
import os
import struct
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jixiao.model.schema import TABLES

REPO = Path(__file__).resolve().parents[1]
# .ci/run installs DuckDB 1.1 into a venv of its own; elsewhere point JIXIAO_OLD_DUCKDB_PYTHON at one.
OLD_PYTHON = Path(os.environ.get("JIXIAO_OLD_DUCKDB_PYTHON", REPO / ".venv-duckdb11" / "bin" / "python"))
V1_0_STORAGE = 64  # the version number in the file header that DuckDB 1.0 … 1.1 read


def test_written_in_the_v1_0_storage_format(example_dataset: Path) -> None:
    header = (example_dataset / "district.duckdb").read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert struct.unpack("<Q", header[12:20])[0] == V1_0_STORAGE


@pytest.mark.skipif(not OLD_PYTHON.exists(), reason=f"no DuckDB 1.1 venv at {OLD_PYTHON} (.ci/run makes one)")
def test_duckdb_1_1_reads_every_table(example_dataset: Path) -> None:
    done = subprocess.run([str(OLD_PYTHON), str(REPO / "scripts" / "check_duckdb_compat.py"),
                           str(example_dataset / "district.duckdb")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["duckdb"].startswith("1.1.")
    expected = {name: pq.read_metadata(example_dataset / "parquet" / f"{name}.parquet").num_rows for name in TABLES}
    assert {name: report["tables"].get(name) for name in TABLES} == expected  # (views such as current_* too)
    assert expected["indicators"] > 0
