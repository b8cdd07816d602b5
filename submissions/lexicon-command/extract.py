"""A tiny lexicon-and-pattern extractor, an example of a command submission.

Reads documents (JSONL) on stdin and writes predictions (JSONL) on stdout. Standard library only:
dates and durations by regular expression, names, places and titles from a small lexicon, and
meeting/agreement words as event triggers (no arguments).
"""

import json
import re
import sys

LEXICON = {
    "GPE": ["ロシア", "北朝鮮", "朝鮮民主主義人民共和国", "日本", "韓国", "中国", "米国", "アメリカ", "ウクライナ",
            "平壌", "モスクワ", "ウラジオストク", "露", "朝"],
    "PERSON": ["プーチン", "金正恩", "ラブロフ", "崔善姫", "ペスコフ"],
    "ORG": ["朝鮮中央通信", "国連", "安全保障理事会", "ロシア大統領府", "クレムリン"],
    "FAC": ["順安国際空港", "ボストーチヌイ宇宙基地"],
    "LOC": ["朝鮮半島", "東北アジア", "極東"],
    "TITLE": ["大統領", "総書記", "外相", "報道官", "国務委員長", "首相"],
}
PATTERNS = {
    "DATE": r"(?:\d{2,4}年)?\d{1,2}月\d{1,2}日|\d{4}年|同日|\d+年ぶり",
    "TIME": r"(?:午前|午後)?\d{1,2}時(?:\d{1,2}分)?頃?|未明|約?\d+時間",
}
TRIGGERS = {"会談": "CONSULT", "訪問": "CONSULT", "会見": "CONSULT", "署名": "SUPPORT", "合意": "AGREE",
            "支援": "AID", "非難": "ACCUSE", "制裁": "SANCTION"}


def candidates(text):
    for label, words in LEXICON.items():
        for word in words:
            for m in re.finditer(re.escape(word), text):
                yield m.start(), m.end(), label
    for label, pattern in PATTERNS.items():
        for m in re.finditer(pattern, text):
            yield m.start(), m.end(), label


def flat(spans):
    """Longest-first, then leftmost: keep spans that do not overlap an already kept one."""
    kept = []
    for start, end, label in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, label))
    return sorted(kept)


def extract(doc):
    text = doc["text"]
    entities = [{"start": s, "end": e, "label": label} for s, e, label in flat(candidates(text))]
    events = [{"type": etype, "realis": "ACTUAL", "trigger": {"start": m.start(), "end": m.end()}, "arguments": []}
              for word, etype in TRIGGERS.items() for m in re.finditer(word, text)]
    return {"id": doc["id"], "entities": entities, "events": events}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(extract(json.loads(line)), ensure_ascii=False))
