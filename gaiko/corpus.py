"""Raw articles → clean documents, and the corpus manifest that lists them (the first step of the data flow).

The manifest (`annotation/corpus.toml`) is data, edited by people and by `gaiko add`/`gaiko status`: one
`[[document]]` table per document with its id, raw file, metadata (and notes saying which values are
inferred), split and annotation status. The build, the folds, the card and `gaiko ls push` read it, so
adding, moving or retiring a document never needs a Python edit. It is validated on every load; a problem
is one error naming the manifest, the line of the document's table and the field.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from gaiko.cleaning import CleanResult, clean
from gaiko.io import GaikoError, atomic_path, brief, read_bytes, read_text, write_text_atomic
from gaiko.paths import MANIFEST_FILE, PROJECT_ROOT, RAW_DIR

MANIFEST_ENV = "GAIKO_MANIFEST"  # another corpus (a copy to try things on) without touching this one
MAX_RAW_BYTES = 20 * 1024 * 1024  # a news page is tens of kB; anything this large is not an article

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


def ingest(path: str | Path, metadata: dict | None = None, doc_id: str | None = None,
           source_file: str | None = None) -> tuple[dict, CleanResult]:
    """Clean one raw file into a document (no annotations) and return it with the cleaning report.

    `metadata` (the manifest's values) wins over what the cleaner found in the page; a key present with
    None means "known to be absent" and is kept as None.
    """
    path = Path(path)
    raw = read_text(path, max_bytes=MAX_RAW_BYTES)
    if not raw.strip():
        raise GaikoError("empty file: no article to clean", path)
    try:
        result = clean(raw)
    except ValueError as e:
        raise GaikoError(str(e), path) from None
    meta = dict(metadata or {})
    url = meta.get("url", result.url)
    doc = {
        "id": doc_id or path.stem,
        "title": result.title,
        "publisher": meta.get("publisher", urlparse(url).hostname if url else None),
        "url": url,
        "date": meta.get("date", result.date),
        "date_note": meta.get("date_note") or result.date_note or "no date in the raw page",
        "language": "ja",
        "source_file": source_file or _display_path(path),
        "text": result.text,
        "raw_alignment": result.alignment,
        "entities": [],
        "events": [],
    }
    return doc, result


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.name


def entry_document(manifest: Manifest, entry: Entry) -> dict:
    meta = {k: entry.meta[k] for k in ("publisher", "url", "date", "date_note")}
    return ingest(manifest.raw_path(entry), meta, entry.id, manifest.source_file(entry))[0]


def clean_documents(manifest: Manifest | None = None, include_retired: bool = False) -> list[dict]:
    """The corpus's clean documents (every status but retired), sorted by id, with the manifest's metadata."""
    manifest = manifest or load_manifest()
    entries = [e for e in manifest.entries if include_retired or e.status != "retired"]
    return [entry_document(manifest, e) for e in sorted(entries, key=lambda e: e.id)]


def assign_split(manifest: Manifest) -> str:
    """The split SPLIT_POLICY gives the next document."""
    counts = {s: 0 for s in SPLITS}
    for e in manifest.entries:
        if e.status != "retired":
            counts[e.split] += 1
    total = sum(counts.values()) + 1
    return max(SPLITS, key=lambda s: (TARGET_SHARES[s] * total - counts[s], -SPLITS.index(s)))


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL is the one character TOML also wants escaped)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def render_entry(entry: Entry) -> str:
    fields = {"id": entry.id, "raw": entry.raw, "split": entry.split, "status": entry.status, **entry.meta}
    return "\n[[document]]\n" + "".join(f"{k} = {_toml_string(v)}\n" for k, v in fields.items() if v is not None)


@contextmanager
def _locked(path: Path):
    """Serialize manifest edits (two `gaiko add` at once must not lose one document)."""
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@dataclass
class Added:
    entry: Entry
    document: dict
    result: CleanResult
    split_by_policy: bool


def add_document(raw: str | Path, doc_id: str | None = None, url: str | None = None,
                 publisher: str | None = None, date: str | None = None, split: str | None = None,
                 path: str | Path | None = None) -> Added:
    """Clean RAW, refuse a duplicate, copy it into the raw folder and append it to the manifest.

    The manifest is appended to (never rewritten from data), so its comments and hand edits survive; the
    new text is validated before it replaces the old one in one rename.
    """
    path = Path(path) if path is not None else manifest_path()
    with _locked(path):
        manifest = load_manifest(path)
        doc, result = ingest(raw)
        digest = hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()
        for other in clean_documents(manifest, include_retired=True):
            if other["text"] == doc["text"]:
                raise GaikoError(f"same clean text as document {other['id']} ({other['source_file']}); "
                                 "not added twice", raw)
        if doc_id is None:
            numbers = [int(m.group()) for e in manifest.entries if (m := re.match(r"\d+", e.id))]
            doc_id = f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}"
        if any(e.id == doc_id for e in manifest.entries):
            raise GaikoError(f"id {doc_id} is already in the manifest", path)
        meta = {
            "publisher": publisher or (urlparse(url or result.url or "").hostname or None),
            "url": url or result.url,
            "date": date or result.date,
            "date_note": ("given when the document was added" if date else result.date_note)
            or "no date in the raw page",
        }
        policy = split is None
        suffix = Path(raw).suffix if Path(raw).suffix in (".txt", ".html", ".htm") else ".txt"
        entry = Entry(doc_id, f"{RAW_DIR.name}/{doc_id}{suffix}", split or assign_split(manifest), "raw", 0, meta)
        target = manifest.raw_path(entry)
        in_place = target.exists() and target.resolve() == Path(raw).resolve()
        if target.exists() and not in_place:
            raise GaikoError(f"{target.name} already exists in {target.parent.name}/ but is in no manifest entry",
                             path)
        old = read_text(path)
        new = old + ("" if old.endswith("\n") or not old else "\n") + render_entry(entry)
        checked = parse_manifest(new, path)  # the file stays valid (a bad --id or --date stops here)
        entry = checked.entries[-1]
        if not in_place:
            data = read_bytes(raw, MAX_RAW_BYTES)
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(target) as tmp:
                tmp.write_bytes(data)
        try:
            write_text_atomic(path, new)
        except BaseException:
            if not in_place:
                target.unlink(missing_ok=True)
            raise
        doc = entry_document(checked, entry)
        return Added(entry, doc, result, policy)


def set_status(doc_id: str, status: str, path: str | Path | None = None) -> tuple[str, str]:
    """Change one document's status in place (only its `status` line changes); return (old, new)."""
    path = Path(path) if path is not None else manifest_path()
    with _locked(path):
        manifest = load_manifest(path)
        entry = next((e for e in manifest.entries if e.id == doc_id), None)
        if entry is None:
            raise GaikoError(f"no document {brief(doc_id)} in the manifest", path)
        if status not in STATUSES:
            raise GaikoError(f"unknown status {brief(status)} ({', '.join(STATUSES)})")
        lines = read_text(path).split("\n")
        end = next((n for n in range(entry.line, len(lines)) if lines[n].strip().startswith("[")), len(lines))
        at = next((n for n in range(entry.line, end) if re.match(r"\s*status\s*=", lines[n])), None)
        if at is None:
            raise GaikoError(f"document {doc_id}: no `status = ...` line in its table to change", path, entry.line)
        lines[at] = f"status = {_toml_string(status)}"
        new = "\n".join(lines)
        parse_manifest(new, path)
        write_text_atomic(path, new)
        return entry.status, status
