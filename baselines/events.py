"""Event baseline: trigger candidates, a classifier for their type, realis cues and case-particle arguments.

Triggers: candidates are occurrences of the trigger lexicon (and, once trained, of every trigger surface
of the training split) that do not overlap an entity mention; a logistic regression over the surface
and its character context decides the PLOVER type or "no event" for the surfaces it met in training
(a lexicon word it never met keeps its lexicon type). Realis: a cue after the trigger (予定, 見込み,
可能性, negation, 〜たい, …) in the same sentence makes it OTHER, else ACTUAL. Arguments: within the
trigger's sentence, before the trigger, the nearest chain of mentions whose phrase ends with が/は is
the actor, with と/に/を the recipient, a place with で the place; a chain right before the trigger
(露朝|首脳会談, ラブロフ外相|の|訪朝) is the actor, or the host of a visit (北朝鮮|訪問: recipient and
place); without an actor in the sentence, the last が/は participant of the text is; the nearest
DATE/TIME is the time.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import NamedTuple

from gaiko import schema
from gaiko.baselines.common import Span, char_class, require_annotations
from gaiko.baselines.rules import TRIGGER_REGEX, TRIGGER_TYPE, alternation
from gaiko.build import sentences

NO_EVENT = "NONE"
CLASSIFIER_PARAMS = {"C": 2.0, "class_weight": "balanced"}
# Cues within the trigger's clause that make an event planned, expected, uncertain, wished or denied.
REALIS_OTHER_CUES = ("予定", "見込", "見られ", "見通し", "可能性", "たい", "すれば", "場合", "ない", "なかっ", "ません",
                     "ず", "だろう", "方針", "意向", "計画", "目指", "ものと", "否定", "示唆")
CUE_WINDOW = 12  # characters after the trigger searched for a cue
_REALIS_CUE = re.compile(alternation(REALIS_OTHER_CUES))
# The particle that ends an argument's phrase → its role (checked against schema.ROLE_ENTITY_TYPES).
PARTICLE_ROLE: dict[str, str] = {"が": "actor", "は": "actor", "と": "recipient", "に": "recipient",
                                 "を": "recipient", "で": "place"}
HONORIFICS = ("氏", "さん", "同志", "ら")
VISIT_TRIGGERS = frozenset(("訪問", "訪朝", "訪露", "訪中", "訪米", "訪日", "訪韓"))  # the host is recipient and place
# Within a chain of adjacent mentions (ロシア|大統領|ウラジーミル・プーチン), who takes the role.
CHAIN_HEAD_ORDER = ("PERSON", "ORG", "GPE", "LOC", "FAC")


def realis(text: str, end: int, sentence_end: int) -> str:
    return "OTHER" if _REALIS_CUE.search(text, end, min(sentence_end, end + CUE_WINDOW)) else "ACTUAL"


class Chain(NamedTuple):
    heads: tuple[Span, ...]  # the role-bearing mentions (露|朝 → both; ロシア|大統領|プーチン → プーチン)
    end: int  # where the chain ends, honorific included
    particle: str  # the character after it


def _chains(text: str, spans: list[Span]) -> list[Chain]:
    """Chains of adjacent mentions that contain a participant, in text order."""
    out, i = [], 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][0] == spans[j][1]:
            j += 1
        chain, end = spans[i:j + 1], spans[j][1]
        for honorific in HONORIFICS:
            if text.startswith(honorific, end):
                end += len(honorific)
                break
        label = next((lab for lab in CHAIN_HEAD_ORDER if any(s[2] == lab for s in chain)), None)
        if label:
            out.append(Chain(tuple(s for s in chain if s[2] == label), end, text[end:end + 1]))
        i = j + 1
    return out


def _role(chain: Chain, trigger: tuple[int, int], text: str) -> str | None:
    """The role a chain's particle gives it; a chain right before the trigger (露朝|首脳会談, X|の|訪朝)
    is its actor, or for a visit the host (recipient)."""
    adjacent = chain.end == trigger[0] or (chain.particle == "の" and chain.end + 1 == trigger[0])
    if adjacent:
        return "recipient" if text[trigger[0]:trigger[1]] in VISIT_TRIGGERS and chain.end == trigger[0] else "actor"
    return PARTICLE_ROLE.get(chain.particle)


def arguments(text: str, spans: list[Span], trigger: tuple[int, int], sentence: tuple[int, int],
              topic: tuple[Span, ...] = ()) -> list[dict]:
    """Arguments of one trigger from the mentions of its sentence (see the module docstring); `topic`
    (the last actor marked by は/が earlier in the document) is the actor when the sentence names none."""
    inside = [s for s in spans if sentence[0] <= s[0] and s[1] <= sentence[1]]
    before = [s for s in inside if s[1] <= trigger[0]]
    args, filled = [], set()
    for chain in reversed(_chains(text, before)):  # nearest first
        role = _role(chain, trigger, text)
        if role and role not in filled and chain.heads[0][2] in schema.ROLE_ENTITY_TYPES[role]:
            filled.add(role)
            args += [{"role": role, "start": s, "end": e} for s, e, _ in chain.heads]
            if role == "recipient" and text[trigger[0]:trigger[1]] in VISIT_TRIGGERS \
                    and chain.heads[0][2] in schema.ROLE_ENTITY_TYPES["place"] and "place" not in filled:
                filled.add("place")
                args += [{"role": "place", "start": s, "end": e} for s, e, _ in chain.heads]
    if "actor" not in filled:
        args += [{"role": "actor", "start": s, "end": e} for s, e, _ in topic]
    times = [s for s in inside if s[2] in schema.ROLE_ENTITY_TYPES["time"]]
    if times:
        nearest = min(times, key=lambda s: (s[0] >= trigger[1], abs(s[0] - trigger[0])))
        args.append({"role": "time", "start": nearest[0], "end": nearest[1]})
    return args


def topics(text: str, spans: list[Span]) -> list[tuple[int, tuple[Span, ...]]]:
    """(position, actors) of every participant chain marked as subject or topic (が/は), in text order."""
    return [(c.end, c.heads) for c in _chains(text, spans)
            if PARTICLE_ROLE.get(c.particle) == "actor" and c.heads[0][2] in schema.ROLE_ENTITY_TYPES["actor"]]


def build_events(text: str, spans: list[Span], triggers: list[tuple[int, int, str]]) -> list[dict]:
    """Event records for typed triggers: realis from cues, arguments from the mentions `spans`."""
    bounds = sentences(text) or [(0, len(text))]
    starts = [s for s, _ in bounds]
    marked = topics(text, spans)
    marked_at = [position for position, _ in marked]
    events = []
    for start, end, etype in triggers:
        sentence = bounds[max(bisect_right(starts, start) - 1, 0)]
        k = bisect_right(marked_at, sentence[0]) - 1  # the last topic before this sentence
        topic = marked[k][1] if k >= 0 else ()
        events.append({"type": etype, "realis": realis(text, end, sentence[1]),
                       "trigger": {"start": start, "end": end},
                       "arguments": arguments(text, spans, (start, end), sentence, topic)})
    return events


def _occupied(spans: list[Span], length: int) -> bytearray:
    taken = bytearray(length)
    for s, e, _ in spans:
        taken[s:e] = b"\x01" * (e - s)
    return taken


def candidates(regex: re.Pattern, text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Matches of the trigger regex that overlap no entity mention (a trigger never does)."""
    taken = _occupied(spans, len(text))
    return [m.span() for m in regex.finditer(text) if not any(taken[m.start():m.end()])]


def lexicon_events(text: str, spans: list[Span]) -> list[dict]:
    """Events of the trigger lexicon alone (the rules system)."""
    found = candidates(TRIGGER_REGEX, text, spans)
    return build_events(text, spans, [(s, e, TRIGGER_TYPE[text[s:e]]) for s, e in found])


def _features(text: str, start: int, end: int, surface_type: dict[str, str]) -> dict:
    word = text[start:end]
    return {
        "w=" + word: 1, "lex=" + TRIGGER_TYPE.get(word, "-"): 1, "seen=" + surface_type.get(word, "-"): 1,
        "p1=" + text[start - 1:start]: 1, "p2=" + text[max(start - 2, 0):start]: 1,
        "n1=" + text[end:end + 1]: 1, "n2=" + text[end:end + 2]: 1,
        "nc=" + (char_class(text[end]) if end < len(text) else "end"): 1,
        "headline": int(text.find("\n") > start or text.find("\n") < 0),
    }


class EventModel:
    """Trigger candidates + a logistic-regression type classifier; realis and arguments as in rules."""

    def __init__(self):
        self.regex = TRIGGER_REGEX
        self.surface_type: dict[str, str] = {}
        self.seen: set[str] = set()  # candidate surfaces the classifier has training evidence for
        self.vectorizer = self.classifier = None
        self.constant = NO_EVENT

    def fit(self, documents: list[dict]) -> EventModel:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        require_annotations(documents, "events")
        votes: dict[str, Counter] = {}
        for doc in documents:
            for ev in doc.get("events") or []:
                votes.setdefault(ev["trigger"]["text"], Counter())[ev["type"]] += 1
        self.surface_type = {w: c.most_common(1)[0][0] for w, c in votes.items()}
        self.regex = re.compile(alternation(set(TRIGGER_TYPE) | set(self.surface_type)))
        rows, labels = [], []
        for doc in documents:
            text = doc["text"]
            gold = {(ev["trigger"]["start"], ev["trigger"]["end"]): ev["type"] for ev in doc.get("events") or []}
            spans = [(m["start"], m["end"], m["label"]) for m in doc.get("entities") or []]
            for s, e in candidates(self.regex, text, spans):
                rows.append(_features(text, s, e, self.surface_type))
                labels.append(gold.get((s, e), NO_EVENT))
                self.seen.add(text[s:e])
        if len(set(labels)) < 2:
            self.constant = labels[0] if labels else NO_EVENT
            return self
        self.vectorizer = DictVectorizer()
        self.classifier = LogisticRegression(max_iter=2000, **CLASSIFIER_PARAMS)
        self.classifier.fit(self.vectorizer.fit_transform(rows), labels)
        return self

    def events(self, text: str, spans: list[Span]) -> list[dict]:
        found = candidates(self.regex, text, spans)
        if not found:
            return []
        if self.classifier is None:
            types = [self.constant] * len(found)
        else:
            types = self.classifier.predict(self.vectorizer.transform(
                [_features(text, s, e, self.surface_type) for s, e in found]))
        # A lexicon word never met in training keeps its lexicon type: the classifier knows nothing of it.
        types = [t if text[s:e] in self.seen else TRIGGER_TYPE[text[s:e]] for (s, e), t in zip(found, types)]
        return build_events(text, spans, [(s, e, str(t)) for (s, e), t in zip(found, types) if t != NO_EVENT])
