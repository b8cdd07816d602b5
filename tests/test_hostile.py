"""Hostile inputs through the real command line: one clear error line each, nothing half-written.

The cases and the error each must produce are listed in tests/hostile/cases.toml; the controls at the
end show that the same commands succeed on the untouched inputs (so each case fails for its own reason)
and that what they leave out is counted, never dropped silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent / "hostile"
MANIFEST = tomllib.loads((HOSTILE / "cases.toml").read_text(encoding="utf-8"))
SUITES = MANIFEST["suites"]
GOLD = HOSTILE / "predictions" / "gold.jsonl"
PREDICTIONS = HOSTILE / "predictions" / "valid.jsonl"  # what the gold cases are scored against


def line_of_30_mb(path: Path) -> None:
    """One prediction line of 30 MB: an entity whose `text` is 30 million characters."""
    entity = {"start": 0, "end": 3, "label": "GPE", "text": "x" * 30_000_000}
    path.write_text(json.dumps({"id": "d1", "entities": [entity]}) + "\n", encoding="utf-8")


def article_of_50_mb(path: Path) -> None:
    """A plausible article (headline, body) repeated to 50 MB."""
    article = "ロシア外相が平壌を訪問\n\nロシアのラブロフ外相は18日、平壌を訪問した。\n".encode()
    path.write_bytes(article * (50 * 1024 * 1024 // len(article) + 1))


GENERATORS = {"line_of_30_mb": line_of_30_mb, "article_of_50_mb": article_of_50_mb}
CASES = [pytest.param(suite, case, id=f"{suite}/{case.get('file') or case['generate']}")
         for suite in SUITES for case in MANIFEST[suite]]


def gaiko(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gaiko", *argv], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def case_input(suite: str, case: dict, tmp_path: Path) -> tuple[Path, Path]:
    """The path given to the command (exports: a folder holding the export) and the file the error must
    name, copied or generated into tmp_path."""
    folder = tmp_path / "in"
    folder.mkdir()
    if "generate" in case:
        path = folder / f"{case['generate']}.{'jsonl' if suite == 'predictions' else 'txt'}"
        GENERATORS[case["generate"]](path)
        return path, path
    source = HOSTILE / suite / case["file"]
    if source.is_dir():  # several exports: the error names the one at fault
        shutil.copytree(source, folder, dirs_exist_ok=True)
        return folder, folder
    path = Path(shutil.copy(source, folder / source.name))
    return (folder if suite == "exports" else path), path


@pytest.mark.parametrize("suite, case", CASES)
def test_hostile_input_gives_one_clear_error_line(suite, case, tmp_path):
    path, named = case_input(suite, case, tmp_path)
    where = f"{named}:{case['line']}: " if "line" in case else f"{named}"
    for index, command in enumerate(SUITES[suite]["commands"]):
        workspace = tmp_path / f"{index}-{command['argv'][0]}"
        workspace.mkdir()
        out = workspace / ("dataset" if suite == "exports" else "result")
        if suite == "exports":  # an existing dataset the failed build must leave untouched
            out.mkdir()
            (out / "README.md").write_text("the previous build\n", encoding="utf-8")
        before = tree_digest(workspace)
        fields = {"file": str(path), "gold": str(GOLD), "pred": str(PREDICTIONS), "out": str(out)}
        proc = gaiko(*(arg.format(**fields) for arg in command["argv"]))
        shown_lines = getattr(proc, command["stream"]).splitlines()
        if command["argv"][0] == "validate":  # its report ends with the count of problems
            assert shown_lines[-1:] == [f"{path}: 1 problem"], shown_lines[-5:]
            shown_lines = shown_lines[:-1]
        assert proc.returncode == command["exit"], proc.stdout[-2000:] + proc.stderr[-2000:]
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
        assert len(shown_lines) == 1, shown_lines[:5]
        line = shown_lines[0]
        assert where in line and case["error"] in line, line[:500]
        assert len(line) < 1000, f"error line of {len(line)} characters"
        if command["stream"] == "stderr":
            assert line.startswith(f"gaiko {command['argv'][0]}: error: ")
        assert tree_digest(workspace) == before, "an output was written or changed"
        assert sorted(p.name for p in workspace.iterdir()) == sorted(p.name for p in [out] if out.exists()), \
            "temporary files left behind"


def test_the_corpus_is_large_and_every_file_is_listed():
    listed = {f"{suite}/{case['file']}" for suite in SUITES for case in MANIFEST[suite] if "file" in case}
    present = {f"{suite}/{p.name}" for suite in SUITES for p in (HOSTILE / suite).iterdir()}
    controls = {"predictions/gold.jsonl", "predictions/valid.jsonl", "exports/valid.json"}
    assert present - controls == listed
    assert len(CASES) >= 40


# ---------------------------------------------------------------- controls: the untouched inputs work

def test_valid_predictions_validate_and_score():
    valid = HOSTILE / "predictions" / "valid.jsonl"
    proc = gaiko("validate", str(valid), "--gold", str(GOLD))
    assert proc.returncode == 0 and proc.stdout == f"{valid}: 0 problems\n" and proc.stderr == ""
    proc = gaiko("score", "--pred", str(valid), "--gold", str(GOLD), "--json")
    assert proc.returncode == 0, proc.stderr
    counts = json.loads(proc.stdout)["counts"]
    assert counts["predicted"] == {"documents": 2, "entities": 3, "events": 1, "arguments": 1}
    assert counts["rejected"] == {"documents": 0, "entities": 0, "events": 0, "arguments": 0}


def test_valid_gold_scores_and_shows_with_every_field_it_may_leave_out_left_out(tmp_path):
    """The commands of the gold suite succeed on its untouched gold, and on the same gold without what a
    gold file may leave out: metadata, entity ids, an event's arguments, a text-only document's annotations."""
    first, second = (json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines())
    for event in first["events"]:
        del event["arguments"]
    for mention in first["entities"]:
        del mention["entity_id"]
    del first["title"], second["entities"], second["events"]
    sparse = tmp_path / "sparse.jsonl"
    sparse.write_text("".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in (first, second)), encoding="utf-8")
    for gold in (GOLD, sparse):
        for index, command in enumerate(SUITES["gold"]["commands"]):
            out = tmp_path / f"{gold.stem}-{index}"
            proc = gaiko(*(arg.format(file=str(gold), pred=str(PREDICTIONS), out=str(out)) for arg in command["argv"]))
            assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
            assert out.exists() or json.loads(proc.stdout)["counts"]["gold"]["documents"] == 2


@pytest.mark.parametrize("name, rejected, reason", [
    ("overlapping_entities.jsonl", {"documents": 0, "entities": 1, "events": 0, "arguments": 0},
     "overlapping_entities"),
    ("argument_without_trigger.jsonl", {"documents": 0, "entities": 0, "events": 1, "arguments": 1},
     "missing_trigger"),
    ("unknown_document.jsonl", {"documents": 1, "entities": 0, "events": 0, "arguments": 0}, "unknown_document"),
])
def test_dropped_items_are_counted_in_every_report(name, rejected, reason, tmp_path):
    """With --drop-invalid the valid rest is scored; the table, report.json, report.md and a comparison say
    how many input items were scored and how many were rejected, and why."""
    pred = HOSTILE / "predictions" / name
    submitted = sum(1 for line in pred.read_text(encoding="utf-8").splitlines() if line.strip())
    score = ("score", "--pred", str(pred), "--gold", str(GOLD), "--drop-invalid")
    table, as_json = gaiko(*score), gaiko(*score, "--json")
    assert table.returncode == as_json.returncode == 0, table.stderr
    assert table.stderr == f"gaiko: {pred}: 1 problem; their items are left out and counted\n"
    counts = json.loads(as_json.stdout)["counts"]
    assert counts["rejected"] == rejected and counts["problems"] == {reason: 1}
    assert counts["predicted"]["documents"] + rejected["documents"] == submitted
    scored = counts["predicted"]
    lost = (f"{rejected['documents']} lines, {rejected['entities']} entities, {rejected['events']} events, "
            f"{rejected['arguments']} arguments ({reason} 1)")
    assert (f"scored {scored['entities']} entities, {scored['events']} events, {scored['arguments']} arguments; "
            f"rejected {lost}") in table.stdout
    compared = gaiko("compare", str(HOSTILE / "predictions" / "valid.jsonl"), str(pred), "--gold", str(GOLD),
                     "--drop-invalid", "--bootstrap", "10")
    assert compared.returncode == 0 and compared.stdout.endswith(f"\nB: rejected {lost}\n"), compared.stdout


def test_report_folder_counts_the_dropped_items(tmp_path):
    pred = HOSTILE / "predictions" / "overlapping_entities.jsonl"
    proc = gaiko("score", "--pred", str(pred), "--gold", str(GOLD), "--drop-invalid", "--out", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["rejected"]["entities"] == 1
    assert "; rejected 0 lines, 1 entities, 0 events, 0 arguments (overlapping_entities 1)" in (
        tmp_path / "r" / "report.md").read_text(encoding="utf-8")


def test_build_prints_what_it_built_and_what_is_pending(tmp_path):
    """Only documents the manifest marks annotated or adjudicated are built; the others are listed as
    pending, and a released document that no export annotates is an error, never an empty document."""
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copy(HOSTILE / "exports" / "valid.json", exports)
    proc = gaiko("build", "--exports", str(exports), "--out", str(tmp_path / "dataset"))
    assert proc.returncode == 2 and not (tmp_path / "dataset").exists()
    assert proc.stderr.strip() == (
        f"gaiko build: error: {exports}: document 000_e0b3454f0372ab4e is annotated or adjudicated in the corpus "
        "manifest but no export annotates it (pull its annotation, or set its status back)")

    from gaiko.corpus import set_status
    from gaiko.manifest import MANIFEST_ENV
    from gaiko.paths import MANIFEST_FILE

    corpus = tmp_path / "annotation"
    shutil.copytree(MANIFEST_FILE.parent / "raw", corpus / "raw")
    shutil.copy(MANIFEST_FILE, corpus / MANIFEST_FILE.name)
    for doc_id in ("000_e0b3454f0372ab4e", "001_94a10ff815f9a20c", "002_7ef3493c8e19d0eb", "004_67f1b6c8a60996e1"):
        set_status(doc_id, "in_annotation", corpus / MANIFEST_FILE.name)
    proc = subprocess.run([sys.executable, "-m", "gaiko", "build", "--exports", str(exports), "--out",
                           str(tmp_path / "dataset")], capture_output=True, text=True, timeout=120,
                          env={**os.environ, MANIFEST_ENV: str(corpus / MANIFEST_FILE.name)})
    assert proc.returncode == 0, proc.stderr
    # the valid export annotates the validation document with 3 mentions and 1 event with 2 arguments
    assert proc.stdout.strip() == (
        f"built {tmp_path / 'dataset'} version 1.0.0: train 0 documents, 0 mentions, 0 events, 0 arguments; "
        "validation 1 documents, 3 mentions, 1 events, 2 arguments; test 0 documents, 0 mentions, 0 events, "
        "0 arguments")
    assert proc.stderr.strip() == (
        "pending (not built until annotated): 4 documents: 000_e0b3454f0372ab4e (in_annotation), "
        "001_94a10ff815f9a20c (in_annotation), 002_7ef3493c8e19d0eb (in_annotation), "
        "004_67f1b6c8a60996e1 (in_annotation)")


def test_a_problem_that_rejects_no_item_is_still_in_the_table():
    proc = gaiko("score", "--pred", str(HOSTILE / "predictions" / "bom.jsonl"), "--gold", str(GOLD), "--drop-invalid")
    assert proc.returncode == 0, proc.stderr
    assert "bom 1" in proc.stdout
