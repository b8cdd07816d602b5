"""Character-level CRF (sklearn-crfsuite) for mentions; events from the event baseline.

One token per character, so every flat gold span is representable whatever the word segmentation
(露朝 → 露 + 朝, 19日未明 → 19日 + 未明). Features: the character, its class (kanji, hiragana,
katakana, digit, latin, symbol) and those of a ±2 window, bigrams, and the SudachiPy (core dictionary,
mode C) part of speech and surface of the containing word with the character's B/I position in it.
(Stacking the rules' and the gazetteer's tags as features, the former `combined` system, added nothing
over `rules` on the test split or in cross-validation and lost 0.035 strict F1 on the challenge set; it
was retired.)
"""

from __future__ import annotations

from functools import lru_cache

from gaiko.baselines.common import Span, char_class, entity_records, gold_spans, require_annotations
from gaiko.baselines.events import EventModel
from gaiko.bio import bio_to_spans, spans_to_bio
from gaiko.text import sentences

WINDOW = 2
# L1/L2 weights chosen on the validation document and 2-fold CV of the training documents: the CRF
# does best nearly unregularized by L1.
CRF_PARAMS = {"algorithm": "lbfgs", "c1": 0.0, "c2": 0.01, "max_iterations": 150, "all_possible_transitions": True}


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


def char_features(text: str) -> list[dict]:
    """One feature dict per character of `text`."""
    words = word_features(text)
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
        rows.append(f)
    return rows


class CharCRF:
    """Mentions by a character CRF; events by the event baseline over those mentions."""

    trainable = True
    predicts_events = True

    name = "crf"

    def fit(self, documents: list[dict]) -> CharCRF:
        import sklearn_crfsuite

        require_annotations(documents, self.name)
        xs, ys = [], []
        for doc in documents:
            text = doc["text"]
            features = char_features(text)
            tags, _ = spans_to_bio(len(text), gold_spans(doc))
            for start, end in sentences(text):
                xs.append(features[start:end])
                ys.append(tags[start:end])
        self.model = sklearn_crfsuite.CRF(**CRF_PARAMS)
        self.model.fit(xs, ys)
        self.event_model = EventModel().fit(documents)
        return self

    def spans(self, text: str) -> list[Span]:
        features = char_features(text)
        bounds = sentences(text)
        tagged = self.model.predict([features[s:e] for s, e in bounds])
        spans = []
        for (start, _), tags in zip(bounds, tagged, strict=True):
            spans += [(s + start, e + start, label) for s, e, label in bio_to_spans(tags)]
        return spans

    def extract(self, documents: list[dict]) -> list[dict]:
        out = []
        for doc in documents:
            spans = self.spans(doc["text"])
            out.append({"id": doc["id"], "entities": entity_records(spans),
                        "events": self.event_model.events(doc["text"], spans)})
        return out
