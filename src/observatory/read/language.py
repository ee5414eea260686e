"""The language of a document, told offline, to keep English texts only.

Two checks, the script first. A text whose letters are mostly of another script than Latin (Arabic,
Chinese, Cyrillic, ...) is not English, however short: more than ``MAX_OTHER_SCRIPT_SHARE`` of its letters
outside the Latin script (English reports quoting names in Arabic script stay well below: at most 15% in
the development data). A text in Latin script is told by py3langid's bundled model, and only a confident
verdict counts: it is taken as English unless it has at least ``MIN_LETTERS`` letters and another
language scores at least ``MIN_CONFIDENCE`` (a probability over the model's 97 languages). Shorter
headlines and English reports quoting foreign words stay English, and so do reports that score close to
an English-based creole (Nigerian Pidgin): with these thresholds none of the 4,414 English development
texts and titles (352 of them with 20 to 60 letters) was taken for another language, the highest score
of another language being 0.75.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import regex
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import load_model

from observatory.read.array_cache import cached_arrays

MIN_LETTERS = 20
MIN_CONFIDENCE = 0.9
MAX_OTHER_SCRIPT_SHARE = 0.3
MIN_SCRIPT_CONFIDENCE = 0.5  # below it, a text of another script is named by its script, not a language
SAMPLE_CHARS = 10_000  # the language of the opening 10,000 characters is the document's
_LETTER = regex.compile(r"\p{L}")
_LATIN_LETTER = regex.compile(r"\p{Latin}")


@dataclass(frozen=True)
class Language:
    """A detected language: its ISO 639 code and the model's probability for it."""

    code: str
    confidence: float


# The parts of py3langid's model, in the order its loader returns them.
_MODEL_PARTS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """py3langid's bundled model, its tables mapped from an unpacked copy in the cache directory (named by
    the model file's hash, written on first use): decompressing the model would take half a second at
    every start. The values are those py3langid's own loader gives."""
    model_file = MODEL_DIR / MODEL_FILE
    digest = hashlib.sha256(model_file.read_bytes()).hexdigest()[:16]
    parts = cached_arrays(
        f"langid-{digest}", lambda: {name: np.asarray(part) for name, part in zip(_MODEL_PARTS, load_model(model_file),
                                                                               strict=True)})
    return LanguageIdentifier(parts["ptc"], np.asarray(parts["pc"]), parts["classes"].tolist(),
                              memoryview(parts["nextmove"]), parts["out_feat"].tolist(), norm_probs=True,
                              tk_row=memoryview(parts["nextmove_row"]))


def detect_language(text: str) -> Language | None:
    """The most likely language of ``text``; None when it has too few letters to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    code, confidence = _identifier().classify(sample)
    return Language(code, confidence)


def _other_script(sample: str) -> str | None:
    """The main non-Latin script of ``sample`` ("Arabic") when too many of its letters are not Latin."""
    letters = _LETTER.findall(sample)
    others = [ch for ch in letters if not _LATIN_LETTER.match(ch)]
    if not others or len(others) <= MAX_OTHER_SCRIPT_SHARE * len(letters):
        return None
    scripts = [unicodedata.name(ch, "OTHER").split()[0] for ch in others]
    return max(set(scripts), key=scripts.count).title().replace("Cjk", "CJK")


def foreign_language(text: str) -> str | None:
    """What ``text`` is confidently written in when that is not English, else None.

    A language code ("fr", "ar"), or for a short text of another script its script ("Cyrillic script").
    """
    sample = text[:SAMPLE_CHARS]
    script = _other_script(sample)
    if script is not None:
        code, confidence = _identifier().classify(sample)
        return code if code != "en" and confidence >= MIN_SCRIPT_CONFIDENCE else f"{script} script"
    detected = detect_language(sample)
    if detected is None or detected.code == "en" or detected.confidence < MIN_CONFIDENCE:
        return None
    return detected.code
