"""The REST API and the dashboard: FastAPI over the store (a DuckDB file or a PostgreSQL database).

Reads (the OpenAPI description included) are open unless OBSERVATORY_READ_TOKEN_REQUIRED=1; posting
documents always needs the bearer token OBSERVATORY_API_TOKEN. Bad parameters answer 400 with a message,
never 500. Every GET route answers HEAD too.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import secrets
import signal
import socket
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote_plus

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observatory import __version__
from observatory.config import Settings
from observatory.lexicon.taxonomy import ACLED_EVENT_TYPES, ACLED_SUB_TYPES, PLOVER_TYPES
from observatory.models import Document
from observatory.read.inputs import SUPPORTED_SUFFIXES, ReadError, read_path, text_problem
from observatory.store import changes, queries, review, review_fields
from observatory.store.backends import Connection, is_postgres_url, remove_server_marker, write_server_marker
from observatory.store.dedupe import repair
from observatory.store.export import FORMATS, MEDIA_TYPES, export_events, export_rows
from observatory.store.ingest import Store, content_hash
from observatory.store.migrations import SchemaTooNewError
from observatory.store.queries import EventFilter

WEB_DIR = Path(str(resources.files("observatory") / "serve" / "web"))
MAX_DOCUMENTS_PER_REQUEST = 100
REQUEST_BYTES_FACTOR = 10  # a request may hold up to 10x the per-document limit in total
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PERIOD_KEYS = ("day", "week", "month")
LISTEN_BACKLOG = 2048  # uvicorn's default


class DocumentsIn(BaseModel):
    """The JSON body of POST /api/documents."""

    documents: list[Document] = Field(min_length=1, max_length=MAX_DOCUMENTS_PER_REQUEST)


class ReviewIn(BaseModel):
    """The JSON body of a review action: an optional note kept in the audit log."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=2000)


class CorrectionIn(ReviewIn):
    """The JSON body of a correction: the fields and the analyst's values."""

    fields: dict[str, Any] = Field(min_length=1, max_length=len(review_fields.FIELDS) + 1)


class MergeIn(ReviewIn):
    """The JSON body of a merge: the incidents to merge."""

    incident_ids: list[str] = Field(min_length=2, max_length=MAX_DOCUMENTS_PER_REQUEST)


class SplitIn(ReviewIn):
    """The JSON body of a split: the events taken out of the incident into a new one."""

    event_ids: list[str] = Field(min_length=1, max_length=queries.MAX_LIMIT)


DECISIONS: dict[str, review.Decision] = {"confirm": "confirmed", "reject": "rejected"}


class HeadAsGet:
    """ASGI middleware answering HEAD on every GET route: the GET answer's status and headers, no body.

    FastAPI routes declared with ``@app.get`` answer only GET (405 for HEAD); Starlette's static files
    answer HEAD already and are served the same way here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


def _bad_request(message: str) -> HTTPException:
    return HTTPException(status_code=400, detail=message)


def _validation_message(exc: ValidationError | RequestValidationError) -> str:
    """One readable line from Pydantic errors: "field: message; field: message"."""
    parts = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path")]
        msg = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


def documents_from_json(body: bytes) -> list[Document]:
    """The documents of a JSON body (UTF-8, a BOM allowed); 400 with the reason when it is not valid.

    Pydantic parses the JSON itself, so a body nested too deep is an error like any other, not a crash.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad_request(f"body is not UTF-8 (invalid byte at position {exc.start})") from None
    try:
        return DocumentsIn.model_validate_json(text).documents
    except ValidationError as exc:
        invalid = [e for e in exc.errors() if e["type"] == "json_invalid"]
        if invalid:
            reason = str(invalid[0]["msg"]).removeprefix("Invalid JSON: ")
            raise _bad_request(f"body is not valid JSON ({reason})") from None
        raise _bad_request(_validation_message(exc)) from None


def event_filter(
    plover_type: Annotated[str | None, Query(description="PLOVER event type, e.g. ASSAULT")] = None,
    acled_event_type: Annotated[str | None, Query(description="ACLED event type, e.g. Battles")] = None,
    acled_sub_event_type: Annotated[str | None, Query(description="ACLED sub-event type")] = None,
    actor: Annotated[
        str | None, Query(description="substring of actor1 or actor2, any case, or an alias of a dictionary actor")
    ] = None,
    country: Annotated[str | None, Query(description="ISO 3166 alpha-3 code")] = None,
    admin1: Annotated[str | None, Query(description="first-level region name")] = None,
    since: Annotated[dt.date | None, Query(description="first event date included (YYYY-MM-DD)")] = None,
    until: Annotated[dt.date | None, Query(description="last event date included (YYYY-MM-DD)")] = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat")] = None,
    status: Annotated[
        str, Query(description="occurred (default), failed, planned, ..., or any")
    ] = "occurred",
    q: Annotated[str | None, Query(description="text searched in the evidence sentence")] = None,
    review: Annotated[
        str | None, Query(description="unreviewed, confirmed, corrected, rejected or any (default: all but rejected)")
    ] = None,
    min_confidence: Annotated[float | None, Query(description="lowest confidence included, 0 to 1")] = None,
    limit: Annotated[int, Query(description="page size, 1 to 1000")] = 100,
    offset: Annotated[int, Query(description="rows skipped")] = 0,
) -> EventFilter:
    """The EventFilter of a request's query string; 400 with a message when a value is invalid."""
    values = {
        "plover_type": plover_type,
        "acled_event_type": acled_event_type,
        "acled_sub_event_type": acled_sub_event_type,
        "actor": actor,
        "country": country,
        "admin1": admin1,
        "since": since,
        "until": until,
        "bbox": bbox,
        "status": status,
        "q": q,
        "review": review,
        "min_confidence": min_confidence,
        "limit": limit,
        "offset": offset,
    }
    try:
        return EventFilter(
            **{
                k: (v.strip() or None) if isinstance(v, str) and k != "status" else v
                for k, v in values.items()
            }
        )
    except ValidationError as exc:
        raise _bad_request(_validation_message(exc)) from None


FilterDep = Annotated[EventFilter, Depends(event_filter)]
UnitParam = Annotated[
    Literal["incident", "report"],
    Query(description="incident (default): count each incident once, with its reports; report: every report"),
]
KindParam = Annotated[
    Literal["acled", "verbal", "all"],
    Query(description="acled: units with an ACLED event type; verbal: PLOVER-only units; all: both"),
]
TypesParam = Annotated[
    Literal["acled_type", "type"],
    Query(description="by=map and periods with stack: ACLED event type (acled_type) or PLOVER type (type)"),
]


def db_cursor(request: Request) -> Iterator[Connection]:
    """A cursor (its own database connection) on the app's store for the time of one request."""
    cursor = request.app.state.reader.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


Db = Annotated[Connection, Depends(db_cursor)]


def _safe_filename(name: str) -> str:
    stem, suffix = os.path.splitext(os.path.basename(name or "upload.txt"))
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._") or "upload"
    return f"{stem[:80]}{suffix.lower()}"


def storage_is_read_only(db_path: str) -> bool:
    """True when ``db_path`` is a DuckDB file this process cannot write: on a read-only mount, or without
    write permission on the file or on its folder (where DuckDB writes its write-ahead log)."""
    if is_postgres_url(db_path):
        return False
    path = Path(db_path)
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def create_app(db_path: str, settings: Settings | None = None, read_only: bool = False) -> FastAPI:
    """The FastAPI app over the store at ``db_path`` (created if missing), serving the dashboard at /.

    With ``read_only`` the store is opened read-only (it must exist) and POST /api/documents answers 503.
    """
    settings = settings or Settings.from_env()
    store = Store(db_path, read_only=read_only)
    if not read_only:
        queries.ensure_indexes(store.con)
    write_lock = threading.Lock()
    extractor_lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        yield
        application.state.reader.close()
        application.state.store.close()

    app = FastAPI(
        title="observatory",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, behind the read token when reads need one
        description="Conflict events extracted from news reports. Reads are open unless configured "
        "otherwise; POST /api/documents needs `Authorization: Bearer <OBSERVATORY_API_TOKEN>`.",
    )
    app.state.store = store  # its connection writes (POST /api/documents), under write_lock
    app.state.reader = store.con.cursor()  # requests read through cursors of this second connection
    app.state.settings = settings
    app.state.extractor = None
    app.add_middleware(GZipMiddleware, minimum_size=2048)

    @app.middleware("http")
    async def refuse_nul(request: Request, call_next: Any) -> Any:
        """A NUL character in the path or the query string is no valid value (PostgreSQL cannot compare
        text with one): 400 before any handler runs."""
        query = unquote_plus(request.scope.get("query_string", b"").decode("latin-1"))
        if "\x00" in request.scope["path"] or "\x00" in query:
            return JSONResponse({"detail": "the URL holds a NUL character (%00)"}, status_code=400)
        return await call_next(request)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    app.add_middleware(HeadAsGet)  # outermost: the GET answer is built (and compressed) as for a GET

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=400)

    def check_token(request: Request) -> str:
        """The name of the request's bearer token (the audit log's ``changed_by``): 503 when the server has
        no token, 401 when the request gives none or a wrong one."""
        tokens = settings.tokens()
        if not tokens:
            raise HTTPException(503, "no API token is configured on the server: set OBSERVATORY_API_TOKEN")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        given = token.strip().encode()
        names = [name for name, known in tokens if secrets.compare_digest(given, known.encode())]
        if scheme.lower() != "bearer" or not names:
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})
        return names[0]

    def require_read(request: Request) -> None:
        if settings.read_token_required:
            check_token(request)

    read = [Depends(require_read)]

    @app.get("/openapi.json", dependencies=read, include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/api/meta", dependencies=read)
    def meta(con: Db) -> dict[str, Any]:
        """Vocabularies for filters (the stored countries and admin 1 names among them) and the numbers of
        stored articles and events."""
        articles, events = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)"
        ).fetchone()
        places = {
            column: [value for (value,) in con.execute(
                f"SELECT {column} FROM events WHERE {column} IS NOT NULL UNION "
                f"SELECT {column} FROM incidents WHERE {column} IS NOT NULL ORDER BY 1"
            ).fetchall()]
            for column in ("country", "admin1")
        }
        return {
            "version": __version__,
            "articles": articles,
            "events": events,
            "plover_types": list(PLOVER_TYPES),
            "acled_event_types": list(ACLED_EVENT_TYPES),
            "acled_sub_event_types": list(ACLED_SUB_TYPES),
            "statuses": [*queries.STATUSES, "any"],
            "review_statuses": [*queries.REVIEW_STATUSES, "any"],
            "countries": places["country"],
            "admin1": places["admin1"],
            "export_formats": list(FORMATS),
            "write_enabled": bool(settings.tokens()) and not read_only,
        }

    @app.get("/api/events", dependencies=read)
    def list_events(con: Db, f: FilterDep) -> dict[str, Any]:
        """Events matching the filters, newest first, one page at a time."""
        rows, total = queries.query_events(con, f)
        return {"total": total, "limit": f.limit, "offset": f.offset, "events": rows}

    @app.get("/api/events/{event_id}", dependencies=read)
    def event_detail(con: Db, event_id: str) -> dict[str, Any]:
        """One event with every extracted field, its article text and the evidence offsets."""
        event = queries.get_event(con, event_id)
        if event is None:
            raise HTTPException(404, f"no event {event_id!r}")
        event["review"] = review.event_review(con, event_id)
        return event

    @app.get("/api/incidents/{incident_id}", dependencies=read)
    def incident_detail(con: Db, incident_id: str) -> dict[str, Any]:
        """One incident with its reconciled values and every report of it (source, article, evidence)."""
        incident = queries.get_incident(con, incident_id)
        if incident is None:
            raise HTTPException(404, f"no incident {incident_id!r}")
        return incident

    @app.get("/api/articles", dependencies=read)
    def articles(
        con: Db,
        limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = 100,
        offset: Annotated[int, Query(ge=0, le=queries.MAX_OFFSET)] = 0,
        q: Annotated[str | None, Query(max_length=200, description="text searched in titles")] = None,
    ) -> dict[str, Any]:
        """Stored articles, newest publication first, with their event counts."""
        rows, total = queries.list_articles(con, limit, offset, q)
        return {"total": total, "limit": limit, "offset": offset, "articles": rows}

    @app.get("/api/articles/{article_id}", dependencies=read)
    def article_detail(con: Db, article_id: str) -> dict[str, Any]:
        """One article with its text and its events' evidence offsets."""
        article = queries.get_article(con, article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return article

    @app.get("/api/aggregates", dependencies=read)
    def aggregates(
        con: Db,
        f: FilterDep,
        by: Annotated[
            Literal["day", "week", "month", "type", "acled_type", "country", "admin1", "status", "actor", "grid",
                    "map"],
            Query(description="grouping"),
        ] = "day",
        cell: Annotated[
            float,
            Query(
                ge=queries.MIN_GRID_CELL,
                le=queries.MAX_GRID_CELL,
                allow_inf_nan=False,
                description="grid cell size in degrees (by=grid, by=map), 0.0001 to 90",
            ),
        ] = 1.0,
        unit: UnitParam = "incident",
        kind: KindParam = "all",
        types: TypesParam = "acled_type",
        stack: Annotated[bool, Query(description="periods: per period and type (the types field)")] = False,
        totals: Annotated[bool, Query(description="include the totals (false: leave them out)")] = True,
        extent: Annotated[bool, Query(description="include the located units' count and bounds")] = False,
    ) -> dict[str, Any]:
        """Incident (or report) and fatality counts per day/week/month, type, country, admin1, status, first
        actor or map grid cell; an incident's fatalities are its reconciled toll. ``by=map`` is the
        dashboard's map: cells coloured by their main type, with the details of one-unit cells."""
        if by in PERIOD_KEYS:
            buckets = queries.counts_by_period(con, f, by, unit, kind, types if stack else None)
        elif by == "grid":
            buckets = queries.grid_clusters(con, f, cell, unit, kind)
        elif by == "map":
            buckets = queries.map_cells(con, f, cell, unit, kind, types)
        else:
            buckets = queries.counts_by_field(con, f, by, unit, kind)
        body: dict[str, Any] = {"by": by, "unit": unit, "buckets": buckets}
        if totals:
            body["totals"] = queries.totals(con, f, unit, kind)
        if extent:
            body["extent"] = queries.extent(con, f, unit, kind)
        return body

    @app.get("/api/summary", dependencies=read)
    def summary(con: Db, f: FilterDep, unit: UnitParam = "incident", kind: KindParam = "all",
                types: TypesParam = "acled_type") -> dict[str, Any]:
        """The dashboard's counts in one pass over the matching units: totals, the located units and their
        bounds, the first and last dates, units and fatalities per type, first actor and admin 1, and the
        timeline per period (day, week or month, from the span of dates) and type."""
        return queries.summary(con, f, unit, kind, types)

    @app.get("/api/incidents", dependencies=read)
    def incidents(
        con: Db,
        f: FilterDep,
        unit: UnitParam = "incident",
        kind: KindParam = "all",
        sort: Annotated[
            str, Query(description="COLUMN:asc|desc, COLUMN one of " + ", ".join(queries.UNIT_SORTS))
        ] = "date_start:desc",
    ) -> dict[str, Any]:
        """One page (limit, offset) of the incidents (or reports, with unit=report) matching the filters, each
        with the columns of /api/events (an incident's own values where it has them, its lead report's
        otherwise), ``unit_id``, ``n_reports`` and ``n_events``; sorted by a column, empty values last."""
        try:
            rows, total = queries.list_units(con, f, unit, kind, sort)
        except ValueError as exc:
            raise _bad_request(str(exc)) from None
        return {"total": total, "limit": f.limit, "offset": f.offset, "sort": sort, "rows": rows}

    @app.get("/api/export", dependencies=read)
    def export(
        con: Db,
        f: FilterDep,
        format: Annotated[Literal["csv", "geojson", "parquet"], Query(description="file format")] = "csv",
        kind: Annotated[
            Literal["acled", "verbal", "all"],
            Query(description="acled: events with an ACLED event type; verbal: PLOVER-only events; all: both"),
        ] = "acled",
        raw: Annotated[
            bool,
            Query(description="CSV: text cells as stored, without the quote that stops spreadsheet formulas"),
        ] = False,
        unit: UnitParam = "incident",
    ) -> FileResponse:
        """Every incident (or report, with unit=report) of the kind matching the filters (paging ignored) as
        a CSV, GeoJSON or GeoParquet download, in the columns of docs/codebook.md.

        CSV text cells starting with =, +, -, @, TAB or CR get a leading single quote unless ``raw``.
        """
        fd, path = tempfile.mkstemp(prefix="observatory-export-", suffix=f".{format}")
        try:
            with os.fdopen(fd, "wb") as handle:
                stats = export_events(con, f, format, handle, raw=raw, kind=kind, unit=unit)
        except BaseException:
            os.unlink(path)
            raise
        filename = f"observatory-events-{dt.date.today().isoformat()}.{format}"
        return FileResponse(
            path,
            media_type=MEDIA_TYPES[format],
            filename=filename,
            background=BackgroundTask(os.unlink, path),
            headers={
                "X-Event-Count": str(stats.written),
                "X-Omitted-Without-Coordinates": str(stats.omitted_without_coordinates),
            },
        )

    def get_extractor() -> Any:
        with extractor_lock:
            if app.state.extractor is None:
                from observatory.pipeline import Extractor

                app.state.extractor = Extractor()
            return app.state.extractor

    def ingest(docs: list[Document]) -> dict[str, Any]:
        """Extract and store new documents, then give their events incidents (cross-report dedupe); each
        one's status is what the store did with it: "added", "duplicate" (stored before, by this or another
        request) or "failed" (the database refused it)."""
        extractor = get_extractor()
        article_ids = [content_hash(d.text) for d in docs]
        with write_lock:
            known = store.known_hashes(article_ids)
        pairs, seen, events = [], set(known), {}
        for doc, article_id in zip(docs, article_ids, strict=True):
            if article_id not in seen:
                seen.add(article_id)
                result = extractor.extract(doc)
                pairs.append((doc, result))
                events[article_id] = len(result.events)
        with write_lock:
            stats, _ = store.ingest(pairs)
        report, reported = [], set()
        for doc, article_id in zip(docs, article_ids, strict=True):
            entry: dict[str, Any] = {"id": doc.id, "article_id": article_id, "status": "duplicate", "event_ids": []}
            if article_id in stats.failed:
                entry.update(status="failed", error=f"cannot store the document: {stats.failed[article_id]}")
            elif article_id in stats.added and article_id not in reported:
                entry.update(status="added", event_ids=[f"{article_id}:{i}" for i in range(events[article_id])])
                reported.add(article_id)
            report.append(entry)
        return {
            "added": stats.documents,
            "events": stats.events,
            "skipped": sum(entry["status"] == "duplicate" for entry in report),
            "documents": report,
        }

    def check_size(doc: Document) -> None:
        if len(doc.text.encode("utf-8")) > settings.max_document_bytes:
            raise HTTPException(
                413, f"document {doc.id!r} is larger than {settings.max_document_bytes} bytes"
            )

    async def read_body(request: Request, cap: int) -> bytes:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise HTTPException(413, f"request body is larger than {cap} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def documents_from_upload(name: str, data: bytes) -> list[Document | ReadError]:
        filename = _safe_filename(name)
        if Path(filename).suffix not in SUPPORTED_SUFFIXES:
            return [ReadError(name, "unsupported file type; upload .txt, .html or .jsonl")]
        with tempfile.TemporaryDirectory(prefix="observatory-upload-") as tmp:
            path = Path(tmp) / filename
            path.write_bytes(data)
            items = list(read_path(path))
        for item in items:
            if isinstance(item, ReadError):
                item.source = name
        return items

    def require_writable() -> None:
        if read_only:
            raise HTTPException(503, "the database is open read-only (read-only storage): documents cannot be stored")

    @app.post("/api/documents", dependencies=[Depends(require_writable), Depends(check_token)])
    async def post_documents(request: Request) -> dict[str, Any]:
        """Extract and store documents sent as JSON ``{"documents": [...]}`` or as uploaded files.

        Files may be .txt, .html or .jsonl (multipart/form-data). Already stored texts are skipped.
        """
        cap = settings.max_document_bytes * REQUEST_BYTES_FACTOR
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise HTTPException(413, f"request body is larger than {cap} bytes")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        errors: list[str] = []
        if content_type == "multipart/form-data":
            docs: list[Document] = []
            async with request.form(max_files=MAX_DOCUMENTS_PER_REQUEST) as form:
                uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
                if not uploads:
                    raise _bad_request("multipart request holds no file")
                for upload in uploads:
                    data = await upload.read(settings.max_document_bytes + 1)
                    if len(data) > settings.max_document_bytes:
                        raise HTTPException(
                            413,
                            f"file {upload.filename!r} is larger than {settings.max_document_bytes} bytes",
                        )
                    for item in documents_from_upload(upload.filename or "upload.txt", data):
                        if isinstance(item, ReadError):
                            errors.append(str(item))
                        else:
                            docs.append(item)
        elif content_type in ("application/json", ""):
            docs = documents_from_json(await read_body(request, cap))
        else:
            raise HTTPException(415, "send application/json or multipart/form-data")
        if not docs:
            raise HTTPException(422, "no readable document: " + "; ".join(errors))
        if len(docs) > MAX_DOCUMENTS_PER_REQUEST:
            raise _bad_request(f"at most {MAX_DOCUMENTS_PER_REQUEST} documents per request")
        for doc in docs:
            check_size(doc)
        articles = []
        for doc in docs:  # files were checked by the reader; JSON bodies are checked here, the same way
            problem = text_problem(doc.text)
            if problem:
                errors.append(f"{doc.id}: {problem}")
            else:
                articles.append(doc)
        if not articles:
            raise HTTPException(422, "no readable document: " + "; ".join(errors))
        result = await run_in_threadpool(ingest, articles)
        result["errors"] = errors + [f"{d['id']}: {d['error']}" for d in result["documents"] if d["status"] == "failed"]
        return result

    @app.get("/api/changes", dependencies=read)
    def changes_feed(
        con: Db,
        since: Annotated[str, Query(description="changes after this time: YYYY-MM-DD[THH:MM:SS[+zone]] (UTC) or "
                                                "Unix seconds")],
        limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = queries.MAX_LIMIT,
        offset: Annotated[int, Query(ge=0, le=queries.MAX_OFFSET)] = 0,
    ) -> dict[str, Any]:
        """Events added, updated or deleted after ``since``, oldest first, each with when and, for added
        and updated ones, its export row; ``as_of`` is the next ``since`` to ask with."""
        try:
            moment = changes.parse_moment(since)
        except ValueError as exc:
            raise _bad_request(f"since: {exc}") from None
        as_of = changes.utc_now()
        items, total = changes.changes_since(con, moment, limit, offset)
        present = [item["event_id"] for item in items if item["change"] != "deleted"]
        every = EventFilter(status="any", review="any")
        records = {r["event_id"]: r for r in export_rows(con, every, "all", event_ids=present, unit="report")}
        for item in items:
            item["record"] = records.get(item["event_id"])
        return {"since": moment, "as_of": as_of, "total": total, "limit": limit, "offset": offset, "changes": items}

    def write_review(action: Any) -> Any:
        """Run a review action on the store's writing connection; its errors as 404 or 400."""
        require_writable()
        with write_lock:
            try:
                return action(store.con)
            except review.UnknownTargetError as exc:
                raise HTTPException(404, str(exc)) from None
            except ValueError as exc:
                raise _bad_request(str(exc)) from None

    reviewer = Depends(check_token)  # the token's name, for the audit log

    @app.post("/api/events/{event_id}/{decision}")
    def review_event(
        event_id: str, decision: Literal["confirm", "reject", "restore"], body: ReviewIn | None = None,
        by: str = reviewer,
    ) -> dict[str, Any]:
        """Confirm, reject or restore (undo a rejection of) an event; the event's review with its history."""
        note = body.note if body else None

        def act(con: Connection) -> dict[str, Any]:
            if decision == "restore":
                review.restore(con, event_id, by, note)
            else:
                review.decide(con, "event", event_id, DECISIONS[decision], by, note)
            return {"event_id": event_id, "review": review.event_review(con, event_id)}

        return write_review(act)

    @app.patch("/api/events/{event_id}")
    def correct_event(event_id: str, body: CorrectionIn, by: str = reviewer) -> dict[str, Any]:
        """Correct fields of an event (``{"fields": {"fatalities": 12, ...}, "note": ...}``): the analyst's
        values, kept over re-extraction and deduplication; the event's review with its history."""

        def act(con: Connection) -> dict[str, Any]:
            review.correct(con, "event", event_id, body.fields, by, body.note)
            return {"event_id": event_id, "review": review.event_review(con, event_id)}

        return write_review(act)

    @app.post("/api/incidents/merge")
    def merge_incidents(body: MergeIn, by: str = reviewer) -> dict[str, Any]:
        """Merge incidents into one by hand (``{"incident_ids": [...]}``); the incident kept and its events."""

        def act(con: Connection) -> dict[str, Any]:
            kept = review.merge(con, body.incident_ids, by, body.note)
            return {"incident_id": kept, "event_ids": review.incident_members(con, kept)}

        return write_review(act)

    @app.post("/api/incidents/{incident_id}/split")
    def split_incident(incident_id: str, body: SplitIn, by: str = reviewer) -> dict[str, Any]:
        """Take events out of an incident into a new one (``{"event_ids": [...]}``); both incidents' events."""

        def act(con: Connection) -> dict[str, Any]:
            new = review.split(con, incident_id, body.event_ids, by, body.note)
            return {"incidents": {i: review.incident_members(con, i) for i in (incident_id, new)}}

        return write_review(act)

    @app.post("/api/incidents/{incident_id}/{decision}")
    def review_incident(
        incident_id: str, decision: Literal["confirm", "reject"], body: ReviewIn | None = None,
        by: str = reviewer,
    ) -> dict[str, Any]:
        """Confirm or reject every event of an incident; the events reviewed."""
        note = body.note if body else None
        return write_review(lambda con: {"incident_id": incident_id, "event_ids": review.decide(
            con, "incident", incident_id, DECISIONS[decision], by, note)})

    @app.patch("/api/incidents/{incident_id}")
    def correct_incident(incident_id: str, body: CorrectionIn, by: str = reviewer) -> dict[str, Any]:
        """Correct fields of every event of an incident; the incident is reconciled from them again."""
        return write_review(lambda con: {"incident_id": incident_id, "event_ids": review.correct(
            con, "incident", incident_id, body.fields, by, body.note)})

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (connections wait until the server accepts them), or
    SystemExit with one line saying why it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without, an answer written in two parts (headers, then the body) waits for
    # the client's delayed acknowledgement (Nagle's algorithm), about 40 ms a request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(LISTEN_BACKLOG)
    except (OSError, OverflowError) as exc:
        sock.close()
        if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
            reason = "the port is in use by another program; give another with --port"
        else:
            reason = getattr(exc, "strerror", None) or str(exc)
        raise SystemExit(f"observatory serve: cannot listen on {host}:{port}: {reason}") from None
    return sock


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API and dashboard with uvicorn; prints the dashboard URL once the port is taken.

    A DuckDB file on read-only storage is served read-only, and says so.
    """
    import uvicorn

    read_only = storage_is_read_only(db_path)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise SystemExit(f"observatory serve: {exc}") from None
    sock = _listening_socket(host, port)
    try:
        app = create_app(db_path, settings, read_only=read_only)
    except (ValueError, duckdb.Error, ConnectionError, SchemaTooNewError, FileNotFoundError) as exc:
        sock.close()
        raise SystemExit(f"observatory serve: {exc}") from None
    if read_only:
        print(f"observatory serve: {db_path} is on read-only storage: serving it read-only (no posting)")
    else:  # events stored without incidents (an interrupted ingest, an upgrade) are counted as incidents too
        repair(app.state.store.con)
    shown = f"[{host}]" if ":" in host else host
    print(f"observatory dashboard: http://{shown}:{port}/  (API: /api/events, OpenAPI: /openapi.json)", flush=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    marked = False
    if not is_postgres_url(db_path) and not read_only:  # other commands on the file then name this server
        try:
            write_server_marker(db_path, local_url(host, port))
            marked = True
        except OSError:  # a folder this process cannot write: the lock message names no URL
            pass
    previous = None
    if threading.current_thread() is threading.main_thread():
        # uvicorn shuts down gracefully on SIGTERM, then raises it again: leave through ``finally``
        previous = signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if marked:
            remove_server_marker(db_path)


def _exit_quietly(signum: int, frame: object) -> None:
    """SIGTERM after the server's graceful shutdown: exit with status 0."""
    raise SystemExit(0)


def local_url(host: str, port: int) -> str:
    """The URL a client on this machine reaches a server listening on ``host``:``port`` at."""
    host = host.strip("[]")
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
