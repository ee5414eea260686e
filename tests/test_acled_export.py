"""ACLED-complete exports: ACLED's 31 columns, types and conventions as pandas reads them, the verbal
export, GeoParquet, and the CLI's filters, aliases and CSV view."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import struct
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import actor, event, place
from observatory.cli import app
from observatory.models import Document, DocumentResult, Location, Quantity
from observatory.store import acled
from observatory.store.export import ACLED_FIELDS, FIELDS, export_events
from observatory.store.ingest import Store
from observatory.store.queries import EventFilter

runner = CliRunner()

DARAA = (
    "DARAA, Syria - Government forces and allied militiamen shelled Daraa al-Balad on Sunday, killing three "
    "civilians, activists said. Rebels clashed with the army near Busra al-Harir, and two fighters died. "
    "The governor called for calm."
)
BORNO = (
    "MAIDUGURI - ISWAP fighters attacked a military base in Monguno on Friday and five soldiers were killed. "
    "Hundreds of women protested in Maiduguri on Saturday over the killings."
)
YEMEN = "ADEN - Houthi forces fired a drone at a market in Taiz on Monday; no casualties were reported."


def _daraa(lat: float = 32.62, lon: float = 36.10) -> Location:
    """The town as GeoNames spells it, in the governorate as the curated names spell it."""
    return Location(text="Daraa", name="Dar‘ā", lat=lat, lon=lon, country="SYR", admin1="Daraa", precision=1)


def acled_batch() -> list[tuple[Document, DocumentResult]]:
    """Three articles: Syria (shelling with an associated actor, a clash, a statement), Nigeria (ISWAP,
    a protest of 400), Yemen (a Houthi drone strike without fatalities)."""
    syr_army = actor("Military Forces of Syria (2000-)", 1, "SYR", "MIL")
    syria = [
        event(
            DARAA,
            "DARAA, Syria - Government forces and allied militiamen shelled Daraa al-Balad on Sunday, killing "
            "three civilians, activists said.",
            plover_type="ASSAULT",
            acled_event_type="Explosions/Remote violence",
            acled_sub_event_type="Shelling/artillery/missile attack",
            actors=[syr_army, actor("NDF: National Defence Forces", 1, "SYR", "MIL")],
            recipients=[actor("Civilians (Syria)", 7, "SYR", "CVL")],
            location=_daraa(),
            day=dt.date(2024, 3, 10),
            fatalities=3,
        ),
        event(
            DARAA,
            "Rebels clashed with the army near Busra al-Harir, and two fighters died.",
            plover_type="ASSAULT",
            acled_event_type="Battles",
            acled_sub_event_type="Armed clash",
            actors=[actor("Opposition Rebels (Syria)", 2, "SYR", "REB")],
            recipients=[syr_army],
            location=place("Buşrá al Ḩarīr", 32.84, 36.34, "SYR", "Daraa"),
            day=dt.date(2024, 3, 10),
            fatalities=2,
        ),
        event(
            DARAA, "The governor called for calm.", plover_type="APPEAL", location=_daraa(), day=dt.date(2024, 3, 10)
        ),
    ]
    nigeria = [
        event(
            BORNO,
            "MAIDUGURI - ISWAP fighters attacked a military base in Monguno on Friday and five soldiers were killed.",
            plover_type="ASSAULT",
            acled_event_type="Battles",
            acled_sub_event_type="Armed clash",
            actors=[actor("Islamic State (West Africa)", 2, "NGA", "INS")],
            recipients=[actor("Military Forces of Nigeria (2023-)", 1, "NGA", "MIL")],
            location=place("Monguno", 12.67, 13.61, "NGA", "Borno"),
            day=dt.date(2024, 4, 5),
            fatalities=5,
        ),
        event(
            BORNO,
            "Hundreds of women protested in Maiduguri on Saturday over the killings.",
            plover_type="PROTEST",
            acled_event_type="Protests",
            acled_sub_event_type="Peaceful protest",
            actors=[actor("Protesters (Nigeria)", 6, "NGA", "PRO")],
            location=place("Maiduguri", 11.85, 13.16, "NGA", "Borno"),
            day=dt.date(2024, 4, 6),
            participants=Quantity(low=400, best=400, high=400),
        ),
    ]
    yemen = [
        event(
            YEMEN,
            YEMEN,
            plover_type="ASSAULT",
            acled_event_type="Explosions/Remote violence",
            acled_sub_event_type="Air/drone strike",
            actors=[actor("Military Forces of Yemen (2016-) Supreme Political Council", 1, "YEM", "REB")],
            location=place("Taiz", 13.58, 44.02, "YEM", "Taiz"),
            day=dt.date(2024, 5, 6),
        ),
    ]
    docs = [
        (Document(id="daraa", text=DARAA, source="Hawran News", url="https://example.org/daraa"), syria),
        (Document(id="borno", text=BORNO, source="Sahel Daily", published=dt.date(2024, 4, 7)), nigeria),
        (Document(id="yemen", text=YEMEN, source="Aden Times"), yemen),
    ]
    return [(doc, DocumentResult(id=doc.id, events=events)) for doc, events in docs]


@pytest.fixture
def acled_db(tmp_path: Path) -> Path:
    path = tmp_path / "acled.duckdb"
    with Store(path) as store:
        store.add_batch(acled_batch())
    return path


def export_csv(db: Path, **options: object) -> bytes:
    buffer = io.BytesIO()
    with Store(db, read_only=True) as store:
        export_events(store.con, EventFilter(), "csv", buffer, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_pandas_reads_acled_types_and_sums_fatalities(acled_db: Path) -> None:
    df = pd.read_csv(io.BytesIO(export_csv(acled_db)))
    assert list(df.columns[: len(ACLED_FIELDS)]) == list(ACLED_FIELDS) and len(ACLED_FIELDS) == 31
    assert list(df.columns) == list(FIELDS)
    assert df["fatalities"].dtype == "int64"  # 0, not blank, when none is reported
    assert df["iso"].dtype == "int64" and df["interaction"].dtype == "int64" and df["inter2"].dtype == "int64"
    assert df["latitude"].dtype == "float64" and df["longitude"].dtype == "float64"
    assert df["timestamp"].dtype == "int64"
    dates = pd.to_datetime(df["event_date"], format="%Y-%m-%d")
    assert dates.min() == pd.Timestamp("2024-03-10")
    totals = df.groupby(["country", "event_type"]).fatalities.sum().to_dict()
    assert totals == {
        ("Nigeria", "Battles"): 5,
        ("Nigeria", "Protests"): 0,
        ("Syria", "Battles"): 2,
        ("Syria", "Explosions/Remote violence"): 3,
        ("Yemen", "Explosions/Remote violence"): 0,
    }
    assert len(df) == 6 - 1  # the governor's appeal has no ACLED type


def test_acled_conventions_of_each_column(acled_db: Path) -> None:
    rows = {r["sub_event_type"] + "/" + r["iso"]: r for r in rows_of(export_csv(acled_db))}
    shelling = rows["Shelling/artillery/missile attack/760"]
    assert shelling["event_id_cnty"].startswith("SYR") and shelling["event_id_cnty"][3:].isdigit()
    assert (shelling["disorder_type"], shelling["interaction"], shelling["civilian_targeting"]) == (
        "Political violence", "17", "Civilian targeting"
    )
    assert shelling["assoc_actor_1"] == "NDF: National Defence Forces"
    assert (shelling["inter1"], shelling["inter2"], shelling["region"], shelling["country"]) == (
        "1", "7", "Middle East", "Syria"
    )
    assert (shelling["location"], shelling["admin1"]) == ("Daraa", "Daraa")  # one ASCII spelling of the place
    assert (shelling["url"], shelling["date_basis"], shelling["source"]) == (
        "https://example.org/daraa", "text", "Hawran News"
    )
    assert DARAA[int(shelling["evidence_start"]) : int(shelling["evidence_end"])] == shelling["notes"]
    clash = rows["Armed clash/760"]
    assert (clash["interaction"], clash["civilian_targeting"], clash["location"]) == ("12", "", "Busra al Harir")
    protest = rows["Peaceful protest/566"]
    assert (protest["disorder_type"], protest["interaction"], protest["inter2"], protest["region"]) == (
        "Demonstrations", "60", "0", "Western Africa"
    )
    assert (protest["tags"], protest["fatalities"], protest["participants"]) == ("crowd size=400", "0", "400")
    drone = rows["Air/drone strike/887"]
    assert (drone["fatalities"], drone["interaction"], drone["civilian_targeting"]) == ("0", "10", "")
    assert int(drone["timestamp"]) > dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()


def test_ascii_place_names() -> None:
    assert acled.ascii_place("Dar‘ā") == acled.ascii_place("Darʿā") == "Dara"
    assert acled.ascii_place("Łuków") == "Lukow" and acled.ascii_place("Straßgang") == "Strassgang"
    assert acled.ascii_place("Saint John’s") == "Saint John's"
    assert acled.ascii_places("Ma’rib", "Marib", None) == ("Marib", "Marib", None)
    assert acled.ascii_places("Tafas", "Daraa", None) == ("Tafas", "Daraa", None)


def test_ids_are_stable_and_unique(acled_db: Path) -> None:
    first = [r["event_id_cnty"] for r in rows_of(export_csv(acled_db))]
    again = {r["event_id"]: r["event_id_cnty"] for r in rows_of(export_csv(acled_db, kind="all"))}
    assert len(set(first)) == len(first) == 5
    assert set(first) < set(again.values())


def test_verbal_events_have_their_own_export(acled_db: Path) -> None:
    [appeal] = rows_of(export_csv(acled_db, kind="verbal"))
    assert (appeal["plover_type"], appeal["event_type"], appeal["disorder_type"]) == ("APPEAL", "", "")
    assert appeal["notes"] == "The governor called for calm."
    with pytest.raises(ValueError, match="unknown export kind"):
        export_csv(acled_db, kind="speech")


def test_geoparquet_has_dates_integers_and_wkb_points(acled_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    with Store(acled_db, read_only=True) as store:
        export_events(store.con, EventFilter(), "parquet", out)
    table = pq.read_table(out)
    assert table.schema.field("event_date").type == pa.date32()
    assert table.schema.field("fatalities").type == pa.int64() and table.column("fatalities").null_count == 0
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"] == {"encoding": "WKB", "geometry_types": ["Point"]}
    row = next(r for r in table.to_pylist() if r["location"] == "Monguno")
    assert row["event_date"] == dt.date(2024, 4, 5)
    order, kind, lon, lat = struct.unpack("<BIdd", row["geometry"])
    assert (order, kind, lon, lat) == (1, 1, 13.61, 12.67)


def test_geojson_properties_are_the_export_columns(acled_db: Path) -> None:
    buffer = io.BytesIO()
    with Store(acled_db, read_only=True) as store:
        export_events(store.con, EventFilter(), "geojson", buffer)
    features = json.loads(buffer.getvalue())["features"]
    assert len(features) == 5
    assert list(features[0]["properties"]) == list(FIELDS)
    assert {f["id"] for f in features} == {f["properties"]["event_id_cnty"] for f in features}


def _cli_export(db: Path, tmp_path: Path, *options: str) -> list[dict[str, str]]:
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", "--db", str(db), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return rows_of(out.read_bytes())


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (("--country", "NGA"), {"Monguno", "Maiduguri"}),
        (("--actor", "ISWAP"), {"Monguno"}),  # an alias of Islamic State (West Africa)
        (("--actor", "Houthi"), {"Taiz"}),  # an alias of the Houthis' Supreme Political Council forces
        (("--actor", "islamic state"), {"Monguno"}),  # a substring of the name, as before
        (("--since", "2024-04-01", "--until", "2024-04-05"), {"Monguno"}),
        (("--type", "Protests"), {"Maiduguri"}),
        (("--type", "Armed clash", "--admin1", "borno"), {"Monguno"}),
        (("--bbox", "35,32,37,33"), {"Daraa", "Busra al Harir"}),
        (("--q", "drone"), {"Taiz"}),
        (("--kind", "verbal"), {"Daraa"}),
    ],
)
def test_cli_export_takes_the_api_filters(
    acled_db: Path, tmp_path: Path, options: tuple[str, ...], expected: set[str]
) -> None:
    assert {r["location"] for r in _cli_export(acled_db, tmp_path, *options)} == expected


def test_api_actor_filter_matches_aliases(acled_db: Path) -> None:
    from fastapi.testclient import TestClient

    from observatory.serve.api import create_app

    with TestClient(create_app(str(acled_db), read_only=True)) as client:
        listed = client.get("/api/events", params={"actor": "ISWAP"}).json()
        exported = client.get("/api/export", params={"actor": "Houthis", "format": "csv"})
    assert [e["location"] for e in listed["events"]] == ["Monguno"]
    assert [r["location"] for r in rows_of(exported.content)] == ["Taiz"]


def test_cli_export_rejects_a_bad_kind_or_filter(acled_db: Path, tmp_path: Path) -> None:
    for options, message in (
        (["--kind", "speech"], "--kind must be one of acled, verbal, all"),
        (["--country", "Syria"], "country must be an ISO 3166 alpha-3 code"),
        (["--bbox", "1,2,3"], "bbox must be four comma-separated numbers"),
    ):
        result = runner.invoke(app, ["export", "--db", str(acled_db), "-o", str(tmp_path / "x.csv"), *options])
        assert result.exit_code == 2 and message in result.output, result.output
        assert "Traceback" not in result.output


def test_events_csv_is_the_export_without_a_page_cap(tmp_path: Path) -> None:
    text = "Gunmen killed a farmer in Zamfara on Monday."
    many = [
        event(text, text, plover_type="ASSAULT", acled_event_type="Violence against civilians",
              acled_sub_event_type="Attack", day=dt.date(2024, 1, 1) + dt.timedelta(days=i % 300), fatalities=1)
        for i in range(1005)
    ]
    db = tmp_path / "many.duckdb"
    with Store(db) as store:
        store.add_batch([(Document(id="zamfara", text=text), DocumentResult(id="zamfara", events=many))])
    listed = runner.invoke(app, ["events", "--db", str(db), "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    rows = rows_of(listed.stdout_bytes)
    assert len(rows) == 1005 and list(rows[0]) == list(FIELDS)
    exported = _cli_export(db, tmp_path)
    assert [r["event_id_cnty"] for r in rows] == [r["event_id_cnty"] for r in exported]
    limited = runner.invoke(app, ["events", "--db", str(db), "--format", "csv", "--limit", "1002"])
    assert len(rows_of(limited.stdout_bytes)) == 1002


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,aliases,country,sector,acled_inter\nFoo,Bar,SYRIA,REB,2\n",
         "line 2: country 'SYRIA' is not an ISO 3166 alpha-3 code"),
        ("name,aliases\nFoo,Bar\n", "line 1: the header lacks the column(s) country, sector, acled_inter"),
        ("name,aliases,country,sector,acled_inter\nFoo,Bar,SYR,REB,12\n", "line 2: acled_inter '12' is not"),
    ],
)
@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_a_bad_actor_file_is_one_error_line(tmp_path: Path, command: str, content: str, message: str) -> None:
    actors = tmp_path / "my_actors.csv"
    actors.write_text(content, encoding="utf-8")
    text = tmp_path / "note.txt"
    text.write_text("Gunmen killed two people in Kano on Monday.", encoding="utf-8")
    options = ["--db", str(tmp_path / "x.duckdb")] if command == "ingest" else []
    result = runner.invoke(app, [command, str(text), "--actors", str(actors), *options])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: ") and str(actors) in line and message in line
