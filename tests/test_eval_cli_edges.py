"""`gaiko score`/`validate` edges met by model builders: gold exported from a Hub copy, gold files in other
formats, NER-only runs, where the report goes, and what the event denominators count."""

from __future__ import annotations

import gzip
import json

import datasets
import pytest

from gaiko.cli import main
from gaiko.dataset import load_split
from gaiko.paths import DATASET_DIR

LEXICON = "submissions/lexicon-predictions/predictions.jsonl"


@pytest.fixture(scope="module")
def test_split():
    return datasets.load_dataset(str(DATASET_DIR), "documents", split="test")


def run(capsys, *args):
    capsys.readouterr()  # only this command's output
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_gold_exported_from_the_dataset_with_to_json_scores_like_the_split(test_split, tmp_path, capsys):
    gold = tmp_path / "test.jsonl"
    test_split.to_json(str(gold), force_ascii=False)
    _, from_file, _ = run(capsys, "score", "--pred", LEXICON, "--gold", gold, "--json")
    _, from_split, _ = run(capsys, "score", "--pred", LEXICON, "--split", "test", "--json")
    assert json.loads(from_file) == json.loads(from_split)
    assert json.loads(from_file)["ner"]["strict"]["micro"]["tp"] > 0


@pytest.mark.parametrize("kind", ["parquet", "gzip", "array", "indented"])
def test_a_gold_file_that_is_not_json_lines_is_one_error_naming_its_format(kind, test_split, tmp_path, capsys):
    docs = load_split("test")
    path = tmp_path / f"gold.{kind}"
    if kind == "parquet":
        test_split.to_parquet(str(path))
    elif kind == "gzip":
        path.write_bytes(gzip.compress("".join(json.dumps(d) + "\n" for d in docs).encode()))
    else:
        path.write_text(json.dumps(docs, indent=2 if kind == "indented" else None), encoding="utf-8")
    code, out, err = run(capsys, "score", "--pred", LEXICON, "--gold", path)
    named = {"parquet": "is a Parquet file", "gzip": "is gzip-compressed", "array": "is a JSON array",
             "indented": "looks like indented JSON"}[kind]
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"gaiko score: error: {path}") and named in err
    assert "not JSON lines" in err and ".to_json(" in err


@pytest.mark.parametrize("line, named", [("\u3000", "2: invalid JSON"), ("null", "2: each line must be a JSON object"),
                                         ("two", "2: invalid JSON: Extra data")])
def test_a_gold_line_that_is_not_one_document_is_an_error_with_and_without_a_report(line, named, tmp_path, capsys):
    """A line of Unicode spaces is not blank, null is no document, and two documents joined by a comma
    on one line are not one: each is refused by the streaming reader and by the one --out uses."""
    docs = [json.dumps(d, ensure_ascii=False) for d in load_split("test")]
    another = json.dumps({**load_split("test")[0], "id": "another"}, ensure_ascii=False)
    lines = [docs[0], docs[1] + "," + another] if line == "two" else [docs[0], line, docs[1]]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for extra in ([], ["--out", str(tmp_path / "report")]):
        code, out, err = run(capsys, "score", "--pred", LEXICON, "--gold", gold, "--json", *extra)
        assert code == 2 and err.count("\n") == 1 and f"{gold}:{named}" in err, err


def without_events(docs):
    return [{**d, "events": []} for d in docs]


def test_a_layer_with_no_gold_and_no_predictions_is_left_out_of_the_table(tmp_path, capsys):
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in without_events(load_split("test"))),
                    encoding="utf-8")
    preds = [json.loads(line) for line in open(LEXICON, encoding="utf-8")]
    pred.write_text("".join(json.dumps(p) + "\n" for p in without_events(preds)), encoding="utf-8")
    code, table, _ = run(capsys, "score", "--pred", pred, "--gold", gold)
    assert code == 0
    assert "ner.strict micro" in table and "events." not in table and "realis" not in table
    assert "not shown: events (no gold and no predicted events)" in table
    code, report, _ = run(capsys, "score", "--pred", pred, "--gold", gold, "--json")
    assert "trigger_classification" in json.loads(report)["events"]  # the JSON report keeps every metric
    (tmp_path / "only_events.jsonl").write_text("".join(json.dumps({"id": p["id"], "events": p["events"]}) + "\n"
                                                        for p in preds), encoding="utf-8")
    code, table, _ = run(capsys, "score", "--pred", tmp_path / "only_events.jsonl", "--split", "test")
    assert "ner.strict micro" in table and "events.trigger_classification micro" in table  # gold entities: shown


def test_the_table_states_the_gold_tuples_behind_each_event_metric(capsys):
    code, table, _ = run(capsys, "score", "--pred", LEXICON, "--split", "test")
    _, report, _ = run(capsys, "score", "--pred", LEXICON, "--split", "test", "--json")
    report = json.loads(report)
    gold = report["counts"]["gold"]
    line = next(x for x in table.splitlines() if x.startswith("gold tuples per event metric"))
    assert f"({gold['events']} events, {gold['arguments']} arguments)" in line
    for metric, scores in report["events"].items():
        assert f"{metric} {scores['micro']['tp'] + scores['micro']['fn']}" in line
    classified = report["events"]["argument_classification"]["micro"]
    attached = report["events"]["argument_classification_attached"]["micro"]
    assert classified["tp"] + classified["fn"] < attached["tp"] + attached["fn"] == gold["arguments"]


def test_validate_prints_its_whole_report_on_stdout(tmp_path, capsys):
    code, out, err = run(capsys, "validate", LEXICON, "--split", "test")
    assert (code, out, err) == (0, f"{LEXICON}: 0 problems\n", "")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "nope"}\n', encoding="utf-8")
    code, out, err = run(capsys, "validate", bad, "--split", "test")
    assert code == 1 and err == ""
    assert out.splitlines() == [f"{bad}:1: unknown document id 'nope' (not in the gold documents)", f"{bad}: 1 problem"]
