"""Verbs that run or show: run, gate, align and show; thin shells over `gaiko.eval`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gaiko.cli.eval import checked_predictions
from gaiko.cli.options import ExitCode, add_bootstrap_options, add_gold_options
from gaiko.eval.align import LAYERS, POLICIES, align, read_answers, strings_schema
from gaiko.eval.defaults import SCORE_RESAMPLES
from gaiko.eval.report import OUTPUT_FILES, format_table
from gaiko.eval.sandbox import LIMIT_SPECS, Limits
from gaiko.io import GaikoError, atomic_path, check_output_file, check_output_folder, dumps_line, write_text_atomic
from gaiko.paths import SUBMISSION_REPORTS_DIR, SUBMISSIONS_DIR


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run", help="run an extractor sandboxed on held-out documents and score its predictions",
        description="Run an extractor under bubblewrap (no network, read-only file system, gold "
        "folders hidden, private /tmp, time/memory/process/output limits); it reads documents "
        "without annotations as JSONL on stdin and writes predictions JSONL on stdout.")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--cmd", help='command line of the extractor, e.g. "python3 extract.py"')
    what.add_argument("--extractor", metavar="MODULE:OBJECT",
                      help="a Python object with extract(documents) -> predictions (also sandboxed)")
    add_gold_options(p, split_help="dataset split to run on")
    p.add_argument("--workdir", type=Path, default=Path("."),
                   help="the submission folder: a private read-only copy of it (without gold, sockets or "
                   "version-control history) is the extractor's working folder /submission (default: current folder)")
    for spec in LIMIT_SPECS:
        p.add_argument(spec.flag, dest=spec.field, default=str(getattr(Limits, spec.field)), metavar="N",
                       help=f"limit in {spec.unit} (default {getattr(Limits, spec.field):g}, at most {spec.maximum:g})")
    p.add_argument("--hide", type=Path, action="append", default=[],
                   help="another path the extractor must not see (repeatable)")
    add_bootstrap_options(p, SCORE_RESAMPLES, unit=False)
    p.add_argument("--out", type=Path, help="write run.json and the score report to this folder")
    p.add_argument("--pred-out", type=Path, help="write the extractor's predictions to this JSONL file")
    p.add_argument("--json", action="store_true", help="print the report (with the run record) as JSON")
    p.set_defaults(handler=run_command)

    p = subparsers.add_parser(
        "gate", help="the CI gate: score every submission and fail on an invalid one or a regression",
        description="Runs (sandboxed) or loads every folder under --submissions, checks it for copies of the "
        "gold, scores it, and compares the scores with its expected.json; writes a report per submission and "
        "summary.md/summary.json. Exit 1 when any submission fails.")
    p.add_argument("--submissions", type=Path, default=SUBMISSIONS_DIR, metavar="DIR",
                   help="one folder per submission (default: the project's submissions/)")
    p.add_argument("--reports", type=Path, default=SUBMISSION_REPORTS_DIR, metavar="DIR",
                   help="where reports and the summary go (default: the project's reports/submissions/)")
    add_gold_options(p, "dataset split to gate on")
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="gate only these submissions")
    p.add_argument("--update", action="store_true", help="record the current scores in expected.json")
    p.set_defaults(handler=gate_command)

    p = subparsers.add_parser(
        "align", help="place string-level answers (e.g. an LLM's) in the text: offset predictions",
        description="Turn answers that name surfaces ({id, entities: [{text, label}], events: [{type, realis, "
        "trigger: {text}, arguments: [{role, text}]}]}) into predictions with offsets. Every string that is "
        "not found, ambiguous or in conflict is listed (FILE:LINE: where: problem) and counted.")
    p.add_argument("strings", type=Path, nargs="?", metavar="STRINGS.jsonl")
    add_gold_options(p, split_help="dataset split whose texts are used",
                     gold_help="gold JSONL in the documents shape (its texts)")
    p.add_argument("--out", type=Path, metavar="PRED.jsonl", help="predictions JSONL to write")
    p.add_argument("--policy", choices=POLICIES, default="ordered",
                   help="ordered: the k-th listing of a string is its k-th occurrence (default); "
                   "all: every occurrence of each distinct string and label")
    p.add_argument("--report", type=Path, metavar="FILE", help="also write the report (counts, problems) as JSON")
    p.add_argument("--schema", action="store_true", help="print the JSON Schema of an answer line and exit")
    p.set_defaults(handler=align_command)

    p = subparsers.add_parser("show", help="render the gold or a predictions file as a self-contained HTML page",
                              description="Render documents with their mentions (and entity ids), events and "
                              "arguments, per-document statistics and the `gaiko check` findings in place.")
    source = add_gold_options(p, split_help="dataset split to show: train, validation, test or all", default="all")
    source.add_argument("--doc", metavar="ID", help="one document of the dataset, by id")
    p.add_argument("--pred", type=Path, metavar="FILE",
                   help="show this predictions file on the documents' text instead of their gold")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    p.set_defaults(handler=show_command)


def run_command(args: argparse.Namespace) -> ExitCode:
    # the scorer and the report pages load numpy: only when the verb runs
    from gaiko.eval.gold import load_gold
    from gaiko.eval.run import command_argv, run_extractor, score_outcome, write_run_outputs

    limits = Limits(**{spec.field: spec.parse(getattr(args, spec.field)) for spec in LIMIT_SPECS})
    gold_docs = load_gold(args.split, args.gold)
    if args.out:
        check_output_folder(args.out, OUTPUT_FILES)
    hidden = [args.gold, args.out, args.pred_out, *args.hide]
    argv = ([sys.executable, "-m", "gaiko.eval.extractor", args.extractor] if args.extractor
            else command_argv(args.cmd, "--cmd"))
    outcome = run_extractor(argv, gold_docs, workdir=args.workdir,
                            limits=limits, hidden=hidden)
    evaluation = score_outcome(outcome, gold_docs, args.bootstrap, args.seed) if outcome.scorable else None
    report = evaluation.report if evaluation else {"run": outcome.record}
    if args.pred_out and outcome.scorable:
        with atomic_path(args.pred_out) as tmp:
            tmp.write_bytes(outcome.stdout)
    if args.out:
        write_run_outputs(evaluation, outcome.record, args.out, gold_docs, outcome.predictions)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif evaluation:
        print(f"run: {outcome.record['message']}\n{format_table(report)}")
    if not outcome.ok:
        print(f"gaiko run: {outcome.record['status']}: {outcome.record['message']}", file=sys.stderr)
        return ExitCode.FAILED
    return ExitCode.OK


def gate_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.eval.gate import GateOptions, outcome_lines, run_gate, verdict_line, write_summary  # the scorer

    options = GateOptions(args.gold, args.split, tuple(args.only), args.update)
    outcomes = run_gate(args.submissions, args.reports, options, lambda outcome: print(outcome_lines(outcome)))
    write_summary(args.reports, outcomes)
    print(verdict_line(outcomes))
    return ExitCode.FAILED if not outcomes or any(not o.passed for o in outcomes) else ExitCode.OK


def align_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.eval.gold import load_gold

    if args.schema:
        print(json.dumps(strings_schema(), ensure_ascii=False, indent=2))
        return ExitCode.OK
    if args.strings is None or args.out is None:
        raise GaikoError("give STRINGS.jsonl and --out PRED.jsonl (or --schema)")
    for out in filter(None, (args.out, args.report)):
        check_output_file(out, [args.strings, args.gold])
    if args.report and Path(args.report).resolve() == Path(args.out).resolve():
        raise GaikoError("is also --out; the report would replace the predictions: give another path", args.report)
    gold_docs = load_gold(args.split, args.gold)
    result = align(read_answers(args.strings, gold_docs), gold_docs, args.policy)
    with atomic_path(args.out) as out:  # the report is put in place first: if it cannot be, neither is written
        out.write_text("".join(dumps_line(p) + "\n" for p in result.predictions), encoding="utf-8")
        if args.report:
            write_text_atomic(args.report, json.dumps(result.report(args.policy), ensure_ascii=False, indent=2) + "\n")
    for problem in result.problems:
        print(problem.format(args.strings), file=sys.stderr)
    counts = result.counts
    print(f"wrote {args.out}: {len(result.predictions)} documents ({counts['documents']['without_answer']} without "
          "an answer); " + "; ".join(
              f"{layer} {c['placed']} placed of {c['listed']} listed, {c['not_found']} not found, "
              f"{c['ambiguous']} ambiguous, {c['conflict']} in conflict" for layer, c in
              ((k, counts[k]) for k in LAYERS)), file=sys.stderr)
    return ExitCode.OK


def _shown_documents(args: argparse.Namespace) -> list[dict]:
    from gaiko.eval.gold import load_gold

    if args.doc is None:
        return load_gold(args.split, args.gold)
    docs = [d for d in load_gold("all") if d["id"] == args.doc]
    if not docs:
        raise GaikoError(f"no document {args.doc!r} in the dataset (`gaiko stats` lists them)")
    return docs


def show_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.annotation.check import check
    from gaiko.eval.gold import load_gold
    from gaiko.eval.html import locate_findings, show_page  # loads jinja2

    if args.out.is_dir():
        raise GaikoError("is a folder; --out takes the name of the HTML file to write", args.out)
    check_output_file(args.out, [args.gold, args.pred])
    docs = _shown_documents(args)
    if args.pred is not None:
        records = checked_predictions(args.pred, docs, drop_invalid=False).by_id
        page = show_page(docs, records, f"predictions {args.pred.name}", None)
    else:
        # the dataset is checked as a whole (as `gaiko check` does: some checks compare documents)
        open_, explained, _ = check(docs if args.gold is not None else load_gold("all"))
        page = show_page(docs, None, "gold", locate_findings(docs, open_, explained))
    write_text_atomic(args.out, page)
    print(f"wrote {args.out}: {len(docs)} document{'s' * (len(docs) != 1)}", file=sys.stderr)
    return ExitCode.OK
