"""Scoring files as a stream: memory holds the parsed predictions and the sparse count rows, never the
gold corpus. Gold documents are read in batches; each batch takes its documents' predictions from the
index of prediction lines (several files, any order), is counted, and is dropped."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from gaiko.columns import GoldBatch, batch_of
from gaiko.eval.counts import Counts, merge
from gaiko.eval.matching import count_batch, count_sides
from gaiko.io import GaikoError
from gaiko.predictions import PredictionIndex, Problem


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
