"""Span and event metrics: hand-computed examples, seqeval equality, nervaluate's two bugs."""

from __future__ import annotations

import random
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from gaiko.bio import spans_to_bio
from gaiko.columns import gold_side, gold_views, predicted_side, predicted_views
from gaiko.eval.metrics import (KEY_INDEX, PRF, WIDTH, count_documents, ner_cells, overlap_matching, score_documents,
                                tally)

from support.documents import EVENT_GOLD, EVENT_PRED, LETTERS, NER_GOLD, NER_PRED, ents, make_doc, pred_event


def micro(report: dict, mode: str) -> dict:
    return report["ner"][mode]["micro"]


# ------------------------------------------------------------------------------------------ NER

# NER_GOLD, NER_PRED (support.documents):
# Gold: G1 0-3 PERSON, G2 5-8 GPE, G3 10-14 ORG, G4 16-18 DATE, G5 20-22 GPE.
# Pred: P1 0-3 PERSON (exact, right type), P2 5-8 ORG (exact, wrong type), P3 10-12 ORG (overlap, right type),
#       P4 15-17 TIME (overlap, wrong type), P5 24-26 GPE (spurious); G5 is missed.


@pytest.mark.parametrize("mode, tp, partial, fp, fn, precision", [
    ("strict", 1, 0, 4, 4, 0.2),   # only P1
    ("exact", 2, 0, 3, 3, 0.4),    # P1, P2
    ("partial", 2, 2, 1, 1, 0.6),  # (2 + 0.5 * 2) / 5
    ("type", 2, 0, 3, 3, 0.4),     # P1, P3
])
def test_ner_modes_hand_computed(mode, tp, partial, fp, fn, precision):
    score = micro(score_documents([NER_GOLD], NER_PRED), mode)
    assert (score["tp"], score.get("partial", 0), score["fp"], score["fn"]) == (tp, partial, fp, fn)
    assert score["precision"] == pytest.approx(precision) and score["recall"] == pytest.approx(precision)


def test_ner_per_type_and_macro_hand_computed():
    report = score_documents([NER_GOLD], NER_PRED)
    strict = report["ner"]["strict"]
    # Types present in gold or predictions: PERSON, GPE, ORG, DATE, TIME; only PERSON scores (F = 1).
    assert set(strict["per_type"]) == {"PERSON", "GPE", "ORG", "DATE", "TIME"}
    assert strict["macro"]["f1"] == pytest.approx(1 / 5) and strict["macro"]["types"] == 5
    # type mode, ORG: gold G3; predicted P2, P3 → tp 1, fp 1 → P 0.5, R 1, F 2/3; macro (1 + 2/3) / 5.
    org = report["ner"]["type"]["per_type"]["ORG"]
    assert (org["tp"], org["fp"], org["fn"]) == (1, 1, 0) and org["f1"] == pytest.approx(2 / 3)
    assert report["ner"]["type"]["macro"]["f1"] == pytest.approx((1 + 2 / 3) / 5)
    # partial mode, ORG alone: P3 overlaps G3 (partial), P2 spurious → P 0.5/2, R 0.5/1.
    org = report["ner"]["partial"]["per_type"]["ORG"]
    assert org["precision"] == pytest.approx(0.25) and org["recall"] == pytest.approx(0.5)


def test_prf_adds_and_keeps_partial_credit():
    total = PRF(1, 2, 3, 1) + PRF(0, 0, 1, 1)
    assert total == PRF(1, 2, 4, 2)
    assert total.precision == pytest.approx((1 + 1) / 5) and total.recall == pytest.approx(2 / 7)
    assert PRF().f1 == 0.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*[st.integers(0, 50)] * 4), min_size=1, max_size=5))
def test_prf_sums_score_as_the_count_arrays(rows):
    """`sum()` of records equals the summed array row, and the scores are the array kernel's, to the bit."""
    from gaiko.eval.counts import prf_arrays

    total = sum(PRF(*row) for row in rows)
    summed = np.array(rows).sum(0)
    assert total == PRF(*summed.tolist())
    assert (total.precision, total.recall, total.f1) == tuple(float(x) for x in prf_arrays(summed))


def test_nervaluate_bug_partial_credit_across_documents():
    """One partial match per document over two documents is P = R = 0.5 in partial mode.

    nervaluate 1.1 lost the partial credit when merging documents (P = 0); the 1.2.1 installed here
    agrees with us again, which this test also records.
    """
    gold = [make_doc(d, "abcdef", [(0, 4, "PERSON")]) for d in ("a", "b")]
    pred = {d: {"id": d, "entities": ents((0, 2, "PERSON"))} for d in ("a", "b")}
    score = micro(score_documents(gold, pred), "partial")
    assert (score["tp"], score["partial"], score["fp"], score["fn"]) == (0, 2, 0, 0)
    assert score["precision"] == score["recall"] == 0.5
    theirs = Evaluator([[{"label": "PERSON", "start": 0, "end": 3}]] * 2,
                       [[{"label": "PERSON", "start": 0, "end": 1}]] * 2, tags=["PERSON"]).evaluate()
    assert theirs["overall"]["partial"].precision == score["precision"]


def test_nervaluate_bug_matching_depends_on_gold_order():
    """Gold 0-5 and 5-10; predictions 3-7 (overlaps both) and 5-10 (exact). nervaluate matches greedily in
    gold order, so swapping the gold lists changes its partial precision (0.75 vs 0.25). Ours matches the
    exact pair first and then 3-7 with 0-5, whatever the order: tp 1, partial 1 → P = 1.5 / 2 = 0.75."""
    gold = [(0, 5, "PERSON"), (5, 10, "PERSON")]
    pred = [(3, 7, "PERSON"), (5, 10, "PERSON")]

    def nervaluate_precision(gold_spans):  # nervaluate's ends are inclusive
        as_dicts = [[{"label": lab, "start": s, "end": e - 1} for s, e, lab in spans] for spans in (gold_spans, pred)]
        return Evaluator([as_dicts[0]], [as_dicts[1]], tags=["PERSON"]).evaluate()["overall"]["partial"].precision

    assert nervaluate_precision(gold) == pytest.approx(0.75)
    assert nervaluate_precision(gold[::-1]) == pytest.approx(0.25)
    for g in (gold, gold[::-1]):
        for p in (pred, pred[::-1]):
            doc = make_doc("d", LETTERS, g)
            score = micro(score_documents([doc], {"d": {"id": "d", "entities": ents(*p)}}), "partial")
            assert (score["tp"], score["partial"], score["precision"]) == (1, 1, 0.75)


def flat_spans(draw, length: int, labels=("PERSON", "GPE", "ORG")) -> list[tuple[int, int, str]]:
    """Random non-overlapping spans within [0, length)."""
    cuts = sorted(draw(st.sets(st.integers(0, length), max_size=12)))
    spans = []
    for s, e in zip(cuts, cuts[1:]):
        if draw(st.booleans()):
            spans.append((s, e, draw(st.sampled_from(labels))))
    return spans


@st.composite
def corpora(draw):
    """Documents with random flat gold and predicted spans; text mixes BMP and astral characters."""
    docs = []
    for d in range(draw(st.integers(1, 4))):
        text = draw(st.text(alphabet="露朝𠮷😀ab ", min_size=1, max_size=30))
        gold = flat_spans(draw, len(text))
        # Predictions: some gold spans kept (maybe relabelled or shifted), plus random ones, kept flat.
        pred = [s for s in gold if draw(st.booleans())] + flat_spans(draw, len(text))
        pred.sort()
        kept, end = [], 0
        for s, e, lab in pred:
            if s >= end:
                kept.append((s, e, draw(st.sampled_from((lab, "ORG")))))
                end = e
        docs.append((f"d{d}", text, gold, kept))
    return docs


@settings(max_examples=150, deadline=None)
@given(corpora())
def test_strict_micro_and_macro_equal_seqeval(docs):
    gold_docs = [make_doc(i, text, gold) for i, text, gold, _ in docs]
    preds = {i: {"id": i, "entities": ents(*pred)} for i, _, _, pred in docs}
    y_true, y_pred = [], []
    for _, text, gold, pred in docs:
        (true_tags, misfit_t), (pred_tags, misfit_p) = spans_to_bio(len(text), gold), spans_to_bio(len(text), pred)
        assert misfit_t == misfit_p == []
        y_true.append(true_tags)
        y_pred.append(pred_tags)
    report = score_documents(gold_docs, preds)
    ours = report["ner"]["strict"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = {"mode": "strict", "scheme": IOB2}
        assert ours["micro"]["precision"] == pytest.approx(precision_score(y_true, y_pred, **kw))
        assert ours["micro"]["recall"] == pytest.approx(recall_score(y_true, y_pred, **kw))
        assert ours["micro"]["f1"] == pytest.approx(f1_score(y_true, y_pred, **kw))
        if ours["macro"]["types"]:
            assert ours["macro"]["f1"] == pytest.approx(f1_score(y_true, y_pred, average="macro", **kw))


@settings(max_examples=100, deadline=None)
@given(corpora(), st.randoms())
def test_counts_do_not_depend_on_span_order(docs, rnd):
    gold_docs = [make_doc(i, text, gold) for i, text, gold, _ in docs]
    preds = {i: {"id": i, "entities": ents(*pred)} for i, _, _, pred in docs}
    expected = count_documents(gold_docs, preds).counts
    for doc in gold_docs:
        rnd.shuffle(doc["entities"])
    for pred in preds.values():
        rnd.shuffle(pred["entities"])
    assert (count_documents(gold_docs, preds).counts == expected).all()


def test_overlap_matching_is_maximum_on_a_chain():
    # Each prediction straddles two gold spans: gold 0-2, 2-4, 4-6; pred 1-3, 3-5. A greedy match of
    # pred 1-3 with 2-4 would leave 3-5 only 4-6; the sweep still finds two pairs.
    gold = [(0, 2, "X"), (2, 4, "X"), (4, 6, "X")]
    pred = [(1, 3, "X"), (3, 5, "X")]
    assert len(overlap_matching(gold, pred)) == 2


def test_matching_is_linear_on_a_long_document():
    """300,000 characters with 60,000 shifted spans in one document. The bound only catches a quadratic
    matching (minutes here), not a speed target: speed is measured by benchmarks/run.py."""
    import time

    rng = random.Random(0)
    gold = [(5 * i, 5 * i + 4, "PERSON") for i in range(60_000)]
    pred = [(s + rng.choice((0, 1)), e + 1, rng.choice(("PERSON", "GPE"))) for s, e, _ in gold]
    started = time.perf_counter()
    doc = {"id": "long", "text": "x" * 300_001, "entities": ents(*gold)}
    gold = gold_side(gold_views([doc]))
    _, columns, values = tally(ner_cells(gold, predicted_side(predicted_views([{"entities": ents(*pred)}]), gold),
                                         [300_001]))
    assert time.perf_counter() - started < 30.0
    counts = np.bincount(columns, values, WIDTH).reshape(-1, 4)
    tp, fp, fn, partial = counts[KEY_INDEX[("ner", "partial", None)]]
    assert tp + partial == 60_000 and fp == fn == 0


# --------------------------------------------------------------------------------------- events

# EVENT_GOLD, EVENT_PRED (support.documents): one document on EVENT_TEXT, predictions built with pred_event.


@pytest.mark.parametrize("metric, tp, fp, fn, f1", [
    # gold {visited, met, signed}; pred adds the second "met"
    ("trigger_identification", 3, 1, 0, 6 / 7),
    # gold {CONSULT visited, CONSULT met, SUPPORT signed}; pred right: CONSULT visited, SUPPORT signed
    ("trigger_classification", 2, 2, 1, 4 / 7),
    # gold (type, arg span) set: CONSULT Putin (twice, counted once), CONSULT Pyongyang, CONSULT Kim,
    # SUPPORT Russia = 4; pred: CONSULT He, CONSULT Pyongyang ✓, AGREE Putin, AGREE Kim, SUPPORT Russia ✓,
    # SUPPORT treaty = 6
    ("argument_identification", 2, 4, 2, 0.4),
    # + role: only CONSULT Pyongyang place (Russia has the wrong role)
    ("argument_classification", 1, 5, 3, 0.2),
    # attached, gold 5 tuples (Putin is attached to two triggers): Pyongyang@visited ✓, Russia@signed ✓
    ("argument_identification_attached", 2, 4, 3, 4 / 11),
    ("argument_classification_attached", 1, 5, 4, 2 / 11),
    # coref: "He" is a mention of vladimir_putin, so CONSULT actor also matches
    ("argument_classification_coref", 2, 4, 2, 0.4),
])
def test_event_metrics_hand_computed(metric, tp, fp, fn, f1):
    score = score_documents([EVENT_GOLD], EVENT_PRED)["events"][metric]["micro"]
    assert (score["tp"], score["fp"], score["fn"]) == (tp, fp, fn)
    assert score["f1"] == pytest.approx(f1)


def test_event_per_type_macro_and_realis():
    report = score_documents([EVENT_GOLD], EVENT_PRED)
    trig = report["events"]["trigger_classification"]
    # CONSULT: gold 2, pred 2, tp 1 (F 0.5); SUPPORT: F 1; AGREE: predicted only (F 0) → macro 0.5
    assert trig["per_type"]["CONSULT"]["f1"] == 0.5 and trig["per_type"]["AGREE"]["fp"] == 1
    assert trig["macro"]["f1"] == pytest.approx(0.5) and trig["macro"]["types"] == 3
    assert report["events"]["trigger_identification"]["per_type"] == {}
    # Matched triggers: CONSULT visited (OTHER vs ACTUAL: wrong), SUPPORT signed (no realis: wrong, missing)
    assert report["realis"] == {"accuracy": 0.0, "correct": 0, "total": 2, "missing": 1}


def test_perfect_predictions_score_one_everywhere():
    entities = [{"start": m["start"], "end": m["end"], "label": m["label"]} for m in EVENT_GOLD["entities"]]
    mentions = {m["id"]: m for m in EVENT_GOLD["entities"]}
    events = [pred_event(ev["type"], (ev["trigger"]["start"], ev["trigger"]["end"]),
                         [(a["role"], (mentions[a["mention_id"]]["start"], mentions[a["mention_id"]]["end"]))
                          for a in ev["arguments"]], ev["realis"]) for ev in EVENT_GOLD["events"]]
    report = score_documents([EVENT_GOLD], {"ev": {"id": "ev", "entities": entities, "events": events}})
    assert all(report["ner"][m]["micro"]["f1"] == 1.0 for m in report["ner"])
    assert all(report["events"][m]["micro"]["f1"] == 1.0 for m in report["events"])
    assert report["realis"]["accuracy"] == 1.0


def test_missing_document_counts_as_predicting_nothing():
    report = score_documents([NER_GOLD, EVENT_GOLD], {})
    assert micro(report, "strict") == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 10}
    assert report["counts"]["documents_without_prediction"] == 2 and report["documents"] == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40 * WIDTH), max_size=60), max_size=5), st.booleans())
def test_tally_counts_each_cell_whether_cells_are_dense_or_sparse(increments, sparse):
    arrays = [np.array(cells, dtype=np.int64) * (997 if sparse else 1) for cells in increments]  # far apart: sorted
    rows, columns, values = tally(arrays)
    expected = Counter(int(x) for a in arrays for x in a)
    assert dict(zip((rows.astype(np.int64) * WIDTH + columns).tolist(), values.tolist())) == expected
    assert list(rows.astype(np.int64) * WIDTH + columns) == sorted(expected)
