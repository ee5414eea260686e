"""Text made safe to print on a terminal: no escape sequences, no control characters.

Article texts, actor names, file names and document ids come from outside; printed raw, an ANSI escape
sequence in one of them could recolour, clear or retitle the user's terminal, a carriage return could
overwrite a line and a bidirectional override reverse it. Every value the CLI prints goes through
``terminal_safe`` first.
"""

from __future__ import annotations

import re
import unicodedata

# ESC or CSI sequences (ECMA-48): CSI ... final byte, OSC/DCS/SOS/PM/APC strings up to BEL or ST, and
# two-character escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = frozenset("\t\n\r\v\f")


def _printable(ch: str) -> str:
    if ch in _SPACES:
        return " "
    if ch in _BIDI_CONTROLS or unicodedata.category(ch) == "Cc":
        return ""
    return ch


def terminal_safe(text: str) -> str:
    """``text`` without escape sequences, control characters or bidirectional overrides, on one line.

    Tabs and line breaks become spaces, so that one value never spans or fakes several lines.
    """
    return "".join(_printable(ch) for ch in _ESCAPE_SEQUENCE.sub("", text))
