"""The whole annotation loop against a real Label Studio server: push, annotate through the API, pull, convert.

One server per session (about 30 s to migrate a fresh data dir), shared through tests/conftest.py. The gold is
made by rule on the corpus's clean documents, plus a hand-made document shown with '\\r\\n' and a character
outside the BMP.
"""

from __future__ import annotations

import json
import re

import pytest

from gaiko.annotation import studio
from gaiko.annotation.agreement import agreement
from gaiko.annotation.convert import convert_export, documents_to_results, task_data
from gaiko.cli import main
from gaiko.corpus import clean_documents
from gaiko.documents import validate_document
from gaiko.io import write_jsonl_atomic

pytestmark = pytest.mark.label_studio

# (pattern, label, entity id); matched in this order, a match overlapping an earlier one is skipped.
MENTION_RULES = (
    ("プーチン", "PERSON", "vladimir_putin"),
    ("金正恩", "PERSON", "kim_jong_un"),
    ("𠮷田", "PERSON", "yoshida"),
    ("北朝鮮", "GPE", "north_korea"),
    ("ロシア", "GPE", "russia"),
    ("平壌", "GPE", "pyongyang"),
    ("大統領", "TITLE", None),
    ("外相", "TITLE", None),
    (r"\d+月\d+日|\d+日", "DATE", None),
)
TRIGGER_RULES = (("会談", "CONSULT"), ("訪問", "CONSULT"), ("署名", "SUPPORT"), ("支援", "AID"))
REALIS_CYCLE = ("ACTUAL", "OTHER", "GENERIC")
EDGE_DOC = {"id": "edge_crlf", "title": "𠮷田外相が平壌を訪問",
            "text": "𠮷田外相が平壌を訪問\n\n𠮷田外相は6月19日、平壌を訪問し、金正恩氏と会談した。\n𠮷田氏は支援を約束した。"}
PROJECT = "gaiko loop"


def rule_gold(doc: dict) -> dict:
    """A valid gold document: rule mentions and triggers; actor = nearest person before the trigger,
    place = next GPE after it, time = nearest date before it."""
    text, taken, found = doc["text"], [], []
    for pattern, label, entity_id in MENTION_RULES:
        for m in re.finditer(pattern, text):
            if all(m.end() <= s or e <= m.start() for s, e in taken):
                taken.append((m.start(), m.end()))
                found.append((m.start(), m.end(), label, entity_id))
    entities = [{"id": f"m{i}", "start": s, "end": e, "label": label, "text": text[s:e], "entity_id": eid}
                for i, (s, e, label, eid) in enumerate(sorted(found), start=1)]
    triggers = sorted((m.start(), m.end(), etype) for word, etype in TRIGGER_RULES for m in re.finditer(word, text))
    events = []
    for i, (s, e, etype) in enumerate(triggers, start=1):
        before = [m for m in entities if m["end"] <= s]
        after = [m for m in entities if m["start"] >= e]
        picks = [("actor", next((m for m in reversed(before) if m["label"] == "PERSON"), None)),
                 ("place", next((m for m in after if m["label"] == "GPE"), None)),
                 ("time", next((m for m in reversed(before) if m["label"] == "DATE"), None))]
        events.append({"id": f"e{i}", "type": etype, "realis": REALIS_CYCLE[i % 3],
                       "trigger": {"start": s, "end": e, "text": text[s:e]},
                       "arguments": [{"role": role, "mention_id": m["id"]} for role, m in picks if m]})
    gold = {**doc, "entities": entities, "events": events}
    assert validate_document(gold) == []
    return gold


def predictions_of(gold: dict) -> dict:
    """Pre-annotations: the gold's entities but the first, and its events with their arguments as spans
    (so one argument span is no predicted entity and push must create a mention for it)."""
    mentions = {m["id"]: m for m in gold["entities"]}
    return {"id": gold["id"],
            "entities": [{k: m[k] for k in ("start", "end", "label")} for m in gold["entities"][1:]],
            "events": [{"type": e["type"], "trigger": {k: e["trigger"][k] for k in ("start", "end")},
                        "arguments": [{"role": a["role"], "start": mentions[a["mention_id"]]["start"],
                                       "end": mentions[a["mention_id"]]["end"]} for a in e["arguments"]]}
                       for e in gold["events"]]}


def second_opinion(gold: dict) -> dict:
    """Another annotator's version: first mention dropped (with its arguments), second relabelled,
    an entity id changed, and the first event's realis changed."""
    first, second = gold["entities"][0], gold["entities"][1]
    entities = [{**m, "label": "ORG"} if m is second else m for m in gold["entities"][1:]]
    entities = [{**m, "entity_id": "someone_else"} if m["entity_id"] and m is not second else m for m in entities]
    events = [{**e, "realis": "GENERIC" if i == 0 and e["realis"] != "GENERIC" else e["realis"],
               "arguments": [a for a in e["arguments"] if a["mention_id"] not in (first["id"], second["id"])]}
              for i, e in enumerate(gold["events"])]
    return {**gold, "entities": entities, "events": events}


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_push_annotate_pull_convert(label_studio, tmp_path, capsys):
    server, token = label_studio
    clean = clean_documents()
    gold = [rule_gold(d) for d in clean]
    edge_gold = rule_gold({**EDGE_DOC, "entities": [], "events": []})
    assert gold[0]["entities"] and all(g["events"] for g in gold) and any(ch > "\uffff" for ch in EDGE_DOC["text"])
    write_jsonl_atomic(docs5 := tmp_path / "documents.jsonl", clean)
    write_jsonl_atomic(docs6 := tmp_path / "documents6.jsonl", [*clean, {**edge_gold, "entities": [], "events": []}])
    write_jsonl_atomic(pred := tmp_path / "pred.jsonl", [predictions_of(g) for g in gold])
    write_jsonl_atomic(gold5 := tmp_path / "gold.jsonl", gold)
    write_jsonl_atomic(gold_b := tmp_path / "gold_b.jsonl", [second_opinion(gold[0])])
    write_jsonl_atomic(gold_adj := tmp_path / "gold_adjudicated.jsonl", [gold[0]])
    common = ("--project", PROJECT, "--documents", str(docs5))
    outputs = []

    # Push twice: the second run adds nothing.
    for _ in range(2):
        code, out = run(capsys, "ls", "push", *common, "--predictions", str(pred), "--model-version", "rules-1")
        assert code == 0, out
        outputs.append(out)
    assert "tasks 0 created, 5 already present; predictions 0 created, 5 already present" in outputs[-1]
    client = studio.connect()
    project_id = studio.find_project(client, PROJECT)
    tasks = studio.tasks_by_doc_id(client, project_id)
    assert sorted(tasks) == [d["id"] for d in clean]
    assert [len(list(client.predictions.list(task=t.id))) for t in tasks.values()] == [1] * 5

    for path, who in ((gold5, "ann1@gaiko.test"), (gold_b, "ann2@gaiko.test")):
        code, out = run(capsys, "ls", "push", *common, "--annotations", str(path), "--annotator", who)
        assert code == 0, out
        outputs.append(out)

    # Two annotators on one task and no adjudication: the pull refuses and says what to do.
    export_path = tmp_path / "exports" / "loop.json"
    code, out = run(capsys, "ls", "pull", "--project", PROJECT, "--documents", str(docs6), "--out", str(export_path))
    assert code == 2 and "adjudicate" in out and f"task {tasks[gold[0]['id']].id} " in out, out
    assert not export_path.exists()
    outputs.append(out)

    code, out = run(capsys, "ls", "push", *common, "--annotations", str(gold_adj), "--annotator", "lead@gaiko.test",
                    "--ground-truth")
    assert code == 0, out
    ann2 = studio._user_id(client, "ann2@gaiko.test")
    client.annotations.create(id=tasks[gold[1]["id"]].id, result=[], completed_by=ann2, was_cancelled=True)

    # The edge document shown with '\r\n' (offsets in Label Studio count the '\r'), annotated through the API.
    raw_text = EDGE_DOC["text"].replace("\n", "\r\n")
    client.projects.import_tasks(id=project_id, request=[{"data": {**task_data(edge_gold), "text": raw_text}}])
    edge_task = studio.tasks_by_doc_id(client, project_id)["edge_crlf"]
    to_raw = [i + EDGE_DOC["text"][:i].count("\n") for i in range(len(EDGE_DOC["text"]) + 1)]
    results = documents_to_results(edge_gold)
    for r in results:
        if "value" in r:
            r["value"] = {**r["value"], "start": to_raw[r["value"]["start"]], "end": to_raw[r["value"]["end"]]}
    client.annotations.create(id=edge_task.id, result=results, completed_by=studio._user_id(client, "ann1@gaiko.test"))

    code, out = run(capsys, "ls", "pull", "--project", PROJECT, "--documents", str(docs6), "--out", str(export_path))
    assert code == 0, out
    outputs.append(out)
    n_mentions = sum(len(g["entities"]) for g in [*gold, edge_gold])
    assert (f"6 tasks; annotations used 6 (1 ground truth, 2 superseded by it); cancelled skipped 1; "
            f"drafts ignored 0; predictions ignored 5; unannotated 0; mentions {n_mentions}") in out

    export = json.loads(export_path.read_text(encoding="utf-8"))
    by_id = {d["id"]: d for d in [*clean, {**EDGE_DOC, "entities": [], "events": []}]}
    pulled = {d["id"]: d for d in convert_export(export, str(export_path), by_id).documents}
    for expected in [*gold, edge_gold]:
        got = pulled[expected["id"]]
        assert got["text"] == expected["text"]
        assert got["entities"] == expected["entities"], expected["id"]
        assert got["events"] == expected["events"], expected["id"]
        assert got == expected
    # The pre-annotations were stored as pushed, with a mention created for the argument span.
    prediction = next(p for p in client.predictions.list(task=tasks[gold[0]["id"]].id))
    assert prediction.model_version == "rules-1"
    assert any(r.get("id", "").startswith("a") for r in prediction.result)

    report = agreement(export, str(export_path))
    assert report["tasks_compared"] == 1 and report["pairs"] == 1
    kinds = {d["kind"] for d in report["disagreements"]}
    assert {"entity", "realis"} <= kinds and report["entities"]["strict_f1"] < 1

    for text in [*outputs, export_path.read_text(encoding="utf-8"), server.log_path.read_text(errors="replace")]:
        assert token not in text


def test_pre_annotate_with_a_registered_system(label_studio, capsys):
    """`ls push --pre-annotate SYSTEM` runs the extractor and imports its output as predictions whose
    regions are exactly the system's spans (idempotent like any push)."""
    from gaiko.baselines.predict import system_predictions

    project = "gaiko pre-annotation"
    for _ in range(2):
        code, out = run(capsys, "ls", "push", "--project", project, "--pre-annotate", "rules")
        assert code == 0, out
    assert "predictions 0 created, 5 already present" in out
    client = studio.connect()
    tasks = studio.tasks_by_doc_id(client, studio.find_project(client, project))
    expected = {p["id"]: p for p in system_predictions("rules", clean_documents())}
    for doc_id, task in tasks.items():
        (prediction,) = client.predictions.list(task=task.id)
        assert prediction.model_version.startswith("rules-gaiko-")
        spans = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                       for r in prediction.result if r.get("from_name") == "entity")
        assert spans == sorted((e["start"], e["end"], e["label"]) for e in expected[doc_id]["entities"])
    code, out = run(capsys, "ls", "push", "--project", project, "--pre-annotate", "nosuch")
    assert code == 2 and "unknown system 'nosuch'" in out


def test_pushing_corrected_gold_updates_the_annotation(label_studio, tmp_path, capsys):
    """Re-pushing an annotator's gold adds nothing when it is unchanged and updates the annotation in
    place when a span or event changed; the pulled gold is then the corrected one."""
    project = "gaiko corrections"
    doc = rule_gold(clean_documents()[3])
    corrected = {**doc, "events": [{**e, "id": f"e{i}"} for i, e in enumerate(doc["events"][1:], start=1)]}
    common = ("--project", project, "--annotator", "fixer@gaiko.test", "--ground-truth")
    write_jsonl_atomic(first := tmp_path / "first.jsonl", [doc])
    write_jsonl_atomic(second := tmp_path / "second.jsonl", [corrected])
    assert run(capsys, "ls", "push", "--project", project)[0] == 0
    outs = [run(capsys, "ls", "push", *common, "--annotations", str(path)) for path in (first, first, second)]
    assert [code for code, _ in outs] == [0, 0, 0]
    assert "1 created, 0 updated" in outs[0][1]
    assert "0 created, 0 updated" in outs[1][1] and "1 already present" in outs[1][1]
    assert "0 created, 1 updated" in outs[2][1]
    client = studio.connect()
    (pulled,) = convert_export(studio.live_export(client, project), "test").documents
    assert (pulled["entities"], pulled["events"]) == (corrected["entities"], corrected["events"])


def test_adjudicate_and_the_lost_relations_warning(label_studio, tmp_path, capsys):
    """`ls adjudicate` lists a task's annotations, refuses a bad choice in one line, and moves the ground truth;
    pull warns when an annotation holds fewer relations than were pushed to it."""
    project = "gaiko adjudication"
    doc = rule_gold(clean_documents()[3])
    other = second_opinion(doc)
    write_jsonl_atomic(first := tmp_path / "a.jsonl", [doc])
    write_jsonl_atomic(second := tmp_path / "b.jsonl", [other])
    assert run(capsys, "ls", "push", "--project", project)[0] == 0
    for path, who in ((first, "a@gaiko.test"), (second, "b@gaiko.test")):
        code, out = run(capsys, "ls", "push", "--project", project, "--annotations", str(path), "--annotator", who)
        assert code == 0, out
    client = studio.connect()
    task = studio.tasks_by_doc_id(client, studio.find_project(client, project))[doc["id"]]
    ids = {studio._user_id(client, who): None for who in ("a@gaiko.test", "b@gaiko.test")}
    for a in client.annotations.list(id=task.id):
        ids[a.completed_by] = a.id
    a_id, b_id = ids.values()

    code, out = run(capsys, "ls", "adjudicate", doc["id"], "--project", project)
    n_args = sum(len(e["arguments"]) for e in doc["events"])
    assert code == 0 and f"annotation {a_id} by a@gaiko.test: mentions {len(doc['entities'])}" in out, out
    assert f"arguments {n_args}\n" in out and "nothing changed" in out
    listed = f"choose by --annotation ID among: {a_id} (a@gaiko.test), {b_id} (b@gaiko.test)"
    for argv, problem in ((("--annotation", "999999"), f"has no annotation 999999 (cancelled ones do not count); "
                                                        f"{listed}"),
                          (("--annotator", "nobody@gaiko.test"), "has no annotation by nobody@gaiko.test (cancelled"),
                          (("--annotation", str(a_id), "--annotator", "a@gaiko.test"), "not both")):
        code, out = run(capsys, "ls", "adjudicate", doc["id"], "--project", project, *argv)
        assert code == 2 and problem in out and out.count("\n") == 1, out
    for chosen, unset in ((b_id, ""), (a_id, f" (ground truth removed from {b_id})")):
        code, out = run(capsys, "ls", "adjudicate", doc["id"], "--project", project, "--annotation", str(chosen))
        assert code == 0 and f"annotation {chosen} is now the ground truth{unset}" in out, out
    truth = {a.id: a.ground_truth for a in client.annotations.list(id=task.id)}
    assert truth == {a_id: True, b_id: False}

    # The editor (here: the API) drops one of the relations pushed to the adjudicated annotation.
    (stored,) = [a for a in client.annotations.list(id=task.id) if a.id == a_id]
    relations = [r for r in stored.result if r["type"] == "relation"]
    client.annotations.update(id=a_id, result=[r for r in stored.result if r is not relations[0]])
    code, out = run(capsys, "ls", "pull", "--project", project, "--out", str(tmp_path / "export.json"))
    assert code == 0, out
    assert (f"warning: export of project {project!r}: task {task.id} ({doc['id']}) annotation {a_id}: holds "
            f"{len(relations) - 1} relations, {len(relations)} were pushed to annotation {a_id}") in out
    assert f"arguments {n_args - 1};" in out


def test_push_rewrites_an_annotation_stored_in_a_form_the_editor_drops(label_studio, tmp_path, capsys):
    """An annotation pushed before a second role on one pair went mention → trigger holds two relations in the same
    direction (the editor drops one on load): re-pushing the same gold rewrites it, and then leaves it alone."""
    project = "gaiko old form"
    doc = rule_gold(clean_documents()[3])
    event = next(e for e in doc["events"] if any(a["role"] == "actor" for a in e["arguments"]))
    actor = next(a["mention_id"] for a in event["arguments"] if a["role"] == "actor")
    event["arguments"].insert(1, {"role": "recipient", "mention_id": actor})
    assert validate_document(doc) == []
    write_jsonl_atomic(path := tmp_path / "gold.jsonl", [doc])
    common = ("--project", project, "--annotations", str(path), "--annotator", "old@gaiko.test")
    assert run(capsys, "ls", "push", "--project", project)[0] == 0
    assert "1 created" in run(capsys, "ls", "push", *common)[1]
    client = studio.connect()
    task = studio.tasks_by_doc_id(client, studio.find_project(client, project))[doc["id"]]
    (stored,) = client.annotations.list(id=task.id)
    old_form = [{**r, "from_id": r["to_id"], "to_id": r["from_id"], "direction": "right"}
                if r["type"] == "relation" and r["direction"] == "left" else r for r in stored.result]
    client.annotations.update(id=stored.id, result=old_form)

    def same_direction_pairs() -> int:
        (annotation,) = client.annotations.list(id=task.id)
        pairs = [(r["from_id"], r["to_id"]) for r in annotation.result if r["type"] == "relation"]
        return len(pairs) - len(set(pairs))

    assert same_direction_pairs() == 1
    assert "0 created, 1 updated" in run(capsys, "ls", "push", *common)[1]
    assert same_direction_pairs() == 0
    assert "1 already present" in run(capsys, "ls", "push", *common)[1]
    (pulled,) = convert_export(studio.live_export(client, project), "test").documents
    assert (pulled["entities"], pulled["events"]) == (doc["entities"], doc["events"])
