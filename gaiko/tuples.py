"""What each event metric counts: the tuples a document's events give, one set per metric.

The scorer matches these sets (`gaiko.eval.matching`), and the dataset card counts the gold ones, so
both read one definition. A predicted argument's entity is the gold mention's at the same offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gaiko import schema
from gaiko.documents import mention_index

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

    def add(self, doc: int, etype: str, trigger: dict, realis: str | None,
            arguments: list[tuple[str, int, int, Any]]) -> None:
        s, slot, ts, te = self.sets, doc * SLOTS + schema.EVENT_INDEX[etype], trigger["start"], trigger["end"]
        s["trigger_identification"].add((doc * SLOTS + ANY_TYPE, ts, te))
        s["trigger_classification"].add((slot, ts, te))
        if realis is not None:
            self.realis.add((slot, ts, te, realis))
        for role, start, end, entity in arguments:
            s["argument_identification"].add((slot, start, end))
            s["argument_classification"].add((slot, start, end, role))
            s["argument_identification_attached"].add((slot, ts, te, start, end))
            s["argument_classification_attached"].add((slot, ts, te, start, end, role))
            coref = (slot, entity, role)
            s["argument_classification_coref"].add(coref)
            if self.coref_at is not None and self.coref_at.get(coref, ts + 1) > ts:
                self.coref_at[coref] = ts


def _entity_key(mention: dict) -> tuple:
    """A gold mention's canonical entity: its entity_id, or the mention itself when it has none."""
    eid = mention.get("entity_id")
    return ("entity", eid) if eid is not None else ("mention", mention["id"])


def gold_event_tuples(gold_docs: list[dict], indices: list[int], positions: bool = False) -> EventTuples:
    """Tuples of the gold events of the documents at `indices`."""
    t = EventTuples(coref_at={} if positions else None)
    for d in indices:
        doc = gold_docs[d]
        mentions = mention_index(doc)
        for ev in doc.get("events") or []:
            args = [(arg["role"], m["start"], m["end"], _entity_key(m))
                    for arg in ev.get("arguments") or [] for m in (mentions[arg["mention_id"]],)]
            t.add(d, ev["type"], ev["trigger"], ev["realis"], args)
    return t


def predicted_event_tuples(gold_docs: list[dict], preds: list[dict], indices: list[int],
                           positions: bool = False) -> EventTuples:
    """A predicted argument resolves to the entity of the gold mention with the same offsets, if any."""
    t = EventTuples(coref_at={} if positions else None)
    for d in indices:
        events = preds[d].get("events")
        if not events:
            continue
        by_span = {(m["start"], m["end"]): m for m in gold_docs[d].get("entities") or []}
        for ev in events:
            args = []
            for arg in ev.get("arguments") or []:
                span = (arg["start"], arg["end"])
                args.append((arg["role"], *span, _entity_key(by_span[span]) if span in by_span else ("span", *span)))
            t.add(d, ev["type"], ev["trigger"], ev.get("realis"), args)
    return t
