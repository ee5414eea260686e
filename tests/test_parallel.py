"""Parallel extraction (process pool) and Dask extraction to Parquet partitions, against serial extraction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.models import Document, DocumentResult
from observatory.parallel import (
    IN_FLIGHT_PER_WORKER,
    PartitionError,
    WorkerError,
    extract_dask,
    extract_parallel,
    extract_parallel_pairs,
    is_partition_input,
    partition_table,
    read_partitions,
)
from observatory.pipeline import Extractor
from observatory.store.ingest import Store

ARTICLES = [
    Document(
        id="mali-1",
        title="Gunmen kill nine villagers in central Mali",
        published=dt.date(2023, 8, 15),
        url="https://example.org/mali-1",
        source="Sahel Courier",
        text=(
            "MOPTI, Mali - Gunmen on motorbikes attacked the village of Ogossagou on Monday, killing nine "
            "villagers and burning granaries, a local official said. Soldiers arrived several hours later."
        ),
    ),
    Document(
        id="somalia-1",
        title="Car bomb hits checkpoint in Mogadishu",
        published=dt.date(2023, 9, 2),
        source="Horn Monitor",
        text=(
            "MOGADISHU - A car bomb exploded at a police checkpoint in Mogadishu on Saturday, killing four "
            "officers and wounding eleven people, police said. Al-Shabaab claimed the attack."
        ),
    ),
    Document(
        id="colombia-1",
        published=dt.date(2023, 10, 20),
        text=(
            "BOGOTA - Hundreds of farmers blocked a highway near Popayan on Thursday to protest against the "
            "eradication of coca crops. Riot police dispersed the crowd with tear gas and arrested twelve "
            "people."
        ),
    ),
    Document(
        id="myanmar-1",
        published=dt.date(2023, 11, 5),
        text=(
            "YANGON - Military aircraft bombed a camp for displaced people near Laiza in Kachin State on "
            "Saturday, killing at least 15 civilians, a spokesman for the Kachin Independence Army said."
        ),
    ),
    Document(
        id="quiet-1",
        published=dt.date(2023, 11, 6),
        text="GENEVA - Delegates at a trade conference discussed tariffs on steel and aluminium on Monday.",
    ),
]
BROKEN = Document.model_construct(id="broken", text=None)  # extraction raises in the worker
REPEATS = 4  # the articles are sent this many times (with distinct ids) to see the input read lazily


def _copies() -> list[Document]:
    return [
        doc.model_copy(update={"id": f"{doc.id}#{round_}"}) if round_ else doc
        for round_ in range(REPEATS) for doc in ARTICLES
    ]


@pytest.fixture(scope="module")
def serial() -> dict[str, DocumentResult]:
    extractor = Extractor()
    results = {doc.id: extractor.extract(doc) for doc in ARTICLES}
    assert sum(len(r.events) for r in results.values()) >= 5, "the fixture articles must yield events"
    return results


@pytest.fixture(scope="module")
def parallel_run() -> tuple[list[DocumentResult], list[int]]:
    """Two workers, batches of two, the broken document third; records how much input was read at each
    yield."""
    docs = _copies()
    docs.insert(2, BROKEN)
    pulled = 0

    def feed() -> Iterator[Document]:
        nonlocal pulled
        for doc in docs:
            pulled += 1
            yield doc

    results, pulled_at = [], []
    for result in extract_parallel(feed(), workers=2, batch_size=2):
        results.append(result)
        pulled_at.append(pulled)
    return results, pulled_at


def _base_id(doc_id: str) -> str:
    return doc_id.split("#")[0]


def test_parallel_results_equal_serial_in_input_order(parallel_run, serial) -> None:
    results, _ = parallel_run
    expected_ids = [d.id for d in _copies()]
    expected_ids.insert(2, "broken")
    assert [r.id for r in results] == expected_ids
    for result in results:
        if result.id != "broken":
            assert result.error is None
            assert result.events == serial[_base_id(result.id)].events


def test_a_failing_document_gets_an_error_result_and_spares_its_batch(parallel_run, serial) -> None:
    results, _ = parallel_run
    by_id = {r.id: r for r in results}
    broken = by_id["broken"]
    assert broken.events == [] and broken.error is not None
    assert broken.error.startswith("extraction failed: TypeError")
    # colombia-1 travelled in the same batch of two as the broken document
    assert by_id["colombia-1"].events == serial["colombia-1"].events


def test_input_is_read_lazily(parallel_run) -> None:
    _, pulled_at = parallel_run
    window = 2 * IN_FLIGHT_PER_WORKER * 2 + 2  # workers x batches in flight x batch size, plus one batch
    total = len(ARTICLES) * REPEATS + 1
    assert total > window
    assert pulled_at[0] <= window
    assert pulled_at[-1] == total


def test_single_worker_runs_in_process_with_the_same_contract(serial) -> None:
    pairs = list(extract_parallel_pairs([ARTICLES[0], BROKEN, ARTICLES[1]], workers=1, batch_size=8))
    assert [doc.id for doc, _ in pairs] == ["mali-1", "broken", "somalia-1"]
    assert [result.id for _, result in pairs] == ["mali-1", "broken", "somalia-1"]
    assert pairs[1][1].error is not None and pairs[1][1].events == []
    assert pairs[0][1].events == serial["mali-1"].events
    assert pairs[2][1].events == serial["somalia-1"].events


def test_a_worker_that_cannot_start_raises_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-actors.csv"
    with pytest.raises(WorkerError, match="could not load the extractor"):
        list(extract_parallel(ARTICLES[:2], workers=2, batch_size=1, actors_file=missing))


def test_bad_batch_size_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        list(extract_parallel(ARTICLES, workers=2, batch_size=0))


def test_dask_local_cluster_round_trip_through_parquet(tmp_path: Path, serial) -> None:
    out = tmp_path / "parts"
    stats = extract_dask(ARTICLES, "local", out, partition_size=2, workers=2)
    files = sorted(p.name for p in out.glob("*.parquet"))
    assert files == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert (stats.partitions, stats.documents, stats.failed) == (3, 5, 0)
    assert stats.events == sum(len(r.events) for r in serial.values())

    pairs = list(read_partitions(out))
    assert [doc for doc, _ in pairs] == ARTICLES  # text, title, published, url, source survive, in order
    assert [result for _, result in pairs] == [serial[doc.id] for doc in ARTICLES]

    with pytest.raises(FileExistsError):
        extract_dask(ARTICLES[:1], "local", out, workers=1)

    with Store(tmp_path / "db.duckdb") as store:
        added = store.add_batch(pairs)
        assert store.counts() == {"articles": 5, "events": stats.events}
    assert added.events == stats.events


def test_read_partitions_reads_one_file_and_refuses_other_parquet(tmp_path: Path, serial) -> None:
    failed = DocumentResult(id="colombia-1", error="extraction failed: ValueError: bad")
    pairs = [(ARTICLES[1], serial["somalia-1"]), (ARTICLES[2], failed)]
    single = tmp_path / "one.parquet"
    pq.write_table(partition_table(pairs), single)
    assert is_partition_input(single) and is_partition_input(tmp_path)
    assert not is_partition_input(tmp_path / "articles.jsonl")
    assert list(read_partitions(single)) == pairs

    other = tmp_path / "other"
    other.mkdir()
    pq.write_table(pa.table({"name": ["x"]}), other / "x.parquet")
    with pytest.raises(PartitionError, match="missing columns"):
        list(read_partitions(other))
    (other / "x.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(PartitionError, match="not a readable Parquet file"):
        list(read_partitions(other / "x.parquet"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(PartitionError, match="no .parquet files"):
        list(read_partitions(tmp_path / "empty"))
    with pytest.raises(PartitionError, match="no such file"):
        list(read_partitions(tmp_path / "missing.parquet"))


def test_dask_workers_that_cannot_load_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkerError, match="could not load the extractor"):
        extract_dask(ARTICLES[:1], "local", tmp_path / "parts", workers=1, actors_file=tmp_path / "missing.csv")
