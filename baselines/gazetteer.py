"""Memorization baseline: longest match of the surfaces annotated in the training split.

It answers "how much of the test is memorization": a surface is looked up only if it was annotated
in training, with its most frequent label, and only if most of its training occurrences were
annotated (so that 朝 in 北朝鮮 or a common word annotated once does not fire everywhere). Triggers are
memorized the same way; realis and arguments come from the event baseline's cues and particles.
"""

from __future__ import annotations

import re
from collections import Counter

from gaiko.baselines.common import alternation, entity_records, gold_spans, require_annotations
from gaiko.baselines.events import build_events, candidates
from gaiko.documents import trigger_spans

MIN_ANNOTATED_SHARE = 0.5  # of a surface's occurrences in the training text


def memorize(documents: list[dict], items) -> dict[str, str]:
    """surface → majority label, for surfaces annotated in at least MIN_ANNOTATED_SHARE of their occurrences.

    `items(doc)` yields (start, end, label) of what is memorized (mentions or triggers).
    """
    labels: dict[str, Counter] = {}
    for doc in documents:
        for start, end, label in items(doc):
            labels.setdefault(doc["text"][start:end], Counter())[label] += 1
    occurrences = Counter()
    for surface in labels:
        pattern = re.compile(re.escape(surface))
        occurrences[surface] = sum(len(pattern.findall(doc["text"])) for doc in documents)
    return {surface: counts.most_common(1)[0][0] for surface, counts in labels.items()
            if counts.total() >= MIN_ANNOTATED_SHARE * occurrences[surface]}


_DIGIT = re.compile(r"[0-9０-９]")


def _inside_number(text: str, start: int, end: int) -> bool:
    """A memorized number cut out of a longer one (4日 inside 14日, 20 inside 2024) is no match."""
    return bool((_DIGIT.match(text[start]) and start and _DIGIT.match(text[start - 1]))
                or (_DIGIT.match(text[end - 1]) and end < len(text) and _DIGIT.match(text[end])))


def _triggers(doc: dict):
    return trigger_spans(doc.get("events"))


class Gazetteer:
    name = "gazetteer"
    trainable = True
    predicts_events = True

    def __init__(self):
        self.entities: dict[str, str] = {}
        self.triggers: dict[str, str] = {}

    def fit(self, documents: list[dict]) -> Gazetteer:
        require_annotations(documents, self.name)
        self.entities = memorize(documents, gold_spans)
        self.triggers = memorize(documents, _triggers)
        self._entity_regex = re.compile(alternation(self.entities)) if self.entities else None
        self._trigger_regex = re.compile(alternation(self.triggers)) if self.triggers else None
        return self

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        if self._entity_regex is None:
            return []
        return [(m.start(), m.end(), self.entities[m.group()]) for m in self._entity_regex.finditer(text)
                if not _inside_number(text, m.start(), m.end())]

    def events(self, text: str, spans) -> list[dict]:
        if self._trigger_regex is None:
            return []
        found = candidates(self._trigger_regex, text, spans)
        return build_events(text, spans, [(s, e, self.triggers[text[s:e]]) for s, e in found])

    def extract(self, documents: list[dict]) -> list[dict]:
        out = []
        for doc in documents:
            spans = self.spans(doc["text"])
            out.append({"id": doc["id"], "entities": entity_records(spans), "events": self.events(doc["text"], spans)})
        return out
