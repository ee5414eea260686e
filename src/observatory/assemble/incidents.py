"""One incident, one event: the event mentions of a document's sentences assembled into its incidents.

A report tells one incident in its headline, its lede and later sentences; an ACLED coder codes it once,
with the most specific place, the stated date, the sub-type the fullest sentence supports and the toll
reconciled. Mentions join an incident of the same kind when their places and stated dates agree and
their sentence does not announce another incident ("Separately, ...", "a second attack", "in a related
incident"). The headline is read as a summary of the body: it joins the body's incident of its kind and
adds only what the body does not say, so a roundup's headline total is never a further event. Incidents
told apart but of one kind on the same day at one scene are then merged, as ACLED counts one event per
type, day and place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import get_args

from spacy.tokens import Span, Token

from observatory.detect.sub_types import crowd_control, mentions_protest
from observatory.lexicon.gazetteer import haversine_km
from observatory.models import COUNT_FIELDS, ActorRef, DatePrecision, DateSpan, Event, Evidence, Location, Quantity
from observatory.read.nlp import span_text
from observatory.resolve.geolocate import SAME_SCENE_KM, admin1_matches

REMOTE_VIOLENCE = "Explosions/Remote violence"
VIOLENT_TYPES = {"Battles", REMOTE_VIOLENCE, "Violence against civilians"}
DEMONSTRATION_TYPES = {"Protests", "Riots"}
TERRITORY_TYPES = {"Government regains territory", "Non-state actor overtakes territory",
                   "Non-violent transfer of territory"}
# Sub-types a coder prefers when the mentions of one incident differ: how a protest went sums it up, a
# capture sums up its fighting, an air strike or a suicide bombing is what it is, an exchange of fire is a
# clash whatever guns, grenades or mortars it used, and a named weapon says more than "attack".
SUB_TYPE_RANK = [
    "Excessive force against protesters",
    "Violent demonstration",
    "Protest with intervention",
    "Peaceful protest",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Suicide bomb",
    "Chemical weapon",
    "Air/drone strike",
    "Armed clash",
    "Remote explosive/landmine/IED",
    "Shelling/artillery/missile attack",
    "Grenade",
    "Mob violence",
    "Abduction/forced disappearance",
    "Sexual violence",
    "Attack",
]
# A weapon that names an attack on armed men, unless the incident is told as fighting ("exchanged fire"):
# a roadside bomb that killed soldiers is a bombing, not a clash.
WEAPON_SUB_TYPES = {"Remote explosive/landmine/IED"}
# So many dead, hurt or held across a whole country are many incidents counted together.
NATIONAL_TOTAL = 100
# A sentence that neither names the incident's place nor refers back to it ("the attack") continues an
# incident told at most this many sentences before.
NEARBY_SENTENCES = 3
# A toll this much larger than another report's is a running total or a sum, not the same count.
_FRESH_CUE = re.compile(
    r"^\W*(?:separately|elsewhere|meanwhile|in (?:a|another) (?:separate|related|similar|different) "
    r"(?:incident|attack|development)|in another (?:incident|attack|development))\b|"
    r"\b(?:in|during) (?:a|another) (?:separate|related|similar) (?:incident|attack|clash|raid|strike)\b",
    re.IGNORECASE,
)
# Within one sentence these readings win over a more confident one (how a protest went over the force it
# met, a capture over its fighting); otherwise the most confident wins.
SENTENCE_PRECEDENCE = ["Excessive force against protesters", "Violent demonstration", "Protest with intervention",
                       "Peaceful protest", "Government regains territory", "Non-state actor overtakes territory",
                       "Suicide bomb", "Chemical weapon"]
# A sentence's reading names the incident's type only if told with this share of the strongest confidence.
STRONG_SHARE = 0.6
# What an attack also does, told in its sentences: the houses it burned, the convoy it hit, the weapons
# found after it. A coder folds these into the attack rather than coding them apart.
SUBSIDIARY_TYPES = {"Looting/property destruction", "Change to group/activity", "Other", "Disrupted weapons use"}
# Subsidiary types that are an event of their own when a sentence of their own tells them (ACLED codes an
# interception or a seizure as such), not part of the attack they stop or follow.
OWN_EVENT_TYPES = {"Disrupted weapons use"}
_DATE_PRECISIONS = list(get_args(DatePrecision))
# died of the wounds told, or found dead: no further act
_LATER_DEATHS = {"die", "succumb", "perish", "pass", "death", "find", "recover", "discover"}
_FRESH_MODIFIERS = {"another", "second", "third", "separate", "similar", "new", "fresh", "further", "other"}
# People whom "the" makes known from the incident told: "the attackers fled", "the victims were buried".
_ROLE_NOUNS = {"attackers", "assailants", "gunmen", "protesters", "demonstrators", "victims", "dead", "wounded",
               "injured", "rioters", "raiders", "bombers", "kidnappers", "abductees", "hostages", "deceased"}
# Words of reacting to, claiming or looking into an incident.
_REACTIONS = {"condemn", "denounce", "deplore", "blame", "claim", "responsibility", "investigate", "investigation",
              "probe", "inquiry", "condemnation", "comment", "statement", "mourn", "regret", "decry"}
_BACK_DETERMINERS = {"the", "this", "that", "these", "those", "its"}


@dataclass
class Mention:
    """One event as one sentence tells it, with what the assembly needs to know of its sentence."""

    event: Event
    sentence: int
    headline: bool = False
    place_stated: bool = False
    fresh: bool = False
    anaphoric: bool = False
    adds: frozenset[str] = frozenset()  # counts further to those told before ("were also killed")
    presupposed: bool = False  # named as what someone reacts to ("condemned the attack")
    responds: bool = False  # an armed response to what was told ("guards returned fire, killing the gunman")
    listed: bool = False  # told at one of the places of a list ("air strikes on Houla, Shiheen and Qana")
    fought: bool = False  # told as fighting (a clash, an exchange of fire), not only by who was hit
    clause: str | None = None  # what the incident classifier reads of it, when it is asked
    reading: str = "incident"  # what the incident classifier reads its clause as (incident_classifier.CLASSES)


def announces_another(sent: Span, trigger: Token) -> bool:
    """Whether a sentence tells a further incident: "Separately, ...", "In a related incident, ...",
    "a second attack", "another blast", "similar clashes"."""
    if _FRESH_CUE.search(span_text(sent)):
        return True
    if any(c.lower_ in _FRESH_MODIFIERS and c.dep_ in ("amod", "det") for c in trigger.children):
        return True
    return _done_later(trigger)


def _done_later(trigger: Token) -> bool:
    """A further act told as done later ("a man was later shot dead", "Later on Friday, gunmen attacked
    ..."), not a victim who later died of the wounds told."""
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else trigger.head
    if verb.lemma_.lower() in _LATER_DEATHS or trigger.lemma_.lower() in _LATER_DEATHS:
        return False
    return any(_later(c) or (c.dep_ in ("prep", "npadvmod") and any(_later(g) for g in c.children))  # "Later on Friday"
               for v in (verb, *verb.ancestors) if v.pos_ in ("VERB", "AUX") for c in v.children)


def _later(token: Token) -> bool:
    return token.lower_ in ("later", "subsequently") and token.dep_ == "advmod"


_RESPONSE = re.compile(
    r"\b(?:return(?:ed|ing|s)? (?:the )?fire|fir(?:ed|ing) back|fought back|fight(?:s|ing)? back|hit back|"
    r"shot back|retaliat\w+|respond(?:ed|ing) with (?:gun)?fire|exchang(?:ed|ing|es?) (?:gun)?fire)\b",
    re.IGNORECASE)


def responds(trigger: Token) -> bool:
    """Whether a trigger tells an armed response to what was told: "returned fire, killing the gunman",
    "the soldiers fought back", "retaliated": a response phrase of its sentence at or before it."""
    sent = trigger.sent
    found = _RESPONSE.search(span_text(sent))
    return found is not None and sent.start_char + found.start() <= trigger.idx + len(trigger.text)


def _answers_one_sided(incident: Incident, mention: Mention) -> bool:
    """An armed response to one-sided violence: ACLED codes the forces' fight with the attackers as a
    battle of its own, between other parties, not as part of the attack on civilians."""
    bases = [incident._base(), *(m.event for m in incident.mentions if m.responds)]
    return mention.responds and any(b.acled_event_type == "Violence against civilians" for b in bases[:1]) or (
        not mention.responds and mention.event.acled_event_type == "Violence against civilians"
        and all(m.responds for m in incident.mentions))


_FURTHER_VICTIMS = re.compile(
    r"\b(?P<cue>also|too|as well|more|another|other)\b[^.;]{0,60}"
    r"\b(?P<outcome>killed|dead|died|injured|wounded|hurt)\b|"
    r"\b(of the|the) (attackers|assailants|gunmen|militants|raiders|insurgents|terrorists)\b[^.;]{0,40}"
    r"\b(were|was) (also |reportedly |reported )?(?P<side>killed|shot dead|dead|injured|wounded)\b",
    re.IGNORECASE,
)
_KILLED_WORDS = re.compile(r"\b(?:killed|dead|died|shot dead|death)\b", re.IGNORECASE)
_HURT_WORDS = re.compile(r"\b(?:injured|wounded|hurt)\b", re.IGNORECASE)
_CONTRAST_CUES = {"more", "another", "other"}


def adds_victims(sent: Span) -> frozenset[str]:
    """The counts ("fatalities", "injured") a sentence adds to an incident already told: "Two police
    constables were also injured", "Two of the attackers were reported killed" (the other side's losses).
    "A ranger was killed and six more were injured" adds nothing: its "more" is set against its own dead."""
    fields = set()
    text = span_text(sent)
    for found in _FURTHER_VICTIMS.finditer(text):
        outcome = (found.group("outcome") or found.group("side")).lower()
        hurt = _HURT_WORDS.fullmatch(outcome) is not None
        before = text[:found.start()]
        if found.group("cue") and found.group("cue").lower() in _CONTRAST_CUES and (
                _KILLED_WORDS if hurt else _HURT_WORDS).search(before):
            continue
        fields.add("injured" if hurt else "fatalities")
    return frozenset(fields)


def _plus(total: Quantity | None, more: Quantity) -> Quantity:
    if total is None:
        return more

    def add(a: int | None, b: int | None) -> int | None:
        return None if a is None and b is None else (a or 0) + (b or 0)

    # "at least 10" and 4 more is at least 14, with no upper bound
    high = None if total.high is None or more.high is None else total.high + more.high
    return Quantity(low=add(total.low, more.low), best=add(total.best, more.best), high=high)


def refers_back(trigger: Token) -> bool:
    """Whether a trigger's words point to an incident already told: "the attack", "Saturday's blast", or a
    sentence about "the attackers", "the protesters", "the victims"."""
    if any(t.lower_ in _ROLE_NOUNS and any(c.dep_ == "det" and c.lower_ == "the" for c in t.children)
           for t in trigger.sent):
        return True
    if trigger.pos_ not in ("NOUN", "PROPN"):
        return False
    return any(
        (c.dep_ == "det" and c.lower_ in _BACK_DETERMINERS) or (c.dep_ == "poss" and c.ent_type_ in ("DATE", "TIME"))
        for c in trigger.children
    )


def presupposed(trigger: Token) -> bool:
    """A noun trigger named as what someone reacts to or looks into ("condemned the attack", "claimed
    responsibility for the bombing", "an investigation into the shooting"): the incident is told elsewhere."""
    if trigger.pos_ not in ("NOUN", "PROPN"):
        return False
    head = trigger.head
    if trigger.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "NOUN":
        head = head.head  # "responsibility for the bombing"
    return head.lemma_.lower() in _REACTIONS


def national_total(event: Event) -> bool:
    """Whether an event told for a whole country counts so many ("457 people were arrested in France") that
    it is a tally of many incidents; the caller knows the place was the country."""
    return any((q := getattr(event, name)) is not None and (q.best or 0) >= NATIONAL_TOTAL for name in COUNT_FIELDS
               if name != "participants")


def kind_of(event: Event) -> str:
    """What an incident is, for grouping: political violence, a demonstration, or the event's own type."""
    if event.acled_sub_event_type in TERRITORY_TYPES:  # "withdrew from the town as the army recaptured it"
        return "territory"
    if event.acled_event_type in VIOLENT_TYPES or event.acled_sub_event_type == "Mob violence":
        return "violence"
    if event.acled_event_type in DEMONSTRATION_TYPES:
        return "demonstration"
    return event.acled_sub_event_type or event.plover_type


def kinds_join(a: Event, b: Event) -> bool:
    """Whether two events can be one incident by their kinds: the same kind; an attack or a protest and
    what it also did or met (burned houses, a convoy hit, police deployed); a capture of ground and the
    fighting for it; violence at a protest and the protest."""
    kind_a, kind_b = kind_of(a), kind_of(b)
    if kind_a == kind_b or {kind_a, kind_b} == {"territory", "violence"}:  # a capture and its fighting
        return True
    if ({kind_a, kind_b} & {"violence", "demonstration"}) and (a.acled_sub_event_type in SUBSIDIARY_TYPES
                                                              or b.acled_sub_event_type in SUBSIDIARY_TYPES):
        return True
    if {kind_a, kind_b} == {"violence", "demonstration"}:
        return any(mentions_protest(e.evidence.text) or crowd_control(e.evidence.text)
                   for e in (a, b) if kind_of(e) == "violence")
    if {kind_a, kind_b} == {"Arrests", "demonstration"}:  # protesters detained: the protest met force
        return any(mentions_protest(e.evidence.text) for e in (a, b) if kind_of(e) == "Arrests")
    return False


def _precedence(event: Event) -> int:
    sub = event.acled_sub_event_type
    return SENTENCE_PRECEDENCE.index(sub) if sub in SENTENCE_PRECEDENCE else len(SENTENCE_PRECEDENCE)


def _rank(event: Event) -> int:
    sub = event.acled_sub_event_type
    return SUB_TYPE_RANK.index(sub) if sub in SUB_TYPE_RANK else len(SUB_TYPE_RANK)


def _dates_agree(told: DateSpan | None, new: DateSpan | None, refers_back: bool) -> bool:
    """Dates conflict only when the new mention states its own and it does not overlap a date stated in its
    sentence or a day carried there from the sentences before ("On November 11, gunmen opened fire on a
    plane" after sentences on Tuesday's attack), or when both are stated at different precisions and the new
    mention does not refer back ("Last week, ..." then "In July, ..."; but "this year" then "The attack
    happened on March 2")."""
    if told is None or new is None or new.basis != "text" or told.basis == "publication":
        return True
    if told.basis == "context" and (told.precision != "day" or new.precision != "day"):
        return True
    if told.basis == new.basis == "text" and told.precision != new.precision and not refers_back:
        return False
    return told.start <= new.end and new.start <= told.end


def _contains(wide: Location, narrow: Location) -> bool:
    """Whether a region or country contains a place: same country and, for a region, same admin1."""
    if wide.country != narrow.country:
        return False
    if wide.admin1 is None:  # a country
        return True
    regional = wide.precision == 3 or admin1_matches(wide.name, wide.admin1)  # "Idlib" may be the province
    return regional and wide.admin1 == narrow.admin1


def _unplaced(loc: Location) -> bool:
    """A place the gazetteer lacks, known by its name and given its region's coordinates ("Kan Gyi village")."""
    return loc.geonameid is None and loc.precision == 3 and loc.admin1 is not None and not admin1_matches(
        loc.name, loc.admin1)


def _listed_place(mention: Mention) -> bool:
    """A mention told at one of a list's places ("air strikes on Kafr Salwan, Ain Tarsha and Wadi Halib",
    "towns like Murang'a, Maua and Nyeri reported clashes"), not referring back to an incident told before."""
    return mention.listed and not mention.anaphoric and mention.event.location is not None


def _one_place(a: Location, b: Location) -> bool:
    """The same place, or one inside the other (a town and its region or country)."""
    same = (a.geonameid is not None and a.geonameid == b.geonameid) or a.name == b.name
    if not same and _unplaced(a) and _unplaced(b):
        return False  # two villages the gazetteer lacks, both given their region's coordinates
    return same or _contains(a, b) or _contains(b, a)


def places_agree(a: Location | None, b: Location | None) -> bool:
    """One scene: the same place, one inside the other, or two places a few kilometres apart."""
    if a is None or b is None or _one_place(a, b):
        return True
    if _unplaced(a) and _unplaced(b):
        return False  # their shared coordinates are their region's, not theirs
    return a.country == b.country and a.lat is not None and b.lat is not None \
        and haversine_km(a.lat, a.lon, b.lat, b.lon) <= SAME_SCENE_KM


@dataclass
class Incident:
    """The mentions of one incident, in text order."""

    mentions: list[Mention] = field(default_factory=list)
    _type: Event | None = field(default=None, repr=False)  # the event whose type the incident takes (cached)

    @property
    def body(self) -> list[Mention]:
        return [m for m in self.mentions if not m.headline] or self.mentions

    def _telling(self) -> list[Mention]:
        """The body's mentions that tell the incident, not those that only name it ("a police officer blamed
        the attack on terrorists" says nothing of its type or its parties)."""
        return [m for m in self.body if not m.presupposed] or self.body

    @property
    def status(self) -> str:
        return self.mentions[0].event.status

    def place(self) -> Location | None:
        """The most specific place a sentence of the incident states, else any place it was given."""
        stated = [m for m in self.body if m.place_stated and m.event.location is not None]
        pool = stated or [m for m in self.mentions if m.place_stated and m.event.location] or \
            [m for m in self.mentions if m.event.location is not None]
        if not pool:
            return None
        best = min(pool, key=lambda m: (m.event.location.precision, m.sentence)).event.location  # type: ignore[union-attr]
        # the first sentence naming that place says how near it the event was ("near Bandiagara")
        return next(m.event.location for m in pool if m.event.location.name == best.name)  # type: ignore[union-attr]

    def date(self) -> DateSpan | None:
        """The most precise date a body sentence states ("on November 11" over "this year"), else one carried
        from context, else the report's."""
        order = {"text": 0, "context": 1, "publication": 2}
        dated = [m for m in self.mentions if m.event.date is not None]
        if not dated:
            return None
        best = min(dated, key=lambda m: (order[m.event.date.basis], _DATE_PRECISIONS.index(m.event.date.precision),  # type: ignore[union-attr]
                                         m.headline, m.sentence)).event.date
        if best is None or best.precision == "day":
            return best
        # a day carried from the sentences before, inside the span stated ("this year"), is the finer date
        carried = (m.event.date for m in dated)
        return next((d for d in carried if d is not None and d.basis == "context" and d.precision == "day"
                     and best.start <= d.start <= best.end), best)

    def accepts(self, mention: Mention) -> bool:
        """Whether a mention can tell this incident: a kind that joins the incident's own, the same status,
        agreeing places and dates, and told next to it, in the same place, or referring back to it."""
        event = mention.event
        base = self._base()
        violent_protest = kind_of(base) == "demonstration" and kind_of(event) == "violence" and any(
            kind_of(m.event) == "violence" for m in self.mentions)  # more of the force a protest met
        if event.status != self.status or not (kinds_join(base, event) or violent_protest):
            return False
        if _answers_one_sided(self, mention):
            return False
        if kind_of(event) != kind_of(base) and event.acled_sub_event_type in OWN_EVENT_TYPES and not any(
                m.sentence == mention.sentence for m in self.mentions):
            return False  # drones intercepted, weapons seized, told in a sentence of their own: their own event
        if not all(_dates_agree(m.event.date, event.date, mention.anaphoric) for m in self.mentions):
            return False
        if any(m.sentence == mention.sentence and m.event.location and event.location
               and m.event.location.name != event.location.name for m in self.mentions):
            return False  # one sentence's list of places: one incident per place
        stated = [m for m in self.mentions if m.place_stated and m.event.location is not None]
        if mention.place_stated and not all(places_agree(m.event.location, event.location) for m in stated):
            return False
        if _listed_place(mention) and not any(
                m.sentence == mention.sentence or m.event.location == event.location for m in self.mentions):
            return False  # "strikes on Houla, Shiheen and ...": a place of a list is a scene of its own
        same_place = mention.place_stated and event.location is not None and any(
            m.event.location.name == event.location.name for m in stated)  # type: ignore[union-attr]
        gap = mention.sentence - self.mentions[-1].sentence
        if mention.place_stated and not stated:  # a place named now, for an incident told without one
            return gap <= NEARBY_SENTENCES // 2 or mention.anaphoric
        return gap <= NEARBY_SENTENCES or same_place or mention.anaphoric or bool(mention.adds)

    def add(self, mention: Mention, first: bool = False) -> None:
        """Tell the incident once more (the headline goes first)."""
        self.mentions.insert(0 if first else len(self.mentions), mention)
        self._type = None

    def reported(self) -> Event:
        """The incident as one event; history when every sentence of it reads as history."""
        event = self.event()
        if event.status == "occurred" and all(m.reading == "background" for m in self.mentions):
            return event.model_copy(update={"status": "historical"})
        return event

    def _base(self) -> Event:
        if self._type is None:
            self._type = self._choose_base()
        return self._type

    def _choose_base(self) -> Event:
        """The event whose type the incident takes. Within a sentence the most confident reading wins (a
        capture, a suicide bombing or a chemical attack over the fighting it ends or causes); across
        sentences the most specific of the sentences' readings, among those told with some confidence
        (a weak "operation" or "violence" does not name an air strike's type)."""
        by_sentence: dict[int, list[Event]] = {}
        for m in self._telling():  # the headline's compressed words ("Bomber kills 50") name the type only alone
            if m.event.acled_sub_event_type == "Armed clash" and not m.fought and any(
                    o.event.acled_sub_event_type in WEAPON_SUB_TYPES for o in self.mentions):
                continue  # "two soldiers were killed", after "a roadside bomb struck a patrol": the bomb's toll
            by_sentence.setdefault(m.sentence, []).append(m.event)
        if not by_sentence:
            return self.mentions[0].event
        readings = [min(events, key=lambda e: (_precedence(e), -e.confidence)) for events in by_sentence.values()]
        readings = [e for e in readings if e.acled_sub_event_type not in SUBSIDIARY_TYPES] or readings
        strongest = max(e.confidence for e in readings)
        told = [e for e in readings if e.confidence >= STRONG_SHARE * strongest]
        return min(told, key=lambda e: (_rank(e), -e.confidence))

    def event(self) -> Event:
        """The incident as one event."""
        base = self._base()
        update: dict[str, object] = {
            "location": self.place(),
            "date": self.date(),
            "evidence": self._evidence(),
            "mentions": self._mentions(),
            **self._sides(base),
            "attribution": next((m.event.attribution for m in self.body if m.event.attribution), None),
            "confidence": max(m.event.confidence for m in self.mentions),
        }
        for name in COUNT_FIELDS:
            update[name] = self._count(name)
        return base.model_copy(update=update)

    def _count(self, name: str) -> Quantity | None:
        """A toll repeated is one toll: the largest the body states, plus the further dead and wounded a
        sentence adds ("Two of the attackers were also killed"); the headline's only if the body has none."""
        body = [m for m in self.mentions if not m.headline and getattr(m.event, name)]
        repeated = [getattr(m.event, name) for m in body if name not in m.adds]
        added = [getattr(m.event, name) for m in body if name in m.adds]
        if not body:
            return next((getattr(m.event, name) for m in self.mentions if getattr(m.event, name)), None)
        total = max(repeated, key=lambda q: q.best or 0) if repeated else None
        for quantity in added:
            total = _plus(total, quantity)
        return total

    def _evidence(self) -> Evidence:
        """The body sentence stating the toll the event carries, else the first the body tells of it: the
        headline only summarises (and may sum up several incidents)."""
        fatalities = self._count("fatalities")
        if fatalities is not None:
            for m in self.body:
                if m.event.fatalities is not None and m.event.fatalities.best == fatalities.best:
                    return m.event.evidence
        return self.body[0].event.evidence

    def _mentions(self) -> list[Evidence]:
        """Every sentence that reports the incident, once each, in text order."""
        spans = {(m.event.evidence.start, m.event.evidence.end): m.event.evidence for m in self.mentions}
        return [spans[span] for span in sorted(spans)]

    def _sides(self, base: Event) -> dict[str, list[ActorRef]]:
        """Actors and recipients. Taken from different sentences they may put one party on both sides ("a
        roadside bomb struck an army patrol" names the army as hit, the patrol's movement as moving): then
        the actors are the base event's own. Two units of one force can fight each other (ACLED codes that)."""
        actors, recipients = self._parties("actors"), self._parties("recipients")
        hit = {r.name for r in recipients}
        own_sides_apart = not {a.name for a in base.actors} & {r.name for r in base.recipients}
        if {a.name for a in actors} & hit and own_sides_apart and base.actors and \
                not {a.name for a in base.actors} & hit:
            actors = list(base.actors)  # the sides were read from two sentences: the base event's own
        return {"actors": actors, "recipients": recipients}

    def _parties(self, role: str) -> list[ActorRef]:
        """The parties named by the most confident body sentence that names any; implied ones otherwise."""
        named = [m for m in self._telling() if any(a.text for a in getattr(m.event, role))]
        if named:
            return list(getattr(max(named, key=lambda m: m.event.confidence).event, role))
        return next((list(getattr(m.event, role)) for m in self.mentions if getattr(m.event, role)), [])


def split_by_place(event: Event, places: list[tuple[Location, int | None]]) -> list[Event]:
    """One event per place of a list ("air strikes on Houla, Shiheen and Qana"), as a coder codes one event
    per location. A count the list gives a place is its own ("two in Kangemi, one in Kitengela"); a toll
    told for all of them is shared out evenly, the remainder to the first place."""
    coded_per_place = kind_of(event) in ("violence", "demonstration", "territory") or (
        event.acled_sub_event_type in OWN_EVENT_TYPES)
    if not coded_per_place or len(places) < 2:
        return [event]
    split: list[dict[str, Quantity | None]] = [{} for _ in places]
    for name in ("fatalities", "injured"):
        total = getattr(event, name)
        if total is None or not total.best:
            continue
        given = [count for _, count in places]
        rest = total.best - sum(c for c in given[1:] if c)
        if all(c is not None for c in given[1:]) and rest >= 1:
            shares = [rest, *(c or 0 for c in given[1:])]
        else:
            share, remainder = divmod(total.best, len(places))
            shares = [share + (remainder if i == 0 else 0) for i in range(len(places))]
        for i, value in enumerate(shares):
            split[i][name] = Quantity(low=value, best=value, high=value) if value else None
    return [event.model_copy(update={"location": location, **split[i]}) for i, (location, _) in enumerate(places)]


def _body_target(incidents: list[Incident], mention: Mention) -> Incident | None:
    open_ = [incident for incident in incidents if incident.accepts(mention)]
    if mention.fresh:  # another incident: only the other events of its own sentence are part of it
        open_ = [i for i in open_ if i.mentions[-1].sentence == mention.sentence]
    if not open_:
        return None
    if not mention.anaphoric and mention.place_stated and mention.event.location is not None:
        same = [i for i in open_ if any(m.place_stated and m.event.location is not None
                                        and m.event.location.name == mention.event.location.name
                                        for m in i.mentions)]
        open_ = same or open_
    if mention.event.acled_event_type == REMOTE_VIOLENCE:
        # "detonated the bomb": the bombing told before, not the kidnapping told since
        kin = [i for i in open_ if i._base().acled_event_type == REMOTE_VIOLENCE]
        open_ = kin or open_
    return max(open_, key=_last_told)  # the latest told


def _listed_with_others(target: Incident, incidents: list[Incident], mention: Mention) -> bool:
    """Whether the incident a placeless mention joins is one of a list of places its last sentence named
    ("airstrikes on Thin Taw, Zaw Chaung and Ma Gyi Kone", then "The attacks killed six"): the toll told
    after a list is of all of them, no one place's."""
    last = _last_told(target)
    told = [incident for incident in incidents if any(m.sentence == last and m.listed for m in incident.mentions)]
    places = {m.event.location.name for incident in told if incident.accepts(mention)
              for m in incident.mentions if m.sentence == last and m.listed and m.event.location}
    return len(places) >= 2


def _last_told(incident: Incident) -> int:
    """The last sentence telling an incident, not counting those that only name it ("condemned the attack",
    "Today's attack followed ...")."""
    told = [m.sentence for m in incident.mentions if not m.presupposed] or [m.sentence for m in incident.mentions]
    return max(told)


def _headline_target(incidents: list[Incident], mention: Mention) -> Incident | None:
    open_ = [incident for incident in incidents if incident.accepts(mention) or (
        incident.status == mention.event.status and any(kinds_join(m.event, mention.event) for m in incident.mentions))]
    if not open_:
        return None
    toll = mention.event.fatalities.best if mention.event.fatalities else None
    same_toll = [i for i in open_ if toll is not None and (q := i._count("fatalities")) and q.best == toll]
    return (same_toll or open_)[0]


def _tells_details(event: Event) -> bool:
    """Whether an event says more than that it happened: a count of victims or a date of its own."""
    counted = any(getattr(event, name) is not None for name in ("fatalities", "injured", "abducted"))
    return counted or (event.date is not None and event.date.basis == "text")


def _summary_lede(incidents: list[Incident]) -> Mention | None:
    """The lede when it sums up incidents the body tells one by one: "two were killed in overnight violence
    in Gujarat" before a death in Ahmedabad and one in Vadodara. It names no town of its own, and at least
    two incidents of its kind follow at towns that are not one scene."""
    body = [m for incident in incidents for m in incident.mentions if not m.headline]
    if not body:
        return None
    lede = min(body, key=lambda m: m.sentence)
    if lede.place_stated and lede.event.location is not None and lede.event.location.precision < 3:
        return None
    towns = [
        next((m.event.location for m in incident.body if m is not lede and m.event.location is not None
              and m.event.location.precision < 3), None)
        for incident in incidents
        if incident.status == lede.event.status and any(
            m is not lede and kinds_join(m.event, lede.event) for m in incident.body)
    ]
    towns = [town for town in towns if town is not None]
    return lede if len(towns) >= 2 and not places_agree(towns[0], towns[1]) else None


def document_events(mentions: list[Mention]) -> list[Event]:
    """The document's events, one per incident, in the order the text first tells them; a lede that sums
    up the body's incidents is read as the headline is."""
    mentions = [m for m in mentions if m.reading in ("incident", "background")]  # a toll, a trend: no mention
    incidents = _incidents(mentions)
    lede = _summary_lede(incidents)
    if lede is not None:
        incidents = _incidents([replace(m, headline=True) if m is lede else m for m in mentions])
    return [incident.reported() for incident in _merge_same_events(incidents)]


def _same_event(a: Incident, b: Incident) -> bool:
    """Whether two incidents are one event as ACLED counts events: the same kind and status, on the same
    day at one scene. A later incident told as another ("a separate attack") stays apart."""
    base_a, base_b = a._base(), b._base()
    if a.status != b.status or not kinds_join(base_a, base_b) or b.mentions[0].fresh:
        return False
    if any(_answers_one_sided(x, m) for x, y in ((a, b), (b, a)) for m in y.mentions):
        return False
    own = {base_a.acled_sub_event_type, base_b.acled_sub_event_type} & OWN_EVENT_TYPES
    if own and kind_of(base_a) != kind_of(base_b):
        return False
    date_a, date_b = a.date(), b.date()
    if date_a is None or date_b is None or date_a.start != date_b.start or date_a.end != date_b.end:
        return False
    place_a, place_b = a.place(), b.place()
    if place_a is None or place_b is None:
        return False
    if {m.sentence for m in a.mentions} & {m.sentence for m in b.mentions}:
        return False  # one sentence's two readings or list of places, kept apart when the text was read
    for town, other, told_at in ((place_a, place_b, a), (place_b, place_a, b)):
        if town.name != other.name and _listed_town(told_at, town):
            # "towns like Murang'a, Maua and Nyeri": a listed town is no region holding another place
            return other.precision == 3 and not _unplaced(other) and _contains(other, town)
    return _one_place(place_a, place_b)


def _listed_town(incident: Incident, place: Location) -> bool:
    """Whether an incident's place is a town it was told at as one of a list's places."""
    return place.precision < 3 and any(_listed_place(m) and m.event.location.name == place.name  # type: ignore[union-attr]
                                       for m in incident.mentions)


def _merge_same_events(incidents: list[Incident]) -> list[Incident]:
    """The incidents in the order the text first tells them, those told apart but one event by ACLED's
    definition merged into the first told (its mentions kept headline first, then in text order)."""
    merged: list[Incident] = []
    for incident in sorted(incidents, key=lambda i: min(m.sentence for m in i.mentions)):
        target = next((kept for kept in merged if _same_event(kept, incident)), None)
        if target is None:
            merged.append(incident)
            continue
        for mention in incident.mentions:
            target.add(mention)
        target.mentions.sort(key=lambda m: (not m.headline, m.sentence))
    return merged


def _at_the_scene(incidents: list[Incident], mention: Mention) -> Mention:
    """An armed response to an attack ("guards returned fire, killing the gunman") is fought where the
    attack was, unless its sentence names a place of its own there: a region holding the scene is none."""
    answered = [incident for incident in incidents if _answers_one_sided(incident, mention)]
    scene = max(answered, key=_last_told).place() if answered else None
    here = mention.event.location
    if scene is None or (here is not None and not _contains(here, scene)):
        return mention
    return replace(mention, event=mention.event.model_copy(update={"location": scene}))


def _incidents(mentions: list[Mention]) -> list[Incident]:
    """The mentions grouped into incidents: the body's in text order, then the headline's."""
    incidents: list[Incident] = []
    for mention in sorted((m for m in mentions if not m.headline), key=lambda m: m.sentence):
        target = _body_target(incidents, mention)
        if target is not None and not mention.place_stated and _listed_with_others(target, incidents, mention):
            mention = replace(mention, event=mention.event.model_copy(update={"fatalities": None, "injured": None}))
        if target is None and mention.presupposed and not _tells_details(mention.event):
            continue  # "the minister condemned the attack": nothing to code of its own
        if target is None:
            incidents.append(Incident([_at_the_scene(incidents, mention) if mention.responds else mention]))
        else:
            target.add(mention)
    for mention in (m for m in mentions if m.headline):
        target = _headline_target(incidents, mention)
        if target is None:
            incidents.append(Incident([mention]))
        else:
            target.add(mention, first=True)
    return incidents
