"""The challenge set: short news-style texts written for a generalization check, annotated with sheets.

The texts (`annotation/challenge/texts/*.txt`, headline on the first line) report Russia–North Korea
events, people, places and dates that the five corpus articles do not, in other outlets' styles. They
are not part of the dataset and no system trains on them. Their gold (`annotation/challenge/challenge.jsonl`,
documents shape) is resolved from the sheets in `annotation/challenge/sheets/` by the same resolver as the
corpus's annotation sheets, so every offset is checked against the text; a test compares the committed
file with a fresh resolution.
"""

from __future__ import annotations

import json
from pathlib import Path

from gaiko.annotation.sheets import resolve_sheet
from gaiko.documents import load_documents
from gaiko.io import GaikoError, read_text, write_jsonl_atomic
from gaiko.paths import CHALLENGE_DIR, PROJECT_ROOT

CHALLENGE_GOLD = CHALLENGE_DIR / "challenge.jsonl"


def challenge_documents(folder: Path = CHALLENGE_DIR) -> dict[str, dict]:
    """The unannotated challenge documents by id (metadata from `sources.json`)."""
    sources = json.loads(read_text(folder / "sources.json"))
    documents = {}
    for path in sorted((folder / "texts").glob("*.txt")):
        text = read_text(path).rstrip("\n")
        if path.stem not in sources:
            raise GaikoError(f"no entry for {path.stem!r} in sources.json", path)
        meta = sources[path.stem]
        documents[path.stem] = {
            "id": path.stem, "title": text.split("\n", 1)[0], "publisher": f"written for gaiko ({meta['style']})",
            "url": None, "date": meta["date"], "date_note": "the date of the reported events; not a real article",
            "language": "ja", "source_file": path.relative_to(PROJECT_ROOT).as_posix(), "text": text,
        }
    return documents


def resolve_challenge(folder: Path = CHALLENGE_DIR) -> list[dict]:
    """The challenge gold: every sheet resolved against its text; every text must have a sheet."""
    documents = challenge_documents(folder)
    sheets = sorted((folder / "sheets").glob("*.txt"))
    missing = sorted(set(documents) - {p.stem for p in sheets})
    if missing:
        raise GaikoError(f"texts without a sheet: {', '.join(missing)}", folder / "sheets")
    return [resolve_sheet(path, documents) for path in sheets]


def write_challenge(path: Path = CHALLENGE_GOLD) -> list[dict]:

    docs = resolve_challenge()
    write_jsonl_atomic(path, docs)
    return docs


def load_challenge(path: Path = CHALLENGE_GOLD) -> list[dict]:

    return load_documents(path)


if __name__ == "__main__":  # python -m gaiko.annotation.challenge: rewrite challenge.jsonl from the sheets
    written = write_challenge()
    print(f"wrote {CHALLENGE_GOLD.relative_to(PROJECT_ROOT)}: {len(written)} documents, "
          f"{sum(len(d['entities']) for d in written)} mentions, {sum(len(d['events']) for d in written)} events")
