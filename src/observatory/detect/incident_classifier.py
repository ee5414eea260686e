"""Whether an event word reports one specific incident, or a toll, trend, habit, campaign, history or no
event at all: a trained bag-of-n-grams classifier over the word's clause.

"Gunmen killed 12 villagers on Monday" reports an incident; "Gunmen have killed more than 1,200 villagers
since 2019" a cumulative toll, "gunmen often kill villagers" a habit, "killings have risen" a trend, "the
junta, which seized power in a 2021 coup" history, "we will not be intimidated by terrorists" no event.
The words that tell them apart are few and general (tense and aspect, "since", "often", "series of",
"anniversary"), so the model reads the trigger's own clause with marker words for its form: its lemma,
whether it is plural, its auxiliaries, whether the clause states a large count.

The bundled model (data/models/incident) is trained on the hand-written sentences of
data/training/incidents.jsonl (docs/training-data.md); `observatory train --task incidents` retrains it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.tokens import Token

from observatory.detect.classifier import TrainingDataError

INCIDENT, BACKGROUND, MANY, NONE = "incident", "background", "many", "none"
CLASSES: tuple[str, ...] = (INCIDENT, BACKGROUND, MANY, NONE)
# The labels of the training file and the class each stands for.
LABEL_CLASS = {
    "incident": INCIDENT,
    "background": BACKGROUND,
    "aggregate": MANY, "trend": MANY, "habitual": MANY, "campaign": MANY,
    "generic": NONE, "procedural": NONE,
}  # fmt: skip
_CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "relcl", "conj", "xcomp", "acl", "csubj", "pcomp", "parataxis"}
_BIG_COUNT = 100
_NUMBER = re.compile(r"^\d[\d,]*$")


def _clause_head(trigger: Token) -> Token:
    """The verb heading the clause a trigger stands in (the trigger itself when it is that verb)."""
    node = trigger
    while node.pos_ not in ("VERB", "AUX") or node.dep_ not in _CLAUSE_DEPS:
        if node.head.i == node.i:
            break
        node = node.head
    return node


def features(trigger: Token) -> str:
    """The text the model reads for one trigger: its clause, then marker words for its form."""
    head = _clause_head(trigger)
    nested = {t.i for c in head.children if c.dep_ in ("relcl", "advcl", "ccomp", "parataxis")
              and not (c.left_edge.i <= trigger.i <= c.right_edge.i) for t in c.subtree}
    words = [t.lower_ for t in head.subtree if t.i not in nested and not t.is_punct and not t.is_space]
    markers = [f"trigger_{trigger.lemma_.lower()}", f"tag_{trigger.tag_}", f"dep_{trigger.dep_}"]
    for node in dict.fromkeys((trigger, head)):  # in this order: a set of tokens iterates by hash
        for child in node.children:
            if child.dep_ in ("aux", "auxpass"):
                markers.append(f"aux_{child.lower_}")
            elif child.dep_ == "det":
                markers.append(f"det_{child.lower_}")
            elif child.dep_ == "prep" and child.lower_ in ("since", "for", "over", "during", "throughout", "across"):
                markers.append(f"prep_{child.lower_}")
    numbers = [int(t.text.replace(",", "")) for t in head.subtree if _NUMBER.match(t.text)]
    if any(n >= _BIG_COUNT and not 1900 <= n <= 2100 for n in numbers):
        markers.append("count_large")
    return " ".join(words + markers)


@dataclass
class Judgement:
    """The classifier's class for a trigger and its probability."""

    label: str
    probability: float


def bundled_model() -> Path:
    """The model shipped with the package."""
    return Path(str(resources.files("observatory") / "data" / "models" / "incident"))


def bundled_training_data() -> Path:
    """The hand-written incident sentences shipped with the package."""
    return Path(str(resources.files("observatory") / "data" / "training" / "incidents.jsonl"))


class IncidentClassifier:
    """A trained model that tells an incident from a toll, trend, habit, history or no event."""

    def __init__(self, path: Path | None = None) -> None:
        path = Path(path) if path is not None else bundled_model()
        if not (path / "config.cfg").exists():
            raise TrainingDataError(f"{path}: not an incident model written by `observatory train --task incidents`")
        # `observatory train` writes spaCy's default English tokenizer, the one the config builds: loading
        # it from disk as well would build its special cases twice
        self.nlp = spacy.load(path, exclude=["tokenizer"])

    def judge(self, trigger: Token) -> Judgement:
        """The most probable class of a trigger's clause."""
        return self.judge_many([features(trigger)])[0]

    def judge_many(self, clauses: list[str]) -> list[Judgement]:
        """The most probable class of each clause text (as ``features`` writes it), in one batch."""
        judgements = []
        for doc in self.nlp.pipe(clauses):
            label = max(doc.cats, key=doc.cats.get)  # type: ignore[arg-type]
            judgements.append(Judgement(label, float(doc.cats[label])))
        return judgements


MODEL_ENV = "OBSERVATORY_INCIDENT_MODEL"


@lru_cache(maxsize=1)
def default_classifier() -> IncidentClassifier:
    """The model named by $OBSERVATORY_INCIDENT_MODEL (one `observatory train --task incidents` wrote), else
    the bundled one; loaded once per process."""
    return IncidentClassifier(Path(os.environ[MODEL_ENV]) if os.environ.get(MODEL_ENV) else None)


def read_incident_training(path: Path) -> list[tuple[str, str, str]]:
    """(text, trigger, class) triples of an incident training file; TrainingDataError names a bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TrainingDataError(f"{path}: cannot read ({exc})") from None
    rows: list[tuple[str, str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TrainingDataError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in ("text", "trigger")):
            raise TrainingDataError(f"{path}:{number}: needs 'text' and 'trigger' strings")
        if record.get("label") not in LABEL_CLASS:
            raise TrainingDataError(f"{path}:{number}: label must be one of {', '.join(LABEL_CLASS)}")
        if not re.search(rf"\b{re.escape(record['trigger'])}\b", record["text"]):
            raise TrainingDataError(f"{path}:{number}: trigger {record['trigger']!r} is not a word of the text")
        rows.append((record["text"], record["trigger"], LABEL_CLASS[record["label"]]))
    if not rows:
        raise TrainingDataError(f"{path}: no labelled sentences")
    return rows


def training_pairs(rows: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(features, class) pairs: each sentence parsed, its trigger found and its clause read."""
    from observatory.read.nlp import get_nlp

    pairs = []
    for doc, (text, trigger, label) in zip(get_nlp().pipe(t for t, _, _ in rows), rows, strict=True):
        match = re.search(rf"\b{re.escape(trigger)}\b", text)
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand") if match else None
        if span is not None:
            pairs.append((features(span.root), label))
    return pairs
