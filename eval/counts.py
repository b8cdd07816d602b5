"""Additive match counts: the named record `PRF`, and the count arrays the scorer sums at speed.

Every score is computed from counts (tp, fp, fn, partial) found per unit (a document, paragraph or
sentence) and then summed, so a corpus score, a per-type score and a bootstrap resample all come from
the same sums (never from averaged per-unit scores).

Two views of the same counts:

- `PRF(tp, fp, fn, partial)` is one row of counts by name; records add up with `+` and `sum()` and
  give precision, recall and F1. Code that reads a count reads it here.
- The array kernel holds every row of a corpus at once for speed: a row has one column per `KEYS`
  entry (section, metric, label; label None = micro) times the four fields TP, FP, FN, PARTIAL.
  `Counts` keeps the rows sparse, `totals()` sums them, and `Totals` reads a summed row as a `PRF`.
  Only the matching (`gaiko.eval.matching`) and the bootstrap address the arrays by index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from gaiko import schema
from gaiko.tuples import EVENT_METRICS

NER_MODES = ("strict", "exact", "partial", "type")
# Modes whose score object carries a partial-credit count.
PARTIAL_MODES = frozenset({"partial"})
ITEM_KINDS = ("documents", "entities", "events", "arguments")

Key = tuple[str, str, str | None]  # (section, metric, label); label None = micro


@dataclass(frozen=True)
class PRF:
    """Additive match counts (in the spirit of spaCy's PRFScore); `partial` matches earn half credit.

    precision = (tp + partial/2) / (tp + partial + fp), recall = (tp + partial/2) / (tp + partial + fn),
    which is SemEval-2013 9.1's (COR + 0.5 PAR) / ACT and / POS with fp = INC + SPU, fn = INC + MIS.
    Each is 0 when undefined. Realis accuracy is kept as tp = correct, fp = wrong: its precision.
    The arithmetic is that of `prf_arrays`, operation for operation, so both give the same floats.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    partial: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.partial + other.partial)

    def __radd__(self, other: PRF | int) -> PRF:  # sum() starts from 0
        return self if other == 0 else self + other

    @property
    def _credit(self) -> float:
        return float(self.tp) + 0.5 * float(self.partial)

    @property
    def precision(self) -> float:
        predicted = float(self.tp) + float(self.partial) + float(self.fp)
        return self._credit / predicted if predicted > 0 else 0.0

    @property
    def recall(self) -> float:
        gold = float(self.tp) + float(self.partial) + float(self.fn)
        return self._credit / gold if gold > 0 else 0.0

    @property
    def f1(self) -> float:
        precision, recall = self.precision, self.recall
        both = precision + recall
        return 2 * precision * recall / both if both > 0 else 0.0

    @property
    def empty(self) -> bool:
        return not (self.tp or self.fp or self.fn or self.partial)

    @classmethod
    def of_row(cls, row: np.ndarray) -> PRF:
        """The record of one count row (tp, fp, fn, partial) of the arrays."""
        tp, fp, fn, partial = row.tolist()
        return cls(int(tp), int(fp), int(fn), int(partial))


def prf_arrays(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`PRF`'s precision, recall and F1 for count arrays shaped (..., 4) = (tp, fp, fn, partial)."""
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

def _layout() -> list[Key]:
    keys: list[Key] = []
    for mode in NER_MODES:
        keys += [("ner", mode, None)] + [("ner", mode, label) for label in schema.ENTITY_LABELS]
    for metric in EVENT_METRICS:
        labels = () if metric == "trigger_identification" else schema.EVENT_LABELS
        keys += [("events", metric, None)] + [("events", metric, label) for label in labels]
    return keys + [("realis", "accuracy", None)]


KEYS: tuple[Key, ...] = tuple(_layout())
KEY_INDEX: dict[Key, int] = {k: i for i, k in enumerate(KEYS)}
REALIS: Key = ("realis", "accuracy", None)
GROUPS: tuple[tuple[str, str], ...] = tuple(dict.fromkeys((s, m) for s, m, _ in KEYS if s != "realis"))
TYPE_COLUMNS: dict[tuple[str, str], np.ndarray] = {  # per (section, metric): the column of each type, in schema order
    group: np.array([KEY_INDEX[k] for k in KEYS if k[:2] == group and k[2] is not None], dtype=np.int64)
    for group in GROUPS
}
TP, FP, FN, PARTIAL = range(4)  # the fields of a count row
WIDTH = len(KEYS) * 4  # the columns of a flat count row


def cells(rows: np.ndarray, columns: np.ndarray | int, field: int) -> np.ndarray:
    """Flat indices into a rows × KEYS × 4 array: one per count increment."""
    return (rows * len(KEYS) + columns) * 4 + field


def tally(increments: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse count rows from count increments: (row, flat column, count) of every non-zero count,
    ordered by row, then column; 12 bytes per count."""
    flat = np.concatenate(increments) if increments else np.zeros(0, np.int64)
    if len(flat) and flat.max() < min(16 * len(flat), 1 << 23):  # cells not much sparser than the increments:
        counts = np.bincount(flat)  # count per cell, not sort the increments
        flat = np.flatnonzero(counts)
        values = counts[flat]
    else:
        flat, values = np.unique(flat, return_counts=True)
    return (flat // WIDTH).astype(np.int32), (flat % WIDTH).astype(np.int32), values.astype(np.int32)


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


@dataclass(frozen=True)
class Macro:
    """Macro precision, recall and F1 of one (section, metric): the mean over the types present."""

    precision: float
    recall: float
    f1: float
    types: int


class Totals:
    """Summed counts (KEYS × 4) read by name."""

    def __init__(self, sums: np.ndarray):
        self._sums = sums
        self._macro = macro_arrays(sums)

    def __getitem__(self, key: Key) -> PRF:
        return PRF.of_row(self._sums[KEY_INDEX[key]])

    def __contains__(self, key: Key) -> bool:
        return key in KEY_INDEX

    def macro(self, section: str, metric: str) -> Macro | None:
        """None for a metric without types (trigger identification)."""
        if (section, metric) not in self._macro:
            return None
        p, r, f, n = (x.item() for x in self._macro[(section, metric)])
        return Macro(p, r, f, int(n))


# ---------------------------------------------------------------------------------------------
# Sparse count rows of a corpus

@dataclass(frozen=True)
class Items:
    """How many documents, entities, events and arguments one side (gold or predicted) holds."""

    documents: int = 0
    entities: int = 0
    events: int = 0
    arguments: int = 0

    def __add__(self, other: Items) -> Items:
        return Items(self.documents + other.documents, self.entities + other.entities,
                     self.events + other.events, self.arguments + other.arguments)

    def as_dict(self) -> dict[str, int]:
        return {kind: getattr(self, kind) for kind in ITEM_KINDS}


@dataclass(frozen=True)
class Counts:
    """The additive unit of scoring: a sparse count row per resampling unit, and what was scored.

    `gaiko.eval.matching.count` makes one from any set of documents and `merge` (or `+`) adds them up,
    so a corpus can be scored as a map over its parts and a sum (Spark, Dask, Ray; see the README).
    `gaiko.eval.metrics.score` gives the report: its point scores come from the summed rows, its
    bootstrap from the multiset of rows (never their order), so the merged parts score exactly as the
    whole: `score(merge(parts))`.
    """

    unit: str
    documents: int
    units: np.ndarray  # (entries,) unit index of each non-zero count, ascending
    columns: np.ndarray  # (entries,) flat column (key index · 4 + field), ascending within a unit
    values: np.ndarray  # (entries,) the count
    n_units: int
    gold: Items  # what the gold documents hold
    predicted: Items  # what the predictions hold
    realis_missing: int  # matched triggers without a predicted realis

    def __add__(self, other: Counts) -> Counts:
        return merge([self, other])

    @property
    def items(self) -> dict[str, dict[str, int]]:
        """The gold and predicted item counts as the report shows them."""
        return {"gold": self.gold.as_dict(), "predicted": self.predicted.as_dict()}

    def totals(self) -> np.ndarray:
        """The summed counts, shaped KEYS × 4."""
        return np.bincount(self.columns, self.values, WIDTH).astype(np.int64).reshape(len(KEYS), 4)

    def summed(self) -> Totals:
        """The summed counts, read by name."""
        return Totals(self.totals())

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
        return cls("document", len(counts), units.astype(np.int32), columns.astype(np.int32),
                   flat[units, columns].astype(np.int32), len(counts), Items(), Items(), 0)


def merge(parts: Iterable[Counts]) -> Counts:
    """The sum of `Counts` of disjoint sets of documents (in any order)."""
    parts = list(parts)
    if not parts:
        raise ValueError("nothing to merge")
    if len({part.unit for part in parts}) > 1:
        raise ValueError(f"cannot merge counts by {' and '.join(sorted({p.unit for p in parts}))}")
    first_units = np.cumsum([0] + [part.n_units for part in parts[:-1]], dtype=np.int64)
    return Counts(parts[0].unit, sum(p.documents for p in parts),  # one concatenation, not one per part
                  np.concatenate([p.units + np.int32(first) for p, first in zip(parts, first_units, strict=True)]),
                  np.concatenate([p.columns for p in parts]), np.concatenate([p.values for p in parts]),
                  sum(p.n_units for p in parts), sum((p.gold for p in parts), Items()),
                  sum((p.predicted for p in parts), Items()), sum(p.realis_missing for p in parts))


def type_scores(totals: Totals, section: str, metric: str) -> Mapping[str, PRF]:
    """The counts of each type with any count, in schema order."""
    labels = schema.ENTITY_LABELS if section == "ner" else schema.EVENT_LABELS
    found = {}
    for label in labels:
        key = (section, metric, label)
        if key in totals and not (prf := totals[key]).empty:
            found[label] = prf
    return found
