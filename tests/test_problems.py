"""The records layer's shared checks: problem reason codes, the 'first and N more' formatter, the offset
and flatness checks, and the schema's label-index maps."""

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaiko import schema
from gaiko.documents import entity_spans, trigger_spans, validate_document
from gaiko.io import GaikoError
from gaiko.predictions import ShardProblem, clean_records, rejection_counts
from gaiko.problems import REASONS, Problem, and_more, first_and_more
from gaiko.text import overlaps, span_problem

ROOT = Path(__file__).resolve().parents[1]
READERS = ("gaiko/documents.py", "gaiko/predictions.py", "gaiko/text.py", "annotation/convert.py",
           "annotation/sheets.py")
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def _strings(node: ast.AST) -> set[str]:
    """The string values an expression can take: a constant, or either branch of `a if test else b`."""
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return {node.value} if isinstance(node, ast.Constant) and isinstance(node.value, str) else set()


def reason_codes_in(path: Path) -> set[str]:
    """The reason codes a reader module names: the reason of each `Problem(...)`, the snake_case strings
    given to its problem-making helpers (`error`, `fail`, `problem`, `known`, `_single`), the first item of
    the (reason, message) pairs it returns or assigns, and what `span_problem` returns and is compared with."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("Problem", "ShardProblem"):
                for arg in node.args[2:3] + [k.value for k in node.keywords if k.arg == "reason"]:
                    found |= _strings(arg)
            elif name in ("error", "fail", "problem", "known", "_single"):
                found |= {s for arg in node.args for s in _strings(arg) if _CODE.match(s)}
        elif isinstance(node, (ast.Return, ast.Assign)) and isinstance(node.value, ast.Tuple) and node.value.elts:
            found |= {s for s in _strings(node.value.elts[0]) if _CODE.match(s)}
        elif isinstance(node, ast.Return) and node.value is not None:
            found |= {s for s in _strings(node.value) if _CODE.match(s)}
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "bad":
            found |= {s for c in node.comparators for s in _strings(c)}
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and any(
                isinstance(t, ast.Name) and t.id.startswith("UNKNOWN_") for t in node.targets):
            found |= {s for value in node.value.values for s in _strings(value)}
    return found


def test_every_reason_code_is_registered_and_used():
    used = set().union(*(reason_codes_in(ROOT / path) for path in READERS))
    assert used - REASONS.keys() == set(), "unregistered reason codes"
    assert REASONS.keys() - used == set(), "registered reason codes no reader uses"
    assert all(_CODE.match(code) or code.isalpha() for code in REASONS)
    assert all(description and description == description.strip() for description in REASONS.values())


def test_an_unregistered_reason_is_refused():
    with pytest.raises(ValueError, match="unregistered problem reason 'no_such_reason'"):
        Problem(1, "message", "no_such_reason")


def test_problem_lines():
    plain = Problem(3, "entities[0]: unknown entity label 'X'", "unknown_label", (("entities", 1),))
    assert str(plain) == "entities[0]: unknown entity label 'X'"
    assert plain.format("pred.jsonl") == "pred.jsonl:3: entities[0]: unknown entity label 'X'"
    placed = Problem(None, "duplicate mention id", "duplicate_mention_id", where="entity m2")
    assert str(placed) == "entity m2: duplicate mention id"
    assert placed.format("gold.jsonl") == "gold.jsonl: entity m2: duplicate mention id"
    assert placed.format() == "entity m2: duplicate mention id"
    shard = ShardProblem(4, "bad", "invalid_json", (), "b.jsonl")
    assert shard.format("a.jsonl") == shard.format() == "b.jsonl:4: bad"
    error = Problem(7, "not found", "surface_not_found").error(Path("sheet.txt"), and_more(2))
    assert isinstance(error, GaikoError) and str(error) == "sheet.txt:7: not found (and 2 more)"
    assert (error.file, error.line, error.problem) == (Path("sheet.txt"), 7, "not found (and 2 more)")
    assert str(placed.error()) == "entity m2: duplicate mention id"


def test_problem_records_keep_the_report_shape():
    assert Problem(2, "m", "bom").record() == {"line": 2, "message": "m", "reason": "bom", "rejected": ()}
    assert ShardProblem(2, "m", "bom", (("documents", 1),), "a.jsonl").record() == {
        "line": 2, "message": "m", "reason": "bom", "rejected": (("documents", 1),), "file": "a.jsonl"}


def test_first_and_more():
    assert and_more(0) == and_more(-1) == ""
    assert and_more(1) == " (and 1 more)"
    assert and_more(3, "problem", "problems", "`gaiko validate` lists them") == \
        " (and 3 more problems; `gaiko validate` lists them)"
    assert and_more(1, "problem", "problems") == " (and 1 more problem)"
    assert and_more(1, "problems") == " (and 1 more problems)"
    assert first_and_more(["a"]) == "a"
    assert first_and_more(["a", "b", "c"]) == "a (and 2 more)"
    problems = [Problem(1, "x", "bom"), Problem(2, "y", "bom")]
    assert first_and_more(problems, "problems", show=lambda p: p.format("f")) == "f:1: x (and 1 more problems)"


@pytest.mark.parametrize(("start", "end", "mention", "reason"), [
    (0, 2, "ab", None),
    (2, 3, "c", None),
    (0, 3, "abc", None),
    (True, 2, "ab", "offsets_not_integers"),
    (0, 2.0, "ab", "offsets_not_integers"),
    ("0", 2, "ab", "offsets_not_integers"),
    (None, None, None, "offsets_not_integers"),
    (-1, 2, "ab", "offsets_out_of_range"),
    (1, 1, "", "offsets_out_of_range"),
    (2, 1, "", "offsets_out_of_range"),
    (2, 4, "c", "offsets_out_of_range"),
    (0, 2, "ba", "text_mismatch"),
    (0, 2, None, "text_mismatch"),
])
def test_span_problem(start, end, mention, reason):
    assert span_problem(start, end, "abc", mention) == reason


def test_span_problem_without_the_mention():
    assert span_problem(0, 2, "abc", check_mention=False) is None
    assert span_problem(0, 9, "abc", check_mention=False) == "offsets_out_of_range"


@given(st.text(max_size=8), st.integers(-3, 12), st.integers(-3, 12), st.one_of(st.none(), st.text(max_size=4)))
def test_span_problem_agrees_with_its_definition(text, start, end, mention):
    reason = span_problem(start, end, text, mention)
    if not 0 <= start < end <= len(text):
        assert reason == "offsets_out_of_range"
    else:
        assert reason == (None if mention == text[start:end] else "text_mismatch")


def test_overlaps():
    spans = [(0, 10, "A"), (2, 3, "B"), (5, 6, "C"), (10, 12, "D"), (11, 13, "E")]
    assert list(overlaps(spans)) == [(spans[0], spans[1]), (spans[0], spans[2]), (spans[3], spans[4])]
    assert list(overlaps(spans, drop=False)) == [(spans[0], spans[1]), (spans[3], spans[4])]
    assert list(overlaps([])) == [] and list(overlaps([(1, 2)])) == []
    assert list(overlaps([{"s": 0, "e": 2}, {"s": 1, "e": 3}], lambda x: (x["s"], x["e"]))) == [
        ({"s": 0, "e": 2}, {"s": 1, "e": 3})]


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 5)).map(lambda t: (t[0], t[0] + t[1])), max_size=12))
def test_overlaps_keeps_a_flat_remainder(spans):
    spans = sorted(spans)
    dropped = {id(b) for _, b in overlaps(spans)}
    kept = [s for s in spans if id(s) not in dropped]
    assert all(a[1] <= b[0] for a, b in zip(kept, kept[1:]))
    assert (next(overlaps(spans), None) is None) == all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_label_index_maps():
    for names, index in ((schema.ENTITY_LABELS, schema.ENTITY_INDEX), (schema.EVENT_LABELS, schema.EVENT_INDEX),
                         (schema.REALIS_VALUES, schema.REALIS_INDEX), (schema.ROLE_NAMES, schema.ROLE_INDEX),
                         (schema.BIO_TAGS, schema.BIO_INDEX)):
        assert list(index) == list(names) and all(names[i] == name for name, i in index.items())
    assert schema.BIO_BY_INDEX == dict(enumerate(schema.BIO_TAGS))


def test_entity_and_trigger_spans():
    doc = {"entities": [{"start": 0, "end": 2, "label": "GPE"}],
           "events": [{"type": "CONSULT", "trigger": {"start": 3, "end": 5}}]}
    assert entity_spans(doc["entities"]) == [(0, 2, "GPE")]
    assert trigger_spans(doc["events"]) == [(3, 5, "CONSULT")]
    assert entity_spans(None) == trigger_spans(None) == []


def test_document_problems_carry_where_and_reason():
    doc = {"id": "d", "text": "ロシアと北朝鮮",
           "entities": [{"id": "m1", "start": 0, "end": 3, "label": "GPE", "text": "ロシア"},
                        {"id": "m2", "start": 1, "end": 2, "label": "ORG", "text": "シ"},
                        {"id": "m3", "start": 4, "end": 9, "label": "GPE", "text": "北朝鮮"}],
           "events": [{"id": "e1", "type": "MEET", "realis": "ACTUAL", "trigger": {"start": 3, "end": 4, "text": "と"},
                       "arguments": [{"role": "actor", "mention_id": "m9"}]}]}
    problems = validate_document(doc)
    assert [(p.where, p.reason) for p in problems] == [
        ("entity m3", "offsets_out_of_range"), ("entity m2", "overlapping_entities"),
        ("event e1", "unknown_event_type"), ("event e1", "unknown_mention")]
    assert str(problems[1]) == "entity m2: overlaps entity m1 (0-3 and 1-2); mentions are flat"


def test_unknown_fields_and_metadata_that_is_not_a_string_are_refused_at_every_level():
    doc = {"id": "d", "text": "ロシアと北朝鮮", "title": ["ロシア"], "date_note": None, "sumary": "x",
           "entities": [{"id": "m1", "start": 0, "end": 3, "label": "GPE", "text": "ロシア", "score": 0.9}],
           "events": [{"id": "e1", "type": "CONSULT", "realis": "ACTUAL", "polarity": "positive",
                       "trigger": {"start": 3, "end": 4, "text": "と", "lemma": "と"},
                       "arguments": [{"role": "actor", "mention_id": "m1", "confidence": 1}]}]}
    problems = validate_document(doc)
    assert [(p.where, p.reason) for p in problems] == [
        ("document", "unknown_field"), ("document", "metadata_not_string"), ("entity m1", "unknown_field"),
        ("event e1", "unknown_field"), ("event e1 trigger", "unknown_field"), ("event e1", "unknown_field")]
    assert str(problems[0]) == ("document: unknown field 'sumary' (fields: id, title, publisher, url, date, "
                                "date_note, language, source_file, text, raw_alignment, entities, events)")
    assert str(problems[1]) == "document: 'title' must be a string or null, got [\"ロシア\"]"


def test_prediction_problems_are_counted_by_reason():
    gold = [{"id": "d", "text": "ロシアと北朝鮮"}]
    records = [(1, {"id": "d", "entities": [{"start": 0, "end": 3, "label": "GPE"},
                                            {"start": 0, "end": 3, "label": "GPE"},
                                            {"start": 2, "end": 9, "label": "GPE"}]})]
    problems = clean_records(records, gold).problems
    assert [p.reason for p in problems] == ["offsets_out_of_range", "duplicate_entity"]
    assert rejection_counts(problems) == {
        "rejected": {"documents": 0, "entities": 2, "events": 0, "arguments": 0},
        "problems": {"duplicate_entity": 1, "offsets_out_of_range": 1}}


def test_gold_problems_name_what_is_there_as_json_spells_it():
    doc = {"id": 7, "text": "ロシア\x00と北朝鮮", "raw_alignment": [{"start": 0, "raw_start": 0, "length": 3},
                                                                {"start": 2, "raw_start": 9, "length": 1},
                                                                {"start": 5, "raw_start": 9, "length": 9}],
           "entities": [{"id": "m1", "start": 0, "end": 3, "label": "GPE", "text": "ロシア", "entity_id": "russia\n"},
                        {"id": "m2", "start": 5, "end": 8, "text": None}],
           "events": [{"id": "e1", "type": "CONSULT", "trigger": [4, 5], "arguments": []},
                      {"id": "e2", "type": "CONSULT", "realis": "ACTUAL", "trigger": {"start": 4, "end": 5, "text": "と"}},
                      {"id": "e3", "type": "CONSULT", "realis": "ACTUAL", "trigger": {"start": 4, "end": 5, "text": "と"}}]}
    assert [str(p) for p in validate_document(doc)] == [
        "document: a document's id must be a non-empty string, got 7",
        "document: text contains the control character U+0000 at offset 3; a clean text holds none but newline and tab",
        "raw_alignment #2: the run 2-3 must lie in the text (0-8), after the run before (ending at 3), and not be empty",
        "raw_alignment #3: the run 5-14 must lie in the text (0-8), after the run before (ending at 3), and not be empty",
        "entity m1: entity id 'russia\\n' is not lower_snake_case ASCII",
        "entity m2: unknown label nothing (missing)",
        "entity m2: text null != text[5:8] '北朝鮮'",
        "event e1: unknown realis nothing (missing)",
        "event e1: 'trigger' must be an object (start, end, text), got [4, 5]",
        "event e3: a second CONSULT event on trigger 4-5 (first: event e2)"]
    assert {p.reason for p in validate_document(doc)} <= set(REASONS)


def test_a_label_or_role_of_any_json_type_is_a_problem_not_a_crash():
    for value in (["GPE"], {"a": 1}, [], 1.5, None):
        doc = {"id": "d", "text": "ロシアと北朝鮮",
               "entities": [{"id": "m1", "start": 0, "end": 3, "label": value, "text": "ロシア", "entity_id": "russia"}],
               "events": [{"id": "e1", "type": value, "realis": value, "trigger": {"start": 3, "end": 4, "text": "と"},
                           "arguments": [{"role": value, "mention_id": "m1"}] * 2}]}
        assert [p.reason for p in validate_document(doc)] == [
            "unknown_label", "unknown_event_type", "unknown_realis", "unknown_role", "unknown_role"]
