"""The words and patterns that more than one detection rule tests: weapons, armed parties, government
forces, crowd control, ground and forces, measures eased, conflict actors."""

from __future__ import annotations

import re

# Weapon cues, checked in this order; the first that matches decides the ACLED sub-type.
CUES: list[tuple[str, str, re.Pattern[str]]] = [
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
        r"bomb(?:ed|ing|s)? from the air)\b", re.I)),
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
DEVICE_CUE = CUES[3][2]  # a planted or thrown device: IEDs, mines, car bombs
HEAVY_WEAPON_CUE = CUES[4][2]  # shells, artillery, rockets, missiles


ARMED = re.compile(
    r"\b(soldiers?|troops?|army|military|forces?|police(men)?|officers?|militants?|rebels?|insurgents?|"
    r"fighters?|gunmen|militias?|militiamen|jihadists?|checkpoints?|base|patrol|convoy|positions?|"
    r"gendarmes?|gendarmerie|terrorists?|police(wo)?m[ae]n|gang members?|members? (of|from) (the )?[A-Z]\w+|"
    r"cartels?|gangs?|mujahideen|Shabab|militiamen|bases?|outposts?|Taliban|Shabaab|al-Shabaab|Boko Haram|ISWAP|"
    r"Houthis?|Daesh|IS|ISIS|ISIL|SDF|YPG|PKK|guards?|"
    r"security personnel|paramilitar\w+|vigilantes?|bandits?|combatants?|JNIM|ADF|M23|Wagner|"
    r"armed (men|individuals|persons|groups?|assailants)|assailants|commanders?|cadres?|"
    r"[A-Z]{2,}[\w-]* (members?|fighters?|elements?|cadres?))\b")


INTERVENTION = re.compile(
    r"\b(tear ?gas|teargas|dispers\w+|water cannons?|rubber bullets?|baton\w*|charged|broke up|intervened|"
    r"pellets?|stun grenades?|prevented|stopped|blocked by police|cordoned)\b|"
    r"\b(arrest\w*|detain\w*)\b[^.;]{0,40}\b(protesters|demonstrators|participants|marchers|activists|students)\b|"
    r"\b(protesters|demonstrators|participants|marchers)\b[^.;]{0,40}\b(were|was) (arrested|detained)", re.I)


GOV = re.compile(
    r"\b(army|government|regime|troops|troopers|soldiers|military|security forces|state forces|national army|"
    r"armed forces|police|pro-government|loyalist|Assad|FARDC|SNA|ANA|ANDSF|Iraqi forces|Tatmadaw|"
    r"(Syrian|Iraqi|Afghan|Nigerian|Somali|Malian|Burkinabe|Yemeni|Libyan|Ukrainian|Russian|Israeli|"
    r"Turkish|Indian|Pakistani|Ethiopian|Myanmar|Cameroonian|Congolese) (army|troops|forces|military))\b", re.I)


FORCES_SUBJECT = re.compile(
    r"\b(reinforcements?|troops|forces|soldiers|convoys?|columns?|fighters|militiamen|tribesmen|units?|"
    r"battalions?|brigades?|vehicles|tanks|military)\b", re.I)


GROUND = re.compile(
    r"\b(villages?|towns?|cit(y|ies)|areas?|regions?|territor(y|ies)|districts?|positions?|neighbou?rhoods?|"
    r"hills?|bases?|control|countryside|outskirts|province|strongholds?)\b", re.I)


EASED_MEASURE = re.compile(
    r"\b(curfews?|sentences?|detention|bans?|restrictions?|measures|blockades?|embargo(es)?|sanctions|"
    r"lockdowns?|state of emergency|martial law)\b", re.I)


CONFLICT_ACTORS = re.compile(
    r"\b(soldiers?|troops|army|militants?|rebels?|insurgents?|gunmen|police|militias?|jihadists?|Taliban|"
    r"Shabaab|Boko Haram|Houthis?|Daesh|airstrikes?|protesters|demonstrators)\b", re.I)
