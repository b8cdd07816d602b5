"""Work run in a forked process, its result sent back pickled: how a command uses more than one core.

A forked process starts with a copy of its parent's memory (shared until written), so the work needs
nothing sent to it. It only ever helps: a part whose process cannot start or fails, for any reason,
gives no result, and the caller does that part itself, raising the error a single process would raise.
A child never outlives its parent: it is killed when the parent dies, however the parent ends (Linux).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

_SPARE_DESCRIPTORS = 32  # files the parent may still open (inputs, modules) besides one pipe per child
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def usable_cpus() -> int:
    """The processors this process may run on (its affinity, not the machine's count); 1 without fork."""
    if not hasattr(os, "fork"):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def children_allowed(wanted: int) -> int:
    """How many of `wanted` children to fork: each holds a pipe open in the parent, and a low limit on
    open files must leave the parent the descriptors it needs."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(0, min(wanted, soft - _SPARE_DESCRIPTORS - _open_descriptors()))


def _open_descriptors() -> int:
    try:
        return len(os.listdir("/proc/self/fd")) - 1  # without the one listing them
    except OSError:
        return 3


def start(work: Callable[[], Any]) -> Forked | None:
    """`work` in a forked process; None when no process can be started (no fork, no memory, no descriptor)."""
    try:
        return Forked(work)
    except OSError:
        return None


class Forked:
    """`work()` running in a child process from now on; `result()` waits for its return value."""

    def __init__(self, work: Callable[[], Any]):
        import pickle  # here: a command that never forks does not pay for its import

        read, write = os.pipe()
        parent = os.getpid()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if self.pid == 0:  # the child: never returns, never runs the parent's exit handlers or flushes its buffers
            code = 1
            try:
                _die_with(parent)
                os.close(read)
                _detach_output()
                with os.fdopen(write, "wb") as out:
                    pickle.dump(work(), out, pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pipe = os.fdopen(read, "rb")

    def result(self) -> Any | None:
        """The work's return value; None when it raised or its process died."""
        import pickle

        with self._pipe:
            data = self._pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return pickle.loads(data) if os.waitstatus_to_exitcode(status) == 0 and data else None

    def stop(self) -> None:
        """End the child if it still runs (the parent failed first, or was interrupted)."""
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
            self._pipe.close()


def _die_with(parent: int) -> None:
    """Be killed when the parent dies (SIGTERM, SIGKILL: no `finally` of its runs); and end now if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _detach_output() -> None:
    """The child writes nothing: its standard streams point nowhere, so a pipeline reading the parent's
    output ends when the parent does."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
