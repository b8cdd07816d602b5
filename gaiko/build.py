"""Gold Label Studio exports + clean documents → the Hugging Face dataset folder `dataset/`.

The build is deterministic (canonical JSON lines, sorted rows: same input → byte-identical files)
and atomic (the new folder replaces the old one in one step; a failure leaves the old one).
The corpus manifest decides what is built: only documents whose status is annotated or adjudicated, each
in its split; the others are listed as pending and never built as "no entities". A released document
that no export annotates is an error, and so is an export task of one with no usable annotation (none,
only cancelled ones, only pre-annotations). Rows depend only on their own document, so adding a document
leaves the rows of the others byte-identical. Each build compares itself with the previous dataset
(`gaiko diff`) and, when the data changed, bumps the version and adds a changelog entry.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from gaiko import schema
from gaiko.annotation.convert import convert_export
from gaiko.bio import spans_to_bio
from gaiko.corpus import SPLITS, Manifest, clean_documents, load_manifest
from gaiko.diff import bump, diff, is_empty, load_side, summary
from gaiko.documents import entity_spans, validate_document
from gaiko.io import GaikoError, atomic_path, json_problem, loads, read_text
from gaiko.paths import DATASET_DIR, EXPORTS_DIR
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


def load_exports(exports_dir: Path = EXPORTS_DIR, documents: dict[str, dict] | None = None,
                 required: set[str] = frozenset()) -> dict[str, dict]:
    """Gold documents by id from every Label Studio JSON export in `exports_dir`.

    Each task's text is checked against the clean document (sha-256) when `documents` is given. A task
    without a usable annotation is allowed (a document still being annotated) unless its document is in
    `required`; a required document that no export annotates is an error.
    """
    gold: dict[str, dict] = {}
    source: dict[str, Path] = {}
    unannotated: dict[str, tuple[Path, list]] = {}
    for path in sorted(exports_dir.glob("*.json")):
        try:
            export = loads(read_text(path))
        except ValueError as e:
            raise GaikoError(json_problem(e), path, getattr(e, "lineno", None)) from None
        conversion = convert_export(export, str(path), documents)
        for doc in conversion.documents:
            if doc["id"] in gold:
                raise GaikoError(f"document {doc['id']} is also annotated in {source[doc['id']].name}", path)
            gold[doc["id"]], source[doc["id"]] = doc, path
        for doc_id in conversion.report.unannotated:
            unannotated.setdefault(doc_id, (path, [t for t in export if t.get("data", {}).get("doc_id") == doc_id]))
    missing = sorted(required - gold.keys())
    for doc_id in (d for d in missing if d in unannotated):  # the conversion's error names the task
        path, tasks = unannotated[doc_id]
        convert_export(tasks, str(path), documents, require_complete=True)
    for doc_id in missing:
        raise GaikoError(f"document {doc_id} is annotated or adjudicated in the corpus manifest but no export "
                         "annotates it (pull its annotation, or set its status back)", exports_dir)
    return gold


def gold_documents(exports_dir: Path = EXPORTS_DIR) -> list[dict]:
    """The released documents with their gold annotations, sorted by id."""
    return annotated_documents(exports_dir)[0]


def annotated_documents(exports_dir: Path = EXPORTS_DIR, manifest: Manifest | None = None
                        ) -> tuple[list[dict], list[tuple[str, str]], list[str]]:
    """The released documents (status annotated or adjudicated) with their gold, (id, status) of the
    pending ones, which are not built, and the pending ones that an export already annotates."""
    manifest = manifest or load_manifest()
    clean = clean_documents(manifest, include_retired=True)
    released = {e.id for e in manifest.released()}
    gold = load_exports(exports_dir, {d["id"]: d for d in clean}, released) if exports_dir.is_dir() else {}
    if not exports_dir.is_dir() and released:
        raise GaikoError("no exports folder, but the manifest has annotated documents", exports_dir)
    docs = []
    for doc in clean:
        if doc["id"] not in released:
            continue
        annotated = gold[doc["id"]]
        if annotated.get("text") != doc["text"]:
            raise GaikoError(f"document {doc['id']}: exported text differs from the clean document", exports_dir)
        doc = {**doc, "entities": annotated["entities"], "events": annotated["events"]}
        problems = validate_document(doc)
        if problems:
            raise GaikoError(f"document {doc['id']}: {problems[0]}", exports_dir)
        docs.append(doc)
    pending = [(e.id, e.status) for e in sorted(manifest.pending(), key=lambda e: e.id)]
    return docs, pending, [i for i, _ in pending if i in gold]


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
                          for a, m in zip(ev["arguments"], args)],
        })
    return rows


def folds(doc_ids: list[str] | None = None) -> list[dict]:
    """Leave-one-document-out folds over the whole corpus (its released documents, from the manifest):
    each document is the test set once."""
    ids = sorted(doc_ids if doc_ids is not None else load_manifest().split_of())
    return [{"fold": k, "test": [d], "train": [x for x in ids if x != d]} for k, d in enumerate(ids)]


def next_versions(previous: Path, docs: dict[str, dict]) -> list[dict]:
    """The release history (newest first) after this build: the previous dataset's history, with a new
    entry when the data differs from the previous dataset's (`gaiko diff`)."""
    history_file = previous / VERSIONS_FILE
    history = loads(read_text(history_file)) if history_file.is_file() else []
    if not history:
        return [{"version": "1.0.0", "documents": len(docs), "changes": f"first release: {len(docs)} documents"}]
    changes = diff(load_side(previous), docs)
    if is_empty(changes):
        return history
    return [{"version": bump(history[0]["version"], changes), "documents": len(docs),
             "changes": summary(changes)}, *history]


def build(out_dir: Path = DATASET_DIR, exports_dir: Path = EXPORTS_DIR, previous: Path | None = None) -> dict:
    """Regenerate the dataset folder from the manifest's released documents; `previous` (default: the
    folder being replaced) is the version the changelog compares with. Return per split the documents,
    mentions, events and arguments built, the pending documents, the version and what changed."""
    from gaiko.card import LICENSE_FILE, LICENSE_TEXT, render_card

    manifest = load_manifest()
    docs, pending, ready = annotated_documents(exports_dir, manifest)
    split_of = manifest.split_of()
    rows = {c: {s: [] for s in SPLITS} for c in CONFIGS}
    crossing = []
    for doc in docs:
        split = split_of[doc["id"]]
        rows["documents"][split].append(doc)
        ner, misfits = ner_rows(doc)
        rows["ner"][split].extend(ner)
        crossing.extend((doc["id"], *m) for m in misfits)
        rows["events"][split].extend(event_rows(doc))
    if crossing:
        raise GaikoError(f"{len(crossing)} mention(s) or trigger(s) cross a sentence boundary, first: {crossing[0]}",
                         exports_dir)
    versions = next_versions(out_dir if previous is None else previous,
                             {d["id"]: {**d, "split": split_of[d["id"]]} for d in docs})
    import pyarrow as pa
    import pyarrow.parquet as pq

    feats = features()
    with atomic_path(out_dir) as tmp:
        for config in CONFIGS:
            for split in SPLITS:
                if not rows[config][split]:
                    continue  # the card lists only splits with rows
                path = tmp / "data" / config / f"{split}.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                # Parquet keeps the declared types (a JSON reader turns "2024-06-19" into a timestamp)
                table = pa.Table.from_pylist(rows[config][split], schema=feats[config].arrow_schema)
                pq.write_table(table, path)
        tmp.mkdir(exist_ok=True)
        (tmp / "folds.json").write_text(json.dumps(folds([d["id"] for d in docs]), indent=2) + "\n",
                                        encoding="utf-8")
        (tmp / VERSIONS_FILE).write_text(json.dumps(versions, ensure_ascii=False, indent=1) + "\n",
                                         encoding="utf-8")
        (tmp / "README.md").write_text(render_card(rows, features(), manifest, versions, pending),
                                       encoding="utf-8")
        (tmp / LICENSE_FILE).write_text(LICENSE_TEXT, encoding="utf-8")
    built = {split: {"documents": len(ds), "mentions": sum(len(d["entities"]) for d in ds),
                     "events": sum(len(d["events"]) for d in ds),
                     "arguments": sum(len(e["arguments"]) for d in ds for e in d["events"])}
             for split, ds in rows["documents"].items()}
    return {"splits": built, "pending": pending, "ready": ready, "version": versions[0]["version"],
            "changes": versions[0]["changes"]}


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
