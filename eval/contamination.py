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

from gaiko.bio import bio_to_spans
from gaiko.io import GaikoError, read_bytes
from gaiko.schema import BIO_TAGS, ENTITY_LABELS, EVENT_LABELS

THRESHOLD = 0.95
ARGUMENTS, ARGUMENT_TRIGGERS = 0.9, 0.8  # or this share of the arguments with that share of the triggers
MIN_TRIGGERS = 3  # a document with fewer triggers is judged on its mentions only
MAX_SCANNED_BYTES = 512 * 1024 * 1024  # per file, decompressed members included
MAX_CONTAINER_DEPTH = 8
POOL_FACTOR = 20  # spans of no known document are judged only while they are not a whole corpus
VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})
_ENTITY, _EVENT = frozenset(ENTITY_LABELS), frozenset(EVENT_LABELS)
_LABEL = "|".join(sorted((*ENTITY_LABELS, *EVENT_LABELS), key=len, reverse=True))
# Two integers then a label, or a label then two integers, with no digit in between.
_FORWARD = re.compile(rf"(?<!\d)(\d{{1,7}})(?!\d)[^\d\n]{{1,60}}?(?<!\d)(\d{{1,7}})(?!\d)[^\d\n]{{0,60}}?\b({_LABEL})\b")
_BACKWARD = re.compile(rf"\b({_LABEL})\b[^\d\n]{{0,80}}?(?<!\d)(\d{{1,7}})(?!\d)[^\d\n]{{1,60}}?(?<!\d)(\d{{1,7}})(?!\d)")
_SHEET_LINE = re.compile(r"^(?:P\d+|@?[^|\n]+ \| [A-Z_]+(?: \|.*)?)$")
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

    def add(self, group, start, end, label) -> None:
        if isinstance(start, str) and start.isdigit():
            start = int(start)
        if isinstance(end, str) and end.isdigit():
            end = int(end)
        if type(start) is not int or type(end) is not int or not isinstance(label, str):
            return
        if label in _ENTITY:
            self.mentions.setdefault(group, set()).add((start, end, label))
        elif label in _EVENT:
            self.triggers.setdefault(group, set()).add((start, end, label))


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
        spans.add(group, start, end, node.get("label"))
        labels = node.get("labels")
        if isinstance(labels, list):
            for label in labels:
                spans.add(group, start, end, label)
        trigger = node.get("trigger")
        if isinstance(trigger, dict):
            spans.add(group, trigger.get("start"), trigger.get("end"), node.get("type"))
            for argument in node.get("arguments") if isinstance(node.get("arguments"), list) else ():
                if isinstance(argument, dict):
                    spans.arguments.setdefault(group, set()).add(
                        (trigger.get("start"), trigger.get("end"), node.get("type"), argument.get("role"),
                         argument.get("start"), argument.get("end")))
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


def _members(data: bytes, name: str, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """The file itself, or what its (nested) gzip and zip containers hold, within the scan budget."""
    if depth < MAX_CONTAINER_DEPTH and data[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=47)  # gzip; a truncated stream still gives what it holds
        try:
            inner = inflater.decompress(data, MAX_SCANNED_BYTES)
        except zlib.error:
            inner = b""
        if inner:
            yield from _members(inner, name, depth + 1)
            return
    if depth < MAX_CONTAINER_DEPTH and data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.infolist():
                    with archive.open(member) as f:
                        yield from _members(f.read(MAX_SCANNED_BYTES), f"{name}:{member.filename}", depth + 1)
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
    """Integers and labels close together in any text, each under the nearest gold document id before it."""
    marks = [(m.start(), m.group()) for m in gold.id_pattern.finditer(text)]
    starts = [p for p, _ in marks]

    def group_at(position: int):
        i = bisect.bisect_right(starts, position) - 1
        return marks[i][1] if i >= 0 else _POOL

    for m in _FORWARD.finditer(text):
        spans.add(group_at(m.start()), m.group(1), m.group(2), m.group(3))
    for m in _BACKWARD.finditer(text):
        spans.add(group_at(m.start()), m.group(2), m.group(3), m.group(1))


def _sheet_spans(text: str, spans: _Spans, gold: _Gold) -> None:
    """An annotation sheet, resolved against the document its header names, or against each gold document."""
    import tempfile

    from gaiko.annotation.sheets import resolve_sheet

    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not ln.startswith("#")]
    if len(lines) < 3 or sum(bool(_SHEET_LINE.match(ln)) for ln in lines) < 0.8 * len(lines):
        return
    headed = "# document:" in text
    candidates = [None] if headed else list(gold.by_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.txt"
        for doc_id in candidates:
            path.write_text(text if headed else f"# document: {doc_id}\n{text}", encoding="utf-8")
            try:
                _walk(resolve_sheet(path, gold.by_id), spans, gold)
            except (GaikoError, ValueError, KeyError, IndexError, TypeError):
                continue


def _parquet_spans(data: bytes, spans: _Spans, gold: _Gold) -> None:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
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


def _collect(data: bytes, name: str, gold: _Gold) -> _Spans:
    spans = _Spans()
    for _, member in _members(data[:MAX_SCANNED_BYTES], name):
        if member[:4] == b"PAR1":
            _parquet_spans(member, spans, gold)
            continue
        text = _decode(member)
        for value in _json_values(text):
            _walk(value, spans, gold)
        _text_spans(text, spans, gold)
        _sheet_spans(text, spans, gold)
    return spans


def _gold_tuples(doc: dict) -> tuple[set, set, set]:
    mentions = {(m["start"], m["end"], m["label"]) for m in doc.get("entities", [])}
    triggers = {(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in doc.get("events", [])}
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
            mentions_ok = _reproduced(found_m, gold_mentions)
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


def scan_bytes(data: bytes, name: str, gold_docs: list[dict]) -> list[Finding]:
    spans = _collect(data, name, _Gold(gold_docs))
    return [Finding(name, doc, evidence) for doc, evidence in judge(spans, gold_docs)]


def scan_folder(folder: Path, gold_docs: list[dict]) -> list[Finding]:
    """Every file under `folder` that reproduces a gold document, in path order."""
    from gaiko.eval.sandbox import display_path, walk_tree

    folder = Path(folder)
    findings: list[Finding] = []
    for path, kind in walk_tree(folder, VCS_FOLDERS):
        if kind != "file":
            continue
        try:
            data = read_bytes(path, MAX_SCANNED_BYTES)
        except GaikoError:
            continue  # not a regular file, unreadable or too large to be scanned: never copied either
        findings += scan_bytes(data, display_path(path.relative_to(folder)), gold_docs)
    return findings
