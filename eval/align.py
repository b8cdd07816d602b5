"""`gaiko align`: string-level answers (what an LLM returns) placed in the text as offset predictions.

An answer names surfaces, not offsets, one JSON object per document (its JSON Schema, generated from
`gaiko.schema` by `strings_schema()`, is `eval/llm/strings.schema.json`):

    {"id", "entities": [{"text", "label"}],
     "events": [{"type", "realis", "trigger": {"text"}, "arguments": [{"role", "text"}]}]}

Placing a string:
- Matching folds every character to its NFKD form, so NFC/NFD, full-width/half-width and compatibility
  variants of a string match (ｶﾞ, ガ and ガ; ２０２４ and 2024); a match must begin and end on whole
  characters of the text, and the prediction carries the text's own characters.
- An occurrence of a string inside an occurrence of a longer listed string (entities and triggers
  together) is not an occurrence of its own: 朝 inside a listed 北朝鮮, 外相 inside a listed 外相会談.
- `ordered` (default): the listings are read in reading order: the k-th listing of a string is its k-th
  occurrence among those that keep the list in reading order (the longest chain of listings, each after
  the end of the one before, earliest occurrences first; an unannotated 戦争 between two listed ones is
  skipped because the neighbours say so). A listing that cannot join that chain (a list out of order)
  takes its string's first unused occurrence and is reported as ambiguous.
  `all`: every occurrence of each distinct (string, label) — or (string, type) for triggers.
- An argument's text points to a placed entity with that text: the nearest in the trigger's sentence,
  else the nearest before the trigger, else the nearest after it (the guidelines' rule); without such an
  entity, to an occurrence of the text chosen the same way.

Nothing is dropped silently: a string with fewer occurrences than listings is `not_found` (per missing
listing), one with more occurrences than `ordered` uses (or an argument text with several candidates) is
`ambiguous` (placed, and reported), an entity overlapping one placed before it or a repeated event or
argument is a `conflict` (left out, and reported). Every such item is a problem with its line, and the
report counts them per layer.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaiko import schema
from gaiko.io import GaikoError, brief, iter_jsonl
from gaiko.text import sentences

POLICIES = ("ordered", "all")
LAYERS = ("entities", "triggers", "arguments")
SCHEMA_FILE = Path(__file__).with_name("llm") / "strings.schema.json"


def strings_schema() -> dict:
    """The JSON Schema of one answer line, from the schema's labels, types, roles and realis (strict
    structured-output style: every property required, no others allowed)."""
    def obj(properties: dict, description: str) -> dict:
        return {"type": "object", "description": description, "additionalProperties": False,
                "required": list(properties), "properties": properties}

    surface = {"type": "string", "description": "the exact characters as they appear in the text (not empty)"}

    def choice(values: tuple[str, ...], descriptions: dict[str, str]) -> dict:
        return {"type": "string", "enum": list(values),
                "description": "; ".join(f"{v}: {descriptions[v]}" for v in values)}

    entity = obj({"text": surface, "label": choice(schema.ENTITY_LABELS,
                                                   {t.name: t.description for t in schema.ENTITY_TYPES})},
                 "one mention, listed once per occurrence, in reading order")
    argument = obj({"role": choice(schema.ROLE_NAMES, {r.name: f"{r.description} ({', '.join(r.entity_types)})"
                                                       for r in schema.ROLES}),
                    "text": surface}, "a participant, time or place of the event: the text of a mention")
    event = obj({"type": choice(schema.EVENT_LABELS, {t.name: t.description for t in schema.EVENT_TYPES}),
                 "realis": choice(schema.REALIS_VALUES, dict(schema.REALIS)),
                 "trigger": obj({"text": surface}, "the one word that expresses the event"),
                 "arguments": {"type": "array", "items": argument}},
                "one event mention, listed once per trigger occurrence, in reading order")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "gaiko string-level answer for one document",
            **obj({"id": {"type": "string", "description": "the document id, as given"},
                   "entities": {"type": "array", "items": entity},
                   "events": {"type": "array", "items": event}}, "entities and events of one document")}


@dataclass
class Problem:
    line: int
    where: str  # entities[3], events[0].trigger, events[0].arguments[1]
    kind: str  # not_found, ambiguous, conflict
    message: str

    def format(self, file: str | Path) -> str:
        return f"{file}:{self.line}: {self.where}: {self.message}"


@dataclass
class Alignment:
    predictions: list[dict]
    problems: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def report(self, policy: str) -> dict:
        return {"policy": policy, "counts": self.counts,
                "problems": [{"line": p.line, "where": p.where, "kind": p.kind, "message": p.message}
                             for p in self.problems]}


class FoldedText:
    """A text with every character folded to NFKD, and the way back to the original offsets."""

    def __init__(self, text: str):
        self.text = text
        pieces, self.origin, self.starts = [], [], set()
        position = 0
        for i, ch in enumerate(text):
            folded = fold(ch)
            self.starts.add(position)
            pieces.append(folded)
            self.origin += [i] * len(folded)
            position += len(folded)
        self.folded = "".join(pieces)
        self.starts.add(position)

    def occurrences(self, folded: str) -> list[tuple[int, int]]:
        """Original (start, end) of every non-overlapping occurrence on whole characters, left to right."""
        out, at = [], self.folded.find(folded)
        while at != -1:
            end = at + len(folded)
            if at in self.starts and end in self.starts:
                out.append((self.origin[at], self.origin[end - 1] + 1))
                at = self.folded.find(folded, end)
            else:
                at = self.folded.find(folded, at + 1)
        return out


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKD", ch) for ch in text)


def _check_record(obj: Any, line: int, path: Path, docs: dict[str, dict]) -> None:
    """A malformed answer line is an input error (one line, file and line named), not a placement problem."""
    def fail(problem: str):
        raise GaikoError(problem, path, line)

    def fields(item: Any, where: str, required: set[str], optional: set[str] = frozenset()) -> dict:
        if not isinstance(item, dict):
            fail(f"{where} must be an object, got {brief(item)}")
        missing, unknown = required - set(item), set(item) - required - optional
        if missing:
            fail(f"{where} lacks {', '.join(sorted(missing))}")
        if unknown:
            fail(f"{where} has unknown field {', '.join(sorted(unknown))}")
        for key in ("text",) if "text" in required else ():
            if not isinstance(item["text"], str) or not item["text"]:
                fail(f"{where}.text must be a non-empty string, got {brief(item['text'])}")
        return item

    def choice(value: Any, allowed: tuple[str, ...], where: str) -> None:
        if value not in allowed:
            fail(f"{where} {brief(value)} is not one of {', '.join(allowed)}")

    def items(record: dict, key: str) -> list:
        value = record.get(key, [])
        if not isinstance(value, list):
            fail(f"{key} must be a list, got {brief(value)}")
        return value

    record = fields(obj, "line", {"id"}, {"entities", "events"})
    if record["id"] not in docs:
        fail(f"unknown document id {brief(record['id'])} (not in the gold documents)")
    for i, entity in enumerate(items(record, "entities")):
        fields(entity, f"entities[{i}]", {"text", "label"})
        choice(entity["label"], schema.ENTITY_LABELS, f"entities[{i}].label")
    for i, event in enumerate(items(record, "events")):
        fields(event, f"events[{i}]", {"type", "trigger"}, {"realis", "arguments"})
        choice(event["type"], schema.EVENT_LABELS, f"events[{i}].type")
        if "realis" in event:
            choice(event["realis"], schema.REALIS_VALUES, f"events[{i}].realis")
        fields(event["trigger"], f"events[{i}].trigger", {"text"})
        for j, argument in enumerate(items(event, "arguments")):
            fields(argument, f"events[{i}].arguments[{j}]", {"role", "text"})
            choice(argument["role"], schema.ROLE_NAMES, f"events[{i}].arguments[{j}].role")


def read_answers(path: str | Path, gold_docs: list[dict]) -> list[tuple[int, dict]]:
    """(line, answer) of every line; any malformed line or repeated document is a GaikoError."""
    docs = {d["id"]: d for d in gold_docs}
    out, seen = [], {}
    for line, obj in iter_jsonl(path):
        _check_record(obj, line, Path(path), docs)
        if obj["id"] in seen:
            raise GaikoError(f"duplicate document id {brief(obj['id'])} (first on line {seen[obj['id']]})", path, line)
        seen[obj["id"]] = line
        out.append((line, obj))
    if not out:
        raise GaikoError("no answer line at all", path)
    return out


class _Document:
    """Placement of one answer line in its document."""

    def __init__(self, line: int, answer: dict, doc: dict, policy: str, problems: list[Problem], counts: Counter):
        self.line, self.doc, self.policy, self.problems, self.counts = line, doc, policy, problems, counts
        self.text = FoldedText(doc["text"])
        self.sentences = sentences(doc["text"], inside_quotes=True)
        entities, events = answer.get("entities", []), answer.get("events", [])
        listed = {fold(e["text"]) for e in entities} | {fold(e["trigger"]["text"]) for e in events}
        self.eligible = self._eligible(listed)

    def problem(self, where: str, kind: str, message: str, layer: str, n: int = 1) -> None:
        self.problems.append(Problem(self.line, where, kind, message))
        self.counts[(layer, kind)] += n

    def _eligible(self, listed: set[str]) -> dict[str, list[tuple[int, int]]]:
        """Occurrences of each listed string that lie inside no occurrence of a longer listed string (朝 in
        北朝鮮). An occurrence that crosses another listed string's occurrence is no real one and hides
        nothing: 米国 in 米国務長官, when 国務長官 is listed, leaves 米 its own occurrence."""
        found = {s: self.text.occurrences(s) for s in listed}
        spans = sorted({span for occurrences in found.values() for span in occurrences})
        starts = [a for a, _ in spans]

        def crosses(a: int, b: int) -> bool:
            inner = spans[bisect_right(starts, a):bisect_left(starts, b)]  # starting strictly inside
            return any(y > b for _, y in inner) or any(a < y < b for x, y in spans[:bisect_left(starts, a)])

        covering = [(a, b) for a, b in spans if not crosses(a, b)]
        return {s: [(a, b) for a, b in occurrences
                    if not any(x <= a and b <= y and y - x > b - a for x, y in covering)]
                for s, occurrences in found.items()}

    def place(self, items: list[tuple[str, str, str]], layer: str) -> list[tuple[int, int] | None]:
        """Spans of (where, string, key) items, per the policy; key is the label or type. Under `all` each
        item gets the list of all its occurrences (the first listing of a (string, key) only)."""
        spans: list = []
        if self.policy == "ordered":
            chained = self.reading_order(items)
            listing, used = Counter(), set(chained.values())
            for n, (where, string, _) in enumerate(items):
                folded = fold(string)
                listing[folded] += 1
                if n in chained:
                    spans.append([chained[n]])
                    continue
                free = [o for o in self.eligible[folded] if o not in used]
                if not free:
                    spans.append([])
                    self.problem(where, "not_found", f"{brief(string)} is listed {listing[folded]} times but occurs "
                                 f"{len(self.eligible[folded])} times in the text", layer)
                    continue
                used.add(free[0])
                spans.append([free[0]])
                self.problem(where, "ambiguous", f"{brief(string)} is listed out of reading order: placed at its "
                             f"first unused occurrence {free[0][0]}-{free[0][1]}", layer)
            for folded, n in listing.items():
                if len(self.eligible[folded]) > n:
                    string = next(s for _, s, _ in items if fold(s) == folded)
                    where = next(w for w, s, _ in items if fold(s) == folded)
                    self.problem(where, "ambiguous", f"{brief(string)} is listed {n} times but occurs "
                                 f"{len(self.eligible[folded])} times: placed by reading order", layer)
        else:
            first: dict[tuple[str, str], str] = {}
            for where, string, key in items:
                folded = fold(string)
                if (folded, key) in first:
                    spans.append([])  # the first listing of this (string, key) takes every occurrence (and,
                    continue          # for an event, the arguments of every listing)
                first[(folded, key)] = where
                spans.append(list(self.eligible[folded]))
                if not self.eligible[folded]:
                    self.problem(where, "not_found", f"{brief(string)} does not occur in the text", layer)
        return spans

    def reading_order(self, items: list[tuple[str, str, str]]) -> dict[int, tuple[int, int]]:
        """The longest chain of listings placed in reading order (each after the end of the one before),
        preferring the earliest occurrences: listing index → span."""
        tails: list[int] = []  # tails[L]: the smallest end of a chain of length L + 1
        nodes: list[tuple] = []  # the node ending that chain: (listing, span, previous node)
        for n, (_, string, _) in enumerate(items):
            updates = []
            for start, end in self.eligible[fold(string)]:
                length = bisect_right(tails, start)  # chains whose last item ends at or before `start`
                updates.append((length, end, (n, (start, end), nodes[length - 1] if length else None)))
            for length, end, node in updates:  # one listing extends chains, never itself
                if length == len(tails):
                    tails.append(end)
                    nodes.append(node)
                elif end < tails[length]:
                    tails[length], nodes[length] = end, node
        chain, node = {}, nodes[-1] if nodes else None
        while node is not None:
            chain[node[0]] = node[1]
            node = node[2]
        return chain

    def entities(self, entities: list[dict]) -> list[dict]:
        placed = self.place([(f"entities[{i}]", e["text"], e["label"]) for i, e in enumerate(entities)],
                            "entities")
        taken = bytearray(len(self.doc["text"]))
        out = []
        for i, (entity, spans) in enumerate(zip(entities, placed, strict=True)):
            for start, end in spans:
                if any(taken[start:end]):
                    self.problem(f"entities[{i}]", "conflict", f"{brief(entity['text'])} at {start}-{end} overlaps "
                                 "an entity placed before it (entities are flat): left out", "entities")
                    continue
                taken[start:end] = b"\x01" * (end - start)
                out.append({"start": start, "end": end, "label": entity["label"],
                            "text": self.doc["text"][start:end]})
        self.counts[("entities", "placed")] += len(out)
        return sorted(out, key=lambda m: m["start"])

    def sentence_of(self, position: int) -> tuple[int, int]:
        return next(((a, b) for a, b in self.sentences if a <= position < b), (0, 0))

    def nearest(self, candidates: list[tuple[int, int]], trigger_start: int) -> tuple[int, int] | None:
        """The guidelines' pointer: nearest in the trigger's sentence, else nearest before, else nearest after."""
        a, b = self.sentence_of(trigger_start)
        same = [c for c in candidates if a <= c[0] < b]
        if same:
            return min(same, key=lambda c: (abs(c[0] - trigger_start), c[0]))
        before = [c for c in candidates if c[0] < trigger_start]
        if before:
            return max(before)
        after = [c for c in candidates if c[0] > trigger_start]
        return min(after) if after else None

    def events(self, events: list[dict], entities: list[dict]) -> list[dict]:
        placed = self.place([(f"events[{i}].trigger", e["trigger"]["text"], e["type"]) for i, e in enumerate(events)],
                            "triggers")
        by_text: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for m in entities:
            by_text[fold(m["text"])].append((m["start"], m["end"]))
        merged: dict[tuple[str, str], list[dict]] = defaultdict(list)  # `all`: one event per (trigger, type)
        for event in events:
            merged[(fold(event["trigger"]["text"]), event["type"])] += event.get("arguments", [])
        out, seen = [], set()
        for i, (event, spans) in enumerate(zip(events, placed, strict=True)):
            for start, end in spans:
                if (event["type"], start, end) in seen:
                    self.problem(f"events[{i}]", "conflict", f"a {event['type']} event on {brief(event['trigger']['text'])}"
                                 f" at {start}-{end} is already placed: left out", "triggers")
                    continue
                seen.add((event["type"], start, end))
                record = {"type": event["type"], "trigger": {"start": start, "end": end,
                                                             "text": self.doc["text"][start:end]},
                          "arguments": self.arguments(i, event.get("arguments", []) if self.policy == "ordered" else
                                                      merged[(fold(event["trigger"]["text"]), event["type"])],
                                                      start, by_text)}
                if "realis" in event:
                    record["realis"] = event["realis"]
                out.append(record)
        self.counts[("triggers", "placed")] += len(out)
        return out

    def arguments(self, i: int, arguments: list[dict], trigger_start: int, by_text: dict) -> list[dict]:
        out, seen = [], set()
        for j, argument in enumerate(arguments):
            where, folded = f"events[{i}].arguments[{j}]", fold(argument["text"])
            candidates = by_text.get(folded) or self.text.occurrences(folded)
            span = self.nearest(candidates, trigger_start)
            if span is None:
                self.problem(where, "not_found", f"{brief(argument['text'])} does not occur in the text", "arguments")
                continue
            if len(candidates) > 1:
                self.counts[("arguments", "ambiguous")] += 1  # resolved by the nearest rule: counted, not listed
            if (argument["role"], span) in seen:
                self.problem(where, "conflict", f"{argument['role']} {brief(argument['text'])} repeats an argument "
                             "of the same event: left out", "arguments")
                continue
            seen.add((argument["role"], span))
            out.append({"role": argument["role"], "start": span[0], "end": span[1],
                        "text": self.doc["text"][span[0]:span[1]]})
        self.counts[("arguments", "placed")] += len(out)
        return out


def align(answers: list[tuple[int, dict]], gold_docs: list[dict], policy: str = "ordered") -> Alignment:
    """Offset predictions for string-level answers (see the module docstring)."""
    if policy not in POLICIES:
        raise GaikoError(f"unknown policy {policy!r} (policies: {', '.join(POLICIES)})")
    docs = {d["id"]: d for d in gold_docs}
    problems: list[Problem] = []
    counts: Counter = Counter()
    predictions = []
    for line, answer in answers:
        placement = _Document(line, answer, docs[answer["id"]], policy, problems, counts)
        entities = placement.entities(answer.get("entities", []))
        events = placement.events(answer.get("events", []), entities)
        predictions.append({"id": answer["id"], "entities": entities, "events": events})
        counts[("entities", "listed")] += len(answer.get("entities", []))
        counts[("triggers", "listed")] += len(answer.get("events", []))
        counts[("arguments", "listed")] += sum(len(e.get("arguments", [])) for e in answer.get("events", []))
    summary = {layer: {kind: counts[(layer, kind)] for kind in ("listed", "placed", "not_found", "ambiguous", "conflict")}
               for layer in LAYERS}
    summary["documents"] = {"answered": len(answers), "without_answer": len(docs) - len(answers)}
    return Alignment(predictions, problems, summary)
