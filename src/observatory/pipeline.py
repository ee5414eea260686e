"""The extraction pipeline: a Document in, a DocumentResult with its events out."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from observatory import assemble, background, dates, events, quantities, roles, speech, status
from observatory.actors import ActorDictionary, is_armed, names_a_party, own_forces
from observatory.classifier import SentenceClassifier
from observatory.geolocate import DocumentPlaces, Geolocator
from observatory.incident_classifier import MANY, default_classifier
from observatory.incident_classifier import features as incident_features
from observatory.layout import Layout, analyse
from observatory.models import (
    ActorRef,
    Attribution,
    DateSpan,
    Document,
    DocumentResult,
    Event,
    Evidence,
    Location,
    Quantity,
)
from observatory.nlp import get_nlp, span_text
from observatory.parties import acled_parties
from observatory.taxonomy import acled_type_of

logger = logging.getLogger(__name__)

VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_CIRCUMSTANCE_PREPS = {"during", "amid", "after", "following", "since", "before", "despite", "at"}
SPACY_MAX_CHARS = 200_000
HISTORICAL_DAYS = 30
CLASSIFIER_ENV = "OBSERVATORY_CLASSIFIER"
REFUSALS = {"refuse", "decline", "reject", "rule"}
# The incident classifier overrules the rules only when this sure that a clause tells no incident.
INCIDENT_CONFIDENCE = float(os.environ.get("OBSERVATORY_INCIDENT_CONFIDENCE", "0.95"))


def _purpose(token: Token) -> bool:
    """An aim, not a deed: "an offensive to seize the capital", "in order to capture", "a force armed to
    kill", "troops sent to quell the protest"."""
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    return infinitive and (
        (token.dep_ == "acl" and token.head.pos_ == "NOUN")
        or (token.dep_ == "advcl" and any(c.lower_ == "order" for c in token.children))
        or (token.dep_ in ("xcomp", "advcl") and token.head.tag_ == "VBN" and token.head.dep_ in ("acl", "amod"))
    )


EXCESSIVE_FORCE = "Excessive force against protesters"
PROTEST_SEVERITY = [
    "Peaceful protest",
    "Protest with intervention",
    "Violent demonstration",
    "Excessive force against protesters",
]


_CONTRASTED = re.compile(rf"(?:^|,\s*)(?:{'|'.join(events.CONTRAST_MARKS)})\b", re.IGNORECASE)


def _force_on_protesters(event: Event) -> bool:
    """State forces killing or wounding protesters ("troops shot two protesters"), or anyone where the
    sentence tells of protesters and names no other victim: ACLED codes lethal force on a demonstration as
    excessive force against protesters, not as an attack on civilians."""
    harmed = any(q is not None and (q.best or 0) > 0 for q in (event.fatalities, event.injured))
    return (
        harmed
        and event.acled_sub_event_type == "Attack"
        and any(party.sector in ("POL", "MIL") for party in event.actors)
        and (all(party.sector == "PRO" for party in event.recipients) if event.recipients
             else events.mentions_protest(event.evidence.text))  # "one dead demonstrator ... were shooting"
    )


def _refine_protest(event: Event, text: str, layout: Layout, offset: int) -> Event:
    """Read how a protest went from its whole paragraph: "Police dispersed them" may follow the report.
    Force is excessive only when it killed or hurt someone the event counts; else the protest met force."""
    if _force_on_protesters(event):
        return event.model_copy(update={"acled_sub_event_type": EXCESSIVE_FORCE, "plover_type": "PROTEST",
                                        "acled_event_type": acled_type_of(EXCESSIVE_FORCE)})
    if event.acled_sub_event_type not in PROTEST_SEVERITY or _CONTRASTED.search(event.evidence.text):
        return event  # "While Kisumu saw peaceful demonstrations, other towns reported clashes": typed by its side
    start, end = layout.paragraph_of(event.evidence.start - offset)
    _, mode, sub = events.protest_sub_type(text[start:end], event.plover_mode)
    if PROTEST_SEVERITY.index(sub) > PROTEST_SEVERITY.index(event.acled_sub_event_type):
        event = event.model_copy(
            update={"acled_sub_event_type": sub, "acled_event_type": acled_type_of(sub), "plover_mode": mode})
    harmed = any(q is not None and (q.best or 0) > 0 for q in (event.fatalities, event.injured))
    killed = event.fatalities is not None and (event.fatalities.best or 0) > 0
    if killed and event.acled_sub_event_type in PROTEST_SEVERITY[:2] and any(
            party.sector in ("POL", "MIL") for party in (*event.actors, *event.recipients)):
        # a protest where people died facing the police or army was not peaceful: the force was excessive
        return event.model_copy(update={"acled_sub_event_type": EXCESSIVE_FORCE,
                                        "acled_event_type": acled_type_of(EXCESSIVE_FORCE)})
    if event.acled_sub_event_type == EXCESSIVE_FORCE and not harmed:
        return event.model_copy(update={"acled_sub_event_type": "Protest with intervention",
                                        "acled_event_type": acled_type_of("Protest with intervention")})
    return event


def _is_source(span: Span, attribution: Attribution | None) -> bool:
    """An actor span that is really the report's source ("the Observatory ... said")."""
    return attribution is not None and span.text.lower() in attribution.claimant.lower()


def _long_before(date: DateSpan | None, published: dt.date | None) -> bool:
    """A date stated in the sentence that ended long before the report: background, not news."""
    return date is not None and published is not None and (published - date.end).days > HISTORICAL_DAYS


def _is_circumstance(trigger: events.Trigger) -> bool:
    """A noun trigger in "during fighting", "amid clashes": background to the sentence's main event."""
    head = trigger.token.head
    return trigger.token.dep_ == "pobj" and head.lower_ in _CIRCUMSTANCE_PREPS


def _assign_counts(sentence_events: list[Event], counts: dict[str, Quantity]) -> None:
    """Give each count of a sentence to the event it belongs to, so no count is given twice."""
    if not sentence_events or not counts:
        return

    def pick(preferred: set[str] | None = None, types: set[str] | None = None) -> Event | None:
        for event in sentence_events:
            if preferred and event.acled_sub_event_type in preferred:
                return event
            if types and event.acled_event_type in types:
                return event
        return None

    main = pick(types=VIOLENT_TYPES) or sentence_events[0]
    protest = pick(types={"Protests", "Riots"})
    harmful = pick(types=VIOLENT_TYPES | {"Protests", "Riots"})  # deaths and wounds need an act of violence
    routes = {
        "fatalities": harmful,
        "injured": harmful,
        "displaced": main,
        "abducted": pick({"Abduction/forced disappearance"}) or main,
        "arrested": pick({"Arrests"}) or protest or main,
        "participants": protest or main,
    }
    for field, quantity in counts.items():
        target = routes.get(field)
        if target is not None:
            setattr(target, field, quantity)




def _split_by_place(mention: assemble.Mention, listed: list[tuple[Location, int | None]],
                    placed: bool) -> list[assemble.Mention]:
    """A mention told at a list of places as one mention per place; as it is, when it has no place or its
    own clause names a place that is not of the list."""
    location = mention.event.location
    if location is None or (placed and all(location.name != place.name for place, _ in listed)):
        return [mention]
    copies = assemble.split_by_place(mention.event, listed)
    return [replace(mention, event=copy, listed=len(copies) > 1) for copy in copies]


def _assign_sentence_counts(built: list[assemble.Mention], placed: dict[int, set[int]], sent: Span,
                            aside: list[Token]) -> None:
    """Counts to a sentence's events; where a contrasted clause tells an event at another place ("three
    were killed in Bannu, while another died in Malakand"), each clause's counts to its own event."""
    if len(placed) < 2 or not any(t.dep_ == "mark" and t.lower_ in events.CONTRAST_MARKS for t in sent):
        _assign_counts([m.event for m in built], quantities.extract_counts(sent, aside))
        return
    for clause in {frozenset(tokens) for tokens in placed.values()}:
        told = [m.event for m in built if placed.get(id(m)) == clause]
        _assign_counts(told, quantities.extract_counts(sent, aside, set(clause)))
    rest = [m.event for m in built if id(m) not in placed]
    if rest:
        outside = {t.i for t in sent} - set().union(*placed.values())
        _assign_counts(rest, quantities.extract_counts(sent, aside, outside))


class Extractor:
    """Runs every stage over documents; the spaCy model and the gazetteer are loaded once."""

    def __init__(self, actors_file: Path | None = None, classifier_dir: Path | None = None) -> None:
        """``classifier_dir`` (default: $OBSERVATORY_CLASSIFIER, so that worker processes see it too) is a
        model from `observatory train` that chooses ACLED sub-types within the rules' event types."""
        self.nlp = get_nlp()
        self.actors = ActorDictionary.load(actors_file)
        self.geolocator = Geolocator()
        classifier_dir = classifier_dir or (
            Path(os.environ[CLASSIFIER_ENV]) if os.environ.get(CLASSIFIER_ENV) else None
        )
        self.classifier = SentenceClassifier(classifier_dir) if classifier_dir else None
        self.incidents = default_classifier()

    def extract(self, doc: Document) -> DocumentResult:
        """Events of one document."""
        return next(self.extract_many([doc]))

    def extract_many(self, docs: Iterable[Document], batch_size: int = 32) -> Iterator[DocumentResult]:
        """Events of many documents, parsed in batches with nlp.pipe."""
        docs = list(docs)
        short = [i for i, d in enumerate(docs) if len(d.text) <= SPACY_MAX_CHARS]
        parsed = dict(zip(short, self.nlp.pipe((docs[i].text for i in short), batch_size=batch_size), strict=True))
        for index, doc in enumerate(docs):
            spacy_doc = parsed.pop(index, None)
            try:
                if spacy_doc is None:
                    yield self._extract_long(doc)
                else:
                    yield DocumentResult(id=doc.id, events=self._events(doc, spacy_doc, 0))
            except Exception as exc:  # one bad document must not stop a batch
                logger.debug("extraction failed on document %s", doc.id, exc_info=True)
                yield DocumentResult(id=doc.id, error=f"extraction failed: {type(exc).__name__}: {exc}")

    def _extract_long(self, doc: Document) -> DocumentResult:
        """A document longer than one spaCy pass: parse it in paragraph-aligned chunks."""
        found: list[Event] = []
        start = 0
        text = doc.text
        while start < len(text):
            end = min(len(text), start + SPACY_MAX_CHARS)
            if end < len(text):
                cut = text.rfind("\n", start, end)
                end = cut + 1 if cut > start else end
            chunk = Document(id=doc.id, text=text[start:end], published=doc.published)
            found.extend(self._events(chunk, self.nlp(chunk.text), start))
            start = end
        return DocumentResult(id=doc.id, events=found)

    def _events(self, doc: Document, spacy_doc: Doc, offset: int) -> list[Event]:
        layout = analyse(doc.text)
        places = self.geolocator.analyse(spacy_doc, layout, self.actors.home_countries(spacy_doc))
        mentions: list[assemble.Mention] = []
        context_date: DateSpan | None = None
        position = 1.0
        for index, sent in enumerate(spacy_doc.sents):
            outside = sent.end_char <= max(layout.body_start, layout.dateline_end) or sent.start_char >= layout.body_end
            if outside or not span_text(sent).strip():
                continue  # front matter, a lone dateline, links to other stories
            date_text = dates.event_date_text(sent)
            sentence_date = dates.resolve_date(date_text, doc.published) or dates.follow_on(
                date_text, context_date, doc.published)
            owned = dates.own_dates(sent, doc.published)
            sentence_mentions = self._sentence_events(
                sent, doc, places, (sentence_date, context_date, owned), offset, position, layout.dateline_end
            )
            sentence_date = owned[1] or sentence_date  # after "Today's attack followed weekend bombings": the weekend
            if sentence_mentions:
                position = 0.9  # the lead sentence reports the main event
            background_only = sentence_mentions and all(m.event.status != "occurred" for m in sentence_mentions)
            if sentence_date is not None and not background_only:
                context_date = sentence_date  # the date of the news told, not of background
            headline = sent.start_char < layout.headline_end
            stated = places.states_place(sent)
            for mention in sentence_mentions:
                mention.sentence, mention.headline, mention.place_stated = index, headline, stated
                mention.fresh = mention.fresh and not headline  # "Gangs launch fresh attack": news, not another
                mention.adds = assemble.adds_victims(sent)
            mentions.extend(sentence_mentions)
        self._read(mentions)
        found = [acled_parties(_refine_protest(event, doc.text, layout, offset), self.actors)
                 for event in assemble.document_events(mentions)]
        return [self._plausible(event, doc.id) for event in found]

    @staticmethod
    def _plausible(event: Event, doc_id: str) -> Event:
        """The event without counts beyond any plausible figure, each dropped with a warning."""
        event, messages = quantities.drop_implausible(event)
        for message in messages:
            logger.warning("document %s: %s", doc_id, message)
        return event

    def _sentence_events(
        self,
        sent: Span,
        doc: Document,
        places: DocumentPlaces,
        sentence_dates: tuple[DateSpan | None, DateSpan | None, tuple[dict[int, DateSpan], DateSpan | None]],
        offset: int,
        position: float,
        dateline_end: int,
    ) -> list[assemble.Mention]:
        """Event mentions of one sentence; ``sentence_dates`` is its own date, the date in force (its own or
        earlier) and the dates its nouns own (dates.own_dates). The caller sets where the sentence stands in
        the document."""
        sentence_date, context_date, (owned, others_date) = sentence_dates
        triggers = [t for t in events.detect(sent) if not status.is_reporting_verb(t.token)]
        act = speech.speech_act(sent)
        if not triggers and act is None:
            return []
        if any(not _is_circumstance(t) for t in triggers):
            triggers = [t for t in triggers if not _is_circumstance(t)]
        start = max(sent.start_char, dateline_end)  # the dateline is not part of the evidence
        text = doc.text[start : sent.end_char].rstrip()
        evidence = Evidence(text=text, start=start + offset, end=start + len(text) + offset)
        attribution = status.find_attribution(sent)
        location = places.for_sentence(sent)
        fit = places.fit(location)
        if sentence_date is not None:
            date: DateSpan | None = sentence_date
        elif context_date is not None:
            date = context_date.model_copy(update={"basis": "context"})
        else:
            date = self._fallback_date(doc.published)
        when = date.start if date else None
        country_hint = location.country if location else None

        def resolve(span: Span, kind: str | None = None) -> ActorRef:
            if attribution is not None and own_forces(span):  # "Hezbollah said its fighters struck ...": its
                speaker = self.actors.resolve(attribution.claimant, when=when, country_hint=country_hint)
                if is_armed(speaker):
                    return speaker.model_copy(update={"text": span.text})
            return self.actors.resolve(span.text, when=when, country_hint=country_hint, event_type=kind)

        def parties(spans: list[Span], kind: str | None = None) -> list[ActorRef]:
            """The spans that name a party, resolved ("he", "We" or "11" name none)."""
            return [ref for span in spans if names_a_party(ref := resolve(span, kind), span)]

        built: list[assemble.Mention] = []
        aside: list[Token] = []  # triggers of many events, whose counts are no one event's
        placed: dict[int, set[int]] = {}  # mentions whose own clause names their place: that clause
        ordered = sorted(triggers, key=lambda t: -t.score)
        clauses = [roles.own_clause(t.token, [o.token for o in ordered if o is not t]) for t in ordered]
        clause_places = places.by_clause(clauses)  # "..., while another died in Malakand"
        for trigger, clause, clause_place in zip(ordered, clauses, clause_places, strict=True):
            own_date = owned.get(trigger.token.i) or others_date  # "Today's attack followed weekend bombings"
            event_date = own_date or date
            # "Today's attack" beside another dated event names the incident told, as "the attack" would:
            # it is not one of the places or days the sentence goes on to
            reference = trigger.token.i in owned and others_date is not None
            reading = background.non_incident(trigger.token)
            if reading in ("many", "charge"):  # "dozens of bombings", "convicted of murder": no one event
                aside.append(trigger.token)
                continue
            recent = sentence_date is not None and not _long_before(sentence_date, doc.published)
            event_status = status.detect_status(sent, trigger.token, doc.published, recent)
            if reading == "history" and event_status == "occurred":
                event_status = "historical"  # "the anniversary of the school attack"
            if trigger.token.dep_ == "xcomp" and trigger.token.head.lemma_.lower() in REFUSALS:
                event_status = "negated"
            elif event_status == "occurred" and (
                _purpose(trigger.token) or (act is not None and speech.states(act, trigger.token))
            ):
                event_status = "planned"  # an aim, or what a statement demands, promises or threatens
            if event_status == "occurred" and _long_before(sentence_date, doc.published):
                event_status = "historical"
            actor_spans, recipient_spans = (
                [span for span in spans if span.start_char >= dateline_end and not _is_source(span, attribution)]
                for spans in roles.find_roles(trigger.token)
            )
            acled_type = acled_type_of(trigger.acled_sub_event_type)
            actors = parties(actor_spans, acled_type)
            if not actors:
                implied = self.actors.implied_actor(acled_type, country_hint, when)
                actors = [implied] if implied else []
            event = Event(
                plover_type=trigger.plover_type,
                plover_mode=trigger.plover_mode,
                acled_event_type=acled_type,
                acled_sub_event_type=trigger.acled_sub_event_type,
                actors=actors,
                recipients=parties(recipient_spans),
                location=None if reference else clause_place or location,
                date=event_date,
                status=event_status,
                attribution=attribution,
                evidence=evidence,
                confidence=round(min(1.0, trigger.score * (1.0 if actor_spans else 0.9) * position * fit), 3),
            )
            presupposed = assemble.presupposed(trigger.token) or reference
            mention = assemble.Mention(
                event, 0, fresh=assemble.announces_another(sent, trigger.token),
                anaphoric=presupposed or assemble.refers_back(trigger.token), presupposed=presupposed,
                responds=assemble.responds(trigger.token), fought=trigger.family == events.CLASH,
                clause=self._clause(trigger.token, event) if position < 1.0 else None,
            )
            built.insert(0 if reference else len(built), mention)  # the incident referred to is told first
            if clause_place is not None and clause is not None:
                placed[id(mention)] = {t.i for t in clause}
        if act is not None and not any(m.event.plover_type == act.plover_type for m in built):
            actor_spans, recipient_spans = roles.find_roles(act.token)
            built.append(assemble.Mention(
                Event(
                    plover_type=act.plover_type,
                    actors=parties(actor_spans),
                    recipients=parties(recipient_spans),
                    location=location,
                    date=date,
                    status="occurred",
                    attribution=attribution,
                    evidence=evidence,
                    confidence=round(act.score * position * fit, 3),
                ), 0,
            ))
        if self.classifier is not None:
            for mention in built:
                if mention.event.acled_sub_event_type:
                    mention.event.acled_sub_event_type = self.classifier.refine_sub_type(
                        span_text(sent), mention.event.acled_sub_event_type)
        if built:
            _assign_sentence_counts(built, placed, sent, aside)
            listed = places.listed(sent)
            if listed:
                built = [split for m in built for split in _split_by_place(m, listed, id(m) in placed)]
            if places.country_only(sent) and any(assemble.national_total(m.event) for m in built):
                for mention in built:  # "457 arrested in France during the ninth day of protests": a tally
                    mention.reading, mention.clause = MANY, None
        return built

    @staticmethod
    def _clause(trigger: Token, event: Event) -> str | None:
        """What the incident classifier reads of an occurred violent event or demonstration (what it was
        trained on). The caller asks only after the lead sentence: a headline, a lede or a one-sentence
        report tells the news; background comes later."""
        if event.status != "occurred" or assemble.kind_of(event) not in ("violence", "demonstration", "territory"):
            return None
        return incident_features(trigger)

    def _read(self, mentions: list[assemble.Mention]) -> None:
        """The incident classifier's reading of each mention it reads, when it is sure enough to overrule
        the rules; one batch per document."""
        asked = [m for m in mentions if m.clause is not None]
        for mention, judgement in zip(asked, self.incidents.judge_many([m.clause for m in asked]), strict=True):
            if judgement.probability >= INCIDENT_CONFIDENCE:
                mention.reading = judgement.label

    @staticmethod
    def _fallback_date(published: dt.date | None) -> DateSpan | None:
        """With no date expression, a news report dates its events to publication (and says so); without a
        publication date either, there is no basis for a date and the event has none."""
        if published is None:
            return None
        return DateSpan(start=published, end=published, precision="day", basis="publication")
