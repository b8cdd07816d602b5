"""Untrained extractors are scored on every document.

An extractor that learned nothing from the gold (a pretrained model such as GiNZA, an LLM prompt, rules
written from general knowledge) has no training documents to keep apart, so scoring it on the two
test documents alone throws away three fifths of the evidence: the CI gate and the leaderboard score
it on all documents, with the test-split figure beside it. A submission declares this with
`untrained = true` in its `extractor.toml`; the declaration is the submitter's to make honestly.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gaiko.eval.metrics import Evaluation, evaluate
from gaiko.io import GaikoError, brief
from gaiko.predictions import Predictions

KEY = "untrained"


def declared_untrained(config: dict, path: str | Path) -> bool:
    """The `untrained` key of an extractor.toml (default false); anything but a boolean is an error."""
    value = config.get(KEY, False)
    if type(value) is not bool:
        raise GaikoError(f"{KEY} must be true or false, got {brief(value)}", path)
    return value


def score_all_and_test(all_docs: list[dict], predictions: Predictions, test_ids: set[str], bootstrap: int = 0,
                       seed: int = 0, details: bool = True) -> dict[str, Evaluation]:
    """One run over every document scored twice: on all documents (the gate figure) and on the test
    split (the figure beside it). Both reports count every rejected line, as both come from one output."""
    return {"all": evaluate(all_docs, predictions.by_id, bootstrap, seed, predictions.problems, details),
            "test": _score_test(all_docs, predictions, test_ids, bootstrap, seed, details)}


def score_untrained(all_docs: list[dict], predictions: Predictions, test_ids: set[str],
                    run: Mapping[str, Any] | None = None) -> Evaluation:
    """The gate's evaluation of an untrained submission: on all documents, with the test split's report
    under `test_split` (and the run record under `run`)."""
    test = _score_test(all_docs, predictions, test_ids)
    return evaluate(all_docs, predictions.by_id, 0, 0, predictions.problems, test_split=test.result, run=run)


def _score_test(all_docs: list[dict], predictions: Predictions, test_ids: set[str], bootstrap: int = 0,
                seed: int = 0, details: bool = True) -> Evaluation:
    missing = test_ids - {doc["id"] for doc in all_docs}
    if missing:
        raise GaikoError(f"test documents missing from the documents scored: {', '.join(sorted(missing))}")
    test_docs = [doc for doc in all_docs if doc["id"] in test_ids]
    test_predictions = {i: p for i, p in predictions.by_id.items() if i in test_ids}
    return evaluate(test_docs, test_predictions, bootstrap, seed, predictions.problems, details)
