"""Place names get their capitals back in lower-cased text, and nothing else does."""

from __future__ import annotations

import datetime as dt

import pytest

from observatory.lexicon.gazetteer import Gazetteer
from observatory.models import Document
from observatory.pipeline import Extractor
from observatory.resolve.truecase import restore_place_case


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_places_after_a_cue_are_capitalised(gazetteer: Gazetteer) -> None:
    text = "police arrested 40 people in kanpur and 12 near lucknow, and took them into custody at once."
    restored = restore_place_case(text, gazetteer.candidates, None)
    assert len(restored) == len(text)
    assert "in Kanpur" in restored and "near Lucknow" in restored
    assert "into custody at once" in restored


def test_ordinary_words_after_a_cue_stay_lower_case(gazetteer: Gazetteer) -> None:
    text = "the decision of the centre came in for a lot of criticism in the north from the police."
    assert restore_place_case(text, gazetteer.candidates, None) == text


def test_lower_cased_report_is_located(gazetteer: Gazetteer) -> None:
    text = "patna: police fired at a mob in muzaffarpur on friday, killing two men, officials said."
    events = Extractor().extract(Document(id="lc", text=text, published=dt.date(2020, 3, 7))).events
    located = [e for e in events if e.location is not None]
    assert located and located[0].location is not None
    assert located[0].location.name == "Muzaffarpur" and located[0].location.country == "IND"
