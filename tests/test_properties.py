"""Property-based tests: the readers never raise, counts and dates keep their invariants on any input.

Properties already in test_quantities.py (digits with thousands separators, ordered ranges) and
test_dates.py (template expressions never after publication) are not repeated here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from observatory.models import Document
from observatory.read.inputs import SUPPORTED_SUFFIXES, ReadError, read_jsonl_lines, read_path
from observatory.resolve.dates import resolve_date
from observatory.resolve.numbers import parse_quantity

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
FIELD_VALUES = st.none() | st.integers() | st.text() | st.dates().map(str) | JSON_VALUES
RECORDS = st.fixed_dictionaries(
    {"text": FIELD_VALUES},
    optional={key: FIELD_VALUES for key in ("id", "title", "published", "url", "source")},
)
LINES = st.lists(
    st.one_of(
        st.text(),
        JSON_VALUES.map(json.dumps),
        RECORDS.map(json.dumps),
        RECORDS.map(lambda record: json.dumps(record)[: len(json.dumps(record)) // 2]),  # cut short
    ),
    max_size=8,
)
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check_items(items: list[Document | ReadError]) -> None:
    for item in items:
        assert isinstance(item, Document | ReadError)
        if isinstance(item, ReadError):
            assert item.message and str(item)
        else:
            assert item.text.strip()
            item.model_dump_json()  # storable: valid Unicode throughout


@given(LINES)
@settings(deadline=None)
def test_jsonl_lines_give_one_item_per_non_blank_line(lines: list[str]) -> None:
    items = list(read_jsonl_lines(lines, "feed.jsonl"))
    check_items(items)
    numbered = [n for n, line in enumerate(lines, start=1) if line.strip()]
    assert len(items) == len(numbered)
    for item, number in zip(items, numbered, strict=True):
        if isinstance(item, ReadError):
            assert item.line == number


@given(st.binary(max_size=3000), st.sampled_from(sorted(SUPPORTED_SUFFIXES)))
@SLOW
def test_any_bytes_in_any_file_type_read_without_raising(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    items = list(read_path(path))
    check_items(items)
    if suffix not in {".jsonl", ".ndjson", ".json"}:
        assert len(items) == 1
    else:
        lines = [n for n, item in enumerate(items) if isinstance(item, ReadError) and item.line is not None]
        assert lines == sorted(lines)


@given(st.lists(st.binary(max_size=200), max_size=6))
@SLOW
def test_jsonl_file_of_random_lines_names_each_bad_line(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    items = list(read_path(path))
    check_items(items)
    if len(items) == 1 and isinstance(items[0], ReadError) and items[0].line is None:
        return  # the whole file is binary data
    assert len(items) <= len(lines)
    numbers = [item.line for item in items if isinstance(item, ReadError)]
    assert all(number is not None and 1 <= number <= len(lines) for number in numbers)


@given(st.text(max_size=2000), st.sampled_from([".html", ".txt"]))
@SLOW
def test_any_markup_reads_without_raising(tmp_path: Path, markup: str, suffix: str) -> None:
    path = tmp_path / f"page{suffix}"
    path.write_text(f"<html><body>{markup}", encoding="utf-8", errors="surrogatepass")
    [item] = list(read_path(path))
    check_items([item])


_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spelled(n: int) -> str:
    """An integer below one million in words, as a reporter writes it: 'two hundred and forty-one'."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10 - 2] + (f"-{_UNITS[n % 10]}" if n % 10 else "")
    if n < 1000:
        rest = f" and {spelled(n % 100)}" if n % 100 else ""
        return f"{_UNITS[n // 100]} hundred{rest}"
    rest = n % 1000
    tail = (" and " if rest < 100 else " ") + spelled(rest) if rest else ""
    return f"{spelled(n // 1000)} thousand{tail}"


@example(22_500)
@given(st.integers(min_value=0, max_value=999_999))
def test_spelled_out_numbers(value: int) -> None:
    quantity = parse_quantity(spelled(value))
    assert quantity is not None, spelled(value)
    assert quantity.low == quantity.best == quantity.high == value, spelled(value)


@pytest.mark.parametrize(
    ("modifier", "low", "best", "high"),
    [
        ("at least {n}", 0, 0, None),
        ("more than {n}", 0, 0, None),
        ("about {n}", None, 0, None),
        ("up to {n}", None, 0, 0),
        ("fewer than {n}", None, -1, -1),
    ],
)
@example(value=32_800, words=True)
@given(value=st.integers(min_value=1, max_value=10**6), words=st.booleans())
def test_bounds_follow_the_modifier(
    modifier: str, low: int | None, best: int, high: int | None, value: int, words: bool
) -> None:
    number = spelled(value) if words and value < 10**6 else f"{value:,}"
    quantity = parse_quantity(modifier.format(n=number))
    assert quantity is not None
    assert quantity.best == value + best
    assert quantity.low == (None if low is None else value + low)
    assert quantity.high == (None if high is None else value + high)


@given(st.text(max_size=200))
def test_any_text_gives_no_count_or_an_ordered_one(text: str) -> None:
    quantity = parse_quantity(text)
    if quantity is not None:
        bounds = [v for v in (quantity.low, quantity.best, quantity.high) if v is not None]
        assert bounds and all(v >= 0 for v in bounds)
        assert bounds == sorted(bounds)


PUBLISHED = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2035, 12, 31))


@given(st.text(max_size=300), PUBLISHED)
@settings(deadline=None)
def test_any_text_resolves_to_nothing_or_a_span_before_publication(text: str, published: dt.date) -> None:
    span = resolve_date(text, published)
    if span is not None:
        assert span.start <= span.end <= published


@given(PUBLISHED, st.integers(min_value=0, max_value=6), st.booleans())
@settings(deadline=None)
def test_weekday_is_the_latest_such_day(published: dt.date, weekday: int, last: bool) -> None:
    name = calendar.day_name[weekday]
    span = resolve_date(f"Gunmen stormed the village {'last' if last else 'on'} {name}.", published)
    assert span is not None and span.start == span.end and span.precision == "day"
    assert span.start.weekday() == weekday
    assert (0 if not last else 1) <= (published - span.start).days <= (6 if not last else 7)


@given(PUBLISHED, st.integers(min_value=1, max_value=60))
@settings(deadline=None)
def test_days_ago(published: dt.date, days: int) -> None:
    span = resolve_date(f"The convoy was ambushed {days} days ago, officials said.", published)
    assert span is not None and span.start == span.end == published - dt.timedelta(days=days)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)), st.integers(0, 400),
       st.sampled_from(["on {d} {month} {y}", "on {month} {d}, {y}"]))  # fmt: skip
@settings(deadline=None)
def test_full_calendar_dates_round_trip(day: dt.date, later: int, template: str) -> None:
    expression = template.format(d=day.day, month=calendar.month_name[day.month], y=day.year)
    span = resolve_date(f"Police dispersed the rally {expression}.", day + dt.timedelta(days=later))
    assert span is not None and (span.start, span.end, span.precision) == (day, day, "day"), expression
