"""Verbal events (demands, promises, threats), on sentences written for these tests."""

from __future__ import annotations

import pytest

from observatory.detect import speech
from observatory.read.nlp import get_nlp


def _act(text: str) -> speech.SpeechAct | None:
    return speech.speech_act(next(get_nlp()(text).sents))


@pytest.mark.parametrize(("text", "kind", "verb"), [
    ("The Ugandan government said it would allow the observers back into the country.", "AGREE", "allow"),
    ("Kenya must withdraw its troops from the border, the minister said.", "REQUEST", "withdraw"),
    ("The African Union may suspend Mali if the junta delays the election, officials said.", "THREATEN", "suspend"),
    ("The governor said he is prepared to lift the ban on the opposition party.", "AGREE", "lift"),
    ("Ghana is willing to send engineers to Togo, the minister said.", "AGREE", "send"),
    ("The police chief warned that police will no longer tolerate rallies by the movement.", "THREATEN",
     "tolerate"),
    ("Rebel commanders have sworn to fight until they capture the capital.", "THREATEN", "fight"),
    ("The army has to leave the town, the opposition said.", "REQUEST", "leave"),
    ("The union said the governor had to resign over the killings.", "REQUEST", "resign"),  # reported: a demand
])
def test_statements_are_typed(text: str, kind: str, verb: str) -> None:
    act = _act(text)
    assert act is not None
    assert (act.plover_type, act.token.text) == (kind, verb)


@pytest.mark.parametrize("text", [
    "Turkey may impose new tariffs on steel, officials said.",  # a guess, not a threat
    "The rain will continue until Friday, forecasters said.",
    "Protesters gathered outside the parliament in Accra on Monday.",
    # what a speaker is quoted saying of "we" is rhetoric, not a demand or promise to another party
    '"We must understand that the war has come to our homes," the governor said.',
    "“We will never forgive this,” a mourner said at the funeral.",
    "We must rebuild the school before the rains.”",  # the last sentence of a quote opened before it
    "One of the boys had to have his leg amputated after the blast.",  # a past necessity, no demand
])
def test_no_verbal_event(text: str) -> None:
    assert _act(text) is None


def test_what_a_statement_threatens_has_not_happened() -> None:
    doc = get_nlp()("The police chief warned that police will no longer tolerate rallies by the movement.")
    act = speech.speech_act(next(doc.sents))
    assert act is not None
    rallies = next(t for t in doc if t.text == "rallies")
    chief = next(t for t in doc if t.text == "chief")
    assert speech.states(act, rallies)
    assert not speech.states(act, chief)
