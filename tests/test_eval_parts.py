"""A large gold file counted in parts, at once, in forked processes (`--jobs`): the same report, the same
problems and the same first error as one process, whatever the parts or their processes do."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaiko.eval.stream as stream
import gaiko.forked as forked
from gaiko.cli import main
from gaiko.io import MAX_NESTING, WHOLE, GaikoError, iter_line_batches, line_parts, paused_gc
from gaiko.predictions import PredictionIndex

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synthetic  # noqa: E402

JOBS = (1, 2, 3, 5)


@pytest.fixture
def files(tmp_path, monkeypatch):
    """300 gold documents (about 130 kB) cut into parts of at least 20 kB; predictions in two shards in
    another order, with problems spread over every part: a span off its text, an unknown document, a
    document predicted twice."""
    monkeypatch.setattr(stream, "PART_BYTES", 20_000)
    corpus = synthetic.corpus(300, 15, seed=9)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in corpus.gold), encoding="utf-8")
    lines = []
    for i, doc in enumerate(corpus.gold):
        prediction = corpus.predictions[doc["id"]]
        if i % 37 == 5 and prediction["entities"]:
            prediction = {**prediction, "entities": [{**prediction["entities"][0], "end": 10**6}]}
        lines.append(json.dumps(prediction, ensure_ascii=False) + "\n")
    lines += [json.dumps({"id": "not-in-gold"}) + "\n", lines[250]]
    shards = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    shards[0].write_text("".join(lines[1::2][::-1]), encoding="utf-8")
    shards[1].write_text("".join(lines[0::2]), encoding="utf-8")
    return gold, shards


def counted(gold: Path, shards: list[Path], jobs: int, unit: str = "document"):
    with paused_gc():
        return stream.count_gold(PredictionIndex.from_files(shards), unit, gold=gold, jobs=jobs)


def outcome(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(map(str, argv)))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_file_is_cut_into_parts(files, monkeypatch):
    gold, _ = files
    parts = line_parts(gold, 5, stream.PART_BYTES)
    assert len(parts) == 5 and parts[0][0] == 0 and parts[-1][1] is None
    data = gold.read_bytes()
    assert all(data[start - 1:start] == b"\n" for start, _ in parts[1:])
    assert line_parts(gold, 1, stream.PART_BYTES) == [WHOLE]
    assert line_parts(gold, 5, len(data)) == [WHOLE]  # too small to be worth a process
    monkeypatch.setenv("GAIKO_MAX_INPUT_BYTES", str(len(data) - 1))
    assert line_parts(gold, 5, stream.PART_BYTES) == [WHOLE]  # its reader refuses it


@pytest.mark.parametrize("unit", ["document", "sentence"])
def test_parts_count_and_find_problems_as_one_process(files, unit):
    gold, shards = files
    one_counts, one_problems = counted(gold, shards, 1, unit)
    assert len(one_problems) >= 10 and {p.reason for p in one_problems} >= {"unknown_document", "duplicate_document"}
    for jobs in JOBS[1:]:
        counts, problems = counted(gold, shards, jobs, unit)
        assert problems == one_problems
        assert (counts.n_units, counts.documents, counts.gold, counts.predicted) == (
            one_counts.n_units, one_counts.documents, one_counts.gold, one_counts.predicted)
        assert (counts.dense() == one_counts.dense()).all()  # the same rows, in the same order


def test_the_report_and_the_comparison_do_not_depend_on_jobs(files, capsys):
    gold, shards = files
    argv = ["score", "--gold", gold, "--pred", shards[0], "--pred", shards[1], "--json", "--bootstrap", "300",
            "--drop-invalid"]
    reports = {jobs: outcome(capsys, *argv, "--jobs", jobs) for jobs in JOBS}
    assert all(report == reports[1] for report in reports.values())
    argv = ["compare", shards[0], shards[1], "--gold", gold, "--json", "--bootstrap", "200", "--drop-invalid"]
    comparisons = {jobs: outcome(capsys, *argv, "--jobs", jobs) for jobs in JOBS}
    assert all(comparison == comparisons[1] for comparison in comparisons.values())
    code, _, err = outcome(capsys, "score", "--gold", gold, "--pred", shards[0], "--pred", shards[1], "--jobs", 3)
    assert code == 2 and err == outcome(capsys, "score", "--gold", gold, "--pred", shards[0], "--pred", shards[1],
                                        "--jobs", 1)[2]
    with pytest.raises(SystemExit) as usage:
        main(["score", "--gold", str(gold), "--pred", str(shards[0]), "--jobs", "0"])
    assert usage.value.code == 2 and "--jobs: must be a whole number from 1" in capsys.readouterr().err


def spoiled(gold: Path, changes: dict[int, str]) -> None:
    """Line number → the line that replaces it."""
    lines = gold.read_text(encoding="utf-8").splitlines()
    for number, line in changes.items():
        lines[number - 1] = line
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")


def first_error(gold: Path, shards: list[Path], jobs: int) -> str:
    with pytest.raises(GaikoError) as error:
        counted(gold, shards, jobs)
    return str(error.value)


def line_of(gold: Path, number: int) -> dict:
    return json.loads(gold.read_text(encoding="utf-8").splitlines()[number - 1])


@pytest.mark.parametrize("case", ["broken JSON early", "broken JSON late", "id of an earlier part",
                                  "id twice in one part",
                                  "span off its text late", "two errors in two parts"])
def test_a_bad_gold_line_raises_the_one_process_error(files, case):
    gold, shards = files
    doc = line_of(gold, 280)
    off = {**doc, "entities": [{**doc["entities"][0], "text": "x"}]} if doc["entities"] else {**doc, "text": 1}
    changes = {
        "broken JSON early": {2: '{"id": '},
        "broken JSON late": {280: '{"id": '},
        "id of an earlier part": {280: json.dumps({**doc, "id": line_of(gold, 3)["id"]}, ensure_ascii=False)},
        "id twice in one part": {281: json.dumps({**line_of(gold, 281), "id": doc["id"]}, ensure_ascii=False)},
        "span off its text late": {280: json.dumps(off, ensure_ascii=False)},
        "two errors in two parts": {150: "[]", 290: "null"},
    }[case]
    spoiled(gold, changes)
    before = children()
    expected = first_error(gold, shards, 1)
    assert f":{min(changes)}:" in expected or case == "id twice in one part"
    for jobs in JOBS[1:]:
        assert first_error(gold, shards, jobs) == expected
    assert children() == before, "a part's process outlived the error"


def children() -> set[str]:
    """This process's children (another test's may linger, e.g. a Dask cluster's)."""
    pid = os.getpid()
    return {c for task in os.listdir(f"/proc/{pid}/task")
            for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()}


@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_a_part_whose_process_fails_is_counted_again_here(files, monkeypatch, failure):
    gold, shards = files
    before, expected = children(), counted(gold, shards, 1)
    parent, real = os.getpid(), stream._count_part

    def flaky(*args):
        if os.getpid() != parent:
            if failure == "dies":
                os._exit(9)
            raise MemoryError("a part's process ran out of memory")
        return real(*args)

    monkeypatch.setattr(stream, "_count_part", flaky)
    counts, problems = counted(gold, shards, 3)
    assert problems == expected[1] and (counts.dense() == expected[0].dense()).all()
    assert children() == before


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([b"", b"a", b"bb", b"\xe5\xa4\x96" * 5, b" ", b"x" * 40]), max_size=40),
       st.integers(1, 6), st.integers(1, 60), st.booleans())
def test_parts_hold_every_line_once_numbered_as_in_the_whole_file(tmp_path_factory, lines, parts, least, final_newline):
    path = tmp_path_factory.mktemp("parts") / "f"
    path.write_bytes(b"\n".join(lines) + b"\n" * final_newline)

    def numbered(part):
        return [(n, line) for first, batch in iter_line_batches(path, 3, part)
                for n, line in enumerate(batch, start=first)]

    cut = line_parts(path, parts, least)
    assert [start for start, _ in cut][0] == 0 and [stop for _, stop in cut][-1] is None
    assert all(stop == start for (_, stop), (start, _) in zip(cut, cut[1:]))
    assert [x for part in cut for x in numbered(part)] == numbered(WHOLE)


def test_a_gold_line_nested_deeper_than_the_bound_is_refused_at_any_jobs_and_stack_depth(files):
    gold, shards = files
    line = json.dumps({**line_of(gold, 250), "date_note": "NESTED"}, ensure_ascii=False)
    for depth in (99, 100, 984):  # inside the document's object: one level more
        spoiled(gold, {250: line.replace('"NESTED"', "[" * depth + "]" * depth)})
        outcomes = set()
        for jobs in JOBS:
            try:
                counted(gold, shards, jobs)
                outcomes.add("scored")
            except GaikoError as error:
                outcomes.add(str(error))
        assert len(outcomes) == 1, outcomes
        assert ("nested too deeply" in outcomes.pop()) == (depth + 1 > MAX_NESTING)


def test_a_part_whose_process_cannot_start_is_counted_here(files, monkeypatch):
    gold, shards = files
    expected = counted(gold, shards, 1)

    def no_pipe():
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "pipe", no_pipe)
    counts, problems = counted(gold, shards, 3)
    assert problems == expected[1] and (counts.dense() == expected[0].dense()).all()


def test_no_child_is_left_when_forking_is_interrupted(files, monkeypatch):
    gold, shards = files
    before, real, started = children(), forked.start, []

    def interrupted(work):
        if started:
            raise KeyboardInterrupt
        started.append(real(work))
        return started[-1]

    monkeypatch.setattr(stream, "start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        counted(gold, shards, 4)
    assert started[0] is not None and children() == before


def test_a_low_open_files_limit_forks_no_more_than_it_allows():
    probe = "from gaiko.forked import children_allowed; print(children_allowed(4))"
    allowed = {}
    for limit in (20, 37, 4096):  # the child holds 0, 1 and 2 open, and 32 are kept spare
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                             preexec_fn=lambda limit=limit: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)))
        allowed[limit] = int(out.stdout)
    assert allowed == {20: 0, 37: 2, 4096: 4}


def test_a_child_dies_with_its_parent_and_holds_no_output_open():
    """SIGTERM gives the parent no `finally`: its child must still end, and the parent's output close."""
    script = ("import os, sys, time\nfrom gaiko.forked import Forked\n"
              "child = Forked(lambda: time.sleep(60))\nprint(child.pid, flush=True)\ntime.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert Path(f"/proc/{child}").exists()
    parent.send_signal(signal.SIGTERM)
    started = time.monotonic()
    assert parent.stdout.read() == ""  # the end of the output: nothing else holds it open
    assert time.monotonic() - started < 10 and parent.wait(10) == -signal.SIGTERM
    while Path(f"/proc/{child}").exists() and time.monotonic() - started < 10:
        time.sleep(0.05)
    assert not Path(f"/proc/{child}").exists(), "the child outlived its parent"


def split_after_comma(line: str, field: str) -> tuple[str, str]:
    """A document line cut just after the comma before `field`: the first half and the rest."""
    cut = line.index(f', "{field}"') + 1
    return line[:cut], line[cut:]


def with_event(line: str, **event) -> str:
    """The document of a line with one event on its first character (fields of `event` replace or add)."""
    doc = json.loads(line)
    trigger = {"start": 0, "end": 1, "text": doc["text"][0]}
    base = {"id": "e1", "type": "CONSULT", "realis": "ACTUAL", "trigger": trigger, "arguments": []}
    return json.dumps({**doc, "events": [{k: v for k, v in {**base, **event}.items() if v is not None}]},
                      ensure_ascii=False)


BROKEN_LINES = {  # name → (line number → new line), made from the gold's own lines
    "a document split over two lines, after a comma": lambda line: dict(zip(
        (200, 201), (line(200) + ", " + split_after_comma(line(201), "events")[0][:-1],
                     split_after_comma(line(201), "events")[1]))),
    "arguments that are an object": lambda line: {200: with_event(line(200), arguments={})},
    "an event without an id": lambda line: {200: with_event(line(200), id=None)},
    "an entity that is a string": lambda line: {200: line(200).replace('"entities": [', '"entities": ["m", ', 1)},
    "a negative raw alignment length": lambda line: {200: json.dumps({**json.loads(line(200)), "raw_alignment": [
        {"start": 0, "raw_start": 0, "length": -3}]}, ensure_ascii=False)},
}


@pytest.mark.parametrize("case", list(BROKEN_LINES))
def test_every_reader_refuses_a_broken_gold_line_with_the_same_error(files, case):
    """The batch reader (any --jobs) and the line reader (`load_documents`) agree, and neither crashes."""
    from gaiko.documents import load_documents

    gold, shards = files
    lines = gold.read_text(encoding="utf-8").splitlines()
    spoiled(gold, BROKEN_LINES[case](lambda n: lines[n - 1]))
    with pytest.raises(GaikoError) as by_line:
        load_documents(gold)
    assert all(first_error(gold, shards, jobs) == str(by_line.value) for jobs in JOBS)


def test_a_prediction_split_over_two_lines_is_two_bad_lines(files, tmp_path):
    gold, shards = files
    lines = shards[1].read_text(encoding="utf-8").splitlines()
    first, rest = split_after_comma(lines[11], "events")
    lines[10:12] = [lines[10] + ", " + first[:-1], rest]  # as one array, the two lines would decode as two records
    split = tmp_path / "split.jsonl"
    split.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = counted(gold, [shards[0], split], 1)[1]
    assert [(p.line, p.reason) for p in problems if getattr(p, "file", None) == str(split)][:2] == [
        (11, "invalid_json"), (12, "invalid_json")]
