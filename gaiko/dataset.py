"""The released dataset: its configs and Hugging Face features, the rows each document gives, the folds,
the statistics the card shows, and reading the built folder back.

Rows depend only on their own document, so adding a document leaves the rows of the others
byte-identical. `gaiko.build` writes the folder; everything that reads it starts here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from gaiko import schema
from gaiko.bio import spans_to_bio
from gaiko.documents import entity_spans
from gaiko.io import GaikoError, read_text
from gaiko.manifest import SPLITS, load_manifest
from gaiko.paths import DATASET_DIR
from gaiko.text import sentence_index, sentences

CONFIGS = ("documents", "ner", "events")
VERSIONS_FILE = "versions.json"  # the release history inside the dataset folder; the card's changelog


def features() -> dict:
    """The Hugging Face features of each config, generated from the schema.

    Labels, event types, realis and roles are ClassLabels in `ner` and `events` (the schema's order);
    `documents` keeps them as strings, because it is the gold record the harness reads, also as
    `.to_json()` exports of it.
    """
    from datasets import ClassLabel, Features, List, Value

    span = {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}
    label, event_type = ClassLabel(names=list(schema.ENTITY_LABELS)), ClassLabel(names=list(schema.EVENT_LABELS))
    realis, role = ClassLabel(names=list(schema.REALIS_VALUES)), ClassLabel(names=list(schema.ROLE_NAMES))
    metadata = {k: Value("string") for k in
                ("id", "title", "publisher", "url", "date", "date_note", "language", "source_file", "text")}
    return {
        "documents": Features({
            **metadata,
            "raw_alignment": List({"start": Value("int32"), "raw_start": Value("int32"), "length": Value("int32")}),
            "entities": List({"id": Value("string"), "start": Value("int32"), "end": Value("int32"),
                              "label": Value("string"), "text": Value("string"), "entity_id": Value("string")}),
            "events": List({"id": Value("string"), "type": Value("string"), "realis": Value("string"),
                            "trigger": span,
                            "arguments": List({"role": Value("string"), "mention_id": Value("string")})}),
        }),
        "ner": Features({
            "id": Value("string"), "sentence_id": Value("string"), "document_id": Value("string"),
            "tokens": List(Value("string")),
            "ner_tags": List(ClassLabel(names=list(schema.BIO_TAGS))),
            "token_offsets": List({"start": Value("int32"), "end": Value("int32")}),
            "triggers": List({"event_id": Value("string"), "type": event_type, "realis": realis, **span}),
        }),
        "events": Features({
            "id": Value("string"), "document_id": Value("string"), "sentence_id": Value("string"),
            "type": event_type, "realis": realis, "trigger": span, "sentence": span, "context": span,
            "arguments": List({"role": role, "mention_id": Value("string"), "label": label,
                               "entity_id": Value("string"), **span}),
        }),
    }


def sentence_id(doc_id: str, k: int) -> str:
    """The id of a document's k-th sentence: a `ner` row's id, and the `sentence_id` of its events."""
    return f"{doc_id}-s{k:03d}"


def ner_rows(doc: dict) -> tuple[list[dict], list[tuple[int, int, str]]]:
    """Character-token BIO rows with their triggers, one per sentence, and the mentions and triggers that
    cross a sentence boundary."""
    spans = entity_spans(doc["entities"])
    triggers = sorted((ev["trigger"]["start"], ev["trigger"]["end"], ev["type"], ev["id"], ev["realis"])
                      for ev in doc["events"])
    rows, placed = [], set()
    for k, (s, e) in enumerate(sentences(doc["text"])):
        inside = [(a - s, b - s, lab) for a, b, lab in spans if s <= a and b <= e]
        placed.update((a + s, b + s, lab) for a, b, lab in inside)
        tags, misfits = spans_to_bio(e - s, inside)
        assert not misfits, misfits  # character tokens fit every flat span
        here = [t for t in triggers if s <= t[0] and t[1] <= e]
        placed.update(here)
        rows.append({
            "id": sentence_id(doc["id"], k), "sentence_id": sentence_id(doc["id"], k), "document_id": doc["id"],
            "tokens": list(doc["text"][s:e]),
            "ner_tags": [schema.BIO_INDEX[t] for t in tags],
            "token_offsets": [{"start": i, "end": i + 1} for i in range(s, e)],
            "triggers": [{"event_id": f"{doc['id']}-{ev_id}", "type": schema.EVENT_INDEX[etype],
                          "realis": schema.REALIS_INDEX[realis], "start": a, "end": b,
                          "text": doc["text"][a:b]} for a, b, etype, ev_id, realis in here],
        })
    return rows, [sp for sp in (*spans, *triggers) if sp not in placed]


def event_rows(doc: dict) -> list[dict]:
    """One row per event: its sentence, and a context of whole sentences from the first to the last that
    holds its trigger or an argument (arguments are often named sentences before the trigger)."""
    mentions = {m["id"]: m for m in doc["entities"]}
    text, bounds = doc["text"], sentences(doc["text"])
    rows = []
    for ev in doc["events"]:
        t = ev["trigger"]
        k = sentence_index(bounds, t["start"])
        args = [mentions[a["mention_id"]] for a in ev["arguments"]]
        first = min([k, *(sentence_index(bounds, m["start"]) for m in args)])
        last = max([k, *(sentence_index(bounds, m["end"] - 1) for m in args)])
        (s, e), cs, ce = bounds[k], bounds[first][0], bounds[last][1]
        rows.append({
            "id": f"{doc['id']}-{ev['id']}", "document_id": doc["id"], "sentence_id": sentence_id(doc["id"], k),
            "type": schema.EVENT_INDEX[ev["type"]], "realis": schema.REALIS_INDEX[ev["realis"]],
            "trigger": dict(t), "sentence": {"start": s, "end": e, "text": text[s:e]},
            "context": {"start": cs, "end": ce, "text": text[cs:ce]},
            "arguments": [{"role": schema.ROLE_INDEX[a["role"]], "mention_id": a["mention_id"],
                           "label": schema.ENTITY_INDEX[m["label"]],
                           **{key: m[key] for key in ("start", "end", "text", "entity_id")}}
                          for a, m in zip(ev["arguments"], args, strict=True)],
        })
    return rows


def folds(doc_ids: list[str] | None = None) -> list[dict]:
    """Leave-one-document-out folds over the whole corpus (its released documents, from the manifest):
    each document is the test set once."""
    ids = sorted(doc_ids if doc_ids is not None else load_manifest().split_of())
    return [{"fold": k, "test": [d], "train": [x for x in ids if x != d]} for k, d in enumerate(ids)]


def load_split(split: str = "test", dataset_dir: Path = DATASET_DIR) -> list[dict]:
    """Documents of a split (train, validation, test, or all), read straight from the built files."""
    names = SPLITS if split == "all" else (split,)
    if any(name not in SPLITS for name in names):
        raise GaikoError(f"unknown split {split!r} (train, validation, test, all)")
    import pyarrow.parquet as pq

    docs = []
    for name in names:
        path = dataset_dir / "data" / "documents" / f"{name}.parquet"
        if not path.exists():
            raise GaikoError("dataset not built: run `gaiko build`", path)
        docs.extend(pq.read_table(path).to_pylist())
    return sorted(docs, key=lambda d: d["id"])


def load_folds(dataset_dir: Path = DATASET_DIR) -> list[dict]:
    return json.loads(read_text(dataset_dir / "folds.json"))


def statistics(rows: dict) -> dict:
    """Counts per split for the card: documents, characters, mentions, events, roles, realis."""
    stats = {}
    for split in SPLITS:
        docs = rows["documents"][split]
        stats[split] = {
            "documents": len(docs),
            "characters": sum(len(d["text"]) for d in docs),
            "sentences": len(rows["ner"][split]),
            "mentions": Counter(m["label"] for d in docs for m in d["entities"]),
            "events": Counter(e["type"] for d in docs for e in d["events"]),
            "arguments": Counter(a["role"] for d in docs for e in d["events"] for a in e["arguments"]),
            "realis": Counter(e["realis"] for d in docs for e in d["events"]),
            "entities": len({m["entity_id"] for d in docs for m in d["entities"] if m["entity_id"]}),
        }
    return stats
