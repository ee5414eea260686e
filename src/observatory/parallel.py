"""Throughput: extraction over several processes on one machine, and over a Dask cluster to Parquet.

- ``extract_parallel`` / ``extract_parallel_pairs``: a process pool. On Linux the parent loads the spaCy
  model, the actor dictionary and the gazetteer once and its workers are forked from it (copy-on-write),
  so a worker starts in milliseconds; elsewhere each worker loads them once when it starts. Documents
  travel in batches, results come back in input order and are streamed (at most a few batches per worker
  are in flight). ``workers="auto"`` is one worker per available core, or this process alone for inputs
  under ``AUTO_MIN_DOCUMENTS`` documents.
- ``extract_dask``: the same extraction on a Dask cluster (a scheduler address, or ``"local"`` for a
  LocalCluster of worker processes); every worker loads the Extractor once, before the first partition,
  and keeps it; each partition of documents becomes one Parquet file, one row per document (its fields,
  its events as JSON, its error), which ``read_partitions`` turns back into ``(Document, DocumentResult)``
  pairs for ingest without extracting again.

pyarrow and distributed are imported only by the functions that need them.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import TypeAdapter, ValidationError

from observatory.models import Document, DocumentResult, Event
from observatory.read.inputs import ReadError, read_inputs

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from distributed import Client
    from distributed import Future as DaskFuture

    from observatory.pipeline import Extractor

IN_FLIGHT_PER_WORKER = 2  # batches queued per worker: keeps workers busy while bounding memory
# With workers="auto", inputs under this many documents stay in this process: below it a second worker
# gains less than it costs (the batches are too few to share out; see docs/performance.md).
AUTO_MIN_DOCUMENTS = 200
Workers = int | Literal["auto"]
# The columns of a Parquet partition: name and pyarrow type (events: a JSON array of models.Event).
PARTITION_COLUMNS = (
    ("id", "string"), ("events", "string"), ("error", "string"), ("text", "string"), ("title", "string"),
    ("published", "date32"), ("url", "string"), ("source", "string"),
)
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

# The extractor of a pool's workers: set in the parent before forking (the workers inherit it), or loaded
# by ``_init_worker`` in a worker started afresh.
_worker_extractor: Extractor | None = None
_worker_start_error: str | None = None


def available_cores() -> int:
    """The number of cores this process may run on (its CPU affinity where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def resolve_workers(docs: Iterable[Document], workers: Workers) -> tuple[int, Iterator[Document]]:
    """The number of processes to use and the documents to give them (the same ones, in order).

    ``"auto"`` reads up to ``AUTO_MIN_DOCUMENTS`` documents ahead: fewer than that run in this process,
    more on one process per available core. A number is returned as given."""
    iterator = iter(docs)
    if workers != "auto":
        return workers, iterator
    ahead = list(islice(iterator, AUTO_MIN_DOCUMENTS))
    count = available_cores() if len(ahead) >= AUTO_MIN_DOCUMENTS else 1
    return count, chain(ahead, iterator)


def _ignore_interrupts() -> None:
    """Process initializer: Ctrl-C is left to the parent, which shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init_worker(actors_file: Path | None) -> None:
    """Process initializer of a worker started afresh: load the Extractor (spaCy model, actors,
    gazetteer) once for this worker."""
    global _worker_extractor, _worker_start_error
    _ignore_interrupts()
    try:
        from observatory.pipeline import Extractor

        _worker_extractor = Extractor(actors_file)
    except Exception as exc:  # turned into a clear WorkerError on the first batch
        _worker_start_error = f"{type(exc).__name__}: {exc}"


def _extract_in_worker(docs: list[Document]) -> list[DocumentResult]:
    if _worker_extractor is None:
        raise WorkerError(f"worker could not load the extractor: {_worker_start_error}")
    return extract_batch_safely(_worker_extractor, docs)


def forks_workers() -> bool:
    """Whether pool workers are forked from this process with its Extractor already loaded.

    Only on Linux: there a forked worker runs nothing but the extraction and leaves with ``os._exit``,
    so it never touches what the parent's other threads (DuckDB, a progress bar) hold. macOS and
    Windows start workers afresh."""
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def _fresh_context() -> multiprocessing.context.BaseContext:
    """forkserver where available, with the heavy imports preloaded so that each worker starts from a
    process that has already imported spaCy; spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["observatory.pipeline"])
        return context
    return multiprocessing.get_context("spawn")


@contextmanager
def _pool(workers: int, actors_file: Path | None) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes that extract with ``_extract_in_worker``.

    Forked workers share the parent's Extractor, loaded here first (raises ``WorkerError`` when it
    cannot load); the objects alive at the fork are frozen out of the garbage collector meanwhile, so that
    collections in the workers do not copy the pages that hold them."""
    global _worker_extractor
    if not forks_workers():
        with ProcessPoolExecutor(workers, mp_context=_fresh_context(), initializer=_init_worker,
                                 initargs=(actors_file,)) as pool:
            yield pool
        return
    from observatory.pipeline import Extractor

    try:
        _worker_extractor = Extractor(actors_file)
    except Exception as exc:
        raise WorkerError(f"worker could not load the extractor: {type(exc).__name__}: {exc}") from None
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_ignore_interrupts) as pool:
            yield pool
    finally:
        gc.unfreeze()
        _worker_extractor = None


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_parallel_pairs(
    docs: Iterable[Document], workers: Workers, batch_size: int = 32, actors_file: Path | None = None
) -> Iterator[tuple[Document, DocumentResult]]:
    """Each document with its result, in input order, extracted by ``workers`` processes (a number, or
    ``"auto"``: see ``resolve_workers``).

    With one worker the extraction runs in this process; without documents nothing is loaded. Memory
    stays bounded: documents are read from ``docs`` only as workers free up (``IN_FLIGHT_PER_WORKER``
    batches each). Raises ``WorkerError`` when a worker cannot start or dies.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    workers, documents = resolve_workers(docs, workers)
    first = next(documents, None)
    if first is None:  # nothing to extract (a re-ingest of stored texts): no model loaded, no pool started
        return
    documents = chain([first], documents)
    if workers <= 1:
        from observatory.pipeline import Extractor

        extractor = Extractor(actors_file)
        for batch in _chunks(documents, batch_size):
            yield from zip(batch, extract_batch_safely(extractor, batch), strict=True)
        return
    pending: deque[tuple[list[Document], Future[list[DocumentResult]]]] = deque()
    with _pool(workers, actors_file) as pool:
        try:
            for batch in _chunks(documents, batch_size):
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
    docs: Iterable[Document], workers: Workers, batch_size: int = 32, actors_file: Path | None = None
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


@lru_cache(maxsize=1)
def partition_schema() -> pa.Schema:
    """The pyarrow schema of a Parquet partition (``PARTITION_COLUMNS``)."""
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, type_name)()) for name, type_name in PARTITION_COLUMNS])


def partition_table(pairs: Iterable[tuple[Document, DocumentResult]]) -> pa.Table:
    """One Parquet partition's rows: document fields, events as a JSON array, error."""
    import pyarrow as pa

    rows = [
        {
            "id": doc.id, "events": _EVENTS.dump_json(result.events).decode(), "error": result.error,
            "text": doc.text, "title": doc.title, "published": doc.published, "url": doc.url,
            "source": doc.source,
        }
        for doc, result in pairs
    ]
    return pa.Table.from_pylist(rows, schema=partition_schema())


def _extract_partition(docs: list[Document], target: str, actors_file: str | None) -> tuple[int, int, int]:
    """Dask task: extract one partition and write it to ``target``; returns (documents, events, failed)."""
    import pyarrow.parquet as pq

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
    import pyarrow as pa
    import pyarrow.parquet as pq

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
        columns = [name for name, _ in PARTITION_COLUMNS if name in parquet.schema_arrow.names]
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
