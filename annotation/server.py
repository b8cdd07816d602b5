"""Start and stop a local Label Studio server (for annotators and for the integration test).

The server binds 127.0.0.1 on a free port; its first user and API token come from the environment
(LABEL_STUDIO_USERNAME, LABEL_STUDIO_PASSWORD, LABEL_STUDIO_USER_TOKEN) and are never printed. Label Studio
silently moves to the next port when the chosen one is busy, so the start fails instead when that happens.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gaiko.io import GaikoError

CREDENTIAL_ENV = ("LABEL_STUDIO_USERNAME", "LABEL_STUDIO_PASSWORD", "LABEL_STUDIO_USER_TOKEN")
# Legacy tokens let the preset LABEL_STUDIO_USER_TOKEN work (off by default since Label Studio 1.17; the
# setting applies when the organization is created, i.e. on a fresh data dir).
SERVER_ENV = {"LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true", "LATEST_VERSION_CHECK": "false",
              "PYTHONUNBUFFERED": "1"}
PORT_MOVED_MARK = "is in use"  # what Label Studio prints when it moves to another port
DEFAULT_DATA_DIR = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "gaiko" / "label-studio"


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    data_dir: Path
    log_path: Path

    def stop(self, timeout: float = 20) -> None:
        """Stop the server and the processes it started (its own process group)."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _executable() -> str:
    found = Path(sys.executable).with_name("label-studio")
    if found.exists():
        return str(found)
    which = shutil.which("label-studio")
    if which is None:
        raise GaikoError("the label-studio server is not installed (pip install 'gaiko[test]')")
    return which


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return json.loads(response.read()).get("status") == "UP"
    except (OSError, ValueError):
        return False


def start_server(data_dir: str | os.PathLike, port: int | None = None, timeout: float = 180) -> Server:
    """Start Label Studio on 127.0.0.1 and return once /health answers UP on exactly that port."""
    missing = [name for name in CREDENTIAL_ENV if not os.environ.get(name)]
    if missing:
        raise GaikoError(f"set {', '.join(missing)} in the environment (the server's first user and API token)")
    if len(os.environ["LABEL_STUDIO_USER_TOKEN"]) < 6:
        raise GaikoError("LABEL_STUDIO_USER_TOKEN must be at least 6 characters")
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    if _healthy(url):
        raise GaikoError(f"port {port} already serves a Label Studio; choose another port")
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "server.log"
    command = [_executable(), "start", "--no-browser", "--port", str(port), "--internal-host", "127.0.0.1",
               "--data-dir", str(data_dir)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={**os.environ, **SERVER_ENV}, start_new_session=True)
    server = Server(process, url, data_dir, log_path)
    deadline = time.monotonic() + timeout
    try:
        while not _healthy(url):
            if process.poll() is not None:
                raise GaikoError(f"Label Studio exited with code {process.returncode}; see its log", log_path)
            if PORT_MOVED_MARK in log_path.read_text(errors="replace"):
                raise GaikoError(f"port {port} was taken and Label Studio moved to another one", log_path)
            if time.monotonic() > deadline:
                raise GaikoError(f"Label Studio did not answer on {url}/health within {timeout:.0f} s", log_path)
            time.sleep(1)
        if PORT_MOVED_MARK in log_path.read_text(errors="replace"):
            raise GaikoError(f"port {port} answers, but Label Studio moved to another port", log_path)
    except BaseException:
        server.stop()
        raise
    return server
