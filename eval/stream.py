"""Scoring files as a stream: memory holds the parsed predictions and the sparse count rows, never the
gold corpus. Gold documents are read in batches; each batch takes its documents' predictions from the
index of prediction lines (several files, any order), is counted, and is dropped.

A large gold file is cut into parts at line ends, counted at once in forked processes that each start
with the whole index (`gaiko.forked`); the parts' counts add up (`merge`) to the single-process counts.
A part whose process fails, or that repeats a document id of an earlier part, is read again in this
process after the parts before it, so every error is the one, on the line, that one process raises.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from gaiko.batches import iter_gold_batches as read_batches
from gaiko.columns import GoldBatch, batch_of
from gaiko.eval.counts import Counts, merge
from gaiko.eval.defaults import DEFAULT_SPLIT
from gaiko.eval.gold import EMPTY_GOLD, iter_gold_batches
from gaiko.eval.matching import count_batch, count_sides
from gaiko.forked import Forked, children_allowed, start
from gaiko.io import GaikoError, line_parts
from gaiko.predictions import PredictionIndex, Problem

PART_BYTES = 4 << 20  # the least gold a process is started for: a smaller part saves less than the start costs


def prediction_paths(values: Iterable[str | Path]) -> list[Path]:
    """Prediction files from command-line values: each a path or a glob pattern (matches sorted)."""
    paths = []
    for value in map(str, values):
        if glob.has_magic(value) and not Path(value).exists():
            matches = sorted(glob.glob(value))
            if not matches:
                raise GaikoError(f"no file matches {value!r}")
            paths += map(Path, matches)
        else:
            paths.append(Path(value))
    if len(set(paths)) < len(paths):
        raise GaikoError(f"a predictions file is given twice: {', '.join(sorted({str(p) for p in paths if paths.count(p) > 1}))}")
    return paths


def count_stream(gold: Iterable[GoldBatch], index: PredictionIndex,
                 unit: str = "document") -> tuple[Counts, list[Problem]]:
    """Counts of the indexed predictions against a stream of batches of gold documents
    (`gaiko.eval.gold.iter_gold_batches`), and every problem."""
    parts = []
    for batch in gold:
        parts.append(count_sides(batch, index.take_side(batch), unit))
    if not parts:
        parts.append(count_batch(batch_of([]), [], unit))
    return merge(parts), index.finish()


def count_gold(index: PredictionIndex, unit: str = "document", split: str = DEFAULT_SPLIT, gold: Path | None = None,
               jobs: int = 1) -> tuple[Counts, list[Problem]]:
    """`count_stream` of the gold documents (a file, else a split), a large file counted in up to `jobs`
    processes at once."""
    jobs = 1 + children_allowed(jobs - 1) if gold is not None and jobs > 1 else 1
    parts = line_parts(gold, jobs, PART_BYTES) if jobs > 1 else []
    if len(parts) < 2:
        return count_stream(iter_gold_batches(split, gold), index, unit)
    others: list[Forked | None] = []
    try:
        for part in parts[1:]:  # each child known to `finally` as soon as it runs
            others.append(start(partial(_count_part, index, unit, gold, part, set())))
        seen: set[str] = set()
        counted = [_count_part(index, unit, gold, parts[0], seen)]
        for part, other in zip(parts[1:], others, strict=True):
            done = other and other.result()
            if done is None or not seen.isdisjoint(done.ids):  # counted here: the error found in order
                done = _count_part(index, unit, gold, part, seen)
            else:
                index.taken_elsewhere(done.ids, done.problems)
                seen.update(done.ids)
            counted.append(done)
    finally:
        for other in filter(None, others):
            other.stop()
    if not seen:
        raise GaikoError(EMPTY_GOLD, gold)
    return merge([c.counts for c in counted if c.counts is not None]), index.finish()


class _Part(NamedTuple):
    counts: Counts | None  # None: the part holds no document
    ids: list[str]  # its documents
    problems: list[Problem]  # the problems its documents' predictions added to the index


def _count_part(index: PredictionIndex, unit: str, gold: Path, part: tuple[int, int | None],
                seen: set[str]) -> _Part:
    before, counted, ids = len(index.problems), [], []
    for batch in read_batches(gold, part=part, seen=seen):
        ids += map(attrgetter("id"), batch.docs)
        counted.append(count_sides(batch, index.take_side(batch), unit))
    return _Part(merge(counted) if counted else None, ids, index.problems[before:])
