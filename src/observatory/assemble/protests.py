"""How a protest went, read from its whole paragraph and from the harm the event counts: peaceful, met
by intervention, violent, or met with excessive force (ACLED's demonstration sub-types)."""

from __future__ import annotations

import re

from observatory.detect.sub_types import CONTRAST_MARKS, mentions_protest, protest_sub_type
from observatory.lexicon.taxonomy import acled_type_of
from observatory.models import Event
from observatory.read.layout import Layout

EXCESSIVE_FORCE = "Excessive force against protesters"
PROTEST_SEVERITY = [
    "Peaceful protest",
    "Protest with intervention",
    "Violent demonstration",
    "Excessive force against protesters",
]
_CONTRASTED = re.compile(rf"(?:^|,\s*)(?:{'|'.join(CONTRAST_MARKS)})\b", re.IGNORECASE)


def _force_on_protesters(event: Event) -> bool:
    """State forces killing or wounding protesters ("troops shot two protesters"), or anyone where the
    sentence tells of protesters and names no other victim: ACLED codes lethal force on a demonstration as
    excessive force against protesters, not as an attack on civilians."""
    harmed = any(q is not None and (q.best or 0) > 0 for q in (event.fatalities, event.injured))
    return (
        harmed
        and event.acled_sub_event_type == "Attack"
        and any(party.sector in ("POL", "MIL") for party in event.actors)
        and (all(party.sector == "PRO" for party in event.recipients) if event.recipients
             else mentions_protest(event.evidence.text))  # "one dead demonstrator ... were shooting"
    )


def refine_protest(event: Event, text: str, layout: Layout, offset: int) -> Event:
    """Read how a protest went from its whole paragraph: "Police dispersed them" may follow the report.
    Force is excessive only when it killed or hurt someone the event counts; else the protest met force.
    ``text`` is the parsed text, which starts at ``offset`` of the document."""
    if _force_on_protesters(event):
        return event.model_copy(update={"acled_sub_event_type": EXCESSIVE_FORCE, "plover_type": "PROTEST",
                                        "acled_event_type": acled_type_of(EXCESSIVE_FORCE)})
    if event.acled_sub_event_type not in PROTEST_SEVERITY or _CONTRASTED.search(event.evidence.text):
        return event  # "While Kisumu saw peaceful demonstrations, other towns reported clashes": typed by its side
    start, end = layout.paragraph_of(event.evidence.start - offset)
    _, mode, sub = protest_sub_type(text[start:end], event.plover_mode)
    if PROTEST_SEVERITY.index(sub) > PROTEST_SEVERITY.index(event.acled_sub_event_type):
        event = event.model_copy(
            update={"acled_sub_event_type": sub, "acled_event_type": acled_type_of(sub), "plover_mode": mode})
    harmed = any(q is not None and (q.best or 0) > 0 for q in (event.fatalities, event.injured))
    killed = event.fatalities is not None and (event.fatalities.best or 0) > 0
    if killed and event.acled_sub_event_type in PROTEST_SEVERITY[:2] and any(
            party.sector in ("POL", "MIL") for party in (*event.actors, *event.recipients)):
        # a protest where people died facing the police or army was not peaceful: the force was excessive
        return event.model_copy(update={"acled_sub_event_type": EXCESSIVE_FORCE,
                                        "acled_event_type": acled_type_of(EXCESSIVE_FORCE)})
    if event.acled_sub_event_type == EXCESSIVE_FORCE and not harmed:
        return event.model_copy(update={"acled_sub_event_type": "Protest with intervention",
                                        "acled_event_type": acled_type_of("Protest with intervention")})
    return event
