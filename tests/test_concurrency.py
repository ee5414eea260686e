"""Serving and working at the same time: a DuckDB file another process holds is one error line naming
the file and the way out, for every command; `ingest --server` stores through a running server; on
PostgreSQL the CLI works while other connections are open."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import pg_schema_url, sample_batch
from observatory.cli import app
from observatory.store.backends import server_marker_path
from observatory.store.ingest import Store

REPORT = "Gunmen killed two traders at a market in Mogadishu on Monday, police said."
HOLD = """
import sys
import duckdb
from observatory.store.backends import write_server_marker
con = duckdb.connect(sys.argv[1])
if len(sys.argv) > 2:
    write_server_marker(sys.argv[1], sys.argv[2])
print("ready", flush=True)
sys.stdin.read()
"""


def _hold(db: Path, url: str | None = None) -> subprocess.Popen:
    """A process that holds ``db`` open for writing (and says it serves it at ``url``) until its stdin closes."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), *([url] if url else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    return holder


def _release(holder: subprocess.Popen) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    try:
        holder.wait(timeout=30)
    except subprocess.TimeoutExpired:
        holder.kill()
        holder.wait()


@pytest.fixture
def held_db(sample_db: Path) -> Iterator[Path]:
    """The sample store, held open for writing by another process for the time of the test."""
    holder = _hold(sample_db)
    try:
        yield sample_db
    finally:
        _release(holder)


def _commands(db: Path, tmp_path: Path) -> dict[str, list[str]]:
    article = tmp_path / "report.txt"
    article.write_text(REPORT, encoding="utf-8")
    folder = tmp_path / "watched"
    folder.mkdir()
    return {
        "ingest": ["ingest", str(article)],
        "events": ["events"],
        "export": ["export", "-o", str(tmp_path / "out.csv")],
        "dedupe": ["dedupe"],
        "reextract": ["reextract"],
        "serve": ["serve", "--port", "1"],
        "watch": ["watch", "--folder", str(folder), "--once"],
        "demo": ["demo", "--no-serve"],
    }


@pytest.mark.parametrize("command", ["ingest", "events", "export", "dedupe", "reextract", "serve", "watch", "demo"])
def test_every_command_on_a_held_file_is_one_line_with_the_way_out(
    held_db: Path, tmp_path: Path, command: str
) -> None:
    args = [*_commands(held_db, tmp_path)[command], "--db", str(held_db)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: database {held_db} is in use by process ")
    assert "observatory ingest --server URL" in lines[0]
    assert "IO Error" not in result.output and "Traceback" not in result.output


def test_the_line_names_the_url_of_the_server_that_holds_the_file(sample_db: Path) -> None:
    holder = _hold(sample_db, "http://127.0.0.1:8123")
    try:
        result = CliRunner().invoke(app, ["events", "--db", str(sample_db)])
    finally:
        _release(holder)
    assert result.exit_code == 2
    assert "in use by `observatory serve` at http://127.0.0.1:8123 (process" in result.output
    assert "`observatory ingest --server http://127.0.0.1:8123 ...`" in result.output
    assert "http://127.0.0.1:8123/api/events" in result.output
    # a marker left by a process that no longer holds the file names no server
    again = _hold(sample_db)
    try:
        stale = CliRunner().invoke(app, ["events", "--db", str(sample_db)])
    finally:
        _release(again)
    assert server_marker_path(sample_db).exists() and "8123" not in stale.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def test_ingest_through_the_server_that_holds_the_file(sample_db: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "OBSERVATORY_API_TOKEN": "s3cret"}
    server = subprocess.Popen(
        [sys.executable, "-c", "from observatory.cli import main; main()", "serve", "--db", str(sample_db),
         "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    article = tmp_path / "mogadishu.txt"
    article.write_text(REPORT, encoding="utf-8")
    runner = CliRunner()
    try:
        _wait_for(f"{base}/api/meta", server)
        held = runner.invoke(app, ["ingest", str(article), "--db", str(sample_db)])
        assert held.exit_code == 2 and f"--server {base}" in held.output
        wrong = runner.invoke(app, ["ingest", str(article), "--server", base], env={"OBSERVATORY_API_TOKEN": "no"})
        assert wrong.exit_code == 1 and "refused the token" in wrong.output
        posted = runner.invoke(app, ["ingest", str(article), "--server", base + "/"], env=env)
        assert posted.exit_code == 0, posted.output
        assert "ingested 1 documents" in posted.output and f"through {base}" in posted.output
        again = runner.invoke(app, ["ingest", str(article), "--server", base], env=env)
        assert "ingested 0 documents (0 events) through" in again.output and "skipped 1 already stored" in again.output
        with urllib.request.urlopen(f"{base}/api/meta", timeout=10) as response:
            assert json.loads(response.read())["articles"] == 6
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert server.returncode == 0
    assert not server_marker_path(sample_db).exists()  # the server took its marker away
    with Store(sample_db, read_only=True) as store:
        assert store.counts()["articles"] == 6


def test_ingest_through_a_server_needs_its_token_and_a_url(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(REPORT, encoding="utf-8")
    runner = CliRunner()
    missing = runner.invoke(app, ["ingest", str(article), "--server", "http://127.0.0.1:9"],
                            env={"OBSERVATORY_API_TOKEN": ""})
    assert missing.exit_code == 2 and "set OBSERVATORY_API_TOKEN" in missing.output
    bad = runner.invoke(app, ["ingest", str(article), "--server", "127.0.0.1:8000"], env={"OBSERVATORY_API_TOKEN": "t"})
    assert bad.exit_code == 2 and "http:// or https:// URL" in bad.output
    mixed = runner.invoke(app, ["ingest", str(article), "--server", "http://x", "--workers", "2"])
    assert mixed.exit_code == 2 and "drop --actors" in mixed.output
    down = runner.invoke(app, ["ingest", str(article), "--server", f"http://127.0.0.1:{_free_port()}"],
                         env={"OBSERVATORY_API_TOKEN": "t"})
    assert down.exit_code == 1 and "cannot reach the server" in down.output
    assert len(down.output.strip().splitlines()) == 1


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from pg_schema_url()


def test_postgres_cli_ingest_and_reextract_while_other_connections_are_open(pg_url: str, tmp_path: Path) -> None:
    article = tmp_path / "mogadishu.txt"
    article.write_text(REPORT, encoding="utf-8")
    with Store(pg_url) as server_store, Store(pg_url, read_only=True) as reader:
        server_store.add_batch(sample_batch())
        assert reader.counts()["articles"] == 5
        runner = CliRunner()
        ingested = runner.invoke(app, ["ingest", str(article), "--db", pg_url])
        assert ingested.exit_code == 0, ingested.output
        assert reader.counts()["articles"] == 6  # the open connection sees what the CLI stored
        reread = runner.invoke(app, ["reextract", "--db", pg_url, "--country", "SOM"])
        assert reread.exit_code == 0 and "re-read 1 articles" in reread.output, reread.output
        listed = runner.invoke(app, ["events", "--db", pg_url, "--country", "SOM", "--format", "json"])
        assert json.loads(listed.output)["total"] >= 1
