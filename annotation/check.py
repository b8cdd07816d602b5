"""Corpus-wide consistency checks of the gold (`gaiko check`).

Each finding is (check, document, subject, message). A finding is either fixed in the gold or listed in
`annotation/check_allowed.tsv` (check, document or *, subject, reason) after review; the tests require
that no unexplained finding remains.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from gaiko import schema
from gaiko.documents import validate_document
from gaiko.io import GaikoError, read_text
from gaiko.paths import CHECK_ALLOWED_FILE, ENTITIES_FILE

ALLOWED_FILE = CHECK_ALLOWED_FILE
INVENTORY_FILE = ENTITIES_FILE
# One-character surfaces (露, 朝, 米) occur inside countless words; the unannotated-occurrence check
# would only produce noise for them.
MIN_SURFACE_FOR_OCCURRENCES = 2


@dataclass(frozen=True)
class Finding:
    check: str
    document: str
    subject: str
    message: str


def load_inventory(path: Path = INVENTORY_FILE) -> dict[str, dict]:
    rows = list(csv.DictReader(read_text(path).splitlines(), delimiter="\t"))
    inventory: dict[str, dict] = {}
    for line, row in enumerate(rows, start=2):
        if row["id"] in inventory:
            raise GaikoError(f"entity id {row['id']!r} listed twice", path, line)
        if row["type"] not in schema.COREF_LABELS:
            raise GaikoError(f"entity {row['id']!r} has type {row['type']!r}, not one with canonical ids", path, line)
        inventory[row["id"]] = row
    return inventory


def load_allowed(path: Path = ALLOWED_FILE) -> dict[tuple[str, str, str], str]:
    if not path.exists():
        return {}
    allowed = {}
    for line, row in enumerate(csv.reader(read_text(path).splitlines(), delimiter="\t"), start=1):
        if not row or row[0].startswith("#"):
            continue
        if len(row) != 4 or not row[3].strip():
            raise GaikoError("a row is: check, document or *, subject, reason (tab-separated, reason required)",
                             path, line)
        allowed[(row[0], row[1], row[2])] = row[3]
    return allowed


def find_issues(docs: list[dict], inventory: dict[str, dict]) -> list[Finding]:
    findings: list[Finding] = []
    labels_of_surface: dict[str, set[str]] = defaultdict(set)
    types_of_id: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        findings += [Finding("invalid", doc["id"], p.where, str(p)) for p in validate_document(doc)]
        for m in doc["entities"]:
            labels_of_surface[m["text"]].add(m["label"])
            if m["entity_id"]:
                types_of_id[m["entity_id"]].add(m["label"])
                if m["entity_id"] not in inventory:
                    findings.append(Finding("unknown-id", doc["id"], m["entity_id"],
                                            f"entity id {m['entity_id']} ({m['text']}) is not in entities.tsv"))
                elif inventory[m["entity_id"]]["type"] != m["label"]:
                    findings.append(Finding("id-type", doc["id"], m["entity_id"],
                                            f"{m['text']}@{m['start']} is {m['label']} but {m['entity_id']} is "
                                            f"{inventory[m['entity_id']]['type']}"))
            elif m["label"] in schema.COREF_LABELS:
                findings.append(Finding("missing-id", doc["id"], f"{m['text']}@{m['start']}",
                                        f"{m['label']} mention {m['text']}@{m['start']} has no entity id"))
        spans = sorted((m["start"], m["end"]) for m in doc["entities"])
        for ev in doc["events"]:
            t = ev["trigger"]
            if not ev["arguments"]:
                findings.append(Finding("no-arguments", doc["id"], f"{t['text']}@{t['start']}",
                                        f"{ev['type']} event {t['text']}@{t['start']} has no arguments"))
            if any(s < t["end"] and t["start"] < e for s, e in spans):
                findings.append(Finding("trigger-overlap", doc["id"], f"{t['text']}@{t['start']}",
                                        f"trigger {t['text']}@{t['start']} overlaps an entity mention"))
    for surface, labels in sorted(labels_of_surface.items()):
        if len(labels) > 1:
            findings.append(Finding("label-conflict", "*", surface,
                                    f"{surface} is labelled {', '.join(sorted(labels))} across the corpus"))
    for eid, labels in sorted(types_of_id.items()):
        if len(labels) > 1:
            findings.append(Finding("id-type", "*", eid, f"{eid} is used with types {', '.join(sorted(labels))}"))
    findings += _unannotated_occurrences(docs, labels_of_surface)
    return findings


def _unannotated_occurrences(docs: list[dict], labels_of_surface: dict[str, set[str]]) -> list[Finding]:
    """Every occurrence of an annotated surface that no mention or trigger covers, by document, then
    surface (in the order they were first annotated), then offset. All surfaces are searched for at once
    (Aho-Corasick): trying each surface in each text grew with the square of the corpus."""
    rank = {s: i for i, s in enumerate(s for s in labels_of_surface if len(s) >= MIN_SURFACE_FOR_OCCURRENCES)}
    if not rank:
        return []
    automaton = ahocorasick.Automaton()
    for surface in rank:
        automaton.add_word(surface, surface)
    automaton.make_automaton()
    findings = []
    for doc in docs:
        text = doc["text"]
        covered = bytearray(len(text))
        for span in [*doc["entities"], *(e["trigger"] for e in doc["events"])]:
            covered[span["start"]:span["end"]] = b"\x01" * (span["end"] - span["start"])
        found = [(rank[surface], start, surface) for last, surface in automaton.iter(text)
                 if not any(covered[(start := last + 1 - len(surface)):last + 1])]
        findings += [Finding("unannotated", doc["id"], f"{surface}@{start}",
                             f"{surface} ({'/'.join(sorted(labels_of_surface[surface]))}) is not annotated at {start}")
                     for _, start, surface in sorted(found)]
    return findings


def check(docs: list[dict]) -> tuple[list[Finding], list[tuple[Finding, str]], list[tuple[str, str, str]]]:
    """(unexplained findings, allowed findings with their reason, allowed entries that matched nothing)."""
    findings = find_issues(docs, load_inventory())
    allowed = load_allowed()
    open_, explained, used = [], [], set()
    for f in findings:
        key = next((k for k in ((f.check, f.document, f.subject), (f.check, "*", f.subject)) if k in allowed), None)
        if key:
            explained.append((f, allowed[key]))
            used.add(key)
        else:
            open_.append(f)
    return open_, explained, [k for k in allowed if k not in used]
