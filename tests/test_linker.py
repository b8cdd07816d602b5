"""The argument linker applies the guidelines' argument rules (§3 Arguments) to a system's own mentions.

Each case is a sentence written for the test, marked up with mentions and typed triggers; the linker
sees the mentions and triggers only (not the gold arguments).
"""

from __future__ import annotations

import pytest

from gaiko.baselines.events import build_events

from support.markup import annotated


def linked(markup: str) -> list[list[tuple[str, str]]]:
    """Per trigger, in reading order: (role, argument text) pairs."""
    doc = annotated("d", markup)
    text = doc["text"]
    spans = [(m["start"], m["end"], m["label"]) for m in doc["entities"]]
    triggers = [(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in doc["events"]]
    return [[(a["role"], text[a["start"]:a["end"]]) for a in ev["arguments"]]
            for ev in build_events(text, spans, triggers)]


@pytest.mark.parametrize("markup, expected", [
    # 「AはBと会談」: A actor, B recipient; the time before the trigger in the sentence
    ("[石破|PERSON][首相|TITLE]は[3日|DATE]、[李|PERSON][大統領|TITLE]と<会談|CONSULT>した。",
     [[("actor", "石破"), ("recipient", "李"), ("time", "3日")]]),
    # 「AとBが会談」: coordinated participants are all actors
    ("[中国|GPE]と[ロシア|GPE]が<会談|CONSULT>した。", [[("actor", "中国"), ("actor", "ロシア")]]),
    ("[中国|GPE]は[ロシア|GPE]と<会談|CONSULT>した。", [[("actor", "中国"), ("recipient", "ロシア")]]),
    # a chain right before the trigger is its actor; a ・-joined pair gives two
    ("[日|GPE][韓|GPE]<首脳会談|CONSULT>が開かれた。", [[("actor", "日"), ("actor", "韓")]]),
    # visits: visitor actor, the host country recipient, the city named after it the place
    ("[習|PERSON][主席|TITLE]は[ロシア|GPE]の[カザン|GPE]に<到着|CONSULT>した。",
     [[("actor", "習"), ("recipient", "ロシア"), ("place", "カザン")]]),
    ("[モンゴル|GPE]<訪問|CONSULT>を終えた。", [[("recipient", "モンゴル"), ("place", "モンゴル")]]),
    # hosting named with と: the host is the actor, the guest the recipient
    ("[ショイグ|PERSON]は[金|PERSON][総書記|TITLE]との<接見|CONSULT>で述べた。",
     [[("actor", "金"), ("recipient", "ショイグ")]]),
    # the attacked country is recipient and place
    ("[ウクライナ|GPE]<侵攻|ASSAULT>が続く。", [[("recipient", "ウクライナ"), ("place", "ウクライナ")]]),
    # a date measuring an interval is not the event's time
    ("[2019年|DATE]以来の<会談|CONSULT>だ。", [[]]),
    # the visit word names its host: 訪露 points to the nearest mention of Russia
    ("[ロシア|GPE]との関係は深い。[金|PERSON][総書記|TITLE]が<訪露|CONSULT>した。",
     [[("actor", "金"), ("recipient", "ロシア"), ("place", "ロシア")]]),
    # a place named after the trigger: 協議がソチで行われた
    ("<協議|CONSULT>が[ソチ|GPE]で行われた。", [[("place", "ソチ")]]),
    # a reading in brackets does not hide the particle after it
    ("[元山|GPE]([ウォンサン|GPE])で<会談|CONSULT>した。", [[("place", "元山")]]),
])
def test_argument_rules(markup, expected):
    assert linked(markup) == expected


def test_elided_actor_points_to_the_nearest_earlier_mention_of_that_entity():
    events = linked("[ドミトリー・メドベージェフ|PERSON]が到着した。[メドベージェフ|PERSON]氏は語った。"
                    "翌日、<会談|CONSULT>した。")
    assert events == [[("actor", "メドベージェフ")]]


def test_a_meeting_lends_its_time_and_place_to_its_paragraph_only():
    events = linked("[プーチン|PERSON]は[5日|DATE]、[ソチ|GPE]で<会談|CONSULT>し、協力を<歓迎|SUPPORT>した。\n"
                    "両国は<協議|CONSULT>を続ける。")
    meeting, welcome, talks = events
    assert meeting == [("actor", "プーチン"), ("place", "ソチ"), ("time", "5日")]
    assert welcome == [("actor", "プーチン"), ("place", "ソチ"), ("time", "5日")]  # same paragraph: shared
    assert ("time", "5日") not in talks and ("place", "ソチ") not in talks  # next paragraph: not carried


def test_pair_anaphora_take_the_two_participants_of_the_last_meeting():
    events = linked("[石破|PERSON]は[李|PERSON]と<会談|CONSULT>した。両首脳は<協力|COOPERATE>を確認した。")
    assert events[1] == [("actor", "石破"), ("actor", "李")]


@pytest.mark.parametrize("markup, expected", [
    # a 、-list shares the role of its last member (…などの高官も同行)
    ("[ラブロフ|PERSON][外相|TITLE]、[ショイグ|PERSON][書記|TITLE]などの高官も<同行|CONSULT>した。",
     [[("actor", "ラブロフ"), ("actor", "ショイグ")]]),
    # Xの…に対する: directed at X
    ("[モンゴル|GPE]は[ロシア|GPE]の立場に対する<支持|SUPPORT>を示した。",
     [[("actor", "モンゴル"), ("recipient", "ロシア")]]),
    # a quotation's event: the quoting subject acts
    ("[石破|PERSON]氏は「関係を<支持|SUPPORT>する」と述べた。", [[("actor", "石破")]]),
])
def test_lists_directions_and_quotations(markup, expected):
    assert linked(markup) == expected


def test_a_host_greets_the_last_visitor():
    events = linked("[習|PERSON][主席|TITLE]は[カザン|GPE]に<到着|CONSULT>し、[プーチン|PERSON]氏が<出迎え|CONSULT>た。")
    assert ("recipient", "習") in events[1] and ("actor", "プーチン") in events[1]


def test_the_noun_a_relative_clause_qualifies_is_its_actor():
    (event,) = linked("空港で<出迎え|CONSULT>た[習|PERSON][主席|TITLE]は笑顔を見せた。")
    assert ("actor", "習") in event

