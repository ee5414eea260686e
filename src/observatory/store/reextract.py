"""Re-extraction: the current pipeline (with the actor dictionary given) over stored articles, their
events updated in place.

An event found again keeps its id: an article's new events are matched to its stored ones by evidence
span and type, from the strictest key to the loosest (``match_events``); a new event gets the article's
next index, never an id another event had (migration 003); a stored event not found again is removed.
An article whose events come out unchanged is not written. The incidents that hold an event of a changed
article are forgotten and recomputed (``dedupe.release_incidents``, then ``dedupe.dedupe``), which gives
the incidents a full rebuild would. Reviewers' corrections are written back onto the new rows, and an
event a reviewer confirmed, corrected or rejected is kept when it is not found again (``review``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from observatory.models import Document, DocumentResult, Event
from observatory.parallel import Workers, extract_parallel_pairs
from observatory.store.backends import Connection
from observatory.store.changes import incident_memberships, stamp_moves
from observatory.store.dedupe import dedupe, release_incidents
from observatory.store.ingest import Store
from observatory.store.review import reapply, reviewed

BATCH = 64


@dataclass(frozen=True)
class ArticleFilter:
    """Which stored articles to re-read: published (else ingested) between ``since`` and ``until``, and
    with a stored event in ``country`` (ISO 3166 alpha-3)."""

    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None


@dataclass
class ReextractStats:
    """What one re-extraction did."""

    articles: int = 0  # articles re-read
    changed: int = 0  # of those, articles whose events changed
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    kept: int = 0  # events a reviewer confirmed, corrected or rejected, kept though not found again
    incidents: int = 0  # incidents recomputed
    failed: list[str] = field(default_factory=list)  # "ARTICLE_ID: reason" (stored events kept)


def select_articles(con: Connection, article_filter: ArticleFilter) -> list[str]:
    """The ids of the stored articles that ``article_filter`` selects, oldest ingest first."""
    conditions, params = [], []
    day = "coalesce(a.published, CAST(a.ingested_at AS DATE))"
    if article_filter.since is not None:
        conditions.append(f"{day} >= ?")
        params.append(article_filter.since)
    if article_filter.until is not None:
        conditions.append(f"{day} <= ?")
        params.append(article_filter.until)
    if article_filter.country is not None:
        conditions.append("EXISTS (SELECT 1 FROM events e WHERE e.article_id = a.article_id AND e.country = ?)")
        params.append(article_filter.country)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = con.execute(f"SELECT a.article_id FROM articles a {where} ORDER BY a.ingested_at, a.article_id", params)
    return [row[0] for row in rows.fetchall()]


def _span(event: dict) -> tuple[int, int]:
    return event["evidence"]["start"], event["evidence"]["end"]


def _exact(event: dict) -> tuple:
    location = event.get("location") or {}
    return (*_span(event), event["plover_type"], event.get("acled_sub_event_type"), event.get("status"),
            location.get("name"))


def _span_and_type(event: dict) -> tuple:
    return (*_span(event), event["plover_type"])


def _mention_spans(event: dict) -> list[tuple[int, int]]:
    return [_span(event), *((m["start"], m["end"]) for m in event.get("mentions") or [])]


def _overlaps(a: dict, b: dict) -> bool:
    """Same PLOVER type, and a sentence of one overlaps a sentence of the other."""
    return a["plover_type"] == b["plover_type"] and any(
        start < other_end and other_start < end
        for start, end in _mention_spans(a) for other_start, other_end in _mention_spans(b)
    )


def match_events(stored: list[tuple[str, dict]], found: list[dict]) -> list[str | None]:
    """For each found event (as JSON objects), the id of the stored event it is, or None for a new one.

    Passes from the strictest key to the loosest: the same evidence span, type, sub-type, status and
    place; the same span and PLOVER type; the same span; then the same PLOVER type with overlapping
    sentences. In each pass, found events in text order take the first stored event still free."""
    ids: list[str | None] = [None] * len(found)
    free = list(range(len(stored)))
    keys: tuple[Callable[[dict], tuple], ...] = (_exact, _span_and_type, _span)
    for key in keys:
        for position, event in enumerate(found):
            if ids[position] is not None:
                continue
            match = next((i for i in free if key(stored[i][1]) == key(event)), None)
            if match is not None:
                free.remove(match)
                ids[position] = stored[match][0]
    for position, event in enumerate(found):
        if ids[position] is None:
            match = next((i for i in free if _overlaps(stored[i][1], event)), None)
            if match is not None:
                free.remove(match)
                ids[position] = stored[match][0]
    return ids


def _stored_documents(store: Store, article_ids: list[str]) -> Iterator[Document]:
    """The stored articles, read a batch at a time, each as a Document whose id is its article id."""
    for start in range(0, len(article_ids), BATCH):
        for article_id, doc in store.documents(article_ids[start : start + BATCH]):
            yield doc.model_copy(update={"id": article_id})


def _apply(store: Store, pairs: list[tuple[Document, DocumentResult]], stats: ReextractStats) -> None:
    """Compare a batch's new events with the stored ones and write the articles that changed."""
    ids = [doc.id for doc, result in pairs if result.error is None]
    stored = store.stored_events(ids)
    following = store.next_event_indexes(ids)
    keep = reviewed(store.con, [event_id for events in stored.values() for event_id, _ in events])
    changes: dict[str, tuple[list[tuple[str, Event]], int]] = {}
    for doc, result in pairs:
        stats.articles += 1
        if result.error is not None:
            stats.failed.append(f"{doc.id}: {result.error}")
            continue
        old = [(event_id, json.loads(text)) for event_id, text in stored[doc.id]]
        old_json = dict(stored[doc.id])
        new_json = [event.model_dump_json() for event in result.events]
        matched = match_events(old, [json.loads(text) for text in new_json])
        next_index = following.get(doc.id, 0)
        events: list[tuple[str, Event]] = []
        for event, text, event_id in zip(result.events, new_json, matched, strict=True):
            if event_id is None:
                event_id = f"{doc.id}:{next_index}"
                next_index += 1
                stats.added += 1
            elif old_json[event_id] == text:
                stats.unchanged += 1
            else:
                stats.updated += 1
            events.append((event_id, event))
        lost = [event_id for event_id in old_json if event_id not in matched]
        events += [(event_id, Event.model_validate_json(old_json[event_id])) for event_id in lost if event_id in keep]
        removed = sum(event_id not in keep for event_id in lost)
        stats.kept += len(lost) - removed
        stats.removed += removed
        if removed or any(event_id is None or old_json[event_id] != text
                          for event_id, text in zip(matched, new_json, strict=True)):
            changes[doc.id] = (events, next_index)
    if changes:
        stats.changed += len(changes)
        memberships = incident_memberships(store.con, list(changes))
        release_incidents(store.con, list(changes))
        store.replace_events(changes)
        before = {event_id: text for article_id in changes for event_id, text in stored[article_id]}
        after = {event_id: event.model_dump_json() for found, _ in changes.values() for event_id, event in found}
        reapply(store.con, list(changes), before, after)  # the reviewers' corrections win over the new extraction
        stats.incidents += dedupe(store.con).incidents
        stamp_moves(store.con, memberships)  # events of other articles whose incident changed (changes feed)


def reextract(
    store: Store,
    article_ids: list[str],
    actors_file: Path | None = None,
    workers: Workers = 1,
    guard: Callable[[], AbstractContextManager[object]] = nullcontext,
    progress: Callable[[int], None] | None = None,
) -> ReextractStats:
    """Run the current pipeline over the stored articles ``article_ids`` and update their events and
    incidents, a batch at a time. ``guard()`` is entered around each batch's writes (to hold signals);
    ``progress(n)`` is told the number of articles done after each batch."""
    stats = ReextractStats()
    batch: list[tuple[Document, DocumentResult]] = []

    def write() -> None:
        with guard():
            _apply(store, batch, stats)
        batch.clear()
        if progress is not None:
            progress(stats.articles)

    for pair in extract_parallel_pairs(_stored_documents(store, article_ids), workers, BATCH, actors_file):
        batch.append(pair)
        if len(batch) >= BATCH:
            write()
    if batch:
        write()
    return stats
