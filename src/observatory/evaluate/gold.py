"""Gold data and predictions read for scoring: gold JSONL of the shared evaluation sets, an ACLED CSV
export, and the predictions of `observatory extract`; clear errors for bad input (EvalInputError)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from observatory.models import Document, DocumentResult
from observatory.store.export import FORMULA_TRIGGERS

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


CSV_REQUIRED = ("notes", "event_type", "sub_event_type", "actor1", "inter1", "latitude", "longitude",
                "event_date", "fatalities")


CSV_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d-%b-%y", "%B %d, %Y")


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


def parse_date(value: str | None) -> dt.date | None:
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
            title=obj.get("title"), published=parse_date(published) if published else None,
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
        date = parse_date(row["event_date"])
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
