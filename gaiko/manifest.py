"""The corpus manifest (`annotation/corpus.toml`): the documents of the corpus, their splits and statuses.

The manifest is data, edited by people and by `gaiko add`/`gaiko status`: one `[[document]]` table per
document with its id, raw file, metadata (and notes saying which values are inferred), split and
annotation status. The build, the folds, the card and `gaiko ls push` read it, so adding, moving or
retiring a document never needs a Python edit. It is validated on every load; a problem is one error
naming the manifest, the line of the document's table and the field. Reading it needs none of the
cleaner (`gaiko.corpus`), so the dataset's readers load quickly.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from gaiko.io import GaikoError, brief, read_text
from gaiko.paths import MANIFEST_FILE

MANIFEST_ENV = "GAIKO_MANIFEST"  # another corpus (a copy to try things on) without touching this one
SPLITS = ("train", "validation", "test")
# raw → in_annotation → annotated → adjudicated; retired documents stay listed (provenance) but are never built
STATUSES = ("raw", "in_annotation", "annotated", "adjudicated", "retired")
RELEASED = ("annotated", "adjudicated")
# Split policy for a document added without --split: the split furthest below its target share of the
# corpus (ties: train first). Validation and test then grow only when they fall behind, so held-out scores
# stay comparable across versions while training data grows.
TARGET_SHARES = {"train": 0.6, "validation": 0.2, "test": 0.2}
SPLIT_POLICY = (
    "A document added without an explicit split goes to the split furthest below its target share of the "
    "documents (train 60 %, validation 20 %, test 20 %; ties go to train). New articles therefore mostly "
    "grow the training data, and the held-out splits change only when they fall behind their share, so "
    "scores on them stay comparable from one version to the next. A document is always in exactly one split."
)
REQUIRED = ("id", "raw", "split", "status")
OPTIONAL = ("publisher", "publisher_note", "url", "url_note", "date", "date_note")
_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")


@dataclass
class Entry:
    """One document of the manifest; `line` is where its `[[document]]` table starts."""

    id: str
    raw: str
    split: str
    status: str
    line: int
    meta: dict = field(default_factory=dict)


@dataclass
class Manifest:
    path: Path
    entries: list[Entry]
    split_rationale: str = ""

    def raw_path(self, entry: Entry) -> Path:
        return self.path.parent / entry.raw

    def source_file(self, entry: Entry) -> str:
        """The raw file as the dataset names it: relative to the folder holding the manifest's folder."""
        return (Path(self.path.parent.name) / entry.raw).as_posix()

    def released(self) -> list[Entry]:
        return [e for e in self.entries if e.status in RELEASED]

    def pending(self) -> list[Entry]:
        return [e for e in self.entries if e.status not in RELEASED and e.status != "retired"]

    def split_of(self) -> dict[str, str]:
        """Split of every released document (what the dataset holds)."""
        return {e.id: e.split for e in self.released()}


def manifest_path() -> Path:
    return Path(os.environ.get(MANIFEST_ENV) or MANIFEST_FILE)


def _table_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), start=1) if line.strip() == "[[document]]"]


def parse_manifest(text: str, path: Path) -> Manifest:
    """Validate a manifest text: known keys, types, unique ids and raw files, splits, statuses, dates."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        raise GaikoError(f"invalid TOML: {str(e).split(' (at line')[0]}"
                         + (f" at column {m.group(2)}" if m else ""), path, int(m.group(1)) if m else None) from None
    unknown = set(data) - {"split_rationale", "document"}
    if unknown:
        raise GaikoError(f"unknown top-level key {brief(sorted(unknown)[0])} (split_rationale, [[document]])", path)
    rationale = data.get("split_rationale", "")
    if not isinstance(rationale, str):
        raise GaikoError("split_rationale must be a string", path)
    tables = data.get("document", [])
    if not isinstance(tables, list):
        raise GaikoError("`document` must be an array of tables ([[document]])", path)
    lines = _table_lines(text)
    entries, ids, raws = [], {}, {}
    for k, table in enumerate(tables):
        line = lines[k] if k < len(lines) else None

        def fail(problem: str) -> GaikoError:
            name = table.get("id") if isinstance(table.get("id"), str) else f"#{k + 1}"
            return GaikoError(f"document {name}: {problem}", path, line)

        for key in table:
            if key not in REQUIRED and key not in OPTIONAL:
                raise fail(f"unknown field {brief(key)} (fields: {', '.join(REQUIRED + OPTIONAL)})")
        for key in REQUIRED:
            if not isinstance(table.get(key), str) or not table[key]:
                raise fail(f"`{key}` is required and must be a non-empty string")
        meta = {}
        for key in OPTIONAL:
            value = table.get(key)
            if isinstance(value, dt.date) and key == "date":
                value = value.isoformat()
            if value is not None and (not isinstance(value, str) or not value or "\n" in value):
                raise fail(f"`{key}` must be a one-line non-empty string, got {brief(value)}")
            meta[key] = value
        doc_id, raw = table["id"], table["raw"]
        if not _ID.match(doc_id):
            raise fail("id must be letters, digits, '_' or '-' (at most 64, not starting with a symbol)")
        if doc_id in ids:
            raise fail(f"duplicate id (first on line {ids[doc_id]})")
        if table["split"] not in SPLITS:
            raise fail(f"unknown split {brief(table['split'])} ({', '.join(SPLITS)})")
        if table["status"] not in STATUSES:
            raise fail(f"unknown status {brief(table['status'])} ({' → '.join(STATUSES[:4])}, or retired)")
        if Path(raw).is_absolute() or ".." in Path(raw).parts:
            raise fail(f"raw must be a path inside {path.parent.name}/, got {brief(raw)}")
        if raw in raws:
            raise fail(f"raw file {brief(raw)} is also the raw file of {raws[raw]}")
        if meta["date"] is not None:
            try:
                dt.date.fromisoformat(meta["date"]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date"]) else 1 / 0
            except (ValueError, ZeroDivisionError):
                raise fail(f"date must be YYYY-MM-DD, got {brief(meta['date'])}") from None
        if meta["url"] is not None and urlparse(meta["url"]).scheme not in ("http", "https"):
            raise fail(f"url must start with http:// or https://, got {brief(meta['url'])}")
        ids[doc_id], raws[raw] = line, doc_id
        entries.append(Entry(doc_id, raw, table["split"], table["status"], line, meta))
    return Manifest(path, entries, rationale)


def load_manifest(path: str | Path | None = None) -> Manifest:
    path = Path(path) if path is not None else manifest_path()
    manifest = parse_manifest(read_text(path), path)
    for entry in manifest.entries:
        if not manifest.raw_path(entry).is_file():
            raise GaikoError(f"document {entry.id}: raw file {entry.raw} does not exist", path, entry.line)
    return manifest
