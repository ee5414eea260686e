"""Counts of people killed, injured, abducted, arrested, displaced and taking part, from a sentence.

``extract_counts`` finds, in a parsed sentence, the numbers that count the people an event affects and
files each under its field using the dependency parse; each number phrase is read by
numbers.parse_quantity.

A count above ``MAX_PLAUSIBLE_COUNT`` (a billion people) is no event's: ``drop_implausible`` removes it
from an event, with a message for a warning, so a misreading or a falsehood ("killed 5 billion people")
never reaches the store, whose count columns are 32-bit integers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Span, Token

from observatory.models import COUNT_FIELDS, Event, Quantity
from observatory.resolve.numbers import parse_quantity, to_int

# No event has killed, displaced or gathered a billion people (the largest strikes claim a quarter of
# that); a larger figure is a misreading or a falsehood, and would overflow a 32-bit count column.
MAX_PLAUSIBLE_COUNT = 1_000_000_000


def drop_implausible(event: Event) -> tuple[Event, list[str]]:
    """``event`` without its counts above ``MAX_PLAUSIBLE_COUNT``, and one message per count dropped."""
    dropped: dict[str, None] = {}
    messages = []
    for field in COUNT_FIELDS:
        quantity: Quantity | None = getattr(event, field)
        values = [v for v in (quantity.low, quantity.best, quantity.high) if v is not None] if quantity else []
        if values and max(values) > MAX_PLAUSIBLE_COUNT:
            dropped[field] = None
            messages.append(
                f"implausible count dropped: {max(values):,} {field} (more than {MAX_PLAUSIBLE_COUNT:,}) "
                f"in {event.evidence.text[:80]!r}"
            )
    return (event.model_copy(update=dropped) if dropped else event), messages


_VERB_FIELDS = {
    "fatalities": {"kill", "murder", "slay", "execute", "behead", "massacre", "assassinate", "slaughter",
                   "lynch", "die", "perish", "drown", "decapitate", "burn", "electrocute", "strangle"},
    "injured": {"injure", "wound", "hurt", "maim"},
    "abducted": {"abduct", "kidnap", "kidnapp", "hold", "seize", "snatch"},
    "arrested": {"arrest", "detain", "apprehend", "nab", "jail", "imprison", "round", "capture"},
    "displaced": {"displace", "flee", "evacuate", "uproot", "expel"},
    "participants": {"protest", "demonstrate", "rally", "march", "gather", "assemble", "participate",
                     "riot", "picket", "converge"},
}  # fmt: skip


_NOUN_FIELDS = {
    "fatalities": {"dead", "death", "fatality", "body", "corpse", "martyr"},
    "injured": {"injured", "wounded", "injury", "casualty"},
    "abducted": {"hostage", "captive", "abductee"},
    "arrested": {"arrest", "detainee"},
    "displaced": {"refugee", "displaced", "idp", "evacuee"},
    "participants": {"protester", "protestor", "demonstrator", "marcher", "rioter", "participant",
                     "striker", "picketer"},
}  # fmt: skip


# Verbs whose subject, not object, is the affected group ("20 people died", "500 people protested").
_INTRANSITIVE = {"die", "perish", "drown", "flee", "protest", "demonstrate", "rally", "march", "gather",
                 "assemble", "participate", "riot", "picket", "converge"}  # fmt: skip


# "hacked to death", "fatally shot", "gunned down", "claimed 40 lives": killing without a killing verb.
_FATAL_ADVERBS = {"fatally", "mortally"}


_LIFE_VERBS = {"claim", "take", "cost", "lose"}


# Nouns counted in violent sentences that are not people ("burned 70 houses", "Three bombings killed").
_NOT_PEOPLE = {
    "house", "home", "hut", "building", "shop", "store", "church", "mosque", "school", "office", "vehicle",
    "car", "truck", "bus", "boat", "tank", "village", "town", "area", "district", "community", "farm",
    "bag", "cattle", "cow", "goat", "sheep", "camel", "animal", "livestock", "bomb", "bombing", "blast",
    "explosion", "attack", "raid", "strike", "airstrike", "rocket", "shell", "missile", "mortar", "barrel",
    "mine", "grenade", "bullet", "round", "shot", "device", "ied", "weapon", "gun", "rifle", "aircraft",
    "helicopter", "drone", "warplane", "day", "hour", "week", "month", "year", "time", "kilometre",
    "kilometer", "mile", "meter", "metre", "incident", "clash", "operation", "position", "checkpoint",
}  # fmt: skip


# "in retaliation for the killing of four men": a count of an earlier, other event.
_OTHER_EVENT_NOUNS = {"revenge", "retaliation", "reprisal", "response"}


# A toll over a period ("to 60 in 40 days", "since January") sums many events.
_PERIOD_UNITS = {"day", "week", "month", "year", "hour"}


# "the overall toll", "the toll from the six-year conflict": a sum over many events.
_WHOLE_ADJECTIVES = {"overall", "total", "cumulative", "combined"}


_WHOLES = {"conflict", "war", "uprising", "insurgency", "revolution", "crisis", "state", "country", "nation",
           "region", "province", "weekend"}


_BODY_NOUNS = {"body", "corpse"}


_TOLL_OF_NOUNS = {"casualty", "death", "dead", "martyr", "victim", "fatality"}


# "shot dead", "left 5 dead", "found dead": verbs made a count verb by their complement.
_COMPLEMENT_FIELDS = {
    "dead": "fatalities",
    "injured": "injured",
    "wounded": "injured",
    "homeless": "displaced",
}


_PERSON_NOUNS = {
    "man", "woman", "child", "boy", "girl", "person", "civilian", "soldier", "policeman", "policewoman",
    "officer", "student", "farmer", "teacher", "journalist", "reporter", "worker", "driver", "member",
    "fighter", "militant", "rebel", "teenager", "youth", "resident", "villager", "trader", "businessman",
    "official", "leader", "chief", "commander", "guard", "pilgrim", "priest", "imam", "cleric", "doctor",
    "nurse", "activist", "lawyer", "judge", "politician", "councillor", "councilor", "mayor", "herder",
    "herdsman", "shepherd", "fisherman", "miner", "passenger", "pedestrian", "infant", "baby", "toddler",
    "girlfriend", "wife", "husband", "son", "daughter", "brother", "sister", "father", "mother", "elder",
    "shopkeeper", "vendor", "gunman", "attacker", "bomber", "suspect", "protester", "demonstrator",
    "constable", "sergeant", "lieutenant", "captain", "colonel", "general", "major",
    "security guard", "employee", "engineer", "monk", "nun", "pastor", "bishop", "other", "head",
    "deputy", "governor", "minister", "candidate", "volunteer", "prosecutor", "advocate", "lecturer",
}  # fmt: skip


_NUMBER_CHAIN = ("nummod", "quantmod", "compound", "amod")


_PERSON_SUFFIX = re.compile(r"(?:[^e]er|or|ist|ian|man|woman)$")


_COMPLEMENT_DEPS = ("oprd", "acomp", "xcomp", "ccomp", "advmod", "conj", "dep")


# "were feared killed", "were reported killed", "were on Saturday killed" (parsed under "be").
_REPORTED = {"fear", "report", "believe", "confirm", "say", "feared", "be", "find", "presume"}


_SUBSET_PREPS = {"including", "among", "includes", "include", "excluding", "except"}


_COMPANION_PREPS = {"alongside", "with"}


_COLLECTIVE_NOUNS = {"family", "total", "group"}


_NON_COUNT_ENTS = {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"}


_VAGUE_WORDS = {"dozen", "dozens", "scores", "hundreds", "thousands", "millions", "tens", "several", "many", "numerous"}


_TOLL_VALUE_DEPS = {"attr", "dobj", "oprd", "appos", "npadvmod"}


def _is_number(token: Token) -> bool:
    vague = token.lower_ in _VAGUE_WORDS
    if not (vague or token.like_num) or token.ent_type_ in _NON_COUNT_ENTS or _hyphen_compound(token):
        return False  # the cheap tests first: most words are no number
    return vague or to_int(token.lower_) is not None


def _hyphen_compound(token: Token) -> bool:
    """'a two-wheeler', 'a three-storey building': a number fused to a word names a kind, not a count."""
    doc = token.doc
    return (
        token.i + 2 < len(doc)
        and not token.whitespace_
        and doc[token.i + 1].text == "-"
        and not doc[token.i + 1].whitespace_
        and doc[token.i + 2].is_alpha
    )


def _range_start(sent: Span, start: int) -> int:
    """Widen a count to a range the parser split off: "Between 1,000 and 1,500 people" read as two phrases."""
    doc = sent.doc
    if start - 3 >= sent.start and doc[start - 1].lower_ in ("and", "to") and _is_number(doc[start - 2]) and \
            doc[start - 3].lower_ in ("between", "from"):
        return start - 3
    return start


def _counted(sent: Span) -> Iterable[tuple[Token, Quantity, list[Token]]]:
    """Each counted nominal of the sentence with its quantity and the tokens that state it."""
    used: set[int] = set()
    for token in sent:
        if token.i in used or not _is_number(token):
            continue
        if token.dep_ in _NUMBER_CHAIN and token.head.i != token.i and token.head.i > token.i:
            nominal = token.head
            while nominal.dep_ in _NUMBER_CHAIN and nominal.head.i != nominal.i:
                nominal = nominal.head
            parts = [c for c in nominal.lefts if c.dep_ in ("nummod", "quantmod", "advmod", "amod")]
            start = min(part.left_edge.i for part in parts) if parts else token.i
            end = max(part.right_edge.i for part in parts if part.i < nominal.i) if parts else token.i
        else:
            nominal = token
            start, end = token.left_edge.i, token.i
        if nominal.lower_ in _VAGUE_WORDS and nominal.i != token.i:
            continue
        start = _range_start(sent, start)
        if start > sent.start and sent.doc[start - 1].lower_ in ("no", "not") and \
                sent.doc[start].lower_ in ("fewer", "less"):
            start -= 1  # "no fewer than 20": the parser leaves "no" outside the number
        words = sent.doc[start : end + 1]
        quantity = parse_quantity(_vague_phrase(nominal, words.text))
        if quantity is None:
            continue
        used.update(t.i for t in words if _is_number(t))
        yield nominal, quantity, list(words)
    for token in sent:
        if _is_single_person(token):
            yield token, Quantity(low=1, best=1, high=1), [token]


def _is_single_person(token: Token) -> bool:
    """'a man', 'the driver', 'his son', 'him', a named person: one person; also a singular noun
    coordinated with one ("a sheikh and his brother", "a technician, guard and driver")."""
    if _is_one_person(token):
        return True
    return (
        token.tag_ == "NN"
        and token.lemma_.lower() not in _NOT_PEOPLE
        and not any(child.dep_ in _NUMBER_CHAIN and child.like_num for child in token.children)
        and any(_is_one_person(conj) for conj in token.conjuncts)
    )


def _is_one_person(token: Token) -> bool:
    lower = token.lower_
    if lower in ("him", "her"):
        return True
    if lower == "another" and token.dep_ in ("nsubj", "nsubjpass"):
        return True  # "while another died in Malakand": one more person
    if token.ent_type_ == "PERSON":
        return token.i + 1 >= len(token.doc) or token.doc[token.i + 1].ent_iob_ != "I"
    if token.tag_ not in ("NN", "NNP"):
        return False
    children = list(token.children)
    if any(child.dep_ in _NUMBER_CHAIN and child.like_num for child in children):
        return False
    if any(child.dep_ == "appos" and child.ent_type_ == "PERSON" for child in children):
        return True  # "(the) councillor Rosa Ibarra"
    if not any(child.dep_ in ("det", "poss") for child in children):
        return False
    return token.lemma_.lower() in _PERSON_NOUNS or bool(_PERSON_SUFFIX.search(lower))


def _vague_phrase(nominal: Token, text: str) -> str:
    """Extend 'tens'/'hundreds' with a following 'of thousands'."""
    following = nominal.doc[nominal.i + 1 : nominal.i + 3].text.lower()
    if nominal.lower_ in ("tens", "hundreds") and following == "of thousands":
        return f"{nominal.lower_} of thousands"
    return text


def _first_conjunct(token: Token) -> Token:
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def _verb_field(verb: Token) -> str | None:
    lemma = verb.lemma_.lower()
    for field, lemmas in _VERB_FIELDS.items():
        if lemma in lemmas:
            return field
    for child in verb.children:
        if child.dep_ in _COMPLEMENT_DEPS and child.lower_ in _COMPLEMENT_FIELDS:
            return _COMPLEMENT_FIELDS[child.lower_]
        if child.dep_ in ("xcomp", "oprd", "advcl") and child.tag_ == "VBN" and lemma in _REPORTED:
            return _verb_field(child)
    if lemma in ("take", "hold") and any(c.lemma_ in ("hostage", "captive") for c in verb.subtree):
        return "abducted"
    if lemma == "force" and any(c.dep_ == "xcomp" and _verb_field(c) == "displaced" for c in verb.children):
        return "displaced"
    if lemma == "lose" and any(c.lemma_ == "life" for c in verb.children):
        return "fatalities"
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if following is not None and following.lower_ == "dead" and lemma in ("shoot", "gun", "stab", "beat"):
        return "fatalities"  # "shot dead a councillor", however the parser attaches "dead"
    if _kills_without_killing_verb(verb):
        return "fatalities"
    for conj in verb.children:  # "was shot and killed", "were attacked and wounded"
        if conj.dep_ == "conj" and conj.pos_ == "VERB" and not _has_own_arguments(conj):
            field = _verb_field(conj)
            if field:
                return field
    return None


def _kills_without_killing_verb(verb: Token) -> bool:
    """'hacked to death', 'fatally shot', 'gunned down'."""
    for child in verb.children:
        if child.dep_ == "advmod" and child.lower_ in _FATAL_ADVERBS:
            return True
        if child.dep_ == "prep" and child.lower_ == "to" and any(c.lemma_ == "death" for c in child.children):
            return True
        if child.dep_ == "prt" and child.lower_ == "down" and verb.lemma_.lower() == "gun":
            return True
    return False


def _has_own_arguments(verb: Token) -> bool:
    return any(child.dep_ in ("nsubj", "nsubjpass", "dobj") for child in verb.children)


def _mixed_count(word: Token, field: str | None) -> bool:
    """'killed and injured 30', '20 people were killed and wounded', '15 martyrs and wounded': one figure
    for two outcomes."""
    pair = {"fatalities", "injured"}
    if field not in pair:
        return False
    partners = [c for c in word.children if c.dep_ == "conj" and c.pos_ in ("VERB", "ADJ", "NOUN")]
    if word.dep_ == "conj" and word.head.pos_ in ("VERB", "ADJ", "NOUN"):
        partners.append(word.head)
    for partner in partners:
        other = _verb_field(partner) or _COMPLEMENT_FIELDS.get(partner.lower_) or _noun_field(partner)
        if other in pair and other != field and not _has_own_count(partner, min(word.i, partner.i)):
            return True
    return False


def _has_own_count(partner: Token, first: int) -> bool:
    """Whether a coordinated verb or noun states its own group ("killed 5 and wounded 12", "a man was
    killed and another wounded", "7 dead and dozens of injuries"); a subject before the first of the
    two words ("the blast killed and injured dozens") is shared, not its own."""
    if partner.pos_ in ("NOUN", "PROPN"):
        return _has_number(partner)
    return any(
        child.dep_ in ("dobj", "nsubjpass") or (child.dep_ == "nsubj" and child.i > first)
        for child in partner.children
    )


def _noun_field(noun: Token) -> str | None:
    lemma = noun.lemma_.lower()
    if lemma == "casualty" and any(
        t.lemma_.lower() in ("injury", "injured", "wounded", "wound", "injure") for t in noun.sent if t.i != noun.i
    ):
        return "fatalities"  # "7 casualties and dozens of injuries": the casualties are the dead
    for field, lemmas in _NOUN_FIELDS.items():
        if lemma in lemmas or noun.lower_ in lemmas:
            return field
    return None


def _is_passive_like(verb: Token) -> bool:
    """'were killed', '15 others wounded' after a passive verb, headline '12 killed'."""
    if any(child.dep_ in ("auxpass", "nsubjpass") for child in verb.children):
        return True
    if any(child.dep_ == "dobj" for child in verb.children):
        return False
    if any(child.dep_ == "nsubj" and _has_number(child) for child in verb.children):
        return True
    if any(child.dep_ == "aux" for child in verb.children):
        return False
    if verb.tag_ == "VBN":
        return True
    return verb.dep_ == "conj" and _is_passive_like(verb.head)


def _has_number(nominal: Token) -> bool:
    return _is_number(nominal) or any(
        child.dep_ in _NUMBER_CHAIN and _is_number(child) for child in nominal.children
    )


def _field_of(nominal: Token) -> str | None:
    """The count field a counted nominal belongs to, from its place in the parse, else its noun."""
    if nominal.lemma_.lower() in _NOT_PEOPLE or _of_another_event(nominal) or _counts_things(nominal):
        return None
    anchor = _first_conjunct(nominal)
    head, dep = anchor.head, anchor.dep_
    if dep == "pobj" and head.lower_ in _SUBSET_PREPS:
        return None
    if any(c.dep_ == "prep" and c.lower_ in _SUBSET_PREPS and any(g.pos_ == "PRON" for g in c.children)
           for c in anchor.children):
        return None  # "16 people, among them three civilians": part of the count before it
    if dep == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _COLLECTIVE_NOUNS:
        return _field_of(head.head)  # "killed a family of four"
    if dep == "pobj" and head.lower_ == "of" and (
        _noun_field(head.head) == "fatalities" or _is_life(head.head)
    ):
        return "fatalities"
    if _is_life(nominal):
        return "fatalities"  # "claimed 40 lives"
    if dep == "pobj" and (
        head.lower_ in _COMPANION_PREPS and (head.lower_ != "with" or (head.i > 0 and head.nbor(-1).lower_ == "along"))
    ):
        return _verb_field(head.head) if head.head.pos_ == "VERB" else None
    clauses = [c for token in (nominal, *nominal.conjuncts) for c in token.children if _is_participle_clause(c)]
    if _dies(anchor):  # "two wounded men later died": they count as dead, not as wounded
        clauses = [c for c in clauses if not (c.dep_ == "amod" and c.i < c.head.i)]
    for child in clauses:  # "78 others injured", "5 civilians and a child killed"
        if child.dep_ != "relcl":
            field = _verb_field(child) or _COMPLEMENT_FIELDS.get(child.lower_)
            if field:
                return None if _mixed_count(child, field) else field
    if head.pos_ in ("VERB", "AUX") and head.i != anchor.i and dep in ("dobj", "nsubjpass", "nsubj:pass"):
        field = _verb_field(head)  # the governing verb wins over a relative clause ("who were abducted")
        if field and (head.lemma_ not in _INTRANSITIVE or dep != "dobj"):  # "were drowned": passive
            return None if _mixed_count(head, field) else field
    for child in clauses:
        field = _verb_field(child) or _COMPLEMENT_FIELDS.get(child.lower_)
        if field and child.dep_ == "relcl" and _is_passive_like(child):
            return None if _mixed_count(child, field) else field
    if head.pos_ in ("VERB", "AUX") and head.i != anchor.i:
        field = _verb_field(head)
        if dep == "nsubj" and field and (
            head.lemma_ in _INTRANSITIVE or head.lemma_ == "lose" or _is_passive_like(head)
        ):
            return None if _mixed_count(head, field) else field
        if dep == "nsubj" and head.lemma_ == "be":
            for child in head.children:
                if child.dep_ in ("acomp", "attr") and child.lower_ in _COMPLEMENT_FIELDS:
                    return _COMPLEMENT_FIELDS[child.lower_]
            return field
        if dep == "dobj" and field and head.lemma_ not in _INTRANSITIVE:
            return field
        if dep == "dobj" and head.lemma_ == "force":
            return _verb_field(head)
    before = nominal.doc[nominal.left_edge.i - 1] if nominal.left_edge.i > nominal.sent.start else None
    if before is not None and before.pos_ == "VERB" and before.lemma_ not in _INTRANSITIVE and dep != "dobj" \
            and not any(c.dep_ == "dobj" for c in before.children):
        field = _verb_field(before)  # "killed between 20 and 25 farmers ...", the object parsed off its verb
        if field:
            return None if _mixed_count(before, field) else field
    field = _noun_field(nominal)
    return None if _mixed_count(nominal, field) else field


def _counts_things(nominal: Token) -> bool:
    """ "dozens of houses", "hundreds of vehicles": a vague count of things, not of people."""
    return nominal.lower_ in _VAGUE_WORDS and any(
        c.lemma_.lower() in _NOT_PEOPLE for p in nominal.children if p.dep_ == "prep" and p.lower_ == "of"
        for c in p.children if c.dep_ == "pobj")


def _dies(anchor: Token) -> bool:
    head = anchor.head
    return anchor.dep_ in ("nsubj", "nsubjpass") and head.i != anchor.i and _verb_field(head) == "fatalities"


def _of_another_event(nominal: Token) -> bool:
    """'in revenge for the deaths of eight soldiers': a count of the earlier event avenged; 'since the
    massacre in which 75 people were killed', 'in the wake of the riots that ...', 'protesting against the
    torching which killed ...': a count of a past event recalled, or protested against, in a clause."""
    for ancestor in nominal.ancestors:
        if ancestor.lemma_.lower() in _OTHER_EVENT_NOUNS:
            return True
        if ancestor.dep_ == "prep" and ancestor.i > 0 and ancestor.nbor(-1).lemma_.lower() in _OTHER_EVENT_NOUNS:
            return True
        if ancestor.dep_ in ("relcl", "acl") and (_recalled(ancestor.head) or _grievance(ancestor.head)):
            return True
    return False


_RECALLING_PREPS = {"after", "since", "during", "following", "before"}


# "in the wake of", "in the aftermath of", "in sequel to": the same background, said in three words.
_RECALLING_NOUNS = {"wake", "aftermath", "sequel"}


_GRIEVANCE_PREPS = {"against", "over"}


def _recalled(noun: Token) -> bool:
    """A noun named as the background of a sentence: "after the carnage", "since the massacre", "in the
    wake of the riots"."""
    if noun.dep_ != "pobj":
        return False
    prep = noun.head
    if prep.lower_ in _RECALLING_PREPS:
        return True
    return prep.lower_ in ("of", "to") and prep.head.lemma_.lower() in _RECALLING_NOUNS


def _grievance(noun: Token) -> bool:
    """What a protest is against: "protesting against the torching of the train (which killed 58)"."""
    for token in (noun, *noun.ancestors):
        if token.dep_ == "prep" and token.lower_ in _GRIEVANCE_PREPS:
            lemma = token.head.lemma_.lower()
            return lemma in _VERB_FIELDS["participants"] or lemma in ("protest", "demonstration", "rally")
    return False


def _is_participle_clause(child: Token) -> bool:
    return child.dep_ in ("acl", "amod", "relcl") and (child.tag_ == "VBN" or child.lower_ in _COMPLEMENT_FIELDS)


def _is_life(token: Token) -> bool:
    return token.lemma_.lower() == "life" and token.head.lemma_.lower() in _LIFE_VERBS


def _is_toll_noun(token: Token) -> bool:
    """'death toll', 'toll', 'the number of casualties'."""
    if token.lemma_ == "toll":
        return True
    return token.lemma_ == "number" and any(
        pobj.lemma_.lower() in _TOLL_OF_NOUNS
        for prep in token.children if prep.dep_ == "prep" and prep.lower_ == "of"
        for pobj in prep.children if pobj.dep_ == "pobj"
    )


def _over_a_period(verb: Token) -> bool:
    """'raises the toll to 60 in 40 days', '... since January': a running total of many events."""
    for token in verb.subtree:
        if token.dep_ != "prep":
            continue
        if token.lower_ == "since":
            return True
        if token.lower_ in ("in", "during", "over", "within") and any(
            c.dep_ == "pobj" and c.lemma_.lower() in _PERIOD_UNITS for c in token.children
        ):
            return True
    return False


def _of_a_whole(toll: Token) -> bool:
    """'the overall toll', 'the toll of Gujarat', 'the toll from the six-year conflict', 'the toll in the
    state', 'the toll in the last two days' violence': the sum over a place, a war or a period, no one
    event's count."""
    if any(c.dep_ == "amod" and c.lower_ in _WHOLE_ADJECTIVES for c in toll.children):
        return True
    if any(t.lemma_.lower() in _PERIOD_UNITS for t in toll.subtree):
        return True
    for prep in toll.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("of", "in", "from", "for"):
            continue
        for pobj in prep.children:
            if pobj.dep_ == "pobj" and (pobj.ent_type_ in ("GPE", "LOC", "NORP") or pobj.lemma_.lower() in _WHOLES):
                return True
    return False


def _an_update(sent: Span) -> bool:
    """'four more bodies were found, bringing the toll to 11', 'another man died': the sentence's own
    count adds to the toll of the same incident."""
    return any(t.lower_ in ("more", "another", "further", "additional") and t.dep_ in ("amod", "advmod", "det")
               for t in sent)


def _toll(sent: Span) -> tuple[Quantity | None, bool, set[int]]:
    """'the death toll rose to 40', 'bringing the toll to 40', 'the toll stands at 40': the toll, whether
    it is a running total (over a period, a place or a war), and the tokens that state it."""
    for token in sent:
        if not _is_toll_noun(token):
            continue
        verb = token.head
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in ("to", "at"):
                values = [c for c in child.children if c.dep_ == "pobj"]
            elif child.dep_ in _TOLL_VALUE_DEPS and child.i != token.i:
                values = [child]
            else:
                continue
            for value in values:
                quantity = parse_quantity(sent.doc[value.left_edge.i : value.i + 1].text)
                if quantity is not None:
                    running = _over_a_period(verb) or _of_a_whole(token)
                    return quantity, running, {t.i for t in value.subtree}
    return None, False, set()


def _add(total: Quantity | None, more: Quantity) -> Quantity:
    if total is None:
        return more

    def plus(a: int | None, b: int | None) -> int | None:
        return None if a is None or b is None else a + b

    return Quantity(
        low=plus(total.low, more.low), best=plus(total.best, more.best), high=plus(total.high, more.high)
    )


def extract_counts(sent: Span, aside: Iterable[Token] = (), within: set[int] | None = None) -> dict[str, Quantity]:
    """Counts of people killed, injured, abducted, arrested, displaced or taking part in ``sent``; none from
    the phrases of the ``aside`` tokens ("a spate of attacks that claimed six lives": many events' toll),
    and, given ``within`` (token indices of one clause), only that clause's.

    Coordinated groups add up ("killed 4 soldiers and 3 civilians" is 7); subsets do not ("killing 6
    civilians, including 2 women" is 6). A reported death toll wins over the sentence's own count only
    when that count adds to it ("two more died, bringing the toll to 12") or there is none; a running
    total over a period, a place or a war ("the toll in the state rose to 500") is no one event's count.
    """
    toll, running_total, toll_tokens = _toll(sent)
    set_aside = {t.i for token in aside for t in token.subtree}
    if set_aside.intersection(toll_tokens) or (within is not None and not within.intersection(toll_tokens)):
        toll = None
    counts: dict[str, Quantity] = {}
    bodies: Quantity | None = None
    for nominal, quantity, _ in _counted(sent):
        if nominal.i in set_aside or (within is not None and nominal.i not in within):
            continue
        field = _field_of(nominal) if nominal.i not in toll_tokens else None
        if field == "fatalities" and nominal.lemma_.lower() in _BODY_NOUNS:
            bodies = _add(bodies, quantity)
        elif field is not None:
            counts[field] = _add(counts.get(field), quantity)
    if bodies is not None and "fatalities" not in counts:
        counts["fatalities"] = bodies  # bodies found report deaths, unless the sentence counts the killed
    own = counts.get("fatalities")
    if own is not None and not _an_update(sent):
        running_total = True  # "24 were killed in fresh attacks, taking the toll to 561": the toll is more
    if toll is not None and not running_total and (toll.best or 0) > ((own.best or 0) if own else 0):
        counts["fatalities"] = toll
    return counts
