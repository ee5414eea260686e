"""The kind of party a phrase's head noun suggests ("soldiers" MIL, "gunmen" UAG, "protesters" PRO),
from head words, multiword heads and modifiers that override them ("rebel fighters", "unidentified
aircraft")."""

from __future__ import annotations

import re

from observatory.lexicon.actor_names import folded_key

# Unidentified aircraft belong to some state's air force: ACLED's Unidentified Military Forces (8).
_AIRCRAFT = frozenset(
    ["warplane", "warplanes", "jet", "jets", "aircraft", "helicopter", "helicopters", "gunships", "drone", "drones"]
)


# Head nouns (and a few multiword heads) -> kind. Kinds outside GENERIC_KINDS are plain sectors.
HEAD_WORDS: dict[str, str] = {
    "MIL": (
        "soldier soldiers troop troops army armies military militaries forces force servicemen serviceman junta "
        "marines commandos paratroopers warplane warplanes jet jets aircraft helicopter helicopters gunships "
        "drone drones navy artillery tanks battalion battalions regiment troopers sailors airmen garrison "
        "personnel air-force airforce units"
    ),
    "POL": (
        "police policeman policemen cop cops officer officers gendarmes gendarme gendarmerie constable "
        "constables guards agents"
    ),
    "GOV": (
        "government governments authorities authority officials official ministry regime administration "
        "president governor minister cabinet mayor"
    ),
    "PRO": "protesters protestors protester demonstrators demonstrator marchers strikers activists activist",
    "LAB": "workers worker employees labourers laborers unions union unionists",
    "RIO": "rioters rioter mob mobs looters",
    "CVL": (
        "civilians civilian villagers villager residents resident locals people person persons women woman "
        "children child men man boys boy girls girl farmers farmer students student pupils passengers "
        "worshippers shepherds shepherd family families traders trader merchants motorists drivers driver "
        "fishermen pilgrims inhabitants teachers teacher youths youth citizens artists owners prisoners "
        "detainees inmates patients mourners"
    ),
    "JRN": "journalist journalists reporter reporters photographer photographers cameraman",
    "MED": "doctors doctor nurses nurse medics medic paramedics",
    "REF": "refugees refugee migrants migrant idps",
    "UAG": (  # ACLED codes an armed group the report does not name as Unidentified Armed Group (COUNTRY)
        "gunmen gunman assailants assailant attackers attacker bandits bandit kidnappers kidnapper abductors "
        "hitmen hitman militants militant jihadists jihadist jihadis terrorists terrorist extremists islamists "
        "insurgents insurgent"
    ),
    "GANG": "gang gangs gangsters gangster cartel cartels traffickers criminals",
    "REB": "rebels rebel guerrillas guerrilla separatists separatist fighters fighter",
    "MLA": "militia militias militiamen militiaman paramilitaries paramilitary vigilantes vigilante",
    "ETH": "tribesmen tribesman clansmen herders herdsmen herdsman",
    "PKO": "peacekeepers peacekeeper",
    "PTY": "supporters partisans cadres",
}


_HEAD_PHRASES: dict[str, str] = {
    "armed men": "UAG",
    "unidentified men": "UAG",
    "unknown men": "UAG",
    "masked men": "UAG",
    "armed group": "UAG",
    "armed groups": "UAG",
    "unidentified persons": "UAG",
    "unknown persons": "UAG",
    "armed individuals": "UAG",
    "unknown assailants": "UAG",
    "gang members": "GANG",
    "drug traffickers": "GANG",
    "riot police": "POL",
    "security forces": "MIL",
    "armed forces": "MIL",
    "air force": "MIL",
    "special forces": "MIL",
    "border guards": "MIL",
    "health workers": "MED",
    "medical workers": "MED",
    "aid workers": "NGO",
    "humanitarian workers": "NGO",
    "clan militia": "ETH",
    "clan militias": "ETH",
    "communal militia": "ETH",
    "ethnic militia": "ETH",
    "tribal fighters": "ETH",
    "tribal militia": "ETH",
    "opposition fighters": "REB",
    "opposition forces": "REB",
    "rebel forces": "REB",
    "pro government militia": "MLA",
    "pro government militias": "MLA",
    "state media": "MED",
    "news agency": "MED",
}


# A modifier anywhere in the phrase that overrides the head's kind.
_MODIFIER_KINDS: dict[str, str] = {
    "rebel": "REB",
    "opposition": "REB",
    "separatist": "REB",
    "insurgent": "UAG",
    "jihadist": "UAG",
    "islamist": "UAG",
    "extremist": "UAG",
    "tribal": "ETH",
    "clan": "ETH",
    "communal": "ETH",
    "ethnic": "ETH",
    "unidentified": "UAG",
    "unknown": "UAG",
}


GENERIC_MODIFIERS = frozenset({*_MODIFIER_KINDS, "armed", "masked", "suspected", "local", "security", "men"})


HEAD_KIND = {word: kind for kind, words in HEAD_WORDS.items() for word in words.split()}


# Kinds whose unidentified modifier does not make them an unidentified armed group.
_PEOPLE_KINDS = {"CVL", "JRN", "MED", "REF", "PRO", "LAB", "RIO", "GOV", "PTY"}


# Words dropped before looking a phrase up again: quantities and vague modifiers in front ...
LEADING_FILLERS = re.compile(
    r"^(?:(?:at least|about|around|some|several|many|dozens of|hundreds of|thousands of|scores of|"
    r"a group of|group of|groups of|a number of|members of|member of|elements of|fighters (?:of|from)|"
    r"militants (?:of|from)|units of|troops of|supporters of|a unit of|suspected|alleged|presumed|"
    r"heavily armed|armed|masked|local|\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"a|an|the)\s+)+",
    re.I,
)


def _head_words(key: str) -> list[str]:
    """The words of a phrase up to its first preposition or relative pronoun."""
    words = key.split()
    for i, word in enumerate(words):
        if word in {"of", "from", "in", "on", "at", "with", "near", "who", "which", "that"} and i > 0:
            return words[:i]
    return words


def _phrase_kind(words: list[str]) -> str | None:
    for n in (3, 2):
        for i in range(len(words) - n, -1, -1):
            phrase = " ".join(words[i : i + n])
            if phrase in _HEAD_PHRASES:
                return _HEAD_PHRASES[phrase]
    return None


def head_kind(text: str) -> str | None:
    """The actor kind (a GENERIC_KINDS key or a sector code) that a phrase's head noun suggests, or None."""
    key = folded_key(text.replace("-", " "))
    of = re.search(r"\b(?:of|from)\b", key)
    if of and of.start() > 0 and (kind := head_kind(key[: of.start()])) is not None:
        return kind  # the head comes before its "of": "supporters of the president" are supporters
    stripped = _head_words(LEADING_FILLERS.sub("", key))
    kind = _phrase_kind(_head_words(key)) or _phrase_kind(stripped)
    if kind is None:
        kind = next((HEAD_KIND[w] for w in reversed(stripped) if w in HEAD_KIND), None)
    for word in stripped:
        modifier = _MODIFIER_KINDS.get(word)
        if word in ("unidentified", "unknown") and _AIRCRAFT.intersection(stripped):
            return "UMF"
        if modifier and kind not in _PEOPLE_KINDS and not (modifier == "UAG" and kind in {"GANG", "MLA"}):
            return modifier
    return kind
