"""ACLED's parties of an event, by its sub-type (ACLED codebook, actor coding of demonstrations).

A protest's crowd is actor 1, as "Protesters (COUNTRY)" or a named group, and the force that meets it is
actor 2; a riot's crowd is "Rioters (COUNTRY)"; excessive force against protesters is coded the other way
round, the force first, and so is a force that killed at a riot. A change of territory is coded with the
side that gains it first: the state's forces when the government regains ground, the armed group when it
takes it. The sentence's grammar may say otherwise ("Police dispersed the protesters", "the rebels withdrew
as soldiers recaptured the town"), so the parties are put in that order once the sub-type is settled.
"""

from __future__ import annotations

from observatory.lexicon.actors import ActorDictionary
from observatory.models import ActorRef, Event

# The crowd each sub-type puts first: its generic kind (actors.GENERIC_KINDS) and ACLED inter code.
CROWD_FIRST = {
    "Peaceful protest": ("PRO", 6),
    "Protest with intervention": ("PRO", 6),
    "Violent demonstration": ("RIO", 5),
    "Mob violence": ("RIO", 5),
}
FORCE_FIRST = {"Excessive force against protesters"}
# Parties that are the crowd of a demonstration whatever they were called: protesters, rioters, and the
# unnamed people ("a number of people", "residents") a protest report speaks of.
CROWD_INTERS = (5, 6, 7)
FORCE_INTERS = (1, 8)
# The side that gains ground, by the inter codes that may lead a territorial sub-type.
GAINER_FIRST = {"Government regains territory": (1,), "Non-state actor overtakes territory": (2, 3, 4)}
_GENERIC_CROWDS = ("Protesters", "Rioters", "Civilians")


def _is_generic_crowd(ref: ActorRef) -> bool:
    return ref.acled_inter in CROWD_INTERS and any(
        ref.name == word or ref.name.startswith(f"{word} (") for word in _GENERIC_CROWDS)


def acled_parties(event: Event, dictionary: ActorDictionary) -> Event:
    """The event with its parties in ACLED's order for its sub-type: the party that comes first leads the
    actors and the actors it passes become recipients; an unnamed crowd takes the crowd's generic name,
    and a demonstration that names no crowd gets the country's generic one."""
    sub = event.acled_sub_event_type
    if sub in FORCE_FIRST:
        actors, recipients = list(event.actors), list(event.recipients)
        country = event.location.country if event.location else None
        if not any(p.acled_inter in FORCE_INTERS for p in (*actors, *recipients)) and country in dictionary.countries:
            police = dictionary.generic_ref(country, "POL", event.date.start if event.date else None)
            actors, recipients = [police], _distinct([*actors, *recipients])
        return _lead(event, actors, recipients, FORCE_INTERS)  # an unnamed force at a protest: the police
    if sub in GAINER_FIRST:
        return _lead(event, list(event.actors), list(event.recipients), GAINER_FIRST[sub])
    if sub not in CROWD_FIRST:
        return event
    kind, inter = CROWD_FIRST[sub]
    when = event.date.start if event.date else None

    def crowd(ref: ActorRef) -> ActorRef:
        country = ref.country or (event.location.country if event.location else None)
        if ref.acled_inter == inter or not _is_generic_crowd(ref) or country not in dictionary.countries:
            return ref
        return dictionary.generic_ref(country, kind, when, text=ref.text)

    actors = [crowd(a) for a in event.actors]
    recipients = [crowd(r) for r in event.recipients]
    killed = event.fatalities is not None and (event.fatalities.best or 0) > 0
    if killed and actors and actors[0].acled_inter in FORCE_INTERS:
        return event.model_copy(update={"actors": actors, "recipients": recipients})  # who killed leads
    if not any(p.acled_inter in (5, 6) for p in (*actors, *recipients)):
        implied = dictionary.implied_actor("Riots" if kind == "RIO" else "Protests",
                                           event.location.country if event.location else None, when)
        if implied is not None:
            recipients = [*actors, *recipients]
            actors = [implied]
    return _lead(event, actors, recipients, (5, 6))


def _distinct(parties: list[ActorRef]) -> list[ActorRef]:
    """The parties without repeats of a name, in order."""
    return [p for i, p in enumerate(parties) if all(q.name != p.name for q in parties[:i])]


def _lead(event: Event, actors: list[ActorRef], recipients: list[ActorRef], first: tuple[int, ...]) -> Event:
    """The event with the first recipient of a leading kind moved before the actors, unless an actor of
    that kind already leads."""
    if not (actors and actors[0].acled_inter in first):
        leader = next((r for r in recipients if r.acled_inter in first), None)
        if leader is not None:
            recipients = [*actors, *(r for r in recipients if r is not leader)]
            actors = [leader]
    return event.model_copy(update={"actors": actors, "recipients": recipients})
