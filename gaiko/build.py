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
from pathlib import Path

from gaiko.annotation.convert import convert_export
from gaiko.card import LICENSE_FILE, LICENSE_TEXT, render_card
from gaiko.corpus import clean_documents
from gaiko.dataset import CONFIGS, VERSIONS_FILE, event_rows, features, folds, ner_rows
from gaiko.diff import bump, diff, is_empty, load_side, summary
from gaiko.documents import validate_document
from gaiko.io import GaikoError, atomic_path, json_problem, loads, read_text
from gaiko.manifest import SPLITS, Manifest, load_manifest
from gaiko.paths import DATASET_DIR, EXPORTS_DIR


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


