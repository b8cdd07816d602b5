"""Shared by the benchmark scripts: median timings, child processes with their peak memory, the
machine description, and result tables printed as text and Markdown."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from gaiko.tables import NONE, markdown_lines, plain_lines

LIBRARIES = ("numpy", "seqeval", "nervaluate", "datasets", "pyarrow", "spacy", "ginza", "ja-ginza",
             "sklearn-crfsuite", "sudachipy")


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of `repeats` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


@dataclass
class Child:
    seconds: float
    peak_mb: float  # the command's maximum resident set size (with its own processes': see LAUNCHER)
    stdout: str
    cpu_seconds: float = 0.0  # user + system time: steadier than wall time on a shared machine


# A process started from this one inherits its memory high-water mark (it survives the exec that
# follows a vfork), so a small launcher runs the command and reports the command's own time and peak.
# A command may fork processes of its own (`gaiko score --jobs`): the peak is then the largest sum of
# the resident sets of the command and its descendants, sampled every 5 ms (pages they share after a
# fork are counted in each), or the largest single process's peak when that is larger.
LAUNCHER = """
import os, resource, subprocess, sys, threading, time
PAGE = os.sysconf("SC_PAGE_SIZE")

def tree_bytes(pid):
    total, todo = 0, [pid]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo += map(int, f.read().split())
        except OSError:
            pass
    return total

def sample(pid, done, peak):
    while not done.is_set():
        peak[0] = max(peak[0], tree_bytes(pid))
        done.wait(0.005)

started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
done, peak = threading.Event(), [0]
sampler = threading.Thread(target=sample, args=(child.pid, done, peak))
sampler.start()
code = child.wait()
seconds = time.perf_counter() - started
done.set()
sampler.join()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write(f"{seconds} {max(usage.ru_maxrss, peak[0] // 1024)} {usage.ru_utime + usage.ru_stime}")
sys.exit(code)
"""


def run_child(argv: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> Child:
    """Run a command to completion (through LAUNCHER); fail loudly if it fails."""
    with tempfile.TemporaryDirectory() as tmp:
        measured = Path(tmp) / "measured"
        proc = subprocess.run([sys.executable, "-c", LAUNCHER, str(measured), *argv], capture_output=True,
                              text=True, env=env, cwd=cwd)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}: {proc.stderr.strip()[-2000:]}")
        seconds, peak_kb, cpu = measured.read_text().split()
    return Child(float(seconds), int(peak_kb) / 1024, proc.stdout, float(cpu))


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return {"CPU": cpu, "cores": str(os.cpu_count()), "Python": platform.python_version(),
            "OS": f"{platform.system()} {platform.release()}", "libraries": ", ".join(versions)}


@dataclass
class Table:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        self.rows.append(tuple(cells))

    def _cells(self) -> list[tuple[str, ...]]:
        return [tuple(_format(c) for c in row) for row in self.rows]

    def text(self) -> str:
        lines = plain_lines([self.columns, *self._cells()], "l" + "r" * (len(self.columns) - 1))
        return "\n".join([self.title, *lines, *(f"  note: {n}" for n in self.notes)]) + "\n"

    def markdown(self) -> str:
        out = [f"### {self.title}", "",
               *markdown_lines(self.columns, self._cells(), "l" + "r" * (len(self.columns) - 1))]
        return "\n".join(out + [""] + [f"- {n}" for n in self.notes] + ([""] if self.notes else []))


def _format(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def seconds(value: float | None) -> str:
    if value is None:
        return NONE
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def ratio(slow: float | None, fast: float | None) -> str:
    return NONE if not slow or not fast else f"{slow / fast:.1f}×"
