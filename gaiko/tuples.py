"""What each event metric counts: the tuples a document's events give, one set per metric.

One table (`TUPLE_COLUMNS`) says which columns of a side's events make each metric's tuple. The scorer
matches those tuples as tables of integer rows (`gaiko.eval.matching`); the dataset card counts the gold
ones and the error listing shows them as sets of tuples (`event_tuples`): all read one definition. A
predicted argument's entity is the gold mention's at the same offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_not
from typing import TYPE_CHECKING, Any

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


# What each metric's tuple holds, as columns of a side's event table (`event_columns`), and the column that
# says where the tuple is (for finer resampling units; a tuple met more than once is where it first is).
TUPLE_COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "trigger_identification": (("any_slot", "trigger_start", "trigger_end"), "trigger_start"),
    "trigger_classification": (("slot", "trigger_start", "trigger_end"), "trigger_start"),
    "argument_identification": (("argument_slot", "start", "end"), "start"),
    "argument_classification": (("argument_slot", "start", "end", "role"), "start"),
    "argument_identification_attached": (("argument_slot", "argument_trigger_start", "argument_trigger_end", "start",
                                          "end"), "argument_trigger_start"),
    "argument_classification_attached": (("argument_slot", "argument_trigger_start", "argument_trigger_end", "start",
                                          "end", "role"), "argument_trigger_start"),
    "argument_classification_coref": (("argument_slot", "entity", "role"), "argument_trigger_start"),
}
REALIS_COLUMNS = ("slot", "trigger_start", "trigger_end", "realis")


def event_columns(side: Side, roles: Any, entities: Any, realis: Any) -> dict[str, Any]:
    """A side's events and arguments as the columns `TUPLE_COLUMNS` names (event columns for triggers,
    argument columns for arguments); `roles`, `entities` and `realis` give those columns as wanted
    (names or integer codes)."""
    slot = side.event_doc * SLOTS + side.event_type
    owner = side.argument_event
    return {"any_slot": side.event_doc * SLOTS + ANY_TYPE, "slot": slot, "trigger_start": side.trigger_start,
            "trigger_end": side.trigger_end, "realis": realis, "argument_slot": slot[owner],
            "argument_trigger_start": side.trigger_start[owner], "argument_trigger_end": side.trigger_end[owner],
            "start": side.argument_start, "end": side.argument_end, "role": roles, "entity": entities}


@dataclass
class EventTuples:
    """One side's event tuples of a whole corpus, per metric. Each tuple starts with its slot (document
    index × SLOTS + event type id), so one set holds every document and one set operation matches
    them all."""

    sets: dict[str, set[tuple]] = field(default_factory=lambda: {m: set() for m in EVENT_METRICS})
    realis: set[tuple] = field(default_factory=set)  # (slot, trigger start, trigger end, realis)
    # With positions: where each tuple of a metric whose tuple does not hold its position first occurs.
    first: dict[str, dict[tuple, int]] = field(default_factory=dict)

    def position(self, metric: str, tuples: list[tuple]) -> list[int]:
        """Where each tuple of a metric is (`TUPLE_COLUMNS`; needs `positions` for the others)."""
        names, where = TUPLE_COLUMNS[metric]
        if where in names:
            return [x[names.index(where)] for x in tuples]
        return list(map(self.first[metric].__getitem__, tuples))


def event_tuples(side: Side, positions: bool = False) -> EventTuples:
    """The tuples of one side's events (`gaiko.columns.Side`) as sets, roles and realis by name; with
    `positions`, where each tuple that does not hold its position first occurs."""
    columns = {name: column.tolist() if hasattr(column, "tolist") else column
               for name, column in event_columns(side, side.argument_role, side.argument_entity,
                                                 side.event_realis).items()}
    t = EventTuples()
    for metric, (names, where) in TUPLE_COLUMNS.items():
        rows = list(zip(*(columns[name] for name in names)))
        t.sets[metric].update(rows)
        if positions and where not in names:
            first = t.first[metric] = {}
            for key, at in zip(rows, columns[where]):
                if first.get(key, at + 1) > at:
                    first[key] = at
    realis = columns["realis"]
    t.realis.update(compress(zip(*(columns[name] for name in REALIS_COLUMNS)), map(is_not, realis, repeat(None))))
    return t
