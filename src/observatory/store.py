"""The store: articles and their events in a DuckDB file or a PostgreSQL database, with idempotent,
transactional ingest. The schema comes from the versioned migrations of ``observatory.migrations``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from observatory import backends
from observatory.migrations import apply_migrations
from observatory.models import Document, DocumentResult, Event

DEFAULT_DB = "observatory.duckdb"

EVENT_COLUMNS = (
    "event_id",
    "article_id",
    "incident_id",
    "plover_type",
    "plover_mode",
    "acled_event_type",
    "acled_sub_event_type",
    "actor1",
    "actor1_country",
    "actor1_sector",
    "inter1",
    "actor2",
    "actor2_country",
    "actor2_sector",
    "inter2",
    "location",
    "location_text",
    "geonameid",
    "latitude",
    "longitude",
    "country",
    "admin1",
    "admin2",
    "geo_precision",
    "date_start",
    "date_end",
    "date_precision",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "injured",
    "abducted",
    "arrested",
    "displaced",
    "participants",
    "status",
    "claimant",
    "attribution_text",
    "evidence_text",
    "evidence_start",
    "evidence_end",
    "confidence",
    "event_json",
)


def content_hash(text: str) -> str:
    """The article key: the first 16 hex digits of the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class IngestStats:
    """What one ingest added and skipped."""

    documents: int = 0
    skipped: int = 0
    events: int = 0


def event_row(event_id: str, article_id: str, event: Event) -> tuple:
    """Flatten one Event into a row of the events table (column order of EVENT_COLUMNS)."""
    a1 = event.actors[0] if event.actors else None
    a2 = event.recipients[0] if event.recipients else None
    loc = event.location
    fat = event.fatalities

    def best(field: str) -> int | None:
        quantity = getattr(event, field)
        return quantity.best if quantity else None

    return (
        event_id,
        article_id,
        None,
        event.plover_type,
        event.plover_mode,
        event.acled_event_type,
        event.acled_sub_event_type,
        a1.name if a1 else None,
        a1.country if a1 else None,
        a1.sector if a1 else None,
        a1.acled_inter if a1 else None,
        a2.name if a2 else None,
        a2.country if a2 else None,
        a2.sector if a2 else None,
        a2.acled_inter if a2 else None,
        loc.name if loc else None,
        loc.text if loc else None,
        loc.geonameid if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        loc.country if loc else None,
        loc.admin1 if loc else None,
        loc.admin2 if loc else None,
        loc.precision if loc else None,
        event.date.start if event.date else None,
        event.date.end if event.date else None,
        event.date.precision if event.date else None,
        fat.best if fat else None,
        fat.low if fat else None,
        fat.high if fat else None,
        best("injured"),
        best("abducted"),
        best("arrested"),
        best("displaced"),
        best("participants"),
        event.status,
        event.attribution.claimant if event.attribution else None,
        event.attribution.text if event.attribution else None,
        event.evidence.text,
        event.evidence.start,
        event.evidence.end,
        event.confidence,
        event.model_dump_json(),
    )


class Store:
    """A database of articles and events: a DuckDB file, or a PostgreSQL database given as a
    ``postgresql://`` URL. ``con`` is the connection (a DuckDB connection, or a DuckDB-like
    :class:`observatory.backends.PgConnection`)."""

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False) -> None:
        self.path = str(path)
        self.dialect = backends.dialect_of(self.path)
        if self.dialect == "duckdb" and read_only and not Path(self.path).exists():
            raise FileNotFoundError(f"database {self.path} does not exist; run `observatory ingest` first")
        self.con = backends.connect(self.path, read_only=read_only)
        if not read_only:
            apply_migrations(self.con, self.dialect)
        elif self.dialect == "postgresql" and not self._has_events_table():
            self.con.close()
            raise FileNotFoundError(
                f"PostgreSQL database {backends.redact(self.path)} holds no events table; "
                "run `observatory ingest` first"
            )

    def _has_events_table(self) -> bool:
        return self.con.execute("SELECT to_regclass('events') IS NOT NULL").fetchone()[0]

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The content hashes among ``hashes`` that are already stored."""
        wanted = list(set(hashes))
        if not wanted:
            return set()
        rows = self.con.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
            [wanted],
        ).fetchall()
        return {row[0] for row in rows}

    def has_document(self, doc: Document) -> bool:
        """True when a document with the same text is already stored."""
        return bool(self.known_hashes([content_hash(doc.text)]))

    def add_batch(self, batch: list[tuple[Document, DocumentResult]]) -> IngestStats:
        """Store a batch of documents with their events in one transaction; skip known texts."""
        stats = IngestStats()
        known = self.known_hashes(content_hash(doc.text) for doc, _ in batch)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        articles: list[tuple] = []
        events: list[tuple] = []
        for doc, result in batch:
            article_id = content_hash(doc.text)
            if article_id in known:
                stats.skipped += 1
                continue
            known.add(article_id)
            articles.append((article_id, doc.id, doc.title, doc.url, doc.source, doc.published, doc.text, now))
            for index, event in enumerate(result.events):
                events.append(event_row(f"{article_id}:{index}", article_id, event))
            stats.documents += 1
            stats.events += len(result.events)
        if not articles:
            return stats
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", articles)
            if events:
                placeholders = ", ".join("?" for _ in EVENT_COLUMNS)
                self.con.executemany(f"INSERT INTO events VALUES ({placeholders})", events)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return stats

    def counts(self) -> dict[str, int]:
        """Numbers of articles and events stored."""
        articles = self.con.execute("SELECT count(*) FROM articles").fetchone()[0]
        events = self.con.execute("SELECT count(*) FROM events").fetchone()[0]
        return {"articles": articles, "events": events}
