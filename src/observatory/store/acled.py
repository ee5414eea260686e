"""ACLED's conventions for the columns of an export: ids, disorder types, interaction codes, civilian
targeting, numeric ISO codes, regions, country names, ASCII place names and tags.

Everything here is a pure function of stored values, so the same event gets the same cells in every
export. See docs/codebook.md for the column-by-column mapping.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

import pycountry

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
STRATEGIC_DEVELOPMENTS = "Strategic developments"
VIOLENT_EVENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
CIVILIANS_INTER = 7
UNKNOWN_COUNTRY_PREFIX = "XXX"

# Country names as ACLED's country column writes them, where they differ from pycountry's common names.
ACLED_COUNTRY_NAMES = {
    "BHS": "Bahamas",
    "BOL": "Bolivia",
    "BRN": "Brunei",
    "CIV": "Ivory Coast",
    "COD": "Democratic Republic of Congo",
    "COG": "Republic of Congo",
    "CPV": "Cape Verde",
    "CZE": "Czech Republic",
    "FSM": "Micronesia",
    "PSE": "Palestine",
    "RUS": "Russia",
    "SWZ": "eSwatini",
    "TLS": "East Timor",
    "TUR": "Turkey",
    "VAT": "Vatican City",
    "XKX": "Kosovo",
}

# ACLED's regions by ISO 3166-1 alpha-3 code: the UN M49 sub-regions as ACLED groups them (Western Asia
# without the Caucasus is the Middle East; the Caucasus joins Central Asia; Cyprus and Russia are Europe;
# Mexico is Central America; Iran is the Middle East and Afghanistan South Asia).
_REGIONS = {
    "Western Africa": "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SHN SEN SLE TGO",
    "Middle Africa": "AGO CMR CAF TCD COG COD GNQ GAB STP",
    "Eastern Africa": (
        "BDI COM DJI ERI ETH KEN MDG MWI MUS MYT MOZ REU RWA SYC SOM SSD UGA TZA ZMB ZWE IOT ATF"
    ),
    "Southern Africa": "BWA SWZ LSO NAM ZAF",
    "Northern Africa": "DZA EGY LBY MAR SDN TUN ESH",
    "Middle East": "BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR ARE YEM",
    "Caucasus and Central Asia": "ARM AZE GEO KAZ KGZ TJK TKM UZB",
    "South Asia": "AFG BGD BTN IND MDV NPL PAK LKA",
    "Southeast Asia": "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM",
    "East Asia": "CHN HKG MAC JPN MNG PRK KOR TWN",
    "Europe": (
        "ALA ALB AND AUT BLR BEL BIH BGR HRV CYP CZE DNK EST FRO FIN FRA DEU GIB GRC GGY HUN ISL IRL IMN ITA "
        "JEY XKX LVA LIE LTU LUX MLT MDA MCO MNE NLD MKD NOR POL PRT ROU RUS SMR SRB SVK SVN ESP SJM SWE CHE "
        "UKR GBR VAT"
    ),
    "North America": "BMU CAN GRL SPM USA",
    "Central America": "BLZ CRI SLV GTM HND MEX NIC PAN",
    "Caribbean": (
        "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA MAF VCT SXM "
        "TTO TCA VIR"
    ),
    "South America": "ARG BOL BVT BRA CHL COL ECU FLK GUF GUY PRY PER SGS SUR URY VEN",
    "Oceania": (
        "ASM AUS COK FJI PYF GUM KIR MHL FSM NRU NCL NZL NIU NFK MNP PLW PNG PCN WSM SLB TKL TON TUV UMI VUT WLF "
        "CXR CCK HMD"
    ),
    "Antarctica": "ATA",
}
REGIONS = {iso3: region for region, codes in _REGIONS.items() for iso3 in codes.split()}

# Letters that Unicode decomposition does not reduce to ASCII, and the marks of transliterated ayn and
# hamza, as GeoNames' ASCII names write them.
_ASCII_LETTERS = str.maketrans({
    "ı": "i", "İ": "I", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O",
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ə": "e", "Ə": "E", "ħ": "h", "Ħ": "H",
    "þ": "th", "Þ": "Th", "–": "-", "—": "-", "’": "'", "ʼ": "'", "‘": "", "`": "", "ʿ": "", "ʾ": "", "ʻ": "",
})


def disorder_type(event_type: str | None, sub_event_type: str | None) -> str | None:
    """ACLED's disorder type of an event type and sub-event type (None for an event without ACLED type).

    Battles, explosions, violence against civilians and mob violence are political violence; protests and
    violent demonstrations are demonstrations; excessive force against protesters is both.
    """
    if event_type in VIOLENT_EVENT_TYPES:
        return POLITICAL_VIOLENCE
    if event_type == "Protests":
        if sub_event_type == "Excessive force against protesters":
            return f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}"
        return DEMONSTRATIONS
    if event_type == "Riots":
        return POLITICAL_VIOLENCE if sub_event_type == "Mob violence" else DEMONSTRATIONS
    if event_type == "Strategic developments":
        return STRATEGIC_DEVELOPMENTS
    return None


def interaction(inter1: int, inter2: int) -> int:
    """ACLED's interaction code: the two inter codes with the lower first (1 and 7 -> 17, 7 and 1 -> 17),
    or the one actor's code times ten (inter2 0 -> 10, 20, ...); 0 when neither is known."""
    codes = sorted(code for code in (inter1, inter2) if code)
    if not codes:
        return 0
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def civilian_targeting(disorder: str | None, inter2: int) -> str | None:
    """"Civilian targeting" for political violence whose second actor is civilians (inter2 7), else None."""
    if disorder is not None and POLITICAL_VIOLENCE in disorder and inter2 == CIVILIANS_INTER:
        return "Civilian targeting"
    return None


@lru_cache(maxsize=512)
def iso_numeric(iso3: str | None) -> int:
    """The ISO 3166-1 numeric code of an alpha-3 code; 0 when there is none (ACLED writes 0 for Kosovo)."""
    found = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return int(found.numeric) if found is not None else 0


@lru_cache(maxsize=512)
def country_name(iso3: str | None) -> str | None:
    """The country as ACLED names it (pycountry's common name otherwise; the code itself when unknown)."""
    if not iso3:
        return None
    if iso3 in ACLED_COUNTRY_NAMES:
        return ACLED_COUNTRY_NAMES[iso3]
    found = pycountry.countries.get(alpha_3=iso3)
    if found is None:
        return iso3
    return getattr(found, "common_name", None) or found.name


def region(iso3: str | None) -> str | None:
    """ACLED's region of a country (None when the country is not known)."""
    return REGIONS.get(iso3 or "")


def event_id_cnty(event_id: str, iso3: str | None) -> str:
    """An ACLED-style id: the country's alpha-3 code (XXX when unknown) and a number of at most 15 digits
    derived from the stored event id, so the same event keeps its id in every export (SYR4185532987)."""
    number = int(hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:12], 16)
    return f"{iso3 or UNKNOWN_COUNTRY_PREFIX}{number}"


@lru_cache(maxsize=65536)
def ascii_place(name: str | None) -> str | None:
    """A place name in ASCII as GeoNames' ASCII names write it: accents dropped, special letters spelt
    out, the ayn and hamza marks of transliterations dropped ("Dar‘ā" -> "Dara", "Łuków" -> "Lukow")."""
    if name is None:
        return None
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    return "".join(ch for ch in decomposed if ch.isascii() and not unicodedata.combining(ch))


def _loose_key(name: str) -> str:
    """Letters only, lower case, doubled letters once: "Daraa", "Dar'a" and "Dara" are one key."""
    letters = [ch for ch in name.lower() if ch.isalpha()]
    return "".join(ch for i, ch in enumerate(letters) if i == 0 or ch != letters[i - 1])


def ascii_places(
    location: str | None, admin1: str | None, admin2: str | None
) -> tuple[str | None, str | None, str | None]:
    """Location, admin1 and admin2 in ASCII (``ascii_place``); a transliterated location (one with letters
    or marks outside ASCII) that is its region's namesake is spelt as the region (the town "Dar‘ā" of the
    governorate "Daraa" is "Daraa")."""
    place, region1, region2 = ascii_place(location), ascii_place(admin1), ascii_place(admin2)
    if place is not None and location is not None and not location.isascii():
        for region in (region2, region1):
            if region is not None and region != place and _loose_key(region) == _loose_key(place):
                place = region
                break
    return place, region1, region2


def tags(event_type: str | None, participants: int | None) -> str | None:
    """ACLED's tags: the crowd size of a demonstration ("crowd size=3000", "crowd size=no report")."""
    if event_type not in ("Protests", "Riots"):
        return None
    return f"crowd size={participants if participants is not None else 'no report'}"
