"""Predictions of one system for one split, in the predictions format (what pre-annotation imports)."""

from __future__ import annotations

from pathlib import Path

from gaiko.documents import strip_annotations
from gaiko.io import write_jsonl_atomic

TRAINING_SPLIT = "train"


def predict(system_name: str, split: str, out: Path) -> int:
    """Train on the training split when the system needs it, predict `split`, write `out`; returns the count."""
    from gaiko.baselines.leaderboard import ensure_dataset
    from gaiko.baselines.registry import create
    from gaiko.build import load_split

    system = create(system_name)
    ensure_dataset()
    if system.trainable:
        system.fit(load_split(TRAINING_SPLIT))
    predictions = system.extract([strip_annotations(d) for d in load_split(split)])
    write_jsonl_atomic(out, predictions)
    return len(predictions)
