"""One quantity expression read as numbers: "at least 70", "between 1,000 and 1,500", "twenty-three",
"dozens", "a man".

Vague quantity words take the conservative value of ACLED's codebook, as ``low`` and ``best`` with no
``high``: "several", "many" and "numerous" 10, "a dozen" and "dozens" 12, "scores" 20, "hundreds" 100,
"thousands" 1,000, "tens of thousands" 10,000, "hundreds of thousands" 100,000, "millions" 1,000,000.
"A few" is not a count.
"More than 20" is recorded as 20, as conflict coders record a stated floor.
"""

from __future__ import annotations

import re

from observatory.models import Quantity

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip


_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


# Vague counts read the conservative way of ACLED's codebook: "several" and "many" dead are 10, "dozens"
# 12, "hundreds" 100, and so on, one of the unit named.
_VAGUE = {
    "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
    "a dozen": 12,
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1_000,
    "millions": 1_000_000,
    "several": 10,
    "many": 10,
    "numerous": 10,
}


_NUMBER_WORD = "|".join([*_UNITS, *_SCALES, "a", "an", "and", "half"])


_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s*(?:" + "|".join(_SCALES) + "))?"


_WORDS = rf"(?:(?:{_NUMBER_WORD})[\s-]+)*(?:{'|'.join([*_UNITS, *_SCALES])})\b"


_NUMBER = rf"(?:{_DIGITS}|{_WORDS})"


_NOT_COUNTS = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:-|\s)\s*(?:year|month|week|day|hour|minute)s?[\s-]+old\b"  # ages
    r"|\b\d+(?:st|nd|rd|th)\b"  # ordinals
    r"|\b\d+(?:\.\d+)?\s*(?:%|per\s?cent)"  # percentages
    r"|[$€£]\s*\d[\d,.]*"  # money
    r"|\b\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)"  # times
    r"|\b[A-Z]+-\d+\b",  # weapon and vehicle names (AK-47, BM-21)
    re.I,
)


_INDEFINITE_PERSON = re.compile(
    r"^(?:a|an|one)\s+(?!few\b|couple\b|dozen\b|number\b|lot\b|hundred\b|thousand\b)[a-z]"
)


_APPROXIMATE = r"about|some|nearly|around|approximately|roughly|almost|an estimated|estimated|close to"


_PATTERNS = [
    (re.compile(rf"\bbetween\s+(?P<a>{_NUMBER})\s+and\s+(?P<b>{_NUMBER})\b"), "range"),
    (re.compile(rf"(?<![\w,.])(?P<a>{_NUMBER})\s*(?:-|–|to|or)\s*(?P<b>{_NUMBER})\b"), "range"),
    (
        re.compile(rf"\b(?:at\s+least|not?\s+(?:fewer|less)\s+than|a\s+minimum\s+of)\s+(?P<a>{_NUMBER})\b"),
        "least",
    ),
    (re.compile(rf"\b(?:more\s+than|over|upwards\s+of|in\s+excess\s+of)\s+(?P<a>{_NUMBER})\b"), "more"),
    (re.compile(rf"\b(?:fewer\s+than|less\s+than|under)\s+(?P<a>{_NUMBER})\b"), "fewer"),
    (re.compile(rf"\b(?:up\s+to|as\s+many\s+as|at\s+most)\s+(?P<a>{_NUMBER})\b"), "most"),
    (re.compile(rf"\b(?:{_APPROXIMATE})\s+(?P<a>{_NUMBER})\b"), "about"),
    (re.compile(rf"(?<![\w,.])(?P<a>{_NUMBER})(?![\w,]*\d)"), "exact"),
]


def _words_to_int(text: str) -> int | None:
    """'twenty-three' -> 23, 'two hundred and five' -> 205, 'half a million' -> 500000."""
    total = current = 0
    half = False
    seen = False
    for word in re.split(r"[\s-]+", text.strip()):
        if word in ("and", ""):
            continue
        if word in ("a", "an"):
            current = current or 1
        elif word == "half":
            half = True
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            if scale == 100:
                current = (current or 1) * scale
            else:
                total += (current or 1) * scale
                current = 0
            seen = True
        else:
            return None
    if not seen:
        return None
    value = total + current
    return value // 2 if half else value


def to_int(text: str) -> int | None:
    """A number written in digits or words ("1,500", "twenty-three", "2 million"), or None."""
    text = text.strip().lower()
    number = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)\s*(hundred|thousand|million|billion)?", text)
    if number:
        value = float(number.group(1).replace(",", ""))
        return int(value * _SCALES[number.group(2)]) if number.group(2) else int(value)
    return _words_to_int(text)


_TENS_WORDS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}


_ONES_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}


def _compound_number(m: re.Match[str]) -> bool:
    """ "twenty-two thousand" is one number, not the range twenty to two thousand."""
    between = m.string[m.end("a") : m.start("b")]
    return (
        between == "-"
        and m.group("a").split()[-1].lower() in _TENS_WORDS
        and re.split(r"[\s-]+", m.group("b"))[0].lower() in _ONES_WORDS
    )


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity expression of ``text``, or None.

    "between 1,000 and 1,500" -> low 1000, best 1250, high 1500; "at least 70" -> low 70, best 70;
    "more than 20" -> low 20, best 20; "up to 30" -> best 30, high 30; "about 30" -> best 30;
    "dozens" -> low 24, best 24; "a man" -> 1. Ages, ordinals, percentages, money, times and weapon
    names are not quantities.
    """
    text = _NOT_COUNTS.sub(" ", text.strip().lower())
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    found: list[tuple[int, Quantity]] = []
    for pattern, kind in _PATTERNS:
        m = pattern.search(text)
        if m is None:
            continue
        a = to_int(m.group("a"))
        if a is None:
            continue
        if kind == "range":
            b = to_int(m.group("b"))
            if b is None or b < a or _compound_number(m):
                continue
            found.append((m.start(), Quantity(low=a, best=(a + b) // 2, high=b)))
        else:
            found.append((m.start(), _modified(kind, a)))
        break
    for phrase, value in _VAGUE.items():
        m = re.search(rf"\b{phrase}\b", text)
        if m:
            found.append((m.start(), Quantity(low=value, best=value)))
            break
    if not found and _INDEFINITE_PERSON.match(text):
        return Quantity(low=1, best=1, high=1)
    return min(found, key=lambda item: item[0])[1] if found else None


def _modified(kind: str, value: int) -> Quantity:
    if kind in ("least", "more"):
        return Quantity(low=value, best=value)
    if kind == "fewer":
        return Quantity(best=max(value - 1, 0), high=max(value - 1, 0))
    if kind == "most":
        return Quantity(best=value, high=value)
    if kind == "about":
        return Quantity(best=value)
    return Quantity(low=value, best=value, high=value)
