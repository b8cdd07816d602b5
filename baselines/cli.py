"""Verbs of the baselines: `gaiko leaderboard` and `gaiko predict`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from gaiko.baselines.leaderboard import format_table, rows_json, run_leaderboard, write_outputs
    from gaiko.baselines.registry import parse_names

    result = run_leaderboard(parse_names(args.systems), args.bootstrap, args.seed, progress=not args.quiet)
    chart = write_outputs(result, args.out, args.throughput_out)
    if args.json:
        print(rows_json(result))
    else:
        print(format_table(result["rows"]), end="")
        print(f"wrote {args.out}, {chart} and {args.throughput_out}", file=sys.stderr)
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from gaiko.baselines.predict import predict

    count = predict(args.system, args.split, args.out)
    print(f"wrote predictions of {args.system} for {count} documents of split {args.split} to {args.out}",
          file=sys.stderr)
    return 0


def register(subparsers) -> None:
    from gaiko.corpus import ROOT

    p = subparsers.add_parser(
        "leaderboard", help="train, run and score every baseline and GiNZA (test split and cross-validation)",
        description="Builds the dataset if needed, trains the trainable systems, runs every system on the "
        "held-out test documents and in leave-one-document-out cross-validation, scores NER and events with "
        "bootstrap intervals, measures throughput, writes the markdown table and a PNG chart beside it.")
    p.add_argument("--systems", help="comma-separated systems (default: all)")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--out", type=Path, default=ROOT / "eval" / "leaderboard.md",
                   help="markdown output; the chart goes beside it as .png (default eval/leaderboard.md)")
    p.add_argument("--throughput-out", type=Path, default=ROOT / "reports" / "leaderboard-throughput.md",
                   help="throughput table, which changes from run to run (default reports/leaderboard-throughput.md, "
                   "not tracked)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON instead of the table")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_leaderboard)

    p = subparsers.add_parser(
        "predict", help="write a system's predictions for a split (predictions JSONL, e.g. for pre-annotation)",
        description="Trains SYSTEM on the training split if it needs training, then writes its predictions "
        "for the documents of SPLIT in the predictions format.")
    p.add_argument("system", help="gazetteer, rules, crf or ginza")
    p.add_argument("--split", default="test", choices=("train", "validation", "test", "all"))
    p.add_argument("--out", type=Path, required=True, help="predictions JSONL to write")
    p.set_defaults(handler=cmd_predict)
