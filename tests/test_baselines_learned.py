"""Trained baselines on tiny hand-made gold: gazetteer, character CRF, event classifier."""

from __future__ import annotations

import pytest

from gaiko.baselines.crf import CharCRF, word_features
from gaiko.baselines.events import EventModel
from gaiko.baselines.gazetteer import Gazetteer
from gaiko.documents import strip_annotations
from gaiko.io import GaikoError

from support.markup import annotated

TRAIN = [
    annotated("t1", "[ラブロフ|PERSON][外相|TITLE]は[平壌|GPE]を<訪問|CONSULT>した。[北朝鮮|GPE]の[崔善姫|PERSON]"
                    "[外相|TITLE]と<会談|CONSULT>した。朝食をとった。", {0: [("actor", 0), ("recipient", 2)]}),
    annotated("t2", "[プーチン|PERSON][大統領|TITLE]は[3日|DATE]、[モスクワ|GPE]で[金正恩|PERSON][総書記|TITLE]と<会談|CONSULT>"
                    "した。[ロシア|GPE]は[北朝鮮|GPE]への<支援|AID>を続けた。", {0: [("actor", 0), ("place", 3), ("time", 2)]}),
    annotated("t3", "[ロシア|GPE]の[ラブロフ|PERSON][外相|TITLE]は[昨年|DATE][北朝鮮|GPE]を<非難|ACCUSE>しなかった。"
                    "[平壌|GPE]では[崔善姫|PERSON][外相|TITLE]が<歓迎|SUPPORT>した。", realis={0: "OTHER"}),
    annotated("t4", "[2023年9月13日|DATE]と[6月|DATE]、[24年ぶり|DATE]に[同日|DATE]、[11月|DATE]と[前日|DATE]。"),
]
NEW = "ラブロフ外相は北朝鮮を訪問した。"


def test_gazetteer_memorizes_annotated_surfaces_longest_first():
    system = Gazetteer().fit(TRAIN)
    (pred,) = system.extract([{"id": "n", "text": "北朝鮮の崔善姫外相と朝食。"}])
    text = "北朝鮮の崔善姫外相と朝食。"
    assert [(text[m["start"]:m["end"]], m["label"]) for m in pred["entities"]] == \
        [("北朝鮮", "GPE"), ("崔善姫", "PERSON"), ("外相", "TITLE")]  # 朝 of 朝食 was never annotated


def test_gazetteer_skips_surfaces_mostly_left_unannotated():
    docs = [annotated("a", "[朝|GPE]。朝。朝。朝。")]
    assert Gazetteer().fit(docs).entities == {}


def test_trained_systems_refuse_documents_without_gold():
    unannotated = [dict(strip_annotations(TRAIN[0]), entities=[], events=[])]
    for system in (Gazetteer(), CharCRF(), EventModel()):
        with pytest.raises(GaikoError, match="needs gold training documents"):
            system.fit(unannotated)


def test_word_features_give_every_character_its_word_position():
    features = word_features("プーチン大統領。")
    assert [place for _, place, _ in features[:4]] == ["B", "I", "I", "I"]
    assert features[0][0].startswith("名詞")


def test_crf_learns_the_tiny_training_set_and_tags_new_text():
    system = CharCRF().fit(TRAIN * 3)
    (pred,) = system.extract([{"id": "n", "text": NEW}])
    got = [(NEW[m["start"]:m["end"]], m["label"]) for m in pred["entities"]]
    assert ("ラブロフ", "PERSON") in got and ("外相", "TITLE") in got and ("北朝鮮", "GPE") in got
    assert all(a["end"] <= b["start"] for a, b in zip(pred["entities"], pred["entities"][1:]))


def test_event_model_types_triggers_and_attaches_arguments():
    model = EventModel().fit(TRAIN)
    doc = annotated("n", "[ラブロフ|PERSON][外相|TITLE]は[北朝鮮|GPE]を訪問した。")
    spans = [(m["start"], m["end"], m["label"]) for m in doc["entities"]]
    (event,) = model.events(doc["text"], spans)
    assert event["type"] == "CONSULT" and event["realis"] == "ACTUAL"
    assert {a["role"]: doc["text"][a["start"]:a["end"]] for a in event["arguments"]} == \
        {"actor": "ラブロフ", "recipient": "北朝鮮", "place": "北朝鮮"}
