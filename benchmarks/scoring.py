"""Part 1: the scorer against seqeval and nervaluate on the same in-memory corpora, with agreement checks.

Every peer gets its native input, prepared before timing: seqeval IOB2 tag lists (character tokens),
nervaluate span dicts (its ends are inclusive, so end - 1). Only the scoring call is timed.

What is asserted (a fast but wrong scorer fails here):
- seqeval strict IOB2 = our strict mode: micro P/R/F1, per type P/R/F1 and support, macro F1.
- seqeval's default (conlleval) mode gives the same numbers as its strict mode (the tags are well formed).
- nervaluate = our modes (strict, exact, partial, ent_type = type): micro P/R/F1 and counts (COR = tp,
  PAR = partial, ACT and POS) and per type P/R/F1 — only because the corpora are built so that every
  span overlaps at most one span of the other side (checked), where nervaluate's greedy matching
  cannot go wrong, and with its ends made inclusive.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from gaiko import schema
from gaiko.bio import spans_to_bio
from gaiko.eval.bootstrap import intervals
from gaiko.eval.metrics import count, score_documents

from synthetic import Corpus, one_to_one
from timing import median_time

NERVALUATE_MODE = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


@dataclass
class PeerInput:
    tags_true: list[list[str]]
    tags_pred: list[list[str]]
    spans_true: list[list[dict]]  # nervaluate dicts, inclusive ends
    spans_pred: list[list[dict]]


def peer_input(corpus: Corpus) -> PeerInput:
    gold, pred = corpus.spans()
    lengths = [len(doc["text"]) for doc in corpus.gold]

    def tags(spans_per_doc):
        out = []
        for length, spans in zip(lengths, spans_per_doc):
            tags, misfits = spans_to_bio(length, spans)
            assert not misfits, misfits
            out.append(tags)
        return out

    def inclusive(spans_per_doc):
        return [[{"label": label, "start": s, "end": e - 1} for s, e, label in spans] for spans in spans_per_doc]

    return PeerInput(tags(gold), tags(pred), inclusive(gold), inclusive(pred))


def seqeval_report(data: PeerInput, strict: bool) -> dict:
    kwargs = {"mode": "strict", "scheme": IOB2} if strict else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined precision of absent types
        return classification_report(data.tags_true, data.tags_pred, output_dict=True, zero_division=0, **kwargs)


def nervaluate_result(data: PeerInput) -> dict:
    from nervaluate import Evaluator

    return Evaluator(data.spans_true, data.spans_pred, tags=list(schema.ENTITY_LABELS), loader="dict").evaluate()


PEERS = {
    "seqeval classification_report, default mode": lambda data: seqeval_report(data, strict=False),
    "seqeval classification_report, strict IOB2": lambda data: seqeval_report(data, strict=True),
    "nervaluate Evaluator.evaluate (4 modes)": nervaluate_result,
}


def _close(a: float, b: float, what: str) -> None:
    assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{what}: {a} != {b}"


def check_seqeval(ours: dict, theirs: dict, name: str) -> None:
    strict = ours["ner"]["strict"]
    micro = theirs["micro avg"]
    for ours_key, their_key in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
        _close(strict["micro"][ours_key], micro[their_key], f"{name} micro {ours_key}")
    types = {k for k in theirs if k not in ("micro avg", "macro avg", "weighted avg")}
    assert types == set(strict["per_type"]), f"{name}: types {sorted(types)} != {sorted(strict['per_type'])}"
    for label in types:
        ours_t, theirs_t = strict["per_type"][label], theirs[label]
        for ours_key, their_key in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            _close(ours_t[ours_key], theirs_t[their_key], f"{name} {label} {ours_key}")
        assert ours_t["tp"] + ours_t["fn"] == theirs_t["support"], f"{name} {label} support"
    _close(strict["macro"]["f1"], theirs["macro avg"]["f1-score"], f"{name} macro f1")


def check_nervaluate(ours: dict, theirs: dict, corpus: Corpus) -> None:
    assert all(one_to_one(g, p) for g, p in zip(*corpus.spans())), "nervaluate is compared only on one-to-one overlaps"
    for mode, their_mode in NERVALUATE_MODE.items():
        scores, result = ours["ner"][mode], theirs["overall"][their_mode]
        micro = scores["micro"]
        partial = micro.get("partial", 0)
        assert (result.correct, result.partial) == (micro["tp"], partial), f"nervaluate {mode} COR/PAR"
        assert result.actual == micro["tp"] + partial + micro["fp"], f"nervaluate {mode} ACT"
        assert result.possible == micro["tp"] + partial + micro["fn"], f"nervaluate {mode} POS"
        for key in ("precision", "recall", "f1"):
            _close(micro[key], getattr(result, key), f"nervaluate {mode} micro {key}")
        for label, per_type in scores["per_type"].items():
            for key in ("precision", "recall", "f1"):
                _close(per_type[key], getattr(theirs["entities"][label][their_mode], key),
                       f"nervaluate {mode} {label} {key}")


def check_agreement(ours: dict, peer_results: dict[str, object], corpus: Corpus) -> list[str]:
    """Assert the agreements listed in the module docstring for the peers that ran; name what was checked."""
    checked = []
    default, strict = (peer_results.get(name) for name in list(PEERS)[:2])
    if strict is not None:
        check_seqeval(ours, strict, "seqeval strict")
        checked.append("seqeval strict IOB2 = ours strict (micro, per type, macro)")
    if default is not None and strict is not None:
        check_seqeval(ours, default, "seqeval default")
        checked.append("seqeval default = seqeval strict")
    nerv = peer_results.get(list(PEERS)[2])
    if nerv is not None:
        check_nervaluate(ours, nerv, corpus)
        checked.append("nervaluate strict/exact/partial/ent_type = ours (micro counts, per type)")
    return checked


def check_sanity(corpus: Corpus, report: dict) -> None:
    """Numbers that follow from how the corpus was made, independent of any peer."""
    n_gold = sum(len(doc["entities"]) for doc in corpus.gold)
    n_pred = sum(len(p["entities"]) for p in corpus.predictions.values())
    for mode in ("strict", "exact", "partial", "type"):
        micro = report["ner"][mode]["micro"]
        partial = micro.get("partial", 0)
        assert micro["tp"] + partial + micro["fn"] == n_gold and micro["tp"] + partial + micro["fp"] == n_pred, mode
    strict, partial = report["ner"]["strict"]["micro"], report["ner"]["partial"]["micro"]
    assert 0.85 < strict["f1"] < 1 and partial["f1"] > strict["f1"], (strict, partial)
    assert report["counts"]["gold"]["entities"] == n_gold


# ---------------------------------------------------------------------------------------------------------

def corpus_benchmark(corpus: Corpus, repeats: int, peer_repeats: int, bootstrap: int) -> dict:
    """Time our scoring (NER only, and with events), the bootstrap, and every peer on one corpus."""
    ner_only = corpus.without_events()
    data = peer_input(corpus)
    out = {"documents": len(corpus.gold), "tokens": corpus.characters,
           "gold spans": sum(len(d["entities"]) for d in corpus.gold)}
    out["ours NER"], report = median_time(lambda: score_documents(ner_only.gold, ner_only.predictions), repeats)
    check_sanity(corpus, report)
    out["ours full"], _ = median_time(lambda: score_documents(corpus.gold, corpus.predictions), repeats)
    counts = count(corpus.gold, corpus.predictions)
    out["bootstrap"], cis = median_time(lambda: intervals(counts, bootstrap, seed=0), repeats)
    low, high = cis[("ner", "strict", None)]
    assert low <= report["ner"]["strict"]["micro"]["f1"] <= high and low < high, "bootstrap interval"
    results = {}
    for name, peer in PEERS.items():
        out[name], results[name] = median_time(lambda: peer(data), peer_repeats)
    out["checked"] = check_agreement(report, results, corpus)
    return out


def scaling_benchmark(corpora: list[Corpus], repeats: int, budget: float) -> list[dict]:
    """One long document per size. A peer is skipped at a size where its time, extrapolated
    quadratically from the previous size, would exceed `budget` seconds."""
    rows, last = [], {}
    for corpus in corpora:
        data, n = peer_input(corpus), corpus.characters
        row = {"tokens": n, "gold spans": len(corpus.gold[0]["entities"]), "skipped": {}}
        row["ours NER"], report = median_time(lambda: score_documents(corpus.gold, corpus.predictions), repeats)
        results = {}
        for name, peer in PEERS.items():
            if name in last:
                estimate = last[name][1] * (n / last[name][0]) ** 2
                if estimate > budget:
                    row["skipped"][name] = estimate
                    continue
            seconds_, results[name] = median_time(lambda: peer(data), 1 if last.get(name, (0, 0))[1] > 1 else 3)
            row[name], last[name] = seconds_, (n, seconds_)
        row["checked"] = check_agreement(report, results, corpus)
        rows.append(row)
    return rows
