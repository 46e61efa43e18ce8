"""Copy the published dataset into PostgreSQL (`jixiao run --db URL`), for teams that share one server.

DuckDB + Parquet stay the dataset of record; this writes the same five tables,
with columns and types taken from jixiao/schema.py. All tables are replaced in one
transaction (delete, then COPY from the published Parquet), so readers see the
previous dataset until the commit and a failed write leaves it untouched. Delete
rather than drop keeps the grants and views people built on the tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from jixiao.model.schema import TABLES, VIEWS

if TYPE_CHECKING:
    import psycopg

# The Arrow types jixiao/schema.py uses, as PostgreSQL column types.
SQL_TYPES: dict[pa.DataType, str] = {
    pa.string(): "text",
    pa.int32(): "integer",
    pa.int64(): "bigint",
    pa.float64(): "double precision",
    pa.date32(): "date",
}

# The advisory lock every jixiao writer takes: a second run on the same database waits for the first.
WRITER_LOCK_KEY = 0x6A697869616F  # "jixiao"
COPY_BATCH_ROWS = 10_000


class DatabaseError(Exception):
    """PostgreSQL could not be written; the message says why and that the previous tables were kept."""


def sql_type(field: pa.Field) -> str:
    try:
        return SQL_TYPES[field.type]
    except KeyError:
        raise TypeError(f"column {field.name}: no PostgreSQL type for Arrow {field.type}; "
                        "add it to SQL_TYPES in jixiao/postgres.py") from None


def write_postgres(parquet_dir: Path, url: str) -> dict[str, int]:
    """Replace the five tables in the database at `url` with the Parquet files; returns rows per table."""
    try:
        import psycopg
    except ImportError as exc:
        raise DatabaseError("--db needs psycopg: pip install 'jixiao[postgres]'") from exc

    try:
        with psycopg.connect(url, application_name="jixiao") as con, con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK_KEY,))
            counts = {name: _replace_table(con, name, schema, parquet_dir / f"{name}.parquet")
                      for name, schema in TABLES.items()}
            _create_views(con)
            return counts
    except psycopg.Error as exc:
        raise DatabaseError(f"could not write the tables to PostgreSQL ({exc}). The DuckDB/Parquet dataset "
                            "was written and PostgreSQL still holds its previous tables; fix the database "
                            "and run again (documents already read are not read again).") from exc


def _create_views(con: psycopg.Connection) -> None:
    """The same current_* views as in DuckDB (totals without superseded versions)."""
    from psycopg import sql

    for view, query in VIEWS.items():
        con.execute(sql.SQL("CREATE OR REPLACE VIEW {} AS ").format(sql.Identifier(view)) + sql.SQL(query))


def _replace_table(con: psycopg.Connection, name: str, schema: pa.Schema, parquet: Path) -> int:
    from psycopg import sql

    table = sql.Identifier(name)
    columns = [sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(sql_type(f))) for f in schema]
    con.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(table, sql.SQL(", ").join(columns)))
    for column in columns:  # a table made by an older jixiao gains the newer columns
        con.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {}").format(table, column))
    _check_types(con, name, schema)
    con.execute(sql.SQL("DELETE FROM {}").format(table))
    names = sql.SQL(", ").join(sql.Identifier(n) for n in schema.names)
    n_rows = 0
    with con.cursor() as cur, cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy:
        for batch in pq.ParquetFile(parquet).iter_batches(batch_size=COPY_BATCH_ROWS, columns=schema.names):
            columns_data = [column.to_pylist() for column in batch.columns]
            for row in zip(*columns_data):
                copy.write_row([v.replace("\x00", "") if isinstance(v, str) else v for v in row])  # PG text: no NUL
            n_rows += batch.num_rows
    return n_rows


def _check_types(con: psycopg.Connection, name: str, schema: pa.Schema) -> None:
    """A column someone altered to another type would fail deep inside COPY; say which one instead."""
    actual = dict(con.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                              "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                              (name,)).fetchall())
    for field in schema:
        if actual.get(field.name) != sql_type(field):
            raise DatabaseError(f"PostgreSQL table {name}: column {field.name} is {actual.get(field.name)}, "
                                f"jixiao writes {sql_type(field)}; alter or drop that column and run again")
