"""Scores extracted events against gold data (gold JSONL of the shared eval sets, or an ACLED CSV export).

The metric definitions follow the shared evaluation README: the *primary event* of a document is its
occurred event with the highest confidence among those carrying the field being scored (ties: the
first in the list).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from observatory.evaluate_articles import ArticleScores, is_article_record, score_article
from observatory.export import FORMULA_TRIGGERS
from observatory.gazetteer import haversine_km
from observatory.geolocate import admin1_matches
from observatory.models import ActorRef, Document, DocumentResult, Event
from observatory.taxonomy import ACLED_SUB_TYPES

NONE = "none"
NO = "no"
KM_THRESHOLD = 25.0
MAX_EXAMPLES = 2

# Metrics scored per known dataset; a file of an unknown dataset gets every metric its gold supports.
DATASET_METRICS: dict[str, tuple[str, ...]] = {
    "acled2020": (
        "acled_type_top1", "acled_sub_top1", "inter1_top1", "loc_acc@25km", "admin1_acc", "date_exact",
        "fatalities_exact", "fatalities_exact_when_killed",
    ),
    "pitf": (
        "loc_acc@25km", "admin1_acc", "date_exact", "fatalities_exact", "fatalities_exact_when_killed",
        "injured_exact_when_injured",
    ),
    "ucdp_syria": (
        "loc_acc@25km", "admin1_acc", "date_exact", "fatalities_exact", "fatalities_exact_when_killed",
    ),
    "fakes": ("admin1_acc",),
    "plover": ("plover_top1",),
    "case2021": ("case_weighted_f1_25", "case_weighted_f1_all"),
    "india": ("india_KILL_f1", "india_ARREST_f1", "india_KILL_any_f1"),
}
DATASET_METRICS["acled_csv"] = DATASET_METRICS["acled2020"]
# The event-type labels whose confusion matrix is reported, per dataset.
CONFUSION_KIND = {"acled2020": "ACLED sub-event type", "acled_csv": "ACLED sub-event type",
                  "case2021": "ACLED sub-event type", "plover": "PLOVER type"}

CSV_REQUIRED = ("notes", "event_type", "sub_event_type", "actor1", "inter1", "latitude", "longitude",
                "event_date", "fatalities")
CSV_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d-%b-%y", "%B %d, %Y")
GOVERNATE = re.compile(r"\bgovernate\b", re.IGNORECASE)


class EvalInputError(Exception):
    """A gold or prediction file that cannot be read; the message says what is wrong and where."""


@dataclass
class GoldRecord:
    """One gold document: its input text and the gold annotations."""

    id: str
    dataset: str
    text: str
    title: str | None
    published: dt.date | None
    gold: dict[str, Any]

    @property
    def gold_event(self) -> dict[str, Any]:
        """The first gold event (every eval record carries at most one), or an empty dict."""
        events = self.gold.get("events") or []
        return events[0] if events else {}

    def to_document(self) -> Document:
        """The input document the extractor sees (no gold fields)."""
        return Document(id=self.id, text=self.text, title=self.title, published=self.published)


@dataclass
class ErrorClass:
    """A frequent (gold, predicted) mismatch of one metric, with example document ids."""

    gold: str
    pred: str
    count: int
    examples: list[str]


@dataclass
class EvalReport:
    """Metric values (fractions in [0, 1]) with the number of records each was scored on."""

    dataset: str
    documents: int
    metrics: dict[str, float]
    counts: dict[str, int]
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    confusion_kind: str | None = None
    errors: dict[str, list[ErrorClass]] = field(default_factory=dict)
    missing_predictions: int = 0
    event_errors: list[dict[str, Any]] = field(default_factory=list)

    def top_confusions(self, limit: int = 10) -> list[tuple[str, str, int]]:
        """The most frequent off-diagonal (gold, predicted) pairs of the confusion matrix."""
        off = [(g, p, n) for (g, p), n in self.confusion.items() if g != p]
        return sorted(off, key=lambda row: (-row[2], row[0], row[1]))[:limit]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (the `--json` output of `observatory evaluate`)."""
        return {
            "dataset": self.dataset,
            "documents": self.documents,
            "missing_predictions": self.missing_predictions,
            "metrics": {name: round(value, 4) for name, value in self.metrics.items()},
            "counts": dict(self.counts),
            "confusion_kind": self.confusion_kind,
            "confusion": [
                {"gold": g, "pred": p, "count": n}
                for (g, p), n in sorted(self.confusion.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "errors": {
                metric: [vars(err) for err in classes] for metric, classes in self.errors.items()
            },
            "event_errors": self.event_errors,
        }


# ---------------------------------------------------------------- reading gold and predictions


def _parse_date(value: str | None) -> dt.date | None:
    """A date from the formats found in gold files and ACLED exports; None when empty or unreadable."""
    if not value or not str(value).strip():
        return None
    text = str(value).strip()
    for fmt in CSV_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; clear errors for unreadable files and bad JSON."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise EvalInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalInputError(f"{path}: invalid JSON on line {number}: {exc.msg}") from None
                if not isinstance(obj, dict):
                    raise EvalInputError(f"{path}: line {number} is not a JSON object")
                yield number, obj
        except UnicodeDecodeError:
            raise EvalInputError(f"{path}: not UTF-8 text") from None


def _dataset_from_name(path: Path) -> str:
    stem = path.name.split(".")[0].lower()
    return next((name for name in DATASET_METRICS if stem.startswith(name)), stem)


def read_gold_jsonl(path: Path) -> list[GoldRecord]:
    """Gold records of an eval JSONL file (`id`, `text`, `gold`, optional `dataset`, `title`, `published`)."""
    fallback = _dataset_from_name(path)
    records = []
    for number, obj in _read_jsonl(path):
        missing = [key for key in ("id", "text", "gold") if key not in obj]
        if missing:
            raise EvalInputError(f"{path}: line {number} lacks {', '.join(missing)}")
        published = obj.get("published")
        records.append(GoldRecord(
            id=str(obj["id"]), dataset=str(obj.get("dataset") or fallback), text=str(obj["text"]),
            title=obj.get("title"), published=_parse_date(published) if published else None,
            gold=obj["gold"] if isinstance(obj["gold"], dict) else {},
        ))
    return records


def _strip_coder_notes(notes: str) -> str:
    """ACLED notes without the coder annotations dropped in the eval data ("[size=...]", "N fatalities.")."""
    notes = re.sub(r"\s*\[size=[^\]]*\]", "", notes)
    notes = re.sub(r"\s*\b\d+\s+fatalit(?:y|ies)\.?\s*$", "", notes, flags=re.IGNORECASE)
    return notes.strip()


def _number(value: str | None, kind: type[int] | type[float]) -> int | float | None:
    if value is None or not str(value).strip():
        return None
    try:
        return kind(float(value)) if kind is int else float(value)
    except ValueError:
        return None


def _without_formula_quote(value: str) -> str:
    """A cell without the single quote ``export.neutralise_formula`` put before =, +, -, @, TAB or CR."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def read_acled_csv(path: Path) -> list[GoldRecord]:
    """Gold records from an ACLED CSV export: the notes are the text, the coded fields the gold event."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            rows = list(reader)
    except OSError as exc:
        raise EvalInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise EvalInputError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [name for name in CSV_REQUIRED if name not in header]
    if missing:
        raise EvalInputError(f"{path}: missing column(s): {', '.join(missing)}")
    if not rows:
        raise EvalInputError(f"{path}: no data rows")
    records = []
    for number, raw in enumerate(rows, start=2):
        row = {
            (key or "").strip().lower(): _without_formula_quote((value or "").strip()) for key, value in raw.items()
        }
        date = _parse_date(row["event_date"])
        if date is None:
            raise EvalInputError(f"{path}: row {number}: unreadable event_date {row['event_date']!r}")
        location = {
            "name": row.get("location") or None, "lat": _number(row["latitude"], float),
            "lon": _number(row["longitude"], float), "admin1": row.get("admin1") or None,
            "country": row.get("country") or None, "precision": _number(row.get("geo_precision"), int),
        }
        event = {
            "acled_event_type": row["event_type"] or None,
            "acled_sub_event_type": row["sub_event_type"] or None,
            "actor1": row["actor1"] or None, "inter1": _number(row["inter1"], int),
            "date": date.isoformat(), "location": location, "fatalities": _number(row["fatalities"], int),
        }
        records.append(GoldRecord(
            id=f"acled:{row.get('event_id_cnty') or number}", dataset="acled_csv",
            text=_strip_coder_notes(row["notes"]), title=None, published=date, gold={"events": [event]},
        ))
    return records


def read_gold(path: Path) -> list[GoldRecord]:
    """Gold records of a JSONL eval file or an ACLED CSV export (by file extension)."""
    if not path.exists():
        raise EvalInputError(f"no such file: {path}")
    if path.suffix.lower() == ".csv":
        return read_acled_csv(path)
    return read_gold_jsonl(path)


def read_predictions(path: Path) -> dict[str, DocumentResult]:
    """`observatory extract` output (JSONL of DocumentResult) keyed by document id."""
    if not path.exists():
        raise EvalInputError(f"no such file: {path}")
    results: dict[str, DocumentResult] = {}
    for number, obj in _read_jsonl(path):
        try:
            result = DocumentResult.model_validate(obj)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = f"{path}: line {number} is not an extraction result ({where}: {first['msg']})"
            raise EvalInputError(message) from None
        results[result.id] = result
    return results


# ---------------------------------------------------------------- matching helpers


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


# ---------------------------------------------------------------- per-record observations


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
    gold = _parse_date(record.gold_event.get("date"))
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


# ---------------------------------------------------------------- aggregation


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


# ---------------------------------------------------------------- rendering


def render_report(report: EvalReport, console: Console, confusions: int = 10) -> None:
    """Print the metrics, the top confusions and the worst error classes as Rich tables."""
    title = f"{report.dataset}: {report.documents} documents"
    if report.missing_predictions:
        title += f" ({report.missing_predictions} without predictions, scored as empty)"
    metrics = Table(title=title)
    metrics.add_column("metric")
    metrics.add_column("value", justify="right")
    metrics.add_column("n", justify="right")
    for name, value in report.metrics.items():
        metrics.add_row(name, f"{100 * value:.1f}", str(report.counts[name]))
    console.print(metrics)

    top = report.top_confusions(confusions)
    if top:
        table = Table(title=f"Top confusions ({report.confusion_kind})")
        table.add_column("gold")
        table.add_column("predicted")
        table.add_column("count", justify="right")
        for gold, pred, count in top:
            table.add_row(gold, pred, str(count))
        console.print(table)

    if report.event_errors:
        table = Table(title="False and duplicate events (ACLED-typed, occurred)")
        for column in ("id", "outcome", "sub-event type", "deaths", "sentence"):
            table.add_column(column)
        for err in report.event_errors:
            outcome = err["outcome"] + (f" of {err['duplicate_of']}" if err["duplicate_of"] else "")
            table.add_row(err["id"], outcome, err["acled_sub_event_type"] or "", str(err["fatalities"] or ""),
                          err["sentence"][:160])
        console.print(table)

    if report.errors:
        table = Table(title="Worst error classes")
        for column in ("metric", "gold", "predicted"):
            table.add_column(column)
        table.add_column("count", justify="right")
        table.add_column("examples")
        for metric, classes in report.errors.items():
            for i, err in enumerate(classes[:3]):
                name = metric if i == 0 else ""
                table.add_row(name, err.gold, err.pred, str(err.count), ", ".join(err.examples))
        console.print(table)
