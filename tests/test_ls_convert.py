"""Label Studio export → gold on a recorded export (Label Studio 1.23.2) and edited copies of it.

tests/data/ls/export_recorded.json was exported from a real server after posting, through the SDK:
a_two (two annotators, not adjudicated), b_truth (two annotators and a ground truth whose first mention spans a
double space that its value.text collapses), c_crlf (text shown with '\\r\\n' and a character outside the BMP,
plus a cancelled annotation), d_cancelled (only a cancelled annotation), e_predicted (only a prediction).
export_recorded_gold.jsonl holds the gold documents that were posted.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from gaiko import schema
from gaiko.annotation.convert import (PUSHED_RELATIONS, convert_export, documents_to_results, predictions_to_results,
                                      task_data, text_sha256)
from gaiko.cli import main
from gaiko.io import GaikoError, iter_jsonl

DATA = Path(__file__).parent / "data" / "ls"
RECORDED = json.loads((DATA / "export_recorded.json").read_text(encoding="utf-8"))
POSTED = {doc["id"]: doc for _, doc in iter_jsonl(DATA / "export_recorded_gold.jsonl")}


def tasks(*doc_ids: str) -> list[dict]:
    chosen = [copy.deepcopy(t) for t in RECORDED if t["data"]["doc_id"] in doc_ids]
    assert len(chosen) == len(doc_ids)
    return chosen


def task_of(export: list[dict], doc_id: str) -> dict:
    return next(t for t in export if t["data"]["doc_id"] == doc_id)


def live_result(export: list[dict], doc_id: str) -> list[dict]:
    return next(a for a in task_of(export, doc_id)["annotations"] if not a["was_cancelled"])["result"]


def convert_error(export: list[dict], **kwargs) -> str:
    with pytest.raises(GaikoError) as info:
        convert_export(export, "export.json", **kwargs)
    return str(info.value)


def b_truth_expected() -> dict:
    """The posted ground truth of b_truth: its first mention was widened over 'ロシア  外務省' and made ORG."""
    doc = copy.deepcopy(POSTED["b_truth"])
    doc["entities"][0].update(end=8, text=doc["text"][:8], label="ORG")
    return doc


def strip_meta(doc: dict) -> dict:
    return {k: doc[k] for k in ("id", "title", "text", "entities", "events")}


def test_recorded_export_converts_to_what_was_posted():
    conversion = convert_export(tasks("b_truth", "c_crlf", "d_cancelled", "e_predicted"), "export.json")
    docs = {d["id"]: d for d in conversion.documents}
    assert sorted(docs) == ["b_truth", "c_crlf"]
    # c_crlf: shown with '\r\n' and 𠮷 in Label Studio, back to '\n' offsets span for span.
    assert "\r" in task_of(RECORDED, "c_crlf")["data"]["text"] and "𠮷" in docs["c_crlf"]["text"]
    assert docs["c_crlf"] == strip_meta(POSTED["c_crlf"])
    assert docs["b_truth"] == strip_meta(b_truth_expected())
    r = conversion.report
    assert (r.tasks, r.annotations_used, r.ground_truth_used, r.superseded_by_ground_truth) == (4, 2, 1, 2)
    assert (r.cancelled_skipped, r.predictions_ignored, r.unannotated) == (2, 1, ["d_cancelled", "e_predicted"])
    assert (r.newline_tasks, r.whitespace_mismatches) == (1, 1)
    assert r.mentions == sum(len(docs[d]["entities"]) for d in docs)
    assert r.arguments == sum(len(e["arguments"]) for d in docs.values() for e in d["events"])


def test_result_order_and_region_ids_do_not_change_the_gold():
    export = tasks("c_crlf")
    expected = convert_export(export, "x").documents
    result = live_result(export, "c_crlf")
    renamed = {r["id"]: f"r{i}" for i, r in enumerate(result) if "id" in r}
    for r in result:
        for key in ("id", "from_id", "to_id"):
            if key in r:
                r[key] = renamed[r[key]]
    random.Random(7).shuffle(result)
    assert convert_export(export, "x").documents == expected


def test_several_annotators_without_adjudication_is_an_error():
    message = convert_error(tasks("a_two"))
    assert f"task {task_of(RECORDED, 'a_two')['id']} (a_two)" in message and "adjudicate" in message


def test_two_ground_truths_is_an_error():
    export = tasks("a_two")
    for annotation in export[0]["annotations"]:
        annotation["ground_truth"] = True
    message = convert_error(export)
    assert "2 ground-truth annotations" in message and "keep one: gaiko ls adjudicate a_two --annotation ID" in message


def test_cancelled_ground_truth_does_not_count():
    export = tasks("b_truth")
    truth = next(a for a in export[0]["annotations"] if a["ground_truth"])
    truth["was_cancelled"] = True
    assert "adjudicate" in convert_error(export)


@pytest.mark.parametrize("doc_id", ["d_cancelled", "e_predicted"])
def test_unannotated_tasks_are_counted_or_refused(doc_id):
    conversion = convert_export(tasks(doc_id), "x")
    assert conversion.documents == [] and conversion.report.unannotated == [doc_id]
    message = convert_error(tasks(doc_id), require_complete=True)
    assert f"task {task_of(RECORDED, doc_id)['id']} ({doc_id}): no usable annotation" in message


def test_drafts_are_ignored_and_counted():
    export = tasks("c_crlf")
    draft_result = copy.deepcopy(live_result(export, "c_crlf"))[:1]
    export[0]["drafts"] = [{"id": 1, "user": "ann2@gaiko.test", "result": draft_result, "lead_time": 3.0,
                            "was_postponed": False, "task": export[0]["id"], "annotation": None}]
    conversion = convert_export(export, "x")
    assert conversion.report.drafts_ignored == 1
    assert conversion.documents == [strip_meta(POSTED["c_crlf"])]


@pytest.mark.parametrize("direction, flip", [("right", False), ("left", True), ("bi", False), ("bi", True),
                                             ("right", True)])
def test_relation_direction(direction, flip):
    """A relation is oriented by its ends (trigger → mention); drawn either way it gives the same argument."""
    export = tasks("c_crlf")
    for r in live_result(export, "c_crlf"):
        if r["type"] == "relation":
            r["direction"] = direction
            if flip:
                r["from_id"], r["to_id"] = r["to_id"], r["from_id"]
    assert convert_export(export, "x").documents == [strip_meta(POSTED["c_crlf"])]


def edited(doc_id: str, edit) -> list[dict]:
    export = tasks(doc_id)
    edit(live_result(export, doc_id), export[0])
    return export


def first(result: list[dict], **match) -> dict:
    return next(r for r in result if all(r.get(k) == v for k, v in match.items()))


def drop_region(result: list[dict], **match) -> None:
    rid = first(result, **match)["id"]
    result[:] = [r for r in result if r.get("id") != rid]


def move_to(result: list[dict], moved: dict, rid: str) -> None:
    """Attach a per-region result to another region (its id, offsets and shown text)."""
    target = first(result, id=rid, type="labels")["value"]
    moved["id"] = rid
    moved["value"].update(start=target["start"], end=target["end"])
    if isinstance(moved["value"].get("text"), str):
        moved["value"]["text"] = target["text"]


def widen(result: list[dict], task: dict, rid: str, start: int) -> None:
    """Move the start of every result of one region (keeping value.text right)."""
    for r in result:
        if r.get("id") == rid:
            r["value"]["start"] = start
            if isinstance(r["value"].get("text"), str):
                r["value"]["text"] = task["data"]["text"][start:r["value"]["end"]]


def set_value(**values):
    return lambda result, task: first(result, from_name="entity")["value"].update(values)


CASES = {
    "relation with a missing end": (
        lambda result, task: drop_region(result, from_name="entity", id=first(result, type="relation")["to_id"]),
        "region id '{to_id}': relation '{from_id}'→'{to_id}': the region it points to is missing"),
    "label unknown to the schema": (
        lambda result, task: first(result, from_name="entity")["value"].update(labels=["NORP"]),
        "region '𠮷田' at 0-2 (id 'm1'): unknown entity label 'NORP'"),
    "control unknown to the config": (
        lambda result, task: first(result, from_name="entity").update(from_name="ner"),
        "region '𠮷田' at 0-2 (id 'm1'): unknown control 'ner'"),
    "region past the end of the text": (set_value(end=10_000), "region id 'm1': region 0-10000 is empty or outside"),
    "negative offset": (set_value(start=-1), "region id 'm1': region -1-"),
    "float offset": (set_value(start=0.0), "region id 'm1': start/end must be integers"),
    "value.text that is not the text": (
        set_value(text="プーチン"), "region '𠮷田' at 0-2 (id 'm1'): value.text 'プーチン' != text[0:2]"),
    "trigger without realis": (
        lambda result, task: result.remove(first(result, from_name="realis")), "trigger has no realis"),
    "realis on a mention": (
        lambda result, task: move_to(result, first(result, from_name="realis"), "m1"),
        "region '𠮷田' at 0-2 (id 'm1'): realis OTHER on a PERSON mention"),
    "entity id on a TITLE mention": (
        lambda result, task: move_to(result, first(result, from_name="entity_id"), "m2"),
        "region '外相' at 2-4 (id 'm2'): entity id 'yoshida' on a region that is not a mention of a type with "
        "entity ids"),
    "two entity ids": (
        lambda result, task: first(result, from_name="entity_id")["value"].update(text=["a", "b"]),
        "region '𠮷田' at 0-2 (id 'm1'): several entity ids"),
    "results of one region disagreeing on offsets": (
        lambda result, task: first(result, from_name="entity_id", id="m1")["value"].update(end=1),
        "region '𠮷' at 0-1 (id 'm1'): results of one region disagree on its offsets"),
    "relation without a role": (
        lambda result, task: first(result, type="relation").pop("labels"), "expected exactly one role"),
    "role the mention type cannot fill": (
        lambda result, task: first(result, type="relation").update(labels=["time"]), "a time cannot be a PERSON"),
    "relation between two mentions": (
        lambda result, task: first(result, type="relation").update(from_id="m2"),
        "does not link an event trigger to a mention"),
    "overlapping mentions": (
        lambda result, task: widen(result, task, "m2", 1),
        "region '田外相' at 1-4 (id 'm2'): mention overlaps mention region '𠮷田' at 0-2 (id 'm1')"),
    "text changed after import": (
        lambda result, task: task["data"].update(text=task["data"]["text"].replace("平壌", "平城")),
        "text differs from the text it was imported with"),
    "missing text": (lambda result, task: task["data"].pop("text"), "data has no 'text' string"),
    "region id given as a list": (
        lambda result, task: first(result, from_name="entity").update(id=["m1"]),
        "region '𠮷田' at 0-2 (id [\"m1\"]): region id must be a non-empty string, got [\"m1\"]"),
    "relation end given as a list": (
        lambda result, task: first(result, type="relation").update(to_id=["m1"]),
        "relation 'e1'→[\"m1\"]: region ids must be strings, got [\"m1\"]"),
    "unknown relation direction": (
        lambda result, task: first(result, type="relation").update(direction="up"), "unknown direction 'up'"),
    "ground_truth given as a string": (
        lambda result, task: next(a for a in task["annotations"] if not a["was_cancelled"]).update(
            ground_truth="false"), "'ground_truth' must be true or false, got 'false'"),
    "was_cancelled given as a number": (
        lambda result, task: task["annotations"][0].update(was_cancelled=0), "'was_cancelled' must be true or false"),
    "offsets that take in a line break value.text does not show": (
        lambda result, task: [r["value"].update(start=13) for r in result if r.get("id") == "m4"],
        "region '\\n𠮷田' at 13-16 (id 'm4'): value.text '𠮷田' != text[13:16] '\\n𠮷田'"),
    "value.text with a leading space": (
        lambda result, task: first(result, from_name="entity")["value"].update(text=" 𠮷田"),
        "region '𠮷田' at 0-2 (id 'm1'): value.text ' 𠮷田' != text[0:2] '𠮷田'"),
    "two labels on one region": (
        lambda result, task: result.append({**copy.deepcopy(first(result, from_name="trigger")), "id": "m1",
                                            "value": {**first(result, id="m1")["value"], "labels": ["CONSULT"]}}),
        "region '𠮷田' at 0-2 (id 'm1'): region has both an entity label (PERSON) and a trigger label (CONSULT)"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_exports_name_task_and_region(case):
    edit, expected = CASES[case]
    export = tasks("c_crlf")
    relation = first(live_result(export, "c_crlf"), type="relation")
    edit(live_result(export, "c_crlf"), export[0])
    message = convert_error(export)
    assert message.startswith(f"export.json: task {export[0]['id']}")
    assert expected.format(**relation) in message


def test_whitespace_only_difference_is_trusted_and_counted():
    report = convert_export(tasks("b_truth"), "x").report
    assert report.whitespace_mismatches == 1


def test_text_must_match_the_clean_document():
    clean = {d: {**POSTED[d], "entities": [], "events": []} for d in POSTED}
    docs = convert_export(tasks("c_crlf"), "x", documents=clean).documents
    assert docs == [POSTED["c_crlf"]]
    changed = {**clean, "c_crlf": {**clean["c_crlf"], "text": clean["c_crlf"]["text"] + "。"}}
    assert "text differs from the clean document" in convert_error(tasks("c_crlf"), documents=changed)
    assert "no clean document 'c_crlf'" in convert_error(tasks("c_crlf"), documents={})


def test_duplicate_document_is_an_error():
    export = tasks("c_crlf") + tasks("c_crlf")
    assert "document 'c_crlf' is also task" in convert_error(export)


def test_sha_is_of_the_normalized_text():
    data = task_of(RECORDED, "c_crlf")["data"]
    assert data["text_sha256"] == text_sha256(data["text"].replace("\r\n", "\n"))


def test_agreement_verb_reports_a_bad_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "export.json"
    bad.write_text('[{"id": 1,\n', encoding="utf-8")
    assert main(["agreement", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"gaiko agreement: error: {bad}:2: invalid JSON") and "\n" not in err


def committed_gold() -> list[dict]:
    export = json.loads((Path(__file__).parents[1] / "annotation" / "exports" / "gaiko.json").read_text("utf-8"))
    return convert_export(export, "gaiko.json").documents


def test_second_role_on_a_pair_is_pushed_the_other_way():
    """Label Studio keeps one relation per ordered pair of regions: a second role on the same trigger and mention
    is pushed mention → trigger, so every ordered pair holds one relation and the gold converts back whole."""
    gold = committed_gold()
    assert sum(len(e["arguments"]) for d in gold for e in d["events"]) == 684
    reversed_relations = 0
    for doc in gold:
        results = documents_to_results(doc)
        relations = [r for r in results if r["type"] == "relation"]
        pairs = [(r["from_id"], r["to_id"]) for r in relations]
        assert len(pairs) == len(set(pairs)) == sum(len(e["arguments"]) for e in doc["events"])
        reversed_relations += sum(r["from_id"].startswith("m") and r["direction"] == "left" for r in relations)
        export = [{"id": 1, "data": task_data(doc), "annotations": [{"id": 1, "result": results}]}]
        assert convert_export(export, "x").documents == [strip_meta(doc)]
    assert reversed_relations == 51


def test_three_roles_on_one_pair_cannot_be_pushed():
    doc = copy.deepcopy(POSTED["c_crlf"])
    gpe = next(m for m in doc["entities"] if m["label"] == "GPE")
    roles = [r.name for r in schema.ROLES if "GPE" in r.entity_types]
    assert len(roles) >= 3
    doc["events"][0]["arguments"] = [{"role": role, "mention_id": gpe["id"]} for role in roles[:3]]
    with pytest.raises(GaikoError, match="three roles on one mention"):
        documents_to_results(doc)


def test_pull_warns_when_an_annotation_holds_fewer_relations_than_were_pushed():
    export = tasks("c_crlf")
    annotation = next(a for a in export[0]["annotations"] if not a["was_cancelled"])
    held = sum(r["type"] == "relation" for r in annotation["result"])
    export[0]["meta"] = {PUSHED_RELATIONS: {f"annotation:{annotation['id']}": held}}
    assert convert_export(copy.deepcopy(export), "x").report.relation_losses == []
    annotation["parent_prediction"] = 77
    export[0]["meta"] = {PUSHED_RELATIONS: {f"annotation:{annotation['id']}": held + 1, "prediction:77": held + 2}}
    losses = convert_export(export, "export.json").report.relation_losses
    assert losses == [
        f"export.json: task {export[0]['id']} (c_crlf) annotation {annotation['id']}: holds {held} relations, "
        f"{held + 1} were pushed to annotation {annotation['id']}; check its arguments",
        f"export.json: task {export[0]['id']} (c_crlf) annotation {annotation['id']}: holds {held} relations, "
        f"{held + 2} were pushed to prediction 77; check its arguments"]


def test_a_third_predicted_role_on_one_span_is_not_shown_but_counted():
    text = "露朝は平壌で会談した。"
    prediction = {"entities": [{"start": 3, "end": 5, "label": "GPE"}],
                  "events": [{"type": "CONSULT", "realis": "ACTUAL", "trigger": {"start": 6, "end": 8},
                              "arguments": [{"role": r, "start": 3, "end": 5}
                                            for r in ("actor", "recipient", "place")]}]}
    dropped: list[str] = []
    results = predictions_to_results(text, prediction, "prediction 'x'", dropped)
    relations = [(r["from_id"], r["to_id"], r["labels"]) for r in results if r["type"] == "relation"]
    assert relations == [("e1", "m1", ["actor"]), ("m1", "e1", ["recipient"])]
    assert dropped == ["prediction 'x': event e1: place of region m1"]
