"""`gaiko leaderboard` and `gaiko predict` through the CLI (untrained systems, so they run before the gold)."""

from __future__ import annotations

import json

import pytest

from gaiko.cli import main
from gaiko.dataset import load_split
from gaiko.predictions import load_predictions

ROW_KEYS = {"system", "ner_strict_f1", "ner_strict_ci", "ner_partial_f1", "trigger_classification_f1",
            "argument_classification_f1", "chars_per_second", "cv_ner_strict_f1", "cv_ner_strict_ci",
            "cv_trigger_classification_f1", "cv_argument_classification_f1", "training",
            "challenge_ner_strict_f1", "challenge_ner_strict_ci", "challenge_trigger_classification_f1",
            "challenge_argument_classification_f1"}


def test_leaderboard_json_shape_and_files(tmp_path, capsys):
    out = tmp_path / "board.md"
    assert main(["leaderboard", "--systems", "rules", "--bootstrap", "20", "--json", "--quiet",
                 "--out", str(out), "--throughput-out", str(tmp_path / "speed.md")]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert ROW_KEYS <= set(row) and row["system"] == "rules" and row["training"] == "none"
    assert 0 <= row["ner_strict_f1"] <= 1 and len(row["ner_strict_ci"]) == 2 and row["chars_per_second"] > 0
    assert 0 <= row["challenge_ner_strict_f1"] <= 1 and len(row["challenge_ner_strict_ci"]) == 2
    board = out.read_text(encoding="utf-8")
    assert "| rules |" in board and "challenge NER strict F1" in board and "11 short news-style texts" in board
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    assert "chars/s" not in board and "chars/s" in (tmp_path / "speed.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.md", "board.png", "speed.md"]  # nothing half-written


def test_leaderboard_rejects_an_unknown_system(tmp_path, capsys):
    assert main(["leaderboard", "--systems", "rules,nope", "--out", str(tmp_path / "b.md")]) == 2
    assert "unknown system 'nope'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("split", ["validation", "all"])
def test_predict_writes_valid_predictions(tmp_path, split):
    out = tmp_path / "pred.jsonl"
    assert main(["predict", "rules", "--split", split, "--out", str(out)]) == 0
    gold = load_split(split)
    predictions = load_predictions(out, gold)
    assert predictions.problems == [] and set(predictions.by_id) == {d["id"] for d in gold}
    assert any(p["entities"] for p in predictions.by_id.values())
