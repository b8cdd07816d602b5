"""Small gold documents for the baseline tests, written inline: [surface|LABEL] for a mention,
<surface|TYPE> for an event trigger (realis ACTUAL unless given in `realis`)."""

from __future__ import annotations

import re

from gaiko.documents import validate_document

_MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z]+)\]|<([^<>|]+)\|([A-Z]+)>")


def annotated(doc_id: str, markup: str, arguments: dict[int, list[tuple[str, int]]] | None = None,
              realis: dict[int, str] | None = None) -> dict:
    """A valid gold document; `arguments` maps an event index to (role, mention index) pairs."""
    text, entities, events, last = "", [], [], 0
    for m in _MARK.finditer(markup):
        text += markup[last:m.start()]
        surface, label = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        span = {"start": len(text), "end": len(text) + len(surface), "text": surface}
        if m.group(1):
            entities.append({"id": f"m{len(entities)}", **span, "label": label, "entity_id": None})
        else:
            k = len(events)
            events.append({"id": f"e{k}", "type": label, "realis": (realis or {}).get(k, "ACTUAL"), "trigger": span,
                           "arguments": [{"role": r, "mention_id": f"m{i}"} for r, i in (arguments or {}).get(k, [])]})
        text += surface
        last = m.end()
    text += markup[last:]
    doc = {"id": doc_id, "title": doc_id, "text": text, "entities": entities, "events": events}
    assert validate_document(doc) == [], validate_document(doc)
    return doc


def spans_of(doc: dict) -> list[tuple[str, str]]:
    return [(m["text"], m["label"]) for m in doc["entities"]]
