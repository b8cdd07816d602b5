"""The label tables of the guidelines and the card are generated from gaiko.schema and must not drift."""

from gaiko import schema
from gaiko.card import entity_table, event_table, guidelines_path, render_generated_blocks
from gaiko.paths import DATASET_DIR


def test_guidelines_tables_match_the_schema():
    text = guidelines_path().read_text(encoding="utf-8")
    assert render_generated_blocks(text) == text, "run `gaiko docs`"
    for t in schema.ENTITY_TYPES:
        assert f"| {t.name} | {t.description} |" in text


def test_drift_is_detected_and_repaired():
    text = guidelines_path().read_text(encoding="utf-8")
    stale = text.replace(f"| PERSON | {schema.ENTITY_TYPES[0].description}", "| PERSON | an old definition")
    assert stale != text and render_generated_blocks(stale) == text


def test_card_carries_the_generated_tables():
    card = (DATASET_DIR / "README.md").read_text(encoding="utf-8")
    assert entity_table() in card and event_table() in card
    for tag in schema.BIO_TAGS:
        assert tag in card
