"""A determined submitter against `gaiko run` and the CI gate, through the real command lines.

Each test attacks one promise of the README's threat model: the gold stays out of reach whatever the
working folder and however gaiko is installed; no harness variable reaches the sandbox or any output;
nothing inside writes outside or reaches a host service; every limit and gate value is validated; every
input is read bounded; the status comes from what the harness observed; a signal leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from gaiko.dataset import load_split
from gaiko.eval.run import PROJECT_ROOT
from gaiko.io import dumps_line

pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")]

HOSTILE = Path(__file__).parent / "hostile" / "extractors"
GATE = PROJECT_ROOT / "scripts" / "score_submissions.py"
TEST_IDS = [d["id"] for d in load_split("test")]
FAST = ("--timeout", "60", "--memory", "1024")


def gaiko(*argv: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 180):
    """The command line as installed: -P keeps the current folder off sys.path, as a console script does."""
    return subprocess.run([sys.executable, "-P", "-m", "gaiko", *argv], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)


def run_gate(submissions: Path, reports: Path, *extra: str, env: dict | None = None):
    return subprocess.run([sys.executable, str(GATE), "--split", "test", "--submissions", str(submissions),
                           "--reports", str(reports), *extra], capture_output=True, text=True, env=env, timeout=300)


def tagged_json(stderr_lines: list[str], tag: str):
    line = next(line for line in reversed(stderr_lines) if line.startswith(tag + " "))
    return json.loads(line.removeprefix(tag + " "))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """Another checkout of the project: it holds the gold in every format the project writes."""
    clone = tmp_path_factory.mktemp("other") / "gaiko"
    subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(clone)], check=True)
    shutil.copy(HOSTILE / "hunt_gold.py", clone)
    return clone


@pytest.fixture(scope="module")
def test_gold(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gold") / "test.jsonl"
    path.write_text("".join(dumps_line(d) + "\n" for d in load_split("test")), encoding="utf-8")
    return path


def fingerprints(checkout: Path, *extra: Path) -> list[str]:
    """SIZE:SHA256 of every file that holds test gold: exports, test Parquet files, gold sheets, the gold file."""
    files = [*checkout.glob("annotation/exports/*.json"), *checkout.glob("dataset/data/*/test.parquet"),
             *(checkout / "annotation" / "sheets" / "gold" / f"{i}.txt" for i in TEST_IDS), *extra]
    assert len(files) >= 6 and all(f.is_file() for f in files)
    return [f"{f.stat().st_size}:{hashlib.sha256(f.read_bytes()).hexdigest()}" for f in files]


def assert_scored_as_empty(report: dict) -> None:
    for mode in ("strict", "exact", "partial", "type"):
        assert report["ner"][mode]["micro"]["tp"] == report["ner"][mode]["micro"]["fp"] == 0
    assert report["ner"]["strict"]["micro"]["fn"] == report["counts"]["gold"]["entities"] > 0
    assert report["events"]["trigger_classification"]["micro"]["tp"] == 0


# ---------------------------------------------------------------- the gold stays out of reach

def test_another_checkout_as_working_folder_reads_no_gold(checkout, tmp_path):
    out = tmp_path / "out"
    proc = gaiko("run", "--cmd", "python3 hunt_gold.py " + " ".join(fingerprints(checkout)), "--split", "test",
                 "--workdir", str(checkout), "--out", str(out), "--json", *FAST)
    report = json.loads(proc.stdout)
    record = report["run"]
    hunt = tagged_json(record["stderr_tail"], "HUNT")
    assert hunt["found"] == [] and hunt["files"] > 1000, hunt  # it searched everything it could see
    assert record["status"] == "contaminated" and proc.returncode == 1
    flagged = {f["path"] for f in record["contamination"]}
    assert {"annotation/exports/gaiko.json", "dataset/data/documents/test.parquet",
            "dataset/data/ner/test.parquet", "dataset/data/events/test.parquet"} <= flagged
    assert {f"annotation/sheets/gold/{i}.txt" for i in TEST_IDS} <= flagged
    assert {"path": ".git", "reason": "version-control history"} in record["skipped"]
    assert_scored_as_empty(report)
    assert proc.stderr.startswith("gaiko run: contaminated: the submission folder holds a copy of the gold")


def test_a_wheel_install_run_from_the_checkout_reads_no_gold(checkout, test_gold, tmp_path):
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(wheels), str(checkout)], check=True, capture_output=True)  # builds in the clone
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                    *map(str, wheels.glob("gaiko-*.whl"))], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-P", "-c", "import gaiko; print(gaiko.__file__)"], env=env, cwd=checkout,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(target))  # the harness really runs from the wheel
    proc = gaiko("run", "--cmd", "python3 hunt_gold.py " + " ".join(fingerprints(checkout, test_gold)),
                 "--gold", str(test_gold), "--json", *FAST, cwd=checkout, env=env)
    report = json.loads(proc.stdout)
    assert tagged_json(report["run"]["stderr_tail"], "HUNT")["found"] == []
    assert report["run"]["status"] == "contaminated"
    assert_scored_as_empty(report)


def test_gold_file_inside_the_working_folder_is_not_copied(checkout, test_gold, tmp_path):
    inside = checkout / "my_gold.jsonl"
    shutil.copy(test_gold, inside)
    try:
        proc = gaiko("run", "--cmd", "python3 hunt_gold.py " + " ".join(fingerprints(checkout, inside)),
                     "--gold", str(inside), "--workdir", str(checkout), "--json", *FAST)
    finally:
        inside.unlink()
    record = json.loads(proc.stdout)["run"]
    assert tagged_json(record["stderr_tail"], "HUNT")["found"] == []
    assert {"path": "my_gold.jsonl", "reason": "hidden by the harness"} in record["skipped"]
    assert "my_gold.jsonl" not in {f["path"] for f in record["contamination"]}  # the harness's own input


def test_a_submission_carrying_the_test_gold_is_contaminated(test_gold, tmp_path):
    """Copies in other formats and places: a gzip of the gold JSONL, a zip of the Label Studio export,
    and perfect predictions under an innocent name. Each is named; the gate fails."""
    import gzip
    import zipfile

    submissions = tmp_path / "submissions"
    folder = submissions / "copycat"
    (folder / "model").mkdir(parents=True)
    shutil.copy(HOSTILE / "read_gold.py", folder / "extract.py")
    (folder / "extractor.toml").write_text('command = "python3 extract.py"\ntimeout = 60\n', encoding="utf-8")
    (folder / "model" / "weights.gz").write_bytes(gzip.compress(test_gold.read_bytes()))
    with zipfile.ZipFile(folder / "model" / "vocab.zip", "w") as archive:
        archive.write(PROJECT_ROOT / "annotation" / "exports" / "gaiko.json", "export.json")
    perfect = [{"id": d["id"], "entities": [{k: m[k] for k in ("start", "end", "label")} for m in d["entities"]],
                "events": [{"type": e["type"], "realis": e["realis"], "trigger": {"start": e["trigger"]["start"],
                            "end": e["trigger"]["end"]}, "arguments": []} for e in d["events"]]}
               for d in load_split("test")]
    (folder / "cache.jsonl").write_text("".join(dumps_line(p) + "\n" for p in perfect), encoding="utf-8")
    (folder / "expected.json").write_text('{"scores": {"ner.strict.micro.f1": 0.0}}', encoding="utf-8")
    (submissions / "predictor").mkdir()
    (submissions / "predictor" / "predictions.jsonl").write_text(
        "".join(dumps_line(p) + "\n" for p in perfect), encoding="utf-8")
    (submissions / "predictor" / "expected.json").write_text('{"scores": {"ner.strict.micro.f1": 0.0}}')
    reports = tmp_path / "reports"
    proc = run_gate(submissions, reports)
    assert proc.returncode == 1
    summary = {o["name"]: o for o in json.loads((reports / "summary.json").read_text())}
    assert summary["copycat"]["status"] == summary["predictor"]["status"] == "contaminated"
    run = json.loads((reports / "copycat" / "run.json").read_text())
    flagged = {f["path"] for f in run["contamination"]}
    assert flagged == {"model/weights.gz", "model/vocab.zip", "cache.jsonl"}
    assert any("predictions.jsonl reproduces" in f for f in summary["predictor"]["failures"])


# ---------------------------------------------------------------- secrets

def test_no_harness_variable_reaches_the_sandbox_or_any_output(tmp_path):
    secret, random_name, random_value = secrets.token_hex(16), f"GAIKO_X{secrets.token_hex(4).upper()}", \
        secrets.token_hex(12)
    env = {**os.environ, "LABEL_STUDIO_API_KEY": secret, random_name: random_value}
    submissions = tmp_path / "submissions"
    (submissions / "spy").mkdir(parents=True)
    shutil.copy(HOSTILE / "dump_environ.py", submissions / "spy")
    (submissions / "spy" / "extractor.toml").write_text('command = "python3 dump_environ.py"\n', encoding="utf-8")
    (submissions / "spy" / "expected.json").write_text('{"scores": {"ner.strict.micro.f1": 0.0}}')
    out, reports = tmp_path / "out", tmp_path / "reports"
    run = gaiko("run", "--cmd", "python3 dump_environ.py", "--workdir", str(submissions / "spy"), "--split", "test",
                "--out", str(out), "--json", *FAST, env=env)
    gate = run_gate(submissions, reports, env=env)
    assert run.returncode == 0 and gate.returncode == 0, (run.stderr, gate.stdout)
    dump = tagged_json(json.loads(run.stdout)["run"]["stderr_tail"], "ENVIRON")
    environ_read = [k for k, v in dump.items() if k.endswith("/environ") and not v.startswith("error")]
    assert "1/environ" in environ_read  # bubblewrap's init inside the sandbox was readable: and held nothing
    texts = [run.stdout, run.stderr, gate.stdout, gate.stderr, json.dumps(dump)]
    texts += [p.read_text(errors="replace") for p in [*out.rglob("*"), *reports.rglob("*")] if p.is_file()]
    for value in (secret, random_value, random_name):
        assert not any(value in text for text in texts), value


# ---------------------------------------------------------------- nothing written outside, no host service

def test_stdin_is_a_pipe_and_sockets_and_fifos_are_not_copied(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(HOSTILE / "escape_writes.py", folder)
    os.mkfifo(folder / "host.fifo")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(folder / "host.sock"))
    server.listen()
    server.settimeout(0.2)
    accepted, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        proc = gaiko("run", "--cmd", "python3 escape_writes.py", "--workdir", str(folder), "--split", "test",
                     "--json", *FAST)
    finally:
        stop.set()
        thread.join()
        server.close()
    assert accepted == []
    record = json.loads(proc.stdout)["run"]
    assert record["status"] == "ok", record["message"]
    escape = tagged_json(record["stderr_tail"], "ESCAPE")
    assert escape["fd0"].startswith("error")  # the read end of a pipe
    assert escape["host.sock"].startswith("error") and "entry:host.sock" not in escape
    assert "entry:host.fifo" not in escape and escape["entry:escape_writes.py"] == "present"
    skipped = {s["path"]: s["reason"] for s in record["skipped"]}
    assert skipped == {"host.fifo": "not a regular file (socket, FIFO or device)",
                       "host.sock": "not a regular file (socket, FIFO or device)"}


def test_symlinks_are_copied_as_links_and_never_followed(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(HOSTILE / "read_gold.py", folder)
    export = PROJECT_ROOT / "annotation" / "exports" / "gaiko.json"
    (folder / "gold_link.json").symlink_to(export)
    (folder / "project_link").symlink_to(PROJECT_ROOT)
    proc = gaiko("run", "--cmd", "python3 read_gold.py gold_link.json project_link/annotation", "--workdir",
                 str(folder), "--split", "test", "--json", *FAST)
    record = json.loads(proc.stdout)["run"]
    seen = tagged_json(record["stderr_tail"], "SEEN")
    assert seen["gold_link.json"].startswith("error") and seen["project_link/annotation"].startswith("error")


# ---------------------------------------------------------------- limits and gates validated

@pytest.mark.parametrize("flag,value", [
    ("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "0"), ("--timeout", "-5"), ("--timeout", "1e9"),
    ("--memory", "1e6"), ("--memory", "0"), ("--memory", "10000000"), ("--memory", "12.5"),
    ("--processes", "-1"), ("--processes", "many"), ("--processes", "100000"),
    ("--max-output", "1e9"), ("--max-output", "nan"), ("--max-output", "-1")])
def test_every_limit_flag_is_validated(flag, value):
    proc = gaiko("run", "--cmd", "python3 -c pass", "--split", "test", flag, value)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"gaiko run: error: {flag} must be"), proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("line,key", [("timeout = inf", "timeout"), ("timeout = nan", "timeout"),
                                      ('processes = "many"', "processes"), ("processes = -1", "processes"),
                                      ("memory = 1e6", "memory"), ("memory = true", "memory"),
                                      ("max_output = 1e9", "max_output")])
def test_every_extractor_toml_limit_is_validated(line, key, tmp_path):
    submissions = tmp_path / "submissions"
    shutil.copytree(PROJECT_ROOT / "submissions" / "lexicon-predictions", submissions / "good")
    (submissions / "bad").mkdir()
    (submissions / "bad" / "extractor.toml").write_text(f'command = "python3 -c pass"\n{line}\n')
    reports = tmp_path / "reports"
    proc = run_gate(submissions, reports)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    summary = {o["name"]: o for o in json.loads((reports / "summary.json").read_text())}
    assert summary["good"]["failures"] == [] and summary["good"]["scores"]
    [failure] = summary["bad"]["failures"]
    assert failure.startswith("error: ") and "extractor.toml" in failure and f": {key} must be" in failure
    assert "| bad |" in (reports / "summary.md").read_text()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1.5", "-0.1", "x"])
def test_fail_under_refuses_values_outside_0_1(value):
    pred = PROJECT_ROOT / "submissions" / "lexicon-predictions" / "predictions.jsonl"
    proc = gaiko("score", "--pred", str(pred), "--fail-under", f"ner.strict.micro.f1={value}")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--fail-under" in proc.stderr


@pytest.mark.parametrize("expected,problem", [
    ('{"scores": {"ner.strict.micro.F1": 0.5}}', "must end in one of"),
    ('{"scores": {"ner.strikt.micro.f1": 0.5}}', "unknown metric 'ner.strikt.micro.f1'"),
    ('{"scores": {"ner.strict.micro.f1": NaN}}', "invalid JSON"),
    ('{"scores": {"ner.strict.micro.f1": 2}}', "must be a number in [0, 1]"),
    ('{"scores": {}}', "non-empty"),
    ('{"tolerance": "lots", "scores": {"ner.strict.micro.f1": 0.5}}', "tolerance must be"),
    ('{"scores": {"ner.strict.micro.f1": 0.5', "invalid JSON")])
def test_a_bad_expected_json_fails_its_submission_only(expected, problem, tmp_path):
    submissions = tmp_path / "submissions"
    shutil.copytree(PROJECT_ROOT / "submissions" / "lexicon-predictions", submissions / "good")
    (submissions / "empty").mkdir()
    (submissions / "empty" / "predictions.jsonl").write_text(
        "".join(dumps_line({"id": i, "entities": [], "events": []}) + "\n" for i in TEST_IDS))
    (submissions / "empty" / "expected.json").write_text(expected)
    reports = tmp_path / "reports"
    proc = run_gate(submissions, reports)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    summary = {o["name"]: o for o in json.loads((reports / "summary.json").read_text())}
    assert summary["good"]["failures"] == []
    [failure] = summary["empty"]["failures"]
    assert "expected.json" in failure and problem in failure, failure
    assert (reports / "summary.md").exists()


# ---------------------------------------------------------------- bounded reads

@pytest.mark.parametrize("option", ["--pred", "--gold"])
def test_devices_and_fifos_are_refused_before_reading(option, tmp_path):
    pred = PROJECT_ROOT / "submissions" / "lexicon-predictions" / "predictions.jsonl"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    for bad in ("/dev/zero", str(link), str(fifo)):
        argv = ["score", "--pred", bad] if option == "--pred" else ["score", "--pred", str(pred), "--gold", bad]
        proc = gaiko(*argv, timeout=30)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == f"gaiko score: error: {bad}: is not a regular file (a device, FIFO or socket); " \
                              "give a regular file\n"


def test_a_predictions_symlink_to_dev_zero_fails_its_submission(tmp_path):
    submissions = tmp_path / "submissions"
    (submissions / "zero").mkdir(parents=True)
    (submissions / "zero" / "predictions.jsonl").symlink_to("/dev/zero")
    reports = tmp_path / "reports"
    proc = run_gate(submissions, reports)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    [zero] = json.loads((reports / "summary.json").read_text())
    assert zero["failures"][0].startswith("error: ") and "not a regular file" in zero["failures"][0]


# ---------------------------------------------------------------- status from observations; signals

def test_printing_sandbox_or_memory_errors_does_not_change_the_status(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(HOSTILE / "fake_status.py", folder)
    proc = gaiko("run", "--cmd", "python3 fake_status.py", "--workdir", str(folder), "--split", "test", "--json",
                 *FAST)
    record = json.loads(proc.stdout)["run"]
    assert (record["status"], record["exit_code"]) == ("nonzero_exit", 1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_harness_leaves_nothing_behind(signum, tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(HOSTILE / "wait_forever.py", folder)
    copies_before = set(Path(tempfile.gettempdir()).glob("gaiko-run-*"))
    proc = subprocess.Popen([sys.executable, "-m", "gaiko", "run", "--cmd", "python3 wait_forever.py", "--workdir",
                             str(folder), "--split", "test", *FAST], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    marker = "python3\0wait_forever.py"  # the sandboxed command line, not the harness's `--cmd` argument
    while time.monotonic() < deadline and not _running(marker):
        time.sleep(0.1)
    assert _running(marker), "the extractor never started"
    cgroups = [p for p in Path("/sys/fs/cgroup").rglob(f"gaiko-run-{proc.pid}-*")]
    proc.send_signal(signum)
    proc.wait(timeout=20)
    assert proc.returncode == 128 + signum
    time.sleep(0.2)
    assert not _running(marker)
    assert not [p for p in cgroups if p.exists()] and not list(Path("/sys/fs/cgroup").rglob(f"gaiko-run-{proc.pid}-*"))
    assert set(Path(tempfile.gettempdir()).glob("gaiko-run-*")) <= copies_before


def _running(marker: str) -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker in cmdline.read_bytes().decode("utf-8", "replace"):
                return True
        except OSError:
            continue
    return False


# ---------------------------------------------------------------- copies made to slip past the scan

def _variants(tmp_path: Path) -> dict[str, bytes]:
    """The test gold transformed the ways a submitter would try, each still a copy in a project format."""
    import gzip
    import zipfile

    docs = load_split("test")
    jsonl = "".join(dumps_line(d) + "\n" for d in docs).encode()
    export = json.loads((PROJECT_ROOT / "annotation" / "exports" / "gaiko.json").read_text(encoding="utf-8"))

    def zipped(name: str, data: bytes) -> bytes:
        buffer = __import__("io").BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, data)
        return buffer.getvalue()

    import pyarrow.parquet as pq

    events_parquet = PROJECT_ROOT / "dataset" / "data" / "events" / "test.parquet"
    events_rows = pq.read_table(events_parquet).to_pylist()  # ClassLabel ids, as datasets writes them
    assert isinstance(events_rows[0]["type"], int)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("".join(dumps_line({"id": d["id"]}) + "\n" for d in docs))
    previous = tmp_path / "previous"
    assert gaiko("score", "--pred", str(empty), "--out", str(previous)).returncode == 0
    sheet = PROJECT_ROOT / "annotation" / "sheets" / "gold" / f"{docs[1]['id']}.txt"
    flat = [[d["id"], m["start"], m["end"], m["label"]] for d in docs for m in d["entities"]] + \
        [[d["id"], e["trigger"]["start"], e["trigger"]["end"], e["type"]] for d in docs for e in d["events"]]
    return {
        "garbage_first_line.jsonl": b"not json\n" + jsonl,
        "keyed_by_id.json": json.dumps({d["id"]: {k: d[k] for k in ("entities", "events")} for d in docs}).encode(),
        "no_ids.json": json.dumps([{k: v for k, v in d.items() if k != "id"} for d in docs]).encode(),
        "no_ids_no_text.json": json.dumps([{k: d[k] for k in ("entities", "events")} for d in docs]).encode(),
        "export_without_doc_id.json": json.dumps(
            [{**t, "data": {k: v for k, v in t["data"].items() if k != "doc_id"}} for t in export]).encode(),
        "sheet_without_header.txt": "\n".join(line for line in sheet.read_text(encoding="utf-8").split("\n")
                                              if not line.startswith("#")).encode(),
        "zip3.zip": zipped("a.zip", zipped("b.zip", zipped("gold.jsonl", jsonl))),
        "gz3.bin": gzip.compress(gzip.compress(gzip.compress(jsonl))),
        "folder_named_entry.zip": zipped("weights/", jsonl),
        "truncated.gz": gzip.compress(jsonl)[:-8],
        "utf16.json": json.dumps(docs, ensure_ascii=False).encode("utf-16"),
        "deep.json": b"[" * 5000 + json.dumps(docs).encode() + b"]" * 5000,
        "duplicate_keys.json": b'{"docs": ' + json.dumps(docs).encode() + b', "docs": []}',
        "trailing_garbage.json": json.dumps(docs).encode() + b" x",
        "errors_of_a_previous_run.tsv": (previous / "errors.tsv").read_bytes(),
        "flat_rows.json": json.dumps(flat).encode(),
        "offsets_as_strings.py": ("GOLD = " + repr([(r[0], str(r[1]), str(r[2]), r[3]) for r in flat])).encode(),
        "float_offsets.json": json.dumps([{"id": r[0], "start": float(r[1]), "end": float(r[2]), "label": r[3]}
                                          for r in flat]).encode(),
        "answers_as_strings.jsonl": "".join(dumps_line(_as_strings(d)) + "\n" for d in docs).encode(),
        "events_config_with_ids.jsonl": "".join(dumps_line(row) + "\n" for row in events_rows).encode(),
        "events_config.csv": pq.read_table(events_parquet).to_pandas().to_csv(index=False).encode(),
        "sheet_with_tabs.txt": sheet.read_text(encoding="utf-8").replace(" | ", "\t|\t").encode(),
    }


def _as_strings(doc: dict) -> dict:
    """A document's gold as string-level answers in reading order (`gaiko align`'s input)."""
    by_id = {m["id"]: m for m in doc["entities"]}
    return {"id": doc["id"], "entities": [{"text": m["text"], "label": m["label"]} for m in doc["entities"]],
            "events": [{"type": e["type"], "realis": e["realis"], "trigger": {"text": e["trigger"]["text"]},
                        "arguments": [{"role": a["role"], "text": by_id[a["mention_id"]]["text"]}
                                      for a in e["arguments"]]} for e in doc["events"]]}


def test_copies_transformed_to_slip_past_the_scan_are_found(test_gold, tmp_path):
    from gaiko.eval.contamination import scan_bytes

    docs = load_split("test")
    missed = [name for name, data in _variants(tmp_path).items() if not scan_bytes(data, name, docs)]
    assert missed == []


def test_a_legitimate_predictions_file_is_not_flagged():
    from gaiko.eval.contamination import scan_folder

    assert scan_folder(PROJECT_ROOT / "submissions", load_split("test")) == []


# ---------------------------------------------------------------- hostile names, depths and commands

def test_proc_sys_and_sysrq_are_read_only_inside(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "poke.py").write_text(
        "import json, os, sys\n"
        "sys.stdin.read()\n"
        "p = '/proc/sys/kernel/printk_ratelimit'\n"
        "value = open(p).read()\n"
        "try:\n"
        "    open(p, 'w').write(value)\n"
        "    result = 'written'\n"
        "except OSError as e:\n"
        "    result = 'error: ' + e.strerror\n"
        "writable = [os.path.join(r, f) for r, _, fs in os.walk('/proc/sys') for f in fs\n"
        "            if os.access(os.path.join(r, f), os.W_OK)]\n"
        "print('POKE ' + json.dumps({'write': result, 'writable': writable[:5],\n"
        "                            'sysrq': os.access('/proc/sysrq-trigger', os.W_OK)}), file=sys.stderr)\n")
    proc = gaiko("run", "--cmd", "python3 poke.py", "--workdir", str(folder), "--split", "test", "--json", *FAST)
    poke = tagged_json(json.loads(proc.stdout)["run"]["stderr_tail"], "POKE")
    assert poke == {"write": "error: Read-only file system", "writable": [], "sysrq": False}


def test_hostile_names_depths_and_commands_give_one_line_not_a_traceback(tmp_path):
    submissions = tmp_path / "submissions"
    odd = submissions / "odd"
    odd.mkdir(parents=True)
    shutil.copy(HOSTILE / "read_gold.py", odd)
    (odd / "extractor.toml").write_text('command = "python3 read_gold.py"\n')
    (odd / "expected.json").write_text('{"scores": {"ner.strict.micro.f1": 0.0}}')
    os.mkfifo(os.fsencode(odd) + b"/\xff_fifo")
    (odd / "x\ngaiko run: ok: all good\n.txt").write_text("hello")
    deep = odd
    for _ in range(300):  # deeper than the copy allows
        deep = deep / "d"
        deep.mkdir()
    for name, toml in (("nul", 'command = "python3 extract.py\\u0000"'), ("quote", "command = \"python3 'unclosed\"")):
        (submissions / name).mkdir()
        (submissions / name / "extractor.toml").write_text(toml + "\n")
    for name in ("summary.md", "zz | predictions | 0.9999 | pass |\n| evil"):
        (submissions / name).mkdir()
        shutil.copy(PROJECT_ROOT / "submissions" / "lexicon-predictions" / "predictions.jsonl", submissions / name)
    reports = tmp_path / "reports"
    gate = run_gate(submissions, reports)
    assert gate.returncode == 1 and "Traceback" not in gate.stderr, gate.stderr
    summary = {o["name"]: o for o in json.loads((reports / "summary.json").read_text())}
    assert all(len(o["failures"]) == 1 and o["failures"][0].startswith("error: ") for o in summary.values())
    assert "nested more than 256 deep" in summary["odd"]["failures"][0]
    assert "NUL" in summary["nul"]["failures"][0] and "No closing quotation" in summary["quote"]["failures"][0]
    table = (reports / "summary.md").read_text()
    assert len(table.strip().split("\n")) == 2 + len(summary)  # no forged rows
    assert not [line for line in table.split("\n") if line.endswith("| pass |")]  # every one of them failed
    shutil.rmtree(odd / "d")
    gate = run_gate(submissions, reports, "--only", "odd")
    assert gate.returncode == 0, gate.stdout
    run = json.loads((reports / "odd" / "run.json").read_text())
    skipped = {s["path"] for s in run["skipped"]}
    assert "\\udcff_fifo" in skipped
    assert "\n" not in run["message"]
    for argv in (["--cmd", "python3 'unclosed"], ["--cmd", "  "]):
        proc = gaiko("run", *argv, "--split", "test")
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr


@pytest.mark.parametrize("flag,value", [("--seed", "-1"), ("--bootstrap", "-1"), ("--bootstrap", "1000000000")])
def test_bootstrap_and_seed_are_validated(flag, value):
    pred = PROJECT_ROOT / "submissions" / "lexicon-predictions" / "predictions.jsonl"
    for argv in (["score", "--pred", str(pred)], ["run", "--cmd", "python3 -c pass", "--split", "test"]):
        proc = gaiko(*argv, flag, value)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and flag in proc.stderr, proc.stderr


def test_what_a_sigkilled_harness_left_is_removed_by_the_next_run(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(HOSTILE / "wait_forever.py", folder)
    proc = subprocess.Popen([sys.executable, "-m", "gaiko", "run", "--cmd", "python3 wait_forever.py", "--workdir",
                             str(folder), "--split", "test", *FAST], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    marker = "python3\0wait_forever.py"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _running(marker):
        time.sleep(0.1)
    proc.kill()
    proc.wait(timeout=20)
    leftovers = [*Path(tempfile.gettempdir()).glob(f"gaiko-run-{proc.pid}-*"),
                 *Path("/sys/fs/cgroup").rglob(f"gaiko-run-{proc.pid}-*")]
    assert leftovers  # SIGKILL cannot be caught
    time.sleep(0.5)
    shutil.copy(HOSTILE / "exit_nonzero.py", folder)
    gaiko("run", "--cmd", "python3 exit_nonzero.py", "--workdir", str(folder), "--split", "test", *FAST)
    assert not [p for p in leftovers if p.exists()]
    assert not _running(marker)


def test_a_decompression_bomb_is_refused_in_one_line_and_the_others_are_scored(tmp_path):
    import gzip

    submissions = tmp_path / "submissions"
    bomb = submissions / "bomb"
    bomb.mkdir(parents=True)
    (bomb / "model.json.gz").write_bytes(gzip.compress(b"[" + b'{"start":0},' * 25_000_000 + b"{}]", 1))
    (bomb / "extractor.toml").write_text('command = "python3 -c pass"\n')
    shutil.copytree(PROJECT_ROOT / "submissions" / "lexicon-predictions", submissions / "good")
    reports = tmp_path / "reports"
    gate = run_gate(submissions, reports)
    assert gate.returncode == 1 and "Traceback" not in gate.stderr
    summary = {o["name"]: o for o in json.loads((reports / "summary.json").read_text())}
    assert summary["good"]["failures"] == []
    [failure] = summary["bomb"]["failures"]
    assert "model.json.gz: decompresses to more than" in failure and "cannot be checked" in failure
    proc = gaiko("run", "--cmd", "python3 -c pass", "--workdir", str(bomb), "--split", "test", *FAST)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "decompresses to more than" in proc.stderr


def test_cleanup_never_follows_a_link_planted_in_the_temp_folder(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    planted = Path(tempfile.gettempdir()) / f"gaiko-run-{2**22 + 12345}-planted"  # a pid that cannot be running
    planted.symlink_to(victim)
    try:
        folder = tmp_path / "sub"
        folder.mkdir()
        shutil.copy(HOSTILE / "exit_nonzero.py", folder)
        gaiko("run", "--cmd", "python3 exit_nonzero.py", "--workdir", str(folder), "--split", "test", *FAST)
        assert (victim / "keep.txt").read_text() == "keep"
    finally:
        planted.unlink()


def test_a_tiny_gold_document_is_not_matched_by_chance(tmp_path):
    from gaiko.eval.contamination import scan_bytes

    doc = {"id": "zz_one", "text": "プーチン氏", "entities": [{"id": "m1", "start": 0, "end": 4, "label": "PERSON",
                                                             "text": "プーチン"}], "events": []}
    source = b'print({"id": "zz_one", "entities": [{"start": 0, "end": 4, "label": "PERSON"}], "events": []})'
    assert scan_bytes(source, "extract.py", [doc]) == []
