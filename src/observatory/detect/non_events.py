"""Trigger words that tell no political violence where they stand: stories outside conflict (sports,
disasters), deaths of illness or natural causes, claims of responsibility, people named by a role,
crowd-control gear, measures lifted, fire that hits nothing."""

from __future__ import annotations

import itertools
import re

from spacy.tokens import Span, Token

from observatory.detect.cues import CONFLICT_ACTORS, EASED_MEASURE, HEAVY_WEAPON_CUE, INTERVENTION
from observatory.detect.participants import participants
from observatory.detect.triggers import trigger_entry
from observatory.read.nlp import text_of

_FIRE_ON = re.compile(r"\bopen(ed|s)? fire\b", re.I)


def fires_at_something(token: Token, sent_text: str) -> bool:
    """ "fire" as shooting: "opened fire", "fired mortars at", "fired on the positions"."""
    if _FIRE_ON.search(sent_text):
        return True
    return any(
        (c.dep_ == "prep" and c.lower_ in ("at", "on", "towards", "into", "upon"))
        or (c.dep_ == "dobj" and HEAVY_WEAPON_CUE.search(c.text) or c.lower_ in ("shots", "weapons", "arms", "guns"))
        for c in token.children
    )


_NATURAL_CAUSES = {
    "flood", "floodwater", "water", "rain", "storm", "cyclone", "hurricane", "typhoon", "earthquake", "quake",
    "landslide", "mudslide", "avalanche", "tsunami", "wildfire", "blaze", "fire", "heat", "heatwave", "drought",
    "disease", "virus", "outbreak", "epidemic", "cholera", "covid", "covid-19", "coronavirus", "cancer", "crash",
    "collapse", "accident", "lightning", "wave", "tornado", "snow", "cold", "famine",
}


_SPORTS = re.compile(
    r"\b(match(es)?|goals?|derby|league|striker|midfield\w*|coach|tournament|championship|semi-?final|"
    r"final whistle|kick-?off|penalty|football|soccer|cricket|rugby|tennis|chess|innings|wickets?|"
    r"scored|season|fixture|champions|playoffs?|3-0|2-1|1-0|2-0|3-1|defender|goalkeeper|Premier League)\b", re.I)


_DISASTER = re.compile(
    r"\b(floods?|flooding|floodwaters?|monsoon|rainfall|heavy rains?|earthquakes?|quakes?|tremors?|cyclones?|"
    r"hurricanes?|typhoons?|landslides?|mudslides?|storms?|tsunami|wildfires?|drought|sandbags|rescue teams?|"
    r"magnitude|evacuat\w+|submerged|stranded)\b", re.I)


def _found(pattern: re.Pattern[str], text: str, enough: int) -> int:
    """How many matches of ``pattern`` ``text`` holds, counted up to ``enough``."""
    return sum(1 for _ in itertools.islice(pattern.finditer(text), enough))


def is_non_conflict_story(sent: Span) -> bool:
    """A sports or natural-disaster story with no armed actors: its "attacks" and "battles" are metaphors."""
    doc = sent.doc
    if "non_conflict" not in doc.user_data:
        text = text_of(doc)
        doc.user_data["non_conflict"] = _found(CONFLICT_ACTORS, text, 2) < 2 and (
            _found(_SPORTS, text, 3) >= 3 or _found(_DISASTER, text, 3) >= 3)
    return bool(doc.user_data["non_conflict"])


_CLAIM_WORDS = {"responsibility", "credit"}


_ILLNESS = {"poisoning", "illness", "disease", "hunger", "starvation", "exposure", "covid", "covid-19", "cancer",
            "coronavirus", "virus", "infection", "cholera", "malaria", "complications", "stroke", "shock",
            "exhaustion", "dehydration", "heatstroke", "fever", "pneumonia"}


def claimed_responsibility(token: Token) -> bool:
    """An attack named only as what someone claimed responsibility for: a claim, not a report of the attack."""
    return any(a.lemma_.lower() in _CLAIM_WORDS for a in token.ancestors)


def died_of_illness(token: Token) -> bool:
    """ "died of alcohol poisoning": a death, but no violence; "the anger has died down": no death at all."""
    if token.lemma_.lower() != "die":
        return False
    if any(c.dep_ == "prt" and c.lower_ in ("down", "out", "away") for c in token.children):
        return True
    causes = [c for p in token.children if p.dep_ == "prep" and p.lower_ in ("of", "from") for c in p.children]
    return any(c.lemma_.lower() in _ILLNESS or medical_condition(c) for c in causes)


def medical_condition(token: Token) -> bool:
    """ "a heart attack", "a panic attack", "a cardiac arrest": no violence."""
    return token.i > 0 and token.doc[token.i - 1].lower_ in ("heart", "panic", "asthma", "cardiac")


def natural_cause(token: Token) -> bool:
    """ "Floods killed 25", "the water attacked our village": nature, not an actor, did it."""
    doers, _ = participants(token)
    return any(d.lemma_.lower() in _NATURAL_CAUSES or d.lower_ in _NATURAL_CAUSES for d in doers)


_NOMINAL_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "conj"}


_LIFTING_VERBS = {"lift", "ease", "end", "shorten", "relax", "remove", "scrap", "revoke", "suspend", "withdraw"}


def names_people(token: Token) -> bool:
    """A participle used as a noun names people, not an event: "evacuated the wounded", "the accused were",
    "those arrested had attacked"."""
    if token.tag_ == "VBN" and token.dep_ == "acl" and token.head.lower_ in _PEOPLE_PRONOUNS and not any(
            c.dep_ in ("agent", "prep", "npadvmod") for c in token.children):
        return True
    return (
        token.tag_ in ("VBN", "VBD")
        and token.dep_ in _NOMINAL_DEPS
        and any(c.dep_ == "det" for c in token.children)
        and not any(c.dep_ in ("dobj", "nsubj", "nsubjpass", "aux", "auxpass") for c in token.children)
    )


_PEOPLE_PRONOUNS = {"those", "anyone", "everyone", "all", "many", "some", "most", "none"}


def targeted_crowd(token: Token) -> bool:
    """A mob that is fired at, charged or dispersed is the target of another act, not a mob attack."""
    if token.lemma_.lower() != "mob":
        return False
    return token.dep_ in ("dobj", "nsubjpass") or (
        token.dep_ == "pobj" and token.head.lower_ in ("on", "at", "against", "upon", "into")
    )


def deploys_crowd_control(token: Token) -> bool:
    """Whether a deployment is of tear gas, water cannon or the like, not of forces."""
    words = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    words += [g for p in token.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children]
    before = token.doc[token.left_edge.i : token.i].text  # "tear gas deployments"
    return bool(INTERVENTION.search(before)) or any(
        INTERVENTION.search(" ".join(t.text for t in w.subtree)) for w in words)


def lifted_measure(token: Token) -> bool:
    """A curfew or ban that is lifted, eased or shortened: the event is the concession, not the measure."""
    return token.pos_ == "NOUN" and token.dep_ in ("dobj", "nsubjpass") and \
        token.head.lemma_.lower() in _LIFTING_VERBS and bool(EASED_MEASURE.search(token.text))


_ACCIDENT = re.compile(
    r"\b(gas|cylinder|boiler|fireworks?|factory|plant|warehouse|tanker|chemical|reactor|pipeline|transformer|"
    r"refinery|coal mine|mine shaft|kitchen|stove|furnace)s? (\w+ ){0,2}(explo\w+|blasts?|leaks?|fires?|blaze)\b|"
    r"\b(explosion|blast|fire|leak)s? (at|in|inside) (a|an|the) (\w+ ){0,2}(factory|plant|warehouse|refinery|"
    r"mine|depot|workshop|restaurant|market)\b|\b(poisoning|leak(ed|age)?|stampede|collapsed?|derail\w*)\b", re.I)


_EQUIPMENT_HEADS = {"police", "policeman", "gear", "squad", "shield", "unit", "control", "officer", "helicopter",
                    "dog", "vehicle", "force"}


def names_no_event(token: Token) -> bool:
    """A trigger word that tells no event where it stands: an adjective ("the captured fighters"), gear
    ("riot police"), the topic of talks ("ceasefire talks"), people named by what was done to them, a
    measure lifted, a crowd targeted, a medical condition, a time ("in March"), people driven
    ("marched the students into the bush"), crowd-control gear deployed ("tear gas deployments": told by
    the protest, no troops moved)."""
    if token.dep_ == "amod" or (token.dep_ == "compound" and token.head.lemma_.lower() in _EQUIPMENT_HEADS):
        return True
    if token.dep_ == "compound" and token.head.pos_ == "NOUN" and (entry := trigger_entry(token.head)) is not None:
        return entry[0].isupper()  # "ceasefire talks" are talks (but "mob violence" is a mob's)
    if names_people(token) or lifted_measure(token) or targeted_crowd(token) or medical_condition(token):
        return True
    if token.ent_type_ in ("DATE", "TIME"):
        return True
    lemma = token.lemma_.lower()
    if lemma == "march" and token.pos_ == "VERB" and any(c.dep_ == "dobj" for c in token.children):
        return True
    return lemma in ("deploy", "deployment") and deploys_crowd_control(token)


def outside_conflict(sent: Span, sent_text: str) -> bool:
    """A sentence whose violent words tell no political violence: a story outside conflict (sports,
    disasters) or an accident ("a gas cylinder exploded in a restaurant")."""
    return is_non_conflict_story(sent) or (bool(_ACCIDENT.search(sent_text)) and not CONFLICT_ACTORS.search(sent_text))


def no_violence_by(token: Token) -> bool:
    """A violent word that tells no one's violence: a natural cause, a claim of responsibility, illness."""
    return natural_cause(token) or claimed_responsibility(token) or died_of_illness(token)
