"""The outputs pinned by tests/test_report_golden.py: reports, tables, CLI printouts, CI gate summaries
and the leaderboard of fixed inputs, as text. `python tests/golden_reports.py` rewrites
tests/data/golden/ from the current code (only when an output is meant to change).

The inputs are made when the outputs are: the dataset's five documents, predictions derived from them by
fixed random edits, and a synthetic corpus. None is kept in the repository, so that no copy of the gold
sits in a checkout."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "data" / "golden"
RUN_RECORD = {"status": "ok", "command": ["python3", "extract.py"], "exit_code": 0, "message": "fine"}
LEADERBOARD = ("leaderboard.md", "leaderboard.txt", "leaderboard-throughput.md", "leaderboard.json")


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def perturbed(doc: dict, seed: str, invalid: bool = False) -> dict:
    """A prediction derived from a gold document by fixed random edits (spans missed, shortened or
    relabelled; events missed or retyped, arguments dropped, realis changed): far enough from the gold
    that no contamination scan takes it for a copy. `invalid`: some realis values are not in the schema
    (those events are rejected)."""
    from gaiko import schema

    rng = random.Random(f"{seed}/{doc['id']}")
    realis = (*schema.REALIS_VALUES, "HYPOTHETICAL") if invalid else schema.REALIS_VALUES
    entities = []
    for m in doc["entities"]:
        r = rng.random()
        if r < 0.2:
            continue
        start, end, label = m["start"], m["end"], m["label"]
        if r < 0.3 and end - start > 1:
            end -= 1
        elif r < 0.4:
            label = rng.choice(schema.ENTITY_LABELS)
        entities.append({"start": start, "end": end, "label": label})
    mentions = {m["id"]: m for m in doc["entities"]}
    events = []
    for ev in doc["events"]:
        r = rng.random()
        if r < 0.2:
            continue
        arguments = [{"role": a["role"], "start": mentions[a["mention_id"]]["start"],
                      "end": mentions[a["mention_id"]]["end"]}
                     for a in ev["arguments"] if rng.random() > 0.3]
        events.append({"type": ev["type"] if r > 0.35 else rng.choice(schema.EVENT_LABELS),
                       "realis": ev["realis"] if rng.random() > 0.2 else rng.choice(realis),
                       "trigger": {"start": ev["trigger"]["start"], "end": ev["trigger"]["end"]},
                       "arguments": arguments})
    return {"id": doc["id"], "entities": entities, "events": events}


def write_inputs(folder: Path) -> None:
    """The five documents, two systems' predictions derived from them, and a synthetic corpus with events."""
    sys.path.insert(0, str(HERE.parent / "benchmarks"))
    from gaiko.dataset import load_split

    import synthetic

    gold = load_split("all")
    _write_jsonl(folder / "gold.jsonl", gold)
    _write_jsonl(folder / "a.jsonl", [perturbed(d, "a") for d in gold])
    _write_jsonl(folder / "b.jsonl", [perturbed(d, "b", invalid=True) for d in gold])
    corpus = synthetic.corpus(60, 15, seed=5)
    _write_jsonl(folder / "synthetic-gold.jsonl", corpus.gold)
    _write_jsonl(folder / "synthetic-pred.jsonl", list(corpus.predictions.values()))


@contextlib.contextmanager
def _chdir(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _cli(*argv: str) -> str:
    from gaiko.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return f"exit {code}\n" + out.getvalue()


def outputs() -> dict[str, str]:
    """Every pinned output but the leaderboard's, by file name."""
    with tempfile.TemporaryDirectory() as tmp, _chdir(Path(tmp)):
        write_inputs(Path("."))
        return _outputs(Path("."))


def _outputs(inputs: Path) -> dict[str, str]:
    from gaiko.eval.bootstrap import compare
    from gaiko.eval.metrics import evaluate, score_documents
    from gaiko.eval.report import format_comparison, format_markdown, format_table
    from gaiko.predictions import load_predictions

    gold = _read_jsonl(inputs / "gold.jsonl")
    a, b = (load_predictions(inputs / name, gold) for name in ("a.jsonl", "b.jsonl"))
    s_gold = _read_jsonl(inputs / "synthetic-gold.jsonl")
    s_pred = load_predictions(inputs / "synthetic-pred.jsonl", s_gold)
    out = {}
    reports = {
        "a": evaluate(gold, a.by_id, problems=a.problems).report,
        "a-bootstrap": evaluate(gold, a.by_id, 200, 3, a.problems).report,
        "a-sentence": score_documents(gold, a.by_id, 100, 1, a.problems, unit="sentence"),
        "b-paragraph": score_documents(gold, b.by_id, 50, 2, b.problems, unit="paragraph"),
        "synthetic-bootstrap": evaluate(s_gold, s_pred.by_id, 300, 0, s_pred.problems).report,
        "empty": score_documents(gold, {}),
    }
    for name, report in reports.items():
        out[f"{name}.json"] = _dump(report)
        out[f"{name}.txt"] = format_table(report)
        out[f"{name}.md"] = format_markdown(report)
    out["run.json"] = _dump(run_report(gold, a))
    out["untrained.json"] = _dump(untrained_report(gold, a))
    for name, unit in {"compare": "document", "compare-sentence": "sentence"}.items():
        result = compare(gold, a.by_id, b.by_id, 200, 4, unit)
        out[f"{name}.json"] = _dump(result)
        out[f"{name}.txt"] = format_comparison(result, "a.jsonl", "b.jsonl")
    out["cli-score.txt"] = _cli("score", "--pred", "a.jsonl", "--gold", "gold.jsonl", "--bootstrap", "100")
    out["cli-score-json.txt"] = _cli("score", "--pred", "b.jsonl", "--gold", "gold.jsonl", "--json", "--drop-invalid")
    out["cli-compare.txt"] = _cli("compare", "a.jsonl", "b.jsonl", "--gold", "gold.jsonl", "--bootstrap", "100",
                                  "--drop-invalid")
    out.update(gate_outputs(inputs))
    return out


def run_report(gold, predictions) -> dict:
    """A scored run's report: the run record under "run"."""
    from gaiko.eval.metrics import evaluate

    return evaluate(gold, predictions.by_id, 0, 0, predictions.problems, run=RUN_RECORD).report


def untrained_report(gold, predictions) -> dict:
    """An untrained submission's report: scored on all documents, the test split's report beside it."""
    from gaiko.eval.untrained import score_untrained

    return score_untrained(gold, predictions, {gold[0]["id"], gold[3]["id"]}, run=RUN_RECORD).report


def _gate():
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_submissions", HERE.parent / "scripts" / "score_submissions.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_submissions"] = module
    spec.loader.exec_module(module)
    return module


def gate_outputs(inputs: Path) -> dict[str, str]:
    """The CI gate on predictions-only submissions: its printout, summary and report folders."""
    gate = _gate()
    out = {}
    submissions, reports = inputs / "submissions", inputs / "reports"
    for name, source, expected in (("a", "a.jsonl", {"ner.strict.micro.f1": 0.1}),
                                   ("b", "b.jsonl", {"ner.strict.micro.f1": 0.99,
                                                     "events.trigger_classification.micro.f1": 0.5}),
                                   ("new", "a.jsonl", None)):
        (submissions / name).mkdir(parents=True)
        shutil.copy(inputs / source, submissions / name / "predictions.jsonl")
        if expected:
            (submissions / name / "expected.json").write_text(json.dumps({"scores": expected}))
    (submissions / "empty").mkdir()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = gate.main(["--gold", str(inputs / "gold.jsonl"), "--submissions", str(submissions),
                          "--reports", str(reports)])
    out["gate-stdout.txt"] = f"exit {code}\n" + printed.getvalue()
    for name in ("summary.md", "summary.json", "a/report.json", "a/report.md", "b/report.md"):
        out["gate-" + name.replace("/", "-")] = (reports / name).read_text(encoding="utf-8")
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


if __name__ == "__main__":
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, text in {**outputs(), **leaderboard_outputs()}.items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
