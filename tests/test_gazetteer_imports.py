"""Gazetteers the user brings: GeoNames dump and CSV imports, their use by extraction, list, removal,
download from a (local) server, and bad files; every test uses a temporary cache folder."""

from __future__ import annotations

import functools
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from observatory.cli import app
from observatory.lexicon import gazetteer
from observatory.models import Document
from observatory.pipeline import Extractor

runner = CliRunner()

# GeoNames admin1 codes of Syria: 06 Daraa, 12 Idlib.
VILLAGE = ("Kafr Qumayrah", 35.7712, 36.5544, "12")
HOMONYMS = [("Khirbet Nuwaysah", 35.8222, 36.7731, "12"), ("Khirbet Nuwaysah", 32.7315, 36.3127, "06")]
SHELLING = ("Syrian government forces shelled the village of {place} on Monday, killing three civilians, "
            "local activists said.")


def geonames_row(geonameid: int, name: str, lat: float, lon: float, admin1: str, feature: str = "P",
                 alternates: str = "", population: int = 0) -> str:
    """One row of a GeoNames dump file (19 tab-separated columns)."""
    cells = [str(geonameid), name, name, alternates, f"{lat}", f"{lon}", feature, "PPL" if feature == "P" else "HLL",
             "SY", "", admin1, "", "", "", str(population), "", "350", "Asia/Damascus", "2024-01-01"]
    return "\t".join(cells) + "\n"


def country_file(folder: Path, rows: list[str], zipped: bool = True) -> Path:
    """A GeoNames country file SY.zip (holding SY.txt) or SY.txt made of ``rows``."""
    text = "".join(rows)
    if not zipped:
        path = folder / "SY.txt"
        path.write_text(text, encoding="utf-8")
        return path
    path = folder / "SY.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("SY.txt", text)
        archive.writestr("readme.txt", "GeoNames dump")
    return path


def syria_rows() -> list[str]:
    rows = [geonames_row(99000001, *VILLAGE, alternates="Kafr Qumayra,كفر قميرة")]
    rows += [geonames_row(99000002 + i, *place) for i, place in enumerate(HOMONYMS)]
    rows.append(geonames_row(99000009, "Jabal Qumayrah", 35.78, 36.56, "12", feature="T"))
    return rows


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary cache folder holding (a link to) the built-in gazetteer and no imports."""
    base = gazetteer._cache_file()
    gazetteer.Gazetteer.load()  # built in the usual cache when missing, as for every other test
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("OBSERVATORY_CACHE", str(folder))
    (folder / base.name).symlink_to(base)
    gazetteer.forget_loaded()
    yield folder
    gazetteer.forget_loaded()


def located(text: str) -> list:
    """The locations of the events extracted from ``text`` by an extractor loaded now."""
    result = Extractor().extract(Document(id="t", text=text))
    return [e.location for e in result.events if e.location is not None]


def test_an_imported_village_is_found_and_removal_forgets_it(cache: Path, tmp_path: Path) -> None:
    text = SHELLING.format(place="Kafr Qumayrah")
    before = located(text)
    assert not any(loc.name == "Kafr Qumayrah" and loc.precision == 1 for loc in before)

    result = runner.invoke(app, ["gazetteer", "add", str(country_file(tmp_path, syria_rows()))])
    assert result.exit_code == 0, result.output
    assert "imported SY: 3 places; 1 rows skipped: not a populated place" in result.output
    assert (cache / "gazetteers" / "SY.npz").is_file()

    after = located(text)
    assert [(loc.name, loc.lat, loc.lon, loc.country, loc.admin1, loc.precision) for loc in after] == [
        ("Kafr Qumayrah", 35.7712, 36.5544, "SYR", "Idlib", 1)]
    assert [p.name for p in gazetteer.Gazetteer.load().candidates("Kafr Qumayra")] == ["Kafr Qumayrah"]

    listed = runner.invoke(app, ["gazetteer", "list"])
    assert listed.exit_code == 0 and "SY" in listed.output and "3" in listed.output

    removed = runner.invoke(app, ["gazetteer", "remove", "SY"])
    assert removed.exit_code == 0, removed.output
    assert not (cache / "gazetteers" / "SY.npz").exists()
    assert located(text) == before
    again = runner.invoke(app, ["gazetteer", "remove", "SY"])
    assert again.exit_code == 1 and "no imported gazetteer named 'SY'" in again.output


def test_homonyms_are_told_apart_by_the_region_or_a_nearby_town(cache: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["gazetteer", "add", str(country_file(tmp_path, syria_rows(), zipped=False))]
                         ).exit_code == 0
    in_daraa = located(SHELLING.format(place="Khirbet Nuwaysah in Daraa province"))
    assert [(loc.lat, loc.lon, loc.admin1) for loc in in_daraa if loc.precision == 1] == [(32.7315, 36.3127, "Daraa")]
    near_saraqib = located("Syrian government forces shelled Saraqib and the village of Khirbet Nuwaysah on "
                           "Monday, killing three civilians, local activists said.")
    villages = [loc for loc in near_saraqib if loc.name == "Khirbet Nuwaysah"]
    assert villages and all((loc.lat, loc.lon, loc.admin1) == (35.8222, 36.7731, "Idlib") for loc in villages)


def test_csv_of_own_places_with_admin1_by_name_and_admin2(cache: Path, tmp_path: Path) -> None:
    places = tmp_path / "my_places.csv"
    places.write_text(
        "name,alternate_names,lat,lon,country,admin1,admin2,feature_type\n"
        "Umm Batinah Camp,Umm Batina|Um Batinah,33.0712,35.9101,SY,Quneitra Governorate,Quneitra District,camp\n"
        "Wadi Zarqa Farms,,12.5,44.9,YEM,Nowhere Land,,area\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["gazetteer", "add", str(places)])
    assert result.exit_code == 0, result.output
    loaded = gazetteer.Gazetteer.load()
    camp = loaded.candidates("Um Batinah")
    assert [(p.name, p.kind, p.precision, p.country, p.admin1) for p in camp] == [
        ("Umm Batinah Camp", "curated", 1, "SYR", "Quneitra")]
    assert loaded.admin2_for(33.0712, 35.9101) == "Quneitra District"
    farms = loaded.candidates("Wadi Zarqa Farms")
    assert [(p.precision, p.country, p.admin1) for p in farms] == [(2, "YEM", "Nowhere Land")]
    assert loaded.same_admin1("Nowhere Land", "Nowhere Land Governorate")


def test_admin_code_files_name_regions_and_districts(cache: Path, tmp_path: Path) -> None:
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("SY.06\tDaraa\tDaraa\t170062\nSY.99\tNew Governorate\tNew Governorate\t1\n", encoding="utf-8")
    admin2 = tmp_path / "admin2Codes.txt"
    admin2.write_text("SY.99.SY9901\tFresh District\tFresh District\t2\n", encoding="utf-8")
    row = geonames_row(99000020, "Qaryat Jadidah", 34.9, 38.1, "99").replace("\t\t\t\t0\t", "\tSY9901\t\t\t0\t")
    result = runner.invoke(app, ["gazetteer", "add", str(country_file(tmp_path, [row])), str(admin1), str(admin2),
                                 "--name", "east"])
    assert result.exit_code == 0, result.output
    loaded = gazetteer.Gazetteer.load()
    assert [(p.admin1_code, p.admin1) for p in loaded.candidates("Qaryat Jadidah")] == [("99", "New Governorate")]
    assert loaded.admin2_for(34.9, 38.1) == "Fresh District"


def test_a_place_already_built_in_is_not_a_second_candidate(cache: Path, tmp_path: Path) -> None:
    idlib = next(p for p in gazetteer.Gazetteer.load().candidates("Idlib") if p.kind == "city")
    row = geonames_row(idlib.geonameid, "Idlib", idlib.lat, idlib.lon, "12", alternates="Idlibb Town")
    assert runner.invoke(app, ["gazetteer", "add", str(country_file(tmp_path, [row]))]).exit_code == 0
    loaded = gazetteer.Gazetteer.load()
    assert [p for p in loaded.candidates("Idlib") if p.kind == "city"] == [idlib]
    assert [(p.geonameid, p.admin1) for p in loaded.candidates("Idlibb Town")] == [(idlib.geonameid, "Idlib")]


@pytest.mark.parametrize(("content", "message"), [
    ("1\tOnly\tthree\n", "SY.txt, line 1: 3 tab-separated columns, a GeoNames dump row has 19"),
    (geonames_row(1, "Ok", 35.0, 36.0, "12") + geonames_row(2, "Bad", 35.0, 36.0, "12").replace("\t35.0\t",
                                                                                                 "\tnorth\t"),
     "SY.txt, line 2: lat 'north' is not a number"),
    (geonames_row(1, "Far", 135.0, 36.0, "12"), "SY.txt, line 1: coordinates 135.0, 36.0 are not on Earth"),
])
def test_a_malformed_dump_is_one_error_line_and_imports_nothing(cache: Path, tmp_path: Path, content: str,
                                                                message: str) -> None:
    path = tmp_path / "SY.txt"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["gazetteer", "add", str(path)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not (cache / "gazetteers").exists() or not list((cache / "gazetteers").iterdir())


def test_bad_csv_and_missing_files_are_one_error_line(cache: Path, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["gazetteer", "add", str(tmp_path / "nowhere.zip")])
    assert missing.exit_code == 1 and "nowhere.zip does not exist" in missing.output
    bad = tmp_path / "mine.csv"
    bad.write_text("name,lat,lon,country\nA Village,33.1,36.2,SY\nB Village,33.1,36.2,Atlantis\n", encoding="utf-8")
    result = runner.invoke(app, ["gazetteer", "add", str(bad)])
    assert result.exit_code == 1 and "mine.csv, line 3: unknown country 'Atlantis'" in result.output
    bad.write_text("title,lat,lon\nA,1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["gazetteer", "add", str(bad)])
    assert result.exit_code == 1 and "mine.csv, line 1: no name column" in result.output


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_download_fetches_country_files_from_the_server(cache: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    served = tmp_path / "served"
    served.mkdir()
    country_file(served, syria_rows())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("OBSERVATORY_GEONAMES_URL", f"http://127.0.0.1:{server.server_port}/dump/")
        (served / "dump").mkdir()
        (served / "SY.zip").rename(served / "dump" / "SY.zip")
        result = runner.invoke(app, ["gazetteer", "add", "--download", "sy"])
        assert result.exit_code == 0, result.output
        assert "imported SY: 3 places" in result.output
        absent = runner.invoke(app, ["gazetteer", "add", "--download", "YE"])
        assert absent.exit_code == 1 and "cannot download http://127.0.0.1" in absent.output
        assert "YE.zip: HTTP 404" in absent.output
        wrong = runner.invoke(app, ["gazetteer", "add", "--download", "Syria"])
        assert wrong.exit_code == 1 and "'Syria' is no ISO 3166 alpha-2 country code" in wrong.output
    finally:
        server.shutdown()
    assert [p.name for p in gazetteer.Gazetteer.load().candidates("Kafr Qumayrah")] == ["Kafr Qumayrah"]


def test_a_damaged_import_is_left_out_with_a_notice(cache: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.invoke(app, ["gazetteer", "add", str(country_file(tmp_path, syria_rows()))]).exit_code == 0
    (cache / "gazetteers" / "SY.npz").write_bytes(b"")
    gazetteer.forget_loaded()
    assert gazetteer.Gazetteer.load().candidates("Kafr Qumayrah") == []
    assert "the imported gazetteer" in capsys.readouterr().err
