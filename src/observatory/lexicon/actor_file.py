"""The actor CSV (data/actors.csv, or the user's file with the same columns): its rows read and checked
as ActorEntry, with the line of any bad row."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from observatory.lexicon.taxonomy import SECTOR_TO_INTER

COLUMNS = ("name", "aliases", "country", "sector", "acled_inter", "valid_from", "valid_to")


class ActorFileError(ValueError):
    """An actor CSV file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class ActorEntry:
    """One row of an actor dictionary."""

    name: str
    aliases: tuple[str, ...]
    country: str | None
    sector: str | None
    acled_inter: int | None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_at(self, when: dt.date | None) -> bool:
        """Whether the actor existed under this name on ``when`` (always true without a date)."""
        if when is None:
            return True
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when <= self.valid_to)


def _parse_date(value: str, field: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as err:
        raise ValueError(f"{field} {value!r} is not an ISO date (YYYY-MM-DD)") from err


def _parse_row(row: dict[str, str | None]) -> ActorEntry:
    name = (row.get("name") or "").strip()
    if not name:
        raise ValueError("the name is empty")
    inter_text = (row.get("acled_inter") or "").strip()
    inter: int | None = None
    if inter_text:
        if not inter_text.isdigit() or not 0 <= int(inter_text) <= 8:
            raise ValueError(f"acled_inter {inter_text!r} is not a number from 0 to 8")
        inter = int(inter_text)
    country = (row.get("country") or "").strip().upper() or None
    if country is not None and not re.fullmatch(r"[A-Z]{3}", country):
        raise ValueError(f"country {country!r} is not an ISO 3166 alpha-3 code")
    sector = (row.get("sector") or "").strip().upper() or None
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
    entry = ActorEntry(
        name=name,
        aliases=aliases,
        country=country,
        sector=sector,
        acled_inter=inter if inter is not None else SECTOR_TO_INTER.get(sector or ""),
        valid_from=_parse_date(row.get("valid_from") or "", "valid_from"),
        valid_to=_parse_date(row.get("valid_to") or "", "valid_to"),
    )
    if entry.valid_from and entry.valid_to and entry.valid_from > entry.valid_to:
        raise ValueError("valid_from is after valid_to")
    return entry


def read_actor_csv(path: Path) -> list[ActorEntry]:
    """Read an actor CSV (columns of ``COLUMNS``); ActorFileError names the file and line of a bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ActorFileError(f"{path}: cannot read the actor file ({err})") from err
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("name", "aliases", "country", "sector", "acled_inter") if c not in (reader.fieldnames or [])]
    if missing:
        raise ActorFileError(
            f"{path}, line 1: the header lacks the column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
        )
    entries = []
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            raise ActorFileError(f"{path}, line {line}: expected {len(reader.fieldnames or [])} columns")
        try:
            entries.append(_parse_row(row))
        except ValueError as err:
            raise ActorFileError(f"{path}, line {line}: {err}") from err
    return entries
