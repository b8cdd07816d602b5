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
keys by counting quotes (`gaiko.columns.quotes_balance`), and its items checked in one pass. Any line where
anything is off takes the plain path (strict `gaiko.io.loads`, then the checks below), so every problem
and its message are exactly those of the plain path. Several files (shards) may hold the predictions,
in any order; a document's line is matched when its gold document comes (`PredictionIndex.take`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, count, repeat
from operator import attrgetter, is_
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

import msgspec
import numpy as np
from msgspec import UNSET, UnsetType

from gaiko import schema
from gaiko.columns import (Flat, GoldBatch, PredictedView, Side, Texts, flat_records, overlapping, predicted_side,
                           predicted_views, quotes_balance, repeated, spans_ok)
from gaiko.io import JOINED_BOM, blank, brief, iter_line_batches, json_problem, loads, nonblank, not_utf8
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
        got = "null" if record is None else type(record).__name__
        return "not_an_object", f"each line must be a JSON object, got {got}"
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

_Int = Annotated[int, msgspec.Meta(ge=-10**18, le=10**18)]  # as `gaiko.io.loads`: no over-long integer


class _Span(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    start: _Int
    end: _Int
    text: str | UnsetType = UNSET


class _Entity(_Span, forbid_unknown_fields=True, gc=False, kw_only=True):
    label: Literal[tuple(schema.ENTITY_LABELS)]


class _Argument(_Span, forbid_unknown_fields=True, gc=False, kw_only=True):
    role: Literal[tuple(schema.ROLE_NAMES)]


class _Event(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    type: Literal[tuple(schema.EVENT_LABELS)]
    trigger: _Span  # an event without one is read the plain way, which words the problem
    realis: Literal[tuple(schema.REALIS_VALUES)] | UnsetType = UNSET
    arguments: list[_Argument] | UnsetType = UNSET


class _Line(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    id: str
    entities: list[_Entity] | UnsetType = UNSET
    events: list[_Event] | UnsetType = UNSET


_DECODE_LINE = msgspec.json.Decoder(_Line).decode
BATCH = 2048  # lines decoded at once, gold documents taken at once


def _written(values: list) -> int:
    """How many of a struct field's values were written (not left UNSET)."""
    return len(values) - values.count(UNSET)


def _balanced(raw: bytes, lines: list[_Line]) -> bool:
    """No key twice in the text typed lines were decoded from (`gaiko.columns.quotes_balance`): their keys and
    string values are the required fields of each struct plus each optional field written."""
    entity_lists, event_lists = (list(map(attrgetter(name), lines)) for name in ("entities", "events"))
    entities = list(chain.from_iterable(filter(None, entity_lists)))
    events = list(chain.from_iterable(filter(None, event_lists)))
    triggers = list(map(attrgetter("trigger"), events))
    argument_lists = list(map(attrgetter("arguments"), events))
    arguments = list(chain.from_iterable(filter(None, argument_lists)))
    texts = _written(list(map(attrgetter("text"), entities + triggers + arguments)))
    realis = _written(list(map(attrgetter("realis"), events)))
    keys = (len(lines) + _written(entity_lists) + _written(event_lists) + 3 * len(entities) + len(events)
            + len(triggers) + realis + _written(argument_lists) + 2 * len(triggers) + 3 * len(arguments) + texts)
    strings = len(lines) + len(entities) + len(events) + realis + len(arguments) + texts  # id, label, type, role
    return quotes_balance(raw, keys, strings)


def _typed_lines(raws: list[bytes]) -> list[_Line] | None:
    """Non-blank lines as typed structs when every one has the typed shape and no key twice; else None
    (each line is then read the plain way)."""
    try:  # each line alone, not joined as one array (which would take a record split over two lines)
        lines = list(map(_DECODE_LINE, raws))
    except (ValueError, RecursionError):  # msgspec's DecodeError, or bytes that are not UTF-8
        return None
    return lines if _balanced(b"\n".join(raws), lines) else None


def _valid_lines(lines: list[_Line | None], texts: Texts) -> tuple[np.ndarray, Flat]:
    """Which typed lines (None: not a candidate) are valid predictions of the documents of `texts`: the
    checks of `_check_entities`, `_check_events` and `_check_arguments`, a column at a time; and the
    lines' columns (a document without a line has no items there), which the scorer reads."""
    bad = np.fromiter(map(is_, lines, repeat(None)), bool, len(lines))
    made = flat_records([_EMPTY if line is None else line for line in lines] if bad.any() else lines)
    c, arguments = made.columns, made.arguments
    entity_doc, event_doc, argument_event = c["entity_doc"], c["event_doc"], c["argument_event"]
    argument_start, argument_end = (np.fromiter(map(attrgetter(field), arguments), np.int64, len(arguments))
                                    for field in ("start", "end"))
    for spans, doc, start, end in ((c["mentions"], entity_doc, c["entity_start"], c["entity_end"]),
                                   (made.triggers, event_doc, c["trigger_start"], c["trigger_end"]),
                                   (arguments, event_doc[argument_event], argument_start, argument_end)):
        bad[doc[~spans_ok(texts, doc, start, end, list(map(attrgetter("text"), spans)))]] = True
    bad[overlapping(texts, entity_doc, c["entity_start"], c["entity_end"])] = True
    bad[event_doc[repeated(event_doc, c["event_type"], c["trigger_start"], c["trigger_end"])]] = True
    roles = np.fromiter(map(schema.ROLE_INDEX.__getitem__, map(attrgetter("role"), arguments)), np.int64,
                        len(arguments))
    bad[event_doc[argument_event[repeated(argument_event, roles, argument_start, argument_end)]]] = True
    return ~bad, made


_EMPTY = _Line("")


# ---------------------------------------------------------------------------------------------
# Reading lines, matching them to gold documents

def _parse(number: int, raw: bytes, problems: list[Problem]) -> Any:
    """A line's typed struct (fast path) or plain value (JSON null included); `_NO_LINE` for a blank
    line, and with a problem for one that is no JSON."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(Problem(number, not_utf8(raw, e.start),
                                "not_utf8", (("documents", 1),)))
        return _NO_LINE
    if blank(line):
        return _NO_LINE
    try:
        typed = _DECODE_LINE(raw)
        if _balanced(raw, [typed]):
            return typed
    except msgspec.MsgspecError:
        pass
    if line.startswith(_BOM):
        problems.append(Problem(number, JOINED_BOM, "bom", (("documents", 1),)))
        return _NO_LINE
    try:
        return loads(line)
    except ValueError as e:
        problems.append(Problem(number, json_problem(e), "invalid_json", (("documents", 1),)))
        return _NO_LINE


_NO_LINE = object()  # what `_parse` gives for a line without a record
_BOM = "\ufeff"


def _views(found: list[_Line | dict | None]) -> list[_Line | PredictedView | None]:
    """Taken predictions as the scorer reads them: typed lines as they are, checked records as views."""
    return [r if r is None or isinstance(r, _Line) else predicted_views([r])[0] for r in found]


def _as_dict(line: _Line) -> dict:
    """A valid typed line in the documented shape (entities in offset order, no span texts)."""
    entities = sorted((e.start, e.end, e.label) for e in line.entities or ())
    events = []
    for ev in line.events or ():
        out = {"type": ev.type, "trigger": {"start": ev.trigger.start, "end": ev.trigger.end},
               "arguments": [{"role": a.role, "start": a.start, "end": a.end} for a in ev.arguments or ()]}
        if ev.realis is not UNSET:
            out["realis"] = ev.realis
        events.append(out)
    return {"id": line.id, "entities": [{"start": s, "end": e, "label": label} for s, e, label in entities],
            "events": events}


def _place(file: int, line: int) -> int:
    """A file's line as one integer (cheaper to hold per document than a tuple)."""
    return (file << 32) + line


def _located(place: int) -> tuple[int, int]:
    """(file, line) of a `_place`."""
    return divmod(place, 1 << 32)


class PredictionIndex:
    """Prediction lines of one or more files, parsed and held by document id until their gold document
    comes (`take_batch`, `take`); `finish` reports the lines whose document never came. Problems that
    need no gold (encoding, JSON, no id) are found while reading."""

    def __init__(self):
        self.shard = False  # several files: each problem names its file
        self.files: list[str] = []
        # The one typed line of a document (most documents), with where it is (`_place`: file index, line)...
        self.typed: dict[str, _Line] = {}
        self.where: dict[str, int] = {}
        # ...and every other document's (file index, line, record)s: plain records, or several lines.
        self.pending: dict[str, tuple[tuple[int, int, Any], ...]] = {}
        self.problems: list[Problem] = []

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> PredictionIndex:
        """The lines of every file. A file without any line is a problem when no file has one (most likely
        a run that failed before writing anything); a shard without lines beside others is not (a worker
        given no document), since every document without a line is counted as one without an answer."""
        index = cls()
        paths = list(paths)
        empty = [file for file, path in enumerate(paths) if not index.add_file(path, shard=len(paths) > 1)]
        if len(empty) == len(paths):
            for file in empty:
                index._problem(file, Problem(1, "empty: no prediction line at all (write one line per document, "
                                             "even one that predicts nothing)", "empty"))
        return index

    def _problem(self, file: int, problem: Problem) -> None:
        if self.shard:
            problem = ShardProblem(problem.line, problem.message, problem.reason, problem.rejected, self.files[file],
                                   problem.where)
        self.problems.append(problem)

    def add_file(self, path: str | Path, shard: bool = False) -> bool:
        """Index the lines of one more file (`shard`: one of several); whether it held any line or problem."""
        self.shard |= shard
        file = len(self.files)
        self.files.append(str(path))
        found, problems = 0, []
        for first, lines in iter_line_batches(path, BATCH):
            if first == 1 and lines[0][:2] in (b"\xff\xfe", b"\xfe\xff"):  # every line is undecodable: say it once
                rest = sum(len(more) for _, more in iter_line_batches(path, BATCH)) - 1
                problems.append(Problem(1, "file is UTF-16 (it starts with a UTF-16 byte order mark); save it as "
                                        "UTF-8", "not_utf8", (("documents", rest or 1),)))
                break
            if first == 1 and lines[0].startswith(b"\xef\xbb\xbf"):
                problems.append(Problem(1, "file starts with a UTF-8 byte order mark; save it without one", "bom"))
                lines[0] = lines[0][3:]
            found += self._add_lines(file, first, lines, problems)
        for problem in problems:
            self._problem(file, problem)
        return bool(found or problems)

    def _add_lines(self, file: int, first: int, lines: list[bytes], problems: list[Problem]) -> int:
        """Index the lines numbered from `first`: typed when they all can be, else one by one the plain way.
        How many lines held a record."""
        raws = nonblank(lines)
        typed = _typed_lines(raws) if raws else []
        if typed is not None:
            if raws is lines:
                by_id = dict(zip(map(attrgetter("id"), typed), typed))
                if len(by_id) == len(typed) and self.typed.keys().isdisjoint(by_id) \
                        and self.pending.keys().isdisjoint(by_id):  # no id twice
                    self.typed.update(by_id)
                    self.where.update(zip(by_id, count(_place(file, first))))
                    return len(typed)
            numbers = count(first) if raws is lines else (n for n, raw in enumerate(lines, start=first) if raw.strip())
            records = zip(numbers, typed)
        else:
            records = ((number, _parse(number, raw, problems)) for number, raw in enumerate(lines, start=first))
        found = 0
        for number, record in records:
            if record is _NO_LINE:
                continue
            found += 1
            if not isinstance(record, _Line) and (bad := _id_problem(record)):
                problems.append(Problem(number, bad[1], bad[0], _line_rejected(record)))
                continue
            self._add(record.id if isinstance(record, _Line) else record["id"], (file, number, record))
        return found

    def _add(self, doc_id: str, entry: tuple[int, int, Any]) -> None:
        """Hold a record for its document: alone and typed in `typed`, else with the others in `pending`."""
        if doc_id in self.typed:  # a second line: both are read the plain way
            self.pending[doc_id] = ((*_located(self.where.pop(doc_id)), self.typed.pop(doc_id)),)
        if isinstance(entry[2], _Line) and doc_id not in self.pending:
            self.typed[doc_id], self.where[doc_id] = entry[2], _place(*entry[:2])
        else:
            self.pending[doc_id] = self.pending.get(doc_id, ()) + (entry,)

    def add_records(self, records: Iterable[tuple[int, Any]]) -> None:
        """(line, object) records already parsed, e.g. an extractor's output."""
        self.files.append("")
        for number, record in records:
            if bad := _id_problem(record):
                self.problems.append(Problem(number, bad[1], bad[0], _line_rejected(record)))
            else:
                self._add(record["id"], (0, number, record))

    def take_batch(self, docs: list) -> list[_Line | PredictedView | None]:
        """The valid predictions of a batch of gold documents (structs or views, `gaiko.columns`) as the
        scorer reads them, None where a document has no usable line; their lines' problems are added."""
        return _views(self._take(list(map(attrgetter("id"), docs)), list(map(attrgetter("text"), docs)))[0])

    def take_side(self, batch: GoldBatch) -> Side:
        """`take_batch`'s predictions as the columns the scorer counts (`gaiko.columns.Side`); when every
        line of the batch is typed and valid, from the columns its checks made."""
        found, made = self._take(list(map(attrgetter("id"), batch.docs)), list(map(attrgetter("text"), batch.docs)))
        return predicted_side(found, batch.side, made) if made else predicted_side(_views(found), batch.side)

    def take(self, doc: dict) -> dict | None:
        """The valid prediction of a gold document in the documented shape (None when it has no usable
        line); its lines' problems are added to `problems`."""
        found = self._take([doc["id"]], [doc["text"]])[0][0]
        return _as_dict(found) if isinstance(found, _Line) else found

    def _take(self, ids: list[str], texts: list[str]) -> tuple[list[_Line | dict | None], Flat | None]:
        """A typed line that passes the batch checks is taken as it is; any other line of the documents is
        read by `_checked`. With the predictions, their columns when the checks' columns are theirs (every
        line typed and valid), else None."""
        typed = list(map(self.typed.pop, ids, repeat(None)))
        where = list(map(self.where.pop, ids, repeat(None)))
        if typed.count(None) == len(typed):
            valid, made = np.zeros(len(ids), bool), None
        else:
            valid, made = _valid_lines(typed, Texts(texts))
        found = typed if valid.all() else [line if ok else None for line, ok in zip(typed, valid.tolist())]
        plain = np.flatnonzero(~valid & np.fromiter(map(bool, where), bool, len(where))).tolist()
        if self.pending:
            plain = sorted({*plain, *(i for i, doc_id in enumerate(ids) if doc_id in self.pending)})
        for i in plain:
            entries = ((*_located(where[i]), typed[i]),) if typed[i] is not None else self.pending.pop(ids[i])
            found[i] = self._checked(ids[i], texts[i], entries)
        return found, None if plain else made

    def _checked(self, doc_id: str, text: str, entries: tuple[tuple[int, int, Any], ...]) -> dict | None:
        """The plain path: the prediction of one document from its lines (the first usable one), every
        problem of every line found and added."""
        prediction, accepted = None, None
        for file, number, record in entries:
            plain = msgspec.to_builtins(record) if isinstance(record, _Line) else record
            if accepted is not None:
                first_file, first_line = accepted
                where = f"line {first_line}" if first_file == file else f"{self.files[first_file]} line {first_line}"
                self._problem(file, Problem(number, f"duplicate document id {doc_id!r} (first on {where})",
                                            "duplicate_document", _line_rejected(plain)))
                continue
            if bad := _body_problem(plain):
                self._problem(file, Problem(number, bad[1], bad[0], _line_rejected(plain)))
                continue
            problems: list[Problem] = []
            prediction = {"id": doc_id, "entities": _check_entities(number, plain.get("entities", []), text, problems),
                          "events": _check_events(number, plain.get("events", []), text, problems)}
            for problem in problems:
                self._problem(file, problem)
            accepted = (file, number)
        return prediction

    def taken_elsewhere(self, ids: list[str], problems: list[Problem]) -> None:
        """Documents `ids` were taken from a copy of this index (in another process), which found `problems`."""
        for doc_id in ids:
            self.typed.pop(doc_id, None)
            self.where.pop(doc_id, None)
            self.pending.pop(doc_id, None)
        self.problems += problems

    def finish(self) -> list[Problem]:
        """Every problem, in file and line order, after reporting the lines of unknown documents."""
        unknown = [(doc_id, ((*_located(self.where[doc_id]), line),)) for doc_id, line in self.typed.items()]
        for doc_id, entries in [*unknown, *self.pending.items()]:
            for file, number, record in entries:
                plain = msgspec.to_builtins(record) if isinstance(record, _Line) else record
                self._problem(file, Problem(number, f"unknown document id {brief(doc_id)} (not in the gold documents)",
                                            "unknown_document", _line_rejected(plain)))
        self.typed, self.where, self.pending = {}, {}, {}
        order = {name: i for i, name in enumerate(self.files)}
        return sorted(self.problems, key=lambda p: (order.get(getattr(p, "file", ""), 0), p.line))

    def take_all(self, gold_docs: list[dict]) -> dict[str, dict]:
        """The valid predictions of gold documents by id, in the documented shape, taken a batch at a time."""
        by_id = {}
        for first in range(0, len(gold_docs), BATCH):
            batch = gold_docs[first:first + BATCH]
            found_lines = self._take([d["id"] for d in batch], [d["text"] for d in batch])[0]
            for doc, found in zip(batch, found_lines, strict=True):
                if found is not None:
                    by_id[doc["id"]] = _as_dict(found) if isinstance(found, _Line) else found
        return by_id


def clean_records(records: list[tuple[int, Any]], gold_docs: list[dict]) -> Predictions:
    """Check (line, object) records against the gold documents; keep the valid part, list every problem."""
    index = PredictionIndex()
    index.add_records(records)
    return Predictions(index.take_all(gold_docs), index.finish())


def validate_records(records: list[tuple[int, object]], gold_docs: list[dict]) -> list[Problem]:
    """Every problem of (line, object) records, e.g. an extractor's parsed stdout."""
    return clean_records(records, gold_docs).problems


def load_predictions(path: str | Path | list[str | Path], gold_docs: list[dict]) -> Predictions:
    """Read and check one predictions file, or several (shards, in any order): the valid predictions by
    document id, and every problem (each names its file when there are several)."""
    index = PredictionIndex.from_files(path if isinstance(path, list) else [path])
    return Predictions(index.take_all(gold_docs), index.finish())


def rejection_counts(problems: list[Problem] | tuple) -> dict[str, dict[str, int]]:
    """How many items each kind lost, and how many problems of each reason there were."""
    rejected = Counter({kind: 0 for kind in ITEM_KINDS})
    for problem in problems:
        rejected.update(dict(problem.rejected))
    return {"rejected": dict(rejected), "problems": dict(sorted(Counter(p.reason for p in problems).items()))}
