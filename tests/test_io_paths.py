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


@pytest.mark.parametrize("out", [".", "{here}", "{here}/"])
def test_a_report_never_replaces_a_folder_gaiko_did_not_write(tmp_path, capsys, monkeypatch, predictions, out):
    """`--out .` (or the folder holding the inputs) would delete the inputs and the user's files."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    for argv in (["score", "--pred", str(predictions)], ["compare", str(predictions), str(predictions), "--bootstrap", "5"]):
        assert main([*argv, "--out", out.format(here=tmp_path)]) == ExitCode.ERROR
        _one_line_error(capsys, argv[0], "gaiko did not write")
        assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_report_folder_is_replaced_by_the_next_report(tmp_path, capsys, predictions):
    out = tmp_path / "report"
    assert main(["score", "--pred", str(predictions), "--out", str(out)]) == ExitCode.OK
    (out / "report.json").write_text("stale", encoding="utf-8")
    assert main(["score", "--pred", str(predictions), "--out", str(out)]) == ExitCode.OK
    assert (out / "report.json").read_text(encoding="utf-8") != "stale"


def _submission(folder: Path, predictions: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "predictions.jsonl").write_bytes(predictions.read_bytes())
    (folder / "expected.json").write_text('{"scores": {"ner.strict.micro.f1": 0.0}}', encoding="utf-8")


@pytest.mark.parametrize("reports", ["{subs}", "{subs}/reports", "{root}"])
def test_the_gate_refuses_reports_that_overlap_the_submissions(tmp_path, capsys, predictions, reports):
    subs = tmp_path / "subs"
    _submission(subs / "one", predictions)
    code = main(["gate", "--submissions", str(subs), "--reports", reports.format(subs=subs, root=tmp_path)])
    assert code == ExitCode.ERROR
    _one_line_error(capsys, "gate", "overlap")
    assert sorted(p.name for p in (subs / "one").iterdir()) == ["expected.json", "predictions.jsonl"]


def test_the_gate_reads_no_file_through_a_link_out_of_the_submission(tmp_path, capsys, predictions):
    secret = tmp_path / "secret.txt"
    secret.write_text('{"id": "token-1234567890", "entities": [], "events": []}\n', encoding="utf-8")
    subs = tmp_path / "subs"
    _submission(subs / "leak", predictions)
    (subs / "leak" / "predictions.jsonl").unlink()
    (subs / "leak" / "predictions.jsonl").symlink_to(secret)
    code = main(["gate", "--submissions", str(subs), "--reports", str(tmp_path / "reports")])
    out = capsys.readouterr().out
    assert code == ExitCode.FAILED and "links outside the submission folder" in out
    assert "token-1234567890" not in out + (tmp_path / "reports" / "summary.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", [{"entities": None}, {"events": None}, {"events": {}}])
def test_gold_without_its_annotation_lists_is_refused(tmp_path, capsys, predictions, change):
    docs = load_split("test")
    doc = dict(docs[0])
    doc.update(change)
    gold = tmp_path / "gold.jsonl"
    write_jsonl_atomic(gold, [doc, *docs[1:]])
    assert main(["score", "--pred", str(predictions), "--gold", str(gold)]) == ExitCode.ERROR
    _one_line_error(capsys, "score", "gold.jsonl:1", "must be a list")


def test_an_empty_gold_file_is_refused(tmp_path, capsys, predictions):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n", encoding="utf-8")
    assert main(["score", "--pred", str(predictions), "--gold", str(gold)]) == ExitCode.ERROR
    _one_line_error(capsys, "score", "gold.jsonl", "holds no gold document")


def test_align_writes_nothing_when_its_report_cannot_be_written(tmp_path, capsys):
    answers = tmp_path / "answers.jsonl"
    write_jsonl_atomic(answers, [{"id": d["id"], "entities": [], "events": []} for d in load_split("test")])
    (tmp_path / "folder").mkdir()
    out = tmp_path / "pred.jsonl"
    assert main(["align", str(answers), "--out", str(out), "--report", str(tmp_path / "folder")]) == ExitCode.ERROR
    _one_line_error(capsys, "align", "is a folder")
    assert not out.exists()


def test_two_sheets_of_one_document_are_refused(tmp_path, capsys):
    sheet = sorted((Path(__file__).parents[1] / "annotation" / "sheets").rglob("*.txt"))[0]
    out = tmp_path / "gold.jsonl"
    assert main(["sheet", str(sheet), str(sheet), "--out", str(out)]) == ExitCode.ERROR
    _one_line_error(capsys, "sheet", "is also resolved from")
    assert not out.exists()


@pytest.mark.parametrize("verb", ["score", "show"])
def test_an_output_that_is_a_fifo_or_a_device_is_refused_and_left_as_it_is(tmp_path, capsys, predictions, verb):
    """Replacing it would replace the FIFO, or the `/dev/stdout` link, with a regular file."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for out, kind in [(fifo, "a FIFO"), (Path(os.devnull), "a device")]:
        argv = ["--pred", str(predictions), "--split", "test"] if verb == "score" else ["--split", "test"]
        assert main([verb, *argv, "--out", str(out)]) == ExitCode.ERROR
        _one_line_error(capsys, verb, f"{out}: is {kind}; give the path of a")
    assert fifo.is_fifo() and Path(os.devnull).is_char_device()


def test_an_output_through_a_symbolic_link_replaces_what_it_points_to(tmp_path):
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old\n", encoding="utf-8")
    link.symlink_to(real)
    write_text_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"


def test_an_output_that_is_an_input_is_refused_before_any_work(tmp_path, capsys, predictions):
    """`show --out GOLD` wrote the page over the gold; through a link too."""
    gold = tmp_path / "gold.jsonl"
    write_jsonl_atomic(gold, load_split("test"))
    link = tmp_path / "page.html"
    link.symlink_to(gold)
    before = gold.read_bytes()
    for argv in (["show", "--gold", str(gold), "--out", str(gold)], ["show", "--gold", str(gold), "--out", str(link)],
                 ["show", "--gold", str(gold), "--pred", str(predictions), "--out", str(predictions)]):
        assert main(argv) == ExitCode.ERROR
        _one_line_error(capsys, "show", "is also an input of this command", "writing the output there would replace it")
    assert gold.read_bytes() == before and predictions.read_text(encoding="utf-8").startswith('{"entities"')


@pytest.mark.parametrize("verb", ["score", "show"])
def test_an_output_through_a_symbolic_link_loop_is_one_error_line(tmp_path, capsys, predictions, verb):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    argv = ["--pred", str(predictions), "--split", "test"] if verb == "score" else ["--split", "test"]
    assert main([verb, *argv, "--out", str(tmp_path / "a")]) == ExitCode.ERROR
    _one_line_error(capsys, verb, "a symbolic link that leads in a loop")


def test_an_output_that_cannot_be_written_is_refused_before_any_work(tmp_path, capsys):
    raw = next((Path(__file__).resolve().parents[1] / "annotation" / "raw").iterdir())
    assert main(["ingest", str(raw), "--out", os.devnull]) == ExitCode.ERROR
    _one_line_error(capsys, "ingest", f"{os.devnull}: is a device")  # and nothing about the cleaning before it
    strings = tmp_path / "strings.jsonl"
    strings.write_text("", encoding="utf-8")
    same = tmp_path / "pred.jsonl"
    assert main(["align", str(strings), "--split", "test", "--out", str(same), "--report", f"{tmp_path}/./pred.jsonl"]) \
        == ExitCode.ERROR
    _one_line_error(capsys, "align", "is also --out; the report would replace the predictions")
    assert not same.exists()
