"""Cross-report deduplication: events that several articles report about one incident become one incident.

Candidate pairs come from SQL blocking (same country, same type family, dates within ``DATE_WINDOW_DAYS``,
different articles); each pair is scored from place, date, sub-type, actors and evidence wording; pairs
above ``LINK_THRESHOLD`` are linked. Two events of one article (kept apart by the extractor) are only
compatible at the same place. Each connected component of links is clustered greedily (strongest link
first), merging two clusters only when every two of their events are a compatible candidate pair.
Clustering depends only on the component, so an incremental pass (new articles) gives the same incidents
as a full rebuild. See docs/dedupe.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from observatory.lexicon.gazetteer import haversine_km
from observatory.store.backends import Connection

DATE_WINDOW_DAYS = 2
LINK_THRESHOLD = 0.6
SAME_PLACE_KM = 5.0
MAX_DISTANCE_KM = 60.0
ACTOR_MATCH = 85  # rapidfuzz token_set_ratio for two actor names to count as one actor
WEIGHTS = {"place": 0.35, "date": 0.2, "sub_type": 0.15, "actors": 0.15, "evidence": 0.15}
OUTLIER_FACTOR = 10  # a report's figure over 10 times the median of the other reports' is not credible
COUNT_FIELDS = ("injured", "abducted", "arrested", "displaced", "participants")

FAMILY_SQL = """CASE
    WHEN acled_event_type IN ('Battles', 'Explosions/Remote violence', 'Violence against civilians') THEN 'violence'
    WHEN acled_event_type IN ('Protests', 'Riots') THEN 'demonstrations'
    WHEN acled_event_type IS NOT NULL THEN coalesce(acled_sub_event_type, acled_event_type)
    ELSE plover_type END"""

EVENT_FIELDS = (
    "event_id", "article_id", "acled_event_type", "acled_sub_event_type", "plover_type", "actor1", "actor1_country",
    "inter1", "actor2", "actor2_country", "inter2", "location", "geonameid", "latitude", "longitude", "country",
    "admin1", "admin2", "geo_precision", "date_start", "date_end", "fatalities", "fatalities_low", "fatalities_high",
    *COUNT_FIELDS, "evidence_text", "confidence",
)
CANDIDATE_COLUMNS = (*EVENT_FIELDS, "family", "outlet", "ingested_at")
CANDIDATES_VIEW = f"""
CREATE OR REPLACE TEMP VIEW dedupe_candidates AS
SELECT {", ".join("e." + name for name in EVENT_FIELDS)}, {FAMILY_SQL} AS family,
       coalesce(a.source, a.url, a.doc_id) AS outlet, a.ingested_at
FROM events e JOIN articles a USING (article_id)
WHERE e.status = 'occurred'
  AND e.event_id NOT IN (SELECT event_id FROM event_reviews WHERE review_status = 'rejected')
  AND e.event_id NOT IN (SELECT event_id FROM incident_assignments)
"""  # rejected events are in no incident; those a reviewer merged or split keep theirs (observatory.store.review)
PAIRS_SQL = f"""
SELECT a.event_id, b.event_id
FROM dedupe_candidates a JOIN dedupe_frontier f ON a.event_id = f.event_id
JOIN dedupe_candidates b
  ON a.country = b.country AND a.family = b.family AND a.event_id <> b.event_id
 AND b.date_start <= a.date_end + INTERVAL '{DATE_WINDOW_DAYS} days'
 AND b.date_end >= a.date_start - INTERVAL '{DATE_WINDOW_DAYS} days'
"""


@dataclass
class DedupeStats:
    """What one deduplication pass did."""

    events: int = 0  # occurred events (re)clustered in this pass
    incidents: int = 0  # incidents written in this pass
    multi_report: int = 0  # of those, incidents reported by more than one article
    total_incidents: int = 0  # incidents in the database after the pass
    total_events: int = 0  # occurred events in the database (rejected ones left out)


def ensure_schema(con: Connection) -> None:
    """Create the per-connection candidates view (the incidents table comes from migration 004)."""
    con.execute(CANDIDATES_VIEW)


def _country_level(event: dict) -> bool:
    """A place known only at country level: no point, no admin1, precision 3."""
    return event["latitude"] is None and event["admin1"] is None and event["geo_precision"] == 3


def _place_similarity(a: dict, b: dict) -> float | None:
    """1 for the same place, decaying with distance; None when the two places cannot be one incident.
    A place known only at country level (no point, precision 3) is a region-level place without admin1:
    it joins the same country-level place, or an unknown one, and nothing finer."""
    if a["geonameid"] is not None and a["geonameid"] == b["geonameid"]:
        return 1.0
    if a["latitude"] is None or b["latitude"] is None:
        if (_country_level(a) and b["latitude"] is not None) or (_country_level(b) and a["latitude"] is not None):
            return None
        return 0.5 if a["admin1"] is None or b["admin1"] is None or a["admin1"] == b["admin1"] else None
    coarse = max(a["geo_precision"] or 1, b["geo_precision"] or 1) >= 3
    if coarse:  # a region-level location: the same admin1 is all that can be said
        return 0.6 if a["admin1"] is not None and a["admin1"] == b["admin1"] else None
    distance = haversine_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"])
    if distance > MAX_DISTANCE_KM:
        return None
    if distance <= SAME_PLACE_KM:
        return 1.0
    return max(0.0, 1.0 - (distance - SAME_PLACE_KM) / (MAX_DISTANCE_KM - SAME_PLACE_KM))


def _date_similarity(a: dict, b: dict) -> float:
    gap = max(0, (b["date_start"] - a["date_end"]).days, (a["date_start"] - b["date_end"]).days)
    return max(0.0, 1.0 - gap * 0.3)


def _actors(event: dict) -> list[tuple[str, str | None, int | None]]:
    """(name, country, inter) of the event's named actors; ACLED's placeholder actors say nothing."""
    found = []
    for side in ("1", "2"):
        name = event[f"actor{side}"]
        if name and not name.startswith("Unidentified"):
            found.append((name, event[f"actor{side}_country"], event[f"inter{side}"]))
    return found


def _same_actor(a: tuple[str, str | None, int | None], b: tuple[str, str | None, int | None]) -> bool:
    """Similar names, or the same kind of actor of the same country ("Government of Russia" and
    "Military Forces of Russia" are both Russian state forces)."""
    if fuzz.token_set_ratio(a[0], b[0]) >= ACTOR_MATCH:
        return True
    return a[1] is not None and a[2] is not None and (a[1], a[2]) == (b[1], b[2])


def _actor_similarity(a: dict, b: dict) -> float:
    """The share of the smaller actor list found in the other; 0.5 when either names no actor."""
    actors_a, actors_b = _actors(a), _actors(b)
    if not actors_a or not actors_b:
        return 0.5
    small, large = sorted((actors_a, actors_b), key=len)
    return sum(any(_same_actor(x, y) for y in large) for x in small) / len(small)


def pair_score(a: dict, b: dict) -> float | None:
    """How likely two blocked candidate events report one incident, in [0, 1]; None when they cannot."""
    place = _place_similarity(a, b)
    if place is None or (a["article_id"] == b["article_id"] and place < 1.0):
        return None  # an article's own events, kept apart by the extractor, join only at one place
    sub_type = 1.0 if a["acled_sub_event_type"] == b["acled_sub_event_type"] else 0.4
    evidence = fuzz.token_set_ratio(a["evidence_text"], b["evidence_text"]) / 100
    parts = {
        "place": place, "date": _date_similarity(a, b), "sub_type": sub_type,
        "actors": _actor_similarity(a, b), "evidence": evidence,
    }
    return sum(WEIGHTS[key] * value for key, value in parts.items())


def _load(con: Connection, event_ids: Iterable[str]) -> dict[str, dict]:
    ids = list(event_ids)
    rows = con.execute(
        f"SELECT {', '.join(CANDIDATE_COLUMNS)} FROM dedupe_candidates WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
        [ids],
    ).fetchall()
    return {row[0]: dict(zip(CANDIDATE_COLUMNS, row, strict=True)) for row in rows}


def _temp_table(con: Connection, name: str, select: str, params: list) -> None:
    """(Re)create a session-local table from a query, in SQL both DuckDB and PostgreSQL read."""
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"CREATE TEMP TABLE {name} AS {select}", params)


def _candidate_pairs(con: Connection, frontier: list[str]) -> list[tuple[str, str]]:
    _temp_table(con, "dedupe_frontier", "SELECT unnest(?::VARCHAR[]) AS event_id", [frontier])
    return con.execute(PAIRS_SQL).fetchall()


def _components(
    con: Connection, seeds: list[str]
) -> tuple[dict[str, dict], dict[frozenset[str], float | None]]:
    """The seeds and every event linked to them, transitively, with the score of every candidate pair
    that involves one of them (None: the two cannot be one incident)."""
    events = _load(con, seeds)
    scores: dict[frozenset[str], float | None] = {}
    expanded: set[str] = set()
    frontier = sorted(events)
    while frontier:
        expanded.update(frontier)
        pairs = _candidate_pairs(con, frontier)
        events.update(_load(con, {b for _, b in pairs if b not in events}))
        reached: set[str] = set()
        for a, b in pairs:
            key = frozenset((a, b))
            if key not in scores:
                scores[key] = pair_score(events[a], events[b])
            score = scores[key]
            if score is not None and score >= LINK_THRESHOLD:
                reached.add(b)
        frontier = sorted(reached - expanded)
    return {e: events[e] for e in expanded}, scores


def _cluster(events: dict[str, dict], scores: dict[frozenset[str], float | None]) -> list[set[str]]:
    """Greedy constrained clustering: strongest links first; every two members must be compatible."""
    clusters = {e: {e} for e in events}
    links = sorted(
        ((score, *sorted(pair)) for pair, score in scores.items() if score is not None and score >= LINK_THRESHOLD),
        key=lambda link: (-link[0], link[1], link[2]),
    )
    for _, a, b in links:
        ca, cb = clusters[a], clusters[b]
        if ca is cb or any(scores.get(frozenset((x, y))) is None for x in ca for y in cb):
            continue
        merged = ca | cb
        for member in merged:
            clusters[member] = merged
    unique = {id(c): c for c in clusters.values()}
    return sorted(unique.values(), key=min)


def incident_id_for(members: Iterable[dict]) -> str:
    """A stable id: the hash of the first-ingested member event (ties: the smallest event id), so an
    incident keeps its id when later reports join it."""
    first = min(members, key=lambda e: (e["ingested_at"], e["event_id"]))
    return "inc-" + hashlib.sha256(first["event_id"].encode("utf-8")).hexdigest()[:16]


def largest_credible(figures: Iterable[int | None]) -> int | None:
    """The largest credible figure of several reports of one incident, never their sum: a figure is credible
    unless it is over ``OUTLIER_FACTOR`` times the median of the other reports' figures (at least 1), as a
    misread cumulative toll would be. None when no report gives a figure."""
    known = [f for f in figures if f is not None]
    if len(known) < 2:
        return known[0] if known else None
    return max(
        f for i, f in enumerate(known)
        if f <= OUTLIER_FACTOR * max(1, statistics.median(known[:i] + known[i + 1:]))
    )


def reconcile_fatalities(reports: list[tuple[int | None, int | None, int | None]]) -> tuple[int | None, ...]:
    """One (low, best, high) toll from each article's (low, best, high): best is the largest credible best
    (``largest_credible``), low the smallest low and high the largest high of the reports whose best is
    credible (or that give no best), never beyond best. Reports of one toll are never added up."""
    best = largest_credible(b for _, b, _ in reports)
    credible = [r for r in reports if r[1] is None or best is None or r[1] <= best]
    lows = [low if low is not None else b for low, b, _ in credible]
    highs = [high if high is not None else b for _, b, high in credible]
    lows = [v for v in (*lows, best) if v is not None]
    highs = [v for v in (*highs, best) if v is not None]
    return (min(lows) if lows else None, best, max(highs) if highs else None)  # low <= best <= high


def _article_figure(events: list[dict], field: str) -> int | None:
    """An article's figure for an incident: the largest its events give (one event, or parts told apart)."""
    known = [e[field] for e in events if e[field] is not None]
    return max(known) if known else None


def _most_common(values: list[str | None]) -> str | None:
    """The most frequent value; a tie goes to the value met first."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    top = max(counts.values())
    return next(v for v in values if v is not None and counts[v] == top)


def _incident_row(members: list[dict], now: dt.datetime) -> dict:
    """The canonical incident of a cluster: the majority type and location (ties: the more precise place,
    then the more confident report), the date range of its reports, the reconciled toll and counts, the
    lead report (the most confident of those giving the kept toll, else the most confident), and the list
    of reporting articles and outlets."""
    by_confidence = sorted(members, key=lambda e: (-e["confidence"], e["event_id"]))
    located = sorted(by_confidence, key=lambda e: (e["latitude"] is None, e["geo_precision"] or 9))
    place_name = _most_common([e["location"] for e in located])
    place = next((e for e in located if e["location"] == place_name), located[0])
    per_article: dict[str, list[dict]] = {}
    for event in by_confidence:
        per_article.setdefault(event["article_id"], []).append(event)
    tolls = []
    for events in per_article.values():
        top = max(events, key=lambda e: -1 if e["fatalities"] is None else e["fatalities"])
        tolls.append((top["fatalities_low"], top["fatalities"], top["fatalities_high"]))
    low, best, high = reconcile_fatalities(tolls)
    lead = next((e for e in by_confidence if best is not None and e["fatalities"] == best), by_confidence[0])
    starts = [e["date_start"] for e in members if e["date_start"] is not None]
    ends = [e["date_end"] for e in members if e["date_end"] is not None]
    counts = {
        field: largest_credible(_article_figure(events, field) for events in per_article.values())
        for field in COUNT_FIELDS
    }
    return {
        "incident_id": incident_id_for(members), "event_family": members[0]["family"],
        "acled_event_type": _most_common([e["acled_event_type"] for e in by_confidence]),
        "acled_sub_event_type": _most_common([e["acled_sub_event_type"] for e in by_confidence]),
        "plover_type": _most_common([e["plover_type"] for e in by_confidence]),
        "date_start": min(starts) if starts else None, "date_end": max(ends) if ends else None,
        **{key: place[key] for key in ("location", "latitude", "longitude", "geo_precision", "country", "admin1")},
        "fatalities_low": low, "fatalities_best": best, "fatalities_high": high,
        "n_reports": len(per_article), "n_events": len(members),
        "sources": json.dumps(sorted({e["outlet"] for e in members if e["outlet"]})),
        "article_ids": json.dumps(sorted(per_article)), "updated_at": now,
        "lead_event_id": lead["event_id"], "admin2": place["admin2"], **counts,
    }


def _write(con: Connection, events: dict[str, dict], clusters: list[set[str]]) -> int:
    """Replace the incidents of ``events`` by ``clusters`` in one transaction; the number of multi-report ones."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [_incident_row([events[e] for e in sorted(cluster)], now) for cluster in clusters]
    event_ids = [e for cluster in clusters for e in sorted(cluster)]
    incident_ids = [row["incident_id"] for row, cluster in zip(rows, clusters, strict=True) for _ in cluster]
    con.execute("BEGIN TRANSACTION")
    try:
        _temp_table(
            con, "dedupe_assign", "SELECT unnest(?::VARCHAR[]) AS event_id, unnest(?::VARCHAR[]) AS incident_id",
            [event_ids, incident_ids],
        )
        con.execute(
            "DELETE FROM incidents WHERE incident_id IN (SELECT e.incident_id FROM events e "
            "JOIN dedupe_assign d USING (event_id) WHERE e.incident_id IS NOT NULL) "
            "OR incident_id IN (SELECT incident_id FROM dedupe_assign)"
        )
        con.execute(  # an event moved from one incident to another is updated (observatory.store.changes)
            "INSERT INTO event_stamps (event_id, updated_at) SELECT e.event_id, ? FROM events e "
            "JOIN dedupe_assign d USING (event_id) WHERE e.incident_id IS NOT NULL AND e.incident_id <> d.incident_id "
            "ON CONFLICT (event_id) DO UPDATE SET updated_at = excluded.updated_at", [now],
        )
        con.execute(
            "UPDATE events SET incident_id = d.incident_id FROM dedupe_assign d WHERE events.event_id = d.event_id"
        )
        insert_incidents(con, rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return sum(1 for row in rows if row["n_reports"] > 1)


INCIDENT_COLUMNS = {  # the columns of the incidents table (migration 004) and their SQL types
    "incident_id": "VARCHAR", "event_family": "VARCHAR", "acled_event_type": "VARCHAR",
    "acled_sub_event_type": "VARCHAR", "plover_type": "VARCHAR", "date_start": "DATE", "date_end": "DATE",
    "location": "VARCHAR", "latitude": "DOUBLE PRECISION", "longitude": "DOUBLE PRECISION",
    "geo_precision": "INTEGER", "country": "VARCHAR", "admin1": "VARCHAR", "fatalities_low": "INTEGER",
    "fatalities_best": "INTEGER", "fatalities_high": "INTEGER", "n_reports": "INTEGER", "n_events": "INTEGER",
    "sources": "VARCHAR", "article_ids": "VARCHAR", "updated_at": "TIMESTAMP", "lead_event_id": "VARCHAR",
    "admin2": "VARCHAR", **dict.fromkeys(COUNT_FIELDS, "INTEGER"),
}


def insert_incidents(con: Connection, rows: list[dict]) -> None:
    """Insert incident rows (dicts of ``INCIDENT_COLUMNS``, as ``_incident_row`` makes them) in one statement,
    inside the caller's transaction."""
    if rows:
        placeholders = ", ".join(f"unnest(?::{kind}[])" for kind in INCIDENT_COLUMNS.values())
        con.execute(
            f"INSERT INTO incidents ({', '.join(INCIDENT_COLUMNS)}) SELECT {placeholders}",
            [[row[name] for row in rows] for name in INCIDENT_COLUMNS],
        )


def _recluster(con: Connection, seeds: list[str]) -> DedupeStats:
    ensure_schema(con)
    stats = DedupeStats()
    if seeds:
        events, scores = _components(con, seeds)
        clusters = _cluster(events, scores)
        stats.multi_report = _write(con, events, clusters)
        stats.events, stats.incidents = len(events), len(clusters)
    stats.total_incidents = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    stats.total_events = con.execute(  # those of hand-made incidents too (observatory.store.review)
        "SELECT count(*) FROM events WHERE status = 'occurred' "
        "AND event_id NOT IN (SELECT event_id FROM event_reviews WHERE review_status = 'rejected')"
    ).fetchone()[0]
    return stats


# Incidents a reviewer made by merging or splitting (observatory.store.review) are kept by rebuilds and releases.
_NOT_MANUAL = "incident_id NOT IN (SELECT incident_id FROM incident_assignments)"


def dedupe(con: Connection, rebuild: bool = False) -> DedupeStats:
    """Full pass: give every occurred event without an incident one (joining or merging incidents as
    needed); with ``rebuild``, forget all incidents first and recompute them from scratch."""
    ensure_schema(con)
    if rebuild:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"UPDATE events SET incident_id = NULL WHERE incident_id IS NOT NULL AND {_NOT_MANUAL}")
        con.execute(f"DELETE FROM incidents WHERE {_NOT_MANUAL}")
        con.execute("COMMIT")
    seeds = con.execute(
        "SELECT c.event_id FROM dedupe_candidates c JOIN events e USING (event_id) "
        "WHERE e.incident_id IS NULL OR e.incident_id NOT IN (SELECT incident_id FROM incidents) ORDER BY 1"
    ).fetchall()
    return _recluster(con, [row[0] for row in seeds])


def release_incidents(con: Connection, article_ids: list[str]) -> int:
    """Forget the incidents that hold an event of ``article_ids``, their events of other articles
    included, before those articles' events are replaced (re-extraction); ``dedupe`` then recomputes
    them as a full rebuild would. The number of incidents forgotten."""
    ensure_schema(con)
    con.execute("BEGIN TRANSACTION")
    try:
        _temp_table(
            con, "dedupe_released", "SELECT DISTINCT incident_id FROM events WHERE incident_id IS NOT NULL "
            f"AND {_NOT_MANUAL} AND article_id IN (SELECT unnest(?::VARCHAR[]))", [list(article_ids)],
        )
        released = con.execute("SELECT count(*) FROM dedupe_released").fetchone()[0]
        con.execute(
            "UPDATE events SET incident_id = NULL WHERE incident_id IN (SELECT incident_id FROM dedupe_released)"
        )
        con.execute("DELETE FROM incidents WHERE incident_id IN (SELECT incident_id FROM dedupe_released)")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return released


def repair(con: Connection) -> DedupeStats:
    """Incidents for the occurred events that an interrupted ingest (stopped between storing a batch and
    deduplicating it) or the API left without one; writes nothing when there are none."""
    left = con.execute("SELECT count(*) FROM events WHERE status = 'occurred' AND incident_id IS NULL").fetchone()[0]
    return dedupe(con) if left else DedupeStats()


def dedupe_articles(con: Connection, article_ids: list[str]) -> DedupeStats:
    """Incremental pass after ingesting ``article_ids``: attach their occurred events to existing
    incidents or create new ones. Gives the same incidents as a full rebuild."""
    ensure_schema(con)
    seeds = con.execute(
        "SELECT event_id FROM dedupe_candidates WHERE article_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1",
        [list(article_ids)],
    ).fetchall()
    return _recluster(con, [row[0] for row in seeds])
