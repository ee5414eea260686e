"""Throughput: extraction over several processes on one machine, and over a Dask cluster to Parquet.

- ``extract_parallel`` / ``extract_parallel_pairs``: a process pool whose workers each load the spaCy model,
  the actor dictionary and the gazetteer once; documents travel in batches, results come back in input
  order and are streamed (at most a few batches per worker are in flight).
- ``extract_dask``: the same extraction on a Dask cluster (a scheduler address, or ``"local"`` for a
  LocalCluster of worker processes); each partition of documents becomes one Parquet file, one row per
  document (its fields, its events as JSON, its error), which ``read_partitions`` turns back into
  ``(Document, DocumentResult)`` pairs for ingest without extracting again.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import TypeAdapter, ValidationError

from observatory.models import Document, DocumentResult, Event
from observatory.reading import ReadError, read_inputs

if TYPE_CHECKING:
    from distributed import Client
    from distributed import Future as DaskFuture

    from observatory.pipeline import Extractor

IN_FLIGHT_PER_WORKER = 2  # batches queued per worker: keeps workers busy while bounding memory
PARTITION_SCHEMA = pa.schema([
    ("id", pa.string()),
    ("events", pa.string()),  # JSON array of models.Event
    ("error", pa.string()),
    ("text", pa.string()),
    ("title", pa.string()),
    ("published", pa.date32()),
    ("url", pa.string()),
    ("source", pa.string()),
])
_EVENTS = TypeAdapter(list[Event])
_EXTRACT_LOCK = threading.Lock()


class WorkerError(RuntimeError):
    """A worker could not start (e.g. an unreadable actor file) or died while extracting."""


class PartitionError(ValueError):
    """A Parquet file or directory that does not hold observatory extraction partitions."""


def extract_batch_safely(extractor: Extractor, docs: list[Document]) -> list[DocumentResult]:
    """Results of a batch in order; a document whose extraction raises gets an error result, the rest
    keep their events (the batch is retried one document at a time only when it fails as a whole)."""
    try:
        return list(extractor.extract_many(docs))
    except Exception:  # one bad document must not lose its batch: retry singly below
        pass
    results = []
    for doc in docs:
        try:
            results.append(extractor.extract(doc))
        except Exception as exc:  # reported in the result, not raised
            error = f"extraction failed: {type(exc).__name__}: {exc}"
            results.append(DocumentResult(id=str(doc.id), error=error))
    return results


# --- process pool -------------------------------------------------------------------------------------

_worker_extractor: Extractor | None = None
_worker_start_error: str | None = None


def _init_worker(actors_file: Path | None) -> None:
    """Process initializer: load the Extractor (spaCy model, actors, gazetteer) once for this worker.
    Ctrl-C is left to the parent, which shuts the pool down."""
    global _worker_extractor, _worker_start_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from observatory.pipeline import Extractor

        _worker_extractor = Extractor(actors_file)
    except Exception as exc:  # turned into a clear WorkerError on the first batch
        _worker_start_error = f"{type(exc).__name__}: {exc}"


def _extract_in_worker(docs: list[Document]) -> list[DocumentResult]:
    if _worker_extractor is None:
        raise WorkerError(f"worker could not load the extractor: {_worker_start_error}")
    return extract_batch_safely(_worker_extractor, docs)


def _pool_context() -> multiprocessing.context.BaseContext:
    """forkserver where available (no fork of a threaded parent), with the heavy imports preloaded so each
    worker starts from a process that has already imported spaCy; spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["observatory.pipeline"])
        return context
    return multiprocessing.get_context("spawn")


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_parallel_pairs(
    docs: Iterable[Document], workers: int, batch_size: int = 32, actors_file: Path | None = None
) -> Iterator[tuple[Document, DocumentResult]]:
    """Each document with its result, in input order, extracted by ``workers`` processes.

    With ``workers <= 1`` the extraction runs in this process. Memory stays bounded: documents are read
    from ``docs`` only as workers free up (``IN_FLIGHT_PER_WORKER`` batches each). Raises ``WorkerError``
    when a worker cannot start or dies.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if workers <= 1:
        from observatory.pipeline import Extractor

        extractor = Extractor(actors_file)
        for batch in _chunks(docs, batch_size):
            yield from zip(batch, extract_batch_safely(extractor, batch), strict=True)
        return
    pending: deque[tuple[list[Document], Future[list[DocumentResult]]]] = deque()
    batches = _chunks(docs, batch_size)
    with ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=_init_worker,
                             initargs=(actors_file,)) as pool:
        try:
            for batch in batches:
                pending.append((batch, pool.submit(_extract_in_worker, batch)))
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    sent, future = pending.popleft()
                    yield from zip(sent, future.result(), strict=True)
            while pending:
                sent, future = pending.popleft()
                yield from zip(sent, future.result(), strict=True)
        except BrokenProcessPool as exc:
            raise WorkerError(f"a worker process died while extracting ({exc})") from None
        finally:
            for _, future in pending:
                future.cancel()


def extract_parallel(
    docs: Iterable[Document], workers: int, batch_size: int = 32, actors_file: Path | None = None
) -> Iterator[DocumentResult]:
    """Results of ``docs`` in input order, extracted by ``workers`` processes (see extract_parallel_pairs)."""
    for _, result in extract_parallel_pairs(docs, workers, batch_size, actors_file):
        yield result


# --- Dask ---------------------------------------------------------------------------------------------


@dataclass
class DaskStats:
    """What one Dask extraction wrote."""

    out_dir: Path
    partitions: int = 0
    documents: int = 0
    events: int = 0
    failed: int = 0  # documents whose extraction failed (their rows carry the error)
    read_errors: list[str] = field(default_factory=list)  # inputs that could not be read
    seconds: float = 0.0


@lru_cache(maxsize=4)
def _dask_worker_extractor(actors_file: str | None) -> Extractor:
    """The Extractor of this Dask worker process, loaded on its first partition and kept."""
    from observatory.pipeline import Extractor

    return Extractor(Path(actors_file) if actors_file else None)


def _load_on_worker(actors_file: str | None) -> None:
    """Run on every Dask worker before the first partition: load its Extractor now, all workers at once."""
    _dask_worker_extractor(actors_file)


def partition_table(pairs: Iterable[tuple[Document, DocumentResult]]) -> pa.Table:
    """One Parquet partition's rows: document fields, events as a JSON array, error."""
    rows = [
        {
            "id": doc.id, "events": _EVENTS.dump_json(result.events).decode(), "error": result.error,
            "text": doc.text, "title": doc.title, "published": doc.published, "url": doc.url,
            "source": doc.source,
        }
        for doc, result in pairs
    ]
    return pa.Table.from_pylist(rows, schema=PARTITION_SCHEMA)


def _extract_partition(docs: list[Document], target: str, actors_file: str | None) -> tuple[int, int, int]:
    """Dask task: extract one partition and write it to ``target``; returns (documents, events, failed)."""
    with _EXTRACT_LOCK:  # one extraction at a time per process, should a worker run several threads
        results = extract_batch_safely(_dask_worker_extractor(actors_file), docs)
    tmp = Path(target).with_suffix(".parquet.tmp")
    pq.write_table(partition_table(zip(docs, results, strict=True)), tmp)
    tmp.replace(target)  # a partition file appears whole or not at all
    return len(docs), sum(len(r.events) for r in results), sum(r.error is not None for r in results)


def _documents(paths_or_docs: Iterable[str | Path | Document], published: dt.date | None,
               read_errors: list[str]) -> Iterator[Document]:
    for item in paths_or_docs:
        if isinstance(item, Document):
            yield item
            continue
        for read in read_inputs([str(item)], published):
            if isinstance(read, ReadError):
                read_errors.append(str(read))
            else:
                yield read


@contextmanager
def _connect(scheduler: str, workers: int) -> Iterator[Client]:
    """A Dask client to ``scheduler``, or to a LocalCluster of ``workers`` processes for ``"local"``."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="15s")
    except (OSError, TimeoutError) as exc:
        raise WorkerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client


def extract_dask(
    paths_or_docs: Iterable[str | Path | Document], scheduler: str, out_dir: Path, partition_size: int = 256,
    workers: int = 2, actors_file: Path | None = None, published: dt.date | None = None,
) -> DaskStats:
    """Extract on a Dask cluster and write one Parquet file per partition of ``partition_size`` documents
    under ``out_dir`` (``part-00000.parquet``, ...). ``scheduler`` is an address (``tcp://host:8786``) or
    ``"local"`` for a LocalCluster of ``workers`` processes. Inputs are files/directories (read here, with
    ``published`` as a default date) or Documents. The workers must see ``out_dir`` and ``actors_file``
    (same machine or a shared filesystem). Only a few partitions per worker are in flight at once."""
    from distributed import as_completed

    if partition_size < 1:
        raise ValueError("partition_size must be at least 1")
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.glob("part-*.parquet")):
        raise FileExistsError(f"{out_dir} already holds Parquet partitions; choose an empty directory")
    stats = DaskStats(out_dir=out_dir)
    started = time.perf_counter()
    actors = str(Path(actors_file).resolve()) if actors_file else None
    with _connect(scheduler, workers) as client:
        try:
            client.run(_load_on_worker, actors)
        except Exception as exc:  # any worker-side failure to load becomes one clear error
            reason = f"{type(exc).__name__}: {exc}"
            raise WorkerError(f"a Dask worker could not load the extractor: {reason}") from None
        slots = max(1, len(client.scheduler_info()["workers"])) * IN_FLIGHT_PER_WORKER
        running = as_completed()
        for index, batch in enumerate(_chunks(_documents(paths_or_docs, published, stats.read_errors),
                                              partition_size)):
            target = str(out_dir / f"part-{index:05d}.parquet")
            running.add(client.submit(_extract_partition, batch, target, actors, pure=False))
            stats.partitions += 1
            if running.count() >= slots:
                _collect(next(running), stats)
        for future in running:
            _collect(future, stats)
    stats.seconds = time.perf_counter() - started
    return stats


def _collect(future: DaskFuture, stats: DaskStats) -> None:
    documents, events, failed = future.result()
    stats.documents += documents
    stats.events += events
    stats.failed += failed


def is_partition_input(path: str | Path) -> bool:
    """True for a .parquet file or a directory holding .parquet files (ingest them without extracting)."""
    path = Path(path)
    if path.is_dir():
        return any(path.glob("*.parquet"))
    return path.suffix.lower() == ".parquet"


def read_partitions(path: str | Path) -> Iterator[tuple[Document, DocumentResult]]:
    """The documents and precomputed results stored by ``extract_dask`` in a .parquet file or a directory
    of them (read in file-name order, a record batch at a time). Raises PartitionError on other files."""
    path = Path(path)
    if not path.exists():
        raise PartitionError(f"{path}: no such file or directory")
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    if not files:
        raise PartitionError(f"{path} holds no .parquet files")
    for file in files:
        try:
            parquet = pq.ParquetFile(file)
        except (OSError, pa.ArrowInvalid) as exc:
            raise PartitionError(f"{file}: not a readable Parquet file ({exc})") from None
        missing = {"id", "events", "text"} - set(parquet.schema_arrow.names)
        if missing:
            raise PartitionError(f"{file}: not an observatory partition (missing columns {sorted(missing)})")
        columns = [name for name in PARTITION_SCHEMA.names if name in parquet.schema_arrow.names]
        for number, row in enumerate(_rows(parquet, columns), start=1):
            try:
                yield _pair(row)
            except (ValidationError, ValueError) as exc:
                raise PartitionError(f"{file}: row {number} is not a valid document result ({exc})") from None


def _rows(parquet: pq.ParquetFile, columns: list[str]) -> Iterator[dict]:
    for batch in parquet.iter_batches(batch_size=256, columns=columns):
        yield from batch.to_pylist()


def _pair(row: dict) -> tuple[Document, DocumentResult]:
    fields = {key: row.get(key) for key in ("title", "published", "url", "source")}
    doc = Document(id=row["id"], text=row["text"], **fields)
    events = _EVENTS.validate_json(row["events"] or "[]")
    return doc, DocumentResult(id=row["id"], events=events, error=row.get("error"))
