"""PostgreSQL as a backend: the same ingest, queries, aggregates, exports and API as DuckDB, and
versioned migrations on both backends.

The PostgreSQL tests need a server: ``source scripts/start_postgres.sh`` exports its URL as
OBSERVATORY_TEST_PG. Without it they are skipped, unless CI is set, where they fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import pg_schema_url, sample_batch
from observatory.cli import app as cli_app
from observatory.config import Settings
from observatory.serve.api import create_app
from observatory.store import queries
from observatory.store.backends import PgConnection, is_postgres_url, redact, to_pyformat
from observatory.store.export import export_events
from observatory.store.ingest import Store, content_hash
from observatory.store.migrations import SchemaTooNewError, apply_migrations, available
from observatory.store.queries import EventFilter


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty schema of the test server (dropped afterwards)."""
    yield from pg_schema_url()


@pytest.fixture
def pg_sample(pg_url: str) -> str:
    """The PostgreSQL twin of conftest's sample_db: 5 articles, 12 events."""
    with Store(pg_url) as store:
        store.add_batch(sample_batch())
    return pg_url


FILTERS = [
    {},
    {"status": "any"},
    {"status": "failed"},
    {"country": "KEN"},
    {"country": "NGA", "status": "any", "limit": 1, "offset": 1},
    {"actor": "FORCES", "status": "any"},
    {"q": "missile", "status": "any"},
    {"admin1": "idlib"},
    {"plover_type": "assault", "since": "2024-03-12", "until": "2024-06-01"},
    {"acled_event_type": "Protests"},
    {"acled_sub_event_type": "Armed clash"},
    {"bbox": "30,-5,40,20"},
    {"bbox": "170,-90,37,90", "status": "any"},  # crosses the antimeridian: lon >= 170 or lon <= 37
]


@pytest.mark.parametrize("fields", FILTERS, ids=[json.dumps(f) for f in FILTERS])
def test_query_events_gives_the_duckdb_rows(pg_sample: str, sample_db: Path, fields: dict) -> None:
    f = EventFilter(**fields)
    with Store(pg_sample, read_only=True) as pg, Store(sample_db, read_only=True) as dk:
        pg_rows, pg_total = queries.query_events(pg.con, f)
        dk_rows, dk_total = queries.query_events(dk.con, f)
    assert (pg_rows, pg_total) == (dk_rows, dk_total)
    assert dk_total > 0


def test_query_events_values_over_postgres(pg_sample: str) -> None:
    with Store(pg_sample, read_only=True) as store:
        rows, total = queries.query_events(store.con, EventFilter(country="KEN"))
    assert total == 3
    assert [r["location"] for r in rows] == ["Nairobi", "Nairobi", "Mombasa"]
    police = next(r for r in rows if r["actor1"] == "Police Forces of Kenya")
    assert police["fatalities"] == 5 and police["latitude"] == -1.29 and police["inter1"] == 1
    assert police["title"] == "Five killed as finance bill protests spread"


def test_ingest_is_idempotent(pg_url: str) -> None:
    with Store(pg_url) as store:
        first = store.add_batch(sample_batch())
        assert (first.documents, first.events, first.skipped) == (5, 12, 0)
    with Store(pg_url) as store:
        again = store.add_batch(sample_batch())
        assert (again.documents, again.events, again.skipped) == (0, 0, 5)
        assert store.counts() == {"articles": 5, "events": 12}
        assert store.has_document(sample_batch()[0][0])


def test_failed_batch_is_rolled_back(pg_url: str) -> None:
    syria = sample_batch()[0]  # its article has two ASSAULT events
    with Store(pg_url) as store:
        store.con.execute("ALTER TABLE events ADD CONSTRAINT one_per_type UNIQUE (article_id, plover_type)")
        stats = store.add_batch([syria])
        assert stats.documents == 0 and 'unique constraint "one_per_type"' in stats.failed[content_hash(syria[0].text)]
        assert store.counts() == {"articles": 0, "events": 0}


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_counts_by_period_match_duckdb(pg_sample: str, sample_db: Path, period: str) -> None:
    f = EventFilter(status="any")
    with Store(pg_sample, read_only=True) as pg, Store(sample_db, read_only=True) as dk:
        assert queries.counts_by_period(pg.con, f, period) == queries.counts_by_period(dk.con, f, period)


@pytest.mark.parametrize("by", ["type", "acled_type", "country", "admin1", "status"])
def test_counts_by_field_match_duckdb(pg_sample: str, sample_db: Path, by: str) -> None:
    f = EventFilter(status="any")
    with Store(pg_sample, read_only=True) as pg, Store(sample_db, read_only=True) as dk:
        assert queries.counts_by_field(pg.con, f, by) == queries.counts_by_field(dk.con, f, by)


def test_aggregates_over_postgres(pg_sample: str) -> None:
    with Store(pg_sample, read_only=True) as store:
        weeks = queries.counts_by_period(store.con, EventFilter(), "week")
        totals = queries.totals(store.con, EventFilter())
        clusters = queries.grid_clusters(store.con, EventFilter(country="KEN"), 1.0)
    assert weeks[0] == {"key": dt.date(2024, 2, 5), "events": 2, "fatalities": 0}
    assert totals == {
        "events": 10, "reports": 10, "fatalities": 18, "injured": 21, "abducted": 20, "arrested": 3,
        "displaced": 0, "articles": 5,
    }
    nairobi = clusters[0]
    assert (nairobi["events"], nairobi["fatalities"], nairobi["type"]) == (2, 5, "ASSAULT")
    assert nairobi["lat"] == pytest.approx(-1.29) and nairobi["event_id"] is None
    assert clusters[1]["events"] == 1 and clusters[1]["event_id"].endswith(":2")


def test_grid_clusters_match_duckdb(pg_sample: str, sample_db: Path) -> None:
    f = EventFilter(status="any")
    with Store(pg_sample, read_only=True) as pg, Store(sample_db, read_only=True) as dk:
        pg_cells = queries.grid_clusters(pg.con, f, 2.0)
        dk_cells = queries.grid_clusters(dk.con, f, 2.0)

    def key(cell: dict) -> tuple:
        return (-cell["events"], round(cell["lat"], 6), round(cell["lon"], 6))

    assert len(pg_cells) == len(dk_cells) == 6
    for pg_cell, dk_cell in zip(sorted(pg_cells, key=key), sorted(dk_cells, key=key), strict=True):
        assert pg_cell["lat"] == pytest.approx(dk_cell["lat"])
        assert pg_cell["lon"] == pytest.approx(dk_cell["lon"])
        assert {k: pg_cell[k] for k in ("events", "fatalities", "type", "event_id")} == {
            k: dk_cell[k] for k in ("events", "fatalities", "type", "event_id")
        }


def test_event_and_article_detail_match_duckdb(pg_sample: str, sample_db: Path) -> None:
    with Store(pg_sample, read_only=True) as pg, Store(sample_db, read_only=True) as dk:
        event_id = queries.query_events(dk.con, EventFilter(q="printing house"))[0][0]["event_id"]
        pg_event, dk_event = queries.get_event(pg.con, event_id), queries.get_event(dk.con, event_id)
        articles_pg = queries.list_articles(pg.con, q="kharkiv")
        articles_dk = queries.list_articles(dk.con, q="kharkiv")
    for found in (pg_event, dk_event, *articles_pg[0], *articles_dk[0]):
        (found.get("article") or found).pop("ingested_at")
    assert pg_event == dk_event
    assert pg_event["event"]["injured"]["best"] == 21
    assert articles_pg == articles_dk and articles_pg[1] == 1


def _without_timestamps(data: bytes, fmt: str) -> object:
    """An export's rows without the ``timestamp`` column (the two stores were filled at other times)."""
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    else:
        rows = [feature["properties"] for feature in json.loads(data)["features"]]
    assert rows and all(int(row.pop("timestamp")) > 0 for row in rows)
    return rows


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_text_exports_match_duckdb(pg_sample: str, sample_db: Path, fmt: str) -> None:
    pg_out, dk_out = io.BytesIO(), io.BytesIO()
    f = EventFilter(status="any")
    with Store(pg_sample, read_only=True) as pg, Store(sample_db, read_only=True) as dk:
        pg_stats = export_events(pg.con, f, fmt, pg_out, kind="all")
        dk_stats = export_events(dk.con, f, fmt, dk_out, kind="all")
    assert _without_timestamps(pg_out.getvalue(), fmt) == _without_timestamps(dk_out.getvalue(), fmt)
    assert pg_stats == dk_stats
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(pg_out.getvalue().decode("utf-8"))))
        assert len(rows) == 12 and rows[0]["year"] == "2024" and rows[0]["country"] == "Sudan"
    else:
        collection = json.loads(pg_out.getvalue())
        assert len(collection["features"]) == 10 and collection["omitted_without_coordinates"] == 2


def test_parquet_export_matches_duckdb(pg_sample: str, sample_db: Path, tmp_path: Path) -> None:
    with Store(pg_sample, read_only=True) as pg, Store(sample_db, read_only=True) as dk:
        export_events(pg.con, EventFilter(), "parquet", tmp_path / "pg.parquet")
        export_events(dk.con, EventFilter(), "parquet", tmp_path / "dk.parquet")
    pg_table, dk_table = pq.read_table(tmp_path / "pg.parquet"), pq.read_table(tmp_path / "dk.parquet")
    assert pg_table.drop_columns(["timestamp"]).equals(dk_table.drop_columns(["timestamp"]))
    assert pg_table.num_rows == 10 and sum(pg_table.column("fatalities").to_pylist()) == 18


def test_api_over_postgres(pg_sample: str) -> None:
    with TestClient(create_app(pg_sample, Settings())) as client:
        listed = client.get("/api/events", params={"country": "UKR", "status": "any"}).json()
        assert listed["total"] == 2
        assert {e["status"] for e in listed["events"]} == {"occurred", "failed"}
        detail = client.get(f"/api/events/{listed['events'][0]['event_id']}").json()
        assert detail["article"]["title"] == "Missile strike on Kharkiv printing house"
        meta = client.get("/api/meta").json()
        assert (meta["articles"], meta["events"]) == (5, 12)
        by_country = client.get("/api/aggregates", params={"by": "country"}).json()
        assert by_country["buckets"][0] == {"key": "KEN", "events": 3, "fatalities": 5}
        exported = client.get("/api/export", params={"format": "csv", "country": "SYR"})
        assert exported.status_code == 200 and exported.headers["x-event-count"] == "2"
        assert client.get("/api/events", params={"country": "Syria"}).status_code == 400


@pytest.mark.parametrize("cell", ["5e-324", "1e-300"])
def test_tiny_grid_cell_answers_400_over_postgres(pg_sample: str, cell: str) -> None:
    with TestClient(create_app(pg_sample, Settings())) as client:
        response = client.get("/api/aggregates", params={"by": "grid", "cell": cell})
        assert response.status_code == 400
        assert "greater than or equal to 0.0001" in response.json()["detail"]
        finest = client.get("/api/aggregates", params={"by": "grid", "cell": "0.0001"})
        assert sum(b["events"] for b in finest.json()["buckets"]) == 9


def test_cli_reads_a_postgres_url(pg_sample: str, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli_app, ["events", "--db", pg_sample, "--country", "NGA", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)["total"] == 2
    target = tmp_path / "events.geojson"
    exported = runner.invoke(cli_app, ["export", "--format", "geojson", "-o", str(target), "--db", pg_sample])
    assert exported.exit_code == 0, exported.output
    assert len(json.loads(target.read_text())["features"]) == 9  # the clash in Bahri has no coordinates


def test_migrations_are_applied_once_on_postgres(pg_url: str) -> None:
    with Store(pg_url) as store:
        first = store.con.execute("SELECT version, name, applied_at FROM schema_migrations").fetchall()
        assert apply_migrations(store.con, "postgresql") == []
    with Store(pg_url) as store:
        again = store.con.execute("SELECT version, name, applied_at FROM schema_migrations").fetchall()
    assert [row[0] for row in first] == [m.version for m in available()]
    assert again == first


def test_read_only_postgres(pg_url: str) -> None:
    with pytest.raises(FileNotFoundError, match="no events table"):
        Store(pg_url, read_only=True)
    Store(pg_url).close()
    with Store(pg_url, read_only=True) as store, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        store.con.execute("DELETE FROM events")


def test_newer_schema_is_refused(pg_url: str) -> None:
    with Store(pg_url) as store:
        store.con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    with pytest.raises(SchemaTooNewError, match="version 999"):
        Store(pg_url)


# Without a PostgreSQL server.


def test_migrations_are_applied_once_on_duckdb(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    listing = "SELECT version, name, applied_at FROM schema_migrations"
    with Store(db) as store:
        first = store.con.execute(listing).fetchall()
        assert apply_migrations(store.con, "duckdb") == []
    with Store(db) as store:
        assert store.con.execute(listing).fetchall() == first
    assert [row[0] for row in first] == [m.version for m in available()]


def test_duckdb_made_before_migrations_adopts_them(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.add_batch(sample_batch())
        store.con.execute("DROP TABLE schema_migrations")
    with Store(db) as store:
        assert store.counts() == {"articles": 5, "events": 12}
        versions = store.con.execute("SELECT version FROM schema_migrations").fetchall()
    assert versions == [(m.version,) for m in available()]
    with duckdb.connect(str(db), read_only=True) as con:
        columns = "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'events'"
        types = dict(con.execute(columns).fetchall())
    assert (types["latitude"], types["geonameid"], types["date_start"]) == ("DOUBLE", "BIGINT", "DATE")


def test_placeholders_are_rewritten_outside_literals() -> None:
    sql = "SELECT '?', '50%', \"a?b\" FROM t WHERE x = ? AND y LIKE 'it''s ?' AND z = ?"
    expected = "SELECT '?', '50%%', \"a?b\" FROM t WHERE x = %s AND y LIKE 'it''s ?' AND z = %s"
    assert to_pyformat(sql) == expected


def test_urls_are_recognised_and_redacted() -> None:
    assert is_postgres_url("postgresql://u@h/db") and is_postgres_url("postgres://h/db")
    assert not is_postgres_url("observatory.duckdb") and not is_postgres_url(Path("postgresql"))
    assert redact("postgresql://me:pa:ss@host:5432/db") == "postgresql://me:***@host:5432/db"
    assert redact("postgresql://me@host/db") == "postgresql://me@host/db"


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(ConnectionError, match="cannot connect to PostgreSQL") as raised:
        PgConnection("postgresql://me:secret@127.0.0.1:1/x")
    assert "postgresql://me:***@127.0.0.1:1/x" in str(raised.value) and "secret" not in str(raised.value)


def test_deduplication_on_postgresql_equals_duckdb(pg_url: str, tmp_path: Path) -> None:
    from observatory.store.dedupe import dedupe, dedupe_articles
    from test_dedupe import REPORTS

    def incidents(db: str) -> list[list[str]]:
        with Store(db) as store:
            dedupe_articles(store.con, [])  # creates the incidents table and view when missing
            rows = store.con.execute(
                "SELECT e.incident_id, a.doc_id FROM events e JOIN articles a USING (article_id) "
                "WHERE e.status = 'occurred'"
            ).fetchall()
            fatalities = store.con.execute(
                "SELECT fatalities_low, fatalities_best, fatalities_high FROM incidents ORDER BY 1, 2, 3"
            ).fetchall()
        grouped: dict[str, list[str]] = {}
        for incident, doc in rows:
            grouped.setdefault(incident, []).append(doc)
        return sorted(sorted(docs) for docs in grouped.values()) + [fatalities]

    duck = str(tmp_path / "twin.duckdb")
    for db in (duck, pg_url):
        with Store(db) as store:
            store.add_batch(REPORTS[:3])
            dedupe(store.con)
            store.add_batch(REPORTS[3:])
            dedupe_articles(store.con, sorted({content_hash(doc.text) for doc, _ in REPORTS[3:]}))
    assert incidents(pg_url) == incidents(duck)
    assert ["hyper-1", "hyper-2", "hyper-3"] in incidents(pg_url)


def test_actor_aliases_and_acled_exports_over_postgres(pg_url: str) -> None:
    from test_acled_export import acled_batch

    with Store(pg_url) as store:
        store.add_batch(acled_batch())
        rows, total = queries.query_events(store.con, EventFilter(actor="ISWAP"))
        buffer = io.BytesIO()
        export_events(store.con, EventFilter(actor="Houthi"), "csv", buffer)
    assert total == 1 and rows[0]["location"] == "Monguno"
    [drone] = csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8")))
    assert (drone["location"], drone["iso"], drone["fatalities"], drone["interaction"]) == ("Taiz", "887", "0", "10")


def test_incident_counts_and_exports_on_postgresql_equal_duckdb(pg_url: str, tmp_path: Path) -> None:
    from observatory.store.dedupe import dedupe
    from test_dedupe import REPORTS

    def counted(db: str) -> tuple:
        with Store(db) as store:
            store.add_batch(REPORTS)
            dedupe(store.con)
            con = store.con
            aggregates = [
                queries.counts_by_period(con, EventFilter(), "day"),
                queries.counts_by_field(con, EventFilter(), "type"),
                queries.grid_clusters(con, EventFilter(), 90.0),
                queries.totals(con, EventFilter(since=dt.date(2024, 5, 26))),
                queries.totals(con, EventFilter(), "report"),
            ]
            rows = []
            for unit in ("incident", "report"):
                buffer = io.BytesIO()
                export_events(con, EventFilter(), "csv", buffer, kind="all", unit=unit)
                rows.append([{k: v for k, v in r.items() if k != "timestamp"}
                             for r in csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8")))])
            strike = con.execute("SELECT incident_id FROM incidents WHERE n_reports = 3").fetchone()[0]
            detail = queries.get_incident(con, strike)
            detail.pop("updated_at")
            totals = queries.totals(con, EventFilter())
        return aggregates, rows, detail, totals

    duck, pg = counted(str(tmp_path / "twin.duckdb")), counted(pg_url)
    assert pg == duck
    aggregates, (incidents, reports), detail, totals = pg
    assert (totals["events"], totals["reports"], totals["fatalities"]) == (4, 6, 16 + 2 + 7)
    assert (len(incidents), len(reports)) == (4, 6)
    assert detail["fatalities_best"] == 16 and len(detail["reports"]) == 3
