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

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

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
    """All documents' spans of one side as arrays, in corpus coordinates (document offset + start), so
    that spans of different documents never overlap and the whole corpus is matched in one pass."""

    _LABEL_IDS = {label: i for i, label in enumerate(schema.ENTITY_LABELS)}

    def __init__(self, per_doc: list[list[dict]], offsets: np.ndarray):
        flat = [m for mentions in per_doc for m in mentions]
        doc = np.repeat(np.arange(len(per_doc)), [len(mentions) for mentions in per_doc])
        start = np.array([m["start"] for m in flat], dtype=np.int64) + offsets[doc]
        end = np.array([m["end"] for m in flat], dtype=np.int64) + offsets[doc]
        label = np.array([self._LABEL_IDS[m["label"]] for m in flat], dtype=np.int64)
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


def ner_count_rows(gold_per_doc: list[list[dict]], pred_per_doc: list[list[dict]],
                   lengths: list[int]) -> dict[tuple[str, str, str | None], np.ndarray]:
    """Per-document counts (documents × 4) of every NER mode, micro and per type.

    Equal boundaries are found by hashing, the remaining spans by the overlap sweep (equal-boundary
    pairs are isolated in the overlap graph of flat spans, so they need no sweep). Per type, a mode
    is computed on the spans of that type only (on both sides), as nervaluate does; so in the strict
    and type modes the per-type counts add up to the micro counts, while in the exact and partial
    modes a boundary match between two different types counts only in micro.
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

    og, _ = _residual_matching(gold, pred, unmatched(gold, gi), unmatched(pred, pj))
    free_g, free_p = unmatched(gold, gi[same]), unmatched(pred, pj[same])
    typed_g = [_residual_matching(gold, pred, free_g[gold.label[free_g] == k], free_p[pred.label[free_p] == k])[0]
               for k in range(n_labels)]
    typed_g = np.concatenate([gi[same], *typed_g])

    def per_doc_label(docs: np.ndarray, labels: np.ndarray) -> np.ndarray:
        return np.bincount(docs * n_labels + labels, minlength=n_docs * n_labels).reshape(n_docs, n_labels)

    n_gold, n_pred = per_doc_label(gold.doc, gold.label), per_doc_label(pred.doc, pred.label)
    strict = per_doc_label(gold.doc[gi[same]], gold.label[gi[same]])
    typed = per_doc_label(gold.doc[typed_g], gold.label[typed_g])
    exact = np.bincount(gold.doc[gi], minlength=n_docs)
    overlap = np.bincount(gold.doc[og], minlength=n_docs)

    def prf(tp, partial, n_g, n_p) -> np.ndarray:
        return np.stack([tp, n_p - tp - partial, n_g - tp - partial, partial], axis=-1)

    zero, total_g, total_p = np.zeros_like(exact), n_gold.sum(1), n_pred.sum(1)
    micro = {"strict": prf(strict.sum(1), zero, total_g, total_p), "exact": prf(exact, zero, total_g, total_p),
             "partial": prf(exact, overlap, total_g, total_p), "type": prf(typed.sum(1), zero, total_g, total_p)}
    per_type = {"strict": prf(strict, 0 * strict, n_gold, n_pred), "exact": prf(strict, 0 * strict, n_gold, n_pred),
                "partial": prf(strict, typed - strict, n_gold, n_pred), "type": prf(typed, 0 * typed, n_gold, n_pred)}
    out = {("ner", mode, None): rows for mode, rows in micro.items()}
    for mode, rows in per_type.items():
        out.update({("ner", mode, label): rows[:, k] for k, label in enumerate(schema.ENTITY_LABELS)})
    return out


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

@dataclass
class EventTuples:
    """One side's event tuples for every metric, each tuple starting with its event type."""

    sets: dict[str, set[tuple]] = field(default_factory=lambda: {m: set() for m in EVENT_METRICS})
    realis: dict[tuple, set[str]] = field(default_factory=lambda: defaultdict(set))


def _add_event(t: EventTuples, etype: str, trigger: tuple[int, int], realis: str | None,
               arguments: list[tuple[str, int, int, Any]]) -> None:
    s = t.sets
    s["trigger_identification"].add((None, *trigger))
    s["trigger_classification"].add((etype, *trigger))
    if realis is not None:
        t.realis[(etype, *trigger)].add(realis)
    for role, start, end, entity in arguments:
        s["argument_identification"].add((etype, start, end))
        s["argument_classification"].add((etype, start, end, role))
        s["argument_identification_attached"].add((etype, *trigger, start, end))
        s["argument_classification_attached"].add((etype, *trigger, start, end, role))
        s["argument_classification_coref"].add((etype, entity, role))


def _entity_key(mention: dict) -> tuple:
    """A gold mention's canonical entity: its entity_id, or the mention itself when it has none."""
    eid = mention.get("entity_id")
    return ("entity", eid) if eid is not None else ("mention", mention["id"])


def gold_event_tuples(doc: dict) -> EventTuples:
    mentions, t = mention_index(doc), EventTuples()
    for ev in doc.get("events") or []:
        args = []
        for arg in ev.get("arguments") or []:
            m = mentions[arg["mention_id"]]
            args.append((arg["role"], m["start"], m["end"], _entity_key(m)))
        _add_event(t, ev["type"], (ev["trigger"]["start"], ev["trigger"]["end"]), ev["realis"], args)
    return t


def predicted_event_tuples(doc: dict, pred: dict) -> EventTuples:
    """A predicted argument resolves to the entity of the gold mention with the same offsets, if any."""
    by_span = {(m["start"], m["end"]): m for m in doc.get("entities") or []}
    t = EventTuples()
    for ev in pred.get("events") or []:
        args = []
        for arg in ev.get("arguments") or []:
            span = (arg["start"], arg["end"])
            entity = _entity_key(by_span[span]) if span in by_span else ("span", *span)
            args.append((arg["role"], *span, entity))
        _add_event(t, ev["type"], (ev["trigger"]["start"], ev["trigger"]["end"]), ev.get("realis"), args)
    return t


def event_counts(gold: EventTuples, pred: EventTuples) -> tuple[dict, dict]:
    """Counts of every event metric (micro and per event type) and realis counts, for one document."""
    out: dict[tuple[str, str, str | None], PRF] = {}
    for metric in EVENT_METRICS:
        g, p = gold.sets[metric], pred.sets[metric]
        hits = g & p
        out[("events", metric, None)] = PRF(len(hits), len(p) - len(hits), len(g) - len(hits))
        if metric == "trigger_identification":
            continue
        n_g, n_p, n_hit = (Counter(x[0] for x in s) for s in (g, p, hits))
        for label in n_g.keys() | n_p.keys():
            out[("events", metric, label)] = PRF(n_hit[label], n_p[label] - n_hit[label], n_g[label] - n_hit[label])
    matched = gold.sets["trigger_classification"] & pred.sets["trigger_classification"]
    correct = sum(1 for k in matched if pred.realis.get(k, set()) & gold.realis[k])
    missing = sum(1 for k in matched if k not in pred.realis)
    out[("realis", "accuracy", None)] = PRF(correct, len(matched) - correct, 0)
    return out, {"missing": missing}


def event_errors(doc_id: str, text: str, gold: EventTuples, pred: EventTuples) -> list[dict]:
    """Trigger errors (wrong type, missed, spurious) and argument errors (wrong role, missed, spurious).

    Trigger tuples (type, start, end) pair up by offsets; argument tuples (type, start, end, role) by
    (type, offsets), so a right span with a wrong type or role is one row, not a miss plus a spurious.
    """
    g, p = gold.sets["trigger_classification"], pred.sets["trigger_classification"]
    rows = _regroup(doc_id, text, g, p, lambda x: x[1:3], lambda x: (x[1], x[2], x[0]), "trigger", "type")
    g, p = gold.sets["argument_classification"], pred.sets["argument_classification"]
    return rows + _regroup(doc_id, text, g, p, lambda x: x[:3], lambda x: (x[1], x[2], f"{x[0]}/{x[3]}"),
                           "argument", "role")


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


def count_documents(gold_docs: list[dict], predictions_by_id: dict[str, dict],
                    details: bool = False) -> tuple[np.ndarray, list, list, int]:
    """Count rows (documents × KEYS × 4), and with `details` the error rows and boundary-matched label
    pairs; plus how many matched triggers had no predicted realis. A missing prediction predicts nothing."""
    preds = [predictions_by_id.get(doc["id"]) or {} for doc in gold_docs]
    gold_mentions = [doc.get("entities") or [] for doc in gold_docs]
    pred_mentions = [pred.get("entities") or [] for pred in preds]
    counts = np.zeros((len(gold_docs), len(KEYS), 4), dtype=np.int32)
    for key, rows in ner_count_rows(gold_mentions, pred_mentions, [len(doc["text"]) for doc in gold_docs]).items():
        counts[:, KEY_INDEX[key]] = rows
    errors, confusion, realis_missing = [], [], 0
    if details:
        for doc, gold, pred in zip(gold_docs, gold_mentions, pred_mentions):
            rows, pairs = ner_errors(doc["id"], doc["text"], align_spans(_spans(gold), _spans(pred)))
            errors += rows
            confusion += pairs
    with_events = [d for d, (doc, pred) in enumerate(zip(gold_docs, preds)) if doc.get("events") or pred.get("events")]
    for d in with_events:
        doc, pred = gold_docs[d], preds[d]
        gold_ev, pred_ev = gold_event_tuples(doc), predicted_event_tuples(doc, pred)
        ev_counts, realis = event_counts(gold_ev, pred_ev)
        for key, prf in ev_counts.items():
            counts[d, KEY_INDEX[key]] = (prf.tp, prf.fp, prf.fn, prf.partial)
        realis_missing += realis["missing"]
        if details:
            errors += event_errors(doc["id"], doc["text"], gold_ev, pred_ev)
    return counts, errors, confusion, realis_missing


_TYPE_COLUMNS: dict[tuple[str, str], np.ndarray] = {
    group: np.array([KEY_INDEX[k] for k in KEYS if k[:2] == group and k[2] is not None], dtype=int)
    for group in GROUPS
}


def macro_arrays(sums: np.ndarray) -> dict[tuple[str, str], tuple[np.ndarray, ...]]:
    """Macro precision, recall, F1 and type count of summed counts shaped (..., KEYS, 4).

    As seqeval: the mean of per-type scores over the types present in gold or predictions.
    """
    out = {}
    for group, columns in _TYPE_COLUMNS.items():
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


def _item_counts(docs: list[dict]) -> dict[str, int]:
    events = [ev for doc in docs if doc.get("events") for ev in doc["events"]]
    return {"documents": len(docs), "entities": sum(len(doc.get("entities") or ()) for doc in docs),
            "events": len(events), "arguments": sum(len(ev.get("arguments") or ()) for ev in events)}


def evaluate(gold_docs: list[dict], predictions_by_id: dict[str, dict], bootstrap: int = 0, seed: int = 0,
             problems: list | tuple = (), details: bool = True) -> Evaluation:
    """Score valid predictions against gold documents; `problems` (from validation) are counted in the
    report; `details` also lists every error and the type confusion (for `write_report`)."""
    from gaiko.eval.bootstrap import intervals as bootstrap_intervals
    from gaiko.eval.predictions import rejection_counts

    gold_ids = {doc["id"] for doc in gold_docs}
    scored = [p for doc_id, p in predictions_by_id.items() if doc_id in gold_ids]
    counts, errors, confusion, realis_missing = count_documents(gold_docs, predictions_by_id, details)
    intervals = bootstrap_intervals(counts, bootstrap, seed) if bootstrap else None
    report = build_report(counts.sum(0), intervals)
    report["realis"]["missing"] = realis_missing
    report["documents"] = len(gold_docs)
    report["counts"] = {
        "gold": _item_counts(gold_docs),
        "predicted": _item_counts(scored),
        "documents_without_prediction": len(gold_ids - predictions_by_id.keys()),
        **rejection_counts(problems),
        "bootstrap": {"resamples": bootstrap, "seed": seed, "confidence": 0.95} if bootstrap else None,
    }
    return Evaluation(report, counts, errors, confusion)


def score_documents(gold_docs: list[dict], predictions_by_id: dict[str, dict], bootstrap: int = 0,
                    seed: int = 0, problems: list | tuple = ()) -> dict:
    """The report dict for valid predictions (see `gaiko.eval.predictions.load_predictions`)."""
    return evaluate(gold_docs, predictions_by_id, bootstrap, seed, problems, details=False).report
