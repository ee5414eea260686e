"""Which words are event triggers: the lexicon of verbs and nouns (lemma -> family or PLOVER type, mode,
base score) and the phrases that make a word one or not ("take control", "round up", "came under fire")."""

from __future__ import annotations

import re

from spacy.tokens import Token

from observatory.detect.cues import ARMED, EASED_MEASURE, FORCES_SUBJECT, GOV, GROUND
from observatory.detect.participants import noun_phrase, participant_names, participants
from observatory.detect.roles import HANDING_VERBS, new_holders
from observatory.read.nlp import span_text

# Families: a coarse grouping used to pick the ACLED sub-type from sentence cues.
VIOLENCE, CLASH, TERRITORY, PROTEST, RIOT, MOB, ARREST, DESTROY, DISRUPT, ABDUCT, SEXUAL, HQ = (
    "violence", "clash", "territory", "protest", "riot", "mob", "arrest", "destroy", "disrupt",
    "abduct", "sexual", "hq",
)


# lemma -> (family or PLOVER type, PLOVER mode, base score). Families map to ACLED sub-types in sub_types.
VERB_TRIGGERS: dict[str, tuple[str, str | None, float]] = {
    # violence
    "kill": (VIOLENCE, None, 0.8), "shoot": (VIOLENCE, "firearms", 0.8), "attack": (VIOLENCE, None, 0.85),
    "ambush": (CLASH, "firearms", 0.85), "massacre": (VIOLENCE, None, 0.85), "behead": (VIOLENCE, "primitive", 0.85),
    "execute": (VIOLENCE, "assassinate", 0.7), "stab": (VIOLENCE, "primitive", 0.8), "murder": (VIOLENCE, None, 0.8),
    "assassinate": (VIOLENCE, "assassinate", 0.85), "bomb": (VIOLENCE, "explosives", 0.85),
    "shell": (VIOLENCE, "heavy-weapons", 0.85), "pound": (VIOLENCE, "heavy-weapons", 0.6),
    "strike": (VIOLENCE, None, 0.55), "hit": (VIOLENCE, None, 0.45), "target": (VIOLENCE, None, 0.6),
    "raid": (VIOLENCE, None, 0.7), "fire": (VIOLENCE, "firearms", 0.5), "wound": (VIOLENCE, None, 0.7),
    "injure": (VIOLENCE, None, 0.6), "beat": (VIOLENCE, "beat", 0.65), "torture": (VIOLENCE, "torture", 0.8),
    "lynch": (MOB, "beat", 0.85), "gun": (VIOLENCE, "firearms", 0.75),
    "detonate": (VIOLENCE, "explosives", 0.8), "explode": (VIOLENCE, "explosives", 0.75),
    "assault": (VIOLENCE, None, 0.75), "storm": (VIOLENCE, None, 0.6), "besiege": (CLASH, None, 0.6),
    "clash": (CLASH, "firearms", 0.9), "fight": (CLASH, "firearms", 0.75), "battle": (CLASH, "firearms", 0.8),
    "engage": (CLASH, "firearms", 0.5), "repel": (CLASH, "firearms", 0.75), "repulse": (CLASH, "firearms", 0.75),
    "skirmish": (CLASH, "firearms", 0.85), "abduct": (ABDUCT, "abduct", 0.9), "kidnap": (ABDUCT, "abduct", 0.9),
    "rape": (SEXUAL, "sexual", 0.9), "molest": (SEXUAL, "sexual", 0.8),
    # territory
    "capture": (TERRITORY, None, 0.75), "seize": (TERRITORY, None, 0.65), "retake": (TERRITORY, None, 0.85),
    "recapture": (TERRITORY, None, 0.85), "regain": (TERRITORY, None, 0.8), "overrun": (TERRITORY, None, 0.85),
    "liberate": (TERRITORY, None, 0.75), "take": (TERRITORY, None, 0.0),  # "take control", "take to the streets"
    "retook": (TERRITORY, None, 0.85),  # tagged with its own lemma
    # protests and riots
    "protest": (PROTEST, "demo-org", 0.85), "demonstrate": (PROTEST, "demo-org", 0.85),
    "rally": (PROTEST, "demo-org", 0.7), "march": (PROTEST, "demo-org", 0.6), "picket": (PROTEST, "demo-org", 0.8),
    "gather": (PROTEST, "demo-spon", 0.35), "riot": (RIOT, "riot-spon", 0.9), "loot": (DESTROY, "destroy", 0.8),
    "torch": (DESTROY, "destroy", 0.75), "vandalize": (DESTROY, "destroy", 0.75),
    "vandalise": (DESTROY, "destroy", 0.75), "burn": (DESTROY, "destroy", 0.5), "destroy": (DESTROY, "destroy", 0.55),
    "demolish": (DESTROY, "destroy", 0.7), "raze": (DESTROY, "destroy", 0.75), "ransack": (DESTROY, "destroy", 0.8),
    "block": (PROTEST, "obstruct", 0.4), "boycott": (PROTEST, "boycott", 0.6),
    # coercion
    "arrest": (ARREST, "arrest", 0.85), "detain": (ARREST, "detain", 0.8), "apprehend": (ARREST, "arrest", 0.0),
    "nab": (ARREST, "arrest", 0.7), "round": (ARREST, "arrest", 0.0),  # only "round up"
    "defuse": (DISRUPT, "confiscate", 0.85), "dismantle": (DISRUPT, "confiscate", 0.55),
    "intercept": (DISRUPT, "confiscate", 0.75), "foil": (DISRUPT, None, 0.6), "thwart": (DISRUPT, None, 0.6),
    "confiscate": (DISRUPT, "confiscate", 0.6), "impose": ("COERCE", "restrict", 0.4),
    "ban": ("COERCE", "ban", 0.55), "deport": ("COERCE", "deport", 0.7),
    "evict": ("COERCE", "restrict", 0.5),
    # cooperation and conflict short of violence
    "agree": ("AGREE", None, 0.7), "sign": ("AGREE", None, 0.55), "reach": ("AGREE", None, 0.0),
    "meet": ("CONSULT", "visit", 0.55), "visit": ("CONSULT", "visit", 0.65), "host": ("CONSULT", "host", 0.6),
    "discuss": ("CONSULT", None, 0.5), "negotiate": ("CONSULT", None, 0.5), "mediate": ("CONSULT", "third-party", 0.6),
    "call": ("REQUEST", None, 0.0), "urge": ("REQUEST", None, 0.6), "demand": ("REQUEST", None, 0.6),
    "appeal": ("REQUEST", None, 0.55), "ask": ("REQUEST", None, 0.45), "request": ("REQUEST", None, 0.6),
    "accuse": ("ACCUSE", None, 0.7), "blame": ("ACCUSE", None, 0.65), "condemn": ("ACCUSE", None, 0.65),
    "denounce": ("ACCUSE", None, 0.6), "criticize": ("ACCUSE", None, 0.6), "criticise": ("ACCUSE", None, 0.6),
    "investigate": ("ACCUSE", None, 0.45), "reject": ("REJECT", None, 0.65), "refuse": ("REJECT", None, 0.55),
    "veto": ("REJECT", None, 0.6), "threaten": ("THREATEN", None, 0.7), "warn": ("THREATEN", None, 0.5),
    "sanction": ("SANCTION", None, 0.7), "suspend": ("SANCTION", None, 0.45), "sever": ("SANCTION", None, 0.55),
    "support": ("SUPPORT", None, 0.45), "endorse": ("SUPPORT", None, 0.55), "praise": ("SUPPORT", None, 0.5),
    "welcome": ("SUPPORT", None, 0.4), "back": ("SUPPORT", None, 0.3),
    "cooperate": ("COOPERATE", None, 0.6), "partner": ("COOPERATE", None, 0.5),
    "donate": ("AID", "economic", 0.6), "deliver": ("AID", "humanitarian", 0.35), "pledge": ("AID", "economic", 0.5),
    "release": ("CONCEDE", None, 0.6), "free": ("CONCEDE", None, 0.0), "pardon": ("CONCEDE", None, 0.6),
    "lift": ("CONCEDE", None, 0.4), "ease": ("CONCEDE", None, 0.4), "concede": ("CONCEDE", None, 0.6),
    "resign": ("CONCEDE", None, 0.5), "surrender": ("RETREAT", None, 0.65), "withdraw": ("RETREAT", None, 0.65),
    "retreat": ("RETREAT", None, 0.7),
    "deploy": ("MOBILIZE", "troops", 0.65), "mobilize": ("MOBILIZE", "troops", 0.65),
    "mobilise": ("MOBILIZE", "troops", 0.65), "reinforce": ("MOBILIZE", "troops", 0.55),
    "send": ("MOBILIZE", "troops", 0.0),  # only "send troops"
    "set": ("MOBILIZE", "troops", 0.0),  # only "set up a base"
    "establish": ("MOBILIZE", "troops", 0.0),  # "establish a base", "establish control"
    "build": ("MOBILIZE", "troops", 0.0), "create": ("MOBILIZE", "troops", 0.0), "open": ("MOBILIZE", "troops", 0.0),
    "discover": (DISRUPT, "confiscate", 0.0), "find": (DISRUPT, "confiscate", 0.0),
    "uncover": (DISRUPT, "confiscate", 0.0), "recover": (DISRUPT, "confiscate", 0.0),
    "exchange": (CLASH, "firearms", 0.0),  # only "exchange fire"
    "launch": (VIOLENCE, "heavy-weapons", 0.0),  # only "launch rockets/attack"
    "die": (VIOLENCE, None, 0.4), "patrol": ("MOBILIZE", "troops", 0.45),
    "abuse": (VIOLENCE, "beat", 0.55), "invade": (CLASH, None, 0.75), "hack": ("COERCE", "cyber", 0.5),
    "outlaw": ("COERCE", "ban", 0.65), "reimpose": ("COERCE", "restrict", 0.6), "blockade": ("COERCE", "restrict", 0.6),
    "censor": ("COERCE", "censor", 0.6), "expel": ("SANCTION", None, 0.55), "decline": ("REJECT", None, 0.0),
    "oppose": ("REJECT", None, 0.5), "dismiss": ("REJECT", None, 0.45), "rebuff": ("REJECT", None, 0.6),
    "rule": ("REJECT", None, 0.0), "offer": ("AGREE", None, 0.5), "promise": ("AGREE", None, 0.55),
    "allow": ("CONCEDE", None, 0.45), "permit": ("CONCEDE", None, 0.45), "grant": ("AID", None, 0.0),
    "apologize": ("SUPPORT", None, 0.55), "apologise": ("SUPPORT", None, 0.55), "defend": ("SUPPORT", None, 0.35),
    "sue": ("ACCUSE", None, 0.55), "charge": ("ACCUSE", None, 0.0), "evacuate": ("AID", "humanitarian", 0.0),
    "shorten": ("CONCEDE", None, 0.0), "alert": ("MOBILIZE", "troops", 0.4),
    # security measures and movements of forces (ACLED "Change to group/activity")
    "institute": ("COERCE", "restrict", 0.0), "close": ("COERCE", "restrict", 0.0), "seal": ("COERCE", "restrict", 0.0),
    "arrive": ("MOBILIZE", "troops", 0.0), "enter": ("MOBILIZE", "troops", 0.0), "defect": ("MOBILIZE", None, 0.65),
    "remand": (ARREST, "detain", 0.7), "hold": (ARREST, "detain", 0.0),
    "pick": (ARREST, "arrest", 0.0),  # only "picked up" people
    "book": (ARREST, "detain", 0.0),  # only people "booked for/under" an offence
    "lodge": (ARREST, "detain", 0.0), "put": (ARREST, "detain", 0.0),  # "lodged in jail", "put behind bars"
    "advance": (CLASH, None, 0.5), "crucify": (VIOLENCE, None, 0.8),
    "leave": (VIOLENCE, None, 0.0),  # only "left three dead"
    "cease": ("AGREE", None, 0.0),  # only "cease fire"
    "blow": (VIOLENCE, "explosives", 0.0),  # only "blew up"
    "hand": ("RETREAT", None, 0.0),  # only "handed over" ground
    "drive": (TERRITORY, None, 0.0), "push": (TERRITORY, None, 0.0),  # "drove the rebels out of"
    "form": ("MOBILIZE", None, 0.0),  # only forces or units formed
    "clear": (TERRITORY, None, 0.0),  # only ground cleared
    "fall": (TERRITORY, None, 0.0), "come": (TERRITORY, None, 0.0),  # "fell to", "came under" a force
    "drop": (VIOLENCE, "aerial", 0.0),  # only bombs dropped
}


NOUN_TRIGGERS: dict[str, tuple[str, str | None, float]] = {
    "attack": (VIOLENCE, None, 0.8), "airstrike": (VIOLENCE, "aerial", 0.85), "strike": (VIOLENCE, None, 0.45),
    "bombing": (VIOLENCE, "explosives", 0.85), "explosion": (VIOLENCE, "explosives", 0.75),
    "blast": (VIOLENCE, "explosives", 0.75), "shelling": (VIOLENCE, "heavy-weapons", 0.85),
    "bombardment": (VIOLENCE, "heavy-weapons", 0.8), "massacre": (VIOLENCE, None, 0.8),
    "ambush": (CLASH, "firearms", 0.85), "raid": (VIOLENCE, None, 0.65), "shooting": (VIOLENCE, "firearms", 0.75),
    "assassination": (VIOLENCE, "assassinate", 0.85), "killing": (VIOLENCE, None, 0.7),
    "clash": (CLASH, "firearms", 0.9), "fighting": (CLASH, "firearms", 0.8), "battle": (CLASH, "firearms", 0.7),
    "skirmish": (CLASH, "firearms", 0.85), "firefight": (CLASH, "firearms", 0.9), "gunfight": (CLASH, "firearms", 0.9),
    "offensive": (CLASH, None, 0.6), "assault": (VIOLENCE, None, 0.7), "abduction": (ABDUCT, "abduct", 0.85),
    "kidnapping": (ABDUCT, "abduct", 0.85), "rape": (SEXUAL, "sexual", 0.85),
    "protest": (PROTEST, "demo-org", 0.8), "demonstration": (PROTEST, "demo-org", 0.8),
    "rally": (PROTEST, "demo-org", 0.7), "march": (PROTEST, "demo-org", 0.45), "sit-in": (PROTEST, "demo-org", 0.8),
    "riot": (RIOT, "riot-spon", 0.85), "unrest": (RIOT, "riot-spon", 0.4), "looting": (DESTROY, "destroy", 0.75),
    "arrest": (ARREST, "arrest", 0.8), "detention": (ARREST, "detain", 0.55), "crackdown": (ARREST, "arrest", 0.45),
    "ceasefire": ("AGREE", None, 0.6), "truce": ("AGREE", None, 0.6), "agreement": ("AGREE", None, 0.55),
    "deal": ("AGREE", None, 0.45), "accord": ("AGREE", None, 0.5),
    "talks": ("CONSULT", None, 0.55), "negotiation": ("CONSULT", None, 0.5), "meeting": ("CONSULT", None, 0.45),
    "visit": ("CONSULT", "visit", 0.5), "sanctions": ("SANCTION", None, 0.6), "embargo": ("SANCTION", None, 0.6),
    "threat": ("THREATEN", None, 0.35), "ultimatum": ("THREATEN", None, 0.6), "aid": ("AID", "humanitarian", 0.4),
    "curfew": ("COERCE", "curfew", 0.6), "deployment": ("MOBILIZE", "troops", 0.55),
    "withdrawal": ("RETREAT", None, 0.55), "release": ("CONCEDE", None, 0.45),
    "invasion": (CLASH, None, 0.75), "suspension": ("SANCTION", None, 0.5), "blockade": ("COERCE", "restrict", 0.55),
    "alert": ("MOBILIZE", "troops", 0.45), "asylum": ("AID", "asylum", 0.5), "welcome": ("CONSULT", "host", 0.4),
    "concession": ("CONCEDE", None, 0.45), "hunger": ("PROTEST", "strike-hun", 0.0),
    "walkout": ("PROTEST", "strike-gen", 0.7),
    "shootout": (CLASH, "firearms", 0.85), "shoot-out": (CLASH, "firearms", 0.85), "gunfire": (CLASH, "firearms", 0.7),
    "shot": (CLASH, "firearms", 0.45), "burst": (CLASH, "firearms", 0.4),
    "projectile": (VIOLENCE, "heavy-weapons", 0.6),
    "violence": (CLASH, None, 0.45), "operation": (CLASH, None, 0.3), "reinforcements": ("MOBILIZE", "troops", 0.55),
    "patrol": ("MOBILIZE", "troops", 0.45), "convoy": ("MOBILIZE", "troops", 0.4),
    "exercise": ("MOBILIZE", "troops", 0.35),
    "drill": ("MOBILIZE", "troops", 0.35), "lynching": (MOB, "beat", 0.85), "mob": (MOB, "beat", 0.4),
    "lockdown": ("COERCE", "restrict", 0.5), "defection": ("MOBILIZE", None, 0.55), "custody": (ARREST, "detain", 0.0),
    "advance": (CLASH, None, 0.4), "advancement": (CLASH, None, 0.4), "casualty": (VIOLENCE, None, 0.4),
    "counteroffensive": (CLASH, None, 0.6), "counter-offensive": (CLASH, None, 0.6),
    "counterattack": (VIOLENCE, None, 0.7), "counter-attack": (VIOLENCE, None, 0.7),
    "shell": (VIOLENCE, "heavy-weapons", 0.55),
}


_LABOUR_STRIKE = re.compile(
    r"\b(hunger strike|general strike|on strike|went on strike|strike action|workers|unions?|teachers|doctors|"
    r"nurses|drivers|employees|staff|pay|wages|salaries|labou?r|industrial action)\b", re.I)


_BODY_OBJECT = re.compile(r"\b(body|bodies|corpses?|remains|dead)\b", re.I)


_SITUATIONS = {"situation", "crowd", "crowds", "protest", "protesters", "fire", "blaze", "unrest", "riot", "mob"}


_WEAPONS_OBJECT = re.compile(
    r"\b(weapons?|arms|ammunitions?|ammo|explosives?|IEDs?|bombs?|mines?|caches?|rifles?|guns?|grenades?|pistols?|"
    r"bullets|cartridges|firearms|"
    r"rockets?|missiles?|mortars?|drones?|munitions?|detonators?|RPGs?|arsenal|armaments?)\b", re.I)


_BASE_OBJECT = re.compile(
    r"\b(bases?|headquarters|HQ|outposts?|observation (posts?|points?)|posts?|camps?|garrisons?|"
    r"command centres?|command centers?|positions?)\b", re.I)


_FORTIFICATION_OBJECT = re.compile(
    r"\b(fortifications?|checkpoints?|check-posts?|roadblocks?|trenches|barriers|sandbag\w*|defensive lines?|"
    r"berms?|earthworks?)\b", re.I)


_MEASURE_OBJECT = re.compile(
    r"\b(curfews?|bans?|lockdowns?|restrictions?|measures|state of emergency|quarantine|borders?|crossings?|"
    r"entrances?|exits?|checkpoints?|roads?|highways?|city|town|district|area)\b", re.I)


_PERSONS_SUBJECT = re.compile(
    r"\b(persons|people|men|women|youths|suspects?|accused|activists|members|protesters|leaders?|\d+)\b", re.I)


_UNIT = re.compile(
    r"\b(forces?|units?|brigades?|battalions?|militias?|cells?|organi[sz]ations?|entit(y|ies)|networks?|"
    r"regiments?|divisions?|corps|squads?|army|armies)\b", re.I)


_DROPPED_WEAPONS = re.compile(r"\b(bombs?|barrels?|explosives?|munitions?|grenades?|missiles?|shells?)\b", re.I)


# Every word trigger_entry can take for a trigger, as its lemma or lower form (besides "air..." forms).
_TRIGGER_WORDS = frozenset({*VERB_TRIGGERS, *NOUN_TRIGGERS, "shot", "shoot", "loss", "martyr", "cease", "strike",
                            "custody"})


def trigger_entry(token: Token) -> tuple[str, str | None, float] | None:
    """The lexicon entry a word takes as a trigger where it stands (family or PLOVER type, mode, base
    score), or None when it is no trigger there."""
    lemma = token.lemma_.lower()
    text = token.lower_
    if lemma not in _TRIGGER_WORDS and text not in _TRIGGER_WORDS and not text.startswith("air"):
        return None  # most words: no need to read the tag
    if token.pos_ in ("VERB", "AUX") or (token.tag_.startswith("VB")):
        entry = VERB_TRIGGERS.get(lemma) or VERB_TRIGGERS.get(text)
        if entry and entry[2] == 0.0:
            return _phrasal(token, lemma)
        seized_weapons = entry and entry[0] in (TERRITORY, VIOLENCE) and _object_names(token, _WEAPONS_OBJECT) \
            and lemma in ("seize", "capture", "confiscate", "intercept", "shoot")
        if seized_weapons and (
            lemma != "shoot" or token.head.lower_ == "down" or any(c.lower_ == "down" for c in token.children)
        ):
            return (DISRUPT, "confiscate", 0.8)
        if entry and entry[0] == TERRITORY and _controls_no_ground(token):
            return None  # "police regained control", "seized control of the situation": no ground changed hands
        if lemma in ("confiscate", "dismantle") and not _object_names(token, _WEAPONS_OBJECT):
            return None  # "confiscated his passport", "dismantled the network": no weapons disrupted
        if entry and entry[0] == TERRITORY and lemma in ("capture", "seize") and _object_names(token, _CAPTIVES):
            return _captured_people(token)
        return entry
    if text == "shot" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ in ("dead", "and"):
        return (VIOLENCE, "firearms", 0.8)  # "gunmen shot dead a trader", tagged as a noun
    if text == "shoot" and token.doc[token.i + 1 : token.i + 3].text.lower().replace(" ", "") in ("-out", "-outs"):
        return (CLASH, "firearms", 0.85)
    if token.pos_ in ("NOUN", "PROPN"):
        entry = NOUN_TRIGGERS.get(lemma) or NOUN_TRIGGERS.get(text)
        if entry is None and text.endswith("s"):
            entry = NOUN_TRIGGERS.get(text)
        if entry is None and re.fullmatch(r"air-?strikes?|air raids?", text):
            entry = NOUN_TRIGGERS["airstrike"]
        if _casualties(token):
            return (VIOLENCE, None, 0.4)
        if lemma == "cease" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "fire":
            return ("AGREE", None, 0.6)
        if lemma == "strike" and _LABOUR_STRIKE.search(span_text(token.sent)):
            mode = "strike-hun" if token.i > 0 and token.doc[token.i - 1].lower_ == "hunger" else "strike-gen"
            return (PROTEST, mode, 0.75)
        if lemma == "custody" and (  # "taken into custody", "under custody", "remanded in custody"
                token.head.lower_ == "into"
                or (token.head.lower_ == "under" and _object_names(token.head.head, _CAPTIVES))
                or token.head.head.lemma_ == "remand"):
            return (ARREST, "detain", 0.6)
        if entry and entry[2] == 0.0:
            return None
        return entry
    return None


_CAPTIVES = re.compile(
    r"^(persons|people|men|women|suspects?|members|militants|fighters|soldiers|terrorists|rebels|insurgents|"
    r"gunmen|nationals|civilians|hostages|officers|policemen|troops|smugglers|him|her|them|alive|others|\d+|"
    r"two|three|four|five|six|seven|eight|nine|ten|dozens|scores)$", re.I)


def _captured_people(token: Token) -> tuple[str, str | None, float]:
    """People captured are detained (by state forces) or abducted (by anyone else), no ground taken."""
    doers = participants(token)[0]
    if doers and not GOV.search(participant_names(doers)):
        return (ABDUCT, "abduct", 0.6)
    return (ARREST, "arrest", 0.7)


def _casualties(token: Token) -> bool:
    """Deaths told as a loss: "human losses in Duma", "more martyrs in Idlib"."""
    lemma = token.lemma_.lower()
    if lemma == "loss" and token.tag_ == "NNS":
        return any(c.lower_ == "human" for c in token.children if c.dep_ == "amod")
    return lemma == "martyr" and token.tag_ == "NNS"


def _controls_no_ground(token: Token) -> bool:
    """Whether a verb takes "control" of no place: "police regained control", "took control of the situation"."""
    if not any(c.dep_ in ("dobj", "obj") and c.lemma_.lower() == "control" for c in token.children):
        return False
    of = [g for p in token.subtree if p.lower_ in ("of", "over") for g in p.children if g.dep_ == "pobj"]
    return not of or all(g.lemma_.lower() in _SITUATIONS for g in of)  # "took control by force of several areas"


def _object_names(token: Token, pattern: re.Pattern[str]) -> bool:
    """Whether the object's own noun (or its "of" complement) matches: "seized weapons", "a cache of arms",
    not "seized a rocket-launching site"."""
    heads = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "obj")]
    if not heads and token.tag_ == "VBN":  # "... were killed and hundreds of munitions seized"
        heads = [c for c in token.children if c.dep_ == "nsubj"]
    words = list(heads)
    for _ in range(2):  # "a cache of arms", "hundreds of rounds of ammunition"
        words += [g for h in words for p in h.children if p.lower_ == "of" for g in p.children if g not in words]
    words += [c for w in words for c in w.conjuncts]
    return any(pattern.search(w.text) for w in words)


def _object_matches(token: Token, pattern: re.Pattern[str]) -> bool:
    """Whether the direct object (or passive subject) of a verb matches a pattern."""
    return any(
        c.dep_ in ("dobj", "nsubjpass", "obj") and pattern.search(" ".join(t.text for t in c.subtree))
        for c in token.children
    )


def _changes_hands(token: Token) -> bool:
    """Whether ground is the subject of "fall to" / "come under" a force ("Kidal fell to the rebels")."""
    subjects = [c for c in token.children if c.dep_ == "nsubj"]
    ground = any(GROUND.search(" ".join(t.text for t in c.subtree)) or any(
        t.ent_type_ in ("GPE", "LOC", "FAC") or (t.pos_ == "PROPN" and t.ent_type_ not in ("PERSON", "ORG", "NORP"))
        for t in c.subtree) for c in subjects)
    return ground and bool(new_holders(token))


def _phrasal(token: Token, lemma: str) -> tuple[str, str | None, float] | None:
    """Triggers that count only in a phrase: "take control", "round up", "reach a deal", "call for"."""
    right = " ".join(t.lower_ for t in token.doc[token.i + 1 : token.i + 4])
    if lemma == "take" and re.match(r"(full |over |back )?(control|over)\b", right) and not _controls_no_ground(token):
        return (TERRITORY, None, 0.8)
    if lemma == "drop" and _object_names(token, _DROPPED_WEAPONS):
        return (VIOLENCE, "aerial", 0.75)  # "helicopters dropped barrel bombs near Ariha"
    if lemma in HANDING_VERBS and _changes_hands(token):
        return (TERRITORY, None, 0.75)  # "the town fell to the rebels", "came under Fano forces"
    if lemma == "take" and re.match(r"to the streets?\b", right):
        return (PROTEST, "demo-spon", 0.75)  # "thousands took to the streets"
    found_bodies = token.dep_ == "acl" and bool(_BODY_OBJECT.search(token.head.text))  # "three corpses found"
    if lemma == "find" and (re.match(r"(\w+ )?dead\b", right) or _object_matches(token, _BODY_OBJECT) or found_bodies):
        return (VIOLENCE, None, 0.7)
    if lemma == "charge" and token.i > 0 and token.doc[token.i - 1].lower_ in ("baton", "lathi", "cane"):
        return (VIOLENCE, "beat", 0.7)
    if lemma == "decline" and right.startswith("to"):
        return ("REJECT", None, 0.6)
    if lemma == "rule" and right.startswith("out"):
        return ("REJECT", None, 0.6)
    if lemma == "grant" and re.search(r"\basylum\b", right):
        return ("AID", "asylum", 0.6)
    if lemma == "grant":
        return ("CONCEDE", None, 0.45)
    if lemma == "charge" and any(c.dep_ == "ccomp" or c.lower_ == "with" for c in token.children):
        return ("ACCUSE", None, 0.55)
    if lemma == "evacuate" and re.search(r"\b(wounded|injured|civilians|residents|sick|children)\b", right):
        return ("AID", "humanitarian", 0.55)
    if lemma == "evacuate":
        return ("RETREAT", None, 0.45)
    if lemma == "shorten" and _object_matches(token, EASED_MEASURE):
        return ("CONCEDE", None, 0.55)
    if lemma in ("pick", "book", "lodge", "put", "send") and _detention_phrase(token, lemma, right):
        return (ARREST, "arrest" if lemma == "pick" else "detain", 0.7)
    if lemma == "leave" and any(c.lower_ == "dead" for c in token.subtree):
        return (VIOLENCE, None, 0.7)
    if lemma == "set" and re.match(r"(\w+ ){0,3}?(on )?(fire|ablaze|alight)\b", right):
        return (DESTROY, "destroy", 0.7)
    if lemma == "apprehend":  # "apprehending trouble" is fearing it
        return None if _object_names(token, _FEARED) else (ARREST, "arrest", 0.75)
    if lemma == "cease" and right.startswith("fire"):
        return ("AGREE", None, 0.6)
    if lemma == "blow" and (right.startswith("up") or re.match(r"(him|her|them)sel(f|ves) up", right)):
        return (VIOLENCE, "explosives", 0.8)
    if lemma == "hand" and any(c.lower_ == "over" for c in token.children) and _object_matches(token, GROUND):
        return ("RETREAT", None, 0.65)
    if lemma in ("drive", "push") and any(c.lower_ in ("out", "back") for c in token.children) and (
            _object_matches(token, ARMED) or _object_matches(token, GROUND)):
        return (TERRITORY, None, 0.7)
    if lemma in ("free", "recover", "clear") and _object_names(token, GROUND):
        return (TERRITORY, None, 0.75)
    if lemma == "free":
        return ("CONCEDE", None, 0.55)
    if lemma in ("form", "set") and (_object_names(token, _UNIT) or _subject_matches(token, _UNIT, passive=True)):
        if lemma == "set" and not any(c.lower_ == "up" for c in token.children):
            return None
        return ("MOBILIZE", "troops", 0.6)
    if lemma == "round" and right.startswith("up"):
        return (ARREST, "arrest", 0.75)
    if lemma == "reach" and re.search(r"\b(agreement|deal|accord|truce|ceasefire|settlement|consensus)\b", right):
        return ("AGREE", None, 0.7)
    if lemma == "call" and right.startswith(("for", "on")):
        return ("REQUEST", None, 0.55)
    if lemma == "exchange" and token.pos_ == "NOUN" and right.startswith("of fire"):
        return (CLASH, "firearms", 0.85)
    if lemma == "exchange" and re.match(r"(heavy |small[- ]arms |gun|artillery |mortar )?(fire|gunfire|shots)", right):
        return (CLASH, "firearms", 0.85)
    if lemma == "launch" and re.search(
            r"\b(attacks?|rockets?|missiles?|strikes?|offensive|raids?|assault|drones?|shells?)\b", right):
        return (VIOLENCE, None, 0.75)
    if lemma == "open" and re.match(r"fire\b", right):
        return (VIOLENCE, "firearms", 0.8)
    if lemma in ("set", "establish", "build", "create", "open") and _object_matches(token, _BASE_OBJECT):
        if lemma == "set" and not right.startswith("up"):
            return None
        return (HQ, "troops", 0.75)
    if lemma in ("establish", "set") and re.search(r"\bcontrol\b", right):
        return (TERRITORY, None, 0.75)
    if lemma in ("discover", "find", "uncover", "recover") and _object_matches(token, _WEAPONS_OBJECT):
        return (DISRUPT, "confiscate", 0.75)
    if lemma == "send" and re.search(r"\b(troops|forces|soldiers|reinforcements)\b", right):
        return ("MOBILIZE", "troops", 0.6)
    if lemma in ("set", "establish", "build", "erect", "dig") and _object_matches(token, _FORTIFICATION_OBJECT):
        return ("MOBILIZE", "troops", 0.7)
    if lemma in ("institute", "close", "seal") and _object_matches(token, _MEASURE_OBJECT):
        return ("COERCE", "restrict", 0.6)
    if lemma in ("arrive", "enter", "reach") and _subject_matches(token, FORCES_SUBJECT):
        return ("MOBILIZE", "troops", 0.6)
    if lemma == "hold" and re.search(r"\b(hostage|captive|(at |for )?ransom)", right):
        return (ABDUCT, "abduct", 0.75)
    held_by_police = any(c.dep_ == "agent" and re.search(r"\b(police|troops|forces|army|authorities)\b", " ".join(
        t.lower_ for t in c.subtree)) for c in token.children) and not _subject_matches(token, _HELD_THINGS, True)
    if lemma == "hold" and (_subject_matches(token, _PERSONS_SUBJECT, passive=True) or held_by_police or any(
            c.dep_ == "nsubjpass" and c.ent_type_ == "PERSON" for c in token.children)):
        return (ARREST, "detain", 0.6)
    return None


_FEARED = re.compile(r"\b(acts?|trouble|violence|attacks?|retaliation|danger|threats?|tension|clashes)\b", re.I)


_PERSONAL = {"he", "she", "they", "we", "i", "you", "him", "her", "them", "us", "me"}


_HELD_THINGS = re.compile(
    r"\b(meetings?|conferences?|talks|elections?|rall(y|ies)|protests?|sessions?|ceremon(y|ies)|events?|hearings?|"
    r"votes?|polls?|seminars?|discussions?|functions?|programmes?|programs?|exercises?|drills?|parades?|"
    r"positions?|areas?|territory|towns?|villages?|ground|land|posts?|lines?|consultations?|briefings?)\b", re.I)


_OFFENDERS = re.compile(r"\b(offenders|culprits|miscreants|rioters|accused)\b|" + _PERSONS_SUBJECT.pattern, re.I)


_JAIL = re.compile(r"\b(jail|prison|lock-?up|custody|remand home|behind bars)\b", re.I)


def _detention_phrase(token: Token, lemma: str, right: str) -> bool:
    """People "picked up" by police, "booked for murder", "lodged in jail", "sent to prison", "put behind bars"."""
    if lemma == "pick":
        taken = _subject_matches(token, _PERSONS_SUBJECT, passive=True) or any(
            c.dep_ == "nsubjpass" and (c.ent_type_ == "PERSON" or c.pos_ in ("PROPN", "PRON")) for c in token.children)
        people = _object_matches(token, _PERSONS_SUBJECT) or any(c.dep_ == "dobj" and c.pos_ == "PRON"
                                                                 for c in token.children)
        return any(c.lower_ == "up" for c in token.children) and (taken or people)
    if lemma == "book":
        people = _subject_matches(token, _OFFENDERS, passive=True) or any(
            c.dep_ == "nsubjpass" and (c.pos_ == "PROPN" or c.lower_ in _PERSONAL) for c in token.children)
        return people and any(c.dep_ == "prep" and c.lower_ in ("for", "under") for c in token.children)
    return bool(_JAIL.search(" ".join(t.lower_ for c in token.children if c.dep_ == "prep" for t in c.subtree)))


def _subject_matches(token: Token, pattern: re.Pattern[str], passive: bool = False) -> bool:
    """Whether the subject of a verb (only a passive one with ``passive``) matches a pattern."""
    deps = ("nsubjpass",) if passive else ("nsubj", "nsubjpass")
    return any(c.dep_ in deps and pattern.search(" ".join(t.text for t in noun_phrase(c))) for c in token.children)
