"""Incidents are the unit of counting: every ingest path deduplicates, and the dashboard's totals (the
API's aggregates), the map and the default export count incidents, agree with each other and with the
incidents table; tolls are reconciled across reports; ``unit=report`` gives one row per report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from observatory.cli import app as cli_app
from observatory.cli import sample_path
from observatory.config import Settings
from observatory.pipeline import Extractor
from observatory.serve.api import create_app
from observatory.store.dedupe import dedupe
from observatory.store.ingest import Store, content_hash
from test_dedupe import REPORTS

FIXTURE = Path(__file__).parent / "fixtures" / "incidents" / "articles.jsonl"
TOKEN = "incident-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
runner = CliRunner()


def fixture_docs() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def reports_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's articles (several reports of each incident) posted to the API in two requests, so
    that the second request's reports join incidents the first one made."""
    db = tmp_path_factory.mktemp("incidents") / "reports.duckdb"
    app = create_app(str(db), Settings(api_token=TOKEN))
    app.state.extractor = Extractor()
    docs = fixture_docs()
    with TestClient(app) as client:
        for part in (docs[::2], docs[1::2]):
            response = client.post("/api/documents", json={"documents": part}, headers=AUTH)
            assert response.status_code == 200, response.text
            assert response.json()["added"] == len(part)
    return db


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample articles, ingested by the CLI."""
    db = tmp_path_factory.mktemp("samples") / "samples.duckdb"
    result = runner.invoke(cli_app, ["ingest", str(sample_path()), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def client_of() -> Iterator:
    clients: list[TestClient] = []

    def open_client(db: Path) -> TestClient:
        clients.append(TestClient(create_app(str(db), Settings(api_token=TOKEN))).__enter__())
        return clients[-1]

    yield open_client
    for client in clients:
        client.__exit__(None, None, None)


def csv_rows(client: TestClient, **params: str) -> list[dict[str, str]]:
    response = client.get("/api/export", params={"format": "csv", **params})
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert int(response.headers["X-Event-Count"]) == len(rows)
    return rows


def assert_counts_agree(client: TestClient) -> dict[str, int]:
    """The dashboard's totals (``by=status`` totals), every grouping of the aggregates, the map's clusters and
    the default export count the incidents of the incidents table, with their reconciled tolls."""
    con = client.app.state.store.con
    loose = con.execute("SELECT count(*) FROM events WHERE status = 'occurred' AND incident_id IS NULL").fetchone()
    assert loose[0] == 0
    incidents, fatalities, reports, dated, located = con.execute(
        "SELECT count(*), coalesce(sum(fatalities_best), 0), sum(n_events), count(date_start), count(latitude) "
        "FROM incidents"
    ).fetchone()
    acled_incidents, acled_fatalities = con.execute(
        "SELECT count(*), coalesce(sum(fatalities_best), 0) FROM incidents WHERE acled_event_type IS NOT NULL"
    ).fetchone()
    occurred = con.execute("SELECT count(*) FROM events WHERE status = 'occurred'").fetchone()[0]
    assert incidents < occurred  # several reports per incident: counting reports would count more

    dashboard = client.get("/api/aggregates", params={"by": "status"}).json()
    assert dashboard["unit"] == "incident"
    totals = dashboard["totals"]
    assert (totals["events"], totals["fatalities"], totals["reports"]) == (incidents, fatalities, reports)
    assert reports == occurred
    for by, expected in (("status", incidents), ("country", incidents), ("type", incidents), ("day", dated)):
        buckets = client.get("/api/aggregates", params={"by": by}).json()["buckets"]
        assert sum(b["events"] for b in buckets) == expected, by
    by_acled = client.get("/api/aggregates", params={"by": "acled_type"}).json()["buckets"]
    typed = [b for b in by_acled if b["key"] is not None]
    assert (sum(b["events"] for b in typed), sum(b["fatalities"] for b in typed)) == (acled_incidents, acled_fatalities)
    grid = client.get("/api/aggregates", params={"by": "grid", "cell": "90"}).json()["buckets"]
    assert sum(c["events"] for c in grid) == located

    default = csv_rows(client)  # the ACLED file: incidents of an ACLED type
    assert len(default) == acled_incidents
    assert sum(int(r["fatalities"]) for r in default) == acled_fatalities
    everything = csv_rows(client, kind="all")
    assert len(everything) == incidents
    assert sum(int(r["fatalities"]) for r in everything) == fatalities
    assert sum(int(r["report_count"]) for r in everything) == reports
    assert len({r["event_id_cnty"] for r in everything}) == incidents

    per_report = csv_rows(client, kind="all", unit="report")
    report_totals = client.get("/api/aggregates", params={"by": "status", "unit": "report"}).json()["totals"]
    assert len(per_report) == report_totals["events"] == occurred
    return totals


def test_fixture_reports_are_counted_once_per_incident(reports_db: Path, client_of) -> None:
    client = client_of(reports_db)
    totals = assert_counts_agree(client)
    assert totals["articles"] == len(fixture_docs())
    rows = {r["incident_id"]: r for r in csv_rows(client, kind="all")}
    baidoa = next(r for r in rows.values() if r["location"] == "Baidoa")
    assert baidoa["source"] == "Gulf of Aden Review; Horn Dispatch; Juba Valley Times"  # ACLED's source list
    assert int(baidoa["report_count"]) == 3  # three articles; "has carried out similar attacks in recent years" is none
    assert baidoa["fatalities"] == "9"  # 8, 9 and 9 dead: the largest credible figure, not 26
    assert (baidoa["fatalities_low"], baidoa["fatalities_high"]) == ("8", "9")  # the most conservative: 8
    assert baidoa["injured"] == "23"  # 20 wounded, then 23
    ids = {content_hash(d["text"]) for d in fixture_docs() if d["id"].startswith("baidoa")}
    assert set(baidoa["article_ids"].split("; ")) == ids
    assert len(baidoa["urls"].split("; ")) == 3
    reports = json.loads(baidoa["reports"])
    assert sorted(r["fatalities"] for r in reports if r["fatalities"] is not None) == [8, 9, 9]
    assert baidoa["notes"] in {r["notes"] for r in reports} and "nine" in baidoa["notes"]  # the lead gives the toll
    gusau = next(r for r in rows.values() if r["location"] in ("Gusau", "Zamfara"))
    assert (gusau["report_count"], gusau["fatalities"]) == ("2", "0")
    assert gusau["event_type"] == "Violence against civilians"
    nakuru = next(r for r in rows.values() if r["location"] == "Nakuru" and r["event_type"] == "Protests")
    assert nakuru["report_count"] == "2" and nakuru["tags"] == "crowd size=400"


def test_bundled_samples_agree(samples_db: Path, client_of) -> None:
    totals = assert_counts_agree(client_of(samples_db))
    assert totals["articles"] >= 10


def test_incident_detail_lists_its_reports(reports_db: Path, client_of) -> None:
    client = client_of(reports_db)
    row = next(r for r in csv_rows(client) if r["location"] == "Baidoa")
    detail = client.get(f"/api/incidents/{row['incident_id']}").json()
    assert (detail["n_reports"], detail["fatalities_best"], len(detail["reports"])) == (3, 9, 3)
    assert detail["sources"] == row["source"].split("; ")
    assert {r["event_id"] for r in detail["reports"]} == set(row["event_ids"].split("; "))
    assert all(r["evidence_text"] for r in detail["reports"])
    assert client.get("/api/incidents/inc-nothing").status_code == 404


def test_cli_export_counts_incidents_and_reports_on_request(reports_db: Path, tmp_path: Path) -> None:
    incidents_csv, reports_csv = tmp_path / "incidents.csv", tmp_path / "reports.csv"
    first = runner.invoke(cli_app, ["export", "--db", str(reports_db), "-o", str(incidents_csv), "--kind", "all"])
    second = runner.invoke(
        cli_app, ["export", "--db", str(reports_db), "-o", str(reports_csv), "--kind", "all", "--unit", "report"]
    )
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    with duckdb.connect(str(reports_db), read_only=True) as con:
        incidents = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        events = con.execute("SELECT count(*) FROM events WHERE status = 'occurred'").fetchone()[0]
    assert f"wrote {incidents} incidents" in first.output
    assert f"wrote {events} reports" in second.output
    reports = list(csv.DictReader(incidents_csv.open(encoding="utf-8")))
    assert len(reports) == incidents
    per_report = list(csv.DictReader(reports_csv.open(encoding="utf-8")))
    assert len(per_report) == events and {r["report_count"] for r in per_report} == {"1"}
    assert {r["event_id"] for r in per_report} == {r["event_ids"] for r in per_report}
    bad = runner.invoke(cli_app, ["export", "--db", str(reports_db), "--unit", "article"])
    assert bad.exit_code == 2 and "--unit must be one of incident, report, got 'article'" in bad.output


def test_api_rejects_an_unknown_unit(reports_db: Path, client_of) -> None:
    client = client_of(reports_db)
    for path in ("/api/aggregates", "/api/export"):
        response = client.get(path, params={"unit": "article"})
        assert response.status_code == 400 and response.json()["detail"].startswith("unit:")


def test_filters_apply_to_the_incident(tmp_path: Path) -> None:
    """An incident is filtered on its own reconciled date and place: its reports dated a day apart count
    once, on the incident's first day."""
    db = tmp_path / "strike.duckdb"
    with Store(db) as store:
        store.add_batch(REPORTS)
        dedupe(store.con)
    with TestClient(create_app(str(db), Settings())) as client:
        days = client.get("/api/aggregates", params={"by": "day", "country": "UKR"}).json()["buckets"]
        assert {str(b["key"]): (b["events"], b["fatalities"]) for b in days} == {
            "2024-05-25": (3, 18), "2024-05-30": (1, 7),  # the hypermarket (16 dead), Kherson (2), a rally
        }
        later = client.get("/api/aggregates", params={"by": "day", "since": "2024-05-26"}).json()["totals"]
        assert later["events"] == 1  # the printing house; the strike is dated by its first day (the 25th)
        reports = client.get("/api/aggregates", params={"by": "day", "unit": "report"}).json()["totals"]
        assert (reports["events"], reports["fatalities"]) == (6, 12 + 14 + 16 + 2 + 7)


def test_migration_004_forgets_incidents_written_without_a_lead(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.add_batch(REPORTS)
        dedupe(store.con)
        store.con.execute("DELETE FROM schema_migrations WHERE version = 4")
        store.con.execute("ALTER TABLE incidents DROP COLUMN lead_event_id")  # as dedupe created it before
    with Store(db) as store:
        columns = {row[0] for row in store.con.execute("DESCRIBE incidents").fetchall()}
        assert {"lead_event_id", "admin2", "injured", "participants"} <= columns
        assert store.con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
        assert store.con.execute("SELECT count(incident_id) FROM events").fetchone()[0] == 0
    result = runner.invoke(cli_app, ["ingest", str(FIXTURE.parent / "missing.jsonl"), "--db", str(db)])
    assert result.exit_code == 1  # the input is missing, yet ingest first gave the stored events incidents
    with Store(db) as store:
        assert store.con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 4
        assert store.con.execute("SELECT count(*) FROM incidents WHERE lead_event_id IS NULL").fetchone()[0] == 0


def test_export_timestamp_is_the_incidents_last_change(tmp_path: Path) -> None:
    db = tmp_path / "strike.duckdb"
    with Store(db) as store:
        store.add_batch(REPORTS)
        dedupe(store.con)
        updated = store.con.execute("SELECT max(updated_at) FROM incidents").fetchone()[0]
    with TestClient(create_app(str(db), Settings())) as client:
        rows = csv_rows(client)
    stamp = dt.datetime.fromtimestamp(int(rows[0]["timestamp"]), dt.UTC).replace(tzinfo=None)
    assert abs((stamp - updated).total_seconds()) < 1


def test_serve_gives_incidents_to_events_stored_without_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import socket

    import uvicorn

    from observatory.serve.api import serve

    db = tmp_path / "undeduplicated.duckdb"
    with Store(db) as store:
        store.add_batch(REPORTS)  # stored as an interrupted ingest (or an older version's API) left them
    served: list[int] = []

    def run(server: uvicorn.Server, sockets: list) -> None:
        con = server.config.app.state.store.con
        served.append(con.execute("SELECT count(*) FROM incidents").fetchone()[0])
        sockets[0].close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve(str(db), "127.0.0.1", port)
    assert served == [4]  # the six reports were four incidents before the first request


def test_codebook_and_export_docs_list_every_column() -> None:
    import re

    from observatory.store.export import FIELDS

    docs = Path(__file__).parents[1] / "docs"
    codebook = (docs / "codebook.md").read_text(encoding="utf-8")
    documented = {name for row in codebook.splitlines() if row.startswith("|")
                  for name in re.findall(r"`([a-z_0-9]+)`", row.split("|")[1] + row.split("|")[2])}
    assert set(FIELDS) <= documented
    listing = (docs / "export.md").read_text(encoding="utf-8").split("## Columns", 1)[1].split("In short", 1)[0]
    spans = [span for span in re.findall(r"`([^`]*)`", listing, flags=re.S) if "," in span]
    assert tuple(name.strip() for span in spans for name in span.split(",")) == FIELDS
