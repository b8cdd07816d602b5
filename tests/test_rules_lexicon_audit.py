"""The rules carry to new text through general knowledge, not held-out surfaces.

The audit lists every lexicon entry whose only corpus occurrences are in validation or test
documents; each must be reviewed in baselines/lexicon_audit.tsv. The grammar tests use sentences
written for them (other people, places, dates and numbers than the corpus and the challenge set).
"""

from __future__ import annotations

import pytest

from gaiko.baselines.gazetteer import Gazetteer
from gaiko.baselines.lexicon_audit import format_audit, held_out_only, read_audit
from gaiko.baselines.rules import LEXICONS, rule_spans
from gaiko.dataset import load_split

from support.markup import annotated


def test_every_held_out_only_lexicon_entry_is_reviewed():
    rows = held_out_only(load_split("train"), load_split("validation") + load_split("test"))
    assert format_audit(rows) == read_audit(), (
        "the lexicons changed: regenerate with `python -m gaiko.baselines.lexicon_audit` and review every "
        "entry that occurs only in held-out documents (general knowledge stays, anything else goes)")


def test_the_audit_finds_an_entry_seen_only_in_held_out_text():
    train = [{"id": "a", "text": "ロシアの大統領"}]
    held = [{"id": "b", "text": "ソウルで国防相が"}]
    found = {(name, word) for name, word, _, _ in held_out_only(train, held)}
    assert ("GPE_WORDS", "ソウル") in found and ("TITLES", "国防相") in found
    assert not any(word == "ロシア" for _, word in found)  # seen in training: not listed
    assert all(name in LEXICONS for name, _ in found)


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], label) for s, e, label in rule_spans(text)]


@pytest.mark.parametrize("text, expected", [
    ("来年3月に開く", [("来年3月", "DATE")]),                      # relative year + month: one span
    ("昨年11月末までに", [("昨年11月末", "DATE")]),
    ("翌5日に帰国", [("翌5日", "DATE")]),
    ("2031年春の予定", [("2031年春", "DATE")]),
    ("兵士3万5000人を", [("3万5000人", "QUANTITY")]),             # counts with 万 and 千
    ("約40億ドルの", [("40億ドル", "QUANTITY")]),
    ("第3回の協議", [("第3回", "QUANTITY")]),
    ("長さ12キロの", [("12キロ", "QUANTITY")]),
    ("中朝関係", [("中", "GPE"), ("朝", "GPE")]),
    ("日米韓首脳", [("日", "GPE"), ("米", "GPE"), ("韓", "GPE")]),  # a run of three abbreviations
    ("国防省は発表した", [("国防省", "ORG")]),                      # a ministry named without its country
    ("ロシア下院が", [("ロシア下院", "ORG")]),
    ("【ワシントン時事】米政府は", [("ワシントン", "GPE"), ("時事", "ORG"), ("米政府", "ORG")]),
    ("日朝平壌宣言に基づき", [("日朝平壌宣言", "LAW")]),           # a treaty name outside 「」
    ("石破茂首相は", [("石破茂", "PERSON"), ("首相", "TITLE")]),  # a name the lexicon does not know
    ("李鍾奭統一相が", [("李鍾奭", "PERSON"), ("統一相", "TITLE")]),
    ("ジャパロフ外相と", [("ジャパロフ", "PERSON"), ("外相", "TITLE")]),
    ("ポリャンスキー国連次席大使", [("ポリャンスキー", "PERSON"), ("国連", "ORG"), ("次席大使", "TITLE")]),
    ("同国外相は", [("外相", "TITLE")]),                            # 同国 is anaphora, not a name
    ("外務省報道官は", [("外務省", "ORG"), ("報道官", "TITLE")]),
])
def test_general_grammar_carries_to_new_surfaces(text, expected):
    assert found(text) == expected


def test_gazetteer_does_not_match_inside_a_longer_number():
    train = [annotated("t", "[4日|DATE]に会った。")]
    gazetteer = Gazetteer().fit(train)
    assert gazetteer.spans("14日と4日") == [(4, 6, "DATE")]
