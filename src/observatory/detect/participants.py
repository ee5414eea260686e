"""Who takes part in a trigger's event as its parse tells it: doers and done-to among the trigger's
children and up its chain, and the noun phrase of a head word."""

from __future__ import annotations

from spacy.tokens import Token


def _own_participants(token: Token) -> tuple[list[Token], list[Token]]:
    """Doers and done-to among a trigger's own dependency children."""
    doers: list[Token] = []
    victims: list[Token] = []
    for child in token.children:
        if child.dep_ in ("dobj", "obj"):
            victims.append(child)
        elif child.dep_ == "agent":
            doers.extend(c for c in child.children if c.dep_ == "pobj")
        elif child.dep_ == "prep" and child.lower_ in ("on", "against", "at", "towards", "targeting"):
            victims.extend(c for c in child.children if c.dep_ == "pobj")
        elif child.dep_ == "prep" and child.lower_ == "by":
            doers.extend(c for c in child.children if c.dep_ == "pobj")
        elif child.dep_ == "poss":
            doers.append(child)
    return doers, victims


_DYING_VERBS = frozenset({"die", "perish", "drown", "succumb"})


def participants(token: Token) -> tuple[list[Token], list[Token]]:
    """Heads of the doer and the done-to of a trigger, read from its dependency children.

    Conjoined verbs share them: in "ambushed and killed four youths" the youths are the ones ambushed.
    """
    doers: list[Token] = []
    victims: list[Token] = []
    verb = token
    while verb.dep_ in ("xcomp", "conj") and not [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]:
        verb = verb.head
        if verb == verb.head:
            break
    for child in verb.children:
        if child.dep_ == "nsubj":
            doers.append(child)
        elif child.dep_ == "nsubjpass":
            victims.append(child)
    own_doers, own_victims = _own_participants(token)
    if token.pos_ == "VERB" and not (own_doers and own_victims):
        for other in token.conjuncts:
            if other.pos_ == "VERB":
                more_doers, more_victims = _own_participants(other)
                own_doers = own_doers or more_doers
                own_victims = own_victims or more_victims
    doers.extend(own_doers)
    victims.extend(own_victims)
    if token.dep_ in ("acl", "amod") and token.head.pos_ in ("NOUN", "PROPN"):
        victims.append(token.head)
    if verb.lemma_.lower() in _DYING_VERBS:  # "a protester died": who dies suffers the event
        victims, doers = [*doers, *victims], []
    return doers, victims


_CLAUSE_DEPS = {"relcl", "acl", "advcl", "conj", "cc", "appos", "punct"}


def noun_phrase(head: Token) -> list[Token]:
    """The words naming a participant: its modifiers and "of"/"from" complements, not clauses or places."""
    words = [head]
    for child in head.children:
        if child.dep_ in _CLAUSE_DEPS:
            continue
        if child.dep_ == "prep" and child.lower_ not in ("of", "from"):
            continue
        words.extend(noun_phrase(child) if child.dep_ == "prep" or child.i > head.i else child.subtree)
    return sorted(words, key=lambda t: t.i)


def participant_names(tokens: list[Token]) -> str:
    """The participants' names, each with its conjuncts ("soldiers and police")."""
    heads = [*tokens, *(c for t in tokens for c in t.conjuncts)]
    return " | ".join(" ".join(t.text for t in noun_phrase(head)) for head in heads)
