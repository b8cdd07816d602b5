"""The gold documents a score, a run, an alignment or a page is made against: a gold JSONL file in the
documents shape when one is given, else a split of the dataset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gaiko.dataset import load_split
from gaiko.documents import iter_documents
from gaiko.eval.defaults import DEFAULT_SPLIT


def iter_gold(split: str = DEFAULT_SPLIT, gold: Path | None = None) -> Iterator[dict]:
    """The gold documents one by one: a file is read and validated as a stream, never held whole."""
    if gold is not None:
        return iter_documents(gold)
    return iter(load_split(split))


def load_gold(split: str = DEFAULT_SPLIT, gold: Path | None = None) -> list[dict]:
    """The gold documents as a list (`iter_gold`)."""
    return list(iter_gold(split, gold))
