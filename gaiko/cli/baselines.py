"""Verbs of the baselines: `gaiko leaderboard` and `gaiko predict`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gaiko.cli.options import ExitCode, add_bootstrap_options
from gaiko.eval.defaults import LEADERBOARD_RESAMPLES
from gaiko.paths import LEADERBOARD_FILE, THROUGHPUT_FILE


def leaderboard_command(args: argparse.Namespace) -> ExitCode:
    # The systems and the scorer load numpy, scikit-learn and spaCy: only when the verb runs.
    from gaiko.baselines.leaderboard import format_table, rows_json, run_leaderboard, write_outputs
    from gaiko.baselines.registry import parse_names

    result = run_leaderboard(parse_names(args.systems), args.bootstrap, args.seed, progress=not args.quiet)
    chart = write_outputs(result, args.out, args.throughput_out)
    if args.json:
        print(rows_json(result))
    else:
        print(format_table(result["rows"]), end="")
        print(f"wrote {args.out}, {chart} and {args.throughput_out}", file=sys.stderr)
    return ExitCode.OK


def predict_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.baselines.predict import predict  # the systems: only when the verb runs

    count = predict(args.system, args.split, args.out)
    print(f"wrote predictions of {args.system} for {count} documents of split {args.split} to {args.out}",
          file=sys.stderr)
    return ExitCode.OK


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "leaderboard", help="train, run and score every baseline and GiNZA (test split and cross-validation)",
        description="Builds the dataset if needed, trains the trainable systems, runs every system on the "
        "held-out test documents and in leave-one-document-out cross-validation, scores NER and events with "
        "bootstrap intervals, measures throughput, writes the markdown table and a PNG chart beside it.")
    p.add_argument("--systems", help="comma-separated systems (default: all)")
    add_bootstrap_options(p, LEADERBOARD_RESAMPLES, unit=False)
    p.add_argument("--out", type=Path, default=LEADERBOARD_FILE,
                   help="markdown output; the chart goes beside it as .png (default eval/leaderboard.md)")
    p.add_argument("--throughput-out", type=Path, default=THROUGHPUT_FILE,
                   help="throughput table, which changes from run to run (default reports/leaderboard-throughput.md, "
                   "not tracked)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON instead of the table")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=leaderboard_command)

    p = subparsers.add_parser(
        "predict", help="write a system's predictions for a split (predictions JSONL, e.g. for pre-annotation)",
        description="Trains SYSTEM on the training split if it needs training, then writes its predictions "
        "for the documents of SPLIT in the predictions format.")
    p.add_argument("system", help="gazetteer, rules, crf or ginza")
    p.add_argument("--split", default="test", choices=("train", "validation", "test", "all"))
    p.add_argument("--out", type=Path, required=True, help="predictions JSONL to write")
    p.set_defaults(handler=predict_command)
