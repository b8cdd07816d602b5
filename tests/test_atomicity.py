"""Writers killed mid-way leave the old files: `gaiko build`, `gaiko score --out`, `gaiko ls pull`.

Each command is SIGKILLed at several random (seeded) moments of its run; after every kill its target is
either exactly the old version or exactly the new one, and nothing but hidden `.NAME.*` leftovers (which
no loader reads) appears beside it. The directory swap itself is checked by polling a target that is
replaced hundreds of times: it is never missing.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gaiko.dataset import load_split
from gaiko.paths import EXPORTS_DIR

HOSTILE = Path(__file__).parent / "hostile"
GOLD = HOSTILE / "predictions" / "gold.jsonl"
KILLS = 3


def digest(path: Path) -> dict[str, str]:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return {p.relative_to(path).as_posix() if path.is_dir() else p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files}


def gaiko(*argv: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gaiko", *argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def timed_run(*argv: str) -> float:
    started = time.monotonic()
    assert gaiko(*argv).wait(timeout=120) == 0
    return time.monotonic() - started


def kill_at_random_moments(argv: list[str], target: Path, old: dict, new: dict, duration: float, seed: int) -> list:
    """Run argv KILLS times, each SIGKILLed after a random part of `duration` (most of a run is start-up,
    so the delays lean to its end); return the state found after each kill."""
    rnd = random.Random(seed)
    states = []
    for _ in range(KILLS):
        proc = gaiko(*argv)
        try:
            proc.wait(timeout=duration * rnd.uniform(0.4, 1.05))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        state = digest(target) if target.exists() else None
        assert state in (old, new), f"partial or missing {target.name} after a kill: {state}"
        states.append("old" if state == old else "new")
        strays = [p.name for p in target.parent.iterdir() if p != target and not p.name.startswith(".")]
        assert strays == [], strays
        if state == new:  # put the old version back for the next kill
            restore(target, old_copy=target.parent / ".old-version")
    return states


def restore(target: Path, old_copy: Path) -> None:
    if target.is_dir():
        shutil.rmtree(target)
        shutil.copytree(old_copy, target)
    else:
        shutil.copy(old_copy, target)


def keep_old_copy(target: Path) -> dict:
    copy = target.parent / ".old-version"
    if target.is_dir():
        shutil.copytree(target, copy)
    else:
        shutil.copy(target, copy)
    return digest(target)


def test_directory_replacement_never_leaves_the_target_missing(tmp_path):
    """A folder replaced 200 times by `atomic_path` while this process looks at it as fast as it can."""
    target = tmp_path / "dataset"
    target.mkdir()
    (target / "version").write_text("-1")
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys\nfrom pathlib import Path\nfrom gaiko.io import atomic_path\n"
        "for v in range(200):\n"
        "    with atomic_path(Path(sys.argv[1])) as tmp:\n"
        "        tmp.mkdir()\n"
        "        (tmp / 'version').write_text(str(v))\n"), str(target)])
    looks = missing = 0
    while writer.poll() is None:
        looks += 1
        missing += not os.path.isdir(target)
    assert writer.returncode == 0 and looks > 1000
    assert missing == 0, f"the folder was missing in {missing} of {looks} looks"
    assert (target / "version").read_text() == "199"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset"]


def test_killed_build_leaves_the_old_or_the_new_dataset(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    for export in EXPORTS_DIR.glob("*.json"):  # the manifest's released documents all need their gold
        (exports / export.name).write_bytes(export.read_bytes())
    out = tmp_path / "site" / "dataset"
    argv = ["build", "--exports", str(exports), "--out", str(out)]
    duration = timed_run(*argv)
    new = digest(out)
    (out / "README.md").write_text("an older build\n", encoding="utf-8")
    old = keep_old_copy(out)
    states = kill_at_random_moments(argv, out, old, new, duration, seed=1)
    assert "old" in states, states
    assert gaiko(*argv).wait(timeout=120) == 0 and digest(out) == new
    assert [d["id"] for d in load_split("validation", out)] == ["003_928b56e06e5931a4"]


def test_killed_report_writing_leaves_the_old_or_the_new_report(tmp_path):
    out = tmp_path / "reports" / "run1"
    argv = ["score", "--pred", str(HOSTILE / "predictions" / "valid.jsonl"), "--gold", str(GOLD), "--out", str(out)]
    duration = timed_run(*argv)
    new = digest(out)
    (out / "report.json").write_text("{}\n", encoding="utf-8")
    old = keep_old_copy(out)
    states = kill_at_random_moments(argv, out, old, new, duration, seed=2)
    assert "old" in states, states


@pytest.mark.label_studio
def test_killed_pull_leaves_the_old_or_the_new_export(label_studio, tmp_path):
    docs = tmp_path / "documents.jsonl"
    docs.write_bytes(GOLD.read_bytes())
    project = ("--project", "gaiko atomic pull", "--documents", str(docs))
    assert gaiko("ls", "push", *project, "--annotations", str(GOLD), "--annotator", "a@gaiko.test",
                 "--ground-truth").wait(timeout=120) == 0
    out = tmp_path / "exports" / "gaiko.json"
    argv = ["ls", "pull", *project, "--out", str(out)]
    duration = timed_run(*argv)
    new = digest(out)
    out.write_text("[]\n", encoding="utf-8")
    old = keep_old_copy(out)
    states = kill_at_random_moments(argv, out, old, new, duration, seed=3)
    assert "old" in states, states
