"""Reading inputs: text, HTML, JSONL, directories, and clear errors for bad input."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest

from observatory.models import Document
from observatory.read import inputs
from observatory.read.inputs import ReadError, read_inputs, read_path
from observatory.read.layout import analyse

ARTICLE = (
    "- Rebels say the town fell after two days of fighting\n"
    "KABUL: Taliban fighters overran a police checkpoint in Helmand province on Sunday, killing four officers, "
    "a provincial spokesman said.\n\nThe attack was the second this week.\n"
)


def test_plain_text_with_key_points_and_dateline(tmp_path: Path) -> None:
    path = tmp_path / "helmand.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    [doc] = list(read_path(path, dt.date(2021, 6, 7)))
    assert isinstance(doc, Document)
    assert doc.id == "helmand" and doc.published == dt.date(2021, 6, 7)
    layout = analyse(doc.text)
    assert doc.text[layout.body_start :].startswith("KABUL:")
    assert layout.dateline is not None and layout.dateline[2] == "KABUL"
    assert doc.text[layout.dateline[0] : layout.dateline[1]] == "KABUL"


def test_web_page_stamp_lower_cased_dateline_and_related_stories() -> None:
    text = (
        "This story is from March 4, 2019\n\n"
        "kano: gunmen killed four traders at a market on sunday, police said. the market was shut on monday "
        "and traders said they would stay away until the police posted guards there for good. "
        "related stories two die in clashes in jos  curfew lifted in kaduna"
    )
    layout = analyse(text)
    assert text[layout.body_start :].startswith("kano:")
    assert layout.dateline is not None and layout.dateline[2] == "kano"
    assert text[layout.body_end :].startswith("related stories")


def test_capitalised_text_keeps_no_lower_case_dateline() -> None:
    text = "police said: the market was shut. Traders in Kano stayed away on Monday."
    assert analyse(text).dateline is None


def test_jsonl_with_bad_line_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        '{"id": "a", "text": "Gunmen attacked a bus.", "published": "2020-01-02"}\n'
        "{not json}\n"
        '{"id": "c", "text": "   "}\n'
        '{"id": "d", "text": "Police arrested ten protesters.", "published": "yesterday"}\n'
        '{"id": "e", "text": "Troops shelled the village."}\n',
        encoding="utf-8",
    )
    items = list(read_path(path))
    assert [type(i).__name__ for i in items] == ["Document", "ReadError", "ReadError", "ReadError", "Document"]
    assert items[0].published == dt.date(2020, 1, 2)
    assert items[1].line == 2 and "invalid JSON" in items[1].message
    assert items[2].line == 3 and "empty text" in items[2].message
    assert "published" in items[3].message
    assert str(items[1]).startswith(f"{path}:2:")


def test_binary_missing_empty_and_latin1(tmp_path: Path) -> None:
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Protesters marched past the café in Ségou on Friday.".encode("latin-1"))
    errors = {Path(i.source).name: i.message for i in read_path(tmp_path) if isinstance(i, ReadError)}
    assert errors == {"blob.txt": "binary data, not a text document", "empty.txt": "empty text"}
    [latin] = [i for i in read_path(tmp_path / "latin.txt")]
    assert isinstance(latin, Document) and "café in Ségou" in latin.text
    [missing] = list(read_path(tmp_path / "nope.txt"))
    assert isinstance(missing, ReadError) and "no such file" in missing.message


def test_html_main_text(tmp_path: Path) -> None:
    body = " ".join(["Security forces fired tear gas at protesters in the capital on Friday."] * 5)
    html = (
        "<html><head><title>Protest in the capital</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>Protest in the capital</h1><p>{body}</p><p>{body}</p></article>"
        "<footer>Copyright Example News</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [doc] = list(read_path(path))
    assert isinstance(doc, Document)
    assert "tear gas" in doc.text and "Copyright" not in doc.text and "Home" not in doc.text


def test_stdin_jsonl() -> None:
    stdin = io.StringIO('{"id": "s1", "text": "Rioters torched a police station."}\n')
    [doc] = list(read_inputs(["-"], dt.date(2022, 3, 1), stdin))
    assert isinstance(doc, Document) and doc.id == "s1" and doc.published == dt.date(2022, 3, 1)


FRENCH = (
    "BAMAKO - Des hommes armés ont attaqué un poste de gendarmerie près de Ségou dans la nuit de samedi à "
    "dimanche, tuant trois gendarmes, selon une source sécuritaire."
)
SPANISH = (
    "BOGOTÁ - Un grupo armado atacó una estación de policía en el departamento del Cauca el martes y dejó dos "
    "agentes muertos, informaron las autoridades locales."
)


def test_foreign_language_is_skipped_with_its_code(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    records = [{"id": "fr", "text": FRENCH}, {"id": "es", "text": SPANISH}, {"id": "en", "text": ARTICLE}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    first, second, third = read_path(path)
    assert isinstance(first, ReadError) and first.message == "not English (detected: fr)" and first.line == 1
    assert isinstance(second, ReadError) and second.message == "not English (detected: es)" and second.line == 2
    assert isinstance(third, Document) and third.id == "en"


def test_english_report_quoting_another_language_is_kept(tmp_path: Path) -> None:
    text = (
        f"{ARTICLE}\n\"Nadie tiene derecho a destruir la ciudad\", the mayor told reporters after rioters "
        "burned two buses in the city centre on Friday night."
    )
    path = tmp_path / "quote.txt"
    path.write_text(text, encoding="utf-8")
    [doc] = list(read_path(path))
    assert isinstance(doc, Document)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (gzip.compress(ARTICLE.encode()), "gzip-compressed data, not a text document; decompress or unpack it first"),
        (b"PK\x03\x04" + ARTICLE.encode(), "a ZIP archive, not a text document; decompress or unpack it first"),
        (b"%PDF-1.7\n" + ARTICLE.encode(), "a PDF file, not a text document"),
        (bytes(range(1, 32)) * 40, "binary data, not a text document"),
    ],
)
def test_compressed_and_binary_data_named_txt(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    [error] = list(read_path(path))
    assert isinstance(error, ReadError) and error.message == message


def test_utf16_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(ARTICLE.encode("utf-16"))
    [doc] = list(read_path(path))
    assert isinstance(doc, Document) and doc.text == ARTICLE


def test_jsonl_is_split_on_newlines_only_and_lone_surrogates_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "a", "text": "Gunmen attacked a bus.\u2028Two died."}\n'
        '{"id": "b\\ud800", "text": "Rioters burned a car \\udc00 in the port."}\n',
        encoding="utf-8",
    )
    first, second = read_path(path)
    assert isinstance(first, Document) and first.text == "Gunmen attacked a bus.\u2028Two died."
    assert isinstance(second, Document)
    assert second.text.startswith("Rioters burned a car ") and "\ufffd" in second.text
    second.text.encode("utf-8")  # storable: no lone surrogate left
    second.id.encode("utf-8")


def test_overlong_jsonl_line_is_skipped_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs, "MAX_JSONL_LINE_BYTES", 200)
    path = tmp_path / "feed.jsonl"
    long_line = json.dumps({"id": "long", "text": "Troops shelled the town. " * 100})
    path.write_text(
        '{"id": "a", "text": "Gunmen attacked a bus."}\n' + long_line + "\n" + '{"id": "c", "text": "Police fired."}\n',
        encoding="utf-8",
    )
    items = list(read_path(path))
    assert [getattr(i, "id", None) for i in items] == ["a", None, "c"]
    assert items[1].line == 2 and items[1].message == "line is longer than 200 bytes"


def test_text_file_over_the_limit_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text("Fighting continued in the north. " * (inputs.MAX_DOCUMENT_BYTES // 20), encoding="utf-8")
    [error] = list(read_path(path))
    assert isinstance(error, ReadError)
    assert error.message.startswith("file is 1.6 MB, over the 1.0 MB limit for one document")


def test_parser_failure_on_a_page_is_a_read_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError("lxml gave up")

    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>Shelling hit the market.</p></body></html>", encoding="utf-8")
    [error] = list(read_path(path))
    assert isinstance(error, ReadError) and error.message == "malformed HTML page (ValueError)"


def test_bad_fixtures_each_give_one_item() -> None:
    items = list(read_path(Path(__file__).parent / "fixtures" / "bad"))
    errors = {Path(i.source).name: i for i in items if isinstance(i, ReadError)}
    docs = {i.id for i in items if isinstance(i, Document)}
    assert docs == {"broken-1", "broken-3", "latin1", "page"}
    assert set(errors) == {"binary.txt", "broken.jsonl", "empty.txt"}
    assert errors["broken.jsonl"].line == 2


def test_stdin_with_invalid_utf8_reads_each_line() -> None:
    raw = b'{"id": "s1", "text": "Rioters torched a police station."}\n{"id": "s2", "text": "caf\xe9 raided"}\n\xc3('
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    first, second, third = read_inputs(["-"], None, stdin)
    assert isinstance(first, Document) and isinstance(second, Document) and second.text == "café raided"
    assert isinstance(third, ReadError) and third.source == "<stdin>" and third.line == 3
