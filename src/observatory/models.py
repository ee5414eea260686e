"""The output contract: Pydantic models for documents and the events extracted from them.

docs/output-schema.json is generated from these models (``observatory schema``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Status = Literal["occurred", "failed", "planned", "hypothetical", "negated", "historical"]
DatePrecision = Literal["day", "week", "month", "year"]
DateBasis = Literal["text", "context", "publication"]
COUNT_FIELDS = ("fatalities", "injured", "abducted", "arrested", "displaced", "participants")


def storable(value: str) -> str:
    """``value`` with lone surrogates (from JSON escapes such as "\\ud800") made U+FFFD and NUL characters
    removed: no store can encode the first, and PostgreSQL text cannot hold the second."""
    value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


class Document(BaseModel):
    """One input article."""

    id: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    source: str | None = None

    @field_validator("id", "text", "title", "url", "source")
    @classmethod
    def _no_lone_surrogates(cls, value: str | None) -> str | None:
        return None if value is None else storable(value)


class Quantity(BaseModel):
    """A count with its range: "between 1,000 and 1,500" is low 1000, best 1250, high 1500."""

    low: int | None = None
    best: int | None = None
    high: int | None = None


class ActorRef(BaseModel):
    """An actor or recipient as written in the text and as resolved to a canonical name."""

    text: str
    name: str
    country: str | None = Field(None, description="ISO 3166 alpha-3, or null")
    sector: str | None = Field(None, description="PLOVER sector code (GOV, MIL, REB, CVL, ...)")
    acled_inter: int | None = Field(None, ge=0, le=8)


class Location(BaseModel):
    """A resolved toponym. precision: 1 the town itself, 2 near it or a district, 3 a region or a country.
    A place known only at country level has no point (lat and lon null) and no admin1."""

    text: str
    name: str
    geonameid: int | None = None
    lat: float | None = Field(None, ge=-90, le=90, description="WGS 84; null for a place known only at country level")
    lon: float | None = Field(None, ge=-180, le=180, description="WGS 84; null when lat is null")
    country: str | None = Field(None, description="ISO 3166 alpha-3")
    admin1: str | None = None
    admin2: str | None = None
    precision: int = Field(1, ge=1, le=3)

    @model_validator(mode="after")
    def _both_or_neither(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon: give both or neither")
        return self


class DateSpan(BaseModel):
    """An absolute date range with its precision, and what it was read from."""

    start: dt.date
    end: dt.date
    precision: DatePrecision = "day"
    basis: DateBasis = Field(
        "text",
        description="text: a date expression of the event's sentence; context: one stated earlier in the "
        "document; publication: the text states no date, so the event is dated to the report "
        "(ACLED's 'as reported')",
    )


class Attribution(BaseModel):
    """Who reports the event: the claimant and the words that attribute it."""

    claimant: str
    text: str


class Evidence(BaseModel):
    """The sentence an event was read from, with character offsets into the document text."""

    text: str
    start: int
    end: int


class Event(BaseModel):
    """One event: what, who to whom, where, when, how many, whether it happened, who says so."""

    model_config = ConfigDict(extra="forbid")

    plover_type: str
    plover_mode: str | None = None
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    actors: list[ActorRef] = Field(default_factory=list)
    recipients: list[ActorRef] = Field(default_factory=list)
    location: Location | None = None
    date: DateSpan | None = None
    fatalities: Quantity | None = None
    injured: Quantity | None = None
    abducted: Quantity | None = None
    arrested: Quantity | None = None
    displaced: Quantity | None = None
    participants: Quantity | None = None
    status: Status = "occurred"
    attribution: Attribution | None = None
    evidence: Evidence
    mentions: list[Evidence] = Field(
        default_factory=list,
        description="Every sentence of the document that reports this event (the headline, the lede, a toll "
        "restated), in text order; the evidence is one of them",
    )
    confidence: float = Field(0.5, ge=0.0, le=1.0)


class DocumentResult(BaseModel):
    """The extraction result for one document: one JSON line of `observatory extract` output."""

    id: str
    events: list[Event] = Field(default_factory=list)
    error: str | None = Field(None, description="Set, with no events, when the document could not be read")
