"""Source (actor) and target (recipient) spans of an event, read from the dependency parse of its trigger."""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from observatory.lexicon.actors import ActorDictionary
from observatory.lexicon.countries import is_country_word
from observatory.lexicon.party_kinds import head_kind


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs whose subject reports an event rather than takes part in it.
REPORTING_VERBS = _words(
    "say tell report claim add state confirm announce accord note quote cite allege observe record document"
)
# Subjects that are weapons or events, not actors ("an IED exploded", "clashes erupted").
NOT_ACTOR_NOUNS = _words(
    "ied ieds bomb bombs mine mines landmine explosion explosions blast blasts shell shells rocket rockets "
    "missile missiles mortar mortars clash clashes fighting violence attack attacks fire gunfire device "
    "projectile projectiles shot shots strike strikes airstrike airstrikes drone drones"
)
# Prepositions introducing, after a verb or an event noun, the target or a further actor.
TARGET_PREPS = _words("on against at upon targeting toward towards into")
ACTOR_PREPS = _words("between among amongst")
# Objects that stand for their owner: "seized Daesh's redoubt", "shelled positions of the militia".
OWNED_NOUNS = _words(
    "position positions base bases headquarters checkpoint checkpoints stronghold strongholds redoubt "
    "bastion outpost outposts post posts convoy convoys vehicle vehicles camp camps barracks office offices "
    "home homes house houses residence compound hideout hideouts den dens territory territories line lines "
    "front fortification fortifications depot depots warehouse facility facilities patrol patrols tank tanks"
)
# Places as objects are not recipients ("shelled the town of X"), though their owner may be.
PLACE_NOUNS = _words(
    "town towns village villages city cities area areas district districts neighbourhood neighborhood "
    "region province countryside outskirts suburb suburbs street streets market road highway"
)
# Verbs whose subject is ground passing to the force their preposition names ("fell to", "came under").
HANDING_VERBS = {"fall": ("to", "into"), "come": ("under",)}
# Pronouns never returned as an actor or recipient; other pronouns only when nothing else is found.
SKIPPED_PRONOUNS = _words("it its they them their this that these those which who whom what")
# Dependents cut from a noun phrase (besides prepositions other than KEPT_PREPS and top-level coordination).
CUT_DEPS = _words("relcl acl appos punct advmod parataxis")
KEPT_PREPS = _words("of from")
# Punctuation kept inside a name ("al-Sham", "Kurdish-led").
KEPT_PUNCT = _words("- ' ’ &")
CLASH_VERBS = _words("clash fight battle engage skirmish exchange scuffle confront")
# Verbs whose subject suffers the event ("two people died"): the subject is a recipient, not the actor.
UNDERGOER_VERBS = _words("die perish drown succumb")
# "killed during a police raid", "wounded in an Israeli strike": the operation names who acted.
OPERATION_NOUNS = _words(
    "raid raids operation operations attack attacks airstrike airstrikes strike strikes ambush assault "
    "offensive patrol crackdown incursion bombing bombings shelling bombardment shootout shoot-out "
    "firing gunfire shooting clash clashes encounter crossfire"
)
CIRCUMSTANCE_PREPS = _words("during in following after amid")
NOT_ACTOR_ENTS = _words("DATE TIME MONEY QUANTITY PERCENT ORDINAL CARDINAL LOC FAC")
MAX_CLIMB = 4


def find_roles(trigger: Token) -> tuple[list[Span], list[Span]]:
    """The actor (source) spans and recipient (target) spans of the event whose trigger is given.

    Spans are ordered by position. Reporting sources ("activists say") are never actors; pronouns
    are returned only when nothing else is found, and "it"/"they" never.
    """
    if trigger.pos_ in ("NOUN", "PROPN"):
        actor_heads, recipient_heads = _noun_roles(trigger)
    else:
        actor_heads, recipient_heads = _verb_roles(trigger)
    actors = _spans(actor_heads)
    recipients = [s for s in _spans(recipient_heads) if not _overlaps(s, actors)]
    return actors, recipients


def new_holders(verb: Token) -> list[Token]:
    """Who ground passes to: "fell to the rebels", "fell into the hands of", "came under the control of Fano
    forces"; empty for other verbs and for "came under fire"."""
    preps = HANDING_VERBS.get(verb.lemma_.lower(), ())
    holders = []
    for obj in (o for c in verb.children if c.dep_ == "prep" and c.lower_ in preps for o in _objects(c)):
        if obj.lemma_.lower() in ("control", "hand"):
            obj = next((g for p in obj.children if p.lower_ == "of" for g in _objects(p)), obj)
        holders += [t for t in _coordinated(obj) if _is_actorish(t)]
    return holders


def _verb_roles(verb: Token) -> tuple[list[Token], list[Token]]:
    if verb.lemma_.lower() in HANDING_VERBS:  # the town that fell is the ground, not a party
        return new_holders(verb), []
    actors: list[Token] = []
    recipients: list[Token] = []
    for child in verb.children:
        if child.dep_ == "nsubj" and verb.lemma_.lower() in UNDERGOER_VERBS:
            recipients += [t for subject in _coordinated(_resolve_relative(child)) for t in _target_of(subject)]
        elif child.dep_ == "nsubj":
            actors += _agents_of(_resolve_relative(child))
        elif child.dep_ == "agent":
            actors += [t for pobj in _objects(child) for t in _agents_of(pobj)]
        elif child.dep_ in ("nsubjpass", "dobj"):
            recipients += [t for obj in _coordinated(child) for t in _target_of(obj)]
        elif child.dep_ in ("prep", "dative"):
            preposition = child.lower_
            objects = [t for obj in _objects(child) for t in _coordinated(obj)]
            if preposition in ACTOR_PREPS or (preposition == "with" and verb.lemma_ in CLASH_VERBS):
                actors += [t for t in objects if _is_actorish(t)]
            elif preposition in TARGET_PREPS or child.dep_ == "dative":
                recipients += [t for obj in objects for t in _target_of(obj)]
    if not any(t.dep_ in ("nsubj", "agent", "pobj") for t in actors) or not actors:
        actors += _climb_for_subject(verb)
    if not actors:
        actors += _operation_actors(verb)
    return actors, recipients


def _agents_of(noun: Token) -> list[Token]:
    """A subject or agent and its conjuncts; a weapon stands for who used it ("a bomb planted by X")."""
    if noun.lemma_.lower() not in NOT_ACTOR_NOUNS:
        return _coordinated(noun)
    modifiers = [c for c in noun.children if _is_modifier_actor(c, noun) and c.lower_ not in NOT_ACTOR_NOUNS]
    owners = modifiers[-1:]  # "Indian army mortars": the modifier nearest the noun, with those before it
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "by":
            owners += [t for obj in _objects(child) for t in _coordinated(obj) if _is_actorish(t)]
        elif child.dep_ == "acl":  # "an IED planted by militants", "shells fired by the army"
            owners += [
                t for agent in child.children if agent.dep_ == "agent"
                for obj in _objects(agent) for t in _coordinated(obj) if _is_actorish(t)
            ]
    return owners


def _operation_actors(verb: Token) -> list[Token]:
    """Who acted in the operation during which the event happened: 'killed during a police raid'."""
    actors: list[Token] = []
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in CIRCUMSTANCE_PREPS:
            for obj in _objects(child):
                if obj.lemma_.lower() in OPERATION_NOUNS or obj.lower_ in OPERATION_NOUNS:
                    actors += _noun_roles(obj)[0]
                elif any(c.dep_ == "acl" and c.lower_ in OPERATION_NOUNS for c in obj.children) and _is_actorish(obj):
                    actors.append(obj)  # "killed in police firing on a mob", parsed as police <- firing
    return actors


def _noun_roles(noun: Token) -> tuple[list[Token], list[Token]]:
    actors: list[Token] = []
    recipients: list[Token] = []
    for child in noun.children:
        if _is_modifier_actor(child, noun):
            actors += _coordinated(child)
        elif child.dep_ == "prep":
            preposition = child.lower_
            objects = [t for obj in _objects(child) for t in _coordinated(obj)]
            if preposition == "by" or preposition in ACTOR_PREPS or preposition == "with":
                actors += [t for t in objects if _is_actorish(t)]
            elif preposition in TARGET_PREPS or preposition == "of":
                recipients += [t for obj in objects for t in _target_of(obj)]
        elif child.dep_ == "acl":
            recipients += [t for obj in child.children if obj.dep_ == "dobj" for t in _target_of(obj)]
    head = noun.head
    if head.i != noun.i and head.pos_ in ("VERB", "AUX"):
        # "clashes broke out between A and B": the verb carries the noun's participants
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ACTOR_PREPS:
                actors += [t for obj in _objects(child) for t in _coordinated(obj) if _is_actorish(t)]
        if not actors and noun.dep_ in ("dobj", "attr", "conj"):
            # light verbs: "militants launched an attack", "protesters staged a sit-in"
            actors += _subject_of(head, depth=0)
    elif not actors and noun.dep_ == "pobj" and head.lower_ == "with":
        actors += _wielder(head)  # the instrument: "the junta bombarded two villages with airstrikes"
    return actors, recipients


def _wielder(with_: Token) -> list[Token]:
    """Who used the instrument "with" introduces: the subject of the verb it goes with, through the verb's
    objects the parser may hang it on ("bombarded Kone and Gyi villages with airstrikes")."""
    governor = with_.head
    while governor.pos_ in ("NOUN", "PROPN") and governor.dep_ in ("dobj", "conj") and governor.head.i != governor.i:
        governor = governor.head
    return _subject_of(governor, depth=0) if governor.pos_ == "VERB" else []


def _subject_of(verb: Token, depth: int) -> list[Token]:
    """The subject of a verb, or of the verb it depends on (xcomp, conj, advcl, acl), never a reporter's."""
    if depth > MAX_CLIMB or verb.lemma_ in REPORTING_VERBS:
        return []
    # of two subjects the parser gives one verb, the one nearest it ("North of Pale, junta forces launched")
    for child in sorted(verb.children, key=lambda c: -c.i if c.dep_ == "nsubj" and c.i < verb.i else c.i):
        if child.dep_ == "nsubj":
            return _agents_of(_resolve_relative(child))
        if child.dep_ == "agent":
            return [t for pobj in _objects(child) for t in _agents_of(pobj)]
    if any(child.dep_ == "nsubjpass" for child in verb.children):
        return []
    return _climb_from(verb, depth)


def _climb_for_subject(verb: Token) -> list[Token]:
    if any(child.dep_ in ("nsubj", "nsubjpass", "agent") for child in verb.children):
        return []
    return _climb_from(verb, 0)


def _climb_from(verb: Token, depth: int) -> list[Token]:
    head = verb.head
    if head.i == verb.i:
        return []
    if verb.dep_ in ("xcomp", "conj", "advcl", "aux") and head.pos_ in ("VERB", "AUX"):
        return _subject_of(head, depth + 1)
    if verb.dep_ == "relcl":
        return _coordinated(head)
    if verb.dep_ == "acl" and head.dep_ in ("dobj", "attr", "conj") and head.head.pos_ in ("VERB", "AUX"):
        return _subject_of(head.head, depth + 1)  # "forces resumed airstrikes targeting ..."
    if verb.dep_ == "pcomp" and head.head.pos_ in ("VERB", "AUX"):
        return _subject_of(head.head, depth + 1)  # "... after attacking ..."
    return []


def _resolve_relative(subject: Token) -> Token:
    """'who'/'which'/'that' as a subject of a relative clause stands for the noun the clause modifies."""
    if subject.lower_ in ("who", "which", "that") and subject.head.dep_ == "relcl":
        return subject.head.head
    return subject


def _objects(preposition: Token) -> list[Token]:
    return [t for t in preposition.children if t.dep_ in ("pobj", "pcomp")]


def _coordinated(token: Token) -> list[Token]:
    """A noun and the nouns coordinated with it ("the army and police")."""
    return [token, *(t for t in token.conjuncts if t.pos_ in ("NOUN", "PROPN", "PRON"))]


@lru_cache(maxsize=1)
def _dictionary() -> ActorDictionary:
    return ActorDictionary.load()


def _is_modifier_actor(child: Token, noun: Token) -> bool:
    """ "Daesh's attack", "an Israeli strike", "a Houthi convoy": a modifier naming who acts or owns."""
    if child.dep_ == "poss":
        return _is_actorish(child)
    return child.dep_ in ("amod", "compound") and child.i < noun.i and _is_actorish(child)


def _is_actorish(token: Token) -> bool:
    """Whether a token can head an actor: a known actor, a name, a demonym, a country or a people noun."""
    if token.pos_ == "PRON":
        return True
    if token.ent_type_ in NOT_ACTOR_ENTS:
        return False
    if _dictionary().knows(token.text) or head_kind(token.text) is not None:
        return True
    if _known_modifier_phrase(token) is not None:
        return True  # "the Saudi-led coalition", "Saudi-led coalition airstrikes"
    if token.ent_type_ == "GPE":
        return is_country_word(token.text)
    return token.ent_type_ in ("ORG", "NORP", "PERSON") or token.pos_ == "PROPN"


def _known_modifier_phrase(token: Token) -> Span | None:
    """A known actor named by a token with the modifiers before it, its own ("the Saudi-led coalition")
    or, for a modifier, its head's ("Saudi-led coalition airstrikes": "coalition" with "Saudi-led")."""
    starts = [token.left_edge.i]
    if token.dep_ in ("amod", "compound"):
        starts += [m.left_edge.i for m in token.head.children if m.dep_ in ("amod", "compound") and m.i < token.i]
    start = min(starts)
    if start == token.i:
        return None
    span = token.doc[start : token.i + 1]
    return span if _dictionary().knows(span.text) else None


def _target_of(obj: Token) -> list[Token]:
    """The recipient an object stands for: itself, or the owner of a position, base or convoy."""
    lemma = obj.lemma_.lower()
    if lemma in OWNED_NOUNS or lemma in PLACE_NOUNS or not _is_actorish(obj):
        owners = [c for c in obj.children if c.dep_ == "poss" and _is_actorish(c)]
        if lemma not in PLACE_NOUNS:
            owners += [
                pobj
                for prep in obj.children
                if prep.dep_ == "prep" and prep.lower_ == "of"
                for pobj in _objects(prep)
                if _is_actorish(pobj) and pobj.ent_type_ != "GPE"
            ]
        if not owners and lemma in OWNED_NOUNS:
            owners = [c for c in obj.children if _is_modifier_actor(c, obj)]
        return owners
    if obj.ent_type_ in ("GPE", "LOC", "FAC") and not is_country_word(obj.text):
        return []
    return [obj]


def _phrase(token: Token) -> Span:
    """The noun phrase headed by a token, without relative clauses, appositions or most prepositions."""
    appositions = [c for c in token.children if c.dep_ == "appos"]
    if appositions and token.pos_ != "PROPN" and appositions[0].pos_ == "PROPN":
        token = appositions[0]  # "a Kurdish-led alliance, the SDF, ..." -> the SDF
    if token.dep_ in ("amod", "compound", "poss") and token.head.pos_ in ("NOUN", "PROPN"):
        known = _known_modifier_phrase(token)  # "Saudi-led coalition airstrikes" -> "Saudi-led coalition"
        return known if known is not None else token.doc[token.left_edge.i : token.i + 1]
    keep = {token.i}
    stack = [token]
    while stack:
        node = stack.pop()
        for child in node.children:
            if not _cut(child, top=node is token):
                keep.add(child.i)
                stack.append(child)
    start = token.i
    while start - 1 in keep:
        start -= 1
    end = token.i
    while end + 1 in keep:
        end += 1
    doc = token.doc
    while start < end and (doc[start].is_punct or doc[start].dep_ == "cc"):
        start += 1
    while end > start and (doc[end].is_punct or doc[end].dep_ == "cc"):
        end -= 1
    return doc[start : end + 1]


def _cut(child: Token, top: bool) -> bool:
    """Whether a dependent falls outside its head's noun phrase (coordination only at the top)."""
    if child.dep_ == "prep":
        return child.lower_ not in KEPT_PREPS
    if child.dep_ in ("cc", "conj"):
        return top
    if child.dep_ == "punct":
        return child.text not in KEPT_PUNCT
    return child.dep_ in CUT_DEPS


def _spans(heads: list[Token]) -> list[Span]:
    spans: list[Span] = []
    for head in dict.fromkeys(heads):
        if head.pos_ == "PRON" and head.lower_ in SKIPPED_PRONOUNS:
            continue
        spans.append(_phrase(head))
        spans += _split_modifier_conjunction(head)
    spans = sorted(dict.fromkeys(spans), key=lambda s: (s.start, s.end))
    named = [s for s in spans if s.root.pos_ != "PRON"]
    return named or spans


def _split_modifier_conjunction(head: Token) -> list[Span]:
    """ "Syrian and Russian forces": also "Russian forces" (the whole phrase names the first)."""
    extra = []
    for modifier in head.children:
        if modifier.dep_ in ("amod", "compound") and modifier.i < head.i:
            for conj in modifier.conjuncts:
                if conj.i < head.i and _is_actorish(conj):
                    extra.append(head.doc[conj.i : head.i + 1])
    return extra


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)


# Clauses of their own inside a sentence: "..., while another died in an encounter in Malakand".
_CLAUSE_DEPS = frozenset({"advcl", "conj", "ccomp", "relcl", "parataxis"})


def _clause_head(token: Token) -> Token:
    """The verb heading the clause a token belongs to (itself, for a verb)."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def own_clause(trigger: Token, others: list[Token]) -> list[Token] | None:
    """The tokens of the clause that tells ``trigger``'s event, without the clauses inside it that tell the
    ``others`` (the sentence's other triggers); None when the trigger shares its clause with all of them,
    so the whole sentence is its clause."""
    head = _clause_head(trigger)
    heads = {_clause_head(other).i for other in others}
    if not others or heads == {head.i}:
        return None
    inner = [c for c in head.subtree if c.i != head.i and c.i in heads and c.dep_ in _CLAUSE_DEPS]
    cut = {t.i for c in inner for t in c.subtree}
    return [t for t in head.subtree if t.i not in cut]
