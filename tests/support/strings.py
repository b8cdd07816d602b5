"""Gold documents written as string-level answers, the way an LLM answers: no offsets."""

from __future__ import annotations


def as_strings(doc: dict) -> dict:
    """A gold document written as an LLM would answer: surfaces in reading order, no offsets."""
    mentions = {m["id"]: m for m in doc["entities"]}
    return {"id": doc["id"],
            "entities": [{"text": m["text"], "label": m["label"]} for m in sorted(doc["entities"], key=lambda m: m["start"])],
            "events": [{"type": e["type"], "realis": e["realis"], "trigger": {"text": e["trigger"]["text"]},
                        "arguments": [{"role": a["role"], "text": mentions[a["mention_id"]]["text"]}
                                      for a in e["arguments"]]}
                       for e in sorted(doc["events"], key=lambda e: e["trigger"]["start"])]}
