"""Running a third-party extractor in the sandbox on held-out documents, then scoring it (`gaiko run`).

The extractor gets the documents without annotations as JSONL on stdin and writes predictions
JSONL on stdout. Whatever it does, the harness ends with a run record whose `status` says what
happened (ok, invalid_output, contaminated, timeout, memory_exceeded, output_too_large, nonzero_exit,
sandbox_error, sandbox_unavailable). A run that finished is scored: all of it when `ok`, its valid
part when `invalid_output` (every problem listed with its line, rejected items counted).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from gaiko.documents import strip_annotations
from gaiko.eval.contamination import ScanBudget, scan_bytes
from gaiko.eval.html import score_page
from gaiko.eval.metrics import evaluate
from gaiko.eval.report import OUTPUT_FILES, write_report
from gaiko.eval.sandbox import (RUN_PREFIX, Limits, copy_code, copy_submission, remove_stale_copies, run_sandboxed,
                                signals_as_exit)
from gaiko.io import GaikoError, dumps_line, output_folder, printable
from gaiko.paths import PROJECT_ROOT
from gaiko.predictions import Predictions, load_predictions

# Folders of the project that hold gold annotations (or their history) and are never shown.
GOLD_FOLDERS = ("annotation", "dataset", ".git", "reports")
# Packages whose Python files are copied to the sandbox's /code (and hidden where they are installed).
CODE_PACKAGES = ("gaiko", "gaiko.cli", "gaiko.annotation", "gaiko.eval", "gaiko.baselines")
STDERR_LINES = 20
MAX_LISTED_PROBLEMS = 1000

MESSAGES = {
    "ok": "predictions for {predicted_documents} of {documents} documents in {wall_seconds} s",
    "invalid_output": "{problems_total} problem(s) in the output; first: {first_problem}",
    "timeout": "killed after the {limits[timeout_s]} s wall-time limit",
    "memory_exceeded": "ran out of memory (limit {limits[memory_mb]} MB)",
    "output_too_large": "killed after writing more than the {limits[max_output_mb]} MB output limit",
    "nonzero_exit": "exited with code {exit_code}{signal_note}: {last_stderr_line}",
    "sandbox_error": "the sandbox could not run the command: {message}",
    "sandbox_unavailable": "{message}",
}
CONTAMINATED = "the submission folder holds a copy of the gold ({findings}); it ran without it: {run_message}"


@dataclass
class RunOutcome:
    predictions: Predictions | None  # the valid predictions and every problem; None when it did not finish
    stdout: bytes  # what the extractor wrote, as written
    record: dict  # the run record

    @property
    def ok(self) -> bool:
        return self.record["status"] == "ok"

    @property
    def scorable(self) -> bool:
        """Finished and produced output: the valid part is scored, rejected items are counted (a
        contaminated run too, for information: it never passes)."""
        return self.predictions is not None


def gold_hidden_paths(*extra: Path | None) -> list[Path]:
    """A deny-list on top of the allow-list: hidden even if a mounted folder (the virtualenv, say) holds them."""
    installed = [p for locations in code_packages().values() for p in locations]
    return [PROJECT_ROOT / name for name in GOLD_FOLDERS] + installed + [Path(p) for p in extra if p is not None]


def code_packages() -> dict[str, list[Path]]:
    packages = {}
    for name in CODE_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            packages[name] = [Path(p) for p in spec.submodule_search_locations]
    return packages


def run_extractor(argv: list[str], gold_docs: list[dict], *, workdir: Path = Path("."),
                  limits: Limits = Limits(), hidden: list[Path] = ()) -> RunOutcome:
    """Run `argv` sandboxed on the gold documents stripped of annotations, then check its output
    line by line against the gold; never raises for anything the extractor does.

    The extractor runs in a private copy of `workdir`: regular files, folders and symlinks only, without
    the `hidden` paths, and without any file that reproduces the gold (each such file is named in the run
    record, whose status is then `contaminated`).
    """
    workdir = Path(workdir).resolve()
    if not workdir.is_dir():
        raise GaikoError("the working folder does not exist or is not a folder", workdir)
    stdin = "".join(dumps_line(strip_annotations(d)) + "\n" for d in gold_docs).encode("utf-8")
    findings, budget = [], ScanBudget()

    def clean(relative: str, data: bytes) -> bool:
        found = scan_bytes(data, relative, gold_docs, budget)
        findings.extend(found)
        return not found

    remove_stale_copies(Path(tempfile.gettempdir()))
    with signals_as_exit(), tempfile.TemporaryDirectory(prefix=f"{RUN_PREFIX}{os.getpid()}-") as tmp:
        submission, code = Path(tmp) / "submission", Path(tmp) / "code"
        submission.mkdir()
        copied = copy_submission(workdir, submission, {Path(p) for p in hidden if p is not None}, clean)
        copy_code(code, code_packages())
        result = run_sandboxed(argv, stdin, submission, code, limits=limits, hidden=gold_hidden_paths(*hidden))
    predictions = None
    if result.status == "ok":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "stdout.jsonl"
            path.write_bytes(result.stdout)
            predictions = load_predictions(path, gold_docs)
    problems = [p.record() for p in predictions.problems] if predictions else []
    stderr_lines = result.stderr_tail.splitlines()[-STDERR_LINES:]
    record = {
        "status": "invalid_output" if problems else result.status,
        "command": argv,
        "workdir": str(workdir),
        "exit_code": result.exit_code,
        "signal": result.signal,
        "wall_seconds": result.wall_seconds,
        "output_bytes": result.output_bytes,
        "limits": asdict(limits),
        "enforcement": result.enforcement,
        "copied": {"files": copied.files, "bytes": copied.bytes},
        "skipped": copied.skipped,
        "contamination": [asdict(f) for f in findings],
        "documents": len(gold_docs),
        "predicted_documents": len(predictions.by_id) if predictions else 0,
        "problems_total": len(problems),
        "problems": problems[:MAX_LISTED_PROBLEMS],
        "stderr_tail": stderr_lines,
    }
    record["message"] = run_message(record, result.message)
    if findings:
        shown = "; ".join(f"{f.path} reproduces {f.document}: {f.evidence}" for f in findings[:3])
        more = f"; and {len(findings) - 3} more" if len(findings) > 3 else ""
        record["message"] = CONTAMINATED.format(findings=shown + more, run_message=record["message"])
        record["status"] = "contaminated"
    record["message"] = printable(record["message"])  # it quotes file names and the extractor's stderr
    return RunOutcome(predictions, result.stdout, record)


def run_message(record: dict, sandbox_message: str = "") -> str:
    problems = record["problems"]
    first = f"line {problems[0]['line']}: {problems[0]['message']}" if problems else ""
    fields = {
        **record,
        "message": sandbox_message,
        "first_problem": first,
        "signal_note": f" (signal {record['signal']})" if record["signal"] else "",
        "last_stderr_line": record["stderr_tail"][-1] if record["stderr_tail"] else "(no stderr)",
    }
    return MESSAGES[record["status"]].format(**fields)


def score_outcome(outcome: RunOutcome, gold_docs: list[dict], bootstrap: int = 0, seed: int = 0):
    """The Evaluation of a finished run (its valid part; rejections counted), run record under "run"."""
    predictions = outcome.predictions
    return evaluate(gold_docs, predictions.by_id, bootstrap, seed, predictions.problems, run=outcome.record)


def command_argv(command: str | list, where: str) -> list[str]:
    """A command line as arguments: a string split like a shell, or a list of strings; `where` names it."""
    try:
        argv = shlex.split(command) if isinstance(command, str) else command
    except ValueError as e:
        raise GaikoError(f"{where}: cannot be split like a shell command line: {e}") from None
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) and a for a in argv):
        raise GaikoError(f"{where} must be a non-empty command line (a string, or a list of non-empty strings)")
    if any("\0" in a for a in argv):
        raise GaikoError(f"{where} holds a NUL character")
    return argv


def write_run_outputs(evaluation, record: dict, out: Path, gold_docs: list[dict] = (),
                      predictions: Predictions | None = None) -> None:
    """The score report (JSON, Markdown, errors, plots, report.html) when the run was scored, and always
    run.json, written together in one swap of the folder."""
    extra = {"run.json": json.dumps(record, ensure_ascii=False, indent=2) + "\n"}
    if evaluation is not None:
        extra["report.html"] = score_page(list(gold_docs), predictions.by_id, evaluation.report, evaluation.errors,
                                          title=f"Run of {' '.join(record['command'])}")
        write_report(evaluation.report, out, evaluation.errors, evaluation.confusion, extra)
        return
    run_json = extra
    with output_folder(out, OUTPUT_FILES) as tmp:
        tmp.mkdir()
        (tmp / "run.json").write_text(run_json["run.json"], encoding="utf-8")
