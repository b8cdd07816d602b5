"""The real gold: complete in every way the checker can see, and described truthfully by the card."""

import re

import pytest

from gaiko import schema
from gaiko.annotation.check import check, load_inventory
from gaiko.build import gold_documents
from gaiko.dataset import load_split
from gaiko.paths import DATASET_DIR


@pytest.fixture(scope="module")
def gold():
    return gold_documents()


def test_every_document_is_annotated(gold):
    assert len(gold) == 5
    for doc in gold:
        assert doc["entities"] and doc["events"], doc["id"]


def test_checker_has_no_unexplained_finding(gold):
    open_, _, stale = check(gold)
    assert not open_, "\n".join(f"{f.check} {f.document} {f.subject}: {f.message}" for f in open_[:20])
    assert not stale


def test_coref_mentions_carry_inventory_ids(gold):
    inventory = load_inventory()
    for doc in gold:
        for m in doc["entities"]:
            if m["label"] in schema.COREF_LABELS:
                assert inventory[m["entity_id"]]["type"] == m["label"], (doc["id"], m)
            else:
                assert m["entity_id"] is None


def test_card_counts_match_the_data():
    card = (DATASET_DIR / "README.md").read_text(encoding="utf-8")
    docs = load_split("all")
    total_mentions = sum(len(d["entities"]) for d in docs)
    total_events = sum(len(d["events"]) for d in docs)
    mentions_table = card.split("### Mentions per type")[1].split("###")[0]
    events_table = card.split("### Events per type")[1].split("###")[0]
    assert re.search(rf"\| \*\*all\*\* \|.*\| {total_mentions} \|", mentions_table)
    assert re.search(rf"\| \*\*all\*\* \|.*\| {total_events} \|", events_table)
    for label in schema.ENTITY_LABELS:
        n = sum(m["label"] == label for d in docs for m in d["entities"])
        assert re.search(rf"^\| {label} \|.*\| {n} \|$", mentions_table, re.M), label


def test_recorded_agreement_is_that_of_the_export():
    """annotation/agreement.json (the card's figures) is what `gaiko agreement --exclude-ground-truth`
    computes from the export: the two blind passes of 000 and 004, never the adjudication."""
    import json

    from gaiko.annotation.agreement import agreement
    from gaiko.card import AGREEMENT_FILE
    from gaiko.paths import EXPORTS_DIR

    export = json.loads((EXPORTS_DIR / "gaiko.json").read_text(encoding="utf-8"))
    fresh = agreement(export, "gaiko.json", exclude_ground_truth=True)
    assert fresh == json.loads(AGREEMENT_FILE.read_text(encoding="utf-8"))
    assert fresh["tasks_compared"] == 2
    assert {d["doc_id"] for d in fresh["disagreements"]} == {"000_e0b3454f0372ab4e", "004_67f1b6c8a60996e1"}
    # without the option a single pass is compared with its own adjudication: not an agreement figure
    assert agreement(export, "gaiko.json")["tasks_compared"] == 5


def test_adjudicated_sheets_are_exactly_the_exported_gold(gold):
    """The typed sheets under annotation/sheets/gold/ resolve to the Label Studio export's gold, span for
    span and argument for argument: the export (the source of truth) and its provenance agree."""
    from gaiko.annotation.sheets import resolve_sheet
    from gaiko.corpus import clean_documents
    from gaiko.paths import SHEETS_DIR

    clean = {d["id"]: d for d in clean_documents()}
    sheets = sorted((SHEETS_DIR / "gold").glob("*.txt"))
    assert len(sheets) == len(gold)
    for doc, path in zip(gold, sheets):
        resolved = resolve_sheet(path, clean)
        assert resolved["id"] == doc["id"]
        assert (resolved["entities"], resolved["events"]) == (doc["entities"], doc["events"])
