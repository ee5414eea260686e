"""Rule-based trigger detection and ACLED/PLOVER typing, on sentences written for these tests."""

from __future__ import annotations

import pytest

from observatory.detect import events
from observatory.read.nlp import get_nlp


def _typed(text: str) -> list[tuple[str, str | None]]:
    """(PLOVER type, ACLED sub-type) of each trigger of a one-sentence text, most confident first."""
    sent = next(get_nlp()(text).sents)
    return [(t.plover_type, t.acled_sub_event_type) for t in sorted(events.detect(sent), key=lambda t: -t.score)]


def _top_sub(text: str) -> str | None:
    typed = [sub for _, sub in _typed(text) if sub]
    return typed[0] if typed else None


@pytest.mark.parametrize(("text", "expected"), [
    # conjoined verbs share their object: the youths were the ones ambushed
    ("Unidentified gunmen ambushed and killed four youths near Jos on Sunday.", "Attack"),
    ("Herders stabbed and wounded a soldier at a checkpoint outside Wau.", "Armed clash"),
    # the victim is named by its own words, not by the places or clauses around it
    ("Police beat a family in the Kotwali police area of Jaipur on Monday.", "Attack"),
    ("Militants shot a farmer who was carrying water to an army checkpoint near Rafah.", "Attack"),
    ("Unknown gunmen assassinated an SDF member on the road to Tabqa.", "Armed clash"),
    # gunfire with no one hit and no civilians in sight: an exchange of fire
    ("Monitors recorded 14 bursts of small arms fire near Avdiivka overnight.", "Armed clash"),
])
def test_who_was_hit_decides_attack_or_armed_clash(text: str, expected: str) -> None:
    assert _top_sub(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Rioters clashed with riot police outside the parliament in Beirut.", "Violent demonstration"),
    ("Clashes between hundreds of protesters and soldiers went on until dawn in Tripoli.",
     "Violent demonstration"),
    ("Two village groups clashed over a land dispute in Samastipur district.", "Mob violence"),
    ("Migrant workers clashed with police at a bus depot in Surat.", "Mob violence"),
    ("Army troops clashed with ISWAP fighters near Monguno.", "Armed clash"),
])
def test_the_sides_of_a_clash_decide_its_type(text: str, expected: str) -> None:
    assert _top_sub(text) == expected


def test_force_used_on_protesters_is_a_protest_event() -> None:
    assert _top_sub("Police opened fire on demonstrators who threw stones at a checkpoint in Srinagar.") == \
        "Violent demonstration"
    assert _top_sub("Riot police detained dozens of protesters outside the ministry in Minsk.") == \
        "Protest with intervention"
    assert _top_sub("Police arrested two suspected car thieves in Lagos on Friday.") == "Arrests"


def test_burning_and_rioters_make_a_demonstration_violent() -> None:
    assert _top_sub("Traders demonstrated in Belem, burning objects on the main avenue.") == "Violent demonstration"
    assert _top_sub("Rioters demonstrating against price rises gathered in Martyrs Square.") == \
        "Violent demonstration"
    assert _top_sub("Teachers demonstrated peacefully in front of the education ministry in Accra.") == \
        "Peaceful protest"


@pytest.mark.parametrize(("text", "expected"), [
    ("Al-Shabaab militants recaptured the town of Bulo Burde, a day after it was seized by government troops.",
     "Non-state actor overtakes territory"),
    ("Government troops recaptured the town of Bulo Burde from al-Shabaab militants.",
     "Government regains territory"),
])
def test_who_took_the_ground_decides_territory_type(text: str, expected: str) -> None:
    assert _top_sub(text) == expected


def test_a_named_heavy_weapon_outranks_the_casualty_report() -> None:
    sent = next(get_nlp()("Rebel forces fired 120mm mortars at army positions near Donetsk.").sents)
    trigger = max(events.detect(sent), key=lambda t: t.score)
    assert trigger.acled_sub_event_type == "Shelling/artillery/missile attack"
    assert trigger.score >= 0.75


@pytest.mark.parametrize(("text", "expected"), [
    ("The governor instituted a curfew across the province on Saturday.", "Change to group/activity"),
    ("Turkish forces closed all the entrances of the town until further notice.", "Change to group/activity"),
    ("Rebel reinforcements arrived at the front line north of Marib on Tuesday.", "Change to group/activity"),
    ("Pro-government forces set up new checkpoints east of the city.", "Change to group/activity"),
    ("A battalion of the regional army defected to the opposition on Monday.", "Change to group/activity"),
])
def test_security_measures_and_force_movements(text: str, expected: str) -> None:
    assert _top_sub(text) == expected


@pytest.mark.parametrize("text", [
    "A gas cylinder explosion at a restaurant killed six people in Karachi on Monday.",
    "Twelve workers were killed when a chemical plant exploded in Jiangsu province.",
    "Forty people have died of alcohol poisoning in three villages since Friday.",
    "The former minister died of a heart attack in hospital on Tuesday.",
    "The detainee died of cardiac arrest in his cell on Sunday.",
    "An elderly man died of shock at his home in the old city on Friday.",
    "The Islamic State group claimed responsibility for the bombing that killed nine people in Kabul.",
])
def test_accidents_illness_and_claims_give_no_acled_event(text: str) -> None:
    assert _top_sub(text) is None


def test_arrest_forms() -> None:
    assert ("COERCE", "Arrests") in _typed("Fifty persons were held during combing operations in Surat.")
    assert ("COERCE", "Arrests") in _typed("The court remanded the accused to police custody until March 22.")
    assert all(sub != "Arrests" for _, sub in _typed("A peace meeting was held in Surat on Monday."))
    assert ("ASSAULT", "Abduction/forced disappearance") in _typed("Pirates held the crew hostage for a week.")


def test_died_in_custody_is_not_an_arrest() -> None:
    typed = _typed("A prisoner died as a result of torture while in police custody.")
    assert typed[0] == ("ASSAULT", "Attack")


@pytest.mark.parametrize("text", [
    "Police picked up three youths from the market in Meerut on Tuesday.",
    "Six persons were booked for murder and rioting by the Vadodara police.",
    "Four men were sent to the district jail after the clash in Hubli.",
    "Nine suspects were lodged in the central jail on Friday.",
    "Police took eleven persons into custody after the violence in Bhiwandi.",
])
def test_more_arrest_forms(text: str) -> None:
    assert ("COERCE", "Arrests") in _typed(text)


@pytest.mark.parametrize("text", [
    "The station was booked for the wedding on Sunday.",
    "The minister picked up the award in Delhi on Monday.",
    "The court was told the hearing would resume till April 3.",
])
def test_phrases_that_only_look_like_arrests(text: str) -> None:
    assert all(sub != "Arrests" for _, sub in _typed(text))


def test_participles_naming_people_are_no_events() -> None:
    assert _typed("Army medics evacuated the wounded from Shusha on Friday.") == [("AID", None)]
    assert all(kind != "ACCUSE" for kind, _ in _typed("The accused were produced before a magistrate in Pune."))


def test_lifting_a_measure_is_a_concession() -> None:
    assert _typed("The governor lifted the curfew in Imphal on Monday.") == [("CONCEDE", None)]
    assert _typed("The president on Monday shortened by two hours the curfew in the capital.")[0] == \
        ("CONCEDE", None)


def test_the_deed_outranks_its_purpose() -> None:
    assert _typed("Thousands of farmers blocked highways near Delhi to demand higher crop prices.")[0][0] == "PROTEST"


@pytest.mark.parametrize(("text", "expected"), [
    ("Iraqi troops freed several villages from the militants on Monday.", "Government regains territory"),
    ("The army drove the rebels out of three villages near Homs.", "Government regains territory"),
    ("Rebel fighters handed over their positions to government forces in Daraa.",
     "Non-violent transfer of territory"),
    ("Two suicide bombers blew themselves up at a checkpoint in Borno on Tuesday.", "Suicide bomb"),
    ("Police seized 40 pistols and 3,000 bullets in a raid in Nairobi.", "Disrupted weapons use"),
    ("Militants seized a rocket-launching site near the air base.", "Non-state actor overtakes territory"),
    ("A new militia unit has been set up in Kirkuk province.", "Change to group/activity"),
    ("Government forces used poisonous gas in an attack on the suburb.", "Chemical weapon"),
    ("Activists were detained by police in Minsk while trying to hold a rally.", "Protest with intervention"),
    ("Police used live bullets and tear gas to disperse a protest in Luanda, killing one protester.",
     "Excessive force against protesters"),
    ("Rebels advance over regime forces in the northern countryside.", "Armed clash"),
    ("A missile fired by the army leaves six fighters of a rebel faction dead near Kabani.",
     "Shelling/artillery/missile attack"),
])
def test_more_event_forms(text: str, expected: str) -> None:
    assert _top_sub(text) == expected


def test_freeing_people_is_still_a_release() -> None:
    assert _typed("The rebels freed two hostages on Sunday.") == [("CONCEDE", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Police captured three suspects in a raid in Lagos on Monday.", "Arrests"),
    ("Taliban fighters captured two soldiers near Kunduz.", "Abduction/forced disappearance"),
    ("Rebels captured the town of Kidal after heavy fighting.", "Non-state actor overtakes territory"),
    ("Rebel fighters retook a strategic town from government forces on Thursday.",
     "Non-state actor overtakes territory"),
])
def test_people_captured_are_no_ground_taken(text: str, expected: str) -> None:
    assert _top_sub(text) == expected


def test_water_cannon_is_no_artillery() -> None:
    assert _top_sub("Security forces fired rubber bullets and water cannon at protesters in Beirut.") == \
        "Protest with intervention"


@pytest.mark.parametrize(("text", "expected"), [
    ("Human losses in the countryside of Homs", "Attack"),
    ("More martyrs in the city of Hama", "Attack"),
    ("4 corpses found in Homs with marks of torture", "Attack"),
    ("The army announced a cease fire with the rebels in Hama", "Agreement"),
    ("Masked rioters set fire to cars on a street in Wan Chai on Monday.", "Violent demonstration"),
    ("Unknown arsonists set ablaze a school in Kano.", "Looting/property destruction"),
])
def test_headline_forms(text: str, expected: str) -> None:
    assert _top_sub(text) == expected


def test_business_losses_are_no_casualties() -> None:
    assert _top_sub("The company reported heavy losses in the second quarter.") is None


@pytest.mark.parametrize("text", [
    "The two coaches, which were booked for pilgrims, left Surat on time.",
    "The district administration feared trouble and was apprehending acts of retaliation.",
    "The idols were kept under the safe custody of the district magistrate.",
    "The conference was held by the authorities in Patna on Monday.",
    "Nearly 2,000 students are held at ransom by the college administration.",
])
def test_things_booked_held_or_feared_are_no_arrests(text: str) -> None:
    assert all(sub != "Arrests" for _, sub in _typed(text))


def test_held_by_police_is_an_arrest() -> None:
    assert ("COERCE", "Arrests") in _typed("The smuggler is currently held by the Bihar police.")
    assert ("COERCE", "Arrests") in _typed("Police apprehended the man who was carrying a revolver.")


def test_a_mob_fired_at_is_a_target_not_a_mob_attack() -> None:
    assert not any(sub == "Mob violence" for _, sub in _typed("Police opened fire on a mob near the mosque."))
    assert not any(sub == "Mob violence" for _, sub in _typed("Troops dispersed the mob with tear gas."))
    assert ("ASSAULT", "Mob violence") in _typed("A mob torched a bus and beat its driver in Kano.")


@pytest.mark.parametrize(("text", "disrupted"), [
    ("Police confiscated his passport and took him to a station.", False),
    ("Investigators dismantled the smuggling network after a year of surveillance.", False),
    ("Soldiers confiscated 40 rifles and a cache of grenades at the checkpoint.", True),
])
def test_confiscation_disrupts_weapons_only_when_it_takes_weapons(text: str, disrupted: bool) -> None:
    assert ("Disrupted weapons use" in [sub for _, sub in _typed(text)]) is disrupted


def test_taking_to_the_streets_is_a_protest() -> None:
    assert _top_sub("Thousands of people took to the streets of Lagos on Tuesday to denounce fuel prices.") \
        == "Peaceful protest"


@pytest.mark.parametrize(("text", "territorial"), [
    ("Police were overwhelmed at first before regaining control, witnesses said.", False),
    ("Riot police took control of the situation after an hour.", False),
    ("The army regained control of the town of Kidal on Monday.", True),
])
def test_control_changes_hands_only_over_ground(text: str, territorial: bool) -> None:
    subs = [sub for _, sub in _typed(text)]
    assert any(s and "territory" in s for s in subs) is territorial


@pytest.mark.parametrize(("text", "expected"), [
    ("The town of Hajin fell to Islamic State fighters on Sunday after two days of fighting.",
     "Non-state actor overtakes territory"),
    ("Most of Tessit came under the control of the rebels on Monday.", "Non-state actor overtakes territory"),
    ("The town of Kidal fell into the hands of the army on Tuesday.", "Government regains territory"),
    ("The convoy came under fire near Gao on Monday.", None),
    ("Prices fell to a record low in Kano on Monday.", None),
])
def test_ground_that_falls_to_a_force_changes_hands(text: str, expected: str | None) -> None:
    subs = [sub for _, sub in _typed(text) if sub and "territory" in sub]
    assert (subs[0] if subs else None) == expected


@pytest.mark.parametrize("text", [
    "Two militants were killed and dozens of rifles seized in the raid on Sunday.",
    "Five gunmen were arrested and hundreds of rounds of ammunition captured, police said.",
])
def test_weapons_seized_after_a_passive_verb_are_no_ground_taken(text: str) -> None:
    assert not [sub for _, sub in _typed(text) if sub and "territory" in sub]


@pytest.mark.parametrize(("text", "expected"), [
    # a named person shot at a gathering was attacked; the gathering is where it happened
    ("Mayor Ana Lucia Ortega was shot dead by two gunmen at a campaign rally in Tlapa on Sunday.", "Attack"),
    ("Trade unionist Peter Mwangi was stabbed by a man at a meeting in Nakuru.", "Attack"),
    # force used on the crowd of a protest is a protest event
    ("Riot police fired rubber bullets at demonstrators at a rally in Lima.", "Protest with intervention"),
])
def test_a_person_attacked_at_a_gathering_is_not_force_on_a_crowd(text: str, expected: str) -> None:
    assert _top_sub(text) == expected


def test_people_detained_at_a_rally_are_protesters_met_by_force() -> None:
    text = "Police detained a number of people at rallies held in memory of the dead journalist on Friday."
    assert _top_sub(text) == "Protest with intervention"


@pytest.mark.parametrize(("text", "expected"), [
    ("While Kisumu saw largely peaceful demonstrations, other towns reported clashes and barricaded roads.",
     {"demonstrations": "Peaceful protest", "clashes": "Violent demonstration"}),
    ("Hundreds marched peacefully through Kisumu on Monday, while in Nyeri police fired tear gas at protesters.",
     {"marched": "Peaceful protest", "fired": "Protest with intervention"}),
])
def test_each_side_of_a_contrast_tells_how_its_own_protest_went(text: str, expected: dict[str, str]) -> None:
    sent = next(get_nlp()(text).sents)
    typed = {t.token.text: t.acled_sub_event_type for t in events.detect(sent)}
    assert {word: typed.get(word) for word in expected} == expected


@pytest.mark.parametrize(("text", "moved"), [
    ("Other towns reported clashes, barricaded roads, and tear gas deployments.", False),
    ("The deployment of water cannons near the stadium angered residents.", False),
    ("The army deployed troops to Kidal on Monday.", True),
    ("The deployment of 500 soldiers to Goma began on Monday.", True),
])
def test_tear_gas_deployed_is_no_force_moved(text: str, moved: bool) -> None:
    assert ("Change to group/activity" in [sub for _, sub in _typed(text)]) is moved


@pytest.mark.parametrize(("text", "expected"), [
    ("Clashes broke out when a group broke away from the march and attacked a police post.",
     "Violent demonstration"),
    ("Villagers attacked herders near Jos after a march by farmers, killing two.", "Mob violence"),
    ("A group of gunmen attacked a church during a protest in Jos.", "Attack"),
])
def test_a_crowd_from_a_march_attacking_police_riots(text: str, expected: str) -> None:
    sent = next(get_nlp()(text).sents)
    typed = {t.token.text: t.acled_sub_event_type for t in events.detect(sent)}
    assert typed.get("attacked") == expected


def test_clashes_that_break_out_at_a_march_are_a_riot_and_no_side_of_themselves() -> None:
    assert _top_sub("Clashes broke out when a group broke away from the march and attacked a police post.") == \
        "Violent demonstration"
    assert _top_sub("Clashes broke out between the army and rebels near Goma on Monday.") == "Armed clash"


@pytest.mark.parametrize(("text", "protest"), [
    ("Clashes broke out in March between rival militias in Gao.", False),  # the month
    ("The bandits stormed the school and marched the students into the surrounding bush.", False),
    ("Thousands marched through Nairobi on Tuesday.", True),
])
def test_a_month_or_people_driven_are_no_march(text: str, protest: bool) -> None:
    assert any(t == "PROTEST" for t, _ in _typed(text)) is protest


@pytest.mark.parametrize(("text", "expected"), [
    ("Later on Tuesday, government helicopters dropped barrel bombs near Ariha, according to local activists.",
     "Air/drone strike"),
    ("A drone dropped explosives on a checkpoint near Gao on Monday.", "Air/drone strike"),
    ("The army dropped its charges against the journalist.", None),
])
def test_bombs_dropped_are_a_strike(text: str, expected: str | None) -> None:
    assert _top_sub(text) == expected
