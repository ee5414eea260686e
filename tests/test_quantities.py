"""Quantity expressions and the counts of a sentence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observatory.read.nlp import get_nlp
from observatory.resolve.numbers import parse_quantity
from observatory.resolve.quantities import extract_counts


def triple(text: str) -> tuple[int | None, int | None, int | None] | None:
    quantity = parse_quantity(text)
    return None if quantity is None else (quantity.low, quantity.best, quantity.high)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("five", (5, 5, 5)),
        ("twenty-three", (23, 23, 23)),
        ("two hundred and five", (205, 205, 205)),
        ("1.5 million", (1_500_000, 1_500_000, 1_500_000)),
        ("half a million", (500_000, 500_000, 500_000)),
        ("between 1,000 and 1,500", (1000, 1250, 1500)),
        ("1,000-1,500", (1000, 1250, 1500)),
        ("two to three", (2, 2, 3)),
        ("at least 70", (70, 70, None)),
        ("more than 20", (20, 20, None)),
        ("up to 30", (None, 30, 30)),
        ("about 30", (None, 30, None)),
        ("some 30", (None, 30, None)),
        ("nearly 30", (None, 30, None)),
        ("around 30", (None, 30, None)),
        ("a dozen", (12, 12, None)),
        ("dozens", (12, 12, None)),
        ("scores", (20, 20, None)),
        ("hundreds", (100, 100, None)),
        ("tens of thousands", (10_000, 10_000, None)),
        ("several", (10, 10, None)),
        ("many", (10, 10, None)),
        ("a man", (1, 1, 1)),
        ("a child", (1, 1, 1)),
        ("two civilians", (2, 2, 2)),
    ],
)
def test_parse_quantity(text: str, expected: tuple[int | None, int | None, int | None]) -> None:
    assert triple(text) == expected


@pytest.mark.parametrize(
    "text", ["AK-47", "2 a.m.", "a 12-year-old", "45%", "$300", "the 3rd", "a few", ""]
)
def test_non_counts(text: str) -> None:
    assert parse_quantity(text) is None


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separators_round_trip(value: int) -> None:
    quantity = parse_quantity(f"{value:,}")
    assert quantity is not None and quantity.low == quantity.best == quantity.high == value


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6),
       st.sampled_from(["between {a} and {b}", "{a}-{b}", "{a} to {b}"]))  # fmt: skip
def test_ranges_are_ordered(a: int, b: int, template: str) -> None:
    low, high = sorted((a, b))
    quantity = parse_quantity(template.format(a=f"{low:,}", b=f"{high:,}"))
    assert quantity is not None
    assert quantity.low is not None and quantity.best is not None and quantity.high is not None
    assert quantity.low == low and quantity.high == high
    assert quantity.low <= quantity.best <= quantity.high


def counts(text: str) -> dict[str, int | None]:
    doc = get_nlp()(text)
    return {field: quantity.best for field, quantity in extract_counts(doc[:]).items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gunmen stormed the village, killing 6 civilians, including 2 women.", {"fatalities": 6}),
        ("The fighting killed 16 people, among them three civilians, and wounded 52.",
         {"fatalities": 16, "injured": 52}),
        ("Six people were killed when a bomb exploded in the market.", {"fatalities": 6}),
        ("The ambush left 5 dead and 20 wounded.", {"fatalities": 5, "injured": 20}),
        ("The death toll from the floods of violence rose to 40.", {"fatalities": 40}),
        ("Militants killed at least 12 and wounded 30 in the attack.", {"fatalities": 12, "injured": 30}),
        ("12 killed, 30 injured in Kandahar blast.", {"fatalities": 12, "injured": 30}),
        ("Villagers recovered the bodies of 3 herders.", {"fatalities": 3}),
        ("A grenade exploded near the stall, wounding two.", {"injured": 2}),
        ("Gunmen abducted about 30 women and children from the camp.", {"abducted": 30}),
        ("Police arrested 14 protesters outside the court.", {"arrested": 14}),
        ("The offensive forced thousands of civilians to flee.", {"displaced": 1000}),
        ("Hundreds of protesters gathered outside parliament.", {"participants": 100}),
        ("Several people were killed in the raid.", {"fatalities": 10}),
        ("Dozens of people were arrested after the march.", {"arrested": 12}),
        ("About 500 people protested against fuel prices.", {"participants": 500}),
        ("Jets killed 4 soldiers and 3 civilians near the border.", {"fatalities": 7}),
        ("A man was shot dead by unknown gunmen.", {"fatalities": 1}),
        ("A 12-year-old boy was killed by a stray bullet.", {"fatalities": 1}),
        ("Five people were killed and 15 others wounded.", {"fatalities": 5, "injured": 15}),
        ("The driver and two others were wounded.", {"injured": 3}),
        ("Four persons were feared killed in the clash.", {"fatalities": 4}),
        ("The district chief was killed along with 13 other people.", {"fatalities": 14}),
        ("Rebels fired 20 rockets at the base during the two-day battle.", {}),
        ("One of the deadliest attacks in seven years struck the city at 2 a.m.", {}),
        ("Gunmen with AK-47 rifles opened fire on a bus carrying 40 passengers.", {}),
        # headline coordination: the participle attaches to the last conjunct only
        ("4 farmers and a boy killed in an airstrike on a village near Saada", {"fatalities": 5}),
        ("A teacher and his brother were shot dead on Sunday.", {"fatalities": 2}),
        ("The mayor was shot dead on Friday alongside his son.", {"fatalities": 2}),
        ("Bandits killed a family of four in their home.", {"fatalities": 4}),
        # killing without a killing verb
        ("At least 9 villagers were hacked to death with machetes.", {"fatalities": 9}),
        ("A local councillor was fatally shot outside his house.", {"fatalities": 1}),
        ("A radio presenter was gunned down in the capital.", {"fatalities": 1}),
        ("A shopkeeper was shot and killed in the market.", {"fatalities": 1}),
        ("Seven people lost their lives in the fighting.", {"fatalities": 7}),
        ("The ambush claimed 11 lives.", {"fatalities": 11}),
        ("Six martyrs in shelling on the town.", {"fatalities": 6}),
        # bounds as coders record them
        ("More than 30 people were killed in the raid.", {"fatalities": 30}),
        ("No fewer than 12 people died in the attack.", {"fatalities": 12}),
        ("Not less than 8 persons were killed.", {"fatalities": 8}),
        # one figure for dead and wounded together is neither count
        ("At least 20 people were killed and wounded in the shelling.", {}),
        ("The blast killed and injured dozens.", {}),
        ("Over 15 martyrs and wounded in raids on the town.", {}),
        ("9 casualties and dozens of injuries in shelling on the market", {"fatalities": 9}),
        # things are not people; the count of an avenged, earlier event is not this one's
        ("Raiders killed 12 people and burned 40 houses.", {"fatalities": 12}),
        ("Two car bombs near the market killed at least 9 people.", {"fatalities": 9}),
        ("Soldiers killed 3 men in revenge for the deaths of 5 soldiers.", {"fatalities": 3}),
        ("Militants beheaded four hostages who were abducted last month.", {"fatalities": 4}),
        # running tolls over a period are no one event's count
        ("Shelling killed 7 civilians today, raising the death toll to 90 in 12 days.", {"fatalities": 7}),
        ("The death toll from the bombing rose to 31 on Monday.", {"fatalities": 31}),
        # the sentence's own count wins over a larger toll of many events; an update adds to its toll
        ("At least 9 people were killed in fresh attacks, taking the toll to 310.", {"fatalities": 9}),
        ("Two more wounded men died in hospital, bringing the toll to 14.", {"fatalities": 14}),
        ("The overall toll in the province reached 220 by Friday.", {}),
        ("The toll from the four-year conflict has passed 9,000.", {}),
        ("The toll in the last three days of rioting has gone up to 6.", {}),
        ("Eleven were killed on Monday, excluding the 40 people who died last week.", {"fatalities": 11}),
        # a past event recalled, or protested against, is not this one
        ("Riots broke out in the wake of the bombing that killed 12 people.", {}),
        ("Hundreds marched against the raid which killed 4 students.", {"participants": 100}),
        # bodies found report deaths, unless the sentence counts the killed
        ("Gunmen killed 8 villagers as 30 bodies were buried in a mass grave.", {"fatalities": 8}),
        # a verb that is intransitive in the active counts its subject in the passive too
        ("Gunmen shot 14 villagers dead and four children were drowned as they fled.", {"fatalities": 18}),
        ("Two fishermen were drowned when militiamen capsized their boat.", {"fatalities": 2}),
        # the object the parser attaches elsewhere still counts for the verb before it
        ("Jihadists killed between 20 and 25 farmers working in rice fields near the town of Damboa in Nigeria's "
         "northeastern Borno state on Monday, a local militia leader and residents said.", {"fatalities": 22}),
        # a number fused to a word names a kind of thing
        ("A two-wheeler and a three-storey house were burnt by the mob.", {}),
    ],
)
def test_extract_counts(text: str, expected: dict[str, int]) -> None:
    assert counts(text) == expected
