"""The CI gate as a library (`gaiko.eval.gate`): typed outcomes of a submissions folder, and the
summary written from them. Predictions-only submissions, so no sandbox is needed."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from gaiko.dataset import load_split
from gaiko.eval.gate import GateOptions, Outcome, run_gate, write_summary
from gaiko.eval.metrics import evaluate

from golden_reports import write_inputs


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    (tmp_path / "inputs").mkdir()
    write_inputs(tmp_path / "inputs")
    return tmp_path / "inputs"


@pytest.fixture
def submissions(tmp_path: Path, inputs: Path) -> Path:
    folder = tmp_path / "submissions"
    (folder / "rules").mkdir(parents=True)
    shutil.copy(inputs / "a.jsonl", folder / "rules" / "predictions.jsonl")
    (folder / "rules" / "expected.json").write_text(json.dumps({"scores": {"ner.strict.micro.f1": 0.68}}))
    (folder / "nothing").mkdir()
    (folder / ".hidden").mkdir()
    return folder


def test_outcomes_are_typed_and_the_summary_is_written(submissions, inputs, tmp_path):
    reports = tmp_path / "reports"
    seen = []
    outcomes = run_gate(submissions, reports, GateOptions(gold=inputs / "gold.jsonl"), seen.append)
    assert seen == outcomes and all(isinstance(o, Outcome) for o in outcomes)
    nothing, rules = outcomes
    assert (nothing.name, nothing.kind, nothing.status, nothing.passed) == ("nothing", "none", "error", False)
    assert rules.passed and rules.status == "scored" and rules.scores["ner.strict.micro.f1"] == pytest.approx(0.6823, abs=1e-4)
    assert json.loads((reports / "rules" / "report.json").read_text()) == rules.report
    write_summary(reports, outcomes)
    assert [row["name"] for row in json.loads((reports / "summary.json").read_text())] == ["nothing", "rules"]


def test_only_and_update(submissions, inputs, tmp_path):
    (outcome,) = run_gate(submissions, tmp_path / "reports",
                          GateOptions(gold=inputs / "gold.jsonl", only=("rules",), update=True))
    assert outcome.notes == ["recorded expected.json"]
    assert json.loads((submissions / "rules" / "expected.json").read_text())["scores"]["ner.strict.micro.f1"] == 0.6823


def test_a_report_is_built_once_and_never_changed():
    gold = load_split("all")
    result = evaluate(gold[:1], {}, run={"status": "ok"}).result
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.documents = 2
    assert result.as_json()["run"] == {"status": "ok"} and result.ner["strict"].micro.counts.fn > 0
