"""Benchmark the dashboard in headless Chromium over 100,000 synthetic incidents.

    .venv/bin/python benchmarks/bench_dashboard.py [--incidents 100000] [--loads 5] [--changes 5] [--rebuild]

Builds (once; cached in the temporary folder) a DuckDB store through the store's migrations, filled in bulk
with SQL: the synthetic articles and events of ``bench_api.build_store`` and incidents over them (of every
three events, two are one incident's reports and one is an incident alone: 1.5 events per incident). Serves it
with the real app (uvicorn in a thread), then opens the dashboard in headless Chromium, cache disabled, and reads:

- first load: navigation start to the page's ``dashboard-ready`` performance mark, set once the totals, the
  table's first page, the map's markers, the legend, the timeline and the bar charts show the data;
- filter changes: from the change (an ACLED type chosen, a date typed, a country chosen, a drag across the
  timeline) to the ``dashboard-render`` mark the page sets when every view is drawn with the new data (the
  ``data-renders`` counter of ``<html>`` counts them), and to the ``dashboard-painted`` mark a frame later,
  when the browser has laid the views out and painted them (a library that measures the page as it draws
  pays the layout before the first mark, one that does not after it); each is measured going to the filter
  and back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
from bench_api import build_store, free_port
from headless_chromium import headless_chromium

from observatory.config import Settings
from observatory.serve.api import create_app
from observatory.store.ingest import Store

PAIRED = 3  # of every PAIRED events, the first two are one incident
FIRST_LOAD_TARGET_MS = 1500
CHANGE_TARGET_MS = 300


def add_incidents(path: Path) -> None:
    """Group the store's events into incidents (pairs of consecutive events, the rest alone), in SQL."""
    with Store(path) as store:
        con = store.con
        con.execute(
            f"""
            CREATE TEMP TABLE grouping AS
            SELECT event_id, article_id, rn,
                'inc-' || printf('%012d', rn - CASE WHEN rn % {PAIRED} = 1 THEN 1 ELSE 0 END) AS incident_id
            FROM (SELECT event_id, article_id, row_number() OVER (ORDER BY event_id) - 1 AS rn FROM events)
            """
        )
        con.execute(
            """
            INSERT INTO incidents (incident_id, event_family, acled_event_type, acled_sub_event_type, plover_type,
                date_start, date_end, location, latitude, longitude, geo_precision, country, admin1,
                fatalities_low, fatalities_best, fatalities_high, n_reports, n_events, sources, article_ids,
                updated_at, lead_event_id, admin2)
            SELECT g.incident_id, 'violence', any_value(e.acled_event_type ORDER BY g.rn),
                any_value(e.acled_sub_event_type ORDER BY g.rn), any_value(e.plover_type ORDER BY g.rn),
                min(e.date_start), max(e.date_end), any_value(e.location ORDER BY g.rn),
                any_value(e.latitude ORDER BY g.rn), any_value(e.longitude ORDER BY g.rn), 1,
                any_value(e.country ORDER BY g.rn), any_value(e.admin1 ORDER BY g.rn), min(e.fatalities),
                max(e.fatalities), max(e.fatalities), count(DISTINCT e.article_id), count(*), '["Bench Wire"]',
                to_json(list(e.article_id ORDER BY g.rn))::VARCHAR, now()::TIMESTAMP,
                any_value(e.event_id ORDER BY g.rn), NULL
            FROM grouping g JOIN events e USING (event_id) GROUP BY g.incident_id
            """
        )
        con.execute(
            "UPDATE events SET incident_id = g.incident_id FROM grouping g WHERE g.event_id = events.event_id"
        )


def cached_store(n_incidents: int, rebuild: bool) -> tuple[Path, float | None]:
    """The benchmark's store (built when missing or with ``rebuild``) and the seconds its build took."""
    folder = Path(os.environ.get("OBSERVATORY_BENCH_CACHE", Path(tempfile.gettempdir()) / "observatory-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dashboard-{n_incidents}.duckdb"
    if path.exists() and not rebuild:
        return path, None
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    n_events = n_incidents * PAIRED // (PAIRED - 1)
    n_events -= n_events % 5  # whole articles of five events
    build_store(path, n_events)
    add_incidents(path)
    return path, time.perf_counter() - start


def chromium_driver(profile: Path) -> object:
    """Headless Chromium at 1400x900 (as the screenshots), the cache disabled."""
    driver = headless_chromium(profile)
    if driver is None:
        raise SystemExit("bench_dashboard: chromium and chromedriver are needed (apt-get install chromium "
                         "chromium-driver)")
    return driver


def wait_for(driver: object, script: str, timeout: float = 60) -> object:
    """Poll ``script`` in the page until it returns a true value; that value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: d.execute_script(script))


def first_load(driver: object, url: str) -> float:
    """Milliseconds from navigation start to the ``dashboard-ready`` mark of a fresh load of ``url``."""
    driver.get("about:blank")
    driver.get(url)
    wait_for(driver, "return document.documentElement.dataset.ready === 'true'")
    return float(driver.execute_script("return performance.getEntriesByName('dashboard-ready')[0].startTime"))


def timed_change(driver: object, action: Callable[[], None]) -> tuple[float, float]:
    """Milliseconds from a change made by ``action`` (which sets ``window.__t0`` when the change is made) to
    the next ``dashboard-render`` mark (every view drawn) and to the ``dashboard-painted`` mark after it (the
    browser's layout and paint of the new views done)."""
    before = int(driver.execute_script("return Number(document.documentElement.dataset.renders || 0)"))
    driver.execute_script("window.__t0 = null")
    action()
    wait_for(driver, f"return Number(document.documentElement.dataset.renders || 0) > {before}")
    wait_for(driver, "return document.documentElement.dataset.busy !== 'true'")
    wait_for(driver, "const r = performance.getEntriesByName('dashboard-render').at(-1);"
                     "return performance.getEntriesByName('dashboard-painted').some((m) => m.startTime > r.startTime)")
    drawn, painted = driver.execute_script(
        "const r = performance.getEntriesByName('dashboard-render').at(-1);"
        "const p = performance.getEntriesByName('dashboard-painted').find((m) => m.startTime > r.startTime);"
        "return [r.startTime - window.__t0, p.startTime - window.__t0]"
    )
    return float(drawn), float(painted)


def set_value(driver: object, element_id: str, value: str) -> Callable[[], None]:
    """An action: set a form field's value and send the change event the page listens to."""
    script = (
        "const input = document.getElementById(arguments[0]); input.value = arguments[1];"
        "window.__t0 = performance.now(); input.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    return lambda: driver.execute_script(script, element_id, value)


def brush(driver: object, fraction: float) -> Callable[[], None]:
    """An action: drag across ``fraction`` of the timeline's width (or click it, to clear the brush)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    def act() -> None:
        timeline = driver.find_element(By.ID, "timeline")
        driver.execute_script(
            "arguments[0].addEventListener('mouseup', () => { window.__t0 = performance.now(); },"
            " {capture: true, once: true})", timeline)
        width = timeline.size["width"]
        chain = ActionChains(driver).move_to_element_with_offset(timeline, -width // 2 + 60, 0).click_and_hold()
        chain.move_by_offset(int(width * fraction), 0).release().perform()

    return act


def clear_dates(driver: object) -> Callable[[], None]:
    """An action: the "Clear dates" button."""
    return lambda: driver.execute_script(
        "window.__t0 = performance.now(); document.getElementById('brush-clear').click()")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the dashboard in headless Chromium.")
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=5, help="fresh page loads measured")
    parser.add_argument("--changes", type=int, default=5, help="times each filter change is measured")
    parser.add_argument("--rebuild", action="store_true", help="build the store again even when cached")
    args = parser.parse_args()

    db, build_s = cached_store(args.incidents, args.rebuild)
    with Store(db) as store:
        incidents, events = store.con.execute(
            "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM events)").fetchone()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(str(db), Settings()), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="observatory-bench-profile-") as profile:
        driver = chromium_driver(Path(profile))
        try:
            first_load(driver, url)  # warm-up: the server's first queries, Chromium's start
            loads = [first_load(driver, url) for _ in range(args.loads)]
            changes: dict[str, list[tuple[float, float]]] = {}
            cases = {
                "ACLED type chosen (Battles)": set_value(driver, "f-acled", "Battles"),
                "ACLED type cleared": set_value(driver, "f-acled", ""),
                "From date typed (2023-01-01)": set_value(driver, "f-since", "2023-01-01"),
                "From date cleared": set_value(driver, "f-since", ""),
                "country chosen (NGA)": set_value(driver, "f-country", "NGA"),
                "country cleared": set_value(driver, "f-country", ""),
                "timeline brushed (a third)": brush(driver, 1 / 3),
                "dates cleared (Clear dates)": clear_dates(driver),
            }
            for _ in range(args.changes):
                for name, action in cases.items():
                    changes.setdefault(name, []).append(timed_change(driver, action))
        finally:
            driver.quit()
    server.should_exit = True
    thread.join(timeout=10)

    print(f"bench_dashboard {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
          f"{os.getloadavg()[0]:.1f}")
    built = f"built in {build_s:.1f} s" if build_s is not None else "cached"
    print(f"store {db}: {incidents:,} incidents, {events:,} events ({built})")
    print(f"first load (ms, {len(loads)} loads): {', '.join(f'{ms:.0f}' for ms in loads)}; median "
          f"{statistics.median(loads):.0f} (target < {FIRST_LOAD_TARGET_MS})")
    print(f"| filter change | drawn: median ms | max ms | painted: median ms | max ms (n={args.changes}) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, samples in changes.items():
        drawn, painted = [s[0] for s in samples], [s[1] for s in samples]
        print(f"| {name} | {statistics.median(drawn):.0f} | {max(drawn):.0f} | {statistics.median(painted):.0f} "
              f"| {max(painted):.0f} |")
    for i, what in enumerate(("drawn", "painted")):
        worst = max(statistics.median(s[i] for s in samples) for samples in changes.values())
        print(f"slowest filter change (median, {what}): {worst:.0f} ms (target < {CHANGE_TARGET_MS})")


if __name__ == "__main__":
    main()
