"""Annotations as columns: one side (gold or predicted) of a batch of documents as flat arrays, the
form the scorer matches.

Both readers give records with attributes: the typed fast readers give msgspec structs, and plain
dicts (a library caller's documents, a checked prediction) are converted to the view structs below
in C (`gold_views`, `predicted_views`). One builder per side then reads every field of every item
in one C-level pass (`attrgetter` over the flat list of items), so a batch costs a few passes over
lists, not a Python loop over its spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, NamedTuple

import msgspec
import numpy as np
from msgspec import UNSET

from gaiko import schema

_NO_ITEMS = ()  # shared by every document without items: nothing is allocated for it


class _SpanView(msgspec.Struct, gc=False):
    start: int
    end: int


class _MentionView(msgspec.Struct, gc=False):
    start: int
    end: int
    label: str
    id: Any = None
    entity_id: str | None = None


class _GoldArgumentView(msgspec.Struct, gc=False):
    role: str
    mention_id: Any = None


class _GoldEventView(msgspec.Struct, gc=False):
    type: str
    trigger: _SpanView
    realis: str | None = None
    arguments: list[_GoldArgumentView] | None = None


class GoldView(msgspec.Struct, gc=False):
    """A checked gold document as the scorer reads it (other fields are ignored)."""

    id: str
    text: str
    entities: list[_MentionView] | None = None
    events: list[_GoldEventView] | None = None


class _EntityView(msgspec.Struct, gc=False):
    start: int
    end: int
    label: str


class _ArgumentView(msgspec.Struct, gc=False):
    role: str
    start: int
    end: int


class _EventView(msgspec.Struct, gc=False):
    type: str
    trigger: _SpanView
    realis: str | None = None
    arguments: list[_ArgumentView] | None = None


class PredictedView(msgspec.Struct, gc=False):
    """A checked prediction as the scorer reads it."""

    entities: list[_EntityView] | None = None
    events: list[_EventView] | None = None


_NO_RECORD = PredictedView()  # what a document without a prediction predicts
_GOLD_VIEWS = list[GoldView]
_PREDICTED_VIEWS = list[PredictedView | None]


def gold_views(docs: list[dict]) -> list[GoldView]:
    """Checked gold documents (dicts) as views, converted in C."""
    return msgspec.convert(docs, _GOLD_VIEWS)


def predicted_views(predictions: list[dict | None]) -> list[PredictedView | None]:
    """Checked predictions (dicts, None for a document without one) as views, converted in C."""
    return msgspec.convert(predictions, _PREDICTED_VIEWS)


def _ints(values: list) -> np.ndarray:
    return np.fromiter(values, np.int64, len(values))


def flat(per_owner: list) -> tuple[list, np.ndarray]:
    """The items of every owner (a document or an event) in one list, and the index of each item's owner."""
    return list(chain.from_iterable(per_owner)), np.repeat(np.arange(len(per_owner), dtype=np.int64),
                                                           list(map(len, per_owner)))


@dataclass(frozen=True)
class Side:
    """One side's entities, events and arguments of a batch of documents, as columns. Document indices
    are positions in the batch; labels and types are schema indices; roles and realis stay strings."""

    entity_doc: np.ndarray
    entity_start: np.ndarray
    entity_end: np.ndarray
    entity_label: np.ndarray
    event_doc: np.ndarray
    event_type: np.ndarray
    trigger_start: np.ndarray
    trigger_end: np.ndarray
    event_realis: list[str | None]
    argument_event: np.ndarray  # the index of each argument's event
    argument_role: list[str]
    argument_start: np.ndarray
    argument_end: np.ndarray
    argument_mention: np.ndarray  # the gold mention an argument names (gold: by id, predicted: by offsets), or -1
    argument_entity: list[tuple]  # the entity an argument names (the coreference metric)
    documents: int  # documents with a record on this side (a prediction line, a gold document)
    mentions: list  # the entity records, in column order (their ids name entities)

    @property
    def entities(self) -> int:
        return len(self.entity_doc)

    @property
    def events(self) -> int:
        return len(self.event_doc)

    @property
    def arguments(self) -> int:
        return len(self.argument_event)


def entity_key(entity_id: str | None, mention_id: Any) -> tuple:
    """A gold mention's canonical entity: its entity_id, or the mention itself when it has none."""
    return ("entity", entity_id) if entity_id is not None else ("mention", mention_id)


def _items(records: list, field: str) -> list:
    """The items (entities or events) of each record (none for a missing one)."""
    if None in records:
        records = [_NO_RECORD if r is None else r for r in records]
    per_doc = list(map(attrgetter(field), records))
    if None in per_doc or UNSET in per_doc:
        per_doc = [items or _NO_ITEMS for items in per_doc]
    return per_doc


class Flat(NamedTuple):
    """One side's records as columns (the fields of `Side` they give), with their events, triggers and
    arguments in column order."""

    columns: dict[str, Any]
    events: list
    triggers: list
    arguments: list


def flat_records(records: list) -> Flat:
    """The entity and event columns of records (gold or predicted), and their events, triggers and arguments."""
    mentions, entity_doc = flat(_items(records, "entities"))
    events, event_doc = flat(_items(records, "events"))
    triggers = list(map(attrgetter("trigger"), events))
    realis = list(map(attrgetter("realis"), events))
    if UNSET in realis:  # a typed prediction without realis
        realis = [None if r is UNSET else r for r in realis]
    arguments, argument_event = flat([e.arguments or _NO_ITEMS for e in events])
    columns = {
        "entity_doc": entity_doc, "entity_start": _ints(list(map(attrgetter("start"), mentions))),
        "entity_end": _ints(list(map(attrgetter("end"), mentions))),
        "entity_label": _ints(list(map(schema.ENTITY_INDEX.__getitem__, map(attrgetter("label"), mentions)))),
        "event_doc": event_doc,
        "event_type": _ints(list(map(schema.EVENT_INDEX.__getitem__, map(attrgetter("type"), events)))),
        "trigger_start": _ints(list(map(attrgetter("start"), triggers))),
        "trigger_end": _ints(list(map(attrgetter("end"), triggers))), "event_realis": realis,
        "argument_event": argument_event, "documents": len(records), "mentions": mentions}
    return Flat(columns, events, triggers, arguments)


def _index(keys: list[tuple], rows: np.ndarray) -> dict[tuple, int]:
    return dict(zip(keys, rows.tolist()))


def gold_side(docs: list, made: Flat | None = None) -> Side:
    """The columns of gold documents (views or typed gold structs); `made`: their `flat_records` when
    already made. An argument takes the offsets and the entity of the mention it names (an unknown
    mention, which only an unchecked document has: -1 and the offsets 0-0)."""
    columns, _, _, arguments = made or flat_records(docs)
    mentions = columns["mentions"]
    doc = columns["event_doc"][columns["argument_event"]].tolist()
    rows = np.flatnonzero(np.isin(columns["entity_doc"], doc))  # the mentions of documents with arguments
    named = _index(list(zip(columns["entity_doc"][rows].tolist(), [mentions[i].id for i in rows.tolist()])), rows)
    which = np.fromiter(map(named.get, zip(doc, map(attrgetter("mention_id"), arguments)), repeat(-1)), np.int64,
                        len(arguments))
    known = np.where(which >= 0, which, 0)
    return Side(**columns, argument_role=list(map(attrgetter("role"), arguments)),
                argument_start=np.where(which >= 0, columns["entity_start"][known] if mentions else 0, 0),
                argument_end=np.where(which >= 0, columns["entity_end"][known] if mentions else 0, 0),
                argument_mention=which,
                argument_entity=[entity_key(mentions[i].entity_id, mentions[i].id) if i >= 0 else ("unknown",)
                                 for i in which.tolist()])


def predicted_side(predictions: list, gold: Side, made: Flat | None = None) -> Side:
    """The columns of the predictions for a batch of gold documents (None where a document has none),
    given the gold's; `made`: the predictions' `flat_records` when already made. A predicted argument
    names the entity of the gold mention at the same offsets, else only its span."""
    columns, _, _, arguments = made or flat_records(predictions)
    columns["documents"] = len(predictions) - predictions.count(None)
    doc = columns["event_doc"][columns["argument_event"]].tolist()
    start, end = list(map(attrgetter("start"), arguments)), list(map(attrgetter("end"), arguments))
    rows = np.flatnonzero(np.isin(gold.entity_doc, doc))
    at = _index(list(zip(gold.entity_doc[rows].tolist(), gold.entity_start[rows].tolist(),
                         gold.entity_end[rows].tolist())), rows)
    which = np.fromiter(map(at.get, zip(doc, start, end), repeat(-1)), np.int64, len(arguments))
    return Side(**columns, argument_role=list(map(attrgetter("role"), arguments)), argument_start=_ints(start),
                argument_end=_ints(end), argument_mention=which,
                argument_entity=[("span", s, e) if i < 0 else entity_key(gold.mentions[i].entity_id, gold.mentions[i].id)
                                 for i, s, e in zip(which.tolist(), start, end)])


class GoldBatch(NamedTuple):
    """Gold documents (typed structs or views) and their columns: what the scorer counts at once."""

    docs: list
    side: Side


def batch_of(docs: list) -> GoldBatch:
    """The batch of gold documents (views or typed gold structs)."""
    return GoldBatch(docs, gold_side(docs))


# ---------------------------------------------------------------------------------------------
# Checks of a whole batch at once, for the typed fast readers: each gives a mask of the items that
# pass. A reader accepts a record only when every check passes; anything else goes to the record
# checks of the plain path (`gaiko.documents`, `gaiko.predictions`), which find and word every problem.

class Texts:
    """The texts of a batch of documents, concatenated: where each starts, its length, its code points."""

    def __init__(self, texts: list[str]):
        self.joined = "".join(texts)
        self.lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        self.offsets = np.cumsum(self.lengths) - self.lengths
        self.codepoints = _codepoints(self.joined)


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def spans_ok(texts: Texts, doc: np.ndarray, start: np.ndarray, end: np.ndarray, mentions: list) -> np.ndarray:
    """Which spans satisfy 0 <= start < end <= len(text) and, where `mentions` holds a string (not
    UNSET or None), equal `text[start:end]` (`gaiko.text.span_problem`, for a batch)."""
    ok = (start >= 0) & (start < end) & (end <= texts.lengths[doc])
    absent = mentions.count(UNSET) + mentions.count(None)
    if absent == len(mentions):
        return ok
    if absent:
        given = np.array([i for i, m in enumerate(mentions) if m.__class__ is str], np.int64)
        mentions = [mentions[i] for i in given.tolist()]
    else:
        given = np.arange(len(mentions))
    sizes = np.fromiter(map(len, mentions), np.int64, len(mentions))
    keep = ok[given] & (sizes == end[given] - start[given])
    ok[given[~keep]] = False
    if not keep.all():
        mentions = [m for m, kept in zip(mentions, keep.tolist()) if kept]
    given, sizes = given[keep], sizes[keep]
    chars = _codepoints("".join(mentions))
    item = np.repeat(np.arange(len(given)), sizes)
    where = np.arange(len(chars)) + np.repeat(texts.offsets[doc[given]] + start[given] - (np.cumsum(sizes) - sizes),
                                              sizes)
    ok[given[np.unique(item[texts.codepoints[where] != chars])]] = False
    return ok


def quotes_balance(raw: bytes, keys: int, strings: int) -> bool:
    """True when a JSON text whose decoded objects hold `keys` members and `strings` string values in
    all has no duplicate key (the typed readers count both from their structs).

    Outside a string, a quote only opens or closes one, so each key and string value written takes
    two quotes, and an escaped quote inside a string adds one. A key written twice adds its quotes
    (and its value's) to the text but not to the decoded objects: the text holds exactly
    2 × (keys + strings) quotes only when no key is repeated. Whitespace plays no part, so one count
    of one byte decides; an escaped quote only makes the count larger (the caller takes the strict path).
    """
    return int(np.count_nonzero(np.frombuffer(raw, np.uint8) == _QUOTE)) == 2 * (keys + strings)  # 3x bytes.count


_QUOTE = ord('"')


def overlapping(texts: Texts, doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The documents (indices) where two spans overlap or repeat; the spans must pass `spans_ok`."""
    start, end = texts.offsets[doc] + start, texts.offsets[doc] + end
    order = np.lexsort((end, start))
    later = np.flatnonzero(end[order][:-1] > start[order][1:]) + 1
    return np.unique(doc[order][later])


def may_repeat(doc: np.ndarray, names: list) -> bool:
    """Whether a document may hold a name (a mention or event id) twice: True when it does, and, rarely,
    when two hashes collide (which only sends a batch to the record checks). Cheaper than a set of pairs."""
    hashes = np.fromiter(map(hash, names), np.int64, len(names)) ^ (doc * _MIX)
    return len(np.unique(hashes)) < len(names)


_MIX = -7046029254386353131  # an odd 64-bit constant: documents spread over every bit of the hash


def repeated(*keys: np.ndarray) -> np.ndarray:
    """Positions of the rows of `keys` (columns of integers) that repeat an earlier row."""
    if not len(keys[0]):
        return np.zeros(0, np.int64)
    order = np.lexsort(keys[::-1])
    rows = np.stack([k[order] for k in keys])
    same = (rows[:, 1:] == rows[:, :-1]).all(axis=0)
    return order[1:][same]
