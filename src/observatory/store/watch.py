"""The watcher: ingest new items of RSS/Atom feeds and new files of folders, on a schedule, resuming
where it stopped (what was ingested is recorded in the ``watch_state`` table of the database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import feedparser
import trafilatura

from observatory.models import Document
from observatory.read.inputs import SUPPORTED_SUFFIXES, ReadError, read_path, text_problem
from observatory.store.dedupe import repair
from observatory.store.ingest import Store
from observatory.store.shutdown import GracefulShutdown

if TYPE_CHECKING:
    from observatory.pipeline import Extractor

log = logging.getLogger(__name__)

BATCH = 64
FETCH_TIMEOUT_S = 15.0
MAX_FETCH_BYTES = 5 * 1024 * 1024
USER_AGENT = "observatory-watch/0.1 (+https://github.com/observatory)"

WATCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_state (
    source    VARCHAR NOT NULL,   -- the feed URL or path, or the watched folder
    item_key  VARCHAR NOT NULL,   -- feed: the entry id (guid, else link); folder: path|mtime_ns|size
    seen_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (source, item_key)
);
"""


@dataclass
class WatchStats:
    """What one watch pass did."""

    items: int = 0  # new feed entries and files seen
    documents: int = 0  # articles stored
    skipped: int = 0  # articles already in the database (same text)
    events: int = 0
    incidents: int = 0  # incidents written by the incremental deduplication
    errors: list[str] = field(default_factory=list)


@dataclass
class _Item:
    """A new feed entry or file: its documents and the state row that marks it seen."""

    source: str
    key: str
    documents: list[Document]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the watch_state table if it is missing."""
    con.execute(WATCH_SCHEMA)


def read_feed_list(path: Path) -> list[str]:
    """Feed URLs or local feed files, one a line; blank lines and '#' comments are ignored."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def fetch(url: str, timeout: float = FETCH_TIMEOUT_S, limit: int = MAX_FETCH_BYTES) -> bytes:
    """The body of an HTTP(S) URL, refusing more than ``limit`` bytes; raises OSError on failure."""
    if not url.lower().startswith(("http://", "https://")):
        raise OSError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
        body = response.read(limit + 1)
    if len(body) > limit:
        raise OSError(f"{url}: response larger than {limit} bytes")
    return body


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment or page (paragraphs on their own lines); plain text unchanged."""
    if "<" not in html:
        return html.strip()
    wrapped = html if "<html" in html[:500].lower() else f"<html><body>{html}</body></html>"
    text = trafilatura.extract(wrapped, include_comments=False) or trafilatura.html2txt(wrapped)
    return (text or "").strip()


def _entry_date(entry: feedparser.FeedParserDict) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


def _entry_key(entry: feedparser.FeedParserDict) -> str | None:
    """The entry's guid, else its link, else a hash of its title and summary; None for an empty entry."""
    key = entry.get("id") or entry.get("link")
    if key:
        return key
    body = (entry.get("title") or "") + "\n" + (entry.get("summary") or "")
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16] if body.strip() else None


def _entry_text(entry: feedparser.FeedParserDict, fetch_links: bool) -> tuple[str, str | None]:
    """The entry's text (the linked page when fetched, else its content or summary) and its site name."""
    link = entry.get("link")
    if fetch_links and link:
        try:
            page = fetch(link).decode("utf-8", errors="replace")
            extracted = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False)
            if extracted is not None and (extracted.text or "").strip():
                return extracted.text.strip(), extracted.sitename
            log.warning("%s: no article text in the linked page; using the feed text", link)
        except (OSError, ValueError) as exc:
            log.warning("%s: cannot fetch the linked page (%s); using the feed text", link, exc)
    content = entry.get("content") or []
    html = content[0].get("value", "") if content else entry.get("summary", "")
    return html_to_text(html or ""), None


def _load_feed(location: str) -> feedparser.FeedParserDict:
    if location.lower().startswith(("http://", "https://")):
        return feedparser.parse(fetch(location))
    path = Path(location).expanduser()
    if not path.is_file():
        raise OSError(f"no such feed file: {location}")
    return feedparser.parse(path.read_bytes())


def feed_items(
    location: str, seen: set[str], fetch_links: bool, errors: list[str]
) -> Iterator[_Item]:
    """New entries of one feed as documents; malformed entries are reported in ``errors`` and skipped."""
    try:
        feed = _load_feed(location)
    except (OSError, ValueError) as exc:
        errors.append(f"{location}: cannot read the feed ({exc})")
        return
    if feed.bozo and not feed.entries:
        errors.append(f"{location}: not a readable RSS or Atom feed ({feed.get('bozo_exception')})")
        return
    site = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, start=1):
        key = _entry_key(entry)
        if key is None:
            errors.append(f"{location}: entry {number} is empty (no id, link, title or text); skipped")
            continue
        if key in seen:
            continue
        text, sitename = _entry_text(entry, fetch_links)
        title = (entry.get("title") or "").strip() or None
        problem = text_problem(text)
        if problem is not None:
            errors.append(f"{location}: entry {key}: {problem}; skipped")
            yield _Item(location, key, [])
            continue
        document = Document(
            id=key, text=text, title=title, url=entry.get("link"), source=sitename or site,
            published=_entry_date(entry),
        )
        yield _Item(location, key, [document])


def _file_key(path: Path) -> str:
    stat = path.stat()
    return f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}"


def folder_items(folder: Path, seen: set[str], errors: list[str]) -> Iterator[_Item]:
    """New or changed article files of a folder (recursively), as documents."""
    source = str(folder.resolve())
    if not folder.is_dir():
        errors.append(f"{folder}: not a directory")
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES):
        try:
            key = _file_key(path)
        except OSError as exc:
            errors.append(f"{path}: {exc.strerror}")
            continue
        if key in seen:
            continue
        documents = []
        for item in read_path(path, root=folder):
            if isinstance(item, ReadError):
                errors.append(str(item))
            else:
                documents.append(item)
        yield _Item(source, key, documents)


def _seen(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    return {row[0] for row in con.execute("SELECT item_key FROM watch_state WHERE source = ?", [source]).fetchall()}


def _ingest(
    store: Store, items: list[_Item], extractor: Extractor, stats: WatchStats, shutdown: GracefulShutdown
) -> None:
    """Extract the documents whose text is not stored yet, then store them (one transaction),
    deduplicate and mark the items seen, uninterrupted by a polite stop. A document the database refuses
    is reported; it costs no other."""
    read = [doc for item in items for doc in item.documents]
    documents = store.unstored(read)
    stats.skipped += len(read) - len(documents)
    results = list(extractor.extract_many(documents)) if documents else []
    with shutdown.critical():
        if documents:
            added, linked = store.ingest(list(zip(documents, results, strict=True)))
            stats.errors.extend(added.refusals(documents))
            stats.documents += added.documents
            stats.skipped += added.skipped
            stats.events += added.events
            stats.incidents += linked.incidents
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        store.con.executemany(
            "INSERT OR IGNORE INTO watch_state VALUES (?, ?, ?)", [(item.source, item.key, now) for item in items]
        )
    stats.items += len(items)


def _batches(items: Iterator[_Item]) -> Iterator[list[_Item]]:
    batch: list[_Item] = []
    size = 0
    for item in items:
        batch.append(item)
        size += len(item.documents)
        if size >= BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def watch_once(
    db_path: str | Path, feeds_file: Path | None, folders: list[Path], extractor: Extractor,
    fetch_links: bool = False,
) -> WatchStats:
    """One pass: ingest what is new in the feeds of ``feeds_file`` and in ``folders``, in batches."""
    stats = WatchStats()
    feeds = read_feed_list(feeds_file) if feeds_file is not None else []
    with Store(db_path) as store, GracefulShutdown() as shutdown:
        ensure_schema(store.con)
        with shutdown.critical():
            stats.incidents += repair(store.con).incidents  # repair what an interrupted pass left
        for feed in feeds:
            new = feed_items(feed, _seen(store.con, feed), fetch_links, stats.errors)
            for batch in _batches(new):
                _ingest(store, batch, extractor, stats, shutdown)
        for folder in folders:
            new = folder_items(folder, _seen(store.con, str(folder.resolve())), stats.errors)
            for batch in _batches(new):
                _ingest(store, batch, extractor, stats, shutdown)
    for error in stats.errors:
        log.warning(error)
    return stats
