"""The flow on a real Dask cluster (scheduler + 2 worker processes) gives the same tables as a local run."""

from __future__ import annotations

import shutil
from pathlib import Path

import distributed
import pytest

from tests.conftest import FIXTURES, published_tables


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local_cluster:
        yield local_cluster


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """Every fixture format, good and bad, one township folder per file."""
    inbox = tmp_path / "inbox"
    for path in sorted(FIXTURES.glob("*")) + sorted((FIXTURES / "bad").glob("*")):
        if path.is_file() and path.suffix != ".json":
            township = inbox / path.name.replace(".", "_")
            township.mkdir(parents=True)
            shutil.copy(path, township / path.name)
    return inbox


def test_dask_cluster_gives_the_local_tables(prefect_harness, cluster, inbox: Path, tmp_path: Path):
    from jixiao.flows.district import read_submissions, run_district

    on_dask = run_district(inbox, tmp_path / "dask", workers=2, runner="dask", address=cluster.scheduler_address)
    local = run_district(inbox, tmp_path / "local", workers=1)

    read_on_workers = cluster.scheduler.task_prefixes.get(read_submissions.fn.__name__)
    assert read_on_workers is not None, "no reading task reached the Dask scheduler"
    assert 0 < read_on_workers.state_counts["memory"] <= on_dask.n_read  # one task per document or batch
    assert on_dask.n_read == local.n_read
    assert on_dask.n_documents == local.n_documents
    dask_tables, local_tables = published_tables(tmp_path / "dask"), published_tables(tmp_path / "local")
    for table, rows in local_tables.items():
        assert dask_tables[table] == rows, f"{table} differs between the Dask and the local run"
    assert dask_tables["indicators"]
