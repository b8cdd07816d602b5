"""The document record shared by the corpus, the gold, the dataset and the harness.

A document is a plain dict (it is what the `documents` config and gold JSONL files hold):

    {"id", "title", "publisher", "url", "date", "date_note", "language", "source_file", "text",
     "raw_alignment": [{"start", "raw_start", "length"}],
     "entities": [{"id", "start", "end", "label", "text", "entity_id"}],
     "events": [{"id", "type", "realis", "trigger": {"start", "end", "text"},
                 "arguments": [{"role", "mention_id"}]}]}

Offsets are Unicode code points, end exclusive, and `text[start:end]` equals the mention.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import msgspec

from gaiko import schema
from gaiko.io import GaikoError, blank, brief, decoded_line, iter_lines, jsonl_value, loads, read_head, unique_keys
from gaiko.problems import Problem
from gaiko.text import ANY_CONTROL_CHARACTER, control_character, overlaps, span_problem

METADATA_FIELDS = ("id", "title", "publisher", "url", "date", "date_note", "language", "source_file")
_ENTITY_ID = re.compile(schema.ENTITY_ID_PATTERN)


# The fields of the documents shape at each level; any other is refused (a misspelt field is not ignored).
DOCUMENT_FIELDS = (*METADATA_FIELDS, "text", "raw_alignment", "entities", "events")
MENTION_FIELDS = ("id", "start", "end", "text", "label", "entity_id")
EVENT_FIELDS = ("id", "type", "realis", "trigger", "arguments")
TRIGGER_FIELDS = ("start", "end", "text")
ARGUMENT_FIELDS = ("role", "mention_id")


def _unknown_fields(problem: Callable[[str, str, str], None], where: str, item: dict, fields: tuple[str, ...]) -> None:
    unknown = [key for key in item if key not in fields]
    if unknown:
        problem(where, "unknown_field", f"unknown field {brief(unknown[0])} (fields: {', '.join(fields)})")


def _got(item: dict, key: str) -> str:
    """What an input item holds under `key`, for a message: its value, or that it is missing."""
    return brief(item[key]) if key in item else "nothing (missing)"


def _named(kind: str, item: dict, index: int) -> str:
    """Where a problem of a mention or event is: its id, or its place in the list when it has no usable id."""
    name = item.get("id")
    return f"{kind} {name}" if isinstance(name, str) and name else f"{kind} #{index + 1}"


def _id_checked(problem: Callable[[str, str, str], None], where: str, item: dict, kind: str,
                seen: Container[str]) -> bool:
    """Check the id of a mention or event (`kind`) against the ids `seen` before it; False when it has no
    usable id (the item is then not checked further)."""
    if not isinstance(item.get("id"), str) or not item["id"]:
        problem(where, "missing_id", f"{'an' if kind == 'event' else 'a'} {kind}'s id must be a non-empty string, "
                f"got {_got(item, 'id')}")
        return False
    if control := control_character(item["id"], ANY_CONTROL_CHARACTER):
        problem(where, "control_character", f"the id contains the control character {control}")
    if item["id"] in seen:
        problem(where, "duplicate_mention_id" if kind == "mention" else "duplicate_event_id", f"duplicate {kind} id")
    return True


def _objects(problem: Callable[[str, str, str], None], kind: str, items: Any) -> list[dict]:
    """The objects of a list of items (none when it is not a list: that is reported by the caller); every
    other item is a problem."""
    if not isinstance(items, list):
        return []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problem(f"{kind} #{i + 1}", "not_an_object", f"must be an object, got {brief(item)}")
    return [item for item in items if isinstance(item, dict)]


ALIGNMENT_FIELDS = ("start", "raw_start", "length")


def _check_alignment(problem: Callable[[str, str, str], None], alignment: Any, length: int) -> None:
    """`raw_alignment`, when there is one: runs {start, raw_start, length} of integers, in text order, each
    of at least one character of the text (of `length` characters), none overlapping the one before."""
    if alignment is None:
        return
    if not isinstance(alignment, list):
        problem("document", "not_a_list", f"'raw_alignment' must be a list, got {brief(alignment)}")
    covered = 0  # where the run before ends
    for i, item in enumerate(_objects(problem, "raw_alignment", alignment)):
        where = f"raw_alignment #{i + 1}"
        _unknown_fields(problem, where, item, ALIGNMENT_FIELDS)
        if any(type(item.get(key)) is not int or item[key] < 0 for key in ALIGNMENT_FIELDS):
            problem(where, "bad_alignment", f"start, raw_start and length must be non-negative integers, got {brief(item)}")
        elif not covered <= item["start"] < item["start"] + item["length"] <= length:
            problem(where, "bad_alignment", f"the run {item['start']}-{item['start'] + item['length']} must lie in "
                    f"the text (0-{length}), after the run before (ending at {covered}), and not be empty")
        else:
            covered = item["start"] + item["length"]


def validate_document(doc: dict) -> list[Problem]:
    """Every problem of one gold document (empty list when valid); each reads `where: what` (`str`)."""
    problems: list[Problem] = []

    def problem(where: str, reason: str, message: str) -> None:
        problems.append(Problem(None, message, reason, where=where))

    text = doc.get("text")
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        problem("document", "missing_id", f"a document's id must be a non-empty string, got {_got(doc, 'id')}")
    _unknown_fields(problem, "document", doc, DOCUMENT_FIELDS)
    for key in METADATA_FIELDS[1:]:
        if doc.get(key) is not None and not isinstance(doc[key], str):
            problem("document", "metadata_not_string", f"'{key}' must be a string or null, got {brief(doc[key])}")
    for key in METADATA_FIELDS:
        if isinstance(doc.get(key), str) and (control := control_character(doc[key], ANY_CONTROL_CHARACTER)):
            problem("document", "control_character", f"'{key}' contains the control character {control}")
    if not isinstance(text, str):
        problem("document", "text_not_string", f"'text' must be a string, got {_got(doc, 'text')}")
        return problems
    if "\r" in text:
        problem("document", "carriage_return", "text contains '\\r'; newlines must be '\\n'")
    if control := control_character(text):
        problem("document", "control_character", f"text contains the control character {control}; a clean text "
                "holds none but newline and tab")
    for key in ("entities", "events"):  # absent: none (a text-only document); null or a scalar is a mistake
        if key in doc and not isinstance(doc[key], list):
            problem("document", "annotations_not_list", f"'{key}' must be a list (empty when there is none), "
                    f"got {brief(doc[key])}")
    _check_alignment(problem, doc.get("raw_alignment"), len(text))

    def check_span(where: str, span: dict) -> bool:
        start, end = span.get("start"), span.get("end")
        bad = span_problem(start, end, text, span.get("text"))
        if bad == "offsets_not_integers":
            problem(where, bad, f"start/end must be integers, got {_got(span, 'start')}/{_got(span, 'end')}")
        elif bad == "offsets_out_of_range":
            problem(where, bad, f"offsets {start}-{end} outside 0-{len(text)} or empty")
        elif bad == "text_mismatch":
            problem(where, bad, f"text {_got(span, 'text')} != text[{start}:{end}] {brief(text[start:end])}")
        return bad in (None, "text_mismatch")

    mentions: dict[str, dict] = {}
    spans: list[tuple[int, int, str]] = []
    for i, m in enumerate(_objects(problem, "entity", doc.get("entities"))):
        where = _named("entity", m, i)
        _unknown_fields(problem, where, m, MENTION_FIELDS)
        if not _id_checked(problem, where, m, "mention", mentions):
            continue
        mentions[m["id"]] = m
        label = m.get("label") if m.get("label") in schema.ENTITY_LABELS else None  # any JSON value: maybe a list
        if label is None:
            problem(where, "unknown_label", f"unknown label {_got(m, 'label')}")
        if check_span(where, m):
            spans.append((m["start"], m["end"], m["id"]))
        eid = m.get("entity_id")
        if eid is not None and label is not None:
            if label not in schema.COREF_LABELS:
                problem(where, "entity_id_not_allowed", f"a {label} mention carries no entity id (got {brief(eid)})")
            elif not isinstance(eid, str) or not _ENTITY_ID.fullmatch(eid):
                problem(where, "bad_entity_id", f"entity id {brief(eid)} is not lower_snake_case ASCII")
    for (s1, e1, a), (s2, e2, b) in overlaps(sorted(spans), drop=False):
        if (s1, e1) == (s2, e2):
            problem(f"entity {b}", "duplicate_entity", f"has the span of entity {a} ({s1}-{e1})")
        else:
            problem(f"entity {b}", "overlapping_entities",
                    f"overlaps entity {a} ({s1}-{e1} and {s2}-{e2}); mentions are flat")

    event_ids: set[str] = set()
    triggers: dict[tuple[str, int, int], str] = {}  # (type, start, end) -> the first event's id
    for i, ev in enumerate(_objects(problem, "event", doc.get("events"))):
        where = _named("event", ev, i)
        if not _id_checked(problem, where, ev, "event", event_ids):
            continue
        event_ids.add(ev["id"])
        _unknown_fields(problem, where, ev, EVENT_FIELDS)
        if ev.get("type") not in schema.EVENT_LABELS:
            problem(where, "unknown_event_type", f"unknown event type {_got(ev, 'type')}")
        if ev.get("realis") not in schema.REALIS_VALUES:
            problem(where, "unknown_realis", f"unknown realis {_got(ev, 'realis')}")
        trigger = ev.get("trigger")
        if not isinstance(trigger, dict):
            problem(where, "missing_trigger", f"'trigger' must be an object (start, end, text), got {_got(ev, 'trigger')}")
        else:
            _unknown_fields(problem, f"{where} trigger", trigger, TRIGGER_FIELDS)
            if check_span(f"{where} trigger", trigger) and ev.get("type") in schema.EVENT_LABELS:
                key = (ev["type"], trigger["start"], trigger["end"])
                if key in triggers:
                    problem(where, "duplicate_event", f"a second {ev['type']} event on trigger "
                            f"{trigger['start']}-{trigger['end']} (first: event {triggers[key]})")
                triggers.setdefault(key, ev["id"])
        seen_args: set[tuple[str, str]] = set()
        if "arguments" in ev and not isinstance(ev["arguments"], list):
            problem(where, "not_a_list", f"'arguments' must be a list, got {brief(ev['arguments'])}")
        for arg in _objects(problem, f"{where} argument", ev.get("arguments")):
            role, mid = arg.get("role"), arg.get("mention_id")
            if not isinstance(mid, str):
                problem(where, "unknown_mention", f"an argument's mention_id must be a string, got {_got(arg, 'mention_id')}")
                continue
            _unknown_fields(problem, where, arg, ARGUMENT_FIELDS)
            if role not in schema.ROLE_NAMES:  # any JSON value: maybe a list
                problem(where, "unknown_role", f"unknown role {_got(arg, 'role')}")
                continue
            if mid not in mentions:
                problem(where, "unknown_mention", f"argument {role} points to unknown mention {brief(mid)}")
            elif (label := mentions[mid].get("label")) in schema.ENTITY_LABELS and \
                    label not in schema.ROLE_ENTITY_TYPES.get(role, schema.ENTITY_LABELS):
                problem(where, "role_type_mismatch", f"{role} cannot be a {label} mention ({mid})")
            if (role, mid) in seen_args:
                problem(where, "duplicate_argument", f"duplicate argument {role}={mid}")
            seen_args.add((role, mid))
    return problems


# Any JSON value but a container (so every member is counted), and no integer too long for the fast path
# (`loads` names one over MAX_INTEGER_DIGITS).
_Scalar = str | Annotated[int, msgspec.Meta(ge=-10**18, le=10**18)] | float | bool | None


class _GoldSpan(msgspec.Struct, forbid_unknown_fields=True):
    start: _Scalar = msgspec.UNSET
    end: _Scalar = msgspec.UNSET
    text: _Scalar = msgspec.UNSET


class _GoldMention(_GoldSpan, forbid_unknown_fields=True):
    id: _Scalar = msgspec.UNSET
    label: _Scalar = msgspec.UNSET
    entity_id: _Scalar = msgspec.UNSET


class _GoldArgument(msgspec.Struct, forbid_unknown_fields=True):
    role: _Scalar = msgspec.UNSET
    mention_id: _Scalar = msgspec.UNSET


class _GoldEvent(msgspec.Struct, forbid_unknown_fields=True):
    id: _Scalar = msgspec.UNSET
    type: _Scalar = msgspec.UNSET
    realis: _Scalar = msgspec.UNSET
    trigger: _GoldSpan | None = msgspec.UNSET
    arguments: list[_GoldArgument] | None = msgspec.UNSET


class _GoldAlignment(msgspec.Struct, forbid_unknown_fields=True):
    start: _Scalar = msgspec.UNSET
    raw_start: _Scalar = msgspec.UNSET
    length: _Scalar = msgspec.UNSET


class _GoldDocument(msgspec.Struct, forbid_unknown_fields=True):
    id: _Scalar = msgspec.UNSET
    title: _Scalar = msgspec.UNSET
    publisher: _Scalar = msgspec.UNSET
    url: _Scalar = msgspec.UNSET
    date: _Scalar = msgspec.UNSET
    date_note: _Scalar = msgspec.UNSET
    language: _Scalar = msgspec.UNSET
    source_file: _Scalar = msgspec.UNSET
    text: _Scalar = msgspec.UNSET
    raw_alignment: list[_GoldAlignment] | None = msgspec.UNSET
    entities: list[_GoldMention] | None = msgspec.UNSET
    events: list[_GoldEvent] | None = msgspec.UNSET


_DECODE_DOCUMENT = msgspec.json.Decoder(_GoldDocument).decode


def _decode_document(line: str) -> Any:
    """A gold line as plain objects: decoded against the document's shape in C when it has exactly
    that shape and no duplicate key (members counted as in `gaiko.io.unique_keys`), else by `loads`."""
    try:
        doc = msgspec.to_builtins(_DECODE_DOCUMENT(line))
    except (msgspec.MsgspecError, RecursionError):
        return loads(line)
    members = len(doc) + sum(map(len, doc.get("entities") or ())) + sum(map(len, doc.get("raw_alignment") or ()))
    for event in doc.get("events") or ():
        members += len(event) + len(event.get("trigger") or ()) + sum(map(len, event.get("arguments") or ()))
    return doc if unique_keys(line, members) else loads(line)


def load_documents(path: str | Path) -> list[dict]:
    """Read a gold JSONL file in the `documents` shape, validating every document."""
    return list(iter_documents(path))


# Formats a gold file is mistaken for, by their first bytes: each is one error naming it, not a UTF-8 error.
_NOT_JSONL = ((b"PAR1", "a Parquet file"), (b"ARROW1", "an Arrow file"),
              (b"\xff\xff\xff\xff", "an Arrow stream (as `save_to_disk` writes)"),
              (b"\x1f\x8b", "gzip-compressed"), (b"PK\x03\x04", "a zip archive"))
_JSONL_HINT = ("gold files are JSON lines in the documents shape, one document per line; from the dataset "
               "write one with `load_dataset(DIR, \"documents\", split=\"test\").to_json(FILE, force_ascii=False)`")


def iter_documents(path: str | Path) -> Iterator[dict]:
    """The documents of a gold JSONL file in their full shape (`full_shape`), read and validated as a stream.

    A Parquet, Arrow or compressed file, a JSON array or indented JSON is refused in one error that
    names what it is and how to write JSON lines.
    """
    refuse_other_formats(path)
    seen: set[str] = set()
    for number, raw in enumerate(iter_lines(path), start=1):
        if (doc := document_line(path, seen, number, raw)) is not None:
            yield doc


def refuse_other_formats(path: str | Path) -> None:
    """Refuse a gold file in a format it is mistaken for, by its first bytes."""
    head = read_head(path, 8)
    kind = next((name for magic, name in _NOT_JSONL if head.startswith(magic)), None)
    if kind:
        raise GaikoError(f"is {kind}, not JSON lines; {_JSONL_HINT}", path)


def document_line(path: str | Path, seen: set[str], number: int, raw: bytes) -> dict | None:
    """Line `number` of a gold file as `iter_documents` reads it: the validated document in its full shape,
    added to the ids `seen`; None for a blank line; else the error."""
    try:
        line = decoded_line(path, number, raw)
        if blank(line):
            return None
        doc = jsonl_value(path, number, line, _decode_document)
    except GaikoError as e:
        if e.line == 1 and _opens_indented_json(raw):
            raise GaikoError(f"looks like indented JSON, not JSON lines ({e.problem}); {_JSONL_HINT}",
                             path, 1) from None
        raise
    if isinstance(doc, list) and number == 1:
        raise GaikoError(f"is a JSON array, not JSON lines; {_JSONL_HINT}", path, number)
    if not isinstance(doc, dict):
        raise Problem(number, "each line must be a JSON object", "not_an_object").error(path)
    problems = validate_document(doc)
    if problems:
        first = problems[0]
        named = f"document {brief(doc['id'])}" if isinstance(doc.get("id"), str) and doc["id"] else "document"
        message = first.message if first.where == "document" else str(first)  # said once: "document 'd2': ..."
        raise Problem(number, message, first.reason, where=named).error(path)
    if doc["id"] in seen:
        raise Problem(number, f"duplicate document id {brief(doc['id'])} (first on line "
                      f"{_first_line(path, doc['id'])})", "duplicate_document").error(path)
    seen.add(doc["id"])
    return full_shape(doc)


def full_shape(doc: dict) -> dict:
    """A valid document with every field of the documents shape: what a gold file may leave out (metadata,
    `raw_alignment`, annotations, an entity id, an event's arguments) is null or empty, as its absence means."""
    return {**dict.fromkeys(METADATA_FIELDS), **doc, "raw_alignment": doc.get("raw_alignment") or [],
            "entities": [{"entity_id": None, **m} for m in doc.get("entities") or ()],
            "events": [{"arguments": [], **e} for e in doc.get("events") or ()]}


class _Identified(msgspec.Struct):
    id: Any = None


def _first_line(path: str | Path, doc_id: str) -> int:
    """The number of the first line of a gold file that holds document `doc_id`: read again, since only
    a duplicate needs it (the ids seen are kept without their lines)."""
    decode = msgspec.json.Decoder(_Identified).decode
    for number, raw in enumerate(iter_lines(path), start=1):
        try:
            if decode(raw).id == doc_id:
                return number
        except (msgspec.MsgspecError, UnicodeDecodeError):
            continue
    raise AssertionError(f"document {doc_id!r} was seen before, but no line holds it")


def _opens_indented_json(raw: bytes) -> bool:
    """Whether a first line is what JSON written with indentation starts with: `{` or `[` alone (or `[{`),
    never a whole record on one line."""
    return raw.strip().replace(b" ", b"") in (b"{", b"[", b"[{")


def argument_order(role: str, start: int, end: int) -> tuple[int, int, int]:
    """The canonical order of an event's arguments (schema role order, then mention offsets), so that
    every path to the gold (sheets, Label Studio exports) gives byte-identical documents."""
    return schema.ROLE_INDEX[role], start, end


def entity_spans(entities: Iterable[dict] | None) -> list[tuple[int, int, str]]:
    """(start, end, label) of each entity mention (gold or predicted), in their order."""
    return [(m["start"], m["end"], m["label"]) for m in entities or ()]


def trigger_spans(events: Iterable[dict] | None) -> list[tuple[int, int, str]]:
    """(start, end, type) of each event's trigger (gold or predicted), in their order."""
    return [(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in events or ()]


def mention_index(doc: dict) -> dict[str, dict]:
    return {m["id"]: m for m in doc.get("entities") or []}


def strip_annotations(doc: dict) -> dict:
    """The document as an extractor sees it: metadata and text, no entities or events."""
    return {k: doc[k] for k in (*METADATA_FIELDS, "text") if k in doc}
