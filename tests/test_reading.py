"""Reading inputs: text, HTML, JSONL, directories, and clear errors for bad input."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from observatory.layout import analyse
from observatory.models import Document
from observatory.reading import ReadError, read_inputs, read_path

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
    (tmp_path / "latin.txt").write_bytes("Des manifestants ont défilé à Bamako.".encode("latin-1"))
    errors = {Path(i.source).name: i.message for i in read_path(tmp_path) if isinstance(i, ReadError)}
    assert errors == {"blob.txt": "binary data, not a text document", "empty.txt": "empty text"}
    [latin] = [i for i in read_path(tmp_path / "latin.txt")]
    assert isinstance(latin, Document) and "défilé" in latin.text
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
