"""Break-it probes of issue #13 on reading inputs: language, what an article text is, bad UTF-8 bytes,
FIFOs and devices instead of files."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from observatory.config import Settings
from observatory.models import Document, DocumentResult, Event, Evidence
from observatory.read.inputs import ReadError, read_path, text_problem
from observatory.serve.api import create_app

ENGLISH = (
    "KIRKUK, Iraq - A roadside bomb struck an Iraqi army patrol near Hawija on Tuesday, killing three "
    "soldiers, security officials said."
)
ARABIC = "قتل ثلاثة جنود في هجوم بعبوة ناسفة استهدف دورية للجيش في محافظة كركوك يوم الثلاثاء، بحسب مصادر أمنية."


def _read_jsonl(tmp_path: Path, texts: list[str]) -> list[Document | ReadError]:
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)), "utf-8")
    return list(read_path(path))


# ---------- item 3: language ----------


@pytest.mark.parametrize(
    ("text", "detected"),
    [
        (ARABIC, "ar"),
        ("قتل ثلاثة جنود في هجوم", "ar"),
        ("昨天在喀布尔发生爆炸，造成五人死亡。", "zh"),
        ("北京", "CJK script"),
        ("Три солдата погибли при взрыве в Киркуке во вторник.", "ru"),
        ("Des hommes armés ont tué trois gendarmes à Ségou.", "fr"),
    ],
)
def test_non_english_texts_are_skipped_with_their_language(tmp_path: Path, text: str, detected: str) -> None:
    [item] = _read_jsonl(tmp_path, [text])
    assert isinstance(item, ReadError)
    assert item.message == f"not English (detected: {detected})" and item.line == 1


@pytest.mark.parametrize(
    "text",
    [
        ENGLISH,
        "Gunmen kill three police officers in Kabul",
        "Protesters clash with police in Nairobi",
        "Syria regime pounds Kurdish positions for second day",
        "September 25th 2017: (S1351) البوكمال Abu Kamal, Deir Ezzor governorate, Syria. Warplanes struck "
        "the town, killing four civilians, activists said.",
    ],
)
def test_english_headlines_and_reports_naming_places_in_arabic_script_stay_english(text: str) -> None:
    assert text_problem(text) is None


# ---------- item 4: one test of what an article text is ----------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty text"),
        (" \n\t ", "empty text"),
        ("12345 678", "no words in the text"),
        ("-- 42 / 7 --", "no words in the text"),
        (ARABIC, "not English (detected: ar)"),
    ],
)
def test_text_problem_names_why_a_text_is_no_article(tmp_path: Path, text: str, problem: str) -> None:
    assert text_problem(text) == problem
    [item] = _read_jsonl(tmp_path, [text])  # the reader says the same
    assert isinstance(item, ReadError) and item.message == problem


# ---------- item 6: UTF-8 with a bad byte ----------


def test_utf8_file_with_one_bad_byte_stays_utf8_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "report.txt"
    text = "Protesters gathered outside the café in Ségou on Friday, police said. "
    path.write_bytes(text.encode() + b"The \xff marchers dispersed at noon.")
    with caplog.at_level(logging.WARNING, logger="observatory.read.inputs"):
        [doc] = list(read_path(path))
    assert isinstance(doc, Document)
    assert doc.text == text + "The \ufffd marchers dispersed at noon."
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: 1 invalid UTF-8 byte sequence(s) replaced by U+FFFD"
    ]


def test_bad_byte_in_a_jsonl_line_names_the_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "a", "text": ENGLISH}, ensure_ascii=False).encode()
    bad = json.dumps({"id": "b", "text": "Rioters burned a café in Niamey on Monday, witnesses said."},
                     ensure_ascii=False).encode().replace(b"Monday", b"Mon\x80day")
    path.write_bytes(good + b"\n" + bad + b"\n")
    with caplog.at_level(logging.WARNING, logger="observatory.read.inputs"):
        first, second = read_path(path)
    assert isinstance(second, Document) and "café in Niamey on Mon\ufffdday" in second.text
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}:2: 1 invalid UTF-8 byte sequence(s) replaced by U+FFFD"
    ]


def test_windows_1252_file_is_still_read_as_windows_1252(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("Protesters marched past the café in Ségou on Friday, police said “calmly”.".encode("cp1252"))
    with caplog.at_level(logging.WARNING, logger="observatory.read.inputs"):
        [doc] = list(read_path(path))
    assert isinstance(doc, Document) and "café in Ségou" in doc.text and "“calmly”" in doc.text
    assert caplog.records == []


# ---------- item 11: only regular files, bounded ----------


def _read_in_thread(path: Path) -> list[Document | ReadError]:
    """read_path(path) on a thread; fails the test instead of hanging when reading blocks."""
    items: list[Document | ReadError] = []
    reader = threading.Thread(target=lambda: items.extend(read_path(path)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert not reader.is_alive(), f"reading {path} did not return"
    return items


def test_fifo_is_skipped_with_one_line_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    [item] = _read_in_thread(fifo)
    assert isinstance(item, ReadError)
    assert str(item) == f"{fifo}: a named pipe (FIFO), not a regular file; skipped"


def test_symlink_to_a_device_is_skipped_unread(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    [item] = _read_in_thread(link)
    assert isinstance(item, ReadError) and item.message == "a character device, not a regular file; skipped"


def test_directory_with_fifo_device_link_and_loops_reads_the_rest(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text(ENGLISH, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop").symlink_to(tmp_path)
    items = _read_in_thread(tmp_path)
    assert [i.id for i in items if isinstance(i, Document)] == ["report"]
    assert sorted((Path(i.source).name, i.message) for i in items if isinstance(i, ReadError)) == [
        ("gone.txt", "broken symbolic link"),
        ("pipe.jsonl", "a named pipe (FIFO), not a regular file; skipped"),
        ("zero.txt", "a character device, not a regular file; skipped"),
    ]


# ---------- item 4: the API checks texts as the command line does ----------


class _OneEventExtractor:
    """A stand-in for pipeline.Extractor: one PROTEST event for the whole text."""

    def extract(self, doc: Document) -> DocumentResult:
        evidence = Evidence(text=doc.text, start=0, end=len(doc.text))
        return DocumentResult(id=doc.id, events=[Event(plover_type="PROTEST", evidence=evidence)])


@pytest.fixture
def api(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(str(tmp_path / "api.duckdb"), Settings(api_token="t0ken"))
    app.state.extractor = _OneEventExtractor()
    with TestClient(app, headers={"Authorization": "Bearer t0ken"}) as client:
        yield client


def test_api_stores_no_empty_blank_number_only_or_foreign_text(api: TestClient) -> None:
    bad = {"empty": "", "blank": " \n\t ", "numbers": "12345 678", "arabic": ARABIC}
    response = api.post("/api/documents", json={"documents": [{"id": k, "text": v} for k, v in bad.items()]})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "no readable document: empty: empty text; blank: empty text; numbers: no words in the text; "
        "arabic: not English (detected: ar)"
    )
    assert api.get("/api/meta").json()["articles"] == 0


def test_api_stores_the_article_texts_of_a_mixed_request(api: TestClient) -> None:
    documents = [{"id": "report", "text": ENGLISH}, {"id": "numbers", "text": "2024"}]
    response = api.post("/api/documents", json={"documents": documents})
    assert response.status_code == 200, response.text
    assert (response.json()["added"], response.json()["errors"]) == (1, ["numbers: no words in the text"])
    assert api.get("/api/meta").json()["articles"] == 1


def test_feed_entries_are_checked_like_files(tmp_path: Path) -> None:
    from observatory.store.watch import feed_items

    entries = "".join(
        f"<item><guid>{guid}</guid><title>t</title><description><![CDATA[{text}]]></description></item>"
        for guid, text in (("ok", ENGLISH), ("numbers", "2024 - 17"), ("arabic", ARABIC))
    )
    feed = tmp_path / "feed.xml"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{entries}</channel></rss>',
                    encoding="utf-8")
    errors: list[str] = []
    items = list(feed_items(str(feed), set(), False, errors))
    assert [[d.id for d in item.documents] for item in items] == [["ok"], [], []]
    assert errors == [
        f"{feed}: entry numbers: no words in the text; skipped",
        f"{feed}: entry arabic: not English (detected: ar); skipped",
    ]
