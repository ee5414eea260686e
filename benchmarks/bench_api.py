"""Benchmark the API and the dashboard's first load over 100,000 synthetic events.

    .venv/bin/python benchmarks/bench_api.py [--events 100000] [--requests 50] [--write docs/performance.md]

Builds a temporary DuckDB store in bulk with SQL, serves it with uvicorn on a free loopback port,
times filtered ``/api/events`` requests and aggregates (median, p95), then loads the dashboard in
headless Chromium (when installed) and reads its ``dashboard-ready`` performance mark: the time from
navigation start until the page, the basemap, the first event page, the map clusters, the totals and
the timeline are all in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import socket
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import uvicorn
from headless_chromium import headless_chromium

from observatory.config import Settings
from observatory.serve.api import create_app
from observatory.store.ingest import Store

COUNTRIES = [  # iso3, centre lat, centre lon, admin1 names
    ("SYR", 35.0, 38.0, ["Idlib", "Aleppo", "Homs", "Deir ez-Zor"]),
    ("NGA", 10.5, 8.0, ["Borno", "Zamfara", "Kaduna", "Benue"]),
    ("SDN", 14.0, 30.0, ["Khartoum", "North Darfur", "Gezira", "West Kordofan"]),
    ("UKR", 48.5, 35.0, ["Donetsk", "Kharkiv", "Zaporizhzhia", "Kherson"]),
    ("MLI", 15.0, -2.0, ["Mopti", "Gao", "Timbuktu", "Segou"]),
    ("COD", -1.5, 29.0, ["North Kivu", "Ituri", "South Kivu", "Tanganyika"]),
    ("MMR", 21.0, 96.0, ["Sagaing", "Rakhine", "Shan", "Kachin"]),
    ("YEM", 15.5, 45.0, ["Marib", "Taiz", "Al Hudaydah", "Sanaa"]),
    ("SOM", 4.0, 45.5, ["Banadir", "Lower Shabelle", "Hiraan", "Bay"]),
    ("MEX", 21.0, -101.0, ["Guerrero", "Michoacan", "Sinaloa", "Jalisco"]),
]
TYPES = [  # plover type, mode, ACLED type, ACLED sub-type
    ("ASSAULT", "firearms", "Battles", "Armed clash"),
    ("ASSAULT", "aerial", "Explosions/Remote violence", "Air/drone strike"),
    ("ASSAULT", "heavy-weapons", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("ASSAULT", "abduct", "Violence against civilians", "Abduction/forced disappearance"),
    ("PROTEST", "demo-org", "Protests", "Peaceful protest"),
    ("PROTEST", "riot-spon", "Riots", "Violent demonstration"),
    ("COERCE", "arrest", "Strategic developments", "Arrests"),
    ("THREATEN", "violence", None, None),
]
ACTORS = ["Military Forces", "Police Forces", "Rebel Alliance", "Local Militia", "Protesters", "Civilians"]


def sql_list(values: list) -> str:
    """A DuckDB list literal of trusted constants."""
    items = ("NULL" if v is None else repr(v) if isinstance(v, str) else str(v) for v in values)
    return "[" + ", ".join(items) + "]"


def build_store(path: Path, n_events: int, events_per_article: int = 5) -> None:
    """Fill a fresh store with synthetic articles and events in two INSERT ... SELECT statements."""
    n_articles = n_events // events_per_article
    with Store(path) as store:
        con = store.con
        con.execute("SELECT setseed(0.42)")
        con.execute(
            "INSERT INTO articles SELECT printf('%016x', i), 'bench-' || i, 'Synthetic report ' || i, NULL, "
            "'Bench Wire', DATE '2020-01-01' + CAST(i % 1800 AS INTEGER), "
            "'Synthetic article number ' || i || '. Fighters attacked a village. Police arrested two men.', "
            "now()::TIMESTAMP, printf('%016x', i), NULL FROM range(?) t(i)",
            [n_articles],
        )
        iso = sql_list([c[0] for c in COUNTRIES])
        lat = sql_list([c[1] for c in COUNTRIES])
        lon = sql_list([c[2] for c in COUNTRIES])
        admin = sql_list([name for c in COUNTRIES for name in c[3]])
        ptype, pmode, atype, asub = (sql_list([t[k] for t in TYPES]) for k in range(4))
        actors = sql_list(ACTORS)
        nc, nt, na = len(COUNTRIES), len(TYPES), len(ACTORS)
        con.execute(
            f"""
            INSERT INTO events
            SELECT printf('%016x', a) || ':' || (i % {events_per_article}), printf('%016x', a), NULL,
                {ptype}[1 + t], {pmode}[1 + t], {atype}[1 + t], {asub}[1 + t],
                {actors}[1 + (i % {na})] || ' of ' || {iso}[1 + c], {iso}[1 + c], 'MIL', 1 + (i % 7),
                {actors}[1 + ((i + 3) % {na})], {iso}[1 + c], 'CVL', 7,
                'Place ' || (i % 997), 'Place ' || (i % 997), NULL,
                CASE WHEN i % 20 = 0 THEN NULL ELSE {lat}[1 + c] + (random() - 0.5) * 6 END,
                CASE WHEN i % 20 = 0 THEN NULL ELSE {lon}[1 + c] + (random() - 0.5) * 6 END,
                {iso}[1 + c], {admin}[1 + c * 4 + (i % 4)], NULL, 1,
                DATE '2020-01-01' + CAST(a % 1800 AS INTEGER), DATE '2020-01-01' + CAST(a % 1800 AS INTEGER),
                'day', CAST(floor(random() * random() * 40) AS INTEGER),
                NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'occurred' END, NULL, NULL,
                'Fighters attacked a village, killing several people, officials said (' || i || ').',
                0, 80, 0.7, '{{}}'
            FROM (SELECT i, i // {events_per_article} AS a, (i * 7) % {nc} AS c, (i * 13) % {nt} AS t
                  FROM range(?) r(i))
            """,
            [n_events],
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed_get(url: str) -> float:
    """Milliseconds to fetch and read one URL."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def measure(base: str, path: str, n: int) -> tuple[float, float]:
    """Median and p95 latency in ms over ``n`` sequential requests (after two warm-up requests)."""
    for _ in range(2):
        timed_get(base + path)
    samples = sorted(timed_get(base + path) for _ in range(n))
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]


def first_load_ms(base: str, profile: Path, runs: int = 3) -> list[float] | None:
    """The dashboard-ready mark of ``runs`` fresh page loads in headless Chromium, or None without it."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver = headless_chromium(profile, 1400, 1000)
    if driver is None:
        return None
    results = []
    try:
        for _ in range(runs):
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
            driver.get(base + "/")
            WebDriverWait(driver, 60).until(
                lambda d: d.execute_script("return document.documentElement.dataset.ready")
            )
            mark = driver.execute_script(
                "return performance.getEntriesByName('dashboard-ready')[0].startTime"
            )
            results.append(float(mark))
    finally:
        driver.quit()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the observatory API and dashboard.")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--write", type=Path, help="write the results as Markdown to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="observatory-bench-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        start = time.perf_counter()
        build_store(db, args.events)
        build_s = time.perf_counter() - start

        port = free_port()
        app = create_app(str(db), Settings())
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        cases = {
            "events, type + country + date range": "/api/events?plover_type=ASSAULT&country=SYR"
            "&since=2021-01-01&until=2022-12-31&limit=100",
            "events, actor substring + text search": "/api/events?actor=militia&q=village&limit=100",
            "events, bbox, page 20 of 50": "/api/events?bbox=30,30,45,40&limit=50&offset=950",
            "events, no filter, limit 1000": "/api/events?limit=1000",
            "aggregates by day (timeline)": "/api/aggregates?by=day",
            "aggregates by grid (map, zoom 2)": "/api/aggregates?by=grid&cell=15.46875",
        }
        latencies = {name: measure(base, path, args.requests) for name, path in cases.items()}
        load = first_load_ms(base, Path(tmp) / "profile")
        server.should_exit = True
        thread.join(timeout=10)

    lines = [
        "# Performance",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()} ({platform.python_version()}), "
        f"{args.events:,} synthetic events in a fresh DuckDB store (bulk-built in {build_s:.1f} s), "
        "served by uvicorn on a loopback port; sequential requests after two warm-ups.",
        "",
        "```",
        f".venv/bin/python benchmarks/bench_api.py --events {args.events} --requests {args.requests}",
        "```",
        "",
        f"| request | median ms | p95 ms (n={args.requests}) |",
        "| --- | ---: | ---: |",
        *(f"| `{cases[name]}` ({name}) | {med:.1f} | {p95:.1f} |" for name, (med, p95) in latencies.items()),
        "",
    ]
    if load:
        lines += [
            "Dashboard first load (headless Chromium, cache disabled, navigation start to the "
            "`dashboard-ready` mark: HTML, JS, CSS, basemap, `/api/meta`, first `/api/events` page, "
            "map clusters, totals and "
            f"timeline): {', '.join(f'{ms:.0f}' for ms in load)} ms over {len(load)} loads "
            f"(median {statistics.median(load):.0f} ms).",
        ]
    else:
        lines.append("Dashboard first load: not measured (chromium/chromedriver not installed).")
    lines += [
        "",
        "Targets: filtered `/api/events` under 200 ms, first load under 2 s.",
        "",
        "Notes: the machine has 2 cores shared with other work, so figures move between runs (a run "
        "with tests running alongside measured the actor + text search at 136 ms median, 196 ms p95). "
        "Free-text filters (`actor`, `q`) scan the column; the page query's cost is mostly sorting wide "
        "rows (`ORDER BY date_start DESC, event_id`), the `count(*)` for `total` is a few ms. Indexes on "
        "`events(article_id)` and `events(date_start)` are created by `create_app`.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
