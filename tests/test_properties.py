"""Properties that must hold for any input (hypothesis): the Label Studio cycle and the scores.

Documents come from test_ls_roundtrip's generator: characters outside the BMP, '\\n' (shown to Label
Studio as '\\r\\n'), empty texts, overlapping triggers, arguments. Predictions are random edits of the
gold kept valid by the harness's own validator, so the score properties hold for whatever it accepts.
(spans → BIO → spans is tests/test_bio.py; gold → results → gold is tests/test_ls_roundtrip.py.)
"""

from __future__ import annotations

import copy
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from gaiko import schema
from gaiko.annotation.convert import convert_export
from gaiko.eval.metrics import score_documents
from gaiko.predictions import clean_records

from support.exports import export_of, gold_documents

SETTINGS = settings(max_examples=100, deadline=None)


# ---------------------------------------------------------------- Label Studio → gold → Label Studio → gold

def as_label_studio_stores_it(export: list[dict], rnd: random.Random) -> list[dict]:
    """The same annotation as Label Studio may hold it: its own region ids, any result order, relations
    drawn either way."""
    result = export[0]["annotations"][0]["result"]
    ids = {r["id"] for r in result if "id" in r}
    renamed = dict(zip(sorted(ids), (f"{n:06x}" for n in rnd.sample(range(16**6), len(ids)))))
    for r in result:
        if "id" in r:
            r["id"] = renamed[r["id"]]
        else:
            r["from_id"], r["to_id"] = renamed[r["from_id"]], renamed[r["to_id"]]
            if rnd.random() < 0.5:  # drawn from the mention to the trigger
                r["from_id"], r["to_id"], r["direction"] = r["to_id"], r["from_id"], rnd.choice(["left", "bi"])
    rnd.shuffle(result)
    return export


def canonical(export: list[dict]) -> tuple[list, list]:
    """Results with region ids replaced by what they name (normalized span, control, label), in order."""
    text = export[0]["data"]["text"]
    shift = [i - text[:i].count("\r\n") for i in range(len(text) + 1)]  # offsets as in the '\n' text
    result = export[0]["annotations"][0]["result"]
    names = {}
    for r in result:
        if r["type"] == "labels":
            value = r["value"]
            names[r["id"]] = (shift[value["start"]], shift[value["end"]], r["from_name"], value["labels"][0])
    regions = sorted((names[r["id"]], r["from_name"], repr(r["value"].get("labels") or r["value"].get("choices")
                                                           or r["value"]["text"])) for r in result if "id" in r)
    relations = []
    for r in result:
        if r["type"] == "relation":
            ends = names[r["from_id"]], names[r["to_id"]]
            trigger, mention = ends if ends[0][2] == "trigger" else ends[::-1]
            relations.append((trigger, mention, r["labels"][0]))
    return regions, sorted(relations)


@SETTINGS
@given(gold_documents(), st.booleans(), st.booleans(), st.randoms(use_true_random=False))
def test_label_studio_to_gold_to_label_studio_to_gold(doc, crlf, crlf_again, rnd):
    stored = as_label_studio_stores_it(export_of(doc, crlf), rnd)
    (gold,) = convert_export(copy.deepcopy(stored), "x").documents
    assert gold == doc
    again = export_of(gold, crlf_again)  # gold → Label Studio, by `documents_to_results`
    assert canonical(again) == canonical(stored)  # the same annotation, whatever ids, order and direction
    (gold_again,) = convert_export(again, "x").documents
    assert gold_again == gold


# ---------------------------------------------------------------- scores

@st.composite
def scored_corpora(draw) -> tuple[list[dict], dict[str, dict]]:
    """1-3 gold documents and valid predictions: gold items kept, dropped, relabelled or shifted, plus
    random spans and events (what the validator rejects is left out, as `gaiko score --drop-invalid` does)."""
    docs = [{**draw(gold_documents()), "id": f"d{i}"} for i in range(draw(st.integers(1, 3)))]
    records = []
    for line, doc in enumerate(docs, start=1):
        if not draw(st.booleans()) and len(docs) > 1:
            continue  # no prediction for this document
        n = len(doc["text"])
        spans = st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted)
        mentions = {m["id"]: m for m in doc["entities"]}
        entities = [{"start": m["start"] + draw(st.sampled_from((0, 0, 1))), "end": m["end"],
                     "label": draw(st.sampled_from((m["label"], "ORG")))}
                    for m in doc["entities"] if draw(st.booleans())]
        entities += [{"start": s, "end": e, "label": draw(st.sampled_from(schema.ENTITY_LABELS))}
                     for s, e in draw(st.lists(spans, max_size=3))]
        events = [{"type": draw(st.sampled_from((ev["type"], "CONSULT"))),
                   "realis": draw(st.sampled_from(schema.REALIS_VALUES)),
                   "trigger": {k: ev["trigger"][k] for k in ("start", "end")},
                   "arguments": [{"role": a["role"], "start": mentions[a["mention_id"]]["start"],
                                  "end": mentions[a["mention_id"]]["end"]}
                                 for a in ev["arguments"] if draw(st.booleans())]}
                  for ev in doc["events"] if draw(st.booleans())]
        events += [{"type": draw(st.sampled_from(schema.EVENT_LABELS)), "trigger": {"start": s, "end": e},
                    "arguments": [{"role": draw(st.sampled_from(schema.ROLE_NAMES)), "start": a, "end": b}
                                  for a, b in draw(st.lists(spans, max_size=2))]}
                   for s, e in draw(st.lists(spans, max_size=2))]
        records.append((line, {"id": doc["id"], "entities": entities, "events": events}))
    return docs, clean_records(records, docs).by_id


def perfect(doc: dict) -> dict:
    mentions = {m["id"]: m for m in doc["entities"]}
    return {"id": doc["id"], "entities": [{k: m[k] for k in ("start", "end", "label")} for m in doc["entities"]],
            "events": [{"type": ev["type"], "realis": ev["realis"],
                        "trigger": {k: ev["trigger"][k] for k in ("start", "end")},
                        "arguments": [{"role": a["role"], **{k: mentions[a["mention_id"]][k] for k in ("start", "end")}}
                                      for a in ev["arguments"]]} for ev in doc["events"]]}


def score_objects(report: dict):
    """Every (where, score object) of a report: micro, macro and per type of each mode and metric."""
    for section in ("ner", "events"):
        for metric, scores in report[section].items():
            yield f"{section}.{metric}.micro", scores["micro"]
            if scores["macro"] is not None:
                yield f"{section}.{metric}.macro", scores["macro"]
            for label, score in scores["per_type"].items():
                yield f"{section}.{metric}.{label}", score


@SETTINGS
@given(scored_corpora(), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_the_order_of_documents_spans_events_or_arguments(corpus, rnd):
    docs, predictions = corpus
    expected = score_documents(docs, predictions)
    docs, predictions = copy.deepcopy(docs), copy.deepcopy(predictions)
    for item in [*docs, *predictions.values()]:
        for key in ("entities", "events"):
            rnd.shuffle(item[key])
        for ev in item["events"]:
            rnd.shuffle(ev["arguments"])
    rnd.shuffle(docs)
    shuffled = dict(rnd.sample(sorted(predictions.items()), len(predictions)))
    assert score_documents(docs, shuffled) == expected


@SETTINGS
@given(st.lists(gold_documents(), min_size=1, max_size=3))
def test_perfect_predictions_score_one_everywhere(docs):
    docs = [{**doc, "id": f"d{i}"} for i, doc in enumerate(docs)]
    predictions = {doc["id"]: perfect(doc) for doc in docs}
    assert clean_records(list(enumerate(predictions.values(), start=1)), docs).problems == []
    report = score_documents(docs, predictions)
    for where, score in score_objects(report):
        if score.get("tp", 1) + score.get("fn", 0) + score.get("partial", 0) and score.get("types", 1):
            assert (score["precision"], score["recall"], score["f1"]) == (1.0, 1.0, 1.0), where
        else:  # nothing to find and nothing predicted
            assert score.get("fp", 0) == 0, where
    if report["realis"]["total"]:
        assert report["realis"]["accuracy"] == 1.0
    assert sum(1 for _ in score_objects(report)) > 0


@SETTINGS
@given(scored_corpora())
def test_precision_recall_and_f1_are_between_0_and_1(corpus):
    report = score_documents(*corpus)
    for where, score in score_objects(report):
        for name in ("precision", "recall", "f1"):
            assert 0.0 <= score[name] <= 1.0, (where, name, score)
    assert 0.0 <= report["realis"]["accuracy"] <= 1.0


def free_span(doc: dict, taken: list[dict]) -> tuple[int, int] | None:
    """A one-character span that overlaps no gold mention and none of `taken`."""
    used = {i for s in [*doc["entities"], *taken] for i in range(s["start"], s["end"])}
    return next(((i, i + 1) for i in range(len(doc["text"])) if i not in used), None)


@SETTINGS
@given(scored_corpora(), st.data())
def test_a_spurious_span_or_event_never_raises_precision(corpus, data):
    docs, predictions = corpus
    before = score_documents(docs, predictions)
    doc = data.draw(st.sampled_from(docs))
    pred = copy.deepcopy(predictions.get(doc["id"], {"id": doc["id"], "entities": [], "events": []}))
    span = free_span(doc, pred["entities"])
    if span is not None:
        label = data.draw(st.sampled_from(schema.ENTITY_LABELS))
        pred["entities"].append({"start": span[0], "end": span[1], "label": label})
    triggers = [ev["trigger"] for d in (doc, pred) for ev in d["events"]]
    trigger = free_span({"text": doc["text"], "entities": triggers}, [])
    if trigger is not None:
        pred["events"].append({"type": data.draw(st.sampled_from(schema.EVENT_LABELS)),
                               "trigger": {"start": trigger[0], "end": trigger[1]}, "arguments": []})
    after = score_documents(docs, {**predictions, doc["id"]: pred})
    for section in ("ner", "events"):
        for metric in before[section]:
            assert after[section][metric]["micro"]["precision"] <= before[section][metric]["micro"]["precision"], metric
