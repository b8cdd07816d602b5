"""The challenge set: resolved from its sheets, every offset checked, kept out of the dataset."""

from __future__ import annotations

from gaiko.annotation.challenge import CHALLENGE_GOLD, load_challenge, resolve_challenge
from gaiko.dataset import load_split
from gaiko.io import dumps_line, read_text


def test_the_committed_gold_is_the_resolution_of_the_sheets():
    assert read_text(CHALLENGE_GOLD) == "".join(dumps_line(d) + "\n" for d in resolve_challenge()), \
        "regenerate with `python -m gaiko.annotation.challenge`"


def test_every_mention_and_trigger_is_the_text_at_its_offsets():
    docs = load_challenge()
    assert len(docs) >= 10
    for doc in docs:
        text = doc["text"]
        assert all(text[m["start"]:m["end"]] == m["text"] for m in doc["entities"])
        assert all(text[e["trigger"]["start"]:e["trigger"]["end"]] == e["trigger"]["text"] for e in doc["events"])
        assert doc["entities"] and doc["events"]


def test_the_challenge_texts_are_not_in_the_dataset():
    corpus = load_split("all")
    ids, texts = {d["id"] for d in corpus}, [d["text"] for d in corpus]
    for doc in load_challenge():
        assert doc["id"] not in ids
        assert not any(doc["text"].split("\n")[1][:30] in text for text in texts)
