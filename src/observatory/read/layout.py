"""The layout of an article's text: key-point lines, dateline and paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "BEIRUT:", "BEIRUT (Reuters) -", "MOSCOW (Reuters) -Two people", "KABUL, Afghanistan (AP) —", "Mogadishu, 12 May:"
_DATELINE = re.compile(
    r"^\s*(?P<name>[A-Z][A-Za-z'\.\- ]{1,40}?)(?:,\s*[A-Z][A-Za-z\. ]{1,30})?"
    r"(?:\s*\((?:[A-Za-z\.\' ]{1,40})\))?\s*(?::|—|–|--|-\s|(?<=[\s)])-(?=[A-Z0-9]))",
    re.MULTILINE,
)
# In a lower-cased text only the colon marks a dateline ("ahmedabad: at least ...").
_LOWER_DATELINE = re.compile(r"^\s*(?P<name>[a-z][a-z'\.\- ]{1,40}?)\s*:", re.MULTILINE)
_KEY_POINT = re.compile(r"^[ \t]*[-•*][ \t]+\S.*$", re.MULTILINE)
# Lines a web page puts before the story: "This story is from March 10, 2002", "Updated: 12 May 2021 10:02".
_STAMP = re.compile(
    r"^[ \t]*(?:this story is from|published|posted|updated|last updated|first published)\b[^\n]{0,60}\d{4}"
    r"[^\n]{0,20}$",
    re.IGNORECASE,
)
# Where the page's links to other stories begin: their headlines are not this report's events.
_TRAILER = re.compile(r"\b(?:related (?:stories|articles|news|coverage)|also read|read more)(?![a-z])", re.IGNORECASE)
HEADLINE_MAX_WORDS = 30
_MAX_UPPER_SHARE = 0.01  # below this share of capitals a text was lower-cased ("ahmedabad: ...")


@dataclass
class Layout:
    """Where the body starts, the dateline (start, end, place name) and paragraph spans."""

    body_start: int = 0
    body_end: int = 0  # where links to other stories begin (the text's length when there are none)
    lower_cased: bool = False  # the whole text is in lower case ("ahmedabad: police fired ...")
    dateline: tuple[int, int, str] | None = None
    dateline_end: int = 0  # first character after the dateline and its separator ("BEIRUT: " -> 8)
    headline_end: int = 0  # end of the headline line that opens the body (0 when the text opens with its lede)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)

    def paragraph_of(self, offset: int) -> tuple[int, int]:
        """The (start, end) of the paragraph holding a character offset."""
        for start, end in self.paragraphs:
            if start <= offset < end:
                return start, end
        return (0, 0)


def _key_points_end(text: str) -> int:
    pos = 0
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if _KEY_POINT.match(bare) or _STAMP.match(bare) or not line.strip():
            pos += len(line)
            continue
        break
    return pos


def _dateline(text: str, body_start: int) -> tuple[tuple[int, int, str], int] | None:
    """The dateline (start, end, name) at ``body_start`` and the end of its separator."""
    match = _DATELINE.match(text, body_start)
    if match is None:
        lower = _LOWER_DATELINE.match(text, body_start)
        match = lower if lower and _lower_cased(text[body_start:]) else None
    if not match:
        return None
    name = match.group("name").strip()
    words = name.split()
    if 1 <= len(words) <= 4 and (name.isupper() or match.group(0).rstrip().endswith(":")):
        start = body_start + (len(match.group(0)) - len(match.group(0).lstrip()))
        return (start, start + len(name), name), match.end()
    return None


def _headline_end(text: str, body_start: int) -> int:
    """The end of a headline that opens the body: a line of at most 30 words without a final full stop,
    followed by more text ("Bomber kills 50 at Iraq funeral\n\nBAGHDAD -- ...")."""
    line_end = text.find("\n", body_start)
    if line_end < 0 or not text[line_end:].strip():
        return 0
    line = text[body_start:line_end].strip()
    if not line or len(line.split()) > HEADLINE_MAX_WORDS or line.endswith((".", ";", ",")):
        return 0
    return line_end


def _lower_cased(text: str) -> bool:
    letters = "".join(filter(str.isalpha, text[:2000]))
    return bool(letters) and sum(map(str.isupper, letters)) < _MAX_UPPER_SHARE * len(letters)


def _trailer_start(text: str, body_start: int) -> int:
    """Where a closing block of links to other stories begins (only in the second half of the text)."""
    half = body_start + (len(text) - body_start) // 2
    match = _TRAILER.search(text, half)
    return match.start() if match else len(text)


def analyse(text: str) -> Layout:
    """Find the leading key-point lines, a dateline such as "BEIRUT:" and the paragraphs of a text."""
    body_start = _key_points_end(text)
    if body_start >= len(text):  # nothing but bullet lines: treat them as the body
        body_start = 0
    found = _dateline(text, body_start)
    dateline, end_of_dateline = found if found else (None, 0)
    paragraphs: list[tuple[int, int]] = []
    start = 0
    for block in re.finditer(r"\n\s*\n|\n(?=[ \t]*\S)", text):
        if block.start() > start:
            paragraphs.append((start, block.start()))
        start = block.end()
    if start < len(text):
        paragraphs.append((start, len(text)))
    return Layout(
        body_start=body_start,
        body_end=_trailer_start(text, body_start),
        lower_cased=_lower_cased(text[body_start:]),
        dateline=dateline,
        dateline_end=end_of_dateline,
        headline_end=0 if dateline else _headline_end(text, body_start),
        paragraphs=paragraphs,
    )
