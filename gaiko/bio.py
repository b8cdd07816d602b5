"""Spans ↔ BIO tags over a token sequence (characters or words with character offsets).

Tokens are given as (start, end) pairs or as {start, end} mappings (a `token_offsets` row as
`datasets` loads it); anything else is refused, never read as something else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Token = tuple[int, int] | Mapping[str, int]


def token_offsets(tokens: Sequence[Any], n: int) -> list[tuple[int, int]]:
    """(start, end) of each of `n` tokens; a token of another shape, or a count that differs from `n`,
    is an error (a dict unpacked as a pair would give the spans ('start', 'end', label))."""
    if len(tokens) != n:
        raise ValueError(f"{len(tokens)} token offsets for {n} tags; give one (start, end) per tag")
    pairs = []
    for i, token in enumerate(tokens):
        if isinstance(token, Mapping) and "start" in token and "end" in token:
            pairs.append((token["start"], token["end"]))
        elif isinstance(token, Sequence) and not isinstance(token, str) and len(token) == 2:
            pairs.append((token[0], token[1]))
        else:
            raise TypeError(f"token {i} is {token!r}; give a (start, end) pair or a {{start, end}} mapping")
    return pairs


def spans_to_bio(
    length: int, spans: Sequence[tuple[int, int, str]], tokens: Sequence[Token] | None = None
) -> tuple[list[str], list[tuple[int, int, str]]]:
    """IOB2 tags for `tokens` (default: one token per character) and the spans that do not fit.

    A span fits when it starts at a token start and ends at a token end; the others are returned
    (never silently dropped) so the caller can count and report them.
    """
    tokens = [(i, i + 1) for i in range(length)] if tokens is None else token_offsets(tokens, len(tokens))
    by_start = {s: i for i, (s, _) in enumerate(tokens)}
    by_end = {e: i for i, (_, e) in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    misfits = []
    for start, end, label in sorted(spans):
        first, last = by_start.get(start), by_end.get(end)
        if first is None or last is None or last < first or any(t != "O" for t in tags[first:last + 1]):
            misfits.append((start, end, label))
            continue
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags, misfits


def bio_to_spans(
    tags: Sequence[str], tokens: Sequence[Token] | None = None, lenient: bool = False
) -> list[tuple[int, int, str]]:
    """Spans of the IOB2 chunks of `tags` over `tokens` (default: one token per character).

    Strict (the default, as seqeval's `mode="strict", scheme=IOB2`): an I- that does not continue a
    chunk of its label starts none, so only well-formed chunks count. `lenient` decodes as conlleval
    and seqeval's default mode instead: such an I- starts a chunk. The two differ only on ill-formed
    tag sequences, which a model's predictions often are.
    """
    tokens = [(i, i + 1) for i in range(len(tags))] if tokens is None else token_offsets(tokens, len(tags))
    spans, current = [], None
    for (start, end), tag in zip(tokens, tags, strict=True):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current and current[2] == label:
            current[1] = end
            continue
        if current:
            spans.append(tuple(current))
        current = [start, end, label] if prefix == "B" or (lenient and prefix == "I") else None
    if current:
        spans.append(tuple(current))
    return spans
