"""gold → Label Studio results → gold is the identity (also shown with '\\r\\n' and outside the BMP)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gaiko.annotation.convert import convert_export

from support.exports import export_of, gold_documents


@settings(max_examples=150, deadline=None)
@given(gold_documents(), st.booleans())
def test_gold_to_results_to_gold_is_identity(doc, crlf):
    (back,) = convert_export(export_of(doc, crlf), "x").documents
    assert back == doc
    (again,) = convert_export(export_of(back, False), "x").documents
    assert again == doc
