"""What every baseline shares: the system protocol, character classes, flat spans and prediction records."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from gaiko.documents import entity_spans
from gaiko.io import GaikoError

Span = tuple[int, int, str]

# Character classes (features of the CRF, building blocks of the rules). Order matters: first match wins.
CHAR_CLASSES: tuple[tuple[str, str], ...] = (
    ("kanji", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆"),
    ("hiragana", "\u3041-\u309f"),
    ("katakana", "\u30a1-\u30faー\u30fc-\u30ffｦ-ﾟ"),
    ("digit", "0-9０-９"),
    ("latin", "A-Za-zＡ-Ｚａ-ｚ"),
    ("space", " \t\n\u3000"),
)
_CLASS_OF: dict[str, str] = {}


def _expand(ranges: str) -> Iterable[str]:
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            yield from (chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            yield ranges[i]
            i += 1


for _name, _ranges in reversed(CHAR_CLASSES):
    _CLASS_OF.update(dict.fromkeys(_expand(_ranges), _name))


def char_class(c: str) -> str:
    """kanji, hiragana, katakana, digit, latin, space or symbol."""
    return _CLASS_OF.get(c, "symbol")


class System(Protocol):
    """A baseline: `fit` on gold documents (a no-op for untrained systems), then `extract` like any extractor."""

    name: str
    trainable: bool  # fit() learns from gold documents
    predicts_events: bool  # False for mention-only systems: their event scores are not applicable

    def fit(self, documents: list[dict]) -> System: ...

    def extract(self, documents: list[dict]) -> list[dict]: ...


def alternation(words) -> str:
    """A regex alternation of the words, longest first, so that the engine prefers 第一副首相 over 副首相."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def flatten(spans: Iterable[tuple[int, int, str, int]]) -> list[Span]:
    """Non-overlapping spans: longest first, then lowest rank (the caller's priority), then leftmost."""
    taken: list[Span] = []
    occupied: set[int] = set()
    for start, end, label, _ in sorted(spans, key=lambda s: (s[0] - s[1], s[3], s[0])):
        if not occupied.intersection(range(start, end)):
            occupied.update(range(start, end))
            taken.append((start, end, label))
    return sorted(taken)


def entity_records(spans: Iterable[Span]) -> list[dict]:
    return [{"start": s, "end": e, "label": label} for s, e, label in sorted(spans)]


def gold_spans(doc: dict) -> list[Span]:
    return entity_spans(doc.get("entities"))


def require_annotations(documents: list[dict], system: str) -> None:
    """A trained system refuses to train on documents without any gold mention (e.g. before annotation)."""
    if not any(doc.get("entities") for doc in documents):
        raise GaikoError(f"system {system!r} needs gold training documents, but the training split has no "
                         "annotations yet (run `gaiko build` after exporting the gold)")
