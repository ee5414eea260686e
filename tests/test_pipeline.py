"""End-to-end extraction on fixture articles written for the project (tests/fixtures/README.md)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from observatory.models import COUNT_FIELDS, Document, Event
from observatory.pipeline import Extractor

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTATIONS = json.loads((FIXTURES / "expectations.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _contains(values: str | list[str], *haystacks: str | None) -> bool:
    options = [values] if isinstance(values, str) else values
    return any(_fold(v) in _fold(h) for v in options for h in haystacks)


def _count_matches(event: Event, key: str, expected: int | None) -> bool:
    field, part = key.rsplit("_", 1)
    quantity = getattr(event, field)
    if expected is None:
        return quantity is None or not quantity.best
    return quantity is not None and getattr(quantity, part) == expected


def matches(event: Event, matcher: dict) -> bool:
    """Whether an event meets every key of one expectation matcher."""
    loc = event.location
    for key, expected in matcher.items():
        if key in ("plover_type", "plover_mode", "acled_event_type", "acled_sub_event_type"):
            ok = getattr(event, key) == expected
        elif key == "status":
            ok = event.status in ([expected] if isinstance(expected, str) else expected)
        elif key == "date":
            ok = event.date is not None and event.date.start.isoformat() == expected
        elif key == "country":
            ok = loc is not None and loc.country == expected
        elif key == "precision":
            ok = loc is not None and loc.precision == expected
        elif key == "admin1_contains":
            ok = loc is not None and _contains(expected, loc.admin1)
        elif key == "location_contains":
            ok = loc is not None and _contains(expected, loc.name, loc.text)
        elif key == "actor_contains":
            ok = any(_contains(expected, a.name, a.text) for a in event.actors)
        elif key == "recipient_contains":
            ok = any(_contains(expected, a.name, a.text) for a in event.recipients)
        elif key == "claimant_contains":
            ok = event.attribution is not None and _contains(expected, event.attribution.claimant)
        elif key == "evidence_contains":
            ok = _contains(expected, event.evidence.text)
        elif key.rsplit("_", 1)[0] in COUNT_FIELDS:
            ok = _count_matches(event, key, expected)
        else:
            raise AssertionError(f"unknown matcher key {key}")
        if not ok:
            return False
    return True


def _describe(events: list[Event]) -> str:
    return "\n".join(
        f"  {e.plover_type}/{e.acled_sub_event_type} {e.status} {e.date and e.date.start} "
        f"{e.location and (e.location.name, e.location.country, e.location.admin1, e.location.precision)} "
        f"{[a.name for a in e.actors]} fat={e.fatalities and e.fatalities.best} | {e.evidence.text[:80]}"
        for e in events
    )


@pytest.mark.parametrize("case", EXPECTATIONS, ids=[c["file"] for c in EXPECTATIONS])
def test_fixture_article(extractor: Extractor, case: dict) -> None:
    text = (FIXTURES / "articles" / case["file"]).read_text(encoding="utf-8")
    doc = Document(id=case["file"], text=text, published=dt.date.fromisoformat(case["published"]))
    events = extractor.extract(doc).events
    listing = _describe(events)
    for event in events:
        assert text[event.evidence.start : event.evidence.end] == event.evidence.text
        if event.date is not None:
            assert event.date.start <= doc.published
    if case.get("no_events"):
        assert [e for e in events if e.status == "occurred" and e.acled_event_type] == [], listing
    for matcher in case.get("expect", []):
        assert any(matches(e, matcher) for e in events), f"no event matches {matcher}:\n{listing}"
    for matcher in case.get("expect_absent", []):
        assert not any(matches(e, matcher) for e in events), f"unexpected event {matcher}:\n{listing}"
    for field, total in case.get("totals", {}).items():
        got = sum((getattr(e, field).best or 0) for e in events if e.status == "occurred" and getattr(e, field))
        assert got == total, f"{field} total {got} != {total}:\n{listing}"


def test_one_incident_told_twice_is_one_event(extractor: Extractor) -> None:
    text = (
        "Gunmen killed five farmers in the village of Kukawa in Borno state on Sunday, police said.\n\n"
        "The five farmers were killed while working in their fields, a resident said."
    )
    events = extractor.extract(Document(id="t", text=text, published=dt.date(2021, 5, 4))).events
    violent = [e for e in events if e.acled_event_type == "Violence against civilians"]
    assert len(violent) == 1
    assert violent[0].fatalities is not None and violent[0].fatalities.best == 5
    assert violent[0].date is not None and violent[0].date.start == dt.date(2021, 5, 2)


def test_sentence_without_event_gives_none(extractor: Extractor) -> None:
    text = "The minister spoke about the budget at a press conference in Nairobi on Monday."
    events = extractor.extract(Document(id="n", text=text, published=dt.date(2022, 1, 5))).events
    assert [e for e in events if e.acled_event_type] == []


def test_date_says_what_it_was_read_from(extractor: Extractor) -> None:
    published = dt.date(2021, 3, 10)
    text = ("Gunmen killed four villagers in the town of Gwoza on Monday, residents said.\n\n"
            "In a separate incident, soldiers arrested six suspects at a checkpoint in Bama.")
    found = extractor.extract(Document(id="dated", text=text, published=published)).events
    by_type = {e.acled_sub_event_type: e for e in found}
    attack, arrests = by_type["Attack"], by_type["Arrests"]
    assert attack.date is not None and attack.date.start == dt.date(2021, 3, 8) and attack.date.basis == "text"
    assert arrests.date is not None and arrests.date.start == dt.date(2021, 3, 8)
    assert arrests.date.basis == "context"


def test_undated_report_is_dated_to_publication_and_says_so(extractor: Extractor) -> None:
    text = "Gunmen killed four villagers in the town of Gwoza, residents said."
    dated = extractor.extract(Document(id="undated", text=text, published=dt.date(2021, 3, 10))).events
    assert dated and dated[0].date is not None
    assert dated[0].date.start == dt.date(2021, 3, 10) and dated[0].date.basis == "publication"
    no_basis = extractor.extract(Document(id="no-basis", text=text)).events
    assert no_basis and no_basis[0].date is None


def test_evidence_is_the_sentence_that_states_the_toll(extractor: Extractor) -> None:
    text = (
        "Gunmen attacked a police post in the town of Kukawa in Borno state on Sunday, residents said.\n\n"
        "Three officers and a guard were killed in the attack, a police spokesman said."
    )
    events = extractor.extract(Document(id="toll", text=text, published=dt.date(2021, 5, 4))).events
    killed = [e for e in events if e.fatalities is not None and (e.fatalities.best or 0) > 0]
    assert len(killed) == 1 and killed[0].fatalities is not None and killed[0].fatalities.best == 4
    assert killed[0].evidence.text.startswith("Three officers and a guard were killed")
    assert text[killed[0].evidence.start : killed[0].evidence.end] == killed[0].evidence.text


def test_page_stamp_and_related_stories_give_no_events(extractor: Extractor) -> None:
    text = (
        "This story is from March 4, 2019\n\n"
        "kano: police arrested 12 youths after a clash at the central market on sunday, a police spokesman "
        "said. traders said the market stayed shut on monday and would reopen once the police posted guards "
        "there. related stories two die in clashes in jos  soldiers kill five bandits in zamfara"
    )
    events = extractor.extract(Document(id="page", text=text, published=dt.date(2019, 3, 4))).events
    assert events and all(not e.evidence.text.startswith("This story") for e in events)
    assert all("related stories" not in e.evidence.text for e in events)
    assert not any(e.fatalities for e in events)
    arrests = [e for e in events if e.acled_sub_event_type == "Arrests"]
    assert arrests and arrests[0].date is not None and arrests[0].date.start == dt.date(2019, 3, 3)


def test_years_ago_is_historical(extractor: Extractor) -> None:
    text = "Two years ago, a lecturer at the same university was shot dead by unknown gunmen."
    events = extractor.extract(Document(id="old", text=text, published=dt.date(2019, 3, 4))).events
    assert events and all(e.status == "historical" for e in events)


def test_a_date_weeks_before_the_report_is_background(extractor: Extractor) -> None:
    text = ("Security forces fired on protesters in Zahedan on Friday, killing two, activists said.\n\n"
            "The unrest began after a cleric was shot dead in the city on September 20.")
    events = extractor.extract(Document(id="weeks", text=text, published=dt.date(2022, 11, 5))).events
    occurred = [e for e in events if e.status == "occurred" and e.acled_event_type]
    assert occurred and all(e.date is not None and e.date.start == dt.date(2022, 11, 4) for e in occurred)
    assert any(e.status == "historical" and "September 20" in e.evidence.text for e in events)


def test_an_aim_given_to_a_force_is_no_deed(extractor: Extractor) -> None:
    text = "He led a militia armed by the government to kill villagers in the region, prosecutors said."
    events = extractor.extract(Document(id="aim", text=text, published=dt.date(2022, 11, 5))).events
    assert not [e for e in events if e.status == "occurred" and e.acled_event_type]


def test_force_that_harmed_no_one_counted_is_no_excessive_force(extractor: Extractor) -> None:
    text = ("Police fired tear gas at protesters in Accra on Thursday who were marking the anniversary of the "
            "day soldiers killed demonstrators at the same spot.")
    events = extractor.extract(Document(id="force", text=text, published=dt.date(2024, 3, 8))).events
    protests = [e for e in events if e.status == "occurred" and e.acled_event_type == "Protests"]
    assert [e.acled_sub_event_type for e in protests] == ["Protest with intervention"]


@pytest.mark.parametrize("text", [
    "A student protester died in Lagos on Sunday after soldiers shot him in the chest, his family said.",
    "One dead demonstrator was named by the Sudan Doctors Committee, which said troops were shooting to kill "
    "in Omdurman on Thursday.",
    "Soldiers opened fire on demonstrators in Mandalay on Sunday, killing three of them.",
])
def test_state_force_killing_protesters_is_excessive_force(extractor: Extractor, text: str) -> None:
    events = [e for e in extractor.extract(Document(id="efp", text=text, published=dt.date(2024, 3, 10))).events
              if e.status == "occurred" and e.acled_event_type]
    assert [e.acled_sub_event_type for e in events] == ["Excessive force against protesters"]
    assert all(r.sector == "PRO" for r in events[0].recipients)  # never "him"


@pytest.mark.parametrize(("text", "junk"), [
    ("He shot dead two traders in the market in Kano on Monday, police said.", "He"),
    ("11 were killed when the bus hit a mine near Gao on Monday.", "11"),
    ("We must accept a democratic discussion, he said.", "We"),
])
def test_words_that_name_no_one_are_no_actor(extractor: Extractor, text: str, junk: str) -> None:
    events = extractor.extract(Document(id="junk", text=text, published=dt.date(2024, 3, 8))).events
    assert events and all(a.text != junk for e in events for a in e.actors)


@pytest.mark.parametrize(("text", "actor"), [
    ("Hezbollah said its fighters had struck Israeli positions in Metula on Tuesday.", "Hezbollah"),
    ("The Israeli military said its jets struck a compound in Khiam overnight.", "Military Forces of Israel"),
])
def test_a_force_named_by_whose_it_is_belongs_to_the_speaker(extractor: Extractor, text: str, actor: str) -> None:
    events = [e for e in extractor.extract(Document(id="own", text=text, published="2024-05-16")).events
              if e.status == "occurred" and e.acled_event_type]
    assert events and events[0].actors[0].name.startswith(actor)
    assert events[0].actors[0].text.startswith("its ")


@pytest.mark.parametrize(("text", "country"), [
    ("An Israeli drone strike killed two people in a car near Tyre in southern Lebanon on Thursday.", "ISR"),
    ("A Turkish drone killed three fighters near Qamishli on Monday, a monitor said.", "TUR"),
])
def test_a_weapon_is_no_actor_its_owner_is(extractor: Extractor, text: str, country: str) -> None:
    events = [e for e in extractor.extract(Document(id="drone", text=text, published="2024-05-16")).events
              if e.status == "occurred" and e.acled_event_type]
    assert events and events[0].actors and events[0].actors[0].country == country


def test_a_protest_told_peaceful_on_its_side_of_a_contrast_stays_peaceful(extractor: Extractor) -> None:
    text = "Thousands marched peacefully in Kisumu on Monday, while in Nyeri protesters threw stones at police."
    events = [e for e in extractor.extract(Document(id="contrast", text=text, published="2025-07-08")).events
              if e.status == "occurred" and e.acled_event_type]
    kisumu = [e for e in events if e.location is not None and e.location.name == "Kisumu"]
    assert [e.acled_sub_event_type for e in kisumu] == ["Peaceful protest"]
