"""Run an untrusted command under bubblewrap with wall-time, memory, process and output limits.

The sandbox is an allow-list. What the command sees: the system directories and a few /etc files
read-only, the Python installation and virtualenv read-only (so `python3` is the project's interpreter),
a private copy of gaiko's Python code at /code, a private read-only copy of its submission folder at
/submission (its working directory), an empty private /tmp of bounded size, a fresh /proc and a minimal
/dev. Nothing else of the host is mounted (no home, no caches, no project checkout), and every path in
`hidden` is still covered by an empty tmpfs (folders) or /dev/null (files) in case it lies inside a
mounted folder. No network (a fresh network namespace has only a down loopback, so even 127.0.0.1 is
unreachable), fresh pid/ipc/uts namespaces, no capabilities. bubblewrap itself starts with an empty
environment, so no process inside (bwrap's own init included) holds any variable of the harness.

Limits and how each is enforced:
- wall time: the harness kills bwrap's process group; `--die-with-parent` and the pid namespace
  take every process of the sandbox down with it;
- memory: a cgroup memory limit on the whole sandbox when the harness may create cgroups (root, or a
  delegated cgroup v2 subtree), whose OOM kills the harness reads back; else RLIMIT_AS per process;
- processes: a cgroup `pids.max` when available, else RLIMIT_NPROC (effective only for a
  non-root user: the kernel does not apply it to root);
- output: stdout is read incrementally into a buffer that never exceeds the limit, and the sandbox is
  killed past it;
- files: /tmp is a tmpfs of at most the memory limit, RLIMIT_FSIZE caps any single file.

The status is decided from what the harness observes — bubblewrap's JSON status (whether the command
started and its exit code), the cgroup's OOM-kill counter, the clock and the byte count — never from what
the command prints.
"""

from __future__ import annotations

import json
import math
import os
import resource
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gaiko.io import GaikoError, printable, read_bytes

MB = 1024 * 1024
INSTALL_HINT = "install bubblewrap: apt-get update && apt-get install -y bubblewrap"
STDERR_TAIL_BYTES = 16 * 1024
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt")
# /etc is not mounted whole: it can hold secrets readable by uid 0, which the sandbox runs as.
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
             "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/mime.types")
SANDBOX_WORKDIR = "/submission"
SANDBOX_CODE = "/code"
# Version-control history is never copied: it holds every past version of whatever the folder held.
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn"})
MAX_SUBMISSION_BYTES = 2 * 1024**3
MAX_SUBMISSION_FILES = 100_000
MAX_DEPTH = 256  # folder nesting; deeper is an attack on recursive tools, not a submission


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 600.0
    memory_mb: int = 4096
    max_output_mb: float = 64.0
    processes: int = 64

    def __post_init__(self):
        for spec in LIMIT_SPECS:
            problem = spec.problem(getattr(self, spec.field))
            if problem:
                raise ValueError(f"{spec.field}: {problem}")


@dataclass(frozen=True)
class LimitSpec:
    """One limit: its Limits field, its `gaiko run` flag, its extractor.toml key, type and harness maximum."""

    field: str
    flag: str
    key: str
    kind: type
    minimum: float  # exclusive for numbers, inclusive for whole numbers
    maximum: float
    unit: str

    def problem(self, value) -> str | None:
        """Why `value` is not acceptable, or None: finite, positive, of the right type, at most the maximum."""
        kind = "a whole number" if self.kind is int else "a number"
        if type(value) is bool or not isinstance(value, (int, float)) or (self.kind is int and type(value) is not int):
            return f"must be {kind} of {self.unit}, got {value!r}"
        low_ok = value >= self.minimum if self.kind is int else value > self.minimum
        if not math.isfinite(value) or not low_ok or value > self.maximum:
            low = f"at least {self.minimum:g}" if self.kind is int else f"above {self.minimum:g}"
            return f"must be {kind} of {self.unit} {low} and at most {self.maximum:g}, got {value!r}"
        return None

    def parse(self, text: str) -> int | float:
        """A command-line value; GaikoError names the flag."""
        try:
            value = int(text) if self.kind is int else float(text)
        except ValueError:
            value = text
        problem = self.problem(value)
        if problem:
            raise GaikoError(f"{self.flag} {problem}")
        return value


LIMIT_SPECS = (
    LimitSpec("timeout_s", "--timeout", "timeout", float, 0, 24 * 3600, "seconds"),
    LimitSpec("memory_mb", "--memory", "memory", int, 1, 65536, "MB"),
    LimitSpec("max_output_mb", "--max-output", "max_output", float, 0, 1024, "MB"),
    # bubblewrap's own two processes count against the limit: fewer than 4 could never run a command.
    LimitSpec("processes", "--processes", "processes", int, 4, 4096, "processes"),
)
# Every signal whose default is to end the harness, except the faults a bug raises (SEGV, BUS, FPE, ILL) and
# SIGPIPE (which Python ignores): each would otherwise leave the sandbox's cgroups and copy behind.
HANDLED_SIGNALS = tuple(
    s for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF, signal.SIGXCPU, signal.SIGXFSZ, signal.SIGIO,
                signal.SIGPWR, signal.SIGSYS, signal.SIGTRAP, signal.SIGABRT,
                *range(signal.SIGRTMIN, signal.SIGRTMAX + 1)))
RUN_PREFIX = "gaiko-run-"  # cgroups and private copies are named RUN_PREFIX + harness pid + "-…"


@dataclass
class SandboxResult:
    """What happened; `status` is one of ok, timeout, memory_exceeded, output_too_large,
    nonzero_exit, sandbox_error, sandbox_unavailable."""

    status: str
    stdout: bytes = b""
    stderr_tail: str = ""
    exit_code: int | None = None
    signal: str | None = None
    wall_seconds: float = 0.0
    output_bytes: int = 0
    enforcement: dict[str, str] = field(default_factory=dict)
    message: str = ""


# ---------------------------------------------------------------- cgroups (optional)

class _Cgroup:
    """A throw-away child of the harness's own cgroup with pids and memory limits (v1 or v2)."""

    V2_LIMITS = {"pids": "pids.max", "memory": "memory.max"}
    V1_LIMITS = {"pids": "pids.max", "memory": "memory.limit_in_bytes"}

    def __init__(self, limits: Limits):
        self.dirs: dict[str, Path] = {}
        name = f"{RUN_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
        wanted = {"pids": str(limits.processes), "memory": str(limits.memory_mb * MB)}
        for controller, (directory, limit_file) in self._locations().items():
            for stale in directory.glob(f"{RUN_PREFIX}*"):  # left by a harness that was SIGKILLed
                if not _alive(stale.name):
                    _rmdir_quietly(stale)
            child = directory / name
            try:
                child.mkdir()
                (child / limit_file).write_text(wanted[controller])
                self.dirs[controller] = child
            except OSError:
                _rmdir_quietly(child)

    @classmethod
    def _locations(cls) -> dict[str, tuple[Path, str]]:
        found: dict[str, tuple[Path, str]] = {}
        try:
            lines = Path("/proc/self/cgroup").read_text().splitlines()
        except OSError:
            return found
        for line in lines:
            _, controllers, path = line.split(":", 2)
            rel = path.lstrip("/")
            if controllers == "":  # cgroup v2: one hierarchy for every controller
                base = Path("/sys/fs/cgroup") / rel
                if not (base / "cgroup.controllers").exists():
                    base = Path("/sys/fs/cgroup/unified") / rel
                try:
                    enabled = (base / "cgroup.subtree_control").read_text().split()
                except OSError:
                    continue
                for controller in cls.V2_LIMITS:
                    if controller in enabled and os.access(base, os.W_OK):
                        found.setdefault(controller, (base, cls.V2_LIMITS[controller]))
            for controller in controllers.split(","):
                base = Path("/sys/fs/cgroup") / controller / rel
                if controller in cls.V1_LIMITS and os.access(base, os.W_OK):
                    found[controller] = (base, cls.V1_LIMITS[controller])
        return found

    def enter(self) -> None:
        """Called in the child between fork and exec: move it (and so its descendants) in."""
        for child in self.dirs.values():
            (child / "cgroup.procs").write_text(str(os.getpid()))

    def oom_killed(self) -> bool:
        directory = self.dirs.get("memory")
        if directory is None:
            return False
        for name in ("memory.events", "memory.oom_control"):
            try:
                for line in (directory / name).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and int(value) > 0:
                        return True
            except (OSError, ValueError):
                continue
        return False

    def kill_and_remove(self) -> None:
        deadline = time.monotonic() + 5
        for child in self.dirs.values():
            while child.exists() and time.monotonic() < deadline:
                for pid in _read_pids(child / "cgroup.procs"):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                if _rmdir_quietly(child):
                    break
                time.sleep(0.05)


def _alive(name: str) -> bool:
    """Whether the harness that made the cgroup or copy called `name` is still running."""
    pid = name.removeprefix(RUN_PREFIX).partition("-")[0]
    return not pid.isdigit() or Path(f"/proc/{pid}").exists()


def remove_stale_copies(parent: Path) -> None:
    """Remove the private copies of harnesses that died; only real folders of our own, never via a link."""
    for stale in parent.glob(f"{RUN_PREFIX}*"):
        try:
            info = stale.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not _alive(stale.name):
            _remove_tree(stale)


def _remove_tree(root: Path) -> None:
    """Remove a folder at any depth (no recursion); what cannot be removed stays."""
    stack, folders = [root], []
    while stack:
        folder = stack.pop()
        folders.append(folder)
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    else:
                        Path(entry.path).unlink(missing_ok=True)
        except OSError:
            continue
    for folder in reversed(folders):
        _rmdir_quietly(folder)


def _read_pids(path: Path) -> list[int]:
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


def _rmdir_quietly(path: Path) -> bool:
    try:
        path.rmdir()
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _user_process_count() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                continue
    return count


# ---------------------------------------------------------------- the private tree

@dataclass
class Copied:
    """What the private copy of a submission folder holds and what it left out, with the reason."""

    files: int = 0
    bytes: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason"}


def display_path(path: Path | str) -> str:
    """A path as one printable line, whatever bytes its name holds."""
    return printable(str(path))


def walk_tree(root: Path, skipped: frozenset[str] = frozenset(), descend=lambda path: True):
    """(path, kind) for everything below `root`, parents first, in name order, at any depth (no recursion).

    kind is dir, file, symlink, special (socket, FIFO, device) or skipped (a folder named in `skipped`);
    `descend(path)` says whether to enter a folder. An unreadable folder, or nesting deeper than MAX_DEPTH,
    is an error, never skipped silently.
    """
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise GaikoError(f"folders are nested more than {MAX_DEPTH} deep", display_path(root))
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as e:
            raise GaikoError(f"cannot read: {e.strerror}", display_path(folder)) from None
        below = []
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                yield path, "symlink"
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in skipped:
                    yield path, "skipped"
                    continue
                yield path, "dir"
                if descend(path):
                    below.append(path)
            elif entry.is_file(follow_symlinks=False):
                yield path, "file"
            else:
                yield path, "special"
        stack.extend((path, depth + 1) for path in reversed(below))


def copy_submission(source: Path, target: Path, excluded: set[Path],
                    keep=lambda relative, data: True) -> Copied:
    """Copy the regular files, folders and symlinks (as links, never followed) of `source` into `target`.

    Sockets, FIFOs and devices are never copied (a socket would reach a host service), nor version-control
    folders, nor any path in `excluded` (the gold file, the harness's outputs). Each file is read once and
    `keep(relative path, bytes)` decides on those very bytes, so what is checked is what is copied.
    """
    copied = Copied()
    excluded = {p.resolve() for p in excluded}
    for path, kind in walk_tree(source, SKIPPED_FOLDERS, lambda p: p.resolve() not in excluded):
        relative = path.relative_to(source)
        out = target / relative
        reason = None
        if kind == "skipped":
            reason = "version-control history"
        elif kind == "special":
            reason = "not a regular file (socket, FIFO or device)"
        elif kind != "symlink" and path.resolve() in excluded:
            reason = "hidden by the harness"
        elif kind == "symlink":
            os.symlink(os.readlink(path), out)
        elif kind == "dir":
            out.mkdir()
        else:
            copied.files += 1
            if copied.files > MAX_SUBMISSION_FILES:
                raise GaikoError(f"holds more than {MAX_SUBMISSION_FILES} files", display_path(source))
            data = read_bytes(path, MAX_SUBMISSION_BYTES - copied.bytes)
            if not keep(display_path(relative), data):
                copied.files -= 1
                reason = "contaminated: reproduces the gold"
            else:
                copied.bytes += len(data)
                out.write_bytes(data)
                os.chmod(out, stat.S_IMODE(path.lstat().st_mode) & 0o755 | 0o400)
        if reason:
            copied.skipped.append({"path": display_path(relative), "reason": reason})
    return copied


def copy_code(target: Path, packages: dict[str, list[Path]]) -> None:
    """The Python files (only) of gaiko's packages, laid out as packages under `target`."""
    for package, locations in packages.items():
        out = target.joinpath(*package.split("."))
        out.mkdir(parents=True, exist_ok=True)
        for location in locations:
            for path in sorted(Path(location).glob("*.py")):
                shutil.copyfile(path, out / path.name)


# ---------------------------------------------------------------- bubblewrap command line

def _mount_args(submission: Path, code: Path, readonly: list[Path], hidden: list[Path], limits: Limits) -> list[str]:
    args = ["--proc", "/proc", "--remount-ro", "/proc", "--dev", "/dev", "--size", str(limits.memory_mb * MB),
            "--tmpfs", "/tmp"]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for f in ETC_FILES:
        args += ["--ro-bind-try", f, f]
    for path in dict.fromkeys(readonly):
        args += ["--ro-bind", str(path), str(path)]
    mounted = [Path(p) for p in (*SYSTEM_DIRS, *readonly)]
    # Only a path inside a mounted folder needs covering, and only the outermost of nested ones.
    hidden = [p for p in hidden if any(p.is_relative_to(m) for m in mounted)]
    hidden = [p for p in dict.fromkeys(hidden) if not any(p != h and p.is_relative_to(h) for h in hidden)]
    for path in hidden:
        if path.is_dir():
            args += ["--tmpfs", str(path), "--remount-ro", str(path)]
        elif path.exists():
            args += ["--ro-bind", "/dev/null", str(path)]
    return args + ["--ro-bind", str(code), SANDBOX_CODE, "--ro-bind", str(submission), SANDBOX_WORKDIR]


def bwrap_argv(argv: list[str], submission: Path, code: Path, readonly: list[Path], hidden: list[Path],
               limits: Limits, env: dict[str, str], status_fd: int) -> list[str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise FileNotFoundError("bwrap")
    flags = ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv", "--cap-drop", "ALL",
             "--json-status-fd", str(status_fd)]
    for key, value in env.items():
        flags += ["--setenv", key, value]
    mounts = _mount_args(submission, code, readonly, hidden, limits)
    return [bwrap, *flags, *mounts, "--chdir", SANDBOX_WORKDIR, "--", *argv]


def python_paths() -> list[Path]:
    """The interpreter installation and the virtualenv, which sandboxed Python code needs."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(sys.executable).resolve().parent.parent}
    return sorted(paths)


def default_env() -> dict[str, str]:
    """The command's whole environment: nothing of the harness's."""
    venv_bin = str(Path(sys.prefix) / "bin")
    return {"PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
            "LANG": "C.UTF-8", "PYTHONUTF8": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
            "PYTHONPATH": SANDBOX_CODE}


# ---------------------------------------------------------------- running

class _Interrupted(BaseException):  # not an Exception: no handler of the run may swallow it
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def signals_as_exit() -> Iterator[None]:
    """SIGTERM, SIGINT and the other terminating signals raise inside the run, so every `finally` (kill,
    cgroup and copy removal) runs; the harness then exits with 128 + the signal number. (SIGKILL cannot be
    caught: the next run removes what a killed harness left.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        raise _Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in HANDLED_SIGNALS}
    try:
        yield
    except _Interrupted as e:
        raise SystemExit(128 + e.signum) from None
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _preexec(limits: Limits, cgroup: _Cgroup, nproc: int | None):
    def setup() -> None:
        cgroup.enter()
        memory = limits.memory_mb * MB
        if "memory" not in cgroup.dirs:  # with a cgroup, its OOM kill is what the harness can observe
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    return setup


def _feed(fd: int, data: bytes) -> None:
    """Write stdin through a pipe (the command gets only its read end), tolerating an early exit."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view[:65536]):]
    except OSError:
        pass
    finally:
        os.close(fd)


def run_sandboxed(argv: list[str], stdin: bytes, submission: Path, code: Path, *, limits: Limits,
                  readonly: list[Path] = (), hidden: list[Path] = ()) -> SandboxResult:
    """Run `argv` in the sandbox in a read-only `submission` folder, feeding `stdin`; never raises for
    anything the command does. `submission` and `code` are private copies made by the caller."""
    hidden_all = list(dict.fromkeys(p for h in hidden for p in (Path(h).absolute(), Path(h).resolve())))
    status_read, status_write = os.pipe()
    try:
        command = bwrap_argv(argv, submission, code, [*python_paths(), *(Path(p).resolve() for p in readonly)],
                             hidden_all, limits, default_env(), status_write)
    except FileNotFoundError:
        os.close(status_read)
        os.close(status_write)
        return SandboxResult("sandbox_unavailable", message=f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}")
    with signals_as_exit():
        cgroup = _Cgroup(limits)
        try:
            return _run(command, stdin, limits, cgroup, status_read, status_write)
        finally:
            cgroup.kill_and_remove()


def _run(command, stdin: bytes, limits: Limits, cgroup: _Cgroup, status_read: int, status_write: int):
    nproc = None if "pids" in cgroup.dirs or os.getuid() == 0 else _user_process_count() + limits.processes
    enforcement = {
        "wall_time": "kill of the sandbox process group",
        "memory": "cgroup memory limit" if "memory" in cgroup.dirs
        else "RLIMIT_AS per process (no cgroup: an allocation failure is reported as nonzero_exit)",
        "processes": "cgroup pids.max" if "pids" in cgroup.dirs
        else "RLIMIT_NPROC" if nproc is not None else "NOT ENFORCED (root without a writable pids cgroup)",
        "output": "incremental, bounded read of stdout",
    }
    started = time.monotonic()
    stdin_read, stdin_write = os.pipe()
    try:
        # An empty environment for bwrap itself: its init (pid 1 inside) would otherwise keep ours.
        proc = subprocess.Popen(command, stdin=stdin_read, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={}, pass_fds=(status_write,), start_new_session=True,
                                preexec_fn=_preexec(limits, cgroup, nproc))
    except OSError as e:
        for fd in (stdin_read, stdin_write, status_read, status_write):
            os.close(fd)
        return SandboxResult("sandbox_error", message=f"cannot start bubblewrap: {e}", enforcement=enforcement)
    os.close(stdin_read)
    os.close(status_write)
    feeder = threading.Thread(target=_feed, args=(stdin_write, stdin), daemon=True)
    feeder.start()
    try:
        status, stdout, stderr_tail, output_bytes = _collect(proc, limits, started)
    finally:
        _kill_group(proc)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        feeder.join(timeout=5)
    with os.fdopen(status_read, "rb") as f:
        exit_code = _command_exit_code(f.read(64 * 1024))
    result = SandboxResult(status, stdout=bytes(stdout), stderr_tail=stderr_tail.decode("utf-8", "replace"),
                           wall_seconds=round(time.monotonic() - started, 3), output_bytes=output_bytes,
                           enforcement=enforcement)
    _classify_exit(result, proc.returncode, exit_code, cgroup.oom_killed())
    return result


def _command_exit_code(status: bytes) -> int | None:
    """The command's exit code from bubblewrap's JSON status lines; None when it never ran to an exit."""
    code = None
    for line in status.decode("utf-8", "replace").splitlines():
        try:
            code = json.loads(line).get("exit-code", code)
        except (ValueError, AttributeError):
            continue
    return code


def _collect(proc: subprocess.Popen, limits: Limits, started: float):
    """Read stdout (never more than the limit is held) and the tail of stderr until exit, timeout or
    too much output."""
    max_output = int(limits.max_output_mb * MB)
    stdout, stderr_tail, output_bytes = bytearray(), bytearray(), 0
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ, "out")
    selector.register(proc.stderr, selectors.EVENT_READ, "err")
    open_streams = 2
    while open_streams:
        remaining = limits.timeout_s - (time.monotonic() - started)
        if remaining <= 0:
            return "timeout", stdout, stderr_tail, output_bytes
        for key, _ in selector.select(timeout=min(remaining, 0.5)):
            chunk = os.read(key.fileobj.fileno(), 64 * 1024)
            if not chunk:
                selector.unregister(key.fileobj)
                open_streams -= 1
            elif key.data == "out":
                output_bytes += len(chunk)
                if output_bytes > max_output:
                    return "output_too_large", stdout, stderr_tail, output_bytes
                stdout += chunk
            else:
                stderr_tail = (stderr_tail + chunk)[-STDERR_TAIL_BYTES:]
    remaining = max(0.0, limits.timeout_s - (time.monotonic() - started))
    try:
        proc.wait(timeout=remaining)
    except subprocess.TimeoutExpired:
        return "timeout", stdout, stderr_tail, output_bytes
    return "exited", stdout, stderr_tail, output_bytes


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _classify_exit(result: SandboxResult, bwrap_code: int, exit_code: int | None, oom: bool) -> None:
    """Status from observations only: bubblewrap's report of the command's exit, the OOM counter."""
    result.exit_code = exit_code
    if exit_code is not None and exit_code > 128 and exit_code - 128 < signal.NSIG:
        result.signal = signal.Signals(exit_code - 128).name  # bwrap reports a death by signal N as 128 + N
    if oom:
        result.status = "memory_exceeded"
    elif result.status != "exited":
        return
    elif exit_code is None:
        result.status = "sandbox_error"
        result.message = f"bubblewrap exited with code {bwrap_code} before the command ran to an exit"
    else:
        result.status = "ok" if exit_code == 0 else "nonzero_exit"
