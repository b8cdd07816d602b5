"""Character-level CRF (sklearn-crfsuite) for mentions; events from the event baseline.

One token per character, so every flat gold span is representable whatever the word segmentation
(露朝 → 露 + 朝, 19日未明 → 19日 + 未明). Features: the character, its class (kanji, hiragana,
katakana, digit, latin, symbol) and those of a ±2 window, bigrams, and the SudachiPy (core dictionary,
mode C) part of speech and surface of the containing word with the character's B/I position in it.
Optional hints add the tag another system gives each character (rules; the training gazetteer,
cross-fitted so that the CRF does not learn to trust a memorization of its own training text).
"""

from __future__ import annotations

from functools import lru_cache

from gaiko.baselines.common import Span, char_class, entity_records, fill_gaps, gold_spans, require_annotations
from gaiko.baselines.rules import rule_spans
from gaiko.bio import bio_to_spans, spans_to_bio
from gaiko.build import sentences

WINDOW = 2
# L1/L2 weights chosen on the validation document and 2-fold CV of the training documents: the plain
# CRF does best nearly unregularized by L1; with hints, a stronger L1 keeps it from memorizing characters.
CRF_PARAMS = {"algorithm": "lbfgs", "c1": 0.0, "c2": 0.01, "max_iterations": 150, "all_possible_transitions": True}
HINTED_CRF_PARAMS = {**CRF_PARAMS, "c1": 0.2}
HINT_SOURCES = ("rules", "gazetteer")


@lru_cache(maxsize=1)
def _tokenizer():
    from sudachipy import Dictionary

    return Dictionary(dict="core").create()


def word_features(text: str) -> list[tuple[str, str, str]]:
    """Per character: (POS of its word, B/I position, surface of its word if short) from SudachiPy mode C."""
    from sudachipy import SplitMode

    out = [("SPACE", "B", "")] * len(text)
    for line_start, line_end in sentences(text):
        for m in _tokenizer().tokenize(text[line_start:line_end], SplitMode.C):
            begin, end = line_start + m.begin(), line_start + m.end()
            if begin >= end:
                continue
            pos = "-".join(p for p in m.part_of_speech()[:3] if p != "*")
            surface = text[begin:end] if end - begin <= 4 else ""
            out[begin] = (pos, "B", surface)
            for i in range(begin + 1, end):
                out[i] = (pos, "I", surface)
    return out


def _hint_tags(length: int, spans: list[Span]) -> list[str]:
    tags, _ = spans_to_bio(length, spans)  # hint spans come flat; nothing misfits on characters
    return tags


def char_features(text: str, hints: dict[str, list[Span]]) -> list[dict]:
    """One feature dict per character of `text`; `hints` are other systems' spans, given as BIO tags."""
    words = word_features(text)
    hint_tags = {name: _hint_tags(len(text), spans) for name, spans in hints.items()}
    classes = [char_class(c) for c in text]
    n = len(text)
    rows = []
    for i, c in enumerate(text):
        pos, place, surface = words[i]
        f = {"c": c, "t": classes[i], "pos": pos, "wp": place, "pos_wp": f"{pos}|{place}", "w": surface}
        for d in range(-WINDOW, WINDOW + 1):
            if d:
                j = i + d
                f[f"c{d}"] = text[j] if 0 <= j < n else "#"
                f[f"t{d}"] = classes[j] if 0 <= j < n else "#"
        f["c-1c"] = f["c-1"] + c
        f["cc1"] = c + f["c1"]
        f["t-1t"] = f["t-1"] + classes[i]
        f["tt1"] = classes[i] + f["t1"]
        for name, tags in hint_tags.items():
            f[name] = tags[i]
            f[name + "-1"] = tags[i - 1] if i else "#"
            f[name + "+1"] = tags[i + 1] if i + 1 < n else "#"
        rows.append(f)
    return rows


class CharCRF:
    """Mentions by a character CRF; events by the event baseline over those mentions."""

    trainable = True
    predicts_events = True

    def __init__(self, name: str = "crf", hints: tuple[str, ...] = (), rule_backoff: bool = False):
        unknown = set(hints) - set(HINT_SOURCES)
        if unknown:
            raise ValueError(f"unknown hint sources {sorted(unknown)}")
        self.name, self.hints, self.rule_backoff = name, hints, rule_backoff
        self.params = HINTED_CRF_PARAMS if hints else CRF_PARAMS
        self.gazetteer = None

    def _hints(self, text: str, gazetteer) -> dict[str, list[Span]]:
        out = {}
        if "rules" in self.hints:
            out["rules"] = rule_spans(text)
        if "gazetteer" in self.hints:
            out["gazetteer"] = gazetteer.spans(text) if gazetteer else []
        return out

    def _cross_fitted_gazetteers(self, documents: list[dict]) -> list:
        """For each training document, a gazetteer of the other ones (None when they have no mentions)."""
        from gaiko.baselines.gazetteer import Gazetteer

        if "gazetteer" not in self.hints:
            return [None] * len(documents)
        out = []
        for i in range(len(documents)):
            others = [d for j, d in enumerate(documents) if j != i]
            out.append(Gazetteer().fit(others) if any(d.get("entities") for d in others) else None)
        return out

    def fit(self, documents: list[dict]) -> CharCRF:
        import sklearn_crfsuite

        from gaiko.baselines.events import EventModel
        from gaiko.baselines.gazetteer import Gazetteer

        require_annotations(documents, self.name)
        xs, ys = [], []
        for doc, gazetteer in zip(documents, self._cross_fitted_gazetteers(documents)):
            text = doc["text"]
            features = char_features(text, self._hints(text, gazetteer))
            tags, _ = spans_to_bio(len(text), gold_spans(doc))
            for start, end in sentences(text):
                xs.append(features[start:end])
                ys.append(tags[start:end])
        self.model = sklearn_crfsuite.CRF(**self.params)
        self.model.fit(xs, ys)
        self.gazetteer = Gazetteer().fit(documents) if "gazetteer" in self.hints else None
        self.event_model = EventModel().fit(documents)
        return self

    def spans(self, text: str) -> list[Span]:
        hints = self._hints(text, self.gazetteer)
        features = char_features(text, hints)
        bounds = sentences(text)
        tagged = self.model.predict([features[s:e] for s, e in bounds])
        spans = []
        for (start, _), tags in zip(bounds, tagged):
            spans += [(s + start, e + start, label) for s, e, label in bio_to_spans(tags)]
        if self.rule_backoff:  # rule mentions where the CRF found nothing (types too rare in training)
            spans = fill_gaps(spans, hints["rules"] if "rules" in hints else rule_spans(text))
        return spans

    def extract(self, documents: list[dict]) -> list[dict]:
        out = []
        for doc in documents:
            spans = self.spans(doc["text"])
            out.append({"id": doc["id"], "entities": entity_records(spans),
                        "events": self.event_model.events(doc["text"], spans)})
        return out
