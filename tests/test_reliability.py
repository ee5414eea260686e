"""Break-it probes of the store and ingest (issue #13): a count beyond any plausible figure, NUL characters,
trivially different bytes of one text, files of one name in two folders, concurrent identical posts, and an
ingest stopped between storing a batch and deduplicating it. Each runs on DuckDB and, where the store is
involved, on PostgreSQL (OBSERVATORY_TEST_PG; see tests/test_postgres.py)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import pg_schema_url
from observatory.cli import app
from observatory.config import Settings
from observatory.models import DateSpan, Document, DocumentResult, Event, Evidence, Location, Quantity
from observatory.pipeline import Extractor
from observatory.read.inputs import read_path
from observatory.resolve.quantities import MAX_PLAUSIBLE_COUNT, drop_implausible
from observatory.serve.api import create_app
from observatory.store.ingest import Store, content_hash
from observatory.store.migrations import CREATE_MIGRATIONS_TABLE, available
from observatory.store.shutdown import GracefulShutdown, Terminated
from observatory.store.watch import watch_once

TOKEN = "reliability-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MOGADISHU = Location(text="Mogadishu", name="Mogadishu", lat=2.04, lon=45.34, country="SOM", admin1="Banaadir")
HUGE = 5_000_000_000  # "killed 5 billion people": more than a 32-bit count column holds
HUGE_TEXT = "MOGADISHU: Gunmen attacked a market in Mogadishu on Monday and killed 5 billion people, police said."
GOOD_TEXTS = [
    "MOGADISHU: Gunmen attacked a police checkpoint in Mogadishu on Monday, killing three officers, police said.",
    "MOGADISHU: A roadside bomb struck a military convoy near Mogadishu on Tuesday, wounding four soldiers.",
]


@pytest.fixture(params=["duckdb", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store: a DuckDB file, or a schema of the PostgreSQL test server."""
    if request.param == "duckdb":
        yield str(tmp_path / "store.duckdb")
        return
    yield from pg_schema_url()


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def attack(text: str, fatalities: int | None = None, day: dt.date = dt.date(2024, 7, 14)) -> Event:
    """An occurred attack in Mogadishu read from the text's first sentence, with an optional toll."""
    sentence = text.split(". ")[0]
    toll = Quantity(low=fatalities, best=fatalities, high=fatalities) if fatalities is not None else None
    return Event(
        plover_type="ASSAULT", acled_event_type="Violence against civilians", acled_sub_event_type="Attack",
        location=MOGADISHU, date=DateSpan(start=day, end=day), fatalities=toll,
        evidence=Evidence(text=sentence, start=0, end=len(sentence)),
    )


def pair(doc_id: str, text: str, fatalities: int | None = None) -> tuple[Document, DocumentResult]:
    return Document(id=doc_id, text=text), DocumentResult(id=doc_id, events=[attack(text, fatalities)])


def stored_docs(db: str) -> dict[str, str]:
    """doc_id -> text of every stored article."""
    with Store(db, read_only=True) as store:
        return dict(store.con.execute("SELECT doc_id, text FROM articles").fetchall())


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


class OneAttackExtractor:
    """A stand-in for the Extractor (API and watch): one attack per document; a document whose text says
    "billion" gets a toll the store cannot hold, as an extractor without a plausibility check would give."""

    def __init__(self, *_: object) -> None:
        pass

    def extract(self, doc: Document) -> DocumentResult:
        return DocumentResult(id=doc.id, events=[attack(doc.text, HUGE if "billion" in doc.text else 2)])

    def extract_many(self, docs: list[Document]) -> Iterator[DocumentResult]:
        for doc in docs:
            yield self.extract(doc)


def api_client(db: str) -> TestClient:
    application = create_app(db, Settings(api_token=TOKEN))
    application.state.extractor = OneAttackExtractor()
    return TestClient(application)


# ---------- 1. a count beyond any plausible figure ----------


def test_implausible_count_is_dropped_with_a_warning(extractor: Extractor, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="observatory.pipeline"):
        result = extractor.extract(Document(id="huge", text=HUGE_TEXT, published=dt.date(2024, 7, 16)))
    assert result.error is None and result.events, "the attack itself is still an event"
    assert all(event.fatalities is None for event in result.events)
    assert "document huge: implausible count dropped: 5,000,000,000 fatalities" in caplog.text


def test_drop_implausible_keeps_plausible_counts() -> None:
    event = attack(GOOD_TEXTS[0], MAX_PLAUSIBLE_COUNT).model_copy(
        update={"injured": Quantity(low=10, best=2 * MAX_PLAUSIBLE_COUNT)}
    )
    kept, messages = drop_implausible(event)
    assert kept.fatalities is not None and kept.fatalities.best == MAX_PLAUSIBLE_COUNT
    assert kept.injured is None and len(messages) == 1 and "injured" in messages[0]


def test_one_unstorable_document_costs_no_other_in_the_batch(db_url: str) -> None:
    batch = [pair("good-1", GOOD_TEXTS[0], 3), pair("huge", HUGE_TEXT, HUGE), pair("good-2", GOOD_TEXTS[1])]
    with Store(db_url) as store:
        stats = store.add_batch(batch)
        assert (stats.documents, stats.events) == (2, 2)
        assert list(stats.failed) == [content_hash(HUGE_TEXT)]
        assert "out of range" in stats.failed[content_hash(HUGE_TEXT)].lower()
        assert store.counts() == {"articles": 2, "events": 2}
    assert set(stored_docs(db_url)) == {"good-1", "good-2"}


def test_ingest_with_a_huge_count_stores_every_document(db_url: str, tmp_path: Path) -> None:
    records = [{"id": f"good-{i}", "text": t, "published": "2024-07-16"} for i, t in enumerate(GOOD_TEXTS)]
    records.insert(1, {"id": "huge", "text": HUGE_TEXT, "published": "2024-07-16"})
    corpus = write_jsonl(tmp_path / "corpus.jsonl", records)
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert set(stored_docs(db_url)) == {"good-0", "huge", "good-1"}
    with Store(db_url, read_only=True) as store:
        tolls = store.con.execute(
            "SELECT e.fatalities FROM events e JOIN articles a USING (article_id) WHERE a.doc_id = 'huge'"
        ).fetchall()
    assert tolls and all(toll == (None,) for toll in tolls)


@pytest.mark.parametrize("others", [0, 2])
def test_ingest_reports_a_document_the_database_refuses_in_one_line(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, others: int
) -> None:
    import observatory.pipeline

    monkeypatch.setattr(observatory.pipeline, "Extractor", OneAttackExtractor)
    records = [{"id": "huge", "text": HUGE_TEXT}] + [{"id": f"good-{i}", "text": GOOD_TEXTS[i]} for i in range(others)]
    result = CliRunner().invoke(app, ["ingest", str(write_jsonl(tmp_path / "c.jsonl", records)), "--db", db_url])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)  # a clean exit 1
    assert "error: huge: cannot store the document: " in result.output
    assert f"ingested {others} documents" in result.output and "1 failed" in result.output
    assert set(stored_docs(db_url)) == {f"good-{i}" for i in range(others)}


def test_api_post_keeps_the_documents_the_store_can_hold(db_url: str) -> None:
    body = {"documents": [{"id": "huge", "text": HUGE_TEXT}, {"id": "good", "text": GOOD_TEXTS[0]}]}
    with api_client(db_url) as client:
        response = client.post("/api/documents", json=body, headers=AUTH)
        assert response.status_code == 200, response.text
        result = response.json()
        assert (result["added"], result["skipped"]) == (1, 0)
        assert [d["status"] for d in result["documents"]] == ["failed", "added"]
        assert "out of range" in result["documents"][0]["error"].lower()
        assert result["errors"] and result["errors"][0].startswith("huge: cannot store the document")
        assert client.get("/api/meta").json()["articles"] == 1


def test_watch_pass_keeps_the_documents_the_store_can_hold(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_TEXTS[0], encoding="utf-8")
    (folder / "b.txt").write_text(HUGE_TEXT, encoding="utf-8")
    (folder / "c.txt").write_text(GOOD_TEXTS[1], encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    stats = watch_once(db, None, [folder], OneAttackExtractor())
    assert (stats.items, stats.documents) == (3, 2)
    assert len(stats.errors) == 1 and stats.errors[0].startswith("b: cannot store the document")
    assert set(stored_docs(db)) == {"a", "c"}
    again = watch_once(db, None, [folder], OneAttackExtractor())  # the next pass runs too
    assert (again.items, again.documents, again.errors) == (0, 0, [])


# ---------- 2. NUL characters ----------

NUL_TEXT = "MOGADISHU: Gunmen attacked\x00 a market in Mogadishu on Monday, killing two traders.\x00"


def test_document_fields_lose_their_nul_characters() -> None:
    doc = Document(id="a\x00b", text=NUL_TEXT, title="T\x00", source="\x00Outlet", url="http://x.invalid/\x00")
    assert "\x00" not in doc.model_dump_json().replace("\\u0000", "\x00")
    assert (doc.id, doc.title, doc.source) == ("ab", "T", "Outlet")
    assert doc.text == NUL_TEXT.replace("\x00", "")


def test_ingest_stores_texts_with_nul_characters(db_url: str, tmp_path: Path) -> None:
    records = [
        {"id": "nul", "text": NUL_TEXT, "title": "Market\x00 attack", "published": "2024-07-16"},
        {"id": "good", "text": GOOD_TEXTS[0], "published": "2024-07-16"},
    ]
    corpus = write_jsonl(tmp_path / "nul.jsonl", records)
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert stored_docs(db_url) == {"nul": NUL_TEXT.replace("\x00", ""), "good": GOOD_TEXTS[0]}


def test_api_post_with_nul_stores_the_cleaned_text(db_url: str) -> None:
    body = json.dumps({"documents": [{"id": "nul\u0000", "text": NUL_TEXT}]})
    assert "\\u0000" in body
    with api_client(db_url) as client:
        response = client.post("/api/documents", content=body, headers={**AUTH, "Content-Type": "application/json"})
        assert response.status_code == 200, response.text
        assert [d["status"] for d in response.json()["documents"]] == ["added"]
    assert stored_docs(db_url) == {"nul": NUL_TEXT.replace("\x00", "")}


@pytest.mark.parametrize(
    "url",
    [
        "/api/events?actor=%00",
        "/api/events?q=bomb%00ing&status=any",
        "/api/events?country=SO%00M",
        "/api/aggregates?by=country&admin1=%00",
        "/api/export?format=csv&actor=a%00",
        "/api/articles?q=%00",
        "/api/events/abc%00",
        "/api/articles/abc%00",
    ],
)
def test_get_with_nul_in_the_url_answers_400(db_url: str, url: str) -> None:
    with api_client(db_url) as client:
        response = client.get(url)
        assert response.status_code == 400, response.text
        assert "NUL" in response.json()["detail"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---------- 5. trivially different bytes of one text ----------


def test_content_hash_ignores_line_ends_spacing_and_composition() -> None:
    text = "Gunmen attacked a café in Mogadishu.\n\nPolice said two died."
    same = [
        text + "\n",
        text.replace("\n", "\r\n"),
        "  " + text.replace(" ", "  ") + "\t",
        text.replace("é", "e\u0301"),  # decomposed accent
        text.replace("\n\n", "\n \n"),
    ]
    assert {content_hash(variant) for variant in same} == {content_hash(text)}
    assert content_hash(text.replace("two", "three")) != content_hash(text)


def test_reingest_skips_a_text_whose_bytes_differ_trivially(db_url: str, tmp_path: Path) -> None:
    text = GOOD_TEXTS[0] + "\nResidents fled the area."
    first = write_jsonl(tmp_path / "first.jsonl", [{"id": "a", "text": text}])
    second = write_jsonl(
        tmp_path / "second.jsonl",
        [{"id": "b", "text": text.replace("\n", "\r\n") + "\n"}, {"id": "c", "text": "  " + text + "  \n\n"}],
    )
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(first), "--db", db_url]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(second), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "ingested 0 documents" in result.output and "skipped 2 already stored" in result.output
    assert set(stored_docs(db_url)) == {"a"}


def test_watch_does_not_store_a_rewritten_file_again(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    report = folder / "report.txt"
    report.write_text(GOOD_TEXTS[0] + "\nTwo more bodies were found later.", encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    assert watch_once(db, None, [folder], OneAttackExtractor()).documents == 1
    report.write_bytes(report.read_bytes().replace(b"\n", b"\r\n") + b"\r\n")  # an editor saved it again
    os.utime(report, ns=(report.stat().st_atime_ns, report.stat().st_mtime_ns + 1_000_000_000))
    again = watch_once(db, None, [folder], OneAttackExtractor())
    assert (again.items, again.documents, again.skipped) == (1, 0, 1)
    with Store(db, read_only=True) as store:
        assert store.counts() == {"articles": 1, "events": 1}
        assert store.con.execute("SELECT sum(fatalities) FROM events").fetchone()[0] == 2  # not counted twice


def _store_made_before_normalisation(db: str, text: str) -> str:
    """A store at schema version 1 holding ``text`` under the article key of the time (its raw bytes' hash)."""
    import hashlib

    from observatory.store.backends import connect

    old_key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    con = connect(db)
    con.execute(CREATE_MIGRATIONS_TABLE)
    con.execute(available()[0].sql)
    con.execute("INSERT INTO schema_migrations VALUES (1, 'articles_events', ?)", [dt.datetime(2024, 1, 1)])
    con.execute(
        "INSERT INTO articles VALUES (?, 'old', NULL, NULL, NULL, NULL, ?, ?)", [old_key, text, dt.datetime(2024, 1, 1)]
    )
    con.close()
    return old_key


def test_articles_stored_before_normalisation_are_recognised(db_url: str) -> None:
    text = GOOD_TEXTS[0] + "\r\nResidents fled.\r\n"
    old_key = _store_made_before_normalisation(db_url, text)
    with Store(db_url) as store:
        assert store.con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] >= 2
        assert store.has_document(Document(id="same", text=text))
        stats = store.add_batch([pair("rewritten", text.replace("\r\n", "\n").strip())])
        assert (stats.documents, stats.skipped) == (0, 1)
        assert store.con.execute("SELECT article_id FROM articles").fetchall() == [(old_key,)]


# ---------- 7. ids of files of one name in different folders ----------


def extracted_ids(*inputs: Path, out: Path) -> list[str]:
    result = CliRunner().invoke(app, ["extract", *map(str, inputs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return sorted(json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines())


def test_files_of_one_name_in_two_folders_get_distinct_ids(tmp_path: Path) -> None:
    root = tmp_path / "inputs"
    for folder, text in zip(("north", "south"), GOOD_TEXTS, strict=True):
        (root / folder).mkdir(parents=True)
        (root / folder / "report.txt").write_text(text, encoding="utf-8")
        write_jsonl(root / folder / "feed.jsonl", [{"text": text + " Residents fled."}])
    (root / "top.txt").write_text(GOOD_TEXTS[0] + " Again.", encoding="utf-8")
    ids = ["north/feed:1", "north/report", "south/feed:1", "south/report", "top"]
    assert sorted(doc.id for doc in read_path(root)) == ids
    out = tmp_path / "out.jsonl"
    assert extracted_ids(root, out=out) == ids
    assert extracted_ids(root / "north", root / "south", out=out) == ids[:4]
    north, south = root / "north" / "report.txt", root / "south" / "report.txt"
    assert extracted_ids(north, south, out=out) == ["north/report", "south/report"]
    assert extracted_ids(north, out=out) == ["report"]  # a file on its own is named by its name
    assert [doc.id for doc in read_path(north)] == ["report"]


# ---------- 8. concurrent identical posts ----------


class RacingExtractor(OneAttackExtractor):
    """Extracts slowly: while it works on a document, another request stores the same text first."""

    def __init__(self, db: str) -> None:
        self.db = db

    def extract(self, doc: Document) -> DocumentResult:
        with Store(self.db) as other:  # the other request (or another server process) wins the race
            other.add_batch([(doc, super().extract(doc))])
        return super().extract(doc)


def test_post_reports_duplicate_when_another_request_stored_the_text_first(db_url: str) -> None:
    with api_client(db_url) as client:
        client.app.state.extractor = RacingExtractor(db_url)
        body = {"documents": [{"id": "same", "text": GOOD_TEXTS[0]}]}
        response = client.post("/api/documents", json=body, headers=AUTH)
        assert response.status_code == 200, response.text
        result = response.json()
        assert (result["added"], result["events"], result["skipped"]) == (0, 0, 1)
        assert result["documents"] == [
            {"id": "same", "article_id": content_hash(GOOD_TEXTS[0]), "status": "duplicate", "event_ids": []}
        ]
        assert client.get("/api/meta").json()["articles"] == 1


def test_concurrent_identical_posts_add_the_text_once(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    body = {"documents": [{"id": "same", "text": GOOD_TEXTS[1]}, {"id": "again", "text": GOOD_TEXTS[1] + "\n"}]}
    with api_client(db_url) as client:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: client.post("/api/documents", json=body, headers=AUTH), range(16)))
        results = [a.json() for a in answers if a.status_code == 200]
        assert len(results) == 16
        statuses = [d["status"] for r in results for d in r["documents"]]
        assert statuses.count("added") == 1 and statuses.count("duplicate") == 31
        assert sum(r["added"] for r in results) == 1 and sum(r["skipped"] for r in results) == 31
        for r in results:  # each answer agrees with its own totals
            assert r["added"] == sum(d["status"] == "added" for d in r["documents"])
            assert r["skipped"] == sum(d["status"] == "duplicate" for d in r["documents"])
        assert client.get("/api/meta").json()["articles"] == 1


# ---------- 9. stopped between storing a batch and deduplicating it ----------


def orphans(db: str) -> int:
    """Occurred events without an incident."""
    with Store(db, read_only=True) as store:
        return store.con.execute(
            "SELECT count(*) FROM events WHERE status = 'occurred' AND (incident_id IS NULL "
            "OR incident_id NOT IN (SELECT incident_id FROM incidents))"
        ).fetchone()[0]


def test_ingest_gives_incidents_to_events_an_interrupted_run_left(db_url: str, tmp_path: Path) -> None:
    with Store(db_url) as store:  # an ingest stopped after its commit, before its deduplication
        assert store.add_batch([pair("left-1", GOOD_TEXTS[0], 3), pair("left-2", GOOD_TEXTS[1])]).events == 2
    other = write_jsonl(tmp_path / "other.jsonl", [{"id": "new", "text": HUGE_TEXT.replace("5 billion", "two")}])
    result = CliRunner().invoke(app, ["ingest", str(other), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert orphans(db_url) == 0
    with Store(db_url, read_only=True) as store:
        left = store.con.execute(
            "SELECT count(*) FROM events e JOIN articles a USING (article_id) "
            "WHERE a.doc_id LIKE 'left-%' AND e.incident_id IS NOT NULL"
        ).fetchone()[0]
    assert left == 2


def test_watch_pass_gives_incidents_to_events_an_interrupted_pass_left(tmp_path: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    with Store(db) as store:
        store.add_batch([pair("left", GOOD_TEXTS[0], 3)])
    folder = tmp_path / "empty"
    folder.mkdir()
    watch_once(db, None, [folder], OneAttackExtractor())
    assert orphans(db) == 0


def test_a_signal_waits_for_the_end_of_a_critical_section() -> None:
    steps = []
    with pytest.raises(Terminated), GracefulShutdown() as shutdown:
        with shutdown.critical():
            os.kill(os.getpid(), signal.SIGTERM)
            steps.append("stored")
            steps.append("deduplicated")
        steps.append("never")
    assert steps == ["stored", "deduplicated"]
    with pytest.raises(KeyboardInterrupt), GracefulShutdown() as shutdown, shutdown.critical():
        os.kill(os.getpid(), signal.SIGINT)
        steps.append("finished")
    assert steps[-1] == "finished"
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers restored


def test_sigterm_mid_ingest_stops_cleanly_with_every_stored_event_in_an_incident(tmp_path: Path) -> None:
    from test_resilience import corpus, ingest_command, wait_for_first_commit

    corpus_path = write_jsonl(tmp_path / "corpus.jsonl", corpus(150))
    db = tmp_path / "stopped.duckdb"
    process = subprocess.Popen(ingest_command(corpus_path, db, 10), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_first_commit(process, Path(f"{db}.wal"))
        os.kill(process.pid, signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    message = err.decode(errors="replace")
    assert process.returncode == 143, message
    assert "Traceback" not in message and "terminated" in message
    kept = stored_docs(str(db))
    assert 0 < len(kept) < 150
    assert orphans(str(db)) == 0
