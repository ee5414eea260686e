"""Screenshots of the dashboard's main views over the demo database, for review with every change.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--rebuild]

Builds the demo database as `observatory demo` does (the bundled sample articles, ingested; cached in the
temporary folder), serves it with the real app (uvicorn in a thread, with a review token), and saves
viewport screenshots from headless Chromium at 1400x900 and at 1000x900 of: the overview, an incident
opened with its reports and highlighted evidence, the review queue (with the token), and a filtered view.
Prints each file and whether the page scrolls sideways (it should not).
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

from observatory.cli import app as cli
from observatory.cli import sample_path
from observatory.config import Settings
from observatory.serve.api import create_app

WIDTHS = (1400, 1000)
HEIGHT = 900
WAIT_SECONDS = 60


def demo_database(rebuild: bool) -> Path:
    """The demo database (the bundled samples ingested), built when missing or with ``rebuild``."""
    path = Path(tempfile.gettempdir()) / "observatory-screenshots" / "demo.duckdb"
    if path.exists() and not rebuild:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    cli(["ingest", str(sample_path()), "--db", str(path), "--workers", "1"], standalone_mode=False)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium(profile: Path) -> webdriver.Chrome:
    """Headless Chromium."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={WIDTHS[0]},{HEIGHT}",
    ):  # fmt: skip
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def settle(driver: webdriver.Chrome, detail: bool) -> None:
    """Wait until the page shows its data (and the opened unit's article, with ``detail``) and is still."""
    wait = WebDriverWait(driver, WAIT_SECONDS)
    wait.until(lambda d: d.execute_script("return document.documentElement.dataset.ready === 'true'"))
    if detail:
        wait.until(lambda d: d.execute_script(
            "return !document.getElementById('detail').hidden && !!document.querySelector('#detail-article mark')"
            " && document.querySelectorAll('#detail-reports li').length > 0"))
    wait.until(lambda d: d.execute_script("return document.documentElement.dataset.busy !== 'true'"))
    time.sleep(0.6)  # map tiles of markers and chart animations


def shoot(driver: webdriver.Chrome, url: str, path: Path, width: int, detail: bool = False) -> None:
    """Open ``url`` at ``width`` x HEIGHT and save the viewport as ``path``."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    driver.get(url)
    settle(driver, detail)
    if detail:  # the detail panel in view, as a reader scrolls to it
        driver.execute_script("document.getElementById('detail').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
    sideways = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    driver.save_screenshot(str(path))
    print(f"{path}: {width}x{HEIGHT}" + (f"; scrolls sideways by {sideways} px" if sideways > 0 else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description="Screenshots of the dashboard's main views.")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--rebuild", action="store_true", help="ingest the demo database again")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    token = secrets.token_hex(16)
    db = demo_database(args.rebuild)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(str(db), Settings(api_token=token)), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    # The incident with the most reports, and the country with the most incidents.
    [incident] = httpx.get(f"{base}/api/incidents", params={"kind": "acled", "sort": "n_events:desc", "limit": 1}
                           ).json()["rows"]
    top = httpx.get(f"{base}/api/summary", params={"kind": "acled"}).json()["admin1"][0]
    views = {
        "overview": ("/", False),
        "incident": (f"/?sel={incident['event_id']}", True),
        "filtered": (f"/?country={top['country']}&sort=fatalities%3Adesc", False),
    }
    with tempfile.TemporaryDirectory(prefix="observatory-screenshots-") as profile:
        driver = chromium(Path(profile))
        try:
            for width in WIDTHS:
                for name, (path, detail) in views.items():
                    shoot(driver, base + path, args.out / f"{name}-{width}.png", width, detail)
            driver.get(base + "/static/style.css")  # the token in the tab's sessionStorage, as the page keeps it
            driver.execute_script("sessionStorage.setItem('observatory-token', arguments[0])", token)
            for width in WIDTHS:
                shoot(driver, base + "/?queue=1", args.out / f"review-queue-{width}.png", width, True)
        finally:
            driver.quit()
    server.should_exit = True
    thread.join(timeout=10)


if __name__ == "__main__":
    main()
