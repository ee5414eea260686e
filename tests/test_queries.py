"""Queries over the hand-built sample store: filters, paging, single events, aggregates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError

from observatory.store import queries
from observatory.store.queries import EventFilter


@pytest.fixture
def con(sample_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(sample_db))
    yield connection
    connection.close()


def ids_of(rows: list[dict]) -> set[str]:
    return {row["location"] or "unlocated" for row in rows}


def test_default_filter_returns_occurred_events_newest_first(con: duckdb.DuckDBPyConnection) -> None:
    rows, total = queries.query_events(con, EventFilter())
    assert total == 10
    assert all(row["status"] == "occurred" for row in rows)
    dates = [row["date_start"] for row in rows]
    assert dates == sorted(dates, reverse=True)
    assert rows[0]["title"] == "Five killed as finance bill protests spread"


def test_status_any_includes_failed_and_hypothetical(con: duckdb.DuckDBPyConnection) -> None:
    rows, total = queries.query_events(con, EventFilter(status="any"))
    assert total == 12
    assert {row["status"] for row in rows} == {"occurred", "failed", "hypothetical"}
    assert rows[-1]["date_start"] is None  # undated events sort last
    _, failed = queries.query_events(con, EventFilter(status="failed"))
    assert failed == 1


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"country": "ken"}, {"Nairobi", "Mombasa"}),
        ({"plover_type": "coerce"}, {"Konduga", "Omdurman"}),
        ({"acled_event_type": "Battles"}, {"Saraqib", "unlocated"}),
        ({"acled_sub_event_type": "Arrests"}, {"Konduga"}),
        ({"actor": "boko"}, {"Maiduguri"}),
        ({"actor": "military forces of syria"}, {"Idlib", "Saraqib"}),  # actor1 or actor2
        ({"admin1": "borno"}, {"Maiduguri", "Konduga"}),
        ({"q": "PRINTING house"}, {"Kharkiv"}),
        ({"since": dt.date(2024, 6, 1)}, {"Nairobi", "Mombasa"}),
        ({"until": dt.date(2024, 2, 9)}, {"Omdurman", "unlocated"}),
        ({"since": dt.date(2024, 3, 12), "until": dt.date(2024, 4, 2)}, {"Saraqib", "Maiduguri"}),
        ({"bbox": "30,10,40,20"}, {"Omdurman"}),
        ({"bbox": (35, -5, 40, 0)}, {"Nairobi", "Mombasa"}),
    ],
)
def test_filters(con: duckdb.DuckDBPyConnection, fields: dict, expected: set[str]) -> None:
    rows, total = queries.query_events(con, EventFilter(**fields))
    assert ids_of(rows) == expected
    assert total == len(rows)


def test_bbox_across_the_antimeridian(con: duckdb.DuckDBPyConnection) -> None:
    rows, _ = queries.query_events(con, EventFilter(bbox=(170, -90, 14, 90)))
    assert ids_of(rows) == {"Maiduguri", "Konduga"}


def test_paging(con: duckdb.DuckDBPyConnection) -> None:
    first, total = queries.query_events(con, EventFilter(limit=4))
    second, _ = queries.query_events(con, EventFilter(limit=4, offset=4))
    last, _ = queries.query_events(con, EventFilter(limit=4, offset=8))
    assert total == 10
    assert [len(first), len(second), len(last)] == [4, 4, 2]
    all_ids = [r["event_id"] for r in first + second + last]
    assert len(set(all_ids)) == 10


def test_user_text_is_data_not_sql(con: duckdb.DuckDBPyConnection) -> None:
    rows, total = queries.query_events(con, EventFilter(actor="' OR 1=1 --", q="%"))
    assert (rows, total) == ([], 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"since": "2024-05-01", "until": "2024-04-01"}, "is after until"),
        ({"bbox": "1,2,3"}, "four comma-separated numbers"),
        ({"bbox": "a,b,c,d"}, "must be numbers"),
        ({"bbox": "10,50,20,40"}, "min_lat is greater than max_lat"),
        ({"bbox": "-200,0,10,10"}, "longitudes"),
        ({"limit": 1001}, "less than or equal to 1000"),
        ({"limit": 0}, "greater than or equal to 1"),
        ({"offset": -1}, "greater than or equal to 0"),
        ({"plover_type": "FIGHT"}, "unknown PLOVER type"),
        ({"acled_event_type": "Wars"}, "unknown ACLED event type"),
        ({"country": "Kenya"}, "ISO 3166 alpha-3"),
        ({"status": "maybe"}, "status"),
    ],
)
def test_invalid_filters_are_rejected_with_a_message(fields: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        EventFilter(**fields)


def test_get_event_carries_its_record_and_article(con: duckdb.DuckDBPyConnection) -> None:
    rows, _ = queries.query_events(con, EventFilter(q="printing house"))
    event = queries.get_event(con, rows[0]["event_id"])
    assert event is not None
    article = event["article"]
    assert article["doc_id"] == "ukraine-1"
    assert article["text"][event["evidence_start"] : event["evidence_end"]] == event["evidence_text"]
    assert event["event"]["injured"]["best"] == 21
    assert event["event"]["actors"][0]["name"] == "Military Forces of Russia"
    assert [e["status"] for e in article["events"]] == ["occurred", "failed"]
    assert queries.get_event(con, "nope:0") is None


def test_list_articles(con: duckdb.DuckDBPyConnection) -> None:
    rows, total = queries.list_articles(con, limit=2)
    assert total == 5
    assert [r["doc_id"] for r in rows] == ["kenya-1", "ukraine-1"]
    assert rows[0]["events"] == 3
    found, count = queries.list_articles(con, q="borno")
    assert count == 1 and found[0]["doc_id"] == "nigeria-1"


def test_counts_by_period(con: duckdb.DuckDBPyConnection) -> None:
    days = queries.counts_by_period(con, EventFilter(), "day")
    assert {(str(b["key"]), b["events"]) for b in days} >= {("2024-06-25", 3), ("2024-02-09", 2)}
    assert sum(b["events"] for b in days) == 10
    weeks = queries.counts_by_period(con, EventFilter(), "week")
    # 2024-03-11 (Monday) and 2024-03-12 fall in the same ISO week.
    assert {"key": dt.date(2024, 3, 11), "events": 2, "fatalities": 6} in weeks


def test_counts_by_field_and_totals(con: duckdb.DuckDBPyConnection) -> None:
    by_type = {b["key"]: b["events"] for b in queries.counts_by_field(con, EventFilter(), "type")}
    assert by_type == {"ASSAULT": 6, "PROTEST": 2, "COERCE": 2}
    by_admin1 = queries.counts_by_field(con, EventFilter(country="NGA"), "admin1")
    assert by_admin1 == [{"country": "NGA", "key": "Borno", "events": 2, "fatalities": 0}]
    totals = queries.totals(con, EventFilter())
    assert totals == {
        "events": 10,
        "reports": 10,
        "fatalities": 18,
        "injured": 21,
        "abducted": 20,
        "arrested": 3,
        "displaced": 0,
        "articles": 5,
    }


def test_grid_clusters(con: duckdb.DuckDBPyConnection) -> None:
    coarse = queries.grid_clusters(con, EventFilter(), cell=90)
    assert sum(c["events"] for c in coarse) == 9  # the undated Bahri clash has no coordinates
    fine = queries.grid_clusters(con, EventFilter(), cell=0.01)
    singles = [c for c in fine if c["events"] == 1]
    assert all(c["event_id"] for c in singles)
    nairobi = next(c for c in fine if c["events"] == 2)
    assert (nairobi["lat"], nairobi["lon"], nairobi["fatalities"]) == (-1.29, 36.82, 5)


@pytest.mark.parametrize("cell", [5e-324, 0.0, 90.5])
def test_grid_clusters_refuse_a_cell_out_of_range(con: duckdb.DuckDBPyConnection, cell: float) -> None:
    with pytest.raises(ValueError, match=r"cell must lie in \[0.0001, 90.0\] degrees"):
        queries.grid_clusters(con, EventFilter(), cell=cell)


def test_ensure_indexes_is_idempotent(con: duckdb.DuckDBPyConnection) -> None:
    queries.ensure_indexes(con)
    queries.ensure_indexes(con)
    names = {r[0] for r in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    assert set(queries.INDEXES) <= names
