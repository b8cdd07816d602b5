"""scripts/score_submissions.py: the CI gate passes a recorded score, fails a regression and an invalid submission."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from support.runs import SUBMISSION, gold_document, needs_bwrap

pytestmark = pytest.mark.sandbox
SCRIPT = Path(__file__).parents[1] / "scripts" / "score_submissions.py"
spec = importlib.util.spec_from_file_location("score_submissions", SCRIPT)
score_submissions = importlib.util.module_from_spec(spec)
sys.modules["score_submissions"] = score_submissions  # dataclasses look their module up there
spec.loader.exec_module(score_submissions)


def predictions(*entities) -> str:
    return json.dumps({"id": "doc-a", "entities": [{"start": s, "end": e, "label": label} for s, e, label in entities],
                       "events": []}) + "\n"


@pytest.fixture
def layout(tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(gold_document(), ensure_ascii=False) + "\n", encoding="utf-8")
    submissions = tmp_path / "submissions"
    shutil.copytree(SUBMISSION, submissions / "command", ignore=shutil.ignore_patterns("expected.json"))
    (submissions / "one-span").mkdir()
    (submissions / "one-span" / "predictions.jsonl").write_text(predictions((0, 3, "GPE")))
    return gold, submissions, tmp_path / "reports"


def gate(layout, *extra: str) -> int:
    gold, submissions, reports = layout
    return score_submissions.main(["--gold", str(gold), "--submissions", str(submissions),
                                   "--reports", str(reports), *extra])


@needs_bwrap
def test_update_records_then_the_gate_passes(layout, capsys):
    gold, submissions, reports = layout
    assert gate(layout) == 1  # nothing recorded yet
    assert "no expected.json" in capsys.readouterr().out
    assert gate(layout, "--update") == 0
    recorded = json.loads((submissions / "command" / "expected.json").read_text())
    assert recorded["scores"]["ner.strict.micro.f1"] == 1.0
    assert json.loads((submissions / "one-span" / "expected.json").read_text())["scores"]["ner.strict.micro.f1"] == 0.25
    assert gate(layout) == 0
    assert (reports / "command" / "run.json").exists() and (reports / "one-span" / "report.json").exists()
    assert "| command | command | 1.0000" in (reports / "summary.md").read_text()


@needs_bwrap
def test_regression_and_invalid_submission_fail(layout, capsys):
    gold, submissions, reports = layout
    assert gate(layout, "--update") == 0
    (submissions / "one-span" / "predictions.jsonl").write_text(predictions((0, 2, "GPE")))  # worse
    (submissions / "broken").mkdir()
    (submissions / "broken" / "predictions.jsonl").write_text(predictions((0, 3, "COUNTRY")))
    (submissions / "broken" / "expected.json").write_text('{"scores": {}}')
    assert gate(layout) == 1
    out = capsys.readouterr().out
    assert "one-span: FAIL\n  regression: ner.strict.micro.f1 = 0.0000 < recorded 0.2500 - 0.005" in out
    assert "broken: FAIL\n  invalid: line 1:" in out and "COUNTRY" in out
    assert "command: pass" in out
    assert "3 submissions, 2 failed: broken, one-span" in out
