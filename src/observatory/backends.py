"""Database connections: a DuckDB file or a PostgreSQL server behind DuckDB's connection interface.

``connect(db)`` opens a DuckDB file as a plain ``duckdb`` connection, and a ``postgresql://`` URL as a
:class:`PgConnection`, which offers the part of DuckDB's API the store, queries, exports and API use:
``execute(sql, params)`` (then ``fetchone``/``fetchmany``/``fetchall``/``description``), ``executemany``,
``cursor()`` (a new connection to the same database) and ``close``. SQL is written once, with ``?``
placeholders, in the dialect both databases share.
"""

from __future__ import annotations

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
    """A connection to the DuckDB file or the PostgreSQL URL ``db``."""
    if is_postgres_url(db):
        return PgConnection(str(db), read_only=read_only)
    return duckdb.connect(str(db), read_only=read_only)

