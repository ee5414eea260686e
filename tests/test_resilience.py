"""Resilience: an ingest killed with SIGKILL loses nothing committed and resumes; bad inputs never stop a batch."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from observatory.cli import app
from observatory.models import Document
from observatory.pipeline import Extractor
from observatory.read.inputs import MAX_DOCUMENT_BYTES, read_path
from observatory.store.ingest import Store, content_hash

KILL_BATCH = 10  # the killed ingest commits every 10 documents, so a short corpus spans many transactions
START_TIMEOUT = 120.0
KILL_DELAY = 0.5  # after the first commit begins: it has long finished, later batches are under way

PLACES = [
    ("KABUL", "Helmand province"), ("MOGADISHU", "Lower Shabelle region"), ("MAIDUGURI", "Borno State"),
    ("BAMAKO", "the Mopti region"), ("SANAA", "Marib province"), ("DAMASCUS", "Idlib province"),
]  # fmt: skip
TEMPLATES = [
    "{city}: Gunmen attacked a police checkpoint in {region} on {day}, killing {n} officers, "
    "a local official said.",
    "{city}: A roadside bomb struck a military convoy in {region} on {day}, wounding {n} soldiers. "
    "Security forces later arrested two suspects.",
    "{city}: About {m} people marched peacefully through the town centre on {day} to demand the release "
    "of detained teachers, organisers said.",
    "{city}: Fighters seized a village in {region} on {day} after clashes with the army that left {n} dead. "
    "Hundreds of families fled the area. Officials said talks with local elders would resume next week.",
    "{city}: The provincial council in {region} held its {m}th session on {day} to discuss the school budget.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def corpus(size: int) -> list[dict[str, str]]:
    """``size`` short generated reports with different texts, as JSONL records."""
    records = []
    for i in range(size):
        city, region = PLACES[i % len(PLACES)]
        text = TEMPLATES[i % len(TEMPLATES)].format(
            city=city, region=region, day=DAYS[i % len(DAYS)], n=2 + i % 17, m=100 * (1 + i)
        )
        records.append({"id": f"gen-{i:03d}", "text": text, "published": "2023-05-12"})
    assert len({r["text"] for r in records}) == size
    return records


def ingest_command(corpus_path: Path, db: Path, batch: int | None = None) -> list[str]:
    """The `observatory ingest` command line run in a fresh interpreter (optionally with a smaller batch)."""
    code = "import observatory.cli as cli\n"
    if batch is not None:
        code += f"cli.BATCH = {batch}\n"
    code += "cli.main()"
    return [sys.executable, "-c", code, "ingest", str(corpus_path), "--db", str(db)]


def wait_for_first_commit(process: subprocess.Popen, wal: Path) -> None:
    """Return once the ingest has committed its first batch (its write-ahead log grew past the schema)."""
    deadline = time.monotonic() + START_TIMEOUT
    schema_size = None
    while time.monotonic() < deadline and process.poll() is None:
        size = wal.stat().st_size if wal.exists() else 0
        if schema_size is None and size > 0:
            schema_size = size
        elif schema_size is not None and size > schema_size:
            time.sleep(KILL_DELAY)
            return
        time.sleep(0.01)
    raise AssertionError(f"ingest ended or stalled before its first commit (exit {process.poll()})")


def stored(db: Path) -> tuple[dict[str, tuple[str, int]], list[int], int]:
    """Per stored doc id: (article id, event count); the sizes of the ingest transactions; orphan events."""
    with Store(db, read_only=True) as store:  # opening replays the write-ahead log left by a killed process
        rows = store.con.execute(
            "SELECT a.doc_id, a.article_id, count(e.event_id) FROM articles a "
            "LEFT JOIN events e USING (article_id) GROUP BY ALL"
        ).fetchall()
        batches = [n for (n,) in store.con.execute("SELECT count(*) FROM articles GROUP BY ingested_at").fetchall()]
        orphans = store.con.execute(
            "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT article_id FROM articles)"
        ).fetchone()[0]
    return {doc_id: (article_id, events) for doc_id, article_id, events in rows}, batches, orphans


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_sigkill_mid_ingest_loses_nothing_and_rerun_completes(tmp_path: Path, extractor: Extractor) -> None:
    records = corpus(150)
    corpus_path = tmp_path / "corpus.jsonl"
    corpus_path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    docs = [Document(id=r["id"], text=r["text"]) for r in records]
    expected = {d.id: len(result.events) for d, result in zip(docs, extractor.extract_many(docs), strict=True)}
    assert sum(expected.values()) > len(docs), "the generated corpus should yield events"

    db = tmp_path / "killed.duckdb"
    process = subprocess.Popen(
        ingest_command(corpus_path, db, KILL_BATCH), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_first_commit(process, Path(f"{db}.wal"))
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        _, err = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, err.decode(errors="replace")

    kept, batches, orphans = stored(db)
    order = [r["id"] for r in records]
    assert kept, "the first committed batch was lost"
    assert len(kept) < len(records), "the ingest finished before it was killed; nothing was tested"
    assert sorted(kept, key=order.index) == order[: len(kept)], "stored documents are not a prefix of the input"
    assert all(n == KILL_BATCH for n in batches), f"a partial transaction was stored: batch sizes {batches}"
    assert orphans == 0
    assert {doc_id: events for doc_id, (_, events) in kept.items()} == {d: expected[d] for d in kept}

    rerun = subprocess.run(ingest_command(corpus_path, db), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipped {len(kept)} already stored" in rerun.stderr
    final, _, orphans = stored(db)
    assert orphans == 0
    assert {doc_id: events for doc_id, (_, events) in final.items()} == expected
    assert {article_id for article_id, _ in final.values()} == {content_hash(d.text) for d in docs}


def test_bad_inputs_never_stop_a_batch(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    good = corpus(4)
    for record in good[:2]:
        (inputs / f"{record['id']}.txt").write_text(record["text"], encoding="utf-8")
    broken_line = json.dumps(good[3])[:40]
    (inputs / "feed.jsonl").write_text(json.dumps(good[2]) + "\n" + broken_line + "\n", encoding="utf-8")
    article = "<html><body><article><p>" + good[3]["text"] * 3 + "</p></article></body></html>"
    (inputs / "cut.html").write_text(article[: len(article) // 2], encoding="utf-8")
    (inputs / "tags.html").write_text("<html><<div <p>>></ <!-- <script>x</scr", encoding="utf-8")
    (inputs / "packed.txt").write_bytes(gzip.compress(good[0]["text"].encode() * 20))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("report.txt", good[1]["text"])
    (inputs / "archive.txt").write_bytes(archive.getvalue())
    (inputs / "noise.txt").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(5000)))
    (inputs / "french.txt").write_text(
        "BAMAKO - Des hommes armés ont attaqué un poste de gendarmerie près de Ségou dans la nuit de samedi "
        "à dimanche, tuant trois gendarmes, selon une source sécuritaire.", encoding="utf-8",
    )
    line = "Troops and militia fighters clashed again near the border crossing on Tuesday, residents said.\n"
    with (inputs / "dump.txt").open("w", encoding="utf-8") as huge:
        huge.write(line * (50_000_000 // len(line)))
    db = tmp_path / "events.duckdb"

    result = CliRunner().invoke(app, ["ingest", str(inputs), "--db", str(db)])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for expected in [
        "feed.jsonl:2: invalid JSON",
        "tags.html: no words in the text",
        "packed.txt: gzip-compressed data, not a text document; decompress or unpack it first",
        "archive.txt: a ZIP archive, not a text document",
        "noise.txt: binary data, not a text document",
        "french.txt: not English (detected: fr)",
        f"dump.txt: file is 50.0 MB, over the {MAX_DOCUMENT_BYTES / 1e6:.1f} MB limit for one document",
    ]:
        assert expected in result.output
    with Store(db, read_only=True) as store:
        doc_ids = {row[0] for row in store.con.execute("SELECT doc_id FROM articles").fetchall()}
    assert {"gen-000", "gen-001", "gen-002", "cut"} <= doc_ids  # a cut page keeps the text it has
    assert not doc_ids & {"packed", "archive", "noise", "french", "dump", "tags"}


def test_jsonl_line_over_the_size_limit_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    long_text = "Police fired tear gas at protesters. " * (MAX_DOCUMENT_BYTES // 30)
    lines = [
        {"id": "before", "text": "Rebels shelled the airport on Monday, the army said."},
        {"id": "long", "text": long_text},
        {"id": "after", "text": "Soldiers arrested three men at a checkpoint on Friday."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    items = list(read_path(path))
    assert [getattr(i, "id", None) for i in items] == ["before", None, "after"]
    assert items[1].line == 2 and "limit for one document" in items[1].message
    assert Counter(type(i).__name__ for i in items) == {"Document": 2, "ReadError": 1}
