"""Raw articles → clean documents (the first step of the data flow): ingesting a raw file, adding a document
to the manifest (`gaiko.manifest`) and changing its status."""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from gaiko.cleaning import CleanResult, clean
from gaiko.io import GaikoError, atomic_path, brief, read_bytes, read_text, write_text_atomic
from gaiko.manifest import (SPLITS, STATUSES, TARGET_SHARES, Entry, Manifest, load_manifest, manifest_path,
                            parse_manifest)
from gaiko.paths import PROJECT_ROOT, RAW_DIR

MAX_RAW_BYTES = 20 * 1024 * 1024  # a news page is tens of kB; anything this large is not an article


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
