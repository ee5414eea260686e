"""The language model read from its unpacked copy in the cache directory gives py3langid's own verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from observatory.read import language

TEXTS = [
    "Gunmen killed nine villagers in Ogossagou, central Mali, on Monday, a local official said.",
    "Des hommes armés ont tué neuf villageois à Ogossagou, dans le centre du Mali, lundi.",
    "Hombres armados mataron a nueve aldeanos en Ogossagou, en el centro de Malí, el lunes.",
    "Вооружённые люди убили девять жителей деревни в центральной части Мали в понедельник.",
    "قتل مسلحون تسعة قرويين في وسط مالي يوم الاثنين",
    "ok",
]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OBSERVATORY_CACHE", str(tmp_path))
    language._identifier.cache_clear()
    yield tmp_path
    language._identifier.cache_clear()


def test_the_unpacked_model_classifies_as_the_bundled_one(fresh_cache: Path) -> None:
    bundled = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    written = language._identifier()
    assert [written.classify(text) for text in TEXTS] == [bundled.classify(text) for text in TEXTS]
    (unpacked,) = fresh_cache.glob("langid-*")
    language._identifier.cache_clear()
    reread = language._identifier()  # from the files written by the first load
    assert [reread.classify(text) for text in TEXTS] == [bundled.classify(text) for text in TEXTS]
    assert list(fresh_cache.glob("langid-*")) == [unpacked]
    assert {p.name for p in unpacked.iterdir()} == {f"{name}.npy" for name in language._MODEL_PARTS}
