"""Verbs of the corpus side of the data flow: add, status, diff, ingest, sheet, build, stats, check, docs."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from gaiko.annotation.check import check
from gaiko.annotation.sheets import resolve_sheet, sheet_warnings
from gaiko.cli.options import ExitCode
from gaiko.corpus import add_document, clean_documents, ingest, set_status
from gaiko.diff import diff, format_diff, load_side
from gaiko.io import GaikoError, check_output_file, dumps_line, read_text, write_jsonl_atomic, write_text_atomic
from gaiko.manifest import SPLIT_POLICY, SPLITS, STATUSES, load_manifest, manifest_path
from gaiko.paths import DATASET_DIR, EXPORTS_DIR


def report_cleaning(raw: Path, doc: dict, result, verbose: bool) -> None:
    """What the cleaner kept and removed (every removal with -v), and its warnings, on stderr."""
    summary = ", ".join(f"{n} {reason}" for reason, n in sorted(result.summary().items()))
    print(f"{raw}: {len(doc['text'])} characters kept; removed: {summary or 'nothing'}", file=sys.stderr)
    for warning in result.warnings:
        print(f"warning: {raw}: {warning}", file=sys.stderr)
    if verbose:
        for removal in result.removed:
            print(f"  {removal.describe()}", file=sys.stderr)


def ingest_command(args: argparse.Namespace) -> ExitCode:
    if args.out:
        check_output_file(args.out, [args.raw])
    doc, result = ingest(args.raw)
    report_cleaning(args.raw, doc, result, args.verbose)
    if args.out:
        write_jsonl_atomic(args.out, [doc])
    else:
        print(dumps_line(doc) if args.json else doc["text"])
    return ExitCode.OK


def add_command(args: argparse.Namespace) -> ExitCode:
    added = add_document(args.raw, args.id, args.url, args.publisher, args.date, args.split)
    report_cleaning(args.raw, added.document, added.result, args.verbose)
    e = added.entry
    how = "by the split policy" if added.split_by_policy else "as given"
    print(f"added {e.id} to {manifest_path().name} (line {e.line}): split {e.split} ({how}), status {e.status}, "
          f"raw file {e.raw}, {len(added.document['text'])} characters, title {added.document['title']!r}")
    if added.split_by_policy:
        print(f"split policy: {SPLIT_POLICY}", file=sys.stderr)
    return ExitCode.OK


def status_command(args: argparse.Namespace) -> ExitCode:
    if args.id:
        if not args.status:
            raise GaikoError("give the new status after the document id")
        old, new = set_status(args.id, args.status)
        print(f"{args.id}: {old} → {new}")
        return ExitCode.OK
    for e in load_manifest().entries:
        print(f"{e.id}\t{e.split}\t{e.status}\t{e.raw}")
    return ExitCode.OK


def diff_command(args: argparse.Namespace) -> ExitCode:
    result = diff(load_side(args.old), load_side(args.new))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for line in format_diff(result) or ["no differences"]:
            print(line)
    return ExitCode.OK


def sheet_command(args: argparse.Namespace) -> ExitCode:
    if args.out:
        check_output_file(args.out, args.sheets)
    documents = {d["id"]: d for d in clean_documents()}
    resolved, source = [], {}
    for path in args.sheets:
        doc = resolve_sheet(path, documents)
        if doc["id"] in source:  # one gold document per id: a second sheet of it would make the file invalid
            raise GaikoError(f"document {doc['id']} is also resolved from {source[doc['id']]}", path)
        source[doc["id"]] = path
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
    return ExitCode.OK


def build_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.build import build  # loads numpy

    built = build(args.out, args.exports, args.previous)
    print(f"built {args.out} version {built['version']}: " + "; ".join(
        f"{split} {n['documents']} documents, {n['mentions']} mentions, {n['events']} events, "
        f"{n['arguments']} arguments" for split, n in built["splits"].items()))
    if built["pending"]:
        print(f"pending (not built until annotated): {len(built['pending'])} documents: "
              + ", ".join(f"{i} ({status})" for i, status in built["pending"]), file=sys.stderr)
    for doc_id in built["ready"]:
        print(f"{doc_id} has an annotation in {args.exports} but is not released: `gaiko status {doc_id} annotated` "
              "(or adjudicated) puts it in the next build", file=sys.stderr)
    return ExitCode.OK


def stats_command(args: argparse.Namespace) -> ExitCode:
    """Load every config with `datasets.load_dataset`, as a model builder would, and summarise it.

    Loaded into a fresh cache folder: `datasets` serves a rebuilt local folder from the cache of an earlier
    load of the same folder (replacing its Parquet files invalidates neither the data nor its split sizes)."""
    import datasets

    with tempfile.TemporaryDirectory(prefix="gaiko-stats-") as cache:
        for config in datasets.get_dataset_config_names(str(args.dataset)):
            ds = datasets.load_dataset(str(args.dataset), config, cache_dir=cache)
            print(f"{config}: " + ", ".join(f"{split} {len(rows)}" for split, rows in ds.items()))
        docs = datasets.load_dataset(str(args.dataset), "documents", cache_dir=cache)
        for split, rows in docs.items():
            for row in rows:
                print(f"  {split:<10} {row['id']}  {row['date']}  {len(row['text']):>5} chars  "
                      f"{len(row['entities']):>4} mentions  {len(row['events']):>3} events  {row['title'][:30]}")
    return ExitCode.OK


def docs_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.card import guidelines_path, render_generated_blocks  # loads numpy

    path = guidelines_path()
    text = read_text(path)
    fresh = render_generated_blocks(text)
    if args.check:
        if fresh != text:
            print(f"{path.name}: generated tables differ from gaiko.schema; run `gaiko docs`", file=sys.stderr)
            return ExitCode.FAILED
        return ExitCode.OK
    write_text_atomic(path, fresh)
    return ExitCode.OK


def check_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.build import gold_documents  # loads numpy

    open_, explained, stale = check(gold_documents())
    for f in open_:
        print(f"{f.check}\t{f.document}\t{f.subject}\t{f.message}")
    for key in stale:
        print(f"stale allowed entry (matches nothing): {' '.join(key)}", file=sys.stderr)
    print(f"{len(open_)} unexplained finding(s), {len(explained)} allowed with a reason, "
          f"{len(stale)} stale allowed entr{'y' if len(stale) == 1 else 'ies'}", file=sys.stderr)
    return ExitCode.FAILED if open_ or stale else ExitCode.OK


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("add", help="clean a raw article and register it in the corpus manifest")
    p.add_argument("raw", type=Path, help="raw web-page text or HTML (UTF-8)")
    p.add_argument("--id", help="document id (default: next number + hash of the clean text)")
    p.add_argument("--url", help="the article's URL (default: the one found in the page, if any)")
    p.add_argument("--publisher", help="publisher (default: the URL's host name)")
    p.add_argument("--date", help="publication date YYYY-MM-DD (default: the one found in the page, if any)")
    p.add_argument("--split", choices=SPLITS, help="split (default: the split policy, see the card)")
    p.add_argument("-v", "--verbose", action="store_true", help="list every removal with its reason")
    p.set_defaults(handler=add_command)

    p = subparsers.add_parser("status", help="list the manifest's documents, or set one's annotation status")
    p.add_argument("id", nargs="?", help="document id")
    p.add_argument("status", nargs="?", choices=STATUSES, help="new status")
    p.set_defaults(handler=status_command)

    p = subparsers.add_parser("diff", help="documents, mentions, events and arguments that differ between two "
                              "dataset folders or two Label Studio exports")
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    p.set_defaults(handler=diff_command)

    p = subparsers.add_parser("ingest", help="clean a raw article into a document and report what was removed")
    p.add_argument("raw", type=Path, help="raw web-page text (UTF-8)")
    p.add_argument("--out", type=Path, help="write the document as one JSONL line to this file")
    p.add_argument("--json", action="store_true", help="print the document as JSON instead of its text")
    p.add_argument("-v", "--verbose", action="store_true", help="list every removal with its reason")
    p.set_defaults(handler=ingest_command)

    p = subparsers.add_parser("sheet", help="resolve annotation sheets to gold documents (offsets checked)")
    p.add_argument("sheets", nargs="+", type=Path)
    p.add_argument("--out", type=Path, help="write the resolved documents (JSONL, documents shape)")
    p.set_defaults(handler=sheet_command)

    p = subparsers.add_parser("build", help="regenerate dataset/ from the gold exports (deterministic, atomic)")
    p.add_argument("--out", type=Path, default=DATASET_DIR, help="dataset folder (default: dataset/)")
    p.add_argument("--exports", type=Path, default=EXPORTS_DIR,
                   help="folder of Label Studio JSON exports (default: annotation/exports/)")
    p.add_argument("--previous", type=Path, help="the dataset version the changelog compares with "
                   "(default: the folder being replaced)")
    p.set_defaults(handler=build_command)

    p = subparsers.add_parser("stats", help="load the dataset with datasets.load_dataset and summarise it")
    p.add_argument("--dataset", type=Path, default=DATASET_DIR)
    p.set_defaults(handler=stats_command)

    p = subparsers.add_parser("check", help="corpus-wide consistency checks of the gold annotations")
    p.set_defaults(handler=check_command)

    p = subparsers.add_parser("docs", help="refresh the label tables of the guidelines from the schema")
    p.add_argument("--check", action="store_true", help="only report whether they are out of date")
    p.set_defaults(handler=docs_command)
