"""The canonical actor names an actor query means, from the aliases of the bundled actor dictionary
(data/actors.csv): "ISWAP" means Islamic State (West Africa), "Houthi" the Houthis' entries.

It reads the CSV with the standard library only, so that queries, the API and the CLI's ``events`` and
``export`` do not load the extraction's NLP stack (``observatory.lexicon.actors``), which uses its lookup keys.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources

# Short aliases with capitals ("IS", "AA", "US", "WHO") only match with their exact case: "is" is not
# Islamic State.
CASE_SENSITIVE_MAX_LENGTH = 4


@lru_cache(maxsize=65536)
def folded_key(text: str) -> str:
    """Case-folded lookup key: curly quotes straightened, possessives, punctuation and a leading article
    dropped."""
    text = text.replace("’", "'").replace("‘", "'").lower()
    text = re.sub(r"'s\b|(?<=s)'(?=\s|$)", "", text)
    text = re.sub(r"[^\w&]+", " ", text).strip()
    return re.sub(r"^(?:the|a|an) ", "", text)


def exact_key(text: str) -> str:
    """Case-kept lookup key for short capitalised aliases ("IS", "U.S." -> "U S")."""
    text = re.sub(r"['’]s\b", "", text)
    return re.sub(r"[^\w&]+", " ", text).strip()


def is_case_sensitive(alias: str) -> bool:
    """Whether an alias matches only with its exact case (a short one with capitals)."""
    return alias != alias.lower() and len(folded_key(alias).replace(" ", "")) <= CASE_SENSITIVE_MAX_LENGTH


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Folded keys and exact keys of short aliases -> the canonical names they stand for."""
    folded: defaultdict[str, set[str]] = defaultdict(set)
    exact: defaultdict[str, set[str]] = defaultdict(set)
    bundled = resources.files("observatory") / "data" / "actors.csv"
    with bundled.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("name") or "").strip()
            if not name:
                continue
            for alias in (name, *(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())):
                if is_case_sensitive(alias):
                    exact[exact_key(alias)].add(name)
                else:
                    folded[folded_key(alias)].add(name)
    return (
        {key: frozenset(names) for key, names in folded.items()},
        {key: frozenset(names) for key, names in exact.items()},
    )


def canonical_names(query: str) -> list[str]:
    """The canonical names whose name or alias ``query`` is (any case, except short capitalised aliases),
    sorted; empty when it is none."""
    folded, exact = _index()
    names = exact.get(exact_key(query), frozenset()) | folded.get(folded_key(query), frozenset())
    return sorted(names)
