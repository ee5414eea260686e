"""Exports parse back: ACLED-style CSV, GeoJSON and Parquet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from observatory.export import FIELDS, country_name, export_events
from observatory.queries import EventFilter


@pytest.fixture
def con(sample_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(sample_db))


def test_csv_has_acled_columns_and_every_occurred_event(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    out = tmp_path / "events.csv"
    stats = export_events(con, EventFilter(limit=1), "csv", out)  # paging does not limit exports
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert stats.written == len(rows) == 10
    assert list(rows[0]) == list(FIELDS)
    kharkiv = next(r for r in rows if r["location"] == "Kharkiv")
    assert kharkiv["event_date"] == "2024-05-23"
    assert kharkiv["year"] == "2024"
    assert kharkiv["time_precision"] == "1"
    assert kharkiv["event_type"] == "Explosions/Remote violence"
    assert kharkiv["sub_event_type"] == "Shelling/artillery/missile attack"
    assert (kharkiv["actor1"], kharkiv["inter1"], kharkiv["actor2"], kharkiv["inter2"]) == (
        "Military Forces of Russia",
        "8",
        "Civilians (Ukraine)",
        "7",
    )
    assert (kharkiv["country"], kharkiv["iso3"], kharkiv["admin1"]) == ("Ukraine", "UKR", "Kharkiv")
    assert (kharkiv["fatalities"], kharkiv["injured"], kharkiv["source"]) == ("7", "21", "Kyiv Ledger")
    assert kharkiv["notes"].startswith("KHARKIV, Ukraine - A Russian missile struck")
    assert {r["status"] for r in rows} == {"occurred"}


def test_csv_keeps_markup_and_commas_intact(con: duckdb.DuckDBPyConnection) -> None:
    buffer = io.BytesIO()
    export_events(con, EventFilter(country="SDN"), "csv", buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"))))
    assert any(
        "<script>window.__xss=1</script> and set shops on fire, witnesses said." in r["notes"] for r in rows
    )


def test_all_statuses_only_when_asked(con: duckdb.DuckDBPyConnection) -> None:
    buffer = io.BytesIO()
    export_events(con, EventFilter(status="any"), "csv", buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"))))
    assert sorted(r["status"] for r in rows).count("occurred") == 10
    assert {r["status"] for r in rows} == {"occurred", "failed", "hypothetical"}


def test_geojson_points_and_omitted_count(con: duckdb.DuckDBPyConnection) -> None:
    buffer = io.BytesIO()
    stats = export_events(con, EventFilter(), "geojson", buffer)
    collection = json.loads(buffer.getvalue())
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == stats.written == 9
    assert collection["omitted_without_coordinates"] == stats.omitted_without_coordinates == 1
    omdurman = next(f for f in collection["features"] if f["properties"]["location"] == "Omdurman")
    assert omdurman["geometry"] == {"type": "Point", "coordinates": [32.48, 15.64]}
    assert omdurman["properties"]["claimant"] == "witnesses"


def test_parquet_round_trip(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    stats = export_events(con, EventFilter(country="KEN"), "parquet", out)
    table = pq.read_table(out)
    assert stats.written == table.num_rows == 3
    assert table.column_names == list(FIELDS)
    assert sorted(table.column("fatalities").to_pylist(), key=lambda v: v or 0) == [None, None, 5]
    assert set(table.column("location").to_pylist()) == {"Nairobi", "Mombasa"}


def test_empty_export_is_still_valid(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    f = EventFilter(actor="nobody at all")
    out = tmp_path / "none.parquet"
    export_events(con, f, "parquet", out)
    assert pq.read_table(out).num_rows == 0
    buffer = io.BytesIO()
    export_events(con, f, "geojson", buffer)
    assert json.loads(buffer.getvalue())["features"] == []


def test_unknown_format_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_events(con, EventFilter(), "xlsx", io.BytesIO())  # type: ignore[arg-type]


def test_country_name() -> None:
    assert country_name("SYR") == "Syria"
    assert country_name("XKX") == "XKX"
    assert country_name(None) is None
