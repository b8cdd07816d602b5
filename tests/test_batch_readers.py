"""The typed batch readers decide exactly as the line-by-line readers: the same documents and predictions
accepted, the same problems found and worded, for valid input and for input broken in every way the
fast path must notice (a batch with anything off is read line by line)."""

from __future__ import annotations

import dataclasses
import json
from unittest import mock

import msgspec
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gaiko import predictions
from gaiko.batches import iter_gold_batches, iter_gold_documents
from gaiko.columns import Side, batch_of, gold_views, predicted_side
from gaiko.documents import iter_documents
from gaiko.io import GaikoError, dumps_line
from gaiko.predictions import PredictionIndex

from support.exports import gold_documents

METADATA = {"title": "t", "publisher": "p", "url": None, "date": "2024-06-19", "date_note": "", "language": "ja",
            "source_file": "f.txt"}


def full_shape(doc: dict, number: int) -> dict:
    """A generated document in the documents shape with every field (what the fast path takes)."""
    return {**doc, **METADATA, "id": f"d{number}", "raw_alignment": [{"start": 0, "raw_start": 0, "length": 1}]}


def spelled(line: str, style: str) -> str:
    """A compact line (`dumps_line`), or spelled with a space after every colon and comma (as `json.dumps`
    writes by default; the generated strings hold no quote, colon or comma)."""
    return line.replace('":', '": ').replace(',"', ', "') if style == "spaced" else line


# Ways to break (or merely respell) one line of a gold file; each is text in, text out.
GOLD_EDITS = {
    "none": lambda line: line,
    "duplicate key": lambda line: line.replace('{"date"', '{"date":"x","date"', 1),
    "duplicate key before a spaced colon": lambda line: line.replace('{"date"', '{"date" :"x","date"', 1),
    "key before a spaced colon": lambda line: line.replace('"language":', '"language" :', 1),
    "escaped quote": lambda line: line.replace('"title":"t"', '"title":"t\\"q"', 1),
    "colon in a string": lambda line: line.replace('"title":"t"', '"title":"\\":"', 1),
    "null title": lambda line: line.replace('"title":"t"', '"title":null', 1),
    "null in a string": lambda line: line.replace('"title":"t"', '"title":"null"', 1),
    "duplicate key, once null": lambda line: line.replace('{"date"', '{"date":null,"date"', 1),
    "duplicate null key": lambda line: line.replace('"url":null', '"url":null,"url":null', 1),
    "missing field": lambda line: line.replace('"date_note":"",', "", 1),
    "unknown field": lambda line: line.replace('{"date"', '{"extra":1,"date"', 1),
    "offset": lambda line: line.replace('"end":', '"end":1+', 1).replace(':1+', ':1', 1).replace('"start":0', '"start":1', 1),
    "unknown label": lambda line: line.replace('"label":"', '"label":"X', 1),
    "float offset": lambda line: line.replace('"start":', '"start":0.0+', 1).replace("0.0+", "", 0),
    "long integer": lambda line: line.replace('"raw_start":0', '"raw_start":' + "9" * 40, 1),
    "carriage return in text": lambda line: line.replace('"text":"', '"text":"\\r', 1),
    "crlf": lambda line: line + "\r",
    "not utf-8": lambda line: line.replace('"t"', '"\udcff"', 1),
    "entity id": lambda line: line.replace('"entity_id":null', '"entity_id":"Bad Id"', 1),
    "mention id": lambda line: line.replace('"mention_id":"m', '"mention_id":"x', 1),
    "mention text": lambda line: line.replace('"id":"m1","label"', '"id":"m1","label"', 1).replace(
        '"text":"', '"text":"z', 2),
    "id": lambda line: line.replace('"id":"d', '"id":"d0', 1),
    "two documents on a line": lambda line: line + "," + line.replace('"id":"d', '"id":"e', 1),
    "ideographic space": lambda line: "\u3000",
    "control character in text": lambda line: line.replace('"text":"', '"text":"\\u0001', 1),
    "NUL in text": lambda line: line.replace('"text":"', '"text":"\\u0000', 1),
    "tab in text": lambda line: line.replace('"text":"', '"text":"\\t', 1),
    "C1 control in text": lambda line: line.replace('"text":"', '"text":"\\u0085', 1),
    "carriage return in a document id": lambda line: line.replace('"id":"d', '"id":"\\rd', 1),
    "newline in a mention id": lambda line: line.replace('"id":"m', '"id":"\\nm', 1),
    "tab in a title": lambda line: line.replace('"title":"t"', '"title":"\\tt"', 1),
    "C1 control written as UTF-8 in a url": lambda line: line.replace('"url":null', '"url":"\u0085"', 1),
    "escaped backslash before n in a title": lambda line: line.replace('"title":"t"', '"title":"\\\\nt"', 1),
    "lone surrogate": lambda line: line.replace('"title":"t"', '"title":"\\ud800t"', 1),
    "surrogate pair": lambda line: line.replace('"title":"t"', '"title":"\\ud83d\\ude00"', 1),
    "newline after an entity id": lambda line: line.replace('"entity_id":null', '"entity_id":"putin\\n"', 1),
    "alignment past the text": lambda line: line.replace('"length":1', '"length":100000', 1),
    "empty alignment run": lambda line: line.replace('"length":1', '"length":0', 1),
    "alignment runs out of order": lambda line: line.replace(
        '"raw_alignment":[', '"raw_alignment":[{"length":1,"raw_start":0,"start":1},', 1),
    "event twice": lambda line: with_event_twice(line),
}


def with_event_twice(line: str) -> str:
    """The line with its first event repeated under another id (the same type on the same trigger)."""
    doc = json.loads(line)
    if doc["events"]:
        doc["events"].append({**doc["events"][0], "id": "again", "arguments": []})
    return dumps_line(doc)


def gold_outcome(path, reader) -> object:
    """What reading a gold file gives: each document's scored fields, or the error line."""
    try:
        return [scored(doc) for doc in reader(path)]
    except GaikoError as e:
        return str(e)


def scored(doc) -> tuple:
    """The fields the scorer reads, from a dict, a view or a typed struct."""
    plain = doc if isinstance(doc, dict) else msgspec.to_builtins(doc)
    return (plain["id"], plain["text"],
            [(m["start"], m["end"], m["label"], m.get("id"), m.get("entity_id")) for m in plain.get("entities") or ()],
            [(e["type"], e["realis"], e["trigger"]["start"], e["trigger"]["end"],
              [(a["role"], a["mention_id"]) for a in e.get("arguments") or ()]) for e in plain.get("events") or ()])


def batched(path):
    return [doc for batch in iter_gold_batches(path, size=2) for doc in batch.docs]


@settings(max_examples=400, deadline=None)
@given(st.lists(gold_documents(), min_size=1, max_size=5), st.sampled_from(sorted(GOLD_EDITS)),
       st.integers(0, 4), st.sampled_from(["compact", "spaced"]), st.booleans())
def test_gold_batches_accept_and_refuse_as_the_line_reader(tmp_path_factory, docs, edit, which, style, blank):
    lines = [dumps_line(full_shape(doc, i)) for i, doc in enumerate(docs)]
    which %= len(lines)
    lines[which] = GOLD_EDITS[edit](lines[which])
    lines = [spelled(line, style) for line in lines]
    if blank:
        lines.insert(which, "  ")
    path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    assert gold_outcome(path, batched) == gold_outcome(path, iter_documents)
    assert documents_outcome(path, iter_gold_documents) == documents_outcome(path, iter_documents)


def documents_outcome(path, reader) -> object:
    """What reading a gold file gives: every document whole, or the error line."""
    try:
        return list(reader(path))
    except GaikoError as e:
        return str(e)


# ------------------------------------------------------------------------------------------ predictions

PREDICTION_EDITS = {
    "none": lambda line: line,
    "duplicate key": lambda line: line.replace('{"', '{"id":"x","', 1),
    "key before a spaced colon": lambda line: line.replace('"id":', '"id" :', 1),
    "overlap": lambda line: line.replace('"entities":[', '"entities":[{"start":0,"end":1,"label":"GPE"},'
                                         '{"start":0,"end":2,"label":"ORG"},', 1),
    "offset": lambda line: line.replace('"start":', '"start":-', 1),
    "past the end": lambda line: line.replace('"end":', '"end":1000', 1),
    "text": lambda line: line.replace('"label"', '"text":"?","label"', 1),
    "right text": lambda line: line,
    "unknown label": lambda line: line.replace('"label":"', '"label":"X', 1),
    "unknown role": lambda line: line.replace('"role":"', '"role":"x', 1),
    "no trigger": lambda line: line.replace('"trigger":{', '"trigger_":{', 1),
    "realis": lambda line: line.replace('"type"', '"realis":"MAYBE","type"', 1),
    "null events": lambda line: line.replace('"events":[', '"events":null,"x":[', 1),
    "duplicate event": lambda line: line.replace('"events":[{', '"events":[{"type":"CONSULT","trigger":'
                                                 '{"start":0,"end":1}},{"type":"CONSULT","trigger":{"start":0,"end":1}},{', 1),
    "duplicate argument": lambda line: line.replace('"arguments":[', '"arguments":[{"role":"actor","start":0,"end":1},'
                                                    '{"role":"actor","start":0,"end":1},', 1),
    "unknown document": lambda line: line.replace('"id":"d', '"id":"zz', 1),
    "bom": lambda line: "\ufeff" + line,
    "two objects on a line": lambda line: line + ',{"id":"zz"}',
    "null": lambda line: "null",
    "ideographic space": lambda line: "\u3000",
    "lone surrogate in an id": lambda line: line.replace('"id":"d', '"id":"\\ud800d', 1),
}


def predicted_line(doc: dict, rnd: st.DataObject) -> dict:
    """A prediction near the gold: its mentions and triggers, some shifted or relabelled."""
    entities = [{"start": m["start"], "end": m["end"], "label": rnd.draw(st.sampled_from([m["label"], "GPE"]))}
                for m in doc["entities"] if rnd.draw(st.booleans())]
    events = [{"type": e["type"], "trigger": {"start": e["trigger"]["start"], "end": e["trigger"]["end"]},
               "arguments": [{"role": "actor", "start": 0, "end": 1}] if doc["text"] else []}
              for e in doc["events"]]
    return {"id": doc["id"], "entities": entities, "events": events}


def same_side(a: Side, b: Side) -> bool:
    return all(np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
               for x, y in ((getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(Side)))


def index_outcome(path, gold: list[dict], plain: bool) -> tuple:
    """Problems and predictions of a file, by the batch readers or (`plain`) line by line."""
    with mock.patch.object(predictions, "_typed_lines", lambda raws: None) if plain else mock.MagicMock(), \
            mock.patch.object(predictions, "_valid_lines", lambda lines, texts: (np.zeros(len(lines), bool), None)) \
            if plain else mock.MagicMock():
        index = PredictionIndex.from_files([path])
        taken = index.take_batch(gold_views(gold))
        problems = [p.format(path) for p in index.finish()]
        batch = batch_of(gold_views(gold))  # the columns the scorer counts: made by the checks when they can be
        side = PredictionIndex.from_files([path]).take_side(batch)
        assert same_side(side, predicted_side(taken, batch.side))
    return problems, [None if t is None else msgspec.to_builtins(predictions.predicted_views(
        [predictions._as_dict(t) if isinstance(t, predictions._Line) else msgspec.to_builtins(t)])[0])
        for t in taken]


@settings(max_examples=400, deadline=None)
@given(st.lists(gold_documents(), min_size=1, max_size=5), st.sampled_from(sorted(PREDICTION_EDITS)),
       st.integers(0, 4), st.booleans(), st.data())
def test_prediction_batches_accept_and_reject_as_the_line_reader(tmp_path_factory, docs, edit, which, twice, rnd):
    gold = [full_shape(doc, i) for i, doc in enumerate(docs)]
    records = [predicted_line(doc, rnd) for doc in gold]
    if edit == "right text":
        for record, doc in zip(records, gold):
            for m in record["entities"]:
                m["text"] = doc["text"][m["start"]:m["end"]]
    lines = [dumps_line(record) for record in records]
    which %= len(lines)
    lines[which] = PREDICTION_EDITS[edit](lines[which])
    if twice:
        lines.append(lines[which])
    path = tmp_path_factory.mktemp("pred") / "pred.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert index_outcome(path, gold, plain=False) == index_outcome(path, gold, plain=True)
