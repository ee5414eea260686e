"""The store: articles and their events in a DuckDB file or a PostgreSQL database, with idempotent,
transactional ingest. The schema comes from the versioned migrations of ``observatory.store.migrations``.

An article's key is the hash of its normalised text (``normalised_text``): the same words with other
line ends, spacing or Unicode composition are the same article and are stored once. A batch is stored
in one transaction; when the database refuses it, its documents are stored one at a time, so one
document the database cannot hold costs no other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from observatory.config import DEFAULT_DB
from observatory.models import Document, DocumentResult, Event
from observatory.store import backends
from observatory.store.migrations import apply_migrations, is_current

if TYPE_CHECKING:
    from observatory.store.dedupe import DedupeStats

logger = logging.getLogger(__name__)

ARTICLE_COLUMNS = ("article_id", "doc_id", "title", "url", "source", "published", "text", "ingested_at", "text_hash")
BACKFILL_ROWS = 1000

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


def normalised_text(text: str) -> str:
    """The text as hashed: Unicode NFC, every run of whitespace (line ends included) one space, and no
    whitespace at either end."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(text: str) -> str:
    """The article key: the first 16 hex digits of the SHA-256 of its normalised text."""
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()[:16]


@dataclass
class IngestStats:
    """What one ingest added, skipped and could not store."""

    documents: int = 0
    skipped: int = 0
    events: int = 0
    added: set[str] = field(default_factory=set)  # article ids stored by this ingest
    failed: dict[str, str] = field(default_factory=dict)  # article id -> why the database refused it

    def refusals(self, docs: Iterable[Document]) -> list[str]:
        """One line for each of ``docs`` the database refused: "ID: cannot store the document: REASON"."""
        reasons = ((doc.id, self.failed.get(content_hash(doc.text))) for doc in docs)
        return [f"{doc_id}: cannot store the document: {reason}" for doc_id, reason in reasons if reason is not None]

    def merge(self, other: IngestStats) -> None:
        """Add another ingest's numbers to these."""
        self.documents += other.documents
        self.skipped += other.skipped
        self.events += other.events
        self.added |= other.added
        self.failed.update(other.failed)


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
    :class:`observatory.store.backends.PgConnection`)."""

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False) -> None:
        self.path = str(path)
        self.dialect = backends.dialect_of(self.path)
        if self.dialect == "duckdb" and read_only and not Path(self.path).exists():
            raise FileNotFoundError(f"database {self.path} does not exist; run `observatory ingest` first")
        self.con = backends.connect(self.path, read_only=read_only)
        if not read_only:
            apply_migrations(self.con, self.dialect)
            self._fill_text_hashes()
        elif self.dialect == "postgresql" and not self._has_events_table():
            self.con.close()
            raise FileNotFoundError(
                f"PostgreSQL database {backends.redact(self.path)} holds no events table; "
                "run `observatory ingest` first"
            )
        if read_only and not is_current(self.con):
            self._migrate_behind_read_only()

    def _migrate_behind_read_only(self) -> None:
        """A database made by an older observatory, opened to read: apply the newer migrations (the reads
        use their tables) through a writing connection, then read again; one line when it cannot be written."""
        self.con.close()
        try:
            with backends.connect(self.path) as writer:
                apply_migrations(writer, self.dialect)
        except Exception as exc:
            if not isinstance(exc, OSError) and not _is_database_error(exc):
                raise
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConnectionError(
                f"database {backends.redact(self.path)} was made by an older observatory and cannot be brought "
                f"up to date here ({reason}); open it once with write access"
            ) from None
        self.con = backends.connect(self.path, read_only=True)

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
            "SELECT text_hash FROM articles WHERE text_hash IN (SELECT unnest(CAST(? AS VARCHAR[])))",
            [wanted],
        ).fetchall()
        return {row[0] for row in rows}

    def unstored(self, docs: list[Document]) -> list[Document]:
        """The documents of ``docs`` whose text is not stored yet, each text once (its first document):
        what an ingest still has to extract."""
        known = self.known_hashes(content_hash(doc.text) for doc in docs)
        fresh = []
        for doc in docs:
            key = content_hash(doc.text)
            if key not in known:
                known.add(key)
                fresh.append(doc)
        return fresh

    def has_document(self, doc: Document) -> bool:
        """True when a document with the same normalised text is already stored."""
        return bool(self.known_hashes([content_hash(doc.text)]))

    def ingest(self, batch: list[tuple[Document, DocumentResult]]) -> tuple[IngestStats, DedupeStats]:
        """Store a batch (add_batch), then attach its new events to incidents across reports
        (dedupe.dedupe_articles): what every ingest path does."""
        from observatory.store.dedupe import dedupe_articles  # the gazetteer it needs: only when ingesting

        stats = self.add_batch(batch)
        return stats, dedupe_articles(self.con, sorted(stats.added))

    def add_batch(self, batch: list[tuple[Document, DocumentResult]]) -> IngestStats:
        """Store a batch of documents with their events in one transaction; skip known texts. When the
        database refuses the batch, store its documents one at a time; those it refuses are rolled back
        and listed in ``failed`` with the database's reason."""
        try:
            return self._insert(batch)
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            if len(batch) == 1:
                doc = batch[0][0]
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                logger.warning("document %s not stored: %s", doc.id, reason)
                return IngestStats(failed={content_hash(doc.text): reason})
        stats = IngestStats()
        for pair in batch:
            stats.merge(self.add_batch([pair]))
        return stats

    def _insert(self, batch: list[tuple[Document, DocumentResult]]) -> IngestStats:
        """Store the batch's new documents and their events in one transaction."""
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
            articles.append(
                (article_id, doc.id, doc.title, doc.url, doc.source, doc.published, doc.text, now, article_id)
            )
            for index, event in enumerate(result.events):
                events.append(event_row(f"{article_id}:{index}", article_id, event))
            stats.added.add(article_id)
            stats.documents += 1
            stats.events += len(result.events)
        if not articles:
            return stats
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.executemany(
                f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
                articles,
            )
            if events:
                placeholders = ", ".join("?" for _ in EVENT_COLUMNS)
                self.con.executemany(f"INSERT INTO events VALUES ({placeholders})", events)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return stats

    def documents(self, article_ids: list[str]) -> list[tuple[str, Document]]:
        """The stored articles ``article_ids`` as (article id, Document), in the order given."""
        rows = self.con.execute(
            "SELECT article_id, doc_id, text, title, published, url, source FROM articles "
            "WHERE article_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
            [article_ids],
        ).fetchall()
        found = {
            row[0]: Document(id=row[1], text=row[2], title=row[3], published=row[4], url=row[5], source=row[6])
            for row in rows
        }
        return [(article_id, found[article_id]) for article_id in article_ids if article_id in found]

    def stored_events(self, article_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
        """The stored events of each of ``article_ids`` as (event id, event JSON), in evidence order."""
        rows = self.con.execute(
            "SELECT article_id, event_id, event_json FROM events WHERE article_id IN "
            "(SELECT unnest(CAST(? AS VARCHAR[]))) ORDER BY article_id, evidence_start, event_id",
            [article_ids],
        ).fetchall()
        found: dict[str, list[tuple[str, str]]] = {article_id: [] for article_id in article_ids}
        for article_id, event_id, event_json in rows:
            found[article_id].append((event_id, event_json))
        return found

    def next_event_indexes(self, article_ids: list[str]) -> dict[str, int]:
        """The index the next new event of each of ``article_ids`` gets: never the index of an event the
        article holds or held (migration 003)."""
        rows = self.con.execute(
            "SELECT article_id, next_event_index FROM articles "
            "WHERE article_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
            [article_ids],
        ).fetchall()
        following = {article_id: recorded or 0 for article_id, recorded in rows}
        ids = self.con.execute(
            "SELECT article_id, event_id FROM events WHERE article_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
            [article_ids],
        ).fetchall()
        for article_id, event_id in ids:
            index = event_id.rpartition(":")[2]
            if index.isdigit():
                following[article_id] = max(following.get(article_id, 0), int(index) + 1)
        return following

    def replace_events(self, articles: dict[str, tuple[list[tuple[str, Event]], int]]) -> None:
        """Store new events for articles, in one transaction: for each article id, its (event id, Event)
        list, which replaces the article's events, and the index its next new event will get. The new
        rows have no incident yet (``dedupe.dedupe`` gives them one)."""
        if not articles:
            return
        ids = list(articles)
        rows = [event_row(event_id, article_id, event) for article_id, (events, _) in articles.items()
                for event_id, event in events]
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("DELETE FROM events WHERE article_id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [ids])
            if rows:
                placeholders = ", ".join("?" for _ in EVENT_COLUMNS)
                self.con.executemany(f"INSERT INTO events VALUES ({placeholders})", rows)
            self.con.executemany(
                "UPDATE articles SET next_event_index = ? WHERE article_id = ?",
                [(following, article_id) for article_id, (_, following) in articles.items()],
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _fill_text_hashes(self) -> None:
        """Key the articles stored before texts were normalised (migration 002) by their normalised text."""
        while rows := self.con.execute(
            "SELECT article_id, text FROM articles WHERE text_hash IS NULL LIMIT ?", [BACKFILL_ROWS]
        ).fetchall():
            self.con.execute(
                "UPDATE articles SET text_hash = m.text_hash FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS article_id, "
                "unnest(CAST(? AS VARCHAR[])) AS text_hash) m WHERE articles.article_id = m.article_id",
                [[row[0] for row in rows], [content_hash(row[1]) for row in rows]],
            )

    def counts(self) -> dict[str, int]:
        """Numbers of articles and events stored."""
        articles = self.con.execute("SELECT count(*) FROM articles").fetchone()[0]
        events = self.con.execute("SELECT count(*) FROM events").fetchone()[0]
        return {"articles": articles, "events": events}


def _is_database_error(exc: Exception) -> bool:
    """Whether the database refused a statement (a value it cannot hold, a constraint), as DuckDB or
    psycopg report it."""
    import duckdb
    import psycopg

    return isinstance(exc, duckdb.Error | psycopg.Error)
