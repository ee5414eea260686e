"""Exports of filtered events: ACLED-style CSV, GeoJSON FeatureCollection, Parquet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

import pycountry

from observatory.backends import Connection
from observatory.queries import EventFilter, where_clause

if TYPE_CHECKING:
    import pyarrow as pa

Format = Literal["csv", "geojson", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "geojson", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
}

# ACLED "time_precision": 1 the day is known, 2 the week, 3 the month or coarser.
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}

# (export column, SQL expression over events e / articles a). ACLED names first, then ours.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id_cnty", "e.event_id"),
    ("event_date", "e.date_start"),
    ("year", "CAST(extract(year FROM e.date_start) AS INTEGER)"),
    ("time_precision", "e.date_precision"),
    ("event_type", "e.acled_event_type"),
    ("sub_event_type", "e.acled_sub_event_type"),
    ("actor1", "e.actor1"),
    ("inter1", "e.inter1"),
    ("actor2", "e.actor2"),
    ("inter2", "e.inter2"),
    ("country", "e.country"),
    ("iso3", "e.country"),
    ("admin1", "e.admin1"),
    ("admin2", "e.admin2"),
    ("location", "e.location"),
    ("latitude", "e.latitude"),
    ("longitude", "e.longitude"),
    ("geo_precision", "e.geo_precision"),
    ("source", "a.source"),
    ("notes", "e.evidence_text"),
    ("fatalities", "e.fatalities"),
    ("plover_type", "e.plover_type"),
    ("plover_mode", "e.plover_mode"),
    ("status", "e.status"),
    ("injured", "e.injured"),
    ("abducted", "e.abducted"),
    ("arrested", "e.arrested"),
    ("displaced", "e.displaced"),
    ("claimant", "e.claimant"),
    ("confidence", "e.confidence"),
    ("article_id", "e.article_id"),
)
FIELDS = tuple(name for name, _ in COLUMNS)

# First characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportStats:
    """How many events were written, and how many were left out for lack of coordinates (GeoJSON)."""

    written: int = 0
    omitted_without_coordinates: int = 0


def country_name(iso3: str | None) -> str | None:
    """The English short name of an ISO 3166 alpha-3 code (the code itself when unknown)."""
    if not iso3:
        return None
    found = pycountry.countries.get(alpha_3=iso3)
    if found is None:
        return iso3
    return getattr(found, "common_name", None) or found.name


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


def _rows(con: Connection, f: EventFilter, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every event matching the filter (paging ignored) as an export record, oldest first."""
    where, params = where_clause(f)
    select = ", ".join(expr for _, expr in COLUMNS)
    cursor = con.cursor()
    cursor.execute(
        f"SELECT {select} FROM events e JOIN articles a USING (article_id) {where} "
        "ORDER BY e.date_start NULLS LAST, e.event_id",
        params,
    )
    names: dict[str, str | None] = {}
    while chunk := cursor.fetchmany(batch):
        for values in chunk:
            record = dict(zip(FIELDS, values, strict=True))
            if record["event_date"] is not None:
                record["event_date"] = record["event_date"].isoformat()
            record["time_precision"] = TIME_PRECISION.get(record["time_precision"])
            iso3 = record["iso3"]
            if iso3 not in names:
                names[iso3] = country_name(iso3)
            record["country"] = names[iso3]
            yield record
    cursor.close()


def _write_csv(records: Iterator[dict[str, Any]], out: BinaryIO) -> ExportStats:
    stats = ExportStats()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=FIELDS)
    writer.writeheader()
    for record in records:
        writer.writerow(record)
        stats.written += 1
    text.flush()
    text.detach()
    return stats


def _write_geojson(records: Iterator[dict[str, Any]], out: BinaryIO) -> ExportStats:
    stats = ExportStats()
    out.write(b'{"type":"FeatureCollection","features":[')
    for record in records:
        lat, lon = record["latitude"], record["longitude"]
        if lat is None or lon is None:
            stats.omitted_without_coordinates += 1
            continue
        feature = {
            "type": "Feature",
            "id": record["event_id_cnty"],
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": record,
        }
        out.write((b"," if stats.written else b"") + json.dumps(feature, ensure_ascii=False).encode("utf-8"))
        stats.written += 1
    tail = f'],"omitted_without_coordinates":{stats.omitted_without_coordinates}}}'
    out.write(tail.encode("utf-8"))
    return stats


def _write_parquet(records: Iterator[dict[str, Any]], out: BinaryIO) -> ExportStats:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(records), schema=parquet_schema())
    pq.write_table(table, out)
    return ExportStats(written=table.num_rows)


INTEGER_FIELDS = frozenset({
    "year", "time_precision", "inter1", "inter2", "geo_precision", "fatalities", "injured", "abducted", "arrested",
    "displaced",
})
FLOAT_FIELDS = frozenset({"latitude", "longitude", "confidence"})


@lru_cache(maxsize=1)
def parquet_schema() -> pa.Schema:
    """The pyarrow schema of a Parquet export (pyarrow is imported only when one is written)."""
    import pyarrow as pa

    return pa.schema([
        (name, pa.int64() if name in INTEGER_FIELDS else pa.float64() if name in FLOAT_FIELDS else pa.string())
        for name in FIELDS
    ])


WRITERS = {"csv": _write_csv, "geojson": _write_geojson, "parquet": _write_parquet}


def export_events(
    con: Connection, f: EventFilter, fmt: Format, out: Path | BinaryIO, raw: bool = False
) -> ExportStats:
    """Write every event matching ``f`` (all pages; statuses as the filter says) to ``out`` as ``fmt``.

    CSV text cells that a spreadsheet would read as a formula get a leading single quote unless ``raw``;
    GeoJSON and Parquet always hold the values as stored.
    """
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    records = _rows(con, f)
    if fmt == "csv" and not raw:
        records = map(neutralise_formulas, records)
    if isinstance(out, Path):
        with out.open("wb") as handle:
            return WRITERS[fmt](records, handle)
    return WRITERS[fmt](records, out)
