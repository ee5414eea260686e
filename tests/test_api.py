"""The REST API through FastAPI's TestClient: every endpoint, auth, bad parameters, exports, uploads."""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FORMULA_CELLS
from observatory.config import Settings
from observatory.models import Document, DocumentResult, Event, Evidence
from observatory.serve.api import create_app
from observatory.store.ingest import content_hash

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class KeywordExtractor:
    """A stand-in for pipeline.Extractor: one PROTEST event per sentence that mentions "protest"."""

    def __init__(self) -> None:
        self.calls = 0

    def extract(self, doc: Document) -> DocumentResult:
        self.calls += 1
        events, start = [], 0
        for sentence in doc.text.split(". "):
            if "protest" in sentence.lower():
                evidence = Evidence(text=sentence, start=start, end=start + len(sentence))
                events.append(Event(plover_type="PROTEST", evidence=evidence))
            start += len(sentence) + 2
        return DocumentResult(id=doc.id, events=events)


def make_client(db: Path, **options: object) -> TestClient:
    app = create_app(str(db), Settings(**options))
    app.state.extractor = KeywordExtractor()
    return TestClient(app)


@pytest.fixture
def client(sample_db: Path) -> Iterator[TestClient]:
    with make_client(sample_db, api_token=TOKEN, max_document_bytes=2000) as test_client:
        yield test_client


def event_id_where(client: TestClient, **params: str) -> str:
    events = client.get("/api/events", params=params).json()["events"]
    assert len(events) == 1, events
    return events[0]["event_id"]


# ---------- reads ----------


def test_list_events_with_filters_and_paging(client: TestClient) -> None:
    body = client.get("/api/events").json()
    assert (body["total"], body["limit"], body["offset"], len(body["events"])) == (10, 100, 0, 10)
    page = client.get("/api/events", params={"limit": 3, "offset": 9}).json()
    assert (page["total"], len(page["events"])) == (10, 1)
    kenya = client.get("/api/events", params={"country": "KEN", "actor": "POLICE"}).json()
    assert [e["actor1"] for e in kenya["events"]] == ["Police Forces of Kenya"]
    everything = client.get("/api/events", params={"status": "any", "limit": 1000}).json()
    assert everything["total"] == 12
    boxed = client.get("/api/events", params={"bbox": "30,10,40,20"}).json()
    assert [e["location"] for e in boxed["events"]] == ["Omdurman"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2024-05-01", "until": "2024-04-01"}, "since (2024-05-01) is after until (2024-04-01)"),
        ({"since": "yesterday"}, "since: Input should be a valid date"),
        ({"bbox": "1,2,3"}, "bbox must be four comma-separated numbers"),
        ({"bbox": "1,2,3,x"}, "bbox values must be numbers"),
        ({"limit": "1001"}, "limit: Input should be less than or equal to 1000"),
        ({"limit": "ten"}, "limit: Input should be a valid integer"),
        ({"offset": "-5"}, "offset: Input should be greater than or equal to 0"),
        ({"plover_type": "FIGHT"}, "unknown PLOVER type 'FIGHT'"),
        ({"acled_event_type": "Skirmish"}, "unknown ACLED event type"),
        ({"country": "Kenya"}, "ISO 3166 alpha-3"),
        ({"status": "rumoured"}, "status: Input should be"),
        ({"q": "x" * 500}, "q: String should have at most 200 characters"),
    ],
)
def test_bad_event_parameters_answer_400_with_a_message(
    client: TestClient, params: dict, message: str
) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_event_detail_and_404(client: TestClient) -> None:
    event_id = event_id_where(client, q="printing house")
    detail = client.get(f"/api/events/{event_id}").json()
    text = detail["article"]["text"]
    assert text[detail["evidence_start"] : detail["evidence_end"]] == detail["evidence_text"]
    assert detail["event"]["injured"] == {"low": 21, "best": 21, "high": 21}
    assert detail["article"]["title"] == "Missile strike on Kharkiv printing house"
    missing = client.get("/api/events/no-such-event")
    assert missing.status_code == 404
    assert "no-such-event" in missing.json()["detail"]


def test_articles(client: TestClient) -> None:
    body = client.get("/api/articles", params={"limit": 2}).json()
    assert body["total"] == 5 and len(body["articles"]) == 2
    assert "text" not in body["articles"][0]
    article_id = content_hash(
        client.get("/api/events/" + event_id_where(client, q="printing")).json()["article"]["text"]
    )
    article = client.get(f"/api/articles/{article_id}").json()
    assert article["doc_id"] == "ukraine-1"
    assert len(article["events"]) == 2
    assert client.get("/api/articles/0000").status_code == 404
    assert client.get("/api/articles", params={"limit": 0}).status_code == 400


def test_aggregates(client: TestClient) -> None:
    weeks = client.get("/api/aggregates", params={"by": "week"}).json()
    assert weeks["totals"]["events"] == 10 and weeks["totals"]["fatalities"] == 18
    assert {"key": "2024-06-24", "events": 3, "fatalities": 5} in weeks["buckets"]
    types = client.get("/api/aggregates", params={"by": "type", "country": "KEN"}).json()
    assert {b["key"]: b["events"] for b in types["buckets"]} == {"PROTEST": 2, "ASSAULT": 1}
    admin1 = client.get("/api/aggregates", params={"by": "admin1"}).json()["buckets"]
    assert {"country": "NGA", "key": "Borno", "events": 2, "fatalities": 0} in admin1
    grid = client.get("/api/aggregates", params={"by": "grid", "cell": "90"}).json()
    assert sum(b["events"] for b in grid["buckets"]) == 9
    days = client.get("/api/aggregates", params={"by": "day", "status": "any"}).json()
    assert sum(b["events"] for b in days["buckets"]) == 11  # one event is undated
    bad = client.get("/api/aggregates", params={"by": "planet"})
    assert bad.status_code == 400 and "by:" in bad.json()["detail"]
    assert client.get("/api/aggregates", params={"by": "grid", "cell": "0"}).status_code == 400


@pytest.mark.parametrize("cell", ["5e-324", "1e-300", "0.00009", "nan", "inf", "-1", "91"])
def test_grid_cell_out_of_range_answers_400(client: TestClient, cell: str) -> None:
    response = client.get("/api/aggregates", params={"by": "grid", "cell": cell})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("cell: ")


def test_finest_grid_cell_keeps_every_event_apart(client: TestClient) -> None:
    grid = client.get("/api/aggregates", params={"by": "grid", "cell": "0.0001"}).json()["buckets"]
    assert sum(b["events"] for b in grid) == 9
    assert len(grid) == 8  # the two occurred events in Nairobi share the town's coordinates


def test_summary_counts_as_the_aggregates_do(client: TestClient) -> None:
    """The dashboard's one-pass counts are those of the separate aggregates, for every kind."""
    for kind in ("all", "acled", "verbal"):
        params = {"kind": kind, "status": "any"}
        summary = client.get("/api/summary", params={**params, "types": "type"}).json()
        by_type = client.get("/api/aggregates", params={**params, "by": "type", "extent": "true"}).json()
        assert summary["totals"] == by_type["totals"]
        assert summary["extent"] == by_type["extent"]
        assert summary["types"] == by_type["buckets"]
        for by, key in (("actor", "actors"), ("admin1", "admin1")):
            buckets = client.get("/api/aggregates", params={**params, "by": by, "totals": "false"}).json()
            assert "totals" not in buckets
            assert sorted(summary[key], key=str) == sorted(buckets["buckets"], key=str)
    summary = client.get("/api/summary").json()
    assert summary["period"] == "day"  # the sample's dates span months, not years
    assert summary["extent"]["dates"] == ["2024-02-09", "2024-06-25"]
    days = client.get("/api/aggregates", params={"by": "day", "stack": "true", "types": "acled_type"}).json()
    expected = sorted((b["key"], b["type"] or "", b["events"]) for b in days["buckets"])
    assert sorted((b["key"], b["type"] or "", b["events"]) for b in summary["timeline"]) == expected
    assert sum(b["events"] for b in summary["timeline"]) == summary["totals"]["events"]  # the undated is not occurred


def test_incident_pages_sort_and_page_the_units(client: TestClient) -> None:
    every = client.get("/api/events", params={"limit": 100}).json()["events"]
    by_toll = sorted(every, key=lambda e: (-(e["fatalities"] or -1), e["event_id"]))
    first = client.get("/api/incidents", params={"sort": "fatalities:desc", "limit": 3}).json()
    assert first["total"] == len(every) == 10
    assert [r["event_id"] for r in first["rows"]] == [e["event_id"] for e in by_toll[:3]]
    assert first["rows"][0]["fatalities"] == 7 and first["rows"][0]["n_events"] == 1
    second = client.get("/api/incidents", params={"sort": "fatalities:desc", "limit": 3, "offset": 3}).json()
    assert [r["event_id"] for r in second["rows"]] == [e["event_id"] for e in by_toll[3:6]]
    beyond = client.get("/api/incidents", params={"offset": 50}).json()
    assert beyond["rows"] == [] and beyond["total"] == 10
    verbal = client.get("/api/incidents", params={"kind": "verbal", "status": "any"}).json()
    assert verbal["rows"] and all(r["acled_event_type"] is None for r in verbal["rows"])
    dates = [r["date_start"] for r in client.get("/api/incidents", params={"sort": "date_start:asc"}).json()["rows"]]
    assert dates[: len([d for d in dates if d])] == sorted(d for d in dates if d)  # undated ones last
    bad = client.get("/api/incidents", params={"sort": "event_json:asc"})
    assert bad.status_code == 400 and "sort must be" in bad.json()["detail"]


def test_map_cells_describe_single_units_and_colour_by_type(client: TestClient) -> None:
    cells = client.get("/api/aggregates", params={"by": "map", "cell": "0.0001", "totals": "false"}).json()["buckets"]
    assert sum(c["events"] for c in cells) == 9
    [kharkiv] = [c for c in cells if c["label"] == "Kharkiv"]
    assert kharkiv == {
        "lat": kharkiv["lat"], "lon": kharkiv["lon"], "events": 1, "fatalities": 7,
        "type": "Explosions/Remote violence", "label": "Kharkiv", "event_id": kharkiv["event_id"],
        "sub_type": "Shelling/artillery/missile attack", "admin1": "Kharkiv", "country": "Ukraine",
        "date": "2024-05-23", "reports": 1,
    }
    [nairobi] = [c for c in cells if c["events"] == 2]  # two protests in Nairobi: one cell, no single unit
    assert nairobi["type"] == "Protests" and nairobi["event_id"] is None and nairobi["label"] == "Nairobi"
    kenya = {"by": "map", "cell": "90", "country": "KEN", "types": "type"}
    [world] = client.get("/api/aggregates", params=kenya).json()["buckets"]
    assert world["events"] == 3 and world["type"] == "PROTEST"  # two protests and a shooting: most units
    [tied] = client.get("/api/aggregates", params={**kenya, "admin1": "Nairobi"}).json()["buckets"]
    assert tied["events"] == 2 and tied["type"] == "ASSAULT"  # a march and the shooting: the deadlier type


def test_min_confidence_filters_every_listing_count_and_export(client: TestClient) -> None:
    """The confidence threshold applies alike to the events, the incident pages, the counts and the exports."""
    params = {"min_confidence": "0.75"}
    events = client.get("/api/events", params=params).json()["events"]
    assert sorted(e["confidence"] for e in events) == [0.8, 0.9]
    page = client.get("/api/incidents", params=params).json()
    assert page["total"] == 2 and sorted(r["confidence"] for r in page["rows"]) == [0.8, 0.9]
    by_type = client.get("/api/aggregates", params={**params, "by": "acled_type"}).json()
    assert {b["key"]: b["events"] for b in by_type["buckets"]} == {"Explosions/Remote violence": 1, "Battles": 1}
    assert by_type["totals"]["events"] == 2 and by_type["totals"]["fatalities"] == 6
    assert client.get("/api/summary", params=params).json()["totals"]["events"] == 2
    exported = client.get("/api/export", params={**params, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert sorted(float(r["confidence"]) for r in rows) == [0.8, 0.9] and exported.headers["X-Event-Count"] == "2"
    assert client.get("/api/events", params={"min_confidence": "0.95"}).json()["total"] == 0
    for bad in ("1.5", "-0.1", "nan", "high"):
        response = client.get("/api/events", params={"min_confidence": bad})
        assert response.status_code == 400 and "min_confidence" in response.json()["detail"]


def test_meta(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    assert (meta["articles"], meta["events"]) == (5, 12)
    assert "ASSAULT" in meta["plover_types"] and meta["statuses"][-1] == "any"
    assert meta["write_enabled"] is True


# ---------- exports ----------


def test_export_csv(client: TestClient) -> None:
    response = client.get("/api/export", params={"format": "csv", "country": "NGA"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["location"] for r in rows} == {"Maiduguri", "Konduga"}
    assert response.headers["x-event-count"] == "2"


def test_export_geojson(client: TestClient) -> None:
    response = client.get("/api/export", params={"format": "geojson"})
    collection = json.loads(response.content)
    assert len(collection["features"]) == 9
    assert response.headers["x-omitted-without-coordinates"] == "1"
    assert all(f["geometry"]["type"] == "Point" for f in collection["features"])


def test_export_parquet_with_all_statuses(client: TestClient) -> None:
    response = client.get("/api/export", params={"format": "parquet", "status": "any", "kind": "all"})
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == 12
    assert set(table.column("status").to_pylist()) == {"occurred", "failed", "hypothetical"}
    # by default the ACLED kind: the hypothetical threat (no ACLED type) is left to kind=verbal
    acled = pq.read_table(io.BytesIO(client.get("/api/export", params={"format": "parquet", "status": "any"}).content))
    verbal = client.get("/api/export", params={"format": "csv", "status": "any", "kind": "verbal"})
    assert acled.num_rows == 11 and verbal.headers["x-event-count"] == "1"


def test_export_csv_neutralises_formulas_unless_raw(formula_db: Path) -> None:
    with make_client(formula_db) as formula_client:
        safe = formula_client.get("/api/export", params={"format": "csv"})
        raw = formula_client.get("/api/export", params={"format": "csv", "raw": "true"})
    [safe_row] = csv.DictReader(io.StringIO(safe.text, newline=""))
    [raw_row] = csv.DictReader(io.StringIO(raw.text, newline=""))
    for column, stored in FORMULA_CELLS.items():
        assert (safe_row[column], raw_row[column]) == ("'" + stored, stored), column
    assert (safe_row["latitude"], safe_row["longitude"]) == ("-12.05", "-77.04")


def test_export_bad_format(client: TestClient) -> None:
    response = client.get("/api/export", params={"format": "xlsx"})
    assert response.status_code == 400
    assert "format" in response.json()["detail"]


# ---------- posting documents ----------

PROTEST_TEXT = "Hundreds of students staged a protest in Dhaka on Monday. Police watched from a distance."


def test_post_documents_json(client: TestClient) -> None:
    body = {
        "documents": [
            {"id": "dhaka-1", "text": PROTEST_TEXT, "title": "Dhaka protest", "published": "2024-07-01"}
        ]
    }
    response = client.post("/api/documents", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    result = response.json()
    article_id = content_hash(PROTEST_TEXT)
    assert (result["added"], result["events"], result["skipped"]) == (1, 1, 0)
    assert result["documents"] == [
        {"id": "dhaka-1", "article_id": article_id, "status": "added", "event_ids": [f"{article_id}:0"]}
    ]
    stored = client.get(f"/api/events/{article_id}:0").json()
    assert stored["evidence_text"] == "Hundreds of students staged a protest in Dhaka on Monday"
    again = client.post("/api/documents", json=body, headers=AUTH).json()
    assert (again["added"], again["skipped"], again["documents"][0]["status"]) == (0, 1, "duplicate")
    assert client.app.state.extractor.calls == 1  # duplicates are not extracted again


def test_post_documents_multipart_files(client: TestClient) -> None:
    jsonl = "\n".join(
        json.dumps({"id": f"d{i}", "text": f"Farmers protest number {i} in Lahore."}) for i in range(2)
    )
    files = [
        ("files", ("report.txt", b"Workers held a protest outside the mill. Nobody was hurt.", "text/plain")),
        ("files", ("batch.jsonl", jsonl.encode(), "application/x-ndjson")),
        ("files", ("bad.jsonl", b"{not json}\n", "application/x-ndjson")),
    ]
    response = client.post("/api/documents", files=files, headers=AUTH)
    assert response.status_code == 200, response.text
    result = response.json()
    assert [d["id"] for d in result["documents"]] == ["report", "d0", "d1"]
    assert (result["added"], result["events"]) == (3, 3)
    assert result["errors"] == [
        "bad.jsonl:1: invalid JSON (Expecting property name enclosed in double quotes)"
    ]


def test_post_documents_needs_the_token(client: TestClient) -> None:
    body = {"documents": [{"id": "x", "text": PROTEST_TEXT}]}
    missing = client.post("/api/documents", json=body)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/documents", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert client.get("/api/meta").json()["events"] == 12


def test_post_documents_without_configured_token_is_unavailable(sample_db: Path) -> None:
    with make_client(sample_db) as no_token:
        response = no_token.post("/api/documents", json={"documents": []}, headers=AUTH)
        assert response.status_code == 503
        assert "OBSERVATORY_API_TOKEN" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "body is not valid JSON"),
        (b'{"documents": []}', "documents: List should have at least 1 item"),
        (b'{"documents": [{"text": "no id"}]}', "documents.0.id: Field required"),
        (b'{"documents": [{"id": "latin-1", "text": "caf\xe9 protest"}]}', "body is not UTF-8"),
        (b'{"documents": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", "body is not valid JSON"),
        (b'{"documents": [{"id": "s", "text": "\\ud800 protest"}]}', "body is not valid JSON"),
    ],
    ids=["truncated", "empty", "no-id", "not-utf-8", "nested-too-deep", "lone-surrogate"],
)
def test_post_documents_bad_bodies(client: TestClient, body: bytes, message: str) -> None:
    response = client.post(
        "/api/documents", content=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_post_documents_size_limits(client: TestClient) -> None:
    big = {"documents": [{"id": "big", "text": "protest " * 400}]}  # 3200 bytes > 2000
    response = client.post("/api/documents", json=big, headers=AUTH)
    assert response.status_code == 413
    assert "'big' is larger than 2000 bytes" in response.json()["detail"]
    huge_file = [("files", ("huge.txt", b"x" * 2500, "text/plain"))]
    assert client.post("/api/documents", files=huge_file, headers=AUTH).status_code == 413
    body = json.dumps({"documents": [{"id": "pad", "text": "y" * 25_000}]}).encode()
    whole = client.post("/api/documents", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert whole.status_code == 413
    assert "request body is larger than 20000 bytes" in whole.json()["detail"]


def test_post_documents_rejects_other_content_types(client: TestClient) -> None:
    response = client.post("/api/documents", content=b"hello", headers={**AUTH, "Content-Type": "text/plain"})
    assert response.status_code == 415


# ---------- read protection, dashboard, OpenAPI ----------


def test_reads_can_require_the_token(sample_db: Path) -> None:
    with make_client(sample_db, api_token=TOKEN, read_token_required=True) as locked:
        assert locked.get("/api/events").status_code == 401
        assert locked.get("/api/export", params={"format": "csv"}).status_code == 401
        assert locked.get("/api/events", headers=AUTH).json()["total"] == 10
        assert locked.get("/").status_code == 200  # the page itself loads and asks for the token


def test_openapi_needs_the_token_when_reads_do(sample_db: Path) -> None:
    with make_client(sample_db, api_token=TOKEN, read_token_required=True) as locked:
        refused = locked.get("/openapi.json")
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert "/api/events" in locked.get("/openapi.json", headers=AUTH).json()["paths"]
        assert locked.head("/openapi.json").status_code == 401
        for page in ("/docs", "/redoc", "/docs/oauth2-redirect"):  # no documentation pages at all
            assert locked.get(page).status_code == 404


@pytest.mark.parametrize("path", ["/", "/api/meta", "/api/events?country=KEN", "/openapi.json", "/static/app.js"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.headers["content-security-policy"] == got.headers["content-security-policy"]


def test_head_follows_the_rules_of_get(sample_db: Path) -> None:
    with make_client(sample_db, api_token=TOKEN, read_token_required=True) as locked:
        assert locked.head("/api/events").status_code == 401
        assert locked.head("/api/events", headers=AUTH).status_code == 200
        assert locked.head("/api/events?limit=0", headers=AUTH).status_code == 400
        assert locked.head("/api/events/nope", headers=AUTH).status_code == 404
        assert locked.head("/api/documents", headers=AUTH).status_code == 405  # POST only
        assert "head" not in locked.get("/openapi.json", headers=AUTH).json()["paths"]["/api/events"]


def test_dashboard_is_served_with_a_strict_csp(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<div id="map"' in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    for asset in ("app.js", "style.css", "world.geojson"):
        assert client.get(f"/static/{asset}").status_code == 200
    basemap = client.get("/static/world.geojson").json()
    assert len(basemap["features"]) > 200


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/aggregates",
        "/api/export",
        "/api/documents",
    ):
        assert path in paths
    names = {p["name"] for p in paths["/api/events"]["get"]["parameters"]}
    assert {
        "plover_type",
        "actor",
        "country",
        "since",
        "until",
        "bbox",
        "status",
        "q",
        "limit",
        "offset",
    } <= names


FILTER_NAMES = ("plover_type", "acled_event_type", "actor", "country", "admin1", "since", "until", "bbox")
QUERY_VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
    st.lists(st.floats(-400, 400), min_size=0, max_size=5).map(lambda v: ",".join(map(str, v))),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from((*FILTER_NAMES, "status", "q", "limit", "offset", "by", "cell", "format")),
        QUERY_VALUES,
        max_size=5,
    ),
    path=st.sampled_from(("/api/events", "/api/aggregates", "/api/export", "/api/articles")),
)
def test_any_query_string_answers_200_or_400(client: TestClient, params: dict, path: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code in (200, 400), (path, params, response.text)
    if response.status_code == 400:
        assert response.json()["detail"]


def test_post_documents_with_the_real_pipeline(tmp_path: Path) -> None:
    """End to end: the app's own Extractor reads a report, the events are stored and served back."""
    text = (
        "ALEPPO, Syria - Government warplanes struck a market in the town of Atarib on Wednesday, "
        "killing nine civilians, a monitoring group said."
    )
    with TestClient(create_app(str(tmp_path / "real.duckdb"), Settings(api_token=TOKEN))) as real:
        body = {"documents": [{"id": "atarib", "text": text, "published": "2024-05-02"}]}
        result = real.post("/api/documents", json=body, headers=AUTH).json()
        assert result["added"] == 1 and result["events"] >= 1
        event_id = result["documents"][0]["event_ids"][0]
        detail = real.get(f"/api/events/{event_id}").json()
        assert detail["plover_type"] == "ASSAULT"
        assert text[detail["evidence_start"] : detail["evidence_end"]] == detail["evidence_text"]
        assert real.get("/api/events", params={"country": "SYR"}).json()["total"] >= 1


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVATORY_API_TOKEN", "abc")
    monkeypatch.setenv("OBSERVATORY_READ_TOKEN_REQUIRED", "1")
    monkeypatch.setenv("OBSERVATORY_MAX_DOCUMENT_BYTES", "5000")
    assert Settings.from_env() == Settings(api_token="abc", read_token_required=True, max_document_bytes=5000)
    monkeypatch.setenv("OBSERVATORY_MAX_DOCUMENT_BYTES", "lots")
    with pytest.raises(ValueError, match="must be an integer"):
        Settings.from_env()


def test_serve_prints_the_dashboard_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import uvicorn

    from observatory.serve.api import serve

    calls = []

    def run(server: uvicorn.Server, sockets: list) -> None:
        calls.append((server.config.host, server.config.port, server.config.log_level, sockets[0].getsockname()))
        sockets[0].close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve(str(tmp_path / "new.duckdb"), "127.0.0.1", port)
    assert f"http://127.0.0.1:{port}/" in capsys.readouterr().out
    assert calls == [("127.0.0.1", port, "warning", ("127.0.0.1", port))]
    monkeypatch.setenv("OBSERVATORY_MAX_DOCUMENT_BYTES", "lots")
    with pytest.raises(SystemExit, match="OBSERVATORY_MAX_DOCUMENT_BYTES must be an integer"):
        serve(str(tmp_path / "new.duckdb"), "127.0.0.1", 8123)


def test_served_connections_send_without_waiting_for_acknowledgements() -> None:
    """`observatory serve` listens on its own socket: the connections it accepts have TCP_NODELAY, so an answer
    written as headers then body is not held back by Nagle's algorithm until the client acknowledges."""
    from observatory.serve.api import _listening_socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    listener = _listening_socket("127.0.0.1", port)
    try:
        with socket.create_connection(("127.0.0.1", port)):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listener.close()
