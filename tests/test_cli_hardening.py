"""Break-it probes of issue #13 on the command line: output paths, `serve` (busy port, read-only storage,
bad settings), terminal escape sequences, warnings."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from observatory import cli
from observatory.cli import app
from observatory.config import Settings
from observatory.models import ActorRef, Document, DocumentResult, Event, Evidence, Location
from observatory.serve.api import create_app
from observatory.store.ingest import Store
from observatory.terminal import terminal_safe

runner = CliRunner()
OBSERVATORY = str(Path(sys.executable).with_name("observatory"))
EVIL = "\x1b]0;owned\x07\x1b[2J\x1b[31mBoko\r\nHaram\x9b1m\u202e [bold]"


@pytest.fixture
def evil_db(tmp_path: Path) -> Path:
    """A store with one event whose actor, place and evidence carry escape sequences and Rich markup."""
    text = f"Fighters of {EVIL} attacked Maiduguri on Monday."
    event = Event(
        plover_type="ASSAULT",
        actors=[ActorRef(text=EVIL, name=EVIL)],
        location=Location(text=EVIL, name=f"Maiduguri{EVIL}", lat=11.8, lon=13.2, country="NGA"),
        evidence=Evidence(text=text, start=0, end=len(text)),
    )
    doc = Document(id="evil", text=text, published=dt.date(2024, 5, 6))
    path = tmp_path / "evil.duckdb"
    with Store(path) as store:
        store.add_batch([(doc, DocumentResult(id="evil", events=[event]))])
    return path


# ---------- item 14: nothing printed to the terminal carries escape sequences ----------


def test_terminal_safe_removes_sequences_controls_and_overrides() -> None:
    assert terminal_safe(EVIL) == "Boko  Haram [bold]"
    assert terminal_safe("café, Kyiv — 5 killed\tnear\u00a0Lviv") == "café, Kyiv — 5 killed near\u00a0Lviv"


def test_events_table_prints_no_escape_sequence(evil_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.out, "width", 400)
    result = runner.invoke(app, ["events", "--db", str(evil_db), "--status", "any"])
    assert result.exit_code == 0, result.output
    assert not any(ch in result.output for ch in "\x1b\x07\x9b\r\u202e")
    assert "Boko" in result.output and "[bold]" in result.output and "owned" not in result.output


def test_events_csv_on_a_terminal_prints_no_escape_sequence(evil_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    piped = runner.invoke(app, ["events", "--db", str(evil_db), "--format", "csv"])
    assert "\x1b]0;owned" in piped.output  # redirected to a file, the data stays as stored
    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    shown = runner.invoke(app, ["events", "--db", str(evil_db), "--format", "csv"])
    assert shown.exit_code == 0 and "Boko  Haram" in shown.output and "\x1b" not in shown.output


def test_error_lines_print_file_names_without_escape_sequences(tmp_path: Path) -> None:
    (tmp_path / "x\x1b[2J\x1b]0;owned\x07.txt").write_text("   ", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert f"error: {tmp_path}/x.txt: empty text" in result.output and "\x1b" not in result.output


def test_bad_utf8_byte_is_one_warning_line(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("Police fired tear gas at protesters outside a café in Nairobi, witnesses said".encode() + b"\xff")
    result = runner.invoke(app, ["extract", str(path), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert f"warning: {path}: 1 invalid UTF-8 byte sequence(s) replaced by U+FFFD\n" in result.output


# ---------- item 11: an unwritable output path is one error line ----------


@pytest.mark.parametrize("command", ["extract", "schema", "export", "train"])
def test_unwritable_output_path_is_one_error_line(tmp_path: Path, evil_db: Path, command: str) -> None:
    inputs = {
        "extract": [str(tmp_path / "missing.txt")],
        "schema": [],
        "export": ["--db", str(evil_db)],
        "train": [str(_training_file(tmp_path))],
    }[command]
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    target = blocker / "out"  # a path under a regular file can be written by nobody, root included
    result = runner.invoke(app, [command, *inputs, "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # typer.Exit, not an uncaught error
    [line] = result.output.splitlines()
    assert line.startswith("error: cannot write") and str(target) in line and "Not a directory" in line


def _training_file(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    lines = [
        '{"text": "Gunmen attacked a village.", "label": "ASSAULT"}',
        '{"text": "Students marched in the capital.", "label": "PROTEST"}',
    ]
    path.write_text("\n".join(lines * 10) + "\n", encoding="utf-8")
    return path


# ---------- item 10: a size limit of 0 or -1 is refused ----------


@pytest.mark.parametrize("value", ["0", "-1"])
def test_max_document_bytes_must_be_positive(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("OBSERVATORY_MAX_DOCUMENT_BYTES", value)
    with pytest.raises(ValueError, match=f"must be a positive number of bytes, got {value}"):
        Settings.from_env()


# ---------- item 12: serve ----------


@pytest.fixture
def serve() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start `observatory serve --db DB --port PORT` with extra environment; every server is stopped after."""
    servers: list[subprocess.Popen[str]] = []

    def start(db: Path, port: int, **env: str) -> subprocess.Popen[str]:
        server = subprocess.Popen(
            [OBSERVATORY, "serve", "--db", str(db), "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.poll() is None:
            server.kill()
        server.communicate(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_busy_port_fails_with_one_line_before_the_url(evil_db: Path, serve: Callable) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = serve(evil_db, port)
        stdout, stderr = server.communicate(timeout=60)
    assert server.returncode == 1 and stdout == ""
    assert stderr == (
        f"observatory serve: cannot listen on 127.0.0.1:{port}: "
        "the port is in use by another program; give another with --port\n"
    )


def test_serve_refuses_a_size_limit_of_zero_with_one_line(evil_db: Path, serve: Callable) -> None:
    server = serve(evil_db, _free_port(), OBSERVATORY_MAX_DOCUMENT_BYTES="0")
    stdout, stderr = server.communicate(timeout=60)
    assert server.returncode == 1 and stdout == ""
    assert stderr == "observatory serve: OBSERVATORY_MAX_DOCUMENT_BYTES must be a positive number of bytes, got 0\n"


@pytest.fixture
def read_only_copy(evil_db: Path, tmp_path: Path) -> Iterator[Path]:
    """The database copied to read-only storage: a read-only tmpfs mount as root, else a read-only folder."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if os.geteuid() != 0:
        shutil.copy(evil_db, folder)
        (folder / evil_db.name).chmod(0o444)
        folder.chmod(0o555)
        yield folder / evil_db.name
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here to make read-only storage")
    try:
        shutil.copy(evil_db, folder)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
        yield folder / evil_db.name
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_serve_on_read_only_storage_serves_read_only_and_says_so(read_only_copy: Path, serve: Callable) -> None:
    import httpx

    port = _free_port()
    server = serve(read_only_copy, port, OBSERVATORY_API_TOKEN="t0ken")
    assert server.stdout is not None
    notice, url = server.stdout.readline(), server.stdout.readline()
    assert notice == f"observatory serve: {read_only_copy} is on read-only storage: serving it read-only (no posting)\n"
    assert url.startswith(f"observatory dashboard: http://127.0.0.1:{port}/")
    meta = httpx.get(f"http://127.0.0.1:{port}/api/meta", timeout=30).json()
    assert (meta["articles"], meta["events"], meta["write_enabled"]) == (1, 1, False)
    post = httpx.post(
        f"http://127.0.0.1:{port}/api/documents", timeout=30, headers={"Authorization": "Bearer t0ken"},
        json={"documents": [{"id": "a", "text": "Police fired tear gas at protesters in Lagos."}]},
    )
    assert post.status_code == 503 and "read-only" in post.json()["detail"]


def test_read_only_app_reads_and_refuses_posts(evil_db: Path) -> None:
    with TestClient(create_app(str(evil_db), Settings(api_token="t0ken"), read_only=True)) as client:
        assert client.get("/api/events").json()["total"] == 1
        assert client.get("/api/meta").json()["write_enabled"] is False
        response = client.post(
            "/api/documents", headers={"Authorization": "Bearer t0ken"},
            json={"documents": [{"id": "a", "text": "Police fired tear gas at protesters in Lagos."}]},
        )
        assert response.status_code == 503


def test_watch_prints_skipped_files_without_escape_sequences(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "x\x1b]0;owned\x07\x1b[2J.txt").write_text("   ", encoding="utf-8")
    result = runner.invoke(app, ["watch", "--folder", str(folder), "--db", str(tmp_path / "w.duckdb"), "--once"])
    assert result.exit_code == 0, result.output
    assert f"skipped: {folder}/x.txt: empty text" in result.output and "\x1b" not in result.output


def test_extract_to_a_terminal_escapes_c1_controls_in_the_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x\x9b2J\u202e.txt"
    path.write_text("Police fired tear gas at protesters in Nairobi on Monday, witnesses said.", encoding="utf-8")
    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    assert '"id":"x\\u009b2J\\u202e"' in result.output and "\x9b" not in result.output
