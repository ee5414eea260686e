"""Re-extraction (`observatory reextract`) and store-first ingest: stable event ids, a new dictionary
applied to stored texts, incidents as a rebuild gives them, and re-ingest without extraction."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from observatory.cli import app
from observatory.store.ingest import Store
from observatory.store.reextract import match_events

KISMAYO = (
    "KISMAYO, Somalia - Fighters of the Qarsani Front attacked a police post in Kismayo on Monday, killing "
    "three officers, officials said. Separately, gunmen abducted two aid workers in Baidoa on Sunday."
)
NAIROBI = "NAIROBI - Police fired tear gas at hundreds of protesters in central Nairobi on Tuesday, witnesses said."
ACTORS = "name,aliases,country,sector,acled_inter,valid_from,valid_to\nQarsani Front,Qarsani Front,SOM,REB,2,,\n"


def _event(start: int, end: int, plover: str = "ASSAULT", sub: str | None = "Attack", **extra: object) -> dict:
    return {"plover_type": plover, "acled_sub_event_type": sub, "status": "occurred", "location": None,
            "evidence": {"text": "", "start": start, "end": end}, "mentions": [], **extra}


def test_found_events_keep_the_ids_of_the_stored_events_they_are() -> None:
    stored = [("a:0", _event(0, 10)), ("a:1", _event(20, 30, "PROTEST", "Peaceful protest")), ("a:2", _event(40, 50))]
    found = [
        _event(0, 10, sub="Armed clash"),  # the same span and type, another sub-type: the same event
        _event(12, 18),  # a new event between two stored ones
        _event(40, 50),
        _event(22, 35, "PROTEST", mentions=[{"text": "", "start": 20, "end": 30}]),  # the span moved
    ]
    assert match_events(stored, found) == ["a:0", None, "a:2", "a:1"]


def test_the_strictest_key_wins_when_two_stored_events_share_a_span() -> None:
    stored = [("a:0", _event(0, 10, location={"name": "Bannu"})), ("a:1", _event(0, 10, location={"name": "Swat"}))]
    found = [_event(0, 10, location={"name": "Swat"}), _event(0, 10, location={"name": "Bannu"})]
    assert match_events(stored, found) == ["a:1", "a:0"]
    assert match_events(stored, [_event(0, 10, "PROTEST")]) == ["a:0"]  # the same span, another type
    assert match_events(stored, [_event(60, 70)]) == [None]


def _ingest(tmp_path: Path, *texts: tuple[str, str, str]) -> Path:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "published": day, "text": t}) + "\n" for i, day, t in texts))
    db = tmp_path / "t.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def _rows(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT event_id, actor1, actor1_country, inter1, incident_id FROM events").fetchall()
    return {row[0]: row[1:] for row in rows}


def test_reextract_applies_a_new_actor_dictionary_and_keeps_event_ids(tmp_path: Path) -> None:
    db = _ingest(tmp_path, ("kismayo", "2024-05-07", KISMAYO), ("nairobi", "2024-06-26", NAIROBI))
    before = _rows(db)
    attack = next(eid for eid, row in before.items() if "Qarsani" in (row[0] or ""))
    assert before[attack][1] is None  # the group is unknown to the bundled dictionary
    actors = tmp_path / "actors.csv"
    actors.write_text(ACTORS, encoding="utf-8")
    result = CliRunner().invoke(app, ["reextract", "--db", str(db), "--actors", str(actors)])
    assert result.exit_code == 0, result.output
    assert "re-read 2 articles (1 changed" in result.output
    assert "1 updated, 0 removed" in result.output
    after = _rows(db)
    assert set(after) == set(before)  # the same events under the same ids
    assert after[attack][:3] == ("Qarsani Front", "SOM", 2)
    assert all(row[3] is not None for eid, row in after.items() if eid != attack and before[eid][3] is not None)
    again = CliRunner().invoke(app, ["reextract", "--db", str(db), "--actors", str(actors)])
    assert "(0 changed" in again.output and f"{len(after)} unchanged" in again.output
    assert _rows(db) == after


def test_reextract_filters_by_country_and_date(tmp_path: Path) -> None:
    db = _ingest(tmp_path, ("kismayo", "2024-05-07", KISMAYO), ("nairobi", "2024-06-26", NAIROBI))
    runner = CliRunner()
    assert "re-read 1 articles" in runner.invoke(app, ["reextract", "--db", str(db), "--country", "ken"]).output
    assert "re-read 1 articles" in runner.invoke(app, ["reextract", "--db", str(db), "--since", "2024-06-01"]).output
    assert "re-read 0 articles" in runner.invoke(app, ["reextract", "--db", str(db), "--until", "2024-01-01"]).output
    bad = runner.invoke(app, ["reextract", "--db", str(db), "--country", "Kenya"])
    assert bad.exit_code == 2 and "ISO 3166 alpha-3" in bad.output


def _incidents(db: Path) -> set[tuple[str, frozenset[str]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT incident_id, event_id FROM events WHERE incident_id IS NOT NULL").fetchall()
        stored = {row[0] for row in con.execute("SELECT incident_id FROM incidents").fetchall()}
    members: dict[str, set[str]] = {}
    for incident_id, event_id in rows:
        members.setdefault(incident_id, set()).add(event_id)
    assert stored == set(members)  # no incident without events, no event in a missing incident
    return {(incident_id, frozenset(events)) for incident_id, events in members.items()}


def test_reextract_of_hand_made_events_keeps_ids_never_reuses_one_and_incidents_match_a_rebuild(
    sample_db: Path, tmp_path: Path
) -> None:
    with Store(sample_db) as store:
        store.con.execute("CREATE TABLE corrections (event_id VARCHAR, note VARCHAR)")
        store.con.execute("INSERT INTO corrections VALUES ('x:0', 'kept')")
        before = {row[0] for row in store.con.execute("SELECT event_id FROM events").fetchall()}
    result = CliRunner().invoke(app, ["reextract", "--db", str(sample_db)])
    assert result.exit_code == 0, result.output
    assert "re-read 5 articles" in result.output
    with Store(sample_db) as store:
        after = {row[0] for row in store.con.execute("SELECT event_id FROM events").fetchall()}
        following = dict(store.con.execute("SELECT article_id, next_event_index FROM articles").fetchall())
        assert store.con.execute("SELECT * FROM corrections").fetchall() == [("x:0", "kept")]
    kept = before & after
    assert kept  # the pipeline finds again some of the hand-made events
    for event_id in after - before:  # a new event's index is above every index its article ever had
        article_id, _, index = event_id.rpartition(":")
        old = [int(e.rpartition(":")[2]) for e in before if e.startswith(article_id)]
        assert int(index) > max(old, default=-1) and int(index) < following[article_id]
    incidents = _incidents(sample_db)
    rebuilt = tmp_path / "rebuilt.duckdb"
    rebuilt.write_bytes(sample_db.read_bytes())
    assert CliRunner().invoke(app, ["dedupe", "--db", str(rebuilt), "--rebuild"]).exit_code == 0
    assert _incidents(rebuilt) == incidents


def test_reingest_of_stored_texts_extracts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _ingest(tmp_path, ("kismayo", "2024-05-07", KISMAYO))
    respaced = tmp_path / "again.jsonl"
    lines = [{"id": "k2", "text": KISMAYO.replace(" - ", "\n -  ")}, {"id": "k3", "text": KISMAYO}]
    respaced.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    def no_extractor(*args: object, **kwargs: object) -> None:
        raise AssertionError("a stored text was extracted again")

    monkeypatch.setattr("observatory.pipeline.Extractor", no_extractor)
    result = CliRunner().invoke(app, ["ingest", str(respaced), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "ingested 0 documents (0 events); skipped 2 already stored" in result.output
