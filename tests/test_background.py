"""Event words that report no incident: many events, trends, habits, tolls over a period, history, charges."""

from __future__ import annotations

import pytest
from spacy.tokens import Token

from observatory.detect.background import non_incident
from observatory.read.nlp import get_nlp


def trigger(sentence: str, word: str) -> Token:
    doc = get_nlp()(sentence)
    return next(t for t in doc if t.lower_ == word)


@pytest.mark.parametrize(
    ("sentence", "word", "reading"),
    [
        ("Dozens of bombings have hit the province this year.", "bombings", "many"),
        ("The town has seen a series of attacks on aid convoys.", "attacks", "many"),
        ("The country is facing a fresh wave of unrest after the vote.", "unrest", "many"),
        ("Fighting has intensified along the front line.", "fighting", "many"),
        ("Bandits often attack convoys on the highway.", "attack", "many"),
        ("Observers counted over 100 attacks after the election.", "attacks", "many"),
        ("More than 6,000 people have been killed since 2004.", "killed", "many"),
        ("At least 300 civilians have died in air strikes this year.", "died", "many"),
        ("Mourners marked the anniversary of the school attack.", "attack", "history"),
        ("The court convicted him of murder and rape.", "murder", "charge"),
        ("The tribunal found the two men guilty of conspiracy and of the killing of 21 people.", "killing", "charge"),
        ("A judge found the former commander guilty on Monday for the killing of 40 villagers.", "killing",
         "charge"),
        ('"The court finds Ahmed Karim Nasser guilty of conspiracy and of committing an act of terrorism against '
         'the minister, as well as for the wilful killing of 12 persons.', "killing", "charge"),
        ("The verdict comes at a hard time for the country, which is in crisis and where a blast at the port "
         "killed more than 200 people.", "killed", "history"),
        ("Those arrested for the riots, which have claimed over 700 lives, were charged.", "riots", "many"),
        ("Police held 40 men over the clashes in Jos, which have left 90 dead.", "clashes", "many"),
        ("Fears are rising two years after a landmark truce ended the fighting.", "truce", "history"),
        ("The vote comes a decade after the massacre of 300 villagers.", "massacre", "history"),
        ("Rights groups criticised the brutality of the police in handling protests against the reform.",
         "protests", "many"),
        ("The commander is accused of staging attacks on aid convoys.", "attacks", "many"),
    ],
)
def test_non_incidents(sentence: str, word: str, reading: str) -> None:
    assert non_incident(trigger(sentence, word)) == reading


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Gunmen attacked a police post near the border on Monday.", "attacked"),
        ("Three people were killed when a bomb exploded in the market.", "killed"),
        ("Monitors recorded 20 explosions near the village overnight.", "explosions"),  # one shelling's blasts
        ("Two attacks on Tuesday killed five soldiers.", "attacks"),  # two incidents, each reportable
        ("The protest against fuel prices turned violent.", "protest"),
        ("Two days after the bombing, police arrested three suspects.", "bombing"),  # days: still the news
        ("Israeli aircraft carried out a string of airstrikes on Gaza overnight.", "airstrikes"),  # one raid
        ("Gunmen killed five people on Monday, months after a truce.", "killed"),
        ("The attack, which has claimed 12 lives, was the deadliest in months.", "attack"),  # one attack's toll
        ("Troops entered the village, where gunmen had killed five farmers on Monday.", "killed"),
        ("Police were accused of handling the protests in Nairobi with brutality on Monday.", "protests"),
    ],
)
def test_incidents_pass(sentence: str, word: str) -> None:
    assert non_incident(trigger(sentence, word)) is None
