"""Capitals back on place names in a lower-cased text, so that the toponym finder can see them.

Some archives store articles in lower case ("ahmedabad: police fired at a mob in vadodara"). The toponym
finder keys on capitals; here, a word right after a place cue ("in", "near", "district of") or in the
dateline gets its capital back when the gazetteer knows it and it is not an ordinary English word (the
spaCy lemmatizer's word lists), unless it names a big city, a region or a country of one country only
("in delhi", "in gujarat", but not "in the centre"). The result has the same length as the input, so
character offsets stay valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from observatory.lexicon.gazetteer import Place
from observatory.read.nlp import get_nlp

BIG_CITY = 1_000_000
# A place cue and, looked ahead so that the next cue is still seen, up to three words after it.
_AFTER_CUE = re.compile(
    r"\b(?:in|near|at|outside|around|from|into|towards?|across|(?:district|town|village|city|area|state|province)"
    r"\s+of)\s+(?:the\s+)?(?=(?P<words>[a-z][a-z'’-]{2,}(?:\s+[a-z][a-z'’-]{2,}){0,2}))"
)


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Every word in the lemmatizer's lists of English nouns, verbs, adjectives and adverbs."""
    table = get_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(word for words in table.values() for word in words)


def is_anchor(place: Place) -> bool:
    """A place that tells which country a text is about: a country, a region or a big city."""
    return place.kind != "city" or place.population >= BIG_CITY


def _known_place(name: str, candidates: Callable[[str], list[Place]]) -> bool:
    if name in STOP_WORDS:  # "in for a surprise": no place, whatever the gazetteer's alternate names say
        return False
    places = candidates(name)
    if not places:
        return False
    if " " in name or name not in _english_words():
        return True
    # an English word names a place only as a country, a region or a big city of one country: "gujarat",
    # "delhi", "italy", but not "centre" or "north" (regions in many countries)
    anchors = {p.country for p in places if is_anchor(p)}
    return len(anchors) == 1


def restore_place_case(text: str, candidates: Callable[[str], list[Place]], dateline: tuple[int, int] | None) -> str:
    """``text`` with the place names it names after a cue (and in its dateline) capitalised."""
    chars = list(text)

    def capitalise(start: int, end: int) -> None:
        for match in re.finditer(r"[a-z][^\s-]*", text[start:end]):
            chars[start + match.start()] = chars[start + match.start()].upper()

    if dateline is not None:
        capitalise(*dateline)
    for match in _AFTER_CUE.finditer(text):
        words = match.group("words").split()
        for size in range(len(words), 0, -1):  # the longest run of words the gazetteer knows
            name = " ".join(words[:size])
            if _known_place(name, candidates):
                capitalise(match.start("words"), match.start("words") + len(name))
                break
    return "".join(chars)
