"""Hostile: tries to write through its stdin and to reach host services through files of its folder.

Reports on stderr as `ESCAPE {...}`; then outputs an empty prediction per document (read before writing).
"""
import json
import os
import socket
import sys

documents = [json.loads(line) for line in sys.stdin if line.strip()]
results = {}
try:
    os.write(0, b"x" * 1024)
    results["fd0"] = "written"
except OSError as e:
    results["fd0"] = f"error: {e.strerror}"
try:
    with open("/proc/self/fd/0", "r+b") as f:
        f.write(b"x" * (32 * 1024 * 1024))
    results["reopen_stdin"] = "written"
except OSError as e:
    results["reopen_stdin"] = f"error: {e.strerror}"
for name in sorted(os.listdir(".")):
    results[f"entry:{name}"] = "present"
for name in ("host.sock", "host.fifo"):
    try:
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(1)
        client.connect(name)
        client.sendall(b"hello from the sandbox")
        results[name] = "connected"
    except OSError as e:
        results[name] = f"error: {e.strerror}"
print("ESCAPE " + json.dumps(results), file=sys.stderr)
for doc in documents:
    print(json.dumps({"id": doc["id"], "entities": [], "events": []}))
