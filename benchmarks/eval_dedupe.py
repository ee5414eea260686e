"""Pairwise precision and recall of cross-report deduplication on the hand-written dedupe corpus.

    .venv/bin/python benchmarks/eval_dedupe.py [--corpus tests/fixtures/dedupe] [--batch 8] [--show]

Extracts events from ``articles.jsonl``, ingests them in batches with ``Store.add_batch`` and runs the
incremental ``dedupe_articles`` after each batch, as ``observatory ingest`` and ``watch`` do; then checks
that a full rebuild gives the same incidents, and scores the merging against ``gold.json``.

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
from pathlib import Path

from observatory.dedupe import dedupe, dedupe_articles
from observatory.models import Document
from observatory.pipeline import Extractor
from observatory.reading import read_path
from observatory.store import Store, content_hash

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
    scores = pairwise_scores([row[:4] for row in incremental], gold)
    return scores, incremental


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--batch", type=int, default=8, help="documents per ingest batch")
    parser.add_argument("--show", action="store_true", help="print every event with its incident")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scores, rows = run(args.corpus, Path(tmp) / "dedupe.duckdb", args.batch)
    if args.show:
        for row in rows:
            print(*row, sep="\t")
    incidents = len({row[3] for row in rows})
    print(
        f"{len(rows)} occurred events in {incidents} incidents; pairwise precision {scores['precision']:.3f}, "
        f"recall {scores['recall']:.3f} (TP {scores['tp']}, FP {scores['fp']}, FN {scores['fn']})"
    )


if __name__ == "__main__":
    main()
