"""Annotation sheets: span lists typed by an annotator, resolved to code-point offsets.

A sheet is a plain-text file, one per document and annotator:

    # document: 000_e0b3454f0372ab4e
    P0
    プーチン | PERSON | vladimir_putin
    大統領 | TITLE
    @会談 | CONSULT | ACTUAL | actor=プーチン; recipient=#north_korea

`P<n>` opens paragraph n (the n-th line of the document text, the headline is P0). Under it, every
mention (`surface | LABEL [| entity_id]`) and trigger (`@surface | TYPE | REALIS [| role=ref; ...]`)
is listed in text order; each is found at its first occurrence after the previous item, so repeated
surfaces need no offsets. An argument `ref` is a mention surface or `#entity_id`; it resolves to the
nearest such mention in the trigger's sentence, else the nearest one before the trigger, else the
nearest one after it (GUIDELINES §3). Lines starting with `#` are comments. Every problem is reported with the sheet's line number.

Resolved sheets are loaded into Label Studio as annotations (`gaiko ls push --annotations`); the
Label Studio export, not the sheet, is the source of truth of the gold.
"""

from __future__ import annotations

import re
from pathlib import Path

from gaiko import schema
from gaiko.documents import argument_order, validate_document
from gaiko.io import GaikoError, read_text
from gaiko.problems import Problem, and_more
from gaiko.text import sentences

_PARAGRAPH = re.compile(r"^P(\d+)$")
def resolve_sheet(path: str | Path, documents: dict[str, dict]) -> dict:
    """Resolve one sheet against its document; return the annotated document (documents shape)."""
    path = Path(path)
    lines = read_text(path).split("\n")
    doc_id = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("# document:")), None)

    def fail(line: int | None, reason: str, message: str) -> GaikoError:
        return Problem(line, message, reason).error(path)

    if doc_id not in documents:
        raise fail(1, "missing_header", f"'# document: ID' header missing or unknown id {doc_id!r}")
    doc = documents[doc_id]
    text = doc["text"]
    paragraph_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            paragraph_starts.append(i + 1)

    mentions: list[dict] = []
    triggers: list[tuple[int, dict, str]] = []  # (sheet line, event, raw argument spec)
    cursor = limit = None
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if m := _PARAGRAPH.match(line):
            p = int(m.group(1))
            if p >= len(paragraph_starts):
                raise fail(number, "unknown_paragraph",
                           f"paragraph P{p} does not exist (the text has {len(paragraph_starts)})")
            cursor = paragraph_starts[p]
            limit = paragraph_starts[p + 1] - 1 if p + 1 < len(paragraph_starts) else len(text)
            continue
        if cursor is None:
            raise fail(number, "item_before_paragraph", "an item before the first 'P<n>' paragraph line")
        fields = [f.strip() for f in line.split("|")]
        is_trigger = fields[0].startswith("@")
        surface = fields[0].lstrip("@").strip()
        start = text.find(surface, cursor, limit) if surface else -1
        if start == -1:
            raise fail(number, "surface_not_found",
                       f"{surface!r} not found in the rest of the paragraph: {text[cursor:limit][:40]!r}")
        end = start + len(surface)
        cursor = end
        if is_trigger:
            if len(fields) not in (3, 4):
                raise fail(number, "bad_sheet_line", "a trigger line is '@surface | TYPE | REALIS [| role=ref; ...]'")
            event = {"type": fields[1], "realis": fields[2],
                     "trigger": {"start": start, "end": end, "text": surface}, "arguments": []}
            triggers.append((number, event, fields[3] if len(fields) == 4 else ""))
        else:
            if len(fields) not in (2, 3):
                raise fail(number, "bad_sheet_line", "a mention line is 'surface | LABEL [| entity_id]'")
            mentions.append({"start": start, "end": end, "label": fields[1], "text": surface,
                             "entity_id": fields[2] if len(fields) == 3 and fields[2] else None})

    mentions.sort(key=lambda m: (m["start"], m["end"]))
    for i, m in enumerate(mentions, start=1):
        m["id"] = f"m{i}"
    events = []
    for number, event, spec in sorted(triggers, key=lambda t: t[1]["trigger"]["start"]):
        for part in filter(None, (p.strip() for p in spec.split(";"))):
            role, _, ref = (s.strip() for s in part.partition("="))
            if role not in schema.ROLE_NAMES:
                raise fail(number, "unknown_role", f"unknown role {role!r} (roles: {', '.join(schema.ROLE_NAMES)})")
            mention = _resolve_argument(text, mentions, event["trigger"]["start"], ref)
            if mention is None:
                raise fail(number, "unknown_mention", f"argument {role}={ref}: no such mention in the document")
            event["arguments"].append({"role": role, "mention_id": mention["id"]})
        by_id = {m["id"]: m for m in mentions}
        event["arguments"].sort(key=lambda a: argument_order(a["role"], by_id[a["mention_id"]]["start"],
                                                             by_id[a["mention_id"]]["end"]))
        events.append(event)
    for i, event in enumerate(events, start=1):
        event["id"] = f"e{i}"
    annotated = {**doc, "entities": mentions, "events": events}
    problems = validate_document(annotated)
    if problems:
        raise problems[0].error(path, and_more(len(problems) - 1))
    return annotated


def _resolve_argument(text: str, mentions: list[dict], trigger_start: int, ref: str) -> dict | None:
    if ref.startswith("#"):
        candidates = [m for m in mentions if m["entity_id"] == ref[1:]]
    else:
        candidates = [m for m in mentions if m["text"] == ref]
    s_start, s_end = next(((a, b) for a, b in sentences(text, inside_quotes=True)
                           if a <= trigger_start < b), (0, 0))
    same_sentence = [m for m in candidates if s_start <= m["start"] < s_end]
    if same_sentence:
        return min(same_sentence, key=lambda m: (abs(m["start"] - trigger_start), m["start"]))
    before = [m for m in candidates if m["start"] < trigger_start]
    if before:
        return max(before, key=lambda m: m["start"])
    after = [m for m in candidates if m["start"] > trigger_start]  # a headline names its participants later
    return min(after, key=lambda m: m["start"]) if after else None


def sheet_warnings(doc: dict) -> list[str]:
    """Things an annotator should look at: likely gaps, not errors."""
    text, warnings = doc["text"], []
    covered = set()
    for m in doc["entities"]:
        covered.update(range(m["start"], m["end"]))
    for e in doc["events"]:
        covered.update(range(e["trigger"]["start"], e["trigger"]["end"]))
    for surface, label in sorted({(m["text"], m["label"]) for m in doc["entities"]}):
        start = text.find(surface)
        while start != -1:
            if not covered.intersection(range(start, start + len(surface))):
                warnings.append(f"{surface!r} ({label}) unannotated at {start}")
            start = text.find(surface, start + 1)
    for m in doc["entities"]:
        if m["label"] in schema.COREF_LABELS and not m["entity_id"]:
            warnings.append(f"{m['text']!r} ({m['label']}) at {m['start']} has no entity id")
    for e in doc["events"]:
        if not e["arguments"]:
            warnings.append(f"event {e['type']} {e['trigger']['text']!r} at {e['trigger']['start']} has no arguments")
    return warnings
