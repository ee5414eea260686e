"""Exports parse back: ACLED-style CSV, GeoJSON and Parquet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import FORMULA_CELLS, FORMULA_TEXT, event, place
from observatory.cli import app
from observatory.evaluate.gold import read_acled_csv
from observatory.models import Document, DocumentResult, Location
from observatory.store.export import FIELDS, country_name, export_events
from observatory.store.ingest import Store
from observatory.store.queries import EventFilter


@pytest.fixture
def con(sample_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(sample_db))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_neutralises_formula_cells_but_not_numbers(formula_db: Path) -> None:
    buffer = io.BytesIO()
    with duckdb.connect(str(formula_db)) as con:
        export_events(con, EventFilter(), "csv", buffer)
    [row] = csv_rows(buffer.getvalue())
    for column, stored in FORMULA_CELLS.items():
        assert row[column] == "'" + stored, column
    assert (row["latitude"], row["longitude"], row["fatalities"]) == ("-12.05", "-77.04", "2")
    assert (row["event_date"], row["country"], row["inter1"]) == ("2024-07-01", "Peru", "3")


def test_raw_csv_keeps_the_cells_as_stored(formula_db: Path) -> None:
    buffer = io.BytesIO()
    with duckdb.connect(str(formula_db)) as con:
        export_events(con, EventFilter(), "csv", buffer, raw=True)
    [row] = csv_rows(buffer.getvalue())
    assert {column: row[column] for column in FORMULA_CELLS} == FORMULA_CELLS


def test_neutralised_csv_loads_as_acled_data(formula_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    with duckdb.connect(str(formula_db)) as con:
        export_events(con, EventFilter(), "csv", out)
        types = {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM read_csv('{out}')").fetchall()}
        [(lat, lon, fatalities)] = con.execute(
            f"SELECT latitude, longitude, fatalities FROM read_csv('{out}')"
        ).fetchall()
    assert (types["latitude"], types["longitude"], types["fatalities"]) == ("DOUBLE", "DOUBLE", "BIGINT")
    assert (lat, lon, fatalities) == (-12.05, -77.04, 2)
    [gold] = read_acled_csv(out)  # observatory's own ACLED reader takes the quote off again
    assert gold.text == FORMULA_TEXT
    [gold_event] = gold.gold["events"]
    assert gold_event["actor1"] == FORMULA_CELLS["actor1"]
    assert (gold_event["location"]["lat"], gold_event["location"]["lon"]) == (-12.05, -77.04)


def test_cli_export_and_events_csv_neutralise_formulas(formula_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    db = str(formula_db)
    assert runner.invoke(app, ["export", "-o", str(safe), "--db", db]).exit_code == 0
    assert runner.invoke(app, ["export", "-o", str(raw), "--raw", "--db", db]).exit_code == 0
    [safe_row], [raw_row] = csv_rows(safe.read_bytes()), csv_rows(raw.read_bytes())
    assert safe_row["source"] == "'" + FORMULA_CELLS["source"]
    assert raw_row["source"] == FORMULA_CELLS["source"]
    listed = runner.invoke(app, ["events", "--format", "csv", "--db", db])
    assert listed.exit_code == 0, listed.output
    [row] = csv_rows(listed.stdout_bytes)
    assert list(row) == list(safe_row)  # the export's columns
    assert (row["actor1"], row["notes"]) == ("'" + FORMULA_CELLS["actor1"], "'" + FORMULA_TEXT)
    assert (row["latitude"], row["longitude"]) == ("-12.05", "-77.04")


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
    # the hypothetical threat has no ACLED type: it is in the verbal export, not in the ACLED one
    assert {r["status"] for r in rows} == {"occurred", "failed"}
    buffer = io.BytesIO()
    export_events(con, EventFilter(status="any"), "csv", buffer, kind="verbal")
    [threat] = csv_rows(buffer.getvalue())
    assert (threat["status"], threat["plover_type"], threat["event_type"]) == ("hypothetical", "THREATEN", "")


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
    assert table.column_names == [*FIELDS, "geometry"]
    assert sorted(table.column("fatalities").to_pylist()) == [0, 0, 5]  # none reported is 0, as in ACLED
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
    assert country_name("XKX") == "Kosovo"  # ACLED's names, where pycountry has none
    assert country_name("COD") == "Democratic Republic of Congo"
    assert country_name("ZZZ") == "ZZZ"
    assert country_name(None) is None


@pytest.fixture
def country_level_db(tmp_path: Path) -> Path:
    """A store with one protest known only at country level (Ukraine) and one at a town (Lviv)."""
    text = "Thousands protested in Ukraine on Sunday. Police detained two men in Lviv on Monday."
    ukraine = Location(text="Ukraine", name="Ukraine", geonameid=690791, country="UKR", precision=3)
    protest = event(text, "Thousands protested in Ukraine on Sunday.", plover_type="PROTEST",
                    acled_event_type="Protests", acled_sub_event_type="Peaceful protest", location=ukraine,
                    day=dt.date(2024, 5, 5))
    arrest = event(text, "Police detained two men in Lviv on Monday.", plover_type="COERCE",
                   acled_event_type="Strategic developments", acled_sub_event_type="Arrests",
                   location=place("Lviv", 49.84, 24.02, "UKR", "Lviv"), day=dt.date(2024, 5, 6))
    doc = Document(id="ukraine", text=text, source="Kyiv Daily", published=dt.date(2024, 5, 7))
    path = tmp_path / "country.duckdb"
    with Store(path) as store:
        store.add_batch([(doc, DocumentResult(id=doc.id, events=[protest, arrest]))])
    return path


def test_country_level_place_exports_without_a_point(country_level_db: Path, tmp_path: Path) -> None:
    """ACLED CSV: empty latitude and longitude, geo_precision 3, the country and no admin1; the file still
    loads with numeric coordinates. GeoJSON: a feature with null geometry. GeoParquet: a null geometry."""
    out = tmp_path / "events.csv"
    with duckdb.connect(str(country_level_db)) as con:
        export_events(con, EventFilter(), "csv", out)
        types = {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM read_csv('{out}')").fetchall()}
        loaded = con.execute(f"SELECT location, latitude, longitude FROM read_csv('{out}') ORDER BY location"
                             ).fetchall()
        geojson, parquet = io.BytesIO(), tmp_path / "events.parquet"
        stats = export_events(con, EventFilter(), "geojson", geojson)
        export_events(con, EventFilter(), "parquet", parquet)
    assert (types["latitude"], types["longitude"]) == ("DOUBLE", "DOUBLE")
    assert loaded == [("Lviv", 49.84, 24.02), ("Ukraine", None, None)]
    row = next(r for r in csv_rows(out.read_bytes()) if r["location"] == "Ukraine")
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == ("", "", "3")
    assert (row["country"], row["iso"], row["iso3"], row["admin1"], row["admin2"]) == ("Ukraine", "804", "UKR", "", "")
    places = {g.gold_event["location"]["name"]: g.gold_event["location"]["lat"] for g in read_acled_csv(out)}
    assert places == {"Lviv": 49.84, "Ukraine": None}
    collection = json.loads(geojson.getvalue())
    geometries = {f["properties"]["location"]: f["geometry"] for f in collection["features"]}
    assert geometries == {"Lviv": {"type": "Point", "coordinates": [24.02, 49.84]}, "Ukraine": None}
    assert stats.written == 2 and collection["omitted_without_coordinates"] == 0
    table = pq.read_table(parquet).to_pylist()
    assert {r["location"]: r["geometry"] is None for r in table} == {"Lviv": False, "Ukraine": True}
