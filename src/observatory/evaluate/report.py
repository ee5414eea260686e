"""An evaluation's report: its metrics, confusion matrix and error classes, and their rendering as
tables in the terminal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table


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
