"""The command-line interface: extract, ingest, query, export, evaluate and serve.

Each command imports what it uses when it runs (spaCy, DuckDB, pyarrow, the API server, Dask), so that
``observatory --help`` and the commands that need little start at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from observatory.config import DEFAULT_DB
from observatory.store.shutdown import Terminated
from observatory.terminal import terminal_safe

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.text import Text

    from observatory.models import Document, DocumentResult
    from observatory.parallel import Workers
    from observatory.read.inputs import ReadError
    from observatory.store.backends import Connection
    from observatory.store.ingest import IngestStats, Store
    from observatory.store.queries import EventFilter
    from observatory.store.review import Decision, Target

app = typer.Typer(
    help="observatory: conflict events from news reports, geolocated and source-attributed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

DbOption = Annotated[
    str, typer.Option("--db", help="DuckDB database file, or a postgresql://user@host:port/dbname URL.")
]
PublishedOption = Annotated[
    str | None, typer.Option("--published", help="Publication date (YYYY-MM-DD) for inputs that lack one.")
]
ActorsOption = Annotated[
    Path | None, typer.Option("--actors", help="Extra actor dictionary CSV (same columns as the bundled one).")
]
ClassifierOption = Annotated[
    Path | None,
    typer.Option(
        "--classifier", help="A model from `observatory train` that chooses ACLED sub-types (default: rules only)."
    ),
]
WorkersOption = Annotated[
    str,
    typer.Option(
        "--workers",
        help="Extraction processes, or 'auto': one per core, or this process alone under 200 documents. "
        "Workers start from this process with the model loaded.",
    ),
]
BATCH = 64


def _error(message: object) -> None:
    """Print one error line; the message is printed as plain text, escape sequences taken out."""
    console.print(f"[red]error:[/red] {escape(terminal_safe(str(message)))}")


def _fail(message: str, code: int = 2) -> typer.Exit:
    _error(message)
    return typer.Exit(code)


def _workers(value: str | int) -> Workers:
    """The --workers value: a whole number of at least 1, or 'auto' (else one error line and exit 2)."""
    text = str(value).strip().lower()
    if text == "auto":
        return "auto"
    if not text.isdigit() or int(text) < 1:
        raise _fail(f"--workers must be a whole number of at least 1 or 'auto', got {str(value)!r}")
    return int(text)


class _WarningLines(logging.Handler):
    """Warnings of the readers (invalid UTF-8 bytes replaced, ...) as one line each on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        console.print(f"[yellow]warning:[/yellow] {escape(terminal_safe(record.getMessage()))}")


logging.getLogger("observatory.read.inputs").addHandler(_WarningLines(logging.WARNING))


def _open_output(path: Path, mode: str = "w") -> IO:
    """``path`` opened for writing, or one clear error line and exit 2 (a missing folder, no permission)."""
    try:
        return path.open(mode, encoding="utf-8") if "b" not in mode else path.open(mode)
    except OSError as exc:
        raise _fail(f"cannot write {path}: {exc.strerror or exc}") from None


def _cell(value: object) -> Text:
    """A table cell: the value as plain text (no Rich markup), safe for the terminal."""
    from rich.text import Text

    return Text("" if value is None else terminal_safe(str(value)))


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} must be a date as YYYY-MM-DD, got {value!r}") from None


def _progress() -> Progress:
    """The progress bar of an extraction. It is redrawn when updated, not by a thread of its own: worker
    processes are forked while it shows."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} docs/s"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        auto_refresh=False,
    )


def _batches(items: Iterator[Document | ReadError], errors: list[ReadError]) -> Iterator[list[Document]]:
    from observatory.read.inputs import ReadError

    batch: list[Document] = []
    for item in items:
        if isinstance(item, ReadError):
            _error(item)
            errors.append(item)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _run_extraction(
    paths: list[str],
    published: dt.date | None,
    actors: Path | None,
    workers: Workers = 1,
    keep: Callable[[list[Document]], list[Document]] | None = None,
) -> tuple[Iterator[tuple[Document, DocumentResult]], list[ReadError]]:
    """Read the inputs and extract their events (on ``workers`` processes), with a progress bar.
    ``keep(batch)`` chooses the documents of each batch read that are extracted (ingest: the unstored)."""
    from observatory.parallel import (
        PartitionError,
        WorkerError,
        extract_parallel_pairs,
        is_partition_input,
        read_partitions,
    )
    from observatory.read.inputs import read_inputs

    errors: list[ReadError] = []
    stdin = sys.stdin if "-" in paths else None
    partitions = [p for p in paths if p != "-" and is_partition_input(p)]
    if partitions and len(partitions) != len(paths):
        raise _fail("give either Parquet partitions from `extract --dask` or articles, not both")

    def results() -> Iterator[tuple[Document, DocumentResult]]:
        started = dt.datetime.now()
        done = 0
        if partitions:  # events were extracted already (extract --dask): load them as they are
            pairs = itertools.chain.from_iterable(read_partitions(p) for p in partitions)
        else:
            batches = _batches(read_inputs(paths, published, stdin), errors)
            docs = (doc for batch in batches for doc in (keep(batch) if keep else batch))
            pairs = extract_parallel_pairs(docs, workers, BATCH, actors)
        with _progress() as progress:
            task = progress.add_task("extracting", total=None, rate="0.0")
            try:
                for pair in pairs:
                    yield pair
                    done += 1
                    if done % 16 == 0:
                        elapsed = max((dt.datetime.now() - started).total_seconds(), 1e-6)
                        progress.update(task, completed=done, rate=f"{done / elapsed:.1f}", refresh=True)
            except (WorkerError, PartitionError) as exc:
                raise _fail(str(exc)) from None
            progress.update(task, completed=done, refresh=True)

    return results(), errors


@app.command()
def extract(
    paths: Annotated[
        list[str], typer.Argument(help="Files or directories (.txt, .html, .jsonl); '-' reads JSONL from stdin.")
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write JSONL here (default stdout); with --dask, a directory."),
    ] = None,
    published: PublishedOption = None,
    actors: ActorsOption = None,
    workers: WorkersOption = "1",
    classifier: ClassifierOption = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="Extract on a Dask cluster: its scheduler address, or 'local' for one here."),
    ] = None,
    partition_size: Annotated[int, typer.Option(help="Documents per Parquet partition with --dask.")] = 256,
) -> None:
    """Extract events from articles and write one JSON line per document (or Parquet partitions with --dask)."""
    pub = _parse_date(published, "--published")
    processes = _workers(workers)
    _check_actors(actors)
    _use_classifier(classifier)
    if dask is not None:
        from observatory.parallel import available_cores

        cluster_size = available_cores() if processes == "auto" else processes
        _extract_on_dask(paths, dask, output, partition_size, max(cluster_size, 2), actors, pub)
        return
    sink = _open_output(output) if output else sys.stdout
    results, errors = _run_extraction(paths, pub, actors, processes)
    count = failed = 0
    try:
        for _, result in results:
            if result.error:
                _error(f"{result.id}: {result.error}")
                failed += 1
            line = result.model_dump_json(exclude={"error"} if result.error is None else set())
            if sink is sys.stdout and _stdout_is_terminal():  # the same JSON, every non-ASCII character escaped
                line = json.dumps(json.loads(line), separators=(",", ":"))
            sink.write(line + "\n")
            count += 1
        for error in errors:
            sink.write(
                json.dumps({"id": f"{error.source}:{error.line or 0}", "events": [], "error": str(error)}) + "\n"
            )
    finally:
        if output:
            sink.close()
    console.print(f"{count - failed} documents extracted, {len(errors) + failed} failed")
    if errors or failed:
        raise typer.Exit(1)


def _check_actors(actors: Path | None) -> None:
    """Read a user actor file once before any work: a bad one is one error line naming the file, line and
    problem, and exit 2."""
    if actors is None:
        return
    from observatory.lexicon.actor_file import ActorFileError, read_actor_csv

    try:
        read_actor_csv(actors)
    except ActorFileError as exc:
        raise _fail(str(exc)) from None


def _use_classifier(classifier: Path | None) -> None:
    """Make a trained model the sub-type chooser of every extractor, in this process and in workers."""
    if classifier is None:
        return
    from observatory.pipeline import CLASSIFIER_ENV
    if not (classifier / "config.cfg").exists():
        raise _fail(f"--classifier {classifier}: not a model directory written by `observatory train`")
    os.environ[CLASSIFIER_ENV] = str(classifier.resolve())


def _extract_on_dask(
    paths: list[str],
    scheduler: str,
    output: Path | None,
    partition_size: int,
    workers: int,
    actors: Path | None,
    published: dt.date | None,
) -> None:
    from observatory.parallel import WorkerError, extract_dask

    if output is None:
        raise _fail("--dask needs -o DIR: the directory to write Parquet partitions to")
    try:
        stats = extract_dask(paths, scheduler, output, partition_size, workers, actors, published)
    except (WorkerError, FileExistsError, OSError) as exc:
        raise _fail(str(exc)) from None
    for message in stats.read_errors:
        _error(message)
    console.print(
        f"{stats.documents} documents in {stats.partitions} partitions under {output} ({stats.events} events, "
        f"{stats.failed} failed extraction, {len(stats.read_errors)} unreadable) in {stats.seconds:.1f} s; "
        f"load them with `observatory ingest {output}`"
    )
    if stats.failed or stats.read_errors:
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files or directories (.txt, .html, .jsonl); '-' reads JSONL from stdin.")
    ],
    db: DbOption = DEFAULT_DB,
    published: PublishedOption = None,
    actors: ActorsOption = None,
    workers: WorkersOption = "1",
    classifier: ClassifierOption = None,
    server: Annotated[
        str | None,
        typer.Option(
            "--server",
            help="Post the documents to a running `observatory serve` at this URL (its POST /api/documents, "
            "with the token in $OBSERVATORY_API_TOKEN) instead of opening the database: the way to ingest "
            "into a DuckDB file the server holds. The server extracts; --db is not used.",
        ),
    ] = None,
) -> None:
    """Extract events and store articles and events in the database (a document seen before is skipped).

    A document whose text is stored already is skipped before extraction, so re-ingesting costs little.
    A directory or file of Parquet partitions written by `extract --dask` is stored without extracting again.
    """
    from observatory.store.backends import redact
    from observatory.store.dedupe import repair
    from observatory.store.ingest import IngestStats
    from observatory.store.shutdown import GracefulShutdown

    pub = _parse_date(published, "--published")
    processes = _workers(workers)
    if server is not None:
        if actors is not None or classifier is not None or processes != 1:
            raise _fail("--server: the server extracts with its own settings; drop --actors, --classifier, --workers")
        _ingest_through_server(paths, pub, server)
        return
    _check_actors(actors)
    _use_classifier(classifier)
    total = IngestStats()
    with _open_store(db) as store, GracefulShutdown() as shutdown:
        with shutdown.critical():
            repair(store.con)  # events an interrupted run (or the API) stored get their incidents first

        def unstored(batch: list[Document]) -> list[Document]:
            fresh = store.unstored(batch)
            total.skipped += len(batch) - len(fresh)
            return fresh

        results, errors = _run_extraction(paths, pub, actors, processes, keep=unstored)
        batch: list[tuple[Document, DocumentResult]] = []
        failed = 0
        for pair in results:
            if pair[1].error:  # not stored, so that a later run retries it
                _error(f"{pair[0].id}: {pair[1].error}")
                failed += 1
                continue
            batch.append(pair)
            if len(batch) >= BATCH:
                with shutdown.critical():
                    failed += _add(store, batch, total)
                batch = []
        with shutdown.critical():
            failed += _add(store, batch, total)
        counts = store.counts()
    console.print(
        f"ingested {total.documents} documents ({total.events} events); skipped {total.skipped} already stored; "
        f"{len(errors) + failed} failed. Database {redact(db)}: {counts['articles']} articles, "
        f"{counts['events']} events."
    )
    if errors or failed:
        raise typer.Exit(1)


def _ingest_through_server(paths: list[str], published: dt.date | None, server: str) -> None:
    """``ingest --server``: read the inputs and post them to the server's ingest API, with a progress bar."""
    from observatory.read.inputs import read_inputs
    from observatory.serve.client import ServerError, post_documents, server_url

    token = os.environ.get("OBSERVATORY_API_TOKEN", "").strip()
    try:
        base = server_url(server)
    except ServerError as exc:
        raise _fail(str(exc)) from None
    if not token:
        raise _fail(f"--server {base}: set OBSERVATORY_API_TOKEN to the server's write token")
    errors: list[ReadError] = []
    stored = skipped = events = failed = 0
    docs = (doc for batch in _batches(read_inputs(paths, published, sys.stdin if "-" in paths else None), errors)
            for doc in batch)
    with _progress() as progress:
        task = progress.add_task(f"posting to {base}", total=None, rate="0.0")
        started = time.perf_counter()
        try:
            for stats in post_documents(base, token, docs):
                for line in stats.errors:
                    _error(line)
                stored, skipped, events = stored + stats.documents, skipped + stats.skipped, events + stats.events
                failed += len(stats.errors)
                done = stored + skipped + failed
                rate = f"{done / max(time.perf_counter() - started, 1e-6):.1f}"
                progress.update(task, completed=done, rate=rate, refresh=True)
        except ServerError as exc:
            raise _fail(f"{exc} ({stored} documents stored before)", 1) from None
    console.print(
        f"ingested {stored} documents ({events} events) through {base}; skipped {skipped} already stored; "
        f"{len(errors) + failed} failed."
    )
    if errors or failed:
        raise typer.Exit(1)


def _add(store: Store, batch: list[tuple[Document, DocumentResult]], total: IngestStats) -> int:
    """Store one batch in one transaction, then attach its events to incidents (cross-report dedupe);
    the number of documents the database refused (each reported)."""
    if not batch:
        return 0
    stats, _ = store.ingest(batch)
    for line in stats.refusals(doc for doc, _ in batch):
        _error(line)
    total.merge(stats)
    return len(stats.failed)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the schema to this file.")] = None,
) -> None:
    """Print the JSON Schema of the output contract (one document's result)."""
    from observatory.models import DocumentResult

    text = json.dumps(DocumentResult.model_json_schema(), indent=2) + "\n"
    if output:
        with _open_output(output) as handle:
            handle.write(text)
    else:
        typer.echo(text, nl=False)


TypeOption = Annotated[
    str | None, typer.Option("--type", help="PLOVER type (ASSAULT) or ACLED event/sub-event type.")
]
CountryOption = Annotated[str | None, typer.Option(help="ISO 3166 alpha-3 country code, e.g. SYR.")]
Admin1Option = Annotated[str | None, typer.Option(help="First-level region name (any case), e.g. Borno.")]
SinceOption = Annotated[str | None, typer.Option(help="First date included (YYYY-MM-DD).")]
UntilOption = Annotated[str | None, typer.Option(help="Last date included (YYYY-MM-DD).")]
ActorOption = Annotated[
    str | None,
    typer.Option(
        help="Text found in the first actor or recipient name, or an alias of a dictionary actor (ISWAP, Houthi)."
    ),
]
StatusOption = Annotated[
    str, typer.Option(help="occurred (default), failed, planned, hypothetical, negated, historical or any.")
]
BboxOption = Annotated[
    str | None, typer.Option(help="min_lon,min_lat,max_lon,max_lat (min_lon > max_lon crosses the antimeridian).")
]
TextOption = Annotated[str | None, typer.Option("--q", help="Text searched in the evidence sentence.")]
ReviewOption = Annotated[
    str | None,
    typer.Option("--review", help="unreviewed, confirmed, corrected, rejected or any (default: all but rejected)."),
]
MinConfidenceOption = Annotated[
    float | None, typer.Option("--min-confidence", help="Lowest confidence included, 0 to 1.")
]


@app.command()
def events(
    db: DbOption = DEFAULT_DB,
    type_: TypeOption = None,
    country: CountryOption = None,
    admin1: Admin1Option = None,
    since: SinceOption = None,
    until: UntilOption = None,
    actor: ActorOption = None,
    status: StatusOption = "occurred",
    bbox: BboxOption = None,
    q: TextOption = None,
    review: ReviewOption = None,
    min_confidence: MinConfidenceOption = None,
    limit: Annotated[
        int | None,
        typer.Option(help="Most events to show: table and json 1-1000 (default 100), csv any (default all)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="table, json (the API's rows) or csv (the export's columns).")
    ] = "table",
) -> None:
    """Query stored events, newest first; csv writes the columns of `export` (every kind of event)."""
    from rich.table import Table

    from observatory.store.queries import query_events

    if fmt not in ("table", "json", "csv"):
        raise _fail(f"--format must be table, json or csv, got {fmt!r}")
    if limit is not None and limit < 1:
        raise _fail(f"--limit must be at least 1, got {limit}")
    if fmt == "csv":
        event_filter = _filter(type_, country, admin1, since, until, actor, status, bbox, q, review=review,
                               min_confidence=min_confidence)
        _events_csv(db, event_filter, limit)
        return
    event_filter = _filter(type_, country, admin1, since, until, actor, status, bbox, q, limit or 100, review,
                           min_confidence)
    with _open_store(db, read_only=True) as store:
        rows, total = query_events(store.con, event_filter)
    if fmt == "json":
        typer.echo(json.dumps({"total": total, "events": rows}, default=str, indent=2))
        return
    columns = [
        "event_id",
        "date_start",
        "acled_sub_event_type",
        "plover_type",
        "actor1",
        "actor2",
        "location",
        "country",
        "fatalities",
        "status",
    ]
    table = Table(title=f"{len(rows)} of {total} events")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    out.print(table)


def _events_csv(db: str, event_filter: EventFilter, limit: int | None) -> None:
    """Events as CSV on stdout in the export's columns and dialect, oldest first (at most ``limit``)."""
    from observatory.store.export import export_rows, write_csv

    with _open_store(db, read_only=True) as store:
        records = export_rows(store.con, event_filter, kind="all", limit=limit, unit="report")
        if _stdout_is_terminal():  # the data as it is when piped or redirected, printable on a terminal
            records = ({k: terminal_safe(v) if isinstance(v, str) else v for k, v in r.items()} for r in records)
        stream = typer.get_binary_stream("stdout")
        write_csv(records, stream)
        stream.flush()


def _filter(
    type_: str | None,
    country: str | None,
    admin1: str | None,
    since: str | None,
    until: str | None,
    actor: str | None,
    status: str,
    bbox: str | None,
    q: str | None,
    limit: int = 1,
    review: str | None = None,
    min_confidence: float | None = None,
) -> EventFilter:
    """The EventFilter of the command-line filters (the API's), or one error line and exit 2."""
    from pydantic import ValidationError

    from observatory.lexicon.taxonomy import ACLED_EVENT_TYPES, ACLED_SUB_TYPES
    from observatory.store.queries import EventFilter

    fields: dict[str, object] = {
        "country": country,
        "admin1": admin1,
        "actor": actor,
        "status": status,
        "bbox": bbox,
        "q": q,
        "limit": limit,
        "since": _parse_date(since, "--since"),
        "until": _parse_date(until, "--until"),
        "review": review,
        "min_confidence": min_confidence,
    }
    if type_ in ACLED_SUB_TYPES:
        fields["acled_sub_event_type"] = type_
    elif type_ in ACLED_EVENT_TYPES:
        fields["acled_event_type"] = type_
    elif type_ is not None:
        fields["plover_type"] = type_
    try:
        return EventFilter(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        raise _fail("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())) from None


def _open_store(db: str, read_only: bool = False) -> Store:
    """The store at ``db`` (a DuckDB file or a postgresql:// URL), or one clear error line and exit 2."""
    from observatory.store.backends import redact
    from observatory.store.ingest import Store
    from observatory.store.migrations import SchemaTooNewError

    try:
        return Store(db, read_only=read_only)
    except (FileNotFoundError, ConnectionError, SchemaTooNewError) as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # DuckDB lock or I/O errors, PostgreSQL errors
        raise _fail(f"cannot open database {redact(db)}: {exc}") from None


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv (ACLED's 31 columns first), geojson or parquet.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (default: events.<format>).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    kind: Annotated[
        str,
        typer.Option(
            help="acled (default): events with an ACLED event type; verbal: PLOVER-only events (statements, "
            "threats, appeals) that ACLED does not record; all: both."
        ),
    ] = "acled",
    type_: TypeOption = None,
    country: CountryOption = None,
    admin1: Admin1Option = None,
    since: SinceOption = None,
    until: UntilOption = None,
    actor: ActorOption = None,
    status: StatusOption = "occurred",
    bbox: BboxOption = None,
    q: TextOption = None,
    unit: Annotated[
        str,
        typer.Option(
            help="incident (default): one row per incident, its reports listed and its counts reconciled; "
            "report: one row per report (stored event)."
        ),
    ] = "incident",
    review: ReviewOption = None,
    min_confidence: MinConfidenceOption = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            help="The changes feed, one row per report: the events added or updated after this time "
            "(YYYY-MM-DD[THH:MM:SS], UTC, or Unix seconds), then those deleted since; a `change` column says "
            "which (csv or parquet; --unit is not used).",
        ),
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="CSV: write text cells as stored, without the single quote put before a leading =, +, -, @, "
            "TAB or CR to keep spreadsheets from running them as formulas.",
        ),
    ] = False,
) -> None:
    """Write every incident (or, with --unit report, every report) matching the filters (occurred ones of an
    ACLED type by default) as CSV, GeoJSON or GeoParquet, oldest first; the columns are described in
    docs/codebook.md."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from observatory.store.export import FORMATS, KINDS, count_rows, export_events
    from observatory.store.queries import UNITS

    if fmt not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if kind not in KINDS:
        raise _fail(f"--kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if unit not in UNITS:
        raise _fail(f"--unit must be one of {', '.join(UNITS)}, got {unit!r}")
    event_filter = _filter(type_, country, admin1, since, until, actor, status, bbox, q, review=review,
                           min_confidence=min_confidence)
    target = output or Path(f"events.{fmt}")
    if changed_since is not None:
        _export_changes(db, event_filter, fmt, kind, changed_since, target, raw)
        return
    with _open_store(db, read_only=True) as store:
        total = count_rows(store.con, event_filter, kind, unit)  # type: ignore[arg-type]
        progress = Progress(
            TextColumn("[bold]exporting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, disable=not console.is_terminal,
        )
        with _open_output(target, "wb") as handle, progress:
            task = progress.add_task("export", total=total)
            stats = export_events(
                store.con, event_filter, fmt, handle, raw=raw, kind=kind,  # type: ignore[arg-type]
                advance=lambda rows: progress.advance(task, rows), unit=unit,  # type: ignore[arg-type]
            )
    note = (
        f"; {stats.omitted_without_coordinates} without coordinates left out"
        if stats.omitted_without_coordinates
        else ""
    )
    console.print(f"wrote {stats.written} {'incidents' if unit == 'incident' else 'reports'} to {target}{note}")


def _export_changes(
    db: str, event_filter: EventFilter, fmt: str, kind: str, changed_since: str, target: Path, raw: bool
) -> None:
    """``export --changed-since``: the changes feed in the export's columns and a ``change`` column."""
    from observatory.store.changes import CHANGE_FIELDS, change_records, parse_moment
    from observatory.store.export import write_records

    if fmt == "geojson":
        raise _fail("--changed-since writes csv or parquet: a deleted event has no point for GeoJSON")
    try:
        since = parse_moment(changed_since)
    except ValueError as exc:
        raise _fail(f"--changed-since: {exc}") from None
    with _open_store(db, read_only=True) as store, _open_output(target, "wb") as handle:
        records = change_records(store.con, event_filter, kind, since)  # type: ignore[arg-type]
        counted: dict[str, int] = {"added": 0, "updated": 0, "deleted": 0}

        def count(rows: Iterator[dict]) -> Iterator[dict]:
            for row in rows:
                counted[row["change"]] += 1
                yield row

        write_records(fmt, count(records), handle, raw, CHANGE_FIELDS)
    console.print(
        f"wrote the changes since {since.isoformat(sep=' ')} UTC to {target}: {counted['added']} added, "
        f"{counted['updated']} updated, {counted['deleted']} deleted"
    )


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL (../shared/eval format) or an ACLED CSV export.")],
    pred: Annotated[
        Path | None, typer.Option("--pred", help="Predictions from `observatory extract` (default: run extraction).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N records.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score extraction against annotated data: type, actor, location, date and count accuracy."""
    from observatory.evaluate.gold import EvalInputError
    from observatory.evaluate.records import evaluate_file
    from observatory.evaluate.report import render_report

    try:
        report = evaluate_file(gold, pred, limit=limit, progress=not as_json)
    except EvalInputError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), default=str, indent=2))
    else:
        render_report(report, out)


class TrainTask(StrEnum):
    """Which classifier ``train`` trains."""

    events = "events"
    incidents = "incidents"


@app.command()
def train(
    data: Annotated[Path, typer.Argument(help="Labelled sentences as JSONL (format: docs/training-data.md).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Directory to write the model to.")],
    epochs: Annotated[int, typer.Option(help="Training passes over the data.")] = 25,
    task: Annotated[TrainTask, typer.Option(help="events: the event-typing classifier (used with --classifier); "
                                                 "incidents: the incident classifier (used with "
                                                 "$OBSERVATORY_INCIDENT_MODEL).")] = TrainTask.events,
) -> None:
    """Train a sentence classifier on your own labelled data: event typing, or incident against toll,
    trend, habit and history."""
    from observatory.detect import incident_classifier
    from observatory.detect.classifier import TrainingDataError, read_training
    from observatory.detect.classifier import train as train_model

    try:
        if task is TrainTask.incidents:
            pairs = incident_classifier.training_pairs(incident_classifier.read_incident_training(data))
            labels = incident_classifier.CLASSES
        else:
            pairs, labels = read_training(data), None
    except TrainingDataError as exc:
        raise _fail(str(exc)) from None
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"cannot write the model to {output}: {exc.strerror or exc}") from None
    report = train_model(pairs, output, epochs=epochs, **({"labels": labels} if labels else {}))
    console.print(
        f"trained on {report.train} sentences; held-out accuracy {report.held_out_accuracy:.3f} "
        f"on {report.held_out}; model written to {output}"
    )


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the REST API and the web dashboard."""
    from observatory.serve.api import serve as run_server

    _open_store(db, read_only=True).close()  # a clear error now rather than from the server
    run_server(db, host, port)


def sample_path() -> Path:
    """The bundled sample corpus."""
    from importlib import resources

    return Path(str(resources.files("observatory") / "data" / "sample" / "articles.jsonl"))


@app.command()
def demo(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to serve the dashboard on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve the dashboard on.")] = 8000,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the dashboard afterwards.")] = True,
) -> None:
    """Ingest the bundled sample articles, print a summary of their events, then serve the dashboard."""
    ingest([str(sample_path())], db=db, published=None, actors=None, workers="1", classifier=None)
    _print_summary(db)
    if serve:
        from observatory.serve.api import serve as run_server

        run_server(db, host, port)


def _print_summary(db: str) -> None:
    """A table of the occurred incidents in the database, by type, with the reports behind them."""
    from rich.table import Table

    from observatory.store.backends import redact
    from observatory.store.queries import incidents_by_type

    with _open_store(db, read_only=True) as store:
        rows = incidents_by_type(store.con)
    table = Table(title=f"Occurred incidents in {redact(db)}")
    for column in ("event type", "incidents", "reports", "fatalities", "countries"):
        table.add_column(column)
    for kind, count, reports, fatalities, countries in rows:
        table.add_row(_cell(kind), _cell(count), _cell(reports), _cell(fatalities), _cell(countries))
    out.print(table)


@app.command("dedupe")
def dedupe_command(
    db: Annotated[str, typer.Option("--db", help="DuckDB database file, or a postgresql:// URL.")] = DEFAULT_DB,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Forget all incidents and recompute them.")] = False,
) -> None:
    """Group the stored events that report one incident into incidents (`observatory dedupe`)."""
    from observatory.store.backends import is_postgres_url, redact
    from observatory.store.dedupe import dedupe
    from observatory.store.queries import reported_by_several

    if not is_postgres_url(db) and not Path(db).exists():
        console.print(f"[red]error:[/red] database {db} does not exist; run `observatory ingest` first")
        raise typer.Exit(2)
    with _open_store(db) as store:
        try:
            stats = dedupe(store.con, rebuild=rebuild)
            merged = reported_by_several(store.con)
        except Exception as exc:  # DuckDB or PostgreSQL errors: one line, no traceback
            console.print(f"[red]error:[/red] cannot deduplicate {redact(db)}: {exc}")
            raise typer.Exit(1) from None
    console.print(
        f"{'rebuilt' if rebuild else 'updated'} {stats.incidents} incidents from {stats.events} events. "
        f"Database {redact(db)}: {stats.total_events} occurred events in {stats.total_incidents} incidents; "
        f"{merged[0]} incidents are reported by several articles ({merged[1]} events)."
    )


@app.command("reextract")
def reextract_command(
    db: DbOption = DEFAULT_DB,
    actors: ActorsOption = None,
    since: Annotated[
        str | None, typer.Option(help="Only articles published (else ingested) on or after this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only articles published (else ingested) on or before this date (YYYY-MM-DD).")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Only articles with a stored event in this country (ISO 3166 alpha-3, e.g. SYR).")
    ] = None,
    workers: WorkersOption = "1",
    classifier: ClassifierOption = None,
) -> None:
    """Run the current pipeline (and --actors) over stored articles and update their events in place.

    An event found again keeps its id; new events are added, events no longer found removed, and the
    incidents of the changed articles recomputed. Prints what changed.
    """
    from observatory.parallel import WorkerError
    from observatory.store.backends import redact
    from observatory.store.dedupe import repair
    from observatory.store.reextract import ArticleFilter, reextract, select_articles
    from observatory.store.shutdown import GracefulShutdown

    article_filter = ArticleFilter(
        since=_parse_date(since, "--since"), until=_parse_date(until, "--until"), country=_country(country)
    )
    processes = _workers(workers)
    _use_classifier(classifier)
    if actors is not None and not actors.is_file():
        raise _fail(f"--actors {actors}: no such file")
    with _open_store(db) as store, GracefulShutdown() as shutdown:
        with shutdown.critical():
            repair(store.con)
        article_ids = select_articles(store.con, article_filter)
        started = time.perf_counter()
        with _progress() as progress:
            task = progress.add_task("re-extracting", total=len(article_ids), rate="0.0")

            def advance(done: int) -> None:
                rate = f"{done / max(time.perf_counter() - started, 1e-6):.1f}"
                progress.update(task, completed=done, rate=rate, refresh=True)

            try:
                stats = reextract(store, article_ids, actors, processes, shutdown.critical, advance)
            except WorkerError as exc:
                raise _fail(str(exc), 1) from None
        counts = store.counts()
    for line in stats.failed:
        _error(line)
    console.print(
        f"re-read {stats.articles} articles ({stats.changed} changed, {len(stats.failed)} failed and left as "
        f"they were): {stats.added} events added, {stats.updated} updated, {stats.removed} removed, "
        f"{stats.unchanged} unchanged{f', {stats.kept} reviewed kept' if stats.kept else ''}; "
        f"{stats.incidents} incidents recomputed. Database {redact(db)}: "
        f"{counts['articles']} articles, {counts['events']} events."
    )
    if stats.failed:
        raise typer.Exit(1)


def _country(value: str | None) -> str | None:
    """The --country value: an ISO 3166 alpha-3 code, upper-cased (else one error line and exit 2)."""
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise _fail(f"--country must be an ISO 3166 alpha-3 code such as SYR, got {value!r}")
    return code


@app.command("watch")
def watch_command(
    feeds: Annotated[
        Path | None, typer.Option("--feeds", help="File of feed URLs or local feed files, one a line ('#' comments).")
    ] = None,
    folder: Annotated[
        list[Path] | None, typer.Option("--folder", help="Folder of articles to watch (repeatable).")
    ] = None,
    db: Annotated[str, typer.Option("--db", help="DuckDB database file.")] = DEFAULT_DB,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between passes.", min=1.0)] = 300.0,
    once: Annotated[bool, typer.Option("--once", help="Run one pass and exit.")] = False,
    fetch_links: Annotated[
        bool, typer.Option("--fetch-links", help="Fetch each feed item's linked page for the full text.")
    ] = False,
) -> None:
    """Ingest new feed items and new files of folders on a schedule, resuming where it stopped."""
    import duckdb

    from observatory.pipeline import Extractor
    from observatory.store.backends import DatabaseLockedError
    from observatory.store.shutdown import GracefulShutdown
    from observatory.store.watch import watch_once

    folders = folder or []
    if feeds is None and not folders:
        console.print("[red]error:[/red] give --feeds FILE and/or --folder DIR")
        raise typer.Exit(2)
    if feeds is not None and not feeds.is_file():
        console.print(f"[red]error:[/red] feed list {feeds} does not exist")
        raise typer.Exit(2)
    _open_store(db).close()  # a database another process holds is one line now, before the model loads
    extractor = Extractor()
    with GracefulShutdown():  # a signal between passes stops the watcher with one line too
        while True:
            try:
                stats = watch_once(db, feeds, folders, extractor, fetch_links=fetch_links)
            except DatabaseLockedError as exc:
                raise _fail(str(exc), 1) from None
            except duckdb.Error as exc:
                console.print(f"[red]error:[/red] cannot use the database {db}: {exc}")
                raise typer.Exit(1) from None
            for error in stats.errors:
                console.print(f"[yellow]skipped:[/yellow] {escape(terminal_safe(error))}")
            console.print(
                f"{dt.datetime.now():%H:%M:%S} {stats.items} new items: {stats.documents} articles stored "
                f"({stats.events} events, {stats.incidents} incidents updated), {stats.skipped} already stored"
            )
            if once:
                return
            time.sleep(interval)


review_app = typer.Typer(help="Review and corrections: confirm, correct or reject events and incidents (an id "
                          "starting with inc- is an incident), merge and split incidents (docs/review.md).",
                     no_args_is_help=True)
app.add_typer(review_app, name="review")
NoteOption = Annotated[str | None, typer.Option("--note", help="Why, kept in the audit log.")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Reviewer name for the audit log (default: cli:$USER).")
]


def _reviewer(by: str | None) -> str:
    import getpass

    if by is not None and by.strip():
        return by.strip()
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _target(identifier: str) -> tuple[Target, str]:
    """("incident", id) for an id starting with inc-, else ("event", id)."""
    return ("incident" if identifier.startswith("inc-") else "event"), identifier


def _review(db: str, action: Callable[[Connection], str]) -> None:
    """Run a review action on the store and print its line; a bad id, field or value is one error line."""
    from observatory.store.backends import is_postgres_url
    from observatory.store.review import ReviewError

    if not is_postgres_url(db) and not Path(db).exists():
        raise _fail(f"database {db} does not exist; run `observatory ingest` first")
    with _open_store(db) as store:
        try:
            line = action(store.con)
        except ReviewError as exc:
            raise _fail(str(exc), 1) from None
    console.print(escape(terminal_safe(line)))


def _decide(ids: list[str], decision: Decision, db: str, note: str | None, by: str | None) -> None:
    from observatory.store import review

    def act(con: Connection) -> str:
        done = [event for target, target_id in map(_target, ids)
                for event in review.decide(con, target, target_id, decision, _reviewer(by), note)]
        return f"{decision} {len(done)} events: {', '.join(done)}"

    _review(db, act)


@review_app.command("confirm")
def review_confirm(ids: Annotated[list[str], typer.Argument(help="Event or incident ids.")], db: DbOption = DEFAULT_DB,
                   note: NoteOption = None, by: ByOption = None) -> None:
    """Confirm events (or every event of incidents); confirming a rejected event brings it back."""
    _decide(ids, "confirmed", db, note, by)


@review_app.command("reject")
def review_reject(ids: Annotated[list[str], typer.Argument(help="Event or incident ids.")], db: DbOption = DEFAULT_DB,
                  note: NoteOption = None, by: ByOption = None) -> None:
    """Reject events (or every event of incidents): they leave exports, counts and incidents."""
    _decide(ids, "rejected", db, note, by)


@review_app.command("restore")
def review_restore(ids: Annotated[list[str], typer.Argument(help="Event ids.")], db: DbOption = DEFAULT_DB,
                   note: NoteOption = None, by: ByOption = None) -> None:
    """Undo the rejection of events."""
    from observatory.store import review

    def act(con: Connection) -> str:
        for event_id in ids:
            review.restore(con, event_id, _reviewer(by), note)
        return f"restored {len(ids)} events: {', '.join(ids)}"

    _review(db, act)


@review_app.command("correct")
def review_correct(
    identifier: Annotated[str, typer.Argument(help="Event or incident id.")],
    values: Annotated[list[str], typer.Option("--set", help="FIELD=VALUE (repeatable); VALUE null clears a field.")],
    db: DbOption = DEFAULT_DB,
    note: NoteOption = None,
    by: ByOption = None,
) -> None:
    """Correct fields of an event (or of every event of an incident); the values are kept over re-extraction."""
    from observatory.store import review

    fields: dict[str, str] = {}
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or not name.strip():
            raise _fail(f"--set expects FIELD=VALUE, got {value!r}")
        fields[name.strip()] = text

    def act(con: Connection) -> str:
        target, target_id = _target(identifier)
        done = review.correct(con, target, target_id, fields, _reviewer(by), note)
        return f"corrected {', '.join(fields)} of {len(done)} events: {', '.join(done)}"

    _review(db, act)


@review_app.command("merge")
def review_merge(ids: Annotated[list[str], typer.Argument(help="Two or more incident ids.")],
                 db: DbOption = DEFAULT_DB, note: NoteOption = None, by: ByOption = None) -> None:
    """Merge incidents into one; deduplication keeps the merge."""
    from observatory.store import review

    def act(con: Connection) -> str:
        kept = review.merge(con, ids, _reviewer(by), note)
        members = review.incident_members(con, kept)
        return f"merged into {kept}: {len(members)} events"

    _review(db, act)


@review_app.command("split")
def review_split(
    incident: Annotated[str, typer.Argument(help="The incident id.")],
    event_ids: Annotated[list[str], typer.Argument(help="The events to take out into a new incident.")],
    db: DbOption = DEFAULT_DB,
    note: NoteOption = None,
    by: ByOption = None,
) -> None:
    """Take events out of an incident into a new one; deduplication keeps the split."""
    from observatory.store import review

    def act(con: Connection) -> str:
        new = review.split(con, incident, event_ids, _reviewer(by), note)
        return f"split {incident}: {len(event_ids)} events now in {new}"

    _review(db, act)


@review_app.command("show")
def review_show(event_id: Annotated[str, typer.Argument(help="Event id.")], db: DbOption = DEFAULT_DB) -> None:
    """Print an event's review as JSON: its status, corrections and history."""
    from observatory.store import review
    from observatory.store.queries import has_event

    with _open_store(db, read_only=True) as store:
        if not has_event(store.con, event_id):
            raise _fail(f"no event {event_id!r}", 1)
        found = review.event_review(store.con, event_id)
    typer.echo(json.dumps(found, default=str, indent=2))


gazetteer_app = typer.Typer(help="Gazetteers you bring: GeoNames dump files and CSV files of your own places "
                             "(docs/gazetteers.md).", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


@contextmanager
def _byte_progress() -> Iterator[Callable[[str, int | None, int], None]]:
    """A progress bar in bytes with totals for imports and downloads: the callback that moves it."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
                   console=console, disable=not console.is_terminal)
    tasks: dict[str, object] = {}

    def advance(description: str, total: int | None, done: int) -> None:
        if description not in tasks:
            tasks[description] = bar.add_task(description, total=total)
        bar.update(tasks[description], completed=done)

    with bar:
        yield advance


@gazetteer_app.command("add")
def gazetteer_add(
    paths: Annotated[list[str], typer.Argument(
        help="GeoNames dump files (SY.zip, SY.txt, allCountries.zip, cities1000.zip) with admin1CodesASCII.txt "
             "and admin2Codes.txt if you have them, or CSV files of places; with --download, country codes.")],
    name: Annotated[str | None, typer.Option("--name", help="Name of the import (default: the file's name).")] = None,
    download: Annotated[bool, typer.Option(
        "--download", help="Fetch the GeoNames country files of the ISO codes given (SY YE UA); needs a network.")
    ] = False,
) -> None:
    """Import gazetteers; every command uses them from then on. Adding a name again replaces it."""
    from observatory.lexicon.gazetteer_imports import GazetteerFileError, add_files, download_folder
    from observatory.lexicon.gazetteer_imports import download as fetch

    try:
        with download_folder() as folder, _byte_progress() as advance:
            files = fetch(paths, folder, advance) if download else [Path(p) for p in paths]
            results = add_files(files, name, advance)
    except GazetteerFileError as exc:
        raise _fail(str(exc), 1) from None
    for result in results:
        skipped = "".join(f"; {count:,} rows skipped: {why}" for why, count in result.skipped.items())
        console.print(f"imported {escape(result.name)}: {result.places:,} places{skipped}")


@gazetteer_app.command("list")
def gazetteer_list() -> None:
    """List the imported gazetteers."""
    from rich.table import Table

    from observatory.lexicon.gazetteer import imports_dir
    from observatory.lexicon.gazetteer_imports import list_imports

    imports = list_imports()
    if not imports:
        console.print(f"no imported gazetteers (in {imports_dir()}); add one with `observatory gazetteer add`")
        return
    table = Table()
    for column in ("name", "places", "added", "source"):
        table.add_column(column)
    for meta in imports:
        table.add_row(_cell(meta["name"]), _cell(f"{meta['places']:,}"), _cell(meta["added"]), _cell(meta["source"]))
    out.print(table)


@gazetteer_app.command("remove")
def gazetteer_remove(name: Annotated[str, typer.Argument(help="Name of the import (see `gazetteer list`).")]) -> None:
    """Remove an imported gazetteer."""
    from observatory.lexicon.gazetteer_imports import GazetteerFileError, remove_import

    try:
        remove_import(name)
    except GazetteerFileError as exc:
        raise _fail(str(exc), 1) from None
    console.print(f"removed {escape(name)}")


def main() -> None:
    """Entry point that turns any uncaught error into one clear line."""
    try:
        app()
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)
    except Terminated:
        console.print("terminated: every batch stored so far is complete")
        sys.exit(143)
