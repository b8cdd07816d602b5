"""Presenting a report: console table, markdown, error listing, and the report folder."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from gaiko.eval.plots import write_plots
from gaiko.io import GaikoError, output_folder
from gaiko.tables import markdown_lines, plain_lines

ERROR_COLUMNS = ("document", "layer", "error", "gold_start", "gold_end", "gold_label", "gold_text",
                 "pred_start", "pred_end", "pred_label", "pred_text")


_LAYER_ITEMS = {"ner": "entities", "events": "events"}


def _shown(report: dict) -> list[str]:
    """The sections with gold or predicted items: a layer with neither (events in an NER-only gold file
    scored with NER-only predictions) would be rows of zeros that score nothing."""
    counts = report["counts"]
    return [section for section, items in _LAYER_ITEMS.items()
            if counts["gold"][items] or counts["predicted"][items]]


def _left_out(report: dict) -> str | None:
    hidden = [s for s in _LAYER_ITEMS if s not in _shown(report)]
    return (f"not shown: {', '.join(hidden)} (no gold and no predicted {' or '.join(_LAYER_ITEMS[s] for s in hidden)})"
            if hidden else None)


def _tuples_sentence(report: dict) -> str | None:
    """Why the event denominators differ from the gold's event and argument counts."""
    if "events" not in _shown(report):
        return None
    gold = report["counts"]["gold"]
    tuples = ", ".join(f"{metric} {scores['micro']['tp'] + scores['micro']['fn']}"
                       for metric, scores in report["events"].items())
    return (f"gold tuples per event metric ({gold['events']} events, {gold['arguments']} arguments): {tuples}; "
            "each metric counts a distinct tuple once, so events with the same trigger and type are one trigger "
            "tuple, and an argument with the same span and role in several events of a type is one "
            "argument_classification tuple (the attached metrics keep the trigger; coref counts entities)")


def _rows(report: dict) -> Iterable[tuple[str, str, dict | None]]:
    """(section, name, score object) for every micro and macro line of the shown sections."""
    for section in _shown(report):
        for metric, scores in report[section].items():
            yield section, f"{metric} micro", scores["micro"]
            if scores["macro"] is not None:
                yield section, f"{metric} macro", scores["macro"]


def _ci(score: dict) -> str:
    return f"[{score['ci'][0]:.3f}, {score['ci'][1]:.3f}]" if "ci" in score else ""


def _counts(score: dict) -> tuple[str, ...]:
    if "tp" not in score:
        return (f"types={score['types']}", "", "", "")
    return (str(score["tp"]), str(score["fp"]), str(score["fn"]), str(score.get("partial", "")))


def format_table(report: dict) -> str:
    """The report as an aligned plain-text table (what `gaiko score` prints)."""
    header = ("metric", "P", "R", "F1", "95% CI", "tp", "fp", "fn", "partial")
    lines = [header] + [_score_cells(f"{section}.{name}", score) for section, name, score in _rows(report)]
    text = plain_lines(lines, "l" + "r" * (len(header) - 1))
    realis = report["realis"]
    if "events" in _shown(report):
        text.append(f"realis accuracy on matched triggers: {realis['accuracy']:.3f} "
                    f"({realis['correct']}/{realis['total']}, {realis.get('missing', 0)} without realis) {_ci(realis)}")
    text += [line for line in (_tuples_sentence(report), _left_out(report)) if line]
    text.append(_counts_sentence(report))
    return "\n".join(text) + "\n"


def _score_cells(name: str, score: dict) -> tuple[str, ...]:
    """A table row of one score object: name, P, R, F1, interval and counts."""
    return (name, f"{score['precision']:.3f}", f"{score['recall']:.3f}", f"{score['f1']:.3f}", _ci(score),
            *_counts(score))


SCORE_HEADER = ("P", "R", "F1", "95% CI", "tp", "fp", "fn", "partial")
SCORE_ALIGN = "lrrrlrrrr"  # the markdown alignment of a name column and the score columns


def _counts_sentence(report: dict) -> str:
    counts = report["counts"]
    scored, rejected = counts["predicted"], counts["rejected"]
    sentence = (f"{report['documents']} gold documents ({counts['documents_without_prediction']} without a prediction); "
                f"scored {scored['entities']} entities, {scored['events']} events, {scored['arguments']} arguments")
    if any(rejected.values()):
        sentence += (f"; rejected {rejected['documents']} lines, {rejected['entities']} entities, "
                     f"{rejected['events']} events, {rejected['arguments']} arguments")
    if counts["problems"]:  # a problem may reject nothing (a byte order mark) and is still reported
        sentence += " (" + ", ".join(f"{reason} {n}" for reason, n in counts["problems"].items()) + ")"
    return sentence


def format_markdown(report: dict) -> str:
    """The report as markdown: summary tables, then per-type tables for each mode and metric."""
    out = ["# Evaluation report", "", _counts_sentence(report) + ".", ""]
    out += markdown_lines(("metric", *SCORE_HEADER), (_score_cells(f"{s}.{n}", v) for s, n, v in _rows(report)),
                          SCORE_ALIGN)
    realis = report["realis"]
    if "events" in _shown(report):
        out += ["", f"Realis accuracy on matched triggers: {realis['accuracy']:.3f} "
                f"({realis['correct']}/{realis['total']}) {_ci(realis)}"]
    out += ["", *(f"{line[0].upper()}{line[1:]}." for line in (_tuples_sentence(report), _left_out(report)) if line)]
    out += [""] if out[-1] else []
    for section in _shown(report):
        for metric, scores in report[section].items():
            if not scores["per_type"]:
                continue
            out += [f"## {section}.{metric} per type", ""]
            out += markdown_lines(("type", *SCORE_HEADER),
                                  (_score_cells(label, v) for label, v in scores["per_type"].items()), SCORE_ALIGN)
            out.append("")
    return "\n".join(out)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_cell(value: object) -> str:
    return "" if value is None else str(value).translate(_TSV_ESCAPES)


def format_errors(errors: list[dict]) -> str:
    """Every error as TSV (backslashes, tabs, newlines and carriage returns in text escaped as \\\\, \\t, \\n
    and \\r)."""
    lines = ["\t".join(ERROR_COLUMNS)]
    lines += ["\t".join(_tsv_cell(row[c]) for c in ERROR_COLUMNS) for row in errors]
    return "\n".join(lines) + "\n"


# What a report, comparison or run folder holds: a folder with only these may be replaced by the next one.
OUTPUT_FILES = ("report.json", "report.md", "report.html", "errors.tsv", "errors_?.tsv", "report_?.json",
                "comparison.json", "run.json", "*_per_type_f1.png", "ner_type_confusion.png")


def write_report(report: dict, out_dir: str | Path, errors: list[dict] = (),
                 confusion: list[tuple[str, str]] = (),
                 extra_files: dict[str, str | Callable[[Path], str]] | None = None) -> list[Path]:
    """Write report.json, report.md, errors.tsv, the PNG plots and `extra_files` (name → text, or a function
    of the folder being written, for a page that embeds the plots) into `out_dir`, all or nothing."""
    out_dir = Path(out_dir)
    with output_folder(out_dir, OUTPUT_FILES) as tmp:
        tmp.mkdir()
        (tmp / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (tmp / "report.md").write_text(format_markdown(report), encoding="utf-8")
        (tmp / "errors.tsv").write_text(format_errors(list(errors)), encoding="utf-8")
        write_plots(report, list(confusion), tmp)
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text(tmp) if callable(text) else text, encoding="utf-8")
        names = sorted(p.name for p in tmp.iterdir())
    return [out_dir / name for name in names]


def metric_value(report: dict, path: str) -> float:
    """The number at a dotted path such as `ner.strict.micro.f1` or `realis.accuracy`."""
    node = report
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise GaikoError(f"unknown metric {path!r} (e.g. ner.strict.micro.f1, "
                             "events.argument_classification.micro.f1, realis.accuracy)")
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise GaikoError(f"metric {path!r} is not a number")
    return float(node)


def format_comparison(result: dict, name_a: str, name_b: str) -> str:
    """The paired comparison as a table: each system's score, δ = B - A, its 95% interval and p."""
    exact = result.get("exact_test")
    header = ("metric", "A", "B", "delta", "95% CI of delta", "p") + ("exact p",) * bool(exact)
    lines = [header] + [(metric, f"{r['a']:.3f}", f"{r['b']:.3f}", f"{r['delta']:+.3f}",
                         f"[{r['ci'][0]:+.3f}, {r['ci'][1]:+.3f}]", f"{r['p_value']:.3f}",
                         *([f"{r['exact_p_value']:.3f}"] if exact else []))
                        for metric, r in result["metrics"].items()]
    text = plain_lines(lines, "l" + "r" * (len(header) - 1))
    return (f"A = {name_a}\nB = {name_b}\n" + "\n".join(text)
            + f"\npaired bootstrap over {result['documents']} documents, {result['resamples']} resamples, "
              f"seed {result['seed']}; p = share of resamples with delta > 2 x observed delta\n"
            + (f"exact p: sign-flip test over all {exact['assignments']} assignments of the "
               f"{exact['units_differing']} {result.get('unit', 'document')}s where A and B differ; "
               f"p = share with |delta| >= observed |delta|\n" if exact else ""))
