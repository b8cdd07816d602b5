"""The CI gate: score every submission under a folder and fail on an invalid one or a regression.

A submission is a folder holding either `predictions.jsonl` (scored as is) or `extractor.toml`
naming a command (run with `gaiko run`: sandboxed, on documents without annotations). Its
recorded scores live in `expected.json`:

    {"tolerance": 0.005, "scores": {"ner.strict.micro.f1": 0.41, ...}}

A metric more than `tolerance` below its recorded value is a regression. With `update` the current
values are recorded instead. Reports go to REPORTS/<name>/ (report.json, report.md, plots, run.json)
and a summary to REPORTS/summary.md and summary.json.

A submission folder is scanned for copies of the gold before it is run or scored: a hit makes it
`contaminated` (it fails). A bad extractor.toml or expected.json fails that submission with one line
naming the file; the other submissions are still scored and the summary is still written.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gaiko.eval.contamination import scan_folder
from gaiko.eval.gold import load_gold
from gaiko.eval.metrics import evaluate
from gaiko.eval.report import metric_value, write_report
from gaiko.eval.run import command_argv, run_extractor
from gaiko.eval.sandbox import LIMIT_SPECS, Limits
from gaiko.eval.untrained import KEY as UNTRAINED
from gaiko.eval.untrained import declared_untrained, score_untrained
from gaiko.io import GaikoError, brief, loads, printable, read_text, write_text_atomic
from gaiko.predictions import load_predictions
from gaiko.tables import markdown_table, number_or_none

TRACKED_METRICS = (
    "ner.strict.micro.f1",
    "ner.partial.micro.f1",
    "events.trigger_classification.micro.f1",
    "events.argument_classification.micro.f1",
)
DEFAULT_TOLERANCE = 0.005
MAX_TOLERANCE = 0.1  # a larger tolerance would let a submission lose most of its score unnoticed
# A submission's name becomes a report folder and a summary row: plain characters, and not the summary's.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
RESERVED_NAMES = ("summary.md", "summary.json")
SUBMISSION_FILES = ("predictions.jsonl", "extractor.toml", "expected.json")
GATED_MEASURES = ("precision", "recall", "f1", "accuracy")  # the last part of a metric path in expected.json
SHOWN_FAILURES = 10  # invalid lines listed per submission; the report lists them all


@dataclass(frozen=True)
class GateOptions:
    gold: Path | None = None  # a gold JSONL file instead of the dataset split
    split: str = "test"
    only: tuple[str, ...] = ()  # score only these submissions (all when empty)
    update: bool = False  # record the current scores in expected.json


@dataclass
class Outcome:
    """What the gate found for one submission; it fails when `failures` is not empty."""

    name: str
    kind: str  # predictions, command, none, or error
    status: str = "scored"  # scored, contaminated, error, or the run status of a command that did not finish
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # the tracked metrics
    report: dict | None = field(default=None, repr=False)  # the report's JSON form

    @property
    def passed(self) -> bool:
        return not self.failures

    def summary(self) -> dict:
        return {"name": self.name, "kind": self.kind, "status": self.status, "failures": self.failures,
                "notes": self.notes, "scores": self.scores}


def read_extractor_toml(path: Path) -> tuple[list[str], Limits]:
    try:
        config = tomllib.loads(read_text(path, 1024 * 1024))
    except tomllib.TOMLDecodeError as e:
        raise GaikoError(f"invalid TOML: {e}", path) from None
    try:
        argv = command_argv(config.get("command"), "command")
    except GaikoError as e:
        raise GaikoError(str(e), path) from None
    specs = {spec.key: spec for spec in LIMIT_SPECS}
    unknown = set(config) - {"command", UNTRAINED, *specs}
    if unknown:
        raise GaikoError(f"unknown keys {sorted(unknown)} (allowed: command, {UNTRAINED}, {', '.join(specs)})", path)
    declared_untrained(config, path)
    for key in (spec.key for spec in LIMIT_SPECS if spec.key in config):  # the first bad key, in a fixed order
        problem = specs[key].problem(config[key])
        if problem:
            raise GaikoError(f"{key} {problem}", path)
    return argv, Limits(**{specs[k].field: config[k] for k in specs.keys() & config.keys()})


def _fraction(value) -> bool:
    return type(value) in (int, float) and math.isfinite(value) and 0 <= value <= 1


def read_expected(path: Path) -> dict:
    """expected.json checked: a tolerance and scores in [0, 1] (finite), metric paths ending in a measure."""
    try:
        recorded = loads(read_text(path, 1024 * 1024))
    except ValueError as e:
        raise GaikoError(f"invalid JSON: {e}", path) from None
    if not isinstance(recorded, dict) or set(recorded) - {"tolerance", "scores"} or "scores" not in recorded:
        raise GaikoError('must be an object {"tolerance": T, "scores": {METRIC: VALUE, ...}}', path)
    tolerance = recorded.get("tolerance", DEFAULT_TOLERANCE)
    if not _fraction(tolerance) or tolerance > MAX_TOLERANCE:
        raise GaikoError(f"tolerance must be a number in [0, {MAX_TOLERANCE}], got {brief(tolerance)}", path)
    scores = recorded["scores"]
    if not isinstance(scores, dict) or not scores:
        raise GaikoError("scores must be a non-empty object of METRIC: VALUE", path)
    for metric, value in scores.items():
        if metric.rpartition(".")[2] not in GATED_MEASURES:
            raise GaikoError(f"metric {brief(metric)} must end in one of {', '.join(GATED_MEASURES)}", path)
        if not _fraction(value):
            raise GaikoError(f"{metric} must be a number in [0, 1], got {brief(value)}", path)
    return recorded


def _write_run_record(folder: Path, record: dict) -> None:
    write_text_atomic(folder / "run.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")


def score_submission(folder: Path, gold_docs: list[dict], reports: Path, hidden: list[Path],
                     all_docs: list[dict] | None = None) -> Outcome:
    """Run or load one submission, write its report, and list what makes it fail. A command declared
    untrained runs on `all_docs` (every document of the dataset) and is gated on them."""
    predictions_file, toml_file = folder / "predictions.jsonl", folder / "extractor.toml"
    out = reports / folder.name
    if toml_file.exists():
        outcome = Outcome(folder.name, "command")
        argv, limits = read_extractor_toml(toml_file)
        untrained = all_docs is not None and declared_untrained(tomllib.loads(read_text(toml_file, 1024 * 1024)),
                                                                toml_file)
        run = run_extractor(argv, all_docs if untrained else gold_docs, workdir=folder, limits=limits,
                            hidden=[reports, *hidden])
        if run.record["status"] not in ("ok", "invalid_output"):
            outcome.status = run.record["status"]
            outcome.failures.append(f"{run.record['status']}: {run.record['message']}")
        predictions, record = run.predictions, run.record
    elif predictions_file.exists():
        outcome, untrained = Outcome(folder.name, "predictions"), False
        findings = scan_folder(folder, gold_docs)
        if findings:
            outcome.status = "contaminated"
            outcome.failures += [f"contaminated: {f.path} reproduces {f.document}: {f.evidence}" for f in findings]
        predictions, record = load_predictions(predictions_file, gold_docs), None
    else:
        outcome = Outcome(folder.name, "none", "error")
        outcome.failures.append("holds neither predictions.jsonl nor extractor.toml")
        return outcome
    if predictions is None:
        _write_run_record(out, record)
        return outcome
    if predictions.problems and outcome.status == "scored":
        outcome.status = "invalid_output"
    for problem in predictions.problems[:SHOWN_FAILURES]:
        outcome.failures.append(f"invalid: line {problem.line}: {problem.message}")
    if len(predictions.problems) > SHOWN_FAILURES:
        outcome.failures.append(f"invalid: and {len(predictions.problems) - SHOWN_FAILURES} more problems "
                                "(see the report)")
    if untrained:
        evaluation = score_untrained(all_docs, predictions, {d["id"] for d in gold_docs}, run=record)
        outcome.notes.append(f"untrained: gated on all {len(all_docs)} documents; test split "
                             f"ner.strict.micro.f1 = {evaluation.result.test_split.ner['strict'].micro.f1:.4f}")
    else:
        evaluation = evaluate(gold_docs, predictions.by_id, 0, 0, predictions.problems, run=record)
    write_report(evaluation.report, out, evaluation.errors, evaluation.confusion)
    if record is not None:
        _write_run_record(out, record)
    outcome.report = evaluation.report
    outcome.scores = {m: metric_value(evaluation.report, m) for m in TRACKED_METRICS}
    return outcome


def check_expected(outcome: Outcome, folder: Path, update: bool) -> None:
    """Compare with expected.json (or record the current scores with `update`)."""
    path = folder / "expected.json"
    if update:
        if outcome.scores and not outcome.failures:
            tolerance = read_expected(path).get("tolerance", DEFAULT_TOLERANCE) if path.exists() else DEFAULT_TOLERANCE
            scores = {m: round(v, 4) for m, v in outcome.scores.items()}
            write_text_atomic(path, json.dumps({"tolerance": tolerance, "scores": scores}, indent=2) + "\n")
            outcome.notes.append(f"recorded {path.name}")
        return
    if not path.exists():
        outcome.failures.append(f"no {path.name}: record its scores with --update")
        return
    recorded = read_expected(path)
    if outcome.report is None:
        return
    tolerance = recorded.get("tolerance", DEFAULT_TOLERANCE)
    for metric, expected in recorded["scores"].items():
        try:
            value = metric_value(outcome.report, metric)
        except GaikoError as e:
            raise GaikoError(str(e), path) from None
        if value < expected - tolerance:
            outcome.failures.append(f"regression: {metric} = {value:.4f} < recorded {expected:.4f} - {tolerance}")
        elif value > expected + tolerance:
            outcome.notes.append(f"improved: {metric} = {value:.4f} > recorded {expected:.4f}; record with --update")


def gate_submission(folder: Path, gold_docs: list[dict], reports: Path, options: GateOptions,
                    all_docs: list[dict] | None) -> Outcome:
    """Score one submission folder and check it against its expected.json; an error fails it alone."""
    outcome = None
    try:
        if not NAME.match(folder.name) or folder.name in RESERVED_NAMES:
            raise GaikoError("a submission's name must be letters, digits, '.', '_' or '-' (not "
                             f"{', '.join(RESERVED_NAMES)}), got {brief(printable(folder.name))}")
        for name in SUBMISSION_FILES:  # read on the host, outside the sandbox: the submission's own files only
            path = folder / name
            if path.is_symlink() and path.is_file() and folder.resolve() not in path.resolve().parents:
                raise GaikoError(f"{name} links outside the submission folder; the gate reads only the "
                                 "submission's own files")
        outcome = score_submission(folder, gold_docs, reports, [options.gold] if options.gold else [], all_docs)
        check_expected(outcome, folder, options.update)
    except GaikoError as e:  # this submission fails; the others are still scored
        outcome = outcome or Outcome(printable(folder.name), "error", "error")
        outcome.failures.append(printable(f"error: {e}"))
    return outcome


def run_gate(submissions: Path, reports: Path, options: GateOptions = GateOptions(),
             on_outcome: Callable[[Outcome], None] = lambda outcome: None) -> list[Outcome]:
    """Gate every submission folder (sorted by name; hidden folders skipped), calling `on_outcome` as
    each is done. Raises GaikoError when the gold cannot be loaded."""
    gold_docs = load_gold(options.split, options.gold)
    all_docs = None if options.gold else load_gold("all", None)
    if not submissions.is_dir():
        raise GaikoError("is not a folder of submissions", submissions)
    inside, outside = sorted((submissions.resolve(), reports.resolve()), key=lambda p: len(p.parts), reverse=True)
    if inside == outside or outside in inside.parents:
        raise GaikoError(f"the reports folder {reports} and the submissions folder {submissions} overlap: a report "
                         "would replace a submission; give a reports folder outside the submissions")
    folders = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    outcomes = []
    for folder in (f for f in folders if not options.only or f.name in options.only):
        outcomes.append(gate_submission(folder, gold_docs, reports, options, all_docs))
        on_outcome(outcomes[-1])
    return outcomes


def outcome_lines(outcome: Outcome) -> str:
    """The verdict of one submission and what it rests on, one line each."""
    verdict = "pass" if outcome.passed else "FAIL"
    return "\n".join([f"{outcome.name}: {verdict}",
                      *(f"  {printable(line)}" for line in outcome.failures + outcome.notes)])


def summary_markdown(outcomes: list[Outcome]) -> str:
    header = ["submission", "kind", *TRACKED_METRICS, "verdict"]
    rows = []
    for o in outcomes:
        scores = [number_or_none(o.scores.get(m), ".4f") for m in TRACKED_METRICS]
        verdict = "FAIL: " + "; ".join(o.failures) if o.failures else "pass"
        rows.append([printable(cell) for cell in (o.name, o.kind, *scores, verdict)])
    return markdown_table(header, rows)


def write_summary(reports: Path, outcomes: list[Outcome]) -> None:
    """REPORTS/summary.md (a table) and summary.json (every outcome)."""
    write_text_atomic(reports / "summary.md", summary_markdown(outcomes))
    write_text_atomic(reports / "summary.json", json.dumps(
        [o.summary() for o in outcomes], ensure_ascii=False, indent=2) + "\n")


def verdict_line(outcomes: list[Outcome]) -> str:
    failed = [o.name for o in outcomes if not o.passed]
    return f"{len(outcomes)} submissions, {len(failed)} failed{': ' + ', '.join(failed) if failed else ''}"
