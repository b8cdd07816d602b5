"""Seeded synthetic corpora shaped like the gold: label mix and mention lengths of Japanese news.

Gold mentions are flat and separated by gaps; predictions copy the gold with a small share of
errors (boundary, type, missed, spurious). A boundary error moves one end by one character, into a
gap of at least two characters or inside the mention, and a spurious span sits strictly inside a gap,
so each predicted span overlaps at most one gold span and the reverse (`one_to_one` checks it). There
the matching is unambiguous, and nervaluate's greedy matching agrees with a maximum matching.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaiko import schema

# label: (share of mentions, mean length in characters), estimated from the annotation sheets of the
# seed articles (GPE such as ロシア or 露, PERSON such as プーチン, TITLE such as 大統領, ...).
LABEL_SHAPE: dict[str, tuple[float, float]] = {
    "GPE": (0.338, 2.9), "PERSON": (0.220, 4.1), "TITLE": (0.210, 2.9), "DATE": (0.084, 3.5),
    "ORG": (0.075, 5.8), "LOC": (0.020, 4.3), "TIME": (0.012, 3.0), "QUANTITY": (0.010, 2.0),
    "FAC": (0.010, 6.9), "EVENT": (0.009, 4.8), "LAW": (0.007, 15.5), "PRODUCT": (0.005, 6.8),
}
assert set(LABEL_SHAPE) == set(schema.ENTITY_LABELS), "LABEL_SHAPE must cover exactly the schema's labels"
LABELS = schema.ENTITY_LABELS
SHARES = np.array([LABEL_SHAPE[label][0] for label in LABELS]) / sum(s for s, _ in LABEL_SHAPE.values())
MEAN_LENGTHS = np.array([LABEL_SHAPE[label][1] for label in LABELS])
MEAN_GAP = 5.0  # characters between mentions: about one mention per 9 characters, as in the seed articles
ERROR_RATES = {"boundary": 0.025, "type": 0.025, "missed": 0.01, "spurious": 0.01}  # per gold mention
EVENT_SHARE = 0.3  # share of documents with one gold event
EVENT_ERROR_RATE = 0.05  # per predicted event: type, trigger, realis; per argument: dropped, role
ALPHABET = "のをにはがとでてしたロシア北朝鮮大統領外相会談訪問条約署名平壌モスクワ年月日"
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # (start, end) shifts of a boundary error

Span = tuple[int, int, str]


@dataclass
class Corpus:
    """Gold documents and predictions by id (the harness's input), and the same spans as lists."""

    gold: list[dict]
    predictions: dict[str, dict]

    @property
    def characters(self) -> int:
        return sum(len(doc["text"]) for doc in self.gold)

    def spans(self) -> tuple[list[list[Span]], list[list[Span]]]:
        """(gold, predicted) spans per document, in document order."""
        def as_spans(items: list[dict]) -> list[Span]:
            return [(m["start"], m["end"], m["label"]) for m in items]
        return ([as_spans(doc["entities"]) for doc in self.gold],
                [as_spans(self.predictions[doc["id"]]["entities"]) for doc in self.gold])

    def without_events(self) -> Corpus:
        return Corpus([{**doc, "events": []} for doc in self.gold],
                      {i: {**p, "events": []} for i, p in self.predictions.items()})


def _label(rng: np.random.Generator, other_than: str | None = None) -> str:
    while (label := LABELS[int(rng.choice(len(LABELS), p=SHARES))]) == other_than:
        pass
    return label


def gold_spans(rng: np.random.Generator, length: int) -> list[Span]:
    """Flat mentions with at least one character between neighbours."""
    spans, position = [], int(rng.geometric(1 / MEAN_GAP)) - 1
    while True:
        label = _label(rng)
        end = position + 1 + int(rng.poisson(LABEL_SHAPE[label][1] - 1))
        if end > length:
            return spans
        spans.append((position, end, label))
        position = end + int(rng.geometric(1 / MEAN_GAP))


def predicted_spans(rng: np.random.Generator, gold: list[Span], length: int) -> list[Span]:
    """The gold with errors at ERROR_RATES, each kept next to its own mention (see the module doc)."""
    ends = [0] + [e for _, e, _ in gold]  # end of the previous mention (0 before the first)
    starts = [s for s, _, _ in gold] + [length]  # start of the next mention (the text's end after the last)
    pred = []
    for k, (start, end, label) in enumerate(gold):
        left_gap, right_gap, error = start - ends[k], starts[k + 1] - end, rng.random()
        for kind, rate in ERROR_RATES.items():
            if error < rate:
                break
            error -= rate
        else:
            kind = None
        if kind == "type":
            label = _label(rng, other_than=label)
        elif kind == "boundary":
            fits = (left_gap >= 2, right_gap >= 2, end - start >= 2, end - start >= 2)
            moves = [move for move, ok in zip(MOVES, fits) if ok]
            if moves:
                ds, de = moves[int(rng.integers(len(moves)))]
                start, end = start + ds, end + de
        if kind != "missed":
            pred.append((start, end, label))
        if kind == "spurious" and right_gap >= 3:
            pred.append((gold[k][1] + 1, starts[k + 1] - 1, _label(rng)))
    return pred


def one_to_one(gold: list[Span], pred: list[Span]) -> bool:
    """True when every span overlaps at most one span of the other side (both sides flat)."""
    def most_overlaps(a: list[Span], b: list[Span]) -> int:
        return max((sum(1 for s2, e2, _ in b if s < e2 and s2 < e) for s, e, _ in a), default=0)
    return most_overlaps(gold, pred) <= 1 and most_overlaps(pred, gold) <= 1


def _events(rng: np.random.Generator, mentions: list[dict], length: int) -> list[dict]:
    """Zero or one gold event; each role takes, with even odds, a mention of a type it allows."""
    if length < 2 or rng.random() >= EVENT_SHARE:
        return []
    start = int(rng.integers(length - 1))
    arguments = []
    for role in schema.ROLE_NAMES:
        fitting = [m for m in mentions if m["label"] in schema.ROLE_ENTITY_TYPES[role]]
        if fitting and rng.random() < 0.5:
            arguments.append({"role": role, "mention_id": fitting[int(rng.integers(len(fitting)))]["id"]})
    return [{"id": "e1", "type": schema.EVENT_LABELS[int(rng.integers(len(schema.EVENT_LABELS)))],
             "realis": schema.REALIS_VALUES[int(rng.integers(len(schema.REALIS_VALUES)))],
             "trigger": {"start": start, "end": start + 2}, "arguments": arguments}]


def _predicted_events(rng: np.random.Generator, doc: dict) -> list[dict]:
    mentions = {m["id"]: m for m in doc["entities"]}
    out = []
    for ev in doc["events"]:
        etype, realis, trigger = ev["type"], ev["realis"], dict(ev["trigger"])
        if rng.random() < EVENT_ERROR_RATE:
            etype = schema.EVENT_LABELS[int(rng.integers(len(schema.EVENT_LABELS)))]
        if rng.random() < EVENT_ERROR_RATE and trigger["start"] > 0:
            trigger = {"start": trigger["start"] - 1, "end": trigger["end"] - 1}
        if rng.random() < EVENT_ERROR_RATE:
            realis = schema.REALIS_VALUES[int(rng.integers(len(schema.REALIS_VALUES)))]
        arguments = []
        for arg in ev["arguments"]:
            m = mentions[arg["mention_id"]]
            if rng.random() >= EVENT_ERROR_RATE:
                role = arg["role"] if rng.random() >= EVENT_ERROR_RATE else schema.ROLE_NAMES[0]
                if all((a["role"], a["start"], a["end"]) != (role, m["start"], m["end"]) for a in arguments):
                    arguments.append({"role": role, "start": m["start"], "end": m["end"]})
        out.append({"type": etype, "realis": realis, "trigger": trigger, "arguments": arguments})
    return out


def document(rng: np.random.Generator, doc_id: str, length: int) -> tuple[dict, dict]:
    """A valid gold document of `length` characters and its prediction."""
    text = "".join(np.array(list(ALPHABET))[rng.integers(len(ALPHABET), size=length)])
    gold = gold_spans(rng, length)
    mentions = [{"id": f"m{i}", "start": s, "end": e, "label": label, "text": text[s:e], "entity_id": None}
                for i, (s, e, label) in enumerate(gold, start=1)]
    events = _events(rng, mentions, length)
    for ev in events:
        t = ev["trigger"]
        t["text"] = text[t["start"]:t["end"]]
    doc = {"id": doc_id, "title": text[:10], "publisher": "synthetic", "url": "", "date": "2024-06-19",
           "date_note": "", "language": "ja", "source_file": "", "text": text, "raw_alignment": [],
           "entities": mentions, "events": events}
    pred = {"id": doc_id, "entities": [{"start": s, "end": e, "label": label}
                                       for s, e, label in predicted_spans(rng, gold, length)],
            "events": _predicted_events(rng, doc)}
    return doc, pred


def corpus(n_docs: int, mean_length: int, seed: int) -> Corpus:
    """`n_docs` documents of 1/3 to 5/3 × `mean_length` characters (one document: exactly that length)."""
    rng = np.random.default_rng(seed)
    lengths = ([mean_length] if n_docs == 1 else
               rng.integers(mean_length // 3, mean_length * 5 // 3 + 1, size=n_docs).tolist())
    gold, predictions = [], {}
    for d, length in enumerate(lengths):
        doc, pred = document(rng, f"syn{d:06d}", length)
        gold.append(doc)
        predictions[doc["id"]] = pred
    return Corpus(gold, predictions)
