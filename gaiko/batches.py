"""Gold documents read in batches at the speed of the input: the typed fast path of `iter_documents`.

A batch of lines is decoded line by line, in C, into typed structs (msgspec checks every type in C, labels,
types, roles and realis included), checked for duplicate keys by counting quotes
(`gaiko.columns.quotes_balance`), then validated a column at a time (`gaiko.columns`). The fast path only
ever accepts: a batch where anything is off, or that is not in the full documents shape (every field
present), is read line by line by `gaiko.documents.document_line`, which raises the same error, on
the same line, that reading the file with `iter_documents` raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import numpy as np

from gaiko import schema
from gaiko.columns import (Flat, GoldBatch, Side, Texts, batch_of, flat, flat_records, gold_side, gold_views,
                           may_repeat, overlapping, quotes_balance, repeated, spans_ok)
from gaiko.documents import METADATA_FIELDS, document_line, refuse_other_formats
from gaiko.io import WHOLE, iter_line_batches, nonblank
from gaiko.text import ANY_CONTROL_CHARACTER, CONTROL_CHARACTER

BATCH = 2048  # lines decoded and checked at once

_Int = Annotated[int, msgspec.Meta(ge=-10**18, le=10**18)]  # as `gaiko.io.loads`: no over-long integer
_Count = Annotated[int, msgspec.Meta(ge=0, le=10**18)]
_ENTITY_ID = re.compile(schema.ENTITY_ID_PATTERN)


class _Span(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    start: _Int
    end: _Int
    text: str


class _Mention(_Span, forbid_unknown_fields=True, gc=False):
    id: str
    label: Literal[tuple(schema.ENTITY_LABELS)]
    entity_id: str | None


class _Argument(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    role: Literal[tuple(schema.ROLE_NAMES)]
    mention_id: str


class _Event(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    id: str
    type: Literal[tuple(schema.EVENT_LABELS)]
    realis: Literal[tuple(schema.REALIS_VALUES)]
    trigger: _Span
    arguments: list[_Argument]


class _Alignment(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    start: _Count
    raw_start: _Count
    length: _Count


class _Document(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A gold line with every field of the documents shape, each of its type."""

    id: str
    title: str | None
    publisher: str | None
    url: str | None
    date: str | None
    date_note: str | None
    language: str | None
    source_file: str | None
    text: str
    raw_alignment: list[_Alignment]
    entities: list[_Mention]
    events: list[_Event]


# Keys of each struct (all required), what the quotes are counted against (`gaiko.columns.quotes_balance`).
_KEYS = {"document": 12, "alignment": 3, "mention": 6, "event": 5 + 3, "argument": 2}  # an event with its trigger
_STRINGS = {"document": 2, "mention": 3, "event": 3 + 1, "argument": 2}  # string values besides those that may be null
_NULLABLE = METADATA_FIELDS[1:]  # the fields of a document that are a string or null (a mention's: entity_id)
_DECODE_DOCUMENT = msgspec.json.Decoder(_Document).decode
# ROLE_FITS[role index, label index]: a mention of that label may fill that role.
ROLE_FITS = np.array([[label in schema.ROLE_ENTITY_TYPES.get(role, schema.ENTITY_LABELS) for label in schema.ENTITY_LABELS]
                      for role in schema.ROLE_NAMES])


def iter_gold_batches(path: str | Path, size: int = BATCH, part: tuple[int, int | None] = WHOLE,
                      seen: set[str] | None = None) -> Iterator[GoldBatch]:
    """The documents of a gold JSONL file in batches of up to `size` lines; every line is checked as
    `iter_documents` checks it, and a bad one raises its error. `part`: only the lines of that byte range
    (`gaiko.io.line_parts`); `seen`: the ids of the documents before it, to which the part's are added."""
    refuse_other_formats(path)
    seen = set() if seen is None else seen
    for first, lines in iter_line_batches(path, size, part):
        batch = _typed(nonblank(lines), seen)
        if batch is None:
            batch = batch_of(gold_views([doc for number, raw in enumerate(lines, start=first)
                                         if (doc := document_line(path, seen, number, raw)) is not None]))
        if batch.docs:
            yield batch


def iter_gold_documents(path: str | Path) -> Iterator[dict]:
    """`gaiko.documents.iter_documents` (the documents of a gold file, checked, in their full shape) at the
    speed of the batches: a batch that passes the fast path becomes plain objects in C."""
    refuse_other_formats(path)
    seen: set[str] = set()
    for first, lines in iter_line_batches(path, BATCH):
        batch = _typed(nonblank(lines), seen)
        if batch is not None:
            yield from msgspec.to_builtins(batch.docs)
            continue
        for number, raw in enumerate(lines, start=first):
            if (doc := document_line(path, seen, number, raw)) is not None:
                yield doc


def _typed(raws: list[bytes], seen: set[str]) -> GoldBatch | None:
    """The lines as typed structs with their columns, when every line is a valid document in the full
    shape, with no key twice and no id seen before (then added to `seen`); else None."""
    try:  # each line alone: as one array, two lines that split a document after a comma would decode
        docs = list(map(_DECODE_DOCUMENT, raws))
    except (ValueError, RecursionError):  # msgspec's DecodeError, or bytes that are not UTF-8
        return None
    data = b"\n".join(raws)  # where the quotes are counted
    made = flat_records(docs)
    batch = GoldBatch(docs, gold_side(docs, made))
    side, events = batch.side, len(batch.side.event_doc)
    entity_ids = list(map(attrgetter("entity_id"), side.mentions))
    keys = (_KEYS["document"] * len(docs) + _KEYS["mention"] * len(entity_ids) + _KEYS["event"] * events
            + _KEYS["alignment"] * sum(map(len, map(attrgetter("raw_alignment"), docs)))
            + _KEYS["argument"] * len(side.argument_event))
    # The fields that may be null are strings where they are not.
    nulls = entity_ids.count(None) + sum(list(map(attrgetter(name), docs)).count(None) for name in _NULLABLE)
    strings = ((_STRINGS["document"] + len(_NULLABLE)) * len(docs) + (_STRINGS["mention"] + 1) * len(entity_ids)
               - nulls + _STRINGS["event"] * events + _STRINGS["argument"] * len(side.argument_event))
    if not quotes_balance(data, keys, strings):
        return None
    ids = list(map(attrgetter("id"), docs))
    if "" in ids or len(set(ids)) < len(ids) or not seen.isdisjoint(ids) or not _valid(batch, made, entity_ids):
        return None
    if (b"\\" in data or b"\xc2" in data) and _control_in_names(docs, ids, side, made):
        return None
    seen.update(ids)
    return batch


def _valid(batch: GoldBatch, made: Flat, entity_ids: list[str | None]) -> bool:
    """`gaiko.documents.validate_document` for a batch of typed documents (`made`: their flat records):
    True when none has a problem."""
    docs, side = batch
    texts = Texts(list(map(attrgetter("text"), docs)))
    if "\r" in texts.joined or CONTROL_CHARACTER.search(texts.joined) or not _runs_ok(texts, docs):
        return False
    triggers = made.triggers
    if not spans_ok(texts, np.concatenate([side.entity_doc, side.event_doc]),
                    np.concatenate([side.entity_start, side.trigger_start]),
                    np.concatenate([side.entity_end, side.trigger_end]),
                    list(map(attrgetter("text"), side.mentions)) + list(map(attrgetter("text"), triggers))).all():
        return False
    if len(overlapping(texts, side.entity_doc, side.entity_start, side.entity_end)):
        return False
    if may_repeat(side.entity_doc, list(map(attrgetter("id"), side.mentions))) or may_repeat(
            side.event_doc, list(map(attrgetter("id"), made.events))) or _may_repeat_events(texts, side):
        return False
    if entity_ids.count(None) < len(entity_ids):
        for m in side.mentions:
            if m.entity_id is not None and (m.label not in schema.COREF_LABELS or not _ENTITY_ID.fullmatch(m.entity_id)):
                return False
    mention = side.argument_mention
    if (mention < 0).any():
        return False
    roles = np.fromiter(map(schema.ROLE_INDEX.__getitem__, side.argument_role), np.int64, len(mention))
    return bool(ROLE_FITS[roles, side.entity_label[mention]].all()) and not len(
        repeated(side.argument_event, roles, mention))


def _runs_ok(texts: Texts, docs: list) -> bool:
    """Whether every `raw_alignment` run is a non-empty run of its text after the run before
    (`gaiko.documents._check_alignment`, for a batch)."""
    alignments = list(map(attrgetter("raw_alignment"), docs))
    if not any(alignments):
        return True
    runs, owner = flat(alignments)
    start = np.fromiter(map(attrgetter("start"), runs), np.int64, len(runs))
    end = start + np.fromiter(map(attrgetter("length"), runs), np.int64, len(runs))
    first = np.ones(len(runs), bool)
    first[1:] = owner[1:] != owner[:-1]
    return bool(((start < end) & (end <= texts.lengths[owner])).all() and (first[1:] | (start[1:] >= end[:-1])).all())


# An event's key: where its trigger starts in the batch, its length (in _SPAN_BITS), its type.
_SPAN_BITS, _TYPE_BITS = 20, len(schema.EVENT_LABELS).bit_length()


def _may_repeat_events(texts: Texts, side: Side) -> bool:
    """Whether a document may hold two events of one type on one trigger: True when it does, and, rarely,
    when a trigger is longer than 2**20 characters (which only sends the batch to the record checks)."""
    length = np.minimum(side.trigger_end - side.trigger_start, (1 << _SPAN_BITS) - 1)
    keys = (((texts.offsets[side.event_doc] + side.trigger_start) << _SPAN_BITS | length) << _TYPE_BITS) | side.event_type
    if len(keys) < 2 or (keys[1:] > keys[:-1]).all():  # events in trigger order: distinct without sorting
        return False
    return len(np.unique(keys)) < len(keys)



def _control_in_names(docs: list, ids: list[str], side: Side, made: Flat) -> bool:
    """Whether a name (a document, mention or event id, metadata) holds a control character. Only called
    when the batch's bytes hold a backslash or a C1 lead byte: JSON text cannot hold a raw C0 character, so
    a decoded string holds one only through an escape, and C1 only so or written as UTF-8."""
    names = "".join(chain(ids, *(filter(None, map(attrgetter(name), docs)) for name in _NULLABLE),
                          map(attrgetter("id"), side.mentions), map(attrgetter("id"), made.events)))
    return not names.isprintable() and ANY_CONTROL_CHARACTER.search(names) is not None  # isprintable: in C, fast
