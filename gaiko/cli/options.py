"""What the verbs share: exit codes, and the options several verbs declare (gold, bootstrap, jobs)."""

from __future__ import annotations

import argparse
import enum
from pathlib import Path

from gaiko.eval.defaults import (DEFAULT_RESAMPLE_UNIT, DEFAULT_SEED, DEFAULT_SPLIT, MAX_RESAMPLES, MAX_SEED,
                                 RESAMPLE_UNITS)
from gaiko.forked import usable_cpus


class ExitCode(enum.IntEnum):
    """The exit status of a `gaiko` verb (the README's command-line section lists them)."""

    OK = 0  # done; every check passed
    FAILED = 1  # done, and what was checked failed: problems found, a threshold missed, a run not ok
    ERROR = 2  # a usage error or an input that cannot be used: one line `gaiko VERB: error: …`, nothing written
    INTERRUPTED = 130  # stopped with Ctrl-C (128 + SIGINT)


def whole_number(low: int, high: int):
    """An argparse type: a whole number in [low, high] (a huge or negative count is refused up front)."""
    def parse(text: str) -> int:
        if text.strip().lstrip("-").isdigit() and low <= int(text) <= high:
            return int(text)
        raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, got {text!r}")
    return parse


RESAMPLES, SEED = whole_number(0, MAX_RESAMPLES), whole_number(0, MAX_SEED)


def add_gold_options(p: argparse.ArgumentParser, split_help: str = "dataset split to score against",
                     gold_help: str = "gold JSONL in the documents shape", default: str = DEFAULT_SPLIT
                     ) -> argparse._MutuallyExclusiveGroup:
    """--gold FILE | --split S (mutually exclusive); returns the group, for a verb that offers another source."""
    gold = p.add_mutually_exclusive_group()
    gold.add_argument("--gold", type=Path, metavar="FILE", help=gold_help)
    gold.add_argument("--split", default=default, help=f"{split_help} (default: {default})")
    return gold


def add_bootstrap_options(p: argparse.ArgumentParser, default: int, unit: bool = True) -> None:
    """--bootstrap N and --seed K, and --resample-unit unless the verb always resamples documents."""
    p.add_argument("--bootstrap", type=RESAMPLES, default=default, metavar="N",
                   help=f"bootstrap resamples{' of --resample-unit' * unit} (default: {default}, "
                   f"at most {MAX_RESAMPLES})")
    p.add_argument("--seed", type=SEED, default=DEFAULT_SEED, metavar="K",
                   help=f"random seed of the resampling (default: {DEFAULT_SEED})")
    if unit:
        p.add_argument("--resample-unit", choices=RESAMPLE_UNITS, default=DEFAULT_RESAMPLE_UNIT,
                       help=f"what the bootstrap draws (default: {DEFAULT_RESAMPLE_UNIT}); see the README before "
                       "choosing a finer unit")


def add_jobs_option(p: argparse.ArgumentParser) -> None:
    """--jobs N: the processes that read a large gold file at once (default: the usable processors)."""
    cpus = usable_cpus()
    p.add_argument("--jobs", type=whole_number(1, 256), default=cpus, metavar="N",
                   help=f"processes that count a large gold file's parts at once (default: the {cpus} usable "
                   "processors); the scores do not depend on it")
