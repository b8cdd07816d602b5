"""Find copies of the gold in a submission folder before it is run or scored.

The test split is public, so the sandbox cannot stop a submission that carries a copy of it: that is
contamination, not an escape. This scan reads every regular file of the folder (symlinks followed to
regular files; version-control folders skipped, as the sandbox never copies them) in the project's
formats — JSON and JSONL (documents, predictions, Label Studio exports, any nesting), Parquet (every
dataset config), annotation sheets — and in gzip or zip containers of them. A file *reproduces* a gold
document when, for that document, it holds at least `THRESHOLD` of the gold mentions (start, end, label)
together with that share of its triggers (start, end, type); or that share of the triggers alone; or that
share of the mentions in a gold-only shape — with entity ids (documents, sheets) or as IOB2 tag rows (the
`ner` config), which the predictions format has no place for. No extractor here comes near that share on
events, so a file that does is a copy, whatever its name.

Not detected: an encoded, encrypted or otherwise transformed copy, or a model trained on the test split.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from gaiko.bio import bio_to_spans
from gaiko.io import GaikoError, read_bytes
from gaiko.schema import BIO_TAGS, ENTITY_LABELS, EVENT_LABELS

THRESHOLD = 0.95
MIN_TRIGGERS = 3  # a document with fewer triggers is judged on its mentions only
MAX_SCANNED_BYTES = 512 * 1024 * 1024  # per file (and per decompressed member)
VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})
_ENTITY, _EVENT = frozenset(ENTITY_LABELS), frozenset(EVENT_LABELS)


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the scanned folder; `archive.zip:member` inside a container
    document: str
    evidence: str  # e.g. "mentions 120/120, triggers 31/31"


class _Spans:
    """What a file says about each document: mention and trigger tuples, and whether in a gold-only shape."""

    def __init__(self):
        self.mentions: dict[str, set] = {}
        self.triggers: dict[str, set] = {}
        self.gold_shaped: set[str] = set()

    def add(self, doc: str | None, start, end, label) -> None:
        if doc is None or type(start) is not int or type(end) is not int or not isinstance(label, str):
            return
        if label in _ENTITY:
            self.mentions.setdefault(doc, set()).add((start, end, label))
        elif label in _EVENT:
            self.triggers.setdefault(doc, set()).add((start, end, label))


def _doc_of(node: dict, doc_ids: frozenset[str], current: str | None) -> str | None:
    data = node.get("data")
    for value in (node.get("document_id"), node.get("doc_id"), node.get("id"),
                  data.get("doc_id") if isinstance(data, dict) else None):
        if isinstance(value, str) and value in doc_ids:
            return value
    return current


def _walk(value, spans: _Spans, doc_ids: frozenset[str], doc: str | None = None) -> None:
    """Collect labelled spans from any JSON-like value, each under the nearest enclosing document id."""
    stack = [(value, doc)]
    while stack:
        node, doc = stack.pop()
        if isinstance(node, list):
            stack.extend((item, doc) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        doc = _doc_of(node, doc_ids, doc)
        start, end = node.get("start"), node.get("end")
        spans.add(doc, start, end, node.get("label"))
        if doc is not None and isinstance(node.get("entity_id"), str):
            spans.gold_shaped.add(doc)
        labels = node.get("labels")
        if isinstance(labels, list):
            for label in labels:
                spans.add(doc, start, end, label)
        trigger = node.get("trigger")
        if isinstance(trigger, dict):
            spans.add(doc, trigger.get("start"), trigger.get("end"), node.get("type"))
        tags, offsets = node.get("ner_tags"), node.get("token_offsets")
        if doc is not None and isinstance(tags, list) and isinstance(offsets, list) and len(tags) == len(offsets):
            names = [BIO_TAGS[t] if type(t) is int and 0 <= t < len(BIO_TAGS) else str(t) for t in tags]
            tokens = [(o.get("start"), o.get("end")) if isinstance(o, dict) else (None, None) for o in offsets]
            for s, e, label in bio_to_spans(names, tokens):
                spans.add(doc, s, e, label)
            spans.gold_shaped.add(doc)
        stack.extend((child, doc) for child in node.values() if isinstance(child, (dict, list)))


def _parse(data: bytes, name: str, spans: _Spans, doc_ids: frozenset[str], gold_by_id: dict, depth: int = 0) -> None:
    """Read one file's bytes in whichever project format they are; anything else is not a copy."""
    if data[:2] == b"\x1f\x8b" and depth < 2:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                inner = f.read(MAX_SCANNED_BYTES + 1)
        except (OSError, EOFError):
            return
        _parse(inner[:MAX_SCANNED_BYTES], name, spans, doc_ids, gold_by_id, depth + 1)
        return
    if data[:4] == b"PK\x03\x04" and depth < 2:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.infolist():
                    if not member.is_dir():
                        with archive.open(member) as f:
                            _parse(f.read(MAX_SCANNED_BYTES), name, spans, doc_ids, gold_by_id, depth + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            return
        return
    if data[:4] == b"PAR1":
        _parse_parquet(data, spans, doc_ids)
        return
    text = data.decode("utf-8", errors="replace")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("# document:"):
        _parse_sheet(text, spans, gold_by_id)
    elif stripped[:1] in "[{":
        try:
            _walk(json.loads(stripped), spans, doc_ids)
            return
        except (ValueError, RecursionError):
            pass
        for line in stripped.split("\n"):
            try:
                _walk(json.loads(line), spans, doc_ids)
            except (ValueError, RecursionError):
                continue


def _parse_parquet(data: bytes, spans: _Spans, doc_ids: frozenset[str]) -> None:
    import pyarrow.parquet as pq

    try:
        rows = pq.read_table(io.BytesIO(data)).to_pylist()
    except Exception:  # noqa: BLE001 - any unreadable Parquet is simply not a copy
        return
    _walk(rows, spans, doc_ids)


def _parse_sheet(text: str, spans: _Spans, gold_by_id: dict) -> None:
    import tempfile

    from gaiko.annotation.sheets import resolve_sheet

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.txt"
        path.write_text(text, encoding="utf-8")
        try:
            _walk(resolve_sheet(path, gold_by_id), spans, frozenset(gold_by_id))
        except (GaikoError, ValueError, KeyError, IndexError, TypeError):
            return


def _gold_tuples(doc: dict) -> tuple[set, set]:
    mentions = {(m["start"], m["end"], m["label"]) for m in doc.get("entities", [])}
    triggers = {(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in doc.get("events", [])}
    return mentions, triggers


def _reproduced(found: set, gold: set) -> bool:
    return bool(gold) and len(found & gold) >= THRESHOLD * len(gold)


def judge(spans: _Spans, gold_docs: list[dict]) -> list[tuple[str, str]]:
    """(document id, evidence) for every gold document the collected spans reproduce."""
    hits = []
    for doc in gold_docs:
        gold_mentions, gold_triggers = _gold_tuples(doc)
        found_m = spans.mentions.get(doc["id"], set())
        found_t = spans.triggers.get(doc["id"], set())
        mentions_ok = _reproduced(found_m, gold_mentions)
        triggers_ok = len(gold_triggers) >= MIN_TRIGGERS and _reproduced(found_t, gold_triggers)
        events_needed = len(gold_triggers) >= MIN_TRIGGERS and doc["id"] not in spans.gold_shaped
        if triggers_ok or (mentions_ok and (not events_needed or triggers_ok)):
            evidence = (f"mentions {len(found_m & gold_mentions)}/{len(gold_mentions)}, "
                        f"triggers {len(found_t & gold_triggers)}/{len(gold_triggers)}")
            hits.append((doc["id"], evidence))
    return hits


def scan_bytes(data: bytes, name: str, gold_docs: list[dict]) -> list[Finding]:
    gold_by_id = {d["id"]: d for d in gold_docs}
    spans = _Spans()
    _parse(data[:MAX_SCANNED_BYTES], name, spans, frozenset(gold_by_id), gold_by_id)
    return [Finding(name, doc, evidence) for doc, evidence in judge(spans, gold_docs)]


def scan_folder(folder: Path, gold_docs: list[dict]) -> list[Finding]:
    """Every file under `folder` that reproduces a gold document, in path order."""
    folder = Path(folder)
    findings: list[Finding] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in VCS_FOLDERS)
        for name in sorted(files):
            path = Path(root) / name
            try:
                data = read_bytes(path, MAX_SCANNED_BYTES)
            except GaikoError:
                continue  # not a regular file, unreadable or too large to be scanned: never copied either
            findings += scan_bytes(data, str(path.relative_to(folder)), gold_docs)
    return findings
