"""Review and corrections (observatory.store.review): confirm, correct, reject, merge and split, the audit log, the
changes feed, and what survives deduplication and re-extraction; through the library, the API and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import pg_schema_url, sample_batch
from observatory.cli import app
from observatory.config import Settings, parse_named_tokens
from observatory.serve.api import create_app
from observatory.store import changes, review
from observatory.store.dedupe import dedupe
from observatory.store.export import export_rows
from observatory.store.ingest import Store
from observatory.store.queries import EventFilter, query_events, totals
from observatory.store.review_fields import FieldError, parse_corrections

TOKEN = "review-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ANY = EventFilter(status="any", review="any", limit=1000)


def _id(store: Store, text: str) -> str:
    """The event whose evidence holds ``text``."""
    rows = store.con.execute("SELECT event_id FROM events WHERE strpos(evidence_text, ?) > 0", [text]).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


def _row(store: Store, event_id: str, *columns: str) -> tuple:
    return store.con.execute(f"SELECT {', '.join(columns)} FROM events WHERE event_id = ?", [event_id]).fetchone()


def _best(store: Store, incident_id: str) -> int:
    return store.con.execute("SELECT fatalities_best FROM incidents WHERE incident_id = ?", [incident_id]).fetchone()[0]


@pytest.fixture
def store(sample_db: Path) -> Iterator[Store]:
    with Store(sample_db) as opened:
        dedupe(opened.con)
        yield opened


# ---------- fields ----------


def test_corrections_are_typed_and_shortcuts_expanded() -> None:
    assert parse_corrections({"fatalities": "12", "date": "2024-03-10", "acled_sub_event_type": "Armed clash"}) == {
        "fatalities": 12, "fatalities_low": 12, "fatalities_high": 12, "date_start": dt.date(2024, 3, 10),
        "date_end": dt.date(2024, 3, 10), "acled_sub_event_type": "Armed clash", "acled_event_type": "Battles",
    }
    assert parse_corrections({"plover_type": "protest", "actor2": "null", "latitude": 35.5, "longitude": "36.1"}) == {
        "plover_type": "PROTEST", "actor2": None, "latitude": 35.5, "longitude": 36.1, "geonameid": None,
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"colour": "red"}, "unknown field 'colour'; fields that can be corrected: plover_type"),
        ({"fatalities": "a dozen"}, "fatalities: expected a whole number, got 'a dozen'"),
        ({"fatalities": -3}, "fatalities: expected a whole number at least 0, got -3"),
        ({"inter1": 9}, "inter1: expected a whole number 0 to 8, got 9"),
        ({"status": "rumoured"}, "status: expected one of occurred, failed"),
        ({"status": None}, "status: a value is required"),
        ({"date": "last Monday"}, "date_start: expected a date as YYYY-MM-DD"),
        ({"country": "Syria"}, "country: expected an ISO 3166 alpha-3 code"),
        ({"latitude": 95}, "latitude: expected a number from -90 to 90, got 95"),
        ({"acled_event_type": "Skirmish"}, "acled_event_type: expected one of Battles"),
        ({}, "no field to correct"),
    ],
)
def test_bad_corrections_are_one_line(values: dict, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_corrections(values)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_named_tokens_are_read_and_a_bad_entry_named() -> None:
    assert parse_named_tokens("alice:tok-1, bob:tok-2,") == (("alice", "tok-1"), ("bob", "tok-2"))
    assert Settings(api_token="x", named_tokens=(("alice", "y"),)).tokens() == (("api", "x"), ("alice", "y"))
    with pytest.raises(ValueError, match="name:token pairs.*'tok-3'"):
        parse_named_tokens("alice:tok-1,tok-3")


# ---------- library ----------


def test_a_correction_changes_the_row_counts_and_incident_and_is_logged(store: Store) -> None:
    event_id = _id(store, "shelled villages near Idlib")
    before = totals(store.con, EventFilter())["fatalities"]
    review.correct(store.con, "event", event_id, {"fatalities": 6, "actor1": "Syrian Air Force"}, "alice", "medics")
    assert _row(store, event_id, "fatalities", "fatalities_low", "fatalities_high", "actor1") == (
        6, 6, 6, "Syrian Air Force")
    assert totals(store.con, EventFilter())["fatalities"] == before + 2
    incident = _row(store, event_id, "incident_id")[0]
    assert _best(store, incident) == 6
    dedupe(store.con, rebuild=True)
    assert _best(store, _row(store, event_id, "incident_id")[0]) == 6
    found = review.event_review(store.con, event_id)
    assert found["review_status"] == "corrected"
    assert found["corrections"]["fatalities"]["value"] == 6
    assert found["corrections"]["actor1"]["corrected_by"] == "alice"
    changed = {(h["field"], h["before"], h["after"], h["changed_by"], h["note"]) for h in found["history"]}
    assert ("fatalities", 4, 6, "alice", "medics") in changed
    assert ("actor1", "Military Forces of Syria", "Syrian Air Force", "alice", "medics") in changed
    record = next(export_rows(store.con, EventFilter(), event_ids=[event_id]))
    assert (record["fatalities"], record["actor1"], record["review_status"]) == (6, "Syrian Air Force", "corrected")


def test_contradicting_values_and_unknown_ids_write_nothing(store: Store) -> None:
    event_id = _id(store, "shelled villages near Idlib")
    with pytest.raises(review.ReviewError, match="sub-type of 'Battles', not of 'Violence against civilians'"):
        review.correct(store.con, "event", event_id, {"acled_sub_event_type": "Armed clash",
                                                      "acled_event_type": "Violence against civilians"}, "alice")
    with pytest.raises(review.ReviewError, match=r"date_start \(2024-03-20\) is after date_end \(2024-03-11\)"):
        review.correct(store.con, "event", event_id, {"date_start": "2024-03-20"}, "alice")
    with pytest.raises(review.UnknownTargetError, match="no event 'nope:0'"):
        review.correct(store.con, "event", "nope:0", {"fatalities": 1}, "alice")
    with pytest.raises(review.UnknownTargetError, match="no incident 'inc-0'"):
        review.decide(store.con, "incident", "inc-0", "rejected", "alice")
    assert _row(store, event_id, "acled_sub_event_type", "date_start") == (
        "Shelling/artillery/missile attack", dt.date(2024, 3, 11))
    assert store.con.execute("SELECT count(*) FROM review_log").fetchone() == (0,)


def test_a_rejected_event_leaves_lists_counts_exports_and_incidents_until_confirmed(store: Store) -> None:
    event_id = _id(store, "printing house")
    review.decide(store.con, "event", event_id, "rejected", "alice", "a duplicate wire copy")
    rows, total = query_events(store.con, EventFilter())
    assert total == 9 and event_id not in {row["event_id"] for row in rows}
    assert totals(store.con, EventFilter())["fatalities"] == 18 - 7
    assert event_id not in {r["event_id"] for r in export_rows(store.con, EventFilter())}
    assert [row["event_id"] for row in query_events(store.con, EventFilter(review="rejected"))[0]] == [event_id]
    assert _row(store, event_id, "incident_id") == (None,)
    dedupe(store.con, rebuild=True)
    assert _row(store, event_id, "incident_id") == (None,)
    review.decide(store.con, "event", event_id, "confirmed", "bob")
    assert query_events(store.con, EventFilter())[1] == 10
    assert _row(store, event_id, "incident_id")[0] is not None
    assert [h["after"] for h in review.event_review(store.con, event_id)["history"]] == ["rejected", "confirmed"]
    with pytest.raises(review.ReviewError, match="is not rejected"):
        review.restore(store.con, event_id, "bob")


def test_merge_and_split_are_kept_by_deduplication(store: Store) -> None:
    shelling, clash = _id(store, "shelled villages"), _id(store, "army post outside Saraqib")
    first, second = (_row(store, e, "incident_id")[0] for e in (shelling, clash))
    assert first != second
    kept = review.merge(store.con, [second, first], "alice", "one offensive")
    assert kept == first  # the incident of the first-ingested report (the smaller id on a tie)
    assert review.incident_members(store.con, kept) == sorted([shelling, clash])
    assert store.con.execute("SELECT count(*) FROM incidents WHERE incident_id = ?", [second]).fetchone() == (0,)
    assert store.con.execute("SELECT n_events, fatalities_best FROM incidents WHERE incident_id = ?",
                             [kept]).fetchone() == (2, 4)
    assert dedupe(store.con, rebuild=True).total_events == 10  # the merged events are still counted
    assert review.incident_members(store.con, kept) == sorted([shelling, clash])
    new = review.split(store.con, kept, [clash], "bob")
    assert review.incident_members(store.con, new) == [clash]
    assert review.incident_members(store.con, kept) == [shelling]
    dedupe(store.con, rebuild=True)
    assert review.incident_members(store.con, new) == [clash]
    history = review.event_review(store.con, clash)["history"]
    moves = [(h["action"], h["before"], h["after"]) for h in history]
    assert moves == [("merge", second, kept), ("split", kept, new)]
    assert review.merge(store.con, [new, kept], "bob") == kept
    assert review.split(store.con, kept, [shelling], "bob") == new  # the report the id comes from keeps it
    assert (review.incident_members(store.con, kept), review.incident_members(store.con, new)) == ([shelling], [clash])
    with pytest.raises(review.ReviewError, match="name some, not all"):
        review.split(store.con, new, [clash], "bob")
    with pytest.raises(review.ReviewError, match="is not in incident"):
        review.split(store.con, kept, [clash], "bob")
    with pytest.raises(review.ReviewError, match="at least two different incidents"):
        review.merge(store.con, [kept, kept], "bob")


def test_an_incident_correction_or_rejection_is_one_of_each_of_its_events(store: Store) -> None:
    shelling, clash = _id(store, "shelled villages"), _id(store, "army post outside Saraqib")
    incident = review.merge(store.con, [_row(store, e, "incident_id")[0] for e in (shelling, clash)], "alice")
    assert review.correct(store.con, "incident", incident, {"fatalities": 9}, "alice") == sorted([shelling, clash])
    assert _best(store, incident) == 9
    assert {h["target"] for h in review.event_review(store.con, clash)["history"]} == {"incident"}
    review.decide(store.con, "incident", incident, "rejected", "alice")
    assert store.con.execute("SELECT count(*) FROM incidents WHERE incident_id = ?", [incident]).fetchone() == (0,)
    assert query_events(store.con, EventFilter(country="SYR"))[1] == 0


# ---------- changes feed ----------


def test_the_changes_feed_lists_added_updated_and_deleted_events(store: Store) -> None:
    start = changes.utc_now()
    assert changes.changes_since(store.con, start) == ([], 0)
    everything, total = changes.changes_since(store.con, start - dt.timedelta(days=1))
    assert total == 12 and {c["change"] for c in everything} == {"added"}
    corrected, rejected = _id(store, "printing house"), _id(store, "looted the central market")
    review.correct(store.con, "event", corrected, {"injured": 25}, "alice")
    review.decide(store.con, "event", rejected, "rejected", "alice")
    feed, total = changes.changes_since(store.con, start)
    assert [(c["event_id"], c["change"], c["reason"]) for c in feed] == [
        (corrected, "updated", None), (rejected, "deleted", "rejected")]
    assert all(start < c["changed_at"] <= changes.utc_now() for c in feed)
    review.decide(store.con, "event", rejected, "confirmed", "alice")
    assert changes.changes_since(store.con, start)[0][-1]["change"] == "added"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-01", dt.datetime(2024, 6, 1)),
        ("2024-06-01T10:30:00+02:00", dt.datetime(2024, 6, 1, 8, 30)),
        ("2024-06-01T08:30:00Z", dt.datetime(2024, 6, 1, 8, 30)),
        ("1717230600", dt.datetime(2024, 6, 1, 8, 30)),
    ],
)
def test_since_reads_dates_times_and_unix_seconds(text: str, expected: dt.datetime) -> None:
    assert changes.parse_moment(text) == expected


def test_since_that_is_no_time_is_refused() -> None:
    with pytest.raises(ValueError, match="expected a time as YYYY-MM-DD"):
        changes.parse_moment("last week")


# ---------- API ----------


@pytest.fixture
def client(sample_db: Path) -> Iterator[TestClient]:
    settings = Settings(api_token=TOKEN, named_tokens=(("alice", "alice-token"),))
    with TestClient(create_app(str(sample_db), settings)) as test_client:
        yield test_client


def _event_id(client: TestClient, q: str) -> str:
    events = client.get("/api/events", params={"q": q, "status": "any"}).json()["events"]
    assert len(events) == 1
    return events[0]["event_id"]


def test_api_corrects_confirms_and_rejects_with_the_token_name_in_the_history(client: TestClient) -> None:
    event_id = _event_id(client, "printing house")
    answer = client.patch(f"/api/events/{event_id}", json={"fields": {"fatalities": 8}, "note": "update"},
                          headers={"Authorization": "Bearer alice-token"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["review"]["review_status"] == "corrected"
    assert client.post(f"/api/events/{event_id}/confirm", headers=AUTH).json()["review"]["review_status"] == "confirmed"
    detail = client.get(f"/api/events/{event_id}").json()
    assert detail["fatalities"] == 8
    assert [(h["action"], h["field"], h["changed_by"]) for h in detail["review"]["history"]] == [
        ("correct", "fatalities", "alice"), ("correct", "fatalities_high", "alice"),
        ("correct", "fatalities_low", "alice"), ("confirm", "review_status", "api")]
    assert client.post(f"/api/events/{event_id}/reject", headers=AUTH).status_code == 200
    assert client.get("/api/events", params={"q": "printing house"}).json()["total"] == 0
    rejected = client.get("/api/events", params={"q": "printing house", "review": "rejected"}).json()
    assert rejected["total"] == 1 and rejected["events"][0]["review_status"] == "rejected"
    assert client.post(f"/api/events/{event_id}/restore", headers=AUTH).json()["review"]["review_status"] == "corrected"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("patch", "/api/events/{id}", {"fields": {"colour": "red"}}, 400, "unknown field 'colour'"),
        ("patch", "/api/events/{id}", {"fields": {"fatalities": "many"}}, 400, "fatalities: expected a whole number"),
        ("patch", "/api/events/{id}", {"fields": {}}, 400, "fields: Dictionary should have at least 1 item"),
        ("patch", "/api/events/{id}", {"values": {}}, 400, "fields: Field required"),
        ("patch", "/api/events/nope:1", {"fields": {"fatalities": 1}}, 404, "no event 'nope:1'"),
        ("post", "/api/events/nope:1/confirm", None, 404, "no event 'nope:1'"),
        ("post", "/api/events/{id}/approve", None, 400, "decision: Input should be 'confirm', 'reject' or 'restore'"),
        ("post", "/api/incidents/merge", {"incident_ids": ["inc-1"]}, 400, "incident_ids: List should have at least 2"),
        ("post", "/api/incidents/merge", {"incident_ids": ["inc-1", "inc-2"]}, 404, "no incident 'inc-1'"),
        ("post", "/api/incidents/inc-1/split", {"event_ids": ["a:0"]}, 404, "no incident 'inc-1'"),
    ],
)
def test_api_review_errors_are_one_line(
    client: TestClient, method: str, path: str, body: dict | None, status: int, message: str
) -> None:
    path = path.replace("{id}", _event_id(client, "printing house"))
    response = getattr(client, method)(path, json=body, headers=AUTH) if body is not None else \
        getattr(client, method)(path, headers=AUTH)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"] and "\n" not in response.json()["detail"]


def test_api_review_needs_a_right_token(client: TestClient, sample_db: Path) -> None:
    event_id = _event_id(client, "printing house")
    assert client.post(f"/api/events/{event_id}/reject").status_code == 401
    wrong = client.post(f"/api/events/{event_id}/reject", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "missing or wrong bearer token"
    assert client.get("/api/events", params={"q": "printing house"}).json()["total"] == 1
    with TestClient(create_app(str(sample_db), Settings())) as closed:
        assert closed.post(f"/api/events/{event_id}/reject", headers=AUTH).status_code == 503


def test_api_merge_split_and_incident_review(client: TestClient) -> None:
    shelling, clash = _event_id(client, "shelled villages"), _event_id(client, "army post")
    client.patch(f"/api/events/{shelling}", json={"fields": {"claimant": "local medics"}}, headers=AUTH)  # dedupes
    incidents = [client.get(f"/api/events/{e}").json()["incident_id"] for e in (shelling, clash)]
    merged = client.post("/api/incidents/merge", json={"incident_ids": incidents}, headers=AUTH).json()
    assert merged["event_ids"] == sorted([shelling, clash])
    split = client.post(f"/api/incidents/{merged['incident_id']}/split", json={"event_ids": [clash]}, headers=AUTH)
    assert sorted(split.json()["incidents"].values()) == sorted([[clash], [shelling]])
    fixed = client.patch(f"/api/incidents/{merged['incident_id']}", json={"fields": {"date": "2024-03-10"}},
                         headers=AUTH)
    assert fixed.json()["event_ids"] == [shelling]
    assert client.get(f"/api/events/{shelling}").json()["date_start"] == "2024-03-10"
    assert client.post(f"/api/incidents/{merged['incident_id']}/reject", headers=AUTH).json()["event_ids"] == [shelling]


def test_api_changes_feed(client: TestClient) -> None:
    start = changes.utc_now().isoformat()
    time.sleep(0.01)
    event_id = _event_id(client, "printing house")
    client.patch(f"/api/events/{event_id}", json={"fields": {"injured": 30}}, headers=AUTH)
    client.post(f"/api/events/{_event_id(client, 'Bahri')}/reject", headers=AUTH)
    body = client.get("/api/changes", params={"since": start}).json()
    assert [(c["change"], c["reason"]) for c in body["changes"]] == [("updated", None), ("deleted", "rejected")]
    assert body["changes"][0]["record"]["injured"] == 30 and body["changes"][1]["record"] is None
    assert body["total"] == 2 and body["as_of"] > start
    assert client.get("/api/changes", params={"since": body["as_of"]}).json()["changes"] == []
    assert client.get("/api/changes", params={"since": "2000-01-01", "limit": 5}).json()["total"] == 12
    bad = client.get("/api/changes", params={"since": "soon"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("since: expected a time")
    assert client.get("/api/changes").status_code == 400


# ---------- CLI ----------


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_review_commands_and_their_errors(sample_db: Path) -> None:
    db = str(sample_db)
    with Store(db) as opened:
        printing, market = _id(opened, "printing house"), _id(opened, "looted the central market")
    code, output = _cli("review", "correct", printing, "--set", "fatalities=9", "--set", "admin1=Kharkiv Oblast",
                        "--db", db, "--by", "carol", "--note", "official toll")
    assert code == 0 and f"corrected fatalities, admin1 of 1 events: {printing}" in output
    assert _cli("review", "reject", market, "--db", db)[0] == 0
    code, output = _cli("review", "show", printing, "--db", db)
    shown = json.loads(output)
    assert shown["review_status"] == "corrected"
    assert {(h["field"], h["after"], h["changed_by"]) for h in shown["history"]} >= {
        ("fatalities", 9, "carol"), ("admin1", "Kharkiv Oblast", "carol")}
    code, output = _cli("events", "--db", db, "--review", "rejected", "--format", "json")
    assert [e["event_id"] for e in json.loads(output)["events"]] == [market]
    for args, message in [
        (("review", "correct", printing, "--set", "colour=red"), "unknown field 'colour'"),
        (("review", "correct", printing, "--set", "fatalities"), "--set expects FIELD=VALUE"),
        (("review", "confirm", "nope:0"), "no event 'nope:0'"),
        (("review", "merge", "inc-1", "inc-2"), "no incident 'inc-1'"),
        (("review", "show", "nope:0"), "no event 'nope:0'"),
        (("events", "--review", "maybe"), "review"),
    ]:
        code, output = _cli(*args, "--db", db)
        assert code in (1, 2) and message in output and "Traceback" not in output, (args, output)
        assert output.count("\n") == 1, output
    code, output = _cli("review", "reject", printing, "--db", db + ".typo")
    assert code == 2 and "does not exist" in output and not Path(db + ".typo").exists()


def test_cli_export_of_changes_since(sample_db: Path, tmp_path: Path) -> None:
    db = str(sample_db)
    start = changes.utc_now()
    with Store(db) as opened:
        printing, market = _id(opened, "printing house"), _id(opened, "looted the central market")
        review.correct(opened.con, "event", printing, {"fatalities": 8}, "alice")
        review.decide(opened.con, "event", market, "rejected", "alice")
    target = tmp_path / "changes.csv"
    code, output = _cli("export", "--db", db, "--changed-since", start.isoformat(), "-o", str(target))
    assert code == 0 and "1 added" not in output and "0 added, 1 updated, 1 deleted" in output
    frame = pd.read_csv(target)
    assert list(frame["change"]) == ["updated", "deleted"]
    assert list(frame["event_id"]) == [printing, market]
    assert frame["fatalities"].dtype == "int64" and list(frame["fatalities"]) == [8, 0]
    assert frame["timestamp"].iloc[0] >= int(start.replace(tzinfo=dt.UTC).timestamp())
    assert list(frame["review_status"].fillna("")) == ["corrected", ""]
    code, output = _cli("export", "--db", db, "--changed-since", "2000-01-01", "-o", str(target), "--kind", "all",
                        "--status", "any")
    assert "11 added, 0 updated, 1 deleted" in output  # every stored event is new since 2000; one is deleted
    assert _cli("export", "--db", db, "--changed-since", "soon", "-o", str(target))[1].count("expected a time") == 1
    parquet = tmp_path / "changes.parquet"
    code, _ = _cli("export", "--db", db, "--changed-since", start.isoformat(), "--format", "parquet",
                   "-o", str(parquet))
    assert code == 0
    table = pd.read_parquet(parquet)
    assert list(table["change"]) == ["updated", "deleted"] and str(table["event_date"].iloc[0]) == "2024-05-23"
    code, output = _cli("export", "--db", db, "--changed-since", "2000-01-01", "--format", "geojson")
    assert code == 2 and "csv or parquet" in output


def test_plain_export_has_the_review_status_column_and_drops_rejected_events(sample_db: Path, tmp_path: Path) -> None:
    with Store(sample_db) as opened:
        market = _id(opened, "looted the central market")
        review.decide(opened.con, "event", market, "rejected", "alice")
        confirmed = _id(opened, "printing house")
        review.decide(opened.con, "event", confirmed, "confirmed", "alice")
    target = tmp_path / "events.csv"
    assert _cli("export", "--db", str(sample_db), "-o", str(target))[0] == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    statuses = {row["event_id"]: row["review_status"] for row in rows}
    assert market not in statuses and statuses[confirmed] == "confirmed"
    assert set(statuses.values()) == {"confirmed", "unreviewed"}


# ---------- PostgreSQL ----------


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from pg_schema_url()


def test_review_over_postgres(pg_url: str) -> None:
    with Store(pg_url) as opened:
        opened.add_batch(sample_batch())
        dedupe(opened.con)
        start = changes.utc_now()
        shelling, clash = _id(opened, "shelled villages"), _id(opened, "army post outside Saraqib")
        review.correct(opened.con, "event", shelling, {"fatalities": 5, "date": "2024-03-10"}, "alice")
        review.decide(opened.con, "event", _id(opened, "printing house"), "rejected", "alice")
        kept = review.merge(opened.con, [_row(opened, e, "incident_id")[0] for e in (shelling, clash)], "alice")
        dedupe(opened.con, rebuild=True)
        assert review.incident_members(opened.con, kept) == sorted([shelling, clash])
        assert _row(opened, shelling, "fatalities", "date_start") == (5, dt.date(2024, 3, 10))
        assert query_events(opened.con, EventFilter())[1] == 9
        feed = changes.changes_since(opened.con, start)[0]
        assert [c["change"] for c in feed] == ["updated", "deleted", "updated"]
        assert [h["field"] for h in review.event_review(opened.con, shelling)["history"]][:2] == [
            "date_end", "date_start"]
        record = next(export_rows(opened.con, ANY, "all", event_ids=[shelling]))
        assert (record["fatalities"], record["review_status"]) == (5, "corrected")


# ---------- re-extraction ----------

GAROWE = (
    "GAROWE, Somalia - Fighters of the Dhuusa Brigade stormed a police checkpoint in Garowe on Wednesday, killing "
    "four officers, a regional official said. On Thursday, hundreds of traders protested in Bosaso against new "
    "port taxes. Police arrested six suspects in Galkayo on Friday, the police commissioner said."
)
DHUUSA = "name,aliases,country,sector,acled_inter,valid_from,valid_to\nDhuusa Brigade,Dhuusa Brigade,SOM,REB,2,,\n"


def test_reviews_survive_re_extraction_and_ids_stay_stable(tmp_path: Path) -> None:
    corpus = tmp_path / "garowe.jsonl"
    corpus.write_text(json.dumps({"id": "garowe", "published": "2024-08-09", "text": GAROWE}) + "\n")
    db = str(tmp_path / "g.duckdb")
    assert _cli("ingest", str(corpus), "--db", db)[0] == 0
    with Store(db) as opened:
        attack, protest, arrest = (_id(opened, text) for text in ("checkpoint", "traders protested", "arrested six"))
        assert _row(opened, attack, "actor1_country")[0] is None  # the brigade is unknown to the bundled dictionary
        review.correct(opened.con, "event", attack, {"fatalities": 5, "location": "Garowe town"}, "alice")
        review.decide(opened.con, "event", protest, "rejected", "alice")
        review.decide(opened.con, "event", arrest, "confirmed", "alice")
        ids = {row[0] for row in opened.con.execute("SELECT event_id FROM events").fetchall()}
        start = changes.utc_now()
    actors = tmp_path / "actors.csv"
    actors.write_text(DHUUSA, encoding="utf-8")
    code, output = _cli("reextract", "--db", db, "--actors", str(actors))
    assert code == 0 and "(1 changed" in output, output
    with Store(db) as opened:
        assert {row[0] for row in opened.con.execute("SELECT event_id FROM events").fetchall()} == ids
        assert _row(opened, attack, "actor1", "actor1_country", "fatalities", "location") == (
            "Dhuusa Brigade", "SOM", 5, "Garowe town")  # the new dictionary applied, the analyst's values kept
        statuses = {e: review.event_review(opened.con, e)["review_status"] for e in (attack, protest, arrest)}
        assert statuses == {attack: "corrected", protest: "rejected", arrest: "confirmed"}
        assert protest not in {row["event_id"] for row in query_events(opened.con, EventFilter(status="any"))[0]}
        assert _row(opened, protest, "incident_id") == (None,)
        feed = {c["event_id"]: c["change"] for c in changes.changes_since(opened.con, start)[0]}
        assert feed[attack] == "updated" and protest not in feed
    again = _cli("reextract", "--db", db, "--actors", str(actors))[1]
    assert "(0 changed" in again


def test_reviewed_events_re_extraction_no_longer_finds_are_kept_and_merges_too(sample_db: Path) -> None:
    with Store(sample_db) as opened:
        dedupe(opened.con)
        ids = sorted(row[0] for row in opened.con.execute("SELECT event_id FROM events").fetchall())
        for event_id in ids:
            review.decide(opened.con, "event", event_id, "confirmed", "alice")
        shelling, clash = _id(opened, "shelled villages"), _id(opened, "army post outside Saraqib")
        merged = review.merge(opened.con, [_row(opened, e, "incident_id")[0] for e in (shelling, clash)], "alice")
    code, output = _cli("reextract", "--db", str(sample_db))
    assert code == 0 and " 0 removed" in output and "reviewed kept" in output, output
    with Store(sample_db) as opened:
        assert {row[0] for row in opened.con.execute("SELECT event_id FROM events").fetchall()} >= set(ids)
        assert all(review.event_review(opened.con, e)["review_status"] == "confirmed" for e in ids)
        assert review.incident_members(opened.con, merged) == sorted([shelling, clash])


def test_an_event_deduplication_moves_to_another_incident_is_in_the_feed(store: Store) -> None:
    event_id = _id(store, "printing house")
    old = _row(store, event_id, "incident_id")[0]
    store.con.execute("UPDATE events SET incident_id = 'inc-gone' WHERE event_id = ?", [event_id])
    start = changes.utc_now()
    dedupe(store.con)  # the event's incident is missing: it is clustered again, into its own incident
    assert _row(store, event_id, "incident_id") == (old,)
    assert [(c["event_id"], c["change"]) for c in changes.changes_since(store.con, start)[0]] == [(event_id, "updated")]


def test_review_api_over_postgres(pg_url: str) -> None:
    with Store(pg_url) as opened:
        opened.add_batch(sample_batch())
    start = changes.utc_now().isoformat()
    with TestClient(create_app(pg_url, Settings(api_token=TOKEN))) as pg_client:
        event_id = _event_id(pg_client, "printing house")
        fixed = pg_client.patch(f"/api/events/{event_id}", json={"fields": {"status": "failed"}}, headers=AUTH)
        assert fixed.status_code == 200, fixed.text
        assert pg_client.get(f"/api/events/{event_id}").json()["review"]["history"][0]["after"] == "failed"
        feed = pg_client.get("/api/changes", params={"since": start}).json()["changes"]
        assert [(c["event_id"], c["change"], c["record"]["status"]) for c in feed] == [(event_id, "updated", "failed")]


def test_a_database_made_before_migration_005_can_be_read(sample_db: Path) -> None:
    with Store(sample_db) as opened:
        opened.con.execute("DROP TABLE event_reviews")
        opened.con.execute("DELETE FROM schema_migrations WHERE version = 5")
    code, output = _cli("events", "--db", str(sample_db), "--format", "json")  # opens the database to read
    assert code == 0 and json.loads(output)["total"] == 10
    with Store(sample_db, read_only=True) as opened:
        assert opened.con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (5,)


def test_rejecting_the_report_an_incident_id_comes_from_updates_the_other_reports(store: Store) -> None:
    march, force = _id(store, "Thousands of protesters marched"), _id(store, "Police fired tear gas")
    incident = _row(store, march, "incident_id")[0]
    assert _row(store, force, "incident_id") == (incident,)  # one incident told in two sentences
    start = changes.utc_now()
    review.decide(store.con, "event", march, "rejected", "alice")
    assert _row(store, force, "incident_id")[0] not in (None, incident)  # its id came from the rejected report
    feed = [(c["event_id"], c["change"]) for c in changes.changes_since(store.con, start)[0]]
    assert sorted(feed) == sorted([(march, "deleted"), (force, "updated")])
