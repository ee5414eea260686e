"""Reading inputs: plain-text articles, HTML pages, JSONL document files, directories and stdin.

Nothing read here raises on bad input: every item is a ``Document`` or a ``ReadError`` saying what is
wrong (binary or compressed data, an unknown encoding, broken JSON on line N, a text over the size
limit, a text not in English, a FIFO or device instead of a regular file), so one bad file or line never
stops a batch. ``text_problem`` is the one test of what an article text is, for every input path (files,
stdin, the API, feeds). Invalid bytes in an otherwise UTF-8 text are replaced by U+FFFD with a warning
logged on the ``observatory.read.inputs`` logger.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from pydantic import ValidationError

from observatory.models import Document, storable
from observatory.read.language import foreign_language

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# One document's text, in UTF-8 bytes: 20 times a long news report, about 80 s of extraction on one core.
# Longer texts (a whole book, a log file, a concatenated dump) are rejected rather than left to run for hours.
MAX_DOCUMENT_BYTES = 1_000_000
MAX_HTML_BYTES = 10 * MAX_DOCUMENT_BYTES  # pages carry scripts and markup around their text
MAX_JSONL_LINE_BYTES = 8 * MAX_DOCUMENT_BYTES  # JSON escapes can take up to 6 bytes per character
SNIFF_BYTES = 8192
MAX_CONTROL_SHARE = 0.05  # text has almost no control characters; binary data has about 12%
_SKIP_CHUNK = 1 << 20

_MAGIC = [  # (signature at offset 0, what the data is)
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"(\xb5/\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
]
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_WORD = re.compile(r"[^\W\d_]{2}")
_CONTROL_BYTES = frozenset(range(32)) - set(b"\t\n\r\f\v\x1b") | {127}
_REPLACEMENT_BYTES = "\ufffd".encode()
log = logging.getLogger(__name__)


@dataclass
class ReadError:
    """A document that could not be read: where it came from and why."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def binary_kind(head: bytes) -> str | None:
    """What the opening bytes of a file are when they are not text ("gzip-compressed data"), else None."""
    for signature, kind in _MAGIC:
        if head.startswith(signature):
            return kind
    if _BZIP2.match(head):
        return "bzip2-compressed data"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head or (head and sum(b in _CONTROL_BYTES for b in head) > MAX_CONTROL_SHARE * len(head)):
        return "binary data"
    return None


def _binary_error(source: str, kind: str, line: int | None = None) -> ReadError:
    hint = "; decompress or unpack it first" if "compressed" in kind or "archive" in kind else ""
    return ReadError(source, f"{kind}, not a text document{hint}", line)


def _where(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line is not None else source


def _decode_utf8(data: bytes, source: str, line: int | None) -> str | None:
    """``data`` as UTF-8, invalid bytes replaced (with a warning); None when it is clearly not UTF-8.

    Clearly not UTF-8 means it has no valid multi-byte UTF-8 sequence, or fewer than invalid ones:
    Windows-1252 accents ("défilé") are never valid UTF-8 sequences, UTF-8 accents almost always are.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="replace")
    invalid = text.count("\ufffd") - data.count(_REPLACEMENT_BYTES)
    valid = sum(1 for ch in text if ord(ch) > 127) - text.count("\ufffd")
    if valid < max(invalid, 1):
        return None
    log.warning("%s: %d invalid UTF-8 byte sequence(s) replaced by U+FFFD", _where(source, line), invalid)
    return text


def _decode(data: bytes, source: str, line: int | None = None) -> str | ReadError:
    kind = binary_kind(data[:SNIFF_BYTES])
    if kind is not None:
        return _binary_error(source, kind, line)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return ReadError(source, "invalid UTF-16 text", line)
    text = _decode_utf8(data, source, line)
    if text is not None:
        return text
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return ReadError(source, "unknown text encoding (not UTF-8 or Windows-1252)", line)


def _parse_published(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def text_problem(text: str) -> str | None:
    """Why ``text`` is no article text to extract events from, or None when it is one.

    "empty text" (nothing but white space), "no words in the text" (numbers or symbols only) or
    "not English (detected: ar)". The CLI, ``watch`` and the API all check texts with this.
    """
    if not text.strip():
        return "empty text"
    if not _WORD.search(text):
        return "no words in the text"
    language = foreign_language(text)
    if language is not None:
        return f"not English (detected: {language})"
    return None


def _document(
    doc_id: str, text: str, origin: str, line: int | None = None, **fields: object
) -> Document | ReadError:
    text, doc_id = storable(text), storable(doc_id)
    problem = text_problem(text)
    if problem is not None:
        return ReadError(origin, problem, line)
    fields = {key: storable(value) if isinstance(value, str) else value for key, value in fields.items()}
    size = len(text.encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        return ReadError(
            origin, f"text is {_megabytes(size)}, over the {_megabytes(MAX_DOCUMENT_BYTES)} limit for one document; "
            "split it into articles", line,
        )
    try:
        published = _parse_published(fields.pop("published", None))
    except ValueError:
        return ReadError(origin, "'published' is not an ISO date (YYYY-MM-DD)", line)
    try:
        return Document(id=doc_id, text=text, published=published, **fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        return ReadError(origin, f"invalid field {'.'.join(map(str, first['loc']))}: {first['msg']}", line)


def _jsonl_record(raw: str, source: str, number: int, name: str | None = None) -> Document | ReadError | None:
    """The document of one JSONL line; None for a blank line."""
    if not raw.strip():
        return None
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        return ReadError(source, f"invalid JSON ({exc.msg})", number)
    except RecursionError:
        return ReadError(source, "invalid JSON (nested too deeply)", number)
    if not isinstance(record, dict):
        return ReadError(source, "a line must hold a JSON object", number)
    text = record.get("text")
    if not isinstance(text, str):
        return ReadError(source, "missing 'text' string", number)
    doc_id = str(record.get("id") or f"{name or Path(source).stem}:{number}")
    fields = {k: record.get(k) for k in ("title", "published", "url", "source") if record.get(k)}
    return _document(doc_id, text, source, number, **fields)


def read_jsonl_lines(lines: IO[str] | list[str], source: str) -> Iterator[Document | ReadError]:
    """Documents from JSONL lines ``{"id", "text", "title"?, "published"?, "url"?, "source"?}``."""
    for number, raw in enumerate(lines, start=1):
        item = _jsonl_record(raw, source, number)
        if item is not None:
            yield item


def _capped_lines(handle: BinaryIO, cap: int) -> Iterator[bytes | None]:
    """The lines of a binary file; None stands for a line longer than ``cap`` bytes (skipped unread)."""
    while line := handle.readline(cap + 1):
        if len(line) <= cap or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(_SKIP_CHUNK)
        yield None


def _read_jsonl_stream(handle: BinaryIO, source: str, name: str | None = None) -> Iterator[Document | ReadError]:
    """Documents of JSONL bytes, decoded line by line so one bad line or a large input never stops the rest."""
    for number, raw in enumerate(_capped_lines(handle, MAX_JSONL_LINE_BYTES), start=1):
        if raw is None:
            yield ReadError(source, f"line is longer than {MAX_JSONL_LINE_BYTES:,} bytes", number)
            continue
        text = _decode(raw, source, number)
        item = text if isinstance(text, ReadError) else _jsonl_record(text, source, number, name)
        if item is not None:
            yield item


_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _open_regular(path: Path) -> BinaryIO | str:
    """``path`` opened for reading when it is a regular file (after symbolic links), else what it is.

    Opened without blocking, so that a FIFO with no writer is told rather than waited for.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return os.fdopen(fd, "rb")
    os.close(fd)
    return next((kind for test, kind in _SPECIAL_FILES if test(mode)), "not a regular file")


def _read_jsonl_file(handle: BinaryIO, source: str, name: str) -> Iterator[Document | ReadError]:
    """Documents of a JSONL file, streamed so a large file never sits in memory."""
    kind = binary_kind(handle.read(SNIFF_BYTES))
    if kind is not None:
        yield _binary_error(source, kind)
        return
    handle.seek(0)
    yield from _read_jsonl_stream(handle, source, name)


def _size_limit(suffix: str) -> int:
    return MAX_HTML_BYTES if suffix in HTML_SUFFIXES else MAX_DOCUMENT_BYTES


def _read_file(path: Path, handle: BinaryIO, published: dt.date | None, name: str) -> Iterator[Document | ReadError]:
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        for item in _read_jsonl_file(handle, source, name):
            if isinstance(item, Document) and item.published is None and published:
                item.published = published
            yield item
        return
    limit = _size_limit(suffix)
    data = handle.read(limit + 1)  # never more, whatever the file says its size is
    if len(data) > limit:
        size = max(os.fstat(handle.fileno()).st_size, len(data))
        yield ReadError(
            source, f"file is {_megabytes(size)}, over the {_megabytes(limit)} limit for one document; "
            "split it into articles (one JSONL line each)",
        )
        return
    text = _decode(data, source)
    if isinstance(text, ReadError):
        yield text
    elif suffix in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        yield _from_html(text, source, name, published)
    else:
        yield _document(name, text, source, published=published)


def document_name(path: Path, root: Path | None = None) -> str:
    """The id a file gives its document: its path from ``root`` (the directory read, or the folder
    holding every input of a run) without the suffix, so that ``a/report.txt`` and ``b/report.txt``
    differ; a file read on its own gives its stem."""
    if root is None:
        return path.stem
    relative = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root)))
    return relative.with_suffix("").as_posix()


def common_root(paths: list[Path]) -> Path | None:
    """The folder that holds all the existing ``paths`` (a directory counts as its own folder), by which
    their files are named; None when there are none."""
    folders = [os.path.abspath(p if p.is_dir() else p.parent) for p in paths if p.exists()]
    return Path(os.path.commonpath(folders)) if folders else None


def read_path(path: Path, published: dt.date | None = None, root: Path | None = None) -> Iterator[Document | ReadError]:
    """Documents from one file or a directory (recursively, supported suffixes only). A file of a
    directory is named by its path from ``root`` (default: the directory), see ``document_name``.

    Only regular files are read (symbolic links to them too); a FIFO, a device or a socket is one error.
    """
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES and not p.is_dir())
        if not files:
            yield ReadError(str(path), "directory holds no .txt, .html or .jsonl files")
        for file in files:
            yield from read_path(file, published, root or path)
        return
    if not path.exists():
        message = "broken symbolic link" if path.is_symlink() else "no such file or directory"
        yield ReadError(str(path), message)
        return
    try:
        handle = _open_regular(path)
        if isinstance(handle, str):
            yield ReadError(str(path), f"{handle}, not a regular file; skipped")
            return
        with handle:
            yield from _read_file(path, handle, published, document_name(path, root))
    except OSError as exc:
        yield ReadError(str(path), f"cannot read file ({exc.strerror or exc})")


def _from_html(html: str, source: str, doc_id: str, published: dt.date | None) -> Document | ReadError:
    import trafilatura  # only HTML inputs need it

    try:
        extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # a parser failure on one malformed page must not stop a batch
        return ReadError(source, f"malformed HTML page ({type(exc).__name__})")
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
    """Documents from the command line's paths; "-" reads JSONL from stdin. Files are named by their path
    from the folder that holds every input (``common_root``), so no two files of a run share an id."""
    root = common_root([Path(name) for name in paths if name != "-"])
    for name in paths:
        if name == "-":
            if stdin is None:
                yield ReadError("-", "stdin is not available")
                continue
            buffer = getattr(stdin, "buffer", None)  # bytes, so that invalid UTF-8 is one line's error
            items = _read_jsonl_stream(buffer, "<stdin>") if buffer else read_jsonl_lines(stdin, "<stdin>")
            for item in items:
                if isinstance(item, Document) and item.published is None and published:
                    item.published = published
                yield item
        else:
            yield from read_path(Path(name), published, root)
