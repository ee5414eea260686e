"""Database connections: a DuckDB file or a PostgreSQL server behind DuckDB's connection interface.

``connect(db)`` opens a DuckDB file as a plain ``duckdb`` connection, and a ``postgresql://`` URL as a
:class:`PgConnection`, which offers the part of DuckDB's API the store, queries, exports and API use:
``execute(sql, params)`` (then ``fetchone``/``fetchmany``/``fetchall``/``description``), ``executemany``,
``cursor()`` (a new connection to the same database) and ``close``. SQL is written once, with ``?``
placeholders, in the dialect both databases share.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import duckdb

Dialect = Literal["duckdb", "postgresql"]
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_SECONDS = 10

# Quoted literals and identifiers (kept whole), "?" placeholders and bare "%" signs.
_SQL_TOKENS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|\?|%")
# DuckDB's message when another process holds the file: 'Could not set lock on file "F": Conflicting lock
# is held in PROGRAM (PID N)...'.
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


class DatabaseLockedError(ConnectionError):
    """Another process holds the DuckDB file. DuckDB lets one process open a file for writing, or several
    processes read-only, never both: while ``observatory serve`` (or an ingest) runs on the file, no other
    process can open it. The message is one line that names the file, the holder and the way out."""

    def __init__(self, path: str, pid: int | None = None, server_url: str | None = None) -> None:
        self.path = path
        self.pid = pid
        self.server_url = server_url
        process = f"process {pid}" if pid is not None else "another process"
        if server_url:
            message = (
                f"database {path} is in use by `observatory serve` at {server_url} ({process}); DuckDB lets "
                f"one process at a time open a file that is being written: ingest through the server with "
                f"`observatory ingest --server {server_url} ...`, read through its API ({server_url}/api/events, "
                f"{server_url}/api/export), or stop it first"
            )
        else:
            message = (
                f"database {path} is in use by {process}; DuckDB lets one process at a time open a file that "
                "is being written: wait for it to finish or stop it (if it is `observatory serve`, ingest "
                "through it with `observatory ingest --server URL ...` and read through its API)"
            )
        super().__init__(message)

    @classmethod
    def from_duckdb(cls, path: str, message: str) -> DatabaseLockedError:
        """The error for DuckDB's lock message ``message`` about ``path``, naming the server that holds it
        when the holder is an ``observatory serve`` that left its marker (``write_server_marker``)."""
        match = _LOCK_HOLDER.search(message)
        pid = int(match.group("pid")) if match else None
        marker = read_server_marker(path)
        url = marker.get("url") if marker and pid is not None and marker.get("pid") == pid else None
        return cls(path, pid, url if isinstance(url, str) else None)


def server_marker_path(db: str | Path) -> Path:
    """Where ``observatory serve`` says, next to a DuckDB file, which process serves it at which URL."""
    return Path(f"{db}.server.json")


def write_server_marker(db: str | Path, url: str) -> Path:
    """Record that this process serves the DuckDB file ``db`` at ``url`` (written atomically)."""
    path = server_marker_path(db)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
    temporary.replace(path)
    return path


def remove_server_marker(db: str | Path) -> None:
    """Remove this process's server marker of ``db`` (a marker another process wrote since is kept)."""
    marker = read_server_marker(db)
    if marker is not None and marker.get("pid") == os.getpid():
        server_marker_path(db).unlink(missing_ok=True)


def read_server_marker(db: str | Path) -> dict | None:
    """The server marker of ``db`` ({"pid": N, "url": U}), or None when there is none or it is unreadable."""
    try:
        marker = json.loads(server_marker_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def is_lock_error(exc: BaseException) -> bool:
    """True when ``exc`` is DuckDB refusing a file that another process holds."""
    return isinstance(exc, duckdb.IOException) and "Could not set lock on file" in str(exc)


def is_postgres_url(db: str | Path) -> bool:
    """True when ``db`` names a PostgreSQL database (a postgresql:// or postgres:// URL)."""
    return str(db).startswith(POSTGRES_SCHEMES)


def dialect_of(db: str | Path) -> Dialect:
    """The SQL dialect of the database ``db`` names."""
    return "postgresql" if is_postgres_url(db) else "duckdb"


def redact(url: str) -> str:
    """The URL with its password, if any, replaced by ``***`` (for messages)."""
    return re.sub(r"^(\w+://[^:/@]*):[^@]*@", r"\1:***@", url)


@lru_cache(maxsize=512)
def to_pyformat(sql: str) -> str:
    """SQL with ``?`` placeholders rewritten for psycopg: ``?`` -> ``%s``, literal ``%`` -> ``%%``."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        return token.replace("%", "%%")

    return _SQL_TOKENS.sub(replace, sql)


class PgConnection:
    """A PostgreSQL connection (psycopg 3, autocommit) with DuckDB's connection interface.

    Like a DuckDB connection, ``execute`` returns the connection itself, which then holds the result.
    One PgConnection is for one thread at a time; ``cursor()`` opens another for another thread.
    """

    dialect: Dialect = "postgresql"

    def __init__(self, url: str, read_only: bool = False) -> None:
        import psycopg

        self.url = url
        self.read_only = read_only
        try:
            self._con = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise ConnectionError(f"cannot connect to PostgreSQL at {redact(url)}: {reason}") from None
        if read_only:
            self._con.execute("SET default_transaction_read_only = on")
        self._cursor = self._con.cursor()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgConnection:
        """Run one statement (or, without parameters, several separated by ``;``)."""
        if params is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(to_pyformat(sql), list(params))
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgConnection:
        """Run one parameterised statement once per row."""
        self._cursor.executemany(to_pyformat(sql), rows)
        return self

    @property
    def description(self) -> Any:
        """The result's columns; ``description[i][0]`` is the name of column i."""
        return self._cursor.description

    def fetchone(self) -> tuple | None:
        """The next row of the result, or None."""
        return self._cursor.fetchone()

    def fetchmany(self, size: int) -> list[tuple]:
        """Up to ``size`` next rows of the result."""
        return self._cursor.fetchmany(size)

    def fetchall(self) -> list[tuple]:
        """The remaining rows of the result."""
        return self._cursor.fetchall()

    def cursor(self) -> PgConnection:
        """A new connection to the same database (DuckDB's ``cursor()`` is one too)."""
        return PgConnection(self.url, self.read_only)

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


Connection = duckdb.DuckDBPyConnection | PgConnection


def connect(db: str | Path, read_only: bool = False) -> Connection:
    """A connection to the DuckDB file or the PostgreSQL URL ``db``; raises DatabaseLockedError when another
    process holds the DuckDB file."""
    if is_postgres_url(db):
        return PgConnection(str(db), read_only=read_only)
    try:
        return duckdb.connect(str(db), read_only=read_only)
    except duckdb.IOException as exc:
        if is_lock_error(exc):
            raise DatabaseLockedError.from_duckdb(str(db), str(exc)) from None
        raise

