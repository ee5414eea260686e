"""The watcher over local feed files, a local HTTP server and folders: resume after a restart, skip
malformed entries with a message, pick up new files, fetch linked pages without ever crashing."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from observatory.cli import watch_command
from observatory.models import DateSpan, Document, DocumentResult, Event, Evidence, Location
from observatory.store import watch
from observatory.store.ingest import Store
from observatory.store.watch import html_to_text, read_feed_list, watch_once

MOGADISHU = Location(text="Mogadishu", name="Mogadishu", lat=2.04, lon=45.34, country="SOM", admin1="Banaadir")


class FirstSentenceExtractor:
    """A stand-in for the Extractor: one occurred attack per document, read from its first sentence."""

    def __init__(self) -> None:
        self.seen: list[Document] = []

    def extract_many(self, docs: Iterable[Document]) -> Iterator[DocumentResult]:
        for doc in docs:
            self.seen.append(doc)
            sentence = doc.text.split(". ")[0]
            day = doc.published or dt.date(2024, 7, 14)
            event = Event(
                plover_type="ASSAULT", acled_event_type="Violence against civilians", acled_sub_event_type="Attack",
                location=MOGADISHU, date=DateSpan(start=day, end=day),
                evidence=Evidence(text=sentence, start=0, end=len(sentence)),
            )
            yield DocumentResult(id=doc.id, events=[event])


def rss(items: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Horn Observer</title>'
        "<link>http://example.invalid/</link><description>News</description>" + "".join(items) + "</channel></rss>"
    )


def item(guid: str, title: str, summary: str, link: str = "", date: str = "Sun, 14 Jul 2024 09:00:00 GMT") -> str:
    return (
        f"<item><guid>{guid}</guid><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description><![CDATA[{summary}]]></description></item>"
    )


BOMB = item("horn-1", "Blast in Mogadishu", "<p>A bomb exploded near a market in Mogadishu, killing five people.</p>")
SHOOTING = item("horn-2", "Gunmen attack hotel", "<p>Gunmen stormed a hotel in Mogadishu and killed three guards.</p>")
EMPTY = "<item><guid>horn-empty</guid><title></title><description></description></item>"
LATER = item("horn-3", "Mortars hit port", "<p>Mortar shells struck the port of Mogadishu, wounding two workers.</p>",
             date="Mon, 15 Jul 2024 07:00:00 GMT")


class Site:
    """Pages served by a local HTTP server on a free port of 127.0.0.1; ``pages`` can change between passes."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, str]] = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                page = site.pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                body = page[1].encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", page[0])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as served:
        yield served


def feeds_file(tmp_path: Path, *locations: str) -> Path:
    path = tmp_path / "feeds.txt"
    path.write_text("# feeds to watch\n\n" + "\n".join(locations) + "  # trailing comment\n", encoding="utf-8")
    return path


def stored(db: Path) -> list[tuple]:
    with Store(db) as store:
        return store.con.execute(
            "SELECT a.doc_id, a.published, a.source, e.incident_id IS NOT NULL FROM articles a "
            "JOIN events e USING (article_id) ORDER BY a.doc_id"
        ).fetchall()


def test_feed_over_http_resumes_after_restart_and_skips_malformed_entries(tmp_path: Path, site: Site) -> None:
    site.pages["/feed.xml"] = ("application/rss+xml", rss([BOMB, EMPTY, SHOOTING]))
    feeds, db = feeds_file(tmp_path, f"{site.url}/feed.xml"), tmp_path / "watch.duckdb"

    first = watch_once(db, feeds, [], FirstSentenceExtractor())
    assert (first.items, first.documents) == (3, 2)
    assert any("horn-empty: empty text" in error for error in first.errors)
    assert stored(db) == [("horn-1", dt.date(2024, 7, 14), "Horn Observer", True),
                          ("horn-2", dt.date(2024, 7, 14), "Horn Observer", True)]

    restarted = FirstSentenceExtractor()  # a new process: only the database remembers
    again = watch_once(db, feeds, [], restarted)
    assert (again.items, again.documents, again.errors, restarted.seen) == (0, 0, [], [])

    site.pages["/feed.xml"] = ("application/rss+xml", rss([LATER, BOMB, EMPTY, SHOOTING]))
    third = watch_once(db, feeds, [], restarted)
    assert (third.items, third.documents) == (1, 1)
    assert [doc.id for doc in restarted.seen] == ["horn-3"]
    assert restarted.seen[0].text == "Mortar shells struck the port of Mogadishu, wounding two workers."
    assert restarted.seen[0].published == dt.date(2024, 7, 15)


def test_fetch_links_reads_the_linked_page_and_falls_back_on_failure(tmp_path: Path, site: Site) -> None:
    page = ("<html><head><title>Blast</title></head><body><article><p>A bomb exploded near Bakara market in "
            "Mogadishu on Sunday, killing five people, police said.</p><p>Al-Shabaab claimed the attack in a "
            "statement on its radio station, and police cordoned off the area.</p></article></body></html>")
    site.pages["/bomb.html"] = ("text/html", page)
    site.pages["/feed.xml"] = ("application/rss+xml", rss([
        item("l-1", "Blast", "Short teaser.", link=f"{site.url}/bomb.html"),
        item("l-2", "Hotel attack", "Gunmen stormed a hotel in Mogadishu.", link=f"{site.url}/missing.html"),
    ]))
    extractor = FirstSentenceExtractor()
    stats = watch_once(tmp_path / "w.duckdb", feeds_file(tmp_path, f"{site.url}/feed.xml"), [], extractor,
                       fetch_links=True)
    texts = {doc.id: doc.text for doc in extractor.seen}
    assert stats.documents == 2
    assert "Bakara market" in texts["l-1"] and "Al-Shabaab claimed" in texts["l-1"]
    assert texts["l-2"] == "Gunmen stormed a hotel in Mogadishu."


def test_local_feed_file_and_unreadable_feeds_are_reported(tmp_path: Path) -> None:
    local = tmp_path / "horn.xml"
    local.write_text(rss([BOMB]), encoding="utf-8")
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("this is not a feed <<<", encoding="utf-8")
    feeds = feeds_file(tmp_path, str(local), str(garbage), str(tmp_path / "missing.xml"), "http://127.0.0.1:9/x")
    assert read_feed_list(feeds) == [str(local), str(garbage), str(tmp_path / "missing.xml"), "http://127.0.0.1:9/x"]
    stats = watch_once(tmp_path / "w.duckdb", feeds, [], FirstSentenceExtractor())
    assert stats.documents == 1
    assert len(stats.errors) == 3
    assert all(error.startswith((str(garbage), str(tmp_path / "missing.xml"), "http://127.0.0.1:9/x"))
               for error in stats.errors)


def test_folder_new_files_are_picked_up_on_the_second_pass(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("Gunmen killed two traders in Mogadishu. Police said.", encoding="utf-8")
    (folder / "notes.bin").write_bytes(b"\x00\x01")  # not an article suffix: ignored
    db = tmp_path / "w.duckdb"
    first = watch_once(db, None, [folder], FirstSentenceExtractor())
    assert (first.items, first.documents) == (1, 1)

    (folder / "b.txt").write_text("A grenade attack wounded four soldiers in Mogadishu.", encoding="utf-8")
    extractor = FirstSentenceExtractor()
    second = watch_once(db, None, [folder], extractor)
    assert (second.items, second.documents) == (1, 1)
    assert [doc.id for doc in extractor.seen] == ["b"]
    assert [row[0] for row in stored(db)] == ["a", "b"]


def test_watch_command_needs_an_input_and_runs_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import observatory.pipeline

    monkeypatch.setattr(observatory.pipeline, "Extractor", FirstSentenceExtractor)
    app = typer.Typer()
    app.command()(watch_command)
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(tmp_path / "w.duckdb"), "--once"])
    assert result.exit_code == 2 and "--feeds" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["--feeds", str(tmp_path / "none.txt"), "--once"])
    assert result.exit_code == 2 and "does not exist" in result.output

    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("Gunmen killed two traders in Mogadishu.", encoding="utf-8")
    result = runner.invoke(app, ["--folder", str(folder), "--db", str(tmp_path / "w.duckdb"), "--once"])
    assert result.exit_code == 0, result.output
    assert "1 new items: 1 articles stored" in result.output


def test_html_to_text_keeps_paragraphs() -> None:
    assert html_to_text("<p>Gunmen <b>killed</b> five people.</p><p>Police said so.</p>") == (
        "Gunmen killed five people.\nPolice said so."
    )
    assert html_to_text("  plain text  ") == "plain text"


def test_fetch_refuses_oversized_pages_and_other_schemes(site: Site) -> None:
    site.pages["/big.html"] = ("text/html", "x" * 5000)
    assert watch.fetch(f"{site.url}/big.html", limit=5000) == b"x" * 5000
    with pytest.raises(OSError, match="larger than"):
        watch.fetch(f"{site.url}/big.html", limit=4096)
    with pytest.raises(OSError, match="not an http"):
        watch.fetch("file:///etc/passwd")
