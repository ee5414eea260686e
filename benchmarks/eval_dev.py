"""Run `observatory evaluate` on every development set and print (or write) a Markdown table of metrics.

    .venv/bin/python benchmarks/eval_dev.py [--dev ../shared/eval/dev] [--write docs/evaluation-table.md]

Each dataset is extracted from scratch with the current code; the figures are the ones defined in
../shared/eval/README.md and computed by observatory.evaluate.records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from observatory.evaluate.records import evaluate_file

DATASETS = ("articles", "acled2020", "case2021", "plover", "india", "pitf", "ucdp_syria", "fakes")
TARGETS = {
    ("articles", "acled_event_precision"): 0.85,
    ("articles", "acled_event_recall"): 0.85,
    ("articles", "acled_matched_type_acc"): 0.85,
    ("articles", "acled_matched_date_acc"): 0.85,
    ("articles", "acled_matched_fatalities_acc"): 0.85,
    ("articles", "acled_toll_within_20pct"): 0.85,
    ("articles", "acled_negative_articles_clean"): 0.90,
    ("articles", "acled_all_fields_right"): 0.60,
    ("acled2020", "acled_type_top1"): 0.85,
    ("acled2020", "acled_sub_top1"): 0.70,
    ("acled2020", "inter1_top1"): 0.70,
    ("case2021", "case_weighted_f1_25"): 0.75,
    ("case2021", "case_weighted_f1_all"): 0.70,
    ("plover", "plover_top1"): 0.70,
    ("india", "india_KILL_f1"): 0.60,
    ("india", "india_ARREST_f1"): 0.60,
    ("acled2020", "loc_acc@25km"): 0.80,
    ("acled2020", "admin1_acc"): 0.85,
    ("acled2020", "date_exact"): 0.95,
    ("acled2020", "fatalities_exact"): 0.90,
    ("pitf", "loc_acc@25km"): 0.75,
    ("pitf", "date_exact"): 0.80,
    ("pitf", "fatalities_exact_when_killed"): 0.80,
    ("pitf", "injured_exact_when_injured"): 0.70,
    ("ucdp_syria", "loc_acc@25km"): 0.70,
    ("ucdp_syria", "admin1_acc"): 0.80,
    ("fakes", "admin1_acc"): 0.80,
}

# Metrics where lower is better: the target is a ceiling.
CEILINGS = {("articles", "acled_duplicate_share"): 0.05}


def main() -> None:
    """Evaluate each development set and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev")
    parser.add_argument("--write", type=Path, help="Also write the table to this Markdown file.")
    args = parser.parse_args()
    lines = [
        f"Measured {dt.date.today().isoformat()} with `.venv/bin/python benchmarks/eval_dev.py` "
        f"(extraction from scratch on each file of {args.dev.name}/).",
        "",
        "| dataset | metric | value | n | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name in DATASETS:
        path = args.dev / f"{name}.jsonl"
        if not path.exists():
            print(f"skipping {name}: {path} not found")
            continue
        started = time.perf_counter()
        report = evaluate_file(path, progress=False)
        print(f"{name}: {report.documents} documents in {time.perf_counter() - started:.0f} s")
        for metric, value in report.metrics.items():
            target = TARGETS.get((name, metric))
            ceiling = CEILINGS.get((name, metric))
            if ceiling is not None:
                met, shown = ("yes" if value <= ceiling else "no"), f"at most {ceiling:.2f}"
            else:
                met = "" if target is None else ("yes" if value >= target else "no")
                shown = "" if target is None else f"{target:.2f}"
            lines.append(f"| {name} | {metric} | {value:.3f} | {report.counts.get(metric, '')} | {shown} | {met} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        args.write.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
