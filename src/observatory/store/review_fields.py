"""The fields a reviewer can correct, and their values checked: one parser per events column.

A value comes as JSON from the API (a number, a string, null) or as text from the command line
(``--set fatalities=12``); ``parse_corrections`` turns either into the column's type, or raises
``FieldError`` with one line naming the field and what is wrong. Two shortcuts: ``date`` sets
``date_start`` and ``date_end`` to one day; ``fatalities`` given alone sets ``fatalities_low`` and
``fatalities_high`` to the same figure, and an ACLED sub-type alone its event type; a corrected place
without a ``geonameid`` drops the stored one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from observatory.lexicon.taxonomy import ACLED_EVENT_TYPES, ACLED_SUB_TYPES, PLOVER_TYPES
from observatory.store.queries import STATUSES

DATE_PRECISIONS = ("day", "week", "month", "year")
NULL_TEXT = ("", "null", "none")
COUNT_COLUMNS = ("fatalities", "fatalities_low", "fatalities_high", "injured", "abducted", "arrested", "displaced",
                 "participants")
PLACE_COLUMNS = ("location", "latitude", "longitude")


class ReviewError(ValueError):
    """A review the store cannot make (one line: a bad field or value, an impossible merge or split)."""


class FieldError(ReviewError):
    """A field that cannot be corrected, or a value it cannot take (the message is one line)."""


def _null(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in NULL_TEXT)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {json.dumps(value)}")
    text = value.strip().replace("\x00", "")
    if not text:
        raise ValueError("expected text, got an empty string")
    return text


def _integer(low: int, high: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"expected a whole number, got {json.dumps(value, default=str)}")
        try:
            number = int(value.strip()) if isinstance(value, str) else value
        except ValueError:
            raise ValueError(f"expected a whole number, got {value!r}") from None
        if number < low or (high is not None and number > high):
            bounds = f"{low} to {high}" if high is not None else f"at least {low}"
            raise ValueError(f"expected a whole number {bounds}, got {number}")
        return number

    return parse


def _number(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"expected a number, got {json.dumps(value, default=str)}")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"expected a number, got {value!r}") from None
        if not low <= number <= high:
            raise ValueError(f"expected a number from {low:g} to {high:g}, got {number:g}")
        return number

    return parse


def _choice(options: tuple[str, ...], fold: Callable[[str], str] = str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = fold(_text(value))
        if text not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return text

    return parse


def _iso3(value: Any) -> str:
    code = _text(value).upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(f"expected an ISO 3166 alpha-3 code such as SYR, got {value!r}")
    return code


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


# Column -> (parser, whether it may be null).
FIELDS: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "plover_type": (_choice(PLOVER_TYPES, str.upper), False),
    "plover_mode": (_text, True),
    "acled_event_type": (_choice(ACLED_EVENT_TYPES), True),
    "acled_sub_event_type": (_choice(tuple(ACLED_SUB_TYPES)), True),
    **{f"actor{side}": (_text, True) for side in "12"},
    **{f"actor{side}_country": (_iso3, True) for side in "12"},
    **{f"actor{side}_sector": (_text, True) for side in "12"},
    **{f"inter{side}": (_integer(0, 8), True) for side in "12"},
    "location": (_text, True),
    "geonameid": (_integer(0), True),
    "latitude": (_number(-90, 90), True),
    "longitude": (_number(-180, 180), True),
    "country": (_iso3, True),
    "admin1": (_text, True),
    "admin2": (_text, True),
    "geo_precision": (_integer(1, 3), True),
    "date_start": (_date, True),
    "date_end": (_date, True),
    "date_precision": (_choice(DATE_PRECISIONS), True),
    **{column: (_integer(0), True) for column in COUNT_COLUMNS},
    "status": (_choice(STATUSES), False),
    "claimant": (_text, True),
}
SHORTCUTS = ("date",)


def parse_value(field: str, value: Any) -> Any:
    """The value of one correctable column, typed; FieldError for an unknown field or a bad value."""
    if field not in FIELDS:
        raise FieldError(f"unknown field {field!r}; fields that can be corrected: {', '.join([*FIELDS, *SHORTCUTS])}")
    parse, nullable = FIELDS[field]
    if _null(value):
        if not nullable:
            raise FieldError(f"{field}: a value is required")
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise FieldError(f"{field}: {exc}") from None


def parse_corrections(values: dict[str, Any]) -> dict[str, Any]:
    """The columns and typed values a correction sets, shortcuts expanded; FieldError when a field or value
    is wrong."""
    if not values:
        raise FieldError("no field to correct; give at least one field and its value")
    parsed: dict[str, Any] = {}
    for field, value in values.items():
        if field == "date":
            day = parse_value("date_start", value)
            parsed.update(date_start=day, date_end=day)
        else:
            parsed[field] = parse_value(field, value)
    if parsed.get("acled_sub_event_type") is not None:
        parsed.setdefault("acled_event_type", ACLED_SUB_TYPES[parsed["acled_sub_event_type"]])
    if "fatalities" in parsed:
        for bound in ("fatalities_low", "fatalities_high"):
            parsed.setdefault(bound, parsed["fatalities"])
    if any(column in parsed for column in PLACE_COLUMNS):
        parsed.setdefault("geonameid", None)
    return parsed


def check_consistent(row: dict[str, Any]) -> None:
    """FieldError when an event's values, corrections applied, contradict each other."""
    sub_type, event_type = row.get("acled_sub_event_type"), row.get("acled_event_type")
    if sub_type is not None and ACLED_SUB_TYPES[sub_type] != event_type:
        raise FieldError(
            f"acled_sub_event_type {sub_type!r} is a sub-type of {ACLED_SUB_TYPES[sub_type]!r}, not of "
            f"{event_type!r}; correct the two together"
        )
    start, end = row.get("date_start"), row.get("date_end")
    if (start is None) != (end is None):
        raise FieldError("date_start and date_end: give both or neither (or `date` for one day)")
    if start is not None and end is not None and start > end:
        raise FieldError(f"date_start ({start}) is after date_end ({end})")
    low, best, high = row.get("fatalities_low"), row.get("fatalities"), row.get("fatalities_high")
    known = [v for v in (low, best, high) if v is not None]
    if known != sorted(known):
        raise FieldError(f"fatalities: expected low <= best <= high, got {low}, {best}, {high}")
    if (row.get("latitude") is None) != (row.get("longitude") is None):
        raise FieldError("latitude and longitude: give both or neither")


def to_json(value: Any) -> str:
    """A value as the JSON text the audit log and the corrections table keep (dates as YYYY-MM-DD)."""
    return json.dumps(value.isoformat() if isinstance(value, dt.date) else value, ensure_ascii=False)


def from_json(field: str, text: str | None) -> Any:
    """A stored correction back as the column's type."""
    value = None if text is None else json.loads(text)
    return None if value is None else FIELDS[field][0](value)
