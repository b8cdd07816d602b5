"""Raw articles → clean documents (the first step of the data flow).

The seed articles live in `annotation/raw/` under their original file names (their provenance);
`sources.json` beside them records the metadata a person established for each, and says which
values are inferred. A new raw file goes through the same generic cleaner via `ingest`.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

from gaiko.cleaning import CleanResult, clean
from gaiko.io import GaikoError, read_text

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "annotation" / "raw"
SOURCES_FILE = RAW_DIR / "sources.json"
MAX_RAW_BYTES = 20 * 1024 * 1024  # a news page is tens of kB; anything this large is not an article


def ingest(path: str | Path, metadata: dict | None = None) -> tuple[dict, CleanResult]:
    """Clean one raw file into a document (no annotations) and return it with the cleaning report."""
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
        "id": path.stem,
        "title": result.title,
        "publisher": meta.get("publisher", urlparse(url).hostname if url else None),
        "url": url,
        "date": meta.get("date", result.date),
        "date_note": meta.get("date_note", result.date_note or "no date in the raw page"),
        "language": "ja",
        "source_file": _display_path(path),
        "text": result.text,
        "raw_alignment": result.alignment,
        "entities": [],
        "events": [],
    }
    return doc, result


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.name


def clean_documents(raw_dir: Path = RAW_DIR) -> list[dict]:
    """The corpus's clean documents, sorted by id, with the metadata of `sources.json`."""
    sources = json.loads(read_text(raw_dir / SOURCES_FILE.name))
    docs = []
    for name in sorted(sources):
        meta = {k: v for k, v in sources[name].items() if not k.endswith("_note") or k == "date_note"}
        docs.append(ingest(raw_dir / name, meta)[0])
    return docs
