"""Run an untrusted command under bubblewrap with wall-time, memory, process and output limits.

What the command sees: the system directories and a few /etc files read-only, the Python
installation and virtualenv read-only (so `python3` is the project's interpreter), its working
directory read-only, an empty private /tmp of bounded size, a fresh /proc and a minimal /dev.
Nothing else of the host is mounted (no home, no caches, no git history), and every path in
`hidden` is covered by an empty tmpfs (folders) or by /dev/null (files: opening them fails, as
device nodes cannot be opened on a bubblewrap bind mount) even when it lies inside a mounted folder. No network (a fresh network namespace has only a down loopback, so even
127.0.0.1 is unreachable), fresh pid/ipc/uts namespaces, no capabilities, empty environment.

Limits and how each is enforced:
- wall time: the harness kills bwrap's process group; `--die-with-parent` and the pid namespace
  take every process of the sandbox down with it;
- memory: RLIMIT_AS per process, plus a cgroup memory limit on the whole sandbox when the
  harness may create cgroups (root, or a delegated cgroup v2 subtree);
- processes: a cgroup `pids.max` when available, else RLIMIT_NPROC (effective only for a
  non-root user: the kernel does not apply it to root);
- output: stdout is read incrementally and the sandbox is killed past the limit;
- files: /tmp is a tmpfs of at most the memory limit, RLIMIT_FSIZE caps any single file.
"""

from __future__ import annotations

import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024
INSTALL_HINT = "install bubblewrap: apt-get update && apt-get install -y bubblewrap"
STDERR_TAIL_BYTES = 16 * 1024
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt")
# /etc is not mounted whole: it can hold secrets readable by uid 0, which the sandbox runs as.
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
             "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/mime.types")
MEMORY_ERROR_MARKERS = (b"MemoryError", b"Cannot allocate memory", b"std::bad_alloc", b"out of memory")


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 600.0
    memory_mb: int = 4096
    max_output_mb: float = 64.0
    processes: int = 64


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
        name = f"gaiko-run-{os.getpid()}-{time.monotonic_ns()}"
        wanted = {"pids": str(limits.processes), "memory": str(limits.memory_mb * MB)}
        for controller, (directory, limit_file) in self._locations().items():
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


# ---------------------------------------------------------------- bubblewrap command line

def _mount_args(workdir: Path, readonly: list[Path], hidden: list[Path], limits: Limits) -> list[str]:
    # The private /tmp comes first so that a working directory under the host's /tmp stays visible.
    args = ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.memory_mb * MB), "--tmpfs", "/tmp"]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for f in ETC_FILES:
        args += ["--ro-bind-try", f, f]
    for path in dict.fromkeys([*readonly, workdir]):
        args += ["--ro-bind", str(path), str(path)]
    for path in hidden:
        if path.is_dir():
            args += ["--tmpfs", str(path)]
        elif path.exists():
            args += ["--ro-bind", "/dev/null", str(path)]
    return args


def bwrap_argv(argv: list[str], workdir: Path, readonly: list[Path], hidden: list[Path],
               limits: Limits, env: dict[str, str]) -> list[str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise FileNotFoundError("bwrap")
    flags = ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv", "--cap-drop", "ALL"]
    for key, value in env.items():
        flags += ["--setenv", key, value]
    mounts = _mount_args(workdir, readonly, hidden, limits)
    return [bwrap, *flags, *mounts, "--chdir", str(workdir), "--", *argv]


def python_paths() -> list[Path]:
    """The interpreter installation and the virtualenv, which sandboxed Python code needs."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(sys.executable).resolve().parent.parent}
    return sorted(paths)


def default_env() -> dict[str, str]:
    venv_bin = str(Path(sys.prefix) / "bin")
    return {"PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
            "LANG": "C.UTF-8", "PYTHONUTF8": "1", "PYTHONDONTWRITEBYTECODE": "1"}


# ---------------------------------------------------------------- running

def _preexec(limits: Limits, cgroup: _Cgroup, nproc: int | None):
    def setup() -> None:
        cgroup.enter()
        memory = limits.memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    return setup


def run_sandboxed(argv: list[str], stdin: bytes, workdir: Path, *, limits: Limits,
                  readonly: list[Path] = (), hidden: list[Path] = ()) -> SandboxResult:
    """Run `argv` in the sandbox feeding `stdin`; never raises for anything the command does."""
    workdir = Path(workdir).resolve()
    hidden_all = list(dict.fromkeys(p for h in hidden for p in (Path(h).absolute(), Path(h).resolve())))
    try:
        command = bwrap_argv(argv, workdir, [*python_paths(), *(Path(p).resolve() for p in readonly)],
                             hidden_all, limits, default_env())
    except FileNotFoundError:
        return SandboxResult("sandbox_unavailable", message=f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}")
    cgroup = _Cgroup(limits)
    nproc = None if "pids" in cgroup.dirs or os.getuid() == 0 else _user_process_count() + limits.processes
    enforcement = {
        "wall_time": "kill of the sandbox process group",
        "memory": "RLIMIT_AS per process" + (" + cgroup memory limit" if "memory" in cgroup.dirs else ""),
        "processes": "cgroup pids.max" if "pids" in cgroup.dirs
        else "RLIMIT_NPROC" if nproc is not None else "NOT ENFORCED (root without a writable pids cgroup)",
        "output": "incremental read of stdout",
    }
    started = time.monotonic()
    with tempfile.TemporaryFile() as stdin_file:
        stdin_file.write(stdin)
        stdin_file.seek(0)
        try:
            proc = subprocess.Popen(command, stdin=stdin_file, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True, preexec_fn=_preexec(limits, cgroup, nproc))
        except OSError as e:
            cgroup.kill_and_remove()
            return SandboxResult("sandbox_error", message=f"cannot start bubblewrap: {e}", enforcement=enforcement)
        try:
            status, stdout, stderr_tail, output_bytes = _collect(proc, limits, started)
        finally:
            _kill_group(proc)
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
            oom = cgroup.oom_killed()
            cgroup.kill_and_remove()
    result = SandboxResult(status, stdout=bytes(stdout), stderr_tail=stderr_tail.decode("utf-8", "replace"),
                           wall_seconds=round(time.monotonic() - started, 3), output_bytes=output_bytes,
                           enforcement=enforcement)
    _classify_exit(result, proc.returncode, stderr_tail, oom)
    return result


def _collect(proc: subprocess.Popen, limits: Limits, started: float):
    """Read stdout (bounded) and the tail of stderr until exit, timeout or too much output."""
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


def _classify_exit(result: SandboxResult, returncode: int, stderr_tail: bytes, oom: bool) -> None:
    result.exit_code = returncode
    if returncode < 0:
        result.signal = signal.Signals(-returncode).name
    elif returncode > 128:  # bwrap reports a command killed by signal N as 128 + N
        result.signal = signal.Signals(returncode - 128).name if returncode - 128 < signal.NSIG else None
    if result.status != "exited":
        return
    if returncode == 0 and not oom:
        result.status = "ok"
    elif oom or any(m in stderr_tail for m in MEMORY_ERROR_MARKERS):
        result.status = "memory_exceeded"
    elif stderr_tail.startswith(b"bwrap:"):
        result.status = "sandbox_error"
        result.message = stderr_tail.decode("utf-8", "replace").strip()
    else:
        result.status = "nonzero_exit"
