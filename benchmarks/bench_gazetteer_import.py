"""Geolocation time against NLP time with a full-country gazetteer imported (target: under a tenth).

    .venv/bin/python benchmarks/bench_gazetteer_import.py [--rows 20000] [--limit 200]

Makes a synthetic GeoNames country file of ``--rows`` Syrian populated places (about as many as GeoNames
lists for Syria) with alternate spellings, imports it into a temporary cache folder (the built-in
gazetteer linked in, the user's cache untouched), then extracts the bundled sample corpus with reports
naming imported villages mixed in, and times spaCy's parse and ``Geolocator.analyse`` apart, first
without the import and then with it.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import zipfile
from pathlib import Path

from observatory.lexicon import gazetteer
from observatory.lexicon.gazetteer_imports import add_files
from observatory.models import Document

_PREFIXES = ("Kafr", "Tall", "Khirbat", "Ain", "Deir", "Beit", "Jisr", "Umm", "Arab", "Bir", "", "", "")
_SYLLABLES = ("ma", "ra", "qa", "sha", "ba", "ni", "zu", "har", "dal", "jab", "tun", "kir", "was", "nur", "fa",
              "lah", "sim", "dur", "yat", "mis")
_ADMIN1 = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14")
_REPORT = ("Syrian government forces shelled the village of {0} in the countryside on Monday, killing three "
           "civilians, and clashes were reported near {1}, local activists said.")


def synthetic_country(path: Path, rows: int, rng: random.Random) -> list[str]:
    """Write a GeoNames-format SY.zip of ``rows`` populated places; returns their names."""
    names, lines = [], []
    for i in range(rows):
        root = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = f"{rng.choice(_PREFIXES)} {root}".strip()
        alternates = ",".join({f"{name}a", name.replace("Khirbat", "Khirbet"), root})
        lat, lon = rng.uniform(32.3, 37.3), rng.uniform(35.7, 42.4)
        lines.append("\t".join([str(90_000_000 + i), name, name, alternates, f"{lat:.5f}", f"{lon:.5f}", "P",
                                "PPL", "SY", "", rng.choice(_ADMIN1), "", "", "", str(rng.choice((0, 0, 350))),
                                "", "400", "Asia/Damascus", "2024-01-01"]) + "\n")
        names.append(name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("SY.txt", "".join(lines))
    return names


def timed_extraction(docs: list[Document], rounds: int) -> tuple[float, float, int]:
    """Best-round seconds of the spaCy parse and of geolocation over ``docs``, and the events found."""
    from observatory.pipeline import Extractor

    extractor = Extractor()
    spent = {"geolocation": 0.0}
    analyse = extractor.geolocator.analyse

    def timed_analyse(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return analyse(*args, **kwargs)
        finally:
            spent["geolocation"] += time.perf_counter() - start

    extractor.geolocator.analyse = timed_analyse  # type: ignore[method-assign]
    list(extractor.extract_many(docs[:5]))  # warm-up
    best_nlp = best_geo = float("inf")
    events = 0
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in extractor.nlp.pipe((d.text for d in docs), batch_size=32):
            pass
        best_nlp = min(best_nlp, time.perf_counter() - start)
        spent["geolocation"] = 0.0
        events = sum(len(r.events) for r in extractor.extract_many(docs))
        best_geo = min(best_geo, spent["geolocation"])
    return best_nlp, best_geo, events


def main() -> None:
    """Run the benchmark and print the two ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--limit", type=int, default=200, help="Documents extracted per round.")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from bench_extract import load

    from observatory.cli import sample_path

    rng = random.Random(16)
    base = gazetteer._cache_file()
    gazetteer.Gazetteer.load()  # the built-in gazetteer, built in the usual cache when missing
    with tempfile.TemporaryDirectory(prefix="observatory-bench-") as folder:
        os.environ["OBSERVATORY_CACHE"] = folder
        (Path(folder) / base.name).symlink_to(base)
        gazetteer.forget_loaded()
        country = Path(folder) / "SY.zip"
        names = synthetic_country(country, args.rows, rng)
        samples = load(sample_path(), args.limit // 2)
        reports = [Document(id=f"village-{i}", text=_REPORT.format(*rng.sample(names, 2)))
                   for i in range(args.limit - len(samples))]
        docs = samples + reports
        before = timed_extraction(docs, args.rounds)
        start = time.perf_counter()
        add_files([country])
        imported = time.perf_counter() - start
        gazetteer.forget_loaded()
        start = time.perf_counter()
        gazetteer.Gazetteer.load()
        loaded = time.perf_counter() - start
        after = timed_extraction(docs, args.rounds)
    print(f"documents: {len(docs)} ({len(samples)} sample articles, {len(reports)} village reports)")
    print(f"import of {args.rows:,} places: {imported:.1f} s; gazetteer load with it: {loaded:.2f} s")
    for label, (nlp, geo, events) in (("built-in only", before), ("with the import", after)):
        print(f"{label:16s} NLP {nlp:6.2f} s  geolocation {geo:5.2f} s  ratio {geo / nlp:.3f} ({events} events)")
    print("target: geolocation under 0.1 of the NLP time with the import")


if __name__ == "__main__":
    main()
