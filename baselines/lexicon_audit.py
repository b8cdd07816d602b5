"""Lexicon audit: every rule-lexicon entry whose only corpus occurrences are in held-out documents.

The rules may hold general knowledge and what the training split shows, never a surface kept only
because a validation or test document contains it. An entry found in held-out documents but not in
the training documents is therefore listed and must be reviewed: `baselines/lexicon_audit.tsv` holds
each such entry with the kind of general knowledge that justifies it, and the test fails when the
computed list and the reviewed file differ (a new entry to review, or a stale row).
"""

from __future__ import annotations

from pathlib import Path

from gaiko.baselines.rules import LEXICONS
from gaiko.dataset import load_split
from gaiko.io import read_text
from gaiko.paths import LEXICON_AUDIT_FILE

AUDIT_FILE = LEXICON_AUDIT_FILE
HEADER = "lexicon\tentry\theld_out_occurrences\tjustification"


def held_out_only(training: list[dict], held_out: list[dict]) -> list[tuple[str, str, int, str]]:
    """(lexicon, entry, occurrences in held-out texts, kind of knowledge) of entries absent from training texts."""
    rows = []
    for name, (kind, words) in LEXICONS.items():
        for word in sorted(set(words)):
            held = sum(doc["text"].count(word) for doc in held_out)
            if held and not any(word in doc["text"] for doc in training):
                rows.append((name, word, held, kind))
    return rows


def format_audit(rows) -> str:
    return "\n".join([HEADER] + [f"{name}\t{word}\t{n}\t{kind}" for name, word, n, kind in rows]) + "\n"


def read_audit(path: Path = AUDIT_FILE) -> str:
    return read_text(path)


if __name__ == "__main__":  # python -m gaiko.baselines.lexicon_audit > baselines/lexicon_audit.tsv (then review)
    print(format_audit(held_out_only(load_split("train"), load_split("validation") + load_split("test"))), end="")
