"""A client of a running server's ingest API (POST /api/documents): how ``observatory ingest --server URL``
stores documents in a DuckDB file that ``observatory serve`` holds (DuckDB lets one process open it)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from observatory.models import Document

POST_BATCH = 20  # documents per request (the server takes at most 100)
POST_BATCH_BYTES = 4_000_000  # and about this much JSON (the server's default cap is 10 MB)
TIMEOUT_SECONDS = 600.0  # the server extracts a request's documents before it answers


class ServerError(RuntimeError):
    """The server cannot be reached, or refused the request as a whole (token, read-only, not observatory)."""


@dataclass
class PostStats:
    """What the server did with the documents posted."""

    documents: int = 0  # stored
    skipped: int = 0  # already stored
    events: int = 0
    errors: list[str] = field(default_factory=list)  # one line per document the server did not store


def server_url(url: str) -> str:
    """The base URL of a server, checked: http(s)://host[:port][/prefix], without a trailing slash."""
    base = url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(base)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ServerError(f"--server must be an http:// or https:// URL such as http://127.0.0.1:8000, got {url!r}")
    return base


def _batches(docs: Iterable[Document]) -> Iterator[list[Document]]:
    batch: list[Document] = []
    size = 0
    for doc in docs:
        length = len(doc.model_dump_json())
        if batch and (len(batch) >= POST_BATCH or size + length > POST_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(doc)
        size += length
    if batch:
        yield batch


def _post(base: str, token: str, docs: list[Document]) -> tuple[int, dict]:
    """POST one request; the HTTP status and the JSON answer."""
    body = json.dumps({"documents": [doc.model_dump(mode="json") for doc in docs]}).encode("utf-8")
    request = urllib.request.Request(
        f"{base}/api/documents", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) checked
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            answer = json.loads(exc.read())
        except ValueError:
            answer = {}
        return exc.code, answer if isinstance(answer, dict) else {}
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServerError(f"cannot reach the server at {base}: {reason}") from None
    except ValueError:
        raise ServerError(f"{base} did not answer as an observatory server (no JSON)") from None


def _refusal(base: str, status: int, answer: dict) -> str:
    detail = answer.get("detail") if isinstance(answer.get("detail"), str) else f"HTTP {status}"
    if status == 401:
        return f"the server at {base} refused the token: set OBSERVATORY_API_TOKEN to the server's token ({detail})"
    return f"the server at {base} refused the documents: {detail}"


def post_documents(url: str, token: str, docs: Iterable[Document]) -> Iterator[PostStats]:
    """Post ``docs`` to the server at ``url`` in batches; yields what each batch did. A document the server
    refuses alone (too large, unreadable) is reported in ``errors``; a refusal of every request (a wrong
    token, a read-only server, an unreachable one) raises ServerError."""
    base = server_url(url)
    for batch in _batches(docs):
        yield _post_batch(base, token, batch)


def _post_batch(base: str, token: str, batch: list[Document]) -> PostStats:
    status, answer = _post(base, token, batch)
    if status in (413, 422) and len(batch) > 1:  # one document is too large or unreadable: find it
        stats = PostStats()
        for doc in batch:
            single = _post_batch(base, token, [doc])
            stats.documents += single.documents
            stats.skipped += single.skipped
            stats.events += single.events
            stats.errors.extend(single.errors)
        return stats
    if status in (413, 422):
        return PostStats(errors=[f"{batch[0].id}: the server refused it: {answer.get('detail', f'HTTP {status}')}"])
    if status != 200 or not isinstance(answer.get("added"), int):
        raise ServerError(_refusal(base, status, answer))
    return PostStats(
        documents=answer["added"], skipped=answer.get("skipped", 0), events=answer.get("events", 0),
        errors=[str(line) for line in answer.get("errors", [])],
    )
