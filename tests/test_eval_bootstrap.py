"""Document-level bootstrap: reproducible with a seed, equal to a plain loop, intervals around the estimate."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaiko.eval import bootstrap
from gaiko.eval.bootstrap import CONFIDENCE, _intervals, _Rows, compare, resampled_sums
from gaiko.eval.counts import WIDTH
from gaiko.eval.metrics import count, count_documents, merge, score, score_documents

from support.documents import EVENT_GOLD, EVENT_PRED, LETTERS, ents, make_doc


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


@pytest.mark.parametrize("n_docs, alike", [(15, False), (400, True)])  # small pools: integer draws; large: binomial
def test_resampling_pools_equal_rows_and_sums_them_exactly(n_docs, alike):
    gold, pred = corpus(n_docs=n_docs)
    if alike:  # most documents predicted alike, so a few pools stand for many documents
        pred = {d["id"]: pred["d0"] | {"id": d["id"]} if i % 5 else pred[d["id"]] for i, d in enumerate(gold)}
    counts = count_documents(gold, pred).counts
    rows = _Rows.of(counts)
    flat = counts.reshape(len(counts), -1)
    distinct = Counter(map(bytes, flat.astype(np.int64)))
    pools = np.zeros((len(rows.sizes), flat.shape[1]))
    np.add.at(pools, (rows.pool_of_entry, rows.column_of_entry), rows.value_of_entry)
    assert Counter({bytes(row.astype(np.int64)): int(size) for row, size in zip(pools, rows.sizes)}) == distinct
    assert (rows.n_large > 0) == alike and (len(rows.unit_pool) < n_docs) == alike
    blocks = list(resampled_sums(counts, 450, seed=3))
    weights = rows.weights(np.random.default_rng(3), 450)
    assert (weights.sum(1) == n_docs).all()
    loop = np.array([sum(w * pool for w, pool in zip(row, pools)) for row in weights])
    assert np.array_equal(np.concatenate(blocks).reshape(450, -1), loop)
    assert abs(weights.mean(0) - rows.sizes).max() < 0.3 * rows.sizes.max()  # each pool drawn as often as it is large


def test_pool_weights_have_the_moments_of_drawing_every_unit_with_replacement():
    """Large pools get a binomial each and small pools integer draws: jointly a multinomial over the pools,
    so means, variances and covariances are those of n draws with replacement."""
    dense = np.zeros((300, 8), dtype=np.int64)
    dense[:150, 0] = 1  # pools of 150 and 60 units, then 30 pairs and 30 units alone
    dense[150:210, 1] = 1
    dense[210:300, 2] = np.r_[np.arange(60) // 2, np.arange(30, 60)] + 1
    rows = _Rows.of(dense.reshape(300, 2, 4).repeat(WIDTH // 8, axis=1).reshape(300, -1, 4))
    assert rows.n_large == 2 and len(rows.unit_pool) == 90
    weights = np.concatenate([rows.weights(np.random.default_rng(seed), 500) for seed in range(8)]).astype(float)
    n, p = 300, rows.sizes / 300
    assert np.abs(weights.mean(0) - n * p).max() < 5 * np.sqrt(n * p * (1 - p) / len(weights)).max()
    assert np.allclose(weights.var(0), n * p * (1 - p), rtol=0.2)
    covariance = np.cov(weights[:, 0], weights[:, 2:].sum(1))[0, 1]  # a large pool against all small ones
    assert covariance == pytest.approx(-n * p[0] * p[2:].sum(), rel=0.2)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.lists(st.lists(
    st.one_of(st.none(), st.floats(0, 1), st.sampled_from([0.0, 0.5, 1.0])), min_size=n, max_size=n),
    min_size=1, max_size=4)))
def test_intervals_of_all_columns_at_once_are_numpys_percentiles(columns):
    values = np.array([[np.nan if x is None else x for x in column] for column in columns]).T
    tail, expected = (1 - CONFIDENCE) / 2 * 100, []
    for column in values.T:
        finite = column[~np.isnan(column)]
        expected.append(np.percentile(finite, [tail, 100 - tail]).tolist() if len(finite) else [0.0, 0.0])
    assert _intervals(values) == expected


def test_sums_stay_exact_where_float32_would_round():
    counts = np.zeros((3, WIDTH), dtype=np.int64)
    counts[:, 0] = [2**24 + 1, 3, 2**24 - 1]  # float32 cannot hold 2^24 + 1
    rows = _Rows.of(counts.reshape(3, -1, 4))
    assert rows.dtype == np.float64
    weights = rows.weights(np.random.default_rng(0), 50)
    dense = np.zeros((len(rows.sizes), WIDTH), dtype=np.int64)
    dense[rows.pool_of_entry, rows.column_of_entry] = rows.value_of_entry
    assert np.array_equal(rows.sums(weights)[:, 0], (weights.astype(np.int64) @ dense)[:, 0].astype(float))
    assert _Rows.of(counts.reshape(3, -1, 4) // 2**10).dtype == np.float32


def test_intervals_depend_on_the_rows_not_their_order_and_merged_parts_score_as_the_whole():
    gold, pred = corpus()
    whole = score(count(gold, pred), bootstrap=300, seed=5)
    order = np.random.default_rng(0).permutation(len(gold))
    shuffled = [gold[i] for i in order]
    assert score(count(shuffled, pred), bootstrap=300, seed=5) == whole
    parts = [count(shuffled[i:i + 7], pred) for i in range(0, len(gold), 7)]
    assert score(merge(parts[::-1]), bootstrap=300, seed=5) == whole


def test_a_hash_collision_pools_by_the_rows_and_keeps_intervals_independent_of_order(monkeypatch):
    """When two different rows share their hashes, pooling compares the rows themselves: the pools are
    the same, and the intervals still do not depend on the order of the documents."""
    gold, pred = corpus(n_docs=60)
    hashed = _Rows.of(count(gold, pred))
    monkeypatch.setattr(bootstrap, "_equal_rows", lambda *args: False)
    compared = _Rows.of(count(gold, pred))
    assert sorted(compared.sizes.tolist()) == sorted(hashed.sizes.tolist())
    whole = score(count(gold, pred), bootstrap=300, seed=5)
    order = np.random.default_rng(1).permutation(len(gold))
    assert score(count([gold[i] for i in order], pred), bootstrap=300, seed=5) == whole


def test_few_units_warn_with_the_number_of_distinct_resamples():
    gold, pred = corpus(n_docs=2)
    report = score_documents(gold, pred, bootstrap=50)
    assert report["counts"]["bootstrap"]["units"] == 2
    assert "only 2 documents to resample: the bootstrap has 3 distinct resamples" in report["counts"]["bootstrap"]["warning"]
    assert score_documents(*corpus(n_docs=10), bootstrap=50)["counts"]["bootstrap"]["warning"] is None


def test_finer_units_keep_the_scores_and_count_the_units():
    gold, pred = corpus(n_docs=3)
    for doc in gold:  # three sentences of five characters: "ABCD。", one paragraph per sentence pair
        doc["text"] = doc["text"][:4] + "。" + doc["text"][5:9] + "。\n" + doc["text"][10:]
    by_doc, by_sentence = (score_documents(gold, pred, bootstrap=100, unit=u) for u in ("document", "sentence"))
    by_paragraph = score_documents(gold, pred, bootstrap=100, unit="paragraph")
    for report in (by_sentence, by_paragraph):
        assert report["ner"] == json_roundtrip(report)["ner"]
        assert {k: v for k, v in report["ner"]["strict"]["micro"].items() if k != "ci"} == \
            {k: v for k, v in by_doc["ner"]["strict"]["micro"].items() if k != "ci"}
    assert by_sentence["counts"]["bootstrap"]["units"] == 3 * 3 and by_paragraph["counts"]["bootstrap"]["units"] == 3 * 2
    rows = count(gold, pred, "sentence").dense()
    assert (rows.sum(0) == count(gold, pred).dense().sum(0)).all() and (rows.reshape(9, -1).sum(1) > 0).sum() > 3


def json_roundtrip(obj):
    return json.loads(json.dumps(obj))


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


def test_exact_sign_flip_test_enumerates_every_assignment():
    gold, pred = corpus(n_docs=4)
    perfect = {d["id"]: {"id": d["id"], "entities": ents(*[(m["start"], m["end"], m["label"]) for m in d["entities"]])}
               for d in gold}
    result = compare(gold, pred, perfect, 200, seed=1)
    assert result["exact_test"] == {"units_differing": 4, "assignments": 16}
    # B is better on every document: only the observed assignment and its mirror are as extreme
    assert result["metrics"]["ner.strict.micro.f1"]["exact_p_value"] == 2 / 16
    assert "only 4 documents" in result["warning"]
    assert compare(gold, pred, pred, 50, seed=1)["metrics"]["ner.strict.micro.f1"]["exact_p_value"] == 1.0
    many, many_pred = corpus(n_docs=40)
    assert compare(many, many_pred, {**many_pred, **perfect}, 50, seed=1)["exact_test"] == \
        {"units_differing": 4, "assignments": 16}  # only the documents where the systems differ are flipped
    assert compare(many, many_pred, {}, 50, seed=1)["exact_test"] is None  # 2^40 assignments: not enumerated


def test_paired_rows_pool_documents_where_both_systems_agree():
    gold, pred = corpus(n_docs=30)
    other = {**pred, "d0": {"id": "d0", "entities": []}}
    from gaiko.eval.bootstrap import _paired_rows

    a, b, both = _paired_rows(count(gold, pred), count(gold, other))
    rows = np.concatenate([a.dense().reshape(30, -1), b.dense().reshape(30, -1)], axis=1)
    assert len(both.sizes) == len({bytes(row.astype(np.int64)) for row in rows})


def test_event_counts_by_sentence_add_up_to_the_document_counts():
    gold = {**EVENT_GOLD, "text": EVENT_GOLD["text"].replace(".", "。")}  # three sentences, same offsets
    by_doc, by_sentence = (count([gold], EVENT_PRED, unit) for unit in ("document", "sentence"))
    assert by_sentence.n_units == 3 and by_doc.n_units == 1
    assert (by_sentence.totals() == by_doc.totals()).all()
    rows = by_sentence.dense().reshape(3, -1)
    assert (rows.sum(1) > 0).sum() >= 2  # events of different sentences count in their own units
