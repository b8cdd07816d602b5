"""The checked-in labeling config is the generator's output and carries exactly the schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gaiko import schema
from gaiko.annotation.labeling import CONFIG_PATH, labeling_config


def test_checked_in_config_matches_the_generator():
    assert CONFIG_PATH.read_text(encoding="utf-8") == labeling_config(), (
        "annotation/labeling_config.xml is stale: run `gaiko ls config --write`")


def test_config_carries_the_schema():
    root = ET.fromstring(labeling_config())
    labels = {el.get("name"): [l.get("value") for l in el.iter("Label")] for el in root.iter("Labels")}
    assert labels == {"entity": list(schema.ENTITY_LABELS), "trigger": list(schema.EVENT_LABELS)}
    assert [r.get("value") for r in root.iter("Relation")] == list(schema.ROLE_NAMES)
    (text,) = root.iter("Text")
    assert text.get("granularity") == "symbol" and all(el.get("toName") == text.get("name")
                                                       for el in root.iter() if el.get("toName"))
    (realis,) = root.iter("Choices")
    assert realis.get("perRegion") == "true" and [c.get("value") for c in realis] == list(schema.REALIS_VALUES)
    (entity_id,) = root.iter("TextArea")
    assert entity_id.get("perRegion") == "true"
    shown_when = {el.get("whenTagName"): el for el in root.iter("View") if el.get("visibleWhen") == "region-selected"}
    assert realis in list(shown_when["trigger"]) and shown_when["trigger"].get("whenLabelValue") is None
    assert entity_id in list(shown_when["entity"])
    assert set(shown_when["entity"].get("whenLabelValue").split(",")) == schema.COREF_LABELS


def test_config_guards_what_the_editor_would_let_through():
    """One role per relation, a realis required for every trigger, and the per-region controls inside a sticky
    view (they render after the whole text, off-screen in a long task, otherwise)."""
    root = ET.fromstring(labeling_config())
    (relations,) = root.iter("Relations")
    assert relations.get("choice") == "single"
    (realis,) = root.iter("Choices")
    assert realis.get("required") == "true" and realis.get("choice") == "single"
    sticky = [el for el in root.iter("View") if "position: sticky" in (el.get("style") or "")]
    assert len(sticky) == 1 and "bottom: 0" in sticky[0].get("style")
    per_region = {el for el in root.iter() if el.get("perRegion") == "true"}
    assert len(per_region) == 2 and per_region <= set(sticky[0].iter())
