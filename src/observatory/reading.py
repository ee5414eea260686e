"""Reading inputs: plain-text articles, HTML pages, JSONL document files, directories and stdin."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import trafilatura
from pydantic import ValidationError

from observatory.models import Document

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


@dataclass
class ReadError:
    """A document that could not be read: where it came from and why."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


def _decode(data: bytes, source: str) -> str | ReadError:
    if b"\x00" in data[:8192]:
        return ReadError(source, "binary data, not a text document")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ReadError(source, "unknown text encoding (not UTF-8 or Windows-1252)")


def _parse_published(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _document(
    doc_id: str, text: str, origin: str, line: int | None = None, **fields: object
) -> Document | ReadError:
    if not text.strip():
        return ReadError(origin, "empty text", line)
    try:
        published = _parse_published(fields.pop("published", None))
    except ValueError:
        return ReadError(origin, "'published' is not an ISO date (YYYY-MM-DD)", line)
    try:
        return Document(id=doc_id, text=text, published=published, **fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        return ReadError(origin, f"invalid field {'.'.join(map(str, first['loc']))}: {first['msg']}", line)


def read_jsonl_lines(lines: IO[str] | list[str], source: str) -> Iterator[Document | ReadError]:
    """Documents from JSONL lines ``{"id", "text", "title"?, "published"?, "url"?, "source"?}``."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield ReadError(source, f"invalid JSON ({exc.msg})", number)
            continue
        if not isinstance(record, dict):
            yield ReadError(source, "a line must hold a JSON object", number)
            continue
        text = record.get("text")
        if not isinstance(text, str):
            yield ReadError(source, "missing 'text' string", number)
            continue
        doc_id = str(record.get("id") or f"{Path(source).stem}:{number}")
        fields = {k: record.get(k) for k in ("title", "published", "url", "source") if record.get(k)}
        yield _document(doc_id, text, source, number, **fields)


def read_path(path: Path, published: dt.date | None = None) -> Iterator[Document | ReadError]:
    """Documents from one file or a directory (recursively, supported suffixes only)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        if not files:
            yield ReadError(str(path), "directory holds no .txt, .html or .jsonl files")
        for file in files:
            yield from read_path(file, published)
        return
    source = str(path)
    if not path.exists():
        yield ReadError(source, "no such file or directory")
        return
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES and path.suffix.lower() not in JSONL_SUFFIXES:
            yield ReadError(source, f"file is larger than {MAX_DOCUMENT_BYTES // 2**20} MB")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ReadError(source, f"cannot read file ({exc.strerror})")
        return
    text = _decode(data, source)
    if isinstance(text, ReadError):
        yield text
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        for item in read_jsonl_lines(text.splitlines(), source):
            if isinstance(item, Document) and item.published is None and published:
                item.published = published
            yield item
        return
    if suffix in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        yield _from_html(text, source, path.stem, published)
        return
    yield _document(path.stem, text, source, published=published)


def _from_html(html: str, source: str, doc_id: str, published: dt.date | None) -> Document | ReadError:
    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if extracted is None or not (extracted.text or "").strip():
        return ReadError(source, "no article text found in the HTML page")
    page_date = published
    if page_date is None and extracted.date:
        try:
            page_date = dt.date.fromisoformat(extracted.date[:10])
        except ValueError:
            page_date = None
    return _document(
        doc_id, extracted.text, source, title=extracted.title, url=extracted.url,
        source=extracted.sitename, published=page_date,
    )


def read_inputs(
    paths: list[str], published: dt.date | None = None, stdin: IO[str] | None = None
) -> Iterator[Document | ReadError]:
    """Documents from the command line's paths; "-" reads JSONL from stdin."""
    for name in paths:
        if name == "-":
            if stdin is None:
                yield ReadError("-", "stdin is not available")
                continue
            for item in read_jsonl_lines(stdin, "<stdin>"):
                if isinstance(item, Document) and item.published is None and published:
                    item.published = published
                yield item
        else:
            yield from read_path(Path(name), published)
