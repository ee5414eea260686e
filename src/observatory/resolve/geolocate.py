"""Toponym resolution in context, and the place where the event of a sentence happened."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from spacy.tokens import Doc, Span, Token

from observatory.detect.triggers import NOUN_TRIGGERS
from observatory.lexicon.gazetteer import (
    DATA_DIR,
    Gazetteer,
    Place,
    admin1_aliases,
    haversine_km,
    normalise,
    strip_admin_words,
)
from observatory.models import Location
from observatory.read.layout import Layout
from observatory.read.nlp import span_text, text_of
from observatory.resolve.truecase import is_anchor, restore_place_case

_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_NON_PLACE_LABELS = {"PERSON", "ORG", "NORP", "DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "EVENT", "LAW",
                     "WORK_OF_ART", "PRODUCT", "LANGUAGE", "PERCENT", "QUANTITY"}
_PARTICLE = r"(?:al|el|ad|ar|as|ash|at|az|ed|ez|es|an|de|du|la|le|bin|ibn|bani|umm|abu)"
# lower-case links inside a name: "Martinez de la Torre", "Foz do Iguacu", "Kut e Abdollah", "Qala i Naw"
_LINK = r"(?:de|del|de la|de los|de las|do|da|dos|das|di|du|e|i|y|la|le|al|el)"
_WORD = r"[A-Z][\w’'`‘]*(?:-[\w’'`‘]+)*"
_NAME = rf"(?:\b{_PARTICLE}[-\s])?{_WORD}(?:[\s-](?:{_LINK}[-\s]|{_PARTICLE}[-\s])?{_WORD}){{0,3}}"
_TYPE_WORDS = (r"province|governorate|district|sub-district|subdistrict|countryside|region|state|town|city|"
               r"local government area|local government|lga|chiefdom|township|tehsil|taluka|taluk|commune|"
               r"village|villages|camp|area|neighbourhood|neighborhood|suburb|county|oblast|municipality|"
               r"department|prefecture|valley|plain|plains|desert|mountains|crossing|checkpoint|airport|airbase")
_DIRECTION_WORD = (r"(?:(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?|central|"
                   r"downtown|greater|rural)\s+")
# A word for a settlement right before its name: "the capital, Mogadishu", "the port city Mombasa".
_APPOSITION = r"\b(?:capital|city|town|village|port)\s*,?\s+"
# A word for several places and "like" before the first of their names: "other towns like Nyeri", "cities such as".
_PLACES_LIKE = (r"\b(?:towns|villages|cities|areas|districts|provinces|regions|counties|localities|"
                r"neighbou?rhoods|camps|settlements)\s+(?:like|such\s+as|including)\s+")
_CUE_BEFORE = re.compile(
    r"(?:\b(?:[Ii]n|[Nn]ear|[Aa]t|[Oo]utside|[Aa]round|[Ff]rom|[Tt]o|[Ii]nto|[Tt]owards?|[Aa]cross|[Oo]f|"
    r"[Bb]etween|[Aa]nd|[Oo]n|[Tt]argets?|[Tt]argeting|[Tt]argeted|[Hh]it|[Ss]truck|[Ss]helled|[Aa]ttack(?:ed)?|[Cc]aptured|"
    r"[Ss]eized|[Ss]tormed|[Bb]esieged|[Bb]ombed|[Ee]ntered|[Rr]aided|[Oo]ver|[Aa]long|[Ii]nside|[Ww]ithin)"
    rf"\s+(?:the\s+)?(?:(?:{_TYPE_WORDS}|outskirts|vicinity|suburbs|outskirt)\s+of\s+(?:the\s+)?)?"
    rf"(?:{_DIRECTION_WORD})?|\(|,\s|{_APPOSITION}|{_PLACES_LIKE})$"
)
_TYPE_BEFORE = re.compile(rf"\b(?P<type>{_TYPE_WORDS})\s+of\s+(?:the\s+)?$", re.IGNORECASE)  # "province of Idlib"
_TYPE_AFTER = re.compile(rf"\s+(?:{_DIRECTION_WORD})?(?P<type>{_TYPE_WORDS})\b", re.IGNORECASE)
_NEAR_BEFORE = re.compile(
    r"(?:\b(?:near|outside|around|close to|outskirts of|vicinity of|countryside of|surroundings of|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)? of|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)? countryside of|"
    r"(?:km|kilometres|kilometers|miles)\s+(?:\w+\s+)?(?:from|of))\s+(?:the\s+)?(?:\w+\s+of\s+)?)$",
    re.IGNORECASE,
)
# A place that opens a compound modifier names an actor's patron or home, not a scene: "Moscow-installed",
# "Kyiv-controlled", "Iran-backed", "Gaza-based", "Kremlin-run", "Sinaloa-born".
_ACTOR_AFTER = re.compile(r"-(?:[a-z]+ed|held|run|born)\b")
_ADMIN1_TYPES = {"province", "governorate", "state", "region", "oblast", "department", "prefecture", "county"}
_NEAR_TYPES = {"district", "sub-district", "subdistrict", "countryside", "area", "municipality",
               "suburb", "neighbourhood", "neighborhood", "plain", "plains", "valley", "desert", "mountains"}
_TOWN_TYPES = {"town", "city", "village", "villages", "camp", "crossing", "checkpoint", "airport", "airbase"}
_TYPE_SET = set(_TYPE_WORDS.split("|"))
# Capitalised words that open a sentence before a name: "In Eldoret", "Near Gao", "Meanwhile Kharkiv".
_LEADING_FUNCTION_WORDS = {"in", "at", "on", "near", "from", "outside", "inside", "around", "across", "along",
                           "after", "before", "during", "since", "when", "while", "but", "and", "meanwhile",
                           "elsewhere", "also", "then", "as", "if", "into", "to", "towards"}
_STOP = {normalise(w) for w in (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday", "God", "Allah", "The", "A", "An", "He", "She", "It", "They", "We", "I", "This", "That",
    "These", "Those", "Mr", "Mrs", "Ms", "Dr", "President", "Minister", "General", "Colonel", "Sheikh",
    "Imam", "Police", "Army", "Islamic", "State", "Reuters", "AFP", "AP", "Brigade", "Division",
    "Battalion", "Regiment", "Corps", "Today", "Security", "Council", "Ministry", "Government", "News",
    "Agency", "Commission", "Observatory", "Human", "Rights",
)} | {normalise(w) for w in _TYPE_SET}  # "Town" in "Minbya Town" names no place of its own
_TYPE_SUFFIX = re.compile(rf"\s+(?P<type>{_TYPE_WORDS})$", re.IGNORECASE)
# second-level units named after their main town ("Gwoza Local Government Area", "Minbya Township")
_DISTRICT_WORDS = {"local government area", "local government", "lga", "chiefdom", "township", "tehsil", "taluka",
                   "taluk", "commune"}
_DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
               "northeastern", "northwestern", "southeastern", "southwestern", "northeast", "northwest",
               "southeast", "southwest", "upper", "lower", "greater", "rural"}
_NOT_PLACE_AFTER = re.compile(
    r"\s+(?:road|street|st|avenue|highway|square|bridge|university|hospital|prison|school|college|office|"
    r"company|council|party|club|times|news|post|tribune|mosque|church|market|stadium|brigade|front|"
    r"movement|forces|army|police|government|authorities|militia|militias|fighters|cartel|gang|clan)\b", re.IGNORECASE)
_STRONG_CUE = re.compile(
    r"(?:\b(?:[Ii]n|[Nn]ear|[Oo]utside|[Aa]round|[Aa]t|[Ii]nto|[Tt]owards?|[Tt]argets?|[Tt]arget(?:ing|ed)|[Ff]rom|"
    r"shelled|stormed|captured|seized|bombed|raided|besieged|attack)"
    rf"\s+(?:the\s+)?(?:{_DIRECTION_WORD})?|\b(?:{_TYPE_WORDS}|country|outskirts|vicinity|mayor|governor|residents|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?)\s+of\s+"
    rf"(?:the\s+)?|\(|{_APPOSITION}|{_PLACES_LIKE})$")
# A country's possessive before a name, with or without its apostrophe: "Syria's Aleppo", "Iraqs Anbar".
_OWNER = re.compile(r"([A-Z][\w-]*?)(?:['’]s|s)\s+(?=[A-Z])")
_POSSESSIVE_CUE = re.compile(r"\b(?:in|near|at|outside)\s+$")
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?(?:(?:town|city|village|province|area)\s+of\s+)?$", re.IGNORECASE)
# A place named as where the dead or wounded were taken, or where someone spoke, is not the incident's:
# "the bodies were flown to Abu Dhabi", "rushed to hospital in Kano", "the minister told reporters in Kabul".
_VENUE_BEFORE = re.compile(
    r"\b(?:(?:taken|flown|rushed|transferred|evacuated|airlifted|brought|transported|repatriated|driven)\s+"
    r"(?:back\s+)?to\s+(?:(?:a|the)\s+)?(?:(?:hospitals?|morgue|town|city|capital)\s+(?:in|of)\s+)?|"
    r"(?:said|says|told\s+(?:reporters|journalists)|told\s+a\s+(?:news|press)\s+conference|"
    r"(?:news|press)\s+conference|(?:a|the)\s+statement)\s+(?:issued\s+)?in\s+)$", re.IGNORECASE)
# A country named for its capital: "Kenya's capital", "the capital of the West African country of Mali".
_CAPITAL_AFTER = re.compile(r"['’]s\s+capital\b(?!\s+(?:city\s+)?of\b)")
_CAPITAL_OF_BEFORE = re.compile(
    r"\bcapital(?:\s+city)?\s+of\s+(?:the\s+)?(?:(?:[\w-]+\s+){0,3}(?:country|nation)\s+of\s+(?:the\s+)?)?$",
    re.IGNORECASE)
# Words after a demonym that make it a force's nationality rather than the scene's.
_FORCE_AFTER = re.compile(
    r"(?:-(?:backed|led|supported|allied)\b|\s+(?:(?:military|army|security|special|government|armed|air|naval|"
    r"border|occupation|coalition)\s+)?(?:forces|troops|soldiers|army|military|jets|warplanes|aircraft|drones?|"
    r"air\s*strikes?|strikes?|settlers|navy|artillery|tanks|units?|patrols?|convoys?|coalition)\b)", re.IGNORECASE)
_SPEECH_AFTER = re.compile(r"\s+(?:said|says|told|added|stated|announced|claimed|denied|warned)\b")
_REGION_AFTER = re.compile(r"\s+(?:region|state|province|regional state|zone)\b", re.IGNORECASE)
_LIST_AFTER = re.compile(r"\s*(?:,\s*[A-Z]|and\b|or\b)")
_CURRENCY_AFTER = re.compile(r"\s+(?:dollars?|euros?|pounds?|rupees?|liras?|rials?|riyals?|dinars?|francs?|"
                             r"shillings?|nairas?|pesos?|currency)\b", re.IGNORECASE)
_PARENTHETICAL = re.compile(r"\([^()]{2,80}\)")
_PAREN_END = re.compile(rf"\s*(?:(?:{_TYPE_WORDS})\s*)?\)", re.IGNORECASE)
_QUALIFIER_GAP = re.compile(rf"^\s*(?:(?:{_TYPE_WORDS})\s*)?(?:,|\(|,?\s+in|,?\s+of)\s*$", re.IGNORECASE)
_KIND_RANK = {"city": 0, "curated": 0, "admin1": 1, "country": 2}


@dataclass
class Toponym:
    """A place mention: character offsets, text as written, resolved location and its role."""

    start: int
    end: int
    text: str
    location: Location | None = None
    place: Place | None = None
    actor_origin: bool = False
    in_dateline: bool = False
    candidates: list[Place] = field(default_factory=list, repr=False)
    type_word: str | None = None
    near: bool = False
    loose: bool = False
    qualifier: bool = False
    strong_cue: bool = False
    entity: bool = False
    capital: bool = False
    origin: bool = False
    venue: bool = False

    @property
    def off_scene(self) -> bool:
        """Named for what it is to an actor (a patron, a home base) or as a venue, not as the scene."""
        return self.actor_origin or self.venue


@dataclass
class DocumentPlaces:
    """The resolved toponyms of a document and the event place of each sentence."""

    toponyms: list[Toponym]
    layout: Layout
    dateline_place: Location | None = None
    main_place: Location | None = None
    _event_places: list[Toponym] | None = field(default=None, init=False, repr=False, compare=False)

    def for_sentence(self, sent: Span) -> Location | None:
        """The place of an event told in ``sent``: its own most specific toponym, else the nearest
        preceding one in the same paragraph, else the article's main place, else the dateline place."""
        own = [t for t in self._event_toponyms() if sent.start_char <= t.start < sent.end_char]
        if own:
            return self._refine(self._most_specific(own))
        para_start, _ = self.layout.paragraph_of(sent.start_char)
        before = [t for t in self._event_toponyms() if para_start <= t.start < sent.start_char]
        if before:
            last_sentence_start = before[-1].start
            doc_sent = sent.doc.char_span(last_sentence_start, before[-1].end, alignment_mode="expand")
            if doc_sent is not None:
                src = doc_sent.sent
                same = [t for t in before if src.start_char <= t.start < src.end_char]
                return self._refine(self._most_specific(same or before[-1:]))
            return self._refine(before[-1].location)
        return self.main_place or self.dateline_place

    def by_clause(self, clauses: list[list[Token] | None]) -> list[Location | None]:
        """The place each clause of a sentence names (None for a clause without one, or the whole sentence),
        when two or more clauses name different places ("three were killed in Bannu, while another died in
        Malakand"); all None otherwise, so the sentence's place stands for every event in it."""
        if sum(1 for clause in clauses if clause) < 2:
            return [None] * len(clauses)
        toponyms = self._event_toponyms()
        found = [self._clause_place(clause, toponyms) if clause else None for clause in clauses]
        named = [loc for loc in found if loc is not None]
        apart = any(_apart(a, b) for i, a in enumerate(named) for b in named[i + 1:])
        return found if apart else [None] * len(clauses)

    def _clause_place(self, tokens: list[Token], toponyms: list[Toponym]) -> Location | None:
        starts = {t.idx for t in tokens}
        own = [t for t in toponyms if t.start in starts]
        return self._refine(self._most_specific(own)) if own else None

    def listed(self, sent: Span) -> list[tuple[Location, int | None]]:
        """The places of a list that ``sent`` names ("in Houla, Ayta al-Shaab and Shiheen", "two in Kangemi,
        one in Kitengela"), in order, each with the count the list gives it; empty unless two or more
        places stand in one coordinated run. A run holds known places, and names the gazetteer lacks when
        the parser calls them places or a word for places stands before or after the run ("the border towns
        of", "Zee Phyu Kone and Kan Gyi villages"); such a
        name keeps its own name, with the sentence's place for coordinates at region precision."""
        base, text = sent.start_char, span_text(sent)
        items = [(t.start - base, t.end - base, t) for t in self.toponyms if base <= t.start < sent.end_char
                 and not t.off_scene and not t.in_dateline and not t.qualifier
                 and (t.place is None or t.place.kind in ("city", "curated", "admin1"))]
        places = {(e.start_char - base, e.end_char - base) for e in sent.ents if e.label_ in _PLACE_LABELS}
        taken = [(t.start - base, t.end - base) for t in self.toponyms if base <= t.start < sent.end_char]
        for match in re.finditer(_NAME, text):  # names the gazetteer lacks: not a toponym set aside above
            if not any(s < match.end() and match.start() < e for s, e in taken):
                items.append((match.start(), match.end(), None))
                taken.append(match.span())
        items.sort(key=lambda item: item[0])
        runs: list[list[tuple[int, int, Toponym | None, int | None]]] = []
        for start, end, toponym in items:
            gap = _LIST_GAP.fullmatch(text[runs[-1][-1][1]:start]) if runs else None
            if gap is not None and gap.group(0).strip():
                runs[-1].append((start, end, toponym, _count_word(gap.group("n"))))
            else:
                runs.append([(start, end, toponym, None)])
        fallback = self.for_sentence(sent)
        for run in sorted(runs, key=len, reverse=True):
            if _BOUNDARY.search(text[:run[0][0]]) or _nested_units(text, run):
                continue  # "the border between Marib and Al Bayda", "Minbya Township, Mrauk-u District": one place
            cue = _PLACES_CUE.search(text[:run[0][0]]) is not None or _PLACES_AFTER.match(text[run[-1][1]:]) is not None
            members = [(start, end, t, n) for start, end, t, n in run
                       if (t is not None and t.location is not None) or cue
                       or (start, end) in places or t is not None]
            if len({text[start:end] for start, end, _, _ in members}) < 2 or not (
                    cue or any(t is not None and t.location is not None for _, _, t, _ in members)):
                continue
            listed = []
            for start, end, t, count in members:
                location = t.location if t is not None else None
                if location is None and fallback is not None:
                    location = fallback.model_copy(update={"text": text[start:end], "name": text[start:end],
                                                           "geonameid": None, "admin2": None, "precision": 3})
                if location is not None:
                    listed.append((location, count))
            if len(listed) >= 2:
                return listed
        return []

    def country_only(self, sent: Span) -> bool:
        """Whether the finest place ``sent`` names of its own is a whole country ("arrested in France")."""
        own = [t for t in self._event_toponyms() if sent.start_char <= t.start < sent.end_char]
        finest = self._most_specific(own) if own else None
        return finest is not None and finest.admin1 is None and finest.precision == 3

    def states_place(self, sent: Span) -> bool:
        """Whether ``sent`` names an event place of its own (else ``for_sentence`` carries one over)."""
        return any(sent.start_char <= t.start < sent.end_char for t in self._event_toponyms())

    def fit(self, loc: Location | None) -> float:
        """How well an event place fits what the article is about: 1 in its main region (or unknown),
        a little less elsewhere in its country, less again abroad (more often a misplaced or side event)."""
        main = self.main_place
        if loc is None or main is None or (loc.country == main.country and loc.admin1 == main.admin1):
            return 1.0
        return OTHER_REGION_FIT if loc.country == main.country else ABROAD_FIT

    def _event_toponyms(self) -> list[Toponym]:
        """The toponyms that can place an event, found once per document (every sentence asks)."""
        if self._event_places is None:
            self._event_places = [t for t in self.toponyms if t.location is not None and not t.off_scene
                                  and not t.in_dateline and not self._abroad(t)]
        return self._event_places

    def _abroad(self, t: Toponym) -> bool:
        """A town or region outside the country of the article's main place names a government or a venue
        more often than the scene when no place cue ("in", "near", "town of") precedes it: "Moscow intervened"."""
        main = self.main_place
        return main is not None and main.admin1 is not None and t.location.precision < 3 and not t.strong_cue \
            and t.location.country != main.country

    def _refine(self, loc: Location | None) -> Location | None:
        """A country named alone gives way to the article's main place when that is finer: inside that
        country, or in another country (the named one is then mostly an actor: "a U.S. strike")."""
        main = self.main_place
        if loc is not None and main is not None and loc.admin1 is None and loc.precision == 3 \
                and main.admin1 is not None:
            return main
        return loc


    def _most_specific(self, toponyms: list[Toponym]) -> Location | None:
        """A town before its region, a place in a country the text is about before a stray one."""
        support = Counter(t.location.country for t in self.toponyms if t.location is not None)

        def stray(t: Toponym) -> bool:
            return support[t.location.country] <= 1 and any(n > 1 or c != t.location.country
                                                            for c, n in support.items() if c)

        best = min(toponyms, key=lambda t: (t.qualifier, stray(t), t.origin, t.location.precision == 3,
                                            _KIND_RANK.get(t.place.kind, 0), t.start))
        return best.location


# What separates the places of one list: "Houla, Ayta al-Shaab, and Shiheen", "in Kangemi, one in Kitengela,
# and another in Olkalou"; ``n`` is the count a place is given.
_LIST_GAP = re.compile(
    r"\s*(?:,\s*(?:and|or)?|and|or|&)\s*(?:(?P<n>one|another|two|three|four|five|six|seven|eight|nine|ten|\d{1,3})"
    r"\s+(?:more\s+|others?\s+)?(?:were\s+|was\s+)?(?:\w+\s+)?(?:in|at)\s+)?"
    r"(?:(?:the\s+)?(?:towns?|villages?|cities|districts?|provinces?)\s+of\s+)?",
    re.IGNORECASE,
)
# Words for several places before a list of their names: "the border towns of", "villages including".
_PLACES_CUE = re.compile(
    r"\b(?:towns|villages|townships|cities|localities|areas|neighbou?rhoods|districts|provinces|outposts|"
    r"positions|camps|settlements|communities|hamlets)\b(?:\s+(?:of|including|such as|like|in))?"
    r"(?:\s+[\w’'-]+){0,3}?\s*[:,]?\s*$",
    re.IGNORECASE,
)
# ... or after them: "Zee Phyu Kone and Kan Gyi villages".
_PLACES_AFTER = re.compile(
    r"\s+(?:towns|villages|townships|localities|neighbou?rhoods|districts|provinces|camps|settlements|"
    r"hamlets|communities)\b", re.IGNORECASE)
# Two places this close are one scene: a village and the town beside it.
SAME_SCENE_KM = 15.0
# Verbs whose subject is the scene of the event they take as object.
_SCENE_VERBS = frozenset({"see", "witness", "experience"})
# "the border between Marib and Al Bayda", "the highway linking Damascus and Aleppo": one line, not two scenes
_BOUNDARY = re.compile(r"\b(?:between|linking|connecting|joining)\s+(?:the\s+)?(?:cities\s+of\s+)?$",
                       re.IGNORECASE)
_UNIT_WORD = re.compile(rf"(?:^|\s)({_TYPE_WORDS})$|^\s+({_TYPE_WORDS})\b", re.IGNORECASE)


def _apart(a: Location, b: Location) -> bool:
    """Two scenes: neither place is the other, holds the other (a region and its town) or lies beside it."""
    if a.name == b.name or a.country != b.country:
        return a.name != b.name
    if a.lat is None or b.lat is None:  # a country and a place in it
        return False
    if (a.precision == 3 and a.admin1 == b.admin1) or (b.precision == 3 and b.admin1 == a.admin1):
        return False
    return haversine_km(a.lat, a.lon, b.lat, b.lon) > SAME_SCENE_KM


def _nested_units(text: str, run: list[tuple[int, int, Toponym | None, int | None]]) -> bool:
    """Whether a run of names is a chain of administrative units, each inside the next ("Minbya Township,
    Mrauk-u District, Rakhine State"): its names carry different unit words."""
    units = set()
    for start, end, _, _ in run:
        match = _UNIT_WORD.search(text[start:end]) or _UNIT_WORD.match(text[end:])
        if match:
            units.add((match.group(1) or match.group(2)).lower())
    return len(units) >= 2


_COUNT_WORDS = {"one": 1, "another": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10}


def _count_word(word: str | None) -> int | None:
    if word is None:
        return None
    return int(word) if word.isdigit() else _COUNT_WORDS[word.lower()]
# Confidence factors of an event placed outside the article's main region, in its country or abroad.
OTHER_REGION_FIT = 0.97
ABROAD_FIT = 0.9
# A place abroad (outside every country the document names) smaller than this is taken for a misread
# name ("Central Park" in a Nairobi story is not the one in Utah); larger cities abroad stay.
FOREIGN_TOWN_POPULATION = 100_000
# A city this large is what its name means when the other places of that name are in other countries.
MILLION_CITY = 1_000_000


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    with (DATA_DIR / "places_demonyms.csv").open(encoding="utf-8") as handle:
        return {row["demonym"]: row["iso3"] for row in csv.DictReader(handle)}


def _keep_in_anchor_country(restored: list[Toponym]) -> None:
    """In a lower-cased text every place name is a guess: keep the guesses in the country that the dateline,
    the regions, the countries and the big cities it names point to ("centre" is no French region there)."""
    votes: Counter[str] = Counter()
    for t in restored:
        anchors = [p for p in t.candidates if is_anchor(p)]
        if t.in_dateline and t.candidates:
            anchors.append(max(t.candidates, key=lambda p: p.population))
        votes.update({p.country for p in anchors})
    if not votes:
        return
    top = max(votes.values())
    countries = {country for country, n in votes.items() if n == top}
    for t in restored:
        t.candidates = [p for p in t.candidates if p.country in countries]


def _prominence(candidates: list[Place]) -> int:
    """How well known the best-known candidate is: its population, a region or a listed conflict place at
    least that of a large town."""
    return max((max(p.population, FOREIGN_TOWN_POPULATION) if p.kind in ("admin1", "curated") else p.population
                for p in candidates), default=0)


def _countries(candidates: list[Place]) -> set[str | None]:
    return {p.country for p in candidates if p.kind != "country"}


def _sure_countries(candidates: list[Place]) -> set[str]:
    """The country a toponym certainly lies in: all its candidates share it, or it names a country."""
    if not candidates:
        return set()
    first = candidates[0].country
    if all(c.country == first for c in candidates):  # stops at the first other country
        return {first}
    countries = {c.country for c in candidates if c.kind == "country"}
    # a city of millions beside villages of other countries: "Baghdad" (not Baghdadeh, Iran)
    big = {c.country for c in candidates if c.population >= MILLION_CITY}
    return countries or (big if len(big) == 1 else set())


class Geolocator:
    """Finds toponyms in a parsed document and resolves them against the gazetteer in context."""

    def __init__(self) -> None:
        self.gazetteer = Gazetteer.load()
        demonyms = _demonyms()
        alternatives = "|".join(map(re.escape, sorted(demonyms, key=len, reverse=True)))
        self._demonym_re = re.compile(rf"\b({alternatives})\b")
        self._capital_re = re.compile(rf"\bthe\s+(?:({alternatives})\s+)?capital\b(?!\s+(?:city\s+)?of\b)")
        self._demonyms = demonyms
        self._name_re = re.compile(_NAME)

    def analyse(self, doc: Doc, layout: Layout, actor_countries: Counter[str] | None = None) -> DocumentPlaces:
        """Find and resolve the toponyms of ``doc``; the result answers ``for_sentence``.
        ``actor_countries`` counts the home countries of the actors the text names: they favour places
        there ("Houthi shelling in Sadah" is in Yemen) but, unlike demonyms, rule out no place abroad."""
        toponyms = self._find(doc, layout)
        text = text_of(doc)
        context: Counter[str] = Counter()
        forces = Counter(actor_countries or {})
        for match in self._demonym_re.finditer(text):
            # "Israeli forces", "Turkish-backed militants": a force's home, which acts abroad too
            (forces if _FORCE_AFTER.match(text, match.end()) else context)[self._demonyms[match.group(1)]] += 1
        self._resolve(toponyms, context, forces)
        _mark_reference_points(text_of(doc), toponyms)
        for t in toponyms:
            if t.place is not None:
                t.location = self._location(t)
        dateline = next((t.location for t in toponyms if t.in_dateline and t.location), None)
        return DocumentPlaces(toponyms=toponyms, layout=layout, dateline_place=dateline,
                              main_place=_main_place(toponyms))

    # -- finding ------------------------------------------------------------------------------------
    def _find(self, doc: Doc, layout: Layout) -> list[Toponym]:
        text = text_of(doc)
        if layout.lower_cased:
            text = restore_place_case(text, self.gazetteer.candidates, layout.dateline and layout.dateline[:2])
        blocked: list[tuple[int, int]] = []
        facilities = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == "FAC"]
        found: dict[tuple[int, int], Toponym] = {}
        for ent in doc.ents:
            if ent.label_ in _PLACE_LABELS:
                start, end = ent.start_char, ent.end_char
                value = ent.text
                if value.lower().startswith("the "):
                    start, value = start + 4, value[4:]
                if value.endswith(("'s", "’s")):
                    end, value = end - 2, value[:-2]
                self._add(found, text, start, end, entity=ent.label_ == "GPE")
            elif self._possessive_city(text, ent.start_char, ent.end_char):
                self._add(found, text, ent.start_char, ent.end_char)
            elif ent.label_ in _NON_PLACE_LABELS:
                blocked.append((ent.start_char, ent.end_char))
        for match in self._name_re.finditer(text):
            first = match.group().split(maxsplit=1)
            if len(first) == 2 and first[0].lower() in _LEADING_FUNCTION_WORDS:  # "In Eldoret, two were killed"
                match = self._name_re.match(text, match.start() + len(first[0]) + 1) or match
            # "Syria's Aleppo", or "Syrias Aleppo" in a text stripped of apostrophes: a known place in Syria
            # (not "Haiti's National Police")
            owner = _OWNER.match(match.group())
            owned = owner is not None and any(p.kind == "country" for p in self.gazetteer.candidates(owner.group(1)))
            place = self._name_re.match(text, match.start() + owner.end()) if owned else None
            owned = place is not None and bool(self.gazetteer.candidates(place.group()))
            if owned:
                self._add(found, text, match.start(), match.start() + len(owner.group(1)))
                match = place
            window = text[max(0, match.start() - 40):match.start()]
            cue = owned or bool(_CUE_BEFORE.search(window)) or bool(_TYPE_AFTER.match(text, match.end()))
            if not cue or _NOT_PLACE_AFTER.match(text, match.end()):
                continue
            if text.startswith(" of ", match.end()) and any(s <= match.start() and match.end() < e
                                                            for s, e in facilities):
                continue  # the head of a facility's name: "the Wall of Grief", "the Church of the Nativity"
            if any(s < match.end() and match.start() < e for s, e in blocked) and not owned \
                    and not self._place_despite_label(text, match, found):
                continue
            self._add(found, text, match.start(), match.end())
        for start, end in _scene_subjects(doc):  # "While Kisumu saw largely peaceful demonstrations"
            self._add(found, text, start, end)
        for match in self._capital_re.finditer(text):
            country = self._demonyms.get(match.group(1) or "")
            capital = self.gazetteer.capital_of(country) if country else None
            begin = match.start() + 4
            found[(begin, match.end())] = Toponym(begin, match.end(), match.group(0)[4:], capital=True, entity=True,
                                                  candidates=[capital] if capital else [], strong_cue=True)
        toponyms = sorted(found.values(), key=lambda t: t.start)
        toponyms = [t for t in toponyms
                    if not any(o is not t and o.start <= t.start and t.end <= o.end for o in toponyms)
                    and not _CURRENCY_AFTER.match(text, t.end)]  # "the US dollar" is no place
        for t in toponyms:
            t.in_dateline = layout.dateline is not None and layout.dateline[0] <= t.start < layout.dateline[1]
            t.actor_origin = bool(_ACTOR_AFTER.match(text, t.end) or _NOT_PLACE_AFTER.match(text, t.end))
            t.origin = bool(_FROM_BEFORE.search(text, max(0, t.start - 30), t.start))
            t.venue = bool(_VENUE_BEFORE.search(text, max(0, t.start - 60), t.start))
            role = _parse_role(doc, t)
            t.venue = t.venue or role == "venue"
            t.actor_origin = t.actor_origin or role == "origin"
        self._capitals_named(text, toponyms)
        self._apply_qualifiers(text, toponyms)
        if layout.dateline is not None and not any(t.in_dateline for t in toponyms):
            start, end, _ = layout.dateline
            self._add(found, text, start, end, dateline=True)
            extra = found.get((start, end))
            if extra is not None:
                extra.in_dateline = True
                toponyms.insert(0, extra)
        if layout.lower_cased:
            original = text_of(doc)
            _keep_in_anchor_country([t for t in toponyms if original[t.start:t.end].islower()])
        return toponyms

    def _capitals_named(self, text: str, toponyms: list[Toponym]) -> None:
        """A country named for its capital ("Kenya's capital", "the capital of Mali") is that city."""
        for t in toponyms:
            countries = sorted({p.country for p in t.candidates if p.kind == "country" and p.country})
            if not countries or not (_CAPITAL_AFTER.match(text, t.end) or (
                    _CAPITAL_OF_BEFORE.search(text, max(0, t.start - 80), t.start)
                    and not text.startswith(("'s", "’s"), t.end))):  # "the capital of Iraq's Kurdistan region"
                continue
            capitals = [p for p in map(self.gazetteer.capital_of, countries) if p is not None]
            if capitals:
                t.candidates, t.capital, t.strong_cue = capitals, True, True

    def _apply_qualifiers(self, text: str, toponyms: list[Toponym]) -> None:
        """A region right after a place qualifies it: "Kamianka, Donetsk", "Taji, Iraq", "Zinjibar (Zinjibar,
        Abyan)". The place must then lie in that region; when no candidate does, the gazetteer lacks it and the
        region stands in. A closing "(Town, Region)" also bounds the places named before it in the sentence."""
        starts = {t.start for t in toponyms}
        for first, second in zip(toponyms, toponyms[1:], strict=False):
            gap = text[first.end:second.start]
            if not _QUALIFIER_GAP.match(gap):
                continue
            regions = [p for p in second.candidates if p.kind in ("admin1", "country")]
            if not regions or ("," in gap and _in_list(text, second.end, starts)):
                continue
            self._add_loose_within(first, regions)
            inside = [p for p in first.candidates if _within(p, regions)]
            if not inside and second.loose and first.candidates:
                continue  # a guessed spelling of the region (a loose match abroad) rules out no known place
            if inside or not any(p.kind in ("admin1", "country") for p in first.candidates):
                first.candidates = inside
                second.candidates, second.qualifier = regions, True
        for match in _PARENTHETICAL.finditer(text):
            last = next((t for t in reversed(toponyms) if match.start() < t.start < match.end()), None)
            if last is None or not _PAREN_END.match(text, last.end):
                continue
            regions = [p for p in last.candidates if p.kind in ("admin1", "country")]
            sentence_start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start()))
            bounded = [t for t in toponyms if sentence_start < t.start < match.start() and not t.qualifier]
            fits = any(_within(p, regions) or _contains(p, regions) for t in bounded for p in t.candidates)
            # a guessed spelling ("(Ouahigouya, Yatenga)"), or a region name of several countries that holds none
            # of the known places before it ("Makeni town (Bombali, North-West)"): a region the gazetteer lacks,
            # not another place
            generic = len({p.country for p in regions}) > 1 and any(t.candidates for t in bounded)
            if not fits and (last.loose or not last.candidates or generic):
                if "," in text[match.start():last.start]:
                    last.candidates, last.qualifier = [], True
                continue
            if not regions:
                continue
            last.candidates, last.qualifier = regions, True
            for t in bounded:
                inside = [p for p in t.candidates if _within(p, regions)]
                wider = [p for p in t.candidates if _contains(p, regions)]
                t.candidates = inside or wider

    def _add_loose_within(self, toponym: Toponym, regions: list[Place]) -> None:
        """When no candidate of a place lies in the region that qualifies it, try looser spellings there."""
        if not any(_within(p, regions) for p in toponym.candidates):
            toponym.candidates += [p for p in self.gazetteer.loose_candidates(toponym.text)
                                   if p.kind == "city" and _within(p, regions)]

    def _possessive_city(self, text: str, start: int, end: int) -> bool:
        """A name tagged as an organisation or person that is a large city, after "in" and before "'s":
        "in Karachi's Orangi Town" (but "Assad's forces" and "in Reuters' report" stay no places)."""
        return text.startswith(("'s", "’s"), end) and bool(_POSSESSIVE_CUE.search(text, max(0, start - 12), start)) \
            and any(p.kind == "city" and p.population >= FOREIGN_TOWN_POPULATION
                    for p in self.gazetteer.candidates(text[start:end]))

    def _place_despite_label(self, text: str, match: re.Match, found: dict[tuple[int, int], Toponym]) -> bool:
        """The small model often tags towns as PERSON, ORG or NORP: keep such a name after a strong place cue
        ("in", "near", "town of", a type word after it, or ", " right after another toponym), and a region or
        a large city after any place cue ("bombardment on Aleppo", "clashes in Salamia countryside and Homs")."""
        if text.startswith(("'s", "’s"), match.end()) or _SPEECH_AFTER.match(text, match.end()):
            return False
        window = text[max(0, match.start() - 40):match.start()]
        if _STRONG_CUE.search(window) or _TYPE_AFTER.match(text, match.end()) or _TYPE_SUFFIX.search(match.group()):
            return True  # "in X", "X district", or a name ending in its type: "Biu Local Council of Borno State"
        if any(p.kind in ("admin1", "curated") or (p.kind == "city" and p.population >= FOREIGN_TOWN_POPULATION)
               for p in self.gazetteer.candidates(match.group())):
            return True
        if re.search(rf"(?:[A-Z][\w'’-]+|\b(?:{_TYPE_WORDS})),\s+$", window):
            return True
        gap = re.search(r"\bin\s+$|,?\s+(?:and|or)\s+$", window)  # "killed two in X", "in Saraqib, Binnish and X"
        return gap is not None and any(end == match.start() - len(gap.group(0)) for _, end in found)

    def _add(self, found: dict[tuple[int, int], Toponym], text: str, start: int, end: int,
             entity: bool = False, dateline: bool = False) -> None:
        """Add the capitalised words at ``start:end`` as a toponym when the gazetteer knows them, also
        after dropping a trailing type word ("Idlib Province") or a leading direction ("Northern Aleppo").
        A demonym ("Somali") is no place unless a region word follows it ("Somali region")."""
        value = re.sub(r"['’]s$", "", text[start:end].rstrip(".,;:"))
        words = value.split()
        type_word = None
        variants = [(start, value)]
        if suffix := _TYPE_SUFFIX.search(value):
            type_word = _type_of(suffix.group("type"))
            variants.append((start, value[:suffix.start()]))
        if len(words) > 1 and words[0].lower() in _DIRECTIONS:
            offset = len(words[0]) + 1
            variants += [(start + offset, v[offset:]) for _, v in list(variants) if len(v) > offset]
        # a district named after its town and a direction ("Yirol West"): near the town
        part = value.rsplit(" ", 1)[0] if len(words) > 1 and words[-1].lower() in _DIRECTIONS else None
        if part:
            variants.append((start, part))
        variants = [(begin, name) for begin, name in variants
                    if normalise(name) not in _STOP and any(ch.isupper() for ch in name[:4])
                    and (name not in self._demonyms or _REGION_AFTER.match(text, begin + len(name)))]
        # every exact spelling before any transliteration guess: "Douala city" is Douala, not a loose match
        for (begin, name), loose in [*((v, False) for v in variants), *((v, True) for v in variants)]:
            if not loose:
                candidates = self.gazetteer.candidates(name)
                # "TDP", "SDF": acronyms name countries at most ("US"); a dateline is written in capitals
                if name.isupper() and len(name) <= 5 and not dateline:
                    candidates = [p for p in candidates if p.kind == "country"]
            else:
                candidates = self.gazetteer.loose_candidates(name) if len(normalise(name)) >= 6 else []
            if not candidates:
                continue
            stop = begin + len(name)
            if type_word is None or stop < start + len(value):
                type_match = _TYPE_AFTER.match(text, stop) or _TYPE_BEFORE.search(text, max(0, begin - 40), begin)
                type_word = _type_of(type_match.group("type")) if type_match else type_word
            found.setdefault((begin, stop), Toponym(
                begin, stop, name, candidates=candidates, type_word=type_word, loose=loose,
                near=name == part or bool(_NEAR_BEFORE.search(text[max(0, begin - 60):begin])), entity=entity,
                strong_cue=bool(_STRONG_CUE.search(text[max(0, begin - 40):begin]))))
            return

    # -- resolving ----------------------------------------------------------------------------------
    def _resolve(self, toponyms: list[Toponym], demonym_countries: Counter, actor_countries: Counter) -> None:
        for t in toponyms:
            t.candidates = _filter_by_type(t, self.gazetteer)
        # a guess, or a place named as a venue ("flown to Riyadh", "said in Kabul"), vouches for no country
        # of the scene (a force's home does: "Kosovo police")
        sure = [set() if t.loose or t.venue else _sure_countries(t.candidates) for t in toponyms]
        # each name supports a country once: "Banjska" told twice is no second witness for its own country
        support = Counter(c for countries in {normalise(t.text): own for t, own in zip(toponyms, sure, strict=True)
                                              }.values() for c in countries)
        known = set(support) | set(demonym_countries)
        context = known | set(actor_countries)
        possible = {p.country for t in toponyms if not t.loose and not t.venue for p in t.candidates}
        for t in toponyms:
            if t.capital and not t.candidates:  # "the capital": of a country the text is about
                t.candidates = [p for p in map(self.gazetteer.capital_of, sorted(known)) if p is not None]
            if t.loose:  # a transliteration guess: inside a country the text or its actors are about, or,
                # when nothing points to a country, after a strong cue, all in one country ("Kamenge" is no
                # guess between Uganda, Congo and Indonesia) and in a country another name of the text may be in
                # (a neighbourhood of a town several countries have is no village of a fourth)
                t.candidates = [p for p in t.candidates if p.kind != "country" and (
                    p.country in context or (not context and t.strong_cue and len(_countries(t.candidates)) == 1
                                             and (not possible or p.country in possible)))]
        # a weak match far from every country the other toponyms and demonyms name is a misread name;
        # a region named to qualify a place ("Raizh district (Sadah)") or with its region word
        # ("Borno State") is no misreading
        weak = [not t.qualifier and not _named_region(t) and (
            (not t.entity and not t.strong_cue) or t.loose
            or max((p.population for p in t.candidates), default=0) < FOREIGN_TOWN_POPULATION) for t in toponyms]
        names = {normalise(t.text): (own, w, _prominence(t.candidates))
                 for t, own, w in zip(toponyms, sure, weak, strict=True)}
        for t, is_weak in zip(toponyms, weak, strict=True):
            countries = {p.country for p in t.candidates}
            if not is_weak or t.in_dateline or countries & set(demonym_countries):
                continue
            witnesses = [(w, rank) for name, (own, w, rank) in names.items() if name != normalise(t.text) and own]
            if any(own & countries for name, (own, _, _) in names.items() if name != normalise(t.text)):
                continue
            # one weak name rules out no better-known one ("casualties in Harasta and Arbin": a Syrian town
            # and a French hamlet, neither sure; the town is the better bet)
            against = [rank for w, rank in witnesses if w]
            if demonym_countries or len(against) < len(witnesses) or len(against) > 1 \
                    or (against and against[0] > _prominence(t.candidates)):
                t.candidates = []
        for _ in range(2):
            countries = demonym_countries + actor_countries
            admin1s: Counter = Counter()
            for t in toponyms:
                if t.place is not None:
                    countries[t.place.country] += 1
                    if t.place.kind in ("admin1", "curated") and t.place.admin1:
                        admin1s[(t.place.country, t.place.admin1)] += 1
                elif len({c.country for c in t.candidates}) == 1 and t.candidates:
                    countries[t.candidates[0].country] += 1
            for t in toponyms:
                own_country = t.place.country if t.place else None
                own_admin1 = (t.place.country, t.place.admin1) if t.place and t.place.kind != "city" else None
                ctx_countries = countries.copy()
                if own_country:
                    ctx_countries[own_country] -= 1
                ctx_admin1 = admin1s.copy()
                if own_admin1:
                    ctx_admin1[own_admin1] -= 1
                others = [o.place for o in toponyms
                          if o is not t and o.place is not None and o.place.kind != "country"]
                largest = max((p.population for p in t.candidates if p.kind == "admin1"), default=0)
                t.place = max(t.candidates,
                              key=lambda p: _score(t, p, ctx_countries, ctx_admin1, others, largest),
                              default=None)

    def _location(self, t: Toponym) -> Location:
        """The toponym's place as a Location; a country has no point and no admin1 (never its capital's)."""
        place = t.place
        if place.kind == "country":
            return Location(text=t.text, name=place.name, geonameid=place.geonameid, country=place.country,
                            precision=3)
        precision = place.precision
        if place.kind == "admin1":  # ACLED's convention: a region at its capital, when the capital bears its name
            capital = max((p for p in self.gazetteer.candidates(place.name) if p.kind == "city"
                           and p.country == place.country and p.admin1 == place.admin1),
                          key=lambda p: p.population, default=None)
            if capital is not None:
                return Location(text=t.text, name=place.name, geonameid=place.geonameid, lat=round(capital.lat, 5),
                                lon=round(capital.lon, 5), country=place.country, admin1=place.admin1,
                                precision=3)
        if place.kind in ("city", "curated") and precision < 3 and (
                t.near or t.type_word in _NEAR_TYPES or t.type_word == "county"):
            precision = 2
        admin2 = self.gazetteer.admin2_for(place.lat, place.lon) if precision < 3 else None
        return Location(text=t.text, name=place.name, geonameid=place.geonameid, lat=round(place.lat, 5),
                        lon=round(place.lon, 5), country=place.country, admin1=place.admin1, admin2=admin2,
                        precision=precision)


# What lies between a place and a town named to say where that place is: "Camarines Sur province, south of
# Manila", "Ajristan district, 80 km west of Ghazni".
_REFERENCE_GAP = re.compile(
    rf"^\s*(?:{_TYPE_WORDS})?\s*,\s*(?:(?:just|only|about|some|around)\s+)*(?:(?:\d[\d,.]*\s*(?:km|kilometres|"
    r"kilometers|miles)\s+)?(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of|"
    r"(?:\d[\d,.]*\s*(?:km|kilometres|kilometers|miles)|a\s+(?:short\s+)?(?:drive|walk|distance))\s+"
    r"(?:away\s+)?from)\s+(?:the\s+)?(?:(?:capital|city|town)\s+(?:of\s+)?)?$", re.IGNORECASE)


def _mark_reference_points(text: str, toponyms: list[Toponym]) -> None:
    """A town named after a place only to say where that place lies is a reference point, not a scene:
    in "Camarines Sur province, south of Manila" the event is in the province. When the gazetteer lacks
    the first place ("Wad Al Noura, south of Khartoum"), the town stays: the event is near it."""
    for first, second in zip(toponyms, toponyms[1:], strict=False):
        if first.place is not None and first.place.kind != "country" and _REFERENCE_GAP.match(
                text[first.end:second.start]):
            second.venue = True


# What a place phrase attaches to when it is not the incident's place (read from the dependency parse):
# where people or bodies were taken ("were flown back home to Abu Dhabi", "taken to a hospital in Kano"),
# where someone spoke ("told reporters in Kabul", "at a news conference in Geneva") or reacted ("condemned by
# leaders in Washington"), and where a group is based or what it is named after ("based in Aleppo", "the
# Jalisco New Generation Cartel").
_TRANSFER_VERBS = frozenset({"take", "fly", "rush", "transfer", "evacuate", "airlift", "bring", "transport",
                             "repatriate", "drive", "carry", "deport", "extradite", "admit"})
_SPEECH_VERBS = frozenset({"say", "tell", "speak", "announce", "warn", "brief", "declare", "condemn", "denounce",
                           "deplore", "mourn", "react", "respond", "welcome", "praise", "hail", "criticise",
                           "criticize"})
_SPEECH_NOUNS = frozenset({"conference", "briefing", "statement", "interview", "speech"})
_BASE_WORDS = frozenset({"base", "headquarter", "station"})  # the verbs: "based", "headquartered", "stationed"
_GROUP_NOUNS = frozenset({"cartel", "gang", "militia", "brigade", "battalion", "regiment", "faction", "front",
                          "movement", "clan", "mafia"})


# What a force moves to its scene ("brought reinforcements to their base in Hasakah"), and "took to the streets of".
_NOT_TRANSFERRED = frozenset({"reinforcement", "troop", "force", "convoy", "equipment", "weapon", "vehicle", "tank",
                              "truck", "fighter", "militant", "aid", "supply", "street"})


def _moves_forces(verb: Token, destination: Token) -> bool:
    """Whether a transfer verb moves forces or supplies (a deployment told at its place), or is "take to the
    streets", rather than taking people or bodies somewhere else."""
    moved = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "nsubj")]
    moved += [g for c in moved for p in c.children if p.dep_ == "prep" for g in p.children if g.dep_ == "pobj"]
    return any(w.lemma_.lower() in _NOT_TRANSFERRED for w in (destination, *moved))


def _parse_role(doc: Doc, t: Toponym) -> str | None:
    """"venue" when the parse names the place as a destination, a speaker's or mourner's venue, "origin" when
    it names where a group is based or what it is called after; None for a possible scene."""
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None:
        return None
    token = span.root
    while token.dep_ in ("compound", "appos", "conj", "flat") and token.head is not token:
        if token.dep_ == "compound" and token.head.lemma_.lower() in _GROUP_NOUNS:
            return "origin"  # "the Jalisco New Generation Cartel"
        token = token.head
    for _ in range(2):  # "taken to a hospital in Kano": the place, then the noun it qualifies
        if token.dep_ != "pobj":
            return None
        prep, head = token.head, token.head.head
        lemma = head.lemma_.lower()
        if prep.lower_ in ("in", "at") and head.pos_ in ("VERB", "ADJ") and lemma in _BASE_WORDS:
            return "origin"  # "based in Aleppo", "headquartered in Kabul"
        if prep.lower_ == "to" and head.pos_ == "VERB" and lemma in _TRANSFER_VERBS and not _moves_forces(head, token):
            return "venue"
        if prep.lower_ in ("in", "at", "from", "by") and (
                (head.pos_ == "VERB" and lemma in _SPEECH_VERBS) or (head.pos_ == "NOUN" and lemma in _SPEECH_NOUNS)):
            return "venue"
        token = head
    return None


def _type_of(word: str) -> str:
    """The type a place word stands for: a local government area, township or tehsil is a district."""
    word = word.lower()
    return "district" if word in _DISTRICT_WORDS else word


def _named_region(t: Toponym) -> bool:
    """A region named with its own word ("Borno State", "Idlib province") and found as one."""
    return t.type_word in _ADMIN1_TYPES and bool(t.candidates) and all(p.kind == "admin1" for p in t.candidates)


def _scene_subjects(doc: Doc) -> list[tuple[int, int]]:
    """Names that are the subject of seeing an event ("Kisumu saw peaceful demonstrations", "Kharkiv
    witnessed heavy shelling"): the places where it happened, tagged as an entity or not."""
    spans = []
    for token in doc:
        if token.dep_ != "nsubj" or token.pos_ != "PROPN":
            continue
        verb = token.head
        if verb.lemma_ not in _SCENE_VERBS:
            continue
        if any(c.dep_ == "dobj" and c.lemma_.lower() in NOUN_TRIGGERS for c in verb.children):
            first = min((c for c in token.lefts if c.dep_ == "compound"), key=lambda c: c.i, default=token)
            spans.append((first.idx, token.idx + len(token)))
    return spans


def _in_list(text: str, end: int, starts: set[int]) -> bool:
    """Whether the toponym ending at ``end`` is followed by another item of a list ("Homs, Hama and Idlib"):
    "and"/"or", or a comma before another toponym. "in Sao Goncalo, Rio de Janeiro, police..." is no list."""
    match = _LIST_AFTER.match(text, end)
    return match is not None and ("," not in match.group(0) or match.end() - 1 in starts)


def _within(place: Place, regions: list[Place]) -> bool:
    """Whether a place lies in one of the regions (admin1 or country) and is smaller than it."""
    return any(place.country == r.country and place.kind not in ("country", r.kind)
               and (r.kind == "country" or place.admin1 == r.admin1) for r in regions)


def _contains(place: Place, regions: list[Place]) -> bool:
    """Whether a region contains one of ``regions``: its country, or the admin1 itself."""
    return any(place.country == r.country and (place.kind == "country" or (
        place.kind == "admin1" and place.admin1 == r.admin1)) for r in regions)


_CONTINENTS = {
    "africa", "asia", "europe", "america", "americas", "north america", "south america", "latin america",
    "middle east", "the middle east", "oceania", "antarctica", "west africa", "east africa", "north africa",
    "southern africa", "central africa", "horn of africa", "central asia", "south asia", "southeast asia",
    "east asia", "western europe", "eastern europe", "the west", "the gulf", "gulf",
}


def _filter_by_type(t: Toponym, gazetteer: Gazetteer) -> list[Place]:
    """Keep the candidates that fit a type word: "X province" is an admin1, "town of X" a city.
    A continent or world region is no place an event can be mapped to: no candidates. A country's name
    names no town that bears it only as an alternate name."""
    if t.text.casefold() in _CONTINENTS:
        return []
    if any(p.kind == "country" for p in t.candidates):  # "Turkey" is the country, not a town once called so
        t.candidates = [p for p in t.candidates if p.kind != "city" or normalise(p.name) == normalise(t.text)]
    if t.type_word in _ADMIN1_TYPES:
        regions = [p for p in t.candidates if p.kind in ("admin1", "curated")]
        if regions:
            return regions
        if t.type_word == "county" and not regions:  # "Mehran county": a district named after its town
            return t.candidates
        by_admin1 = []
        for city in t.candidates:
            if city.admin1:
                by_admin1 += [p for p in gazetteer.candidates(city.admin1)
                              if p.kind == "admin1" and p.country == city.country and p.admin1 == city.admin1]
        return by_admin1 or t.candidates
    if t.type_word in _TOWN_TYPES:
        return [p for p in t.candidates if p.kind in ("city", "curated")] or t.candidates
    return t.candidates


def _score(t: Toponym, p: Place, countries: Counter, admin1s: Counter, others: list[Place],
           largest_region: int) -> float:
    """How well a candidate fits the document; ``largest_region`` is the population of the most populous
    admin1 candidate, so that of two regions of one name the smaller one ("Sada" in Mayotte, not Yemen's
    "Sadah") loses when nothing else tells them apart."""
    score = 0.0
    if countries.get(p.country, 0) > 0:
        score += 3.0 + math.log1p(countries[p.country])
    if p.kind != "country" and admin1s.get((p.country, p.admin1), 0) > 0:
        score += 3.0
    if p.kind in ("city", "curated") and any(
            o.kind in ("city", "curated") and o is not p and haversine_km(p.lat, p.lon, o.lat, o.lon) < 60
            for o in others):
        score += 1.5
    if p.kind == "city":
        score += 0.45 * math.log10(p.population + 1)
    elif p.kind == "admin1":
        score += 1.5 - min(1.5, 0.5 * math.log10((largest_region + 1) / (p.population + 1)))
    elif p.kind == "country":
        score += 6.0 + 0.01 * math.log10(p.population + 1)  # of two countries one name ("Congo"), the larger
    else:
        score += 2.5
    if normalise(p.name) == normalise(t.text):
        score += 0.2
    return score


def _main_place(toponyms: list[Toponym]) -> Location | None:
    """The article's main place: the best-attested admin1 region of the body, at its most frequent and
    most specific toponym; a country only when the body names nothing finer. The region lies in the
    country the body names most often when it names any region there ("Moscow said" in a Syria story)."""
    body = [t for t in toponyms if t.location is not None and not t.in_dateline and not t.off_scene]
    regional = [t for t in body if t.location.admin1]
    countries = Counter(t.location.country for t in body if t.location.admin1 or t.strong_cue)
    top_country = max(countries, key=lambda c: (countries[c], -next(t.start for t in body
                                                                    if t.location.country == c)), default=None)
    regional = [t for t in regional if t.location.country == top_country] or regional
    if not regional:
        counts = Counter(t.location.name for t in body)
        return max(body, key=lambda t: (counts[t.location.name], -t.start)).location if body else None
    groups = Counter((t.location.country, t.location.admin1) for t in regional)
    top = max(groups, key=lambda g: (groups[g], -next(t.start for t in regional
                                                     if (t.location.country, t.location.admin1) == g)))
    members = [t for t in regional if (t.location.country, t.location.admin1) == top]
    counts = Counter(t.location.name for t in members)
    return min(members, key=lambda t: (-counts[t.location.name], t.location.precision, t.start)).location


@lru_cache(maxsize=1)
def _admin1_name_sets() -> list[frozenset[str]]:
    """The names of each curated admin1 region (its source name, preferred name and aliases), stripped of
    admin words."""
    return [frozenset({source, *(strip_admin_words(n) for n in (preferred, *aliases))})
            for (_, source), (preferred, aliases) in admin1_aliases().items()]


def admin1_matches(pred: str | None, gold: str | None) -> bool:
    """Whether two admin1 names denote the same region, tolerating "Governorate"/"province" words,
    articles, transliteration variants ("Deraa"/"Daraa") and the curated English aliases."""
    if not pred or not gold:
        return False
    a, b = strip_admin_words(pred), strip_admin_words(gold)
    if not a or not b:
        return False
    if a == b or a.replace(" ", "") == b.replace(" ", "") or Gazetteer.load().same_admin1(pred, gold):
        return True
    if any(a in names and b in names for names in _admin1_name_sets()):
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 5 and long.startswith(short) and long[len(short):].isalpha():
        return True  # an adjective of the name: "Zadar" and "Zadarska" (zupanija)
    return min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= 80
