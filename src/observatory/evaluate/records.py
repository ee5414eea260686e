"""Scores extracted events against gold data (gold JSONL of the shared eval sets, or an ACLED CSV export).

The metric definitions follow the shared evaluation README: the *primary event* of a document is its
occurred event with the highest confidence among those carrying the field being scored (ties: the
first in the list).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from observatory.evaluate.articles import ArticleScores, is_article_record, score_article
from observatory.evaluate.gold import (
    DATASET_METRICS,
    EvalInputError,
    GoldRecord,
    parse_date,
    read_gold,
    read_predictions,
)
from observatory.evaluate.report import ErrorClass, EvalReport
from observatory.lexicon.gazetteer import haversine_km
from observatory.lexicon.taxonomy import ACLED_SUB_TYPES
from observatory.models import ActorRef, DocumentResult, Event
from observatory.resolve.geolocate import admin1_matches

NONE = "none"


NO = "no"


KM_THRESHOLD = 25.0


MAX_EXAMPLES = 2


# The event-type labels whose confusion matrix is reported, per dataset.
CONFUSION_KIND = {"acled2020": "ACLED sub-event type", "acled_csv": "ACLED sub-event type",
                  "case2021": "ACLED sub-event type", "plover": "PLOVER type"}


GOVERNATE = re.compile(r"\bgovernate\b", re.IGNORECASE)


def _gold_admin1(record: GoldRecord) -> str | None:
    """The gold admin1 (fakes: `gold.admin1`), with PITF's "Governate" spelled as the matcher expects."""
    name = record.gold.get("admin1") or (record.gold_event.get("location") or {}).get("admin1")
    return GOVERNATE.sub("Governorate", name) if name else None


def primary_event(events: Iterable[Event], has: Callable[[Event], bool]) -> Event | None:
    """The occurred event with the highest confidence among those for which `has` holds (ties: first)."""
    best: Event | None = None
    for event in events:
        if event.status == "occurred" and has(event) and (best is None or event.confidence > best.confidence):
            best = event
    return best


def _best(quantity: Any) -> int:
    return (quantity.best or 0) if quantity is not None else 0


def _occurred_sum(events: list[Event], name: str) -> int:
    return sum(_best(getattr(event, name)) for event in events if event.status == "occurred")


def weighted_f1(pairs: list[tuple[str, str]]) -> float:
    """Support-weighted F1 over the gold classes of (gold, predicted) pairs, as sklearn's "weighted"."""
    if not pairs:
        return 0.0
    support = Counter(gold for gold, _ in pairs)
    predicted = Counter(pred for _, pred in pairs)
    correct = Counter(gold for gold, pred in pairs if gold == pred)
    total = 0.0
    for label, n_gold in support.items():
        tp = correct[label]
        if tp:
            precision, recall = tp / predicted[label], tp / n_gold
            total += n_gold * 2 * precision * recall / (precision + recall)
    return total / len(pairs)


def binary_f1(pairs: list[tuple[bool, bool]]) -> float:
    """F1 of the positive class over (gold, predicted) booleans."""
    tp = sum(1 for gold, pred in pairs if gold and pred)
    n_pred = sum(1 for _, pred in pairs if pred)
    n_gold = sum(1 for gold, _ in pairs if gold)
    return 2 * tp / (n_pred + n_gold) if tp else 0.0


@dataclass
class Observation:
    """One scored item of one metric: whether it is right, and the labels that describe an error."""

    metric: str
    correct: bool
    gold: str
    pred: str


def _label_metric(metric: str, gold: Any, events: list[Event], value: Callable[[Event], Any]) -> Observation:
    primary = primary_event(events, lambda e: value(e) is not None)
    pred = value(primary) if primary else None
    return Observation(metric, pred is not None and str(pred) == str(gold), str(gold),
                       NONE if pred is None else str(pred))


def _first_inter(event: Event) -> int | None:
    return event.actors[0].acled_inter if event.actors else None


def _score_labels(record: GoldRecord, events: list[Event]) -> Iterator[Observation]:
    gold = record.gold_event
    fields = (
        ("acled_type_top1", "acled_event_type", lambda e: e.acled_event_type),
        ("acled_sub_top1", "acled_sub_event_type", lambda e: e.acled_sub_event_type),
        ("plover_top1", "plover_type", lambda e: e.plover_type),
        ("inter1_top1", "inter1", _first_inter),
    )
    for metric, key, value in fields:
        if gold.get(key) is not None:
            yield _label_metric(metric, gold[key], events, value)


def _distance_class(km: float, same_country: bool) -> str:
    if not same_country:
        return "wrong country"
    return "25-100 km off" if km <= 100 else "100+ km off, same country"


def _located(event: Event) -> bool:
    """Whether the event has a point: a place known only at country level has none."""
    return event.location is not None and event.location.lat is not None


def _score_location(record: GoldRecord, events: list[Event]) -> Iterator[Observation]:
    loc = record.gold_event.get("location") or {}
    precision = loc.get("precision")
    if loc.get("lat") is not None and loc.get("lon") is not None and precision in (None, 1, 2):
        primary = primary_event(events, _located)
        gold_label = str(loc.get("country") or "?") + (f" precision {precision}" if precision else "")
        if primary is None or primary.location is None:
            yield Observation("loc_acc@25km", False, gold_label, "no located event")
        else:
            km = haversine_km(loc["lat"], loc["lon"], primary.location.lat, primary.location.lon)
            same = (loc.get("country") or "") in ("", primary.location.country or "")
            yield Observation("loc_acc@25km", km <= KM_THRESHOLD, gold_label, _distance_class(km, same))
    gold_admin1 = _gold_admin1(record)
    if gold_admin1:
        primary = primary_event(events, _located)
        pred_admin1 = primary.location.admin1 if primary and primary.location else None
        ok = bool(pred_admin1) and admin1_matches(pred_admin1, gold_admin1)
        pred_label = pred_admin1 or ("no admin1" if primary else "no located event")
        yield Observation("admin1_acc", ok, gold_admin1, pred_label)


def _day_offset(days: int) -> str:
    return f"{days:+d} d" if abs(days) <= 7 else ("> +7 d" if days > 0 else "< -7 d")


def _score_date(record: GoldRecord, events: list[Event]) -> Iterator[Observation]:
    gold = parse_date(record.gold_event.get("date"))
    if gold is None:
        return
    primary = primary_event(events, lambda e: e.date is not None)
    gold_label = f"published {_day_offset((gold - record.published).days)}" if record.published else "no date"
    if primary is None or primary.date is None:
        yield Observation("date_exact", False, gold_label, "no dated event")
    else:
        offset = (primary.date.start - gold).days
        yield Observation("date_exact", offset == 0, gold_label, f"pred {_day_offset(offset)}")


def _count_class(gold: int) -> str:
    if gold <= 1:
        return str(gold)
    return "2-5" if gold <= 5 else ("6-20" if gold <= 20 else "21+")


def _count_error(gold: int, pred: int) -> str:
    if pred == gold:
        return "exact"
    if pred == 0:
        return "none found"
    if gold and pred % gold == 0:
        return f"x{pred // gold} (counted twice?)"
    return "too high" if pred > gold else "too low"


def _score_counts(record: GoldRecord, events: list[Event]) -> Iterator[Observation]:
    gold_event = record.gold_event
    fatalities = gold_event.get("fatalities")
    if isinstance(fatalities, int):
        pred = _occurred_sum(events, "fatalities")
        obs = Observation("fatalities_exact", pred == fatalities, _count_class(fatalities),
                          _count_error(fatalities, pred))
        yield obs
        if fatalities > 0:
            yield Observation("fatalities_exact_when_killed", obs.correct, obs.gold, obs.pred)
    injured = gold_event.get("injured")
    if isinstance(injured, int) and injured > 0:
        pred = _occurred_sum(events, "injured")
        yield Observation("injured_exact_when_injured", pred == injured, _count_class(injured),
                          _count_error(injured, pred))


def _case_labels(record: GoldRecord, events: list[Event]) -> tuple[str, str]:
    """(gold ACLED sub-type or "none", predicted sub-type of the primary event or "none")."""
    gold = record.gold_event.get("acled_sub_event_type") or NONE
    primary = primary_event(events, lambda e: e.acled_sub_event_type is not None)
    return gold, (primary.acled_sub_event_type if primary else None) or NONE


def _score_case(record: GoldRecord, events: list[Event]) -> Iterator[Observation]:
    gold, pred = _case_labels(record, events)
    shown = record.gold.get("case_label") if gold == NONE else gold
    if gold in ACLED_SUB_TYPES:
        yield Observation("case_weighted_f1_25", gold == pred, gold, pred)
    yield Observation("case_weighted_f1_all", gold == pred, str(shown or NONE), pred)


def sentence_spans(text: str, sentences: list[str]) -> list[tuple[int, int] | None]:
    """Character spans of the gold sentences in the text, found in order (None when not found)."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for sentence in sentences:
        start = text.find(sentence, cursor)
        if start < 0:
            start = text.find(sentence)
        if start < 0:
            spans.append(None)
            continue
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans


def _is_police(actor: ActorRef) -> bool:
    return actor.sector == "POL" or "police" in actor.name.lower() or "police" in actor.text.lower()


def _is_kill(event: Event) -> bool:
    return _best(event.fatalities) > 0 and any(_is_police(actor) for actor in event.actors)


def _is_any_kill(event: Event) -> bool:
    return _best(event.fatalities) > 0


def _is_arrest(event: Event) -> bool:
    return event.plover_mode in ("arrest", "detain") or event.acled_sub_event_type == "Arrests"


def _score_india(record: GoldRecord, events: list[Event]) -> Iterator[Observation]:
    sentences = record.gold.get("sentences") or []
    spans = sentence_spans(record.text, [s.get("text", "") for s in sentences])
    occurred = [e for e in events if e.status == "occurred"]
    for sentence, span in zip(sentences, spans, strict=True):
        labels = set(sentence.get("labels") or [])
        for metric, label, test in (
            ("india_KILL_f1", "KILL", _is_kill), ("india_ARREST_f1", "ARREST", _is_arrest),
            ("india_KILL_any_f1", "KILL", _is_any_kill),
        ):
            pred = span is not None and any(
                test(e) and e.evidence.start < span[1] and e.evidence.end > span[0] for e in occurred
            )
            gold = label in labels
            yield Observation(metric, gold == pred, label if gold else NO, label if pred else NO)


SCORERS: tuple[Callable[[GoldRecord, list[Event]], Iterator[Observation]], ...] = (
    _score_labels, _score_location, _score_date, _score_counts,
)


def score_record(record: GoldRecord, events: list[Event]) -> list[Observation]:
    """All observations of one document for the metrics of its dataset."""
    if record.dataset == "case2021":
        return list(_score_case(record, events))
    if record.dataset == "india":
        return list(_score_india(record, events))
    wanted = DATASET_METRICS.get(record.dataset)
    observations = [obs for scorer in SCORERS for obs in scorer(record, events)]
    return [obs for obs in observations if wanted is None or obs.metric in wanted]


def _confusion_pair(record: GoldRecord, events: list[Event], kind: str) -> tuple[str, str] | None:
    if kind == "PLOVER type":
        gold = record.gold_event.get("plover_type")
        primary = primary_event(events, lambda e: True)
        return (gold, primary.plover_type if primary else NONE) if gold else None
    gold, pred = _case_labels(record, events)
    return (gold, pred) if gold != NONE or record.dataset == "case2021" else None


@dataclass
class _Tally:
    hits: Counter[str] = field(default_factory=Counter)
    n: Counter[str] = field(default_factory=Counter)
    errors: dict[str, Counter[tuple[str, str]]] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[tuple[str, str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    f1_pairs: dict[str, list[tuple[Any, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, doc_id: str, obs: Observation) -> None:
        self.n[obs.metric] += 1
        self.hits[obs.metric] += obs.correct
        if obs.metric.startswith("india_"):
            self.f1_pairs[obs.metric].append((obs.gold != NO, obs.pred != NO))
        elif obs.metric.startswith("case_"):
            gold = obs.gold if obs.gold in ACLED_SUB_TYPES else NONE
            self.f1_pairs[obs.metric].append((gold, obs.pred))
        if not obs.correct:
            self.errors[obs.metric][(obs.gold, obs.pred)] += 1
            examples = self.examples[(obs.metric, obs.gold, obs.pred)]
            if len(examples) < MAX_EXAMPLES and doc_id not in examples:
                examples.append(doc_id)

    def metric_value(self, metric: str) -> float:
        if metric.startswith("india_"):
            return binary_f1(self.f1_pairs[metric])
        if metric.startswith("case_"):
            return weighted_f1(self.f1_pairs[metric])
        return self.hits[metric] / self.n[metric]

    def error_classes(self, metric: str, limit: int) -> list[ErrorClass]:
        ranked = sorted(self.errors[metric].items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [ErrorClass(g, p, n, self.examples[(metric, g, p)]) for (g, p), n in ranked]


def _metric_order(names: Iterable[str]) -> list[str]:
    known = [m for metrics in DATASET_METRICS.values() for m in metrics]
    order = {name: i for i, name in enumerate(dict.fromkeys(known))}
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


def _event_error(judgement: Any, text: str) -> dict[str, Any]:
    event = judgement.event
    fatalities = event.fatalities.best if event.fatalities else None
    return {
        "id": judgement.doc_id, "outcome": judgement.outcome, "duplicate_of": judgement.gold_id,
        "acled_sub_event_type": event.acled_sub_event_type, "plover_type": event.plover_type,
        "fatalities": fatalities, "confidence": event.confidence,
        "sentence": text[event.evidence.start:event.evidence.end],
    }


def _score_articles(
    records: list[GoldRecord], predictions: list[list[Event]]
) -> tuple[dict[str, float], dict[str, int], list[dict[str, Any]]]:
    """Event-level metrics of whole-article records, per scope (`acled_...` and `all_...`), and the
    false and duplicate ACLED-typed events with their sentences."""
    metrics: dict[str, float] = {}
    counts: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    texts = {record.id: record.text for record in records}
    for scope in ("acled", "all"):
        scores = ArticleScores(scope)
        for record, events in zip(records, predictions, strict=True):
            score_article(record.id, record.text, record.gold, events, scores)
        for name, (value, n) in scores.metrics().items():
            metrics[f"{scope}_{name}"], counts[f"{scope}_{name}"] = value, n
        if scope == "acled":
            errors = [_event_error(j, texts[j.doc_id]) for j in scores.judgements
                      if j.outcome in ("false", "duplicate")]
    return metrics, counts, errors


def score(records: list[GoldRecord], predictions: list[list[Event]], error_limit: int = 5) -> EvalReport:
    """An EvalReport from gold records and the events predicted for each (same order)."""
    if records and all(is_article_record(record.gold) for record in records):
        metrics, counts, event_errors = _score_articles(records, predictions)
        return EvalReport(dataset=records[0].dataset, documents=len(records), metrics=metrics, counts=counts,
                          event_errors=event_errors)
    datasets = Counter(record.dataset for record in records)
    dataset = datasets.most_common(1)[0][0] if datasets else "unknown"
    kind = CONFUSION_KIND.get(dataset)
    tally, confusion = _Tally(), Counter[tuple[str, str]]()
    for record, events in zip(records, predictions, strict=True):
        for obs in score_record(record, events):
            tally.add(record.id, obs)
        pair = _confusion_pair(record, events, kind) if kind else None
        if pair:
            confusion[pair] += 1
    names = _metric_order(tally.n)
    return EvalReport(
        dataset=dataset, documents=len(records),
        metrics={name: tally.metric_value(name) for name in names},
        counts={name: tally.n[name] for name in names},
        confusion=confusion, confusion_kind=kind,
        errors={name: classes for name in names if (classes := tally.error_classes(name, error_limit))},
    )


def _extract_all(records: list[GoldRecord], progress: bool) -> list[list[Event]]:
    """Run the extraction pipeline on the gold documents."""
    from observatory.pipeline import Extractor

    extractor = Extractor()
    documents = [record.to_document() for record in records]
    extract_many = getattr(extractor, "extract_many", None)
    results: Iterable[DocumentResult] = (
        extract_many(documents) if extract_many else (extractor.extract(doc) for doc in documents)
    )
    if progress:
        from rich.progress import track

        results = track(results, total=len(documents), description="Extracting",
                        console=Console(stderr=True), transient=True)
    return [list(result.events) for result in results]


def evaluate_file(
    gold_path: Path, pred_path: Path | None = None, limit: int | None = None, progress: bool = True
) -> EvalReport:
    """Score predictions (an `observatory extract` JSONL) against a gold file, or extract and score.

    Without `pred_path` the documents of the gold file are run through `pipeline.Extractor`.
    Raises EvalInputError with a readable message for bad input files.
    """
    records = read_gold(Path(gold_path))
    if limit is not None:
        records = records[: max(0, limit)]
    if not records:
        raise EvalInputError(f"{gold_path}: no gold records")
    missing = 0
    if pred_path is None:
        predictions = _extract_all(records, progress)
    else:
        by_id = read_predictions(Path(pred_path))
        missing = sum(1 for record in records if record.id not in by_id)
        predictions = [list(by_id[r.id].events) if r.id in by_id else [] for r in records]
    report = score(records, predictions)
    report.missing_predictions = missing
    return report
