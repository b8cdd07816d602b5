"""A corpus that grows: the manifest, `gaiko add`, `gaiko status`, pending documents, versions and
`gaiko diff`, and the whole loop through a real Label Studio server on a copy of the corpus."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
import yaml

from gaiko.build import gold_documents
from gaiko.card import NUMBER_WORDS
from gaiko.corpus import add_document, assign_split, set_status
from gaiko.diff import bump, diff, diff_documents
from gaiko.io import GaikoError, dumps_line
from gaiko.manifest import MANIFEST_ENV, load_manifest, parse_manifest
from gaiko.paths import DATASET_DIR, EXPORTS_DIR, MANIFEST_FILE

SIXTH = Path(__file__).parent / "data" / "living" / "sixth_article.txt"
SEEDS = ["000_e0b3454f0372ab4e", "001_94a10ff815f9a20c", "002_7ef3493c8e19d0eb", "003_928b56e06e5931a4",
         "004_67f1b6c8a60996e1"]


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A copy of the corpus (manifest, raw pages, exports) and of the committed dataset; returns the manifest."""
    shutil.copytree(MANIFEST_FILE.parent / "raw", tmp_path / "annotation" / "raw")
    shutil.copy(MANIFEST_FILE, tmp_path / "annotation" / MANIFEST_FILE.name)
    shutil.copytree(EXPORTS_DIR, tmp_path / "exports")
    shutil.copytree(DATASET_DIR, tmp_path / "dataset-old")
    shutil.copytree(DATASET_DIR, tmp_path / "dataset")
    return tmp_path / "annotation" / MANIFEST_FILE.name


def next_prefix(manifest: Path) -> str:
    return f"{max(int(e.id[:3]) for e in load_manifest(manifest).entries) + 1:03d}_"


def gaiko(manifest: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gaiko", *argv], capture_output=True, text=True, timeout=300,
                          env={**os.environ, MANIFEST_ENV: str(manifest)})


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------- manifest

def test_the_manifest_lists_the_seeds_with_their_splits_and_statuses():
    manifest = load_manifest()
    assert [e.id for e in manifest.entries][:5] == SEEDS
    assert {k: v for k, v in manifest.split_of().items() if k in SEEDS} == {
        SEEDS[0]: "test", SEEDS[1]: "train", SEEDS[2]: "train", SEEDS[3]: "validation", SEEDS[4]: "test"}
    assert {e.status for e in manifest.entries[:5]} <= {"annotated", "adjudicated"}
    assert manifest.entries[1].meta["url"] == "https://sputniknews.jp/20231020/17487928.html"
    assert manifest.entries[0].meta["url"] is None


@pytest.mark.parametrize("edit, line, problem", [
    (lambda t: t.replace('split = "validation"', 'split = "dev"'), 45, "unknown split 'dev'"),
    (lambda t: t.replace('status = "adjudicated"', 'status = "done"', 1), 14, "unknown status 'done'"),
    (lambda t: t.replace('date = "2023-10-20"', 'date = "2023-02-30"'), 24, "date must be YYYY-MM-DD"),
    (lambda t: t.replace('id = "002_7ef3493c8e19d0eb"', 'id = "001_94a10ff815f9a20c"'), 35, "duplicate id"),
    (lambda t: t.replace('raw = "raw/004_67f1b6c8a60996e1.txt"', 'raw = "raw/003_928b56e06e5931a4.txt"'), 55,
     "is also the raw file of 003"),
    (lambda t: t.replace('publisher = "Sputnik 日本"', 'publisher = "Sputnik 日本"\nauthor = "x"'), 24,
     "unknown field 'author'"),
    (lambda t: t.replace('split = "train"', 'split = train', 1), 27, "invalid TOML"),
])
def test_a_bad_manifest_is_one_error_naming_the_line(tmp_path, edit, line, problem):
    text = MANIFEST_FILE.read_text(encoding="utf-8")
    with pytest.raises(GaikoError) as caught:
        parse_manifest(edit(text), tmp_path / "corpus.toml")
    assert caught.value.line == line and problem in caught.value.problem, str(caught.value)


def test_split_policy_fills_the_split_furthest_below_its_share(corpus):
    manifest = load_manifest(corpus)
    manifest.entries = manifest.entries[:5]
    for e, split in zip(manifest.entries, ("train", "train", "validation", "test", "test")):
        e.split = split
    assert assign_split(manifest) == "train"  # 2/1/2 of 6: train is 1.6 documents short
    for e in manifest.entries:
        e.split = "train"
    assert assign_split(manifest) == "validation"  # 5/0/0: validation and test are equally short
    manifest.entries[0].status = manifest.entries[1].status = "retired"  # retired documents do not count
    manifest.entries[2].split = "validation"
    assert assign_split(manifest) == "test"


def test_add_registers_the_document_and_refuses_a_duplicate(corpus):
    before, prefix = corpus.read_text(encoding="utf-8"), next_prefix(corpus)
    policy = assign_split(load_manifest(corpus))
    added = add_document(SIXTH, publisher="時事通信 (test page)", path=corpus)
    e = added.entry
    assert e.id.startswith(prefix) and e.split == policy and e.status == "raw" and added.split_by_policy
    assert e.meta["date"] == "2024-11-30" and e.meta["date_note"].startswith("from the dateline")
    text = corpus.read_text(encoding="utf-8")
    assert text.startswith(before)  # appended: comments and hand edits of the file are kept
    assert (corpus.parent / e.raw).read_bytes() == SIXTH.read_bytes()
    assert added.document["source_file"] == f"annotation/{e.raw}"
    with pytest.raises(GaikoError, match=f"same clean text as document {e.id}"):
        add_document(SIXTH, path=corpus)
    other = corpus.parent / "other_page.txt"
    other.write_text(SIXTH.read_text(encoding="utf-8").replace("(c)時事", "続報を待ちたい。\n(c)時事"), encoding="utf-8")
    with pytest.raises(GaikoError, match="date must be YYYY-MM-DD"):
        add_document(other, date="30.11.2024", path=corpus)
    assert corpus.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in (corpus.parent / "raw").iterdir()) == sorted(
        Path(x.raw).name for x in load_manifest(corpus).entries)  # the refused page was not copied
    old, new = set_status(e.id, "in_annotation", corpus)
    assert (old, new) == ("raw", "in_annotation")
    assert corpus.read_text(encoding="utf-8") == text.replace('status = "raw"', 'status = "in_annotation"')


def test_gaiko_add_cli_reports_the_cleaning_and_the_split(corpus):
    prefix, policy = next_prefix(corpus), assign_split(load_manifest(corpus))
    proc = gaiko(corpus, "add", str(SIXTH), "--publisher", "時事通信 (test page)", "-v")
    assert proc.returncode == 0, proc.stderr
    assert f"added {prefix}" in proc.stdout and f"split {policy} (by the split policy), status raw" in proc.stdout
    assert "credit" in proc.stderr and "(c)時事" in proc.stderr and "split policy:" in proc.stderr
    again = gaiko(corpus, "add", str(SIXTH))
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1
    assert f"same clean text as document {prefix}" in again.stderr and str(SIXTH) in again.stderr


# --------------------------------------------------------------------------------------------- diff

def test_diff_lists_mentions_events_and_arguments_that_changed():
    old = next(d for d in gold_documents() if d["id"] == SEEDS[3])
    new = copy.deepcopy(old)
    new["entities"][0]["label"] = "ORG" if new["entities"][0]["label"] != "ORG" else "GPE"
    removed_event = new["events"].pop(0)
    arg_event = new["events"][0]
    arg_event["arguments"][0]["role"] = "recipient" if arg_event["arguments"][0]["role"] != "recipient" else "actor"
    d = diff_documents(old, new)
    m = old["entities"][0]
    assert d["mentions"]["changed"] == [[m["start"], m["end"], [m["label"], m["entity_id"], m["text"]],
                                        [new["entities"][0]["label"], m["entity_id"], m["text"]]]]
    t = removed_event["trigger"]
    assert d["events"]["removed"] == [[t["start"], t["end"], removed_event["type"], removed_event["realis"], t["text"]]]
    assert len(d["arguments"]["removed"]) == len(removed_event["arguments"]) and len(d["arguments"]["changed"]) == 1
    whole = diff({old["id"]: {**old, "split": "validation"}}, {old["id"]: {**new, "split": "validation"}})
    assert whole["added"] == whole["removed"] == [] and list(whole["documents"]) == [old["id"]]
    assert bump("1.2.3", whole) == "1.2.4"
    assert bump("1.2.3", {**whole, "added": ["x"]}) == "1.3.0"
    assert bump("1.2.3", {**whole, "moved": {"x": ["train", "test"]}}) == "2.0.0"


def test_diff_of_two_identical_exports_and_datasets_is_empty(tmp_path):
    export = next(EXPORTS_DIR.glob("*.json"))
    for old, new in ((export, export), (DATASET_DIR, DATASET_DIR)):
        proc = subprocess.run([sys.executable, "-m", "gaiko", "diff", str(old), str(new)], capture_output=True,
                              text=True)
        assert proc.returncode == 0 and proc.stdout == "no differences\n", proc.stderr


# ----------------------------------------------------------------------------- the loop, end to end

def sixth_gold(doc: dict) -> dict:
    """A small hand annotation of the sixth article (the first paragraph's meeting)."""
    text = doc["text"]
    body = text.index("\n\n") + 2

    def at(surface: str) -> int:
        return text.index(surface, body)

    spans = [("ロシア", "GPE", "russia"), ("ベロウソフ", "PERSON", "andrei_belousov"), ("国防相", "TITLE", None),
             ("29日", "DATE", None), ("北朝鮮", "GPE", "north_korea"), ("平壌", "GPE", "pyongyang"),
             ("金正恩", "PERSON", "kim_jong_un"), ("総書記", "TITLE", None)]
    entities = sorted(({"start": at(s), "end": at(s) + len(s), "label": label, "text": s, "entity_id": eid}
                       for s, label, eid in spans), key=lambda m: m["start"])
    for k, m in enumerate(entities, start=1):
        m["id"] = f"m{k}"
    by_text = {m["text"]: m["id"] for m in entities}
    trigger = at("会談")
    event = {"id": "e1", "type": "CONSULT", "realis": "ACTUAL",
             "trigger": {"start": trigger, "end": trigger + 2, "text": "会談"},
             "arguments": [{"role": "actor", "mention_id": by_text["ベロウソフ"]},
                           {"role": "recipient", "mention_id": by_text["金正恩"]},
                           {"role": "place", "mention_id": by_text["平壌"]},
                           {"role": "time", "mention_id": by_text["29日"]}]}
    return {**doc, "entities": entities, "events": [event]}


def rows_by_id(folder: Path, config: str) -> dict[str, str]:
    rows = {}
    for file in sorted((folder / "data" / config).glob("*.parquet")):
        for row in pq.read_table(file).to_pylist():
            rows[row["id"]] = dumps_line(row)
    return rows


@pytest.mark.label_studio
def test_a_sixth_article_goes_through_label_studio_into_the_dataset(label_studio, corpus):
    from gaiko.annotation import studio
    from gaiko.annotation.convert import documents_to_results
    from gaiko.corpus import clean_documents

    root, project = corpus.parent.parent, "gaiko living corpus"
    exports, old, new = root / "exports", root / "dataset-old", root / "dataset"

    def run(*argv: str) -> subprocess.CompletedProcess:
        proc = gaiko(corpus, *argv)
        assert proc.returncode == 0, proc.stderr
        return proc

    seeds = load_manifest(corpus).released()
    history = json.loads((old / "versions.json").read_text(encoding="utf-8"))
    major, minor, _ = history[0]["version"].split(".")
    version, split = f"{major}.{int(minor) + 1}.0", assign_split(load_manifest(corpus))
    assert f"tasks {len(seeds)} created" in run("ls", "push", "--project", project).stdout
    added = run("add", str(SIXTH), "--publisher", "時事通信 (test page)", "--url",
                "https://www.example.jp/world/20241130-belousov.html")
    doc_id = load_manifest(corpus).entries[-1].id
    assert f"added {doc_id}" in added.stdout and f"split {split}" in added.stdout

    # still raw: the build leaves it out, says so, and the dataset does not change
    built = run("build", "--exports", str(exports), "--out", str(new))
    assert f"pending (not built until annotated): 1 documents: {doc_id} (raw)" in built.stderr
    assert tree_digest(new) == {**tree_digest(old), "README.md": tree_digest(new)["README.md"]}
    assert f"Not in this version yet (still being annotated): {doc_id} (raw)." in (new / "README.md").read_text()

    # push sends only the new document, with pre-annotations; annotate it through the API; pull
    document = next(d for d in clean_documents(load_manifest(corpus)) if d["id"] == doc_id)
    gold = sixth_gold(document)
    predictions = root / "pre.jsonl"
    predictions.write_text(json.dumps({"id": doc_id, "entities": [
        {k: m[k] for k in ("start", "end", "label")} for m in gold["entities"][:3]]}) + "\n", encoding="utf-8")
    pushed = run("ls", "push", "--project", project, "--predictions", str(predictions), "--model-version", "draft-1")
    assert f"tasks 1 created, {len(seeds)} already present; predictions 1 created" in pushed.stdout
    run("status", doc_id, "in_annotation")
    client = studio.connect()
    task = studio.tasks_by_doc_id(client, studio.find_project(client, project))[doc_id]
    client.annotations.create(id=task.id, result=documents_to_results(gold), completed_by=client.users.whoami().id,
                              ground_truth=False, was_cancelled=False, lead_time=60)
    pulled = run("ls", "pull", "--project", project, "--out", str(exports / "living.json"))
    assert "annotations used 1" in pulled.stdout and f"unannotated {len(seeds)}" in pulled.stdout
    built = run("build", "--exports", str(exports), "--out", str(new))
    assert f"{doc_id} has an annotation in {exports} but is not released" in built.stderr
    assert "Not in this version yet" in (new / "README.md").read_text(encoding="utf-8")
    run("status", doc_id, "annotated")
    built = run("build", "--exports", str(exports), "--out", str(new))
    assert built.stdout.startswith(f"built {new} version {version}: ") and built.stderr == ""

    # six documents, the new one in its split with its gold; the five others byte-identical
    # a fresh cache: `datasets` serves a rebuilt local folder from its cache when the folder was loaded before
    ds = datasets.load_dataset(str(new), "documents", cache_dir=str(root / "hf-cache"))
    assert sum(len(rows) for rows in ds.values()) == len(seeds) + 1
    (row,) = [r for r in ds[split] if r["id"] == doc_id]
    assert (row["entities"], row["events"]) == (gold["entities"], gold["events"])
    assert row["url"] == "https://www.example.jp/world/20241130-belousov.html" and row["date"] == "2024-11-30"
    for config in ("documents", "ner", "events"):
        before, after = rows_by_id(old, config), rows_by_id(new, config)
        assert {k: v for k, v in after.items() if not k.startswith(doc_id)} == before, config
    for other in {"train", "validation", "test"} - {split}:  # the splits without the new document
        for config in ("documents", "ner", "events"):
            path = f"data/{config}/{other}.parquet"
            assert (new / path).read_bytes() == (old / path).read_bytes(), path
    folds = json.loads((new / "folds.json").read_text())
    assert len(folds) == len(seeds) + 1 and [doc_id] in [f["test"] for f in folds]
    card = (new / "README.md").read_text(encoding="utf-8")
    old_card = (old / "README.md").read_text(encoding="utf-8")
    counts = [int(x) for x in old_card.split("| documents | ", 1)[1].split(" |\n", 1)[0].split(" | ")]
    counts[("train", "validation", "test").index(split)] += 1
    counts[3] += 1
    assert f"- **Version:** {version}" in card and f"| documents | {' | '.join(map(str, counts))} |" in card
    assert f"| {doc_id} | {split} | {len(document['text'])} | 8 | 5 | 1 | 4 |" in card
    assert f"| {version} | {len(seeds) + 1} | added {doc_id} |" in card
    assert "| 1.0.0 | 5 | first release: 5 documents |" in card
    assert "Not in this version yet" not in card
    assert f"{NUMBER_WORDS[len(seeds) + 1].capitalize()} Japanese news articles on Russia–North Korea" in card

    changes = subprocess.run([sys.executable, "-m", "gaiko", "diff", str(old), str(new)], capture_output=True,
                             text=True)
    assert changes.returncode == 0 and changes.stdout == f"added document {doc_id}\n", changes.stderr
    # rebuilding changes nothing: same version, same bytes
    before = tree_digest(new)
    run("build", "--exports", str(exports), "--out", str(new))
    assert tree_digest(new) == before


def test_stats_shows_a_rebuilt_folder_not_the_cache_of_an_earlier_load(tmp_path):
    folder = tmp_path / "dataset"
    shutil.copytree(DATASET_DIR, folder)
    assert len(datasets.load_dataset(str(folder), "documents")["train"]) == 2  # cached by `datasets`
    (folder / "data" / "documents" / "train.parquet").unlink()
    shutil.copy(folder / "data" / "documents" / "validation.parquet", folder / "data" / "documents" / "train.parquet")
    card = folder / "README.md"  # drop the recorded split sizes, which `datasets` checks against the edited files
    _, header, body = card.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(header)
    for info in meta["dataset_info"]:
        info.pop("splits")
    card.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n{body}", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gaiko", "stats", "--dataset", str(folder)], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("documents: train 1, validation 1, test 2\n")
