"""The changes feed: which events were added, updated or deleted after a moment, and when.

An event is *added* when its article is ingested (``articles.ingested_at``), or later when re-extraction
finds it or a reviewer restores it; *updated* when re-extraction, a review or a merge or split changes its
row; *deleted* when a reviewer rejects it or re-extraction no longer finds it. ``event_stamps``
(migration 005) keeps the moments after ingest; ``stamp`` writes them. ``changes_since`` lists the feed
(``GET /api/changes``); ``change_records`` gives it in the export's columns (``export --changed-since``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from observatory.store import acled
from observatory.store.backends import Connection
from observatory.store.export import FIELDS, Kind, export_rows
from observatory.store.queries import EventFilter

Change = Literal["added", "updated", "deleted"]
CHANGE_FIELDS = (*FIELDS, "change")
NEVER_EMPTY = ("inter1", "inter2", "interaction", "iso", "fatalities")  # codebook: integer, never empty
ADDED = "coalesce(s.added_at, a.ingested_at)"
CHANGED = f"greatest({ADDED}, coalesce(s.updated_at, {ADDED}))"
FEED_SQL = f"""
SELECT event_id, change, changed_at, reason FROM (
    SELECT e.event_id, CASE WHEN {ADDED} > ? THEN 'added' ELSE 'updated' END AS change, {CHANGED} AS changed_at,
           CAST(NULL AS VARCHAR) AS reason
    FROM events e JOIN articles a USING (article_id) LEFT JOIN event_stamps s ON s.event_id = e.event_id
    WHERE s.deleted_at IS NULL AND {CHANGED} > ?
    UNION ALL
    SELECT s.event_id, 'deleted', s.deleted_at, s.deleted_reason FROM event_stamps s WHERE s.deleted_at > ?
) c ORDER BY changed_at, event_id
"""
_UPSERT = {
    "added": "added_at = excluded.added_at, deleted_at = NULL, deleted_reason = NULL",
    "updated": "updated_at = excluded.updated_at",
    "deleted": "deleted_at = excluded.deleted_at, deleted_reason = excluded.deleted_reason, country = excluded.country",
}


def utc_now() -> dt.datetime:
    """Now in UTC, without a time zone (as the store keeps its timestamps)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def parse_moment(value: str) -> dt.datetime:
    """A ``since`` value: an ISO 8601 date or date and time (a zone converted to UTC; none means UTC), or
    Unix seconds; ValueError with the expected forms otherwise."""
    text = value.strip()
    try:
        if text.replace(".", "", 1).isdigit():
            return dt.datetime.fromtimestamp(float(text), dt.UTC).replace(tzinfo=None)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"expected a time as YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS (UTC unless a zone is given) or Unix seconds, "
            f"got {value!r}"
        ) from None
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def stamp(
    con: Connection, change: Change, event_ids: Iterable[str], at: dt.datetime,
    reason: str | None = None, countries: dict[str, str | None] | None = None,
) -> None:
    """Record that ``event_ids`` were added, updated or deleted (with ``reason`` and each one's country) at
    ``at``."""
    ids = list(event_ids)
    if not ids:
        return
    countries = countries or {}
    column = {"added": "added_at", "updated": "updated_at", "deleted": "deleted_at"}[change]
    con.executemany(
        f"INSERT INTO event_stamps (event_id, {column}, deleted_reason, country) VALUES (?, ?, ?, ?) "
        f"ON CONFLICT (event_id) DO UPDATE SET {_UPSERT[change]}",
        [(event_id, at, reason if change == "deleted" else None, countries.get(event_id)) for event_id in ids],
    )


def incident_memberships(con: Connection, article_ids: list[str]) -> dict[str, str]:
    """The incident of every event in an incident that holds an event of ``article_ids``: taken before
    those incidents are released and recomputed, for ``stamp_moves``."""
    rows = con.execute(
        "SELECT event_id, incident_id FROM events WHERE incident_id IN (SELECT incident_id FROM events "
        "WHERE incident_id IS NOT NULL AND article_id IN (SELECT unnest(CAST(? AS VARCHAR[]))))", [article_ids],
    ).fetchall()
    return dict(rows)


def stamp_moves(con: Connection, before: dict[str, str]) -> None:
    """Stamp as updated the events still stored whose incident is no longer the one ``before`` gives."""
    if not before:
        return
    rows = con.execute(
        "SELECT event_id, incident_id FROM events WHERE event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [list(before)],
    ).fetchall()
    stamp(con, "updated", sorted(event_id for event_id, incident in rows if incident != before[event_id]), utc_now())


def changes_since(
    con: Connection, since: dt.datetime, limit: int | None = None, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """The changes after ``since``, oldest first (at most ``limit`` from ``offset``), and how many there are:
    each ``{"event_id", "change", "changed_at", "reason"}``."""
    params = [since, since, since]
    total = con.execute(f"SELECT count(*) FROM ({FEED_SQL}) t", params).fetchone()[0]
    tail = ""
    if limit is not None:
        tail, params = " LIMIT ? OFFSET ?", [*params, limit, offset]
    rows = con.execute(FEED_SQL + tail, params).fetchall()
    keys = ("event_id", "change", "changed_at", "reason")
    return [dict(zip(keys, row, strict=True)) for row in rows], total


def deleted_record(event_id: str, country: str | None, at: dt.datetime) -> dict[str, Any]:
    """The export row of a deleted event: its ids, when, and ``change`` deleted; the integer columns that
    are never empty are 0, the others empty."""
    record: dict[str, Any] = dict.fromkeys(CHANGE_FIELDS)
    record.update(dict.fromkeys(NEVER_EMPTY, 0))
    record.update(
        event_id=event_id, event_id_cnty=acled.event_id_cnty(event_id, country), iso3=country,
        iso=acled.iso_numeric(country), timestamp=int(at.replace(tzinfo=dt.UTC).timestamp()), change="deleted",
    )
    return record


def change_records(con: Connection, f: EventFilter, kind: Kind, since: dt.datetime) -> Iterator[dict[str, Any]]:
    """The export rows (one per report) of the events of ``kind`` matching ``f`` added or updated after ``since`` (with
    ``change`` added or updated), then a row for each event deleted after ``since`` (whatever the filters:
    its values are gone)."""
    added = {
        row[0] for row in con.execute(
            f"SELECT e.event_id FROM events e JOIN articles a USING (article_id) "
            f"LEFT JOIN event_stamps s ON s.event_id = e.event_id WHERE {ADDED} > ?", [since]
        ).fetchall()
    }
    for record in export_rows(con, f, kind, unit="report", changed_since=since):
        yield {**record, "change": "added" if record["event_id"] in added else "updated"}
    deleted = con.execute(
        "SELECT event_id, country, deleted_at FROM event_stamps WHERE deleted_at > ? ORDER BY deleted_at, event_id",
        [since],
    ).fetchall()
    for event_id, country, at in deleted:
        yield deleted_record(event_id, country, at)

