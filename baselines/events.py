"""Event baseline: trigger candidates, a classifier for their type, realis cues and case-particle arguments.

Triggers: candidates are occurrences of the trigger lexicon (and, once trained, of every trigger surface
of the training split) that do not overlap an entity mention; a logistic regression over the surface
and its character context decides the PLOVER type or "no event" for the surfaces it met in training
(a lexicon word it never met keeps its lexicon type). Realis: a cue after the trigger (予定, 見込み,
可能性, negation, 〜たい, …) in the same sentence makes it OTHER, else ACTUAL. Arguments: the linker
(`gaiko.baselines.linker`), which applies the guidelines' argument rules to the system's own mentions.
"""

from __future__ import annotations

import re
from collections import Counter

from gaiko.baselines.common import Span, alternation, char_class, gold_spans, require_annotations
from gaiko.baselines.linker import Linker

# Trigger words per PLOVER type: the usual Japanese nouns and verb stems for each kind of action.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "CONSULT": ("会談", "首脳会談", "外相会談", "電話会談", "会見", "訪問", "訪朝", "訪露", "訪中", "訪米", "訪日",
                "訪韓", "接見", "面会", "協議", "会合", "対面", "出迎え", "迎え", "話し合わ", "話し合い", "話し合っ", "議論", "訪れ", "到着", "会い", "会っ", "出会い",
                "対話", "同席", "同行", "案内", "交渉", "首脳会議"),
    "AGREE": ("合意", "一致", "約束", "確約", "同意"),
    "SUPPORT": ("署名", "支持", "歓迎", "感謝", "謝意", "称え", "たたえ", "称賛", "評価", "締結", "連帯", "承認", "批准",
                "賛成", "祝賀"),
    "COOPERATE": ("協力", "連携", "交流", "協調"),
    "AID": ("支援", "提供", "供給", "援助", "供与", "輸出", "移転", "贈り", "贈呈"),
    "MOBILIZE": ("派兵", "演習", "派遣", "配備", "発射", "実験", "増強", "動員"),
    "ASSAULT": ("侵攻", "侵略", "攻撃", "戦争", "撃退", "爆撃", "空爆", "砲撃", "戦闘", "射撃"),
    "SANCTION": ("制裁", "禁輸", "断交"),
    "REJECT": ("否定", "反対", "阻止", "拒否権", "拒否", "抵抗", "拒絶", "否決"),
    "ACCUSE": ("非難", "批判", "糾弾", "懸念", "抗議"),
    "THREATEN": ("脅し", "脅迫", "警告", "威嚇"),
    "REQUEST": ("要請", "要求", "求め", "招待", "勧め", "促し", "呼びかけ", "訴え", "要望"),
    "CONCEDE": ("謝罪", "釈放", "解除", "譲歩"),
    "RETREAT": ("撤退", "撤収"),
    "PROTEST": ("デモ", "集会"),
    "COERCE": ("逮捕", "拘束", "追放", "拘留"),
}
TRIGGER_TYPE: dict[str, str] = {word: etype for etype, words in TRIGGERS.items() for word in words}
TRIGGER_REGEX = re.compile(alternation(TRIGGER_TYPE))
NO_EVENT = "NONE"
CLASSIFIER_PARAMS = {"C": 2.0, "class_weight": "balanced"}
# Cues within the trigger's clause that make an event planned, expected, uncertain, wished or denied.
REALIS_OTHER_CUES = ("予定", "見込", "見られ", "見通し", "可能性", "たい", "すれば", "場合", "ない", "なかっ", "ません",
                     "ず", "だろう", "方針", "意向", "計画", "目指", "ものと", "否定", "示唆")
CUE_WINDOW = 12  # characters after the trigger searched for a cue
_REALIS_CUE = re.compile(alternation(REALIS_OTHER_CUES))


def realis(text: str, end: int, sentence_end: int) -> str:
    return "OTHER" if _REALIS_CUE.search(text, end, min(sentence_end, end + CUE_WINDOW)) else "ACTUAL"


def build_events(text: str, spans: list[Span], triggers: list[tuple[int, int, str]]) -> list[dict]:
    """Event records for typed triggers: realis from cues, arguments from the mentions `spans` (the linker)."""
    linker = Linker(text, spans, [start for start, _, _ in triggers])
    events = []
    for start, end, etype in sorted(triggers):  # in reading order: the linker carries a paragraph's frame
        mode = realis(text, end, linker.sentence(start)[1])
        events.append({"type": etype, "realis": mode, "trigger": {"start": start, "end": end},
                       "arguments": linker.arguments((start, end), etype, mode)})
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
            spans = gold_spans(doc)
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
        typed = [(s, e, t if text[s:e] in self.seen else TRIGGER_TYPE[text[s:e]])
                 for (s, e), t in zip(found, types, strict=True)]
        return build_events(text, spans, [(s, e, str(t)) for s, e, t in typed if t != NO_EVENT])
