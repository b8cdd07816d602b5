"""The GiNZA adapter: the ENE → schema table, and GiNZA really running on a sentence."""

from __future__ import annotations

import pytest

from gaiko import schema
from gaiko.baselines.ginza import ENE_DROPPED, ENE_TO_LABEL, GINZA_NER_COMPONENTS, GinzaNER, SpacyNER


def test_mapping_targets_are_schema_labels_and_mapped_and_dropped_are_disjoint():
    assert set(ENE_TO_LABEL.values()) <= set(schema.ENTITY_LABELS)
    assert not set(ENE_TO_LABEL) & ENE_DROPPED
    for ene, ours in {"Person": "PERSON", "Position_Vocation": "TITLE", "Country": "GPE", "City": "GPE",
                      "Province": "GPE", "Treaty": "LAW", "International_Organization": "ORG",
                      "Period_Day": "DATE", "Period_Time": "TIME", "N_Person": "QUANTITY"}.items():
        assert ENE_TO_LABEL[ene] == ours


def test_generic_adapter_maps_drops_and_counts_with_any_pipeline():
    import spacy
    from spacy.tokens import Span

    def load():
        nlp = spacy.blank("en")

        @spacy.Language.component("two_entities")
        def two_entities(doc):
            doc.ents = [Span(doc, 0, 1, label="Person"), Span(doc, 2, 3, label="Dish")]
            return doc

        nlp.add_pipe("two_entities")
        return nlp

    system = SpacyNER("toy", load, ENE_TO_LABEL)
    (pred,) = system.extract([{"id": "d", "text": "Putin ate borscht"}])
    assert pred == {"id": "d", "entities": [{"start": 0, "end": 5, "label": "PERSON"}], "events": []}
    assert system.dropped == {"Dish": 1}


@pytest.mark.models
def test_table_covers_every_label_ginza_can_emit():
    system = GinzaNER().load()
    assert system.nlp.pipe_names == list(GINZA_NER_COMPONENTS)
    labels = set(system.nlp.get_pipe("ner").labels)
    assert labels == set(ENE_TO_LABEL) | ENE_DROPPED


@pytest.mark.models
def test_ginza_runs_on_a_sentence():
    text = "ロシアのプーチン大統領は19日、平壌を訪問した。"
    (pred,) = GinzaNER().extract([{"id": "d", "text": text}])
    got = {(text[m["start"]:m["end"]], m["label"]) for m in pred["entities"]}
    assert {("プーチン", "PERSON"), ("大統領", "TITLE"), ("ロシア", "GPE")} <= got
