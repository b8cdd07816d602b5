"""Verbs of the annotation side: `gaiko ls config|server|push|pull|adjudicate` and `gaiko agreement`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from gaiko import __version__
from gaiko.annotation.labeling import CONFIG_PATH, DEFAULT_PROJECT, labeling_config
from gaiko.annotation.server import DEFAULT_DATA_DIR, start_server
from gaiko.cli.options import ExitCode
from gaiko.documents import load_documents
from gaiko.io import GaikoError, json_problem, loads, read_text, write_text_atomic
from gaiko.paths import DEFAULT_EXPORT
from gaiko.tables import number_or_none


def ls_config_command(args: argparse.Namespace) -> ExitCode:
    if args.write:
        write_text_atomic(CONFIG_PATH, labeling_config())
        print(f"wrote {CONFIG_PATH.name}", file=sys.stderr)
    else:
        sys.stdout.write(labeling_config())
    return ExitCode.OK


def ls_server_command(args: argparse.Namespace) -> ExitCode:
    server = start_server(args.data_dir, args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(ExitCode.OK))  # `kill` stops the server too (via finally)
    print(f"Label Studio is up at {server.url} (data in {server.data_dir}); stop it with Ctrl-C.\n"
          f"In another shell: export LABEL_STUDIO_URL={server.url}", flush=True)
    try:
        return ExitCode.OK if server.process.wait() == 0 else ExitCode.FAILED
    except KeyboardInterrupt:
        return ExitCode.OK
    finally:
        server.stop()


def ls_push_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.annotation import studio  # loads Label Studio's SDK

    if args.predictions and args.pre_annotate:
        raise GaikoError("give --predictions FILE or --pre-annotate SYSTEM, not both")
    if args.predictions and not args.model_version:
        raise GaikoError("--predictions needs --model-version (it names the pre-annotations in Label Studio)")
    if args.annotations and not args.annotator:
        raise GaikoError("--annotations needs --annotator EMAIL (the user the annotations are completed by)")
    documents = studio.clean_or_given_documents(args.documents)
    predictions = studio.load_predictions(args.predictions, documents) if args.predictions else None
    if args.pre_annotate:
        from gaiko.baselines.predict import system_predictions  # the systems load scikit-learn and spaCy

        predictions = studio.checked_predictions(system_predictions(args.pre_annotate, documents), documents,
                                                 f"predictions of {args.pre_annotate}")
        args.model_version = args.model_version or f"{args.pre_annotate}-gaiko-{__version__}"
    gold = load_documents(args.annotations) if args.annotations else None
    report = studio.push(studio.connect(), documents, args.project, predictions, args.model_version,
                         gold, args.annotator, args.ground_truth)
    print(f"project {report.project} id {report.project_id}: tasks {report.tasks_created} created, "
          f"{report.tasks_present} already present; predictions {report.predictions_created} created, "
          f"{report.predictions_present} already present; annotations {report.annotations_created} created, "
          f"{report.annotations_updated} updated ({report.regions} regions and relations), "
          f"{report.annotations_present} already present")
    if report.roles_dropped:
        print(f"gaiko ls push: warning: {len(report.roles_dropped)} predicted roles not shown (a third role of "
              "one event on one span; Label Studio keeps two relations per pair of regions), e.g. "
              f"{report.roles_dropped[0]}", file=sys.stderr)
    return ExitCode.OK


def ls_pull_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.annotation import studio  # loads Label Studio's SDK

    documents = studio.clean_or_given_documents(args.documents)
    conversion = studio.pull(studio.connect(), args.out, args.project, documents)
    r = conversion.report
    for warning in r.relation_losses:
        print(f"gaiko ls pull: warning: {warning}", file=sys.stderr)
    print(f"wrote {args.out}: {r.tasks} tasks; annotations used {r.annotations_used} "
          f"({r.ground_truth_used} ground truth, {r.superseded_by_ground_truth} superseded by it); "
          f"cancelled skipped {r.cancelled_skipped}; drafts ignored {r.drafts_ignored}; "
          f"predictions ignored {r.predictions_ignored}; unannotated {len(r.unannotated)}"
          f"{' (' + ', '.join(r.unannotated) + ')' if r.unannotated else ''}; "
          f"mentions {r.mentions}, events {r.events}, arguments {r.arguments}; "
          f"'\\r\\n' normalized in {r.newline_tasks} tasks; whitespace-only text mismatches {r.whitespace_mismatches}")
    return ExitCode.OK


def ls_adjudicate_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.annotation import studio  # loads Label Studio's SDK

    result = studio.adjudicate(studio.connect(), args.doc_id, args.project, args.annotation, args.annotator)
    print(f"task {result.task_id} ({result.doc_id}):")
    for r in result.annotations:
        state = "cancelled" if r["cancelled"] else ("ground truth" if r["ground_truth"] else "")
        content = (f"does not convert: {r['problem']}" if r["problem"] else
                   f"mentions {r['mentions']}, events {r['events']}, arguments {r['arguments']}")
        print(f"  annotation {r['id']} by {r['annotator']}: {content}{'; ' + state if state else ''}")
    if result.chosen is None:
        print("nothing changed; choose the gold with --annotation ID or --annotator EMAIL")
    else:
        unset = f" (ground truth removed from {', '.join(map(str, result.unset))})" if result.unset else ""
        print(f"annotation {result.chosen} is now the ground truth{unset}")
    return ExitCode.OK


def agreement_command(args: argparse.Namespace) -> ExitCode:
    from gaiko.annotation.agreement import agreement  # loads scikit-learn

    if (args.export is None) == (args.project is None):
        raise GaikoError("give an export file or --project TITLE (a live export from the server), not both")
    if args.project:
        # before adjudication a project cannot be pulled into the gold; its live export can be compared
        from gaiko.annotation import studio  # loads Label Studio's SDK

        client = studio.connect()
        export, source = studio.live_export(client, args.project), f"project {args.project!r}"
    else:
        try:
            export, source = loads(read_text(args.export)), str(args.export)
        except ValueError as e:
            raise GaikoError(json_problem(e), args.export, getattr(e, "lineno", None)) from None
    result = agreement(export, source, args.exclude_ground_truth)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return ExitCode.OK
    e = result["entities"]
    print(f"{result['tasks_compared']} tasks with two or more annotations, {result['pairs']} annotator pairs\n")
    print(f"{'entities':<12}{'a':>6}{'b':>6}{'match':>7}{'strict F1':>11}{'overlap F1':>12}")
    for row in [*e["per_type"], {**e, "label": "all"}]:
        print(f"{row['label']:<12}{row['a']:>6}{row['b']:>6}{row['strict_matches']:>7}"
              f"{number_or_none(row['strict_f1']):>11}{number_or_none(row['overlap_f1']):>12}")
    print(f"\nCohen's kappa on character labels: entities {number_or_none(result['kappa']['entity'])}, "
          f"triggers {number_or_none(result['kappa']['trigger'])}")
    for name in ("triggers", "arguments"):
        row = result[name]
        print(f"{name}: a {row['a']}, b {row['b']}, matches {row['matches']}, F1 {number_or_none(row['f1'])}")
    for name in ("realis", "entity_id"):
        row = result[name]
        print(f"{name} on matched spans: {row['agree']}/{row['matched']} agree ({number_or_none(row['agreement'])})")
    print(f"\n{len(result['disagreements'])} disagreements")
    for d in result["disagreements"]:
        print(f"  task {d['task']} ({d['doc_id']}) {' vs '.join(d['annotators'])}: {d['kind']:<9} "
              f"{d['start']}-{d['end']} {d['text']!r}: {d['a']} | {d['b']}")
    return ExitCode.OK


def register(subparsers: argparse._SubParsersAction) -> None:
    ls = subparsers.add_parser("ls", help="Label Studio: labeling config, local server, push, pull, adjudicate")
    verbs = ls.add_subparsers(dest="ls_verb", metavar="SUBVERB", required=True)

    p = verbs.add_parser("config", help="print the labeling config generated from the schema")
    p.add_argument("--write", action="store_true", help="regenerate annotation/labeling_config.xml")
    p.set_defaults(handler=ls_config_command)

    p = verbs.add_parser("server", help="run a local Label Studio on 127.0.0.1 (user and token from the "
                         "environment: LABEL_STUDIO_USERNAME, LABEL_STUDIO_PASSWORD, LABEL_STUDIO_USER_TOKEN)")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where projects are kept "
                   "(default: %(default)s)")
    p.add_argument("--port", type=int, help="port (default: a free one)")
    p.set_defaults(handler=ls_server_command)

    def project_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--project", default=DEFAULT_PROJECT, help="project title (default: %(default)s)")
        parser.add_argument("--documents", type=Path, help="documents JSONL (default: the corpus's clean documents)")

    p = verbs.add_parser("push", help="create/update the project: tasks, pre-annotations, typed annotations "
                         "(server from LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY)")
    project_option(p)
    p.add_argument("--predictions", type=Path, help="predictions JSONL to show as pre-annotations")
    p.add_argument("--pre-annotate", metavar="SYSTEM",
                   help="run a registered extractor (gaiko leaderboard's systems, e.g. rules, crf, ginza) on the "
                        "documents and attach its output as pre-annotations")
    p.add_argument("--model-version", help="name of the pre-annotations (e.g. the extractor and its version)")
    p.add_argument("--annotations", type=Path, help="gold documents JSONL to load as annotations")
    p.add_argument("--annotator", help="email of the user the annotations are completed by (created if needed)")
    p.add_argument("--ground-truth", action="store_true", help="mark the loaded annotations as ground truth")
    p.set_defaults(handler=ls_push_command)

    p = verbs.add_parser("pull", help="export the project as JSON into annotation/exports/ and check it converts")
    project_option(p)
    p.add_argument("--out", type=Path, default=DEFAULT_EXPORT, help="export file (default: annotation/exports/gaiko.json of the project, which `gaiko build` reads)")
    p.set_defaults(handler=ls_pull_command)

    p = verbs.add_parser("adjudicate", help="make one annotation of a task its ground truth (the gold a pull "
                         "uses); without --annotation/--annotator, list the task's annotations")
    p.add_argument("doc_id", help="document id of the task (its doc_id field)")
    p.add_argument("--project", default=DEFAULT_PROJECT, help="project title (default: %(default)s)")
    p.add_argument("--annotation", type=int, metavar="ID", help="id of the annotation to keep as the gold")
    p.add_argument("--annotator", metavar="EMAIL", help="keep the annotation by this user as the gold")
    p.set_defaults(handler=ls_adjudicate_command)

    p = subparsers.add_parser("agreement", help="inter-annotator agreement and every disagreement of an export")
    p.add_argument("export", type=Path, nargs="?", help="Label Studio JSON export")
    p.add_argument("--project", help="compare the live export of this project instead of a file")
    p.add_argument("--exclude-ground-truth", action="store_true",
                   help="never compare a ground-truth annotation (it is a separate adjudication)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.set_defaults(handler=agreement_command)
