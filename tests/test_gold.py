"""The real gold: complete in every way the checker can see, and described truthfully by the card; the
checker's search for unannotated occurrences, against the obvious one."""

import random
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gaiko import schema
from gaiko.annotation.check import MIN_SURFACE_FOR_OCCURRENCES, _unannotated_occurrences, check, load_inventory
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


def naive_unannotated(docs: list[dict], labels_of_surface: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """Every uncovered occurrence, found the obvious way: each surface searched for in each text."""
    found = []
    surfaces = [s for s in labels_of_surface if len(s) >= MIN_SURFACE_FOR_OCCURRENCES]
    for doc in docs:
        covered = set()
        for span in [*doc["entities"], *(e["trigger"] for e in doc["events"])]:
            covered.update(range(span["start"], span["end"]))
        for surface in surfaces:
            for start in range(len(doc["text"])):
                if doc["text"].startswith(surface, start) and not covered & set(range(start, start + len(surface))):
                    found.append((doc["id"], f"{surface}@{start}", "/".join(sorted(labels_of_surface[surface]))))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("ア𠮷イ", min_size=4, max_size=30), min_size=1, max_size=4),
       st.lists(st.text("ア𠮷イ", min_size=1, max_size=4), min_size=1, max_size=8), st.randoms())
@example(["アイウアイ"], ["アイ", "アイウ", "イウ"], random.Random(0))
def test_unannotated_occurrences_are_every_occurrence_no_span_covers(texts, surfaces, rnd):
    """Overlapping occurrences, surfaces that are prefixes of others, characters outside the BMP."""
    docs = []
    for number, text in enumerate(texts):
        spans = sorted({(a, b) for a, b in (sorted(rnd.sample(range(len(text) + 1), 2)) for _ in range(3)
                                             if len(text) > 1) if a < b})
        docs.append({"id": f"d{number}", "text": text,
                     "entities": [{"start": a, "end": b} for a, b in spans[:1]]})
        docs[-1]["events"] = [{"trigger": {"start": a, "end": b}} for a, b in spans[1:2]]
    labels = {surface: {rnd.choice(["GPE", "PERSON"])} for surface in surfaces}
    for corpus in (docs, [{**doc, "entities": [], "events": []} for doc in docs]):
        found = [(f.document, f.subject, f.message.split("(")[1].split(")")[0])
                 for f in _unannotated_occurrences(corpus, labels)]
        assert found == naive_unannotated(corpus, labels)
