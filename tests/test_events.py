"""Rule-based trigger detection and ACLED/PLOVER typing, on sentences written for these tests."""

from __future__ import annotations

import pytest

from observatory import events
from observatory.nlp import get_nlp


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
