"""Regenerate the hostile Label Studio exports in exports/ (`python tests/hostile/make_exports.py`).

Each export holds one task showing the clean document BASE_ID with a small valid annotation, then one
edit makes it hostile. Run this again when the cleaner changes that document's text: otherwise every
case fails with "text differs from the clean document" instead of its own error.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from gaiko.annotation.convert import documents_to_results, task_data, text_sha256
from gaiko.corpus import clean_documents

EXPORTS = Path(__file__).parent / "exports"
BASE_ID = "003_928b56e06e5931a4"
# (text, label, entity id) of the mentions; the event: type, trigger text, [(role, mention index)]
MENTIONS = (("ロシア", "GPE", "russia"), ("北朝鮮", "GPE", "north_korea"),
            ("包括的戦略パートナーシップ条約", "LAW", "comprehensive_strategic_partnership_treaty"))
EVENT = ("SUPPORT", "署名", [("actor", 0), ("actor", 1)])


def base_task() -> dict:
    doc = next(d for d in clean_documents() if d["id"] == BASE_ID)
    text = doc["text"]
    entities = [{"id": f"m{i}", "start": text.index(s), "end": text.index(s) + len(s), "label": label, "text": s,
                 "entity_id": eid} for i, (s, label, eid) in enumerate(MENTIONS, start=1)]
    etype, word, args = EVENT
    start = text.index(word)
    events = [{"id": "e1", "type": etype, "realis": "ACTUAL",
               "trigger": {"start": start, "end": start + len(word), "text": word},
               "arguments": [{"role": role, "mention_id": f"m{k + 1}"} for role, k in args]}]
    result = documents_to_results({**doc, "entities": entities, "events": events})
    return {"id": 31, "data": task_data(doc), "project": 1, "predictions": [], "drafts": [],
            "annotations": [{"id": 301, "completed_by": 1, "result": result, "was_cancelled": False,
                             "ground_truth": False, "lead_time": 12.5}]}


def region(task: dict, rid: str, control: str = "entity") -> dict:
    return next(r for r in task["annotations"][0]["result"] if r.get("id") == rid and r["from_name"] == control)


def relation(task: dict) -> dict:
    return next(r for r in task["annotations"][0]["result"] if r["type"] == "relation")


def changed_text(task: dict) -> str:
    return task["data"]["text"].replace("署名", "調印", 1)


def second_annotation(task: dict, **flags) -> dict:
    return {**copy.deepcopy(task["annotations"][0]), "id": 302, "completed_by": 2, **flags}


# name → edit of the base task (returns the export: a list of tasks, or anything else for a broken file)
EDITS = {
    "missing_text": lambda t: t["data"].pop("text"),
    "text_edited_after_import": lambda t: t["data"].update(text=changed_text(t)),
    "text_not_the_clean_document": lambda t: t["data"].update(text=changed_text(t),
                                                               text_sha256=text_sha256(changed_text(t))),
    "region_outside_the_text": lambda t: region(t, "m3")["value"].update(end=len(t["data"]["text"]) + 5),
    "relation_to_a_missing_region": lambda t: relation(t).update(to_id="m9"),
    "unknown_label": lambda t: region(t, "m2")["value"].update(labels=["NORP"]),
    "unknown_role": lambda t: relation(t).update(labels=["sponsor"]),
    "two_ground_truths": lambda t: t.update(annotations=[{**t["annotations"][0], "ground_truth": True},
                                                         second_annotation(t, ground_truth=True)]),
    "two_annotators_not_adjudicated": lambda t: t["annotations"].append(second_annotation(t)),
    "only_cancelled_annotations": lambda t: t["annotations"][0].update(was_cancelled=True, result=[]),
    "predictions_only": lambda t: t.update(predictions=[{"id": 7, "model_version": "rules-1",
                                                          "result": t["annotations"].pop()["result"]}]),
    "unknown_document": lambda t: t["data"].update(doc_id="999_not_in_the_corpus"),
}


def write_cases() -> None:
    EXPORTS.mkdir(exist_ok=True)
    for name, edit in EDITS.items():
        task = base_task()
        edit(task)
        (EXPORTS / f"{name}.json").write_text(json.dumps([task], ensure_ascii=False, indent=1) + "\n",
                                              encoding="utf-8")
    task = json.dumps([base_task()], ensure_ascii=False, indent=1) + "\n"
    (EXPORTS / "valid.json").write_text(task, encoding="utf-8")  # the control: builds
    (EXPORTS / "same_task_twice.json").write_text(
        json.dumps([base_task(), {**base_task(), "id": 32}], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (EXPORTS / "truncated.json").write_text(task[: len(task) // 2], encoding="utf-8")
    (EXPORTS / "not_a_list_of_tasks.json").write_text(json.dumps({"tasks": [base_task()]}, ensure_ascii=False),
                                                      encoding="utf-8")
    (EXPORTS / "deep_nesting.json").write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    (EXPORTS / "byte_order_mark.json").write_bytes(b"\xef\xbb\xbf" + task.encode("utf-8"))
    (EXPORTS / "shift_jis.json").write_bytes(task.encode("cp932"))
    (EXPORTS / "duplicate_key.json").write_text(task.replace('"drafts": []', '"drafts": [],\n  "annotations": []'),
                                                encoding="utf-8")
    both = EXPORTS / "annotated_in_two_exports"
    both.mkdir(exist_ok=True)
    for name in ("a.json", "b.json"):
        (both / name).write_text(task, encoding="utf-8")


if __name__ == "__main__":
    write_cases()
