"""The command line end to end: extract, ingest (idempotent), events, export, bad inputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from observatory.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()

ARTICLES = [
    {
        "id": "kirkuk-ied",
        "published": "2021-09-08",
        "text": "KIRKUK, Iraq (Tigris Wire) — A roadside bomb struck an Iraqi army patrol near Hawija in Kirkuk "
        "province on Tuesday, killing three soldiers and wounding two, security officials said.",
    },
    {
        "id": "nairobi-march",
        "published": "2023-03-21",
        "text": "About 2,000 teachers marched peacefully through central Nairobi on Monday to demand higher pay, "
        "the Kenya National Union of Teachers said.",
    },
]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    return path


def test_extract_writes_one_line_per_document(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["kirkuk-ied", "nairobi-march"]
    ied = next(e for e in lines[0]["events"] if e["acled_sub_event_type"] == "Remote explosive/landmine/IED")
    assert ied["fatalities"]["best"] == 3 and ied["injured"]["best"] == 2
    assert ied["location"]["country"] == "IRQ"
    assert ied["date"]["start"] == "2021-09-07"
    protest = next(e for e in lines[1]["events"] if e["plover_type"] == "PROTEST")
    assert protest["acled_sub_event_type"] == "Peaceful protest"
    assert protest["participants"]["best"] == 2000


def test_bad_inputs_get_one_line_each_and_others_go_on(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(FIXTURES / "bad"), str(tmp_path / "missing.txt"), "-o", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "broken.jsonl:2: invalid JSON" in result.output
    assert "binary.txt: binary data" in result.output
    assert "empty.txt: empty text" in result.output
    assert "missing.txt: no such file or directory" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    good = [r for r in records if "error" not in r]
    assert {r["id"] for r in good} >= {"page", "latin1"}
    assert sum(1 for r in records if "error" in r) == 4


def test_ingest_is_idempotent_and_queries_work(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "events.duckdb")
    first = runner.invoke(app, ["ingest", str(corpus), "--db", db])
    assert first.exit_code == 0, first.output
    assert "ingested 2 documents" in first.output
    again = runner.invoke(app, ["ingest", str(corpus), "--db", db])
    assert again.exit_code == 0
    assert "ingested 0 documents (0 events); skipped 2 already stored" in again.output

    listed = runner.invoke(app, ["events", "--db", db, "--country", "IRQ", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    payload = json.loads(listed.stdout)
    assert payload["total"] >= 1
    assert all(row["country"] == "IRQ" for row in payload["events"])

    bad = runner.invoke(app, ["events", "--db", db, "--since", "yesterday"])
    assert bad.exit_code == 2 and "--since must be a date" in bad.output

    csv_path = tmp_path / "events.csv"
    assert runner.invoke(app, ["export", "--format", "csv", "-o", str(csv_path), "--db", db]).exit_code == 0
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert rows and {"event_date", "event_type", "sub_event_type", "latitude", "longitude"} <= set(rows[0])
    parquet_path = tmp_path / "events.parquet"
    assert runner.invoke(app, ["export", "--format", "parquet", "-o", str(parquet_path), "--db", db]).exit_code == 0
    assert pq.read_table(parquet_path).num_rows == len(rows)
    geojson_path = tmp_path / "events.geojson"
    assert runner.invoke(app, ["export", "--format", "geojson", "-o", str(geojson_path), "--db", db]).exit_code == 0
    features = json.loads(geojson_path.read_text(encoding="utf-8"))["features"]
    assert all(f["geometry"]["type"] == "Point" for f in features)


def test_events_on_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_min_confidence_filters_events_and_exports(sample_db: Path, tmp_path: Path) -> None:
    db = str(sample_db)
    listed = runner.invoke(app, ["events", "--db", db, "--min-confidence", "0.75", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert sorted(row["confidence"] for row in json.loads(listed.stdout)["events"]) == [0.8, 0.9]
    as_csv = runner.invoke(app, ["events", "--db", db, "--min-confidence", "0.85", "--format", "csv"])
    assert [row["confidence"] for row in csv.DictReader(as_csv.stdout.splitlines())] == ["0.9"]
    out = tmp_path / "confident.csv"
    exported = runner.invoke(app, ["export", "--db", db, "--min-confidence", "0.75", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert sorted(float(row["confidence"]) for row in csv.DictReader(out.open(encoding="utf-8"))) == [0.8, 0.9]
    bad = runner.invoke(app, ["events", "--db", db, "--min-confidence", "1.5"])
    assert bad.exit_code == 2 and "less than or equal to 1" in bad.output


def test_schema_matches_models(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    event = schema["$defs"]["Event"]["properties"]
    assert {"plover_type", "acled_sub_event_type", "actors", "location", "date", "status", "evidence"} <= set(event)
    committed = json.loads((Path(__file__).parents[1] / "docs" / "output-schema.json").read_text(encoding="utf-8"))
    assert committed == schema, "docs/output-schema.json is stale: run `observatory schema -o docs/output-schema.json`"


def test_workers_and_dask_partitions_store_the_same_events(corpus: Path, tmp_path: Path) -> None:
    serial_db, parallel_db, dask_db = (str(tmp_path / f"{n}.duckdb") for n in ("serial", "parallel", "dask"))
    assert runner.invoke(app, ["ingest", str(corpus), "--db", serial_db]).exit_code == 0
    assert runner.invoke(app, ["ingest", str(corpus), "--db", parallel_db, "--workers", "2"]).exit_code == 0
    parts = tmp_path / "parts"
    made = runner.invoke(app, ["extract", str(corpus), "--dask", "local", "-o", str(parts)])
    assert made.exit_code == 0, made.output
    loaded = runner.invoke(app, ["ingest", str(parts), "--db", dask_db])
    assert loaded.exit_code == 0, loaded.output

    def events(db: str) -> list[tuple]:
        import duckdb

        with duckdb.connect(db, read_only=True) as con:
            return con.execute(
                "SELECT article_id, acled_sub_event_type, fatalities FROM events ORDER BY event_id"
            ).fetchall()

    assert events(serial_db) and events(serial_db) == events(parallel_db) == events(dask_db)
    mixed = runner.invoke(app, ["ingest", str(parts), str(corpus), "--db", dask_db])
    assert mixed.exit_code == 2 and "not both" in mixed.output
