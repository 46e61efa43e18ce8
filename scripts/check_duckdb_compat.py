"""Open district.duckdb with another DuckDB (e.g. 1.1 in a venv of its own) and read every table.

    python3 -m venv /tmp/duckdb11 && /tmp/duckdb11/bin/pip install "duckdb==1.1.*"
    /tmp/duckdb11/bin/python scripts/check_duckdb_compat.py output/district.duckdb

Needs only duckdb (no jixiao): it runs inside the other version's venv. Prints each table's row count
and exits 1 when the file does not open or a table cannot be read.
"""

from __future__ import annotations

import json
import sys

import duckdb


def main(path: str) -> int:
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.Error as exc:
        print(f"duckdb {duckdb.__version__} cannot open {path}: {exc}", file=sys.stderr)
        return 1
    counts = {}
    with con:
        for (table,) in con.execute("select table_name from information_schema.tables order by 1").fetchall():
            counts[table] = len(con.execute(f'select * from "{table}"').fetchall())
    print(json.dumps({"duckdb": duckdb.__version__, "tables": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
