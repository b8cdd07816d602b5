"""The harness at scale: fast decoding that decides exactly as the strict decoder, predictions in several
files and any order, streamed scoring equal to in-memory scoring, and the additive count unit on Dask."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaiko.cli import main
from gaiko.documents import _decode_document, load_documents
from gaiko.eval.metrics import count, evaluate, merge, score
from gaiko.io import MAX_NESTING, _strict_loads, iter_lines, loads, read_bytes
from gaiko.predictions import load_predictions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synthetic  # noqa: E402

README = Path(__file__).resolve().parents[1] / "README.md"


def strict_or_error(text: str):
    try:
        return "ok", _strict_loads(text)
    except ValueError as e:
        return "error", str(e)


def fast_or_error(text: str, decode=loads):
    try:
        return "ok", decode(text)
    except ValueError as e:
        return "error", str(e)


KEYS = st.sampled_from(["id", "start", "end", "label", "text", "a", "\\u0069d", "\\u0073tart"])
SCALARS = st.sampled_from(['1', '-3', '2.5', 'true', 'null', '"x"', '"a\\":b"', '"id"', '9' * 25, 'NaN', '1e999'])


@st.composite
def json_texts(draw, depth=0):
    """JSON-like texts with duplicate keys, escaped key spellings, spaces before colons and odd numbers."""
    if depth > 2 or draw(st.booleans()):
        return draw(SCALARS)
    if draw(st.booleans()):
        return "[" + ",".join(draw(st.lists(json_texts(depth=depth + 1), max_size=3))) + "]"
    members = draw(st.lists(st.tuples(KEYS, st.sampled_from([":", " :", ": ", "\t:"]), json_texts(depth=depth + 1)),
                            max_size=4))
    return "{" + ",".join(f'"{k}"{colon}{v}' for k, colon, v in members) + "}"


@settings(max_examples=400, deadline=None)
@given(json_texts())
def test_fast_decoding_decides_exactly_as_the_strict_decoder(text):
    assert fast_or_error(text) == strict_or_error(text)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([0, 1, 2]), st.sampled_from(['"id"', '"\\u0069d"', '"text"']), st.booleans())
def test_gold_documents_decode_as_the_strict_decoder(which, key, spaced):
    doc = synthetic.corpus(3, 15, seed=which).gold[which]
    line = json.dumps(doc, ensure_ascii=False, separators=(", ", ": ") if spaced else (",", ":"))
    for variant in (line, line[:-1] + f', {key}: "again"}}', line.replace('"start"', '"start":0, "start"', 1)):
        assert fast_or_error(variant, _decode_document) == strict_or_error(variant)


def test_streaming_line_reader_equals_the_whole_file_reader(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"a\nbb\n\n" + b"x" * 3_000_000 + b"\nend\n")
    assert list(iter_lines(path)) == read_bytes(path).split(b"\n")
    with pytest.raises(Exception, match="larger than the 100 byte limit"):
        list(iter_lines(path, 100))


@pytest.fixture
def corpus_files(tmp_path):
    corpus = synthetic.corpus(300, 15, seed=4)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in corpus.gold), encoding="utf-8")
    lines = [json.dumps(corpus.predictions[d["id"]], ensure_ascii=False) + "\n" for d in corpus.gold]
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(lines), encoding="utf-8")
    shards = [tmp_path / f"shard-{i}.jsonl" for i in range(3)]
    for i, shard in enumerate(shards):  # every third line, reversed: another order than the gold's
        shard.write_text("".join(lines[i::3][::-1]), encoding="utf-8")
    return corpus, gold, pred, shards


def run(capsys, *argv):
    code = main(list(map(str, argv)))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_streamed_score_is_the_in_memory_report_byte_for_byte(corpus_files, capsys, tmp_path):
    corpus, gold, pred, shards = corpus_files
    code, streamed, _ = run(capsys, "score", "--gold", gold, "--pred", pred, "--json", "--bootstrap", "200")
    assert code == 0
    expected = evaluate(corpus.gold, corpus.predictions, 200, 0, details=False).report
    assert streamed == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    code, sharded, _ = run(capsys, "score", "--gold", gold, *(x for s in shards for x in ("--pred", s)), "--json",
                           "--bootstrap", "200")
    assert sharded == streamed
    code, globbed, _ = run(capsys, "score", "--gold", gold, "--pred", tmp_path / "shard-*.jsonl", "--json",
                           "--bootstrap", "200")
    assert globbed == streamed
    code, _, err = run(capsys, "score", "--gold", gold, "--pred", tmp_path / "none-*.jsonl")
    assert code == 2 and "no file matches" in err


def test_a_document_in_two_shards_is_a_duplicate_naming_both_files(corpus_files, capsys):
    corpus, gold, pred, shards = corpus_files
    first_id = corpus.gold[0]["id"]
    extra = shards[0].parent / "extra.jsonl"
    extra.write_text(json.dumps({"id": first_id}) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", *shards, extra, "--gold", gold)
    line_in_shard = shards[0].read_text(encoding="utf-8").splitlines().index(
        json.dumps(corpus.predictions[first_id], ensure_ascii=False)) + 1
    assert code == 1
    assert out == (f"{extra}:1: duplicate document id {first_id!r} (first on {shards[0]} line {line_in_shard})\n"
                   f"{len(shards) + 1} files: 1 problem\n")
    code, _, err = run(capsys, "score", "--gold", gold, "--pred", shards[0], "--pred", extra)
    assert code == 2 and f"{extra}:1: duplicate document id" in err


def test_an_empty_shard_beside_others_is_a_worker_given_no_document(corpus_files, capsys, tmp_path):
    """Only when no file holds a line is that a problem (a run that wrote nothing)."""
    _, gold, pred, shards = corpus_files
    empty, blank = tmp_path / "empty.jsonl", tmp_path / "blank.jsonl"
    empty.write_bytes(b"")
    blank.write_bytes(b"\n  \n")
    whole = run(capsys, "score", "--gold", gold, "--pred", pred, "--json")
    assert run(capsys, "score", "--gold", gold, "--pred", empty, *(x for s in shards for x in ("--pred", s)),
               "--pred", blank, "--json") == whole
    code, out, _ = run(capsys, "validate", empty, blank, "--gold", gold)
    assert code == 1 and out == (f"{empty}:1: empty: no prediction line at all (write one line per document, even "
                                 f"one that predicts nothing)\n{blank}:1: empty: no prediction line at all (write "
                                 "one line per document, even one that predicts nothing)\n2 files: 2 problems\n")


def test_score_without_out_builds_no_error_listing(corpus_files, monkeypatch, capsys):
    _, gold, pred, _ = corpus_files
    import gaiko.eval.metrics as metrics

    monkeypatch.setattr(metrics, "ner_errors", lambda *a: pytest.fail("error listing built without --out"))
    assert run(capsys, "score", "--gold", gold, "--pred", pred, "--json")[0] == 0


def test_resample_unit_is_named_and_few_units_warn(corpus_files, capsys, tmp_path):
    corpus, gold, pred, _ = corpus_files
    small = tmp_path / "small.jsonl"
    small.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in corpus.gold[:2]), encoding="utf-8")
    code, out, err = run(capsys, "score", "--gold", small, "--pred", pred, "--json", "--bootstrap", "50",
                         "--drop-invalid")
    bootstrap = json.loads(out)["counts"]["bootstrap"]
    assert (bootstrap["unit"], bootstrap["units"]) == ("document", 2)
    assert "warning: only 2 documents to resample: the bootstrap has 3 distinct resamples" in err
    code, out, err = run(capsys, "score", "--gold", small, "--pred", pred, "--json", "--bootstrap", "50",
                         "--drop-invalid", "--resample-unit", "sentence")
    assert json.loads(out)["counts"]["bootstrap"]["unit"] == "sentence"


def readme_example(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    return re.search(rf"<!-- {marker} -->\s*```python\n(.*?)```", text, re.S).group(1)


def test_readme_dask_example_scores_exactly_as_one_process(corpus_files, monkeypatch):
    pytest.importorskip("dask.distributed")
    corpus, gold, pred, _ = corpus_files
    monkeypatch.chdir(gold.parent)
    namespace: dict = {}
    exec(compile(readme_example("dask example"), "README.md", "exec"), namespace)
    predictions = load_predictions(pred, load_documents(gold)).by_id
    expected = score(count(corpus.gold, predictions), bootstrap=1000, seed=0)
    assert namespace["report"] == expected
    assert namespace["report"] == score(merge([count(corpus.gold[i::2], predictions) for i in (1, 0)]), 1000, 0)


def test_untrained_extractor_is_scored_on_all_documents_with_the_test_figure_beside(corpus_files):
    from gaiko.eval.untrained import declared_untrained, score_all_and_test

    corpus, gold, pred, _ = corpus_files
    predictions = load_predictions(pred, corpus.gold)
    test_ids = {d["id"] for d in corpus.gold[:2]}
    scored = score_all_and_test(corpus.gold, predictions, test_ids, bootstrap=100)
    assert scored["all"].report["documents"] == 300 and scored["test"].report["documents"] == 2
    assert scored["all"].report == evaluate(corpus.gold, predictions.by_id, 100, 0).report
    assert "only 2 documents" in scored["test"].report["counts"]["bootstrap"]["warning"]
    assert scored["all"].report["counts"]["bootstrap"]["warning"] is None
    assert declared_untrained({"untrained": True}, "x.toml") and not declared_untrained({}, "x.toml")
    with pytest.raises(Exception, match="x.toml: untrained must be true or false, got 'yes'"):
        declared_untrained({"untrained": "yes"}, "x.toml")
    with pytest.raises(Exception, match="missing"):
        score_all_and_test(corpus.gold[2:], predictions, test_ids)


def test_nesting_is_bounded_whatever_the_depth_of_the_stack():
    """A value nested more than MAX_NESTING deep is refused, one at the bound accepted, wherever the
    reader is called from (the interpreter's recursion limit would make that depend on the caller)."""
    def called_below(frames: int, text: str):
        return called_below(frames - 1, text) if frames else fast_or_error(text)

    for depth in (MAX_NESTING, MAX_NESTING + 1, 984, 100_000):
        text = "[" * depth + "]" * depth
        outcomes = {repr(called_below(frames, text)) for frames in (0, 100, 400)}
        assert len(outcomes) == 1 and outcomes.pop().startswith("('ok'" if depth <= MAX_NESTING else "('error'")
