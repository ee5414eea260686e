"""Defaults, and server settings read from the environment (a light module: the CLI imports it at start)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "observatory.duckdb"
DEFAULT_MAX_DOCUMENT_BYTES = 1_000_000
CACHE_ENV = "OBSERVATORY_CACHE"


def cache_dir() -> Path:
    """Where derived data (the gazetteer, the language model unpacked) is kept between runs:
    $OBSERVATORY_CACHE, else ~/.cache/observatory."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "observatory")


DEFAULT_TOKEN_NAME = "api"  # the name the audit log gives OBSERVATORY_API_TOKEN


def parse_named_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """OBSERVATORY_API_TOKENS: ``name:token`` pairs separated by commas; ValueError naming a bad entry."""
    pairs = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        name, colon, token = entry.partition(":")
        if not colon or not name.strip() or not token.strip():
            raise ValueError(f"OBSERVATORY_API_TOKENS: expected name:token pairs separated by commas, got {entry!r}")
        pairs.append((name.strip(), token.strip()))
    return tuple(pairs)


@dataclass(frozen=True)
class Settings:
    """API settings: the bearer token, more tokens with the names the audit log gives them, whether reads
    need a token, the upload size limit in bytes."""

    api_token: str | None = None
    read_token_required: bool = False
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    named_tokens: tuple[tuple[str, str], ...] = ()

    def tokens(self) -> tuple[tuple[str, str], ...]:
        """Every accepted token as (name, token): OBSERVATORY_API_TOKEN is named ``api``."""
        single = ((DEFAULT_TOKEN_NAME, self.api_token),) if self.api_token else ()
        return (*single, *self.named_tokens)

    def __post_init__(self) -> None:
        if self.max_document_bytes < 1:
            raise ValueError(
                f"OBSERVATORY_MAX_DOCUMENT_BYTES must be a positive number of bytes, got {self.max_document_bytes}"
            )

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the environment.

        OBSERVATORY_API_TOKEN, OBSERVATORY_API_TOKENS (name:token,...), OBSERVATORY_READ_TOKEN_REQUIRED (0/1),
        OBSERVATORY_MAX_DOCUMENT_BYTES.
        """
        raw_max = os.environ.get("OBSERVATORY_MAX_DOCUMENT_BYTES", "").strip()
        try:
            max_bytes = int(raw_max) if raw_max else DEFAULT_MAX_DOCUMENT_BYTES
        except ValueError:
            raise ValueError(f"OBSERVATORY_MAX_DOCUMENT_BYTES must be an integer, got {raw_max!r}") from None
        required = os.environ.get("OBSERVATORY_READ_TOKEN_REQUIRED", "0").strip().lower()
        return cls(
            api_token=os.environ.get("OBSERVATORY_API_TOKEN") or None,
            read_token_required=required in {"1", "true", "yes", "on"},
            max_document_bytes=max_bytes,
            named_tokens=parse_named_tokens(os.environ.get("OBSERVATORY_API_TOKENS", "")),
        )
