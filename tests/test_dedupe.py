"""Cross-report deduplication: merging reports of one incident, keeping near misses apart, reconciling
tolls, and incremental passes that equal a full rebuild and change nothing when repeated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer

from observatory.cli import dedupe_command
from observatory.models import ActorRef, DateSpan, Document, DocumentResult, Event, Evidence, Location, Quantity
from observatory.store.dedupe import dedupe, dedupe_articles, largest_credible, reconcile_fatalities
from observatory.store.ingest import Store, content_hash

RUSSIA = ActorRef(text="Russian forces", name="Military Forces of Russia", country="RUS", sector="MIL", acled_inter=8)
CIVILIANS = ActorRef(text="shoppers", name="Civilians (Ukraine)", country="UKR", sector="CVL", acled_inter=7)
PROTESTERS = ActorRef(text="residents", name="Protesters (Ukraine)", country="UKR", sector="PRO", acled_inter=6)
KHARKIV = Location(text="Kharkiv", name="Kharkiv", geonameid=706483, lat=49.98, lon=36.25, country="UKR",
                   admin1="Kharkiv", precision=1)
KHARKIV_SUBURB = Location(text="Pisochyn", name="Pisochyn", lat=49.95, lon=36.11, country="UKR",
                          admin1="Kharkiv", precision=1)
KHERSON = Location(text="Kherson", name="Kherson", geonameid=706448, lat=46.64, lon=32.61, country="UKR",
                   admin1="Kherson", precision=1)
STRIKE = {"plover_type": "ASSAULT", "acled_event_type": "Explosions/Remote violence",
          "acled_sub_event_type": "Air/drone strike"}
PROTEST = {"plover_type": "PROTEST", "acled_event_type": "Protests", "acled_sub_event_type": "Peaceful protest"}


def report(doc_id: str, outlet: str, text: str, day: dt.date, location: Location, kind: dict,
           toll: tuple[int, int, int] | None = None, **fields: object) -> tuple[Document, DocumentResult]:
    """An article whose whole text is the evidence of one occurred event."""
    event = Event(
        **kind, location=location, date=DateSpan(start=day, end=day),
        evidence=Evidence(text=text, start=0, end=len(text)),
        fatalities=Quantity(low=toll[0], best=toll[1], high=toll[2]) if toll else None,
        actors=fields.pop("actors", [RUSSIA]), recipients=fields.pop("recipients", [CIVILIANS]), **fields,
    )
    doc = Document(id=doc_id, text=text, source=outlet, published=day + dt.timedelta(days=1))
    return doc, DocumentResult(id=doc_id, events=[event])


SAT, SUN = dt.date(2024, 5, 25), dt.date(2024, 5, 26)
REPORTS = [
    report("hyper-1", "Kyiv Ledger", "Russian glide bombs struck a hypermarket in Kharkiv, killing 12 shoppers.",
           SAT, KHARKIV, STRIKE, (12, 12, 12)),
    report("hyper-2", "Dnipro Post", "The toll from the Russian air strike on a Kharkiv hardware store rose to 14.",
           SUN, KHARKIV, STRIKE, (12, 14, 16)),
    report("hyper-3", "Eastern Bulletin", "Sixteen people died when Russian aircraft bombed a store near Kharkiv.",
           SAT, KHARKIV_SUBURB, STRIKE, (16, 16, 16)),
    report("kherson-1", "Black Sea Monitor", "A Russian drone strike on Kherson killed two pensioners.",
           SAT, KHERSON, STRIKE, (2, 2, 2)),
    report("later-1", "Kyiv Ledger", "Russian bombs hit a printing house in Kharkiv, killing seven workers.",
           dt.date(2024, 5, 30), KHARKIV, STRIKE, (7, 7, 7)),
    report("rally-1", "Kharkiv Voice", "Hundreds of residents rallied in central Kharkiv to demand more shelters.",
           SAT, KHARKIV, PROTEST, actors=[PROTESTERS], recipients=[]),
]


def incidents_of(db: Path) -> dict[str, set[str]]:
    """Each stored event's document id grouped by incident."""
    with Store(db) as store:
        rows = store.con.execute(
            "SELECT e.incident_id, a.doc_id FROM events e JOIN articles a USING (article_id) "
            "WHERE e.status = 'occurred'"
        ).fetchall()
    grouped: dict[str, set[str]] = {}
    for incident, doc in rows:
        grouped.setdefault(incident, set()).add(doc)
    return grouped


def snapshot(store: Store) -> tuple[list, list]:
    """The event -> incident mapping and the incidents table without its timestamp."""
    events = store.con.execute("SELECT event_id, incident_id FROM events ORDER BY event_id").fetchall()
    incidents = store.con.execute("SELECT * EXCLUDE (updated_at) FROM incidents ORDER BY incident_id").fetchall()
    return events, incidents


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "dedupe.duckdb"
    with Store(path) as store:
        store.add_batch(REPORTS)
        dedupe(store.con)
    return path


def test_reports_of_one_incident_merge_and_near_misses_stay_apart(db: Path) -> None:
    groups = sorted(sorted(docs) for docs in incidents_of(db).values())
    assert groups == [["hyper-1", "hyper-2", "hyper-3"], ["kherson-1"], ["later-1"], ["rally-1"]]


def test_incident_lists_reports_and_sources_with_reconciled_toll(db: Path) -> None:
    with Store(db) as store:
        row = store.con.execute(
            "SELECT n_reports, sources, fatalities_low, fatalities_best, fatalities_high, date_start, date_end, "
            "location, acled_sub_event_type, lead_event_id FROM incidents WHERE n_reports > 1"
        ).fetchone()
    n_reports, sources, low, best, high, start, end, location, sub_type, lead = row
    assert n_reports == 3
    assert json.loads(sources) == ["Dnipro Post", "Eastern Bulletin", "Kyiv Ledger"]
    assert (low, best, high) == (12, 16, 16)  # the largest credible toll, not 12 + 14 + 16
    assert lead == content_hash(REPORTS[2][0].text) + ":0"  # the report that gives the toll kept
    assert (start, end) == (SAT, SUN)
    assert location == "Kharkiv" and sub_type == "Air/drone strike"


def test_reconcile_fatalities_keeps_the_largest_credible_toll_and_never_sums() -> None:
    assert reconcile_fatalities([(3, 3, 3), (5, 5, 5)]) == (3, 5, 5)
    assert reconcile_fatalities([(10, 10, 10), (8, 9, 12), (20, 20, 20)]) == (8, 20, 20)
    # 300 is over ten times the median of the other reports (8): a misread tally, not credible
    assert reconcile_fatalities([(7, 7, 7), (9, 9, 9), (300, 300, 300)]) == (7, 9, 9)
    assert reconcile_fatalities([(0, 0, 0), (6, 6, 6)]) == (0, 6, 6)  # "no one died" against six dead: six
    assert reconcile_fatalities([(None, None, None), (None, 4, None)]) == (4, 4, 4)
    assert reconcile_fatalities([(None, None, None)]) == (None, None, None)


def test_largest_credible_of_other_counts() -> None:
    assert largest_credible([20, None, 25]) == 25
    assert largest_credible([2, 3, 5000]) == 3
    assert largest_credible([None, None]) is None
    assert largest_credible([40]) == 40


def test_incremental_passes_equal_a_full_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "incremental.duckdb"
    with Store(path) as store:
        for pair in reversed(REPORTS):  # the bridging reports arrive one by one, in an unhelpful order
            store.add_batch([pair])
            dedupe_articles(store.con, [content_hash(pair[0].text)])
        incremental = snapshot(store)
        dedupe(store.con, rebuild=True)
        assert snapshot(store) == incremental
    assert len(incremental[1]) == 4


def test_running_twice_changes_nothing(db: Path) -> None:
    with Store(db) as store:
        before = snapshot(store)
        again = dedupe(store.con)
        assert again.events == 0 and again.total_incidents == 4
        dedupe_articles(store.con, [content_hash(doc.text) for doc, _ in REPORTS])
        assert snapshot(store) == before


def two_event_article(text: str, second_place: Location, second_day: dt.date) -> tuple[Document, DocumentResult]:
    """An article with a Kharkiv strike on Saturday and a second strike event at another place or day."""
    first = report("double", "Kyiv Ledger", text, SAT, KHARKIV, STRIKE, (12, 12, 12))
    second = report("double", "Kyiv Ledger", text, second_day, second_place, STRIKE, (5, 5, 5))
    return first[0], DocumentResult(id="double", events=[*first[1].events, *second[1].events])


def incident_count_of(store: Store, doc: Document) -> int:
    rows = store.con.execute("SELECT incident_id FROM events WHERE article_id = ?", [content_hash(doc.text)])
    return len({row[0] for row in rows.fetchall()})


def test_an_articles_events_at_two_places_stay_two_incidents(tmp_path: Path) -> None:
    text = "Russian bombs hit Kharkiv, killing 12 at a hypermarket, and Pisochyn, killing five at a depot."
    doc, result = two_event_article(text, KHARKIV_SUBURB, SAT)
    with Store(tmp_path / "x.duckdb") as store:
        store.add_batch([(doc, result), REPORTS[0], REPORTS[2]])  # each place has its own second report
        stats = dedupe(store.con)
        assert stats.events == 4
        assert incident_count_of(store, doc) == 2


def test_an_article_telling_one_incident_twice_gives_one_incident(tmp_path: Path) -> None:
    text = "Russian bombs hit a Kharkiv hypermarket on Saturday. The toll rose to 14 on Sunday, officials said."
    doc, result = two_event_article(text, KHARKIV, SUN)
    with Store(tmp_path / "x.duckdb") as store:
        store.add_batch([(doc, result), REPORTS[0]])
        dedupe(store.con)
        assert incident_count_of(store, doc) == 1
        assert store.con.execute("SELECT n_reports, n_events FROM incidents").fetchall() == [(2, 3)]


def test_only_occurred_events_get_an_incident(tmp_path: Path) -> None:
    planned = report("plan", "Kyiv Ledger", "Russia plans new strikes on Kharkiv, officials warned.",
                     SAT, KHARKIV, STRIKE, status="planned")
    with Store(tmp_path / "x.duckdb") as store:
        store.add_batch([planned, REPORTS[0]])
        dedupe(store.con)
        rows = dict(store.con.execute("SELECT status, incident_id FROM events").fetchall())
    assert rows["planned"] is None and rows["occurred"] is not None


def test_dedupe_command_prints_a_summary(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dedupe_command(str(db), rebuild=True)
    err = capsys.readouterr().err
    assert "6 occurred events in 4 incidents" in err
    assert "1 incidents are reported by several articles (3 events)" in err


def test_dedupe_command_on_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(typer.Exit) as exit_info:
        dedupe_command(str(tmp_path / "missing.duckdb"))
    assert exit_info.value.exit_code == 2


def test_an_incident_keeps_its_id_when_later_reports_join(tmp_path: Path) -> None:
    with Store(tmp_path / "x.duckdb") as store:
        ids = []
        for pair in REPORTS[:3]:
            store.add_batch([pair])
            dedupe_articles(store.con, [content_hash(pair[0].text)])
            ids.append(store.con.execute("SELECT incident_id, n_reports FROM incidents").fetchall())
    first_id = ids[0][0][0]
    assert ids == [[(first_id, 1)], [(first_id, 2)], [(first_id, 3)]]


UKRAINE = Location(text="Ukraine", name="Ukraine", geonameid=690791, country="UKR", precision=3)


def test_a_place_known_only_at_country_level_joins_no_finer_place(tmp_path: Path) -> None:
    """Two reports of a strike somewhere in Ukraine are one incident; neither joins the Kharkiv report of that
    day, which may be another strike (there is no distance to measure)."""
    reports = [
        report("ua-1", "Kyiv Ledger", "A Russian drone strike in Ukraine killed two shoppers.", SAT, UKRAINE, STRIKE),
        report("ua-2", "Dnipro Post", "Two shoppers died in a Russian drone strike in Ukraine.", SAT, UKRAINE, STRIKE),
        report("kh-1", "Eastern Bulletin", "A Russian drone strike on Kharkiv killed two shoppers.", SAT, KHARKIV,
               STRIKE),
    ]
    db = tmp_path / "country.duckdb"
    with Store(db) as store:
        store.add_batch(reports)
        dedupe(store.con)
    assert sorted(incidents_of(db).values(), key=len) == [{"kh-1"}, {"ua-1", "ua-2"}]
