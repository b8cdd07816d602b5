"""Part 4: the harness end to end at scale, every figure a ratio against a peer measured in the same run.

- time: `gaiko score --json` (a process: interpreter start, imports, reading, validating, scoring; by
  default it counts a large gold file's parts in as many processes as there are usable processors, and
  `--jobs 1` in one) against seqeval's `classification_report` and nervaluate in process on inputs
  prepared before timing (their parsing is not counted; each peer runs between the commands of every
  repeat), and against the floor of a process that only parses both files with `json.loads`;
- the bootstrap: `--bootstrap 1000` against the same command without it (both in one process);
- memory: peak resident set of `gaiko score --json` against the size of its input files;
- scale: one million documents scored, against the floor on the same files.

Large inputs repeat the lines of a generated corpus under new ids (`scaled_files`), so they cost
seconds to make instead of minutes; every document is still scored.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

from gaiko.batches import _DECODE_DOCUMENT, BATCH, iter_gold_batches
from gaiko.columns import batch_of, predicted_side
from gaiko.eval.matching import count_sides
from gaiko.eval.metrics import score_documents
from gaiko.io import iter_line_batches, nonblank, paused_gc
from gaiko.predictions import PredictionIndex

from end_to_end import FLOOR, GAIKO, REPO, compile_package, write_files
from scoring import PEERS, check_agreement, peer_input
from synthetic import Corpus
from timing import Child, run_child


def score_command(gold: Path, pred: Path, *extra: str) -> Child:
    return run_child([*GAIKO, "score", "--gold", str(gold), "--pred", str(pred), "--json", *extra], cwd=REPO)


def floor_command(gold: Path, pred: Path) -> Child:
    return run_child([sys.executable, "-c", FLOOR, str(gold), str(pred)])


def end_to_end_vs_peers(corpus: Corpus, folder: Path, bootstrap: int, repeats: int) -> dict:
    """Median wall times of the commands and the peers on one corpus; the report is checked against
    the in-memory one and the peers' figures against ours."""
    compile_package()
    gold, pred = write_files(corpus, folder)
    out: dict = {"documents": len(corpus.gold), "tokens": corpus.characters,
                 "megabytes": (gold.stat().st_size + pred.stat().st_size) / 1e6}
    runs = {
        "floor": lambda: floor_command(gold, pred),
        "score": lambda: score_command(gold, pred),
        "score, one process": lambda: score_command(gold, pred, "--jobs", "1"),
        "bootstrap": lambda: score_command(gold, pred, "--jobs", "1", "--bootstrap", str(bootstrap)),
    }
    data = peer_input(corpus.without_events())
    children: dict[str, list[Child]] = {name: [] for name in runs}
    peer_times: dict[str, list[tuple[float, float]]] = {name: [] for name in PEERS}
    results = {}
    # Interleaved, peers included, so that a change of load or of the processor's speed on a shared machine
    # hits every command and every peer alike (a peer timed once, apart, swung from 7.6 s to 12.6 s).
    for _ in range(repeats):
        for name, run in runs.items():
            children[name].append(run())
        for name, peer in PEERS.items():
            started, cpu = time.perf_counter(), time.process_time()
            results[name] = peer(data)
            peer_times[name].append((time.perf_counter() - started, time.process_time() - cpu))
    for name, done in children.items():
        out[name] = sorted(c.seconds for c in done)[len(done) // 2]
        out[f"{name} cpu"] = sorted(c.cpu_seconds for c in done)[len(done) // 2]
        out[f"{name} peak MB"] = max(c.peak_mb for c in done)
        out[f"{name} stdout"] = done[-1].stdout
    expected = score_documents(corpus.gold, corpus.predictions)
    assert json.loads(out.pop("score stdout")) == json.loads(json.dumps(expected)), "gaiko score differs from in memory"
    assert json.loads(out.pop("score, one process stdout")) == json.loads(json.dumps(expected)), "--jobs 1 differs"
    with_ci = json.loads(out.pop("bootstrap stdout"))["ner"]["strict"]["micro"]
    assert with_ci["ci"][0] <= with_ci["f1"] <= with_ci["ci"][1], "bootstrap interval"
    out.pop("floor stdout")
    for name, times in peer_times.items():
        out[name] = sorted(wall for wall, _ in times)[len(times) // 2]
        out[f"{name} cpu"] = sorted(cpu for _, cpu in times)[len(times) // 2]
    out["checked"] = check_agreement(score_documents(*_ner_only(corpus)), results, corpus)
    return out


def stages(corpus: Corpus, folder: Path, repeats: int) -> dict[str, float]:
    """CPU time of each stage of `gaiko score` in this process (best of `repeats`, cyclic garbage
    collection paused as the command pauses it), on the files of `end_to_end_vs_peers`: where the
    command's time goes, besides interpreter start and imports."""
    with paused_gc():
        return _stages(folder, repeats)


def _stages(folder: Path, repeats: int) -> dict[str, float]:
    gold_path, pred_path = folder / "gold.jsonl", folder / "pred.jsonl"
    lines = [nonblank(batch) for _, batch in iter_line_batches(gold_path, BATCH)]
    docs = [list(map(_DECODE_DOCUMENT, batch)) for batch in lines]
    batches = [batch_of(d) for d in docs]
    index = PredictionIndex.from_files([pred_path])
    taken = [index.take_batch(b.docs) for b in batches]
    sides = [predicted_side(t, b.side) for t, b in zip(taken, batches, strict=True)]
    runs = {
        "gold: reading lines": lambda: [nonblank(b) for _, b in iter_line_batches(gold_path, BATCH)],
        "gold: decoding (msgspec, typed)": lambda: [list(map(_DECODE_DOCUMENT, batch)) for batch in lines],
        "gold: columns": lambda: [batch_of(d) for d in docs],
        "gold: read, decoded and checked (the three above and the checks)":
            lambda: [sum(len(b.docs) for b in iter_gold_batches(gold_path))],
        "predictions: reading and indexing": lambda: PredictionIndex.from_files([pred_path]),
        "predictions: columns": lambda: [predicted_side(t, b.side) for t, b in zip(taken, batches, strict=True)],
        "counting (entities, event tuples, their matching)":
            lambda: [count_sides(b, side, "document") for b, side in zip(batches, sides, strict=True)],
    }
    out = {name: min(_cpu(run) for _ in range(repeats)) for name, run in runs.items()}
    out["predictions: taking and checking"] = min(_cpu_of_take(pred_path, batches) for _ in range(repeats))
    order = [*list(runs)[:5], "predictions: taking and checking", *list(runs)[5:]]
    return {name: out[name] for name in order}


def _cpu(run) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


def _cpu_of_take(pred_path: Path, batches: list) -> float:
    index = PredictionIndex.from_files([pred_path])
    return _cpu(lambda: [index.take_batch(b.docs) for b in batches])


def _ner_only(corpus: Corpus) -> tuple[list[dict], dict]:
    plain = corpus.without_events()
    return plain.gold, plain.predictions


def scaled_files(corpus: Corpus, copies: int, folder: Path) -> tuple[Path, Path]:
    """Gold and predictions files holding `copies` renamed copies of every document of the corpus."""
    gold, pred = folder / f"gold-{copies}.jsonl", folder / f"pred-{copies}.jsonl"
    gold_lines = [json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for doc in corpus.gold]
    pred_lines = [json.dumps(corpus.predictions[doc["id"]], ensure_ascii=False, sort_keys=True,
                             separators=(",", ":")) for doc in corpus.gold]
    ids = [doc["id"] for doc in corpus.gold]
    with open(gold, "w", encoding="utf-8") as g, open(pred, "w", encoding="utf-8") as p:
        for copy in range(copies):
            for doc_id, gold_line, pred_line in zip(ids, gold_lines, pred_lines):
                new = f'"id":"{doc_id}-{copy}"'
                g.write(gold_line.replace(f'"id":"{doc_id}"', new) + "\n")
                p.write(pred_line.replace(f'"id":"{doc_id}"', new) + "\n")
    return gold, pred


def at_scale(corpus: Corpus, documents: int, folder: Path) -> dict:
    """`gaiko score --json` and the floor on about `documents` documents: time, peak memory, input size."""
    copies = math.ceil(documents / len(corpus.gold))
    gold, pred = scaled_files(corpus, copies, folder)
    size = gold.stat().st_size + pred.stat().st_size
    floor, ours = floor_command(gold, pred), score_command(gold, pred)
    report = json.loads(ours.stdout)
    assert report["documents"] == copies * len(corpus.gold), "every document scored"
    single = score_documents(corpus.gold, corpus.predictions)["ner"]["strict"]["micro"]
    assert report["ner"]["strict"]["micro"]["tp"] == copies * single["tp"], "copies score as the original"
    gold.unlink()
    pred.unlink()
    return {"documents": report["documents"], "megabytes": size / 1e6, "floor": floor.seconds,
            "floor cpu": floor.cpu_seconds, "floor peak MB": floor.peak_mb, "score": ours.seconds,
            "score cpu": ours.cpu_seconds, "score peak MB": ours.peak_mb}
