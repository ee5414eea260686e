"""Load test of the API: 50 concurrent clients posting documents and reading events on a loopback server.

    .venv/bin/python benchmarks/load_api.py [--clients 50] [--duration 30] [--timeout 120] [--write docs/performance.md]

Starts ``observatory.serve.api.create_app`` under uvicorn in a separate process on 127.0.0.1 and a free port,
with a fresh DuckDB store and a random bearer token. One warm-up POST loads the extraction pipeline.
Then every client sends requests one after the other for ``--duration`` seconds, alternating
``POST /api/documents`` (one new generated report) and ``GET /api/events``; a request under way at the
end is waited for (up to ``--timeout``). Afterwards every acknowledged document is looked up by its
article id (``GET /api/articles/{id}``) and the stored article count is compared with the submissions.
Reports errors, acknowledged posts against stored ones, and the latencies against the target (GET p95
under 1.5 s while posts run). Exits 1 when a request failed (not 2xx, or no answer) or an acknowledged
submission is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"
SERVER = (
    "import sys, uvicorn\n"
    "from observatory.serve.api import create_app\n"
    "uvicorn.run(create_app(sys.argv[1]), host=sys.argv[2], port=int(sys.argv[3]), log_level='warning')\n"
)
PLACES = ["Helmand province", "Borno State", "the Mopti region", "Marib province", "Idlib province", "North Kivu"]
TEMPLATES = [
    "Gunmen attacked a police checkpoint in {place} on Monday, killing {n} officers, a local official said.",
    "A roadside bomb struck an army convoy in {place} on Tuesday, wounding {n} soldiers, the military said.",
    "About {m} people marched through the main town of {place} on Wednesday to demand the release of "
    "detained journalists, organisers said.",
    "Security forces arrested {n} suspected militants in a dawn raid in {place} on Thursday, police said.",
]
SECTION = "## Load test"
GET_P95_TARGET_MS = 1500


@dataclass
class Tally:
    """Outcomes of the timed requests."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"POST": [], "GET": []})
    errors: list[str] = field(default_factory=list)
    posted: int = 0
    submitted: dict[str, str] = field(default_factory=dict)  # acknowledged: doc id -> article id


def report_text(client: int, request: int) -> str:
    """A short generated report, different for every (client, request)."""
    template = TEMPLATES[(client + request) % len(TEMPLATES)]
    body = template.format(place=PLACES[client % len(PLACES)], n=2 + request, m=100 * (client + 1))
    return f"Load test dispatch {client}-{request}. {body}"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int, token: str) -> subprocess.Popen:
    """The API in its own process, answering on ``HOST:port`` once this returns."""
    env = {**os.environ, "OBSERVATORY_API_TOKEN": token}
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(db), HOST, str(port)], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(f"http://{HOST}:{port}/api/meta", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not answer within 60 s")


async def post_document(http: httpx.AsyncClient, doc_id: str, text: str, tally: Tally | None) -> None:
    """POST one document; record its latency, its article id or the error."""
    body = {"documents": [{"id": doc_id, "text": text, "published": "2024-05-10"}]}
    if tally is not None:
        tally.posted += 1
    started = time.perf_counter()
    try:
        response = await http.post("/api/documents", json=body)
    except httpx.HTTPError as exc:
        if tally is not None:
            tally.errors.append(f"POST {doc_id}: {type(exc).__name__}")
        return
    if tally is None:
        response.raise_for_status()
        return
    tally.latencies["POST"].append(time.perf_counter() - started)
    if not response.is_success:
        tally.errors.append(f"POST {doc_id}: HTTP {response.status_code} {response.text[:200]}")
        return
    [entry] = response.json()["documents"]
    tally.submitted[doc_id] = entry["article_id"]


async def get_events(http: httpx.AsyncClient, client: int, tally: Tally) -> None:
    """GET one page of events; record its latency or the error."""
    started = time.perf_counter()
    try:
        response = await http.get("/api/events", params={"limit": 50, "offset": 0, "status": "any"})
    except httpx.HTTPError as exc:
        tally.errors.append(f"GET events ({client}): {type(exc).__name__}")
        return
    tally.latencies["GET"].append(time.perf_counter() - started)
    if not response.is_success:
        tally.errors.append(f"GET events ({client}): HTTP {response.status_code}")


async def client_session(http: httpx.AsyncClient, client: int, deadline: float, tally: Tally) -> None:
    """One client's requests in turn until ``deadline`` (monotonic): even ones post a report, odd ones read."""
    request = 0
    while time.monotonic() < deadline:
        if request % 2 == 0:
            await post_document(http, f"load-{client:02d}-{request:03d}", report_text(client, request), tally)
        else:
            await get_events(http, client, tally)
        request += 1


async def idle_get_latencies(http: httpx.AsyncClient, count: int = 20) -> list[float]:
    """Seconds taken by ``count`` sequential event-page reads on the otherwise idle server."""
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = await http.get("/api/events", params={"limit": 50, "offset": 0, "status": "any"})
        response.raise_for_status()
        latencies.append(time.perf_counter() - started)
    return latencies


async def run_load(
    base: str, token: str, clients: int, duration: float, timeout: float
) -> tuple[Tally, float, list[float]]:
    """All clients at once for ``duration`` seconds: the tally, the wall time of the timed phase, and the
    latencies of reads on the idle server measured before it."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=timeout) as http:
        await post_document(http, "load-warm-up", report_text(-1, 0), None)
        idle = await idle_get_latencies(http)
        tally = Tally()
        started = time.perf_counter()
        deadline = time.monotonic() + duration
        sessions = (client_session(http, c, deadline, tally) for c in range(clients))
        try:
            await asyncio.wait_for(asyncio.gather(*sessions), duration + timeout)
        except TimeoutError:
            tally.errors.append(f"the load did not finish within {duration + timeout:.0f} s")
        return tally, time.perf_counter() - started, idle


async def verify_stored(base: str, submitted: dict[str, str]) -> tuple[int, int, list[str]]:
    """Submissions found by article id with their doc id, the article count, and what is missing."""
    missing = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for doc_id, article_id in submitted.items():
            response = await http.get(f"/api/articles/{article_id}")
            if response.status_code != 200 or response.json()["doc_id"] != doc_id:
                missing.append(doc_id)
        articles = (await http.get("/api/meta")).json()["articles"]
    return len(submitted) - len(missing), articles, missing


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0..1) of ``values`` in milliseconds."""
    if len(values) < 2:
        return 1000 * (values[0] if values else 0.0)
    return 1000 * statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def figures(
    tally: Tally,
    wall: float,
    idle: list[float],
    stored: int,
    articles: int,
    clients: int,
    duration: float,
    load: tuple[float, float],
) -> str:
    """The Markdown section with the command, the measured figures and the verdict on the GET target."""
    every = tally.latencies["POST"] + tally.latencies["GET"]
    get_p95 = percentile(tally.latencies["GET"], 0.95)
    verdict = "under" if get_p95 < GET_P95_TARGET_MS else "over"
    rows = [
        f"| all requests | {len(every)} | {percentile(every, 0.5):.0f} | {percentile(every, 0.95):.0f} |",
        *(
            f"| {'POST /api/documents (1 report)' if kind == 'POST' else 'GET /api/events?limit=50'} | "
            f"{len(values)} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} |"
            for kind, values in tally.latencies.items()
        ),
        f"| GET /api/events?limit=50, idle server, before the load | {len(idle)} | {percentile(idle, 0.5):.0f} | "
        f"{percentile(idle, 0.95):.0f} |",
    ]
    failed = sum("HTTP" in e for e in tally.errors)
    return "\n".join([
        SECTION,
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()} (Python {platform.python_version()}, "
        f"{os.cpu_count()} cores): uvicorn (one process) on a loopback port, a fresh store, {clients} concurrent "
        f"clients for {duration:.0f} s, each alternately posting one new generated report and reading a page of "
        f"events, after one warm-up POST that loads the pipeline. One-minute load average {load[0]:.1f} before the "
        f"run, {load[1]:.1f} after (other work on the machine counts in it).",
        "",
        "```",
        f".venv/bin/python benchmarks/load_api.py --clients {clients} --duration {duration:.0f} "
        "--write docs/performance.md",
        "```",
        "",
        "| requests | n | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
        *rows,
        "",
        f"Requests answered {len(every)}, of which 2xx {len(every) - failed}; errors {len(tally.errors)}; "
        f"wall time {wall:.1f} s, throughput {len(every) / wall:.1f} requests/s. Posts: {tally.posted} sent, "
        f"{len(tally.submitted)} acknowledged, {stored} of the acknowledged found stored by article id "
        f"afterwards (the store holds {articles} articles, the warm-up included).",
        "",
        f"GET p95 under load: {get_p95:.0f} ms, {verdict} the {GET_P95_TARGET_MS} ms target.",
        "",
    ])


def write_section(path: Path, section: str) -> None:
    """Put ``section`` in ``path`` in place of its load-test section, or at the end."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds the clients keep sending")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a request may take, and the load beyond --duration"
    )
    parser.add_argument("--write", type=Path, help="Markdown file whose load-test section gets the figures")
    args = parser.parse_args()
    token = secrets.token_urlsafe(24)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="observatory-load-") as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "load.duckdb", port, token)
        base = f"http://{HOST}:{port}"
        try:
            tally, wall, idle = asyncio.run(run_load(base, token, args.clients, args.duration, args.timeout))
            stored, articles, missing = asyncio.run(verify_stored(base, tally.submitted))
        finally:
            server.terminate()
            server.wait(timeout=30)
    load = (load_before, os.getloadavg()[0])
    section = figures(tally, wall, idle, stored, articles, args.clients, args.duration, load)
    print(section)
    for error in tally.errors[:20]:
        print("error:", error, file=sys.stderr)
    if missing:
        print(f"missing submissions: {', '.join(missing[:20])}", file=sys.stderr)
    if args.write:
        write_section(args.write, section)
    if tally.errors or missing or len(tally.submitted) != tally.posted or articles != stored + 1:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
