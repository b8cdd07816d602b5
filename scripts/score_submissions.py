"""Score every submission under submissions/ and fail on an invalid one or a regression (the CI gate).

A submission is a folder holding either `predictions.jsonl` (scored as is) or `extractor.toml`
naming a command (run with `gaiko run`: sandboxed, on documents without annotations). Its
recorded scores live in `expected.json`:

    {"tolerance": 0.005, "scores": {"ner.strict.micro.f1": 0.41, ...}}

A metric more than `tolerance` below its recorded value is a regression. `--update` records the
current values instead. Reports go to REPORTS/<name>/ (report.json, report.md, plots, run.json)
and a summary to REPORTS/summary.md and summary.json. Exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from gaiko.documents import load_documents
from gaiko.eval.metrics import evaluate
from gaiko.eval.predictions import load_predictions
from gaiko.eval.report import metric_value, write_report
from gaiko.eval.run import PROJECT_ROOT, load_gold, run_extractor
from gaiko.eval.sandbox import Limits
from gaiko.io import GaikoError, write_text_atomic

TRACKED_METRICS = (
    "ner.strict.micro.f1",
    "ner.partial.micro.f1",
    "events.trigger_classification.micro.f1",
    "events.argument_classification.micro.f1",
)
DEFAULT_TOLERANCE = 0.005
# extractor.toml keys -> Limits fields
LIMIT_KEYS = {"timeout": "timeout_s", "memory": "memory_mb", "max_output": "max_output_mb", "processes": "processes"}


@dataclass
class Outcome:
    name: str
    kind: str
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


def read_extractor_toml(path: Path) -> tuple[list[str], Limits]:
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise GaikoError(f"cannot read: {e}", path) from None
    command = config.get("command")
    argv = shlex.split(command) if isinstance(command, str) else command
    if not argv or not all(isinstance(a, str) for a in argv):
        raise GaikoError("'command' must be a non-empty string or list of strings", path)
    unknown = set(config) - {"command", *LIMIT_KEYS}
    if unknown:
        raise GaikoError(f"unknown keys {sorted(unknown)} (allowed: command, {', '.join(LIMIT_KEYS)})", path)
    limits = Limits(**{LIMIT_KEYS[k]: config[k] for k in LIMIT_KEYS if k in config})
    return argv, limits


def score_submission(folder: Path, gold_docs: list[dict], reports: Path, hidden: list[Path]) -> Outcome:
    """Run or load one submission, write its report, and list what makes it fail."""
    predictions_file, toml_file = folder / "predictions.jsonl", folder / "extractor.toml"
    out = reports / folder.name
    if toml_file.exists():
        outcome = Outcome(folder.name, "command")
        argv, limits = read_extractor_toml(toml_file)
        run = run_extractor(argv, gold_docs, workdir=folder, limits=limits, hidden=[reports, *hidden])
        if run.record["status"] not in ("ok", "invalid_output"):
            outcome.failures.append(f"{run.record['status']}: {run.record['message']}")
        predictions, record = run.predictions, run.record
    elif predictions_file.exists():
        outcome = Outcome(folder.name, "predictions")
        predictions, record = load_predictions(predictions_file, gold_docs), None
    else:
        outcome = Outcome(folder.name, "none")
        outcome.failures.append("holds neither predictions.jsonl nor extractor.toml")
        return outcome
    if predictions is None:
        write_text_atomic(out / "run.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return outcome
    for problem in predictions.problems[:10]:
        outcome.failures.append(f"invalid: line {problem.line}: {problem.message}")
    if len(predictions.problems) > 10:
        outcome.failures.append(f"invalid: and {len(predictions.problems) - 10} more problems (see the report)")
    evaluation = evaluate(gold_docs, predictions.by_id, 0, 0, predictions.problems)
    if record is not None:
        evaluation.report["run"] = record
    write_report(evaluation.report, out, evaluation.errors, evaluation.confusion)
    if record is not None:
        write_text_atomic(out / "run.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    outcome.scores = {m: metric_value(evaluation.report, m) for m in TRACKED_METRICS}
    return outcome


def check_expected(outcome: Outcome, folder: Path, update: bool) -> None:
    """Compare with expected.json (or record the current scores with --update)."""
    path = folder / "expected.json"
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    tolerance = recorded.get("tolerance", DEFAULT_TOLERANCE)
    if update:
        if outcome.scores and not outcome.failures:
            scores = {m: round(v, 4) for m, v in outcome.scores.items()}
            write_text_atomic(path, json.dumps({"tolerance": tolerance, "scores": scores}, indent=2) + "\n")
            outcome.notes.append(f"recorded {path.name}")
        return
    if not recorded:
        outcome.failures.append(f"no {path.name}: record its scores with --update")
        return
    for metric, expected in recorded.get("scores", {}).items():
        value = outcome.scores.get(metric)
        if value is None:
            continue
        if value < expected - tolerance:
            outcome.failures.append(f"regression: {metric} = {value:.4f} < recorded {expected:.4f} - {tolerance}")
        elif value > expected + tolerance:
            outcome.notes.append(f"improved: {metric} = {value:.4f} > recorded {expected:.4f}; record with --update")


def summary_markdown(outcomes: list[Outcome]) -> str:
    header = ["submission", "kind", *TRACKED_METRICS, "verdict"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for o in outcomes:
        scores = [f"{o.scores[m]:.4f}" if m in o.scores else "–" for m in TRACKED_METRICS]
        verdict = "FAIL: " + "; ".join(o.failures) if o.failures else "pass"
        rows.append("| " + " | ".join([o.name, o.kind, *scores, verdict]) + " |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=Path, default=PROJECT_ROOT / "submissions")
    parser.add_argument("--reports", type=Path, default=PROJECT_ROOT / "reports" / "submissions")
    gold = parser.add_mutually_exclusive_group()
    gold.add_argument("--split", default="test")
    gold.add_argument("--gold", type=Path, help="gold JSONL file instead of the dataset split")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="score only these submissions")
    parser.add_argument("--update", action="store_true", help="record the current scores in expected.json")
    args = parser.parse_args(argv)
    try:
        gold_docs = load_documents(args.gold) if args.gold else load_gold(args.split, None)
        folders = sorted(p for p in args.submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
        folders = [f for f in folders if not args.only or f.name in args.only]
        outcomes = []
        for folder in folders:
            outcome = score_submission(folder, gold_docs, args.reports, [args.gold] if args.gold else [])
            check_expected(outcome, folder, args.update)
            outcomes.append(outcome)
            verdict = "FAIL" if outcome.failures else "pass"
            print(f"{outcome.name}: {verdict}", *(f"  {line}" for line in outcome.failures + outcome.notes), sep="\n")
    except GaikoError as e:
        print(f"score_submissions: error: {e}", file=sys.stderr)
        return 2
    write_text_atomic(args.reports / "summary.md", summary_markdown(outcomes))
    write_text_atomic(args.reports / "summary.json", json.dumps(
        [o.__dict__ for o in outcomes], ensure_ascii=False, indent=2) + "\n")
    failed = [o.name for o in outcomes if o.failures]
    print(f"{len(outcomes)} submissions, {len(failed)} failed{': ' + ', '.join(failed) if failed else ''}")
    return 1 if failed or not outcomes else 0


if __name__ == "__main__":
    sys.exit(main())
