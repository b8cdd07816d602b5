"""Rules: temporal and numeric expressions, guideline boundaries, name-before-title, trigger lexicon."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaiko import schema
from gaiko.baselines.events import lexicon_events, realis
from gaiko.baselines.rules import ENTITY_RULES, TRIGGERS, RuleSystem, rule_spans


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], label) for s, e, label in rule_spans(text)]


@pytest.mark.parametrize("text, expected", [
    ("2024年6月19日に署名した", [("2024年6月19日", "DATE")]),
    ("午前2時46分頃、到着した", [("午前2時46分頃", "TIME")]),
    ("訪朝は24年ぶりだ", [("24年ぶり", "DATE")]),
    ("2024年6月18日火曜日", [("2024年6月18日火曜日", "DATE")]),
    ("19日未明に到着", [("19日", "DATE"), ("未明", "TIME")]),
    ("水曜日早朝に", [("水曜日", "DATE"), ("早朝", "TIME")]),
    ("会談は約2時間に及んだ", [("2時間", "TIME")]),
    ("2000年7月以降", [("2000年7月", "DATE")]),
    ("18~19日の訪問", [("18~19日", "DATE")]),
    ("先月29日の時点", [("先月29日", "DATE")]),
    ("同日、発表した", [("同日", "DATE")]),
    ("1分間にわたって", [("1分間", "TIME")]),
    ("政府関係者1名と", [("1名", "QUANTITY")]),
    ("二度の抱擁", [("二度", "QUANTITY")]),
    ("支持率は20%だ", [("20%", "QUANTITY")]),
])
def test_temporal_and_numeric_expressions(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("プーチン大統領が", [("プーチン", "PERSON"), ("大統領", "TITLE")]),
    ("ロシア大統領ウラジーミル・プーチンは", [("ロシア", "GPE"), ("大統領", "TITLE"), ("ウラジーミル・プーチン", "PERSON")]),
    ("崔外相と金総書記", [("崔", "PERSON"), ("外相", "TITLE"), ("金", "PERSON"), ("総書記", "TITLE")]),
    ("北朝鮮外相", [("北朝鮮", "GPE"), ("外相", "TITLE")]),
    ("同大統領は", [("大統領", "TITLE")]),
    ("キム氏は", [("キム", "PERSON")]),
    ("露朝関係", [("露", "GPE"), ("朝", "GPE")]),
    ("ロシア大統領府の報道官", [("ロシア大統領府", "ORG"), ("報道官", "TITLE")]),
    ("アメリカ大統領選の前日", [("アメリカ大統領選", "EVENT"), ("前日", "DATE")]),
    ("「包括的戦略パートナーシップ条約」に", [("包括的戦略パートナーシップ条約", "LAW")]),
    ("クレムリンで会談", [("クレムリン", "FAC")]),
    ("クレムリンは侵攻を開始した", [("クレムリン", "ORG")]),
    ("今日中に", [("今日", "DATE")]),  # 日中 is not Japan + China here
])
def test_guideline_boundaries(text, expected):
    assert found(text) == expected


def test_every_rule_label_is_a_schema_label():
    assert {label for label, _ in ENTITY_RULES} <= set(schema.ENTITY_LABELS)
    assert set(TRIGGERS) <= set(schema.EVENT_LABELS)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789年月日時分頃ぶり午前後同大統領プーチン露朝米韓の氏、。「」条約", max_size=60))
def test_rule_spans_are_flat_and_in_bounds(text):
    spans = rule_spans(text)
    assert all(0 <= s < e <= len(text) and label in schema.ENTITY_LABELS for s, e, label in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_lexicon_events_with_realis_and_arguments():
    text = "プーチン大統領が金委員長と平壌で19日に会談した。両国は協議する予定だ。"
    spans = rule_spans(text)
    events = lexicon_events(text, spans)
    meeting, talks = events
    assert (text[meeting["trigger"]["start"]:meeting["trigger"]["end"]], meeting["type"], meeting["realis"]) == \
        ("会談", "CONSULT", "ACTUAL")
    roles = {a["role"]: text[a["start"]:a["end"]] for a in meeting["arguments"]}
    assert roles == {"actor": "プーチン", "recipient": "金", "place": "平壌", "time": "19日"}
    assert (talks["type"], talks["realis"]) == ("CONSULT", "OTHER")
    # 両国 in the second sentence: the two participants of the meeting before are its actors
    assert [(a["role"], text[a["start"]:a["end"]]) for a in talks["arguments"]] == [("actor", "プーチン"), ("actor", "金")]


def test_joint_actors_and_visit_hosts():
    text = "露朝首脳会談が開かれた。ラブロフ外相は北朝鮮訪問を終えた。"
    first, visit = lexicon_events(text, rule_spans(text))
    assert [(a["role"], text[a["start"]:a["end"]]) for a in first["arguments"]] == [("actor", "露"), ("actor", "朝")]
    assert sorted((a["role"], text[a["start"]:a["end"]]) for a in visit["arguments"]) == \
        [("actor", "ラブロフ"), ("place", "北朝鮮"), ("recipient", "北朝鮮")]


@pytest.mark.parametrize("clause, expected", [
    ("会談した。", "ACTUAL"), ("会談する予定だ。", "OTHER"), ("会談を行いたいと述べた。", "OTHER"),
    ("会談する可能性がある。", "OTHER"), ("会談しなかった。", "OTHER"),
])
def test_realis_cues(clause, expected):
    assert realis(clause, 2, len(clause)) == expected


def test_rule_system_output_is_in_the_predictions_format():
    doc = {"id": "d", "text": "ロシアのプーチン大統領は北朝鮮を訪問し、支持に感謝した。"}
    (pred,) = RuleSystem().fit([]).extract([doc])
    assert pred["id"] == "d" and {e["type"] for e in pred["events"]} == {"CONSULT", "SUPPORT"}
    assert all(set(m) == {"start", "end", "label"} for m in pred["entities"])
