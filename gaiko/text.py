"""Text helpers shared by every layer: sentence splitting, and the checks of spans over a text.

Offsets are Unicode code points, end exclusive: a span (start, end) of a text covers `text[start:end]`.
"""

from __future__ import annotations

import re
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


def span_problem(start: Any, end: Any, text: str, mention: Any = None, check_mention: bool = True) -> str | None:
    """The reason code of what is wrong with a span of `text`, or None; the one offset check of the project.

    `offsets_not_integers`: start or end is not an int (bools, floats and numeric strings are not offsets);
    `offsets_out_of_range`: not 0 <= start < end <= len(text) (negative, empty, reversed or past the end);
    `text_mismatch`: `check_mention` and the span's `mention` differs from `text[start:end]`.
    """
    if type(start) is not int or type(end) is not int:
        return "offsets_not_integers"
    if not 0 <= start < end <= len(text):
        return "offsets_out_of_range"
    if check_mention and mention != text[start:end]:
        return "text_mismatch"
    return None


# Control characters a clean text never holds: C0 but tab and newline (a carriage return has its own check),
# DEL and C1 (U+0080-U+009F: what bytes of another encoding become when decoded as Latin-1).
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# Control characters a name (an id, a title, a url) never holds: tab, newline and carriage return too.
ANY_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


def control_character(text: str, pattern: re.Pattern = CONTROL_CHARACTER) -> str | None:
    """What the first control character of a text is and where, for a message; None when there is none."""
    found = pattern.search(text)
    return None if found is None else f"U+{ord(found.group()):04X} at offset {found.start()}"


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
