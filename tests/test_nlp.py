"""The pipeline's attribute rules, matched by IndexedRules, give what spaCy's own attribute ruler gives."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.lang.en import English
from spacy.pipeline import AttributeRuler
from spacy.util import compile_prefix_regex

from observatory.cli import sample_path
from observatory.read.nlp import MODEL_PACKAGE, IndexedRules, get_nlp, span_text, text_of

TEXTS = [
    json.loads(line)["text"] for line in sample_path().read_text(encoding="utf-8").splitlines() if line.strip()
] + [
    "We're gon na go, y'all. Let's see: it ain't over, c'mon! There is a man who saw it and you.",
    "He gets what he got.  \n\n  Do they have it? I did, and so did she; there are two.",
    "",
    " ",
]
TOKEN_ATTRS = ("text", "tag_", "pos_", "morph", "lemma_", "dep_", "head", "is_sent_start", "ent_iob_", "ent_type_")


def _tokens(doc: spacy.tokens.Doc) -> list[tuple[str, ...]]:
    return [tuple(str(getattr(token, attr)) for attr in TOKEN_ATTRS) for token in doc]


def test_the_rules_match_where_spacys_matcher_matches() -> None:
    ruler = get_nlp().get_pipe("attribute_ruler")
    indexed = IndexedRules(ruler)
    for doc in get_nlp().pipe(TEXTS):
        assert indexed.matches(doc) == AttributeRuler.match(ruler, doc)


def test_the_pipeline_annotates_every_token_as_the_stock_model_does() -> None:
    stock = spacy.load(MODEL_PACKAGE)
    ours = get_nlp()
    stock.tokenizer = ours.tokenizer  # the same tokens; the stock attribute ruler
    stock.add_pipe("line_breaks_end_sentences", before="parser")
    for expected, got in zip(stock.pipe(TEXTS), ours.pipe(TEXTS), strict=True):
        assert _tokens(got) == _tokens(expected)


def test_a_rule_it_cannot_index_is_refused() -> None:
    ruler = AttributeRuler(spacy.blank("en").vocab)
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"LEMMA": "a"})
    with pytest.raises(ValueError, match="not one IndexedRules handles"):
        IndexedRules(ruler)


def test_text_of_is_the_documents_text_joined_once() -> None:
    doc = get_nlp()("KABUL (AP) — Gunmen killed two guards.\n\nPolice said.  ")
    assert text_of(doc) == doc.text
    doc.user_data["observatory_text"] = "remembered"
    assert text_of(doc) == "remembered"  # read from the document, not joined again


def test_span_text_is_the_spans_own_text() -> None:
    for doc in get_nlp().pipe(TEXTS):
        spans = [*doc.sents, *doc.ents, *(doc[i : i + n] for i in range(len(doc)) for n in (0, 1, 2, 3))]
        assert [span_text(span) for span in spans] == [span.text for span in spans]
    doc = get_nlp()("Gunmen killed two guards.")
    doc.user_data["observatory_text"] = "remembered text here"
    assert span_text(doc[0:1]) == "rememb"  # cut from the document's remembered text, not joined again


def test_the_tokenizer_is_the_models_with_the_dateline_prefix() -> None:
    stock = spacy.load(MODEL_PACKAGE).tokenizer
    stock.prefix_search = compile_prefix_regex([*English.Defaults.prefixes, r"-(?=[A-Z])"]).search
    assert get_nlp().tokenizer.to_bytes(exclude=["vocab"]) == stock.to_bytes(exclude=["vocab"])
    assert [t.text for t in get_nlp()("MOSCOW (Reuters) -Two people")][-3:] == ["-", "Two", "people"]
