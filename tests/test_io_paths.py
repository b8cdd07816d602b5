"""Paths of the wrong kind get one error line (file and problem) and exit 2, never a traceback, and
nothing is written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gaiko.cli import main
from gaiko.cli.options import ExitCode
from gaiko.dataset import load_split
from gaiko.io import GaikoError, atomic_path, write_jsonl_atomic, write_text_atomic


@pytest.fixture
def predictions(tmp_path: Path) -> Path:
    path = tmp_path / "pred.jsonl"
    write_jsonl_atomic(path, [{"id": d["id"], "entities": [], "events": []} for d in load_split("test")])
    return path


def _one_line_error(capsys, verb: str, *fragments: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"gaiko {verb}: error: "), err
    assert "Traceback" not in err and all(f in err for f in fragments), err


@pytest.mark.parametrize("argv", [["validate", "{dir}"], ["score", "--pred", "{dir}"],
                                  ["score", "--pred", "{pred}", "--gold", "{dir}"],
                                  ["align", "{dir}", "--out", "{dir}-out.jsonl"]])
def test_a_folder_given_as_an_input_file(tmp_path, capsys, predictions, argv):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code = main([a.format(dir=folder, pred=predictions) for a in argv])
    assert code == ExitCode.ERROR
    _one_line_error(capsys, argv[0], str(folder), "is a folder")


def test_a_report_folder_over_a_file(tmp_path, capsys, predictions):
    out = tmp_path / "report"
    out.write_text("keep me", encoding="utf-8")
    assert main(["score", "--pred", str(predictions), "--out", str(out)]) == ExitCode.ERROR
    _one_line_error(capsys, "score", str(out), "is a file")
    assert out.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pred.jsonl", "report"]  # no temporary left


def test_a_predictions_file_over_a_folder(tmp_path, capsys):
    out = tmp_path / "predictions"
    (out / "inside").mkdir(parents=True)
    assert main(["predict", "rules", "--split", "test", "--out", str(out)]) == ExitCode.ERROR
    _one_line_error(capsys, "predict", str(out), "is a folder")
    assert [p.name for p in out.iterdir()] == ["inside"]


def test_a_file_where_a_folder_is_needed(tmp_path):
    (tmp_path / "plain").write_text("", encoding="utf-8")
    with pytest.raises(GaikoError, match="plain is a file, not a folder"):
        write_text_atomic(tmp_path / "plain" / "sub" / "out.txt", "text")
    with pytest.raises(GaikoError, match="is a folder, and a file would replace it"):
        with atomic_path(tmp_path) as tmp:
            tmp.write_text("text", encoding="utf-8")
    assert tmp_path.is_dir() and sorted(os.listdir(tmp_path)) == ["plain"]


def test_the_gate_without_a_submissions_folder(tmp_path, capsys):
    code = main(["gate", "--submissions", str(tmp_path / "nowhere"), "--reports", str(tmp_path / "reports")])
    assert code == ExitCode.ERROR
    _one_line_error(capsys, "gate", "nowhere", "not a folder of submissions")


def test_the_first_bad_limit_of_an_extractor_toml_does_not_depend_on_hashing(tmp_path):
    """With two bad limits, the error names the same one whatever the interpreter's hash seed."""
    toml = tmp_path / "extractor.toml"
    toml.write_text('command = "python3 x.py"\nprocesses = "many"\nmemory = 1e6\ntimeout = "inf"\n', encoding="utf-8")
    script = ("import sys; from pathlib import Path; from gaiko.eval.gate import read_extractor_toml\n"
              "try:\n    read_extractor_toml(Path(sys.argv[1]))\nexcept Exception as e:\n    print(e)")
    seen = {subprocess.run([sys.executable, "-c", script, str(toml)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert len(seen) == 1, seen
    assert "timeout" in seen.pop()  # the first of LIMIT_SPECS' order among the bad keys
