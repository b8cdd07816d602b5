"""`gaiko align`: string-level answers placed in the text, with every unplaced or doubtful string reported."""

from __future__ import annotations

import json
import unicodedata

import jsonschema
import pytest

from gaiko.cli import main
from gaiko.dataset import load_split
from gaiko.eval.align import SCHEMA_FILE, align, read_answers, strings_schema
from gaiko.eval.metrics import evaluate
from gaiko.predictions import validate_records

from support.strings import as_strings


def write_jsonl(path, rows) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_the_test_gold_as_strings_in_reading_order_scores_one(tmp_path, capsys):
    test = load_split("test")
    strings, pred = tmp_path / "strings.jsonl", tmp_path / "pred.jsonl"
    write_jsonl(strings, [as_strings(d) for d in test])
    assert main(["align", str(strings), "--split", "test", "--out", str(pred), "--policy", "ordered"]) == 0
    assert "0 not found" in capsys.readouterr().err
    assert main(["validate", str(pred), "--split", "test"]) == 0
    report = evaluate(test, {p["id"]: p for p in map(json.loads, pred.read_text(encoding="utf-8").splitlines())}).report
    for value in (report["ner"]["strict"]["micro"]["f1"], report["events"]["trigger_classification"]["micro"]["f1"],
                  report["events"]["argument_classification"]["micro"]["f1"], report["realis"]["accuracy"]):
        assert value == 1.0


DOC = {"id": "d", "text": "露朝首脳会談。２０２４年、ガス会談で露は米国と協議。北朝鮮が会談を歓迎。"}


def placed(answer: dict, policy: str = "ordered"):
    result = align([(1, answer)], [DOC], policy)
    (prediction,) = result.predictions
    return prediction, result


@pytest.mark.parametrize("variant", [
    "2024年",                                            # half-width digits for full-width ones
    unicodedata.normalize("NFD", "ガス会談"),             # a decomposed ガ
    "ｶﾞｽ会談",                                          # half-width katakana with a separate voiced mark
])
def test_width_and_normalization_variants_match_and_keep_the_texts_characters(variant):
    prediction, result = placed({"id": "d", "entities": [{"text": variant, "label": "DATE"}], "events": []})
    (entity,) = prediction["entities"]
    assert entity["text"] == DOC["text"][entity["start"]:entity["end"]] and entity["text"] in ("２０２４年", "ガス会談")
    assert result.counts["entities"]["not_found"] == 0


def test_a_shorter_string_inside_a_listed_longer_one_is_not_its_occurrence():
    answer = {"id": "d", "entities": [{"text": "露", "label": "GPE"}, {"text": "朝", "label": "GPE"},
                                      {"text": "露", "label": "GPE"}, {"text": "米国", "label": "GPE"},
                                      {"text": "北朝鮮", "label": "GPE"}], "events": []}
    prediction, result = placed(answer)
    assert [(m["text"], m["start"]) for m in prediction["entities"]] == \
        [("露", 0), ("朝", 1), ("露", 18), ("米国", 20), ("北朝鮮", 26)]
    assert result.problems == []


def test_an_unlisted_occurrence_between_listed_ones_is_skipped_by_reading_order():
    # 会談 occurs three times; the answer lists the first and the last, with 歓迎 after them
    answer = {"id": "d", "entities": [], "events": [
        {"type": "CONSULT", "realis": "ACTUAL", "trigger": {"text": "首脳会談"}, "arguments": []},
        {"type": "CONSULT", "realis": "ACTUAL", "trigger": {"text": "協議"}, "arguments": []},
        {"type": "CONSULT", "realis": "ACTUAL", "trigger": {"text": "会談"}, "arguments": []},
        {"type": "SUPPORT", "realis": "ACTUAL", "trigger": {"text": "歓迎"}, "arguments": []}]}
    prediction, result = placed(answer)
    assert [(e["trigger"]["text"], e["trigger"]["start"]) for e in prediction["events"]] == \
        [("首脳会談", 2), ("協議", 23), ("会談", 30), ("歓迎", 33)]
    assert [p.kind for p in result.problems] == ["ambiguous"]  # 会談 listed once, occurs twice on its own


def test_not_found_out_of_order_and_conflicts_are_reported_and_counted():
    answer = {"id": "d", "entities": [{"text": "北朝鮮", "label": "GPE"}, {"text": "露", "label": "GPE"},
                                      {"text": "ソウル", "label": "GPE"}, {"text": "朝鮮", "label": "GPE"}],
              "events": [{"type": "SUPPORT", "realis": "ACTUAL", "trigger": {"text": "歓迎"},
                          "arguments": [{"role": "actor", "text": "北朝鮮"}, {"role": "actor", "text": "北朝鮮"},
                                        {"role": "recipient", "text": "ロシア"}]}]}
    prediction, result = placed(answer)
    kinds = sorted((p.where, p.kind) for p in result.problems)
    assert ("entities[2]", "not_found") in kinds                       # ソウル is not in the text
    assert ("entities[1]", "ambiguous") in kinds                       # 露 listed after 北朝鮮: out of order
    assert ("entities[3]", "not_found") in kinds                       # 朝鮮 only occurs inside the listed 北朝鮮
    assert ("events[0].arguments[1]", "conflict") in kinds             # the same argument twice
    assert ("events[0].arguments[2]", "not_found") in kinds
    counts = result.counts
    assert counts["entities"]["listed"] == 4 and counts["entities"]["placed"] == 2
    assert counts["arguments"] == {"listed": 3, "placed": 1, "not_found": 1, "ambiguous": 0, "conflict": 1}
    assert validate_records([(1, prediction)], [DOC]) == []


def test_policy_all_places_every_occurrence_of_each_string_and_label():
    answer = {"id": "d", "entities": [{"text": "露", "label": "GPE"}],
              "events": [{"type": "CONSULT", "realis": "ACTUAL", "trigger": {"text": "会談"},
                          "arguments": [{"role": "actor", "text": "露"}]},
                         {"type": "CONSULT", "realis": "ACTUAL", "trigger": {"text": "会談"},
                          "arguments": [{"role": "recipient", "text": "米国"}]}]}
    prediction, _ = placed(answer, "all")
    assert [m["start"] for m in prediction["entities"]] == [0, 18]
    assert [e["trigger"]["start"] for e in prediction["events"]] == [4, 15, 30]
    assert {a["role"] for a in prediction["events"][0]["arguments"]} == {"actor", "recipient"}  # listings merged


@pytest.mark.parametrize("line, problem", [
    ({"id": "zz", "entities": []}, "unknown document id 'zz'"),
    ({"id": "d", "entities": [{"text": "露", "label": "COUNTRY"}]}, "entities[0].label 'COUNTRY' is not one of"),
    ({"id": "d", "entities": [{"text": "", "label": "GPE"}]}, "entities[0].text must be a non-empty string"),
    ({"id": "d", "entities": [{"text": "露", "label": "GPE", "start": 0}]}, "entities[0] has unknown field start"),
    ({"id": "d", "events": [{"type": "CONSULT", "trigger": {"text": "会談"},
                             "arguments": [{"role": "boss", "text": "露"}]}]}, "arguments[0].role 'boss'"),
])
def test_a_malformed_answer_is_one_error_line_and_nothing_is_written(tmp_path, capsys, line, problem):
    gold, strings, pred = tmp_path / "gold.jsonl", tmp_path / "strings.jsonl", tmp_path / "pred.jsonl"
    write_jsonl(gold, [DOC])
    write_jsonl(strings, [{"id": "d", "entities": []}, line])
    assert main(["align", str(strings), "--gold", str(gold), "--out", str(pred)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"gaiko align: error: {strings}:2: ") and problem in err[0], err
    assert not pred.exists()


def test_the_json_schema_is_generated_from_the_schema_and_accepts_the_gold(capsys):
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == strings_schema(), \
        "regenerate with `gaiko align --schema > eval/llm/strings.schema.json`"
    assert main(["align", "--schema"]) == 0
    assert json.loads(capsys.readouterr().out) == strings_schema()
    validator = jsonschema.Draft202012Validator(strings_schema())
    for doc in load_split("test"):
        validator.validate(as_strings(doc))
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"id": "d", "entities": [{"text": "露", "label": "NATION"}], "events": []})


def test_read_answers_refuses_a_repeated_document(tmp_path):
    strings = tmp_path / "s.jsonl"
    write_jsonl(strings, [{"id": "d"}, {"id": "d"}])
    with pytest.raises(Exception, match="duplicate document id 'd'"):
        read_answers(strings, [DOC])


def test_the_report_file_lists_every_problem_with_the_counts(tmp_path, capsys):
    gold, strings, pred, report = (tmp_path / n for n in ("gold.jsonl", "s.jsonl", "pred.jsonl", "report.json"))
    write_jsonl(gold, [DOC])
    write_jsonl(strings, [{"id": "d", "entities": [{"text": "露", "label": "GPE"}, {"text": "英国", "label": "GPE"}]}])
    assert main(["align", str(strings), "--gold", str(gold), "--out", str(pred), "--report", str(report)]) == 0
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["counts"]["entities"] == {"listed": 2, "placed": 1, "not_found": 1, "ambiguous": 1, "conflict": 0}
    assert {(p["where"], p["kind"]) for p in written["problems"]} == {("entities[1]", "not_found"),
                                                                       ("entities[0]", "ambiguous")}
    err = capsys.readouterr().err
    assert f"{strings}:1: entities[1]: '英国' is listed 1 times but occurs 0 times" in err
    assert main(["align", str(strings), "--gold", str(gold)]) == 2  # no --out: one error line, exit 2

