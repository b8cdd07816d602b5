"""`gaiko validate`, `score` and `compare` end to end on small gold files."""

from __future__ import annotations

import json

import matplotlib.image
import pytest

from gaiko.cli import main
from gaiko.predictions import load_predictions, validate_records

from support.documents import EVENT_GOLD, EVENT_PRED, NER_GOLD, NER_PRED


@pytest.fixture
def files(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in (NER_GOLD, EVENT_GOLD)), encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(p) + "\n" for p in (NER_PRED["d"], EVENT_PRED["ev"])), encoding="utf-8")
    return gold, pred


BAD_LINES = [
    # line 1: float offset, overlap, unknown label, event without trigger, unknown role
    json.dumps({"id": "d", "entities": [{"start": 0, "end": 3.0, "label": "PERSON"}, {"start": 1, "end": 4, "label": "GPE"},
                                         {"start": 2, "end": 5, "label": "ORG"}, {"start": 7, "end": 9, "label": "NOPE"}],
                "events": [{"type": "CONSULT", "arguments": [{"role": "actor", "start": 0, "end": 1}]},
                           {"type": "CONSULT", "trigger": {"start": 3, "end": 4},
                            "arguments": [{"role": "boss", "start": 0, "end": 1}]}]}),
    json.dumps({"id": "d"}),                                                        # 2: duplicate line
    json.dumps({"id": "nope", "entities": []}),                                     # 3: unknown id
    '{"id": "ev", "entities": [{"start": NaN, "end": 1, "label": "GPE"}]}',         # 4: NaN
    json.dumps({"id": "ev", "entities": [{"start": 5, "end": 2, "label": "GPE"}],  # 5: start > end, bad realis
                "events": [{"type": "CONSULT", "realis": "MAYBE", "trigger": {"start": 0, "end": 5}}]}),
]


def test_validate_lists_every_problem_with_its_line(tmp_path, files, capsys):
    gold, _ = files
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\xef\xbb\xbf" + "\n".join(BAD_LINES).encode() + b"\n\xff oops\n")
    assert main(["validate", str(bad), "--gold", str(gold)]) == 1
    *out, summary = capsys.readouterr().out.splitlines()  # the whole report is on stdout
    assert summary == f"{bad}: 12 problems"
    assert all(line.startswith(f"{bad}:") for line in out)
    located = [(int(line.split(":")[1]), line.split(": ", 1)[1]) for line in out]
    expected = [(1, "byte order mark"), (1, "entities[0]: start/end must be integers"), (1, "unknown entity label"),
                (1, "entities[2] (2-5 ORG): overlaps entities[1]"), (1, "events[0]: has no trigger"),
                (1, "events[1].arguments[0]: unknown role 'boss'"), (2, "duplicate document id 'd'"),
                (3, "unknown document id 'nope'"), (4, "NaN is not valid JSON"), (5, "offsets 5-2"),
                (5, "unknown realis 'MAYBE'"), (6, "not UTF-8")]
    assert len(located) == len(expected)
    for (line, text), (want_line, want_text) in zip(located, expected):
        assert line == want_line and want_text in text


def test_load_predictions_counts_what_it_rejects(tmp_path, files):
    gold, _ = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(BAD_LINES[:3]) + "\n", encoding="utf-8")
    from gaiko.documents import load_documents
    from gaiko.eval.metrics import score_documents

    loaded = load_predictions(bad, load_documents(gold))
    assert [e["start"] for e in loaded.by_id["d"]["entities"]] == [1]  # only entities[1] survives
    assert [ev["arguments"] for ev in loaded.by_id["d"]["events"]] == [[]]
    counts = score_documents(load_documents(gold), loaded.by_id, problems=loaded.problems)["counts"]
    # entities: 3 rejected on line 1; events: 1 (no trigger); arguments: 1 of that event + 1 unknown role;
    # documents: lines 2 and 3
    assert counts["rejected"] == {"documents": 2, "entities": 3, "events": 1, "arguments": 2}
    assert counts["predicted"]["entities"] == 1 and counts["problems"]["unknown_document"] == 1


def test_validate_records_for_in_memory_output():
    problems = validate_records([(1, {"id": "d", "entities": [{"start": 0, "end": 99, "label": "GPE"}]}), (2, "x")],
                                [NER_GOLD])
    assert [(p.line, p.reason) for p in problems] == [(1, "offsets_out_of_range"), (2, "not_an_object")]
    assert validate_records([(1, NER_PRED["d"])], [NER_GOLD]) == []


def test_score_table_json_and_out(tmp_path, files, capsys):
    gold, pred = files
    out = tmp_path / "report"
    assert main(["score", "--pred", str(pred), "--gold", str(gold), "--bootstrap", "200", "--seed", "3",
                 "--out", str(out)]) == 0
    table = capsys.readouterr().out
    assert "ner.strict micro" in table and "realis accuracy" in table
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report) == {"ner", "events", "realis", "documents", "counts"}
    assert report["ner"]["strict"]["micro"]["tp"] == 1 and len(report["ner"]["strict"]["micro"]["ci"]) == 2
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and matplotlib.image.imread(png).ndim == 3
    assert len(list(out.glob("*.png"))) == 4
    errors = (out / "errors.tsv").read_text(encoding="utf-8").splitlines()
    assert errors[0].startswith("document\tlayer\terror")
    assert "d\tentity\twrong_type\t5\t8\tGPE\tfgh\t5\t8\tORG\tfgh" in errors
    assert any("\targument\twrong_role\t" in row for row in errors)
    assert "# Evaluation report" in (out / "report.md").read_text(encoding="utf-8")
    assert main(["score", "--pred", str(pred), "--gold", str(gold), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == score_report_without_ci(report)


def score_report_without_ci(report):
    if isinstance(report, dict):
        return {k: score_report_without_ci(v) for k, v in report.items() if k != "ci"} | (
            {"bootstrap": None} if "bootstrap" in report else {})
    return report


def test_fail_under_is_the_ci_gate(files, capsys):
    gold, pred = files
    args = ["score", "--pred", str(pred), "--gold", str(gold), "--fail-under"]
    # exact: tp 2, fp 3, fn 8 (the events document's five mentions are not predicted) → F = 4/15 = 0.2667
    assert main(args + ["ner.exact.micro.f1=0.25"]) == 0
    capsys.readouterr()
    assert main(args + ["ner.strict.micro.f1=0.9", "--fail-under", "events.trigger_identification.micro.f1=0.5"]) == 1
    err = capsys.readouterr().err
    assert "ner.strict.micro.f1 = 0.1333 is below the required 0.9000" in err
    assert "trigger_identification" not in err
    assert main(args + ["ner.bogus.micro.f1=0.5"]) == 2
    assert "unknown metric 'ner.bogus.micro.f1'" in capsys.readouterr().err


def test_invalid_inputs_give_one_line_and_exit_2(tmp_path, files, capsys):
    gold, _ = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(BAD_LINES) + "\n", encoding="utf-8")
    assert main(["score", "--pred", str(bad), "--gold", str(gold)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"gaiko score: error: {bad}:1: entities[0]")
    assert "more problems; `gaiko validate` lists them" in err[0]
    assert main(["score", "--pred", str(tmp_path / "missing.jsonl"), "--gold", str(gold)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main(["score", "--pred", str(bad), "--gold", str(gold), "--drop-invalid", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["rejected"]["documents"] == 3


def test_compare_two_files(tmp_path, files, capsys):
    gold, pred = files
    perfect = tmp_path / "perfect.jsonl"
    perfect.write_text(json.dumps({"id": "d", "entities": [
        {"start": m["start"], "end": m["end"], "label": m["label"]} for m in NER_GOLD["entities"]]}) + "\n")
    assert main(["compare", str(pred), str(perfect), "--gold", str(gold), "--bootstrap", "300", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    strict = result["metrics"]["ner.strict.micro.f1"]
    assert strict["b"] > strict["a"] and strict["delta"] == pytest.approx(strict["b"] - strict["a"])
    assert 0 <= strict["p_value"] <= 1 and result["resamples"] == 300
    assert main(["compare", str(pred), str(perfect), "--gold", str(gold), "--bootstrap", "50"]) == 0
    assert "ner.strict.micro.f1" in capsys.readouterr().out
