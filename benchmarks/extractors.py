"""Part 3: extraction speed of every registered system on the real corpus, warm (fitted, model loaded).

Systems are fitted on the training split; while the built dataset carries no annotations yet, on the
training documents resolved from the gold annotation sheets. Each system's output is validated and
scored, so a system that returns nothing quickly is visible in the table.
"""

from __future__ import annotations

import time
from pathlib import Path

from gaiko.baselines.registry import SYSTEMS, create
from gaiko.dataset import load_split
from gaiko.documents import strip_annotations
from gaiko.eval.metrics import score_documents
from gaiko.manifest import load_manifest
from gaiko.predictions import validate_records

from timing import median_time

SHEETS = Path(__file__).resolve().parents[1] / "annotation" / "sheets" / "gold"


def gold_corpus() -> tuple[list[dict], str]:
    """All documents with gold annotations, and where the annotations came from."""
    docs = load_split("all")
    if any(doc["entities"] for doc in docs):
        return docs, "dataset"
    from gaiko.annotation.sheets import resolve_sheet

    by_id = {doc["id"]: doc for doc in docs}
    resolved = {d["id"]: d for d in (resolve_sheet(path, by_id) for path in sorted(SHEETS.glob("*.txt")))}
    return [resolved.get(doc["id"], doc) for doc in docs], "annotation sheets"


def benchmark(repeats: int, names: list[str] | None = None) -> tuple[list[dict], str]:
    docs, source = gold_corpus()
    split_of = load_manifest().split_of()
    train = [doc for doc in docs if split_of.get(doc["id"]) == "train"]
    inputs = [strip_annotations(doc) for doc in docs]
    characters = sum(len(doc["text"]) for doc in docs)
    rows = []
    for name in names or list(SYSTEMS):
        try:
            system = create(name)
            started = time.perf_counter()
            system.fit(train)
            system.extract(inputs[:1])  # warm: models loaded, caches filled
            setup = time.perf_counter() - started
            seconds, predictions = median_time(lambda: system.extract(inputs), repeats)
        except Exception as e:  # a system that cannot run is a row of the table, not the end of the benchmark
            rows.append({"system": name, "error": f"{type(e).__name__}: {e}"})
            continue
        problems = validate_records(list(enumerate(predictions, start=1)), docs)
        assert not problems, f"{name}: {problems[0].message}"
        report = score_documents(docs, {p["id"]: p for p in predictions})
        rows.append({"system": name, "setup": setup, "seconds": seconds, "chars/s": characters / seconds,
                     "entities": report["counts"]["predicted"]["entities"],
                     "strict F1 (all documents)": report["ner"]["strict"]["micro"]["f1"]})
    return rows, f"{len(docs)} documents, {characters:,} characters, gold from the {source}"
