"""Whether the Prefect database a kept API server starts on is known current, so its start can skip
Prefect's migration check and block registration (~0.5 CPU s of a ~3.5 s start, on the machine's
busiest moment: the first run of the day, whose readers want both cores).

Known current means: a server start *with* migrations and block registration, by this Prefect
version with these Prefect collections installed, left the marker `jixiao-api-db.json` in
PREFECT_HOME once it answered, naming the database file and the Alembic revision it was at; and the
file still carries that revision and its block types. Anything else (no marker, another Prefect or
collection version, another or a missing database, a revision changed since, a reset database)
migrates as Prefect always does: a skipped check must never meet an unmigrated database.

SQLite only (Prefect's default, in PREFECT_HOME): another database is always migrated.
"""

from __future__ import annotations

import json
import os
import sqlite3
from importlib.metadata import entry_points
from pathlib import Path

MARKER = "jixiao-api-db.json"


def database_file(connection_url: str | None) -> Path | None:
    """The SQLite file of Prefect's connection URL (`sqlite+aiosqlite:////home/u/.prefect/prefect.db`),
    or None for another database or an in-memory one."""
    if not connection_url or not connection_url.startswith("sqlite"):
        return None
    _, _, path = connection_url.partition(":///")
    path = path.split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path).resolve()


def known_current(home: Path, database: Path | None, prefect_version: str) -> bool:
    """True only when a migrating start of this Prefect version marked this database and it is unchanged."""
    if database is None:
        return False
    try:
        marker = json.loads((home / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict):
        return False
    revision = _revision(database)
    return (revision is not None and marker.get("prefect") == prefect_version
            and marker.get("collections") == _collections() and marker.get("database") == str(database)
            and marker.get("revision") == revision)


def mark_current(home: Path, database: Path, prefect_version: str) -> None:
    """Record that a server start of `prefect_version` migrated `database` and registered its block types
    (call it once that server answers). Written whole (a half-written marker would not parse: no skip);
    one that cannot be written only costs the next start its checks, so the server goes on regardless."""
    revision = _revision(database)
    if revision is None:
        return
    marker = {"prefect": prefect_version, "collections": _collections(), "database": str(database),
              "revision": revision}
    partial = home / f"{MARKER}.{os.getpid()}.tmp"
    try:
        partial.write_text(json.dumps(marker), encoding="utf-8")
        partial.replace(home / MARKER)
    except OSError:
        partial.unlink(missing_ok=True)


def _revision(database: Path) -> str | None:
    """The database's Alembic revision(s), read-only; None when it is missing, unreadable, or holds no
    block types (e.g. tables recreated by `prefect server database reset`: registration is due)."""
    if not database.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            revisions = sorted(row[0] for row in connection.execute("SELECT version_num FROM alembic_version"))
            has_blocks = connection.execute("SELECT 1 FROM block_type LIMIT 1").fetchone() is not None
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return ",".join(revisions) if revisions and has_blocks else None


def _collections() -> dict[str, str]:
    """Installed Prefect collections (their blocks are registered at start) and their versions."""
    found = {}
    for entry in entry_points(group="prefect.collections"):
        found[entry.name] = entry.dist.version if entry.dist is not None else entry.value
    return found
