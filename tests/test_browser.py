"""The dashboard in headless Chromium: ACLED-first filters, incidents and their reports, map markers and
tooltips, legend, charts, the view in the URL, XSS safety, screenshot."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from conftest import SUDAN, XSS_IMG, XSS_SCRIPT, actor, event, place
from observatory.config import Settings
from observatory.lexicon.taxonomy import PLOVER_TYPES
from observatory.models import Document, DocumentResult
from observatory.serve.api import create_app
from observatory.store.ingest import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_BROWSER = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()

if not HAVE_BROWSER and not os.environ.get("CI"):
    pytest.skip(
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

WAIT_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(db: Path, settings: Settings | None = None) -> Iterator[str]:
    """The API and dashboard over ``db`` on a free local port, served by uvicorn in a thread."""
    port = free_port()
    app = create_app(str(db), settings or Settings(api_token="secret"))
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_SECONDS
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(sample_db: Path) -> Iterator[str]:
    """The dashboard over the sample store."""
    with serving(sample_db) as url:
        yield url


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """Headless Chromium driven by chromedriver."""
    assert HAVE_BROWSER, f"CI needs {CHROMIUM} and {CHROMEDRIVER}"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1400,1300",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def table_rows(driver: webdriver.Chrome) -> list[list[str]]:
    """The cell texts of the event table, read in one step (the table re-renders as data arrives)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#events-body tr[data-event-id]')]"
        ".map(r => [...r.cells].map(c => c.textContent))"
    )


def test_dashboard_end_to_end(server: str, browser: webdriver.Chrome, tmp_path: Path) -> None:
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(server + "/")

    # The table shows the ten "occurred" events of the sample store.
    wait.until(lambda d: len(table_rows(d)) == 10)
    assert browser.find_element(By.ID, "events-table_info").text == "1–10 of 10"  # DataTables' info
    # The libraries come from the server (installed from npm by scripts/install.sh), nothing from elsewhere.
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(name.startswith(server + "/") for name in resources), resources
    for library in ("vendor/leaflet/leaflet.js", "vendor/markercluster/leaflet.markercluster.js",
                    "vendor/echarts/echarts.min.js", "vendor/datatables/dataTables.min.js", "world.geojson"):
        assert f"{server}/static/{library}" in resources
    assert browser.execute_script("return typeof L.markerClusterGroup + typeof echarts.init") == "functionfunction"

    # The map drew clustered markers over all located events (9 of the 10 have coordinates).
    canvas = browser.find_element(By.ID, "map")
    wait.until(lambda d: int(canvas.get_attribute("data-marker-count")) > 0)
    wait.until(lambda d: int(canvas.get_attribute("data-event-count")) == 9)

    # Filter on a country: only the three Kenyan events remain, in the table and on the map.
    Select(browser.find_element(By.ID, "f-country")).select_by_value("KEN")
    wait.until(lambda d: len(table_rows(d)) == 3)
    assert {row[6] for row in table_rows(browser)} == {"KEN"}
    wait.until(lambda d: int(canvas.get_attribute("data-event-count")) == 3)

    # An actor filter narrows further (case-insensitive substring).
    actor = browser.find_element(By.ID, "f-actor")
    actor.send_keys("police")
    wait.until(lambda d: len(table_rows(d)) == 1)
    assert table_rows(browser)[0][3] == "Police Forces of Kenya"
    browser.find_element(By.ID, "f-reset").click()
    wait.until(lambda d: len(table_rows(d)) == 10)

    # Brushing the first third of the timeline keeps only the events dated inside the brushed range.
    timeline = browser.find_element(By.ID, "timeline")
    width = timeline.size["width"]
    ActionChains(browser).move_to_element_with_offset(  # from just inside the chart's plot area (40 px in)
        timeline, -width // 2 + 45, 0
    ).click_and_hold().move_by_offset(width // 3, 0).release().perform()
    label = wait.until(lambda d: d.find_element(By.ID, "brush-label").text)
    since, until = label.split(" → ")
    wait.until(lambda d: 0 < len(table_rows(d)) < 10)
    assert all(since <= row[0] <= until for row in table_rows(browser))
    assert "since=" + since in browser.find_element(By.ID, "export-csv").get_attribute("href")
    assert f"since={since}" in browser.current_url and f"until={until}" in browser.current_url
    assert browser.find_element(By.ID, "f-since").get_attribute("value") == since
    # The timeline zooms to the brushed dates: one bar a day from the first to the last.
    days = (dt.date.fromisoformat(until) - dt.date.fromisoformat(since)).days + 1
    wait.until(lambda d: d.find_element(By.ID, "timeline").get_attribute("data-keys") == str(days))
    browser.find_element(By.ID, "brush-clear").click()
    wait.until(lambda d: len(table_rows(d)) == 10)

    # Open the Sudan looting event: its evidence, with the injected markup, is highlighted as text.
    browser.execute_script(
        "[...document.querySelectorAll('#events-body tr')]"
        ".find(r => r.textContent.includes('Omdurman')).click()"
    )
    mark = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#detail-article mark")))
    expected = SUDAN[: SUDAN.index(", witnesses said.")] + ", witnesses said."
    assert mark.text == expected
    assert XSS_SCRIPT in mark.text
    article = browser.find_element(By.ID, "detail-article")
    assert article.text == SUDAN
    assert article.find_elements(By.TAG_NAME, "script") == []
    assert article.find_elements(By.TAG_NAME, "img") == []
    # The article's other event (the clashes in Bahri) is underlined, apart from the selected one's <mark>.
    [other] = article.find_elements(By.CSS_SELECTOR, ".other-event")
    assert "Bahri" in other.text and "Bahri" not in mark.text
    assert browser.find_element(By.ID, "detail-title").text == "Strategic developments — Looting/property destruction"

    # The injected script and onerror handler never ran (in the table, detail view or titles).
    time.sleep(0.5)
    assert browser.execute_script("return typeof window.__xss") == "undefined"

    shot = tmp_path / "dashboard.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000


# Bidirectional controls in an article: a right-to-left override (U+202E) ended by U+202C, an isolate
# (U+2067 ... U+2069). Displayed as they are, "\u202eaitilim" reads "militia" and the evidence reads backwards.
RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"
BIDI_ACTOR = f"{RLO}aitilim{PDF}"
BIDI_SENTENCE = f"Gunmen attacked a checkpoint near Kandahar on Monday, {RLO}killing two guards{PDF}, police said."
BIDI_TEXT = f"KANDAHAR - {BIDI_SENTENCE} The {RLI}attackers{PDI} fled."
BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Left edges (px) of the first and last letters of ``word`` as laid out inside ``element``.
GLYPH_EDGES = """
const [element, word] = arguments;
const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const start = node.data.indexOf(word);
  if (start < 0) continue;
  const range = document.createRange();
  const left = (i) => {
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect().left;
  };
  return [left(start), left(start + word.length - 1)];
}
return null;
"""


@pytest.fixture
def bidi_db(tmp_path: Path) -> Path:
    """A store with one article whose text, evidence, actor, title and source carry bidi controls."""
    found = event(
        BIDI_TEXT,
        BIDI_SENTENCE,
        plover_type="ASSAULT",
        acled_event_type="Violence against civilians",
        acled_sub_event_type="Attack",
        actors=[actor(BIDI_ACTOR, 3, "AFG")],
        location=place("Kandahar", 31.61, 65.71, "AFG", "Kandahar"),
        fatalities=2,
    )
    doc = Document(id="bidi", text=BIDI_TEXT, title=f"{RLO}Checkpoint attack", source=f"{RLO}Wire")
    path = tmp_path / "bidi.duckdb"
    with Store(path) as store:
        store.add_batch([(doc, DocumentResult(id=doc.id, events=[found]))])
    return path


def test_bidi_controls_do_not_reverse_the_display(bidi_db: Path, browser: webdriver.Chrome) -> None:
    wait = WebDriverWait(browser, WAIT_SECONDS)
    with serving(bidi_db) as url:
        browser.get(url + "/")
        wait.until(lambda d: len(table_rows(d)) == 1)
        [row] = table_rows(browser)
        assert row[3] == "aitilim"  # the actor as stored, controls dropped
        cell = browser.find_element(By.CSS_SELECTOR, "#events-body tr td:nth-child(4)")
        first, last = browser.execute_script(GLYPH_EDGES, cell, "aitilim")
        assert first < last  # laid out left to right, not reversed into "militia"

        browser.find_element(By.CSS_SELECTOR, "#events-body tr[data-event-id]").click()
        mark = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#detail-article mark")))
        assert mark.get_attribute("textContent") == BIDI_RE.sub("", BIDI_SENTENCE)
        article = browser.find_element(By.ID, "detail-article")
        assert article.get_attribute("textContent") == BIDI_RE.sub("", BIDI_TEXT)
        first, last = browser.execute_script(GLYPH_EDGES, mark, "killing")
        assert first < last
        meta = browser.find_element(By.ID, "detail-article-meta").text
        assert meta.startswith("Checkpoint attack — Wire")
        assert not BIDI_RE.search(browser.execute_script("return document.body.textContent"))

        # The stored text and the evidence offsets are unchanged.
        event_id = browser.find_element(By.CSS_SELECTOR, "#events-body tr[data-event-id]").get_attribute(
            "data-event-id"
        )
        stored = httpx.get(f"{url}/api/events/{event_id}").json()
    assert stored["article"]["text"] == BIDI_TEXT and stored["actor1"] == BIDI_ACTOR
    assert BIDI_TEXT[stored["evidence_start"] : stored["evidence_end"]] == stored["evidence_text"] == BIDI_SENTENCE


def test_table_pages_sorts_and_shows_markup_as_text(tmp_path: Path, browser: webdriver.Chrome) -> None:
    """DataTables draws the server's pages: its pager and a header click come back as the page and sort in
    the URL, a link's page is restored, and markup in actors and places is shown as text, within the page's
    Content-Security-Policy (no violation reported)."""
    reports = []
    for i in range(55):  # 55 incidents, one a day; the newest has markup in its actors and place
        markup = i == 54
        where = (XSS_IMG, XSS_SCRIPT) if markup else ("Omdurman", "Khartoum")
        text = f"Gunmen attacked a village on day {i}."
        found = event(
            text, text, plover_type="ASSAULT", acled_event_type="Battles", acled_sub_event_type="Armed clash",
            actors=[actor(XSS_SCRIPT if markup else "Militia", 2, "SDN")],
            recipients=[actor(XSS_IMG if markup else "Civilians", 7, "SDN")],
            location=place(where[0], 15.64, 32.48, "SDN", where[1]),
            day=dt.date(2024, 1, 1) + dt.timedelta(days=i),
        )
        doc = Document(id=f"day-{i}", text=text, source="wire", published=dt.date(2024, 6, 1))
        reports.append((doc, DocumentResult(id=doc.id, events=[found])))
    db = tmp_path / "pages.duckdb"
    with Store(db) as store:
        store.add_batch(reports)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "(e) => window.__csp.push(e.violatedDirective + ' ' + e.sourceFile))")})
    wait = WebDriverWait(browser, WAIT_SECONDS)
    info = lambda d: d.find_element(By.ID, "events-table_info").text  # noqa: E731
    with serving(db) as url:
        browser.get(url + "/")
        wait.until(lambda d: len(table_rows(d)) == 50 and info(d) == "1–50 of 55")
        newest = table_rows(browser)[0]
        assert (newest[3], newest[4], newest[5]) == (XSS_SCRIPT, XSS_IMG, f"{XSS_IMG}, {XSS_SCRIPT}")
        assert browser.find_elements(By.CSS_SELECTOR, "#events-body img, #events-body script") == []
        browser.find_element(By.CSS_SELECTOR, ".dt-paging-button.next").click()
        wait.until(lambda d: len(table_rows(d)) == 5 and info(d) == "51–55 of 55")
        assert "page=2" in browser.current_url
        assert table_rows(browser)[-1][0] == "2024-01-01"
        browser.find_element(By.CSS_SELECTOR, "th[data-key='event_date']").click()  # oldest first, page 1
        wait.until(lambda d: len(table_rows(d)) == 50 and table_rows(d)[0][0] == "2024-01-01")
        assert "sort=event_date%3Aasc" in browser.current_url and "page=" not in browser.current_url
        browser.get(url + "/?page=2")
        wait.until(lambda d: len(table_rows(d)) == 5 and info(d) == "51–55 of 55")
        assert browser.execute_script("return typeof window.__xss") == "undefined"
        assert browser.execute_script("return window.__csp") == []


def test_dashboard_counts_incidents(tmp_path: Path, browser: webdriver.Chrome) -> None:
    """Three articles reporting one strike are one incident in the totals and on the map, as the API's
    aggregates count them; the detail panel lists the incident's reports."""
    from observatory.store.dedupe import dedupe
    from test_dedupe import REPORTS

    db = tmp_path / "incidents.duckdb"
    with Store(db) as store:
        store.add_batch(REPORTS)
        dedupe(store.con)
    wait = WebDriverWait(browser, WAIT_SECONDS)
    with serving(db) as url:
        totals = httpx.get(url + "/api/aggregates", params={"by": "status"}).json()["totals"]
        assert (totals["events"], totals["reports"], totals["fatalities"]) == (4, 6, 16 + 2 + 7)
        browser.get(url + "/")
        shown = browser.find_element(By.ID, "totals")
        wait.until(lambda d: shown.get_attribute("data-incidents") == "4")
        assert shown.get_attribute("data-fatalities") == "25"
        assert shown.text.startswith("4 incidents (6 reports from 6 articles) · 25 fatalities")
        canvas = browser.find_element(By.ID, "map")
        wait.until(lambda d: int(canvas.get_attribute("data-event-count")) == 4)
        # The incident view's table lists the incidents, each with its reconciled toll and number of reports.
        wait.until(lambda d: len(table_rows(d)) == 4)
        tolls_and_reports = sorted((row[7], row[8]) for row in table_rows(browser))
        assert tolls_and_reports == [("0", "1"), ("16", "3"), ("2", "1"), ("7", "1")]
        # The incident opens to its reports, each with its source and evidence sentence.
        rows = browser.find_elements(By.CSS_SELECTOR, "#events-body tr")
        next(r for r in rows if r.find_elements(By.TAG_NAME, "td")[8].text == "3").click()
        reports = wait.until(ec.visibility_of_element_located((By.ID, "detail-reports")))
        wait.until(lambda d: len(reports.find_elements(By.TAG_NAME, "li")) == 3)
        summary = browser.find_element(By.ID, "detail-incident-summary").text
        assert summary.startswith("3 reports from Dnipro Post; Eastern Bulletin; Kyiv Ledger · 16 fatalities")
        head = browser.find_element(By.ID, "detail-incident-head").text
        assert head.startswith("Explosions/Remote violence — Air/drone strike · Kharkiv, Kharkiv, UKR · 2024-05-2")
        items = reports.find_elements(By.TAG_NAME, "li")
        outlets = {i.find_element(By.TAG_NAME, "bdi").text for i in items}
        assert outlets == {"Dnipro Post", "Eastern Bulletin", "Kyiv Ledger"}
        # Opening another report shows its article with its evidence highlighted.
        next(i for i in items if "Dnipro Post" in i.text).click()
        wait.until(lambda d: "rose to 14" in d.execute_script(
            "return document.querySelector('#detail-article mark')?.textContent || ''"
        ))
        assert "Dnipro Post" in browser.find_element(By.ID, "detail-article-meta").text

        # The report view lists the six reports.
        browser.find_element(By.ID, "unit-report").click()
        wait.until(lambda d: len(table_rows(d)) == 6)
        assert sorted(int(row[7]) for row in table_rows(browser)) == [0, 2, 7, 12, 14, 16]
        assert "unit=report" in browser.current_url
        rows = browser.find_elements(By.CSS_SELECTOR, "#events-body tr")
        next(r for r in rows if r.find_elements(By.TAG_NAME, "td")[7].text == "14").click()  # the 14-dead report
        wait.until(lambda d: d.execute_script(
            "return document.querySelector('#detail-reports li.selected')?.textContent || ''"
        ).startswith("Dnipro Post"))
        assert len(browser.find_elements(By.CSS_SELECTOR, "#detail-reports li")) == 3


def test_dashboard_totals_on_the_bundled_samples_match_the_api_and_the_incidents(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    from typer.testing import CliRunner

    from observatory.cli import app, sample_path

    db = tmp_path / "samples.duckdb"
    assert CliRunner().invoke(app, ["ingest", str(sample_path()), "--db", str(db)]).exit_code == 0
    acled = "acled_event_type IS NOT NULL"
    with Store(db) as store:
        incidents, fatalities, located = store.con.execute(
            f"SELECT count(*), coalesce(sum(fatalities_best), 0), count(latitude) FROM incidents WHERE {acled}"
        ).fetchone()
        verbal = store.con.execute(f"SELECT count(*) FROM incidents WHERE NOT ({acled})").fetchone()[0]
    assert incidents and verbal
    wait = WebDriverWait(browser, WAIT_SECONDS)
    with serving(db) as url:
        totals = httpx.get(url + "/api/aggregates", params={"by": "status"}).json()["totals"]
        browser.get(url + "/")
        # The ACLED view counts the incidents with an ACLED type, the verbal view the others: together the API's.
        shown = browser.find_element(By.ID, "totals")
        wait.until(lambda d: shown.get_attribute("data-incidents") == str(incidents))
        assert shown.get_attribute("data-fatalities") == str(fatalities)
        canvas = browser.find_element(By.ID, "map")
        wait.until(lambda d: int(canvas.get_attribute("data-event-count")) == located)
        browser.find_element(By.ID, "view-verbal").click()
        wait.until(lambda d: shown.get_attribute("data-incidents") == str(verbal))
        assert incidents + verbal == totals["events"]
        assert {row[1] for row in table_rows(browser)} <= set(PLOVER_TYPES)  # the type column shows PLOVER
        assert browser.find_element(By.ID, "l-acled").is_displayed() is False


def legend_types(driver: webdriver.Chrome) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#legend li[data-type]')].map(li => li.dataset.type)"
    )


def test_acled_type_filter_legend_and_count_without_coordinates(server: str, browser: webdriver.Chrome) -> None:
    """The ACLED type filter filters the table; the legend lists only the types shown; the events without
    coordinates are counted as the API's GeoJSON export counts them."""
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(server + "/")
    wait.until(lambda d: len(table_rows(d)) == 10)
    assert set(legend_types(browser)) == {
        "Strategic developments", "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests"
    }
    exported = httpx.get(server + "/api/export", params={"format": "geojson", "kind": "acled"})
    omitted = exported.headers["X-Omitted-Without-Coordinates"]
    assert omitted == "1"
    no_coords = browser.find_element(By.ID, "no-coords")
    wait.until(lambda d: no_coords.get_attribute("data-count") == omitted)
    assert no_coords.text.startswith("1 incident without coordinates")

    Select(browser.find_element(By.ID, "f-acled")).select_by_value("Battles")
    wait.until(lambda d: len(table_rows(d)) == 2)
    assert {row[1] for row in table_rows(browser)} == {"Battles"}
    assert {row[2] for row in table_rows(browser)} == {"Armed clash"}
    assert legend_types(browser) == ["Battles"]
    exported = httpx.get(server + "/api/export", params={"format": "geojson", "acled_event_type": "Battles"})
    wait.until(lambda d: no_coords.get_attribute("data-count") == exported.headers["X-Omitted-Without-Coordinates"])
    assert "acled_event_type=Battles" in browser.find_element(By.ID, "export-csv").get_attribute("href")

    # A country: the legend follows (Kenya has protests only).
    Select(browser.find_element(By.ID, "f-acled")).select_by_value("")
    Select(browser.find_element(By.ID, "f-country")).select_by_value("KEN")
    wait.until(lambda d: len(table_rows(d)) == 3)
    assert legend_types(browser) == ["Protests"]
    assert no_coords.get_attribute("data-count") == "0"
    # The legend can be collapsed.
    browser.find_element(By.ID, "legend-toggle").click()
    assert not browser.find_element(By.ID, "legend").is_displayed()
    assert browser.find_element(By.ID, "legend-toggle").get_attribute("aria-expanded") == "false"


def test_view_state_round_trips_through_the_url(server: str, browser: webdriver.Chrome) -> None:
    """Filters, dates, confidence, sort and the selection are written to the URL and restored from it."""
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(server + "/")
    wait.until(lambda d: len(table_rows(d)) == 10)
    Select(browser.find_element(By.ID, "f-country")).select_by_value("SYR")
    wait.until(lambda d: len(table_rows(d)) == 2)
    admin1 = browser.find_element(By.ID, "f-admin1")
    admin1.send_keys("Idlib")
    wait.until(lambda d: "admin1=Idlib" in d.current_url)
    conf = browser.find_element(By.ID, "f-conf")
    conf.send_keys("0.85")
    conf.send_keys("\t")
    wait.until(lambda d: len(table_rows(d)) == 1)  # only the 0.9-confidence shelling
    assert table_rows(browser)[0][1] == "Explosions/Remote violence"
    browser.execute_script("document.getElementById('f-conf').value = ''; "
                           "document.getElementById('f-conf').dispatchEvent(new Event('change', {bubbles: true}))")
    wait.until(lambda d: len(table_rows(d)) == 2)
    browser.find_element(By.CSS_SELECTOR, "th[data-key='fatalities']").click()  # fatalities, most first
    wait.until(lambda d: [row[7] for row in table_rows(d)] == ["4", "2"])
    browser.find_element(By.CSS_SELECTOR, "th[data-key='fatalities']").click()  # then fewest first
    wait.until(lambda d: [row[7] for row in table_rows(d)] == ["2", "4"])
    browser.execute_script("document.querySelectorAll('#events-body tr')[1].click()")
    wait.until(lambda d: "sel=" in d.current_url)
    link = browser.current_url
    for part in ("country=SYR", "admin1=Idlib", "sort=fatalities%3Aasc"):
        assert part in link

    # The date inputs narrow the dates; the link restores everything in a new page.
    browser.get(link + "&since=2024-03-12&until=2024-03-31")
    wait.until(lambda d: len(table_rows(d)) == 1)
    assert table_rows(browser)[0][0] == "2024-03-12"
    assert browser.find_element(By.ID, "f-since").get_attribute("value") == "2024-03-12"
    assert browser.find_element(By.ID, "f-until").get_attribute("value") == "2024-03-31"
    assert browser.find_element(By.ID, "brush-label").text == "2024-03-12 → 2024-03-31"
    assert Select(browser.find_element(By.ID, "f-country")).first_selected_option.get_attribute("value") == "SYR"
    assert browser.find_element(By.ID, "f-admin1").get_attribute("value") == "Idlib"
    browser.get(link)
    wait.until(lambda d: [row[7] for row in table_rows(d)] == ["2", "4"])
    title = wait.until(ec.visibility_of_element_located((By.ID, "detail-title")))
    assert title.text == "Explosions/Remote violence — Shelling/artillery/missile attack"
    assert browser.find_element(By.CSS_SELECTOR, "#events-body tr.selected td:nth-child(8)").text == "4"
    browser.refresh()
    wait.until(lambda d: [row[7] for row in table_rows(d)] == ["2", "4"])
    assert browser.current_url == link


def test_confidence_threshold_survives_reload_and_the_export_is_the_view(
    server: str, browser: webdriver.Chrome
) -> None:
    """The minimum confidence is the API's filter: kept in the URL, restored on reload, and in the export
    links, whose download holds exactly the units the table shows."""
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(server + "/?conf=0.75&country=SYR")
    wait.until(lambda d: len(table_rows(d)) == 2)
    browser.refresh()
    wait.until(lambda d: len(table_rows(d)) == 2)
    assert browser.find_element(By.ID, "f-conf").get_attribute("value") == "0.75"
    assert "conf=0.75" in browser.current_url
    assert browser.find_element(By.ID, "totals").get_attribute("data-incidents") == "2"
    shown = {row.get_attribute("data-event-id") for row in browser.find_elements(By.CSS_SELECTOR, "#events-body tr")}
    href = browser.find_element(By.ID, "export-csv").get_attribute("href")
    assert "min_confidence=0.75" in href and "country=SYR" in href
    exported = list(csv.DictReader(io.StringIO(httpx.get(href).text)))
    assert {row["event_id"] for row in exported} == shown
    assert all(float(row["confidence"]) >= 0.75 for row in exported)
    geojson = httpx.get(browser.find_element(By.ID, "export-geojson").get_attribute("href")).json()
    assert {f["properties"]["event_id"] for f in geojson["features"]} == shown


def test_tooltip_bar_chart_and_timeline(server: str, browser: webdriver.Chrome) -> None:
    """A marker's tooltip tells type, place, date, fatalities and reports; a click on a bar of the actor chart
    filters by that actor; the timeline switches to fatalities."""
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(server + "/?country=UKR")
    wait.until(lambda d: len(table_rows(d)) == 1)
    marker = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#map .leaflet-marker-pane .marker")))
    ActionChains(browser).move_to_element(marker).perform()
    tip = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-tooltip")))
    assert tip.text.splitlines() == [
        "Explosions/Remote violence — Shelling/artillery/missile attack",
        "Kharkiv, Kharkiv, Ukraine",
        "2024-05-23 · 7 fatalities · 1 report",
    ]

    browser.get(server + "/")
    wait.until(lambda d: len(table_rows(d)) == 10)
    keys = json.loads(browser.find_element(By.ID, "bar-actor").get_attribute("data-keys"))
    target = keys.index("Military Forces of Russia") if "Military Forces of Russia" in keys else 0
    actor_name = keys[target]
    x, y = browser.execute_script(
        "const c = echarts.getInstanceByDom(document.getElementById('bar-actor'));"
        "const n = arguments[0];"
        "const p = c.convertToPixel({seriesIndex: 0}, [0.5, n]);"
        "return p;",
        len(keys) - 1 - target,
    )
    box = browser.find_element(By.ID, "bar-actor")
    ActionChains(browser).move_to_element_with_offset(
        box, int(x) + 3 - box.size["width"] // 2, int(y) - box.size["height"] // 2
    ).click().perform()
    wait.until(lambda d: d.find_element(By.ID, "f-actor").get_attribute("value") == actor_name)
    wait.until(lambda d: {row[3] for row in table_rows(d)} == {actor_name})

    Select(browser.find_element(By.ID, "tl-metric")).select_by_value("fatalities")
    wait.until(lambda d: d.find_element(By.ID, "timeline-label").text == "Fatalities per day")
    assert "metric=fatalities" in browser.current_url


def test_map_extent_filter_and_place_labels(server: str, browser: webdriver.Chrome) -> None:
    """"Only the map's area" filters by the map's extent, kept in the URL; place names show at city zoom."""
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(server + "/?bbox=30,0,45,40")  # Khartoum and Idlib; not Kharkiv, Nairobi or Borno
    wait.until(lambda d: len(table_rows(d)) == 3)
    assert {row[6] for row in table_rows(browser)} == {"SDN", "SYR"}
    assert browser.find_element(By.ID, "f-extent").is_selected()
    assert "bbox=30%2C0%2C45%2C40" in browser.current_url
    assert "bbox=30%2C0%2C45%2C40" in browser.find_element(By.ID, "export-csv").get_attribute("href")
    browser.find_element(By.ID, "f-extent").click()
    wait.until(lambda d: len(table_rows(d)) == 10)
    assert "bbox" not in browser.current_url
    browser.find_element(By.ID, "f-extent").click()  # the whole map's extent now: the nine located events
    wait.until(lambda d: len(table_rows(d)) == 9)
    assert "bbox=" in browser.current_url

    browser.get(server + "/?country=UKR")
    wait.until(lambda d: len(table_rows(d)) == 1)
    wait.until(lambda d: d.execute_script("return document.querySelectorAll('#map .place-label').length") == 1)
    assert browser.find_element(By.CSS_SELECTOR, "#map .place-label").text == "Kharkiv"
    browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-out").click()
    browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-out").click()
    wait.until(lambda d: d.execute_script("return document.querySelectorAll('#map .place-label').length") == 0)


# ---------- review in place ----------

BATTLE = "fd6a6d90facc704a:1"  # a sample event: Battles, 2 fatalities, confidence 0.8


@pytest.fixture
def deduped_server(sample_db: Path) -> Iterator[str]:
    """The dashboard over the sample store with its incidents made (9: two reports of one protest are one),
    as every review action's recomputation would make them."""
    from observatory.store.dedupe import dedupe

    with Store(sample_db) as store:
        dedupe(store.con)
    with serving(sample_db) as url:
        yield url


def enter_token(driver: webdriver.Chrome, token: str) -> None:
    driver.find_element(By.ID, "token-open").click()
    box = driver.find_element(By.ID, "token-input")
    box.send_keys(token)
    driver.find_element(By.ID, "token-save").click()


def open_row(driver: webdriver.Chrome, event_id: str) -> None:
    """Click the table row of ``event_id`` (looked up at the click: the table re-renders as data arrive)."""
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.execute_script(
        "const r = document.querySelector(`#events-body tr[data-event-id='${arguments[0]}']`);"
        "if (r) r.click(); return Boolean(r)", event_id))


def load_with_token(driver: webdriver.Chrome, url: str, path: str = "/") -> None:
    """Open the dashboard at ``path`` with the token already in the tab's sessionStorage (set on a static file
    of the same origin, so that the page loads once)."""
    driver.get(url + "/static/style.css")
    driver.execute_script("sessionStorage.setItem('observatory-token', 'secret')")
    driver.get(url + path)
    WebDriverWait(driver, WAIT_SECONDS).until(ec.presence_of_element_located((By.ID, "totals")))


def review_status(server: str, event_id: str) -> str:
    return httpx.get(f"{server}/api/events/{event_id}").json()["review"]["review_status"]


def history_texts(driver: webdriver.Chrome) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#detail-history li')].map(li => li.textContent)")


def row_cells(driver: webdriver.Chrome, event_id: str) -> list[str] | None:
    return driver.execute_script(
        "const r = document.querySelector(`#events-body tr[data-event-id='${arguments[0]}']`);"
        "return r ? [...r.cells].map(c => c.textContent) : null", event_id)


def test_review_confirm_correct_reject_from_the_detail_view(deduped_server: str, browser: webdriver.Chrome) -> None:
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(deduped_server + "/")
    wait.until(lambda d: len(table_rows(d)) == 9)
    # Without a token there is no review panel and no queue.
    assert not browser.find_element(By.ID, "queue-bar").is_displayed()
    browser.find_element(By.CSS_SELECTOR, f"#events-body tr[data-event-id='{BATTLE}']").click()
    wait.until(lambda d: "not reviewed yet" in " ".join(history_texts(d)))
    assert not browser.find_element(By.ID, "review-panel").is_displayed()

    enter_token(browser, "secret")
    wait.until(lambda d: d.find_element(By.ID, "queue-bar").is_displayed())
    assert "secret" not in browser.current_url
    assert browser.execute_script("return sessionStorage.getItem('observatory-token')") == "secret"
    panel = wait.until(ec.visibility_of_element_located((By.ID, "review-panel")))
    assert panel.get_attribute("data-review-status") == "unreviewed"

    # Confirm: stored in the API, with its audit entry shown in the detail view.
    browser.find_element(By.ID, "rv-confirm").click()
    wait.until(lambda d: panel.get_attribute("data-review-status") == "confirmed")
    assert review_status(deduped_server, BATTLE) == "confirmed"
    assert any("· api · confirm: unreviewed → confirmed" in t for t in history_texts(browser)), history_texts(browser)

    # Correct the toll: the table and the API show the analyst's figure, the audit trail the change and note.
    totals = browser.find_element(By.ID, "totals")
    before = int(totals.get_attribute("data-fatalities"))
    browser.find_element(By.ID, "rv-edit").click()
    field = wait.until(ec.visibility_of_element_located((By.ID, "rv-fatalities")))
    assert field.get_attribute("value") == "2"
    field.clear()
    field.send_keys("12")
    browser.find_element(By.ID, "rv-note").send_keys("ministry toll")
    browser.find_element(By.ID, "rv-save").click()
    wait.until(lambda d: (row_cells(d, BATTLE) or [""] * 8)[7] == "12")
    assert int(totals.get_attribute("data-fatalities")) == before + 10
    detail = httpx.get(f"{deduped_server}/api/events/{BATTLE}").json()
    assert detail["fatalities"] == 12 and detail["review"]["review_status"] == "corrected"
    wait.until(lambda d: any("correct fatalities: 2 → 12 — “ministry toll”" in t for t in history_texts(d)))
    assert not browser.find_element(By.ID, "rv-form").is_displayed()

    # Reject: the event leaves the table and the totals; it can be restored.
    browser.find_element(By.ID, "rv-reject").click()
    wait.until(lambda d: totals.get_attribute("data-incidents") == "8")
    assert int(totals.get_attribute("data-fatalities")) == before - 2
    assert row_cells(browser, BATTLE) is None
    assert review_status(deduped_server, BATTLE) == "rejected"
    wait.until(lambda d: panel.get_attribute("data-review-status") == "rejected")
    assert any("reject: corrected → rejected" in t for t in history_texts(browser)), history_texts(browser)
    browser.find_element(By.ID, "rv-restore").click()
    wait.until(lambda d: totals.get_attribute("data-incidents") == "9")
    assert review_status(deduped_server, BATTLE) != "rejected"


def test_review_form_corrects_plover_type_coordinates_and_inter_codes(
    deduped_server: str, browser: webdriver.Chrome
) -> None:
    wait = WebDriverWait(browser, WAIT_SECONDS)
    load_with_token(browser, deduped_server, f"/?sel={BATTLE}")
    wait.until(ec.visibility_of_element_located((By.ID, "review-panel")))
    browser.find_element(By.ID, "rv-edit").click()
    wait.until(ec.visibility_of_element_located((By.ID, "rv-latitude")))
    assert browser.find_element(By.ID, "rv-inter1").get_attribute("value") == "2"
    assert browser.find_element(By.ID, "rv-latitude").get_attribute("value") == "35.86"
    Select(browser.find_element(By.ID, "rv-plover_type")).select_by_value("COERCE")
    for field, value in (("rv-latitude", "35.9"), ("rv-longitude", "36.7"), ("rv-inter2", "3")):
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    browser.find_element(By.ID, "rv-save").click()
    wait.until(lambda d: any("correct latitude: 35.86 → 35.9" in t for t in history_texts(d)), history_texts(browser))
    stored = httpx.get(f"{deduped_server}/api/events/{BATTLE}").json()
    assert (stored["plover_type"], stored["latitude"], stored["longitude"]) == ("COERCE", 35.9, 36.7)
    assert (stored["inter1"], stored["inter2"]) == (2, 3)  # an unchanged field is not sent
    assert not browser.find_element(By.ID, "rv-form").is_displayed()


def test_review_queue_orders_by_confidence_and_keys_act_on_the_selected(
        deduped_server: str, browser: webdriver.Chrome) -> None:
    wait = WebDriverWait(browser, WAIT_SECONDS)
    # The queue position is in the URL (the token never): the last of nine is the most confident event.
    load_with_token(browser, deduped_server, "/?queue=9")
    info = browser.find_element(By.ID, "queue-info")
    wait.until(lambda d: info.text.startswith("9 of 9 · confidence 0.9"))
    wait.until(lambda d: "sel=fd6a6d90facc704a:0" in d.current_url.replace("%3A", ":"))
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("k")
    wait.until(lambda d: info.text.startswith("8 of 9 · confidence 0.8"))
    wait.until(lambda d: f"sel={BATTLE}" in d.current_url.replace("%3A", ":"))
    assert "queue=8" in browser.current_url and "secret" not in browser.current_url
    # The table follows the queue: lowest confidence first.
    confidences = [float(row[10]) for row in table_rows(browser)]
    assert confidences == sorted(confidences) and confidences[0] == 0.5

    # c confirms the selected event and moves on; x rejects the next one, which leaves the queue.
    body.send_keys("c")
    wait.until(lambda d: info.text.startswith("9 of 9"))
    assert review_status(deduped_server, BATTLE) == "confirmed"
    assert review_status(deduped_server, "fd6a6d90facc704a:0") == "unreviewed"
    body.send_keys("x")
    wait.until(lambda d: browser.find_element(By.ID, "totals").get_attribute("data-incidents") == "8")
    assert review_status(deduped_server, "fd6a6d90facc704a:0") == "rejected"
    wait.until(lambda d: info.text.startswith("8 of 8 · confidence 0.8"))
    # j/k at the ends stay there; the first is a 0.5 event; e opens the correction form.
    body.send_keys("j")
    body.send_keys("k" * 9)
    wait.until(lambda d: info.text.startswith("1 of 8 · confidence 0.5"))
    body.send_keys("e")
    wait.until(ec.visibility_of_element_located((By.ID, "rv-form")))
    assert browser.switch_to.active_element.get_attribute("id") == "rv-acled_event_type"


def press_review_button(browser: webdriver.Chrome, url: str, token: str, button: str) -> WebElement:
    """Open the sample page with a review token, press a review button on the battle; the error line."""
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(url + "/")
    wait.until(lambda d: len(table_rows(d)) == 10)
    enter_token(browser, token)
    wait.until(lambda d: d.find_element(By.ID, "queue-bar").is_displayed())
    open_row(browser, BATTLE)
    wait.until(ec.visibility_of_element_located((By.ID, "review-panel")))
    browser.find_element(By.ID, button).click()
    return browser.find_element(By.ID, "review-error")


def test_review_with_a_wrong_or_missing_token_says_so_in_one_line(
    sample_db: Path, server: str, browser: webdriver.Chrome
) -> None:
    wait = WebDriverWait(browser, WAIT_SECONDS)
    error = press_review_button(browser, server, "wrong", "rv-confirm")
    wait.until(lambda d: error.text == "Token refused: missing or wrong bearer token")
    assert review_status(server, BATTLE) == "unreviewed"
    assert error.size["height"] < 30  # one line


def test_review_without_a_server_token_shows_the_503_message(sample_db: Path, browser: webdriver.Chrome) -> None:
    wait = WebDriverWait(browser, WAIT_SECONDS)
    with serving(sample_db, Settings()) as url:
        error = press_review_button(browser, url, "anything", "rv-reject")
        wait.until(lambda d: error.text.startswith("Review unavailable: no API token is configured on the server"))
        assert review_status(url, BATTLE) == "unreviewed"


def test_review_split_and_merge_incidents(tmp_path: Path, browser: webdriver.Chrome) -> None:
    from observatory.store.dedupe import dedupe
    from test_dedupe import REPORTS

    db = tmp_path / "incidents.duckdb"
    with Store(db) as store:
        store.add_batch(REPORTS)
        dedupe(store.con)
    wait = WebDriverWait(browser, WAIT_SECONDS)
    with serving(db) as url:
        load_with_token(browser, url)
        totals = browser.find_element(By.ID, "totals")
        wait.until(lambda d: totals.get_attribute("data-incidents") == "4")
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#events-body tr")
                   if r.find_elements(By.TAG_NAME, "td")[8].text == "3")
        incident = row.get_attribute("data-incident-id")
        row.click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#detail-reports .split-pick")) == 3)
        picks = browser.find_elements(By.CSS_SELECTOR, "#detail-reports .split-pick")
        lead = browser.execute_script("return new URLSearchParams(location.search).get('sel')")
        other = next(p for p in picks if p.get_attribute("data-event-id") != lead)
        moved = other.get_attribute("data-event-id")
        other.click()
        browser.find_element(By.ID, "rv-split").click()
        wait.until(lambda d: totals.get_attribute("data-incidents") == "5")
        assert len(httpx.get(f"{url}/api/incidents/{incident}").json()["reports"]) == 2
        parts = {e: httpx.get(f"{url}/api/events/{e}").json() for e in (lead, moved)}
        new = next(p["incident_id"] for p in parts.values() if p["incident_id"] != incident)
        assert parts[lead]["incident_id"] != parts[moved]["incident_id"]
        # The audit trail of a report the split moved shows the split.
        logged = next(e for e, p in parts.items() if any(h["action"] == "split" for h in p["review"]["history"])) \
            if any(h["action"] == "split" for p in parts.values() for h in p["review"]["history"]) else None
        if logged is None:  # the split moved the other reports: any of them
            logged = next(r["event_id"] for r in httpx.get(f"{url}/api/incidents/{new}").json()["reports"])
        if logged != lead:  # in the other part: open it by its link
            browser.get(f"{url}/?sel={logged}")
        wait.until(lambda d: any(f"split incident_id: {incident} → {new} (incident {incident})" in t
                                 for t in history_texts(d)), history_texts(browser))
        # Merge the incident back with the split-off one, by id.
        current = browser.execute_script(
            "return document.querySelector('#events-body tr.selected')?.dataset.incidentId")
        other_part = incident if current == new else new
        wait.until(ec.visibility_of_element_located((By.ID, "rv-merge-id"))).send_keys(other_part)
        browser.find_element(By.ID, "rv-merge").click()
        wait.until(lambda d: d.find_element(By.ID, "totals").get_attribute("data-incidents") == "4")
        assert httpx.get(f"{url}/api/events/{moved}").json()["incident_id"] == \
            httpx.get(f"{url}/api/events/{lead}").json()["incident_id"]
