"""The gold documents a score, a run, an alignment or a page is made against: a gold JSONL file in the
documents shape when one is given, else a split of the dataset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gaiko.batches import BATCH
from gaiko.batches import iter_gold_batches as read_batches
from gaiko.batches import iter_gold_documents
from gaiko.columns import GoldBatch, batch_of, gold_views
from gaiko.dataset import load_split
from gaiko.eval.defaults import DEFAULT_SPLIT
from gaiko.io import GaikoError

EMPTY_GOLD = "holds no gold document (one JSON object per line in the documents shape)"


def iter_gold(split: str = DEFAULT_SPLIT, gold: Path | None = None) -> Iterator[dict]:
    """The gold documents one by one: a file is read and validated as a stream (in batches), never held
    whole. A file without any document is an error (everything would be scored against nothing)."""
    if gold is None:
        yield from load_split(split)
        return
    documents = 0
    for documents, doc in enumerate(iter_gold_documents(gold), start=1):
        yield doc
    if not documents:
        raise GaikoError(EMPTY_GOLD, gold)


def iter_gold_batches(split: str = DEFAULT_SPLIT, gold: Path | None = None) -> Iterator[GoldBatch]:
    """The gold documents in batches (`gaiko.columns`), for scoring: a file is read with the typed fast
    path (`gaiko.batches`), with every check and error of `iter_gold`."""
    if gold is None:
        docs = load_split(split)
        for first in range(0, len(docs), BATCH):
            yield batch_of(gold_views(docs[first:first + BATCH]))
        return
    documents = 0
    for batch in read_batches(gold):
        documents += len(batch.docs)
        yield batch
    if not documents:
        raise GaikoError(EMPTY_GOLD, gold)


def load_gold(split: str = DEFAULT_SPLIT, gold: Path | None = None) -> list[dict]:
    """The gold documents as a list (`iter_gold`)."""
    return list(iter_gold(split, gold))
