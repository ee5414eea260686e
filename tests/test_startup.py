"""Start-up: what the CLI and its commands import, --workers parsing and 'auto', forked workers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from observatory import parallel
from observatory.cli import app
from observatory.models import Document
from observatory.parallel import AUTO_MIN_DOCUMENTS, extract_parallel_pairs, resolve_workers
from observatory.pipeline import Extractor
from observatory.store.ingest import Store

HEAVY = ("dask", "distributed", "fastapi", "uvicorn", "psycopg", "pyarrow")
NOTES = [
    Document(id=f"note-{i}", text=text)
    for i, text in enumerate(
        [
            "Gunmen killed nine villagers in Ogossagou, central Mali, on Monday, a local official said.",
            "A car bomb exploded at a police checkpoint in Mogadishu on Saturday, killing four officers.",
            "Riot police dispersed farmers who blocked a highway near Popayan with tear gas on Thursday.",
            "Delegates at a trade conference in Geneva discussed tariffs on steel on Monday.",
        ]
        * 3
    )
]


def _loaded_after(code: str) -> set[str]:
    """The top-level modules loaded by a fresh interpreter after running ``code``."""
    script = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = _loaded_after("import observatory.cli")
    assert loaded.isdisjoint({*HEAVY, "spacy", "duckdb", "numpy", "trafilatura", "pydantic"}), loaded


def test_the_extraction_path_loads_no_server_database_or_cluster_library() -> None:
    loaded = _loaded_after(
        "import observatory.cli, observatory.parallel, observatory.pipeline, observatory.read.inputs")
    assert "spacy" in loaded  # the check sees what the extraction needs
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_events_loads_neither_spacy_nor_pyarrow(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    Store(db).close()
    loaded = _loaded_after(
        "from observatory.cli import app\n"
        f"app(['events', '--db', {str(db)!r}, '--limit', '10', '--format', 'json'], standalone_mode=False)"
    )
    assert "duckdb" in loaded
    assert loaded.isdisjoint({*HEAVY, "spacy", "trafilatura"}), loaded


@pytest.mark.parametrize("value", ["0", "-1", "foo", "2.5", ""])
def test_a_bad_workers_value_is_one_error_line(value: str, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Gunmen killed two traders in Mogadishu.", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(article), "--workers", value])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"error: --workers must be a whole number of at least 1 or 'auto', got {value!r}"]


def test_auto_stays_in_process_for_a_small_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "available_cores", lambda: 4)
    workers, docs = resolve_workers(iter(NOTES), "auto")
    assert len(NOTES) < AUTO_MIN_DOCUMENTS
    assert workers == 1
    assert list(docs) == NOTES


def test_auto_uses_every_core_for_a_large_input_and_keeps_the_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "available_cores", lambda: 3)
    many = [Document(id=str(i), text="x") for i in range(AUTO_MIN_DOCUMENTS + 5)]
    workers, docs = resolve_workers(iter(many), "auto")
    assert workers == 3
    assert list(docs) == many
    assert resolve_workers(many, 2)[0] == 2


def test_available_cores_follows_the_affinity_mask() -> None:
    expected = len(parallel.os.sched_getaffinity(0)) if hasattr(parallel.os, "sched_getaffinity") else None
    assert parallel.available_cores() >= 1
    if expected is not None:
        assert parallel.available_cores() == expected


@pytest.fixture(scope="module")
def in_process() -> list[str]:
    extractor = Extractor()
    return [extractor.extract(doc).model_dump_json() for doc in NOTES]


@pytest.mark.skipif(not parallel.forks_workers(), reason="workers are forked on Linux only")
def test_forked_workers_give_the_in_process_output_and_let_go_of_the_extractor(in_process: list[str]) -> None:
    pairs = list(extract_parallel_pairs(NOTES, workers=2, batch_size=2))
    assert [doc.id for doc, _ in pairs] == [doc.id for doc in NOTES]
    assert [result.model_dump_json() for _, result in pairs] == in_process
    assert parallel._worker_extractor is None  # the parent's copy is dropped once the pool is closed


def test_workers_started_afresh_give_the_same_output(in_process: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "forks_workers", lambda: False)
    pairs = list(extract_parallel_pairs(NOTES, workers=2, batch_size=3))
    assert [result.model_dump_json() for _, result in pairs] == in_process


def test_the_cli_gives_the_same_lines_with_one_two_and_auto_workers(tmp_path: Path) -> None:
    corpus = tmp_path / "notes.jsonl"
    corpus.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in NOTES), encoding="utf-8")
    outputs = []
    for workers in ("1", "2", "auto"):
        target = tmp_path / f"out-{workers}.jsonl"
        result = CliRunner().invoke(app, ["extract", str(corpus), "--workers", workers, "-o", str(target)])
        assert result.exit_code == 0, result.output
        outputs.append(target.read_bytes())
    assert outputs[0].count(b"\n") == len(NOTES)
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0]
