"""Event detection: the triggers of a sentence's events, typed in PLOVER and ACLED terms.

A trigger is a word of the lexicon (triggers) in a phrase that makes it one; words that tell no
incident where they stand are left out (non_events); its ACLED sub-type comes from the cues of its
sentence (sub_types); a trigger in a subordinate clause weighs less than one in the main clause."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from observatory.detect.background import describes_a_party
from observatory.detect.non_events import (
    fires_at_something,
    names_no_event,
    no_violence_by,
    outside_conflict,
)
from observatory.detect.status import is_reporting_verb
from observatory.detect.sub_types import armed_protest, contrast_clause, family_to_types, plover_sub_type
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
    trigger_entry,
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


_WEAPON_SUB_TYPES = {
    "Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED", "Grenade",
    "Chemical weapon", "Suicide bomb",
}


_VIOLENT_FAMILIES = {VIOLENCE, CLASH, TERRITORY, MOB, ABDUCT, SEXUAL, RIOT, DESTROY}


def detect(sent: Span) -> list[Trigger]:
    """Triggers of the events a sentence reports, typed in PLOVER and ACLED terms."""
    sent_text = span_text(sent)
    triggers: list[Trigger] = []
    outside = outside_conflict(sent, sent_text)
    for token in sent:
        entry = trigger_entry(token)
        if entry is None or names_no_event(token):
            continue
        kind, mode, score = entry
        if kind in _VIOLENT_FAMILIES and (outside or no_violence_by(token)):
            continue
        if kind.isupper():
            plover_type, plover_mode = kind, mode
            sub = plover_sub_type(kind, mode, sent_text)
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
    """The triggers of a sentence's events: no verb of saying, no cooperation or statement that describes a
    party ("whom Turkey has supported", "is backed by a coalition"), and no noun of the circumstances
    ("during fighting") when the sentence tells another event."""
    triggers = [t for t in detect(sent) if not is_reporting_verb(t.token)
                and not (t.acled_sub_event_type is None and describes_a_party(t.token))]
    if any(not _is_circumstance(t) for t in triggers):
        triggers = [t for t in triggers if not _is_circumstance(t)]
    return triggers
