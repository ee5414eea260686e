"""Date expressions resolved against the publication date."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observatory.models import DateSpan
from observatory.read.nlp import get_nlp
from observatory.resolve.dates import _date_entities, best_date_mention, follow_on, resolve_date

TUESDAY = dt.date(2018, 7, 31)


def day(value: dt.date) -> tuple[dt.date, dt.date, str]:
    return value, value, "day"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On 9 May 2018, militants attacked a checkpoint near Gao.", day(dt.date(2018, 5, 9))),
        ("Around 9 May 2018 (as reported), a farmer was abducted.", day(dt.date(2018, 5, 9))),
        ("Gunmen shot dead a trader on Monday in Kaduna.", day(dt.date(2018, 7, 30))),
        ("Clashes erupted on Tuesday night in Bamenda.", day(TUESDAY)),
        ("Two soldiers were killed in an ambush last Tuesday.", day(dt.date(2018, 7, 24))),
        ("A car bomb exploded yesterday outside the ministry.", day(dt.date(2018, 7, 30))),
        ("Rebels shelled the town overnight.", day(dt.date(2018, 7, 30))),
        ("Protesters gathered in the square this morning.", day(TUESDAY)),
        ("Police arrested 14 people on July 12 in Lagos.", day(dt.date(2018, 7, 12))),
        ("Militants raided the village on 3 December.", day(dt.date(2017, 12, 3))),
        ("The army retook the town the previous day.", day(dt.date(2018, 7, 30))),
        ("The convoy was ambushed last week.", (dt.date(2018, 7, 23), dt.date(2018, 7, 29), "week")),
        ("Bombs hit three towns over the weekend.", (dt.date(2018, 7, 28), dt.date(2018, 7, 29), "week")),
        ("Fighting resumed earlier this month.", (dt.date(2018, 7, 1), TUESDAY, "month")),
        ("The militia seized the district in March.", (dt.date(2018, 3, 1), dt.date(2018, 3, 31), "month")),
        (
            "The militia seized the district in December.",
            (dt.date(2017, 12, 1), dt.date(2017, 12, 31), "month"),
        ),
        ("The group was founded in 2015.", (dt.date(2015, 1, 1), dt.date(2015, 12, 31), "year")),
        ("The town fell last year.", (dt.date(2017, 1, 1), dt.date(2017, 12, 31), "year")),
        ("Strikes hit the port in June 2016.", (dt.date(2016, 6, 1), dt.date(2016, 6, 30), "month")),
        ("Two years ago, a judge was shot dead here.", (dt.date(2016, 1, 1), dt.date(2016, 12, 31), "year")),
        # lower-cased text, as some archives store it
        ("gunmen shot dead a trader on monday in kaduna.", day(dt.date(2018, 7, 30))),
        ("police arrested 14 people on july 12 in lagos.", day(dt.date(2018, 7, 12))),
        ("the march 3 raid left two dead.", day(dt.date(2018, 3, 3))),
    ],
)
def test_resolves_expressions(text: str, expected: tuple[dt.date, dt.date, str]) -> None:
    span = resolve_date(text, TUESDAY)
    assert span is not None
    assert (span.start, span.end, span.precision) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen opened fire, killing 12 with AK-47 rifles at 2 a.m.",
        "Officials warned that militants may attack again.",
        "Protesters march through the capital against the bill.",
        "A 12-year-old boy was among the 30 wounded.",
        "protesters march 3 km to the square.",
        "officials said they may 2 times delay the vote.",
    ],
)
def test_no_date_expression_gives_none(text: str) -> None:
    assert resolve_date(text, TUESDAY) is None


def test_relative_expressions_need_a_publication_date() -> None:
    assert resolve_date("The attack happened on Monday.", None) is None
    span = resolve_date("The attack happened on 4 March 2017.", None)
    assert span is not None and span.start == dt.date(2017, 3, 4)


def test_future_calendar_date_is_discarded() -> None:
    assert resolve_date("Elections are due on 9 May 2020.", TUESDAY) is None


def test_event_date_preferred_over_reporting_date() -> None:
    text = "Gunmen killed four villagers on Sunday night, police said on Tuesday."
    mention = best_date_mention(text, TUESDAY)
    assert mention is not None and mention.span.start == dt.date(2018, 7, 29)
    assert resolve_date("Nine people were killed, officials said on Monday.", TUESDAY) is None


def test_weekday_in_brackets_prefers_the_calendar_date() -> None:
    span = resolve_date("A landmine hit the bus on Tuesday [24 July], rebels said.", TUESDAY)
    assert span is not None and span.start == dt.date(2018, 7, 24)


def test_leading_reported_on_dates_the_event() -> None:
    span = resolve_date("Reported on 28 July 2018, an airstrike hit a market.", TUESDAY)
    assert span is not None and span.start == dt.date(2018, 7, 28)


EXPRESSIONS = [
    "on {weekday}", "on {weekday} night", "last {weekday}", "yesterday", "overnight", "last night",
    "this morning", "last week", "earlier this week", "earlier this month", "last month", "last year",
    "in {month}", "on {day} {month}", "on {month} {day}", "on {day} {month} {year}", "in {year}",
    "the previous day", "three days ago", "two weeks ago",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


@given(
    published=st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2035, 12, 31)),
    template=st.sampled_from(EXPRESSIONS),
    weekday=st.sampled_from(WEEKDAYS),
    month=st.sampled_from(MONTHS),
    day_of_month=st.integers(min_value=1, max_value=28),
    year=st.integers(min_value=1990, max_value=2040),
)
def test_never_after_publication(
    published: dt.date, template: str, weekday: str, month: str, day_of_month: int, year: int
) -> None:
    expression = template.format(weekday=weekday, month=month, day=day_of_month, year=year)
    span = resolve_date(f"Militants attacked the base {expression}.", published)
    if "{year}" not in template:
        assert span is not None, expression
    if span is not None:
        assert span.start <= span.end <= published


@pytest.mark.parametrize(("text", "offset"), [
    ("The following day, rebels shelled the market.", 1),
    ("Two days later, gunmen returned to the village.", 2),
    ("Later that day, a second bomb went off near the mosque.", 0),
])
def test_a_day_told_from_the_day_before(text: str, offset: int) -> None:
    monday = DateSpan(start=dt.date(2024, 3, 4), end=dt.date(2024, 3, 4), precision="day", basis="text")
    found = follow_on(text, monday, dt.date(2024, 3, 9))
    assert found is not None and found.start == dt.date(2024, 3, 4) + dt.timedelta(days=offset)


def test_a_follow_on_day_needs_a_known_day_and_is_not_the_day_bodies_were_found() -> None:
    march = DateSpan(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31), precision="month", basis="text")
    monday = DateSpan(start=dt.date(2024, 3, 4), end=dt.date(2024, 3, 4), precision="day", basis="text")
    assert follow_on("The following day, rebels shelled the market.", march, dt.date(2024, 4, 2)) is None
    assert follow_on("The following day, rebels shelled the market.", None, dt.date(2024, 4, 2)) is None
    assert follow_on("Their bodies were found the next day by a river.", monday, dt.date(2024, 3, 9)) is None
    assert follow_on("The next day, troops raided the camp.", monday, dt.date(2024, 3, 4)) is None  # after publication


@pytest.mark.parametrize(("text", "start", "precision"), [
    ("In July, three fighters were killed in a raid.", dt.date(2025, 7, 1), "month"),
    ("During March the army lost two posts.", dt.date(2025, 3, 1), "month"),
    ("In 2019, the group seized the town.", dt.date(2019, 1, 1), "year"),
])
def test_a_month_or_year_opening_a_sentence_dates_it(text: str, start: dt.date, precision: str) -> None:
    span = resolve_date(text, dt.date(2025, 8, 3))
    assert span is not None and span.start == start and span.precision == precision


def test_overnight_beside_a_stated_day_is_the_night_before_it() -> None:
    saturday = dt.date(2022, 7, 23)
    night = resolve_date("On Saturday, the ministry said 16 people were killed in overnight fighting.", saturday)
    assert night is not None and night.start == night.end == dt.date(2022, 7, 22)
    day = resolve_date("On Saturday, gunmen killed five people in the market.", saturday)
    assert day is not None and day.start == saturday


def test_date_entities_of_a_sentence_are_the_dates_that_begin_in_it() -> None:
    doc = get_nlp()("On Monday, 9 May 2018, militants attacked a checkpoint.\nLast week two soldiers died. "
                    "Police said nothing. The attack of 3 June was the second this year.")
    sentences = [*doc.sents, doc[2:5], doc[0:0]]
    expected = [[(e.start, min(e.end, s.end)) for e in doc.ents if e.label_ == "DATE" and s.start <= e.start < s.end]
                for s in sentences]
    assert [[(e.start, e.end) for e in _date_entities(s)] for s in sentences] == expected
    assert sum(map(len, expected)) >= 4


_DATE_WORDS = ["on", "in", "the", "last", "this", "previous", "earlier", "later", "early", "mid", "of", "over", "at",
               "Monday", "Sunday", "evening", "night", "overnight", "yesterday", "today", "tonight", "eve", "day",
               "days", "week", "weekend", "month", "year", "ago", "two", "a", "9", "31st", "2020", "1999", "May",
               "March", "Sept.", "December", "Jan", "9/5/2020", "2020-05-09", "said", ",", "-", "İ", "ı", "ſ"]


# One expression of each of dates._PATTERNS, in order.
_ONE_OF_EACH = ["2020-05-09", "9 May 2020", "May 9, 2020", "9/5/2020", "9th of May", "Sept. 9", "last Monday evening",
                "the preceding night", "earlier in the day", "two weeks ago", "over the weekend", "the past week",
                "earlier this week", "December, 1999", "later this month", "the previous month", "since mid-March",
                "in 2020", "the previous year", "this year"]


def _needs_hold(text: str) -> list[int]:
    """The patterns that match ``text``, each checked to find one of the words it needs there."""
    from observatory.resolve.dates import _CASE_FOLD_EXCEPTIONS, _NEEDS, _PATTERNS

    folded = None if any(letter in text for letter in _CASE_FOLD_EXCEPTIONS) else text.lower()
    matched = []
    for index, ((pattern, *_), needs) in enumerate(zip(_PATTERNS, _NEEDS, strict=True)):
        searched = folded if pattern.flags & re.IGNORECASE else text
        if pattern.search(text):
            matched.append(index)
            assert searched is None or any(word in searched for word in needs), (pattern.pattern, text)
    return matched


@pytest.mark.parametrize("case", [str, str.lower, str.upper, str.title])
def test_each_date_pattern_needs_one_of_its_words(case) -> None:
    matched = [_needs_hold(case(f"Gunmen struck {expression}, police said.")) for expression in _ONE_OF_EACH]
    if case is str:
        assert all(index in found for index, found in enumerate(matched))


@given(st.lists(st.sampled_from(_DATE_WORDS), max_size=8),
       st.sampled_from([str, str.lower, str.upper, str.title, str.swapcase]))
def test_every_date_pattern_needs_one_of_its_words(words: list[str], case) -> None:
    _needs_hold(case(" ".join(words)))


def test_a_text_with_a_letter_lower_does_not_fold_is_read_whole() -> None:
    assert resolve_date("Rebels shelled the town LAST WEEK.", TUESDAY) is not None
    assert resolve_date("thıs week", TUESDAY) == resolve_date("this week", TUESDAY)  # dotless i: IGNORECASE's i
