"""Work run in a forked process, its result sent back pickled: how a command uses more than one core.

A forked process starts with a copy of its parent's memory (shared until written), so the work needs
nothing sent to it. It only ever helps: a part whose process fails, for any reason, gives no result,
and the caller does that part itself, raising the error a single process would raise.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Any


def usable_cpus() -> int:
    """The processors this process may run on (its affinity, not the machine's count); 1 without fork."""
    if not hasattr(os, "fork"):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Forked:
    """`work()` running in a child process from now on; `result()` waits for its return value."""

    def __init__(self, work: Callable[[], Any]):
        import pickle  # here: a command that never forks does not pay for its import

        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns, never runs the parent's exit handlers or flushes its buffers
            code = 1
            try:
                os.close(read)
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
