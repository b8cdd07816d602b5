"""Reading and validating predictions: every problem is found, located by line, and counted.

A predictions file is JSONL, one object per document:
  {"id", "entities": [{"start", "end", "label"}],
   "events": [{"type", "realis" (optional), "trigger": {"start", "end"}, "arguments": [{"role", "start", "end"}]}]}
Spans may also carry "text", which must then equal the document text at those offsets. A document
without a line predicts nothing, but a file without any line is a problem (a run that wrote nothing).

Validation never stops at the first problem: each problem names its line and rejects the smallest
part it concerns (a whole line, one entity, one event with its arguments, one argument). The
valid remainder is kept so that a lenient caller can score it; every rejected item is counted.

Speed: each line is decoded by msgspec into typed structs (types checked in C), checked for duplicate
keys by counting key ends (`gaiko.io.unique_keys`), and its items checked in one pass. Any line where
anything is off takes the plain path (strict `gaiko.io.loads`, then the checks below), so every problem
and its message are exactly those of the plain path. Several files (shards) may hold the predictions,
in any order; a document's line is matched when its gold document comes (`PredictionIndex.take`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from msgspec import UNSET, UnsetType

from gaiko import schema
from gaiko.io import brief, iter_lines, json_problem, loads, unique_keys
from gaiko.problems import Problem
from gaiko.text import overlaps, span_problem

DOCUMENT_FIELDS = frozenset({"id", "entities", "events"})
ENTITY_FIELDS = frozenset({"start", "end", "label", "text"})
EVENT_FIELDS = frozenset({"type", "realis", "trigger", "arguments"})
TRIGGER_FIELDS = frozenset({"start", "end", "text"})
ARGUMENT_FIELDS = frozenset({"role", "start", "end", "text"})
ITEM_KINDS = ("documents", "entities", "events", "arguments")


@dataclass(frozen=True)
class ShardProblem(Problem):
    """A problem of one of several prediction files: it names its own `file` (`Problem.format` prefers it)."""


class Predictions(NamedTuple):
    by_id: dict[str, dict]  # the valid part, in the documented shape
    problems: list[Problem]


def _offsets_problem(span: Any, text: str) -> tuple[str, str] | None:
    """(reason, message) when a span's offsets or text are wrong, else None."""
    if not isinstance(span, dict):
        return "not_an_object", f"must be an object, got {type(span).__name__}"
    start, end = span.get("start"), span.get("end")
    bad = span_problem(start, end, text, span.get("text"), "text" in span)
    if bad == "offsets_not_integers":
        return bad, f"start/end must be integers, got {brief(start)}/{brief(end)}"
    if bad == "offsets_out_of_range":
        return bad, f"offsets {start}-{end} must satisfy 0 <= start < end <= {len(text)}"
    if bad == "text_mismatch":
        return bad, f"text {brief(span['text'])} != document text[{start}:{end}] {brief(text[start:end])}"
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
    ordered = sorted(valid, key=lambda x: (x[1]["start"], x[1]["end"], x[1]["label"], x[0]))
    rejected = set()
    for (j, other), (i, ent) in overlaps(ordered, lambda x: (x[1]["start"], x[1]["end"])):
        rejected.add(i)
        what = "duplicates" if (ent["start"], ent["end"]) == (other["start"], other["end"]) else "overlaps"
        problems.append(Problem(
            line, f"entities[{i}] ({ent['start']}-{ent['end']} {ent['label']}): {what} entities[{j}] "
            f"({other['start']}-{other['end']} {other['label']}); entity spans must be flat",
            "overlapping_entities" if what == "overlaps" else "duplicate_entity", (("entities", 1),)))
    return [ent for i, ent in ordered if i not in rejected]


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


def _id_problem(record: Any) -> tuple[str, str] | None:
    """What makes a record unusable before its document is known: not an object, no string id."""
    if not isinstance(record, dict):
        return "not_an_object", f"each line must be a JSON object, got {type(record).__name__}"
    if not isinstance(record.get("id"), str):
        return "missing_id", f"'id' must be a string, got {brief(record.get('id'))}"
    return None


def _body_problem(record: dict) -> tuple[str, str] | None:
    if extra := _unknown_fields(record, DOCUMENT_FIELDS):
        return "unknown_field", extra
    for name in ("entities", "events"):
        if not isinstance(record.get(name, []), list):
            return "not_a_list", f"{name!r} must be a list"
    return None


def _line_rejected(record: Any) -> tuple[tuple[str, int], ...]:
    """What a rejected line takes with it: the document and all its items."""
    items = record if isinstance(record, dict) else {}
    events = _as_list(items.get("events"))
    return (("documents", 1), ("entities", len(_as_list(items.get("entities")))), ("events", len(events)),
            ("arguments", sum(len(_as_list(e.get("arguments"))) for e in events if isinstance(e, dict))))


# ---------------------------------------------------------------------------------------------
# The typed fast path

class _Span(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    start: int
    end: int
    text: str | UnsetType = UNSET


class _Entity(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    start: int
    end: int
    label: str
    text: str | UnsetType = UNSET


class _Argument(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    role: str
    start: int
    end: int
    text: str | UnsetType = UNSET


class _Event(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    type: str
    trigger: _Span | UnsetType = UNSET
    realis: str | UnsetType = UNSET
    arguments: list[_Argument] | UnsetType = UNSET


class _Line(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    id: str
    entities: list[_Entity] | UnsetType = UNSET
    events: list[_Event] | UnsetType = UNSET


_DECODE_LINE = msgspec.json.Decoder(_Line).decode
_LABELS, _TYPES = frozenset(schema.ENTITY_LABELS), frozenset(schema.EVENT_LABELS)
_ROLES, _REALIS = frozenset(schema.ROLE_NAMES), frozenset(schema.REALIS_VALUES)


def _members(line: _Line) -> int:
    """How many object members the typed line was decoded from (for `unique_keys`)."""
    entities, events = line.entities or (), line.events or ()
    n = 1 + (line.entities is not UNSET) + (line.events is not UNSET)
    n += 3 * len(entities) + sum(e.text is not UNSET for e in entities)
    for ev in events:
        n += 1 + (ev.realis is not UNSET) + (ev.arguments is not UNSET)
        if ev.trigger is not UNSET:
            n += 3 + (ev.trigger.text is not UNSET)
        arguments = ev.arguments or ()
        n += 3 * len(arguments) + sum(a.text is not UNSET for a in arguments)
    return n


def _span_ok(span: Any, text: str) -> bool:
    return span_problem(span.start, span.end, text, span.text, span.text is not UNSET) is None


def _fast_prediction(line: _Line, text: str) -> dict | None:
    """The prediction in the documented shape when every item of the line is valid, else None."""
    spans = []
    for e in line.entities or ():
        if e.label not in _LABELS or not _span_ok(e, text):
            return None
        spans.append((e.start, e.end, e.label))
    spans.sort()
    if next(overlaps(spans), None):
        return None
    events, seen = [], set()
    for ev in line.events or ():
        trigger = ev.trigger
        if (ev.type not in _TYPES or trigger is UNSET or (ev.realis is not UNSET and ev.realis not in _REALIS)
                or not _span_ok(trigger, text) or (key := (ev.type, trigger.start, trigger.end)) in seen):
            return None
        seen.add(key)
        arguments, seen_args = [], set()
        for a in ev.arguments or ():
            if a.role not in _ROLES or not _span_ok(a, text) or (arg := (a.role, a.start, a.end)) in seen_args:
                return None
            seen_args.add(arg)
            arguments.append({"role": a.role, "start": a.start, "end": a.end})
        out = {"type": ev.type, "trigger": {"start": trigger.start, "end": trigger.end}, "arguments": arguments}
        if ev.realis is not UNSET:
            out["realis"] = ev.realis
        events.append(out)
    return {"id": line.id, "entities": [{"start": s, "end": e, "label": label} for s, e, label in spans],
            "events": events}


# ---------------------------------------------------------------------------------------------
# Reading lines, matching them to gold documents

def _parse(number: int, raw: bytes, problems: list[Problem]) -> Any:
    """A line's typed struct (fast path) or plain object; None (and a problem) when it is no JSON object."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(Problem(number, f"not UTF-8: byte 0x{raw[e.start]:02x} at column {e.start + 1}",
                                "not_utf8", (("documents", 1),)))
        return None
    if not line.strip():
        return None
    try:
        typed = _DECODE_LINE(raw)
        if unique_keys(raw, _members(typed)):
            return typed
    except msgspec.MsgspecError:
        pass
    try:
        return loads(line)
    except ValueError as e:
        problems.append(Problem(number, json_problem(e), "invalid_json", (("documents", 1),)))
        return None


class PredictionIndex:
    """Prediction lines of one or more files, parsed and held by document id until their gold document
    comes (`take`); `finish` reports the lines whose document never came. Problems that need no gold
    (encoding, JSON, no id) are found while reading."""

    def __init__(self):
        self.shard = False  # several files: each problem names its file
        self.files: list[str] = []
        self.pending: dict[str, list[tuple[int, int, Any]]] = {}  # id -> [(file index, line, record)]
        self.problems: list[Problem] = []
        self.accepted: dict[str, tuple[int, int]] = {}  # id -> (file index, line) of its prediction

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> PredictionIndex:
        index = cls()
        paths = list(paths)
        for path in paths:
            index.add_file(path, shard=len(paths) > 1)
        return index

    def _problem(self, file: int, problem: Problem) -> None:
        if self.shard:
            problem = ShardProblem(problem.line, problem.message, problem.reason, problem.rejected, self.files[file],
                                   problem.where)
        self.problems.append(problem)

    def add_file(self, path: str | Path, shard: bool = False) -> None:
        self.shard |= shard
        file = len(self.files)
        self.files.append(str(path))
        found, problems, lines = 0, [], enumerate(iter_lines(path), start=1)
        for number, raw in lines:
            if number == 1 and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # every line would be undecodable: say it once
                problems.append(Problem(1, "file is UTF-16 (it starts with a UTF-16 byte order mark); save it as "
                                        "UTF-8", "not_utf8", (("documents", sum(1 for _ in lines) or 1),)))
                break
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                problems.append(Problem(1, "file starts with a UTF-8 byte order mark; save it without one", "bom"))
                raw = raw[3:]
            record = _parse(number, raw, problems)
            if record is None:
                continue
            found += 1
            if not isinstance(record, _Line) and (bad := _id_problem(record)):
                problems.append(Problem(number, bad[1], bad[0], _line_rejected(record)))
                continue
            self.pending.setdefault(record.id if isinstance(record, _Line) else record["id"], []).append(
                (file, number, record))
        if not found and not problems:  # most likely a run that failed before writing anything
            problems.append(Problem(1, "empty: no prediction line at all (write one line per document, even one "
                                    "that predicts nothing)", "empty"))
        for problem in problems:
            self._problem(file, problem)

    def add_records(self, records: Iterable[tuple[int, Any]]) -> None:
        """(line, object) records already parsed, e.g. an extractor's output."""
        self.files.append("")
        for number, record in records:
            if bad := _id_problem(record):
                self.problems.append(Problem(number, bad[1], bad[0], _line_rejected(record)))
            else:
                self.pending.setdefault(record["id"], []).append((0, number, record))

    def take(self, doc: dict) -> dict | None:
        """The valid prediction of a gold document (None when it has no usable line); its lines' problems
        are added to `problems`."""
        entries = self.pending.pop(doc["id"], ())
        prediction, text = None, doc["text"]
        for file, number, record in entries:
            if doc["id"] in self.accepted:
                first_file, first_line = self.accepted[doc["id"]]
                where = f"line {first_line}" if first_file == file else f"{self.files[first_file]} line {first_line}"
                plain = msgspec.to_builtins(record) if isinstance(record, _Line) else record
                self._problem(file, Problem(number, f"duplicate document id {doc['id']!r} (first on {where})",
                                            "duplicate_document", _line_rejected(plain)))
                continue
            if isinstance(record, _Line):
                prediction = _fast_prediction(record, text)
                if prediction is not None:
                    self.accepted[doc["id"]] = (file, number)
                    continue
                record = msgspec.to_builtins(record)
            if bad := _body_problem(record):
                self._problem(file, Problem(number, bad[1], bad[0], _line_rejected(record)))
                continue
            problems: list[Problem] = []
            prediction = {"id": doc["id"], "entities": _check_entities(number, record.get("entities", []), text, problems),
                          "events": _check_events(number, record.get("events", []), text, problems)}
            for problem in problems:
                self._problem(file, problem)
            self.accepted[doc["id"]] = (file, number)
        return prediction

    def finish(self) -> list[Problem]:
        """Every problem, in file and line order, after reporting the lines of unknown documents."""
        for doc_id, entries in self.pending.items():
            for file, number, record in entries:
                plain = msgspec.to_builtins(record) if isinstance(record, _Line) else record
                self._problem(file, Problem(number, f"unknown document id {brief(doc_id)} (not in the gold documents)",
                                            "unknown_document", _line_rejected(plain)))
        self.pending = {}
        order = {name: i for i, name in enumerate(self.files)}
        return sorted(self.problems, key=lambda p: (order.get(getattr(p, "file", ""), 0), p.line))


def clean_records(records: list[tuple[int, Any]], gold_docs: list[dict]) -> Predictions:
    """Check (line, object) records against the gold documents; keep the valid part, list every problem."""
    index = PredictionIndex()
    index.add_records(records)
    by_id = {}
    for doc in gold_docs:
        if (prediction := index.take(doc)) is not None:
            by_id[doc["id"]] = prediction
    return Predictions(by_id, index.finish())


def validate_records(records: list[tuple[int, object]], gold_docs: list[dict]) -> list[Problem]:
    """Every problem of (line, object) records, e.g. an extractor's parsed stdout."""
    return clean_records(records, gold_docs).problems


def load_predictions(path: str | Path | list[str | Path], gold_docs: list[dict]) -> Predictions:
    """Read and check one predictions file, or several (shards, in any order): the valid predictions by
    document id, and every problem (each names its file when there are several)."""
    index = PredictionIndex.from_files(path if isinstance(path, list) else [path])
    by_id = {}
    for doc in gold_docs:
        if (prediction := index.take(doc)) is not None:
            by_id[doc["id"]] = prediction
    return Predictions(by_id, index.finish())


def rejection_counts(problems: list[Problem] | tuple) -> dict[str, dict[str, int]]:
    """How many items each kind lost, and how many problems of each reason there were."""
    rejected = Counter({kind: 0 for kind in ITEM_KINDS})
    for problem in problems:
        rejected.update(dict(problem.rejected))
    return {"rejected": dict(rejected), "problems": dict(sorted(Counter(p.reason for p in problems).items()))}
