"""Document-level bootstrap: reproducible with a seed, equal to a plain loop, intervals around the estimate."""

from __future__ import annotations

import numpy as np
import pytest

from gaiko.eval.bootstrap import compare, resampled_sums
from gaiko.eval.metrics import KEY_INDEX, count_documents, score_documents
from test_eval_metrics import LETTERS, ents, make_doc


def corpus(n_docs: int = 40, seed: int = 0):
    """Documents with five gold spans each; the prediction gets a random number of them right."""
    rng = np.random.default_rng(seed)
    gold, pred = [], {}
    for d in range(n_docs):
        spans = [(5 * i, 5 * i + 3, "PERSON" if i % 2 else "GPE") for i in range(5)]
        gold.append(make_doc(f"d{d}", LETTERS, spans))
        kept = [s for s in spans if rng.random() < 0.6]
        pred[f"d{d}"] = {"id": f"d{d}", "entities": ents(*[(s, e + (rng.random() < 0.3), lab) for s, e, lab in kept])}
    return gold, pred


def test_same_seed_same_intervals_other_seed_other_intervals():
    gold, pred = corpus()
    first = score_documents(gold, pred, bootstrap=300, seed=7)
    assert score_documents(gold, pred, bootstrap=300, seed=7) == first
    other = score_documents(gold, pred, bootstrap=300, seed=8)
    assert other["ner"]["strict"]["micro"]["ci"] != first["ner"]["strict"]["micro"]["ci"]
    assert other["ner"]["strict"]["micro"]["f1"] == first["ner"]["strict"]["micro"]["f1"]


def test_interval_contains_the_point_estimate():
    gold, pred = corpus()
    report = score_documents(gold, pred, bootstrap=1000, seed=0)
    for mode in ("strict", "partial"):
        for obj in (report["ner"][mode]["micro"], report["ner"][mode]["macro"],
                    *report["ner"][mode]["per_type"].values()):
            low, high = obj["ci"]
            assert low <= obj["f1"] <= high and low < high


def test_vectorized_resampling_equals_a_plain_loop():
    gold, pred = corpus(n_docs=15)
    counts = count_documents(gold, pred)[0]
    vectorized = np.concatenate(list(resampled_sums(counts, 450, seed=3)))  # spans three blocks
    rng = np.random.default_rng(3)
    loop = []
    for block in (200, 200, 50):
        picks = rng.integers(0, len(gold), size=(block, len(gold)))
        loop += [counts[row].sum(0) for row in picks]
    assert np.array_equal(vectorized, np.array(loop))


def test_paired_comparison():
    gold, pred = corpus()
    perfect = {d["id"]: {"id": d["id"], "entities": ents(*[(m["start"], m["end"], m["label"]) for m in d["entities"]])}
               for d in gold}
    result = compare(gold, pred, perfect, 500, seed=1)
    strict = result["metrics"]["ner.strict.micro.f1"]
    assert strict["delta"] == pytest.approx(1.0 - strict["a"]) and strict["delta"] > 0.3
    assert strict["p_value"] < 0.01 and strict["ci"][0] > 0
    same = compare(gold, pred, pred, 200, seed=1)["metrics"]["ner.strict.micro.f1"]
    assert same["delta"] == 0 and same["p_value"] == 1.0
    assert compare(gold, pred, perfect, 500, seed=1) == result
