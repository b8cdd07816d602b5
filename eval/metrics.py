"""Span and event matching per document, additive counts, and the report built from them.

Every score is computed from counts (tp, fp, fn, partial) that are found per document and then
summed, so a corpus score, a per-type score and a bootstrap resample all come from the same sums
(never from averaged per-document scores).

NER follows SemEval-2013 Task 9.1 (strict, exact, partial, type). Both gold and predicted mentions
are flat, so spans are matched one-to-one in linear time: equal boundaries first (a hash lookup),
then a maximum matching of overlapping spans by one left-to-right sweep over spans sorted by
offsets. The sweep is optimal (the span that ends first can only overlap the other side's current
span) and depends only on the offsets, never on the order of the input lists.

Events follow OneIE/TextEE: each metric compares SETS of tuples, so a tuple is counted once on each
side however many times it occurs (two gold events sharing a trigger and type give one trigger
tuple; arguments of those events are unioned).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from gaiko import schema
from gaiko.documents import mention_index

NER_MODES = ("strict", "exact", "partial", "type")
EVENT_METRICS = (
    "trigger_identification",
    "trigger_classification",
    "argument_identification",
    "argument_classification",
    "argument_identification_attached",
    "argument_classification_attached",
    "argument_classification_coref",
)
# Modes whose score object carries a partial-credit count.
PARTIAL_MODES = frozenset({"partial"})

Span = tuple[int, int, str]


@dataclass(frozen=True)
class PRF:
    """Additive match counts (in the spirit of spaCy's PRFScore); `partial` matches earn half credit.

    precision = (tp + partial/2) / (tp + partial + fp), recall = (tp + partial/2) / (tp + partial + fn),
    which is SemEval-2013 9.1's (COR + 0.5 PAR) / ACT and / POS with fp = INC + SPU, fn = INC + MIS.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    partial: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.partial + other.partial)

    @property
    def precision(self) -> float:
        return float(prf_arrays(np.array([[self.tp, self.fp, self.fn, self.partial]]))[0][0])

    @property
    def recall(self) -> float:
        return float(prf_arrays(np.array([[self.tp, self.fp, self.fn, self.partial]]))[1][0])

    @property
    def f1(self) -> float:
        return float(prf_arrays(np.array([[self.tp, self.fp, self.fn, self.partial]]))[2][0])


def prf_arrays(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 of count arrays shaped (..., 4) = (tp, fp, fn, partial); 0 when undefined."""
    counts = np.asarray(counts, dtype=float)
    tp, fp, fn, partial = (counts[..., i] for i in range(4))
    credit = tp + 0.5 * partial
    predicted, gold = tp + partial + fp, tp + partial + fn
    precision = np.divide(credit, predicted, out=np.zeros_like(credit), where=predicted > 0)
    recall = np.divide(credit, gold, out=np.zeros_like(credit), where=gold > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(credit), where=both > 0)
    return precision, recall, f1


# ---------------------------------------------------------------------------------------------
# The fixed layout of every count row: one column per (section, metric, label); label None = micro.
# Realis accuracy is stored as tp = correct, fp = wrong (its "precision" is the accuracy).

def _layout() -> list[tuple[str, str, str | None]]:
    keys: list[tuple[str, str, str | None]] = []
    for mode in NER_MODES:
        keys += [("ner", mode, None)] + [("ner", mode, label) for label in schema.ENTITY_LABELS]
    for metric in EVENT_METRICS:
        labels = () if metric == "trigger_identification" else schema.EVENT_LABELS
        keys += [("events", metric, None)] + [("events", metric, label) for label in labels]
    return keys + [("realis", "accuracy", None)]


KEYS: tuple[tuple[str, str, str | None], ...] = tuple(_layout())
KEY_INDEX: dict[tuple[str, str, str | None], int] = {k: i for i, k in enumerate(KEYS)}
GROUPS: tuple[tuple[str, str], ...] = tuple(dict.fromkeys((s, m) for s, m, _ in KEYS if s != "realis"))
TYPE_COLUMNS: dict[tuple[str, str], np.ndarray] = {  # per (section, metric): the column of each type, in schema order
    group: np.array([KEY_INDEX[k] for k in KEYS if k[:2] == group and k[2] is not None], dtype=np.int64)
    for group in GROUPS
}
TP, FP, FN, PARTIAL = range(4)  # the fields of a count row
WIDTH = len(KEYS) * 4  # the columns of a flat count row
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
        from gaiko.text import sentences

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


def _cells(docs: np.ndarray, columns: np.ndarray | int, field: int) -> np.ndarray:
    """Flat indices into a documents × KEYS × 4 array: one per count increment."""
    return (docs * len(KEYS) + columns) * 4 + field


def tally(cells: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse count rows from count increments: (row, flat column, count) of every non-zero count,
    ordered by row, then column; 12 bytes per count."""
    flat, values = np.unique(np.concatenate(cells) if cells else np.zeros(0, np.int64), return_counts=True)
    return (flat // WIDTH).astype(np.int32), (flat % WIDTH).astype(np.int32), values.astype(np.int32)


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


_ENTITY_IDS = {label: i for i, label in enumerate(schema.ENTITY_LABELS)}


class _SpanArrays:
    """All documents' spans of one side as arrays, in corpus coordinates (document offset + start), so
    that spans of different documents never overlap and the whole corpus is matched in one pass."""

    def __init__(self, per_doc: list[list[dict]], offsets: np.ndarray):
        sizes = np.fromiter(map(len, per_doc), np.int64, len(per_doc))
        flat = list(chain.from_iterable(per_doc))

        def column(name: str, to_int=None) -> np.ndarray:  # one C-level pass over every span
            values = map(itemgetter(name), flat)
            return np.fromiter(values if to_int is None else map(to_int, values), np.int64, len(flat))

        doc = np.repeat(np.arange(len(per_doc)), sizes)
        start, end = column("start") + offsets[doc], column("end") + offsets[doc]
        label = column("label", _ENTITY_IDS.__getitem__)
        order = np.argsort(start, kind="stable")
        self.start, self.end, self.label, self.doc = start[order], end[order], label[order], doc[order]

    def tuples(self, index: np.ndarray) -> list[Span]:
        return list(zip(self.start[index].tolist(), self.end[index].tolist(), self.label[index].tolist()))


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


def ner_cells(gold_per_doc: list[list[dict]], pred_per_doc: list[list[dict]], lengths: list[int],
              units: UnitMap | None = None) -> list[np.ndarray]:
    """Count increments (see `tally`) of every NER mode, micro and per type.

    Spans are matched once for the whole corpus: equal boundaries by hashing, the remaining spans by
    the overlap sweep (equal-boundary pairs are isolated in the overlap graph of flat spans, so they
    need no sweep), and per type the same among spans of one type. Then each span adds one count per
    column: a gold span tp, partial or fn, a predicted span fp unless it is matched.
    """
    n_docs, n_labels = len(lengths), len(schema.ENTITY_LABELS)
    offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)[:-1]]) if n_docs else np.zeros(0, np.int64)
    gold, pred = _SpanArrays(gold_per_doc, offsets), _SpanArrays(pred_per_doc, offsets)
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
        for (tp, partial), g_column, p_column in zip(credits, (micro, by_type[gold.label]), (micro, by_type[pred.label])):
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

_EVENT_IDS = {label: i for i, label in enumerate(schema.EVENT_LABELS)}
_ANY_TYPE = len(schema.EVENT_LABELS)  # the type of trigger identification tuples
_SLOTS = len(schema.EVENT_LABELS) + 1  # slots per document: each event type, then any type


@dataclass
class EventTuples:
    """One side's event tuples of a whole corpus, per metric. Each tuple starts with its slot (document
    index × _SLOTS + event type id), so one set holds every document and one set operation matches
    them all."""

    sets: dict[str, set[tuple]] = field(default_factory=lambda: {m: set() for m in EVENT_METRICS})
    realis: set[tuple] = field(default_factory=set)  # (slot, trigger start, trigger end, realis)
    coref_at: dict[tuple, int] | None = None  # with finer units: coref tuple -> its first trigger start

    def add(self, doc: int, etype: str, trigger: dict, realis: str | None,
            arguments: list[tuple[str, int, int, Any]]) -> None:
        s, slot, ts, te = self.sets, doc * _SLOTS + _EVENT_IDS[etype], trigger["start"], trigger["end"]
        s["trigger_identification"].add((doc * _SLOTS + _ANY_TYPE, ts, te))
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


def _slots(tuples: set[tuple] | list[tuple]) -> np.ndarray:
    return np.fromiter(map(itemgetter(0), tuples), np.int64, len(tuples))


def _rows(tuples: set[tuple], units: UnitMap | None, at: dict[tuple, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(count row, event type id) of each tuple: its document's row, or with `units` the unit holding
    its position (the tuple's first offset: trigger or argument start; `at` for coref tuples)."""
    tuples = list(tuples)
    docs, types = np.divmod(_slots(tuples), _SLOTS)
    if units is None:
        return docs, types
    positions = map(at.__getitem__, tuples) if at is not None else map(itemgetter(1), tuples)
    return units(docs, np.fromiter(positions, np.int64, len(tuples))), types


def event_cells(gold: EventTuples, pred: EventTuples, units: UnitMap | None = None) -> tuple[list[np.ndarray], int]:
    """Count increments (see `tally`) of every event metric, micro and per event type, and of realis;
    plus how many matched triggers had no predicted realis. A count goes to its document's row, or
    with `units` to the unit holding the tuple (a matched or missed tuple by its gold position)."""
    cells = []
    for metric in EVENT_METRICS:
        g, p = gold.sets[metric], pred.sets[metric]
        micro, by_type = KEY_INDEX[("events", metric, None)], TYPE_COLUMNS[("events", metric)]
        coref = metric == "argument_classification_coref"
        for tuples, field, side in ((g & p, TP, gold), (p - g, FP, pred), (g - p, FN, gold)):
            docs, types = _rows(tuples, units, side.coref_at if coref else None)
            cells.append(_cells(docs, micro, field))
            if len(by_type):  # trigger identification has no type
                cells.append(_cells(docs, by_type[types], field))
    matched = gold.sets["trigger_classification"] & pred.sets["trigger_classification"]
    correct = {k[:3] for k in gold.realis & pred.realis}  # matched triggers sharing a realis value
    realis = KEY_INDEX[("realis", "accuracy", None)]
    cells += [_cells(_rows(keys, units)[0], realis, field) for keys, field in ((correct, TP), (matched - correct, FP))]
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
                groups[x[0] // _SLOTS][side].add(x)
        return groups

    def label(x: tuple) -> str:
        return schema.EVENT_LABELS[x[0] % _SLOTS]

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


# ---------------------------------------------------------------------------------------------
# Corpus: per-document count rows, their sums, and the report

def _spans(items: list[dict]) -> list[Span]:
    return [(x["start"], x["end"], x["label"]) for x in items or []]


@dataclass
class Evaluation:
    """A scored corpus: the report, the per-document counts behind it, and what went wrong where."""

    report: dict
    counts: np.ndarray  # documents × KEYS × (tp, fp, fn, partial)
    errors: list[dict]
    confusion: list[tuple[str, str]]  # (gold label, predicted label) of spans with equal boundaries


_NOTHING = MappingProxyType({})  # the prediction of a document without one


def _add_items(a: dict, b: dict) -> dict:
    return {side: {k: a[side][k] + b[side][k] for k in a[side]} for side in a}


@dataclass(frozen=True)
class Counts:
    """The additive unit of scoring: a sparse count row per resampling unit, and what was scored.

    `count` makes one from any set of documents and `merge` (or `+`) adds them up, so a corpus can be
    scored as a map over its parts and a sum (Spark, Dask, Ray; see the README). `score` gives the
    report: its point scores come from the summed rows, its bootstrap from the multiset of rows
    (never their order), so the merged parts score exactly as the whole: `score(merge(parts))`.
    """

    unit: str
    documents: int
    units: np.ndarray  # (entries,) unit index of each non-zero count, ascending
    columns: np.ndarray  # (entries,) flat column (key index · 4 + field), ascending within a unit
    values: np.ndarray  # (entries,) the count
    n_units: int
    items: dict[str, dict[str, int]]  # gold and predicted documents, entities, events, arguments
    realis_missing: int  # matched triggers without a predicted realis

    def __add__(self, other: Counts) -> Counts:
        return merge([self, other])

    def totals(self) -> np.ndarray:
        """The summed counts, shaped KEYS × 4."""
        return np.bincount(self.columns, self.values, WIDTH).astype(np.int64).reshape(len(KEYS), 4)

    def dense(self) -> np.ndarray:
        """The count rows as an array shaped units × KEYS × 4."""
        out = np.zeros((self.n_units, WIDTH), dtype=np.int64)
        out[self.units, self.columns] = self.values
        return out.reshape(self.n_units, len(KEYS), 4)

    @classmethod
    def from_dense(cls, counts: np.ndarray) -> Counts:
        """Counts of per-document rows shaped documents × KEYS × 4 (item tallies left at zero)."""
        flat = counts.reshape(len(counts), WIDTH)
        units, columns = np.nonzero(flat)
        items = {side: dict.fromkeys(("documents", "entities", "events", "arguments"), 0) for side in ("gold", "predicted")}
        return cls("document", len(counts), units.astype(np.int32), columns.astype(np.int32),
                   flat[units, columns].astype(np.int32), len(counts), items, 0)


def merge(parts) -> Counts:
    """The sum of `Counts` of disjoint sets of documents (in any order)."""
    parts = list(parts)
    if not parts:
        raise ValueError("nothing to merge")
    if len({part.unit for part in parts}) > 1:
        raise ValueError(f"cannot merge counts by {' and '.join(sorted({p.unit for p in parts}))}")
    first_units = np.cumsum([0] + [part.n_units for part in parts[:-1]], dtype=np.int64)
    items = parts[0].items
    for part in parts[1:]:
        items = _add_items(items, part.items)
    return Counts(parts[0].unit, sum(p.documents for p in parts),  # one concatenation, not one per part
                  np.concatenate([p.units + np.int32(first) for p, first in zip(parts, first_units)]),
                  np.concatenate([p.columns for p in parts]), np.concatenate([p.values for p in parts]),
                  sum(p.n_units for p in parts), items, sum(p.realis_missing for p in parts))


class Counted(NamedTuple):
    counts: np.ndarray  # documents × KEYS × (tp, fp, fn, partial)
    errors: list[dict]  # with `details` only
    confusion: list[tuple[str, str]]  # with `details` only
    realis_missing: int  # matched triggers without a predicted realis
    items: dict[str, dict[str, int]]  # gold and predicted documents, entities, events, arguments


def _present(values: list) -> list[int]:
    """Indices of the non-empty values."""
    return np.flatnonzero(np.fromiter(map(bool, values), bool, len(values))).tolist()


def _item_counts(documents: int, mentions: list[list], events: list[list]) -> dict[str, int]:
    return {"documents": documents, "entities": sum(map(len, mentions)), "events": sum(map(len, events)),
            "arguments": sum(len(ev.get("arguments") or ()) for evs in events for ev in evs)}


def _count(gold_docs: list[dict], predictions_by_id: dict[str, dict], details: bool,
           unit: str) -> tuple[Counts, list[dict], list[tuple[str, str]]]:
    """Counts, and with `details` the error rows and boundary-matched label pairs. A missing prediction
    predicts nothing. One pass per field over the documents."""
    if unit not in RESAMPLE_UNITS:
        raise ValueError(f"unknown resampling unit {unit!r} (one of {', '.join(RESAMPLE_UNITS)})")
    found = list(map(predictions_by_id.get, map(itemgetter("id"), gold_docs)))
    preds = [pred or _NOTHING for pred in found]
    texts = list(map(itemgetter("text"), gold_docs))
    units = None if unit == "document" else UnitMap(texts, unit)
    # `or ()`: the empty tuple is shared, so documents without items allocate nothing (no GC churn)
    gold_mentions, pred_mentions = ([x.get("entities") or () for x in side] for side in (gold_docs, preds))
    gold_events, pred_events = ([x.get("events") or () for x in side] for side in (gold_docs, preds))
    with_events = sorted(set(_present(gold_events)) | set(_present(pred_events)))
    gold_ev = gold_event_tuples(gold_docs, with_events, units is not None)
    pred_ev = predicted_event_tuples(gold_docs, preds, with_events, units is not None)
    ev_cells, realis_missing = event_cells(gold_ev, pred_ev, units)
    cells = ner_cells(gold_mentions, pred_mentions, list(map(len, texts)), units) + ev_cells
    items = {"gold": _item_counts(len(gold_docs), gold_mentions, [gold_events[d] for d in with_events]),
             "predicted": _item_counts(len(found) - found.count(None), pred_mentions,
                                       [pred_events[d] for d in with_events])}
    n_units = len(gold_docs) if units is None else units.count
    counts = Counts(unit, len(gold_docs), *tally(cells), n_units, items, realis_missing)
    errors, confusion = [], []
    if details:
        for doc, gold, pred in zip(gold_docs, gold_mentions, pred_mentions):
            rows, pairs = ner_errors(doc["id"], doc["text"], align_spans(_spans(gold), _spans(pred)))
            errors += rows
            confusion += pairs
        errors += event_errors(gold_docs, gold_ev, pred_ev)
    return counts, errors, confusion


def count(gold_docs: list[dict], predictions_by_id: dict[str, dict], unit: str = "document") -> Counts:
    """The additive counts of valid predictions (by document id) on gold documents, one row per unit."""
    return _count(gold_docs, predictions_by_id, False, unit)[0]


def count_documents(gold_docs: list[dict], predictions_by_id: dict[str, dict], details: bool = False) -> Counted:
    """Dense count rows (documents × KEYS × 4), and with `details` the error rows and label pairs."""
    counts, errors, confusion = _count(gold_docs, predictions_by_id, details, "document")
    return Counted(counts.dense().astype(np.int32), errors, confusion, counts.realis_missing, counts.items)


def macro_arrays(sums: np.ndarray) -> dict[tuple[str, str], tuple[np.ndarray, ...]]:
    """Macro precision, recall, F1 and type count of summed counts shaped (..., KEYS, 4).

    As seqeval: the mean of per-type scores over the types present in gold or predictions.
    """
    out = {}
    for group, columns in TYPE_COLUMNS.items():
        if not len(columns):
            continue
        per_type = sums[..., columns, :]
        present = per_type.sum(-1) > 0
        n = present.sum(-1)
        means = [np.divide((x * present).sum(-1), n, out=np.zeros(n.shape), where=n > 0)
                 for x in prf_arrays(per_type)]
        out[group] = (*means, n)
    return out


def _score(row: np.ndarray, with_partial: bool, ci: list | None) -> dict:
    p, r, f = (float(x) for x in prf_arrays(row))
    obj = {"precision": p, "recall": r, "f1": f, "tp": int(row[0]), "fp": int(row[1]), "fn": int(row[2])}
    if with_partial:
        obj["partial"] = int(row[3])
    if ci is not None:
        obj["ci"] = ci
    return obj


def build_report(totals: np.ndarray, intervals: dict | None = None) -> dict:
    """The `ner`, `events` and `realis` sections from summed counts (KEYS × 4) and optional CIs."""
    intervals = intervals or {}
    macro = macro_arrays(totals)
    report: dict[str, Any] = {"ner": {}, "events": {}}
    for section, metric in GROUPS:
        with_partial = metric in PARTIAL_MODES
        per_type = {}
        for label in (schema.ENTITY_LABELS if section == "ner" else schema.EVENT_LABELS):
            key = (section, metric, label)
            if key in KEY_INDEX and totals[KEY_INDEX[key]].sum() > 0:
                per_type[label] = _score(totals[KEY_INDEX[key]], with_partial, intervals.get(key))
        macro_obj = None
        if (section, metric) in macro:
            p, r, f, n = (x.item() for x in macro[(section, metric)])
            macro_obj = {"precision": p, "recall": r, "f1": f, "types": int(n)}
            if ("macro", section, metric) in intervals:
                macro_obj["ci"] = intervals[("macro", section, metric)]
        report[section][metric] = {
            "micro": _score(totals[KEY_INDEX[(section, metric, None)]], with_partial,
                            intervals.get((section, metric, None))),
            "macro": macro_obj,
            "per_type": per_type,
        }
    realis = totals[KEY_INDEX[("realis", "accuracy", None)]]
    report["realis"] = {"accuracy": float(prf_arrays(realis)[0]), "correct": int(realis[0]),
                        "total": int(realis[0] + realis[1])}
    if ("realis", "accuracy", None) in intervals:
        report["realis"]["ci"] = intervals[("realis", "accuracy", None)]
    return report


def score(counts: Counts, bootstrap: int = 0, seed: int = 0, problems: list | tuple = ()) -> dict:
    """The report of (merged) counts; `problems` (from validation) are counted in it."""
    from gaiko.eval.bootstrap import intervals as bootstrap_intervals, small_sample_warning
    from gaiko.predictions import rejection_counts

    intervals = bootstrap_intervals(counts, bootstrap, seed) if bootstrap else None
    report = build_report(counts.totals(), intervals)
    report["realis"]["missing"] = counts.realis_missing
    report["documents"] = counts.documents
    report["counts"] = {
        **counts.items,
        "documents_without_prediction": counts.documents - counts.items["predicted"]["documents"],
        **rejection_counts(problems),
        "bootstrap": {"resamples": bootstrap, "seed": seed, "confidence": 0.95, "unit": counts.unit,
                      "units": counts.n_units, "warning": small_sample_warning(counts.n_units, counts.unit)}
        if bootstrap else None,
    }
    return report


def evaluate(gold_docs: list[dict], predictions_by_id: dict[str, dict], bootstrap: int = 0, seed: int = 0,
             problems: list | tuple = (), details: bool = True, unit: str = "document") -> Evaluation:
    """Score valid predictions against gold documents; `problems` (from validation) are counted in the
    report; `details` also lists every error and the type confusion (for `write_report`)."""
    counts, errors, confusion = _count(gold_docs, predictions_by_id, details, unit)
    return Evaluation(score(counts, bootstrap, seed, problems), counts.dense().astype(np.int32), errors, confusion)


def score_documents(gold_docs: list[dict], predictions_by_id: dict[str, dict], bootstrap: int = 0,
                    seed: int = 0, problems: list | tuple = (), unit: str = "document") -> dict:
    """The report dict for valid predictions (see `gaiko.predictions.load_predictions`)."""
    return score(count(gold_docs, predictions_by_id, unit), bootstrap, seed, problems)
