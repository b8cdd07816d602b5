"""The gold documents a score, a run, an alignment or a page is made against."""

from __future__ import annotations

from pathlib import Path

from gaiko.build import load_split
from gaiko.documents import load_documents
from gaiko.eval.defaults import DEFAULT_SPLIT


def load_gold(split: str = DEFAULT_SPLIT, gold: Path | None = None) -> list[dict]:
    """The documents of a gold JSONL file (the documents shape) when one is given, else a dataset split."""
    if gold is not None:
        return load_documents(gold)
    return load_split(split)
