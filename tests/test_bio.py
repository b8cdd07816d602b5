"""Spans ↔ BIO: exact round trip on characters (including non-BMP), misfits reported on words."""

from hypothesis import given
from hypothesis import strategies as st

from gaiko import schema
from gaiko.bio import bio_to_spans, spans_to_bio

TEXT_CHARS = st.sampled_from(list("露朝プーチン大統領会談。\n𠮷𩸽😀ab1"))


@st.composite
def text_and_flat_spans(draw):
    text = draw(st.text(TEXT_CHARS, min_size=0, max_size=60))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        if start < end:
            spans.append((start, end, draw(st.sampled_from(schema.ENTITY_LABELS))))
    return text, spans


@given(text_and_flat_spans())
def test_character_round_trip_is_exact(case):
    text, spans = case
    tags, misfits = spans_to_bio(len(text), spans)
    assert misfits == []
    assert len(tags) == len(text)
    assert bio_to_spans(tags) == sorted(spans)
    assert set(tags) <= set(schema.BIO_TAGS)


def test_non_bmp_characters_are_one_token_each():
    text = "𠮷野家で𩸽を食べた"
    spans = [(0, 3, "ORG")]
    tags, _ = spans_to_bio(len(text), spans)
    assert tags[:4] == ["B-ORG", "I-ORG", "I-ORG", "O"]
    assert text[0:3] == "𠮷野家"


def test_spans_off_word_boundaries_are_reported_not_dropped():
    words = [(0, 4), (4, 7), (7, 9)]  # プーチン|大統領|が
    tags, misfits = spans_to_bio(9, [(0, 4, "PERSON"), (5, 7, "TITLE")], tokens=words)
    assert tags == ["B-PERSON", "O", "O"]
    assert misfits == [(5, 7, "TITLE")]
    assert bio_to_spans(tags, tokens=words) == [(0, 4, "PERSON")]


def test_ill_formed_i_tag_starts_no_chunk():
    assert bio_to_spans(["I-GPE", "I-GPE", "O", "B-ORG", "I-GPE"]) == [(3, 4, "ORG")]
