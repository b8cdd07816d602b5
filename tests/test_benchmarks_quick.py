"""The benchmark's sanity checks on the quick sizes (no timing assertions): the scorer agrees with
seqeval and nervaluate where their definitions agree, and the synthetic corpora are what they claim."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from gaiko.documents import validate_document  # noqa: E402
from gaiko.predictions import clean_records  # noqa: E402

import scoring  # noqa: E402
import synthetic  # noqa: E402


def test_synthetic_corpus_is_valid_one_to_one_and_seeded():
    corpus = synthetic.corpus(300, 15, seed=3)
    assert not [p for doc in corpus.gold for p in validate_document(doc)]
    assert not clean_records(list(enumerate(corpus.predictions.values(), start=1)), corpus.gold).problems
    gold, pred = corpus.spans()
    assert all(synthetic.one_to_one(g, p) for g, p in zip(gold, pred))
    assert sum(g != p for g, p in zip(gold, pred)) > 10  # there are errors to find
    assert synthetic.corpus(300, 15, seed=3).gold == corpus.gold


def test_quick_corpus_agrees_with_seqeval_and_nervaluate():
    corpus = synthetic.corpus(400, 15, seed=0)
    result = scoring.corpus_benchmark(corpus, repeats=1, peer_repeats=1, bootstrap=200)
    assert len(result["checked"]) == 3


def test_scaling_series_agrees_with_peers_or_skips_them():
    rows = scoring.scaling_benchmark([synthetic.corpus(1, n, seed=1).without_events() for n in (1_000, 3_000)],
                                     repeats=1, budget=0.5)
    assert all(row["checked"] for row in rows)
    assert all(name in row or name in row["skipped"] for row in rows for name in scoring.PEERS)


def test_a_wrong_scorer_fails_the_checks():
    corpus = synthetic.corpus(200, 15, seed=0)
    data = scoring.peer_input(corpus)
    report = scoring.score_documents(corpus.gold, corpus.predictions)
    report["ner"]["strict"]["micro"]["f1"] += 0.01
    with pytest.raises(AssertionError, match="micro f1"):
        scoring.check_agreement(report, {name: peer(data) for name, peer in scoring.PEERS.items()}, corpus)


def test_harness_scales_by_renamed_copies_and_checks_the_report(tmp_path):
    import harness

    row = harness.at_scale(synthetic.corpus(100, 15, seed=2), 300, tmp_path)
    assert row["documents"] == 300 and row["megabytes"] > 0 and row["score peak MB"] > 0
    assert not list(tmp_path.glob("*.jsonl"))  # the scaled files are removed
