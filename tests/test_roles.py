"""Source and target spans of an event from the dependency parse of its trigger."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from observatory.detect.roles import find_roles
from observatory.read.nlp import get_nlp


@pytest.fixture(scope="module")
def nlp() -> Language:
    return get_nlp()


def roles(nlp: Language, sentence: str, trigger: str) -> tuple[list[str], list[str]]:
    doc = nlp(sentence)
    token = next(t for t in doc if t.text == trigger)
    actors, recipients = find_roles(token)
    return [s.text for s in actors], [s.text for s in recipients]


def test_passive_with_agent(nlp: Language) -> None:
    actors, recipients = roles(
        nlp,
        "Twelve villagers were killed by Taliban fighters in Ghazni on Tuesday, officials said.",
        "killed",
    )
    assert actors == ["Taliban fighters"]
    assert recipients == ["Twelve villagers"]


def test_clashes_between_two_sides_gives_both_as_actors(nlp: Language) -> None:
    actors, recipients = roles(
        nlp, "Clashes between Houthi rebels and government forces left 14 people dead near Marib.", "Clashes"
    )
    assert actors == ["Houthi rebels", "government forces"]
    assert recipients == []


def test_fighting_between_two_sides(nlp: Language) -> None:
    actors, _ = roles(nlp, "Fighting between the army and the rebels intensified overnight.", "Fighting")
    assert actors == ["the army", "the rebels"]


def test_apposition_prefers_the_name(nlp: Language) -> None:
    actors, recipients = roles(
        nlp, "A Kurdish-led alliance, the SDF, attacked Islamic State positions near Hajin.", "attacked"
    )
    assert actors == ["the SDF"]
    assert recipients == ["Islamic State"]


def test_name_with_apposition_keeps_the_whole_name(nlp: Language) -> None:
    actors, recipients = roles(
        nlp,
        "Hayat Tahrir al-Sham, a jihadist alliance led by former al-Qaeda fighters, attacked army positions.",
        "attacked",
    )
    assert actors == ["Hayat Tahrir al-Sham"]
    assert recipients == ["army"]


def test_verb_chain_climbs_to_the_subject(nlp: Language) -> None:
    actors, recipients = roles(nlp, "Government forces resumed airstrikes targeting fighters in Idlib.", "targeting")
    assert actors == ["Government forces"]
    assert recipients == ["fighters"]


def test_owner_of_a_seized_place_is_the_recipient(nlp: Language) -> None:
    actors, recipients = roles(nlp, "The army seized Daesh's main redoubt in the desert.", "seized")
    assert actors == ["The army"]
    assert recipients == ["Daesh"]


def test_reporting_source_is_not_an_actor_and_places_are_not_recipients(nlp: Language) -> None:
    actors, recipients = roles(
        nlp, "Syrian and Russian forces shelled the town of Khan Sheikhoun, activists say.", "shelled"
    )
    assert actors == ["Syrian and Russian forces", "Russian forces"]
    assert recipients == []


def test_fired_on_gives_the_target(nlp: Language) -> None:
    actors, recipients = roles(nlp, "Police fired on protesters in Lagos on Sunday.", "fired")
    assert actors == ["Police"]
    assert recipients == ["protesters"]


def test_clashed_with_gives_a_second_actor(nlp: Language) -> None:
    actors, recipients = roles(nlp, "Hundreds of demonstrators clashed with police in central Baghdad.", "clashed")
    assert actors == ["Hundreds of demonstrators", "police"]
    assert recipients == []


def test_noun_trigger_with_possessive_and_target(nlp: Language) -> None:
    actors, recipients = roles(nlp, "The Islamic State's attack on the Kurdish-led SDF left dozens dead.", "attack")
    assert actors == ["The Islamic State"]
    assert recipients == ["the Kurdish-led SDF"]


def test_noun_trigger_with_demonym_and_owned_target(nlp: Language) -> None:
    actors, recipients = roles(nlp, "An Israeli air strike on a Hezbollah convoy killed three fighters.", "strike")
    assert actors == ["Israeli"]
    assert recipients == ["Hezbollah"]


def test_light_verb_noun_trigger_takes_the_verb_subject(nlp: Language) -> None:
    actors, recipients = roles(nlp, "Militants launched an attack on a military checkpoint in Khost.", "attack")
    assert actors == ["Militants"]
    assert recipients == ["military"]


def test_relative_clause_subject_is_the_modified_noun(nlp: Language) -> None:
    actors, recipients = roles(nlp, "Gunmen who stormed a church in the village killed five worshippers.", "killed")
    assert actors == ["Gunmen"]
    assert recipients == ["five worshippers"]


def test_participle_clause_shares_the_main_subject(nlp: Language) -> None:
    actors, recipients = roles(
        nlp, "Turkish troops and their Syrian allies shelled the village, killing 12 civilians.", "killing"
    )
    assert actors == ["Turkish troops", "their Syrian allies"]
    assert recipients == ["12 civilians"]


def test_pronoun_it_is_not_an_actor(nlp: Language) -> None:
    actors, _ = roles(nlp, "They attacked the police station at dawn.", "attacked")
    assert actors == []


def test_weapon_subject_is_not_an_actor(nlp: Language) -> None:
    actors, recipients = roles(nlp, "A roadside bomb killed two soldiers in Kandahar.", "killed")
    assert actors == []
    assert recipients == ["two soldiers"]


def test_weapon_subject_stands_for_who_planted_it(nlp: Language) -> None:
    actors, recipients = roles(
        nlp, "A landmine planted by Maoist rebels killed three policemen near Sukma on Friday.", "killed"
    )
    assert actors == ["Maoist rebels"]
    assert recipients == ["three policemen"]


def test_weapon_agent_stands_for_its_owner(nlp: Language) -> None:
    actors, _ = roles(nlp, "Two farmers were wounded by Indian army mortars near the border.", "wounded")
    assert actors == ["Indian army"]


def test_passive_event_takes_the_actor_of_the_operation(nlp: Language) -> None:
    actors, _ = roles(nlp, "A robbery suspect was killed during a police raid in Quezon City.", "killed")
    assert actors == ["police"]
    actors, _ = roles(nlp, "Four militants were killed in an operation by Kenyan troops near Lamu.", "killed")
    assert actors == ["Kenyan troops"]


def test_known_actor_named_by_several_modifiers(nlp: Language) -> None:
    actors, _ = roles(nlp, "Saudi-led coalition airstrikes targeted a farm in Saada on Monday.", "airstrikes")
    assert actors == ["Saudi-led coalition"]


def test_who_died_is_a_recipient_not_an_actor(nlp: Language) -> None:
    doc = nlp("Two wounded soldiers died in hospital on Monday.")
    actors, recipients = find_roles(next(t for t in doc if t.lemma_ == "die"))
    assert actors == []
    assert [span.text for span in recipients] == ["Two wounded soldiers"]


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Two men were killed in police firing on a crowd in the old city.", "police"),
        ("A woman was killed in a clash between rival gangs in the market.", "rival gangs"),
        ("Three youths died in army shooting near the border on Friday.", "army"),
    ],
)
def test_the_firing_or_clash_a_death_happened_in_names_the_actor(nlp: Language, text: str, actor: str) -> None:
    doc = nlp(text)
    trigger = next(t for t in doc if t.lemma_ in ("kill", "die"))
    actors, _ = find_roles(trigger)
    assert actor in [span.text for span in actors]


def test_an_instrument_takes_the_subject_of_the_verb_it_serves(nlp: Language) -> None:
    actors, _ = roles(nlp, "The next morning, the army hit back, shelling Tal Abyad and two nearby villages "
                           "with rockets.", "rockets")
    assert actors == ["the army"]


def test_of_two_subjects_the_one_next_to_the_verb_acts(nlp: Language) -> None:
    # the parse the model gives "North of Pale, junta forces launched airstrikes ...": two subjects
    words = ["North", "of", "Pale", ",", "junta", "forces", "launched", "airstrikes", "."]
    heads = [6, 0, 1, 6, 5, 6, 6, 6, 6]
    deps = ["nsubj", "prep", "pobj", "punct", "compound", "nsubj", "ROOT", "dobj", "punct"]
    pos = ["PROPN", "ADP", "PROPN", "PUNCT", "NOUN", "NOUN", "VERB", "NOUN", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=[w.lower() for w in words])
    actors, _ = find_roles(doc[7])
    assert [s.text for s in actors] == ["junta forces"]
