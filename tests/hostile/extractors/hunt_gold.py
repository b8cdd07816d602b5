"""Hostile: searches the whole file system it can see for copies of given files.

Arguments are SIZE:SHA256 pairs of the gold-bearing files of the host. Every regular file of one of
those sizes is hashed; matches are reported on stderr as `HUNT {"found": [...], "files": N}`.
Outputs an empty prediction per document.
"""
import hashlib
import json
import os
import sys

wanted = {}
for pair in sys.argv[1:]:
    size, digest = pair.split(":")
    wanted.setdefault(int(size), set()).add(digest)
found, files = [], 0
for root, dirs, names in os.walk("/"):
    if root in ("/proc", "/sys", "/dev"):
        dirs[:] = []
        continue
    for name in names:
        path = os.path.join(root, name)
        try:
            info = os.stat(path)
        except OSError:
            continue
        files += 1
        if info.st_size in wanted:
            try:
                with open(path, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            except OSError:
                continue
            if digest in wanted[info.st_size]:
                found.append(path)
print("HUNT " + json.dumps({"found": found, "files": files}), file=sys.stderr)
for line in sys.stdin:
    print(json.dumps({"id": json.loads(line)["id"], "entities": [], "events": []}))
