"""Hostile: prints the environment and command line of every process it can see (bwrap's init included)."""
import json
import os
import sys

seen = {"self": dict(os.environ)}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        for name in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as f:
                    seen[f"{pid}/{name}"] = f.read().decode("utf-8", "replace")
            except OSError as e:
                seen[f"{pid}/{name}"] = f"error: {e.strerror}"
print("ENVIRON " + json.dumps(seen), file=sys.stderr)
for line in sys.stdin:
    print(json.dumps({"id": json.loads(line)["id"], "entities": [], "events": []}))
