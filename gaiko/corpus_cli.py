"""Verbs of the corpus side of the data flow: ingest, sheet, build, stats."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from gaiko import schema
from gaiko.io import dumps_line, write_jsonl_atomic


def cmd_ingest(args: argparse.Namespace) -> int:
    from gaiko.corpus import ingest

    doc, result = ingest(args.raw)
    summary = ", ".join(f"{n} {reason}" for reason, n in sorted(result.summary().items()))
    print(f"{args.raw}: {len(doc['text'])} characters kept; removed: {summary or 'nothing'}", file=sys.stderr)
    if args.verbose:
        for line, reason, content in result.removed:
            where = f"line {line}" if line else "inline"
            print(f"  {where:>10}  {reason:<28} {content[:70]}", file=sys.stderr)
    if args.out:
        write_jsonl_atomic(args.out, [doc])
    else:
        print(dumps_line(doc) if args.json else doc["text"])
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from gaiko.annotation.sheets import resolve_sheet, sheet_warnings
    from gaiko.corpus import clean_documents

    documents = {d["id"]: d for d in clean_documents()}
    resolved = []
    for path in args.sheets:
        doc = resolve_sheet(path, documents)
        labels = Counter(m["label"] for m in doc["entities"])
        types = Counter(e["type"] for e in doc["events"])
        n_args = sum(len(e["arguments"]) for e in doc["events"])
        print(f"{path}: {doc['id']}: {len(doc['entities'])} mentions ({dict(labels)}), "
              f"{len(doc['events'])} events ({dict(types)}), {n_args} arguments")
        for warning in sheet_warnings(doc):
            print(f"  warning: {warning}")
        resolved.append(doc)
    if args.out:
        write_jsonl_atomic(args.out, sorted(resolved, key=lambda d: d["id"]))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from gaiko.build import build

    built = build(args.out, args.exports)
    print(f"built {args.out}: " + "; ".join(
        f"{split} {n['documents']} documents, {n['mentions']} mentions, {n['events']} events, "
        f"{n['arguments']} arguments" for split, n in built["splits"].items()))
    if built["unannotated"]:
        print(f"warning: {len(built['unannotated'])} documents have no annotation in {args.exports} and were "
              f"built without entities or events: {', '.join(built['unannotated'])}", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Load every config with `datasets.load_dataset`, as a model builder would, and summarise it."""
    import datasets

    for config in datasets.get_dataset_config_names(str(args.dataset)):
        ds = datasets.load_dataset(str(args.dataset), config)
        print(f"{config}: " + ", ".join(f"{split} {len(rows)}" for split, rows in ds.items()))
    docs = datasets.load_dataset(str(args.dataset), "documents")
    for split, rows in docs.items():
        for row in rows:
            print(f"  {split:<10} {row['id']}  {row['date']}  {len(row['text']):>5} chars  "
                  f"{len(row['entities']):>4} mentions  {len(row['events']):>3} events  {row['title'][:30]}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from gaiko.card import guidelines_path, render_generated_blocks
    from gaiko.io import read_text, write_text_atomic

    path = guidelines_path()
    text = read_text(path)
    fresh = render_generated_blocks(text)
    if args.check:
        if fresh != text:
            print(f"{path.name}: generated tables differ from gaiko.schema; run `gaiko docs`", file=sys.stderr)
            return 1
        return 0
    write_text_atomic(path, fresh)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from gaiko.annotation.check import check
    from gaiko.build import gold_documents

    open_, explained, stale = check(gold_documents())
    for f in open_:
        print(f"{f.check}\t{f.document}\t{f.subject}\t{f.message}")
    for key in stale:
        print(f"stale allowed entry (matches nothing): {' '.join(key)}", file=sys.stderr)
    print(f"{len(open_)} unexplained finding(s), {len(explained)} allowed with a reason, "
          f"{len(stale)} stale allowed entr{'y' if len(stale) == 1 else 'ies'}", file=sys.stderr)
    return 1 if open_ or stale else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("ingest", help="clean a raw article into a document and report what was removed")
    p.add_argument("raw", type=Path, help="raw web-page text (UTF-8)")
    p.add_argument("--out", type=Path, help="write the document as one JSONL line to this file")
    p.add_argument("--json", action="store_true", help="print the document as JSON instead of its text")
    p.add_argument("-v", "--verbose", action="store_true", help="list every removed line with its reason")
    p.set_defaults(handler=cmd_ingest)

    p = subparsers.add_parser("sheet", help="resolve annotation sheets to gold documents (offsets checked)")
    p.add_argument("sheets", nargs="+", type=Path)
    p.add_argument("--out", type=Path, help="write the resolved documents (JSONL, documents shape)")
    p.set_defaults(handler=cmd_sheet)

    from gaiko.build import DATASET_DIR, EXPORTS_DIR

    p = subparsers.add_parser("build", help="regenerate dataset/ from the gold exports (deterministic, atomic)")
    p.add_argument("--out", type=Path, default=DATASET_DIR, help="dataset folder (default: dataset/)")
    p.add_argument("--exports", type=Path, default=EXPORTS_DIR,
                   help="folder of Label Studio JSON exports (default: annotation/exports/)")
    p.set_defaults(handler=cmd_build)

    p = subparsers.add_parser("stats", help="load the dataset with datasets.load_dataset and summarise it")
    p.add_argument("--dataset", type=Path, default=DATASET_DIR)
    p.set_defaults(handler=cmd_stats)

    p = subparsers.add_parser("check", help="corpus-wide consistency checks of the gold annotations")
    p.set_defaults(handler=cmd_check)

    p = subparsers.add_parser("docs", help="refresh the label tables of the guidelines from the schema")
    p.add_argument("--check", action="store_true", help="only report whether they are out of date")
    p.set_defaults(handler=cmd_docs)
