"""Hostile: tries to write into its working folder, the project code and /tmp (only /tmp may work)."""
import json
import sys

results = {}
for path in sys.argv[1:]:
    try:
        with open(path, "w") as f:
            f.write("tampered")
        results[path] = "written"
    except OSError as e:
        results[path] = f"error: {e.strerror}"
print("WRITE " + json.dumps(results), file=sys.stderr)
