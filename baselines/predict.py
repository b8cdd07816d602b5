"""Predictions of one system for one split, in the predictions format (what pre-annotation imports)."""

from __future__ import annotations

from pathlib import Path

from gaiko.baselines.leaderboard import ensure_dataset
from gaiko.baselines.registry import create
from gaiko.dataset import load_split
from gaiko.documents import strip_annotations
from gaiko.io import write_jsonl_atomic

TRAINING_SPLIT = "train"


def system_predictions(system_name: str, documents: list[dict]) -> list[dict]:
    """Train on the training split when the system needs it, then predict `documents` (annotations unseen)."""
    system = create(system_name)
    ensure_dataset()
    if system.trainable:
        system.fit(load_split(TRAINING_SPLIT))
    return system.extract([strip_annotations(d) for d in documents])


def predict(system_name: str, split: str, out: Path) -> int:
    """Predictions of a system for `split`, written to `out`; returns the count."""
    predictions = system_predictions(system_name, load_split(split))
    write_jsonl_atomic(out, predictions)
    return len(predictions)
