"""Find copies of the gold in a submission folder before it is run or scored.

The test split is public, so the sandbox cannot stop a submission that carries a copy of it: that is
contamination, not an escape. This scan reads every regular file of the folder (symlinks followed to
regular files; version-control folders skipped, as the sandbox never copies them), opening gzip, zip and
nested containers of them, and gathers every labelled span it can find, two ways:

- structurally: JSON and JSONL in any nesting, with garbage between values and duplicate keys kept
  (documents, predictions, Label Studio exports, dicts keyed by document id), Parquet (every dataset
  config, IOB2 tag rows included), annotation sheets with or without their header;
- textually: in any text (TSV, CSV, HTML, source code, JSON too deep to parse), every pair of integers
  followed or preceded closely by a label or event type — `10\t14\tPERSON`, `data-start="10" data-end="14"
  data-label="PERSON"`, `(10, 14, "PERSON")`.

A span belongs to the document named by its record (an id field, a key, or a `text` equal to the
document's), else to the nearest gold document id before it in the text, else to the file as a whole.
A group of spans *reproduces* a gold document when it holds at least `THRESHOLD` of the document's gold
mentions (start, end, label) together with that share of its triggers (start, end, type); or that share of
the triggers alone; or 90% of the arguments (trigger, type, role, argument span) with 80% of the triggers;
or, when named by the document, that share of the mentions in a shape only gold has (with entity ids, or as
IOB2 tag rows). No extractor here comes near those shares of the triggers or the arguments.

Not detected: an encoded, encrypted or arithmetically transformed copy, a partial copy under the
thresholds, or a model trained on the test split.
"""

from __future__ import annotations

import bisect
import codecs
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gaiko.annotation.sheets import resolve_sheet
from gaiko.bio import bio_to_spans
from gaiko.documents import entity_spans, trigger_spans
from gaiko.eval.align import align
from gaiko.eval.sandbox import display_path, walk_tree
from gaiko.io import GaikoError, read_bytes
from gaiko.schema import BIO_TAGS, ENTITY_LABELS, EVENT_LABELS, ROLE_NAMES

THRESHOLD = 0.95
ARGUMENTS, ARGUMENT_TRIGGERS = 0.9, 0.8  # or this share of the arguments with that share of the triggers
MIN_TRIGGERS = 3  # a document with fewer triggers is judged on its mentions only
MIN_MENTIONS = 10  # a document smaller than this and MIN_TRIGGERS cannot be told from a guess
MAX_SCANNED_BYTES = 512 * 1024 * 1024  # one file as stored
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # one decompressed member; a larger one is refused, never half-read
MAX_EXPANDED_BYTES = 4 * 1024**3  # everything a scan decompresses, over the whole folder
MAX_PARSED_BYTES = 32 * 1024 * 1024  # text parsed as JSON or CSV (memory); larger text gets the textual pass
TEXT_CHUNK = 16 * 1024 * 1024  # the textual pass reads in chunks, overlapping by TEXT_OVERLAP
TEXT_OVERLAP = 512
MAX_CONTAINER_DEPTH = 8
POOL_FACTOR = 20  # spans of no known document are judged only while they are not a whole corpus
VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})
_ENTITY, _EVENT = frozenset(ENTITY_LABELS), frozenset(EVENT_LABELS)
_LABEL = "|".join(sorted((*ENTITY_LABELS, *EVENT_LABELS), key=len, reverse=True))
# Two integers then a label, or a label then two integers, with no digit in between.
_NUMBER = r"(?<![\d.])(\d{1,7})(?:\.0+)?(?![\d.])"  # 10, or 10.0
_FORWARD = re.compile(rf"{_NUMBER}[^\d]{{1,60}}?{_NUMBER}[^\d]{{0,60}}?\b({_LABEL})\b", re.IGNORECASE)
_BACKWARD = re.compile(rf"\b({_LABEL})\b[^\d]{{0,80}}?{_NUMBER}[^\d]{{1,60}}?{_NUMBER}", re.IGNORECASE)
_SHEET_LINE = re.compile(r"^(?:P\d+|@?[^|\n]+\s\|\s[A-Za-z_]+(?:\s\|.*)?)$")
# ClassLabel ids, as `datasets` writes the ner and events configs to JSON or CSV
_IDS = {"label": ENTITY_LABELS, "type": EVENT_LABELS}
_POOL = None  # group key of spans that no document claims


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the scanned folder; `archive.zip:member` inside a container
    document: str
    evidence: str  # e.g. "mentions 120/120, triggers 31/31"


class _Spans:
    """Labelled spans by group (a document id, another record's id, or the pool) and the gold-shaped groups."""

    def __init__(self):
        self.mentions: dict[object, set] = {}
        self.triggers: dict[object, set] = {}
        self.arguments: dict[object, set] = {}
        self.gold_shaped: set[object] = set()
        self.answers: list[tuple[object, dict]] = []  # string-level answers (`gaiko align`'s input)

    def add(self, group, start, end, label) -> None:
        start, end = _offset(start), _offset(end)
        if start is None or end is None or not isinstance(label, str):
            return
        label = label.upper()
        if label in _ENTITY:
            self.mentions.setdefault(group, set()).add((start, end, label))
        elif label in _EVENT:
            self.triggers.setdefault(group, set()).add((start, end, label))


def _offset(value) -> int | None:
    """An offset however it is written: 10, "10", 10.0."""
    if type(value) is float and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value if type(value) is int else None


def _name(key: str, value):
    """A label, type or role given as its ClassLabel id, as its name."""
    names = _IDS.get(key)
    if names and isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if names and type(value) is int and 0 <= value < len(names):
        return names[value]
    return value


class _Gold:
    def __init__(self, gold_docs: list[dict]):
        self.docs = gold_docs
        self.by_id = {d["id"]: d for d in gold_docs}
        self.by_text = {d["text"]: d["id"] for d in gold_docs if d.get("text")}
        self.id_pattern = re.compile("|".join(re.escape(i) for i in sorted(self.by_id, key=len, reverse=True)))


class _Duplicates(dict):
    """A JSON object that keeps the values of repeated keys, which a plain reader would drop."""

    def __init__(self, pairs):
        super().__init__(pairs)
        if len(self) < len(pairs):
            self["\0repeated"] = [value for _, value in pairs]


_DECODER = json.JSONDecoder(object_pairs_hook=_Duplicates)


def _group_of(node: dict, gold: _Gold, current):
    data = node.get("data")
    for value in (node.get("document_id"), node.get("doc_id"), node.get("id"),
                  data.get("doc_id") if isinstance(data, dict) else None):
        if isinstance(value, str) and value in gold.by_id:
            return value
    for value in (node.get("text"), data.get("text") if isinstance(data, dict) else None):
        if isinstance(value, str) and value in gold.by_text:
            return gold.by_text[value]
    for key in ("document_id", "doc_id"):  # a record of another document: never pooled with the gold's
        if isinstance(node.get(key), str):
            return ("other", node[key])
    return current


def _walk(value, spans: _Spans, gold: _Gold, group=_POOL) -> None:
    """Collect labelled spans from any JSON-like value, each under the group of its nearest record."""
    stack = [(value, group)]
    while stack:
        node, group = stack.pop()
        if isinstance(node, list):
            stack.extend((item, group) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        group = _group_of(node, gold, group)
        start, end = node.get("start"), node.get("end")
        spans.add(group, start, end, _name("label", node.get("label")))
        labels = node.get("labels")
        if isinstance(labels, list):
            for label in labels:
                spans.add(group, start, end, label)
        trigger = node.get("trigger")
        if isinstance(trigger, str) and trigger[:1] in "{[":  # a nested value written into a CSV cell
            trigger = _literal(trigger)
        if isinstance(trigger, dict):
            event_type = _name("type", node.get("type"))
            spans.add(group, trigger.get("start"), trigger.get("end"), event_type)
            arguments = node.get("arguments")
            arguments = _literal(arguments) if isinstance(arguments, str) else arguments
            for argument in arguments if isinstance(arguments, list) else ():
                if isinstance(argument, dict):
                    role = argument.get("role")
                    role = ROLE_NAMES[role] if type(role) is int and 0 <= role < len(ROLE_NAMES) else role
                    spans.arguments.setdefault(group, set()).add(
                        (_offset(trigger.get("start")), _offset(trigger.get("end")), event_type, role,
                         _offset(argument.get("start")), _offset(argument.get("end"))))
        if _is_answer(node):
            spans.answers.append((group, node))
        if isinstance(node.get("entity_id"), str):
            spans.gold_shaped.add(group)
        tags, offsets = node.get("ner_tags"), node.get("token_offsets")
        if isinstance(tags, list) and isinstance(offsets, list) and len(tags) == len(offsets):
            names = [BIO_TAGS[t] if type(t) is int and 0 <= t < len(BIO_TAGS) else str(t) for t in tags]
            tokens = [(o.get("start"), o.get("end")) if isinstance(o, dict) else (None, None) for o in offsets]
            for s, e, label in bio_to_spans(names, tokens):
                spans.add(group, s, e, label)
            spans.gold_shaped.add(group)
        for key, child in node.items():
            if isinstance(child, (dict, list)):
                stack.append((child, key if key in gold.by_id else group))


class ScanBudget:
    """What one scan may still decompress, over the whole folder: a bomb is refused, never half-read."""

    def __init__(self):
        self.left = MAX_EXPANDED_BYTES

    def take(self, data: bytes, name: str) -> bytes:
        if len(data) > MAX_MEMBER_BYTES:
            raise GaikoError(f"decompresses to more than {MAX_MEMBER_BYTES} bytes: it cannot be checked for "
                             "copies of the gold", name)
        self.left -= len(data)
        if self.left < 0:
            raise GaikoError(f"the folder decompresses to more than {MAX_EXPANDED_BYTES} bytes: it cannot be "
                             "checked for copies of the gold", name)
        return data


def _inflate(decompressor, data: bytes) -> bytes:
    try:
        return decompressor.decompress(data, MAX_MEMBER_BYTES + 1)
    except (zlib.error, OSError, EOFError, ValueError):  # a truncated stream still gives what it holds
        return b""


def _members(data: bytes, name: str, budget: ScanBudget, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """The file itself, or what its (nested) gzip, bzip2, xz and zip containers hold, within the budget."""
    import bz2
    import lzma

    if depth < MAX_CONTAINER_DEPTH:
        for magic, make in ((b"\x1f\x8b", lambda: zlib.decompressobj(wbits=47)), (b"BZh", bz2.BZ2Decompressor),
                            (b"\xfd7zXZ", lzma.LZMADecompressor)):
            if data.startswith(magic):
                inner = _inflate(make(), data)
                if inner:
                    yield from _members(budget.take(inner, name), name, budget, depth + 1)
                    return
        if data[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for member in archive.infolist():
                        with archive.open(member) as f:
                            inner = budget.take(f.read(MAX_MEMBER_BYTES + 1), name)
                        yield from _members(inner, f"{name}:{member.filename}", budget, depth + 1)
                return
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error):
                pass
    yield name, data


def _decode(data: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def _json_values(text: str) -> Iterator:
    """Every JSON value in the text: one document, JSON lines, concatenated values, garbage between them."""
    position, length = 0, len(text)
    while position < length:
        while position < length and text[position] in " \t\r\n":
            position += 1
        if position >= length:
            return
        try:
            value, position = _DECODER.raw_decode(text, position)
            yield value
        except (ValueError, RecursionError):
            newline = text.find("\n", position)
            if newline < 0:
                return
            position = newline + 1


def _text_spans(text: str, spans: _Spans, gold: _Gold) -> None:
    """Integers and labels close together in any text, each under the nearest gold document id before it;
    read in overlapping chunks so that memory stays bounded."""
    current = _POOL
    for offset in range(0, max(len(text), 1), TEXT_CHUNK):
        chunk = text[max(0, offset - TEXT_OVERLAP):offset + TEXT_CHUNK]
        marks = [(m.start(), m.group()) for m in gold.id_pattern.finditer(chunk)]
        starts = [p for p, _ in marks]

        def group_at(position: int, before=current):
            i = bisect.bisect_right(starts, position) - 1
            return marks[i][1] if i >= 0 else before

        for m in _FORWARD.finditer(chunk):
            spans.add(group_at(m.start()), int(m.group(1)), int(m.group(2)), m.group(3))
        for m in _BACKWARD.finditer(chunk):
            spans.add(group_at(m.start()), int(m.group(2)), int(m.group(3)), m.group(1))
        if marks:
            current = marks[-1][1]


def _csv_rows(text: str) -> list[dict]:
    """Rows of a CSV or TSV table with a header, nested cells read as JSON or Python literals."""
    import csv

    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    if first.count(delimiter) < 1:
        return []
    try:
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    except (csv.Error, ValueError):
        return []
    for row in rows:
        for key, value in row.items():
            if isinstance(value, str) and value[:1] in "{[":
                row[key] = _literal(value)
    return rows


def _literal(text: str):
    import ast

    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    try:
        return ast.literal_eval(text) if len(text) < 1_000_000 else text
    except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError):
        return text


def _is_answer(node: dict) -> bool:
    """A string-level answer: entities or events named by their text, without offsets (`gaiko align`)."""
    items = [item for key in ("entities", "events") if isinstance(node.get(key), list) for item in node[key]]
    return bool(items) and all(isinstance(i, dict) and "start" not in i for i in items) and \
        any(isinstance(i.get("text"), str) or isinstance(i.get("trigger"), dict) for i in items)


def _place_answers(spans: _Spans, gold: _Gold) -> None:
    """Place string-level answers in the gold texts the way `gaiko align` does, and collect the spans."""
    for group, node in spans.answers:
        targets = [group] if group in gold.by_id else list(gold.by_id) if group is _POOL else []
        for doc_id in targets:
            answer = {"id": doc_id, "entities": _clean_strings(node.get("entities"), ("text", "label")),
                      "events": _clean_events(node.get("events"))}
            try:
                placed = align([(1, answer)], [gold.by_id[doc_id]], "ordered").predictions
            except Exception:  # noqa: BLE001 - an answer the aligner cannot read is not a copy
                continue
            _walk(placed, spans, gold)


def _clean_strings(items, keys: tuple[str, ...]) -> list[dict]:
    return [{k: i[k] for k in keys} for i in items or [] if isinstance(i, dict)
            and all(isinstance(i.get(k), str) and i.get(k) for k in keys)]


def _clean_events(events) -> list[dict]:
    out = []
    for e in events or []:
        if isinstance(e, dict) and isinstance(e.get("type"), str) and isinstance(e.get("trigger"), dict) \
                and isinstance(e["trigger"].get("text"), str) and e["trigger"]["text"]:
            out.append({"type": e["type"], "realis": e.get("realis") if isinstance(e.get("realis"), str) else "ACTUAL",
                        "trigger": {"text": e["trigger"]["text"]},
                        "arguments": _clean_strings(e.get("arguments"), ("role", "text"))})
    return out


def _sheet_spans(text: str, spans: _Spans, gold: _Gold) -> None:
    """An annotation sheet, resolved against the document its header names, or against each gold document."""
    import tempfile

    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not ln.startswith("#")]
    if len(lines) < 3 or sum(bool(_SHEET_LINE.match(ln)) for ln in lines) < 0.8 * len(lines):
        return
    headed = "# document:" in text
    candidates = [None] if headed else list(gold.by_id)
    text = "\n".join(line.replace("\t|\t", " | ").replace("\t", " ") for line in text.split("\n"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.txt"
        for doc_id in candidates:
            path.write_text(text if headed else f"# document: {doc_id}\n{text}", encoding="utf-8")
            try:
                _walk(resolve_sheet(path, gold.by_id), spans, gold)
            except (GaikoError, ValueError, KeyError, IndexError, TypeError):
                continue


def _table_spans(data: bytes, spans: _Spans, gold: _Gold) -> None:
    """A Parquet file, or an Arrow IPC (Feather) file."""
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data)) if data[:4] == b"PAR1" else feather.read_table(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any unreadable Parquet is simply not a copy
        return
    for group_key, rows in ((_POOL, _class_label_names(table.schema, table.to_pylist())),):
        _walk(rows, spans, gold, group_key)


def _class_label_names(arrow_schema, rows: list[dict]) -> list:
    """Rows with ClassLabel ids replaced by their names, from the features `datasets` stores in the file
    (the dataset's `ner` and `events` configs keep labels, types and roles as ids)."""
    from datasets import ClassLabel, Features, List

    try:
        features = Features.from_arrow_schema(arrow_schema)
    except Exception:  # noqa: BLE001 - a file without (valid) features keeps its values
        return rows

    def named(feature, value):
        if isinstance(feature, ClassLabel) and type(value) is int and 0 <= value < feature.num_classes:
            return feature.int2str(value)
        if isinstance(feature, dict) and isinstance(value, dict):
            return {k: named(feature.get(k), v) for k, v in value.items()}
        if isinstance(feature, (List, list)) and isinstance(value, list):
            inner = feature.feature if isinstance(feature, List) else feature[0]
            return [named(inner, v) for v in value]
        return value

    return [named(features, row) for row in rows]


def _collect(data: bytes, name: str, gold: _Gold, budget: ScanBudget) -> _Spans:
    spans = _Spans()
    for _, member in _members(data[:MAX_SCANNED_BYTES], name, budget):
        if member[:4] == b"PAR1" or member[:6] == b"ARROW1":
            _table_spans(member, spans, gold)
            continue
        text = _decode(member)
        if len(text) <= MAX_PARSED_BYTES:
            for value in _json_values(text):
                _walk(value, spans, gold)
            _walk(_csv_rows(text), spans, gold)
            _sheet_spans(text, spans, gold)
        _text_spans(text, spans, gold)
    _place_answers(spans, gold)
    return spans


def _gold_tuples(doc: dict) -> tuple[set, set, set]:
    mentions, triggers = set(entity_spans(doc.get("entities"))), set(trigger_spans(doc.get("events")))
    by_id = {m["id"]: m for m in doc.get("entities", [])}
    arguments = {(e["trigger"]["start"], e["trigger"]["end"], e["type"], a["role"], by_id[a["mention_id"]]["start"],
                  by_id[a["mention_id"]]["end"]) for e in doc.get("events", []) for a in e.get("arguments", [])
                 if a.get("mention_id") in by_id}
    return mentions, triggers, arguments


def _reproduced(found: set, gold: set, share: float = THRESHOLD) -> bool:
    return bool(gold) and len(found & gold) >= share * len(gold)


def judge(spans: _Spans, gold_docs: list[dict]) -> list[tuple[str, str]]:
    """(document id, evidence) for every gold document that its own group, or the pool, reproduces."""
    hits = []
    for doc in gold_docs:
        gold_mentions, gold_triggers, gold_arguments = _gold_tuples(doc)
        for group in (doc["id"], _POOL):
            found_m, found_t = spans.mentions.get(group, set()), spans.triggers.get(group, set())
            found_a = spans.arguments.get(group, set())
            if group is _POOL and len(found_m) + len(found_t) > POOL_FACTOR * (len(gold_mentions) + len(gold_triggers)):
                continue
            mentions_ok = len(gold_mentions) >= MIN_MENTIONS and _reproduced(found_m, gold_mentions)
            triggers_ok = len(gold_triggers) >= MIN_TRIGGERS and _reproduced(found_t, gold_triggers)
            events_needed = len(gold_triggers) >= MIN_TRIGGERS and (group is _POOL or group not in spans.gold_shaped)
            # Arguments are the hardest layer (no system here reaches 0.7): nearly all of them is a copy.
            arguments_ok = (len(gold_arguments) >= MIN_TRIGGERS and _reproduced(found_a, gold_arguments, ARGUMENTS)
                            and _reproduced(found_t, gold_triggers, ARGUMENT_TRIGGERS))
            if triggers_ok or arguments_ok or (mentions_ok and not events_needed):
                hits.append((doc["id"], f"mentions {len(found_m & gold_mentions)}/{len(gold_mentions)}, "
                                        f"triggers {len(found_t & gold_triggers)}/{len(gold_triggers)}"))
                break
    return hits


def scan_bytes(data: bytes, name: str, gold_docs: list[dict], budget: ScanBudget | None = None) -> list[Finding]:
    """The gold documents that one file reproduces; GaikoError when it decompresses beyond the budget."""
    spans = _collect(data, name, _Gold(gold_docs), budget or ScanBudget())
    return [Finding(name, doc, evidence) for doc, evidence in judge(spans, gold_docs)]


def scan_folder(folder: Path, gold_docs: list[dict]) -> list[Finding]:
    """Every file under `folder` that reproduces a gold document, in path order."""
    folder = Path(folder)
    findings: list[Finding] = []
    budget = ScanBudget()
    for path, kind in walk_tree(folder, VCS_FOLDERS):
        if kind != "file":
            continue
        try:
            data = read_bytes(path, MAX_SCANNED_BYTES)
        except GaikoError:
            continue  # not a regular file, unreadable or too large to be scanned: never copied either
        findings += scan_bytes(data, display_path(path.relative_to(folder)), gold_docs, budget)
    return findings
