"""One incident, one event: whole short reports written for these tests, run through the extractor."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import event
from observatory.assemble import incidents
from observatory.detect.events import sentence_triggers
from observatory.models import DateSpan, Document, Event, Evidence, Location, Quantity
from observatory.pipeline import Extractor
from observatory.read.nlp import get_nlp


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def occurred(extractor: Extractor, text: str, published: str = "2024-03-06") -> list[Event]:
    doc = Document(id="t", text=text, published=dt.date.fromisoformat(published))
    return [e for e in extractor.extract(doc).events if e.status == "occurred" and e.acled_event_type]


def deaths(event: Event) -> int | None:
    return event.fatalities.best if event.fatalities else None


def test_headline_lede_and_details_are_one_event(extractor: Extractor) -> None:
    text = (
        "Roadside bomb kills four soldiers in northern Burkina Faso\n\n"
        "A roadside bomb struck a military convoy near Djibo on Monday, killing four soldiers, security "
        "sources said.\n\n"
        "The blast destroyed two armoured vehicles. The soldiers were escorting a fuel convoy, one source said."
    )
    events = occurred(extractor, text)
    assert len(events) == 1
    event = events[0]
    assert event.acled_sub_event_type == "Remote explosive/landmine/IED"
    assert deaths(event) == 4  # the toll told twice is one toll
    assert event.date is not None and event.date.start == dt.date(2024, 3, 4)  # "on Monday", not the report's day
    assert event.location is not None and "Djibo" in event.location.name  # the lede's town, not the country


def test_a_roundup_stays_several_events_and_its_headline_total_is_no_further_one(extractor: Extractor) -> None:
    text = (
        "Attacks kill nine in Burkina Faso\n\n"
        "Gunmen killed five villagers in Dori on Monday, residents said.\n\n"
        "Separately, a bomb killed four soldiers near Djibo on Sunday, the army said."
    )
    events = occurred(extractor, text)
    assert len(events) == 2
    assert sorted(deaths(e) or 0 for e in events) == [4, 5]
    assert sum(deaths(e) or 0 for e in events) == 9  # not 18 with the headline's total


def test_what_an_attack_also_did_is_part_of_it(extractor: Extractor) -> None:
    text = ("Gunmen attacked the village of Konduga in Borno State on Tuesday, killing seven people, and "
            "burned dozens of houses, residents said.")
    events = occurred(extractor, text)
    assert [e.acled_event_type for e in events] == ["Violence against civilians"]
    assert deaths(events[0]) == 7


def test_the_other_side_s_dead_are_added(extractor: Extractor) -> None:
    text = ("Militants attacked a police post in Bannu on Tuesday night, killing three policemen, officials "
            "said. Two of the attackers were also killed, police said.")
    events = occurred(extractor, text)
    assert len(events) == 1
    assert deaths(events[0]) == 5


def test_a_list_of_towns_gives_one_event_per_town(extractor: Extractor) -> None:
    text = "Air strikes hit the towns of Saraqib, Binnish and Sarmin in Idlib province on Friday."
    events = occurred(extractor, text)
    assert len(events) == 3
    assert len({e.location.name for e in events if e.location}) == 3
    assert {e.acled_sub_event_type for e in events} == {"Air/drone strike"}


@pytest.mark.parametrize("text", [
    "On 9 May 2020, in Fresnillo, Zacatecas, armed men driving two vehicles attacked a police patrol using "
    "grenades and firearms in Plateros community. Two officers died.",
    "On 6 May 2020, clashes were reported between government forces and Houthi fighters at the border between "
    "Marib and Al Jawf governorates. Two fighters were killed.",
    "On 2 May 2020, in Rathedaung Township, Sittwe District, Rakhine State, the military and the AA clashed. "
    "Two soldiers died.",
    "On 3 May 2020, air strikes hit villages near Saraqeb on the main highway linking Damascus and Aleppo, "
    "killing two civilians.",
])
def test_a_town_with_its_region_a_boundary_or_a_chain_of_units_is_one_place(extractor: Extractor, text: str) -> None:
    events = occurred(extractor, text, "2020-05-12")
    assert len(events) == 1
    assert deaths(events[0]) == 2


def test_tolls_trends_and_history_are_no_occurred_events(extractor: Extractor) -> None:
    text = (
        "Gunmen killed three farmers in Dori on Monday, officials said. "
        "The insurgency has killed more than 10,000 people since 2015. "
        "The region has seen a series of attacks over the past months. "
        "The town marked the fifth anniversary of the market bombing on Sunday."
    )
    events = occurred(extractor, text)
    assert len(events) == 1
    assert deaths(events[0]) == 3
    assert sum(deaths(e) or 0 for e in events) == 3  # not 10,003


def test_a_trial_s_charges_are_no_incidents(extractor: Extractor) -> None:
    text = ("A court in Bamako convicted the former commander of murder, rape and the attack on civilians in "
            "Mopti, and sentenced him to 20 years in prison.")
    assert occurred(extractor, text) == []


def test_a_date_that_names_another_event_does_not_date_this_one(extractor: Extractor) -> None:
    text = "Thousands marched in Khartoum on Tuesday against the October 25 coup, witnesses said."
    events = occurred(extractor, text, published="2022-11-02")
    assert events and all(e.date is not None and e.date.start == dt.date(2022, 11, 1) for e in events)


def test_a_date_restated_after_a_reporting_date_is_the_report_s(extractor: Extractor) -> None:
    text = ("Two soldiers and four rebels were killed in a clash in Malaybalay on Thursday night, the army said "
            "on Friday (Feb 15).")
    events = occurred(extractor, text, published="2019-02-15")
    assert events and events[0].date is not None and events[0].date.start == dt.date(2019, 2, 14)


def _place(name: str, lat: float, lon: float) -> Location:
    return Location(text=name, name=name, lat=lat, lon=lon, country="BFA", admin1="Sahel", precision=1)


def test_split_by_place_shares_a_toll_out_and_keeps_counts_the_list_gives() -> None:
    event = Event(plover_type="ASSAULT", acled_event_type="Violence against civilians", acled_sub_event_type="Attack",
                  fatalities=Quantity(low=7, best=7), evidence={"text": "x", "start": 0, "end": 1})
    places = [(_place("Dori", 14.0, -0.03), None), (_place("Gorom", 14.4, -0.2), 1), (_place("Seytenga", 14.2, 0.5), 1)]
    split = incidents.split_by_place(event, places)
    assert [deaths(e) for e in split] == [5, 1, 1]
    even = incidents.split_by_place(event, [(p, None) for p, _ in places])
    assert [deaths(e) for e in even] == [3, 2, 2]
    assert [e.location.name for e in even] == ["Dori", "Gorom", "Seytenga"]  # type: ignore[union-attr]


def test_places_agree_when_one_contains_the_other_or_they_are_near() -> None:
    town = _place("Dori", 14.03, -0.03)
    region = Location(text="Sahel", name="Sahel", lat=14.0, lon=-0.5, country="BFA", admin1="Sahel", precision=3)
    far = _place("Djibo", 14.1, -1.63)
    assert incidents.places_agree(town, region)
    assert incidents.places_agree(town, _place("Dori south", 14.0, -0.05))
    assert not incidents.places_agree(town, far)
    assert incidents.places_agree(None, far)


def test_lede_summing_up_the_body_is_no_incident_of_its_own(extractor: Extractor) -> None:
    text = (
        "Violence flares again in Kenya's Rift Valley\n\n"
        "At least three people were killed in overnight clashes in Rift Valley province, police said on "
        "Tuesday.\n\n"
        "In Nakuru, one man was killed when rival groups fought with machetes near the market. "
        "In Eldoret, two people were killed after a mob attacked a bus station."
    )
    events = occurred(extractor, text, "2024-03-05")
    towns = sorted(e.location.name for e in events if e.location)
    assert towns == ["Eldoret", "Nakuru"]
    assert sorted(deaths(e) or 0 for e in events) == [1, 2]  # the lede's three is their sum, not a third event
    nakuru = next(e for e in events if e.location and e.location.name == "Nakuru")
    assert nakuru.evidence.text.startswith("In Nakuru")


def test_every_sentence_reporting_an_event_is_kept(extractor: Extractor) -> None:
    text = (
        "Roadside bomb kills four soldiers in northern Burkina Faso\n\n"
        "A roadside bomb struck a military convoy near Djibo on Monday, killing four soldiers, security "
        "sources said."
    )
    (event,) = occurred(extractor, text)
    quotes = [text[m.start:m.end] for m in event.mentions]
    assert quotes == [m.text for m in event.mentions]
    assert quotes[0].startswith("Roadside bomb kills") and quotes[1].startswith("A roadside bomb struck")
    assert event.evidence in event.mentions


def test_one_scene_one_day_told_apart_is_one_event(extractor: Extractor) -> None:
    text = (
        "Police detain three activists in Minsk\n\n"
        "Police in Belarus detained at least three activists in Minsk on Tuesday for laying flowers at a memorial, "
        "a rights group said.\n\n"
        "The group has documented a wave of prosecutions since the disputed election. Several of its own members "
        "have left the country. Its lawyers said courts now hear such cases behind closed doors.\n\n"
        "Plain-clothes officers also detained the artist Olga Petrova in Minsk on Tuesday as she left her flat."
    )
    events = occurred(extractor, text)
    arrests = [e for e in events if e.acled_sub_event_type == "Arrests"]
    assert len(arrests) == 1, [e.evidence.text for e in arrests]
    assert any("Olga Petrova" in m.text for m in arrests[0].mentions)


def test_same_kind_on_other_days_stays_apart(extractor: Extractor) -> None:
    text = (
        "Gunmen attacked a police post in the town of Bama on Monday, killing two officers, officials said.\n\n"
        "The army said it had sent reinforcements. Residents said many shops stayed shut. Schools were closed "
        "for the rest of the week.\n\n"
        "Gunmen attacked a police post in Bama on Saturday, killing one officer."
    )
    events = occurred(extractor, text)
    attacks = [e for e in events if e.acled_event_type in incidents.VIOLENT_TYPES]
    assert sorted(deaths(e) for e in attacks) == [1, 2]


def test_withdrawal_and_recapture_in_one_sentence_is_one_event(extractor: Extractor) -> None:
    text = ("Rebel fighters withdrew from the town of Gondar on Friday as government soldiers recaptured it "
            "after two days of fighting, residents said.")
    events = [e for e in occurred(extractor, text) if e.acled_sub_event_type in incidents.TERRITORY_TYPES]
    assert len(events) == 1


def test_a_count_for_a_whole_country_is_a_tally(extractor: Extractor) -> None:
    text = (
        "The interior minister said on Friday that 312 people had been arrested and 205 officers injured in "
        "Spain on Thursday during the sixth day of protests against the labour law.\n\n"
        "In Madrid, protesters set fire to rubbish bins and smashed shop windows near the parliament on Thursday."
    )
    events = occurred(extractor, text, "2024-03-08")
    assert events and all(e.location is not None and e.location.admin1 for e in events)
    assert not any(e.arrested and e.arrested.best == 312 for e in events)
    assert any(e.acled_sub_event_type == "Violent demonstration" for e in events)


def test_the_most_precise_stated_date_dates_the_incident(extractor: Extractor) -> None:
    text = (
        "Gunmen attacked a passenger bus near the town of Mirebalais for the fourth time this year, wounding "
        "the driver.\n\nThe attack happened on March 2, police said."
    )
    attacks = [e for e in occurred(extractor, text, "2024-03-06") if e.acled_event_type in incidents.VIOLENT_TYPES]
    assert attacks and all(e.date is not None and e.date.start == dt.date(2024, 3, 2) for e in attacks)


def test_the_evidence_is_a_body_sentence_not_the_headline(extractor: Extractor) -> None:
    text = ("Bomb hits army patrol in southern Thailand\n\n"
            "A roadside bomb struck an army patrol in Yala province on Monday morning, police said.")
    events = occurred(extractor, text)
    assert len(events) == 1
    assert events[0].evidence.text.startswith("A roadside bomb")
    assert [m.text for m in events[0].mentions][0].startswith("Bomb hits")  # the headline is still a mention


def test_an_interception_told_on_its_own_is_an_event_of_its_own(extractor: Extractor) -> None:
    text = (
        "A Ukrainian drone strike on the town of Sudzha in Russia's Kursk region killed a civilian on Saturday, "
        "the regional governor said.\n\n"
        "The defence ministry said on Saturday that air defences had intercepted 12 drones over the Kursk region."
    )
    subs = sorted(e.acled_sub_event_type or "" for e in occurred(extractor, text, "2024-05-11"))
    assert subs == ["Air/drone strike", "Disrupted weapons use"]


def test_an_armed_response_to_an_attack_on_a_civilian_is_a_battle_of_its_own(extractor: Extractor) -> None:
    text = (
        "Gunman kills town councillor in Sinaloa\n\n"
        "A gunman shot dead town councillor Rosa Ibarra outside her home in Guasave on Tuesday, state "
        "prosecutors said. Police officers who were nearby returned fire, killing the attacker at the scene."
    )
    events = occurred(extractor, text, "2024-04-17")
    by_sub = {e.acled_sub_event_type: e for e in events}
    assert set(by_sub) == {"Attack", "Armed clash"}  # the attack on her, and the police's fight with him
    assert deaths(by_sub["Attack"]) == 1 and deaths(by_sub["Armed clash"]) == 1
    assert by_sub["Armed clash"].evidence.text.startswith("Police officers who were nearby returned fire")


def test_soldiers_firing_back_at_attackers_is_the_same_battle(extractor: Extractor) -> None:
    text = (
        "Militants attack army post in Borno\n\n"
        "Militants attacked an army post in Gajiram on Monday, killing three soldiers, the army said. "
        "The soldiers fought back, killing five of the attackers, it said."
    )
    events = occurred(extractor, text, "2024-04-16")
    assert len(events) == 1
    assert events[0].acled_sub_event_type == "Armed clash"


def test_villages_the_gazetteer_lacks_are_one_event_each_and_dated_from_the_day_before(extractor: Extractor) -> None:
    text = (
        "Junta jets bomb villages in Sagaing\n\n"
        "Resistance fighters attacked an army outpost near Kanbalu on Wednesday, a spokesman said. "
        "The following day, junta aircraft bombed Nyaung Pin Thar and Kyauk Ye Twin villages with airstrikes."
    )
    events = occurred(extractor, text, "2024-02-02")
    strikes = [e for e in events if e.acled_sub_event_type == "Air/drone strike"]
    assert sorted(e.location.name for e in strikes if e.location) == ["Kyauk Ye Twin", "Nyaung Pin Thar"]
    assert all(e.date is not None and e.date.start == dt.date(2024, 2, 1) for e in strikes)  # Thursday
    assert all(e.actors[0].name.startswith("Military Forces of Myanmar") for e in strikes)  # "junta"


def test_an_attack_named_beside_earlier_bombings_is_the_news_and_they_keep_their_own_days(
        extractor: Extractor) -> None:
    text = (
        "Bomb kills soldier in Pattani\n\n"
        "A soldier was killed and four more were wounded by a roadside bomb in Pattani today, police said. "
        "A police spokesman blamed the attack on insurgents.\n\n"
        "Today's attack followed bombings in Songkhla and Yala over the weekend, targeting shops and banks."
    )
    events = occurred(extractor, text, "2015-07-14")
    today = [e for e in events if e.date and e.date.start == dt.date(2015, 7, 14)]
    weekend = [e for e in events if e.date and e.date.start == dt.date(2015, 7, 11)]
    assert len(today) == 1 and len(weekend) == 2 and len(events) == 3
    lede = today[0]
    assert lede.acled_sub_event_type == "Remote explosive/landmine/IED"  # not typed by "blamed the attack"
    assert deaths(lede) == 1  # "four more were wounded" adds no dead
    assert sorted(e.location.name for e in weekend if e.location) == ["Songkhla", "Yala"]


def test_the_toll_of_a_spate_of_attacks_is_no_one_events_toll(extractor: Extractor) -> None:
    text = ("A policeman was shot dead in Maiduguri on Monday, the latest in a spate of attacks that have "
            "claimed 40 lives this month, officials said.")
    events = occurred(extractor, text, "2024-03-05")
    assert len(events) == 1 and deaths(events[0]) == 1


def test_each_clause_of_a_sentence_keeps_the_place_it_names(extractor: Extractor) -> None:
    text = (
        "Security forces kill militants in northwest Pakistan\n\n"
        "Last month, four militants were killed in a raid in Lakki Marwat, while another was shot dead "
        "in a separate clash in Dera Ismail Khan, the military said."
    )
    events = occurred(extractor, text, "2025-08-04")
    places = sorted(e.location.name for e in events if e.location)
    assert len(events) == 2 and places[0] == "Dera Ismail Khan" and places[1].startswith("Lakki")
    by_place = {e.location.name[:5]: deaths(e) for e in events if e.location}
    assert by_place == {"Dera ": 1, "Lakki": 4}  # each clause's dead to its own event


def test_a_toll_told_after_a_list_of_places_is_no_one_place_s(extractor: Extractor) -> None:
    text = (
        "Gunmen attack villages in northwest Nigeria\n\n"
        "On Tuesday, armed bandits attacked the villages of Gusau, Kaura Namoda and Talata Mafara "
        "in Zamfara state. The attacks killed nine people, residents said."
    )
    events = occurred(extractor, text, "2024-05-09")
    assert len(events) == 3
    assert all(deaths(e) is None for e in events)


def test_a_place_opening_a_compound_modifier_is_no_scene(extractor: Extractor) -> None:
    text = ("A Moscow-installed official said two people were killed when a missile struck a fuel depot "
            "in Berdiansk, causing a large fire.")
    events = occurred(extractor, text, "2024-05-11")
    assert [e.location.name for e in events if e.location] == ["Berdyansk"]


def test_a_count_glued_to_the_datelines_dash_is_read(extractor: Extractor) -> None:
    text = "KHARKIV (Reuters) -Three people were killed in a Russian missile strike on Kharkiv on Friday."
    events = occurred(extractor, text, "2024-05-11")
    assert len(events) == 1 and deaths(events[0]) == 3
    assert events[0].evidence.text.startswith("Three people")


def test_a_sentence_stating_another_day_after_carried_days_is_another_incident(extractor: Extractor) -> None:
    text = (
        "Gunmen attack market in Port-au-Prince\n\n"
        "Gunmen attacked a market in Port-au-Prince early Tuesday, killing three vendors, police said.\n\n"
        "In a separate attack, gang members stormed a school in Petion-Ville, wounding two teachers. "
        "The attack on the school forced it to close. "
        "On November 11, gunmen opened fire on a bus near the school, wounding the driver."
    )
    events = occurred(extractor, text, "2024-11-19")
    days = sorted(e.date.start for e in events if e.date)
    assert days == [dt.date(2024, 11, 11), dt.date(2024, 11, 19), dt.date(2024, 11, 19)]


def test_a_day_carried_into_an_incident_told_as_of_this_year_dates_it() -> None:
    text = "Gunmen stormed the post, killing two officers. The attack was the third on the post this year."
    year = DateSpan(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), precision="year", basis="text")
    sunday = DateSpan(start=dt.date(2024, 3, 3), end=dt.date(2024, 3, 3), precision="day", basis="context")
    first, second = text.split(". ")
    incident = incidents.Incident([
        incidents.Mention(event(text, first, plover_type="ASSAULT", date=sunday), 1),
        incidents.Mention(event(text, second, plover_type="ASSAULT", date=year), 2),
    ])
    assert incident.date() == sunday


def test_an_act_told_as_done_later_is_another_incident_a_later_death_is_not(extractor: Extractor) -> None:
    text = (
        "Two roadside bombs wounded three soldiers on a patrol in Yala province on Monday, police said. "
        "Later on Monday, gunmen shot dead a village headman in Yala as he rode home."
    )
    events = occurred(extractor, text, "2015-07-14")
    assert sorted(e.acled_sub_event_type or "" for e in events) == ["Attack", "Remote explosive/landmine/IED"]
    text = ("Gunmen shot a village headman in Yala on Monday as he rode home, police said. "
            "The headman later died in hospital.")
    events = occurred(extractor, text, "2015-07-14")
    assert len(events) == 1 and deaths(events[0]) == 1


def test_sentences_dated_by_a_week_and_by_a_month_tell_two_incidents(extractor: Extractor) -> None:
    text = (
        "Militants attack police in Lakki Marwat\n\n"
        "Last week, four policemen were wounded in a drone attack on a police station in Lakki Marwat. "
        "In July, two militants were killed in a raid in Lakki Marwat, officials said."
    )
    events = occurred(extractor, text, "2025-08-03")
    assert len(events) == 2
    assert sorted(e.date.precision for e in events if e.date) == ["month", "week"]


def test_forces_exchanging_fire_with_kidnappers_fight_a_battle_of_their_own(extractor: Extractor) -> None:
    text = (
        "Gunmen kidnap travellers on Zamfara highway\n\n"
        "Gunmen on Sunday abducted at least 15 travellers on the Gusau-Funtua highway in Zamfara State, "
        "residents said. A police spokesman said officers exchanged fire with the kidnappers but could not "
        "stop them."
    )
    events = occurred(extractor, text, "2022-05-16")
    assert {e.acled_sub_event_type for e in events} == {"Abduction/forced disappearance", "Armed clash"}


def test_a_town_that_saw_an_event_is_its_place_and_a_list_in_another_clause_keeps_its_towns(
        extractor: Extractor) -> None:
    text = ("While Eldoret saw largely peaceful demonstrations on Monday, clashes and tear gas were reported "
            "in Nyeri and Karatina.")
    events = occurred(extractor, text, "2025-07-08")
    places = {e.location.name for e in events if e.location}
    assert {"Eldoret", "Nyeri", "Karatina"} <= places
    assert {e.acled_sub_event_type for e in events if e.location and e.location.name != "Eldoret"} == {
        "Violent demonstration"}  # clashes with tear gas, no armed side named: a riot, not a battle


def test_an_armed_response_is_fought_at_the_scene_of_the_attack_it_answers(extractor: Extractor) -> None:
    text = ("A gunman shot dead a shopkeeper in the town of Iguala on Tuesday. "
            "Guerrero state officials said police returned fire, killing the gunman.")
    events = occurred(extractor, text, "2024-05-15")
    battle = next(e for e in events if e.acled_sub_event_type == "Armed clash")
    assert battle.location is not None and battle.location.name.startswith("Iguala")


def test_the_bomb_refers_to_the_bombing_not_to_a_kidnapping_told_since(extractor: Extractor) -> None:
    text = (
        "A suicide bomber blew himself up at a wedding in Tuz Khurmatu on Monday, killing 12 guests, police said.\n\n"
        "The groom's two brothers had been kidnapped on Saturday and released the next day.\n\n"
        "The guests were dancing in the courtyard when a man walked in and detonated the bomb, a witness said."
    )
    events = occurred(extractor, text, "2024-03-05")
    subs = sorted(e.acled_sub_event_type for e in events)
    assert subs == ["Abduction/forced disappearance", "Suicide bomb"]


def test_a_village_of_a_list_the_gazetteer_lacks_is_a_scene_of_its_own() -> None:
    def strike(sentence: int, location: Location, **flags: bool) -> incidents.Mention:
        evidence = Evidence(text="x", start=sentence * 10, end=sentence * 10 + 1)
        told = Event(plover_type="ASSAULT", acled_event_type="Explosions/Remote violence",
                     acled_sub_event_type="Air/drone strike", location=location, evidence=evidence,
                     date=DateSpan(start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 1)))
        return incidents.Mention(told, sentence, place_stated=True, **flags)

    # villages the gazetteer lacks carry their region's coordinates at precision 3
    village = Location(text="Ywa Thit", name="Ywa Thit", lat=22.0, lon=95.5, country="MMR", admin1="Sagaing",
                       precision=3)
    earlier = Location(text="Kanbalu", name="Kanbalu", geonameid=1320944, lat=23.2, lon=95.52, country="MMR",
                       admin1="Sagaing", precision=1)
    incident = incidents.Incident([strike(1, earlier)])
    assert not incident.accepts(strike(2, village, listed=True))
    assert incident.accepts(strike(2, village, listed=True, anaphoric=True))  # "the strikes hit Ywa Thit, ..."
    assert incident.accepts(strike(2, village))  # told alone, it may be the same scene


def test_a_toll_with_no_upper_bound_keeps_none_when_more_dead_are_added(extractor: Extractor) -> None:
    text = ("Militants attacked an army post near Douentza on Sunday, killing at least 10 soldiers, the army said. "
            "Four of the attackers were also killed.")
    (event,) = occurred(extractor, text, "2024-03-04")
    assert event.fatalities is not None
    assert (event.fatalities.low, event.fatalities.best, event.fatalities.high) == (14, 14, None)


def test_a_roadside_bomb_on_a_patrol_is_a_bombing_with_the_army_hit_not_acting(extractor: Extractor) -> None:
    text = (
        "A roadside bomb struck a Nigerien army patrol near Ayorou on Monday, killing three soldiers, security "
        "sources said.\n\n"
        "The army confirmed on Tuesday that three of its soldiers had been killed."
    )
    (event,) = occurred(extractor, text, "2024-03-05")
    assert event.acled_sub_event_type == "Remote explosive/landmine/IED"
    assert deaths(event) == 3
    hit = {r.name for r in event.recipients}
    assert hit and not hit & {a.name for a in event.actors}  # no party on both sides


@pytest.mark.parametrize(("text", "kind"), [
    ("Hundreds of farmers blocked the highway near Ludhiana on Monday, demanding higher crop prices.", "PROTEST"),
    ("Thousands of people marched in Nairobi on Saturday to support the opposition leader.", "PROTEST"),
    ("Police detained three activists in Lahore on Sunday and released them hours later.", "COERCE"),
])
def test_a_demand_support_or_release_told_as_part_of_an_event_is_no_event_of_its_own(
        extractor: Extractor, text: str, kind: str) -> None:
    found = extractor.extract(Document(id="t", text=text, published=dt.date(2024, 3, 5))).events
    assert [e.plover_type for e in found] == [kind]


def test_a_demand_told_on_its_own_is_an_event(extractor: Extractor) -> None:
    text = "Farmers' unions in Ludhiana demanded higher crop prices on Monday."
    found = extractor.extract(Document(id="t", text=text, published=dt.date(2024, 3, 5))).events
    assert [(e.plover_type, e.status) for e in found] == [("REQUEST", "occurred")]


@pytest.mark.parametrize("text", [
    "The militants, whom Turkey has supported with weapons, pushed towards Dabiq on Monday.",
    "The candidate is backed by a coalition of opposition parties.",
])
def test_support_that_describes_a_party_is_no_event(extractor: Extractor, text: str) -> None:
    found = extractor.extract(Document(id="t", text=text, published=dt.date(2024, 3, 5))).events
    assert [e.plover_type for e in found if e.plover_type == "SUPPORT"] == []


def test_support_given_and_violence_told_in_a_relative_clause_are_events(extractor: Extractor) -> None:
    given = "Turkey supported the militants with weapons and money on Monday."
    told = "The gunmen who killed five villagers in Zamfara on Monday were arrested on Tuesday."
    assert [e.plover_type for e in extractor.extract(Document(id="t", text=given)).events] == ["SUPPORT"]
    found = extractor.extract(Document(id="t", text=told, published=dt.date(2024, 3, 5))).events
    assert "Attack" in [e.acled_sub_event_type for e in found]


def test_fighting_during_which_an_event_happened_is_no_event_but_fire_exchanged_before_it_is(
        extractor: Extractor) -> None:
    during = next(get_nlp()("Thirty women were abducted last week during fighting in Sweida province.").sents)
    after = "Two gang members were killed in Santaluz on Monday after exchanging fire with police."
    assert [t.token.text for t in sentence_triggers(during)] == ["abducted"]
    assert [e.acled_sub_event_type for e in occurred(extractor, after, "2018-07-31")] == ["Armed clash"]


def test_bombing_from_the_air_is_an_air_strike(extractor: Extractor) -> None:
    text = "The insurgents surrendered in Idlib on Monday under intensive Russian bombing from the air."
    assert "Air/drone strike" in [e.acled_sub_event_type for e in occurred(extractor, text, "2018-07-31")]


def test_ground_told_as_taken_before_the_scene_is_history(extractor: Extractor) -> None:
    text = "Daraa has been the last rebel pocket of the south, with the army having taken control of the border."
    assert occurred(extractor, text, "2018-07-31") == []


@pytest.mark.parametrize("text", [
    "Violence in Catatumbo earlier this year killed more than 80 people.",
    "More than 3,000 people were murdered in the state last year.",
    "Police officers have staged protests in recent months demanding better equipment.",
    "Israel has carried out near-daily raids in the northern West Bank this year.",
])
def test_what_a_year_or_months_add_up_to_is_a_tally_not_an_incident(extractor: Extractor, text: str) -> None:
    assert occurred(extractor, text, "2025-02-12") == []


def test_an_incident_of_a_named_day_is_still_one(extractor: Extractor) -> None:
    found = occurred(extractor, "Gunmen killed 12 villagers in Zamfara on Monday, a year after the last raid.",
                     "2025-02-12")
    assert [(e.acled_sub_event_type, deaths(e)) for e in found] == [("Attack", 12)]


@pytest.mark.parametrize(("text", "actor"), [
    ("Police said they had detained three people in Dhaka on Monday.", "Police Forces of Bangladesh"),
    ("The Arakan Army said on Tuesday it had captured a military base in Rakhine.", "AA: Arakan Army"),
])
def test_a_party_that_reports_its_own_deed_is_its_actor(extractor: Extractor, text: str, actor: str) -> None:
    found = occurred(extractor, text, "2025-03-11")
    assert [e.actors[0].name for e in found] == [actor]


def test_who_reports_finding_the_dead_did_not_kill_them(extractor: Extractor) -> None:
    text = "In Michoacan, police said they found the bodies of four men dumped beside a highway on Monday."
    assert all(a.sector != "POL" for e in occurred(extractor, text, "2025-03-11") for a in e.actors)


@pytest.mark.parametrize("text", [
    "The government says homicides have fallen by a quarter, but violence remains high in several states.",
    "Attacks on health workers rose by 40 percent in the region, the report said.",
])
def test_a_rate_or_a_state_of_violence_is_no_incident(extractor: Extractor, text: str) -> None:
    assert occurred(extractor, text, "2025-03-11") == []


def test_a_listed_town_named_like_its_region_is_a_scene_of_its_own(extractor: Extractor) -> None:
    # Murang'a is a town and the county it is named after: listed among towns, it holds no Kangema riot
    text = ("Rioters threw stones at police and burned tyres in Kangema on Monday, residents said. In the "
            "afternoon, other towns like Murang’a, Nyeri and Karatina also reported riots.")
    events = occurred(extractor, text, "2025-07-08")
    assert sorted((e.location.name, e.location.admin1, e.location.precision) for e in events) == [
        ("Kangema", "Muranga", 1), ("Karatina", "Nyeri", 1), ("Murang’a", "Muranga", 1), ("Nyeri", "Nyeri", 1)]
