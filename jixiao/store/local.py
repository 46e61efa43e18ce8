"""Write the consolidated dataset: `DIR/parquet/<table>.parquet` and `DIR/district.duckdb`.

Rows stream into Parquet files in a staging folder (the corpus is never held in
memory), DuckDB is built from those files, and only then are the finished files
moved into place with atomic renames. A run killed at any point leaves the previous
dataset as it was.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import filelock
import pyarrow as pa
import pyarrow.parquet as pq

from jixiao.model.schema import TABLES, VIEWS, to_arrow

DB_NAME = "district.duckdb"
VERSIONS, CURRENT = "versions", "current"  # OUT/versions/<id>/… ; OUT/current → the published one
MIN_FREE_BYTES = 64 * 2**20
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
        try:
            with duckdb.connect(str(staged_db), config={"storage_compatibility_version": STORAGE_VERSION}) as con:
                for table in TABLES:  # table names are the schema's identifiers; paths are bound parameters
                    con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM read_parquet(?)', [str(self.parquet_path(table))])
                for view, sql in VIEWS.items():  # current_*: what totals count (no superseded versions)
                    con.execute(f'CREATE VIEW "{view}" AS {sql}')
                con.execute("CHECKPOINT")  # everything into the file: a .wal is never published
        except duckdb.IOException as exc:
            raise StoreError(f"cannot write the database in {self.out} ({_first_line(exc)}) — free disk space there "
                             "and run again; the previous dataset is kept") from exc
        for side in self.staging.glob(f"{DB_NAME}.wal*"):
            raise StoreError(f"the database could not be completed ({side.name} left; disk full?) — free disk space "
                             f"on the drive of {self.out} and run again; the previous dataset is kept")
        version = self.out / VERSIONS / f"{time.time_ns()}-{os.getpid()}"
        version.parent.mkdir(exist_ok=True)
        os.rename(self.staging, version)
        _point_to(self.out, version, [DB_NAME, "parquet", *sorted(p.name for p in version.iterdir() if p.is_file()
                                                                  and p.name != DB_NAME)])

    def abandon(self) -> None:
        for writer in self._writers.values():
            writer.close()
        shutil.rmtree(self.staging, ignore_errors=True)


def check_free_space(out: Path, temporary: Path | None = None) -> None:
    """Fail before any work when the drive of `out` cannot hold a second copy of the dataset (and the
    staging, and the extraction cache), or the drive of `temporary` (LibreOffice's profiles) is full."""
    out.mkdir(parents=True, exist_ok=True)
    current = out / CURRENT
    size = sum(f.stat().st_size for f in current.rglob("*") if f.is_file()) if current.is_dir() else 0
    for folder, need in [(out, max(MIN_FREE_BYTES, 2 * size)), *([(temporary, MIN_FREE_BYTES)] if temporary else [])]:
        free = shutil.disk_usage(folder).free
        if free < need:
            raise StoreError(f"only {free / 2**20:,.1f} MB free on {drive_of(folder)}; a run needs about "
                             f"{need / 2**20:,.0f} MB there — free disk space (old exports, other files) and run "
                             "again; the previous dataset is kept")


def drive_of(folder: Path) -> str:
    """The drive a folder is on, as a person finds it: its mount point (and the folder)."""
    path = os.path.abspath(folder)
    mount = path
    while not os.path.ismount(mount) and os.path.dirname(mount) != mount:
        mount = os.path.dirname(mount)
    return f"the drive mounted at {mount} (holding {path})" if mount != path else f"the drive mounted at {mount}"


def write_failure(folder: Path, exc: OSError) -> StoreError:
    """A write that failed during the run, in one line that names the drive and what to do."""
    try:
        free = f"; {shutil.disk_usage(folder).free / 2**20:,.1f} MB free there"
    except OSError:
        free = ""
    return StoreError(f"cannot write to {drive_of(folder)}: {exc.strerror or exc}{free} — free disk space (at least "
                      f"{MIN_FREE_BYTES / 2**20:,.0f} MB) or make the folder writable, then run again; the previous "
                      "dataset is kept")


def _point_to(out: Path, version: Path, names: list[str]) -> None:
    """Publish `version` with one atomic pointer swap: OUT/current → versions/<id>. OUT/district.duckdb,
    OUT/parquet and the side files are fixed links through `current`, so every reader sees the old set
    or the new one, never a mix. Older versions are removed (open files stay readable on POSIX)."""
    try:
        _replace_with_link(out / CURRENT, os.path.relpath(version, out))
        for name in names:
            link = out / name
            if not (link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}"):
                _replace_with_link(link, f"{CURRENT}/{name}")
    except NotImplementedError:  # no symlinks (Windows without developer mode): move the files into place
        for name in names:
            if (out / name).is_dir():
                shutil.rmtree(out / name)
            os.replace(version / name, out / name)
    for old in (out / VERSIONS).iterdir():
        if old != version and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)


def _replace_with_link(path: Path, target: str) -> None:
    """Atomically make `path` a symlink to `target` (a folder left by an older layout is moved aside first)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.link")
    tmp.unlink(missing_ok=True)
    try:
        os.symlink(target, tmp)
    except (OSError, NotImplementedError) as exc:
        raise NotImplementedError from exc
    if path.is_dir() and not path.is_symlink():  # OUT/parquet as a folder (before versions): a one-time move
        os.rename(path, path.parent / VERSIONS / f"legacy-{path.name}-{time.time_ns()}")
    os.replace(tmp, path)


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
