"""Actor dictionary: alias resolution, generics, unknown actors, user files and validity dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from observatory.lexicon.actor_file import ActorFileError
from observatory.lexicon.actors import ActorDictionary


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return ActorDictionary.load()


@pytest.mark.parametrize("text", ["Daesh", "IS militants", "ISIS", "the Islamic State group", "Daesh-linked fighters"])
def test_islamic_state_aliases_resolve_to_one_actor(actors: ActorDictionary, text: str) -> None:
    ref = actors.resolve(text)
    assert ref.name == "Islamic State (Syria)"
    assert ref.acled_inter == 2
    assert ref.text == text


@pytest.mark.parametrize(
    "text", ["militants", "armed terrorists", "suspected Islamist insurgents", "an insurgent group", "jihadists"])
def test_an_armed_group_the_report_does_not_name_is_an_unidentified_armed_group(actors: ActorDictionary,
                                                                                  text: str) -> None:
    ref = actors.resolve(text, country_hint="MOZ")
    assert (ref.name, ref.acled_inter) == ("Unidentified Armed Group (Mozambique)", 3)
    assert actors.resolve("Boko Haram militants", country_hint="NGA").acled_inter == 2  # a named group keeps its own


def test_a_phrase_resolved_again_is_the_same_actor_in_a_reference_of_its_own(actors: ActorDictionary) -> None:
    first = actors.resolve("Syrian government forces", when=dt.date(2018, 7, 30), country_hint="SYR")
    first.text = "changed by a caller"
    again = actors.resolve("Syrian government forces", when=dt.date(2018, 7, 30), country_hint="SYR")
    assert again is not first and again.text == "Syrian government forces"
    assert again.name == "Military Forces of Syria (2000-)"
    assert actors.resolve("Syrian government forces", country_hint="TUR").acled_inter == 8  # the hint still counts
    assert actors.knows("Taliban fighters") and actors.knows("Taliban fighters") and not actors.knows("a farmer")


def test_houthis_and_ansar_allah_are_the_same_actor(actors: ActorDictionary) -> None:
    houthis = actors.resolve("Houthi rebels")
    assert houthis.name == actors.resolve("Ansar Allah").name == actors.resolve("the Houthis").name
    assert houthis.country == "YEM"


def test_member_nouns_and_possessives_are_stripped(actors: ActorDictionary) -> None:
    assert actors.resolve("Taliban fighters").name == "Taliban"
    assert actors.resolve("Assad's forces").name == "Military Forces of Syria (2000-)"
    assert actors.resolve("dozens of al-Shabaab militants").name == "Al Shabaab"


def test_near_spelling_is_matched_by_fuzzy_fallback(actors: ActorDictionary) -> None:
    assert actors.resolve("Hezbolah fighters").name == "Hezbollah"


def test_short_acronym_needs_its_case(actors: ActorDictionary) -> None:
    assert actors.resolve("us").name == "us"  # the pronoun, not the United States
    assert actors.resolve("US").country == "USA"


def test_demonym_generic_soldiers(actors: ActorDictionary) -> None:
    ref = actors.resolve("Nigerian soldiers")
    assert ref.name.startswith("Military Forces of Nigeria")
    assert (ref.country, ref.sector, ref.acled_inter) == ("NGA", "MIL", 1)


def test_generic_for_a_country_without_a_listed_army(actors: ActorDictionary) -> None:
    ref = actors.resolve("Zambian police")
    assert (ref.name, ref.country, ref.acled_inter) == ("Police Forces of Zambia", "ZMB", 1)


def test_country_hint_picks_the_country_generic(actors: ActorDictionary) -> None:
    ref = actors.resolve("police", country_hint="IND")
    assert ref.name.startswith("Police Forces of India")
    assert ref.acled_inter == 1
    assert actors.resolve("unidentified gunmen", country_hint="MEX").name == "Unidentified Armed Group (Mexico)"


def test_country_hint_picks_the_country_branch_of_a_group(actors: ActorDictionary) -> None:
    assert actors.resolve("Islamic State", country_hint="NGA").name == "Islamic State (West Africa)"


def test_foreign_state_forces_are_external(actors: ActorDictionary) -> None:
    ref = actors.resolve("Turkish troops", country_hint="SYR")
    assert ref.country == "TUR"
    assert ref.acled_inter == 8
    assert actors.resolve("Turkish troops", country_hint="TUR").acled_inter == 1


@pytest.mark.parametrize(
    ("text", "sector", "inter"),
    [
        ("a group of masked gunmen", "MLA", 3),
        ("demonstrators", "PRO", 6),
        ("an angry mob", "RIO", 5),
        ("farmers", "CVL", 7),
        ("riot police officers", "POL", 1),
        ("tribal fighters", "ETH", 4),
        ("rebels", "REB", 2),
    ],
)
def test_unknown_actor_keeps_raw_text_with_guessed_sector(
    actors: ActorDictionary, text: str, sector: str, inter: int
) -> None:
    ref = actors.resolve(text)
    assert ref.name == text.removeprefix("a ").removeprefix("an ")
    assert ref.text == text
    assert (ref.sector, ref.acled_inter) == (sector, inter)
    assert ref.country is None


def test_unknown_actor_gets_the_country_named_in_it(actors: ActorDictionary) -> None:
    ref = actors.resolve("Sudanese rebels")
    assert (ref.name, ref.country, ref.acled_inter) == ("Sudanese rebels", "SDN", 2)


def test_backer_is_not_the_actor_country(actors: ActorDictionary) -> None:
    ref = actors.resolve("Iranian-backed militias")
    assert ref.country is None
    assert ref.acled_inter == 3


def test_valid_date_range_is_respected(actors: ActorDictionary) -> None:
    before = actors.resolve("Taliban", when=dt.date(2019, 6, 1))
    after = actors.resolve("Taliban", when=dt.date(2022, 6, 1))
    assert (before.name, before.acled_inter) == ("Taliban", 2)
    assert (after.name, after.acled_inter) == ("Military Forces of Afghanistan (2021-)", 1)
    assert actors.resolve("Nusra Front", when=dt.date(2015, 1, 1)).name == "Jabhat al-Nusra"
    assert actors.resolve("Nusra Front", when=dt.date(2019, 1, 1)).name == "HTS: Hayat Tahrir al Sham"


def test_event_type_makes_a_crowd_protesters_or_rioters(actors: ActorDictionary) -> None:
    assert actors.resolve("nurses", country_hint="PER", event_type="Protests").name == "Protesters (Peru)"
    assert actors.resolve("villagers", country_hint="IND", event_type="Riots").acled_inter == 5
    assert actors.resolve("Indian police", event_type="Protests").acled_inter == 1


def test_implied_actor_of_an_event_without_one(actors: ActorDictionary) -> None:
    ref = actors.implied_actor("Violence against civilians", "BRA")
    assert ref is not None and (ref.name, ref.acled_inter) == ("Unidentified Armed Group (Brazil)", 3)
    assert actors.implied_actor("Strategic developments", "BRA") is None


def test_user_rows_override_bundled_ones(tmp_path: Path) -> None:
    extra = tmp_path / "mine.csv"
    extra.write_text(
        "name,aliases,country,sector,acled_inter,valid_from,valid_to\n"
        "Hezbollah,Party of God,LBN,MIL,8,,\n"
        "Green Valley Defence Committee,GVDC|valley guards,KEN,MLA,4,2018-01-01,\n",
        encoding="utf-8",
    )
    actors = ActorDictionary.load(extra)
    assert actors.resolve("Hezbollah fighters").acled_inter == 8
    ref = actors.resolve("the valley guards")
    assert (ref.name, ref.country, ref.acled_inter) == ("Green Valley Defence Committee", "KEN", 4)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Lion Brigade,Lions,SYR,REB,nine,,", "line 3: acled_inter 'nine'"),
        ("Lion Brigade,Lions,SYR,REB,2,May 2019,", "line 3: valid_from 'May 2019'"),
        ("Lion Brigade,Lions,Syria,REB,2,,", "line 3: country 'SYRIA'"),
        ("Lion Brigade,Lions,SYR", "line 3: expected 7 columns"),
    ],
)
def test_malformed_user_file_names_the_line(tmp_path: Path, row: str, message: str) -> None:
    extra = tmp_path / "bad.csv"
    extra.write_text(
        "name,aliases,country,sector,acled_inter,valid_from,valid_to\nFalcon Unit,Falcons,IRQ,MLA,3,,\n" + row + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ActorFileError, match=message) as info:
        ActorDictionary.load(extra)
    assert "bad.csv" in str(info.value)


def test_user_file_without_the_columns_is_rejected(tmp_path: Path) -> None:
    extra = tmp_path / "bad.csv"
    extra.write_text("actor;country\nLions;SYR\n", encoding="utf-8")
    with pytest.raises(ActorFileError, match="line 1: the header lacks"):
        ActorDictionary.load(extra)


def test_find_returns_longest_known_mentions(actors: ActorDictionary) -> None:
    text = (
        "Syrian government forces backed by Russian warplanes pushed into the last Daesh pocket near "
        "Damascus, the Syrian Observatory for Human Rights said, while Kenyan soldiers guarded the border."
    )
    found = [(text[s:e], ref.name) for s, e, ref in actors.find(text)]
    assert found == [
        ("Syrian government forces", "Military Forces of Syria (2000-)"),
        ("Russian warplanes", "Military Forces of Russia (2000-)"),
        ("Daesh", "Islamic State (Syria)"),
        ("Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights"),
        ("Kenyan soldiers", "Military Forces of Kenya"),
    ]


def test_find_skips_lowercase_words_that_spell_acronyms(actors: ActorDictionary) -> None:
    text = "It is what it is, and who knows what the army of Somalia will do."
    assert [ref.name for _, _, ref in actors.find(text)] == []


def test_bundled_dictionary_is_large_and_unique() -> None:
    actors = ActorDictionary.load()
    names = [e.name for e in actors.entries]
    assert len(names) >= 250
    assert len(names) == len(set(names))


def test_unidentified_aircraft_are_unidentified_military_forces(actors: ActorDictionary) -> None:
    ref = actors.resolve("unidentified warplanes", country_hint="SYR")
    assert (ref.name, ref.country, ref.acled_inter) == ("Unidentified Military Forces", None, 8)
    assert actors.resolve("unknown gunmen", country_hint="SYR").acled_inter == 3


def test_crowd_of_a_protest_without_a_country_is_still_protesters(actors: ActorDictionary) -> None:
    ref = actors.resolve("hundreds of teachers", event_type="Protests")
    assert (ref.name, ref.acled_inter) == ("Protesters", 6)
    assert actors.resolve("shopkeepers", event_type="Riots").acled_inter == 5


@pytest.mark.parametrize("text", ["Sagaing People's Defense Forces", "the Kale People’s Defense Force", "Kanbalu PDF"])
def test_a_local_branch_of_a_named_group_is_the_group(actors: ActorDictionary, text: str) -> None:
    ref = actors.resolve(text, when=dt.date(2024, 2, 1), country_hint="MMR")
    assert ref.name == "PDF: People's Defense Force" and ref.acled_inter == 2


def test_a_state_force_named_with_its_country_is_that_countrys(actors: ActorDictionary) -> None:
    ref = actors.resolve("Sudan Armed Forces", when=dt.date(2024, 2, 1), country_hint="TCD")
    assert ref.name.startswith("Military Forces of Sudan") and ref.acled_inter == 8  # acting abroad


def test_an_actor_recoded_by_acled_takes_the_code_of_the_event_s_date(actors: ActorDictionary) -> None:
    before = actors.resolve("Fano militiamen", when=dt.date(2021, 6, 1))
    after = actors.resolve("Fano militiamen", when=dt.date(2023, 11, 9))
    assert (before.name, before.acled_inter) == ("Fano Ethnic Militia", 4)
    assert (after.name, after.acled_inter) == ("Fano Militia", 2)


@pytest.mark.parametrize(("text", "event_type", "expected"), [
    ("Israeli", "Explosions/Remote violence", "Military Forces of Israel"),
    ("Turkish", "Battles", "Military Forces of Turkey"),
    ("Israel", "Explosions/Remote violence", "Military Forces of Israel"),
    ("the Israeli government", "Explosions/Remote violence", "Government of Israel"),
    ("Israeli", "Strategic developments", "Government of Israel"),
])
def test_a_state_named_by_its_country_for_political_violence_is_its_armed_forces(
        actors: ActorDictionary, text: str, event_type: str, expected: str) -> None:
    ref = actors.resolve(text, when=dt.date(2024, 5, 16), country_hint="LBN", event_type=event_type)
    assert ref.name.startswith(expected)
