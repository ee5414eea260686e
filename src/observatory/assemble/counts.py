"""A sentence's counts given to the events they belong to, so that no count is given twice."""

from __future__ import annotations

from spacy.tokens import Span, Token

from observatory.assemble.incidents import DEMONSTRATION_TYPES, VIOLENT_TYPES, Mention
from observatory.detect.sub_types import CONTRAST_MARKS
from observatory.models import Event, Quantity
from observatory.resolve.quantities import extract_counts


def assign_counts(sentence_events: list[Event], counts: dict[str, Quantity]) -> None:
    """Give each count of a sentence to the event it belongs to: deaths and wounds to an act of violence
    or a demonstration, arrests to the arrests, participants to the protest, the rest to the main event."""
    if not sentence_events or not counts:
        return

    def pick(preferred: set[str] | None = None, types: set[str] | None = None) -> Event | None:
        for event in sentence_events:
            if preferred and event.acled_sub_event_type in preferred:
                return event
            if types and event.acled_event_type in types:
                return event
        return None

    main = pick(types=VIOLENT_TYPES) or sentence_events[0]
    protest = pick(types=DEMONSTRATION_TYPES)
    harmful = pick(types=VIOLENT_TYPES | DEMONSTRATION_TYPES)  # deaths and wounds need an act of violence
    routes = {
        "fatalities": harmful,
        "injured": harmful,
        "displaced": main,
        "abducted": pick({"Abduction/forced disappearance"}) or main,
        "arrested": pick({"Arrests"}) or protest or main,
        "participants": protest or main,
    }
    for field, quantity in counts.items():
        target = routes.get(field)
        if target is not None:
            setattr(target, field, quantity)


def assign_sentence_counts(built: list[Mention], placed: dict[int, set[int]], sent: Span,
                           aside: list[Token]) -> None:
    """Counts to a sentence's events; where a contrasted clause tells an event at another place ("three
    were killed in Bannu, while another died in Malakand"), each clause's counts to its own event.
    ``placed`` maps id(mention) to the token indexes of the clause that names its place; ``aside`` are
    triggers of many events, whose counts are no one event's."""
    if len(placed) < 2 or not any(t.dep_ == "mark" and t.lower_ in CONTRAST_MARKS for t in sent):
        assign_counts([m.event for m in built], extract_counts(sent, aside))
        return
    for clause in {frozenset(tokens) for tokens in placed.values()}:
        told = [m.event for m in built if placed.get(id(m)) == clause]
        assign_counts(told, extract_counts(sent, aside, set(clause)))
    rest = [m.event for m in built if id(m) not in placed]
    if rest:
        outside = {t.i for t in sent} - set().union(*placed.values())
        assign_counts(rest, extract_counts(sent, aside, outside))
