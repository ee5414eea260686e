"""First ingest, re-ingest and re-extraction of the same documents, as a user runs them (the CLI in a
fresh process each time, start-up included).

    .venv/bin/python benchmarks/bench_reingest.py [--documents 1000] [--workers 1]

The documents are the bundled sample corpus repeated, each copy with a line of its own ("Filed as report
N.") so that every text differs and is stored. Prints the seconds of each command, the re-ingest speed-up
(target >= 20x) and the one-minute load average before and after (the machine may be busy).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from observatory.cli import sample_path


def write_documents(path: Path, count: int) -> None:
    """``count`` JSONL documents from the sample corpus, cycled, each text made different."""
    records = [json.loads(line) for line in sample_path().read_text(encoding="utf-8").splitlines() if line.strip()]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            record = dict(records[number % len(records)])
            record["id"] = f"{record.get('id')}-{number}"
            record["text"] = f"{record['text']}\n\nFiled as report {number}."
            handle.write(json.dumps(record) + "\n")


def run(*args: str) -> tuple[float, str]:
    """Run ``observatory ARGS`` in a fresh process; its wall time and last output line."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from observatory.cli import main; main()", *args],
        capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"observatory {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds, (done.stderr.strip().splitlines() or [""])[-1]


def main() -> None:
    """Run the three commands on a fresh store and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--workers", default="1")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-reingest-") as tmp:
        corpus, db = Path(tmp) / "docs.jsonl", str(Path(tmp) / "bench.duckdb")
        write_documents(corpus, args.documents)
        first, first_line = run("ingest", str(corpus), "--db", db, "--workers", args.workers)
        again, again_line = run("ingest", str(corpus), "--db", db, "--workers", args.workers)
        reread, reread_line = run("reextract", "--db", db, "--workers", args.workers)
    print(f"documents: {args.documents}, workers: {args.workers}")
    print(f"first ingest: {first:8.1f} s  {first_line}")
    print(f"re-ingest:    {again:8.1f} s  {again_line}")
    print(f"reextract:    {reread:8.1f} s  {reread_line}")
    print(f"re-ingest speed-up: {first / again:.1f}x (target >= 20x)")
    print(f"one-minute load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
