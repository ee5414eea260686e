"""Training the sentence classifier on a tiny dataset written for this test, and reading training files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from observatory.detect import classifier

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
    path = _write(
        tmp_path / "train.jsonl",
        [_record(t, label) for t, label in _SENTENCES]
        + [
            {
                "text": "The minister said the army would attack.",
                "event": True,
                "acled_sub_event_type": "Armed clash",
                "status": "planned",
            },
            {"text": "The two leaders met in Geneva.", "event": True, "plover_type": "CONSULT"},
        ],
    )
    pairs = classifier.read_training(path)
    assert [label for _, label in pairs] == [label for _, label in _SENTENCES] + [classifier.NONE, "PLOVER:CONSULT"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "ok", "event": false}\nnot json\n', ":2: invalid JSON"),
        ('{"event": true}\n', ":1: needs an object with a 'text' string"),
        ('{"text": "x", "event": true, "acled_sub_event_type": "Picnic"}\n', "unknown label 'Picnic'"),
        ("\n\n", "no labelled sentences"),
    ],
)
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
    loaded = classifier.SentenceClassifier(tmp_path / "model")
    scores = loaded.scores("Troops and rebels exchanged fire near the town.")
    assert set(scores) == set(classifier.LABELS)
    assert sum(scores.values()) == pytest.approx(1.0, abs=1e-3)
    # it chooses a sub-type only within the event type the rules found
    chosen = loaded.refine_sub_type("Thousands marched peacefully to the ministry.", "Violent demonstration")
    assert chosen in ("Violent demonstration", "Mob violence")


def test_a_directory_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(classifier.TrainingDataError, match="not a model directory"):
        classifier.SentenceClassifier(tmp_path / "nothing-here")


def test_cli_trains_and_extracts_with_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from observatory.cli import app
    from observatory.pipeline import CLASSIFIER_ENV

    monkeypatch.setenv(CLASSIFIER_ENV, "")  # --classifier sets it for worker processes; restored after the test

    data = _write(tmp_path / "train.jsonl", [_record(t, label) for t, label in _SENTENCES * 4])
    runner = CliRunner()
    trained = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "model"), "--epochs", "2"])
    assert trained.exit_code == 0, trained.output
    assert "held-out accuracy" in trained.output
    article = tmp_path / "a.txt"
    article.write_text("Soldiers and rebels clashed near Gao on Monday, killing four fighters.", encoding="utf-8")
    result = runner.invoke(
        app, ["extract", str(article), "--published", "2022-05-03", "--classifier", str(tmp_path / "model")]
    )
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout.splitlines()[0])["events"]
    assert any(e["acled_event_type"] == "Battles" for e in events)
    missing = runner.invoke(app, ["extract", str(article), "--classifier", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "not a model directory" in missing.output


def test_cli_retrains_the_incident_classifier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from observatory.cli import app
    from observatory.detect import incident_classifier
    from observatory.read.nlp import get_nlp

    lines = incident_classifier.bundled_training_data().read_text(encoding="utf-8").splitlines()
    data = tmp_path / "incidents.jsonl"
    data.write_text("\n".join(lines[::8]) + "\n", encoding="utf-8")
    runner = CliRunner()
    trained = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "incident"), "--task", "incidents",
                                  "--epochs", "4"])
    assert trained.exit_code == 0, trained.output
    assert "held-out accuracy" in trained.output
    monkeypatch.setenv(incident_classifier.MODEL_ENV, str(tmp_path / "incident"))
    incident_classifier.default_classifier.cache_clear()
    try:
        model = incident_classifier.default_classifier()
        assert model.nlp.path is not None and Path(model.nlp.path) == tmp_path / "incident"
        doc = get_nlp()("Armed bandits have killed more than 2,000 people across the state since 2019.")
        assert model.judge(next(t for t in doc if t.lower_ == "killed")).label == incident_classifier.MANY
    finally:
        incident_classifier.default_classifier.cache_clear()
    bad = _write(tmp_path / "bad.jsonl", [{"text": "Gunmen killed two.", "trigger": "killed", "label": "riot"}])
    refused = runner.invoke(app, ["train", str(bad), "-o", str(tmp_path / "x"), "--task", "incidents"])
    assert refused.exit_code != 0 and "label must be one of" in refused.output


def test_incident_features_do_not_depend_on_the_hash_seed() -> None:
    import subprocess
    import sys

    program = (
        "from observatory.detect.incident_classifier import features; from observatory.read.nlp import get_nlp; "
        "doc = get_nlp()('He said the involvement of militants in the market bombing could not be ruled out.'); "
        "print(features(next(t for t in doc if t.lower_ == 'bombing')))"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
        for seed in range(8)
    }
    assert len(outputs) == 1, outputs
    assert "det_the" in outputs.pop()


def test_the_incident_model_is_loaded_with_the_tokenizer_it_was_saved_with() -> None:
    import spacy

    from observatory.detect.incident_classifier import IncidentClassifier, bundled_model

    saved = spacy.load(bundled_model()).tokenizer.to_bytes(exclude=["vocab"])
    assert IncidentClassifier().nlp.tokenizer.to_bytes(exclude=["vocab"]) == saved
