"""Score every submission under submissions/ and fail on an invalid one or a regression (the CI gate).

The gate itself is `gaiko.eval.gate` (its docstring describes submissions, expected.json and the
reports); this is its command line. Exit 1 on any failure, 2 when the gold cannot be loaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gaiko.eval.gate import GateOptions, outcome_lines, run_gate, verdict_line, write_summary
from gaiko.eval.run import PROJECT_ROOT
from gaiko.io import GaikoError


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
    options = GateOptions(args.gold, args.split, tuple(args.only), args.update)
    try:
        outcomes = run_gate(args.submissions, args.reports, options, lambda outcome: print(outcome_lines(outcome)))
    except GaikoError as e:
        print(f"score_submissions: error: {e}", file=sys.stderr)
        return 2
    write_summary(args.reports, outcomes)
    print(verdict_line(outcomes))
    return 1 if any(not o.passed for o in outcomes) or not outcomes else 0


if __name__ == "__main__":
    sys.exit(main())
