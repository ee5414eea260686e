"""Event detection: the triggers of a sentence's events, typed in PLOVER and ACLED terms.

A trigger is a word of the lexicon (triggers) in a phrase that makes it one; words that tell no
incident where they stand are left out (non_events); its ACLED sub-type comes from the cues of its
sentence (sub_types); a trigger in a subordinate clause weighs less than one in the main clause."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from observatory.detect.cues import CONFLICT_ACTORS, FORCES_SUBJECT, GROUND
from observatory.detect.non_events import (
    claimed,
    deploys_crowd_control,
    died_of_illness,
    fires_at_something,
    is_non_conflict_story,
    lifted_measure,
    medical,
    names_people,
    natural_cause,
    targeted_crowd,
)
from observatory.detect.status import is_reporting_verb
from observatory.detect.sub_types import armed_protest, contrast_clause, family_to_types
from observatory.detect.triggers import (
    ABDUCT,
    CLASH,
    DESTROY,
    MOB,
    PROTEST,
    RIOT,
    SEXUAL,
    TERRITORY,
    VIOLENCE,
    is_trigger_form,
)
from observatory.read.nlp import span_text


@dataclass
class Trigger:
    """A word in a sentence that signals an event, with its type."""

    token: Token
    plover_type: str
    plover_mode: str | None
    acled_sub_event_type: str | None
    score: float
    family: str | None = None


# Where a trigger sits in its sentence: main-clause events matter more than background ones.
_SUBORDINATE_DEPS = {"relcl": 0.6, "acl": 0.7, "amod": 0.55, "advcl": 0.85, "pcomp": 0.75, "csubj": 0.8}


_BACKGROUND_PREPS = {"against", "over", "for", "of", "about", "despite", "since", "after", "following", "amid"}


def salience(token: Token) -> float:
    """How central a trigger is to its sentence, from 1.0 (main clause) down."""
    factor = 1.0
    if token.dep_ == "pobj" and token.head.lower_ in _BACKGROUND_PREPS:
        factor *= 0.6
    for node in [token, *token.ancestors]:
        factor *= _SUBORDINATE_DEPS.get(node.dep_, 1.0)
        if node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
            factor *= 0.7  # a purpose: "blocked roads to demand reforms" reports the blockade
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _BACKGROUND_PREPS | {"as", "before"}
                                        for c in node.children):
            factor *= 0.7
    return factor


_PEACE_DEAL = re.compile(
    r"\b(cease[- ]?fires?|truces?|armistice|peace (deal|agreement|accord|treaty|pact|plan)s?|"
    r"(deal|agreement|accord|treaty|pact)s? (to end|ending|on ending) (the )?(fighting|war|conflict|hostilities)|"
    r"cessation of hostilities|non-aggression|prisoner (exchange|swap|release)s?|(exchange|swap)s? of prisoners)\b",
    re.I)


_SECURITY_MEASURES = {"restrict", "curfew", "ban", "censor", "martial-law"}


_NON_ACLED = {"CONSULT", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION", "SUPPORT", "COOPERATE", "AID"}


_ACLED_OF_PLOVER = {
    "AGREE": "Agreement", "RETREAT": "Non-violent transfer of territory", "MOBILIZE": "Change to group/activity",
    "COERCE": "Other", "CONCEDE": None,
}


_ACCIDENT = re.compile(
    r"\b(gas|cylinder|boiler|fireworks?|factory|plant|warehouse|tanker|chemical|reactor|pipeline|transformer|"
    r"refinery|coal mine|mine shaft|kitchen|stove|furnace)s? (\w+ ){0,2}(explo\w+|blasts?|leaks?|fires?|blaze)\b|"
    r"\b(explosion|blast|fire|leak)s? (at|in|inside) (a|an|the) (\w+ ){0,2}(factory|plant|warehouse|refinery|"
    r"mine|depot|workshop|restaurant|market)\b|\b(poisoning|leak(ed|age)?|stampede|collapsed?|derail\w*)\b", re.I)


_EQUIPMENT_HEADS = {"police", "policeman", "gear", "squad", "shield", "unit", "control", "officer", "helicopter",
                    "dog", "vehicle", "force"}


_WEAPON_SUB_TYPES = {
    "Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED", "Grenade",
    "Chemical weapon", "Suicide bomb",
}


_VIOLENT_FAMILIES = {VIOLENCE, CLASH, TERRITORY, MOB, ABDUCT, SEXUAL, RIOT, DESTROY}


def detect(sent: Span) -> list[Trigger]:
    """Triggers of the events a sentence reports, typed in PLOVER and ACLED terms."""
    sent_text = span_text(sent)
    triggers: list[Trigger] = []
    metaphorical = is_non_conflict_story(sent)
    accident = bool(_ACCIDENT.search(sent_text)) and not CONFLICT_ACTORS.search(sent_text)
    for token in sent:
        entry = is_trigger_form(token)
        if entry is None or token.dep_ == "amod":  # "the captured fighters" is no capture
            continue
        if token.dep_ == "compound" and token.head.lemma_.lower() in _EQUIPMENT_HEADS:  # "riot police"
            continue
        if names_people(token) or lifted_measure(token) or targeted_crowd(token) or medical(token):
            continue
        if token.ent_type_ in ("DATE", "TIME"):
            continue  # "in March", "on Strike Day" name a time
        if token.lemma_.lower() == "march" and token.pos_ == "VERB" and any(c.dep_ == "dobj" for c in token.children):
            continue  # "marched the students into the bush": people driven, no protest
        if token.lemma_.lower() in ("deploy", "deployment") and deploys_crowd_control(token):
            continue  # "tear gas deployments": force used on a crowd, told by the protest, not troops moved
        kind, mode, score = entry
        if kind in _VIOLENT_FAMILIES and (
            metaphorical or accident or natural_cause(token) or claimed(token) or died_of_illness(token)
        ):
            continue
        if kind.isupper():
            plover_type, plover_mode = kind, mode
            sub = None if kind in _NON_ACLED else _ACLED_OF_PLOVER.get(kind)
            if kind == "AGREE" and not _PEACE_DEAL.search(sent_text):
                sub = None  # ACLED codes ceasefires and peace deals, not every promise or arrangement
            if kind == "RETREAT" and not (GROUND.search(sent_text) or FORCES_SUBJECT.search(sent_text)):
                sub = None  # a bill or a candidacy withdrawn hands over no territory
            if kind == "COERCE" and mode in _SECURITY_MEASURES:
                sub = "Change to group/activity"  # curfews, bans, lockdowns, closures
            family = None
        else:
            told = contrast_clause(token, sent) if kind in (PROTEST, RIOT) else sent_text
            plover_type, plover_mode, sub = family_to_types(kind, mode, told, token)
            family = kind
            if sub in _WEAPON_SUB_TYPES:
                score = max(score, 0.75)  # a named weapon tells the event better than "wounded" or "killed"
        if kind == VIOLENCE and token.lemma_ == "fire" and not fires_at_something(token, sent_text):
            continue
        if armed_protest(token, kind):
            plover_mode, sub = "obstruct", None  # rebels blocking a road obstruct it: no demonstration for ACLED
        triggers.append(Trigger(token, plover_type, plover_mode, sub, round(score * salience(token), 3), family))
    return triggers


_CIRCUMSTANCE_PREPS = {"during", "amid", "after", "following", "since", "before", "despite", "at"}
_ONGOING_PREPS = {"during", "amid", "despite"}


def _is_circumstance(trigger: Trigger) -> bool:
    """A noun trigger in "during fighting", "amid clashes": background to the sentence's main event."""
    head = trigger.token.head
    if trigger.token.dep_ == "pcomp":  # "during fighting"; but "killed after exchanging fire" tells the clash
        return head.lower_ in _ONGOING_PREPS
    return trigger.token.dep_ == "pobj" and head.lower_ in _CIRCUMSTANCE_PREPS


def sentence_triggers(sent: Span) -> list[Trigger]:
    """The triggers of a sentence's events: no verb of saying, and no noun of the circumstances ("during
    fighting") when the sentence tells another event."""
    triggers = [t for t in detect(sent) if not is_reporting_verb(t.token)]
    if any(not _is_circumstance(t) for t in triggers):
        triggers = [t for t in triggers if not _is_circumstance(t)]
    return triggers
