"""Review and corrections: confirm, correct or reject events and incidents, merge and split incidents, with
every change in the audit log, and the review re-applied after re-extraction rewrites events.

State (migration 005): ``event_reviews`` holds an event's last decision (confirmed, corrected, rejected),
``event_corrections`` the analyst's value of each corrected column, ``incident_assignments`` the events a
merge or split put in an incident by hand, and ``review_log`` one row per changed value (what, before,
after, when, by whom). A correction is written onto the events row and kept in ``event_corrections``;
``reapply`` writes it back after re-extraction replaces the row, so the analyst's value wins over any new
extraction. Rejected events and the members of hand-made incidents are left out of automatic
deduplication (``dedupe.CANDIDATES_VIEW``); hand-made incidents are written here, from their members,
with deduplication's reconciliation. An action on an incident is the action on each of its events.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from observatory.store import changes
from observatory.store.backends import Connection
from observatory.store.dedupe import (
    CANDIDATE_COLUMNS,
    EVENT_FIELDS,
    FAMILY_SQL,
    _incident_row,
    dedupe,
    ensure_schema,
    incident_id_for,
    insert_incidents,
    release_incidents,
)
from observatory.store.ingest import EVENT_COLUMNS
from observatory.store.review_fields import FIELDS, ReviewError, check_consistent, from_json, parse_corrections, to_json

Decision = Literal["confirmed", "rejected"]
Target = Literal["event", "incident"]
ROW_COLUMNS = tuple(column for column in EVENT_COLUMNS if column != "event_json")
MEMBER_SQL = f"""
SELECT {", ".join("e." + name for name in EVENT_FIELDS)}, {FAMILY_SQL} AS family,
       coalesce(a.source, a.url, a.doc_id) AS outlet, a.ingested_at, m.incident_id AS manual_incident
FROM events e JOIN articles a USING (article_id) JOIN incident_assignments m ON m.event_id = e.event_id
WHERE e.status = 'occurred'
  AND e.event_id NOT IN (SELECT event_id FROM event_reviews WHERE review_status = 'rejected')
  AND m.incident_id IN (SELECT unnest(CAST(? AS VARCHAR[])))
"""
LOG_COLUMNS = ("changed_at", "changed_by", "action", "target", "target_id", "field", "value_before", "value_after",
               "note")


class UnknownTargetError(ReviewError):
    """No event or incident has the id given."""


def _ids(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _rows(con: Connection, event_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The events rows (without the JSON) of ``event_ids`` that exist."""
    cursor = con.execute(
        f"SELECT {', '.join(ROW_COLUMNS)} FROM events WHERE event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [event_ids],
    )
    return {row[0]: dict(zip(ROW_COLUMNS, row, strict=True)) for row in cursor.fetchall()}


def _existing(con: Connection, event_ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = _rows(con, event_ids)
    missing = [event_id for event_id in event_ids if event_id not in rows]
    if missing:
        raise UnknownTargetError(f"no event {missing[0]!r}")
    return rows


def incident_members(con: Connection, incident_id: str) -> list[str]:
    """The events of an incident; UnknownTargetError when there is no such incident."""
    ensure_schema(con)
    if con.execute("SELECT count(*) FROM incidents WHERE incident_id = ?", [incident_id]).fetchone()[0] == 0:
        raise UnknownTargetError(f"no incident {incident_id!r}")
    rows = con.execute("SELECT event_id FROM events WHERE incident_id = ? ORDER BY event_id", [incident_id])
    return [row[0] for row in rows.fetchall()]


def _statuses(con: Connection, event_ids: list[str]) -> dict[str, str]:
    rows = con.execute(
        "SELECT event_id, review_status FROM event_reviews WHERE event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [event_ids],
    ).fetchall()
    return dict(rows)


def _set_status(con: Connection, event_id: str, status: str | None, at: dt.datetime, by: str) -> None:
    con.execute("DELETE FROM event_reviews WHERE event_id = ?", [event_id])
    if status is not None:
        con.execute("INSERT INTO event_reviews VALUES (?, ?, ?, ?)", [event_id, status, at, by])


def _log(con: Connection, entries: list[tuple]) -> None:
    """Append audit rows: (at, by, action, target, target_id, event_id, field, before, after, note)."""
    if entries:
        con.executemany(
            "INSERT INTO review_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(secrets.token_hex(8), *entry) for entry in entries],
        )


@contextmanager
def _transaction(con: Connection) -> Iterator[None]:
    """The block in one transaction: committed, or rolled back when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _refresh_incidents(con: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Recompute the incidents the events ``rows`` belong or may now belong to: hand-made ones here, the
    others by deduplication (their articles' incidents released, then clustered again)."""
    rows = list(rows)
    ids = [row["event_id"] for row in rows]
    manual = con.execute(
        "SELECT DISTINCT incident_id FROM incident_assignments WHERE event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [ids],
    ).fetchall()
    if manual:
        write_manual_incidents(con, [row[0] for row in manual])
    article_ids = sorted({row["article_id"] for row in rows})
    memberships = changes.incident_memberships(con, article_ids)
    release_incidents(con, article_ids)
    dedupe(con)
    changes.stamp_moves(con, memberships)


def decide(
    con: Connection, target: Target, target_id: str, decision: Decision, by: str, note: str | None = None
) -> list[str]:
    """Confirm or reject an event, or each event of an incident; the events reviewed. A rejected event leaves
    its incident, exports and counts (it stays stored, with its review); confirming it brings it back."""
    event_ids = [target_id] if target == "event" else incident_members(con, target_id)
    rows = _existing(con, event_ids)
    before = _statuses(con, event_ids)
    now = changes.utc_now()
    action = "confirm" if decision == "confirmed" else "reject"
    with _transaction(con):
        for event_id in event_ids:
            _set_status(con, event_id, decision, now, by)
        _log(con, [(now, by, action, target, target_id, event_id, "review_status",
                    to_json(before.get(event_id, "unreviewed")), to_json(decision), note) for event_id in event_ids])
        back = [event_id for event_id in event_ids if before.get(event_id) == "rejected" and decision == "confirmed"]
        if decision == "rejected":
            countries = {event_id: rows[event_id]["country"] for event_id in event_ids}
            changes.stamp(con, "deleted", event_ids, now, "rejected", countries)
        else:
            changes.stamp(con, "added", back, now)
            changes.stamp(con, "updated", [e for e in event_ids if e not in back], now)
    if decision == "rejected" or back:  # the event leaves or rejoins incidents
        _refresh_incidents(con, rows.values())
    return event_ids


def restore(con: Connection, event_id: str, by: str, note: str | None = None) -> None:
    """Undo the rejection of an event: it is corrected again when it has corrections, else unreviewed."""
    rows = _existing(con, [event_id])
    if _statuses(con, [event_id]).get(event_id) != "rejected":
        raise ReviewError(f"event {event_id!r} is not rejected")
    corrected = con.execute("SELECT count(*) FROM event_corrections WHERE event_id = ?", [event_id]).fetchone()[0]
    status = "corrected" if corrected else None
    now = changes.utc_now()
    with _transaction(con):
        _set_status(con, event_id, status, now, by)
        _log(con, [(now, by, "restore", "event", event_id, event_id, "review_status", to_json("rejected"),
                    to_json(status or "unreviewed"), note)])
        changes.stamp(con, "added", [event_id], now)
    _refresh_incidents(con, rows.values())


def correct(
    con: Connection, target: Target, target_id: str, values: dict[str, Any], by: str, note: str | None = None
) -> list[str]:
    """Set fields of an event, or of each event of an incident, to the analyst's values (kept over
    re-extraction); the events corrected. ReviewError for an unknown field, a bad value or values that
    contradict each other; nothing is written then."""
    corrections = parse_corrections(values)
    event_ids = [target_id] if target == "event" else incident_members(con, target_id)
    rows = _existing(con, event_ids)
    for row in rows.values():
        check_consistent({**row, **corrections})
    statuses = _statuses(con, event_ids)
    now = changes.utc_now()
    assignments = ", ".join(f"{column} = ?" for column in corrections)
    with _transaction(con):
        for event_id in event_ids:
            con.execute(f"UPDATE events SET {assignments} WHERE event_id = ?", [*corrections.values(), event_id])
            con.executemany(
                "INSERT INTO event_corrections VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id, field) DO UPDATE SET "
                "value = excluded.value, corrected_at = excluded.corrected_at, corrected_by = excluded.corrected_by",
                [(event_id, column, to_json(value), now, by) for column, value in corrections.items()],
            )
            if statuses.get(event_id) != "rejected":
                _set_status(con, event_id, "corrected", now, by)
            _log(con, [(now, by, "correct", target, target_id, event_id, column, to_json(rows[event_id][column]),
                        to_json(value), note) for column, value in corrections.items()])
        changes.stamp(con, "updated", event_ids, now)
    _refresh_incidents(con, rows.values())
    return event_ids


def _pin(con: Connection, groups: dict[str, list[str]], action: str, target_id: str, by: str,
         note: str | None) -> None:
    """Put each group of events in its incident by hand, logging every event whose incident changes."""
    now = changes.utc_now()
    event_ids = [event_id for members in groups.values() for event_id in members]
    current = {event_id: row["incident_id"] for event_id, row in _rows(con, event_ids).items()}
    moved = [event_id for incident_id, members in groups.items() for event_id in members
             if current.get(event_id) != incident_id]
    with _transaction(con):
        con.execute("DELETE FROM incident_assignments WHERE event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                    [event_ids])
        con.executemany("INSERT INTO incident_assignments VALUES (?, ?, ?, ?)",
                        [(event_id, incident_id, now, by) for incident_id, members in groups.items()
                         for event_id in members])
        _log(con, [(now, by, action, "incident", target_id, event_id, "incident_id", to_json(current.get(event_id)),
                    to_json(incident_id), note)
                   for incident_id, members in groups.items() for event_id in members if event_id in moved])
        changes.stamp(con, "updated", moved, now)


def _members_by_first(con: Connection, event_ids: list[str]) -> list[dict[str, Any]]:
    rows = con.execute(
        "SELECT e.event_id, a.ingested_at FROM events e JOIN articles a USING (article_id) "
        "WHERE e.event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [event_ids],
    ).fetchall()
    return [{"event_id": event_id, "ingested_at": at} for event_id, at in rows]


def merge(con: Connection, incident_ids: list[str], by: str, note: str | None = None) -> str:
    """Merge incidents into one, by hand: it keeps the id of the incident that holds the first-ingested
    report (as deduplication would), and automatic deduplication no longer changes its members. The id."""
    incident_ids = _ids(incident_ids)
    if len(incident_ids) < 2:
        raise ReviewError("merge: give at least two different incidents")
    members = {incident_id: incident_members(con, incident_id) for incident_id in incident_ids}
    everyone = [event_id for ids in members.values() for event_id in ids]
    first = incident_id_for(_members_by_first(con, everyone))
    kept = next((i for i, ids in members.items() if incident_id_for(_members_by_first(con, ids)) == first),
                incident_ids[0])
    pinned = con.execute(
        "SELECT event_id FROM incident_assignments WHERE incident_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [incident_ids],
    ).fetchall()
    _pin(con, {kept: _ids([*everyone, *(row[0] for row in pinned)])}, "merge", kept, by, note)
    write_manual_incidents(con, incident_ids)
    return kept


def split(con: Connection, incident_id: str, event_ids: list[str], by: str, note: str | None = None) -> str:
    """Take events out of an incident into a new one, by hand (automatic deduplication then leaves both
    as they are); the new incident's id. The part that holds the event the incident's id comes from
    keeps the id."""
    event_ids = _ids(event_ids)
    members = incident_members(con, incident_id)
    strangers = [event_id for event_id in event_ids if event_id not in members]
    if strangers:
        raise ReviewError(f"split: event {strangers[0]!r} is not in incident {incident_id!r}")
    rest = [event_id for event_id in members if event_id not in event_ids]
    if not event_ids or not rest:
        raise ReviewError("split: name some, not all, of the incident's events")
    out_id = incident_id_for(_members_by_first(con, event_ids))
    if out_id == incident_id:  # the events taken out hold the report the id comes from: they keep it
        rest_id = new = _free_id(con, incident_id_for(_members_by_first(con, rest)))
    else:
        rest_id, out_id = incident_id, _free_id(con, out_id)
        new = out_id
    _pin(con, {rest_id: rest, out_id: event_ids}, "split", incident_id, by, note)
    write_manual_incidents(con, [incident_id, new])
    return new


def _free_id(con: Connection, incident_id: str) -> str:
    """``incident_id``, or with a suffix when an incident or a hand-made assignment has it already."""
    candidate, n = incident_id, 1
    taken = "SELECT (SELECT count(*) FROM incidents WHERE incident_id = ?) + " \
            "(SELECT count(*) FROM incident_assignments WHERE incident_id = ?)"
    while con.execute(taken, [candidate, candidate]).fetchone()[0]:
        n += 1
        candidate = f"{incident_id}-{n}"
    return candidate


def write_manual_incidents(con: Connection, incident_ids: list[str]) -> None:
    """Write the hand-made incidents ``incident_ids`` from their members that are occurred and not rejected
    (deduplication's reconciliation of place, type, dates and toll); an incident left without such members
    is removed, and its other assigned events are in no incident."""
    ensure_schema(con)
    ids = _ids(incident_ids)
    rows = con.execute(MEMBER_SQL, [ids]).fetchall()
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        member = dict(zip((*CANDIDATE_COLUMNS, "manual_incident"), row, strict=True))
        groups.setdefault(member.pop("manual_incident"), []).append(member)
    now = changes.utc_now()
    with _transaction(con):
        con.execute("UPDATE events SET incident_id = NULL WHERE incident_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) "
                    "OR event_id IN (SELECT event_id FROM incident_assignments WHERE incident_id IN "
                    "(SELECT unnest(CAST(? AS VARCHAR[]))))", [ids, ids])
        con.execute("DELETE FROM incidents WHERE incident_id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [ids])
        insert_incidents(con, [{**_incident_row(sorted(members, key=lambda m: m["event_id"]), now),
                                 "incident_id": incident_id} for incident_id, members in groups.items()])
        for incident_id, members in groups.items():
            con.execute("UPDATE events SET incident_id = ? WHERE event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                        [incident_id, [m["event_id"] for m in members]])


def reviewed(con: Connection, event_ids: list[str]) -> set[str]:
    """The events of ``event_ids`` a reviewer confirmed, corrected or rejected: re-extraction keeps them
    when it no longer finds them."""
    rows = con.execute(
        "SELECT event_id FROM event_reviews WHERE event_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) UNION "
        "SELECT event_id FROM event_corrections WHERE event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [event_ids, event_ids],
    ).fetchall()
    return {row[0] for row in rows}


def reapply(con: Connection, article_ids: list[str], before: dict[str, str], after: dict[str, str]) -> None:
    """After re-extraction replaced the events of ``article_ids`` (``before`` and ``after``: event id ->
    event JSON): write the corrections back onto the new rows, put the events of hand-made incidents back
    in them, and stamp the events added, updated and removed."""
    corrections = con.execute(
        "SELECT c.event_id, c.field, c.value FROM event_corrections c JOIN events e ON e.event_id = c.event_id "
        "WHERE e.article_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) ORDER BY c.event_id, c.field", [article_ids],
    ).fetchall()
    pinned = con.execute(
        "SELECT DISTINCT m.incident_id FROM incident_assignments m WHERE m.event_id IN "
        "(SELECT unnest(CAST(? AS VARCHAR[])))", [sorted({*before, *after})],
    ).fetchall()
    removed = [event_id for event_id in before if event_id not in after]
    countries = {event_id: (json.loads(before[event_id]).get("location") or {}).get("country") for event_id in removed}
    corrected = con.execute(
        "SELECT event_id, value FROM event_corrections WHERE field = 'country' AND event_id IN "
        "(SELECT unnest(CAST(? AS VARCHAR[])))", [removed]).fetchall()
    countries.update((event_id, json.loads(value)) for event_id, value in corrected)
    now = changes.utc_now()
    with _transaction(con):
        for event_id, field, value in corrections:
            if field not in FIELDS:  # written by another version: not a column this one corrects
                continue
            con.execute(f"UPDATE events SET {field} = ? WHERE event_id = ?", [from_json(field, value), event_id])
        changes.stamp(con, "added", [e for e in after if e not in before], now)
        changes.stamp(con, "updated", [e for e in after if e in before and before[e] != after[e]], now)
        changes.stamp(con, "deleted", removed, now, "removed", countries)
    if pinned:
        write_manual_incidents(con, [row[0] for row in pinned])


def event_review(con: Connection, event_id: str) -> dict[str, Any]:
    """An event's review: its status, the corrected fields (the analyst's value and when, by whom) and its
    history, oldest first (every change with its before and after values)."""
    status = _statuses(con, [event_id]).get(event_id, "unreviewed")
    corrected = con.execute(
        "SELECT field, value, corrected_at, corrected_by FROM event_corrections WHERE event_id = ? ORDER BY field",
        [event_id],
    ).fetchall()
    history = con.execute(
        f"SELECT {', '.join(LOG_COLUMNS)} FROM review_log WHERE event_id = ? ORDER BY changed_at, field",
        [event_id],
    ).fetchall()

    def entry(row: tuple) -> dict[str, Any]:
        item = dict(zip(LOG_COLUMNS, row, strict=True))
        for key in ("value_before", "value_after"):
            item[key.removeprefix("value_")] = json.loads(item.pop(key)) if item[key] is not None else None
        return item

    return {
        "review_status": status,
        "corrections": {field: {"value": json.loads(value), "corrected_at": at, "corrected_by": who}
                        for field, value, at, who in corrected},
        "history": [entry(row) for row in history],
    }

