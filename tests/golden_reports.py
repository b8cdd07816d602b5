"""The outputs pinned by tests/test_report_golden.py: reports, tables and CI gate summaries of fixed
inputs, as text. `python tests/golden_reports.py` rewrites tests/data/golden/ from the current code
(only when an output is meant to change)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "data" / "golden"
INPUTS = ("gold.jsonl", "rules.jsonl", "halved.jsonl", "synthetic-gold.jsonl", "synthetic-pred.jsonl")
RUN_RECORD = {"status": "ok", "command": ["python3", "extract.py"], "exit_code": 0, "message": "fine"}


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def make_inputs() -> None:
    """The fixed inputs: the five documents with the rules baseline's predictions (and those thinned
    out), and a synthetic corpus with events."""
    sys.path.insert(0, str(HERE.parent / "benchmarks"))
    import synthetic

    from gaiko.baselines.registry import create
    from gaiko.build import load_split
    from gaiko.documents import strip_annotations

    gold = load_split("all")
    rules = create("rules").extract([strip_annotations(d) for d in gold])
    halved = [dict(p, entities=p["entities"][::2], events=p["events"][1::2]) for p in rules]
    corpus = synthetic.corpus(60, 15, seed=5)
    files = {"gold.jsonl": gold, "rules.jsonl": rules, "halved.jsonl": halved,
             "synthetic-gold.jsonl": corpus.gold, "synthetic-pred.jsonl": list(corpus.predictions.values())}
    for name, rows in files.items():
        (GOLDEN / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _cli(*argv: str) -> str:
    from gaiko.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(list(argv))
    return out.getvalue()


def outputs() -> dict[str, str]:
    """Every pinned output by file name."""
    from gaiko.eval.bootstrap import compare
    from gaiko.eval.metrics import evaluate, score_documents
    from gaiko.eval.predictions import load_predictions
    from gaiko.eval.report import format_comparison, format_markdown, format_table

    gold = _read_jsonl(GOLDEN / "gold.jsonl")
    rules = load_predictions(GOLDEN / "rules.jsonl", gold)
    halved = load_predictions(GOLDEN / "halved.jsonl", gold)
    s_gold = _read_jsonl(GOLDEN / "synthetic-gold.jsonl")
    s_pred = load_predictions(GOLDEN / "synthetic-pred.jsonl", s_gold)
    out = {}
    reports = {
        "rules": evaluate(gold, rules.by_id, problems=rules.problems).report,
        "rules-bootstrap": evaluate(gold, rules.by_id, 200, 3, rules.problems).report,
        "rules-sentence": score_documents(gold, rules.by_id, 100, 1, rules.problems, unit="sentence"),
        "rules-paragraph": score_documents(gold, rules.by_id, 50, 2, rules.problems, unit="paragraph"),
        "synthetic-bootstrap": evaluate(s_gold, s_pred.by_id, 300, 0, s_pred.problems).report,
        "empty": score_documents(gold, {}),
    }
    for name, report in reports.items():
        out[f"{name}.json"] = _dump(report)
        out[f"{name}.txt"] = format_table(report)
        out[f"{name}.md"] = format_markdown(report)
    out["run.json"] = _dump(run_report(gold, rules))
    out["untrained.json"] = _dump(untrained_report(gold, rules))
    for name, (a, b, unit) in {"compare": (rules, halved, "document"),
                               "compare-sentence": (rules, halved, "sentence")}.items():
        result = compare(gold, a.by_id, b.by_id, 200, 4, unit)
        out[f"{name}.json"] = _dump(result)
        out[f"{name}.txt"] = format_comparison(result, "rules.jsonl", "halved.jsonl")
    with _chdir(GOLDEN):
        out["cli-score.txt"] = _cli("score", "--pred", "rules.jsonl", "--gold", "gold.jsonl", "--bootstrap", "100")
        out["cli-score-json.txt"] = _cli("score", "--pred", "rules.jsonl", "--gold", "gold.jsonl", "--json")
        out["cli-compare.txt"] = _cli("compare", "rules.jsonl", "halved.jsonl", "--gold", "gold.jsonl",
                                      "--bootstrap", "100")
    out.update(gate_outputs())
    return out


def leaderboard_outputs() -> dict[str, str]:
    """The leaderboard of the reference and two quick systems (throughput, which changes from run to run, fixed)."""
    from gaiko.baselines.leaderboard import format_markdown, format_table, format_throughput, rows_json, run_leaderboard

    result = run_leaderboard(["ginza", "rules", "gazetteer"], bootstrap=30, seed=1, progress=False)
    for row in result["rows"]:
        row["chars_per_second"] = 12345.0
        if "speedup_vs_reference" in row:
            row["speedup_vs_reference"] = 2.5
    return {"leaderboard.md": format_markdown(result), "leaderboard.txt": format_table(result["rows"]),
            "leaderboard-throughput.md": format_throughput(result), "leaderboard.json": rows_json(result) + "\n"}


def run_report(gold, predictions) -> dict:
    """A scored run's report: the run record under "run"."""
    from gaiko.eval.metrics import evaluate

    return evaluate(gold, predictions.by_id, 0, 0, predictions.problems, run=RUN_RECORD).report


def untrained_report(gold, predictions) -> dict:
    """An untrained submission's report: scored on all documents, the test split's report beside it."""
    from gaiko.eval.untrained import score_untrained

    return score_untrained(gold, predictions, {gold[0]["id"], gold[3]["id"]}, run=RUN_RECORD).report


@contextlib.contextmanager
def _chdir(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _gate():
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_submissions", HERE.parent / "scripts" / "score_submissions.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_submissions"] = module
    spec.loader.exec_module(module)
    return module


def gate_outputs() -> dict[str, str]:
    """The CI gate on predictions-only submissions: its printout, summary and one report folder."""
    gate = _gate()
    out = {}
    with tempfile.TemporaryDirectory() as tmp, _chdir(Path(tmp)):
        submissions, reports = Path("submissions"), Path("reports")
        for name, source, expected in (("rules", "rules.jsonl", {"ner.strict.micro.f1": 0.1}),
                                       ("halved", "halved.jsonl", {"ner.strict.micro.f1": 0.99,
                                                                   "events.trigger_classification.micro.f1": 0.5}),
                                       ("new", "rules.jsonl", None)):
            (submissions / name).mkdir(parents=True)
            shutil.copy(GOLDEN / source, submissions / name / "predictions.jsonl")
            if expected:
                (submissions / name / "expected.json").write_text(json.dumps({"scores": expected}))
        (submissions / "empty").mkdir()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = gate.main(["--gold", str(GOLDEN / "gold.jsonl"), "--submissions", str(submissions),
                              "--reports", str(reports)])
        out["gate-stdout.txt"] = f"exit {code}\n" + printed.getvalue()
        for name in ("summary.md", "summary.json", "rules/report.json", "rules/report.md", "halved/report.md"):
            out["gate-" + name.replace("/", "-")] = (reports / name).read_text(encoding="utf-8")
    return out


if __name__ == "__main__":
    GOLDEN.mkdir(parents=True, exist_ok=True)
    if "--inputs" in sys.argv:
        make_inputs()
    for name, text in {**outputs(), **leaderboard_outputs()}.items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
