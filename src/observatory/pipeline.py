"""The extraction pipeline: a Document in, a DocumentResult with its events out. It only wires the
stages: read (the parse and the layout), detect and resolve (per sentence, in assemble.mentions),
assemble (one event per incident), and the last checks of each event."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from observatory.assemble.incidents import document_events
from observatory.assemble.mentions import DocumentContext, document_mentions, read_incidents
from observatory.assemble.protests import refine_protest
from observatory.detect.classifier import SentenceClassifier
from observatory.detect.incident_classifier import default_classifier
from observatory.lexicon.actors import ActorDictionary
from observatory.models import Document, DocumentResult, Event
from observatory.read.nlp import get_nlp, layout_of
from observatory.resolve.geolocate import Geolocator
from observatory.resolve.parties import acled_parties
from observatory.resolve.quantities import drop_implausible

logger = logging.getLogger(__name__)

SPACY_MAX_CHARS = 200_000
CLASSIFIER_ENV = "OBSERVATORY_CLASSIFIER"


class Extractor:
    """Runs every stage over documents; the spaCy model and the gazetteer are loaded once."""

    def __init__(self, actors_file: Path | None = None, classifier_dir: Path | None = None) -> None:
        """``classifier_dir`` (default: $OBSERVATORY_CLASSIFIER, so that worker processes see it too) is a
        model from `observatory train` that chooses ACLED sub-types within the rules' event types."""
        self.nlp = get_nlp()
        self.actors = ActorDictionary.load(actors_file)
        self.geolocator = Geolocator()
        classifier_dir = classifier_dir or (
            Path(os.environ[CLASSIFIER_ENV]) if os.environ.get(CLASSIFIER_ENV) else None
        )
        self.classifier = SentenceClassifier(classifier_dir) if classifier_dir else None
        self.incidents = default_classifier()

    def extract(self, doc: Document) -> DocumentResult:
        """Events of one document."""
        return next(self.extract_many([doc]))

    def extract_many(self, docs: Iterable[Document], batch_size: int = 32) -> Iterator[DocumentResult]:
        """Events of many documents, parsed in batches with nlp.pipe."""
        docs = list(docs)
        short = [i for i, d in enumerate(docs) if len(d.text) <= SPACY_MAX_CHARS]
        parsed = dict(zip(short, self.nlp.pipe((docs[i].text for i in short), batch_size=batch_size), strict=True))
        for index, doc in enumerate(docs):
            spacy_doc = parsed.pop(index, None)
            try:
                if spacy_doc is None:
                    yield self._extract_long(doc)
                else:
                    yield DocumentResult(id=doc.id, events=self._events(doc, spacy_doc, 0))
            except Exception as exc:  # one bad document must not stop a batch
                logger.debug("extraction failed on document %s", doc.id, exc_info=True)
                yield DocumentResult(id=doc.id, error=f"extraction failed: {type(exc).__name__}: {exc}")

    def _extract_long(self, doc: Document) -> DocumentResult:
        """A document longer than one spaCy pass: parse it in paragraph-aligned chunks."""
        found: list[Event] = []
        start = 0
        text = doc.text
        while start < len(text):
            end = min(len(text), start + SPACY_MAX_CHARS)
            if end < len(text):
                cut = text.rfind("\n", start, end)
                end = cut + 1 if cut > start else end
            chunk = Document(id=doc.id, text=text[start:end], published=doc.published)
            found.extend(self._events(chunk, self.nlp(chunk.text), start))
            start = end
        return DocumentResult(id=doc.id, events=found)

    def _events(self, doc: Document, spacy_doc: Doc, offset: int) -> list[Event]:
        """The events of one parsed text, which starts at ``offset`` of the document."""
        layout = layout_of(spacy_doc)
        places = self.geolocator.analyse(spacy_doc, layout, self.actors.home_countries(spacy_doc))
        mentions = document_mentions(spacy_doc, DocumentContext(doc, layout, places, self.actors, self.classifier,
                                                                offset))
        read_incidents(mentions, self.incidents)
        found = [acled_parties(refine_protest(event, doc.text, layout, offset), self.actors)
                 for event in document_events(mentions)]
        return [self._plausible(event, doc.id) for event in found]

    @staticmethod
    def _plausible(event: Event, doc_id: str) -> Event:
        """The event without counts beyond any plausible figure, each dropped with a warning."""
        event, messages = drop_implausible(event)
        for message in messages:
            logger.warning("document %s: %s", doc_id, message)
        return event
