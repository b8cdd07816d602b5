"""Hostile extractors through `gaiko run --out --json`: each outcome is in the score report, not only in the
exit code; and the sandbox cannot reach a real Label Studio listening on 127.0.0.1.

(tests/test_eval_run.py checks how each hostile extractor is stopped; this file checks what the user gets.)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")]

HOSTILE = Path(__file__).parent / "hostile"
GOLD = HOSTILE / "predictions" / "gold.jsonl"
LIMITS = ("--timeout", "5", "--memory", "512", "--max-output", "1", "--processes", "16")

# extractor → (status in the run record, part of its message, documents scored or None when not scored)
OUTCOMES = {
    "read_gold.py": ("ok", "predictions for 2 of 2 documents", 2),
    "write_files.py": ("invalid_output", "first: line 1: empty: no prediction line at all", 0),  # prints nothing
    "exit_nonzero.py": ("nonzero_exit", "exited with code 7: fatal: model file weights.bin not found", None),
    "loop_forever.py": ("timeout", "killed after the 5.0 s wall-time limit", None),
    "allocate.py": ("memory_exceeded", "ran out of memory (limit 512 MB)", None),
    "print_1gb.py": ("output_too_large", "killed after writing more than the 1.0 MB output limit", None),
    "fork_bomb.py": ("timeout", "killed after the 5.0 s wall-time limit", None),
}


def run(workdir: Path, out: Path, command: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "gaiko", "run", "--cmd", command, "--workdir", str(workdir),
                           "--gold", str(workdir / "gold.jsonl"), "--out", str(out), "--json", *LIMITS],
                          capture_output=True, text=True, timeout=60)
    return proc, time.monotonic() - started


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copy(GOLD, folder / "gold.jsonl")  # in the mounted folder, hidden by the sandbox
    for script in HOSTILE.glob("extractors/*.py"):
        shutil.copy(script, folder)
    return folder


@pytest.mark.parametrize("extractor", sorted(OUTCOMES))
def test_each_hostile_outcome_is_in_the_report(extractor, workdir, tmp_path):
    status, message, scored = OUTCOMES[extractor]
    out = tmp_path / "report"
    proc, seconds = run(workdir, out, f"python3 {extractor}")
    assert seconds < 20, "the harness hung"
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    record = report["run"]
    if extractor == "fork_bomb.py" and "NOT ENFORCED" in record["enforcement"]["processes"]:
        pytest.skip("no process limit here: " + record["enforcement"]["processes"])
    assert (record["status"], proc.returncode) == (status, 0 if status == "ok" else 1), record["message"]
    assert message in record["message"]
    assert json.loads((out / "run.json").read_text(encoding="utf-8")) == record
    if scored is not None:
        on_disk = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert on_disk["run"] == record and on_disk["counts"]["predicted"]["documents"] == scored
    else:
        assert set(report) == {"run"} and sorted(p.name for p in out.iterdir()) == ["run.json"]
        assert proc.stderr == f"gaiko run: {status}: {record['message']}\n"


@pytest.mark.label_studio
def test_sandbox_cannot_reach_label_studio_on_loopback(label_studio, workdir, tmp_path):
    server, token = label_studio
    with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:  # reachable from the host
        assert response.status == 200
    port = server.url.rsplit(":", 1)[1]
    out = tmp_path / "report"
    proc, _ = run(workdir, out, f"python3 network.py {port}")
    assert proc.returncode == 0, proc.stderr
    record = json.loads((out / "report.json").read_text(encoding="utf-8"))["run"]
    assert record["status"] == "ok"
    tried = json.loads(record["stderr_tail"][-1].removeprefix("NETWORK "))
    assert tried["loopback"].startswith("error"), tried  # Label Studio's port, from inside the sandbox
    assert all(value.startswith("error") for value in tried.values()), tried
    assert token not in proc.stdout + proc.stderr
