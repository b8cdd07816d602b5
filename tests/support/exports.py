"""Random valid gold documents (hypothesis) and the Label Studio export that annotates one."""

from __future__ import annotations

from collections import Counter

from hypothesis import strategies as st

from gaiko import schema
from gaiko.annotation.convert import documents_to_results, task_data
from gaiko.documents import validate_document

ALPHABET = st.sampled_from(list("aあ露朝 。\n𠮷😀"))
ROLE_TYPES = {r.name: r.entity_types for r in schema.ROLES}


@st.composite
def gold_documents(draw) -> dict:
    """A valid gold document in canonical order (ids by offset, arguments by role then mention), at most two
    roles per event and mention."""
    text = "".join(draw(st.lists(ALPHABET, max_size=40)))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))))
    spans = [(s, e) for s, e in zip(cuts[::2], cuts[1::2]) if s < e]
    entities = []
    for i, (s, e) in enumerate(spans, start=1):
        label = draw(st.sampled_from(schema.ENTITY_LABELS))
        eid = draw(st.sampled_from([None, "north_korea", "x1"])) if label in schema.COREF_LABELS else None
        entities.append({"id": f"m{i}", "start": s, "end": e, "label": label, "text": text[s:e], "entity_id": eid})
    triggers = []
    for _ in range(draw(st.integers(0, 3)) if text else 0):
        s = draw(st.integers(0, len(text) - 1))
        e = draw(st.integers(s + 1, len(text)))
        triggers.append((s, e, draw(st.sampled_from(schema.EVENT_LABELS))))
    order = {t: i for i, t in enumerate(schema.EVENT_LABELS)}
    triggers = sorted(set(triggers), key=lambda t: (t[0], t[1], order[t[2]]))
    events = []
    for i, (s, e, etype) in enumerate(triggers, start=1):
        arguments = []
        for role in schema.ROLE_NAMES:
            # Label Studio holds at most two relations between two regions (one each way).
            roles_of = Counter(a["mention_id"] for a in arguments)
            fits = [m for m in entities if m["label"] in ROLE_TYPES[role] and roles_of[m["id"]] < 2]
            chosen = draw(st.lists(st.sampled_from(fits), unique_by=lambda m: m["id"], max_size=2)) if fits else []
            arguments += [{"role": role, "mention_id": m["id"]} for m in sorted(chosen, key=lambda m: m["start"])]
        events.append({"id": f"e{i}", "type": etype, "realis": draw(st.sampled_from(schema.REALIS_VALUES)),
                       "trigger": {"start": s, "end": e, "text": text[s:e]}, "arguments": arguments})
    doc = {"id": "doc", "title": "t", "text": text, "entities": entities, "events": events}
    assert validate_document(doc) == []
    return doc


def export_of(doc: dict, crlf: bool) -> list[dict]:
    """A one-task export annotated with the document's results; with crlf, shown with '\\r\\n' like a raw file."""
    results, data = documents_to_results(doc), task_data(doc)
    if crlf:
        to_raw = [i + doc["text"][:i].count("\n") for i in range(len(doc["text"]) + 1)]
        data["text"] = doc["text"].replace("\n", "\r\n")
        for r in results:
            if "value" in r:
                start, end = to_raw[r["value"]["start"]], to_raw[r["value"]["end"]]
                shown = r["value"]["text"]
                r["value"].update(start=start, end=end, text=data["text"][start:end] if isinstance(shown, str) else shown)
    return [{"id": 1, "data": data, "annotations": [{"id": 1, "result": results, "was_cancelled": False}]}]
