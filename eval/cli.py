"""Verbs `validate`, `score` and `compare`: thin shells over the evaluation library."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from gaiko.io import GaikoError


def _add_gold_arguments(p: argparse.ArgumentParser) -> None:
    gold = p.add_mutually_exclusive_group()
    gold.add_argument("--gold", type=Path, metavar="FILE", help="gold JSONL in the documents shape")
    gold.add_argument("--split", default="test", help="dataset split to score against (default: test)")


MAX_RESAMPLES = 100_000  # enough for any interval; more only costs memory and time


def whole_number(low: int, high: int):
    """An argparse type: a whole number in [low, high] (a huge or negative count is refused up front)."""
    def parse(text: str) -> int:
        if text.strip().lstrip("-").isdigit() and low <= int(text) <= high:
            return int(text)
        raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, got {text!r}")
    return parse


RESAMPLES, SEED = whole_number(0, MAX_RESAMPLES), whole_number(0, 2**32 - 1)


def _add_bootstrap_arguments(p: argparse.ArgumentParser, default: int) -> None:
    p.add_argument("--bootstrap", type=RESAMPLES, default=default, metavar="N",
                   help=f"bootstrap resamples of --resample-unit (default: {default}, at most {MAX_RESAMPLES})")
    p.add_argument("--seed", type=SEED, default=0, metavar="K", help="random seed of the resampling (default: 0)")
    p.add_argument("--resample-unit", choices=("document", "paragraph", "sentence"), default="document",
                   help="what the bootstrap draws (default: document); see the README before choosing a finer unit")


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


def register(subparsers) -> None:
    p = subparsers.add_parser("validate", help="check a predictions file against the gold documents",
                              description="List every problem of a predictions file, one line each "
                              "(FILE:LINE: problem); exit 1 if there is any.")
    p.add_argument("pred", nargs="+", metavar="PRED", help="predictions file(s) or glob pattern(s)")
    _add_gold_arguments(p)
    p.set_defaults(handler=validate_command)

    p = subparsers.add_parser("score", help="score predictions: NER modes, event metrics, bootstrap intervals",
                              description="Score a predictions file against gold documents.")
    p.add_argument("--pred", action="append", required=True, metavar="PRED",
                   help="predictions file; repeat it, or give a glob pattern, for predictions in several files")
    _add_gold_arguments(p)
    _add_bootstrap_arguments(p, 0)
    p.add_argument("--out", type=Path, metavar="DIR", help="write report.json, report.md, errors.tsv and plots")
    p.add_argument("--json", action="store_true", help="print the report JSON instead of the table")
    p.add_argument("--fail-under", type=_threshold, action="append", default=[], metavar="METRIC=VALUE",
                   help="exit 1 when a metric (e.g. ner.strict.micro.f1) is below VALUE; repeatable")
    p.add_argument("--drop-invalid", action="store_true",
                   help="score the valid part of an invalid file (rejections are counted in the report) "
                   "instead of refusing it")
    p.set_defaults(handler=score_command)

    p = subparsers.add_parser("compare", help="paired bootstrap comparison of two prediction files",
                              description="Compare B against A on the same gold documents: delta = B - A.")
    p.add_argument("a", type=Path, metavar="A")
    p.add_argument("b", type=Path, metavar="B")
    _add_gold_arguments(p)
    _add_bootstrap_arguments(p, 1000)
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument("--out", type=Path, metavar="DIR", help="write report.html (gold, A and B side by side), "
                   "comparison.json, and each system's report_X.json and errors_X.tsv")
    p.add_argument("--drop-invalid", action="store_true", help="compare the valid parts of invalid files")
    p.set_defaults(handler=compare_command)


def _gold(args: argparse.Namespace) -> list[dict]:
    if args.gold is not None:
        from gaiko.documents import load_documents

        return load_documents(args.gold)
    from gaiko.build import load_split

    return load_split(args.split)


def _load(path: Path | list[Path], gold_docs: list[dict], drop_invalid: bool):
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
        first, more = problems[0], len(problems) - 1
        tail = f" (and {more} more problem{'s' * (more > 1)}; `gaiko validate` lists them)" if more else ""
        raise GaikoError(first.message + tail, getattr(first, "file", None) or path, first.line)
    if problems:
        n = len(problems)
        print(f"gaiko: {path}: {n} problem{'s' * (n != 1)}; their items are left out and counted",
              file=sys.stderr)


def _warn(verb: str, warning: str | None) -> None:
    if warning:
        print(f"gaiko {verb}: warning: {warning}", file=sys.stderr)


def validate_command(args: argparse.Namespace) -> int:
    from gaiko.predictions import PredictionIndex
    from gaiko.eval.stream import gold_stream, paused_gc, prediction_paths

    paths = prediction_paths(args.pred)
    with paused_gc():
        index = PredictionIndex.from_files(paths)
        for doc in gold_stream(args.gold, args.split):
            index.take(doc)
        problems = index.finish()
    for problem in problems:
        print(problem.format(paths[0]))
    name = paths[0] if len(paths) == 1 else f"{len(paths)} files"
    print(f"{name}: {len(problems)} problem{'s' * (len(problems) != 1)}")  # the report's last line
    return 1 if problems else 0


def score_command(args: argparse.Namespace) -> int:
    from gaiko.eval.metrics import evaluate, score
    from gaiko.predictions import PredictionIndex
    from gaiko.eval.report import format_table, metric_value, write_report
    from gaiko.eval.stream import count_stream, gold_stream, paused_gc, prediction_paths

    paths = prediction_paths(args.pred)
    if args.out:  # the error listing, plots and page need every document: scored in memory
        gold_docs = _gold(args)
        loaded = _load(paths, gold_docs, args.drop_invalid)
        evaluation = evaluate(gold_docs, loaded.by_id, args.bootstrap, args.seed, loaded.problems,
                              unit=args.resample_unit)
        report = evaluation.report
    else:  # only counts: gold read as a stream, no error listing
        with paused_gc():
            counts, problems = count_stream(gold_stream(args.gold, args.split), PredictionIndex.from_files(paths),
                                            args.resample_unit)
        _refuse(problems, paths, args.drop_invalid)
        report = score(counts, args.bootstrap, args.seed, problems)
    _warn("score", (report["counts"]["bootstrap"] or {}).get("warning"))
    values = {metric: metric_value(report, metric) for metric, _ in args.fail_under}
    if args.out:
        from gaiko.eval.html import score_page

        page = score_page(gold_docs, loaded.by_id, report, evaluation.errors)
        written = write_report(report, args.out, evaluation.errors, evaluation.confusion, {"report.html": page})
        print(f"wrote {args.out}: {', '.join(p.name for p in written)}", file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_table(report), end="\n" * args.json)
    failed = [(m, values[m], v) for m, v in args.fail_under if values[m] < v]
    for metric, value, required in failed:
        print(f"gaiko score: {metric} = {value:.4f} is below the required {required:.4f}", file=sys.stderr)
    return 1 if failed else 0


def compare_command(args: argparse.Namespace) -> int:
    from gaiko.eval.bootstrap import compare
    from gaiko.predictions import rejection_counts
    from gaiko.eval.report import format_comparison

    if args.bootstrap < 1:
        raise GaikoError("--bootstrap must be at least 1 for a paired comparison")
    gold_docs = _gold(args)
    a, b = (_load(path, gold_docs, args.drop_invalid) for path in (args.a, args.b))
    result = compare(gold_docs, a.by_id, b.by_id, args.bootstrap, args.seed, args.resample_unit)
    _warn("compare", result["warning"])
    result["rejected"] = {"a": rejection_counts(a.problems), "b": rejection_counts(b.problems)}
    if args.out:
        from gaiko.eval.html import write_comparison

        written = write_comparison(args.out, gold_docs, (str(args.a), a), (str(args.b), b), result)
        print(f"wrote {args.out}: {', '.join(p.name for p in written)}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(format_comparison(result, str(args.a), str(args.b)), end="")
    for name, counts in result["rejected"].items():
        if counts["problems"]:
            lost = ", ".join(f"{n} {'lines' if kind == 'documents' else kind}"
                             for kind, n in counts["rejected"].items())
            reasons = ", ".join(f"{reason} {n}" for reason, n in counts["problems"].items())
            print(f"{name.upper()}: rejected {lost} ({reasons})")
    return 0
