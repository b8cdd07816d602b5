"""Hostile: tries to reach the network (127.0.0.1:PORT given as argument, a public address, DNS)."""
import json
import socket
import sys

results = {}
targets = {"loopback": ("127.0.0.1", int(sys.argv[1])), "public": ("1.1.1.1", 53)}
for name, address in targets.items():
    try:
        socket.create_connection(address, timeout=1).close()
        results[name] = "connected"
    except OSError as e:
        results[name] = f"error: {e}"
try:
    socket.getaddrinfo("example.com", 80)
    results["dns"] = "resolved"
except OSError as e:
    results["dns"] = f"error: {e}"
print("NETWORK " + json.dumps(results), file=sys.stderr)
for line in sys.stdin:
    print(json.dumps({"id": json.loads(line)["id"], "entities": [], "events": []}))
