"""Span and event matching: what each document's gold and predictions count, as sparse count rows.

NER follows SemEval-2013 Task 9.1 (strict, exact, partial, type). Both gold and predicted mentions
are flat, so spans are matched one-to-one in linear time: equal boundaries first (a hash lookup),
then a maximum matching of overlapping spans by one left-to-right sweep over spans sorted by
offsets. The sweep is optimal (the span that ends first can only overlap the other side's current
span) and depends only on the offsets, never on the order of the input lists.

Events follow OneIE/TextEE: each metric compares SETS of tuples, so a tuple is counted once on each
side however many times it occurs (two gold events sharing a trigger and type give one trigger
tuple; arguments of those events are unioned).

Matches become count increments: flat indices into the count arrays of `gaiko.eval.counts`, the one
place besides the bootstrap that addresses them by index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from gaiko import columns, schema
from gaiko.columns import GoldBatch, Side
from gaiko.documents import entity_spans
from gaiko.eval.counts import FN, FP, KEY_INDEX, PARTIAL, REALIS, TP, TYPE_COLUMNS, Counts, Items
from gaiko.eval.counts import cells as _cells
from gaiko.eval.counts import tally
from gaiko.io import paused_gc
from gaiko.text import sentences
from gaiko.tuples import EVENT_METRICS, SLOTS, EventTuples, event_tuples

Span = tuple[int, int, str]
RESAMPLE_UNITS = ("document", "paragraph", "sentence")

def unit_starts(text: str, unit: str) -> list[int]:
    """Where each resampling unit of a text starts: the first at 0, then each non-blank paragraph (line)
    or sentence (`gaiko.text.sentences`: after 。！？ outside quotes, and at newlines)."""
    if unit == "paragraph":
        starts, position = [], 0
        for line in text.split("\n"):
            if line.strip():
                starts.append(position)
            position += len(line) + 1
    else:
        starts = [start for start, _ in sentences(text)]
    return [0, *starts[1:]] if starts else [0]


class UnitMap:
    """The resampling units (paragraphs or sentences) of a list of documents, numbered in document
    order; called with (document indices, offsets in those documents) it gives the unit of each."""

    def __init__(self, texts: list[str], unit: str):
        starts = [unit_starts(text, unit) for text in texts]
        self.count = sum(map(len, starts))
        self._width = max(map(len, texts), default=0) + 1
        docs = np.repeat(np.arange(len(texts), dtype=np.int64), list(map(len, starts)))
        self._keys = docs * self._width + np.fromiter((x for s in starts for x in s), np.int64, self.count)

    def __call__(self, docs: np.ndarray, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._keys, docs * self._width + positions, side="right") - 1


# ---------------------------------------------------------------------------------------------
# NER

def overlap_matching(gold: list[Span], pred: list[Span]) -> list[tuple[int, int]]:
    """Maximum one-to-one matching of overlapping spans; both lists flat and sorted by offsets.

    Returns (gold index, predicted index) pairs. Linear time; see the module docstring for why the
    sweep is both optimal and independent of input order.
    """
    pairs, i, j = [], 0, 0
    while i < len(gold) and j < len(pred):
        (gs, ge, _), (ps, pe, _) = gold[i], pred[j]
        if gs < pe and ps < ge:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif ge <= pe:
            i += 1
        else:
            j += 1
    return pairs


@dataclass
class NerAlignment:
    """One document's span alignment: exact-boundary pairs and other overlap pairs (label-blind)."""

    gold: list[Span]
    pred: list[Span]
    exact: list[tuple[int, int]]
    overlap: list[tuple[int, int]]


def align_spans(gold: list[Span], pred: list[Span]) -> NerAlignment:
    gold, pred = sorted(gold), sorted(pred)
    by_bounds = {(s, e): i for i, (s, e, _) in enumerate(gold)}
    exact = [(by_bounds[(s, e)], j) for j, (s, e, _) in enumerate(pred) if (s, e) in by_bounds]
    overlap = [(i, j) for i, j in overlap_matching(gold, pred) if (gold[i][0], gold[i][1]) != (pred[j][0], pred[j][1])]
    return NerAlignment(gold, pred, exact, overlap)


class _SpanArrays:
    """One side's entity spans in corpus coordinates (document offset + start), so that spans of different
    documents never overlap and the whole corpus is matched in one pass; sorted by start."""

    def __init__(self, side: Side, offsets: np.ndarray):
        start, end = side.entity_start + offsets[side.entity_doc], side.entity_end + offsets[side.entity_doc]
        order = np.argsort(start, kind="stable")
        self.start, self.end = start[order], end[order]
        self.label, self.doc = side.entity_label[order], side.entity_doc[order]

    def tuples(self, index: np.ndarray) -> list[Span]:
        return list(zip(self.start[index].tolist(), self.end[index].tolist(), self.label[index].tolist(), strict=True))


def _residual_matching(gold: _SpanArrays, pred: _SpanArrays, g_index: np.ndarray,
                       p_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum overlap matching among the given spans (index arrays in start order)."""
    pairs = overlap_matching(gold.tuples(g_index), pred.tuples(p_index))
    if not pairs:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    i, j = np.array(pairs).T
    return g_index[i], p_index[j]


# Which matches earn credit in each mode: ((tp, partial) in micro, (tp, partial) per type). Per type, a
# mode is computed on the spans of that type only (on both sides), as nervaluate does: a boundary match
# between two types is no match there, so per-type exact is strict, and per-type partial credits the
# same-type overlaps ("typed", which also holds the strict pairs; tp is decided first).
NER_CREDIT: dict[str, tuple[tuple[str, str | None], tuple[str, str | None]]] = {
    "strict": (("strict", None), ("strict", None)),
    "exact": (("exact", None), ("strict", None)),
    "partial": (("exact", "overlap"), ("strict", "typed")),
    "type": (("typed", None), ("typed", None)),
}


def ner_cells(gold_side: Side, pred_side: Side, lengths: list[int], units: UnitMap | None = None) -> list[np.ndarray]:
    """Count increments (see `tally`) of every NER mode, micro and per type.

    Spans are matched once for the whole corpus: equal boundaries by hashing, the remaining spans by
    the overlap sweep (equal-boundary pairs are isolated in the overlap graph of flat spans, so they
    need no sweep), and per type the same among spans of one type. Then each span adds one count per
    column: a gold span tp, partial or fn, a predicted span fp unless it is matched.
    """
    n_docs, n_labels = len(lengths), len(schema.ENTITY_LABELS)
    offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)[:-1]]) if n_docs else np.zeros(0, np.int64)
    gold, pred = _SpanArrays(gold_side, offsets), _SpanArrays(pred_side, offsets)
    width = int(max(gold.end.max(initial=0), pred.end.max(initial=0))) + 1
    _, gi, pj = np.intersect1d(gold.start * width + gold.end, pred.start * width + pred.end,
                               assume_unique=True, return_indices=True)
    same = gold.label[gi] == pred.label[pj]

    def unmatched(side: _SpanArrays, matched: np.ndarray) -> np.ndarray:
        mask = np.ones(len(side.start), dtype=bool)
        mask[matched] = False
        return np.flatnonzero(mask)

    overlap = _residual_matching(gold, pred, unmatched(gold, gi), unmatched(pred, pj))
    free_g, free_p = unmatched(gold, gi[same]), unmatched(pred, pj[same])
    typed = [_residual_matching(gold, pred, free_g[gold.label[free_g] == k], free_p[pred.label[free_p] == k])
             for k in range(n_labels)]
    strict = (gi[same], pj[same])
    matches = {"strict": strict, "exact": (gi, pj), "overlap": overlap,
               "typed": tuple(np.concatenate([strict[side], *(t[side] for t in typed)]) for side in (0, 1))}

    def masks(side: int, size: int) -> dict[str | None, np.ndarray]:
        out = {None: np.zeros(size, dtype=bool)}
        for name, pairs in matches.items():
            out[name] = np.zeros(size, dtype=bool)
            out[name][pairs[side]] = True
        return out

    g_match, p_match = masks(0, len(gold.start)), masks(1, len(pred.start))
    g_row, p_row = ((side.doc if units is None else units(side.doc, side.start - offsets[side.doc]))
                    for side in (gold, pred))
    cells = []
    for mode, credits in NER_CREDIT.items():
        micro, by_type = KEY_INDEX[("ner", mode, None)], TYPE_COLUMNS[("ner", mode)]
        for (tp, partial), g_column, p_column in zip(credits, (micro, by_type[gold.label]), (micro, by_type[pred.label]),
                                                     strict=True):
            field = np.where(g_match[tp], TP, np.where(g_match[partial], PARTIAL, FN))
            spurious = ~(p_match[tp] | p_match[partial])
            cells += [_cells(g_row, g_column, field), _cells(p_row, p_column, FP)[spurious]]
    return cells


def ner_errors(doc_id: str, text: str, alignment: NerAlignment) -> tuple[list[dict], list[tuple[str, str]]]:
    """Every NER error of one document, and the (gold, predicted) labels of boundary-matched spans."""
    gold, pred = alignment.gold, alignment.pred
    rows, confusion = [], []
    for i, j in alignment.exact:
        confusion.append((gold[i][2], pred[j][2]))
        if gold[i][2] != pred[j][2]:
            rows.append(error_row(doc_id, text, "entity", "wrong_type", gold[i], pred[j]))
    for i, j in alignment.overlap:
        kind = "wrong_boundary" if gold[i][2] == pred[j][2] else "wrong_boundary_and_type"
        rows.append(error_row(doc_id, text, "entity", kind, gold[i], pred[j]))
    matched_gold = {i for i, _ in alignment.exact + alignment.overlap}
    matched_pred = {j for _, j in alignment.exact + alignment.overlap}
    rows += [error_row(doc_id, text, "entity", "missed", g, None) for i, g in enumerate(gold) if i not in matched_gold]
    rows += [error_row(doc_id, text, "entity", "spurious", None, p) for j, p in enumerate(pred) if j not in matched_pred]
    return rows, confusion


def error_row(doc_id: str, text: str, layer: str, error: str, gold: Span | None, pred: Span | None) -> dict:
    def side(span: Span | None) -> tuple:
        return (None, None, None, None) if span is None else (span[0], span[1], span[2], text[span[0]:span[1]])

    gs, ge, gl, gt = side(gold)
    ps, pe, pl, pt = side(pred)
    return {"document": doc_id, "layer": layer, "error": error, "gold_start": gs, "gold_end": ge,
            "gold_label": gl, "gold_text": gt, "pred_start": ps, "pred_end": pe, "pred_label": pl, "pred_text": pt}


# ---------------------------------------------------------------------------------------------
# Events

def _rows(tuples: list[tuple], units: UnitMap | None, positions: list[int] | None) -> tuple[np.ndarray, np.ndarray]:
    """(count row, event type id) of each tuple: its document's row, or with `units` the unit holding
    its position."""
    docs, types = np.divmod(np.fromiter(map(itemgetter(0), tuples), np.int64, len(tuples)), SLOTS)
    if units is None:
        return docs, types
    return units(docs, np.array(positions, dtype=np.int64)), types


def event_cells(gold: EventTuples, pred: EventTuples, units: UnitMap | None = None) -> tuple[list[np.ndarray], int]:
    """Count increments (see `tally`) of every event metric, micro and per event type, and of realis;
    plus how many matched triggers had no predicted realis. Each metric matches SETS of tuples
    (`gaiko.tuples`). A count goes to its document's row, or with `units` to the unit holding the
    tuple (a matched or missed tuple where the gold has it)."""
    cells = []
    for metric in EVENT_METRICS:
        g, p = gold.sets[metric], pred.sets[metric]
        micro, by_type = KEY_INDEX[("events", metric, None)], TYPE_COLUMNS[("events", metric)]
        for tuples, field, side in ((g & p, TP, gold), (p - g, FP, pred), (g - p, FN, gold)):
            tuples = list(tuples)
            docs, types = _rows(tuples, units, side.position(metric, tuples) if units else None)
            cells.append(_cells(docs, micro, field))
            if len(by_type):  # trigger identification has no type
                cells.append(_cells(docs, by_type[types], field))
    matched = gold.sets["trigger_classification"] & pred.sets["trigger_classification"]
    correct = {k[:3] for k in gold.realis & pred.realis}  # matched triggers sharing a realis value
    realis = KEY_INDEX[REALIS]
    for keys, field in ((correct, TP), (matched - correct, FP)):
        keys = list(keys)
        cells.append(_cells(_rows(keys, units, [k[1] for k in keys])[0], realis, field))
    return cells, len(matched - {k[:3] for k in pred.realis})


def event_errors(gold_docs: list[dict], gold: EventTuples, pred: EventTuples) -> list[dict]:
    """Trigger errors (wrong type, missed, spurious) and argument errors (wrong role, missed, spurious),
    document by document.

    Trigger tuples (type, start, end) pair up by offsets; argument tuples (type, start, end, role) by
    (type, offsets), so a right span with a wrong type or role is one row, not a miss plus a spurious.
    """
    def by_doc(metric: str) -> dict[int, tuple[set, set]]:
        groups = defaultdict(lambda: (set(), set()))
        for side, tuples in enumerate((gold.sets[metric], pred.sets[metric])):
            for x in tuples:
                groups[x[0] // SLOTS][side].add(x)
        return groups

    def label(x: tuple) -> str:
        return schema.EVENT_LABELS[x[0] % SLOTS]

    triggers, arguments = by_doc("trigger_classification"), by_doc("argument_classification")
    rows = []
    for d in sorted(triggers.keys() | arguments.keys()):
        doc_id, text = gold_docs[d]["id"], gold_docs[d]["text"]
        rows += _regroup(doc_id, text, *triggers[d], lambda x: x[1:3], lambda x: (x[1], x[2], label(x)),
                         "trigger", "type")
        rows += _regroup(doc_id, text, *arguments[d], lambda x: (label(x), x[1], x[2]),
                         lambda x: (x[1], x[2], f"{label(x)}/{x[3]}"), "argument", "role")
    return rows


def _regroup(doc_id, text, gold, pred, key, span, layer, what) -> list[dict]:
    """Unmatched tuples sharing a key (same offsets) pair up as wrong_<what>; the rest are missed/spurious."""
    by_g, by_p = defaultdict(list), defaultdict(list)
    for x in gold - pred:
        by_g[key(x)].append(span(x))
    for x in pred - gold:
        by_p[key(x)].append(span(x))
    rows = []
    for k in sorted(by_g.keys() | by_p.keys(), key=repr):
        gs, ps = sorted(by_g[k]), sorted(by_p[k])
        rows += [error_row(doc_id, text, layer, f"wrong_{what}", a, b) for a, b in zip(gs, ps)]
        rows += [error_row(doc_id, text, layer, "missed", a, None) for a in gs[len(ps):]]
        rows += [error_row(doc_id, text, layer, "spurious", None, b) for b in ps[len(gs):]]
    return rows


_NOTHING = MappingProxyType({})  # the prediction of a document without one


class Counted(NamedTuple):
    """Dense per-document counts and what went wrong where; read by name."""

    counts: np.ndarray  # documents × KEYS × (tp, fp, fn, partial)
    errors: list[dict]  # with `details` only
    confusion: list[tuple[str, str]]  # with `details` only
    realis_missing: int  # matched triggers without a predicted realis
    items: dict[str, dict[str, int]]  # gold and predicted documents, entities, events, arguments


def count_batch(gold: GoldBatch, predictions: list, unit: str = "document") -> Counts:
    """Counts of predictions (views or typed structs, None where a document has none) on a batch of gold
    documents (`gaiko.columns`)."""
    return count_sides(gold, columns.predicted_side(predictions, gold.side), unit)


def count_sides(gold: GoldBatch, pred: Side, unit: str) -> Counts:
    """Counts of the predictions' columns on a batch of gold documents."""
    if unit not in RESAMPLE_UNITS:
        raise ValueError(f"unknown resampling unit {unit!r} (one of {', '.join(RESAMPLE_UNITS)})")
    texts = list(map(attrgetter("text"), gold.docs))
    units = None if unit == "document" else UnitMap(texts, unit)
    ev_cells, realis_missing = event_cells(*(event_tuples(side, units is not None) for side in (gold.side, pred)),
                                           units)
    cells = ner_cells(gold.side, pred, list(map(len, texts)), units) + ev_cells
    n_units = len(texts) if units is None else units.count
    return Counts(unit, len(texts), *tally(cells), n_units, _items(gold.side), _items(pred), realis_missing)


def _items(side: columns.Side) -> Items:
    return Items(side.documents, side.entities, side.events, side.arguments)


def count_in_detail(gold_docs: list[dict], predictions_by_id: dict[str, dict], details: bool,
                    unit: str) -> tuple[Counts, list[dict], list[tuple[str, str]]]:
    """Counts, and with `details` the error rows and boundary-matched label pairs. A missing prediction
    predicts nothing."""
    found = list(map(predictions_by_id.get, map(itemgetter("id"), gold_docs)))
    with paused_gc():  # the views and tuples made here form no cycles; collections would walk the caller's corpus
        batch = columns.batch_of(columns.gold_views(gold_docs))
        pred_side = columns.predicted_side(columns.predicted_views(found), batch.side)
        counts = count_sides(batch, pred_side, unit)
    errors, confusion = [], []
    if details:
        for doc, pred in zip(gold_docs, found, strict=True):
            alignment = align_spans(entity_spans(doc.get("entities")), entity_spans((pred or _NOTHING).get("entities")))
            rows, pairs = ner_errors(doc["id"], doc["text"], alignment)
            errors += rows
            confusion += pairs
        errors += event_errors(gold_docs, event_tuples(batch.side), event_tuples(pred_side))
    return counts, errors, confusion


def count(gold_docs: list[dict], predictions_by_id: dict[str, dict], unit: str = "document") -> Counts:
    """The additive counts of valid predictions (by document id) on gold documents, one row per unit."""
    return count_in_detail(gold_docs, predictions_by_id, False, unit)[0]


def count_documents(gold_docs: list[dict], predictions_by_id: dict[str, dict], details: bool = False) -> Counted:
    """Dense count rows (documents × KEYS × 4), and with `details` the error rows and label pairs."""
    counts, errors, confusion = count_in_detail(gold_docs, predictions_by_id, details, "document")
    return Counted(counts.dense().astype(np.int32), errors, confusion, counts.realis_missing, counts.items)

