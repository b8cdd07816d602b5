"""Verbs of scoring: validate, score and compare; thin shells over `gaiko.eval`."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

from gaiko.cli.options import ExitCode, add_bootstrap_options, add_gold_options, add_jobs_option
from gaiko.eval.defaults import COMPARE_RESAMPLES, SCORE_RESAMPLES
from gaiko.eval.report import OUTPUT_FILES, format_comparison, format_table, metric_value, write_report
from gaiko.io import GaikoError, check_output_folder, paused_gc
from gaiko.problems import and_more

# The harness does no linear algebra: numpy's BLAS threads would only spin at import, costing CPU time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="check a predictions file against the gold documents",
                              description="List every problem of a predictions file, one line each "
                              "(FILE:LINE: problem); exit 1 if there is any.")
    p.add_argument("pred", nargs="+", metavar="PRED", help="predictions file(s) or glob pattern(s)")
    add_gold_options(p)
    p.set_defaults(handler=validate_command)

    p = subparsers.add_parser("score", help="score predictions: NER modes, event metrics, bootstrap intervals",
                              description="Score a predictions file against gold documents.")
    p.add_argument("--pred", action="append", required=True, metavar="PRED",
                   help="predictions file; repeat it, or give a glob pattern, for predictions in several files")
    add_gold_options(p)
    add_bootstrap_options(p, SCORE_RESAMPLES)
    p.add_argument("--out", type=Path, metavar="DIR", help="write report.json, report.md, errors.tsv and plots")
    p.add_argument("--json", action="store_true", help="print the report JSON instead of the table")
    p.add_argument("--fail-under", type=_threshold, action="append", default=[], metavar="METRIC=VALUE",
                   help="exit 1 when a metric (e.g. ner.strict.micro.f1) is below VALUE; repeatable")
    p.add_argument("--drop-invalid", action="store_true",
                   help="score the valid part of an invalid file (rejections are counted in the report) "
                   "instead of refusing it")
    add_jobs_option(p)
    p.set_defaults(handler=score_command)

    p = subparsers.add_parser("compare", help="paired bootstrap comparison of two prediction files",
                              description="Compare B against A on the same gold documents: delta = B - A.")
    p.add_argument("a", type=Path, metavar="A")
    p.add_argument("b", type=Path, metavar="B")
    add_gold_options(p)
    add_bootstrap_options(p, COMPARE_RESAMPLES)
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument("--out", type=Path, metavar="DIR", help="write report.html (gold, A and B side by side), "
                   "comparison.json, and each system's report_X.json and errors_X.tsv")
    p.add_argument("--drop-invalid", action="store_true", help="compare the valid parts of invalid files")
    add_jobs_option(p)
    p.set_defaults(handler=compare_command)


def _threshold(text: str) -> tuple[str, float]:
    """METRIC=VALUE with VALUE a finite number in [0, 1]: NaN would make every comparison pass."""
    metric, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if metric and sep and math.isfinite(number) and 0 <= number <= 1:
        return metric, number
    raise argparse.ArgumentTypeError(f"expected METRIC=VALUE with VALUE a number in [0, 1], such as "
                                     f"ner.strict.micro.f1=0.6, got {text!r}")


def checked_predictions(path: Path | list[Path], gold_docs: list[dict], drop_invalid: bool):
    """Valid predictions of a file (or files); an invalid file is refused unless the caller accepts dropping."""
    from gaiko.predictions import load_predictions
    loaded = load_predictions(path, gold_docs)
    _refuse(loaded.problems, path, drop_invalid)
    return loaded


def _refuse(problems: list, path: Path | list[Path], drop_invalid: bool) -> None:
    """Raise the first problem (invalid input is refused) unless the caller accepts dropping; then say how many."""
    if isinstance(path, list):
        path = path[0] if len(path) == 1 else ", ".join(map(str, path))
    if problems and not drop_invalid:
        first = problems[0]
        tail = and_more(len(problems) - 1, "problem", "problems", "`gaiko validate` lists them")
        raise GaikoError(first.message + tail, first.file or path, first.line)
    if problems:
        n = len(problems)
        print(f"gaiko: {path}: {n} problem{'s' * (n != 1)}; their items are left out and counted",
              file=sys.stderr)


def _warn(verb: str, warning: str | None) -> None:
    if warning:
        print(f"gaiko {verb}: warning: {warning}", file=sys.stderr)


def validate_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.eval.gold import iter_gold_batches
    from gaiko.eval.stream import prediction_paths  # loads numpy
    from gaiko.predictions import PredictionIndex

    paths = prediction_paths(args.pred)
    with paused_gc():
        index = PredictionIndex.from_files(paths)
        for batch in iter_gold_batches(args.split, args.gold):
            index.take_batch(batch.docs)
        problems = index.finish()
    for problem in problems:
        print(problem.format(paths[0]))
    name = paths[0] if len(paths) == 1 else f"{len(paths)} files"
    print(f"{name}: {len(problems)} problem{'s' * (len(problems) != 1)}")  # the report's last line
    return ExitCode.FAILED if problems else ExitCode.OK


def score_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.eval.gold import load_gold
    from gaiko.eval.metrics import evaluate, score  # loads numpy
    from gaiko.eval.stream import count_gold, prediction_paths
    from gaiko.predictions import PredictionIndex

    paths = prediction_paths(args.pred)
    if args.out:  # the error listing, plots and page need every document: scored in memory
        check_output_folder(args.out, OUTPUT_FILES)
        gold_docs = load_gold(args.split, args.gold)
        loaded = checked_predictions(paths, gold_docs, args.drop_invalid)
        evaluation = evaluate(gold_docs, loaded.by_id, args.bootstrap, args.seed, loaded.problems,
                              unit=args.resample_unit)
        report = evaluation.report
    else:  # only counts: gold read as a stream, no error listing
        with paused_gc():
            counts, problems = count_gold(PredictionIndex.from_files(paths), args.resample_unit, args.split,
                                          args.gold, args.jobs)
        _refuse(problems, paths, args.drop_invalid)
        report = score(counts, args.bootstrap, args.seed, problems)
    _warn("score", (report["counts"]["bootstrap"] or {}).get("warning"))
    values = {metric: metric_value(report, metric) for metric, _ in args.fail_under}
    if args.out:
        from gaiko.eval.html import score_page  # loads jinja2

        page = score_page(gold_docs, loaded.by_id, report, evaluation.errors)
        written = write_report(report, args.out, evaluation.errors, evaluation.confusion, {"report.html": page})
        print(f"wrote {args.out}: {', '.join(p.name for p in written)}", file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_table(report), end="\n" * args.json)
    failed = [(m, values[m], v) for m, v in args.fail_under if values[m] < v]
    for metric, value, required in failed:
        print(f"gaiko score: {metric} = {value:.4f} is below the required {required:.4f}", file=sys.stderr)
    return ExitCode.FAILED if failed else ExitCode.OK


def compare_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.eval.bootstrap import compare, compare_counts  # loads numpy
    from gaiko.eval.gold import load_gold
    from gaiko.eval.stream import count_gold
    from gaiko.predictions import PredictionIndex, rejection_counts

    if args.bootstrap < 1:
        raise GaikoError("--bootstrap must be at least 1 for a paired comparison")
    if args.out:  # the page shows every document: both systems held in memory
        check_output_folder(args.out, OUTPUT_FILES)
        gold_docs = load_gold(args.split, args.gold)
        a, b = (checked_predictions(path, gold_docs, args.drop_invalid) for path in (args.a, args.b))
        rejected = {"a": rejection_counts(a.problems), "b": rejection_counts(b.problems)}
        result = compare(gold_docs, a.by_id, b.by_id, args.bootstrap, args.seed, args.resample_unit, rejected)
    else:  # only counts: the gold read as a stream once per system, each system's counts kept
        counted = []
        for path in (args.a, args.b):
            with paused_gc():
                counts, problems = count_gold(PredictionIndex.from_files([path]), args.resample_unit,
                                              args.split, args.gold, args.jobs)
            _refuse(problems, path, args.drop_invalid)
            counted.append((counts, rejection_counts(problems)))
        (counts_a, rejected_a), (counts_b, rejected_b) = counted
        result = compare_counts(counts_a, counts_b, args.bootstrap, args.seed, {"a": rejected_a, "b": rejected_b})
    _warn("compare", result["warning"])
    if args.out:
        from gaiko.eval.html import write_comparison  # loads jinja2

        written = write_comparison(args.out, gold_docs, (str(args.a), a), (str(args.b), b), result)
        print(f"wrote {args.out}: {', '.join(p.name for p in written)}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
        return ExitCode.OK
    print(format_comparison(result, str(args.a), str(args.b)), end="")
    for name, counts in result["rejected"].items():
        if counts["problems"]:
            lost = ", ".join(f"{n} {'lines' if kind == 'documents' else kind}"
                             for kind, n in counts["rejected"].items())
            reasons = ", ".join(f"{reason} {n}" for reason, n in counts["problems"].items())
            print(f"{name.upper()}: rejected {lost} ({reasons})")
    return ExitCode.OK
