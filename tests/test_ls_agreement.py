"""Agreement numbers on a small example computed by hand."""

from __future__ import annotations

import json

import pytest

from gaiko.annotation.agreement import agreement
from gaiko.annotation.convert import documents_to_results, task_data
from gaiko.cli import main

TEXT = "ABCDEFGHIJ"


def doc(entities, trigger_realis, place) -> dict:
    """One annotator's view: mentions (start, end, label), a CONSULT trigger at 2-4 with an actor (the PERSON
    at 0-2) and a place (the GPE mention at `place`)."""
    mentions = [{"id": f"m{i}", "start": s, "end": e, "label": label, "text": TEXT[s:e],
                 "entity_id": "kim" if label == "PERSON" else None}
                for i, (s, e, label) in enumerate(entities, start=1)]
    ids = {(m["start"], m["end"]): m["id"] for m in mentions}
    return {"id": "d", "title": "t", "text": TEXT, "entities": mentions,
            "events": [{"id": "e1", "type": "CONSULT", "realis": trigger_realis,
                        "trigger": {"start": 2, "end": 4, "text": "CD"},
                        "arguments": [{"role": "actor", "mention_id": ids[(0, 2)]},
                                      {"role": "place", "mention_id": ids[place]}]}]}


A = doc([(0, 2, "PERSON"), (4, 6, "GPE"), (8, 10, "GPE")], "ACTUAL", (4, 6))
B = doc([(0, 2, "PERSON"), (4, 7, "GPE"), (8, 10, "ORG")], "OTHER", (4, 7))


def annotation(aid: int, user: int, document: dict, **flags) -> dict:
    return {"id": aid, "completed_by": user, "result": documents_to_results(document), "was_cancelled": False,
            "ground_truth": False, **flags}


EXPORT = [{"id": 1, "data": task_data(A), "annotations": [
    annotation(1, 11, A), annotation(2, 12, B),
    annotation(3, 13, A, ground_truth=True),  # the adjudication: not an annotator
    annotation(4, 14, B, was_cancelled=True),  # skipped: not compared
]}, {"id": 2, "data": {**task_data(A), "doc_id": "single"}, "annotations": [annotation(5, 11, A)]}]


def test_hand_computed_agreement():
    r = agreement(EXPORT, "x")
    assert (r["tasks_compared"], r["pairs"]) == (1, 1)
    per_type = {row["label"]: row for row in r["entities"]["per_type"]}
    # Strict: PERSON 0-2 matches (F1 2·1/(1+1) = 1); GPE 4-6, 8-10 vs 4-7: no match (0); ORG 0 of 1 (0).
    assert [(per_type[t]["strict_f1"]) for t in ("PERSON", "GPE", "ORG")] == [1.0, 0.0, 0.0]
    # All types: 1 match over 3 + 3 spans → 2·1/6.
    assert r["entities"]["strict_f1"] == pytest.approx(1 / 3)
    # Overlap, GPE: a's 4-6 overlaps b's 4-7, a's 8-10 overlaps no b GPE → R = 1/2; b's 4-7 overlaps → P = 1/1;
    # F = 2·1·0.5/1.5 = 2/3. All types: R = 2/3 (PERSON, GPE 4-6), P = 2/3 (PERSON, GPE 4-7) → F = 2/3.
    assert per_type["GPE"]["overlap_f1"] == pytest.approx(2 / 3)
    assert r["entities"]["overlap_f1"] == pytest.approx(2 / 3)
    # Characters: a = P P O O G G O O G G, b = P P O O G G G O R R → agree on 7 of 10, p_o = 0.7;
    # p_e = (P 2·2 + O 4·3 + G 4·3 + R 0·2) / 100 = 0.28; kappa = (0.7 − 0.28) / (1 − 0.28) = 0.42 / 0.72.
    assert r["kappa"]["entity"] == pytest.approx(0.42 / 0.72)
    # Triggers: CONSULT 2-4 in both → F1 1; trigger characters identical → kappa 1.
    assert (r["triggers"]["f1"], r["kappa"]["trigger"]) == (1.0, 1.0)
    # Arguments: actor→0-2 matches, place→4-6 vs place→4-7 do not: F1 = 2·1/(2+2) = 0.5.
    assert r["arguments"]["f1"] == 0.5
    # Realis on the one matched trigger: ACTUAL vs OTHER → 0/1. Entity ids on matched coref mentions:
    # only PERSON 0-2 matches strictly, "kim" in both → 1/1.
    assert (r["realis"]["agree"], r["realis"]["matched"]) == (0, 1)
    assert (r["entity_id"]["agree"], r["entity_id"]["matched"]) == (1, 1)
    found = {(d["kind"], d["start"], d["end"], d["a"], d["b"]) for d in r["disagreements"]}
    assert found == {("entity", 4, 6, "GPE", None), ("entity", 4, 7, None, "GPE"), ("entity", 8, 10, "GPE", "ORG"),
                     ("argument", 4, 6, "CONSULT:place", None), ("argument", 4, 7, None, "CONSULT:place"),
                     ("realis", 2, 4, "ACTUAL", "OTHER")}
    assert all(d["annotators"] == ["user 11", "user 12"] and d["task"] == 1 for d in r["disagreements"])


def test_ground_truth_on_an_annotators_work_keeps_the_pair():
    task = {**EXPORT[0], "annotations": [annotation(1, 11, A, ground_truth=True), annotation(2, 12, B)]}
    assert agreement([task], "x")["entities"]["strict_f1"] == pytest.approx(1 / 3)


def test_agreement_verb_prints_the_table_and_every_disagreement(tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(EXPORT), encoding="utf-8")
    assert main(["agreement", str(path)]) == 0
    out = capsys.readouterr().out
    assert "all              3     3      1      0.333       0.667" in out
    assert "6 disagreements" in out and "realis    2-4 'CD': ACTUAL | OTHER" in out
    assert main(["agreement", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["arguments"]["f1"] == 0.5
