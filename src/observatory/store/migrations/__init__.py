"""Versioned schema migrations for both backends.

Migrations are the numbered files ``NNN_name.sql`` of this package, in the SQL both DuckDB and
PostgreSQL read. ``apply_migrations`` runs the pending ones in order, in one transaction, and records
each in ``schema_migrations(version, name, applied_at)``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from observatory.store.backends import Connection, Dialect

# Any constant: the key of the PostgreSQL advisory lock that serialises concurrent migration runs.
PG_LOCK_KEY = 7_404_101
_FILE_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")
CREATE_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL
)
"""


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer observatory than this one."""


@dataclass(frozen=True)
class Migration:
    """One migration file: its version number, name and SQL."""

    version: int
    name: str
    sql: str


@cache
def available() -> tuple[Migration, ...]:
    """Every migration shipped with the package, by version."""
    found = []
    for entry in resources.files(__package__).iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migration files share a version number: {versions}")
    return tuple(found)


def is_current(con: Connection) -> bool:
    """Whether every migration shipped with the package is applied (reads only)."""
    try:
        done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    except Exception:  # no schema_migrations table: a database made before versioned migrations
        return False
    return {m.version for m in available()} <= done


def apply_migrations(con: Connection, dialect: Dialect) -> list[int]:
    """Apply the pending migrations in order in one transaction; the versions applied now."""
    migrations = available()
    con.execute("BEGIN TRANSACTION")
    try:
        if dialect == "postgresql":
            con.execute("SELECT pg_advisory_xact_lock(?)", [PG_LOCK_KEY])
        con.execute(CREATE_MIGRATIONS_TABLE)
        done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
        newest = max((m.version for m in migrations), default=0)
        if done and max(done) > newest:
            raise SchemaTooNewError(
                f"the database schema is at version {max(done)}, newer than this observatory knows "
                f"({newest}); upgrade observatory"
            )
        applied = []
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for migration in migrations:
            if migration.version in done:
                continue
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [migration.version, migration.name, now]
            )
            applied.append(migration.version)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return applied
