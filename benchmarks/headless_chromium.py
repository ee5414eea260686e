"""Headless Chromium for the browser benchmarks: the system's chromium and chromedriver, a fresh profile,
the cache disabled."""

from __future__ import annotations

import shutil
from pathlib import Path


def headless_chromium(profile: Path, width: int = 1400, height: int = 900) -> object | None:
    """A Chrome driver at ``width`` x ``height`` with its profile in ``profile``; None without chromium and
    chromedriver on the PATH."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={profile}", f"--window-size={width},{height}",
    ):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver
