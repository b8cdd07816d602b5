"""The CI gate scores a submission declared untrained on every document, with the test-split figure beside."""

from __future__ import annotations

import json
import shutil

import pytest

from gaiko.cli import main

from support.runs import SUBMISSION, needs_bwrap

pytestmark = pytest.mark.sandbox


@needs_bwrap
def test_untrained_submission_is_gated_on_all_documents(tmp_path, capsys):
    submissions, reports = tmp_path / "submissions", tmp_path / "reports"
    shutil.copytree(SUBMISSION, submissions / "lexicon", ignore=shutil.ignore_patterns("expected.json"))
    toml = submissions / "lexicon" / "extractor.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "untrained = true\n", encoding="utf-8")
    argv = ["gate", "--split", "test", "--submissions", str(submissions), "--reports", str(reports)]
    assert main([*argv, "--update"]) == 0
    report = json.loads((reports / "lexicon" / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == 5 and report["test_split"]["documents"] == 2
    assert "untrained: gated on all 5 documents; test split" in capsys.readouterr().out
    recorded = json.loads((submissions / "lexicon" / "expected.json").read_text(encoding="utf-8"))
    assert recorded["scores"]["ner.strict.micro.f1"] == round(report["ner"]["strict"]["micro"]["f1"], 4)
    assert main(argv) == 0
    toml.write_text(toml.read_text(encoding="utf-8").replace("untrained = true", 'untrained = "yes"'), encoding="utf-8")
    assert main(argv) == 1
    assert "untrained must be true or false, got 'yes'" in capsys.readouterr().out
