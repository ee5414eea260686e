"""Pairwise precision and recall of cross-report deduplication on the hand-written dedupe corpus.

    .venv/bin/python benchmarks/eval_dedupe.py [--corpus tests/fixtures/dedupe] [--batch 8] [--show]
    .venv/bin/python benchmarks/eval_dedupe.py --perf [--events 100000]

Extracts events from ``articles.jsonl``, ingests them in batches with ``Store.add_batch`` and runs the
incremental ``dedupe_articles`` after each batch, as ``observatory ingest`` and ``watch`` do; then checks
that a full rebuild gives the same incidents, and scores the merging against ``gold.json``. With
``--perf``, times a full rebuild of a synthetic store of ``--events`` occurred events, then the
incremental pass over a 64-document batch ingested into it.

Scoring (see docs/dedupe.md): the items are the stored occurred events. An event's gold incident is its
article's incident when the event's type family (violence, demonstrations, ...) is the incident's family;
any other event (a side event of the article) is its own gold singleton. Over every pair of events from
different articles, a pair is gold-positive when both events have the same gold incident, and
predicted-positive when they share an ``incident_id``. Precision = TP / predicted positives,
recall = TP / gold positives.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from pathlib import Path

from observatory.models import Document
from observatory.pipeline import Extractor
from observatory.read.inputs import read_path
from observatory.store.dedupe import dedupe, dedupe_articles
from observatory.store.ingest import Store, content_hash

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dedupe"


def pairwise_scores(rows: list[tuple[str, str, str, str]], gold: dict) -> dict[str, float]:
    """Precision and recall of merging over cross-article pairs; rows are (event, doc id, family, incident)."""
    labelled = []
    for event_id, doc_id, family, incident in rows:
        truth = gold["articles"].get(doc_id)
        same_family = truth is not None and gold["families"][truth] == family
        labelled.append((doc_id, truth if same_family else f"other:{event_id}", incident))
    tp = fp = fn = 0
    for (doc_a, gold_a, pred_a), (doc_b, gold_b, pred_b) in itertools.combinations(labelled, 2):
        if doc_a == doc_b:
            continue
        same_gold, same_pred = gold_a == gold_b, pred_a is not None and pred_a == pred_b
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn}


def run(corpus: Path, db_path: Path, batch_size: int) -> tuple[dict[str, float], list[tuple]]:
    """Extract, ingest in batches with incremental dedupe, verify against a rebuild, and score."""
    gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    docs = [d for d in read_path(corpus / "articles.jsonl") if isinstance(d, Document)]
    extractor = Extractor()
    results = list(extractor.extract_many(docs))
    with Store(db_path) as store:
        for start in range(0, len(docs), batch_size):
            batch = list(zip(docs[start : start + batch_size], results[start : start + batch_size], strict=True))
            store.add_batch(batch)
            dedupe_articles(store.con, [content_hash(doc.text) for doc, _ in batch])
        query = """SELECT e.event_id, a.doc_id, i.event_family, e.incident_id, e.acled_sub_event_type,
                          e.location, e.date_start, e.fatalities
                   FROM events e JOIN articles a USING (article_id) JOIN incidents i USING (incident_id)
                   WHERE e.status = 'occurred' ORDER BY e.incident_id, a.doc_id"""
        incremental = store.con.execute(query).fetchall()
        dedupe(store.con, rebuild=True)
        rebuilt = store.con.execute(query).fetchall()
    if incremental != rebuilt:
        raise SystemExit("incremental deduplication differs from a full rebuild")
    return pairwise_scores([row[:4] for row in incremental], gold), incremental


SYNTHETIC_ARTICLES = """
INSERT INTO articles SELECT printf('%016x', i), 'syn-' || i, NULL, NULL, 'Outlet ' || (i % 40), DATE '2023-01-01'
    + CAST(i % 730 AS INTEGER), 'synthetic article ' || i, now()::TIMESTAMP, printf('%016x', i) FROM range(?, ?) t(i)
"""
SYNTHETIC_EVENTS = """
INSERT INTO events (event_id, article_id, plover_type, acled_event_type, acled_sub_event_type, actor1, latitude,
                    longitude, country, admin1, geo_precision, date_start, date_end, fatalities, status,
                    evidence_text, evidence_start, evidence_end, confidence, event_json)
SELECT printf('%016x', i // 2) || ':' || (i % 2), printf('%016x', i // 2), 'ASSAULT', types[1 + i % 3],
       subs[1 + i % 3], 'Group ' || (i % 17), 5 + (i // 6 * 7919 % 500) / 100.0, 30 + (i // 6 * 104729 % 500) / 100.0,
       'C' || lpad(CAST(i // 6 % 30 AS VARCHAR), 2, '0'), 'R' || (i % 7), 1,
       DATE '2023-01-01' + CAST((i // 2) % 730 AS INTEGER), DATE '2023-01-01' + CAST((i // 2) % 730 AS INTEGER),
       i % 9, 'occurred', 'Fighters attacked a village in district ' || (i % 101) || ', killing ' || (i % 9),
       0, 40, 0.8, '{}'
FROM range(?, ?) t(i), (SELECT ['Battles', 'Explosions/Remote violence', 'Protests'] AS types,
                               ['Armed clash', 'Air/drone strike', 'Peaceful protest'] AS subs);
"""


def perf(n_events: int) -> None:
    """Time a full rebuild over ``n_events`` synthetic events, then an incremental pass over 64 more articles."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "perf.duckdb") as store:
        store.con.execute(SYNTHETIC_ARTICLES, [0, n_events // 2])
        store.con.execute(SYNTHETIC_EVENTS, [0, n_events])
        started = time.perf_counter()
        full = dedupe(store.con, rebuild=True)
        full_s = time.perf_counter() - started
        first, last = n_events // 2, n_events // 2 + 64
        store.con.execute(SYNTHETIC_ARTICLES, [first, last])
        store.con.execute(SYNTHETIC_EVENTS, [2 * first, 2 * last])
        new_ids = [f"{i:016x}" for i in range(first, last)]
        started = time.perf_counter()
        batch = dedupe_articles(store.con, new_ids)
        batch_s = time.perf_counter() - started
    print(f"full rebuild: {full.events} events -> {full.total_incidents} incidents in {full_s:.1f} s")
    print(f"incremental pass for 64 articles ({batch.events} events re-clustered) on {full.events} events: "
          f"{batch_s * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--batch", type=int, default=8, help="documents per ingest batch")
    parser.add_argument("--show", action="store_true", help="print every event with its incident")
    parser.add_argument("--perf", action="store_true", help="time deduplication on a synthetic store instead")
    parser.add_argument("--events", type=int, default=100_000, help="synthetic events for --perf")
    args = parser.parse_args()
    if args.perf:
        perf(args.events)
        return
    with tempfile.TemporaryDirectory() as tmp:
        scores, rows = run(args.corpus, Path(tmp) / "dedupe.duckdb", args.batch)
    if args.show:
        for row in rows:
            print(*row, sep="\t")
    gold = json.loads((args.corpus / "gold.json").read_text(encoding="utf-8"))
    located = pairwise_scores([row[:4] for row in rows if row[5] is not None], gold)
    incidents = len({row[3] for row in rows})
    print(f"{len(rows)} occurred events in {incidents} incidents")
    for label, result in (("all events", scores), ("located events only", located)):
        print(
            f"{label}: pairwise precision {result['precision']:.3f}, recall {result['recall']:.3f} "
            f"(TP {result['tp']}, FP {result['fp']}, FN {result['fn']})"
        )


if __name__ == "__main__":
    main()
