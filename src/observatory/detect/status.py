"""Whether an event happened (occurred / failed / planned / hypothetical / negated / historical) and who
reports it.

Status cues count only when they govern the trigger in the dependency tree: an auxiliary, negation or
marker of the trigger, or of a verb the trigger depends on through a complement chain ("failed to
reach", "plans to attack", "agreed to free"), never a cue elsewhere in the sentence.
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.tokens import Span, Token

from observatory.detect import speech
from observatory.models import Attribution, DateSpan, Status
from observatory.read.nlp import span_text

REPORTING_LEMMAS = frozenset({
    "say", "report", "claim", "tell", "state", "announce", "confirm", "quote", "add", "allege", "note",
    "acknowledge", "insist", "explain", "reveal", "disclose", "declare", "write", "tweet", "post", "suspect",
    "believe",
})  # fmt: skip
_FAILED_GOVERNORS = frozenset({"fail", "attempt", "try", "foil", "thwart", "prevent", "avert", "abort",
                               "defuse", "intercept", "repel", "repulse", "frustrate", "stop",
                               "unable"})  # fmt: skip
_FAILED_MODIFIERS = frozenset({"attempted", "failed", "foiled", "thwarted", "aborted", "botched", "abortive"})
_PLANNED_GOVERNORS = frozenset({"plan", "intend", "schedule", "set", "threaten", "vow", "pledge", "prepare",
                                "aim", "agree", "decide", "promise", "expect", "propose", "call", "urge",
                                "announce", "mean", "hope", "want", "go", "plot", "demand", "seek",
                                "ask", "request", "recommend", "likely", "due", "poised", "ready"})  # fmt: skip
# "is free to arrest us", "are willing to talk": a possibility, not a deed ("were able to" is a deed).
_HYPOTHETICAL_GOVERNORS = frozenset({"free", "willing", "unlikely", "possible"})
# "arrangements for detaining pilgrims", "preparations for an offensive": the event is still to come.
_PLANNING_NOUNS = frozenset({"arrangement", "preparation", "plan", "plot", "blueprint"})
_PLANNED_MODIFIERS = frozenset(
    {"planned", "scheduled", "proposed", "upcoming", "impending", "future", "looming"}
)
# "potential looting", "a possible attack", "feared reprisals": not (yet) an event.
_HYPOTHETICAL_MODIFIERS = frozenset({"potential", "possible", "feared", "hypothetical", "prospective"})
_HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "should", "can", "must"})
_PLANNED_AUX = frozenset({"will", "shall", "'ll"})
_CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "lest"})
_NEGATING_GOVERNORS = frozenset({"deny", "refute", "dismiss", "reject", "rule"})
# Verbs whose subject came to nothing: "the talks collapsed", "the offensive stalled".
_COLLAPSING = frozenset({"collapse", "fail", "falter", "stall", "founder"})
_HISTORICAL_MODIFIERS = frozenset({"longtime", "formerly", "previously", "once", "historically"})
_LONG_CONFLICTS = frozenset({"war", "conflict", "insurgency", "uprising", "crisis", "violence", "campaign",
                             "rebellion", "revolt", "occupation", "siege", "fighting"})  # fmt: skip
_NOBODY = frozenset({"nobody", "none", "no one", "noone"})
_NOT_ONE = ("not a single ", "not one ", "none of ")
# Verbs that pass a nominal trigger's status through ("launch an attack", "reach an agreement"); any other
# verb presupposes the event ("condemned the attack").
_LIGHT_VERBS = frozenset({"launch", "carry", "conduct", "stage", "mount", "hold", "organize", "organise",
                          "commit", "perpetrate", "reach", "sign", "make", "start", "begin", "wage",
                          "unleash", "execute", "do", "have", "take", "strike", "fire", "continue",
                          "resume", "step"})  # fmt: skip
_CHAIN_DEPS = frozenset(
    {"xcomp", "ccomp", "conj", "dobj", "nsubjpass", "pcomp", "pobj", "prep", "acl", "advcl"}
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Verbs through which a noun trigger they take as object gets its status from further up ("tried to carry out
# an attack"): light, failing, planning and negating verbs; any other verb ends the chain.
_OBJECT_GOVERNORS = _LIGHT_VERBS | _FAILED_GOVERNORS | _PLANNED_GOVERNORS | _NEGATING_GOVERNORS


def is_reporting_verb(token: Token) -> bool:
    """Whether ``token`` is a verb of saying ("said", "told", "according") rather than an event."""
    if token.lower_ == "according":
        return True
    if token.lemma_.lower() not in REPORTING_LEMMAS or token.pos_ not in ("VERB", "AUX"):
        return False
    return not (token.lemma_ == "claim" and any(child.lemma_ == "responsibility" for child in token.children))


def _governors(trigger: Token) -> list[tuple[Token, str]]:
    """The trigger and the heads it depends on through complement chains, each with the relation used."""
    chain = [(trigger, "self")]
    token = trigger
    while token.head.i != token.i and token.dep_ in _CHAIN_DEPS:
        head = token.head
        if is_reporting_verb(head):
            break
        if token.dep_ in ("dobj", "nsubjpass") and token.pos_ in ("NOUN", "PROPN"):
            lemma = head.lemma_.lower()
            if lemma not in _OBJECT_GOVERNORS:
                break
        if token.dep_ in ("advcl", "acl") and not any(
            c.dep_ == "aux" and c.lower_ == "to" for c in token.children
        ):
            break
        relation = "xcomp" if token.dep_ == "prep" and token.lower_ == "to" else (
            "for" if token.dep_ == "prep" and token.lower_ == "for" else token.dep_)  # "called for protests"
        chain.append((head, relation))
        token = head
    return chain


def _cue(token: Token, relation: str, is_trigger: bool) -> Status | None:
    """The status cue carried by one governor of the trigger, if any."""
    lemma = token.lemma_.lower()
    children = list(token.children)
    if any(c.dep_ == "neg" for c in children) or any(c.dep_ == "det" and c.lower_ == "no" for c in children):
        return "negated"
    if not is_trigger:
        if lemma in _FAILED_GOVERNORS and relation in ("xcomp", "dobj", "nsubjpass", "pcomp", "pobj", "conj"):
            return None if relation == "conj" else "failed"
        if lemma in _NEGATING_GOVERNORS and relation in ("ccomp", "dobj", "xcomp", "pcomp", "pobj"):
            return "negated"
        if lemma in _PLANNED_GOVERNORS and relation in ("xcomp", "dobj", "ccomp", "for"):
            return "planned"
        if lemma == "be" and relation == "xcomp":  # "is to visit", "were to meet"
            return "planned"
        if lemma in _HYPOTHETICAL_GOVERNORS and relation == "xcomp":
            return "hypothetical"
        if lemma in _PLANNING_NOUNS and relation in ("prep", "for"):
            return "planned"
    if any(c.dep_ in ("amod", "advmod") and c.lower_ in _FAILED_MODIFIERS for c in children):
        return "failed"
    if any(c.dep_ in ("amod", "compound") and c.lower_ in _PLANNED_MODIFIERS for c in children):
        return "planned"
    if any(c.dep_ == "amod" and c.lower_ in _HYPOTHETICAL_MODIFIERS for c in children):
        return "hypothetical"
    if _inverted_conditional(children):
        return "hypothetical"
    for child in children:
        if child.dep_ == "aux" and child.lower_ in _HYPOTHETICAL_AUX:
            return "hypothetical"
        if child.dep_ == "aux" and child.lower_ in _PLANNED_AUX:
            return "planned"
        if child.dep_ == "mark" and child.lower_ in _CONDITIONAL_MARKS:
            return "hypothetical"
    return None


def _inverted_conditional(children: list[Token]) -> bool:
    """'had he been detained', 'were they to attack': an auxiliary before its subject, with no question."""
    subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ not in ("WDT", "WP")), None)
    if subject is None or not any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "were", "should") and c.i < subject.i for c in children
    ):
        return False
    return subject.sent[-1].text != "?"


def _patient_is_nobody(trigger: Token) -> bool:
    """'no one was killed', 'killing nobody', 'not a single activist was arrested': the trigger itself did
    not happen."""
    for child in trigger.children:
        if child.dep_ not in ("nsubjpass", "dobj"):
            continue
        words = " ".join(t.lower_ for t in child.subtree)
        if words in _NOBODY or words.startswith(_NOT_ONE):
            return True
        if any(t.dep_ == "det" and t.lower_ == "no" for t in child.children):
            return True
    return False


def _is_historical(trigger: Token, published: dt.date | None, recent: bool) -> bool:
    """'has killed ... since 2011', 'the war that has killed', 'had controlled' (unless the sentence dates it
    recently: "had been kidnapped on Tuesday"), a year long past."""
    token = trigger
    if any(c.dep_ == "prep" and c.lower_ == "since" for c in token.children):
        return True
    if any(c.lower_ in _HISTORICAL_MODIFIERS for c in token.children):
        return True
    if (
        token.dep_ == "relcl"
        and token.head.lemma_.lower() in _LONG_CONFLICTS
        and any(c.dep_ == "aux" and c.lemma_ == "have" for c in token.children)
    ):
        return True
    if any(c.dep_ == "aux" and c.lower_ == "had" for c in token.children) and not (
            _under_reporting(token) or recent):
        return True
    if published is not None:
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("in", "during")):
            years = [int(t.text) for t in prep.subtree if _YEAR.match(t.text)]
            if years and max(years) < published.year - 1:
                return True
    return False


def _under_reporting(token: Token) -> bool:
    return any(is_reporting_verb(ancestor) for ancestor in token.ancestors)


def detect_status(sent: Span, trigger: Token, published: dt.date | None = None, recent: bool = False) -> Status:
    """The status of the event of ``trigger`` in ``sent``; "occurred" unless a cue governs the trigger.

    ``published`` (optional) lets a year long before publication ("in 2011") mark the event historical;
    ``recent``: the sentence states a date shortly before publication, so a pluperfect is no history.
    """
    if _patient_is_nobody(trigger):
        return "negated"
    if trigger.dep_ == "nsubj" and (trigger.head.lemma_.lower() in _COLLAPSING or (
            trigger.head.lemma_.lower() == "break" and any(c.lower_ == "down" for c in trigger.head.children))):
        return "failed"  # "ceasefire talks have collapsed", "the truce broke down" (not "clashes broke out")
    for index, (token, relation) in enumerate(_governors(trigger)):
        status = _cue(token, relation, is_trigger=index == 0)
        if status is not None:
            return status
    if _is_historical(trigger, published, recent):
        return "historical"
    return "occurred"


# --- attribution ------------------------------------------------------------------------------


def _phrase(token: Token) -> Span:
    """The noun phrase of ``token`` without trailing relative clauses, appositions or punctuation."""
    doc = token.doc
    start = token.left_edge.i
    end = token.i
    for child in token.rights:
        if child.dep_ in ("relcl", "appos", "acl", "punct"):
            break
        end = child.right_edge.i
    while end > start and doc[end].is_punct:
        end -= 1
    return doc[start : end + 1]


def _according_to(sent: Span) -> Attribution | None:
    for token in sent:
        if token.lower_ != "according":
            continue
        to = next((c for c in token.children if c.lower_ == "to"), None)
        if to is None and token.i + 1 < sent.end and sent.doc[token.i + 1].lower_ == "to":
            to = sent.doc[token.i + 1]
        if to is None:
            continue
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            continue
        claimant = _phrase(source)
        return Attribution(claimant=claimant.text, text=sent.doc[token.i : claimant.end].text)
    return None


def _reported_by(verb: Token) -> Attribution | None:
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    passive: list[int] = []
    source = next((c for c in children if c.dep_ in ("nsubj", "nsubj:pass")), None)
    if source is not None and source.lower_ in ("it", "there"):
        source = None
    if lemma == "quote":
        source = next((c for c in children if c.dep_ in ("dobj", "nsubjpass")), source)
    if source is None:
        agent = next((c for c in children if c.dep_ == "agent"), None)
        source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        passive = [c.i for c in children if c.dep_ in ("nsubjpass", "auxpass")]
    if source is None:
        return None
    claimant = _phrase(source)
    parts = [claimant.start, claimant.end - 1, verb.i, *passive]
    parts += [
        c.right_edge.i
        for c in children
        if c.dep_ in ("dative", "agent") or (c.dep_ == "dobj" and lemma == "tell")
    ]
    return Attribution(claimant=claimant.text, text=verb.doc[min(parts) : max(parts) + 1].text)


HISTORICAL_DAYS = 30
REFUSALS = {"refuse", "decline", "reject", "rule"}


def _purpose(token: Token) -> bool:
    """An aim, not a deed: "an offensive to seize the capital", "in order to capture", "a force armed to
    kill", "troops sent to quell the protest"."""
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    return infinitive and (
        (token.dep_ == "acl" and token.head.pos_ == "NOUN")
        or (token.dep_ == "advcl" and any(c.lower_ == "order" for c in token.children))
        or (token.dep_ in ("xcomp", "advcl") and token.head.tag_ == "VBN" and token.head.dep_ in ("acl", "amod"))
    )


def long_before(date: DateSpan | None, published: dt.date | None) -> bool:
    """A date stated in the sentence that ended long before the report: background, not news."""
    return date is not None and published is not None and (published - date.end).days > HISTORICAL_DAYS


def event_status(sent: Span, trigger: Token, published: dt.date | None, sentence_date: DateSpan | None,
                 reading: str | None, act: speech.SpeechAct | None) -> Status:
    """The status of a detected event in its sentence, from its cues (detect_status), what the clause
    tells of it (``reading`` from background.non_incident: "history" is an anniversary), a refusal
    ("refused to attack"), an aim ("an offensive to seize"), what the sentence's statement demands,
    promises or threatens (``act``), and the sentence's own date when it is long before publication."""
    recent = sentence_date is not None and not long_before(sentence_date, published)
    status = detect_status(sent, trigger, published, recent)
    if reading == "history" and status == "occurred":
        status = "historical"  # "the anniversary of the school attack"
    if trigger.dep_ == "xcomp" and trigger.head.lemma_.lower() in REFUSALS:
        status = "negated"
    elif status == "occurred" and (_purpose(trigger) or (act is not None and speech.states(act, trigger))):
        status = "planned"  # an aim, or what a statement demands, promises or threatens
    if status == "occurred" and long_before(sentence_date, published):
        status = "historical"
    return status


def find_attribution(sent: Span) -> Attribution | None:
    """Who reports the events of ``sent``: "according to X", "X said", "it was reported by X"."""
    according = _according_to(sent)
    if according is not None:
        return according
    verbs = [t for t in sent if is_reporting_verb(t) and t.lower_ != "according"]
    verbs.sort(key=lambda t: (t.dep_ != "ROOT", t.i))
    for verb in verbs:
        attribution = _reported_by(verb)
        if attribution is not None:
            return attribution
    return _trailing_source(sent)


# ", the Syrian Observatory for Human Rights said." when the parser lost the subject of "said".
_TRAILING_SOURCE = re.compile(
    r",\s*(?P<claimant>(?:the |a |an )?[A-Za-z][\w'’\- ]{2,80}?)\s+(?P<verb>said|says|reported|reports|told \w+|added|"
    r"claimed|confirmed|announced)\b[^,;]{0,40}$"
)


def _trailing_source(sent: Span) -> Attribution | None:
    match = _TRAILING_SOURCE.search(span_text(sent).rstrip(" .\n\"'”"))
    if match is None:
        return None
    claimant = match.group("claimant").strip()
    return Attribution(claimant=claimant, text=f"{claimant} {match.group('verb')}")
