"""Verbal events: what a statement does, as PLOVER codes it.

"Iraq said it would allow the inspectors back" reports no inspection yet, but the statement itself is
an event: a promise (AGREE). "X must withdraw" is a demand (REQUEST); "the EU may halt aid if ..." is a
threat (THREATEN). The planned or hypothetical action stays non-occurred; the statement is occurred.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

_DEMAND_MODALS = {"must", "should"}
_PROMISE_MODALS = {"will", "would", "'ll", "shall"}
_HEDGED_MODALS = {"may", "might", "could"}
_INTENT_HEADS = {
    "plan", "intend", "prepare", "willing", "ready", "offer", "pledge", "promise", "vow", "agree", "decide",
    "swear", "prepared",
}
_STATIVE = {"stay", "remain", "be", "have", "continue", "take", "keep", "need", "last", "seem", "become"}
_PRONOUNS = {"it", "they", "we", "he", "she", "i"}
_ACTOR_NOUNS = {
    "police", "army", "government", "troops", "forces", "military", "authorities", "rebels", "militants",
    "ministry", "party", "officials", "leaders", "leader", "commanders", "commander", "president", "minister",
    "fighters", "council", "parliament", "court", "administration", "regime", "group", "movement", "opposition",
    "protesters", "union", "unions", "insurgents", "guerrillas", "junta", "cabinet", "coalition", "alliance",
}
_HOSTILE_ACTIONS = {
    "halt", "suspend", "cut", "impose", "attack", "fight", "boycott", "sanction", "expel", "tighten", "restrict",
    "punish", "retaliate", "strike", "destroy", "use", "ban", "block", "bomb", "invade", "kill", "arrest",
    "close", "stop", "end", "withdraw", "freeze", "deport", "shoot", "target", "crush", "tolerate", "respond",
    "hit", "launch", "resume",
}
_CONDITIONS = {"if", "unless"}


@dataclass
class SpeechAct:
    """A verbal event: its PLOVER type, the verb that carries it, and a base confidence."""

    plover_type: str
    token: Token
    score: float


def _modals(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ == "aux" and c.tag_ == "MD"}


def _is_negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


def _agentive_subject(verb: Token) -> bool:
    """A commitment needs a committing party: a pronoun for the speaker, a named actor or an actor noun."""
    subjects: list[Token] = []
    for node in [verb, *verb.ancestors]:
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects or not (node.dep_ in ("xcomp", "acomp") or _is_intent(node)):
            break
    return any(s.lower_ in _PRONOUNS or s.lower_ in _ACTOR_NOUNS or s.pos_ == "PROPN"
               or s.ent_type_ in ("GPE", "ORG", "NORP", "PERSON") for s in subjects)


def _is_intent(verb: Token) -> bool:
    """An action someone sets out to do: "vowed to fight", "is ready to talk" (parsed as xcomp or advcl)."""
    infinitive = verb.dep_ == "xcomp" or (verb.dep_ == "advcl" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children))
    return infinitive and verb.head.lemma_.lower() in _INTENT_HEADS


def _kind_of(verb: Token) -> str | None:
    """REQUEST, THREATEN or AGREE for a verb that states a demand, a threat or a commitment."""
    modals = _modals(verb)
    head = verb.head
    if modals & _DEMAND_MODALS or any(c.lower_ == "to" for c in verb.children) and head.lemma_ == "have" and (
            head.tag_ != "VBD" or head.dep_ == "ccomp"):  # "had to have his hand amputated" tells what happened
        return "REQUEST"  # a demand is the speaker's, whoever must act
    if verb.lemma_.lower() in _STATIVE or not _agentive_subject(verb):
        return None
    conditional = any(c.dep_ == "advcl" and any(m.lower_ in _CONDITIONS for m in c.children) for c in verb.children)
    hostile = verb.lemma_.lower() in _HOSTILE_ACTIONS
    if modals & _HEDGED_MODALS:  # "the EU may halt aid if ...": a threat; any other "may" is a guess
        return "THREATEN" if conditional and hostile and not _is_negated(verb) else None
    if not (modals & _PROMISE_MODALS or _is_intent(verb) or (verb.dep_ == "xcomp" and _modals(head) & _PROMISE_MODALS)):
        return None
    if (hostile and not _is_negated(verb)) or (_is_negated(verb) and verb.lemma_.lower() == "tolerate"):
        return "THREATEN"
    return "AGREE"


def _clauses(root: Token) -> list[Token]:
    """The main verb, its reported and chained clauses, and the verbs after "is willing/prepared to"."""
    verbs = [root, *[c for c in root.children if c.dep_ in ("ccomp", "xcomp", "conj")]]
    found: list[Token] = []
    for verb in verbs:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        found.append(verb)
        for child in verb.children:
            if child.dep_ == "xcomp" or _is_intent(child):
                found.append(child)
            elif child.dep_ == "acomp":
                found.extend(c for c in child.children if c.dep_ == "xcomp")
    return found


def _quoted_we(verb: Token, sent: Span) -> bool:
    """ "We must understand that war comes to our homes", "We will thwart this coup": words a speaker is
    quoted saying of "we" or "I" are rhetoric, not a demand or promise made to another party."""
    if not any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("we", "i") for c in verb.children):
        return False
    before = sent.doc.text[sent.start_char:verb.idx]
    after = sent.doc.text[verb.idx:sent.end_char]
    opened = sum(before.count(mark) for mark in ('"', "“")) - before.count("”")
    closes_first = "”" in after and ("“" not in after or after.index("”") < after.index("“"))
    return opened % 2 == 1 or before.lstrip().startswith(('"', "“")) or closes_first  # a quote's last sentence


def speech_act(sent: Span) -> SpeechAct | None:
    """The verbal event of a statement sentence, if its main clause (or reported clause) is one."""
    for target in _clauses(sent.root):
        if _quoted_we(target, sent):
            continue
        kind = _kind_of(target)
        if kind:
            return SpeechAct(kind, target, 0.5)
    return None


def states(act: SpeechAct, token: Token) -> bool:
    """Whether an event word is what the statement demands, promises or threatens: "police will not tolerate
    rallies" reports no rally, "vowed to fight" no fighting yet. Such a word's event has not occurred."""
    return token == act.token or act.token in token.ancestors
