"""The parties of one event from its role spans: each span resolved to an actor in the sentence's
context, the report's source and phrases that name no one left out, "its fighters" as the speaker's own
forces, and the actor an event type implies when no span names one."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Span, Token

from observatory.lexicon.actors import ActorDictionary
from observatory.lexicon.party_kinds import head_kind
from observatory.models import ActorRef, Attribution

_PARTY_ENTITIES = {"PERSON", "ORG", "NORP"}
_SPEAKER_PRONOUNS = {"they", "it", "we"}
_FINDING_VERBS = {"find", "discover", "recover", "retrieve", "locate", "identify"}
_ARMED_KINDS = frozenset({"MIL", "POL", "REB", "UAG", "MLA", "ETH", "GANG"})
_ARMED_INTERS = frozenset({1, 2, 3, 4, 8})


def own_forces(span: Span) -> bool:
    """Whether an actor phrase names a force by whose it is: "its fighters", "their troops"."""
    return any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in span.root.children) and \
        head_kind(span.text) in _ARMED_KINDS


def is_armed(ref: ActorRef) -> bool:
    """Whether a resolved party is a state force, an armed group or an external force."""
    return ref.acled_inter in _ARMED_INTERS


def names_a_party(ref: ActorRef, span: Span) -> bool:
    """Whether an actor span names someone: a party the dictionary knows or guesses a sector or country for,
    or a person, group or nationality the parser names; not "he", "11", "the trigger", "a breakthrough"."""
    return bool(ref.sector or ref.country) or any(t.ent_type_ in _PARTY_ENTITIES for t in span)


def is_source(span: Span, attribution: Attribution | None) -> bool:
    """An actor span that is really the report's source ("the Observatory ... said")."""
    return attribution is not None and span.text.lower() in attribution.claimant.lower()


class SentenceParties:
    """Resolves the role spans of a sentence's events, with the sentence's attribution, date and country."""

    def __init__(self, dictionary: ActorDictionary, attribution: Attribution | None, when: dt.date | None,
                 country_hint: str | None) -> None:
        self.dictionary = dictionary
        self.attribution = attribution
        self.when = when
        self.country_hint = country_hint

    def resolve(self, span: Span, kind: str | None = None) -> ActorRef:
        """The actor a span names; "its fighters" in "Hezbollah said its fighters struck ..." is the armed
        speaker's own force."""
        if self.attribution is not None and own_forces(span):
            speaker = self.dictionary.resolve(self.attribution.claimant, when=self.when,
                                              country_hint=self.country_hint)
            if is_armed(speaker):
                return speaker.model_copy(update={"text": span.text})
        return self.dictionary.resolve(span.text, when=self.when, country_hint=self.country_hint, event_type=kind)

    def parties(self, spans: list[Span], kind: str | None = None) -> list[ActorRef]:
        """The spans that name a party, resolved ("he", "We" or "11" name none)."""
        return [ref for span in spans if names_a_party(ref := self.resolve(span, kind), span)]

    def speaker_as_doer(self, trigger: Token) -> list[ActorRef]:
        """The reporting party as the doer of what it reports of itself: "Police said they had detained
        three people", "the Arakan Army said it had captured a base"; none when the speaker is no party."""
        subject = next((c for c in trigger.children if c.dep_ == "nsubj"), None)
        if self.attribution is None or subject is None or subject.lower_ not in _SPEAKER_PRONOUNS:
            return []
        if trigger.lemma_.lower() in _FINDING_VERBS:
            return []  # "police said they found the bodies": who finds the dead did not kill them
        speaker = self.dictionary.resolve(self.attribution.claimant, when=self.when, country_hint=self.country_hint)
        return [speaker.model_copy(update={"text": subject.text})] if speaker.sector or speaker.country else []

    def actors(self, spans: list[Span], kind: str | None, trigger: Token | None = None) -> list[ActorRef]:
        """The actors of an event of ACLED type ``kind``: its spans' parties, else the speaker when it tells
        its own deed (speaker_as_doer), else the actor the type implies in the country
        (ActorDictionary.implied_actor), else none."""
        found = self.parties(spans, kind) or (self.speaker_as_doer(trigger) if trigger is not None else [])
        if not found:
            implied = self.dictionary.implied_actor(kind, self.country_hint, self.when)
            found = [implied] if implied else []
        return found
