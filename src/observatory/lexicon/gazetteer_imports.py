"""Gazetteers the user brings: GeoNames dump files and CSV files of places, indexed next to the built-in
gazetteer (``observatory gazetteer add|list|remove``).

Each import is one file ``NAME.npz`` in ``gazetteer.imports_dir()``, with the arrays of
``gazetteer.IMPORT_ARRAYS``; adding one does not touch the others, and ``Gazetteer.load()`` merges them
all. A GeoNames dump (a country file ``SY.zip`` or ``SY.txt``, ``allCountries.zip``, ``cities1000.zip``)
gives its populated places (feature class P); ``admin1CodesASCII.txt`` and ``admin2Codes.txt`` given
with it name the regions of its admin codes. A CSV file gives the user's own places (``CSV_COLUMNS``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from observatory.lexicon.gazetteer import (
    forget_loaded,
    imported_gazetteers,
    imports_dir,
    key_tables,
    latin_spelling,
    row_arrays,
    source_paths,
    write_arrays,
)

GEONAMES_URL = "https://download.geonames.org/export/dump"
GEONAMES_URL_ENV = "OBSERVATORY_GEONAMES_URL"  # another server of the same files (a mirror, a test server)
GEONAMES_COLUMNS = 19
CSV_COLUMNS = ("name", "alternate_names", "lat", "lon", "country", "admin1", "admin2", "feature_type")
# A CSV feature type -> (kind, precision): settlements are cities, sites are points, areas are regions.
FEATURE_TYPES = {
    "": ("city", 1), "city": ("city", 1), "town": ("city", 1), "village": ("city", 1),
    "neighbourhood": ("city", 1), "neighborhood": ("city", 1), "populated place": ("city", 1),
    "camp": ("curated", 1), "site": ("curated", 1), "crossing": ("curated", 1), "landmark": ("curated", 1),
    "district": ("curated", 2), "area": ("curated", 2), "region": ("curated", 2), "valley": ("curated", 2),
    "mountain": ("curated", 2),
}
_KIND_INDEX = {"city": 0, "curated": 3}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_ADMIN1_FILES = ("admin1codesascii.txt", "admin1codes.txt")
_ADMIN2_FILES = ("admin2codes.txt",)
Progress = Callable[[str, int | None, int], None]  # (description, total bytes or None, bytes done)


class GazetteerFileError(ValueError):
    """A file that cannot be imported: the message names the file (and line) and what is wrong."""


@dataclass
class _Place:
    """One place read from a file, before indexing."""

    geonameid: int
    name: str
    spellings: list[str]
    lat: float
    lon: float
    iso3: str
    admin1_code: str
    admin1_name: str
    admin2: str
    population: int
    kind: str
    precision: int


@dataclass
class ImportResult:
    """What one import added: its name, its place count and the rows it left out (by reason)."""

    name: str
    places: int
    path: Path
    skipped: dict[str, int] = field(default_factory=dict)


def _country_codes() -> tuple[dict[str, str], dict[str, str]]:
    """ISO2 -> ISO3, and every ISO2, ISO3 and English country name (casefolded) -> ISO3."""
    countries = json.loads(source_paths()[1].read_text(encoding="utf-8"))
    iso3 = {code: row["iso3"] for code, row in countries.items()}
    names = {key.casefold(): row["iso3"] for code, row in countries.items()
             for key in (code, row["iso3"], row["name"])}
    return iso3, names


def import_name(path: Path) -> str:
    """The default name of the import of a file: its name without extension (``SY.zip`` -> ``SY``)."""
    return path.name.split(".")[0]


def check_name(name: str) -> str:
    """``name`` when it can name an import (letters, digits, ``_.-``; not a hidden file), else raises."""
    if not _NAME.fullmatch(name):
        raise GazetteerFileError(f"{name!r} cannot name a gazetteer: use letters, digits, '_', '.' or '-'")
    return name


def read_admin_codes(path: Path) -> dict[str, str]:
    """GeoNames ``admin1CodesASCII.txt`` or ``admin2Codes.txt``: code ("SY.01", "SY.01.SY0101") -> name."""
    names: dict[str, str] = {}
    with _open_text(path) as (lines, _):
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            cells = line.rstrip("\r\n").split("\t")
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise GazetteerFileError(f"{path}, line {number}: expected CODE<TAB>NAME..., got {line[:60]!r}")
            names[cells[0]] = cells[1]
    return names


@contextmanager
def _open_text(path: Path) -> Iterator[tuple[Iterator[str], int]]:
    """The lines of a text file, or of the data file of a GeoNames zip (``SY.zip`` holds ``SY.txt``), and its
    size in bytes; raises ``GazetteerFileError`` for a missing, unreadable or non-UTF-8 file."""
    if not path.is_file():
        raise GazetteerFileError(f"{path} does not exist or is not a file")
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                member = _data_member(path, archive)
                with archive.open(member) as raw:
                    yield _decoded(path, raw), member.file_size
        else:
            with path.open("rb") as raw:
                yield _decoded(path, raw), path.stat().st_size
    except (OSError, zipfile.BadZipFile) as exc:
        raise GazetteerFileError(f"cannot read {path}: {exc}") from None


def _data_size(path: Path) -> int:
    """The size in bytes of a file's data (of the data file of a zip); raises for a missing file."""
    with _open_text(path) as (_, size):
        return size


def _data_member(path: Path, archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    members = [m for m in archive.infolist() if m.filename.endswith(".txt") and "readme" not in m.filename.lower()]
    wanted = f"{import_name(path)}.txt".casefold()
    for member in members:
        if Path(member.filename).name.casefold() == wanted:
            return member
    if len(members) == 1:
        return members[0]
    raise GazetteerFileError(f"{path}: no {import_name(path)}.txt in the archive")


def _decoded(path: Path, raw: IO[bytes]) -> Iterator[str]:
    for number, line in enumerate(raw, 1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            raise GazetteerFileError(f"{path}, line {number}: not UTF-8 text") from None


def _counting(lines: Iterator[str], advance: Callable[[int], None]) -> Iterator[str]:
    done = 0
    for line in lines:
        done += len(line.encode("utf-8"))
        if done >= 1 << 20:  # the progress bar moves by the megabyte
            advance(done)
            done = 0
        yield line
    advance(done)


def read_geonames(path: Path, admin1: dict[str, str], admin2: dict[str, str],
                  advance: Callable[[int], None], skipped: dict[str, int]) -> Iterator[_Place]:
    """The populated places (feature class P) of a GeoNames dump file; rows of other classes are counted in
    ``skipped``, and a malformed row raises ``GazetteerFileError`` naming the file and line."""
    iso3, _ = _country_codes()
    with _open_text(path) as (lines, _):
        for number, line in enumerate(_counting(lines, advance), 1):
            if not line.strip():
                continue
            cells = line.rstrip("\r\n").split("\t")
            where = f"{path}, line {number}"
            if len(cells) != GEONAMES_COLUMNS:
                raise GazetteerFileError(f"{where}: {len(cells)} tab-separated columns, a GeoNames dump row "
                                         f"has {GEONAMES_COLUMNS}")
            if cells[6] != "P":
                skipped["not a populated place"] = skipped.get("not a populated place", 0) + 1
                continue
            cc, code1, code2 = cells[8], cells[10], cells[11]
            if cc not in iso3:
                skipped["no known country code"] = skipped.get("no known country code", 0) + 1
                continue
            geonameid = _number(int, cells[0], "geonameid", where)
            lat, lon = _coordinates(cells[4], cells[5], where)
            spellings = [cells[1], cells[2], *(a for a in cells[3].split(",") if latin_spelling(a))]
            yield _Place(geonameid, cells[1], spellings, lat, lon, iso3[cc], code1 if code1 != "00" else "",
                         admin1.get(f"{cc}.{code1}", ""), admin2.get(f"{cc}.{code1}.{code2}", ""),
                         _number(int, cells[14] or "0", "population", where), "city", 1)


def read_places_csv(path: Path, advance: Callable[[int], None]) -> Iterator[_Place]:
    """The places of a CSV file with a header row of ``CSV_COLUMNS`` (name, lat and lon required);
    a malformed row raises ``GazetteerFileError`` naming the file and line."""
    _, countries = _country_codes()
    with _open_text(path) as (lines, _):
        reader = csv.DictReader(_counting(lines, advance))
        header = [c.strip().casefold() for c in reader.fieldnames or []]
        missing = [c for c in ("name", "lat", "lon") if c not in header]
        unknown = [c for c in header if c not in CSV_COLUMNS]
        if missing or unknown:
            problem = f"no {', '.join(missing)} column" if missing else f"unknown column {unknown[0]!r}"
            raise GazetteerFileError(f"{path}, line 1: {problem} (columns: {', '.join(CSV_COLUMNS)})")
        reader.fieldnames = header
        for row in reader:
            where = f"{path}, line {reader.line_num}"
            if None in row:
                raise GazetteerFileError(f"{where}: more cells than columns")
            cell = {c: (row.get(c) or "").strip() for c in CSV_COLUMNS}
            if not cell["name"]:
                raise GazetteerFileError(f"{where}: empty name")
            lat, lon = _coordinates(cell["lat"], cell["lon"], where)
            country = countries.get(cell["country"].casefold(), "") if cell["country"] else ""
            if cell["country"] and not country:
                raise GazetteerFileError(f"{where}: unknown country {cell['country']!r} (an ISO code or name)")
            feature = cell["feature_type"].casefold()
            if feature not in FEATURE_TYPES:
                raise GazetteerFileError(f"{where}: unknown feature type {cell['feature_type']!r} (one of "
                                         f"{', '.join(t for t in FEATURE_TYPES if t)})")
            kind, precision = FEATURE_TYPES[feature]
            spellings = [cell["name"], *(a.strip() for a in cell["alternate_names"].split("|") if a.strip())]
            yield _Place(-1, cell["name"], spellings, lat, lon, country, "", cell["admin1"], cell["admin2"], 0,
                         kind, precision)


def _number(kind: type, text: str, what: str, where: str) -> int | float:
    try:
        return kind(text)
    except ValueError:
        raise GazetteerFileError(f"{where}: {what} {text!r} is not a number") from None


def _coordinates(lat_text: str, lon_text: str, where: str) -> tuple[float, float]:
    lat, lon = _number(float, lat_text, "lat", where), _number(float, lon_text, "lon", where)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GazetteerFileError(f"{where}: coordinates {lat_text}, {lon_text} are not on Earth")
    return lat, lon


def index_places(places: list[_Place], meta: dict) -> dict[str, np.ndarray]:
    """The arrays of an import (``gazetteer.IMPORT_ARRAYS``): places, admin1 regions by code or name (named
    as the built-in gazetteer names them when it loads), admin2 points and the lookup tables."""
    regions: dict[tuple[str, str, str], int] = {("", "", ""): 0}  # (ISO3, code, name without a code)
    region_names = [""]
    admin2s: dict[str, int] = {}
    rows, points = [], []
    for p in places:
        region = (p.iso3, p.admin1_code, "") if p.admin1_code else (p.iso3, "", p.admin1_name)
        if not p.admin1_code and not p.admin1_name:
            region = ("", "", "")
        if region not in regions:
            regions[region] = len(regions)
            region_names.append(p.admin1_name)
        rows.append((p.geonameid, p.name, p.lat, p.lon, p.iso3, regions[region], p.population,
                     _KIND_INDEX[p.kind], p.precision))
        if p.admin2:
            points.append((p.lat, p.lon, admin2s.setdefault(p.admin2, len(admin2s))))
    keys = list(regions)
    return {
        "meta": np.array(json.dumps({**meta, "places": len(rows)})),
        **row_arrays(rows),
        "admin1_codes": np.array([code for _, code, _ in keys]),
        "admin1_names": np.array(region_names),
        "admin1_countries": np.array([iso3 for iso3, _, _ in keys]),
        "rg_lat": np.array([p[0] for p in points], dtype=np.float64),
        "rg_lon": np.array([p[1] for p in points], dtype=np.float64),
        "rg_admin2": np.array([p[2] for p in points], dtype=np.int32),
        "admin2_names": np.array(list(admin2s) or [""]),
        **key_tables([p.spellings for p in places]),
    }


def add_files(paths: list[Path], name: str | None = None, progress: Progress | None = None) -> list[ImportResult]:
    """Import GeoNames dump files and CSV files of places, one gazetteer each (named by ``name`` when one
    data file is given, else by each file's name); ``admin1CodesASCII.txt`` and ``admin2Codes.txt`` among
    ``paths`` name the admin codes of the dump files. An import of an existing name replaces it; nothing is
    written when a file is malformed (``GazetteerFileError``)."""
    admin1: dict[str, str] = {}
    admin2: dict[str, str] = {}
    data: list[Path] = []
    for path in paths:
        if path.name.casefold() in _ADMIN1_FILES:
            admin1.update(read_admin_codes(path))
        elif path.name.casefold() in _ADMIN2_FILES:
            admin2.update(read_admin_codes(path))
        else:
            data.append(path)
    if not data:
        raise GazetteerFileError("no GeoNames dump or CSV file of places to import (admin code files name "
                                 "the regions of one)")
    if name is not None and len(data) > 1:
        raise GazetteerFileError("--name names one import: give one data file with it")
    names = [check_name(name or import_name(path)) for path in data]
    if len(set(names)) < len(names):
        raise GazetteerFileError(f"two files would make one import: {', '.join(map(str, data))}")
    results = []
    for path, import_as in zip(data, names, strict=True):
        results.append(_add_file(path, import_as, admin1, admin2, progress))
    return results


def _add_file(path: Path, name: str, admin1: dict[str, str], admin2: dict[str, str],
              progress: Progress | None) -> ImportResult:
    size = _data_size(path)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(f"reading {path.name}", size, done)

    skipped: dict[str, int] = {}
    if path.suffix.casefold() == ".csv":
        places = list(read_places_csv(path, advance))
    else:
        places = list(read_geonames(path, admin1, admin2, advance, skipped))
    if not places:
        raise GazetteerFileError(f"{path}: no places to import")
    if progress is not None:
        progress(f"indexing {len(places):,} places", None, 0)
    meta = {"name": name, "source": str(path.resolve()), "added": dt.datetime.now().isoformat(timespec="seconds"),
            "skipped": skipped}
    target = imports_dir() / f"{name}.npz"
    write_arrays(target, index_places(places, meta))
    forget_loaded()
    return ImportResult(name, len(places), target, skipped)


def list_imports() -> list[dict]:
    """The imported gazetteers: name, source, places, added (a damaged file gets a notice and is left out)."""
    return [meta for meta, _ in imported_gazetteers()]


def remove_import(name: str) -> Path:
    """Delete the imported gazetteer ``name``; raises ``GazetteerFileError`` when there is none."""
    path = imports_dir() / f"{check_name(name)}.npz"
    if not path.is_file():
        raise GazetteerFileError(f"no imported gazetteer named {name!r} (see `observatory gazetteer list`)")
    path.unlink()
    forget_loaded()
    return path


def geonames_url(country: str) -> str:
    """The URL of a GeoNames country file: ``$OBSERVATORY_GEONAMES_URL`` (else GeoNames' own)/XX.zip."""
    base = os.environ.get(GEONAMES_URL_ENV) or GEONAMES_URL
    return f"{base.rstrip('/')}/{country}.zip"


def download(countries: list[str], folder: Path, progress: Progress | None = None) -> list[Path]:
    """Fetch the GeoNames country files of ISO2 ``countries`` into ``folder``; raises
    ``GazetteerFileError`` with one line when a code is not ISO2 or a file cannot be fetched."""
    iso3, _ = _country_codes()
    files = []
    for country in countries:
        code = country.strip().upper()
        if code not in iso3:
            raise GazetteerFileError(f"{country!r} is no ISO 3166 alpha-2 country code (SY, YE, UA...)")
        url = geonames_url(code)
        target = folder / f"{code}.zip"
        try:
            with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                done = 0
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(f"downloading {code}.zip", total, done)
        except urllib.error.HTTPError as exc:
            raise GazetteerFileError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise GazetteerFileError(f"cannot download {url}: {reason} (is this machine online?)") from None
        files.append(target)
    return files


@contextmanager
def download_folder() -> Iterator[Path]:
    """A temporary folder for downloaded files, deleted afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="observatory-geonames-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
