"""Event status from the dependency tree, reporting verbs and attribution."""

from __future__ import annotations

import datetime as dt

import pytest

from observatory.detect.status import detect_status, find_attribution, is_reporting_verb
from observatory.read.nlp import get_nlp


def status_of(text: str, trigger: str, published: dt.date | None = None) -> str:
    doc = get_nlp()(text)
    token = next(t for t in doc if t.text == trigger)
    return detect_status(doc[:], token, published)


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("Gunmen killed five villagers near Jos on Monday, police said.", "killed", "occurred"),
        ("The two sides failed to reach an agreement on the ceasefire.", "agreement", "failed"),
        ("Police foiled a plot to bomb the embassy.", "plot", "failed"),
        ("Soldiers thwarted an attack on the base.", "attack", "failed"),
        ("An attempted coup was crushed within hours.", "coup", "failed"),
        ("Rebels plan to attack the city next week.", "attack", "planned"),
        ("The minister will visit Kabul on Friday.", "visit", "planned"),
        ("The president is to visit Bamako.", "visit", "planned"),
        ("Teachers are set to strike on Monday.", "strike", "planned"),
        ("The group threatened to kill the hostages.", "kill", "planned"),
        ("The rebels agreed to free the hostages.", "free", "planned"),
        ("The militia would release the prisoners if the army withdrew.", "release", "hypothetical"),
        ("The accord under which the rebels would release 20 captives collapsed.", "release", "hypothetical"),
        ("The army denied shelling the village.", "shelling", "negated"),
        ("Troops did not fire on the protesters.", "fire", "negated"),
        ("The bomb exploded but no one was killed.", "killed", "negated"),
        ("The bomb exploded but no one was killed.", "exploded", "occurred"),
        ("The seven-year war that has killed half a million people goes on.", "killed", "historical"),
        ("Rebels had controlled the town since 2015.", "controlled", "historical"),
        ("The army said it would investigate the attack.", "attack", "occurred"),
        ("Residents said militants could attack the camp.", "attack", "hypothetical"),
        # likelihood, demands, orders and arrangements speak of what is still to come
        ("The opposition leader is likely to be arrested on Friday.", "arrested", "planned"),
        ("Protesters demanded the arrest of the officers involved.", "arrest", "planned"),
        ("The governor sought the detention of all the suspects.", "detention", "planned"),
        ("Arrangements for detaining the marchers were made at the border.", "detaining", "planned"),
        ("If they object, the government is free to arrest us.", "arrest", "hypothetical"),
        ("Police were unable to arrest the gunmen, who fled into the forest.", "arrest", "failed"),
        ("Not a single officer has been arrested for the killings.", "arrested", "negated"),
        ("Officials believe that had the leaders been detained in Lucknow itself the trouble would have been avoided.",
         "detained", "hypothetical"),
    ],
)
def test_detect_status(text: str, trigger: str, expected: str) -> None:
    assert status_of(text, trigger) == expected


def test_year_long_before_publication_is_historical() -> None:
    text = "Insurgents captured the town in 2011."
    assert status_of(text, "captured", dt.date(2019, 5, 1)) == "historical"
    assert status_of(text, "captured", dt.date(2011, 6, 1)) == "occurred"


@pytest.mark.parametrize(
    ("text", "claimant", "words"),
    [
        ("Ten people were killed, the Syrian Observatory for Human Rights said.",
         "the Syrian Observatory for Human Rights", "the Syrian Observatory for Human Rights said"),
        ("Activists say 12 people died in the shelling.", "Activists", "Activists say"),
        ("According to another Western intelligence source, the convoy was hit.",
         "another Western intelligence source", "According to another Western intelligence source"),
        ("A regional intelligence source said the strike hit a depot.",
         "A regional intelligence source", "A regional intelligence source said"),
        ("It was reported by Hezbollah's Al-Manar TV that rebels withdrew.",
         "Hezbollah's Al-Manar TV", "It was reported by Hezbollah's Al-Manar TV"),
        ("State media reported that five soldiers died.", "State media", "State media reported"),
        ("Three people were killed, a police official told Reuters.",
         "a police official", "a police official told Reuters"),
        ("Police said on Sunday that three men were arrested.", "Police", "Police said"),
        ("Police suspect that two men were killed in the blast.", "Police", "Police suspect"),
    ],
)  # fmt: skip
def test_find_attribution(text: str, claimant: str, words: str) -> None:
    attribution = find_attribution(get_nlp()(text)[:])
    assert attribution is not None
    assert (attribution.claimant, attribution.text) == (claimant, words)


def test_no_attribution() -> None:
    assert find_attribution(get_nlp()("Rebels attacked the army base at dawn.")[:]) is None


def test_reporting_verbs() -> None:
    doc = get_nlp()("Police said gunmen killed two guards, and the group claimed responsibility for it.")
    by_text = {t.text: t for t in doc}
    assert is_reporting_verb(by_text["said"])
    assert not is_reporting_verb(by_text["killed"])
    assert not is_reporting_verb(by_text["claimed"])


@pytest.mark.parametrize(("text", "trigger", "expected"), [
    ("Civil society groups have called for further demonstrations next week.", "demonstrations", "planned"),
    ("The militants said they will continue attacks on security forces.", "attacks", "planned"),
    ("The rebels continued attacks on army posts near Goma on Monday.", "attacks", "occurred"),
    ("Repeated ceasefire talks in Jeddah have collapsed.", "talks", "failed"),
    ("The truce broke down within hours.", "truce", "failed"),
    ("Clashes broke out in Kidal on Monday.", "Clashes", "occurred"),
])
def test_what_is_called_for_or_will_continue_has_not_happened_and_talks_that_collapsed_failed(
        text: str, trigger: str, expected: str) -> None:
    assert status_of(text, trigger) == expected


def test_ceasefire_talks_are_talks_not_an_agreement() -> None:
    from observatory.detect.events import sentence_triggers
    from observatory.read.nlp import get_nlp

    found = sentence_triggers(next(get_nlp()("Ceasefire talks resumed in Doha on Monday.").sents))
    assert [(t.token.text, t.plover_type) for t in found] == [("talks", "CONSULT")]
