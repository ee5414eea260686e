"""ACLED's order of an event's parties by sub-type, on events built here and short reports written here."""

from __future__ import annotations

import datetime as dt

import pytest

from observatory.assemble.protests import refine_protest
from observatory.lexicon.actors import ActorDictionary
from observatory.models import ActorRef, DateSpan, Document, Event, Evidence, Location, Quantity
from observatory.pipeline import Extractor
from observatory.read.layout import analyse
from observatory.resolve.parties import acled_parties

NAIROBI = Location(text="Nairobi", name="Nairobi", lat=-1.28, lon=36.82, country="KEN", admin1="Nairobi",
                   precision=1)


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return ActorDictionary.load()


def demonstration(sub: str, actors: list[ActorRef], recipients: list[ActorRef], killed: int = 0) -> Event:
    evidence = Evidence(text="x", start=0, end=1)
    day = dt.date(2025, 7, 7)
    return Event(
        plover_type="PROTEST", acled_event_type="Riots" if sub in ("Violent demonstration", "Mob violence")
        else "Protests", acled_sub_event_type=sub, actors=actors, recipients=recipients, location=NAIROBI,
        date=DateSpan(start=day, end=day, precision="day", basis="text"), status="occurred", evidence=evidence,
        fatalities=Quantity(low=killed, best=killed, high=killed) if killed else None, confidence=0.8,
    )


POLICE = ActorRef(text="police", name="Police Forces of Kenya", country="KEN", sector="POL", acled_inter=1)
PROTESTERS = ActorRef(text="protesters", name="Protesters (Kenya)", country="KEN", sector="PRO", acled_inter=6)
PEOPLE = ActorRef(text="a number of people", name="Civilians (Kenya)", country="KEN", sector="CVL", acled_inter=7)


def test_a_protest_met_by_police_has_the_crowd_first(actors: ActorDictionary) -> None:
    event = acled_parties(demonstration("Protest with intervention", [POLICE], [PEOPLE]), actors)
    assert [a.name for a in event.actors] == ["Protesters (Kenya)"]  # the people at the rally are the crowd
    assert [r.name for r in event.recipients] == ["Police Forces of Kenya"]


def test_a_riot_calls_its_crowd_rioters_and_names_one_when_the_text_does_not(actors: ActorDictionary) -> None:
    event = acled_parties(demonstration("Violent demonstration", [PROTESTERS], [POLICE]), actors)
    assert (event.actors[0].name, event.actors[0].acled_inter) == ("Rioters (Kenya)", 5)
    implied = acled_parties(demonstration("Violent demonstration", [POLICE], []), actors)
    assert [a.name for a in implied.actors] == ["Rioters (Kenya)"]
    assert [r.name for r in implied.recipients] == ["Police Forces of Kenya"]


def test_excessive_force_and_a_deadly_riot_have_the_force_first(actors: ActorDictionary) -> None:
    force = acled_parties(demonstration("Excessive force against protesters", [PROTESTERS], [POLICE], 2), actors)
    assert [a.name for a in force.actors] == ["Police Forces of Kenya"]
    assert [r.name for r in force.recipients] == ["Protesters (Kenya)"]
    deadly = acled_parties(demonstration("Violent demonstration", [POLICE], [PROTESTERS], 3), actors)
    assert deadly.actors[0].name == "Police Forces of Kenya"  # who killed leads
    assert deadly.recipients[0].name == "Rioters (Kenya)"


def test_other_events_keep_their_parties(actors: ActorDictionary) -> None:
    event = demonstration("Peaceful protest", [POLICE], [PEOPLE])
    event = event.model_copy(update={"acled_event_type": "Battles", "acled_sub_event_type": "Armed clash"})
    assert acled_parties(event, actors) == event


def test_supporters_of_a_president_are_not_the_government(actors: ActorDictionary) -> None:
    plain = actors.resolve("supporters of the former president", country_hint="KEN")
    assert plain.sector == "PTY" and plain.name != "Government of Kenya"
    riot = actors.resolve("supporters of the former president", country_hint="KEN", event_type="Riots")
    assert riot.name == "Rioters (Kenya)"
    assert actors.resolve("soldiers of the Kenyan army", country_hint="KEN").sector == "MIL"


def test_a_report_of_police_breaking_up_a_protest_codes_the_protesters_first() -> None:
    text = ("Police fire tear gas at Nairobi protest\n\n"
            "Kenyan police fired tear gas and detained a number of people at a rally in Nairobi on Monday, "
            "witnesses said.")
    events = Extractor().extract(Document(id="t", text=text, published=dt.date(2025, 7, 8))).events
    protests = [e for e in events if e.status == "occurred" and e.acled_event_type == "Protests"]
    assert protests and all(e.actors[0].acled_inter == 6 for e in protests)
    assert any(r.acled_inter == 1 for e in protests for r in e.recipients)


def test_a_protest_where_people_died_facing_the_police_is_excessive_force(actors: ActorDictionary) -> None:
    text = "x"
    march = demonstration("Peaceful protest", [PROTESTERS], [POLICE], killed=3)
    refined = acled_parties(refine_protest(march, text, analyse(text), 0), actors)
    assert refined.acled_sub_event_type == "Excessive force against protesters"
    assert [a.name for a in refined.actors] == ["Police Forces of Kenya"]
    unopposed = demonstration("Peaceful protest", [PROTESTERS], [], killed=3)  # who killed is not told
    assert refine_protest(unopposed, text, analyse(text), 0).acled_sub_event_type == "Peaceful protest"


def test_excessive_force_by_an_unnamed_force_is_the_polices(actors: ActorDictionary) -> None:
    shot = acled_parties(demonstration("Excessive force against protesters", [PROTESTERS], [], killed=2), actors)
    assert [a.name for a in shot.actors] == ["Police Forces of Kenya"]
    assert [r.name for r in shot.recipients] == ["Protesters (Kenya)"]


REBELS = ActorRef(text="the rebels", name="Unidentified Armed Group (Kenya)", country="KEN", sector="MLA",
                  acled_inter=3)


@pytest.mark.parametrize(("sub", "leader"), [
    ("Government regains territory", POLICE), ("Non-state actor overtakes territory", REBELS)])
def test_the_side_that_gains_ground_leads(actors: ActorDictionary, sub: str, leader: ActorRef) -> None:
    gained = demonstration(sub, [REBELS if leader is POLICE else POLICE], [leader]).model_copy(
        update={"acled_event_type": "Strategic developments" if "Government" in sub else "Battles"})
    coded = acled_parties(gained, actors)
    assert coded.actors[0].name == leader.name
    assert coded.recipients[0].name != leader.name
