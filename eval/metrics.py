"""Scoring a corpus: count (`gaiko.eval.matching`), sum (`gaiko.eval.counts`), resample
(`gaiko.eval.bootstrap`) and build the report (`gaiko.eval.scores`).

Every score is computed from counts (tp, fp, fn, partial) that are found per document and then
summed, so a corpus score, a per-type score and a bootstrap resample all come from the same sums
(never from averaged per-document scores). The matching rules are described in
`gaiko.eval.matching`; this module puts the steps together and keeps the names other modules use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from gaiko.eval.bootstrap import intervals as bootstrap_intervals
from gaiko.eval.bootstrap import small_sample_warning
from gaiko.eval.counts import (EVENT_METRICS, GROUPS, KEY_INDEX, KEYS, NER_MODES, PARTIAL_MODES, PRF, TYPE_COLUMNS,
                               WIDTH, Counts, macro_arrays, merge, prf_arrays, tally)
from gaiko.eval.matching import (RESAMPLE_UNITS, Counted, EventTuples, NerAlignment, UnitMap, align_spans, count,
                                 count_documents, count_in_detail, error_row, event_cells, event_errors, ner_cells,
                                 ner_errors, overlap_matching, unit_starts)
from gaiko.eval.scores import BootstrapSettings, Report, ReportCounts, build_report
from gaiko.predictions import rejection_counts

__all__ = [  # the scoring names other modules import from here
    "EVENT_METRICS", "GROUPS", "KEY_INDEX", "KEYS", "NER_MODES", "PARTIAL_MODES", "PRF", "TYPE_COLUMNS", "WIDTH",
    "Counts", "macro_arrays", "merge", "prf_arrays", "tally",
    "RESAMPLE_UNITS", "Counted", "EventTuples", "NerAlignment", "UnitMap", "align_spans", "count",
    "count_documents", "count_in_detail", "error_row", "event_cells", "event_errors", "ner_cells", "ner_errors",
    "overlap_matching", "unit_starts",
    "Evaluation", "score_report", "score", "evaluate", "score_documents",
]


@dataclass(frozen=True)
class Evaluation:
    """A scored corpus: the report, the per-document counts behind it, and what went wrong where."""

    result: Report
    counts: np.ndarray  # documents × KEYS × (tp, fp, fn, partial)
    errors: list[dict]
    confusion: list[tuple[str, str]]  # (gold label, predicted label) of spans with equal boundaries

    @cached_property
    def report(self) -> dict[str, Any]:
        """The report in its JSON form (what report.json holds)."""
        return self.result.as_json()


def score_report(counts: Counts, bootstrap: int = 0, seed: int = 0, problems: list | tuple = (), *,
                 test_split: Report | None = None, run: Mapping[str, Any] | None = None) -> Report:
    """The report of (merged) counts; `problems` (from validation) are counted in it; `test_split` and
    `run` are carried as they are."""
    intervals = bootstrap_intervals(counts, bootstrap, seed) if bootstrap else None
    rejections = rejection_counts(problems)
    settings = (BootstrapSettings(bootstrap, seed, counts.unit, counts.n_units,
                                  small_sample_warning(counts.n_units, counts.unit)) if bootstrap else None)
    scored = ReportCounts(counts.gold, counts.predicted, counts.documents - counts.predicted.documents,
                          rejections["rejected"], rejections["problems"], settings)
    return build_report(counts.summed(), scored, counts.documents, counts.realis_missing, intervals,
                        test_split=test_split, run=run)


def score(counts: Counts, bootstrap: int = 0, seed: int = 0, problems: list | tuple = ()) -> dict:
    """The report of (merged) counts in its JSON form; `problems` (from validation) are counted in it."""
    return score_report(counts, bootstrap, seed, problems).as_json()


def evaluate(gold_docs: list[dict], predictions_by_id: dict[str, dict], bootstrap: int = 0, seed: int = 0,
             problems: list | tuple = (), details: bool = True, unit: str = "document", *,
             test_split: Report | None = None, run: Mapping[str, Any] | None = None) -> Evaluation:
    """Score valid predictions against gold documents; `problems` (from validation) are counted in the
    report; `details` also lists every error and the type confusion (for `write_report`); `test_split`
    and `run` go into the report as they are."""
    counts, errors, confusion = count_in_detail(gold_docs, predictions_by_id, details, unit)
    report = score_report(counts, bootstrap, seed, problems, test_split=test_split, run=run)
    return Evaluation(report, counts.dense().astype(np.int32), errors, confusion)


def score_documents(gold_docs: list[dict], predictions_by_id: dict[str, dict], bootstrap: int = 0,
                    seed: int = 0, problems: list | tuple = (), unit: str = "document") -> dict:
    """The report dict for valid predictions (see `gaiko.predictions.load_predictions`)."""
    return score(count(gold_docs, predictions_by_id, unit), bootstrap, seed, problems)
