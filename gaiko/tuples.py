"""What each event metric counts: the tuples a document's events give, one set per metric.

The scorer matches these sets (`gaiko.eval.matching`), and the dataset card counts the gold ones, so
both read one definition. A predicted argument's entity is the gold mention's at the same offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gaiko import schema

if TYPE_CHECKING:  # the records are numpy columns; this module itself needs no numpy
    from gaiko.columns import Side

# metric → what its tuple holds (besides the document), in the order reports list them.
EVENT_METRIC_TUPLES = {
    "trigger_identification": "trigger offsets",
    "trigger_classification": "trigger offsets, type",
    "argument_identification": "argument offsets, type",
    "argument_classification": "argument offsets, type, role",
    "argument_identification_attached": "trigger offsets, type, argument offsets",
    "argument_classification_attached": "trigger offsets, type, argument offsets, role",
    "argument_classification_coref": "argument's entity, type, role",
}
EVENT_METRICS = tuple(EVENT_METRIC_TUPLES)

ANY_TYPE = len(schema.EVENT_LABELS)  # the type of trigger identification tuples
SLOTS = len(schema.EVENT_LABELS) + 1  # slots per document: each event type, then any type


@dataclass
class EventTuples:
    """One side's event tuples of a whole corpus, per metric. Each tuple starts with its slot (document
    index × SLOTS + event type id), so one set holds every document and one set operation matches
    them all."""

    sets: dict[str, set[tuple]] = field(default_factory=lambda: {m: set() for m in EVENT_METRICS})
    realis: set[tuple] = field(default_factory=set)  # (slot, trigger start, trigger end, realis)
    coref_at: dict[tuple, int] | None = None  # with finer units: coref tuple -> its first trigger start


def event_tuples(side: Side, positions: bool = False) -> EventTuples:
    """The tuples of one side's events (`gaiko.columns.Side`), built a column at a time; with `positions`,
    also where each coreference tuple first occurs (its earliest trigger start)."""
    t = EventTuples(coref_at={} if positions else None)
    sets = t.sets
    slots = (side.event_doc * SLOTS + side.event_type).tolist()
    starts, ends = side.trigger_start.tolist(), side.trigger_end.tolist()
    sets["trigger_identification"].update(zip((side.event_doc * SLOTS + ANY_TYPE).tolist(), starts, ends))
    sets["trigger_classification"].update(zip(slots, starts, ends))
    t.realis.update(x for x in zip(slots, starts, ends, side.event_realis) if x[3] is not None)
    owners = side.argument_event.tolist()
    slot, ts, te = ([column[k] for k in owners] for column in (slots, starts, ends))
    start, end, role = side.argument_start.tolist(), side.argument_end.tolist(), side.argument_role
    sets["argument_identification"].update(zip(slot, start, end))
    sets["argument_classification"].update(zip(slot, start, end, role))
    sets["argument_identification_attached"].update(zip(slot, ts, te, start, end))
    sets["argument_classification_attached"].update(zip(slot, ts, te, start, end, role))
    coref = list(zip(slot, side.argument_entity, role))
    sets["argument_classification_coref"].update(coref)
    if t.coref_at is not None:
        for key, position in zip(coref, ts):
            if t.coref_at.get(key, position + 1) > position:
                t.coref_at[key] = position
    return t
