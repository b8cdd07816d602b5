"""Small gold documents and predictions, written by hand: one for the NER modes, one for the event metrics."""

from __future__ import annotations

from gaiko.documents import validate_document

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def make_doc(doc_id: str, text: str, entities=(), events=()) -> dict:
    """A valid gold document: entities (start, end, label[, entity_id]); events (type, realis, (start, end),
    [(role, mention index)])."""
    ents = [{"id": f"m{i}", "start": s, "end": e, "label": lab, "text": text[s:e], "entity_id": (rest or [None])[0]}
            for i, (s, e, lab, *rest) in enumerate(entities)]
    evs = [{"id": f"e{i}", "type": t, "realis": r, "trigger": {"start": s, "end": e, "text": text[s:e]},
            "arguments": [{"role": role, "mention_id": f"m{m}"} for role, m in args]}
           for i, (t, r, (s, e), args) in enumerate(events)]
    doc = {"id": doc_id, "title": doc_id, "text": text, "entities": ents, "events": evs}
    assert validate_document(doc) == []
    return doc


def ents(*spans) -> list[dict]:
    return [{"start": s, "end": e, "label": label} for s, e, label in spans]


# ------------------------------------------------------------------------------------------ NER

# Gold: G1 0-3 PERSON, G2 5-8 GPE, G3 10-14 ORG, G4 16-18 DATE, G5 20-22 GPE.
# Pred: P1 0-3 PERSON (exact, right type), P2 5-8 ORG (exact, wrong type), P3 10-12 ORG (overlap, right type),
#       P4 15-17 TIME (overlap, wrong type), P5 24-26 GPE (spurious); G5 is missed.
NER_GOLD = make_doc("d", LETTERS, [(0, 3, "PERSON"), (5, 8, "GPE"), (10, 14, "ORG"), (16, 18, "DATE"),
                                   (20, 22, "GPE")])
NER_PRED = {"d": {"id": "d", "entities": ents((0, 3, "PERSON"), (5, 8, "ORG"), (10, 12, "ORG"), (15, 17, "TIME"),
                                              (24, 26, "GPE")), "events": []}}


# --------------------------------------------------------------------------------------- events

EVENT_TEXT = "Putin visited Pyongyang and met Kim. Russia signed the treaty. He met him."


def at(word: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = EVENT_TEXT.index(word, start + 1)
    return start, start + len(word)


EVENT_GOLD = make_doc(
    "ev", EVENT_TEXT,
    [(*at("Putin"), "PERSON", "vladimir_putin"), (*at("Pyongyang"), "GPE", "pyongyang"),
     (*at("Kim"), "PERSON", "kim_jong_un"), (*at("Russia"), "GPE", "russia"), (*at("He"), "PERSON", "vladimir_putin")],
    [("CONSULT", "ACTUAL", at("visited"), [("actor", 0), ("place", 1)]),
     ("CONSULT", "ACTUAL", at("met"), [("actor", 0), ("recipient", 2)]),
     ("SUPPORT", "ACTUAL", at("signed"), [("actor", 3)])])


def pred_event(etype, trigger, args, realis=None):
    ev = {"type": etype, "trigger": dict(zip(("start", "end"), trigger)),
          "arguments": [{"role": role, "start": s, "end": e} for role, (s, e) in args]}
    return ev | ({"realis": realis} if realis else {})


EVENT_PRED = {"ev": {"id": "ev", "entities": [], "events": [
    # right trigger and type; actor given as "He", a coreferent mention of Putin; wrong realis
    pred_event("CONSULT", at("visited"), [("actor", at("He")), ("place", at("Pyongyang"))], "OTHER"),
    # right trigger, wrong type
    pred_event("AGREE", at("met"), [("actor", at("Putin")), ("recipient", at("Kim"))], "ACTUAL"),
    # right trigger and type, no realis; Russia with a wrong role; "the treaty" is no gold argument
    pred_event("SUPPORT", at("signed"), [("recipient", at("Russia")), ("actor", at("the treaty"))]),
    # spurious trigger
    pred_event("CONSULT", at("met", 1), [], "ACTUAL"),
]}}
