"""A trainable sentence classifier for event typing (spaCy bag-of-n-grams text categoriser).

Each labelled sentence (data/training/events.jsonl, format in docs/training-data.md) gets one class:
its ACLED sub-event type, else ``PLOVER:<type>`` for events outside ACLED's scope, else ``NONE``.
With `--classifier DIR`, the pipeline asks a trained model which ACLED sub-type, within the event type
the rules found, a sentence reports. No model is shipped: trained on the bundled sentences alone it
lowered accuracy on the development sets (docs/evaluation.md), so it is for users' own labelled data.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import minibatch

from observatory.lexicon.taxonomy import ACLED_SUB_TYPES, PLOVER_TYPES

NONE = "NONE"
LABELS: tuple[str, ...] = (*ACLED_SUB_TYPES, *(f"PLOVER:{t}" for t in PLOVER_TYPES), NONE)


class TrainingDataError(ValueError):
    """A training file that cannot be used, with the line at fault."""


def bundled_training_data() -> Path:
    """The labelled sentences shipped with the package."""
    return Path(str(resources.files("observatory") / "data" / "training" / "events.jsonl"))


def label_of(record: dict) -> str:
    """The class of one labelled sentence."""
    if not record.get("event") or record.get("status", "occurred") != "occurred":
        return NONE
    if record.get("acled_sub_event_type"):
        return str(record["acled_sub_event_type"])
    if record.get("plover_type"):
        return f"PLOVER:{record['plover_type']}"
    return NONE


def read_training(path: Path) -> list[tuple[str, str]]:
    """(text, label) pairs from a JSONL training file; raises TrainingDataError naming the bad line."""
    pairs: list[tuple[str, str]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TrainingDataError(f"{path}: cannot read ({exc})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TrainingDataError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise TrainingDataError(f"{path}:{number}: needs an object with a 'text' string")
        label = label_of(record)
        if label not in LABELS:
            raise TrainingDataError(f"{path}:{number}: unknown label {label!r}")
        pairs.append((record["text"], label))
    if not pairs:
        raise TrainingDataError(f"{path}: no labelled sentences")
    return pairs


def _blank_pipeline(labels: tuple[str, ...]) -> Language:
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe(
        "textcat",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": True,
                "ngram_size": 2,
                "no_output_layer": False,
                "length": 2**15,
            }
        },
    )
    for label in labels:
        textcat.add_label(label)
    return nlp


@dataclass
class TrainReport:
    """Sizes and the held-out accuracy of one training run."""

    train: int
    held_out: int
    held_out_accuracy: float


def train(
    pairs: list[tuple[str, str]], out_dir: Path, epochs: int = 25, seed: int = 13, labels: tuple[str, ...] = LABELS
) -> TrainReport:
    """Train on (text, label) pairs, report accuracy on a 10% held-out split, save to ``out_dir``."""
    rng = random.Random(seed)
    shuffled = pairs[:]
    rng.shuffle(shuffled)
    cut = max(1, len(shuffled) // 10) if len(shuffled) >= 20 else 0
    held_out, training = shuffled[:cut], shuffled[cut:]
    spacy.util.fix_random_seed(seed)
    nlp = _blank_pipeline(labels)

    def examples(items: list[tuple[str, str]]) -> list[Example]:
        return [
            Example.from_dict(nlp.make_doc(text), {"cats": {label: float(label == gold) for label in labels}})
            for text, gold in items
        ]

    train_examples = examples(training)
    optimizer = nlp.initialize(lambda: train_examples)
    for _ in range(epochs):
        rng.shuffle(train_examples)
        for batch in minibatch(train_examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    correct = sum(
        max(doc.cats, key=doc.cats.get) == gold
        for doc, (_, gold) in zip(nlp.pipe(t for t, _ in held_out), held_out, strict=True)
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return TrainReport(len(training), len(held_out), correct / len(held_out) if held_out else 0.0)


class SentenceClassifier:
    """A trained model (``observatory train``) that scores a sentence against every class."""

    def __init__(self, path: Path) -> None:
        if not (Path(path) / "config.cfg").exists():
            raise TrainingDataError(f"{path}: not a model directory written by `observatory train`")
        self.nlp = spacy.load(path)

    def scores(self, text: str) -> dict[str, float]:
        """Probability of each class for one sentence."""
        return dict(self.nlp(text).cats)

    def refine_sub_type(self, text: str, sub_type: str) -> str:
        """The ACLED sub-type the model prefers for a sentence, among those of the rules' event type.

        The rules decide whether there is an event and its ACLED event type; a model trained on a user's
        own labelled sentences may choose the sub-type within it.
        """
        scores = self.scores(text)
        family = ACLED_SUB_TYPES[sub_type]
        candidates = [label for label in ACLED_SUB_TYPES if ACLED_SUB_TYPES[label] == family]
        return max(candidates, key=lambda label: scores.get(label, 0.0))
