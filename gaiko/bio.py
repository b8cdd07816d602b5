"""Spans ↔ BIO tags over a token sequence (characters or words with character offsets)."""

from __future__ import annotations

from collections.abc import Sequence


def spans_to_bio(
    length: int, spans: Sequence[tuple[int, int, str]], tokens: Sequence[tuple[int, int]] | None = None
) -> tuple[list[str], list[tuple[int, int, str]]]:
    """IOB2 tags for `tokens` (default: one token per character) and the spans that do not fit.

    A span fits when it starts at a token start and ends at a token end; the others are returned
    (never silently dropped) so the caller can count and report them.
    """
    tokens = [(i, i + 1) for i in range(length)] if tokens is None else tokens
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
    tags: Sequence[str], tokens: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int, str]]:
    """Spans of well-formed IOB2 chunks; an I- that does not continue a chunk of its label starts none."""
    tokens = [(i, i + 1) for i in range(len(tags))] if tokens is None else tokens
    spans, current = [], None
    for (start, end), tag in zip(tokens, tags):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current and current[2] == label:
            current[1] = end
            continue
        if current:
            spans.append(tuple(current))
        current = [start, end, label] if prefix == "B" else None
    if current:
        spans.append(tuple(current))
    return spans
