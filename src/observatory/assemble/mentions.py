"""A document's event mentions, sentence by sentence: the detected triggers and statements with their
status, parties, place, date, evidence and counts, and what the incident classifier reads of them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from observatory.assemble import incidents
from observatory.assemble.counts import assign_sentence_counts
from observatory.detect import background, events, roles, speech, status
from observatory.detect.classifier import SentenceClassifier
from observatory.detect.incident_classifier import MANY, IncidentClassifier
from observatory.detect.incident_classifier import features as incident_features
from observatory.detect.triggers import CLASH
from observatory.lexicon.actors import ActorDictionary
from observatory.lexicon.taxonomy import acled_type_of
from observatory.models import DateSpan, Document, Event, Evidence, Location
from observatory.read.layout import Layout
from observatory.read.nlp import span_text
from observatory.resolve import dates
from observatory.resolve.geolocate import DocumentPlaces
from observatory.resolve.party_spans import SentenceParties, is_source

# The incident classifier overrules the rules only when this sure that a clause tells no incident.
INCIDENT_CONFIDENCE = float(os.environ.get("OBSERVATORY_INCIDENT_CONFIDENCE", "0.95"))
LEAD_POSITION, LATER_POSITION = 1.0, 0.9  # confidence factors: the lead sentence reports the main event
SentenceDates = tuple[DateSpan | None, DateSpan | None, tuple[dict[int, DateSpan], DateSpan | None]]


@dataclass
class DocumentContext:
    """What every sentence of one parsed text is read against. ``offset`` is where the parsed text starts
    in the document (a chunk of a long one)."""

    doc: Document
    layout: Layout
    places: DocumentPlaces
    actors: ActorDictionary
    classifier: SentenceClassifier | None
    offset: int = 0


def document_mentions(spacy_doc: Doc, context: DocumentContext) -> list[incidents.Mention]:
    """The event mentions of every sentence of the body, each with its sentence's place in the document; a
    sentence's date stays in force for the sentences after it until one tells news of another date."""
    layout, places, published = context.layout, context.places, context.doc.published
    mentions: list[incidents.Mention] = []
    context_date: DateSpan | None = None
    position = LEAD_POSITION
    for index, sent in enumerate(spacy_doc.sents):
        outside = sent.end_char <= max(layout.body_start, layout.dateline_end) or sent.start_char >= layout.body_end
        if outside or not span_text(sent).strip():
            continue  # front matter, a lone dateline, links to other stories
        date_text = dates.event_date_text(sent)
        sentence_date = dates.resolve_date(date_text, published) or dates.follow_on(
            date_text, context_date, published)
        owned = dates.own_dates(sent, published)
        sentence_mentions = _sentence_mentions(sent, context, (sentence_date, context_date, owned), position)
        sentence_date = owned[1] or sentence_date  # after "Today's attack followed weekend bombings": the weekend
        if sentence_mentions:
            position = LATER_POSITION
        background_only = sentence_mentions and all(m.event.status != "occurred" for m in sentence_mentions)
        if sentence_date is not None and not background_only:
            context_date = sentence_date  # the date of the news told, not of background
        headline = sent.start_char < layout.headline_end
        stated = places.states_place(sent)
        for mention in sentence_mentions:
            mention.sentence, mention.headline, mention.place_stated = index, headline, stated
            mention.fresh = mention.fresh and not headline  # "Gangs launch fresh attack": news, not another
            mention.adds = incidents.adds_victims(sent)
        mentions.extend(sentence_mentions)
    return mentions


def read_incidents(mentions: list[incidents.Mention], classifier: IncidentClassifier) -> None:
    """The incident classifier's reading of each mention it reads, when it is sure enough to overrule
    the rules; one batch per document."""
    asked = [m for m in mentions if m.clause is not None]
    for mention, judgement in zip(asked, classifier.judge_many([m.clause for m in asked]), strict=True):
        if judgement.probability >= INCIDENT_CONFIDENCE:
            mention.reading = judgement.label


def _split_by_place(mention: incidents.Mention, listed: list[tuple[Location, int | None]],
                    placed: bool) -> list[incidents.Mention]:
    """A mention told at a list of places as one mention per place; as it is, when it has no place or its
    own clause names a place that is not of the list."""
    location = mention.event.location
    if location is None or (placed and all(location.name != place.name for place, _ in listed)):
        return [mention]
    copies = incidents.split_by_place(mention.event, listed)
    return [replace(mention, event=copy, listed=len(copies) > 1) for copy in copies]


_THIS_OR_LAST_YEAR = re.compile(r"\b(?:this|last|past|previous) year\b", re.IGNORECASE)


def _over_a_year(date: DateSpan | None, sent: Span) -> bool:
    """A sentence dated only by the year it tells of ("last year", "earlier this year"): what happened over
    it is a tally of many incidents, not one a coder could date. A year named as such ("in 2020") may date
    an incident the text goes on to tell."""
    return date is not None and date.basis == "text" and date.precision == "year" and bool(
        _THIS_OR_LAST_YEAR.search(span_text(sent)))


_PART_DEPS = {"advcl", "xcomp", "conj", "acl", "dobj", "pobj", "prep"}
_PART_STEPS = 2


def _without_parts(built: list[incidents.Mention], told_by: dict[int, Token]) -> list[incidents.Mention]:
    """A sentence's mentions without the PLOVER-only ones told as part of one of its ACLED events: "stormed
    Congress, demanding that ...", "took to the streets to support ...", "blocked the road, prompting the
    deployment of ...", "detained ... and released": the demand, the support, the deployment and the release
    belong to that incident, which is coded once."""
    acled = {told_by[id(m)].i for m in built if m.event.acled_sub_event_type and m.event.status == "occurred"
             and id(m) in told_by}
    if not acled:
        return built

    def part(token: Token) -> bool:
        for _ in range(_PART_STEPS):
            if token.dep_ not in _PART_DEPS or token.head is token:
                return False
            token = token.head
            if token.i in acled:
                return True
        return False

    return [m for m in built if m.event.acled_sub_event_type or id(m) not in told_by or not part(told_by[id(m)])]


def _clause(trigger: Token, event: Event) -> str | None:
    """What the incident classifier reads of an occurred violent event or demonstration (what it was
    trained on). It is asked only after the lead sentence: a headline, a lede or a one-sentence report
    tells the news; background comes later."""
    if event.status != "occurred" or incidents.kind_of(event) not in ("violence", "demonstration", "territory"):
        return None
    return incident_features(trigger)


def _sentence_mentions(sent: Span, context: DocumentContext, sentence_dates: SentenceDates,
                       position: float) -> list[incidents.Mention]:
    """Event mentions of one sentence; ``sentence_dates`` is its own date, the date in force (its own or
    earlier) and the dates its nouns own (dates.own_dates). The caller sets where the sentence stands in
    the document."""
    doc, places, offset, dateline_end = context.doc, context.places, context.offset, context.layout.dateline_end
    sentence_date, context_date, (owned, others_date) = sentence_dates
    triggers = events.sentence_triggers(sent)
    act = speech.speech_act(sent)
    if not triggers and act is None:
        return []
    start = max(sent.start_char, dateline_end)  # the dateline is not part of the evidence
    text = doc.text[start : sent.end_char].rstrip()
    evidence = Evidence(text=text, start=start + offset, end=start + len(text) + offset)
    attribution = status.find_attribution(sent)
    location = places.for_sentence(sent)
    fit = places.fit(location)
    date = dates.sentence_event_date(sentence_date, context_date, doc.published)
    parties = SentenceParties(context.actors, attribution, date.start if date else None,
                              location.country if location else None)

    built: list[incidents.Mention] = []
    aside: list[Token] = []  # triggers of many events, whose counts are no one event's
    placed: dict[int, set[int]] = {}  # mentions whose own clause names their place: that clause
    told_by: dict[int, Token] = {}  # each mention's trigger
    ordered = sorted(triggers, key=lambda t: -t.score)
    clauses = [roles.own_clause(t.token, [o.token for o in ordered if o is not t]) for t in ordered]
    clause_places = places.by_clause(clauses)  # "..., while another died in Malakand"
    for trigger, clause, clause_place in zip(ordered, clauses, clause_places, strict=True):
        own_date = owned.get(trigger.token.i) or others_date  # "Today's attack followed weekend bombings"
        # "Today's attack" beside another dated event names the incident told, as "the attack" would:
        # it is not one of the places or days the sentence goes on to
        reference = trigger.token.i in owned and others_date is not None
        reading = background.non_incident(trigger.token)
        if reading in ("many", "charge"):  # "dozens of bombings", "convicted of murder": no one event
            aside.append(trigger.token)
            continue
        event_status = status.event_status(sent, trigger.token, doc.published, sentence_date, reading, act)
        actor_spans, recipient_spans = (
            [span for span in spans if span.start_char >= dateline_end and not is_source(span, attribution)]
            for spans in roles.find_roles(trigger.token)
        )
        acled_type = acled_type_of(trigger.acled_sub_event_type)
        event = Event(
            plover_type=trigger.plover_type,
            plover_mode=trigger.plover_mode,
            acled_event_type=acled_type,
            acled_sub_event_type=trigger.acled_sub_event_type,
            actors=parties.actors(actor_spans, acled_type, trigger.token),
            recipients=parties.parties(recipient_spans),
            location=None if reference else clause_place or location,
            date=own_date or date,
            status=event_status,
            attribution=attribution,
            evidence=evidence,
            confidence=round(min(1.0, trigger.score * (1.0 if actor_spans else 0.9) * position * fit), 3),
        )
        presupposed = incidents.presupposed(trigger.token) or reference
        mention = incidents.Mention(
            event, 0, fresh=incidents.announces_another(sent, trigger.token),
            anaphoric=presupposed or incidents.refers_back(trigger.token), presupposed=presupposed,
            responds=incidents.responds(trigger.token), fought=trigger.family == CLASH,
            clause=_clause(trigger.token, event) if position < LEAD_POSITION else None,
        )
        if trigger.acled_sub_event_type and _over_a_year(event.date, sent):
            mention.reading, mention.clause = MANY, None  # "Violence earlier this year killed 80": a year's toll
        built.insert(0 if reference else len(built), mention)  # the incident referred to is told first
        told_by[id(mention)] = trigger.token
        if clause_place is not None and clause is not None:
            placed[id(mention)] = {t.i for t in clause}
    if act is not None and not any(m.event.plover_type == act.plover_type for m in built):
        actor_spans, recipient_spans = roles.find_roles(act.token)
        built.append(said := incidents.Mention(
            Event(
                plover_type=act.plover_type,
                actors=parties.parties(actor_spans),
                recipients=parties.parties(recipient_spans),
                location=location,
                date=date,
                status="occurred",
                attribution=attribution,
                evidence=evidence,
                confidence=round(act.score * position * fit, 3),
            ), 0,
        ))
        told_by[id(said)] = act.token
    built = _without_parts(built, told_by)
    if context.classifier is not None:
        for mention in built:
            if mention.event.acled_sub_event_type:
                mention.event.acled_sub_event_type = context.classifier.refine_sub_type(
                    span_text(sent), mention.event.acled_sub_event_type)
    if built:
        assign_sentence_counts(built, placed, sent, aside)
        listed = places.listed(sent)
        if listed:
            built = [split for m in built for split in _split_by_place(m, listed, id(m) in placed)]
        if places.country_only(sent) and any(incidents.national_total(m.event) for m in built):
            for mention in built:  # "457 arrested in France during the ninth day of protests": a tally
                mention.reading, mention.clause = MANY, None
    return built
