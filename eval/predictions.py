"""Reading and validating predictions: every problem is found, located by line, and counted.

A predictions file is JSONL, one object per document:
  {"id", "entities": [{"start", "end", "label"}],
   "events": [{"type", "realis" (optional), "trigger": {"start", "end"}, "arguments": [{"role", "start", "end"}]}]}
Spans may also carry "text", which must then equal the document text at those offsets. A document
without a line predicts nothing, but a file without any line is a problem (a run that wrote nothing).

Validation never stops at the first problem: each problem names its line and rejects the smallest
part it concerns (a whole line, one entity, one event with its arguments, one argument). The
valid remainder is kept so that a lenient caller can score it; every rejected item is counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from gaiko import schema
from gaiko.io import GaikoError, brief, json_problem, loads, read_bytes

DOCUMENT_FIELDS = frozenset({"id", "entities", "events"})
ENTITY_FIELDS = frozenset({"start", "end", "label", "text"})
EVENT_FIELDS = frozenset({"type", "realis", "trigger", "arguments"})
TRIGGER_FIELDS = frozenset({"start", "end", "text"})
ARGUMENT_FIELDS = frozenset({"role", "start", "end", "text"})
ITEM_KINDS = ("documents", "entities", "events", "arguments")


@dataclass(frozen=True)
class Problem:
    """One problem: its line, a readable message, a short reason used for counting, and what it rejects."""

    line: int
    message: str
    reason: str
    rejected: tuple[tuple[str, int], ...] = ()  # (item kind, how many) dropped because of this problem

    def format(self, file: str | Path) -> str:
        return f"{file}:{self.line}: {self.message}"


class Predictions(NamedTuple):
    by_id: dict[str, dict]  # the valid part, in the documented shape
    problems: list[Problem]


def read_records(path: str | Path) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """Parse every line on its own, so one bad line (BOM, non-UTF-8, bad JSON, NaN) hides no other."""
    data = read_bytes(path)
    records, problems = [], []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # every line would be undecodable: say it once
        return [], [Problem(1, "file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8",
                            "not_utf8", (("documents", data.count(b"\n") or 1),))]
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(1, "file starts with a UTF-8 byte order mark; save it without one", "bom"))
        data = data[3:]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(Problem(number, f"not UTF-8: byte 0x{raw[e.start]:02x} at column {e.start + 1}",
                                    "not_utf8", (("documents", 1),)))
            continue
        if not line.strip():
            continue
        try:
            records.append((number, loads(line)))
        except ValueError as e:
            problems.append(Problem(number, json_problem(e), "invalid_json", (("documents", 1),)))
    if not records and not problems:  # most likely a run that failed before writing anything
        problems.append(Problem(1, "empty: no prediction line at all (write one line per document, even one "
                                "that predicts nothing)", "empty"))
    return records, problems


def _offsets_problem(span: Any, text: str) -> tuple[str, str] | None:
    """(reason, message) when a span's offsets or text are wrong, else None."""
    if not isinstance(span, dict):
        return "not_an_object", f"must be an object, got {type(span).__name__}"
    start, end = span.get("start"), span.get("end")
    if type(start) is not int or type(end) is not int:
        return "offsets_not_integers", f"start/end must be integers, got {brief(start)}/{brief(end)}"
    if not 0 <= start < end <= len(text):
        return "offsets_out_of_range", f"offsets {start}-{end} must satisfy 0 <= start < end <= {len(text)}"
    if "text" in span and span["text"] != text[start:end]:
        return "text_mismatch", f"text {brief(span['text'])} != document text[{start}:{end}] {brief(text[start:end])}"
    return None


def _unknown_fields(item: dict, allowed: frozenset[str]) -> str | None:
    extra = sorted(set(item) - allowed)
    return f"unknown field(s) {', '.join(map(brief, extra))}" if extra else None


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _check_entities(line: int, entities: list, text: str, problems: list[Problem]) -> list[dict]:
    valid = []
    for i, ent in enumerate(entities):
        where = f"entities[{i}]"
        bad = _offsets_problem(ent, text)
        if bad is None and (extra := _unknown_fields(ent, ENTITY_FIELDS)):
            bad = ("unknown_field", extra)
        if bad is None and ent.get("label") not in schema.ENTITY_LABELS:
            bad = ("unknown_label", f"unknown entity label {brief(ent.get('label'))}")
        if bad:
            problems.append(Problem(line, f"{where}: {bad[1]}", bad[0], (("entities", 1),)))
        else:
            valid.append((i, {"start": ent["start"], "end": ent["end"], "label": ent["label"]}))
    # Mentions are flat: in offset order, a span that overlaps (or repeats) a kept one is rejected.
    kept, last = [], None
    for i, ent in sorted(valid, key=lambda x: (x[1]["start"], x[1]["end"], x[1]["label"], x[0])):
        if last is not None and ent["start"] < last[1]["end"]:
            j, other = last
            what = "duplicates" if (ent["start"], ent["end"]) == (other["start"], other["end"]) else "overlaps"
            problems.append(Problem(
                line, f"entities[{i}] ({ent['start']}-{ent['end']} {ent['label']}): {what} entities[{j}] "
                f"({other['start']}-{other['end']} {other['label']}); entity spans must be flat",
                "overlapping_entities" if what == "overlaps" else "duplicate_entity", (("entities", 1),)))
            continue
        kept.append(ent)
        last = (i, ent)
    return kept


def _check_arguments(line: int, where: str, arguments: list, text: str, problems: list[Problem]) -> list[dict]:
    valid, seen = [], {}
    for k, arg in enumerate(arguments):
        here = f"{where}.arguments[{k}]"
        bad = _offsets_problem(arg, text)
        if bad is None and (extra := _unknown_fields(arg, ARGUMENT_FIELDS)):
            bad = ("unknown_field", extra)
        if bad is None and arg.get("role") not in schema.ROLE_NAMES:
            bad = ("unknown_role", f"unknown role {brief(arg.get('role'))}")
        if bad is None and (key := (arg["role"], arg["start"], arg["end"])) in seen:
            bad = ("duplicate_argument", f"duplicates {where}.arguments[{seen[key]}]")
        if bad:
            problems.append(Problem(line, f"{here}: {bad[1]}", bad[0], (("arguments", 1),)))
            continue
        seen[key] = k
        valid.append({"role": arg["role"], "start": arg["start"], "end": arg["end"]})
    return valid


def _event_problem(ev: Any, text: str) -> tuple[str, str] | None:
    if not isinstance(ev, dict):
        return "not_an_object", f"must be an object, got {type(ev).__name__}"
    if extra := _unknown_fields(ev, EVENT_FIELDS):
        return "unknown_field", extra
    if ev.get("type") not in schema.EVENT_LABELS:
        return "unknown_event_type", f"unknown event type {brief(ev.get('type'))}"
    if "realis" in ev and ev["realis"] not in schema.REALIS_VALUES:
        return "unknown_realis", f"unknown realis {brief(ev['realis'])}"
    if "trigger" not in ev:
        return "missing_trigger", "has no trigger; an event and its arguments need one"
    bad = _offsets_problem(ev["trigger"], text)
    if bad is None and (extra := _unknown_fields(ev["trigger"], TRIGGER_FIELDS)):
        bad = ("unknown_field", extra)
    if bad:
        return bad[0], f"trigger: {bad[1]}"
    if not isinstance(ev.get("arguments", []), list):
        return "not_a_list", "'arguments' must be a list"
    return None


def _check_events(line: int, events: list, text: str, problems: list[Problem]) -> list[dict]:
    valid, seen = [], {}
    for i, ev in enumerate(events):
        where = f"events[{i}]"
        bad = _event_problem(ev, text)
        if bad:
            n_args = len(_as_list(ev.get("arguments"))) if isinstance(ev, dict) else 0
            problems.append(Problem(line, f"{where}: {bad[1]}", bad[0], (("events", 1), ("arguments", n_args))))
            continue
        key = (ev["type"], ev["trigger"]["start"], ev["trigger"]["end"])
        if key in seen:
            problems.append(Problem(line, f"{where}: duplicates events[{seen[key]}] (same type and trigger)",
                                    "duplicate_event", (("events", 1), ("arguments", len(ev.get("arguments", []))))))
            continue
        seen[key] = i
        out = {"type": ev["type"], "trigger": {"start": key[1], "end": key[2]},
               "arguments": _check_arguments(line, where, ev.get("arguments", []), text, problems)}
        if "realis" in ev:
            out["realis"] = ev["realis"]
        valid.append(out)
    return valid


def _line_problem(record: Any, gold: dict[str, dict], first_line: dict[str, int]) -> tuple[str, str] | None:
    if not isinstance(record, dict):
        return "not_an_object", f"each line must be a JSON object, got {type(record).__name__}"
    doc_id = record.get("id")
    if not isinstance(doc_id, str):
        return "missing_id", f"'id' must be a string, got {brief(doc_id)}"
    if doc_id not in gold:
        return "unknown_document", f"unknown document id {brief(doc_id)} (not in the gold documents)"
    if doc_id in first_line:
        return "duplicate_document", f"duplicate document id {doc_id!r} (first on line {first_line[doc_id]})"
    if extra := _unknown_fields(record, DOCUMENT_FIELDS):
        return "unknown_field", extra
    for name in ("entities", "events"):
        if not isinstance(record.get(name, []), list):
            return "not_a_list", f"{name!r} must be a list"
    return None


def clean_records(records: list[tuple[int, Any]], gold_docs: list[dict]) -> Predictions:
    """Check (line, object) records against the gold documents; keep the valid part, list every problem."""
    gold = {doc["id"]: doc for doc in gold_docs}
    by_id, problems, first_line = {}, [], {}
    for line, record in records:
        bad = _line_problem(record, gold, first_line)
        if bad:
            items = record if isinstance(record, dict) else {}
            events = _as_list(items.get("events"))
            rejected = (("documents", 1), ("entities", len(_as_list(items.get("entities")))), ("events", len(events)),
                        ("arguments", sum(len(_as_list(e.get("arguments"))) for e in events if isinstance(e, dict))))
            problems.append(Problem(line, bad[1], bad[0], rejected))
            continue
        doc_id, text = record["id"], gold[record["id"]]["text"]
        first_line[doc_id] = line
        by_id[doc_id] = {
            "id": doc_id,
            "entities": _check_entities(line, record.get("entities", []), text, problems),
            "events": _check_events(line, record.get("events", []), text, problems),
        }
    return Predictions(by_id, problems)


def validate_records(records: list[tuple[int, object]], gold_docs: list[dict]) -> list[Problem]:
    """Every problem of (line, object) records, e.g. an extractor's parsed stdout."""
    return clean_records(records, gold_docs).problems


def load_predictions(path: str | Path, gold_docs: list[dict]) -> Predictions:
    """Read and check a predictions file: the valid predictions by document id, and every problem."""
    records, problems = read_records(path)
    cleaned = clean_records(records, gold_docs)
    return Predictions(cleaned.by_id, sorted(problems + cleaned.problems, key=lambda p: p.line))


def rejection_counts(problems: list[Problem] | tuple) -> dict[str, dict[str, int]]:
    """How many items each kind lost, and how many problems of each reason there were."""
    rejected = Counter({kind: 0 for kind in ITEM_KINDS})
    for problem in problems:
        rejected.update(dict(problem.rejected))
    return {"rejected": dict(rejected), "problems": dict(sorted(Counter(p.reason for p in problems).items()))}
