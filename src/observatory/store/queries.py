"""Read queries over the store: filtered event lists, single events with their article, aggregates.

Aggregates and exports count units (``units_sql``): incidents by default, every report (stored event) with
``unit="report"``. Filters apply to a unit's own values: an incident's reconciled type, date, place and
counts, its lead report's actors, status and evidence.

Every value that comes from a user is passed to the database as a parameter; only whitelisted column and
unit names are written into SQL text. The SQL is the dialect DuckDB and PostgreSQL share (see
``observatory.store.backends``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from observatory.lexicon.actor_names import canonical_names
from observatory.lexicon.taxonomy import ACLED_EVENT_TYPES, ACLED_SUB_TYPES, PLOVER_TYPES
from observatory.store.acled import country_name
from observatory.store.backends import Connection
from observatory.store.ingest import EVENT_COLUMNS

STATUSES = ("occurred", "failed", "planned", "hypothetical", "negated", "historical")
REVIEW_STATUSES = ("unreviewed", "confirmed", "corrected", "rejected")
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
# Grid cells (degrees) of the map clusters: finer than 0.0001 (about 11 m) overflows PostgreSQL's division.
MIN_GRID_CELL = 0.0001
MAX_GRID_CELL = 90.0

# Columns of the event list (everything but the stored JSON), with the article's title and source.
LIST_COLUMNS = tuple(column for column in EVENT_COLUMNS if column != "event_json")
ARTICLE_COLUMNS = ("article_id", "doc_id", "title", "url", "source", "published", "ingested_at")
PERIODS = {"day": "day", "week": "week", "month": "month"}
GROUP_FIELDS = {
    "type": "plover_type",
    "acled_type": "acled_event_type",
    "country": "country",
    "admin1": "admin1",
    "status": "status",
    "actor": "actor1",
}
# The type fields that stack the timeline's periods and colour the map's cells, each type's rank in its
# codebook (the order of ties).
TYPE_FIELDS = {"type": PLOVER_TYPES, "acled_type": ACLED_EVENT_TYPES}
Unit = Literal["incident", "report"]
UNITS: tuple[str, ...] = ("incident", "report")
Kind = Literal["acled", "verbal", "all"]
# acled: units with an ACLED event type (ACLED's scope); verbal: PLOVER-only units (statements, threats,
# appeals) that ACLED does not record; all: both.
KINDS: tuple[str, ...] = ("acled", "verbal", "all")
KIND_SQL = {"acled": "e.acled_event_type IS NOT NULL", "verbal": "e.acled_event_type IS NULL", "all": None}
# The columns an incident's row takes from the incident (the others come from its lead report), and from
# which incidents column.
INCIDENT_VALUES = {
    "incident_id": "incident_id", "plover_type": "plover_type", "acled_event_type": "acled_event_type",
    "acled_sub_event_type": "acled_sub_event_type", "location": "location", "latitude": "latitude",
    "longitude": "longitude", "country": "country", "admin1": "admin1", "admin2": "admin2",
    "geo_precision": "geo_precision", "date_start": "date_start", "date_end": "date_end",
    "fatalities": "fatalities_best", "fatalities_low": "fatalities_low", "fatalities_high": "fatalities_high",
    "injured": "injured", "abducted": "abducted", "arrested": "arrested", "displaced": "displaced",
    "participants": "participants",
}
INDEXES = {
    "events_article_idx": "events (article_id)",
    "events_date_idx": "events (date_start)",
}


class EventFilter(BaseModel):
    """What to select from the events table; every field is optional except paging."""

    model_config = ConfigDict(extra="forbid")

    plover_type: str | None = None
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    actor: str | None = Field(
        None, max_length=200, description="substring of actor1 or actor2, or an alias of a dictionary actor"
    )
    country: str | None = Field(None, description="ISO 3166 alpha-3")
    admin1: str | None = Field(None, max_length=200)
    since: dt.date | None = Field(None, description="first date_start included")
    until: dt.date | None = Field(None, description="last date_start included")
    bbox: tuple[float, float, float, float] | None = Field(
        None, description="min_lon, min_lat, max_lon, max_lat; min_lon > max_lon crosses the antimeridian"
    )
    status: Literal["occurred", "failed", "planned", "hypothetical", "negated", "historical", "any"] = (
        "occurred"
    )
    q: str | None = Field(None, max_length=200, description="free text searched in the evidence sentence")
    review: Literal["unreviewed", "confirmed", "corrected", "rejected", "any"] | None = Field(
        None, description="review status (docs/review.md); None: every event but the rejected ones"
    )
    min_confidence: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False, description="lowest confidence included, 0 to 1"
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    @field_validator("plover_type")
    @classmethod
    def _known_plover(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.upper() not in PLOVER_TYPES:
            raise ValueError(f"unknown PLOVER type {value!r}; expected one of {', '.join(PLOVER_TYPES)}")
        return value.upper()

    @field_validator("acled_event_type")
    @classmethod
    def _known_acled_type(cls, value: str | None) -> str | None:
        if value is not None and value not in ACLED_EVENT_TYPES:
            raise ValueError(
                f"unknown ACLED event type {value!r}; expected one of {', '.join(ACLED_EVENT_TYPES)}"
            )
        return value

    @field_validator("acled_sub_event_type")
    @classmethod
    def _known_acled_sub_type(cls, value: str | None) -> str | None:
        if value is not None and value not in ACLED_SUB_TYPES:
            raise ValueError(f"unknown ACLED sub-event type {value!r}")
        return value

    @field_validator("country")
    @classmethod
    def _iso3(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) != 3 or not value.isalpha():
            raise ValueError(f"country must be an ISO 3166 alpha-3 code such as SYR, got {value!r}")
        return value.upper()

    @field_validator("bbox", mode="before")
    @classmethod
    def _parse_bbox(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = value.split(",")
            if len(parts) != 4:
                raise ValueError("bbox must be four comma-separated numbers: min_lon,min_lat,max_lon,max_lat")
            try:
                return tuple(float(p) for p in parts)
            except ValueError:
                raise ValueError("bbox values must be numbers: min_lon,min_lat,max_lon,max_lat") from None
        return value

    @field_validator("bbox")
    @classmethod
    def _valid_bbox(cls, value: tuple[float, float, float, float] | None) -> Any:
        if value is None:
            return None
        min_lon, min_lat, max_lon, max_lat = value
        if not all(-180 <= lon <= 180 for lon in (min_lon, max_lon)):
            raise ValueError("bbox longitudes must lie in [-180, 180]")
        if not all(-90 <= lat <= 90 for lat in (min_lat, max_lat)):
            raise ValueError("bbox latitudes must lie in [-90, 90]")
        if min_lat > max_lat:
            raise ValueError("bbox min_lat is greater than max_lat")
        return value

    @model_validator(mode="after")
    def _ordered_dates(self) -> EventFilter:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self


# The unit an event ``e`` counts in (``i``: its incident, left-joined): the incident, else the event.
_UNIT_ID = "CASE WHEN i.incident_id IS NULL THEN e.event_id ELSE i.incident_id END"


def units_sql(unit: Unit, events: str = "events", incidents: str = "incidents") -> str:
    """A relation of one row per counted unit, with every events column (an incident's own values where it
    has them, its lead report's otherwise), ``unit_id`` (the incident id, else the event id),
    ``updated_at`` (when the incident was last written, else NULL), ``sources`` (an incident's JSON list of
    outlets, else NULL), ``n_reports`` and ``n_events``.

    ``incident``: each incident once (its lead report's row) and each event that belongs to no incident;
    ``report``: every event. ``events`` and ``incidents`` are the relations read (subqueries of some rows
    of those tables). ValueError for another unit.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if unit == "report":
        return (
            "SELECT e.*, e.event_id AS unit_id, CAST(NULL AS TIMESTAMP) AS updated_at, "
            f"CAST(NULL AS VARCHAR) AS sources, 1 AS n_reports, 1 AS n_events FROM {events} e"
        )
    columns = [
        f"CASE WHEN i.incident_id IS NULL THEN e.{column} ELSE i.{INCIDENT_VALUES[column]} END AS {column}"
        if column in INCIDENT_VALUES else f"e.{column}"
        for column in EVENT_COLUMNS
    ]
    return (
        f"SELECT {', '.join(columns)}, {_UNIT_ID} AS unit_id, i.updated_at, i.sources, "
        "coalesce(i.n_reports, 1) AS n_reports, coalesce(i.n_events, 1) AS n_events "
        f"FROM {events} e LEFT JOIN {incidents} i ON i.incident_id = e.incident_id "
        "WHERE i.incident_id IS NULL OR i.lead_event_id = e.event_id"
    )


def ensure_indexes(con: Connection) -> None:
    """Create the secondary indexes the queries use (no-op when present)."""
    for name, target in INDEXES.items():
        con.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def where_clause(f: EventFilter) -> tuple[str, list[Any]]:
    """The SQL WHERE clause (alias ``e`` for events) and its parameters for a filter."""
    clauses: list[str] = []
    params: list[Any] = []
    equal = {
        "plover_type": f.plover_type,
        "acled_event_type": f.acled_event_type,
        "acled_sub_event_type": f.acled_sub_event_type,
        "country": f.country,
    }
    for column, value in equal.items():
        if value is not None:
            clauses.append(f"e.{column} = ?")
            params.append(value)
    if f.admin1:
        clauses.append("lower(e.admin1) = ?")
        params.append(f.admin1.lower())
    if f.actor:
        clauses.append(_actor_clause(f.actor, params))
    if f.q:
        clauses.append("strpos(lower(e.evidence_text), ?) > 0")
        params.append(f.q.lower())
    if f.since:
        clauses.append("e.date_start >= ?")
        params.append(f.since)
    if f.until:
        clauses.append("e.date_start <= ?")
        params.append(f.until)
    if f.bbox:
        min_lon, min_lat, max_lon, max_lat = f.bbox
        clauses.append("e.latitude BETWEEN ? AND ?")
        params += [min_lat, max_lat]
        if min_lon <= max_lon:
            clauses.append("e.longitude BETWEEN ? AND ?")
        else:
            clauses.append("(e.longitude >= ? OR e.longitude <= ?)")
        params += [min_lon, max_lon]
    if f.status != "any":
        clauses.append("e.status = ?")
        params.append(f.status)
    if f.min_confidence is not None:
        clauses.append("e.confidence >= ?")
        params.append(f.min_confidence)
    if f.review is None:
        clauses.append("e.event_id NOT IN (SELECT event_id FROM event_reviews WHERE review_status = 'rejected')")
    elif f.review == "unreviewed":
        clauses.append("e.event_id NOT IN (SELECT event_id FROM event_reviews)")
    elif f.review != "any":
        clauses.append("e.event_id IN (SELECT event_id FROM event_reviews WHERE review_status = ?)")
        params.append(f.review)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def kind_where(f: EventFilter, kind: Kind = "all") -> tuple[str, list[Any]]:
    """The WHERE clause of the filter and the kind (alias ``e``) and its parameters; ValueError for an
    unknown kind."""
    if kind not in KIND_SQL:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    where, params = where_clause(f)
    if KIND_SQL[kind]:
        where = f"{where} AND {KIND_SQL[kind]}" if where else f"WHERE {KIND_SQL[kind]}"
    return where, params


def _actor_clause(actor: str, params: list[Any]) -> str:
    """Events whose first actor or recipient contains ``actor`` (any case) or is a canonical actor of which
    ``actor`` is an alias in the actor dictionary ("ISWAP", "Houthi"); the parameters go to ``params``."""
    params += [actor.lower(), actor.lower()]
    clause = "strpos(lower(e.actor1), ?) > 0 OR strpos(lower(e.actor2), ?) > 0"
    names = canonical_names(actor)
    if names:
        listed = "(SELECT unnest(CAST(? AS VARCHAR[])))"
        clause += f" OR e.actor1 IN {listed} OR e.actor2 IN {listed}"
        params += [names, names]
    return f"({clause})"


def _dicts(cursor: Connection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# The columns a page of units (``list_units``) may be sorted by.
UNIT_SORTS = (
    "date_start", "acled_event_type", "acled_sub_event_type", "plover_type", "plover_mode", "actor1", "actor2",
    "location", "country", "fatalities", "n_events", "claimant", "confidence",
)
UNIT_COLUMNS = (*LIST_COLUMNS, "unit_id", "n_reports", "n_events")


def list_units(
    con: Connection, f: EventFilter, unit: Unit = "incident", kind: Kind = "all", sort: str = "date_start:desc"
) -> tuple[list[dict[str, Any]], int]:
    """One page (``f.limit`` from ``f.offset``) of the units (``units_sql``) of ``kind`` matching the filter,
    their columns of the event list with ``unit_id``, ``n_reports`` and ``n_events``, sorted by ``sort``
    (``COLUMN:asc|desc``, COLUMN one of UNIT_SORTS; empty values last, ties by event id), and how many
    match in all. ValueError for another sort.

    The page's events are chosen over the narrow relation first; then only their rows are read whole."""
    column, _, direction = sort.partition(":")
    if column not in UNIT_SORTS or direction not in ("asc", "desc"):
        raise ValueError(f"sort must be COLUMN:asc or COLUMN:desc, COLUMN one of {', '.join(UNIT_SORTS)}; got {sort!r}")
    where, params = kind_where(f, kind)
    found = con.execute(
        f"SELECT e.event_id, count(*) OVER () FROM ({units_sql(unit)}) e {where} "
        f"ORDER BY e.{column} {direction.upper()} NULLS LAST, e.event_id LIMIT ? OFFSET ?",
        [*params, f.limit, f.offset],
    ).fetchall()
    if not found:
        total = con.execute(f"SELECT count(*) FROM ({units_sql(unit)}) e {where}", params).fetchone()[0]
        return [], total
    ids = [event_id for event_id, _ in found]
    listed = "(SELECT unnest(CAST(? AS VARCHAR[])))"
    chosen = units_sql(unit, f"(SELECT * FROM events WHERE event_id IN {listed})",
                       f"(SELECT * FROM incidents WHERE lead_event_id IN {listed})")
    rows = {row[0]: dict(zip(UNIT_COLUMNS, row, strict=True)) for row in con.execute(
        f"SELECT {', '.join('e.' + c for c in UNIT_COLUMNS)} FROM ({chosen}) e",
        [ids, ids] if unit == "incident" else [ids],
    ).fetchall()}
    return [rows[event_id] for event_id in ids], found[0][1]


def query_events(con: Connection, f: EventFilter) -> tuple[list[dict[str, Any]], int]:
    """One page of events matching the filter (newest first) and the total number matching, each with its
    article's title, source, URL and date and its review status."""
    where, params = where_clause(f)
    columns = ", ".join(f"e.{c}" for c in LIST_COLUMNS)
    rows = _dicts(
        con.execute(
            f"SELECT {columns}, a.title, a.source, a.url, a.published, "
            "coalesce(r.review_status, 'unreviewed') AS review_status FROM events e "
            f"JOIN articles a USING (article_id) LEFT JOIN event_reviews r ON r.event_id = e.event_id {where} "
            "ORDER BY e.date_start DESC NULLS LAST, e.event_id LIMIT ? OFFSET ?",
            [*params, f.limit, f.offset],
        )
    )
    total = con.execute(f"SELECT count(*) FROM events e {where}", params).fetchone()[0]
    return rows, total


def get_article(con: Connection, article_id: str) -> dict[str, Any] | None:
    """One article with its text and the ids, types and evidence offsets of its events, or None."""
    found = _dicts(
        con.execute(
            f"SELECT {', '.join(ARTICLE_COLUMNS)}, text FROM articles WHERE article_id = ?", [article_id]
        )
    )
    if not found:
        return None
    article = found[0]
    article["events"] = _dicts(
        con.execute(
            "SELECT event_id, plover_type, acled_event_type, status, evidence_start, evidence_end "
            "FROM events WHERE article_id = ? ORDER BY evidence_start, event_id",
            [article_id],
        )
    )
    return article


def get_event(con: Connection, event_id: str) -> dict[str, Any] | None:
    """One event: its row, its full extracted record (``event``) and its article (``article``), or None."""
    found = _dicts(
        con.execute(
            f"SELECT {', '.join(LIST_COLUMNS)}, event_json FROM events WHERE event_id = ?", [event_id]
        )
    )
    if not found:
        return None
    event = found[0]
    event["event"] = json.loads(event.pop("event_json"))
    event["article"] = get_article(con, event["article_id"])
    return event


def get_incident(con: Connection, incident_id: str) -> dict[str, Any] | None:
    """One incident: its row of the incidents table (``sources`` and ``article_ids`` as lists) and its
    ``reports``, the member events with their article's title, source, URL and publication date, the
    evidence and the figures each gives, in event id order; or None."""
    found = _dicts(con.execute("SELECT * FROM incidents WHERE incident_id = ?", [incident_id]))
    if not found:
        return None
    incident = found[0]
    incident["sources"] = json.loads(incident["sources"])
    incident["article_ids"] = json.loads(incident["article_ids"])
    incident["reports"] = _dicts(
        con.execute(
            "SELECT e.event_id, e.article_id, a.title, a.source, a.url, a.published, e.plover_type, "
            "e.acled_sub_event_type, e.location, e.date_start, e.fatalities, e.injured, e.confidence, "
            "e.evidence_text, e.evidence_start, e.evidence_end FROM events e "
            "JOIN articles a ON a.article_id = e.article_id WHERE e.incident_id = ? ORDER BY e.event_id",
            [incident_id],
        )
    )
    return incident


def list_articles(
    con: Connection, limit: int = 100, offset: int = 0, q: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Articles (newest publication first) with their event counts, optionally with ``q`` in the title."""
    where, params = "", []
    if q:
        where, params = "WHERE strpos(lower(coalesce(a.title, '')), ?) > 0", [q.lower()]
    columns = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
    rows = _dicts(
        con.execute(
            f"SELECT {columns}, (SELECT count(*) FROM events e WHERE e.article_id = a.article_id) AS events "
            f"FROM articles a {where} ORDER BY a.published DESC NULLS LAST, a.article_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    )
    total = con.execute(f"SELECT count(*) FROM articles a {where}", params).fetchone()[0]
    return rows, total


def counts_by_period(
    con: Connection,
    f: EventFilter,
    period: Literal["day", "week", "month"] = "day",
    unit: Unit = "incident",
    kind: Kind = "all",
    stack: str | None = None,
) -> list[dict[str, Any]]:
    """Units (``events``) and fatalities per day, ISO week (Monday) or month of date_start; undated ones
    left out. With ``stack`` (a key of TYPE_FIELDS), per period and type (``type``)."""
    truncated_to = PERIODS[period]
    where, params = kind_where(f, kind)
    where = f"{where} AND e.date_start IS NOT NULL" if where else "WHERE e.date_start IS NOT NULL"
    key = f"CAST(date_trunc('{truncated_to}', e.date_start) AS DATE)"
    typed = f", e.{GROUP_FIELDS[stack]} AS type" if stack else ""
    group = f"{key}, e.{GROUP_FIELDS[stack]}" if stack else key
    return _dicts(
        con.execute(
            f"SELECT {key} AS key{typed}, count(*) AS events, coalesce(sum(e.fatalities), 0) AS fatalities "
            f"FROM ({units_sql(unit)}) e {where} GROUP BY {group} ORDER BY {group} NULLS LAST",
            params,
        )
    )


def counts_by_field(
    con: Connection, f: EventFilter, by: str, unit: Unit = "incident", kind: Kind = "all"
) -> list[dict[str, Any]]:
    """Units (``events``) and fatalities per value of a field: type, acled_type, country, admin1, status or
    actor (the first actor)."""
    where, params = kind_where(f, kind)
    if by == "admin1":
        select, group = "e.country, e.admin1 AS key", "e.country, e.admin1"
    else:
        select, group = f"e.{GROUP_FIELDS[by]} AS key", f"e.{GROUP_FIELDS[by]}"
    return _dicts(
        con.execute(
            f"SELECT {select}, count(*) AS events, coalesce(sum(e.fatalities), 0) AS fatalities "
            f"FROM ({units_sql(unit)}) e {where} GROUP BY {group} ORDER BY events DESC, key NULLS LAST",
            params,
        )
    )


def grid_clusters(
    con: Connection, f: EventFilter, cell: float, unit: Unit = "incident", kind: Kind = "all"
) -> list[dict[str, Any]]:
    """Geolocated units grouped in square cells of ``cell`` degrees: the map's clustered markers.

    Each cluster has its mean position, unit (``events``) and fatality counts, its most frequent PLOVER type
    (the first alphabetically on a tie) and, when it holds one unit, its (lead) event's id. ``cell`` must lie in
    [MIN_GRID_CELL, MAX_GRID_CELL] (ValueError otherwise).
    """
    if not MIN_GRID_CELL <= cell <= MAX_GRID_CELL:
        raise ValueError(f"cell must lie in [{MIN_GRID_CELL}, {MAX_GRID_CELL}] degrees, got {cell}")
    where, params = kind_where(f, kind)
    located = "e.latitude IS NOT NULL AND e.longitude IS NOT NULL"
    where = f"{where} AND {located}" if where else f"WHERE {located}"
    return _dicts(
        con.execute(
            "SELECT avg(e.latitude) AS lat, avg(e.longitude) AS lon, count(*) AS events, "
            "coalesce(sum(e.fatalities), 0) AS fatalities, "
            "mode() WITHIN GROUP (ORDER BY e.plover_type) AS type, "
            "CASE WHEN count(*) = 1 THEN min(e.event_id) END AS event_id "
            f"FROM ({units_sql(unit)}) e {where} "
            "GROUP BY floor(e.latitude / ?), floor(e.longitude / ?) ORDER BY events DESC",
            [*params, cell, cell],
        )
    )


def map_cells(
    con: Connection, f: EventFilter, cell: float, unit: Unit = "incident", kind: Kind = "all",
    types: str = "acled_type",
) -> list[dict[str, Any]]:
    """The dashboard's map: geolocated units in square cells of ``cell`` degrees, most units first.

    Each cell has its mean position, unit (``events``) and fatality counts and ``type``, the value of the
    ``types`` field (a key of TYPE_FIELDS) with the most units in it, a tie going to the type with more
    fatalities, then to the first in the codebook; ``label``, the place name when all its units share one;
    and, when it holds one unit, that unit's (lead) ``event_id``, ``sub_type`` (ACLED sub-type or PLOVER
    mode), ``admin1``, ``country`` (its name), ``date`` and ``reports``. ValueError for a cell out of range.
    """
    if not MIN_GRID_CELL <= cell <= MAX_GRID_CELL:
        raise ValueError(f"cell must lie in [{MIN_GRID_CELL}, {MAX_GRID_CELL}] degrees, got {cell}")
    where, params = kind_where(f, kind)
    located = "e.latitude IS NOT NULL AND e.longitude IS NOT NULL"
    where = f"{where} AND {located}" if where else f"WHERE {located}"
    type_column = GROUP_FIELDS[types]
    sub_column = "acled_sub_event_type" if types == "acled_type" else "plover_mode"
    rows = con.execute(
        f"SELECT floor(e.latitude / ?) AS y, floor(e.longitude / ?) AS x, e.{type_column}, count(*), "
        "coalesce(sum(e.fatalities), 0), sum(e.latitude), sum(e.longitude), min(e.location), max(e.location), "
        f"min(e.event_id), min(e.{sub_column}), min(e.admin1), min(e.country), min(e.date_start), "
        f"min(e.n_events) FROM ({units_sql(unit)}) e {where} GROUP BY y, x, e.{type_column}",
        [cell, cell, *params],
    ).fetchall()
    order = {name: rank for rank, name in enumerate(TYPE_FIELDS[types])}
    cells: dict[tuple[float, float], dict[str, Any]] = {}
    for y, x, type_, n, dead, lat, lon, low, high, event_id, sub, admin1, country, day, reports in rows:
        found = cells.setdefault((y, x), {"events": 0, "fatalities": 0, "lat": 0.0, "lon": 0.0, "types": [],
                                          "places": set(), "one": None})
        found["events"] += n
        found["fatalities"] += int(dead)
        found["lat"] += lat
        found["lon"] += lon
        found["types"].append((-n, -int(dead), order.get(type_, len(order)), type_))
        found["places"].update((low, high))
        found["one"] = (event_id, sub, admin1, country, day, reports)
    result = []
    for found in cells.values():
        n = found["events"]
        event_id, sub, admin1, country, day, reports = found["one"] if n == 1 else (None,) * 6
        places = found["places"]
        result.append({
            "lat": found["lat"] / n, "lon": found["lon"] / n, "events": n, "fatalities": found["fatalities"],
            "type": min(found["types"])[3], "label": next(iter(places)) if len(places) == 1 else None,
            "event_id": event_id, "sub_type": sub, "admin1": admin1, "country": country_name(country),
            "date": day, "reports": reports,
        })
    result.sort(key=lambda c: (-c["events"], c["lat"], c["lon"]))
    return result


def extent(con: Connection, f: EventFilter, unit: Unit = "incident", kind: Kind = "all") -> dict[str, Any]:
    """How many units matching the filter have coordinates (``located``), their bounds (``bounds``,
    min_lon, min_lat, max_lon, max_lat; None when none has) and the first and last date_start (``dates``,
    None when none is dated)."""
    where, params = kind_where(f, kind)
    located, *bounds, first, last = con.execute(
        "SELECT count(e.latitude), min(e.longitude), min(e.latitude), max(e.longitude), max(e.latitude), "
        f"min(e.date_start), max(e.date_start) FROM ({units_sql(unit)}) e {where}",
        params,
    ).fetchone()
    return {"located": int(located), "bounds": bounds if located else None, "dates": [first, last] if first else None}


# The timeline's period over a span of dates: months beyond three years, weeks beyond 400 days, else days.
def timeline_period(first: dt.date, last: dt.date) -> Literal["day", "week", "month"]:
    """The period of a timeline from ``first`` to ``last``."""
    days = (last - first).days
    return "month" if days > 3 * 365 else "week" if days > 400 else "day"


_SUMMARY_SETS = {15: "types", 23: "actors", 25: "admin1", 14: "timeline", 31: "all"}  # GROUPING() of each set


def summary(
    con: Connection, f: EventFilter, unit: Unit = "incident", kind: Kind = "all", types: str = "acled_type"
) -> dict[str, Any]:
    """The dashboard's counts of the units matching the filter, in one pass over them: ``totals`` (as
    ``totals``), ``extent`` (as ``extent``), units and fatalities per type (``types``, the field of
    TYPE_FIELDS), first actor (``actors``) and admin 1 with its country (``admin1``), most first, and the
    ``timeline``: units and fatalities per ``period`` and type (``timeline_period`` of the filter's dates,
    else of the units' first and last; undated units left out)."""
    where, params = kind_where(f, kind)
    articles = "count(DISTINCT article_id)" if unit == "report" else (
        "(SELECT count(DISTINCT m.article_id) FROM events m "
        "WHERE coalesce(m.incident_id, m.event_id) IN (SELECT unit_id FROM u))"
    )
    rows = con.execute(
        f"WITH u AS MATERIALIZED (SELECT e.*, e.{GROUP_FIELDS[types]} AS t FROM ({units_sql(unit)}) e {where}) "
        "SELECT GROUPING(t, actor1, country, admin1, date_start), t, actor1, country, admin1, date_start, count(*), "
        "coalesce(sum(fatalities), 0), coalesce(sum(n_events), 0), coalesce(sum(injured), 0), "
        "coalesce(sum(abducted), 0), coalesce(sum(arrested), 0), coalesce(sum(displaced), 0), "
        f"count(latitude), min(longitude), min(latitude), max(longitude), max(latitude), min(date_start), "
        f"max(date_start), {articles} FROM u "
        "GROUP BY GROUPING SETS ((), (t), (actor1), (country, admin1), (date_start, t))",
        params,
    ).fetchall()
    found: dict[str, list[Any]] = {name: [] for name in _SUMMARY_SETS.values()}
    for row in rows:
        found[_SUMMARY_SETS[row[0]]].append(row)
    [total] = found["all"]  # the grand total's row, there for no units too
    keys = ("events", "fatalities", "reports", "injured", "abducted", "arrested", "displaced")
    counts = {key: int(value) for key, value in zip(keys, total[6:13], strict=True)}
    located, bounds, first, last = int(total[13]), list(total[14:18]), total[18], total[19]
    since, until = f.since or first, f.until or last
    period = timeline_period(since, until) if since and until else "day"
    per_period: dict[tuple[dt.date, Any], list[int]] = {}
    for row in found["timeline"]:
        if row[5] is None:
            continue
        day = row[5]
        start = day - dt.timedelta(days=day.weekday()) if period == "week" else day.replace(day=1) \
            if period == "month" else day
        bucket = per_period.setdefault((start, row[1]), [0, 0])
        bucket[0] += row[6]
        bucket[1] += int(row[7])

    def ranked(name: str, column: int) -> list[dict[str, Any]]:
        buckets = [{"country": r[3]} if name == "admin1" else {} for r in found[name]]
        for bucket, r in zip(buckets, found[name], strict=True):
            bucket.update(key=r[column], events=r[6], fatalities=int(r[7]))
        return sorted(buckets, key=lambda b: (-b["events"], b["key"] is None, str(b["key"] or "")))

    return {
        "totals": {**counts, "articles": int(total[20])},
        "extent": {"located": located, "bounds": bounds if located else None,
                   "dates": [first, last] if first else None},
        "types": ranked("types", 1),
        "actors": ranked("actors", 2),
        "admin1": ranked("admin1", 4),
        "period": period,
        "timeline": [{"key": key, "type": type_, "events": n, "fatalities": dead}
                     for (key, type_), (n, dead) in sorted(per_period.items(), key=lambda i: (i[0][0], str(i[0][1])))],
    }


def totals(con: Connection, f: EventFilter, unit: Unit = "incident", kind: Kind = "all") -> dict[str, int]:
    """Over the units matching the filter: their number (``events``), the reports (stored events) they
    stand for, their summed counts (an incident's reconciled ones) and the articles of their reports."""
    where, params = kind_where(f, kind)
    if unit == "report":
        articles = "count(DISTINCT article_id)"
    else:  # the articles of every report of the units, not only of their lead reports
        articles = (
            "(SELECT count(DISTINCT e.article_id) FROM events e LEFT JOIN incidents i ON i.incident_id = "
            f"e.incident_id WHERE {_UNIT_ID} IN (SELECT unit_id FROM u))"
        )
    row = con.execute(
        f"WITH u AS (SELECT e.* FROM ({units_sql(unit)}) e {where}) "
        "SELECT count(*), coalesce(sum(n_events), 0), coalesce(sum(fatalities), 0), coalesce(sum(injured), 0), "
        f"coalesce(sum(abducted), 0), coalesce(sum(arrested), 0), coalesce(sum(displaced), 0), {articles} FROM u",
        params,
    ).fetchone()
    keys = ("events", "reports", "fatalities", "injured", "abducted", "arrested", "displaced", "articles")
    return dict(zip(keys, (int(v) for v in row), strict=True))


def incidents_by_type(con: Connection) -> list[tuple]:
    """(type, incidents, reports, fatalities, countries) of the occurred incidents, by ACLED sub-type (or
    PLOVER type), most incidents first."""
    return con.execute(
        f"""SELECT coalesce(acled_sub_event_type, plover_type) AS kind, count(*) AS incidents,
                   sum(n_events) AS reports, coalesce(sum(fatalities), 0) AS fatalities,
                   string_agg(DISTINCT country, ', ') AS countries
            FROM ({units_sql("incident")}) u WHERE status = 'occurred' GROUP BY kind
            ORDER BY incidents DESC, kind"""
    ).fetchall()


def reported_by_several(con: Connection) -> tuple[int, int]:
    """How many incidents several articles report, and how many events those hold."""
    incidents, events = con.execute(
        "SELECT count(*), coalesce(sum(n_events), 0) FROM incidents WHERE n_reports > 1").fetchone()
    return int(incidents), int(events)


def has_event(con: Connection, event_id: str) -> bool:
    """Whether the store holds an event of this id."""
    return bool(con.execute("SELECT count(*) FROM events WHERE event_id = ?", [event_id]).fetchone()[0])
