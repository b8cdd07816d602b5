"""The `ner` and `events` configs for model builders: ClassLabels from the schema, a `sentence_id` that joins
them, per-sentence triggers, and an events context that holds every argument."""

from __future__ import annotations

import re

import datasets
import pytest

from gaiko import schema
from gaiko.dataset import load_split
from gaiko.paths import DATASET_DIR


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A fresh cache: `datasets` may serve an earlier load of the same folder from its cache."""
    return str(tmp_path_factory.mktemp("hf-cache"))


@pytest.fixture(scope="module")
def ner(cache):
    return datasets.load_dataset(str(DATASET_DIR), "ner", cache_dir=cache)


@pytest.fixture(scope="module")
def events(cache):
    return datasets.load_dataset(str(DATASET_DIR), "events", cache_dir=cache)


def names(feature) -> list[str]:
    return list(feature.names)


def test_labels_types_realis_and_roles_are_class_labels_in_schema_order(ner, events):
    ev, sent = events["train"].features, ner["train"].features
    assert names(ev["type"]) == names(sent["triggers"].feature["type"]) == list(schema.EVENT_LABELS)
    assert names(ev["realis"]) == names(sent["triggers"].feature["realis"]) == list(schema.REALIS_VALUES)
    assert names(ev["arguments"].feature["role"]) == list(schema.ROLE_NAMES)
    assert names(ev["arguments"].feature["label"]) == list(schema.ENTITY_LABELS)


def test_rows_decode_to_the_gold_events(events):
    docs = {d["id"]: d for d in load_split("all")}
    f = events["train"].features
    for split in events:
        for row in events[split]:
            doc = docs[row["document_id"]]
            gold = next(e for e in doc["events"] if f"{doc['id']}-{e['id']}" == row["id"])
            mentions = {m["id"]: m for m in doc["entities"]}
            assert f["type"].int2str(row["type"]) == gold["type"]
            assert f["realis"].int2str(row["realis"]) == gold["realis"]
            assert [(f["arguments"].feature["role"].int2str(a["role"]), a["mention_id"],
                     f["arguments"].feature["label"].int2str(a["label"])) for a in row["arguments"]] == \
                [(a["role"], a["mention_id"], mentions[a["mention_id"]]["label"]) for a in gold["arguments"]]


def test_sentence_id_joins_each_event_to_the_ner_row_of_its_trigger(ner, events):
    sentences = {row["sentence_id"]: row for split in ner for row in ner[split]}
    assert all(row["id"] == row["sentence_id"] for row in sentences.values())
    for split in events:
        for row in events[split]:
            sentence = sentences[row["sentence_id"]]
            first, last = sentence["token_offsets"][0]["start"], sentence["token_offsets"][-1]["end"]
            assert (first, last) == (row["sentence"]["start"], row["sentence"]["end"])
            assert first <= row["trigger"]["start"] and row["trigger"]["end"] <= last
            assert row["id"] in {t["event_id"] for t in sentence["triggers"]}


def test_every_trigger_is_in_exactly_one_sentence_row(ner, events):
    listed = [t["event_id"] for split in ner for row in ner[split] for t in row["triggers"]]
    assert sorted(listed) == sorted(row["id"] for split in events for row in events[split])
    for split in ner:
        for row in ner[split]:
            text = "".join(row["tokens"])
            start = row["token_offsets"][0]["start"]
            for t in row["triggers"]:
                assert text[t["start"] - start:t["end"] - start] == t["text"]


def test_context_holds_every_argument_and_is_whole_sentences(events, ner):
    starts = {row["token_offsets"][0]["start"] for split in ner for row in ner[split]}
    ends = {row["token_offsets"][-1]["end"] for split in ner for row in ner[split]}
    wider = 0
    for split in events:
        for row in events[split]:
            c = row["context"]
            assert c["start"] in starts and c["end"] in ends
            assert c["start"] <= row["sentence"]["start"] and row["sentence"]["end"] <= c["end"]
            for a in row["arguments"]:
                assert c["start"] <= a["start"] and a["end"] <= c["end"]
                assert c["text"][a["start"] - c["start"]:a["end"] - c["start"]] == a["text"]
            outside = any(a["start"] < row["sentence"]["start"] or a["end"] > row["sentence"]["end"]
                          for a in row["arguments"])
            assert (c != row["sentence"]) == outside
            wider += outside
    assert wider > 0


def test_the_card_states_the_share_of_arguments_outside_the_trigger_sentence(events):
    card = (DATASET_DIR / "README.md").read_text(encoding="utf-8")
    line = next(x for x in card.splitlines() if x.startswith("| **outside the trigger's sentence** |"))
    shares = re.findall(r"(\d+\.\d)%", line)
    for split, share in zip(("train", "validation", "test"), shares):
        args = [(a, row["sentence"]) for row in events[split] for a in row["arguments"]]
        outside = sum(a["start"] < s["start"] or a["start"] >= s["end"] for a, s in args)
        assert f"{100 * outside / len(args):.1f}" == share


def test_the_contamination_scan_reads_class_label_ids_as_names():
    """A copy of the `events` config (types and labels stored as ids) is still found as a copy of the gold."""
    from gaiko.eval.contamination import scan_folder

    flagged = {(f.path, f.document) for f in scan_folder(DATASET_DIR / "data" / "events", load_split("test"))}
    assert flagged == {("test.parquet", d["id"]) for d in load_split("test")}
