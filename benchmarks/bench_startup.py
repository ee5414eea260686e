"""Start-up: how long a user waits for `observatory --help`, for the first event of one article, and for
`observatory events --limit 10`, each a fresh process.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5]

The article is the first of the bundled sample corpus, written to a .txt file; "first event" is the
moment `observatory extract` writes its first JSON line (the article's events) to stdout. The events
query runs on a database that holds the ingested sample corpus (ingested before timing). Prints the
median and the fastest of ``--repeat`` runs of each.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from observatory.cli import sample_path

OBSERVATORY = str(Path(sys.executable).with_name("observatory"))


def wall(command: list[str]) -> float:
    """Seconds from launch to exit of a command that must succeed."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def first_line(command: list[str]) -> float:
    """Seconds from launch to the first line the command writes to stdout (it must write events)."""
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        seconds = time.perf_counter() - start
        process.stdout.read()
    if process.returncode or not json.loads(line)["events"]:
        raise SystemExit(f"{' '.join(command)} gave no events")
    return seconds


def main() -> None:
    """Time each start-up and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp, "article.txt")
        first = json.loads(sample_path().read_text(encoding="utf-8").splitlines()[0])
        article.write_text(first["text"], encoding="utf-8")
        db = str(Path(tmp, "sample.duckdb"))
        subprocess.run([OBSERVATORY, "ingest", str(sample_path()), "--db", db], check=True, capture_output=True)
        checks = {
            "`observatory --help`": lambda: wall([OBSERVATORY, "--help"]),
            "`observatory extract article.txt`, to the first event": lambda: first_line(
                [OBSERVATORY, "extract", str(article), "--published", "2024-01-02"]),
            "`observatory events --limit 10` (sample database)": lambda: wall(
                [OBSERVATORY, "events", "--db", db, "--limit", "10"]),
        }
        times = {name: [check() for _ in range(args.repeat)] for name, check in checks.items()}
    print(f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}; {args.repeat} runs each\n")
    print("| command | median s | fastest s |\n| --- | ---: | ---: |")
    for name, seconds in times.items():
        print(f"| {name} | {statistics.median(seconds):.2f} | {min(seconds):.2f} |")


if __name__ == "__main__":
    main()
