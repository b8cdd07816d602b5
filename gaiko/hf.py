"""Glue for Hugging Face model builders: Trainer metrics, the tag decoder, predictions for `gaiko score`.

Importable without torch or transformers (numpy and the schema only). Labels are the `ner` config's
ClassLabel names, `gaiko.schema.BIO_TAGS`, so a model configured with `ID2LABEL`/`LABEL2ID` predicts
ids that mean the same here, in the dataset and in the harness.

The decoding convention moves scores a lot on a model's ill-formed tag sequences (an `I-` after `O`
or after another type): `decode` is strict, as seqeval's `mode="strict", scheme=IOB2` and the
harness's own BIO round trip, and `compute_metrics` reports the lenient (conlleval) decoding beside it
so the gap is visible instead of silent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from gaiko import schema
from gaiko.bio import Token, bio_to_spans, token_offsets
from gaiko.eval.metrics import score_documents
from gaiko.io import write_jsonl_atomic

LABEL_NAMES: tuple[str, ...] = schema.BIO_TAGS
ID2LABEL: dict[int, str] = dict(schema.BIO_BY_INDEX)
LABEL2ID: dict[str, int] = dict(schema.BIO_INDEX)
IGNORE_INDEX = -100  # the label id the Trainer and its collators use for positions not to score


def decode(tags: Sequence[str | int], tokens: Sequence[Token] | None = None,
           lenient: bool = False) -> list[tuple[int, int, str]]:
    """Spans (start, end, label) of IOB2 tags (names or ClassLabel ids) over `tokens`.

    Strict by default: an `I-X` that does not continue an X chunk starts nothing (seqeval strict IOB2;
    `gaiko.bio.bio_to_spans`). `lenient=True` lets it start a chunk (conlleval, seqeval's default).
    `tokens` are (start, end) pairs or {start, end} mappings, e.g. a row's `token_offsets`; without
    them offsets are token indices.
    """
    return bio_to_spans(_names(tags), tokens, lenient)


def _names(tags: Sequence[str | int]) -> list[str]:
    names = []
    for tag in tags:
        if isinstance(tag, str) and tag in LABEL2ID:
            names.append(tag)
        elif isinstance(tag, (int, np.integer)) and not isinstance(tag, bool) and 0 <= tag < len(LABEL_NAMES):
            names.append(LABEL_NAMES[tag])
        else:
            raise ValueError(f"unknown tag {tag!r}: give a name or an id of gaiko.schema.BIO_TAGS "
                             f"(0..{len(LABEL_NAMES) - 1})")
    return names


def _sequences(eval_pred: Any) -> tuple[list[list[str]], list[list[str]]]:
    """Gold and predicted tag names per sequence, keeping only positions whose label is not -100."""
    if hasattr(eval_pred, "predictions") and hasattr(eval_pred, "label_ids"):
        predictions, labels = eval_pred.predictions, eval_pred.label_ids
    else:
        predictions, labels = eval_pred
    if isinstance(predictions, (tuple, list)) and predictions and np.ndim(predictions[0]) == 3:
        predictions = predictions[0]  # a model that returns (logits, hidden states, ...)
    predictions, labels = np.asarray(predictions), np.asarray(labels)
    if predictions.ndim == 3:
        if predictions.shape[-1] != len(LABEL_NAMES):
            raise ValueError(f"logits have {predictions.shape[-1]} classes, the schema has {len(LABEL_NAMES)} "
                             "tags; build the model with num_labels=len(gaiko.hf.LABEL_NAMES)")
        predictions = predictions.argmax(-1)
    if labels.ndim != 2 or predictions.shape != labels.shape:
        raise ValueError(f"predictions of shape {predictions.shape} do not match label ids of shape "
                         f"{labels.shape}; give logits (batch, length, tags) or ids (batch, length)")
    gold, pred = [], []
    for p_row, l_row in zip(predictions, labels, strict=True):
        keep = l_row != IGNORE_INDEX
        gold.append(_names(l_row[keep].tolist()))
        pred.append(_names(p_row[keep].tolist()))
    return gold, pred


def compute_metrics(eval_pred: Any) -> dict[str, float]:
    """Entity scores for `transformers.Trainer(compute_metrics=...)`, computed by the harness's scorer.

    Takes an `EvalPrediction` or a (predictions, label_ids) pair: logits (batch, length, tags) or
    predicted ids (batch, length), and label ids with -100 on positions that are not scored (padding,
    special tokens, later subwords). Each sequence is decoded with `decode` (strict) and scored as a
    document. `precision`, `recall` and `f1` are the strict micro scores, equal to seqeval's
    `mode="strict", scheme=IOB2` on the same tags; the other SemEval modes (`exact_*`, `partial_*`,
    `type_*`), the strict macro F1 and the F1 under lenient decoding (`lenient_f1`) come with them.
    """
    gold, pred = _sequences(eval_pred)

    def report(lenient: bool) -> dict:
        def entities(tags: list[str]) -> list[dict]:
            return [{"start": s, "end": e, "label": lab} for s, e, lab in bio_to_spans(tags, lenient=lenient)]

        docs = [{"id": str(i), "text": "\0" * len(tags), "entities": entities(tags), "events": []}
                for i, tags in enumerate(gold)]
        return score_documents(docs, {str(i): {"entities": entities(tags)} for i, tags in enumerate(pred)})["ner"]

    strict, lenient = report(False), report(True)
    metrics = {k: strict["strict"]["micro"][k] for k in ("precision", "recall", "f1")}
    for mode in ("exact", "partial", "type"):
        metrics.update({f"{mode}_{k}": strict[mode]["micro"][k] for k in ("precision", "recall", "f1")})
    metrics["macro_f1"] = strict["strict"]["macro"]["f1"]
    metrics["lenient_f1"] = lenient["strict"]["micro"]["f1"]
    return metrics


def align_labels(word_ids: Sequence[int | None], tags: Sequence[str | int]) -> list[int]:
    """Label ids for a subword encoding of one row (`encoding.word_ids()` with `is_split_into_words=True`
    on the row's `tokens`): each token's first subword gets its tag id, special tokens and later subwords
    -100, so the Trainer and `compute_metrics` score one tag per token."""
    ids = [LABEL2ID[name] for name in _names(tags)]
    labels, previous = [], None
    for word in word_ids:
        labels.append(IGNORE_INDEX if word is None or word == previous else ids[word])
        previous = word
    return labels


def word_tags(word_ids: Sequence[int | None], predicted: Sequence[int], n_words: int,
              fill: str | None = None) -> list[str]:
    """One tag per token of a row from a subword model's predicted ids (the first subword's).

    A token with no subword (dropped by the tokenizer, e.g. a space, or cut by truncation) is an error
    naming how many, unless `fill` (e.g. "O") is given for them: no token is left out silently.
    """
    found: dict[int, str] = {}
    for word, tag in zip(word_ids, _names(list(predicted)), strict=True):
        if word is not None:
            found.setdefault(word, tag)
    missing = [w for w in range(n_words) if w not in found]
    if missing and fill is None:
        raise ValueError(f"{len(missing)} of {n_words} tokens have no subword (first: token {missing[0]}); "
                         "encode without truncation, or pass fill='O'")
    return [found.get(w, fill) for w in range(n_words)]


def tags_to_predictions(rows: Iterable[Mapping[str, Any]],
                        predicted_tags: Iterable[Sequence[str | int]]) -> list[dict]:
    """Document predictions in the harness's format from `ner` rows and one predicted tag per token.

    `rows` are `ner` rows (at least `document_id` and `token_offsets`), e.g. a split as loaded by
    `datasets`; `predicted_tags` gives, per row, a tag name or ClassLabel id for each of its tokens.
    Spans are decoded strictly (`decode`) in document code-point offsets. Every document of `rows` gets
    one prediction, with no entities if none was found; a row whose tag count differs from its token
    count is an error. Write the result with `write_predictions` and score it with `gaiko score`.
    """
    entities: dict[str, list[dict]] = {}
    pairs = zip(rows, predicted_tags, strict=True)
    for n, (row, tags) in enumerate(_checked(pairs)):
        tags = list(tags)
        offsets = row["token_offsets"]
        if len(tags) != len(offsets):
            raise ValueError(f"row {row.get('id', n)}: {len(tags)} predicted tags for {len(offsets)} tokens")
        spans = decode(tags, token_offsets(offsets, len(tags)))
        entities.setdefault(row["document_id"], []).extend(
            {"start": s, "end": e, "label": label} for s, e, label in spans)
    return [{"id": doc_id, "entities": sorted(found, key=lambda m: (m["start"], m["end"])), "events": []}
            for doc_id, found in sorted(entities.items())]


def _checked(pairs: Iterable[tuple]) -> Iterable[tuple]:
    try:
        yield from pairs
    except ValueError as e:
        if "zip()" not in str(e):
            raise
        raise ValueError("rows and predicted_tags differ in length; give one tag sequence per row") from None


def write_predictions(path: str, predictions: list[dict]) -> None:
    """Write predictions as JSONL (one document per line), atomically, for `gaiko score --pred`."""
    write_jsonl_atomic(path, predictions)
