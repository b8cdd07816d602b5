"""Inter-annotator agreement from a Label Studio JSON export (the open-source edition computes none).

Which annotations are compared: per task, the non-cancelled annotations that are not marked ground truth,
when there are at least two of them (a ground-truth annotation is then the adjudication, not an annotator);
otherwise all non-cancelled annotations, so marking one annotator's work as ground truth keeps the pair.
Every pair of compared annotations counts (two annotators → one pair). Scores are symmetric, so which
annotator is "a" does not matter: span F1 is 2·matches / (spans of a + spans of b).
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from sklearn.metrics import cohen_kappa_score

from gaiko import schema
from gaiko.annotation.convert import ConversionReport, ExportTask, annotation_to_document
from gaiko.documents import entity_spans, trigger_spans

OUTSIDE = "O"


def _annotator(annotation: dict) -> str:
    who = annotation.get("completed_by")
    return who.get("email", str(who.get("id"))) if isinstance(who, dict) else f"user {who}"


def compared_annotations(raw_task: dict, exclude_ground_truth: bool = False) -> list[dict]:
    """The annotations to compare: the non-ground-truth ones when two remain, else all live ones —
    unless the ground truth is a separate adjudication (`exclude_ground_truth`), which never counts."""
    live = [a for a in raw_task.get("annotations") or [] if not a.get("was_cancelled")]
    annotators = [a for a in live if not a.get("ground_truth")]
    chosen = annotators if len(annotators) >= 2 or exclude_ground_truth else live
    return sorted(chosen, key=lambda a: a.get("id")) if len(chosen) >= 2 else []


def _f1(matches: int, n_a: int, n_b: int) -> float | None:
    return None if n_a + n_b == 0 else 2 * matches / (n_a + n_b)


def _overlap_f1(a_hit: int, b_hit: int, n_a: int, n_b: int) -> float | None:
    """F1 where a span counts as found when a span of the same type overlaps it (P over b, R over a)."""
    if n_a + n_b == 0:
        return None
    p, r = (b_hit / n_b if n_b else 0.0), (a_hit / n_a if n_a else 0.0)
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _char_labels(doc: dict, spans: list[tuple[int, int, str]]) -> list[str]:
    labels = [OUTSIDE] * len(doc["text"])
    for start, end, label in spans:
        labels[start:end] = [label] * (end - start)
    return labels


def _arguments(doc: dict) -> list[tuple]:
    mentions = {m["id"]: m for m in doc["entities"]}
    return [(e["trigger"]["start"], e["trigger"]["end"], e["type"], a["role"],
             mentions[a["mention_id"]]["start"], mentions[a["mention_id"]]["end"])
            for e in doc["events"] for a in e["arguments"]]


def _overlaps(span: tuple, others: list[tuple]) -> bool:
    return any(o[2] == span[2] and o[0] < span[1] and span[0] < o[1] for o in others)


def _kappa(a: list[str], b: list[str]) -> float | None:
    if not a:
        return None
    if len(set(a) | set(b)) < 2:
        return None  # one label everywhere: kappa is undefined
    return float(cohen_kappa_score(a, b))


def _differences(items_a: list[tuple], items_b: list[tuple], key, value):
    """(key, value in a, value in b) for every key whose values differ between the two annotations."""
    by_a, by_b = _by_key(items_a, key, value), _by_key(items_b, key, value)
    for k in sorted(by_a.keys() | by_b.keys()):
        if by_a.get(k) != by_b.get(k):
            yield k, by_a.get(k), by_b.get(k)


def _by_key(items: list[tuple], key, value) -> dict:
    grouped: dict = {}
    for item in items:
        grouped.setdefault(key(item), []).append(value(item))
    return {k: "/".join(sorted(v)) for k, v in grouped.items()}


class _Tally:
    def __init__(self) -> None:
        self.per_type: dict[str, Counter] = {}
        self.counts = Counter()
        self.chars = {"entity": ([], []), "trigger": ([], [])}
        self.disagreements: list[dict] = []

    def add_pair(self, where: dict, doc_a: dict, doc_b: dict) -> None:
        text = doc_a["text"]

        def note(kind: str, start: int, end: int, a: Any, b: Any, **extra: Any) -> None:
            self.disagreements.append({**where, "kind": kind, "start": start, "end": end, "text": text[start:end],
                                       "a": a, "b": b, **extra})

        ents_a, ents_b = entity_spans(doc_a["entities"]), entity_spans(doc_b["entities"])
        for label in schema.ENTITY_LABELS:
            sa = [s for s in ents_a if s[2] == label]
            sb = [s for s in ents_b if s[2] == label]
            c = self.per_type.setdefault(label, Counter())
            c.update(a=len(sa), b=len(sb), strict=len(set(sa) & set(sb)),
                     a_overlapped=sum(_overlaps(s, sb) for s in sa), b_overlapped=sum(_overlaps(s, sa) for s in sb))
        for kind, key, spans in (("entity", "entities", entity_spans), ("trigger", "events", trigger_spans)):
            self.chars[kind][0].extend(_char_labels(doc_a, spans(doc_a[key])))
            self.chars[kind][1].extend(_char_labels(doc_b, spans(doc_b[key])))

        for span, a, b in _differences(ents_a, ents_b, lambda s: s[:2], lambda s: s[2]):
            note("entity", *span, a, b)

        trig_a, trig_b = trigger_spans(doc_a["events"]), trigger_spans(doc_b["events"])
        self.counts.update(trigger_a=len(trig_a), trigger_b=len(trig_b), trigger_matches=len(set(trig_a) & set(trig_b)))
        for span, a, b in _differences(trig_a, trig_b, lambda s: s[:2], lambda s: s[2]):
            note("trigger", *span, a, b)

        args_a, args_b = _arguments(doc_a), _arguments(doc_b)
        self.counts.update(argument_a=len(args_a), argument_b=len(args_b),
                           argument_matches=len(set(args_a) & set(args_b)))
        for key, a, b in _differences(args_a, args_b, lambda t: (t[0], t[1], t[4], t[5]), lambda t: f"{t[2]}:{t[3]}"):
            note("argument", key[2], key[3], a, b, trigger={"start": key[0], "end": key[1], "text": text[key[0]:key[1]]})

        realis_a = {(e["trigger"]["start"], e["trigger"]["end"], e["type"]): e["realis"] for e in doc_a["events"]}
        realis_b = {(e["trigger"]["start"], e["trigger"]["end"], e["type"]): e["realis"] for e in doc_b["events"]}
        for key in sorted(realis_a.keys() & realis_b.keys()):
            self.counts.update(realis_matched=1, realis_agree=realis_a[key] == realis_b[key])
            if realis_a[key] != realis_b[key]:
                note("realis", key[0], key[1], realis_a[key], realis_b[key], type=key[2])

        ids_a = {(m["start"], m["end"], m["label"]): m.get("entity_id") for m in doc_a["entities"]}
        ids_b = {(m["start"], m["end"], m["label"]): m.get("entity_id") for m in doc_b["entities"]}
        for key in sorted(k for k in ids_a.keys() & ids_b.keys() if k[2] in schema.COREF_LABELS):
            self.counts.update(entity_id_matched=1, entity_id_agree=ids_a[key] == ids_b[key])
            if ids_a[key] != ids_b[key]:
                note("entity_id", key[0], key[1], ids_a[key], ids_b[key], label=key[2])


def _rate(agree: int, matched: int) -> dict:
    return {"matched": matched, "agree": agree, "agreement": agree / matched if matched else None}


def agreement(export: list[dict], source: str, exclude_ground_truth: bool = False) -> dict:
    """Agreement between annotators of every task annotated at least twice, and every disagreement."""
    tally, tasks_compared, pairs = _Tally(), 0, 0
    for raw_task in export:
        annotations = compared_annotations(raw_task, exclude_ground_truth)
        if not annotations:
            continue
        task = ExportTask(raw_task, source)
        docs = [(_annotator(a), a.get("id"), annotation_to_document(task, a, ConversionReport()))
                for a in annotations]
        tasks_compared += 1
        for (who_a, id_a, doc_a), (who_b, id_b, doc_b) in itertools.combinations(docs, 2):
            pairs += 1
            tally.add_pair({"task": task.id, "doc_id": task.doc_id, "annotators": [who_a, who_b],
                            "annotations": [id_a, id_b]}, doc_a, doc_b)

    per_type, total = [], Counter()
    for label in schema.ENTITY_LABELS:
        c = tally.per_type.get(label, Counter())
        total.update(c)
        if c["a"] or c["b"]:
            per_type.append({"label": label, "a": c["a"], "b": c["b"], "strict_matches": c["strict"],
                             "strict_f1": _f1(c["strict"], c["a"], c["b"]),
                             "overlap_f1": _overlap_f1(c["a_overlapped"], c["b_overlapped"], c["a"], c["b"])})
    n = tally.counts
    return {
        "tasks_compared": tasks_compared,
        "pairs": pairs,
        "entities": {"a": total["a"], "b": total["b"], "strict_matches": total["strict"],
                     "strict_f1": _f1(total["strict"], total["a"], total["b"]),
                     "overlap_f1": _overlap_f1(total["a_overlapped"], total["b_overlapped"], total["a"], total["b"]),
                     "per_type": per_type},
        "kappa": {kind: _kappa(*labels) for kind, labels in tally.chars.items()},
        "triggers": {"a": n["trigger_a"], "b": n["trigger_b"], "matches": n["trigger_matches"],
                     "f1": _f1(n["trigger_matches"], n["trigger_a"], n["trigger_b"])},
        "arguments": {"a": n["argument_a"], "b": n["argument_b"], "matches": n["argument_matches"],
                      "f1": _f1(n["argument_matches"], n["argument_a"], n["argument_b"])},
        "realis": _rate(n["realis_agree"], n["realis_matched"]),
        "entity_id": _rate(n["entity_id_agree"], n["entity_id_matched"]),
        "disagreements": tally.disagreements,
    }
