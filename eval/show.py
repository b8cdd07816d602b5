"""Verb `show`: the gold (or a predictions file) as one HTML page for reviewers and annotators."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gaiko.io import GaikoError, write_text_atomic


def register(subparsers) -> None:
    p = subparsers.add_parser("show", help="render the gold or a predictions file as a self-contained HTML page",
                              description="Render documents with their mentions (and entity ids), events and "
                              "arguments, per-document statistics and the `gaiko check` findings in place.")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--split", default="all", help="dataset split to show: train, validation, test or all "
                        "(default: all)")
    source.add_argument("--doc", metavar="ID", help="one document of the dataset, by id")
    source.add_argument("--gold", type=Path, metavar="FILE", help="gold JSONL in the documents shape")
    p.add_argument("--pred", type=Path, metavar="FILE",
                   help="show this predictions file on the documents' text instead of their gold")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    p.set_defaults(handler=show_command)


def _documents(args: argparse.Namespace) -> list[dict]:
    if args.gold is not None:
        from gaiko.documents import load_documents

        return load_documents(args.gold)
    from gaiko.build import load_split

    if args.doc is None:
        return load_split(args.split)
    docs = [d for d in load_split("all") if d["id"] == args.doc]
    if not docs:
        raise GaikoError(f"no document {args.doc!r} in the dataset (`gaiko stats` lists them)")
    return docs


def show_command(args: argparse.Namespace) -> int:
    from gaiko.eval.html import locate_findings, show_page

    if args.out.is_dir():
        raise GaikoError("is a folder; --out takes the name of the HTML file to write", args.out)
    docs = _documents(args)
    if args.pred is not None:
        from gaiko.eval.cli import _load

        records = _load(args.pred, docs, drop_invalid=False).by_id
        page = show_page(docs, records, f"predictions {args.pred.name}", None)
    else:
        from gaiko.annotation.check import check

        from gaiko.build import load_split

        # the dataset is checked as a whole (as `gaiko check` does: some checks compare documents); the
        # checks read `entity_id` on every mention, which a gold file may leave out
        corpus = docs if args.gold is not None else load_split("all")
        open_, explained, _ = check([{**d, "entities": [{"entity_id": None, **m} for m in d["entities"]]}
                                     for d in corpus])
        page = show_page(docs, None, "gold", locate_findings(docs, open_, explained))
    write_text_atomic(args.out, page)
    print(f"wrote {args.out}: {len(docs)} document{'s' * (len(docs) != 1)}", file=sys.stderr)
    return 0
