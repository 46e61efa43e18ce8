"""Write the consolidated dataset: `DIR/parquet/<table>.parquet` and `DIR/district.duckdb`.

Rows stream into Parquet files in a staging folder (the corpus is never held in
memory), DuckDB is built from those files, and only then are the finished files
moved into place with atomic renames. A run killed at any point leaves the previous
dataset as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import filelock
import pyarrow as pa
import pyarrow.parquet as pq

from jixiao.model.schema import TABLES, VIEWS, to_arrow

DB_NAME = "district.duckdb"
# The storage format district.duckdb is written in: v1.0.0 opens in every DuckDB from 1.0 on (the CLI,
# DBeaver, an analyst's older Python), where the writer's newest format opens only in its own version.
STORAGE_VERSION = "v1.0.0"


class StoreError(Exception):
    """The output folder cannot be written or read; the message says why."""


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Only one run may write an output folder at a time (an OS file lock: released if the run dies)."""
    out.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(out / ".lock")
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout as exc:
        raise StoreError(f"another jixiao run is writing to {out}; wait for it to finish") from exc
    try:
        yield
    finally:
        lock.release()


class DatasetWriter:
    """Stage all five tables, then publish them together."""

    def __init__(self, out: Path):
        self.out = out
        self.staging = out / f".staging-{os.getpid()}"
        for stale in out.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by a killed run; the lock says none is alive
        (self.staging / "parquet").mkdir(parents=True)
        self._writers: dict[str, pq.ParquetWriter] = {}
        self.counts: dict[str, int] = {name: 0 for name in TABLES}

    def staged_file(self, name: str) -> Path:
        """Where to write a side file (e.g. review.csv) that is published with the tables."""
        return self.staging / name

    def parquet_path(self, table: str) -> Path:
        return self.staging / "parquet" / f"{table}.parquet"

    def append(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        writer = self._writers.get(table)
        if writer is None:
            writer = self._writers[table] = pq.ParquetWriter(self.parquet_path(table), TABLES[table])
        writer.write_table(to_arrow(table, rows))
        self.counts[table] += len(rows)

    def read_staged(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """A staged table read back (for steps that need a whole column, e.g. duplicates)."""
        self._close(table)
        path = self.parquet_path(table)
        if not path.exists():
            return TABLES[table].empty_table().select(columns or TABLES[table].names)
        return pq.read_table(path, columns=columns)

    def _close(self, table: str) -> None:
        writer = self._writers.pop(table, None)
        if writer is not None:
            writer.close()
        elif not self.parquet_path(table).exists():
            pq.write_table(TABLES[table].empty_table(), self.parquet_path(table))

    def publish(self) -> None:
        """Build DuckDB from the staged Parquet and move everything into place atomically."""
        for table in TABLES:
            self._close(table)
        staged_db = self.staging / DB_NAME
        with duckdb.connect(str(staged_db), config={"storage_compatibility_version": STORAGE_VERSION}) as con:
            for table in TABLES:  # table names are the schema's identifiers; paths are bound parameters
                con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM read_parquet(?)', [str(self.parquet_path(table))])
            for view, sql in VIEWS.items():  # current_*: what totals count (no superseded versions)
                con.execute(f'CREATE VIEW "{view}" AS {sql}')
        final_parquet = self.out / "parquet"
        final_parquet.mkdir(exist_ok=True)
        for table in TABLES:
            os.replace(self.parquet_path(table), final_parquet / f"{table}.parquet")
        os.replace(staged_db, self.out / DB_NAME)
        for side_file in self.staging.iterdir():
            if side_file.is_file():
                os.replace(side_file, self.out / side_file.name)
        shutil.rmtree(self.staging, ignore_errors=True)

    def abandon(self) -> None:
        for writer in self._writers.values():
            writer.close()
        shutil.rmtree(self.staging, ignore_errors=True)


# `jixiao query` runs whatever SQL a person types: the connection may touch the dataset's own file and
# nothing else (no file reads or writes, no ATTACH, no extension install/load), and cannot be unlocked.
_LOCKED = {"enable_external_access": False, "autoinstall_known_extensions": False,
           "autoload_known_extensions": False, "allow_community_extensions": False, "lock_configuration": True}
_REFUSED = ("query refused: jixiao query reads only the dataset's tables and views (documents, goals, projects, "
            "indicators, duplicates, …); it cannot read or write files, attach databases or install extensions")


def run_query(out: Path, sql: str, params: Sequence[object] = ()) -> tuple[list[str], list[tuple]]:
    """Run SQL read-only over the published dataset; returns column names and rows.

    Values go in `params`, bound to the query's `?` placeholders, never into the SQL text.
    """
    db = out / DB_NAME
    if not db.exists():
        raise StoreError(f"no dataset at {db} — run `jixiao run INBOX --out {out}` first")
    try:
        con = duckdb.connect(str(db), read_only=True, config=_LOCKED)
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {db}: {_first_line(exc)}") from exc
    with con:
        try:
            cursor = con.execute(sql, list(params))
            columns = [d[0] for d in cursor.description] if cursor.description else []
            return columns, cursor.fetchall()
        except duckdb.PermissionException as exc:
            raise StoreError(_REFUSED) from exc
        except duckdb.Error as exc:
            if "configuration has been locked" in str(exc) or "extension" in str(exc).lower():
                raise StoreError(_REFUSED) from exc
            raise StoreError(f"query failed: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    """DuckDB's messages go on with a caret diagram; the first line says what is wrong."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
