"""Event words that report no specific incident, read from the dependency parse.

Many events and trends ("dozens of bombings", "a series of attacks", "fighting has intensified"), habits
("often attack convoys"), cumulative tolls ("have been killed since January"), anniversaries ("the 8th
anniversary of the school attack") and the charges of a trial ("convicted of murder and rape") mention
violence but report no incident a coder would count. ``non_incident`` says which, if any, a trigger is.
"""

from __future__ import annotations

from typing import Literal

from spacy.tokens import Token

Reading = Literal["many", "history", "charge"]

_GENERIC_QUANTIFIERS = {"dozens", "hundreds", "thousands", "several", "many", "numerous", "series", "wave", "spate"}
_SERIES = {"series", "wave", "waves", "spate", "cycle"}
_HABITUAL = {"frequently", "often", "regularly", "routinely", "repeatedly", "usually", "sometimes", "occasionally",
             "constantly", "periodically", "habitually"}
_TREND_VERBS = {"intensify", "escalate", "increase", "rage", "persist", "spread", "subside", "decline", "spare",
                "rise", "grow", "surge", "simmer", "worsen", "remain"}
# "since January", "so far", "in total", "this year": a count over a period, not one incident's toll.
_PERIOD_WORDS = {"since", "so far", "in total", "to date", "this year", "over the past", "in recent", "altogether",
                 "in all", "over the years", "over the last", "in the past"}
# Nouns of whole events; "20 explosions near Troitske" or "15 bursts of fire" count what one event was made of.
_WHOLE_EVENTS = {"attack", "raid", "incident", "clash", "bombing", "killing", "protest", "demonstration", "assault",
                 "ambush", "abduction", "kidnapping", "massacre", "riot", "rally", "arrest"}
# This many events counted together are a tally, not incidents told one by one.
MANY_EVENTS = 10
_COMMEMORATION = {"anniversary", "commemoration", "memory", "memorial", "remembrance", "commemorate", "mark", "mourn"}
_LEGAL = {"convict", "guilty", "charge", "count", "indict", "acquit", "sentence", "trial", "verdict", "prosecute",
          "prosecution", "crime", "conviction", "warrant"}
_WHOLE_LANDS = {"country", "nation", "continent", "world"}
_INTERVAL_MARKERS = {"after", "since"}
_LONG_UNITS = {"year", "decade", "month", "century"}
_VERDICTS = {"guilty", "innocent", "responsible", "liable"}  # "found him guilty of"
_CHAIN = {"pobj", "pcomp", "prep", "dobj", "conj", "appos", "compound", "nmod", "poss", "acl"}


def generic_mention(token: Token) -> bool:
    """A trigger that speaks of many events or a trend, not one event: "dozens of bombings", "a series of
    attacks", "has been spared attacks", "fighting has intensified", "often attack convoys"."""
    if token.pos_ not in ("NOUN", "PROPN"):
        return any(c.lower_ in _HABITUAL for c in token.children)
    quantifiers = [*token.children, token.head, *token.head.children]
    if token.dep_ == "pobj" and token.head.lower_ == "of":  # "a series of attacks"
        quantifiers.append(token.head.head)
    if token.tag_ in ("NNS", "NNPS") and any(a.lower_ in _GENERIC_QUANTIFIERS for a in quantifiers):
        return True
    if token.tag_ == "NN" and token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in _SERIES:
        return True  # "a fresh wave of unrest", "a spate of violence": many events told by a mass noun
    if token.lemma_.lower() in _WHOLE_EVENTS and token.tag_ in ("NNS", "NNPS") and any(
            _many(c) for c in token.children if c.dep_ == "nummod"):
        return True  # "over 100 attacks after the election": a count of events, not one
    head = token.head
    if (head.lemma_.lower() in _TREND_VERBS or head.lower_ in ("spared", "sparing")) and token.dep_ in (
        "nsubj", "dobj", "nsubjpass", "attr",
    ):
        return True
    if any(c.lower_ in _HABITUAL for node in (token, token.head) for c in node.children):
        return True
    if token.dep_ in ("nsubj", "nsubjpass") and _changed_by_a_share(token.head):
        return True  # "homicides have fallen by a quarter": a rate, not an event
    if _bare_object_of_a_doing(token):
        return True
    return token.tag_ == "NNS" and any(a.dep_ == "relcl" for a in token.ancestors)


_SHARES = {"percent", "per", "%", "quarter", "third", "half", "fifth", "tenth", "fold", "times"}


def _changed_by_a_share(verb: Token) -> bool:
    """A verb of change by a share or a multiple: "fell by a quarter", "rose by 20 percent", "doubled"."""
    if verb.lemma_.lower() in ("double", "triple", "halve"):
        return True
    return any(c.dep_ == "prep" and c.lower_ == "by" and any(
        t.lower_ in _SHARES or t.ent_type_ == "PERCENT" for t in c.subtree) for c in verb.children)


def _bare_object_of_a_doing(token: Token) -> bool:
    """A bare plural that a gerund after a preposition takes ("brutality in handling protests", "accused
    of staging attacks"): events of a kind, none of them told."""
    head = token.head
    return token.tag_ == "NNS" and token.dep_ == "dobj" and head.dep_ == "pcomp" and head.lower_.endswith("ing") \
        and not any(c.dep_ in ("det", "poss", "nummod") for c in token.children)


def _many(number: Token) -> bool:
    """A number of events too large for one report to tell each ("100 attacks", "dozens of raids")."""
    text = number.text.replace(",", "")
    return text.isdigit() and int(text) >= MANY_EVENTS


def cumulative(token: Token) -> bool:
    """A present-perfect count over a period: "more than 6,000 people have been killed since 2004", "at
    least 300 civilians have died in air strikes this year", "have been arrested so far", events done over
    one ("have staged protests in recent months"); or the toll of
    many events told in a present-perfect clause: "the riots, which have claimed over 700 lives"."""
    if token.tag_ == "NNS":  # the clause may hang from the events' place: "the riots in Vadodara, which have"
        held = [token, *(o for p in token.children if p.dep_ == "prep" for o in p.children
                         if o.dep_ == "pobj" and o.pos_ == "PROPN")]
        if any(c.dep_ == "relcl" and _present_perfect(c) for h in held for c in h.children):
            return True
    verb = token
    if token.pos_ in ("NOUN", "PROPN") and token.dep_ in ("dobj", "nsubj", "nsubjpass", "attr"):
        verb = token.head  # "has carried out near-daily raids this year", "have staged protests in recent months"
    if not _present_perfect(verb):
        return False
    clause = " ".join(t.lower_ for t in verb.subtree)
    return any(f" {words} " in f" {clause} " for words in _PERIOD_WORDS)


def _present_perfect(verb: Token) -> bool:
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("has", "have", "'ve") for c in verb.children)


def _governors(token: Token) -> list[Token]:
    """The words a trigger hangs from through prepositions, objects and noun modifiers."""
    found = []
    node = token
    while node.dep_ in _CHAIN and node.head.i != node.i:
        node = node.head
        found.append(node)
    return found


def commemorated(token: Token) -> bool:
    """An attack named as what an anniversary, a memorial or a mourning recalls: history, not news."""
    return any(g.lemma_.lower() in _COMMEMORATION for g in _governors(token))


def describes_a_country(token: Token) -> bool:
    """An event told in a relative clause that describes a whole country: "the country ..., where an
    explosion at the port killed more than 170 people" is what the country has been through, not news."""
    clause = token if token.pos_ in ("VERB", "AUX") else token.head
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head
    return clause.dep_ == "relcl" and clause.head.lemma_.lower() in _WHOLE_LANDS


def long_ago(token: Token) -> bool:
    """An event recalled as the start of a long interval: "two years after a landmark truce", "a decade
    after the massacre", "months after the coup"."""
    for node in (token, *_governors(token), token.head):
        markers = [node] if node.lower_ in _INTERVAL_MARKERS else [
            c for c in node.children if c.dep_ == "mark" and c.lower_ in _INTERVAL_MARKERS]
        # the interval hangs from the marker ("a decade after the massacre") or sits just before it
        if any(m.i > 0 and m.doc[m.i - 1].lemma_.lower() in _LONG_UNITS for m in markers) or any(
                c.dep_ == "npadvmod" and c.lemma_.lower() in _LONG_UNITS for m in markers for c in m.children):
            return True
    return False


def charged(token: Token) -> bool:
    """A crime named as a charge, a count or a conviction of a trial: "convicted of murder and rape", "finds
    him guilty of ... the killing of 21 people"."""
    return any(g.lemma_.lower() in _LEGAL or any(w.lower_ in _VERDICTS for w in _near_dependents(g))
               for g in _governors(token))


def _near_dependents(token: Token) -> list[Token]:
    """A word's dependents and theirs: "finds [Ayyash [guilty]]"."""
    return [w for c in token.children for w in (c, *c.children)]


def describes_a_party(verb: Token) -> bool:
    """A verb that describes a party rather than tells what it did: in a relative clause ("the militants,
    whom Turkey has supported with tanks") or a present passive ("she is backed by a coalition"). Said of
    cooperation and statements, which are standing relations there; violence told so is still an event
    ("the gunmen who killed five")."""
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    if verb.dep_ == "relcl":
        return True
    return any(c.dep_ == "auxpass" and c.tag_ in ("VBZ", "VBP") for c in verb.children)


def done_before(verb: Token) -> bool:
    """A deed told as a state the scene was in, done before it: "with the army having taken control of the
    border" (an absolute clause with a perfect participle)."""
    return verb.dep_ == "pcomp" and verb.head.lower_ == "with" and any(
        c.dep_ == "aux" and c.lower_ == "having" for c in verb.children)


def non_incident(token: Token) -> Reading | None:
    """How a trigger reports no specific incident: many events, a trend or a toll ("many"), history
    recalled ("history"), or a trial's charge ("charge"); None for a trigger that may report one."""
    if generic_mention(token) or cumulative(token):
        return "many"
    if commemorated(token) or long_ago(token) or describes_a_country(token) or done_before(token):
        return "history"
    if charged(token):
        return "charge"
    return None
