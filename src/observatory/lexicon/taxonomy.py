"""Event ontologies: the 16 PLOVER event types with their modes and the ACLED (2019+) taxonomy."""

from __future__ import annotations

PLOVER_MODES: dict[str, tuple[str, ...]] = {
    "AGREE": (),
    "CONSULT": ("visit", "host", "third-party", "multilateral", "phone"),
    "SUPPORT": (),
    "CONCEDE": (),
    "COOPERATE": (),
    "AID": ("economic", "military", "humanitarian", "asylum"),
    "RETREAT": (),
    "REQUEST": (),
    "ACCUSE": (),
    "REJECT": (),
    "THREATEN": ("violence", "restrict", "political", "relations", "sanction"),
    "PROTEST": ("demo-org", "demo-spon", "riot-org", "riot-spon", "strike-gen", "strike-hun", "obstruct", "boycott"),
    "SANCTION": (),
    "MOBILIZE": ("troops", "police", "militia", "weapons"),
    "COERCE": (
        "seize",
        "detain",
        "arrest",
        "deport",
        "confiscate",
        "destroy",
        "ban",
        "restrict",
        "censor",
        "curfew",
        "martial-law",
        "cyber",
        "firearms",
    ),
    "ASSAULT": (
        "abduct",
        "beat",
        "torture",
        "sexual",
        "assassinate",
        "primitive",
        "firearms",
        "explosives",
        "suicide-attack",
        "heavy-weapons",
        "aerial",
        "chemical",
        "other",
    ),
}
PLOVER_TYPES: tuple[str, ...] = tuple(PLOVER_MODES)

ACLED_SUB_TYPES: dict[str, str] = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Chemical weapon": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Sexual violence": "Violence against civilians",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Peaceful protest": "Protests",
    "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests",
    "Violent demonstration": "Riots",
    "Mob violence": "Riots",
    "Agreement": "Strategic developments",
    "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments",
    "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}
ACLED_EVENT_TYPES: tuple[str, ...] = tuple(dict.fromkeys(ACLED_SUB_TYPES.values()))

# The ACLED inter code most often implied by a PLOVER sector code.
SECTOR_TO_INTER: dict[str, int] = {
    "GOV": 1,
    "MIL": 1,
    "POL": 1,
    "COP": 1,
    "JUD": 1,
    "REB": 2,
    "INS": 2,
    "TER": 2,
    "PTY": 3,
    "MIL-PRO": 3,
    "MLA": 3,
    "ETH": 4,
    "REL": 4,
    "TRB": 4,
    "RIO": 5,
    "PRO": 6,
    "OPP": 6,
    "LAB": 6,
    "EDU": 6,
    "CVL": 7,
    "MED": 7,
    "JRN": 7,
    "REF": 7,
    "HRI": 7,
    "NGO": 7,
    "BUS": 7,
    "IGO": 8,
    "PKO": 8,
    "PMC": 8,
    "FOR": 8,
}


def acled_type_of(sub_event_type: str | None) -> str | None:
    """The ACLED event type that a sub-event type belongs to."""
    if sub_event_type is None:
        return None
    return ACLED_SUB_TYPES[sub_event_type]
