"""Benchmarks of the gaiko scorer, command line, dataset and extractors, with ratios against peers.

    .venv/bin/python benchmarks/run.py [--quick] [--parts scoring,end-to-end,harness,extractors] [--markdown FILE]

Everything is measured in one run on the same machine; timings are medians of repeats. The sanity
checks (agreement with seqeval and nervaluate, counts that follow from the synthetic corpus, the
command line's report equal to the in-memory one) are assertions: a fast but wrong scorer fails.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gaiko.forked import usable_cpus  # noqa: E402

import end_to_end  # noqa: E402
import extractors  # noqa: E402
import harness  # noqa: E402
import scoring  # noqa: E402
import synthetic  # noqa: E402
from timing import Table, machine, ratio, seconds  # noqa: E402

SETTINGS = {  # full run: about 10 minutes on 2 cores; quick: under a minute
    "full": {"documents": 20_000, "mean_length": 15, "scaling": (1_000, 3_000, 10_000, 30_000, 100_000),
             "repeats": 5, "peer_repeats": 3, "peer_budget": 60.0, "bootstrap": 1000, "extract_repeats": 3,
             "harness": 60_000, "harness_repeats": 3, "memory": 200_000, "scale": 1_000_000},
    "quick": {"documents": 2_000, "mean_length": 15, "scaling": (1_000, 3_000, 10_000),
              "repeats": 3, "peer_repeats": 1, "peer_budget": 5.0, "bootstrap": 1000, "extract_repeats": 1,
              "harness": 3_000, "harness_repeats": 1, "memory": 20_000, "scale": None},
}
TARGET_SPEEDUP = 20  # against each peer at the corpus size
FLAT = 1.5  # per-token time at the largest size within this factor of that at 10,000 tokens
PARTS = ("scoring", "end-to-end", "harness", "extractors")
HARNESS_SPEEDUP, FLOOR_FACTOR, BOOTSTRAP_COST, MEMORY_FACTOR = 10, 2, 0.5, 4  # the harness targets
SEED = 0


def scoring_tables(s: dict) -> tuple[list[Table], list[str]]:
    corpus = synthetic.corpus(s["documents"], s["mean_length"], SEED)
    r = scoring.corpus_benchmark(corpus, s["repeats"], s["peer_repeats"], s["bootstrap"])
    ours = r["ours NER"]
    t = Table(f"Scoring {r['documents']:,} documents, {r['tokens']:,} character tokens, {r['gold spans']:,} gold "
              "mentions (in memory)", ("scorer", "time", "peer / ours (NER)"))
    t.add("gaiko score_documents, NER only (4 modes, micro, per type, macro)", seconds(ours), "1.0×")
    t.add("gaiko score_documents, full (NER + 7 event metrics + realis)", seconds(r["ours full"]),
          ratio(r["ours full"], ours))
    t.add(f"gaiko bootstrap intervals, {s['bootstrap']:,} document resamples", seconds(r["bootstrap"]),
          ratio(r["bootstrap"], ours))
    for name in scoring.PEERS:
        t.add(name, seconds(r[name]), ratio(r[name], ours))
    t.notes += [f"asserted: {c}" for c in r["checked"]]
    targets = [f"{'met' if r[name] / ours >= TARGET_SPEEDUP else 'MISSED'}: ≥{TARGET_SPEEDUP}× faster than "
               f"{name} — {r[name] / ours:.1f}×" for name in scoring.PEERS]
    for base, label in ((r["ours full"], "full scoring"), (ours, "NER-only scoring")):
        targets.append(f"{'met' if r['bootstrap'] <= base else 'MISSED'}: {s['bootstrap']:,} bootstrap resamples cost "
                       f"no more than {label} — {r['bootstrap'] / base:.2f}× its time")

    rows = scoring.scaling_benchmark([synthetic.corpus(1, n, SEED + 1).without_events() for n in s["scaling"]],
                                     s["repeats"], s["peer_budget"])
    short = {name: name.replace("classification_report, ", "").replace(" Evaluator.evaluate (4 modes)", "")
             for name in scoring.PEERS}
    u = Table("Scaling: one document of N character tokens", ("tokens", "mentions", "gaiko", "gaiko µs/token",
              *(f"{short[n]}" for n in scoring.PEERS), *(f"{short[n]} / gaiko" for n in scoring.PEERS)))
    for row in rows:
        peer_times = [seconds(row[n]) if n in row else f"skipped (≈{row['skipped'][n]:.0f} s)" for n in scoring.PEERS]
        u.add(row["tokens"], row["gold spans"], seconds(row["ours NER"]), row["ours NER"] / row["tokens"] * 1e6,
              *peer_times, *(ratio(row.get(n), row["ours NER"]) for n in scoring.PEERS))
    u.notes.append(f"a peer is skipped at a size where its time, extrapolated quadratically from the previous size, "
                   f"would exceed {s['peer_budget']:.0f} s")
    u.notes += sorted({f"asserted at every size where the peers ran: {c}" for row in rows for c in row["checked"]})
    per_token = {row["tokens"]: row["ours NER"] / row["tokens"] for row in rows}
    base = per_token.get(10_000, min(per_token.values()))
    growth = per_token[max(per_token)] / base
    targets.append(f"{'met' if growth <= FLAT else 'MISSED'}: time per token flat — {max(per_token):,} tokens cost "
                   f"{growth:.2f}× per token what 10,000 tokens cost (allowed {FLAT}×)")
    return [t, u], targets


def end_to_end_tables(s: dict) -> list[Table]:
    corpus = synthetic.corpus(s["documents"], s["mean_length"], SEED)
    with tempfile.TemporaryDirectory() as tmp:
        runs = end_to_end.scoring_commands(corpus, Path(tmp), s["bootstrap"])
        data = end_to_end.dataset_commands(Path(tmp))
        size = sum(f.stat().st_size for f in Path(tmp).glob("*.jsonl")) / 1e6
    floor = runs["floor: json.loads of every line (gold + predictions)"].seconds
    t = Table(f"End to end: {len(corpus.gold):,} documents (gold and predictions files, {size:.1f} MB)",
              ("command", "wall time", "peak RSS (MB)", "vs floor"))
    for name, child in runs.items():
        t.add(name, seconds(child.seconds), child.peak_mb, ratio(child.seconds, floor))
    t.notes.append("each command is its own process: times include interpreter start and imports; the JSON "
                   "report of `gaiko score` is asserted equal to the in-memory one")
    d = Table("Dataset: build and load (the corpus of the repository)", ("command", "wall time", "peak RSS (MB)"))
    for name, child in data.items():
        d.add(name, seconds(child.seconds), child.peak_mb)
    return [t, d]


def harness_tables(s: dict) -> tuple[list[Table], list[str]]:
    corpus = synthetic.corpus(s["harness"], s["mean_length"], SEED)
    with tempfile.TemporaryDirectory() as tmp:
        r = harness.end_to_end_vs_peers(corpus, Path(tmp), s["bootstrap"], s["harness_repeats"])
        stage_times = harness.stages(corpus, Path(tmp), s["harness_repeats"])
        memory = harness.at_scale(corpus, s["memory"], Path(tmp))
        scale = harness.at_scale(corpus, s["scale"], Path(tmp)) if s["scale"] else None
    ours, ours_cpu = r["score"], r["score cpu"]
    one, one_cpu = r["score, one process"], r["score, one process cpu"]
    jobs = usable_cpus()
    t = Table(f"The harness end to end: {r['documents']:,} documents, {r['tokens']:,} character tokens, "
              f"{r['megabytes']:.1f} MB of gold and predictions",
              ("what", "wall time", "CPU time", "peak RSS (MB)", "ratio (CPU)", "ratio (wall)", "ratio of"))
    t.add("floor: a process that only parses both files (json.loads)", seconds(r["floor"]), seconds(r["floor cpu"]),
          r["floor peak MB"], ratio(ours_cpu, r["floor cpu"]), ratio(ours, r["floor"]), "gaiko score / floor")
    t.add(f"gaiko score --json (process: start, read, validate, score; --jobs {jobs}, the default here)",
          seconds(ours), seconds(ours_cpu), r["score peak MB"], "1.0×", "1.0×", "")
    t.add("gaiko score --json --jobs 1 (one process)", seconds(one), seconds(one_cpu), r["score, one process peak MB"],
          ratio(one_cpu, ours_cpu), ratio(one, ours), "one process / --jobs default")
    t.add(f"gaiko score --json --jobs 1 --bootstrap {s['bootstrap']:,}", seconds(r["bootstrap"]),
          seconds(r["bootstrap cpu"]), r["bootstrap peak MB"], f"+{(r['bootstrap cpu'] - one_cpu) / one_cpu:.0%}",
          f"+{(r['bootstrap'] - one) / one:.0%}", "added to --jobs 1")
    for name in PEERS_IN_PROCESS:
        t.add(f"{name} (in process, input prepared untimed)", seconds(r[name]), seconds(r[f"{name} cpu"]), None,
              ratio(r[f"{name} cpu"], ours_cpu), ratio(r[name], ours), "peer / gaiko score")
    t.notes.append("the peers score NER only and are given their input already parsed; gaiko reads both files, "
                   "validates every line, scores NER and events. Times are medians of runs interleaved with the peers; CPU "
                   "time (user + system) is the steadier figure when the machine is shared")
    t.notes.append(f"--jobs {jobs}: the gold file is cut into {jobs} parts counted at once in forked processes; the "
                   "CPU time and peak RSS are those of all the processes (RSS summed: see benchmarks/timing.py)")
    t.notes += [f"asserted: {c}" for c in r["checked"]]
    st = Table(f"Where `gaiko score --json` spends its time: each stage in process, best of {s['harness_repeats']}",
               ("stage", "CPU time", "share of gaiko score"))
    for name, cpu in stage_times.items():
        st.add(name, seconds(cpu), f"{cpu / ours_cpu:.0%}")
    st.notes.append("the stages run on batches already in memory; the command adds interpreter start, imports "
                    "and freeing each batch")
    m = Table("Memory and scale: `gaiko score --json` on repeated documents", ("documents", "input (MB)", "wall time",
              "CPU time", "floor CPU time", "CPU / floor", "peak RSS (MB)", "peak RSS / input", "floor peak RSS (MB)"))
    for row in filter(None, (memory, scale)):
        m.add(row["documents"], row["megabytes"], seconds(row["score"]), seconds(row["score cpu"]),
              seconds(row["floor cpu"]), ratio(row["score cpu"], row["floor cpu"]), row["score peak MB"],
              f"{row['score peak MB'] / row['megabytes']:.2f}×", row["floor peak MB"])
    m.notes.append("input = gold + predictions files; peak RSS includes the interpreter and numpy (about 60 MB)")
    seqeval = r[f"{PEERS_IN_PROCESS[0]} cpu"]
    added = (r["bootstrap cpu"] - one_cpu) / one_cpu
    seqeval_wall = r[PEERS_IN_PROCESS[0]]
    targets = [
        f"{'met' if seqeval_wall / ours >= HARNESS_SPEEDUP else 'MISSED'}: end to end ≥{HARNESS_SPEEDUP}× faster "
        f"than {PEERS_IN_PROCESS[0]} — {seqeval_wall / ours:.1f}× (wall time, --jobs {jobs})",
        f"{'met' if seqeval / one_cpu >= HARNESS_SPEEDUP else 'MISSED'}: the same in one process — "
        f"{seqeval / one_cpu:.1f}× (CPU time, --jobs 1)",
        f"{'met' if one_cpu / r['floor cpu'] <= FLOOR_FACTOR else 'MISSED'}: end to end within {FLOOR_FACTOR}× of "
        f"the bare-parse floor — {one_cpu / r['floor cpu']:.2f}× (CPU time, --jobs 1)",
        f"{'met' if added <= BOOTSTRAP_COST else 'MISSED'}: {s['bootstrap']:,} resamples add ≤{BOOTSTRAP_COST:.0%} to "
        f"the end-to-end time — +{added:.0%} (CPU time, --jobs 1)",
        f"{'met' if memory['score peak MB'] / memory['megabytes'] <= MEMORY_FACTOR else 'MISSED'}: peak RSS ≤"
        f"{MEMORY_FACTOR}× the input on {memory['documents']:,} documents — "
        f"{memory['score peak MB'] / memory['megabytes']:.2f}×",
    ]
    if scale:
        targets.append(f"met: {scale['documents']:,} documents scored in {seconds(scale['score'])} wall, "
                       f"{seconds(scale['score cpu'])} CPU ({scale['score cpu'] / scale['floor cpu']:.2f}× the "
                       f"floor's CPU time), peak RSS {scale['score peak MB']:,.0f} MB")
    return [t, st, m], targets


PEERS_IN_PROCESS = list(scoring.PEERS)


def extractor_tables(s: dict) -> list[Table]:
    rows, note = extractors.benchmark(s["extract_repeats"])
    t = Table(f"Extractors, warm ({note})", ("system", "fit + load", "extract", "characters/s", "entities",
                                             "strict F1 (sanity only)"))
    for r in rows:
        if "error" in r:
            t.add(r["system"], f"failed: {r['error']}", None, None, None, None)
            continue
        t.add(r["system"], seconds(r["setup"]), seconds(r["seconds"]), r["chars/s"], r["entities"],
              r["strict F1 (all documents)"])
    t.notes.append("strict F1 over every document, training documents included: a check that each system "
                   "works, not a held-out score")
    return [t]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (under a minute)")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {', '.join(PARTS)}")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the results as Markdown")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    settings = SETTINGS["quick" if args.quick else "full"]
    command = ".venv/bin/python benchmarks/run.py" + " --quick" * args.quick + (
        f" --parts {shlex.quote(args.parts)}" if parts != list(PARTS) else "") + " --markdown FILE" * bool(args.markdown)
    started = time.perf_counter()
    info = machine()
    print("\n".join(f"{k}: {v}" for k, v in info.items()) + f"\ncommand: {command}\n", flush=True)
    tables, targets = [], []
    if "scoring" in parts:
        new, targets = scoring_tables(settings)
        tables += new
        for table in new:
            print(table.text(), flush=True)
    if "harness" in parts:
        new, more = harness_tables(settings)
        tables += new
        targets += more
        for table in new:
            print(table.text(), flush=True)
    for part, build in (("end-to-end", end_to_end_tables), ("extractors", extractor_tables)):
        if part in parts:
            new = build(settings)
            tables += new
            for table in new:
                print(table.text(), flush=True)
    total = time.perf_counter() - started
    heading = "Targets" + (" (quick sizes, indicative only: the targets are stated for the full run)" * args.quick)
    print(f"{heading}\n" + "".join(f"  {t}\n" for t in targets) + f"\nall assertions passed; {total:.0f} s in total")
    if args.markdown:
        from gaiko.io import write_text_atomic

        head = ["## Benchmarks", "", f"Command: `{command}` ({total:.0f} s in total)", "",
                *(f"- {k}: {v}" for k, v in info.items()), ""]
        body = [table.markdown() for table in tables]
        tail = [f"### {heading}", "", *(f"- {t}" for t in targets), ""] if targets else []
        write_text_atomic(args.markdown, "\n".join(head + body + tail))
    return 0


if __name__ == "__main__":
    sys.exit(main())
