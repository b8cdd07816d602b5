"""Text helpers shared by every layer: sentence splitting, and the checks of spans over a text.

Offsets are Unicode code points, end exclusive: a span (start, end) of a text covers `text[start:end]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

_OPEN, _CLOSE, _FINAL = "「『（(", "」』）)", "。！？"


def sentences(text: str, inside_quotes: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split after 。！？ and at newlines.

    A quotation (「…。…。」) stays inside its host sentence unless `inside_quotes` asks to split there
    too (the annotation sheets resolve arguments within these shorter units).
    """
    spans, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if not inside_quotes:
            depth += (ch in _OPEN) - (ch in _CLOSE and depth > 0)
        if ch == "\n":
            depth = 0
            if text[start:i].strip():
                spans.append((start, i))
            start = i + 1
        elif ch in _FINAL and depth == 0 and (i + 1 == len(text) or text[i + 1] not in _FINAL):
            spans.append((start, i + 1))
            start = i + 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def sentence_index(bounds: list[tuple[int, int]], position: int) -> int:
    """Which sentence holds a character; a character between sentences (a newline) belongs to the next."""
    return next((k for k, (_, e) in enumerate(bounds) if position < e), len(bounds) - 1)


def is_offset(value: Any) -> bool:
    """An offset is an int: not a bool, a float or a numeric string."""
    return type(value) is int


def offsets_problem(start: Any, end: Any, length: int) -> str | None:
    """The reason code of what is wrong with the offsets of a span of a text of `length` code points, or None:
    `offsets_not_integers` (anything but an int, bools included), `offsets_out_of_range` (not
    0 <= start < end <= length: negative, empty, reversed or past the end)."""
    if type(start) is not int or type(end) is not int:
        return "offsets_not_integers"
    if not 0 <= start < end <= length:
        return "offsets_out_of_range"
    return None


def span_problem(start: Any, end: Any, text: str, mention: Any = None, check_mention: bool = True) -> str | None:
    """`offsets_problem`, then `text_mismatch` when `check_mention` and `mention != text[start:end]`."""
    bad = offsets_problem(start, end, len(text))
    if bad is None and check_mention and mention != text[start:end]:
        return "text_mismatch"
    return bad


T = TypeVar("T")


def overlaps(items: Iterable[T], span: Callable[[T], tuple[int, int]] = lambda x: (x[0], x[1]),
             drop: bool = True) -> Iterator[tuple[T, T]]:
    """(earlier, later) for each item whose span overlaps an earlier one, the items given in offset order.

    Mentions are flat: this is the one check of it. With `drop` (a reader that keeps the flat remainder),
    an overlapping item is left out and the next one is compared with the last item kept; without it,
    each item is compared with the one just before it (every neighbouring overlap is named once).
    """
    last: T | None = None
    last_end = 0
    for item in items:
        start, end = span(item)
        if last is not None and start < last_end:
            yield last, item
            if drop:
                continue
        last, last_end = item, end
