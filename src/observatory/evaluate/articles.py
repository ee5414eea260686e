"""Event-level scoring of whole articles in which every event is coded (../shared/eval/README.md, "Whole articles").

Each gold event carries `quotes`, the exact sentences that report it. A predicted occurred event *matches* a
gold event when its evidence span overlaps one of the quotes by at least half of the shorter of the two.
Predictions are taken in order of confidence: the first to reach a gold event is a hit, a later one that
reaches only gold events already hit is a duplicate, one that reaches none is false. Gold events marked
`optional` are neither required nor errors: a prediction that reaches one of them only is not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from observatory.lexicon.gazetteer import haversine_km
from observatory.models import Event
from observatory.resolve.geolocate import admin1_matches

Scope = Literal["acled", "all"]
Outcome = Literal["hit", "duplicate", "false", "optional"]
KM_THRESHOLD = 25.0
DATE_TOLERANCE_DAYS = {"day": 0, "week": 3, "month": 15}
TOLL_TOLERANCE = 0.2
FIELDS = ("type", "sub", "loc25", "admin1", "date", "fatalities", "inter1")


@dataclass
class GoldEvent:
    """One coded event of an article, with the character spans of its quotes."""

    data: dict[str, Any]
    spans: list[tuple[int, int]]
    number: int = 0  # place in the article's list of gold events, from 1

    @property
    def optional(self) -> bool:
        return bool(self.data.get("optional"))

    @property
    def acled(self) -> bool:
        return bool(self.data.get("acled_event_type"))

    @property
    def fatalities(self) -> int:
        return int(self.data.get("fatalities") or 0)


@dataclass
class Judgement:
    """What one predicted event was judged to be, in one scope."""

    doc_id: str
    outcome: Outcome
    event: Event
    gold_id: str | None


@dataclass
class ArticleScores:
    """Counts gathered over articles for one scope; `metrics()` turns them into the README's figures."""

    scope: Scope
    predicted: int = 0
    hits: int = 0
    duplicates: int = 0
    false: int = 0
    gold: int = 0
    gold_hit: int = 0
    field_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    field_n: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    all_right: int = 0
    articles: int = 0
    toll_ok: int = 0
    negatives: int = 0
    negatives_clean: int = 0
    judgements: list[Judgement] = field(default_factory=list)

    def metrics(self) -> dict[str, tuple[float, int]]:
        """(value, n) per metric name of this scope."""
        def share(part: int, whole: int) -> float:
            return part / whole if whole else 0.0

        out = {
            "event_precision": (share(self.hits, self.predicted), self.predicted),
            "event_recall": (share(self.gold_hit, self.gold), self.gold),
            "duplicate_share": (share(self.duplicates, self.predicted), self.predicted),
            "false_share": (share(self.false, self.predicted), self.predicted),
        }
        for name in FIELDS:
            out[f"matched_{name}_acc"] = (share(self.field_right[name], self.field_n[name]), self.field_n[name])
        out["all_fields_right"] = (share(self.all_right, self.gold), self.gold)
        if self.scope == "acled":
            out["toll_within_20pct"] = (share(self.toll_ok, self.articles), self.articles)
            out["negative_articles_clean"] = (share(self.negatives_clean, self.negatives), self.negatives)
        return out


def is_article_record(gold: dict[str, Any]) -> bool:
    """Whether a gold record codes every event of its text (events with `quotes`)."""
    if "nonevents" in gold:
        return True
    events = gold.get("events") or []
    return bool(events) and all("quotes" in event for event in events)


def quote_spans(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of every occurrence of each quote in the text."""
    spans = []
    for quote in quotes:
        if not quote:
            continue
        start = text.find(quote)
        while start >= 0:
            spans.append((start, start + len(quote)))
            start = text.find(quote, start + 1)
    return spans


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two spans overlap by at least half of the shorter one."""
    common = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shorter > 0 and common * 2 >= shorter


def _agreement(event: Event, gold: dict[str, Any]) -> int:
    return sum(
        1 for pred, key in (
            (event.acled_event_type, "acled_event_type"), (event.acled_sub_event_type, "acled_sub_event_type"),
            (event.plover_type, "plover_type"),
        ) if pred is not None and pred == gold.get(key)
    )


def _in_scope(event: Event, scope: Scope) -> bool:
    return event.status == "occurred" and (scope == "all" or event.acled_event_type is not None)


def _gold_in_scope(gold: GoldEvent, scope: Scope) -> bool:
    return scope == "all" or gold.acled


def _field_checks(event: Event, gold: dict[str, Any]) -> dict[str, bool | None]:
    """Each field of a matched event: right, wrong, or None where the gold does not score it."""
    checks: dict[str, bool | None] = dict.fromkeys(FIELDS)
    if gold.get("acled_event_type"):
        checks["type"] = event.acled_event_type == gold["acled_event_type"]
    if gold.get("acled_sub_event_type"):
        checks["sub"] = event.acled_sub_event_type == gold["acled_sub_event_type"]
    loc = gold.get("location") or {}
    scorable = (loc.get("lat") is not None and loc.get("lon") is not None and loc.get("precision") in (1, 2)
                and loc.get("coord_source") != "approx")
    if scorable:
        checks["loc25"] = event.location is not None and event.location.lat is not None and haversine_km(
            loc["lat"], loc["lon"], event.location.lat, event.location.lon) <= KM_THRESHOLD
    if loc.get("admin1"):
        checks["admin1"] = bool(event.location and event.location.admin1) and admin1_matches(
            event.location.admin1 or "", loc["admin1"])
    if gold.get("date"):
        gold_date = dt.date.fromisoformat(gold["date"])
        tolerance = DATE_TOLERANCE_DAYS.get(gold.get("date_precision") or "day", 0)
        checks["date"] = event.date is not None and abs((event.date.start - gold_date).days) <= tolerance
    if not gold.get("verbal"):
        predicted = (event.fatalities.best or 0) if event.fatalities else 0
        checks["fatalities"] = predicted == int(gold.get("fatalities") or 0)
    if gold.get("inter1") is not None:
        checks["inter1"] = bool(event.actors) and event.actors[0].acled_inter == gold["inter1"]
    return checks


def _all_right(checks: dict[str, bool | None]) -> bool:
    return all(checks[name] is not False for name in ("type", "sub", "loc25", "date", "fatalities"))


def _gold_id(doc_id: str, golds: list[GoldEvent], index: int) -> str:
    """A gold event's `event_id`, or its place in the article's list ("A-07#2") when it has none."""
    return str(golds[index].data.get("event_id") or f"{doc_id}#{golds[index].number}")


def score_article(
    doc_id: str, text: str, gold: dict[str, Any], events: list[Event], scores: ArticleScores
) -> None:
    """Add one article's judgements and field checks to `scores`."""
    golds = [GoldEvent(g, quote_spans(text, g.get("quotes") or []), n)
             for n, g in enumerate(gold.get("events") or [], start=1)]
    golds = [g for g in golds if _gold_in_scope(g, scores.scope)]
    predicted = sorted((e for e in events if _in_scope(e, scores.scope)), key=lambda e: -e.confidence)
    hit: set[int] = set()
    counted = 0
    for event in predicted:
        span = (event.evidence.start, event.evidence.end)
        reached = [i for i, g in enumerate(golds) if any(overlaps(span, q) for q in g.spans)]
        fresh = [i for i in reached if i not in hit]
        if fresh:
            best = max(fresh, key=lambda i: (not golds[i].optional, _agreement(event, golds[i].data), -i))
            hit.add(best)
            target = golds[best]
            outcome: Outcome = "optional" if target.optional else "hit"
            if outcome == "hit":
                checks = _field_checks(event, target.data)
                for name, right in checks.items():
                    if right is not None:
                        scores.field_n[name] += 1
                        scores.field_right[name] += right
                scores.all_right += _all_right(checks)
            gold_id = _gold_id(doc_id, golds, best)
        elif reached:
            outcome, gold_id = "duplicate", _gold_id(doc_id, golds, reached[0])
        else:
            outcome, gold_id = "false", None
        scores.judgements.append(Judgement(doc_id, outcome, event, gold_id))
        if outcome != "optional":
            counted += 1
            scores.hits += outcome == "hit"
            scores.duplicates += outcome == "duplicate"
            scores.false += outcome == "false"
    scores.predicted += counted
    required = [g for g in golds if not g.optional]
    scores.gold += len(required)
    scores.gold_hit += sum(1 for i in hit if not golds[i].optional)
    if scores.scope == "acled":
        scores.articles += 1
        gold_toll = sum(g.fatalities for g in required)
        toll = sum((e.fatalities.best or 0) if e.fatalities else 0 for e in predicted)
        scores.toll_ok += abs(toll - gold_toll) <= max(1.0, TOLL_TOLERANCE * gold_toll)
        if not required:
            scores.negatives += 1
            scores.negatives_clean += not predicted
