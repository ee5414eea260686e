"""Event detection and typing: trigger words in a sentence, typed in PLOVER and ACLED terms.

A trigger is a verb or noun whose lemma is in the lexicon below. Its ACLED sub-event type is refined
from cues in the sentence (weapons, who was hit, whether protesters met force), the way an ACLED
coder reads the note.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from observatory.detect.roles import HANDING_VERBS, new_holders
from observatory.detect.status import is_reporting_verb
from observatory.read.nlp import span_text, text_of

# Families: a coarse grouping used to pick the ACLED sub-type from sentence cues.
VIOLENCE, CLASH, TERRITORY, PROTEST, RIOT, MOB, ARREST, DESTROY, DISRUPT, ABDUCT, SEXUAL, HQ = (
    "violence", "clash", "territory", "protest", "riot", "mob", "arrest", "destroy", "disrupt",
    "abduct", "sexual", "hq",
)

# lemma -> (family or PLOVER type, PLOVER mode, base score). Families map to ACLED sub-types below.
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

# Weapon cues, checked in this order; the first that matches decides the ACLED sub-type.
_CUES: list[tuple[str, str, re.Pattern[str]]] = [
    ("Chemical weapon", "chemical", re.compile(
        r"\b(chemical (weapons?|attack)|chlorine|sarin|(sulfur |sulphur )?mustard gas|sulfur mustard|nerve agent|"
        r"(toxic|poison|poisonous) gas|gas attacks?)\b", re.I)),
    ("Suicide bomb", "suicide-attack", re.compile(
        r"\bsuicide\b|\bblew (himself|herself|themselves) up|\bkilling (himself|herself|themselves)\b|"
        r"\bself-detonat\w*", re.I)),
    ("Air/drone strike", "aerial", re.compile(
        r"\b(air ?strikes?|air-strikes?|air raids?|airstrikes?|warplanes?|war planes?|(fighter )?jets|drones?|"
        r"aircraft|helicopters?|gunships?|air force|aerial|(?<!suicide )bombers|(?:jet|fighter|strategic|heavy) bomber|"
        r"UAVs?|quadcopters?|air power|barrel bombs?|"
        r"bombed from the air)\b", re.I)),
    ("Remote explosive/landmine/IED", "explosives", re.compile(
        r"\b(IEDs?|improvised explosive|roadside bombs?|landmines?|land mines?|(anti-\w+ )?mines?|car bombs?|"
        r"explosive devices?|bomb(s|ing|ings)?|explosives?|VBIEDs?|booby[- ]trap\w*|sticky bombs?|"
        r"magnetic bombs?|planted|detonat\w+)\b", re.I)),
    ("Shelling/artillery/missile attack", "heavy-weapons", re.compile(
        r"\b(shell(s|ed|ing)?|artillery|mortars?|rockets?|missiles?|howitzers?|MLRS|Grad|katyushas?|"
        r"bombard\w*|projectiles?|Hellfire|ballistic|(?<!water )cannons?|heavy weapons|tank fire|tanks?|RPGs?|ATGMs?|"
        r"anti-tank|grenade launchers?|heavy machine ?guns|recoilless|BMPs?|infantry fighting vehicles?)\b", re.I)),
    ("Grenade", "explosives", re.compile(r"\bgrenades?\b(?! launchers?)", re.I)),
    ("firearms", "firearms", re.compile(
        r"\b(small arms|gunfire|gun ?fire|shots|bursts of fire|machine ?guns?|rifles?|bullets?|gunmen|"
        r"gunshots?|shoot-?outs?|opened fire|shot|sniper\w*|AK-47s?|pistols?)\b", re.I)),
    ("Remote explosive/landmine/IED", "explosives", re.compile(r"\b(blasts?|explosions?)\b", re.I)),
]
_CIVILIAN = re.compile(
    r"\b(civilians?|villagers?|residents?|farmers?|women|children|child|girls?|boys?|students?|"
    r"worshippers|passengers|journalists?|teachers?|doctors?|nurses?|aid workers?|herders?|traders?|"
    r"shopkeepers?|fishermen|family|families|man|woman|people|pedestrians|motorists|worker|workers|"
    r"wedding|market|mosque|church|school|hospital|camp|displaced|refugees|pilgrims|elder|chief|"
    r"councillor|official|activist|politician|lawyer|businessman|trader|driver|teenager|youths?|young (men|man)|"
    r"men|persons?|victims?|labou?rers|merchants|vendors?|delegates?|IDPs?|whistle-?blower|priests?|imams?|"
    r"monks?|inmates|prisoners|detainees|hostages?|tourists?|patients|miners|villages?|homes?|houses?)\b", re.I)
_ARMED = re.compile(
    r"\b(soldiers?|troops?|army|military|forces?|police(men)?|officers?|militants?|rebels?|insurgents?|"
    r"fighters?|gunmen|militias?|militiamen|jihadists?|checkpoints?|base|patrol|convoy|positions?|"
    r"gendarmes?|gendarmerie|terrorists?|police(wo)?m[ae]n|gang members?|members? (of|from) (the )?[A-Z]\w+|"
    r"cartels?|gangs?|mujahideen|Shabab|militiamen|bases?|outposts?|Taliban|Shabaab|al-Shabaab|Boko Haram|ISWAP|"
    r"Houthis?|Daesh|IS|ISIS|ISIL|SDF|YPG|PKK|guards?|"
    r"security personnel|paramilitar\w+|vigilantes?|bandits?|combatants?|JNIM|ADF|M23|Wagner|"
    r"armed (men|individuals|persons|groups?|assailants)|assailants|commanders?|cadres?|"
    r"[A-Z]{2,}[\w-]* (members?|fighters?|elements?|cadres?))\b")
_INTERVENTION = re.compile(
    r"\b(tear ?gas|teargas|dispers\w+|water cannons?|rubber bullets?|baton\w*|charged|broke up|intervened|"
    r"pellets?|stun grenades?|prevented|stopped|blocked by police|cordoned)\b|"
    r"\b(arrest\w*|detain\w*)\b[^.;]{0,40}\b(protesters|demonstrators|participants|marchers|activists|students)\b|"
    r"\b(protesters|demonstrators|participants|marchers)\b[^.;]{0,40}\b(were|was) (arrested|detained)", re.I)
_RIOT_CUES = re.compile(
    r"\b(threw stones|pelt\w*|torched|set (\w+ )?(fire|ablaze|on fire)|burn(ed|t|ing) (\w+ )?(tyres|tires|effig\w+|"
    r"vehicles?|cars?|buses|police|shops?|buildings?|objects|mattresses|rubbish|garbage|trash|debris)|"
    r"burning (objects|barricades|debris|rubbish|garbage|mattresses)|rioters?|rubber tires|rubber tyres|"
    r"vandali[sz]ed|smashed|molotov|petrol bombs?|"
    r"turned violent|clashed|injur\w* (a |two |several )?police|barricad\w+|"
    r"burning tyres|burning tires|threw|thrown|hurl\w*|removed the fences|stormed)\b", re.I)
_KILLED_PROTESTERS = re.compile(
    r"\b(killed|killing|shot dead|shot and killed|live (ammunition|fire|rounds|bullets))\b", re.I)
_MOB = re.compile(
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
_GOV = re.compile(
    r"\b(army|government|regime|troops|troopers|soldiers|military|security forces|state forces|national army|"
    r"armed forces|police|pro-government|loyalist|Assad|FARDC|SNA|ANA|ANDSF|Iraqi forces|Tatmadaw|"
    r"(Syrian|Iraqi|Afghan|Nigerian|Somali|Malian|Burkinabe|Yemeni|Libyan|Ukrainian|Russian|Israeli|"
    r"Turkish|Indian|Pakistani|Ethiopian|Myanmar|Cameroonian|Congolese) (army|troops|forces|military))\b", re.I)
_TAKE_CONTROL = re.compile(r"\b(took|take|taken|taking|seiz\w+|regain\w*|wrest\w*)\s+(full\s+)?control\b", re.I)
_LABOUR_STRIKE = re.compile(
    r"\b(hunger strike|general strike|on strike|went on strike|strike action|workers|unions?|teachers|doctors|"
    r"nurses|drivers|employees|staff|pay|wages|salaries|labou?r|industrial action)\b", re.I)
_BODY_OBJECT = re.compile(r"\b(body|bodies|corpses?|remains|dead)\b", re.I)
_SEXUAL = re.compile(r"\b(rap(e|es|ed|ing)|sexual(ly)?|gang-?raped?|molest\w*)\b", re.I)
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
_FORCES_SUBJECT = re.compile(
    r"\b(reinforcements?|troops|forces|soldiers|convoys?|columns?|fighters|militiamen|tribesmen|units?|"
    r"battalions?|brigades?|vehicles|tanks|military)\b", re.I)
_PERSONS_SUBJECT = re.compile(
    r"\b(persons|people|men|women|youths|suspects?|accused|activists|members|protesters|leaders?|\d+)\b", re.I)
_GROUND = re.compile(
    r"\b(villages?|towns?|cit(y|ies)|areas?|regions?|territor(y|ies)|districts?|positions?|neighbou?rhoods?|"
    r"hills?|bases?|control|countryside|outskirts|province|strongholds?)\b", re.I)
_UNIT = re.compile(
    r"\b(forces?|units?|brigades?|battalions?|militias?|cells?|organi[sz]ations?|entit(y|ies)|networks?|"
    r"regiments?|divisions?|corps|squads?|army|armies)\b", re.I)
_EASED_MEASURE = re.compile(
    r"\b(curfews?|sentences?|detention|bans?|restrictions?|measures|blockades?|embargo(es)?|sanctions|"
    r"lockdowns?|state of emergency|martial law)\b", re.I)
_SMALL_ARMS = re.compile(r"\b(small arms|small-arms|rifles?|automatic weapons|AK-47s?|gunfire)\b", re.I)
_COUNTED_EXPLOSIONS = re.compile(r"\b\d+ (explosions|blasts)\b|\bexplosions (were )?(heard|observed|recorded)", re.I)
_EXCHANGE = re.compile(
    r"\b(exchang\w+ (of )?(heavy |small[- ]arms |gun|intense )?fire|traded fire|both directions|gun ?battles?|"
    r"firefights?|shoot-?outs?|returned fire|fired back|shot back)\b", re.I)
_FIRE_ON = re.compile(r"\bopen(ed|s)? fire\b", re.I)


@dataclass
class Trigger:
    """A word in a sentence that signals an event, with its type."""

    token: Token
    plover_type: str
    plover_mode: str | None
    acled_sub_event_type: str | None
    score: float
    family: str | None = None


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


def _participants(token: Token) -> tuple[list[Token], list[Token]]:
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


def _noun_phrase(head: Token) -> list[Token]:
    """The words naming a participant: its modifiers and "of"/"from" complements, not clauses or places."""
    words = [head]
    for child in head.children:
        if child.dep_ in _CLAUSE_DEPS:
            continue
        if child.dep_ == "prep" and child.lower_ not in ("of", "from"):
            continue
        words.extend(_noun_phrase(child) if child.dep_ == "prep" or child.i > head.i else child.subtree)
    return sorted(words, key=lambda t: t.i)


def _phrase(tokens: list[Token]) -> str:
    """The participants' names, each with its conjuncts ("soldiers and police")."""
    heads = [*tokens, *(c for t in tokens for c in t.conjuncts)]
    return " | ".join(" ".join(t.text for t in _noun_phrase(head)) for head in heads)


def _violence_sub_type(family: str, mode: str | None, sent_text: str, token: Token) -> tuple[str, str | None, str]:
    """ACLED sub-type of a violent trigger: weapon cues first, then who was hit and who did it."""
    doers, victims = _participants(token)
    doer_text, victim_text = _phrase(doers), _phrase(victims)
    if _PROTESTERS.search(doer_text) and family in (CLASH, VIOLENCE, RIOT):
        return "PROTEST", "riot-spon", "Violent demonstration"
    gathering_only = all(v.lemma_.lower() in _GATHERINGS for v in victims if _PROTESTERS.search(_phrase([v])))
    at_a_gathering = gathering_only and any(v.ent_type_ == "PERSON" for v in victims)  # "Cabrera, at a rally"
    if _PROTESTERS.search(victim_text) and not _ARMED.search(victim_text) and not at_a_gathering:
        return protest_sub_type(sent_text, "demo-org", forced=True)  # "police fired on demonstrators"
    if family == CLASH and token.lemma_.lower() in _CLASH_WORDS:
        sides = _phrase(_clash_sides(token))
        if _PROTESTERS.search(sides):
            return "PROTEST", "riot-spon", "Violent demonstration"
        if not sides and (crowd_control(sent_text) or _tells_protest(sent_text)):
            return "PROTEST", "riot-spon", "Violent demonstration"  # "towns reported clashes and tear gas"
        if _unarmed_side(_clash_sides(token)):
            return "ASSAULT", "primitive" if _PRIMITIVE.search(sent_text) else "beat", "Mob violence"
    if _SEXUAL.search(sent_text):
        return "ASSAULT", "sexual", "Sexual violence"
    if _EXCHANGE.search(sent_text):
        return "ASSAULT", "firearms", "Armed clash"
    weapon = None
    for sub, weapon_mode, pattern in _CUES:
        if pattern.search(sent_text):
            weapon = (sub, weapon_mode)
            break
    if weapon and weapon[0] == "Shelling/artillery/missile attack" and _SMALL_ARMS.search(sent_text):
        return "ASSAULT", "firearms", "Armed clash"  # mortars and small arms together: a firefight
    if weapon and weapon[0] == "Remote explosive/landmine/IED" and _COUNTED_EXPLOSIONS.search(sent_text) and not \
            _CUES[3][2].search(sent_text):
        return "ASSAULT", "heavy-weapons", "Shelling/artillery/missile attack"  # many blasts, no device: shelling
    if weapon and weapon[0] != "firearms":
        return "ASSAULT", weapon[1], weapon[0]
    crowd_doer = bool(doer_text) and _GROUP_NOUNS.search(doer_text) and not _ARMED.search(doer_text)
    if crowd_doer and _tells_protest(sent_text) and token.pos_ == "VERB" and family in (CLASH, VIOLENCE) and \
            _POLICE_TARGET.search(victim_text):  # a verb: "a rally against the attack on police" protests one
        return "PROTEST", "riot-spon", "Violent demonstration"  # "a group broke away from the march and attacked"
    mob_doer = _MOB.search(doer_text) and not _ARMED.search(doer_text)
    primitive = _PRIMITIVE.search(sent_text) is not None and weapon is None
    if mob_doer or (family == CLASH and primitive and _MOB.search(sent_text)):
        return "ASSAULT", "primitive" if primitive else "beat", "Mob violence"
    victim_civilian = bool(_CIVILIAN.search(victim_text)) and not _ARMED.search(victim_text)
    victim_armed = bool(_ARMED.search(victim_text))
    fire_mode = weapon[1] if weapon else (mode or ("primitive" if primitive else "firearms"))
    if family == CLASH and not victim_civilian:
        return "ASSAULT", fire_mode, "Armed clash"
    if victim_armed:
        return "ASSAULT", fire_mode, "Armed clash"
    if victim_civilian:
        return "ASSAULT", fire_mode, "Attack"
    if family == CLASH:
        return "ASSAULT", fire_mode, "Armed clash"
    armed_mentions = {m.group(0).lower() for m in _ARMED.finditer(sent_text)}
    if len(armed_mentions) >= 2 and not _CIVILIAN.search(sent_text):
        return "ASSAULT", fire_mode, "Armed clash"
    if not victims and weapon and not _CIVILIAN.search(sent_text):
        return "ASSAULT", fire_mode, "Armed clash"  # gunfire reported with no one hit: an exchange of fire
    return "ASSAULT", fire_mode, "Attack"


_CLASH_WORDS = {"clash", "fight", "fighting", "battle", "skirmish", "scuffle", "brawl"}
_DROPPED_WEAPONS = re.compile(r"\b(bombs?|barrels?|explosives?|munitions?|grenades?|missiles?|shells?)\b", re.I)
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
        words = " ".join(t.text for t in _noun_phrase(side))
        if _ARMED.search(words):
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


def _family_to_types(family: str, mode: str | None, sent_text: str, token: Token) -> tuple[str, str | None, str | None]:
    """PLOVER type, mode and ACLED sub-type for a trigger of a violence family, read from sentence cues."""
    if family == ARREST and (_PROTESTERS.search(_phrase(_participants(token)[1])) or _at_a_protest(token)):
        return "COERCE", mode, "Protest with intervention"  # protesters detained: the protest met force
    if family == ARREST:
        return "COERCE", mode, "Arrests"
    if family == HQ:
        return "MOBILIZE", "troops", "Headquarters or base established"
    if family == DESTROY and _PROTESTERS.search(_phrase(_participants(token)[0])):
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
        doer_text = _phrase(new_holders(token) or _participants(token)[0])
        gov = _GOV.search(doer_text) if doer_text.strip() else _GOV.search(sent_text)
        sub = "Government regains territory" if gov else "Non-state actor overtakes territory"
        return "ASSAULT", None, sub
    if family in (PROTEST, RIOT):
        return protest_sub_type(sent_text, mode, riot=family == RIOT)
    return _violence_sub_type(family, mode, sent_text, token)


def _armed_protest(token: Token, family: str | None) -> bool:
    """A 'protest' word whose doers are armed or things ("bandits blocked the highway", "one of the trucks
    blocked the entrance"): an obstruction by an armed group, not a demonstration."""
    if family != PROTEST:
        return False
    doers = _participants(token)[0]
    doer_text = _phrase(doers)
    if doers and _ARMED.search(doer_text) and not _PROTESTERS.search(doer_text):
        return True
    if token.lemma_.lower() != "block" or _PROTESTERS.search(span_text(token.sent)):
        return False
    return not (doers and (_MOB.search(doer_text) or _GROUP_NOUNS.search(doer_text)))


def crowd_control(text: str) -> bool:
    """Whether a text tells force used on a crowd: tear gas, dispersal, water cannon, rubber bullets."""
    return _INTERVENTION.search(text) is not None


def protest_sub_type(
    text: str, mode: str | None, riot: bool = False, forced: bool = False
) -> tuple[str, str | None, str]:
    """PLOVER type, mode and ACLED sub-type of a protest, from the words that tell how it went.

    The pipeline calls it again with the whole paragraph, since "Police dispersed them" or "The crowd
    burned tyres" often comes in the sentence after the one that reports the protest. ``forced``: the
    sentence already tells that force was used on the protesters.
    """
    if riot or _RIOT_CUES.search(text):
        return "PROTEST", "riot-spon" if mode != "riot-org" else mode, "Violent demonstration"
    if _KILLED_PROTESTERS.search(text) and re.search(r"\b(police|security|troops|soldiers|forces|military|army)\b",
                                                     text, re.I):
        return "PROTEST", mode, "Excessive force against protesters"
    if forced or _INTERVENTION.search(text):
        return "PROTEST", mode, "Protest with intervention"
    return "PROTEST", mode, "Peaceful protest"


def mentions_protest(text: str) -> bool:
    """Whether a text speaks of a protest or its participants ("demonstrators", "a sit-in", "rallies")."""
    return _PROTESTERS.search(text) is not None


def _tells_protest(text: str) -> bool:
    """A protest or its people, or a march (in lower case: not the month)."""
    return mentions_protest(text) or _MARCH.search(text) is not None


# Where a trigger sits in its sentence: main-clause events matter more than background ones.
_SUBORDINATE_DEPS = {"relcl": 0.6, "acl": 0.7, "amod": 0.55, "advcl": 0.85, "pcomp": 0.75, "csubj": 0.8}
_BACKGROUND_PREPS = {"against", "over", "for", "of", "about", "despite", "since", "after", "following", "amid"}


def salience(token: Token) -> float:
    """How central a trigger is to its sentence, from 1.0 (main clause) down."""
    factor = 1.0
    if token.dep_ == "pobj" and token.head.lower_ in _BACKGROUND_PREPS:
        factor *= 0.6
    for node in [token, *token.ancestors]:
        factor *= _SUBORDINATE_DEPS.get(node.dep_, 1.0)
        if node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
            factor *= 0.7  # a purpose: "blocked roads to demand reforms" reports the blockade
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _BACKGROUND_PREPS | {"as", "before"}
                                        for c in node.children):
            factor *= 0.7
    return factor


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


# Every word _is_trigger_form can take for a trigger, as its lemma or lower form (besides "air..." forms).
_TRIGGER_WORDS = frozenset({*VERB_TRIGGERS, *NOUN_TRIGGERS, "shot", "shoot", "loss", "martyr", "cease", "strike",
                            "custody"})


def _is_trigger_form(token: Token) -> tuple[str, str | None, float] | None:
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
    doers = _participants(token)[0]
    if doers and not _GOV.search(_phrase(doers)):
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
    ground = any(_GROUND.search(" ".join(t.text for t in c.subtree)) or any(
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
    if lemma == "shorten" and _object_matches(token, _EASED_MEASURE):
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
    if lemma == "hand" and any(c.lower_ == "over" for c in token.children) and _object_matches(token, _GROUND):
        return ("RETREAT", None, 0.65)
    if lemma in ("drive", "push") and any(c.lower_ in ("out", "back") for c in token.children) and (
            _object_matches(token, _ARMED) or _object_matches(token, _GROUND)):
        return (TERRITORY, None, 0.7)
    if lemma in ("free", "recover", "clear") and _object_names(token, _GROUND):
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
    if lemma in ("arrive", "enter", "reach") and _subject_matches(token, _FORCES_SUBJECT):
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
    return any(c.dep_ in deps and pattern.search(" ".join(t.text for t in _noun_phrase(c))) for c in token.children)


def _fires_at_something(token: Token, sent_text: str) -> bool:
    """ "fire" as shooting: "opened fire", "fired mortars at", "fired on the positions"."""
    if _FIRE_ON.search(sent_text):
        return True
    return any(
        (c.dep_ == "prep" and c.lower_ in ("at", "on", "towards", "into", "upon"))
        or (c.dep_ == "dobj" and _CUES[4][2].search(c.text) or c.lower_ in ("shots", "weapons", "arms", "guns"))
        for c in token.children
    )


_NATURAL_CAUSES = {
    "flood", "floodwater", "water", "rain", "storm", "cyclone", "hurricane", "typhoon", "earthquake", "quake",
    "landslide", "mudslide", "avalanche", "tsunami", "wildfire", "blaze", "fire", "heat", "heatwave", "drought",
    "disease", "virus", "outbreak", "epidemic", "cholera", "covid", "covid-19", "coronavirus", "cancer", "crash",
    "collapse", "accident", "lightning", "wave", "tornado", "snow", "cold", "famine",
}
_SPORTS = re.compile(
    r"\b(match(es)?|goals?|derby|league|striker|midfield\w*|coach|tournament|championship|semi-?final|"
    r"final whistle|kick-?off|penalty|football|soccer|cricket|rugby|tennis|chess|innings|wickets?|"
    r"scored|season|fixture|champions|playoffs?|3-0|2-1|1-0|2-0|3-1|defender|goalkeeper|Premier League)\b", re.I)
_CONFLICT_ACTORS = re.compile(
    r"\b(soldiers?|troops|army|militants?|rebels?|insurgents?|gunmen|police|militias?|jihadists?|Taliban|"
    r"Shabaab|Boko Haram|Houthis?|Daesh|airstrikes?|protesters|demonstrators)\b", re.I)


_DISASTER = re.compile(
    r"\b(floods?|flooding|floodwaters?|monsoon|rainfall|heavy rains?|earthquakes?|quakes?|tremors?|cyclones?|"
    r"hurricanes?|typhoons?|landslides?|mudslides?|storms?|tsunami|wildfires?|drought|sandbags|rescue teams?|"
    r"magnitude|evacuat\w+|submerged|stranded)\b", re.I)


def _found(pattern: re.Pattern[str], text: str, enough: int) -> int:
    """How many matches of ``pattern`` ``text`` holds, counted up to ``enough``."""
    return sum(1 for _ in itertools.islice(pattern.finditer(text), enough))


def _is_non_conflict_story(sent: Span) -> bool:
    """A sports or natural-disaster story with no armed actors: its "attacks" and "battles" are metaphors."""
    doc = sent.doc
    if "non_conflict" not in doc.user_data:
        text = text_of(doc)
        doc.user_data["non_conflict"] = _found(_CONFLICT_ACTORS, text, 2) < 2 and (
            _found(_SPORTS, text, 3) >= 3 or _found(_DISASTER, text, 3) >= 3)
    return bool(doc.user_data["non_conflict"])


_ACCIDENT = re.compile(
    r"\b(gas|cylinder|boiler|fireworks?|factory|plant|warehouse|tanker|chemical|reactor|pipeline|transformer|"
    r"refinery|coal mine|mine shaft|kitchen|stove|furnace)s? (\w+ ){0,2}(explo\w+|blasts?|leaks?|fires?|blaze)\b|"
    r"\b(explosion|blast|fire|leak)s? (at|in|inside) (a|an|the) (\w+ ){0,2}(factory|plant|warehouse|refinery|"
    r"mine|depot|workshop|restaurant|market)\b|\b(poisoning|leak(ed|age)?|stampede|collapsed?|derail\w*)\b", re.I)
_CLAIM_WORDS = {"responsibility", "credit"}
_ILLNESS = {"poisoning", "illness", "disease", "hunger", "starvation", "exposure", "covid", "covid-19", "cancer",
            "coronavirus", "virus", "infection", "cholera", "malaria", "complications", "stroke", "shock",
            "exhaustion", "dehydration", "heatstroke", "fever", "pneumonia"}


def _claimed(token: Token) -> bool:
    """An attack named only as what someone claimed responsibility for: a claim, not a report of the attack."""
    return any(a.lemma_.lower() in _CLAIM_WORDS for a in token.ancestors)


def _died_of_illness(token: Token) -> bool:
    """ "died of alcohol poisoning": a death, but no violence; "the anger has died down": no death at all."""
    if token.lemma_.lower() != "die":
        return False
    if any(c.dep_ == "prt" and c.lower_ in ("down", "out", "away") for c in token.children):
        return True
    causes = [c for p in token.children if p.dep_ == "prep" and p.lower_ in ("of", "from") for c in p.children]
    return any(c.lemma_.lower() in _ILLNESS or _medical(c) for c in causes)


def _medical(token: Token) -> bool:
    """ "a heart attack", "a panic attack", "a cardiac arrest": no violence."""
    return token.i > 0 and token.doc[token.i - 1].lower_ in ("heart", "panic", "asthma", "cardiac")


def _natural_cause(token: Token) -> bool:
    """ "Floods killed 25", "the water attacked our village": nature, not an actor, did it."""
    doers, _ = _participants(token)
    return any(d.lemma_.lower() in _NATURAL_CAUSES or d.lower_ in _NATURAL_CAUSES for d in doers)


_EQUIPMENT_HEADS = {"police", "policeman", "gear", "squad", "shield", "unit", "control", "officer", "helicopter",
                    "dog", "vehicle", "force"}
_WEAPON_SUB_TYPES = {
    "Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED", "Grenade",
    "Chemical weapon", "Suicide bomb",
}
_VIOLENT_FAMILIES = {VIOLENCE, CLASH, TERRITORY, MOB, ABDUCT, SEXUAL, RIOT, DESTROY}


_NOMINAL_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "conj"}
_LIFTING_VERBS = {"lift", "ease", "end", "shorten", "relax", "remove", "scrap", "revoke", "suspend", "withdraw"}


def _names_people(token: Token) -> bool:
    """A participle used as a noun names people, not an event: "evacuated the wounded", "the accused were",
    "those arrested had attacked"."""
    if token.tag_ == "VBN" and token.dep_ == "acl" and token.head.lower_ in _PEOPLE_PRONOUNS and not any(
            c.dep_ in ("agent", "prep", "npadvmod") for c in token.children):
        return True
    return (
        token.tag_ in ("VBN", "VBD")
        and token.dep_ in _NOMINAL_DEPS
        and any(c.dep_ == "det" for c in token.children)
        and not any(c.dep_ in ("dobj", "nsubj", "nsubjpass", "aux", "auxpass") for c in token.children)
    )


_PEOPLE_PRONOUNS = {"those", "anyone", "everyone", "all", "many", "some", "most", "none"}


def _targeted_crowd(token: Token) -> bool:
    """A mob that is fired at, charged or dispersed is the target of another act, not a mob attack."""
    if token.lemma_.lower() != "mob":
        return False
    return token.dep_ in ("dobj", "nsubjpass") or (
        token.dep_ == "pobj" and token.head.lower_ in ("on", "at", "against", "upon", "into")
    )


def _deploys_crowd_control(token: Token) -> bool:
    """Whether a deployment is of tear gas, water cannon or the like, not of forces."""
    words = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    words += [g for p in token.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children]
    before = token.doc[token.left_edge.i : token.i].text  # "tear gas deployments"
    return bool(_INTERVENTION.search(before)) or any(
        _INTERVENTION.search(" ".join(t.text for t in w.subtree)) for w in words)


def _lifted_measure(token: Token) -> bool:
    """A curfew or ban that is lifted, eased or shortened: the event is the concession, not the measure."""
    return token.pos_ == "NOUN" and token.dep_ in ("dobj", "nsubjpass") and \
        token.head.lemma_.lower() in _LIFTING_VERBS and bool(_EASED_MEASURE.search(token.text))


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


def detect(sent: Span) -> list[Trigger]:
    """Triggers of the events a sentence reports, typed in PLOVER and ACLED terms."""
    sent_text = span_text(sent)
    triggers: list[Trigger] = []
    metaphorical = _is_non_conflict_story(sent)
    accident = bool(_ACCIDENT.search(sent_text)) and not _CONFLICT_ACTORS.search(sent_text)
    for token in sent:
        entry = _is_trigger_form(token)
        if entry is None or token.dep_ == "amod":  # "the captured fighters" is no capture
            continue
        if token.dep_ == "compound" and token.head.lemma_.lower() in _EQUIPMENT_HEADS:  # "riot police"
            continue
        if _names_people(token) or _lifted_measure(token) or _targeted_crowd(token) or _medical(token):
            continue
        if token.ent_type_ in ("DATE", "TIME"):
            continue  # "in March", "on Strike Day" name a time
        if token.lemma_.lower() == "march" and token.pos_ == "VERB" and any(c.dep_ == "dobj" for c in token.children):
            continue  # "marched the students into the bush": people driven, no protest
        if token.lemma_.lower() in ("deploy", "deployment") and _deploys_crowd_control(token):
            continue  # "tear gas deployments": force used on a crowd, told by the protest, not troops moved
        kind, mode, score = entry
        if kind in _VIOLENT_FAMILIES and (
            metaphorical or accident or _natural_cause(token) or _claimed(token) or _died_of_illness(token)
        ):
            continue
        if kind.isupper():
            plover_type, plover_mode = kind, mode
            sub = None if kind in _NON_ACLED else _ACLED_OF_PLOVER.get(kind)
            if kind == "AGREE" and not _PEACE_DEAL.search(sent_text):
                sub = None  # ACLED codes ceasefires and peace deals, not every promise or arrangement
            if kind == "RETREAT" and not (_GROUND.search(sent_text) or _FORCES_SUBJECT.search(sent_text)):
                sub = None  # a bill or a candidacy withdrawn hands over no territory
            if kind == "COERCE" and mode in _SECURITY_MEASURES:
                sub = "Change to group/activity"  # curfews, bans, lockdowns, closures
            family = None
        else:
            told = contrast_clause(token, sent) if kind in (PROTEST, RIOT) else sent_text
            plover_type, plover_mode, sub = _family_to_types(kind, mode, told, token)
            family = kind
            if sub in _WEAPON_SUB_TYPES:
                score = max(score, 0.75)  # a named weapon tells the event better than "wounded" or "killed"
        if kind == VIOLENCE and token.lemma_ == "fire" and not _fires_at_something(token, sent_text):
            continue
        if _armed_protest(token, kind):
            plover_mode, sub = "obstruct", None  # rebels blocking a road obstruct it: no demonstration for ACLED
        triggers.append(Trigger(token, plover_type, plover_mode, sub, round(score * salience(token), 3), family))
    return triggers


_CIRCUMSTANCE_PREPS = {"during", "amid", "after", "following", "since", "before", "despite", "at"}


def _is_circumstance(trigger: Trigger) -> bool:
    """A noun trigger in "during fighting", "amid clashes": background to the sentence's main event."""
    head = trigger.token.head
    return trigger.token.dep_ == "pobj" and head.lower_ in _CIRCUMSTANCE_PREPS


def sentence_triggers(sent: Span) -> list[Trigger]:
    """The triggers of a sentence's events: no verb of saying, and no noun of the circumstances ("during
    fighting") when the sentence tells another event."""
    triggers = [t for t in detect(sent) if not is_reporting_verb(t.token)]
    if any(not _is_circumstance(t) for t in triggers):
        triggers = [t for t in triggers if not _is_circumstance(t)]
    return triggers
