"""A trigger's PLOVER type and mode and ACLED sub-type from its family and the cues of its sentence:
weapons, who was hit, whether the sides fought, how a protest went (the way an ACLED coder reads a note)."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from observatory.detect.cues import ARMED, CUES, DEVICE_CUE, FORCES_SUBJECT, GOV, GROUND, INTERVENTION
from observatory.detect.participants import noun_phrase, participant_names, participants
from observatory.detect.roles import new_holders
from observatory.detect.triggers import (
    ABDUCT,
    ARREST,
    CLASH,
    DESTROY,
    DISRUPT,
    HQ,
    MOB,
    PROTEST,
    RIOT,
    SEXUAL,
    TERRITORY,
    VIOLENCE,
)
from observatory.read.nlp import span_text

_CIVILIAN = re.compile(
    r"\b(civilians?|villagers?|residents?|farmers?|women|children|child|girls?|boys?|students?|"
    r"worshippers|passengers|journalists?|teachers?|doctors?|nurses?|aid workers?|herders?|traders?|"
    r"shopkeepers?|fishermen|family|families|man|woman|people|pedestrians|motorists|worker|workers|"
    r"wedding|market|mosque|church|school|hospital|camp|displaced|refugees|pilgrims|elder|chief|"
    r"councillor|official|activist|politician|lawyer|businessman|trader|driver|teenager|youths?|young (men|man)|"
    r"men|persons?|victims?|labou?rers|merchants|vendors?|delegates?|IDPs?|whistle-?blower|priests?|imams?|"
    r"monks?|inmates|prisoners|detainees|hostages?|tourists?|patients|miners|villages?|homes?|houses?)\b", re.I)


_RIOT_CUES = re.compile(
    r"\b(threw stones|pelt\w*|torched|set (\w+ )?(fire|ablaze|on fire)|burn(ed|t|ing) (\w+ )?(tyres|tires|effig\w+|"
    r"vehicles?|cars?|buses|police|shops?|buildings?|objects|mattresses|rubbish|garbage|trash|debris)|"
    r"burning (objects|barricades|debris|rubbish|garbage|mattresses)|rioters?|rubber tires|rubber tyres|"
    r"vandali[sz]ed|smashed|molotov|petrol bombs?|"
    r"turned violent|clashed|injur\w* (a |two |several )?police|barricad\w+|"
    r"burning tyres|burning tires|threw|thrown|hurl\w*|removed the fences|stormed)\b", re.I)


_KILLED_PROTESTERS = re.compile(
    r"\b(killed|killing|shot dead|shot and killed|live (ammunition|fire|rounds|bullets))\b", re.I)


_MOB_WORDS = re.compile(
    r"\b(mobs?|lynch\w*|vigilantes?|angry crowds?|crowds?|group of (\w+ ){0,2}(people|residents|villagers|"
    r"locals|youths|men|inhabitants|sellers|supporters|members)|(local )?residents|villagers|locals|inhabitants|"
    r"youths|two groups|rival groups|supporters|community members|(party )?(members|supporters|workers|activists|"
    r"cadres) of (the )?\w+ party|party (members|supporters|workers|activists)|\d+ people|"
    r"(dozens|hundreds|scores|thousands) of (people|residents|villagers|locals))\b", re.I)


_PRIMITIVE = re.compile(
    r"\b(sticks?|stones?|rocks?|axes?|machetes?|knives|knife|clubs?|rods?|bricks?|canes?|hammers?|acid|"
    r"sharp[- ]edged|spears?|bows?|arrows?|beat(en|ing)?( up)?|lathis?|pelt\w*|set (him|her|them) on fire)\b", re.I)


_PROTESTERS = re.compile(
    r"\b(protest\w*|demonstrat\w*|rioters?|marchers|strikers|(general|hunger|labou?r) strikes?|on strike|"
    r"strike action|sit-in|rally|rallies)\b", re.I)


# Words for the gathering rather than its people: a named person shot "at a rally" was attacked, not a crowd.
_GATHERINGS = {"rally", "protest", "demonstration", "march", "sit-in", "strike", "meeting", "gathering"}


_SEXUAL_WORDS = re.compile(r"\b(rap(e|es|ed|ing)|sexual(ly)?|gang-?raped?|molest\w*)\b", re.I)


_SMALL_ARMS = re.compile(r"\b(small arms|small-arms|rifles?|automatic weapons|AK-47s?|gunfire)\b", re.I)


_COUNTED_EXPLOSIONS = re.compile(r"\b\d+ (explosions|blasts)\b|\bexplosions (were )?(heard|observed|recorded)", re.I)


_EXCHANGE = re.compile(
    r"\b(exchang\w+ (of )?(heavy |small[- ]arms |gun|intense )?fire|traded fire|both directions|gun ?battles?|"
    r"firefights?|shoot-?outs?|returned fire|fired back|shot back)\b", re.I)


def _violence_sub_type(family: str, mode: str | None, sent_text: str, token: Token) -> tuple[str, str | None, str]:
    """ACLED sub-type of a violent trigger: weapon cues first, then who was hit and who did it."""
    doers, victims = participants(token)
    doer_text, victim_text = participant_names(doers), participant_names(victims)
    if _PROTESTERS.search(doer_text) and family in (CLASH, VIOLENCE, RIOT):
        return "PROTEST", "riot-spon", "Violent demonstration"
    gathering_only = all(v.lemma_.lower() in _GATHERINGS for v in victims if _PROTESTERS.search(participant_names([v])))
    at_a_gathering = gathering_only and any(v.ent_type_ == "PERSON" for v in victims)  # "Cabrera, at a rally"
    if _PROTESTERS.search(victim_text) and not ARMED.search(victim_text) and not at_a_gathering:
        return protest_sub_type(sent_text, "demo-org", forced=True)  # "police fired on demonstrators"
    if family == CLASH and token.lemma_.lower() in _CLASH_WORDS:
        sides = participant_names(_clash_sides(token))
        if _PROTESTERS.search(sides):
            return "PROTEST", "riot-spon", "Violent demonstration"
        if not sides and (crowd_control(sent_text) or _tells_protest(sent_text)):
            return "PROTEST", "riot-spon", "Violent demonstration"  # "towns reported clashes and tear gas"
        if _unarmed_side(_clash_sides(token)):
            return "ASSAULT", "primitive" if _PRIMITIVE.search(sent_text) else "beat", "Mob violence"
    if _SEXUAL_WORDS.search(sent_text):
        return "ASSAULT", "sexual", "Sexual violence"
    if _EXCHANGE.search(sent_text):
        return "ASSAULT", "firearms", "Armed clash"
    weapon = None
    for sub, weapon_mode, pattern in CUES:
        if pattern.search(sent_text):
            weapon = (sub, weapon_mode)
            break
    if weapon and weapon[0] == "Shelling/artillery/missile attack" and _SMALL_ARMS.search(sent_text):
        return "ASSAULT", "firearms", "Armed clash"  # mortars and small arms together: a firefight
    if weapon and weapon[0] == "Remote explosive/landmine/IED" and _COUNTED_EXPLOSIONS.search(sent_text) and not \
            DEVICE_CUE.search(sent_text):
        return "ASSAULT", "heavy-weapons", "Shelling/artillery/missile attack"  # many blasts, no device: shelling
    if weapon and weapon[0] != "firearms":
        return "ASSAULT", weapon[1], weapon[0]
    crowd_doer = bool(doer_text) and _GROUP_NOUNS.search(doer_text) and not ARMED.search(doer_text)
    if crowd_doer and _tells_protest(sent_text) and token.pos_ == "VERB" and family in (CLASH, VIOLENCE) and \
            _POLICE_TARGET.search(victim_text):  # a verb: "a rally against the attack on police" protests one
        return "PROTEST", "riot-spon", "Violent demonstration"  # "a group broke away from the march and attacked"
    mob_doer = _MOB_WORDS.search(doer_text) and not ARMED.search(doer_text)
    primitive = _PRIMITIVE.search(sent_text) is not None and weapon is None
    if mob_doer or (family == CLASH and primitive and _MOB_WORDS.search(sent_text)):
        return "ASSAULT", "primitive" if primitive else "beat", "Mob violence"
    victim_civilian = bool(_CIVILIAN.search(victim_text)) and not ARMED.search(victim_text)
    victim_armed = bool(ARMED.search(victim_text))
    fire_mode = weapon[1] if weapon else (mode or ("primitive" if primitive else "firearms"))
    if family == CLASH and not victim_civilian:
        return "ASSAULT", fire_mode, "Armed clash"
    if victim_armed:
        return "ASSAULT", fire_mode, "Armed clash"
    if victim_civilian:
        return "ASSAULT", fire_mode, "Attack"
    if family == CLASH:
        return "ASSAULT", fire_mode, "Armed clash"
    armed_mentions = {m.group(0).lower() for m in ARMED.finditer(sent_text)}
    if len(armed_mentions) >= 2 and not _CIVILIAN.search(sent_text):
        return "ASSAULT", fire_mode, "Armed clash"
    if not victims and weapon and not _CIVILIAN.search(sent_text):
        return "ASSAULT", fire_mode, "Armed clash"  # gunfire reported with no one hit: an exchange of fire
    return "ASSAULT", fire_mode, "Attack"


_CLASH_WORDS = {"clash", "fight", "fighting", "battle", "skirmish", "scuffle", "brawl"}


_MARCH = re.compile(r"\bmarch(es)?\b")  # lower case: not the month


_POLICE_TARGET = re.compile(r"\b(police|officers?|policemen|security forces|gendarmes?|carabineros)\b", re.I)


_GROUP_NOUNS = re.compile(
    r"\b(groups?|villagers|residents|locals|youths|workers|supporters|members|inmates|prisoners|journalists|"
    r"farmers|herders|students|people|families|communities|clans?|tribes(men)?|traders|vendors|migrants|"
    r"labou?rers|fans|drivers|passengers|crowds?|mobs?|residents|villages?)\b", re.I)


# Verbs whose subject saw or told a clash rather than fought it: "other towns reported clashes".
_WITNESS_VERBS = frozenset({"report", "see", "witness", "experience", "record"})


def _clash_sides(token: Token) -> list[Token]:
    """The parties of a clash: "A clashed with B", "clashes between A and B", "A and B fought each other"."""
    sides: list[Token] = []
    verb = token if token.pos_ == "VERB" or token.head.lemma_ in _WITNESS_VERBS else token.head
    for node in dict.fromkeys((token, verb)):  # in this order: a set of tokens iterates by hash
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in ("it", "they", "which"):
                sides.append(child)
            elif child.dep_ == "prep" and child.lower_ in ("with", "between", "against", "among"):
                sides.extend(c for c in child.children if c.dep_ == "pobj")
    return [side for side in sides if side.i != token.i]  # "Clashes broke out": the clash is no side of itself


def _unarmed_side(sides: list[Token]) -> bool:
    """Whether a party to a clash is a crowd or a community rather than an armed organisation."""
    for side in [*sides, *(c for s in sides for c in s.conjuncts)]:
        words = " ".join(t.text for t in noun_phrase(side))
        if ARMED.search(words):
            continue
        if _GROUP_NOUNS.search(words) or (side.ent_type_ == "NORP" and side.tag_ in ("NNS", "NNPS")):
            return True
    return False


def _at_a_protest(token: Token) -> bool:
    """An arrest made at a protest: "detained while trying to hold a rally", "arrests were made during a march"."""
    verb = token.head if token.pos_ == "NOUN" and token.dep_ in ("nsubjpass", "dobj") else token
    held = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]  # "detained people at rallies"
    return any(
        c.dep_ in ("advcl", "prep") and c.lower_ not in ("for", "over", "after", "of")
        and _PROTESTERS.search(" ".join(t.text for t in c.subtree))
        for head in (verb, *held) for c in head.children
    )


def family_to_types(family: str, mode: str | None, sent_text: str, token: Token) -> tuple[str, str | None, str | None]:
    """PLOVER type, mode and ACLED sub-type for a trigger of a violence family, read from sentence cues."""
    if family == ARREST and (_PROTESTERS.search(participant_names(participants(token)[1])) or _at_a_protest(token)):
        return "COERCE", mode, "Protest with intervention"  # protesters detained: the protest met force
    if family == ARREST:
        return "COERCE", mode, "Arrests"
    if family == HQ:
        return "MOBILIZE", "troops", "Headquarters or base established"
    if family == DESTROY and _PROTESTERS.search(participant_names(participants(token)[0])):
        return "PROTEST", "riot-spon", "Violent demonstration"  # rioters burning cars
    if family == DESTROY:
        return "COERCE", "destroy", "Looting/property destruction"
    if family == DISRUPT:
        return "COERCE", "confiscate", "Disrupted weapons use"
    if family == ABDUCT:
        return "ASSAULT", "abduct", "Abduction/forced disappearance"
    if family == SEXUAL:
        return "ASSAULT", "sexual", "Sexual violence"
    if family == MOB:
        return "ASSAULT", mode, "Mob violence"
    if family == TERRITORY:
        doer_text = participant_names(new_holders(token) or participants(token)[0])
        gov = GOV.search(doer_text) if doer_text.strip() else GOV.search(sent_text)
        sub = "Government regains territory" if gov else "Non-state actor overtakes territory"
        return "ASSAULT", None, sub
    if family in (PROTEST, RIOT):
        return protest_sub_type(sent_text, mode, riot=family == RIOT)
    return _violence_sub_type(family, mode, sent_text, token)


def armed_protest(token: Token, family: str | None) -> bool:
    """A 'protest' word whose doers are armed or things ("bandits blocked the highway", "one of the trucks
    blocked the entrance"): an obstruction by an armed group, not a demonstration."""
    if family != PROTEST:
        return False
    doers = participants(token)[0]
    doer_text = participant_names(doers)
    if doers and ARMED.search(doer_text) and not _PROTESTERS.search(doer_text):
        return True
    if token.lemma_.lower() != "block" or _PROTESTERS.search(span_text(token.sent)):
        return False
    return not (doers and (_MOB_WORDS.search(doer_text) or _GROUP_NOUNS.search(doer_text)))


def crowd_control(text: str) -> bool:
    """Whether a text tells force used on a crowd: tear gas, dispersal, water cannon, rubber bullets."""
    return INTERVENTION.search(text) is not None


def protest_sub_type(
    text: str, mode: str | None, riot: bool = False, forced: bool = False
) -> tuple[str, str | None, str]:
    """PLOVER type, mode and ACLED sub-type of a protest, from the words that tell how it went.

    assemble.protests calls it again with the whole paragraph, since "Police dispersed them" or "The crowd
    burned tyres" often comes in the sentence after the one that reports the protest. ``forced``: the
    sentence already tells that force was used on the protesters.
    """
    if riot or _RIOT_CUES.search(text):
        return "PROTEST", "riot-spon" if mode != "riot-org" else mode, "Violent demonstration"
    if _KILLED_PROTESTERS.search(text) and re.search(r"\b(police|security|troops|soldiers|forces|military|army)\b",
                                                     text, re.I):
        return "PROTEST", mode, "Excessive force against protesters"
    if forced or INTERVENTION.search(text):
        return "PROTEST", mode, "Protest with intervention"
    return "PROTEST", mode, "Peaceful protest"


def mentions_protest(text: str) -> bool:
    """Whether a text speaks of a protest or its participants ("demonstrators", "a sit-in", "rallies")."""
    return _PROTESTERS.search(text) is not None


def _tells_protest(text: str) -> bool:
    """A protest or its people, or a march (in lower case: not the month)."""
    return mentions_protest(text) or _MARCH.search(text) is not None


CONTRAST_MARKS = frozenset({"while", "whereas", "whilst"})


def contrast_clause(token: Token, sent: Span) -> str:
    """The words of ``sent`` that tell ``token``'s event when a contrast splits the sentence ("While Kisumu saw
    peaceful demonstrations, other towns reported clashes"): its own side of the contrast, else the sentence."""
    for mark in sent:
        if mark.dep_ != "mark" or mark.lower_ not in CONTRAST_MARKS or mark.head.dep_ != "advcl":
            continue
        inner = {t.i for t in mark.head.subtree}
        if token.i in inner:
            return " ".join(t.text for t in mark.head.subtree if t.i != mark.i)
        return " ".join(t.text for t in sent if t.i not in inner)
    return span_text(sent)


_PEACE_DEAL = re.compile(
    r"\b(cease[- ]?fires?|truces?|armistice|peace (deal|agreement|accord|treaty|pact|plan)s?|"
    r"(deal|agreement|accord|treaty|pact)s? (to end|ending|on ending) (the )?(fighting|war|conflict|hostilities)|"
    r"cessation of hostilities|non-aggression|prisoner (exchange|swap|release)s?|(exchange|swap)s? of prisoners)\b",
    re.I)


_SECURITY_MEASURES = {"restrict", "curfew", "ban", "censor", "martial-law"}


_NON_ACLED = {"CONSULT", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION", "SUPPORT", "COOPERATE", "AID"}


_ACLED_OF_PLOVER = {
    "AGREE": "Agreement", "RETREAT": "Non-violent transfer of territory", "MOBILIZE": "Change to group/activity",
    "COERCE": "Other", "CONCEDE": None,
}


def plover_sub_type(kind: str, mode: str | None, sent_text: str) -> str | None:
    """The ACLED sub-type of a trigger typed directly in PLOVER: an agreement only for a ceasefire or a
    peace deal, a retreat only from ground, a security measure as a change to group/activity; None for
    PLOVER types ACLED does not code."""
    sub = None if kind in _NON_ACLED else _ACLED_OF_PLOVER.get(kind)
    if kind == "AGREE" and not _PEACE_DEAL.search(sent_text):
        sub = None  # ACLED codes ceasefires and peace deals, not every promise or arrangement
    if kind == "RETREAT" and not (GROUND.search(sent_text) or FORCES_SUBJECT.search(sent_text)):
        sub = None  # a bill or a candidacy withdrawn hands over no territory
    if kind == "COERCE" and mode in _SECURITY_MEASURES:
        sub = "Change to group/activity"  # curfews, bans, lockdowns, closures
    return sub
