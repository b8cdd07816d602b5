"""The score report as typed, immutable records, and its JSON form.

A report is built once, by `build_report`, from summed counts, bootstrap intervals and what else it
carries (the run record of a sandboxed run, the test split's report of an untrained submission);
nothing is added to it afterwards. `Report.as_json()` gives the plain dict that `report.json` holds
(keys in a fixed order, optional keys left out when absent): the format readers of `report.json`
know, and what the tables and pages read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gaiko.eval.counts import GROUPS, PARTIAL_MODES, PRF, REALIS, Items, Macro, Totals, type_scores

Interval = tuple[float, float]  # a 95% percentile interval
CONFIDENCE = 0.95


def _interval(value: Interval | None) -> list[float] | None:
    return None if value is None else [value[0], value[1]]


@dataclass(frozen=True)
class Score:
    """The counts of one (section, metric, label) and their scores; `ci` with bootstrap resamples."""

    counts: PRF
    with_partial: bool  # partial credit is part of this metric (NER partial mode)
    ci: Interval | None = None

    @property
    def precision(self) -> float:
        return self.counts.precision

    @property
    def recall(self) -> float:
        return self.counts.recall

    @property
    def f1(self) -> float:
        return self.counts.f1

    def as_json(self) -> dict[str, Any]:
        c = self.counts
        out = {"precision": c.precision, "recall": c.recall, "f1": c.f1, "tp": c.tp, "fp": c.fp, "fn": c.fn}
        if self.with_partial:
            out["partial"] = c.partial
        if self.ci is not None:
            out["ci"] = _interval(self.ci)
        return out


@dataclass(frozen=True)
class MacroScore:
    scores: Macro
    ci: Interval | None = None

    @property
    def f1(self) -> float:
        return self.scores.f1

    def as_json(self) -> dict[str, Any]:
        m = self.scores
        out = {"precision": m.precision, "recall": m.recall, "f1": m.f1, "types": m.types}
        if self.ci is not None:
            out["ci"] = _interval(self.ci)
        return out


@dataclass(frozen=True)
class MetricScores:
    """One NER mode or event metric: micro, macro (None without types), and each type with counts."""

    micro: Score
    macro: MacroScore | None
    per_type: Mapping[str, Score]

    def as_json(self) -> dict[str, Any]:
        return {"micro": self.micro.as_json(), "macro": None if self.macro is None else self.macro.as_json(),
                "per_type": {label: s.as_json() for label, s in self.per_type.items()}}


@dataclass(frozen=True)
class Realis:
    """Realis accuracy on matched triggers (counts: tp = correct, fp = wrong)."""

    counts: PRF
    missing: int  # matched triggers without a predicted realis
    ci: Interval | None = None

    @property
    def accuracy(self) -> float:
        return self.counts.precision

    def as_json(self) -> dict[str, Any]:
        out = {"accuracy": self.accuracy, "correct": self.counts.tp, "total": self.counts.tp + self.counts.fp}
        if self.ci is not None:
            out["ci"] = _interval(self.ci)
        out["missing"] = self.missing
        return out


@dataclass(frozen=True)
class BootstrapSettings:
    resamples: int
    seed: int
    unit: str
    units: int
    warning: str | None

    def as_json(self) -> dict[str, Any]:
        return {"resamples": self.resamples, "seed": self.seed, "confidence": CONFIDENCE, "unit": self.unit,
                "units": self.units, "warning": self.warning}


@dataclass(frozen=True)
class ReportCounts:
    """What was scored: items on each side, documents without a prediction, what validation rejected."""

    gold: Items
    predicted: Items
    documents_without_prediction: int
    rejected: Mapping[str, int]  # items lost per kind
    problems: Mapping[str, int]  # problems per reason
    bootstrap: BootstrapSettings | None

    def as_json(self) -> dict[str, Any]:
        return {"gold": self.gold.as_dict(), "predicted": self.predicted.as_dict(),
                "documents_without_prediction": self.documents_without_prediction,
                "rejected": dict(self.rejected), "problems": dict(self.problems),
                "bootstrap": None if self.bootstrap is None else self.bootstrap.as_json()}


@dataclass(frozen=True)
class Report:
    """A score report. `test_split` and `run` are present only for what carries them."""

    ner: Mapping[str, MetricScores]  # by mode
    events: Mapping[str, MetricScores]  # by metric
    realis: Realis
    documents: int
    counts: ReportCounts
    test_split: Report | None = None  # an untrained submission: the report on the test split alone
    run: Mapping[str, Any] | None = None  # a sandboxed run: its run record

    def as_json(self) -> dict[str, Any]:
        out = {"ner": {mode: s.as_json() for mode, s in self.ner.items()},
               "events": {metric: s.as_json() for metric, s in self.events.items()},
               "realis": self.realis.as_json(), "documents": self.documents, "counts": self.counts.as_json()}
        if self.test_split is not None:
            out["test_split"] = self.test_split.as_json()
        if self.run is not None:
            out["run"] = self.run
        return out


def _ci(intervals: Mapping[tuple, list[float]], key: tuple) -> Interval | None:
    value = intervals.get(key)
    return None if value is None else (value[0], value[1])


def build_report(totals: Totals, counts: ReportCounts, documents: int, realis_missing: int,
                 intervals: Mapping[tuple, list[float]] | None = None, *, test_split: Report | None = None,
                 run: Mapping[str, Any] | None = None) -> Report:
    """The report of summed counts; `intervals` (from `gaiko.eval.bootstrap.intervals`) by count key and
    by ("macro", section, metric)."""
    intervals = intervals or {}
    sections: dict[str, dict[str, MetricScores]] = {"ner": {}, "events": {}}
    for section, metric in GROUPS:
        with_partial = metric in PARTIAL_MODES
        macro = totals.macro(section, metric)
        sections[section][metric] = MetricScores(
            micro=Score(totals[(section, metric, None)], with_partial, _ci(intervals, (section, metric, None))),
            macro=None if macro is None else MacroScore(macro, _ci(intervals, ("macro", section, metric))),
            per_type={label: Score(prf, with_partial, _ci(intervals, (section, metric, label)))
                      for label, prf in type_scores(totals, section, metric).items()})
    return Report(sections["ner"], sections["events"], Realis(totals[REALIS], realis_missing, _ci(intervals, REALIS)),
                  documents, counts, test_split, run)
