"""Training the sentence classifier on a tiny dataset written for this test, and reading training files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observatory import classifier

_SENTENCES = [
    ("Rebels and army troops exchanged fire for hours near the border town.", "Armed clash"),
    ("Soldiers fought militants in a gun battle outside the northern city.", "Armed clash"),
    ("Thousands of teachers marched peacefully to the ministry to demand higher pay.", "Peaceful protest"),
    ("Nurses held a peaceful rally outside the hospital over unpaid wages.", "Peaceful protest"),
    ("The football club unveiled its new stadium design on Monday.", classifier.NONE),
    ("The weather service forecast light rain for the weekend.", classifier.NONE),
]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return path


def _record(text: str, label: str) -> dict:
    if label == classifier.NONE:
        return {"text": text, "event": False}
    return {"text": text, "event": True, "acled_sub_event_type": label, "status": "occurred"}


def test_read_training_labels_each_sentence(tmp_path: Path) -> None:
    path = _write(tmp_path / "train.jsonl", [_record(t, label) for t, label in _SENTENCES] + [
        {"text": "The minister said the army would attack.", "event": True, "acled_sub_event_type": "Armed clash",
         "status": "planned"},
        {"text": "The two leaders met in Geneva.", "event": True, "plover_type": "CONSULT"},
    ])
    pairs = classifier.read_training(path)
    assert [label for _, label in pairs] == [label for _, label in _SENTENCES] + [classifier.NONE, "PLOVER:CONSULT"]


@pytest.mark.parametrize(("content", "message"), [
    ('{"text": "ok", "event": false}\nnot json\n', ":2: invalid JSON"),
    ('{"event": true}\n', ":1: needs an object with a 'text' string"),
    ('{"text": "x", "event": true, "acled_sub_event_type": "Picnic"}\n', "unknown label 'Picnic'"),
    ("\n\n", "no labelled sentences"),
])
def test_read_training_names_the_bad_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(classifier.TrainingDataError, match=message):
        classifier.read_training(path)


def test_train_saves_a_model_that_loads_and_scores(tmp_path: Path) -> None:
    pairs = _SENTENCES * 4
    report = classifier.train(pairs, tmp_path / "model", epochs=2)
    assert (report.train, report.held_out) == (22, 2)
    assert 0.0 <= report.held_out_accuracy <= 1.0
    loaded = classifier.load_classifier(tmp_path / "model")
    assert loaded is not None
    scores = loaded.scores("Troops and rebels exchanged fire near the town.")
    assert set(scores) == set(classifier.LABELS)
    assert sum(scores.values()) == pytest.approx(1.0, abs=1e-3)


def test_load_classifier_without_a_model_is_none(tmp_path: Path) -> None:
    assert classifier.load_classifier(tmp_path / "nothing-here") is None
