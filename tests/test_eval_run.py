"""`gaiko run`: real bubblewrap, a good extractor scored, hostile extractors stopped and reported."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from gaiko.cli import main
from gaiko.eval.extractor import load_extractor
from gaiko.eval.run import PROJECT_ROOT, run_extractor
from gaiko.eval.sandbox import SANDBOX_CODE, SANDBOX_WORKDIR, Limits, default_env, python_paths

from support.runs import SUBMISSION, gold_document, needs_bwrap

pytestmark = pytest.mark.sandbox

HOSTILE = Path(__file__).parent / "hostile" / "extractors"
FAST = Limits(timeout_s=3, memory_mb=512, max_output_mb=1, processes=32)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A submission folder holding the gold file too: the sandbox must hide it although it mounts the folder."""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "gold.jsonl").write_text(json.dumps(gold_document(), ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def hostile(workdir: Path, name: str, *args: str, limits: Limits = FAST, hidden=()):
    shutil.copy(HOSTILE / name, workdir / name)
    return run_extractor(["python3", name, *args], [gold_document()], workdir=workdir, limits=limits,
                         hidden=[workdir / "gold.jsonl", *hidden]).record


def processes_running(marker: str) -> int:
    count = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            count += marker in cmdline.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
    return count


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["run", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- good extractors

@needs_bwrap
def test_command_submission_is_scored(workdir, tmp_path, capsys):
    out = tmp_path / "report"
    code, stdout, err = run_cli(capsys, "--cmd", "python3 extract.py", "--workdir", str(SUBMISSION),
                                "--gold", str(workdir / "gold.jsonl"), "--out", str(out), "--timeout", "10")
    assert code == 0, err
    report = json.loads((out / "report.json").read_text())
    assert report["ner"]["strict"]["micro"]["f1"] == 1.0  # the lexicon knows every gold mention
    assert report["events"]["trigger_classification"]["micro"]["tp"] == 1
    assert report["run"]["status"] == "ok"
    assert json.loads((out / "run.json").read_text())["status"] == "ok"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('data-layer="entity" data-side="gold"') == report["counts"]["gold"]["entities"]
    assert page.count('data-layer="entity" data-side="pred"') == report["counts"]["predicted"]["entities"]
    assert "ner.strict" in stdout


@needs_bwrap
def test_python_entry_point_runs_sandboxed(workdir, capsys):
    (workdir / "mine.py").write_text(
        "import os\n"
        "class Russia:\n"
        "    def extract(self, documents):\n"
        "        assert not os.environ.get('GAIKO_TEST_SECRET'), 'environment leaked'\n"
        "        return [{'id': d['id'], 'entities': [{'start': 0, 'end': 3, 'label': 'GPE'}], 'events': []}\n"
        "                for d in documents]\n", encoding="utf-8")
    os.environ["GAIKO_TEST_SECRET"] = "s3cret-token"
    try:
        code, out, err = run_cli(capsys, "--extractor", "mine:Russia", "--workdir", str(workdir),
                                 "--gold", str(workdir / "gold.jsonl"), "--json")
    finally:
        del os.environ["GAIKO_TEST_SECRET"]
    assert code == 0, err
    report = json.loads(out)
    assert report["run"]["status"] == "ok"
    assert report["run"]["command"][1:3] == ["-m", "gaiko.eval.extractor"]
    assert report["ner"]["strict"]["micro"]["tp"] == 1


class Echo:
    def extract(self, documents):
        return [{"id": d["id"], "entities": [], "events": []} for d in documents]


ECHO = Echo()


def test_load_extractor_accepts_class_instance_and_function():
    expected = [{"id": "a", "entities": [], "events": []}]
    for spec in (f"{__name__}:Echo", f"{__name__}:ECHO", f"{__name__}:ECHO.extract"):
        assert load_extractor(spec).extract([{"id": "a", "text": ""}]) == expected
    for bad, message in (("json", "must look like"), ("no_such_module_x:f", "cannot import"),
                         ("json:nothing", "has no attribute"), ("gaiko.eval.run:STDERR_LINES", "neither callable")):
        with pytest.raises(Exception, match=message):
            load_extractor(bad)


# ---------------------------------------------------------------- hostile extractors

@needs_bwrap
def test_gold_folders_and_file_are_invisible(workdir, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "report.json").write_text("{}")
    targets = {name: str(PROJECT_ROOT / name) for name in ("annotation", "dataset", ".git")}
    assert os.listdir(targets["annotation"])  # not empty outside the sandbox
    targets |= {"gold": str(workdir / "gold.jsonl"), "out": str(out), "home": os.path.expanduser("~"),
                "etc_shadow": "/etc/shadow"}
    record = hostile(workdir, "read_gold.py", *targets.values(), hidden=[out])
    assert record["status"] == "ok", record["message"]
    seen = json.loads(record["stderr_tail"][-1].removeprefix("SEEN "))
    for name in ("annotation", "dataset", ".git", "gold", "out"):  # never mounted: the sandbox is an allow-list
        assert seen[targets[name]] == "error: No such file or directory", name
    home = Path(targets["home"])
    python_dirs = {p.relative_to(home).parts[0] for p in python_paths() if p.is_relative_to(home)}
    assert seen[targets["home"]] == sorted(python_dirs) or seen[targets["home"]].startswith("error")
    assert seen["/etc/shadow"].startswith("error")
    assert set(seen["environment"]) <= set(default_env()) | {"PWD"}


@needs_bwrap
def test_file_system_is_read_only_except_private_tmp(workdir):
    targets = [f"{SANDBOX_WORKDIR}/tampered.txt", f"{SANDBOX_CODE}/gaiko/tampered.py", "/tmp/scratch"]
    record = hostile(workdir, "write_files.py", *targets)
    written = json.loads(record["stderr_tail"][-1].removeprefix("WRITE "))
    assert written == {targets[0]: "error: Read-only file system", targets[1]: "error: Read-only file system",
                       "/tmp/scratch": "written"}
    assert not (workdir / "tampered.txt").exists() and not Path("/tmp/scratch").exists()
    assert not (PROJECT_ROOT / "gaiko" / "tampered.py").exists()


@needs_bwrap
def test_no_network_even_to_a_local_server(workdir):
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted = []

    def serve():
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not accepted:
            try:
                accepted.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        record = hostile(workdir, "network.py", str(server.getsockname()[1]))
    finally:
        accepted.append(None)
        thread.join()
        server.close()
    assert accepted == [None]  # nothing ever connected
    results = json.loads(record["stderr_tail"][-1].removeprefix("NETWORK "))
    assert all(value.startswith("error") for value in results.values()), results
    assert record["status"] == "ok"


@needs_bwrap
def test_endless_loop_is_killed_at_the_time_limit(workdir, capsys):
    shutil.copy(HOSTILE / "loop_forever.py", workdir)
    started = time.monotonic()
    code, _, err = run_cli(capsys, "--cmd", "python3 loop_forever.py", "--workdir", str(workdir), "--gold",
                           str(workdir / "gold.jsonl"), "--timeout", "2")
    assert time.monotonic() - started < 6
    assert code == 1
    assert err.strip() == "gaiko run: timeout: killed after the 2.0 s wall-time limit"
    assert processes_running(str(workdir)) == 0 and processes_running("loop_forever.py") == 0


@needs_bwrap
def test_allocating_10_gb_is_stopped(workdir):
    record = hostile(workdir, "allocate.py")
    assert record["status"] == "memory_exceeded"
    assert record["message"] == "ran out of memory (limit 512 MB)"


@needs_bwrap
def test_fork_bomb_is_bounded(workdir):
    probe = hostile(workdir, "exit_nonzero.py")
    if "NOT ENFORCED" in probe["enforcement"]["processes"]:
        pytest.skip("no process limit here: " + probe["enforcement"]["processes"])
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], processes_running("fork_bomb.py"))
            time.sleep(0.05)

    thread = threading.Thread(target=sample)
    thread.start()
    try:
        record = hostile(workdir, "fork_bomb.py", limits=Limits(timeout_s=2, memory_mb=512, max_output_mb=1,
                                                                processes=16))
    finally:
        done.set()
        thread.join()
    assert record["status"] == "timeout"
    assert 2 <= peak[0] <= 16, peak[0]  # it did fork, and never beyond the limit
    time.sleep(0.2)
    assert processes_running("fork_bomb.py") == 0


@needs_bwrap
def test_one_gigabyte_of_output_is_cut_at_the_limit(workdir):
    started = time.monotonic()
    record = hostile(workdir, "print_1gb.py")
    assert time.monotonic() - started < 3
    assert record["status"] == "output_too_large"
    assert 1024 * 1024 < record["output_bytes"] < 2 * 1024 * 1024
    assert record["message"] == "killed after writing more than the 1 MB output limit"


@needs_bwrap
def test_nonzero_exit_reports_the_last_stderr_line(workdir, capsys):
    shutil.copy(HOSTILE / "exit_nonzero.py", workdir)
    code, _, err = run_cli(capsys, "--cmd", "python3 exit_nonzero.py", "--workdir", str(workdir),
                           "--gold", str(workdir / "gold.jsonl"))
    assert code == 1
    assert err == "gaiko run: nonzero_exit: exited with code 7: fatal: model file weights.bin not found\n"


@needs_bwrap
def test_garbage_output_lists_every_bad_line(workdir, tmp_path, capsys):
    shutil.copy(HOSTILE / "garbage.py", workdir)
    out = tmp_path / "report"
    code, _, err = run_cli(capsys, "--cmd", "python3 garbage.py", "--workdir", str(workdir),
                           "--gold", str(workdir / "gold.jsonl"), "--out", str(out))
    assert code == 1
    run = json.loads((out / "run.json").read_text())
    assert run["status"] == "invalid_output"
    assert [p["line"] for p in run["problems"]] == [2, 3, 4, 5]
    assert [p["reason"] for p in run["problems"]] == ["invalid_json", "not_an_object", "unknown_document",
                                                      "invalid_json"]
    assert err.startswith("gaiko run: invalid_output: 4 problem(s) in the output; first: line 2: invalid JSON")
    report = json.loads((out / "report.json").read_text())  # the valid line is still scored, rejections counted
    assert report["ner"]["strict"]["micro"]["tp"] == 1
    assert report["run"]["problems_total"] == 4


@needs_bwrap
def test_missing_bubblewrap_is_one_clear_line(workdir, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(workdir))  # no bwrap on this PATH
    code, _, err = run_cli(capsys, "--cmd", "python3 x.py", "--workdir", str(workdir),
                           "--gold", str(workdir / "gold.jsonl"))
    assert code == 1
    assert err == ("gaiko run: sandbox_unavailable: bubblewrap (bwrap) is not installed; "
                   "install bubblewrap: apt-get update && apt-get install -y bubblewrap\n")
