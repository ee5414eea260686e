"""Absolute dates from the date expressions of a sentence, relative to the publication date.

Candidate expressions are found with regular expressions (calendar dates, weekdays, relative
expressions such as "last week" or "overnight", months and years); calendar strings are resolved with
``dateparser`` and relative ones by date arithmetic on the publication date. A resolved date is never
after the publication date.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import dateparser
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.tokens import Doc, Span

from observatory.models import DateSpan
from observatory.read.nlp import span_text

_MONTHS = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_FULL_MONTHS = "|".join(calendar.month_name[1:])
_WEEKDAYS = "|".join(calendar.day_name)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_PARTS_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|overnight))?"
_REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|told(?:\s+\w+){0,3}|reported|reports|announced|confirmed|stated|added|claimed)"
    r"[\s,]+(?:on\s+|late\s+|early\s+)?$",
    re.I,
)
_DATEPARSER_LANGUAGES = ["en"]
# In a lower-cased sentence these names get their capital back; "may" and "march" only as "on may 3",
# "the march 3 attack" or "3 march".
_CALENDAR_WORDS = re.compile(
    rf"\b(?:{'|'.join(calendar.day_name)}|{'|'.join(m for m in calendar.month_name[1:] if m not in ('May', 'March'))}"
    r"|jan|feb|mar|apr|aug|sept?|oct|nov|dec)\b\.?|(?:(?<=\bon\s)|(?<=\bof\s)|(?<=\bthe\s)|(?<=\bsince\s)|(?<=\bby\s)|(?<=\bfrom\s))"
    r"(?:may|march)(?=\s+\d)"
    r"|(?<=\d\s)(?:may|march)\b",
    re.I,
)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text and its resolution.

    ``explicit`` is True for calendar dates ("9 May 2020", "May 9"), False for relative expressions
    ("on Monday", "last week"); ``reporting`` is True when the expression dates a reporting verb
    ("police said on Sunday") rather than the event; ``specificity`` is 0 for a full calendar date and
    grows for vaguer expressions.
    """

    text: str
    start: int
    end: int
    span: DateSpan
    explicit: bool
    reporting: bool
    specificity: int = 0


def _day(day: dt.date) -> DateSpan:
    return DateSpan(start=day, end=day, precision="day")


def _month(year: int, month: int, published: dt.date | None) -> DateSpan:
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    if published is not None:
        end = min(end, published)
    return DateSpan(start=start, end=end, precision="month")


def _year(year: int, published: dt.date | None) -> DateSpan:
    end = dt.date(year, 12, 31)
    if published is not None:
        end = min(end, published)
    return DateSpan(start=dt.date(year, 1, 1), end=end, precision="year")


def _week_of(day: dt.date, published: dt.date) -> DateSpan:
    monday = day - dt.timedelta(days=day.weekday())
    return DateSpan(start=monday, end=min(monday + dt.timedelta(days=6), published), precision="week")


def _parse_calendar(text: str, published: dt.date | None, parts: list[str]) -> dt.date | None:
    return _parse_calendar_cached(text, published, tuple(parts))


@lru_cache(maxsize=4096)
def _parse_calendar_cached(text: str, published: dt.date | None, parts: tuple[str, ...]) -> dt.date | None:
    """dateparser is slow (milliseconds a call) and news repeats the same date strings: cache it."""
    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": list(parts),
        "PREFER_DAY_OF_MONTH": "first",
    }
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
    parsed = dateparser.parse(text, languages=_DATEPARSER_LANGUAGES, settings=settings)
    return parsed.date() if parsed else None


def _clean(text: str) -> str:
    return re.sub(r"^(?:on|in|around|since|during|of|the)\s+", "", text.strip(), flags=re.I)


# --- resolvers: (match, published) -> DateSpan | None -------------------------------------------


def _full_date(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    day = _parse_calendar(_clean(m.group(0)), published, ["day", "month", "year"])
    return _day(day) if day else None


def _day_month(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    if published is None:
        return None
    day = _parse_calendar(_clean(m.group(0)), published, ["day", "month"])
    if day is None:
        return None
    if day > published:
        day = _parse_calendar(f"{_clean(m.group(0))} {day.year - 1}", published, ["day", "month"])
    return _day(day) if day else None


def _month_year(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    day = _parse_calendar(f"1 {m.group('month')} {m.group('year')}", published, ["month", "year"])
    return _month(day.year, day.month, published) if day else None


def _month_only(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    if published is None:
        return None
    month = list(calendar.month_name).index(m.group("month"))
    year = published.year if month <= published.month else published.year - 1
    return _month(year, month, published)


def _year_only(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    return _year(int(m.group("year")), published)


def _weekday(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    if published is None:
        return None
    target = list(calendar.day_name).index(m.group("weekday"))
    back = (published.weekday() - target) % 7
    if m.group("last") and back == 0:
        back = 7
    return _day(published - dt.timedelta(days=back))


def _relative_day(offset: int) -> Callable[[re.Match[str], dt.date | None], DateSpan | None]:
    def resolve(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
        return _day(published - dt.timedelta(days=offset)) if published else None

    return resolve


def _ago(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    if published is None:
        return None
    raw = m.group("n").lower()
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    unit = m.group("unit").lower()
    if unit.startswith("day"):
        return _day(published - dt.timedelta(days=n))
    if unit.startswith("week"):
        return _week_of(published - dt.timedelta(weeks=n), published)
    if unit.startswith("year"):
        return _year(published.year - n, published)
    total = published.year * 12 + published.month - 1 - n
    return _month(total // 12, total % 12 + 1, published)


def _last_week(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    return _week_of(published - dt.timedelta(days=7), published) if published else None


def _weekend(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    """"Over the weekend", "last weekend": the latest Saturday and Sunday up to the report."""
    if published is None:
        return None
    saturday = published - dt.timedelta(days=(published.weekday() - calendar.SATURDAY) % 7)
    if m.group(0).lower().startswith(("last", "past")) and published.weekday() >= calendar.SATURDAY:
        saturday -= dt.timedelta(days=7)  # told on a weekend, "last weekend" is the one before
    return DateSpan(start=saturday, end=min(saturday + dt.timedelta(days=1), published), precision="week")


def _this_week(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    return _week_of(published, published) if published else None


def _this_month(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    return _month(published.year, published.month, published) if published else None


def _last_month(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    if published is None:
        return None
    previous = published.replace(day=1) - dt.timedelta(days=1)
    return _month(previous.year, previous.month, published)


def _last_year(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    return _year(published.year - 1, published) if published else None


def _this_year(m: re.Match[str], published: dt.date | None) -> DateSpan | None:
    return _year(published.year, published) if published else None


_Resolver = Callable[[re.Match[str], dt.date | None], DateSpan | None]

# (pattern, resolver, explicit, specificity): overlapping matches go to the earlier pattern.
_PATTERNS: list[tuple[re.Pattern[str], _Resolver, bool, int]] = [
    (re.compile(rf"\b{_YEAR}-[01]\d-[0-3]\d\b"), _full_date, True, 0),
    (re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTHS},?\s+{_YEAR}\b"), _full_date, True, 0),
    (re.compile(rf"\b{_MONTHS}\s+{_DAY},?\s+{_YEAR}\b"), _full_date, True, 0),
    (re.compile(rf"(?<![\d/.])(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9])/{_YEAR}\b"), _full_date, True, 0),
    (re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTHS}(?![\w-])"), _day_month, True, 1),
    (
        re.compile(rf"\b{_MONTHS}\s+{_DAY}(?![\w:-])(?!\s*(?:%|per\s?cent|years?|people))"),
        _day_month,
        True,
        1,
    ),
    (re.compile(rf"\b(?P<last>last\s+)?(?P<weekday>{_WEEKDAYS}){_PARTS_OF_DAY}\b"), _weekday, False, 2),
    (
        re.compile(
            r"\b(?:yesterday|overnight|last\s+night|the\s+(?:previous|preceding)\s+(?:day|night)"
            r"|the\s+day\s+before|on\s+the\s+eve)\b",
            re.I,
        ),
        _relative_day(1),
        False,
        2,
    ),
    (
        re.compile(
            r"\b(?:today|this\s+(?:morning|afternoon|evening)|tonight|earlier\s+(?:today|in\s+the\s+day))\b",
            re.I,
        ),
        _relative_day(0),
        False,
        2,
    ),
    (
        re.compile(
            r"\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
            r"(?P<unit>days?|weeks?|months?|years?)\s+ago\b",
            re.I,
        ),
        _ago,
        False,
        3,
    ),
    (re.compile(r"\b(?:over|at|during|on)\s+the\s+weekend\b|\b(?:this|last|past)\s+weekend\b", re.I), _weekend,
     False, 2),
    (re.compile(r"\blast\s+week\b|\bthe\s+(?:previous|past)\s+week\b", re.I), _last_week, False, 3),
    (re.compile(r"\b(?:earlier\s+)?this\s+week\b", re.I), _this_week, False, 3),
    (re.compile(rf"\b(?P<month>{_FULL_MONTHS}),?\s+(?:of\s+)?(?P<year>{_YEAR})\b"), _month_year, True, 4),
    (re.compile(r"\b(?:earlier\s+|later\s+)?this\s+month\b", re.I), _this_month, False, 4),
    (re.compile(r"\blast\s+month\b|\bthe\s+previous\s+month\b", re.I), _last_month, False, 4),
    (
        re.compile(
            rf"\b(?i:in|since|during|until|by|from|of)\s+(?:(?i:early|mid|late)[\s-]+)?(?P<month>{_FULL_MONTHS})"
            rf"(?!\s+\d)\b"
        ),
        _month_only,
        True,
        4,
    ),
    (
        re.compile(rf"\b(?i:in|since|during|until|by|from|of|early|mid|late)[\s-]+(?P<year>{_YEAR})(?![\w-])"),
        _year_only,
        True,
        5,
    ),
    (re.compile(r"\blast\s+year\b|\bthe\s+previous\s+year\b", re.I), _last_year, False, 5),
    (re.compile(r"\b(?:earlier\s+)?this\s+year\b", re.I), _this_year, False, 5),
]


# What each of _PATTERNS needs in a text to match there: one of these words, looked for as written in the
# text for a case-sensitive pattern and in its lower-cased form for an IGNORECASE one. Most sentences
# name no date, and a word test costs far less than a scan with the pattern.
_MONTH_STEMS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CENTURIES = ("19", "20")
_NEEDS: list[tuple[str, ...]] = [
    _CENTURIES,  # 2020-05-09
    _MONTH_STEMS,  # 9 May 2020
    _MONTH_STEMS,  # May 9, 2020
    ("/",),  # 9/5/2020
    _MONTH_STEMS,  # 9 May
    _MONTH_STEMS,  # May 9
    ("day",),  # (last) Monday
    ("day", "night", "eve"),  # yesterday, overnight, last night, the previous day, the day before, on the eve
    ("today", "this", "tonight", "earlier"),  # today, this morning, tonight, earlier in the day
    ("ago",),  # two days ago
    ("weekend",),
    ("week",),  # last week, the previous week
    ("week",),  # this week
    _MONTH_STEMS,  # May 2020
    ("month",),  # this month
    ("month",),  # last month
    _MONTH_STEMS,  # in May
    _CENTURIES,  # in 2020
    ("year",),  # last year
    ("year",),  # this year
]
# Letters that IGNORECASE matching takes for i or s but str.lower() does not turn into them: a text
# holding one is scanned with every pattern.
_CASE_FOLD_EXCEPTIONS = ("\u0130", "\u0131", "\u017f")
# Each pattern with its words and whether it ignores case (RegexFlag arithmetic is slow at every call).
_GUARDED = [(*entry, needs, bool(entry[0].flags & re.IGNORECASE))
            for entry, needs in zip(_PATTERNS, _NEEDS, strict=True)]


def _dates_reporting(before: str) -> bool:
    """Whether the text just before a date expression is a reporting verb with a subject.

    "police said on Sunday" dates the report; a leading "Reported on 2 May," or "As reported on"
    dates the event.
    """
    cue = _REPORTING_BEFORE.search(before)
    return cue is not None and before[: cue.start()].strip().lower() not in ("", "as")


def _restated(text: str, earlier: DateMention, later: DateMention) -> bool:
    """ "said on Friday (Feb 15)": a date right after another, in brackets or after a comma, restates it."""
    return re.fullmatch(r"\s*[(,]?\s*", text[earlier.end : later.start]) is not None


def find_date_mentions(text: str, published: dt.date | None) -> list[DateMention]:
    """All resolvable date expressions of ``text`` in text order, none dated after ``published``."""
    if not any(c.isupper() for c in text):
        text = _CALENDAR_WORDS.sub(lambda m: m.group(0).capitalize(), text)
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    folded = None if any(letter in text for letter in _CASE_FOLD_EXCEPTIONS) else text.lower()
    for pattern, resolve, explicit, rank, needs, ignores_case in _GUARDED:
        searched = folded if ignores_case else text
        if searched is not None and not any(word in searched for word in needs):
            continue  # the pattern cannot match here
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append(m.span())
            span = resolve(m, published)
            if span is None or (published is not None and span.start > published):
                continue
            reporting = _dates_reporting(text[: m.start()])
            mentions.append(DateMention(m.group(0), m.start(), m.end(), span, explicit, reporting, rank))
    mentions.sort(key=lambda mention: mention.start)
    for index in range(1, len(mentions)):
        earlier, later = mentions[index - 1], mentions[index]
        if earlier.reporting and not later.reporting and _restated(text, earlier, later):
            mentions[index] = replace(later, reporting=True)
    return mentions


def best_date_mention(text: str, published: dt.date | None) -> DateMention | None:
    """The expression that most likely dates the event of ``text``.

    Expressions dating a reporting verb ("officials said on Sunday") come last, then the most specific
    expression wins, then the first in the text.
    """
    mentions = [mention for mention in find_date_mentions(text, published) if not mention.reporting]
    if not mentions:
        return None
    return min(mentions, key=lambda mention: (mention.reporting, mention.specificity, mention.start))


_ATTRIBUTIVE_DEPS = {"compound", "nmod", "amod", "poss", "nummod"}
# "protesting against an October 25 coup", "the first since the 2020 truce": what the event is set against.
_BACKGROUND_PREPS = {"against", "over", "since", "after", "following", "before", "despite", "of", "about"}


def _names_another_thing(ent: Span) -> bool:
    """A date inside a noun phrase that names something else than the reported event: a bare year
    ("the 2020 truce", "the 1967 war"), or any date of a noun the event is set against ("against an
    October 25 coup"). "Sunday's attack" dates the attack itself."""
    root = ent.root
    head = root.head
    if root.dep_ not in _ATTRIBUTIVE_DEPS or head.pos_ not in ("NOUN", "PROPN") or head.i < ent.end:
        return False
    if re.fullmatch(_YEAR, ent.text.strip()):
        return True
    return head.dep_ == "pobj" and head.head.lower_ in _BACKGROUND_PREPS


_DATE_RUNS = "observatory_date_runs"  # the user_data key of a document's DATE entities (_date_runs)
_IOB_BEGIN, _IOB_INSIDE = 3, 1  # spaCy's ENT_IOB codes of "B" and "I"


def _date_runs(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of each DATE entity of a document: a "B" token and the "I" tokens after it; read from
    the token array once per document."""
    runs = doc.user_data.get(_DATE_RUNS)
    if runs is None:
        runs = []
        if len(doc):
            iob, label = doc.to_array([ENT_IOB, ENT_TYPE]).T.tolist()
            date = doc.vocab.strings["DATE"]
            for start in (i for i, (code, kind) in enumerate(zip(iob, label, strict=True))
                          if code == _IOB_BEGIN and kind == date):
                end = start + 1
                while end < len(iob) and iob[end] == _IOB_INSIDE:
                    end += 1
                runs.append((start, end))
        doc.user_data[_DATE_RUNS] = runs
    return runs


def _date_entities(sent: Span) -> list[Span]:
    """The DATE entities that begin in a sentence, cut at its end (``Span.ents`` walks the whole document)."""
    runs = _date_runs(sent.doc)
    first = bisect.bisect_left(runs, (sent.start, 0))
    return [sent.doc[start:min(end, sent.end)] for start, end in itertools.takewhile(
        lambda run: run[0] < sent.end, runs[first:])]


def event_date_text(sent: Span) -> str:
    """The sentence's text with the dates that only name another thing blanked out: "an October 25 coup",
    "the 2020 truce", "the 1967 war" date the coup, the truce and the war, not the event reported."""
    text = span_text(sent)
    for ent in _date_entities(sent):
        if _names_another_thing(ent):
            start, end = ent.start_char - sent.start_char, ent.end_char - sent.start_char
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def resolve_date(text: str, published: dt.date | None) -> DateSpan | None:
    """The date of the event that ``text`` reports, or None when it has no date expression.

    Relative expressions ("on Monday", "last week", "overnight") need ``published``; without it only
    calendar dates with a year resolve. The result is never after ``published``.
    """
    mention = best_date_mention(text, published)
    if mention is None:
        return None
    if mention.span.precision == "day" and _OVERNIGHT.search(text) and not _OVERNIGHT.search(mention.text):
        night = mention.span.start - dt.timedelta(days=1)  # "On Saturday, ... killed in overnight fighting"
        return mention.span.model_copy(update={"start": night, "end": night})
    return mention.span


# A night told apart from the day a sentence names is the night before it: an event that ran overnight is
# dated to the day it began, the evening before the morning it was reported.
_OVERNIGHT = re.compile(r"\bovernight\b", re.I)


# Days told relative to the day the text was just telling of: "The following day, the junta retaliated".
_FOLLOW_ON = re.compile(
    r"\b(?:(?P<next>the\s+(?:following|next)\s+(?:day|morning|night|evening)|a\s+day\s+later|the\s+day\s+after)"
    r"|(?P<n>two|three|four|five|\d)\s+days\s+later"
    r"|(?P<same>(?:on\s+)?the\s+same\s+day|later\s+(?:that|the\s+same)\s+(?:day|night|evening)"
    r"|(?:earlier|later)\s+that\s+day|hours\s+later))\b",
    re.IGNORECASE,
)
_DISCOVERY = re.compile(r"\b(?:found|discovered|recovered|retrieved|located|identified)\b", re.IGNORECASE)
_SMALL_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5}


def follow_on(text: str, context: DateSpan | None, published: dt.date | None) -> DateSpan | None:
    """The day of a sentence that dates its event from the day told before ("the following day", "two days
    later", "later that day"), when that day is known; None otherwise. Never after ``published``."""
    found = _FOLLOW_ON.search(text)
    if found is None or context is None or context.precision != "day" or _DISCOVERY.search(text):
        return None  # "the bodies were found the next day": the day of finding, not of the deed
    if found.group("next"):
        offset = 1
    elif found.group("n"):
        word = found.group("n").lower()
        offset = int(word) if word.isdigit() else _SMALL_NUMBERS[word]
    else:
        offset = 0
    day = context.start + dt.timedelta(days=offset)
    if published is not None and day > published:
        return None
    return DateSpan(start=day, end=day, precision="day", basis="text")


def own_dates(sent: Span, published: dt.date | None) -> tuple[dict[int, DateSpan], DateSpan | None]:
    """Dates that belong to one noun of a sentence ("Today's attack", "the Sunday bombing"), by the index of
    that noun, and the date the sentence's other events take once those are set aside ("Today's attack
    followed bombings over the weekend": the weekend). Empty and None when no date belongs to a noun."""
    owned: dict[int, DateSpan] = {}
    text = event_date_text(sent)
    for ent in _date_entities(sent):
        root = ent.root
        if root.dep_ not in ("poss", "compound") or root.head.pos_ != "NOUN" or _names_another_thing(ent):
            continue
        span = resolve_date(ent.text, published)
        if span is not None:
            owned[root.head.i] = span
            start, end = ent.start_char - sent.start_char, ent.end_char - sent.start_char
            text = text[:start] + " " * (end - start) + text[end:]
    return owned, resolve_date(text, published) if owned else None


def sentence_event_date(own: DateSpan | None, in_force: DateSpan | None,
                        published: dt.date | None) -> DateSpan | None:
    """The date of a sentence's events: its own date expression's, else the date in force from earlier
    sentences (basis "context"), else, in a news report, its publication (basis "publication"); without a
    publication date either there is no basis for a date and the events have none."""
    if own is not None:
        return own
    if in_force is not None:
        return in_force.model_copy(update={"basis": "context"})
    if published is None:
        return None
    return DateSpan(start=published, end=published, precision="day", basis="publication")
