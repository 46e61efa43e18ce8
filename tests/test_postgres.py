"""`jixiao run --db` against a real PostgreSQL server started for this module (Debian `postgresql` package)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.model.schema import TABLES
from tests.conftest import REPO, published_tables

PASSWORD = "not-in-prefect-records"


def postgres_bin() -> Path | None:
    """The newest installed server's binaries (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A throwaway server on a loopback port, its socket and data in a temporary folder; yields a URL base."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    as_server_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # initdb refuses root
    root = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))  # not under pytest's root-only tmp folder
    if as_server_user:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()

    def pg(tool: str, *args: str) -> None:
        subprocess.run([*as_server_user, str(bin_dir / tool), *args], check=True, capture_output=True)

    pg("initdb", "-D", str(data), "-U", "jixiao", "--auth=trust", "-E", "UTF8", "--no-locale")
    pg("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-w", "-o",
       f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start")
    try:
        yield f"postgresql://jixiao:{PASSWORD}@127.0.0.1:{port}"
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database(server: str) -> Iterator[str]:
    """A fresh, empty database per test."""
    name = f"t{os.urandom(4).hex()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    copy = tmp_path / "inbox"
    shutil.copytree(REPO / "examples" / "inbox", copy)
    return copy


def jixiao_run(inbox: Path, out: Path, db: str):
    return CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), "--db", db])


def postgres_tables(db: str) -> dict[str, list[str]]:
    """Every table as sorted JSON rows, the form of conftest.published_tables; columns must be the schema's."""
    tables = {}
    with psycopg.connect(db) as con:
        for name, schema in TABLES.items():
            cursor = con.execute(f"SELECT * FROM {name}")
            columns = [d.name for d in cursor.description]
            assert columns == schema.names, name
            tables[name] = sorted(json.dumps(dict(zip(columns, row)), sort_keys=True, default=str,
                                             ensure_ascii=False) for row in cursor.fetchall())
    return tables


def test_postgres_holds_the_duckdb_tables(prefect_harness, database: str, inbox: Path, tmp_path: Path):
    for _ in range(2):  # the second run replaces the rows, it does not add to them
        result = jixiao_run(inbox, tmp_path / "out", database)
        assert result.exit_code == 0, result.output
        in_postgres, published = postgres_tables(database), published_tables(tmp_path / "out")
        for table, rows in published.items():
            assert in_postgres[table] == rows, f"{table} differs from DuckDB"
    assert in_postgres["indicators"]
    with psycopg.connect(database) as con:  # the current_* views too (no file is superseded here)
        assert con.execute("SELECT count(*) FROM current_projects").fetchone()[0] == len(in_postgres["projects"])


def test_a_nul_byte_deep_in_a_text_file_does_not_break_the_database(prefect_harness, database: str, inbox: Path,
                                                                   tmp_path: Path):
    """PostgreSQL text cannot hold NUL: one past the first 20,000 characters used to fail every --db run."""
    from jixiao.extractors.text import decode_text

    source = next(inbox.rglob("*.txt"))
    text = decode_text(source.read_bytes())[0]
    padding = "\n" + "说明" * 12_000 + "\n"  # past the binary check's sample
    source.write_text(text + padding + "备注：第二\x00稿\n", encoding="utf-8")
    result = jixiao_run(inbox, tmp_path / "out", database)
    assert result.exit_code == 0, result.output
    assert postgres_tables(database) == published_tables(tmp_path / "out")


def test_failed_write_keeps_the_previous_tables(prefect_harness, database: str, inbox: Path, tmp_path: Path):
    assert jixiao_run(inbox, tmp_path / "out", database).exit_code == 0
    before = postgres_tables(database)
    shutil.rmtree(next(p for p in sorted(inbox.iterdir()) if p.is_dir()))  # the next run has other rows
    with psycopg.connect(database, autocommit=True) as con:  # the last table written now refuses rows
        con.execute("ALTER TABLE duplicates ADD CONSTRAINT refuse_rows CHECK (false) NOT VALID")

    result = jixiao_run(inbox, tmp_path / "out", database)

    assert result.exit_code == 1
    assert "PostgreSQL still holds its previous tables" in " ".join(result.output.split())
    assert postgres_tables(database) == before
    assert published_tables(tmp_path / "out")["documents"] != before["documents"]  # DuckDB has the new run


def test_database_password_stays_out_of_prefect(prefect_harness, database: str, inbox: Path, tmp_path: Path):
    from prefect.client.orchestration import get_client

    assert jixiao_run(inbox, tmp_path / "out", database).exit_code == 0
    with get_client(sync_client=True) as client:
        recorded = [run.parameters for run in client.read_flow_runs()]
    assert any(p.get("plan", {}).get("db") for p in recorded), "no flow run recorded that it wrote to a database"
    assert PASSWORD not in repr(recorded)


def test_districts_share_a_database_in_their_own_schemas(prefect_harness, database: str, inbox: Path,
                                                         tmp_path: Path):
    """The README's recipe: one schema per district, chosen with search_path in the URL."""
    smaller = tmp_path / "smaller"
    shutil.copytree(inbox, smaller)
    shutil.rmtree(next(p for p in sorted(smaller.iterdir()) if p.is_dir()))
    with psycopg.connect(database, autocommit=True) as con:
        con.execute("CREATE SCHEMA east; CREATE SCHEMA west")
    urls = {district: f"{database}?options=-csearch_path%3D{district}" for district in ("east", "west")}
    for district, district_inbox in (("east", inbox), ("west", smaller)):
        assert jixiao_run(district_inbox, tmp_path / district, urls[district]).exit_code == 0
    tables = {district: postgres_tables(url) for district, url in urls.items()}
    for district in urls:
        assert tables[district] == published_tables(tmp_path / district), district
    assert tables["east"] != tables["west"]
