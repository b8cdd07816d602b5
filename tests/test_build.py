"""`gaiko build` and the dataset package: deterministic, atomic, loadable with `datasets`."""

import hashlib
import re
from pathlib import Path

import datasets
import pytest

from gaiko import schema
from gaiko.build import build
from gaiko.dataset import CONFIGS, folds, load_split
from gaiko.manifest import SPLITS, load_manifest
from gaiko.paths import DATASET_DIR, EXPORTS_DIR

SPLIT_OF = load_manifest().split_of()
from gaiko.io import GaikoError


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dataset"
    build(out, previous=DATASET_DIR)  # the committed version is the one this build follows
    return out


def test_build_is_deterministic(built, tmp_path):
    again = tmp_path / "dataset"
    build(again, previous=DATASET_DIR)
    assert tree_digest(again) == tree_digest(built)


def test_checked_in_dataset_is_up_to_date(built):
    assert tree_digest(DATASET_DIR) == tree_digest(built), "run `gaiko build` and commit dataset/"


def test_failed_build_leaves_the_old_dataset_intact(built, tmp_path):
    before = tree_digest(built)
    exports = tmp_path / "exports"
    exports.mkdir()
    for good in EXPORTS_DIR.glob("*.json"):
        (exports / good.name).write_bytes(good.read_bytes())
    (exports / "zz_broken.json").write_text('[{"id": 1, "data": ', encoding="utf-8")
    with pytest.raises(GaikoError, match="zz_broken.json"):
        build(built, exports)
    assert tree_digest(built) == before
    assert not [p for p in built.parent.iterdir() if p.name.startswith(".")], "temporary files left behind"


@pytest.mark.parametrize("config", CONFIGS)
def test_load_dataset_every_config(built, config):
    names = datasets.get_dataset_config_names(str(built))
    if config not in names:
        pytest.fail(f"config {config} missing from the card: {names}")
    ds = datasets.load_dataset(str(built), config)
    assert set(ds) <= set(SPLITS) and len(ds) >= 1


def test_documents_config_splits_by_document(built):
    ds = datasets.load_dataset(str(built), "documents")
    assert sorted(ds) == sorted(SPLITS)
    seen = {}
    for split, rows in ds.items():
        for row in rows:
            assert row["id"] not in seen, f"{row['id']} in {seen.get(row['id'])} and {split}"
            seen[row["id"]] = split
            assert row["text"].startswith(row["title"] + "\n\n")
            for m in row["entities"]:
                assert row["text"][m["start"]:m["end"]] == m["text"]
    assert seen == SPLIT_OF
    assert isinstance(ds["test"][0]["date"], str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", ds["test"][0]["date"])


def test_ner_config_round_trips_to_the_document_spans(built):
    ner = datasets.load_dataset(str(built), "ner")
    docs = {d["id"]: d for d in load_split("all", built)}
    names = ner["test"].features["ner_tags"].feature.names
    assert tuple(names) == schema.BIO_TAGS
    from gaiko.bio import bio_to_spans

    spans_by_doc: dict[str, list] = {}
    for split in ner:
        for row in ner[split]:
            tags = [names[i] for i in row["ner_tags"]]
            offsets = [(o["start"], o["end"]) for o in row["token_offsets"]]
            assert "".join(row["tokens"]) == docs[row["document_id"]]["text"][offsets[0][0]:offsets[-1][1]]
            spans_by_doc.setdefault(row["document_id"], []).extend(bio_to_spans(tags, offsets))
    for doc_id, doc in docs.items():
        assert sorted(spans_by_doc.get(doc_id, [])) == sorted((m["start"], m["end"], m["label"]) for m in doc["entities"])


def test_folds_leave_each_document_out_once():
    fs = folds()
    assert sorted(d for f in fs for d in f["test"]) == sorted(SPLIT_OF)
    for f in fs:
        assert not set(f["test"]) & set(f["train"]) and len(f["train"]) == len(SPLIT_OF) - 1
