"""Exports of filtered events: ACLED-complete CSV, GeoJSON FeatureCollection and GeoParquet.

A row is an incident (``unit="incident"``, the default: the reports of one incident in one row, with its
reconciled values and the list of its reports) or a report (``unit="report"``: every stored event), as
``queries.units_sql`` gives them. Rows carry ACLED's 31 columns with ACLED's names, order and conventions
(``observatory.store.acled``), then observatory's own. Rows are read from the database and written in batches,
so an export of any size holds one batch in memory. The column-by-column codebook is docs/codebook.md.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from observatory.store import acled
from observatory.store.backends import Connection
from observatory.store.queries import KIND_SQL, KINDS, EventFilter, Kind, Unit, kind_where, units_sql

if TYPE_CHECKING:
    import pyarrow as pa

Format = Literal["csv", "geojson", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "geojson", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
}
BATCH_ROWS = 2000
ASSOCIATED_SEPARATOR = "; "  # ACLED separates the associated actors of one side with "; "
LIST_SEPARATOR = "; "  # ACLED separates the sources of one event with "; "; so do the lists of reports

# ACLED "time_precision": 1 the day is known, 2 the week, 3 the month or coarser.
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}

ACLED_FIELDS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
OWN_FIELDS = (
    "event_id", "iso3", "status", "confidence", "plover_type", "plover_mode", "injured", "abducted", "arrested",
    "displaced", "participants", "claimant", "date_end", "date_basis", "url", "article_id", "incident_id",
    "evidence_start", "evidence_end", "fatalities_low", "fatalities_high", "report_count", "event_ids", "article_ids",
    "urls", "reports", "review_status",
)
FIELDS = (*ACLED_FIELDS, *OWN_FIELDS)

INTEGER_FIELDS = frozenset({
    "year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities", "timestamp",
    "injured", "abducted", "arrested", "displaced", "participants", "evidence_start", "evidence_end",
    "fatalities_low", "fatalities_high", "report_count",
})
FLOAT_FIELDS = frozenset({"latitude", "longitude", "confidence"})
DATE_FIELDS = frozenset({"event_date", "date_end"})
GEOMETRY_COLUMN = "geometry"

# Columns read for each row, from the relation of ``queries.units_sql``.
_STORED = (
    "unit_id", "event_id", "country", "date_start", "date_end", "date_precision", "acled_event_type",
    "acled_sub_event_type", "actor1", "inter1", "actor2", "inter2", "admin1", "admin2", "location", "latitude",
    "longitude", "geo_precision", "source", "sources", "evidence_text", "fatalities", "plover_type", "plover_mode",
    "fatalities_low", "fatalities_high", "status", "confidence", "injured", "abducted", "arrested", "displaced",
    "participants", "claimant", "url", "article_id", "incident_id", "evidence_start", "evidence_end", "changed_at",
    "event_json", "review_status",
)
# The article's columns (``a``) beside those of the unit relation (``e``).
# The row's last change: its article's ingest, its incident's last write, its review or re-extraction
# (event_stamps, observatory.store.changes); its review status (event_reviews, observatory.store.review).
_CHANGED = ("greatest(coalesce(e.updated_at, a.ingested_at), coalesce(s.added_at, a.ingested_at), "
            "coalesce(s.updated_at, a.ingested_at))")
_ARTICLE_VALUES = {"source": "a.source", "url": "a.url", "changed_at": _CHANGED, "review_status": "r.review_status"}
_REVIEW_JOINS = (
    "LEFT JOIN event_reviews r ON r.event_id = e.event_id LEFT JOIN event_stamps s ON s.event_id = e.event_id"
)
# The reports of the incidents of a batch of rows, in event id order.
_REPORTS_SQL = (
    "SELECT m.incident_id, m.event_id, m.article_id, a.source, a.url, m.fatalities, m.evidence_text, "
    "m.evidence_start, m.evidence_end FROM events m JOIN articles a ON a.article_id = m.article_id "
    "WHERE m.incident_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) ORDER BY m.incident_id, m.event_id"
)
_REPORT_KEYS = ("event_id", "article_id", "source", "url", "fatalities", "notes", "evidence_start", "evidence_end")

# First characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

country_name = acled.country_name


@dataclass
class ExportStats:
    """How many events were written, and how many were left out for lack of coordinates (GeoJSON)."""

    written: int = 0
    omitted_without_coordinates: int = 0


def neutralise_formula(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with a single quote as OWASP recommends.

    Only strings change: numbers (a negative longitude, say) are written as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_formulas(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every text cell passed through ``neutralise_formula``."""
    return {key: neutralise_formula(value) for key, value in record.items()}


def _associated(parties: list[dict[str, Any]]) -> str | None:
    """The names of the parties after the first of one side, as ACLED's assoc_actor column lists them."""
    names = dict.fromkeys(party["name"] for party in parties[1:] if party.get("name"))
    return ASSOCIATED_SEPARATOR.join(names) or None


def _report(stored: dict[str, Any]) -> dict[str, Any]:
    """A row's own report, as the ``reports`` column lists it."""
    values = [stored[key] for key in ("event_id", "article_id", "source", "url", "fatalities", "evidence_text",
                                       "evidence_start", "evidence_end")]
    return dict(zip(_REPORT_KEYS, values, strict=True))


def _joined(values: list[Any]) -> str | None:
    """Distinct non-empty values in order, separated by ``LIST_SEPARATOR``."""
    return LIST_SEPARATOR.join(dict.fromkeys(str(v) for v in values if v)) or None


def export_record(stored: dict[str, Any], reports: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One export row (the columns of ``FIELDS``) from one unit row (``queries.units_sql``) and the reports
    it stands for (an incident's members; by default the row's own event)."""
    reports = reports or [_report(stored)]
    event = json.loads(stored["event_json"])
    event_type, sub_event_type = stored["acled_event_type"], stored["acled_sub_event_type"]
    inter1, inter2 = stored["inter1"] or 0, stored["inter2"] or 0
    disorder = acled.disorder_type(event_type, sub_event_type)
    iso3 = stored["country"]
    day = stored["date_start"]
    changed = stored["changed_at"]
    source = LIST_SEPARATOR.join(json.loads(stored["sources"])) if stored["sources"] else stored["source"]
    location, admin1, admin2 = acled.ascii_places(stored["location"], stored["admin1"], stored["admin2"])
    return {
        "event_id_cnty": acled.event_id_cnty(stored["unit_id"], iso3),
        "event_date": day,
        "year": day.year if day else None,
        "time_precision": TIME_PRECISION.get(stored["date_precision"]),
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": stored["actor1"],
        "assoc_actor_1": _associated(event.get("actors") or []),
        "inter1": inter1,
        "actor2": stored["actor2"],
        "assoc_actor_2": _associated(event.get("recipients") or []),
        "inter2": inter2,
        "interaction": acled.interaction(inter1, inter2),
        "civilian_targeting": acled.civilian_targeting(disorder, inter2),
        "iso": acled.iso_numeric(iso3),
        "region": acled.region(iso3),
        "country": acled.country_name(iso3),
        "admin1": admin1,
        "admin2": admin2,
        "admin3": None,
        "location": location,
        "latitude": stored["latitude"],
        "longitude": stored["longitude"],
        "geo_precision": stored["geo_precision"],
        "source": source,
        "source_scale": None,
        "notes": stored["evidence_text"],
        "fatalities": stored["fatalities"] or 0,
        "tags": acled.tags(event_type, stored["participants"]),
        "timestamp": calendar.timegm(changed.timetuple()) if changed else None,
        "event_id": stored["event_id"],
        "iso3": iso3,
        "status": stored["status"],
        "confidence": stored["confidence"],
        "plover_type": stored["plover_type"],
        "plover_mode": stored["plover_mode"],
        "injured": stored["injured"],
        "abducted": stored["abducted"],
        "arrested": stored["arrested"],
        "displaced": stored["displaced"],
        "participants": stored["participants"],
        "claimant": stored["claimant"],
        "date_end": stored["date_end"],
        "date_basis": (event.get("date") or {}).get("basis"),
        "url": stored["url"],
        "article_id": stored["article_id"],
        "incident_id": stored["incident_id"],
        "evidence_start": stored["evidence_start"],
        "evidence_end": stored["evidence_end"],
        "fatalities_low": stored["fatalities_low"],
        "fatalities_high": stored["fatalities_high"],
        "report_count": len(reports),
        "event_ids": _joined([r["event_id"] for r in reports]),
        "article_ids": _joined([r["article_id"] for r in reports]),
        "urls": _joined([r["url"] for r in reports]),
        "reports": json.dumps(reports, ensure_ascii=False),
        "review_status": stored["review_status"] or "unreviewed",
    }


def _where(f: EventFilter, kind: Kind) -> tuple[str, list[Any]]:
    """The WHERE clause of the filter and the kind, and its parameters; ValueError for an unknown kind."""
    if kind not in KIND_SQL:
        raise ValueError(f"unknown export kind {kind!r}; expected one of {', '.join(KINDS)}")
    return kind_where(f, kind)


def count_rows(con: Connection, f: EventFilter, kind: Kind = "acled", unit: Unit = "incident") -> int:
    """How many rows (incidents or reports) an export of ``kind`` with the filter ``f`` writes (paging
    ignored)."""
    where, params = _where(f, kind)
    return con.execute(f"SELECT count(*) FROM ({units_sql(unit)}) e {where}", params).fetchone()[0]


def export_rows(
    con: Connection,
    f: EventFilter,
    kind: Kind = "acled",
    limit: int | None = None,
    advance: Callable[[int], None] | None = None,
    unit: Unit = "incident",
    changed_since: dt.datetime | None = None,
    event_ids: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every incident (or report, with ``unit="report"``) of ``kind`` matching the filter (its paging
    ignored; at most ``limit`` when given; only those added or updated after ``changed_since``, or whose
    event, an incident's lead report, is among ``event_ids``, when given) as export rows, oldest first,
    read from the database ``BATCH_ROWS`` at a time; ``advance`` is told the size of each batch read (a
    progress bar). ValueError for an unknown kind or unit."""
    where, params = _where(f, kind)
    extra: list[tuple[str, Any]] = []
    if changed_since is not None:
        extra.append((f"{_CHANGED} > ?", changed_since))
    if event_ids is not None:
        extra.append(("e.event_id IN (SELECT unnest(CAST(? AS VARCHAR[])))", event_ids))
    for condition, value in extra:
        where = f"{where} AND {condition}" if where else f"WHERE {condition}"
        params = [*params, value]
    tail = ""
    if limit is not None:
        tail, params = " LIMIT ?", [*params, limit]
    sql = (
        f"SELECT {', '.join(_ARTICLE_VALUES.get(column, 'e.' + column) for column in _STORED)} "
        f"FROM ({units_sql(unit)}) e JOIN articles a ON a.article_id = e.article_id {_REVIEW_JOINS} {where} "
        f"ORDER BY e.date_start NULLS LAST, e.unit_id{tail}"
    )
    return _fetch(con, sql, params, advance, grouped=unit == "incident")


def _fetch(
    con: Connection, sql: str, params: list[Any], advance: Callable[[int], None] | None, grouped: bool
) -> Iterator[dict[str, Any]]:
    """The export rows of ``sql``, a batch at a time; with ``grouped``, an incident's row lists its reports."""
    cursor = con.cursor()
    try:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(BATCH_ROWS):
            if advance is not None:
                advance(len(chunk))
            rows = [dict(zip(_STORED, values, strict=True)) for values in chunk]
            reports = _incident_reports(con, [r["incident_id"] for r in rows if r["incident_id"]]) if grouped else {}
            for row in rows:
                yield export_record(row, reports.get(row["incident_id"]) if row["incident_id"] else None)
    finally:
        cursor.close()


def _incident_reports(con: Connection, incident_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The reports (member events with their article's source and URL) of each incident, in event id order."""
    found: dict[str, list[dict[str, Any]]] = {}
    if incident_ids:
        for incident_id, *values in con.execute(_REPORTS_SQL, [incident_ids]).fetchall():
            found.setdefault(incident_id, []).append(dict(zip(_REPORT_KEYS, values, strict=True)))
    return found


def _text_cells(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its dates as ISO text (CSV and GeoJSON)."""
    return {key: value.isoformat() if key in DATE_FIELDS and value is not None else value
            for key, value in record.items()}


def write_csv(
    records: Iterator[dict[str, Any]], out: BinaryIO, raw: bool = False, fields: tuple[str, ...] = FIELDS
) -> ExportStats:
    """Write records as UTF-8 CSV (RFC 4180 quoting, CRLF line ends, a header of ``fields``); text cells a
    spreadsheet would run as formulas get a leading single quote unless ``raw``."""
    stats = ExportStats()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=fields)
    writer.writeheader()
    for record in records:
        record = _text_cells(record)
        writer.writerow(record if raw else neutralise_formulas(record))
        stats.written += 1
    text.flush()
    text.detach()
    return stats


def _write_geojson(records: Iterator[dict[str, Any]], out: BinaryIO) -> ExportStats:
    stats = ExportStats()
    out.write(b'{"type":"FeatureCollection","features":[')
    for record in records:
        lat, lon = record["latitude"], record["longitude"]
        if (lat is None or lon is None) and not record["iso3"]:
            stats.omitted_without_coordinates += 1
            continue
        feature = {
            "type": "Feature",
            "id": record["event_id_cnty"],
            # a place known only at country level: in the collection, on no map (RFC 7946, 3.2)
            "geometry": None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]},
            "properties": _text_cells(record),
        }
        out.write((b"," if stats.written else b"") + json.dumps(feature, ensure_ascii=False).encode("utf-8"))
        stats.written += 1
    tail = f'],"omitted_without_coordinates":{stats.omitted_without_coordinates}}}'
    out.write(tail.encode("utf-8"))
    return stats


def wkb_point(lon: float | None, lat: float | None) -> bytes | None:
    """The point as ISO WKB (little-endian, geometry type 1), or None without coordinates."""
    if lon is None or lat is None:
        return None
    return struct.pack("<BIdd", 1, 1, lon, lat)


def _write_parquet(
    records: Iterator[dict[str, Any]], out: BinaryIO, fields: tuple[str, ...] = FIELDS
) -> ExportStats:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(fields)
    stats = ExportStats()
    with pq.ParquetWriter(out, schema) as writer:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            stats.written += len(batch)
            batch.clear()

        for record in records:
            batch.append({**record, GEOMETRY_COLUMN: wkb_point(record["longitude"], record["latitude"])})
            if len(batch) >= BATCH_ROWS:
                flush()
        if batch or not stats.written:
            flush()
    return stats


GEO_METADATA = {
    "version": "1.1.0",
    "primary_column": GEOMETRY_COLUMN,
    "columns": {GEOMETRY_COLUMN: {"encoding": "WKB", "geometry_types": ["Point"]}},  # CRS: OGC:CRS84
}


@lru_cache(maxsize=2)
def parquet_schema(fields: tuple[str, ...] = FIELDS) -> pa.Schema:
    """The pyarrow schema of a Parquet export: the columns of ``fields`` typed (integers int64, dates
    date32, coordinates float64), then a GeoParquet WKB ``geometry`` column described in the 'geo'
    metadata (pyarrow is imported only when one is written)."""
    import pyarrow as pa

    def arrow_type(name: str) -> pa.DataType:
        if name in INTEGER_FIELDS:
            return pa.int64()
        if name in FLOAT_FIELDS:
            return pa.float64()
        if name in DATE_FIELDS:
            return pa.date32()
        return pa.string()

    typed = [(name, arrow_type(name)) for name in fields]
    return pa.schema([*typed, (GEOMETRY_COLUMN, pa.binary())], metadata={"geo": json.dumps(GEO_METADATA)})




def export_events(
    con: Connection,
    f: EventFilter,
    fmt: Format,
    out: Path | BinaryIO,
    raw: bool = False,
    kind: Kind = "acled",
    advance: Callable[[int], None] | None = None,
    unit: Unit = "incident",
) -> ExportStats:
    """Write every incident (or report, with ``unit="report"``) of ``kind`` matching ``f`` (all pages;
    statuses as the filter says) to ``out`` as ``fmt``.

    CSV text cells that a spreadsheet would read as a formula get a leading single quote unless ``raw``;
    GeoJSON and Parquet always hold the values as stored. ``advance`` is told the size of each batch read.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    records = export_rows(con, f, kind, advance=advance, unit=unit)
    if isinstance(out, Path):
        with out.open("wb") as handle:
            return write_records(fmt, records, handle, raw)
    return write_records(fmt, records, out, raw)


def write_records(
    fmt: str, records: Iterator[dict[str, Any]], out: BinaryIO, raw: bool = False, fields: tuple[str, ...] = FIELDS
) -> ExportStats:
    """Write export rows (the columns ``fields``) as ``fmt``; GeoJSON properties are each row as it is."""
    if fmt == "csv":
        return write_csv(records, out, raw=raw, fields=fields)
    if fmt == "parquet":
        return _write_parquet(records, out, fields)
    return _write_geojson(records, out)
